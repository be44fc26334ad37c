#!/usr/bin/env bash
# tests/sh/pg_rig.sh - the PostgreSQL test rig (tests/lib/pg.sh) does what
# the store's suites rely on: private servers on 127.0.0.1, trust, SCRAM
# and certificate logins over TLS (verify-full), a synchronous standby
# that takes over after a promotion, a server that hangs (kill -STOP) and
# one that is stopped, connection files, and no server left behind.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
failed=0

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	failed=1
}
skip() { echo "SKIP: $1"; }
check() { # NAME STATUS [DETAIL]
	if [[ $2 == 0 ]]; then pass "$1"; else fail "$1${3:+: $3}"; fi
}

if [[ ${SANITIZE:-} == 1 ]]; then
	echo "pg_rig: not repeated under SANITIZE=1 (it runs none of pam_mfa's code)"
	exit 0
fi

# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
# shellcheck source=tests/lib/pg.sh
. tests/lib/pg.sh
trap 'mfa_test_base_leave' EXIT
if ! pg_init; then
	skip "pg_rig ($PG_WHY)"
	exit 0
fi


# client CONNINFO SQL: psql as a client of the module's kind (TCP, no
# service file, no password file, no PG* variables), 5 s at most.
client() {
	env -i PATH="$PATH" HOME="$PG_DIR" PGCONNECT_TIMEOUT=5 \
		timeout 20 "$PG_BIN/psql" -X -q -At -d "$1" -c "$2" 2>&1
}

# ---- a primary with trust, a database and a role ----
if ! pg_start main || ! pg_create_db main fleet mfa; then
	fail "pg_start main: $PG_WHY"
	exit 1
fi
P1=${PG_PORT[main]}
out=$(client "$(pg_conninfo main fleet mfa)" \
	"SELECT current_user || ' ' || current_database() || ' ' || inet_server_addr()")
check "a primary: the role logs in to its database over 127.0.0.1:$P1" \
	"$([[ $out == "mfa fleet 127.0.0.1/32" || $out == "mfa fleet 127.0.0.1" ]]; echo $?)" "$out"

listen=$(ss -Htln "sport = :$P1" | awk '{ print $4 }' | sort -u | tr '\n' ' ')
check "it listens on 127.0.0.1 only" \
	"$([[ $listen == "127.0.0.1:$P1 " ]]; echo $?)" "$listen"

sock=$(pg_psql main postgres -c "SHOW unix_socket_directories")
mode=$(stat -c '%a %U' "${PG_SOCK[main]}")
want_owner=postgres
[[ $(id -u) == 0 ]] || want_owner=$(id -un)
check "its unix socket is in a private directory (0700, $want_owner)" \
	"$([[ $sock == "${PG_SOCK[main]}" && $mode == "700 $want_owner" &&
		-S ${PG_SOCK[main]}/.s.PGSQL.$P1 ]]; echo $?)" "$sock $mode"

# (As root, /var/lib when the postgres account cannot pass through the
# base: a checkout below /root.)
check "its data directory is below the test base (as root, else /var/lib), every ancestor safe" \
	"$([[ ${PG_DATA[main]} == "$MFA_TEST_BASE"/* ||
		($(id -u) == 0 && ${PG_DATA[main]} == /var/lib/pam_mfa-pg.*) ]] &&
		[[ ${PG_DATA[main]} != /tmp/* ]] && mfa_dir_is_safe "$PG_DIR"; echo $?)" \
	"${PG_DATA[main]}"

if [[ $(id -u) == 0 ]]; then
	owner=$(ps -o user= -p "$(pg_pid main)")
	check "as root, the server runs as postgres" \
		"$([[ $owner == postgres ]]; echo $?)" "$owner"
fi

out=$(client "$(pg_conninfo main fleet mfa)" \
	"CREATE TABLE t (k int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'before'); SELECT v FROM t")
check "pg_create_db: the role owns the database (creates and writes a table)" \
	"$([[ $out == before ]]; echo $?)" "$out"

pg_create_db main fleet2 mfa
out=$(client "$(pg_conninfo main fleet2 mfa)" "SELECT current_database()")
check "pg_create_db: a second database for the same role" \
	"$([[ $out == fleet2 ]]; echo $?)" "$out"

# ---- connection files ----
cf=$PG_DIR/conninfo
pg_conninfo_file "$cf" "$(pg_conninfo main fleet mfa)" connect_timeout=3
out=$(client "$(cat "$cf")" "SELECT v FROM t")
check "pg_conninfo_file: one line, mode 0600, a working connection string" \
	"$([[ $(stat -c %a "$cf") == 600 && $(wc -l <"$cf") == 1 &&
		$out == before ]]; echo $?)" "$(stat -c %a "$cf") $out"

# ---- SCRAM ----
if pg_start scram scram && pg_create_db scram fleet mfa 'S3cret pass'; then
	good=$(client "$(pg_conninfo scram fleet mfa "password='S3cret pass'")" \
		"SELECT 'in'")
	bad=$(client "$(pg_conninfo scram fleet mfa password=wrong)" "SELECT 'in'")
	none=$(client "$(pg_conninfo scram fleet mfa)" "SELECT 'in'")
	check "scram: the right password logs in" \
		"$([[ $good == in ]]; echo $?)" "$good"
	check "scram: a wrong password or none is refused" \
		"$([[ $bad == *"password authentication failed"* &&
			$none == *"no password supplied"* ]]; echo $?)" "$bad / $none"
	port=${PG_PORT[scram]}
	pg_stop scram
	down=$(client "$(pg_conninfo scram fleet mfa "password='S3cret pass'")" "SELECT 'in'")
	pg_restart scram
	good=$(client "$(pg_conninfo scram fleet mfa "password='S3cret pass'")" \
		"SELECT 'in ' || inet_server_port()")
	check "pg_stop, pg_restart: down, then up again on the same port" \
		"$([[ $down == *"Connection refused"* && $good == "in $port" ]]; echo $?)" \
		"$down / $good"
else
	fail "pg_start scram: $PG_WHY"
fi

# ---- TLS, client certificates, verify-full ----
if pg_make_certs mfa && pg_start tls ssl && pg_create_db tls fleet mfa; then
	tls="sslmode=verify-full sslrootcert=$PG_TLS/ca.crt sslcert=$PG_TLS/client.crt sslkey=$PG_TLS/client.key"
	out=$(client "$(pg_conninfo tls fleet mfa "$tls")" \
		"SELECT ssl::text || ' ' || client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
	check "tls: verify-full with the test CA and a client certificate" \
		"$([[ $out == "true /CN=mfa" ]]; echo $?)" "$out"
	out=$(client "$(pg_conninfo tls fleet mfa "${tls/ca.crt/other-ca.crt}")" \
		"SELECT 1")
	check "tls: another CA fails verify-full" \
		"$([[ $out == *"certificate verify failed"* ]]; echo $?)" "$out"
	out=$(client "$(pg_conninfo tls fleet mfa sslmode=disable)" "SELECT 1")
	check "tls: a connection without TLS is refused (hostssl only)" \
		"$([[ $out == *"no pg_hba.conf entry"* ]]; echo $?)" "$out"
	out=$(client "$(pg_conninfo tls fleet mfa \
		"sslmode=verify-full sslrootcert=$PG_TLS/ca.crt sslcert=/nonexistent sslkey=/nonexistent")" "SELECT 1")
	check "tls: no client certificate, no login (cert authentication)" \
		"$([[ $out == *"certificate authentication failed"* || $out == *"connection requires a valid client certificate"* ]]; echo $?)" "$out"
	out=$(client "host=localhost port=${PG_PORT[tls]} dbname=fleet user=mfa $tls" "SELECT 'ok'")
	check "tls: the server certificate names localhost too" \
		"$([[ $out == ok ]]; echo $?)" "$out"
else
	fail "tls server: $PG_WHY"
fi

# ---- ssl-trust (tests/pgsql): TLS or not, trusted; a role's own line ----
if pg_start mixed ssl-trust && pg_create_db mixed fleet "$PG_ADMIN" &&
	pg_create_role mixed mfa_pw 'right pw' &&
	pg_hba_add mixed "host all mfa_pw 127.0.0.1/32 scram-sha-256"; then
	q="SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
	plain=$(client "$(pg_conninfo mixed fleet "$PG_ADMIN" sslmode=disable)" "$q")
	tls=$(client "$(pg_conninfo mixed fleet "$PG_ADMIN" sslmode=verify-full \
		"sslrootcert=$PG_TLS/ca.crt")" "$q")
	check "ssl-trust: the superuser logs in over TCP without TLS and with verify-full" \
		"$([[ $plain == false && $tls == true ]]; echo $?)" "$plain / $tls"
	good=$(client "$(pg_conninfo mixed fleet mfa_pw "password='right pw'")" \
		"SELECT current_user")
	none=$(client "$(pg_conninfo mixed fleet mfa_pw)" "SELECT 1")
	check "pg_hba_add: its line comes first: mfa_pw needs its password" \
		"$([[ $good == mfa_pw && $none == *"no password supplied"* ]]; echo $?)" \
		"$good / $none"
	sql="INSERT INTO pam_mfa.state (name, serial, record) VALUES ('u', 1, 'r'); SELECT count(*) FROM pam_mfa.state"
	pg_psql_file mixed fleet "$PG_ADMIN" pgsql/schema.sql >/dev/null
	denied=$(client "$(pg_conninfo mixed fleet mfa_pw "password='right pw'")" "$sql")
	pg_grant mixed fleet mfa_pw
	granted=$(client "$(pg_conninfo mixed fleet mfa_pw "password='right pw'")" "$sql")
	check "pg_psql_file, pg_grant: the shipped schema; mfa_pw writes its tables once granted" \
		"$([[ $denied == *"permission denied"* && $granted == 1 ]]; echo $?)" \
		"$denied / $granted"
	pg_stop mixed
else
	fail "ssl-trust server: $PG_WHY"
fi

# ---- a hung server: kill -STOP, kill -CONT ----
t0=$(date +%s%N)
pg_freeze main
out=$(client "$(pg_conninfo main fleet mfa connect_timeout=2)" "SELECT 1")
ms=$((($(date +%s%N) - t0) / 1000000))
check "pg_freeze: a connection times out (2 s) while the server is stopped" \
	"$([[ $out == *timeout* ]] && ((ms >= 1900 && ms < 10000)); echo $?)" \
	"${ms} ms: $out"
pg_thaw main
out=$(client "$(pg_conninfo main fleet mfa connect_timeout=5)" "SELECT v FROM t")
check "pg_thaw: the server answers again" "$([[ $out == before ]]; echo $?)" "$out"

# ---- a synchronous standby, failover ----
if pg_start_standby main standby; then
	P2=${PG_PORT[standby]}
	pass "pg_start_standby: pg_stat_replication says sync for the standby on port $P2"
	client "$(pg_conninfo main fleet mfa)" "INSERT INTO t VALUES (2, 'synced')" >/dev/null
	out=$(client "$(pg_conninfo standby fleet mfa)" \
		"SELECT string_agg(v, ',' ORDER BY k) FROM t")
	ro=$(client "$(pg_conninfo standby fleet mfa)" "INSERT INTO t VALUES (3, 'x')")
	check "the standby has what the primary committed, and refuses writes" \
		"$([[ $out == before,synced && $ro == *"read-only transaction"* ]]; echo $?)" "$out / $ro"
	both="host=127.0.0.1,127.0.0.1 port=$P1,$P2 dbname=fleet user=mfa target_session_attrs=read-write connect_timeout=3"
	out=$(client "$both" "SELECT inet_server_port()")
	check "a two-host connection string reaches the primary first" \
		"$([[ $out == "$P1" ]]; echo $?)" "$out"
	mpid=$(pg_pid main)
	pg_stop main
	check "pg_stop: the primary's postmaster has gone" \
		"$(! kill -0 "$mpid" 2>/dev/null; echo $?)"
	out=$(client "$(pg_conninfo main fleet mfa)" "SELECT 1")
	check "a stopped server refuses connections" \
		"$([[ $out == *"Connection refused"* ]]; echo $?)" "$out"
	if pg_promote standby; then
		out=$(client "$both" "INSERT INTO t VALUES (3, 'after'); SELECT inet_server_port() || ' ' || (SELECT string_agg(v, ',' ORDER BY k) FROM t)")
		check "pg_promote: the same connection string now writes on the standby" \
			"$([[ $out == "$P2 before,synced,after" ]]; echo $?)" "$out"
	else
		fail "pg_promote: $PG_WHY"
	fi
else
	fail "pg_start_standby: $PG_WHY"
fi

# ---- nothing left behind: the EXIT trap stops a script's servers ----
# (A script with no test base of its own: pg_init makes one, and removes
# it too.)
# shellcheck disable=SC2016 # expanded by the inner shell
out=$(
	env -u MFA_TEST_BASE bash -c '
		. tests/lib/testdir.sh; . tests/lib/pg.sh
		trap "echo caller-trap-ran >&2" EXIT
		pg_init && pg_start orphan || { echo "no: $PG_WHY"; exit 1; }
		echo "$(pg_pid orphan) ${PG_PORT[orphan]} $MFA_TEST_BASE"
		exit 3' 2>"$PG_DIR/orphan.err"
)
status=$?
read -r opid oport obase <<<"$out"
check "pg_init's EXIT trap stops the servers a script leaves, removes the test base it made, then runs the caller's trap" \
	"$([[ $status == 3 && $opid =~ ^[0-9]+$ && $obase == /*/pam_mfa-test.* &&
		$obase != "$MFA_TEST_BASE" && ! -e $obase ]] &&
		! kill -0 "$opid" 2>/dev/null &&
		! ss -Htln "sport = :$oport" | grep -q . &&
		grep -q caller-trap-ran "$PG_DIR/orphan.err"; echo $?)" \
	"status $status, out '$out', $(cat "$PG_DIR/orphan.err")"

pids=()
for n in "${PG_NAMES[@]}"; do
	p=$(pg_pid "$n") && pids+=("$p")
done
pg_cleanup
left=0
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && left=1; done
check "pg_cleanup: every server of the script has stopped (${#pids[@]} running before)" \
	"$left"
exit "$failed"
