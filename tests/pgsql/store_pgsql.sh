#!/usr/bin/env bash
# tests/pgsql/store_pgsql.sh - the PostgreSQL store plug-in against a real
# private server: starts one (tests/pgsql/lib/server.sh), runs the Check
# suite BUILD/tests/pgsql/test_store_pgsql against it and prints one
# PASS:/FAIL: line per test (see tests/run.sh).  Without the server
# binaries it skips, except under CI, where that is a failure.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
MFA_BUILD=${MFA_BUILD:-$PWD/build/default}
export MFA_BUILD

# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
# shellcheck source=tests/pgsql/lib/server.sh
. tests/pgsql/lib/server.sh

prog=$MFA_BUILD/tests/pgsql/test_store_pgsql
if [[ -z $(pg_bindir) ]]; then
	if [[ ${CI:-} == true ]]; then
		echo "FAIL: PostgreSQL server binaries missing (make deps)"
		exit 1
	fi
	echo "SKIP: PostgreSQL server binaries missing (make deps)"
	exit 0
fi
if [[ $(id -u) == 0 ]] && ! id postgres >/dev/null 2>&1; then
	echo "FAIL: as root the test server runs as user postgres: missing"
	exit 1
fi
mfa_test_base_enter "$MFA_BUILD" || exit 1
work=$(mktemp -d "$MFA_TEST_BASE/pgsql.XXXXXX") || exit 1
chmod 0711 "$work"
trap 'pg_stop; rm -rf "$work"; mfa_test_base_leave' EXIT

if ! pg_start "$work/pg"; then
	echo "FAIL: the test server did not start"
	exit 1
fi
export MFA_PG_PORT=$PG_PORT MFA_PG_PID=$PG_PID MFA_PG_ADMIN=$PG_ADMIN

CK_VERBOSITY=verbose "$prog" >"$work/out" 2>&1
status=$?
# Check's lines: FILE:LINE:P|F|E:TCASE:TEST:ITER: MESSAGE
awk -F: '$3 == "P" { print "PASS: pgsql store: " $5 }
	$3 == "F" || $3 == "E" { print "FAIL: pgsql store: " $5 ": " $0 }' \
	"$work/out"
if ((status != 0)) || ! grep -q ':P:' "$work/out"; then
	cat "$work/out"
	grep -q ':[FE]:' "$work/out" || echo "FAIL: pgsql store: exit $status"
	exit 1
fi
exit 0
