#!/usr/bin/env bash
# tests/sh/pg_fleet.sh - a fleet: two hosts that keep their state in one
# PostgreSQL database (store = postgresql), through the real pam_mfa.so
# and mfa-enroll.  A "host" is a configuration (pam_mfa.conf, state_dir,
# pam.d) of its own; both name the same database in one connection file.
# Logins are pamtester under pam_wrapper, users come from nss_wrapper
# (their homes, shared by both hosts as NFS would, are below the test
# directory), the server is a private one (tests/lib/pg.sh).
#
#   fleet:  20 logins racing with one code across both hosts, one wins;
#           a lock-out reached on A holds on B; a device trusted through
#           A is trusted on B; a backup code used on A is refused on B.
#   faults: connection refused, wrong password, a hung server (kill
#           -STOP), a server stopped while the user types, a schema of an
#           older version: the login fails closed (PAM_AUTHINFO_UNAVAIL,
#           "temporarily unavailable") within store_timeout, the log says
#           why, the user's record is unchanged.
#   TLS:    verify-full with the site's CA logs in; another CA fails closed.
#   libpq:  a login with store = files never maps libpq; with postgresql
#           it does.
#   HA:     primary and synchronous standby; the primary stops, the
#           standby is promoted, the next login succeeds with the same
#           connection file, a code used before the failover is refused.
#
# Root only (the module reads each user's file as that user): otherwise
# one SKIP line.  Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
SRC=$PWD
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
MODULE=$BUILDDIR/pam_mfa.so
ENROLL=$BUILDDIR/mfa-enroll
PLUGINS=$BUILDDIR/plugins
TIMEOUT_MS=2000
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

if [[ $(id -u) != 0 ]]; then
	skip "pg_fleet (needs root: users of their own uid read their files)"
	exit 0
fi
for t in pamtester oathtool cc; do
	command -v "$t" >/dev/null || {
		skip "pg_fleet ($t missing: see make deps)"
		exit 0
	}
done
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
PAMW=/usr/lib/$MULTIARCH/libpam_wrapper.so
NSSW=/usr/lib/$MULTIARCH/libnss_wrapper.so
for lib in "$PAMW" "$NSSW"; do
	[[ -f $lib ]] || {
		skip "pg_fleet ($lib missing: install libpam-wrapper libnss-wrapper)"
		exit 0
	}
done
if ! compgen -G "$SRC/pgsql/*.c" >/dev/null; then
	skip "pg_fleet (this tree has no PostgreSQL plug-in, pgsql/)"
	exit 0
fi
if [[ ! -f $PLUGINS/pam_mfa_store_pgsql.so ]]; then
	fail "pg_fleet: $PLUGINS/pam_mfa_store_pgsql.so not built (run make)"
	exit 1
fi

# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
# shellcheck source=tests/lib/pg.sh
. tests/lib/pg.sh
mfa_test_base_enter "$BUILDDIR" || exit 1
DIR=$(mktemp -d "$MFA_TEST_BASE/pg_fleet.XXXXXX") || exit 1
chmod 0755 "$DIR" # the users reach their homes through it
trap 'rm -rf "$DIR"; mfa_test_base_leave' EXIT
if ! pg_init; then
	skip "pg_fleet ($PG_WHY)"
	exit 0
fi
LOG=$DIR/syslog.log
: >"$LOG"
if ! cc -std=gnu11 -shared -fPIC -O2 -o "$DIR/logshim.so" \
	tests/e2e/lib/logshim.c -ldl 2>"$DIR/shim.err"; then
	fail "pg_fleet: cannot build the syslog shim: $(cat "$DIR/shim.err")"
	exit 1
fi
ASAN=
[[ ${SANITIZE:-} == 1 ]] && ASAN=$(gcc -print-file-name=libasan.so):

# ---- users, hosts, the database ----

# Users of their own uid, homes below $DIR (shared by both hosts).
USERS=(race lock trust backup fault ha tls maps env)
# root too: mfa-enroll looks up who runs it.
echo "root:x:0:0:root:/root:/bin/sh" >"$DIR/passwd"
echo "root:x:0:" >"$DIR/group"
uid=47000
for u in "${USERS[@]}"; do
	uid=$((uid + 1))
	echo "fl$u:x:$uid:$uid:fleet $u:$DIR/home/fl$u:/bin/sh" >>"$DIR/passwd"
	echo "fl$u:x:$uid:" >>"$DIR/group"
	install -d -o "$uid" -g "$uid" -m 0700 "$DIR/home/fl$u"
done
chmod 0755 "$DIR/home"

# host_conf HOST STORE-LINES...: HOST's pam_mfa.conf and its sshd stack.
host_conf() {
	local h=$1
	shift
	mkdir -p "$DIR/$h/pam.d" "$DIR/$h/state"
	chmod 0700 "$DIR/$h/state"
	{
		echo "state_dir = $DIR/$h/state"
		echo "tries = 1"
		echo "deny = 3"
		echo "trust_by = rhost"
		printf '%s\n' "$@"
	} >"$DIR/$h/pam_mfa.conf"
	chmod 0600 "$DIR/$h/pam_mfa.conf"
	echo "auth required $MODULE conf=$DIR/$h/pam_mfa.conf" \
		>"$DIR/$h/pam.d/sshd"
	printf '%s required pam_deny.so\n' auth account password session \
		>"$DIR/$h/pam.d/other"
}
CONNINFO=$DIR/pam_mfa.pgsql
mapfile -t PGLINES < <(pg_store_lines "$CONNINFO" "store_timeout = $TIMEOUT_MS")
host_conf a "${PGLINES[@]}"
host_conf b "${PGLINES[@]}"
host_conf files

if ! pg_start db || ! pg_create_db db fleet mfa; then
	fail "pg_fleet: the database server: $PG_WHY"
	exit 1
fi
# use_db NAME [WORDS...]: both hosts' connection file names NAME's fleet.
use_db() {
	local name=$1
	shift
	pg_conninfo_file "$CONNINFO" "$(pg_conninfo "$name" fleet mfa "$@")"
}
enroll_cmd() { # HOST ARGS...: mfa-enroll with host HOST's configuration
	local h=$1
	shift
	LD_PRELOAD=$ASAN$NSSW NSS_WRAPPER_PASSWD=$DIR/passwd \
		NSS_WRAPPER_GROUP=$DIR/group timeout 30 "$ENROLL" \
		--conf "$DIR/$h/pam_mfa.conf" "$@"
}
# schema_setup HOST: the tables, by mfa-enroll store init on HOST, in the
# database the connection file names.
# The schema version the plug-in is built for (pgsql/schema.sql).
SCHEMA_VERSION=$(sed -n 's/^INSERT INTO pam_mfa.schema_version (version) VALUES (\([0-9]*\))$/\1/p' \
	"$SRC/pgsql/schema.sql")
schema_setup() {
	pg_store_init "$DIR/$1/pam_mfa.conf" >"$DIR/schema.log" 2>&1
}
use_db db
if ! schema_setup a; then
	fail "pg_fleet: mfa-enroll store init: $(cat "$DIR/schema.log")"
	exit 1
fi
schema_setup b
st=$?
check "mfa-enroll store init on host A makes the tables; on host B it changes nothing" \
	"$([[ $st == 0 && $(pg_psql db fleet -c 'SELECT version FROM pam_mfa.schema_version') == "$SCHEMA_VERSION" ]]; echo $?)" \
	"$(cat "$DIR/schema.log")"

# ---- codes and logins ----

declare -A SECRET=() LAST=()
totp() { oathtool --totp -b "${SECRET[$1]}" -N "@$2"; }

# enrol USER: a new secret through mfa-enroll on host a (which marks the
# user enrolled in the database), verified with the previous step's code
# so that this step and the next stay free; never within 6 s of a step's
# end (the previous step could leave the window).
enrol() {
	local u=fl$1 t
	SECRET[$u]=$(head -c 20 /dev/urandom | base32 | tr -d '=\n')
	t=$(date +%s)
	((t % 30 >= 24)) && sleep $((30 - t % 30))
	t=$(date +%s)
	LAST[$u]=$((t / 30 - 1))
	enroll_cmd a --user "$u" --secret "${SECRET[$u]}" \
		--code "$(totp "$u" $((LAST[$u] * 30)))" >"$DIR/enrol.$u" 2>&1
}

# fresh_code USER: CODE = a code of a step never used before (this one,
# else the next, else wait for the next).
fresh_code() {
	local u=fl$1 now cur
	now=$(date +%s)
	cur=$((now / 30))
	if ((cur < LAST[$u])); then
		sleep $(((cur + 1) * 30 - now))
		now=$(date +%s)
		cur=$((now / 30))
	fi
	if ((cur > LAST[$u])); then
		LAST[$u]=$cur
		CODE=$(totp "$u" "$now")
	else
		LAST[$u]=$((cur + 1))
		CODE=$(totp "$u" $((now + 30)))
	fi
}

# wrong_code USER: CODE = six digits matching no step near now.
wrong_code() {
	local u=fl$1 now near=" " i c
	now=$(date +%s)
	for i in -2 -1 0 1 2; do near+="$(totp "$u" $((now + 30 * i))) "; done
	c=$(((10#$(totp "$u" "$now") + 500000) % 1000000))
	while [[ $near == *" $(printf '%06d' "$c") "* ]]; do
		c=$(((c + 7919) % 1000000))
	done
	CODE=$(printf '%06d' "$c")
}

# pam_env HOST: the environment words of a wrapped login on HOST.
pam_env() {
	echo "LD_PRELOAD=$ASAN$DIR/logshim.so:$PAMW:$NSSW PAM_WRAPPER=1" \
		"PAM_WRAPPER_SERVICE_DIR=$DIR/$1/pam.d MFA_E2E_LOG=$LOG" \
		"NSS_WRAPPER_PASSWD=$DIR/passwd NSS_WRAPPER_GROUP=$DIR/group" \
		"${SANITIZE:+PAM_WRAPPER_DISABLE_DEEPBIND=1 UID_WRAPPER_DISABLE_DEEPBIND=1}"
}

# login HOST USER [-I item=value...] [--setcred] -- ANSWERS...: one
# pamtester login; its output in $OUT, status in $RC, milliseconds in $MS;
# the log lines it added in $NEWLOG.
login() {
	local h=$1 u=fl$2 items=() ops=(authenticate) t0 mark
	shift 2
	while (($#)) && [[ $1 != -- ]]; do
		case $1 in
		-I) items+=(-I "$2") && shift ;;
		--setcred) ops+=(setcred) ;;
		esac
		shift
	done
	(($#)) && shift
	OUT=$DIR/out.$((++N))
	mark=$(wc -l <"$LOG")
	t0=$(date +%s%N)
	# shellcheck disable=SC2046 # the environment words
	printf '%s\n' "$@" | env $(pam_env "$h") timeout 60 \
		pamtester "${items[@]}" sshd "$u" "${ops[@]}" >"$OUT" 2>&1
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	NEWLOG=$(tail -n +$((mark + 1)) "$LOG")
}
N=0
ok() { [[ $RC == 0 ]] && grep -q 'successfully authenticated' "$OUT"; }
shown() { grep -qF -- "$1" "$OUT"; }
why() { echo "rc=$RC ${MS} ms: $(tr '\n' '|' <"$OUT" | cut -c1-400) log: $(echo "$NEWLOG" | tr '\n' '|' | cut -c1-400)"; }
UNAVAILABLE="Multi-factor authentication is temporarily unavailable."
AUTHINFO="Authentication service cannot retrieve authentication info"

# The user's record as the database holds it ("" when none).
record() {
	pg_psql "${2:-db}" fleet -c "SELECT serial || ':' || md5(record) FROM pam_mfa.state WHERE name = 'fl$1'"
}

for u in race lock trust backup fault ha maps env; do
	enrol "$u" || fail "mfa-enroll --user fl$u (store = postgresql): $(cat "$DIR/enrol.fl$u")"
done
check "mfa-enroll --user marks the users enrolled in the database" \
	"$([[ $(pg_psql db fleet -c "SELECT count(*) FROM pam_mfa.state WHERE name LIKE 'fl%'") == 8 ]]; echo $?)" \
	"$(pg_psql db fleet -c 'SELECT name FROM pam_mfa.state' | tr '\n' ' ')"

# ---- fleet: one code, 20 logins racing on both hosts ----
fresh_code race
pids=()
for i in $(seq 20); do
	h=a
	((i % 2)) && h=b
	# shellcheck disable=SC2046 # the environment words
	printf '%s\n' "$CODE" | env $(pam_env "$h") timeout 60 \
		pamtester sshd flrace authenticate >"$DIR/race.$i" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
# pam_wrapper gives each process a directory /tmp/pam.X (one letter,
# shared by the whole machine): a process that finds none free never
# reaches the module ("lost"); every other one succeeds or is refused.
won=0 refused=0 lost=0 other=0
for f in "$DIR"/race.*; do
	if grep -q 'successfully authenticated' "$f"; then
		won=$((won + 1))
	elif grep -q 'Authentication failure' "$f"; then
		refused=$((refused + 1))
	elif grep -q 'PWRAP_ERROR' "$f"; then
		lost=$((lost + 1))
	else
		other=$((other + 1))
	fi
done
check "fleet: 20 logins with one code on two hosts at once: exactly one succeeds" \
	"$([[ $won == 1 && $other == 0 && $refused -ge 15 ]]; echo $?)" \
	"$won succeeded, $refused refused, $lost lost, $other other: $(cat "$DIR"/race.* | sort | uniq -c | tr '\n' '|')"

# ---- fleet: a lock-out reached on A holds on B ----
for i in 1 2 3; do
	wrong_code lock
	login a lock -- "$CODE"
done
fresh_code lock
login b lock -- "$CODE"
check "fleet: 3 failures on host A (deny = 3) lock the user out on host B" \
	"$(! ok && shown "Too many failed attempts" && ! shown "Verification code"; echo $?)" "$(why)"
enroll_cmd b --user fllock unlock >"$DIR/unlock.out" 2>&1
login a lock -- "$CODE"
check "fleet: mfa-enroll unlock on host B lets the user in on host A" \
	"$(ok; echo $?)" "$(why) unlock: $(cat "$DIR/unlock.out")"

# ---- fleet: a device trusted through A is trusted on B ----
fresh_code trust
login a trust -I rhost=192.0.2.7 --setcred -- "$CODE" y
check "fleet: code + yes on host A trusts the device" \
	"$(ok && shown "This device will be trusted for"; echo $?)" "$(why)"
login b trust -I rhost=192.0.2.7 --setcred --
check "fleet: on host B the same device logs in without a code" \
	"$(ok && shown "Second factor skipped: trusted device" &&
		! shown "Verification code"; echo $?)" "$(why)"
login b trust -I rhost=192.0.2.8 --
check "fleet: on host B another device is asked for a code" \
	"$(! ok && shown "Verification code"; echo $?)" "$(why)"

# ---- fleet: a backup code used on A is refused on B ----
enroll_cmd a --user flbackup backup-codes >"$DIR/backup.out" 2>&1
mapfile -t codes < <(grep -oE '\b[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b' \
	"$DIR/backup.out")
if ((${#codes[@]} == 10)); then
	login a backup -- "${codes[4]}"
	check "fleet: a backup code logs in on host A" \
		"$(ok && shown "Backup code accepted. 9 backup codes left."; echo $?)" "$(why)"
	login b backup -- "${codes[4]}"
	check "fleet: the same backup code is refused on host B" \
		"$(! ok && shown "This backup code was already used."; echo $?)" "$(why)"
else
	fail "mfa-enroll --user backup-codes printed ${#codes[@]} codes: $(head -c 300 "$DIR/backup.out")"
fi

# ---- faults: fail closed within the deadline, the log says why ----

# closed NAME CAUSE-REGEX BEFORE: the last login failed closed in time,
# logged CAUSE-REGEX, and the record of flfault is still BEFORE.
closed() {
	local after
	after=$(record fault)
	check "fault: $1: PAM_AUTHINFO_UNAVAIL, 'temporarily unavailable', within store_timeout" \
		"$([[ $RC != 0 ]] && shown "$AUTHINFO" && shown "$UNAVAILABLE" &&
			((MS < TIMEOUT_MS + 3000)); echo $?)" "$(why)"
	check "fault: $1: the log names the cause" \
		"$(grep -qiE -- "$2" <<<"$NEWLOG"; echo $?)" "$(why)"
	check "fault: $1: the user's record is unchanged" \
		"$([[ -n $3 && $after == "$3" ]]; echo $?)" "before $3, after $after"
}
before=$(record fault)

pg_conninfo_file "$CONNINFO" \
	"host=127.0.0.1 port=$(pg_free_port) dbname=fleet user=mfa"
login a fault -- 000000
closed "connection refused" "refused|could not connect" "$before"

pg_create_role db mfapw right && pg_grant db fleet mfapw &&
	pg_hba_add db "host fleet mfapw 127.0.0.1/32 scram-sha-256"
pg_conninfo_file "$CONNINFO" "$(pg_conninfo db fleet mfapw password=wrong)"
login a fault -- 000000
closed "wrong password" "password authentication failed" "$before"

use_db db
pg_freeze db
login a fault -- 000000
pg_thaw db
closed "a hung server (kill -STOP)" "time|timeout|timed out" "$before"

# at_prompt HOST USER: a pamtester login of USER on HOST, left waiting at
# its code prompt (process $PID, output $OUT, log mark set);
# answer_prompt CODE: type it, wait for the end ($RC, $MS, $NEWLOG).
at_prompt() {
	OUT=$DIR/out.$((++N))
	rm -f "$DIR/typing"
	mkfifo "$DIR/typing"
	MARK=$(wc -l <"$LOG")
	# shellcheck disable=SC2046 # the environment words
	env $(pam_env "$1") pamtester sshd "fl$2" authenticate \
		<"$DIR/typing" >"$OUT" 2>&1 &
	PID=$!
	exec 7>"$DIR/typing"
	for _ in $(seq 400); do
		grep -q "Verification code" "$OUT" && break
		sleep 0.05
	done
}
answer_prompt() {
	local t0
	t0=$(date +%s%N)
	echo "$1" >&7
	exec 7>&-
	wait "$PID"
	RC=$?
	MS=$((($(date +%s%N) - t0) / 1000000))
	NEWLOG=$(tail -n +$((MARK + 1)) "$LOG")
}

# Stopped while the user types: the prompt is up, the server goes, the
# code arrives.
fresh_code fault
at_prompt a fault
pg_stop db
answer_prompt "$CODE"
pg_restart db || fail "pg_restart db: $PG_WHY"
closed "the server stopped while the user typed" "refused|could not connect|terminat|closed|lost" "$before"
login b fault -- "$CODE"
check "fault: after the restart the same code logs in (it was not used up)" \
	"$(ok; echo $?)" "$(why)"
before=$(record fault)

pg_psql db fleet -c "UPDATE pam_mfa.schema_version SET version = $((SCHEMA_VERSION - 1))"
login a fault -- 000000
pg_psql db fleet -c "UPDATE pam_mfa.schema_version SET version = $SCHEMA_VERSION"
closed "a schema of an older version" "schema" "$before"

# ---- the caller's PG* variables, ~/.pgpass and service files count not ----
fresh_code env
printf '127.0.0.1:*:*:*:nope\n' >"$DIR/pgpass"
chmod 0600 "$DIR/pgpass"
# shellcheck disable=SC2046 # the environment words
printf '%s\n' "$CODE" | env PGHOST=/nonexistent PGPORT=1 PGDATABASE=nope \
	PGUSER=nope PGSSLMODE=require PGSERVICE=nosuch \
	PGSERVICEFILE="$DIR/none" PGPASSFILE="$DIR/pgpass" \
	PGOPTIONS="-c default_transaction_read_only=on" PGCONNECT_TIMEOUT=1 \
	PGTARGETSESSIONATTRS=standby $(pam_env a) timeout 60 \
	pamtester sshd flenv authenticate >"$DIR/out.env" 2>&1
OUT=$DIR/out.env RC=$?
check "libpq reads nothing from the caller's environment (PGHOST, PGSSLMODE, PGSERVICE, PGOPTIONS...)" \
	"$(ok; echo $?)" "$(why)"

# ---- libpq is mapped only where store = postgresql ----

# maps_at_prompt HOST USER: the memory map of a login of USER on HOST
# while it waits for the code (in $MAPS); then a right code.
maps_at_prompt() {
	at_prompt "$1" "$2"
	MAPS=$(cat "/proc/$PID/maps")
	fresh_code "$2"
	answer_prompt "$CODE"
}
maps_at_prompt files maps
check "store = files: the login (at its prompt) has no libpq mapped, nor the plug-in" \
	"$(ok && ! grep -qE 'libpq|pam_mfa_store_pgsql' <<<"$MAPS" &&
		grep -q pam_mfa.so <<<"$MAPS"; echo $?)" "$(why) $(grep -E 'libpq|pam_mfa' <<<"$MAPS" | awk '{ print $6 }' | sort -u | tr '\n' ' ')"
maps_at_prompt a maps
check "store = postgresql: the login has libpq and the plug-in mapped" \
	"$(ok && grep -q 'libpq\.so' <<<"$MAPS" &&
		grep -q pam_mfa_store_pgsql.so <<<"$MAPS"; echo $?)" "$(why)"

# ---- TLS: verify-full ----
TLS=(sslmode=verify-full "sslrootcert=$PG_TLS/ca.crt"
	"sslcert=$PG_TLS/client.crt" "sslkey=$PG_TLS/client.key")
# Under LeakSanitizer: libpq keeps its TLS BIO_METHOD (109 bytes) for
# the life of the process; once the plug-in is unloaded with libpq,
# nothing points to it and LSan calls it a leak (libpq's, not ours): no
# leak checks in the TLS logins (every other scenario keeps them).
asan_options=${ASAN_OPTIONS-}
[[ -n $ASAN ]] && export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
if pg_make_certs mfa && pg_start tls ssl && pg_create_db tls fleet mfa &&
	use_db tls "${TLS[@]}" && schema_setup b; then
	enrol tls || fail "mfa-enroll over TLS: $(cat "$DIR/enrol.fltls")"
	fresh_code tls
	login a tls -- "$CODE"
	check "tls: a login with sslmode=verify-full and a client certificate" \
		"$(ok && [[ -n $(record tls tls) ]]; echo $?)" "$(why)"
	use_db tls "${TLS[@]/ca.crt/other-ca.crt}"
	before=$(record tls tls)
	fresh_code tls
	login b tls -- "$CODE"
	check "tls: a server certificate from another CA: fails closed, the log says why" \
		"$(! ok && shown "$UNAVAILABLE" && shown "$AUTHINFO" &&
			grep -qi "certificate" <<<"$NEWLOG" &&
			[[ $(record tls tls) == "$before" ]]; echo $?)" "$(why)"
else
	fail "tls server: $PG_WHY $(cat "$DIR/schema.log")"
fi
export ASAN_OPTIONS=$asan_options

# ---- HA: a synchronous standby takes over ----
if pg_start_standby db standby; then
	pg_conninfo_file "$CONNINFO" "host=127.0.0.1,127.0.0.1 port=${PG_PORT[db]},${PG_PORT[standby]} dbname=fleet user=mfa target_session_attrs=read-write"
	fresh_code ha
	used=$CODE
	login a ha -- "$used"
	check "ha: a login through the two-host connection string (primary up)" \
		"$(ok; echo $?)" "$(why)"
	pg_stop db
	login b ha -- 000000
	check "ha: primary down, standby not promoted: fails closed in time" \
		"$(! ok && shown "$UNAVAILABLE" && ((MS < TIMEOUT_MS + 3000)); echo $?)" "$(why)"
	if pg_promote standby; then
		login b ha -- "$used"
		check "ha: after the promotion, the code used before the failover is refused" \
			"$(! ok && shown "This code was already used." &&
				! shown "$UNAVAILABLE"; echo $?)" "$(why)"
		fresh_code ha
		login a ha -- "$CODE"
		check "ha: the next login succeeds on the promoted standby, no configuration change" \
			"$(ok; echo $?)" "$(why)"
	else
		fail "pg_promote standby: $PG_WHY"
	fi
else
	fail "pg_start_standby: $PG_WHY"
fi
exit "$failed"
