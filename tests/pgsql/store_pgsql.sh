#!/usr/bin/env bash
# tests/pgsql/store_pgsql.sh - the PostgreSQL store plug-in against a real
# private server: starts one (tests/pgsql/lib/server.sh), runs the Check
# suite BUILD/tests/pgsql/test_store_pgsql against it and prints one
# PASS:/FAIL: line per test (see tests/run.sh).  Without the server
# binaries it skips, except under CI, where that is a failure.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
MFA_BUILD=${MFA_BUILD:-$PWD/build/default} MFA_SRC=$PWD
export MFA_BUILD MFA_SRC
# As tests/run.sh does: Check's 4 s default is short for a busy machine.
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-300}

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

printf 'host=127.0.0.1 port=%s dbname=mfa user=mfaadmin\n' "$PG_PORT" \
	>"$work/pam.conninfo"
chmod 0600 "$work/pam.conninfo"
export MFA_PG_CONNINFO_FILE=$work/pam.conninfo

# run_checks NAME PROGRAM: its tests as PASS:/FAIL: lines; 1 on failure.
# Check's lines: FILE:LINE:P|F|E:TCASE:TEST:ITER: MESSAGE (verbose), or
# only the failures and "N%: Checks: N, Failures: F, Errors: E".
run_checks() {
	local name=$1 prog=$2 out=$work/$1.out status n
	CK_VERBOSITY=verbose "$prog" >"$out" 2>&1
	status=$?
	awk -F: -v n="$name" '$3 == "P" { print "PASS: " n ": " $5 }
		$3 == "F" || $3 == "E" { print "FAIL: " n ": " $5 ": " $0 }' \
		"$out"
	if ! grep -q ':P:' "$out"; then
		n=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: 0, Errors: 0$/\1/p' "$out")
		[[ -n $n ]] && echo "PASS: $name: all $n checks"
	fi
	if ((status != 0)) || ! grep -qE ':P:|Failures: 0, Errors: 0' "$out"; then
		cat "$out"
		grep -q ':[FE]:' "$out" || echo "FAIL: $name: exit $status"
		return 1
	fi
}

rc=0
run_checks "pgsql store" "$prog" || rc=1
run_checks "pgsql module" "$MFA_BUILD/tests/pgsql/test_pam_pgsql" || rc=1
exit $rc
