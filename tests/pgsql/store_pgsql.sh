#!/usr/bin/env bash
# tests/pgsql/store_pgsql.sh - the PostgreSQL store plug-in against a real
# private server: starts one (tests/lib/pg.sh), runs the Check
# suites BUILD/tests/pgsql/test_* against it, then the PAM suites that
# exercise state (tests/pam) with store = postgresql, and prints PASS:/FAIL:
# lines (see tests/run.sh).  Without the server binaries it skips, except
# under CI, where that is a failure.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
MFA_BUILD=${MFA_BUILD:-$PWD/build/default} MFA_SRC=$PWD
export MFA_BUILD MFA_SRC
# As tests/run.sh does: Check's 4 s default is short for a busy machine.
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-300}

# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
# shellcheck source=tests/lib/pg.sh
. tests/lib/pg.sh
# shellcheck source=tests/pgsql/lib/vault_fleet.sh
. tests/pgsql/lib/vault_fleet.sh

prog=$MFA_BUILD/tests/pgsql/test_store_pgsql
mfa_test_base_enter "$MFA_BUILD" || exit 1
work=$(mktemp -d "$MFA_TEST_BASE/pgsql.XXXXXX") || exit 1
chmod 0711 "$work"
trap 'rm -rf "$work"; mfa_test_base_leave' EXIT
if ! pg_init; then
	if [[ ${CI:-} == true ]]; then
		echo "FAIL: PostgreSQL test server: $PG_WHY (make deps)"
		exit 1
	fi
	echo "SKIP: PostgreSQL test server: $PG_WHY (make deps)"
	exit 0
fi

# The suites log in as $PG_ADMIN over TCP, with and without TLS, and as
# mfa_pw with its password.
if ! pg_make_certs "$PG_ADMIN" || ! pg_start store ssl-trust ||
	! pg_create_db store mfa "$PG_ADMIN" ||
	! pg_create_role store mfa_pw right-pw ||
	! pg_hba_add store "host all mfa_pw 127.0.0.1/32 scram-sha-256"; then
	echo "FAIL: the test server did not start: $PG_WHY"
	exit 1
fi
MFA_PG_PORT=${PG_PORT[store]} MFA_PG_PID=$(pg_pid store)
MFA_PG_ADMIN=$(pg_conninfo store mfa "$PG_ADMIN")
export MFA_PG_PORT MFA_PG_PID MFA_PG_ADMIN
export MFA_PG_CA=$PG_TLS/ca.crt MFA_PG_OTHER_CA=$PG_TLS/other-ca.crt

pg_conninfo_file "$work/pam.conninfo" "$MFA_PG_ADMIN"
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
		# The hooked PAM suites' own SKIP lines are not skips here.
		sed 's/^SKIP: /(not on this store) /' "$out"
		grep -q ':[FE]:' "$out" || echo "FAIL: $name: exit $status"
		return 1
	fi
}

rc=0
run_checks "pgsql store" "$prog" || rc=1
run_checks "pgsql module" "$MFA_BUILD/tests/pgsql/test_pam_pgsql" || rc=1

# The PAM suites that exercise state, unchanged, on this store
# (MFA_TEST_STORE_CONF, tests/lib/pamh.h), from the shipped schema.
pg_store_lines "$work/pam.conninfo" >"$work/store.conf"
if ! pg_psql_file store mfa "$PG_ADMIN" pgsql/schema.sql >/dev/null ||
	! pg_psql store mfa -c "DELETE FROM pam_mfa.state; DELETE FROM pam_mfa.vault"
then
	echo "FAIL: pgsql/schema.sql through psql"
	exit 1
fi
# mfa-enroll doctor (root's): a host named without hostaddr= is resolved
# by libpq with no deadline (pgsql/README.md): a warning, not a failure.
if [[ $(id -u) == 0 ]]; then
	printf 'host=localhost port=%s dbname=mfa user=mfaadmin\n' "$MFA_PG_PORT" \
		>"$work/named.conninfo"
	sed "s|$work/pam.conninfo|$work/named.conninfo|" "$work/store.conf" \
		>"$work/named.conf"
	chmod 0600 "$work/named.conninfo" "$work/named.conf"
	"$MFA_BUILD/mfa-enroll" --conf "$work/named.conf" doctor \
		>"$work/doctor.out" 2>&1
	if grep -qx "warn: store at $work/named.conninfo: the connection file names a host by name: its resolution is not bounded by store_timeout=: add hostaddr=" "$work/doctor.out" &&
		grep -q "^ok: store at $work/named.conninfo: postgresql: localhost port" "$work/doctor.out"; then
		echo "PASS: doctor: a host named without hostaddr= is a warning"
	else
		echo "FAIL: doctor: no warning for a host name: $(grep store "$work/doctor.out")"
		rc=1
	fi
fi
for s in module trust email fault rollout lockout handover vault; do
	MFA_TEST_STORE_CONF=$work/store.conf \
		run_checks "pam $s on pgsql" "$MFA_BUILD/tests/pam/test_$s" || rc=1
done
# mfa-enroll with secrets = vault, unchanged, on this store.
pg_psql store mfa -c "DELETE FROM pam_mfa.state; DELETE FROM pam_mfa.vault"
MFA_TEST_STORE_CONF=$work/store.conf \
	bash tests/sh/enroll_vault.sh | sed -E 's/^(PASS|FAIL|SKIP): /\1: on pgsql: /'
((PIPESTATUS[0] == 0)) || rc=1
# secrets = vault across two hosts, store import of a vault, the upgrade.
vault_fleet store "$work/pam.conninfo" || rc=1
exit $rc
