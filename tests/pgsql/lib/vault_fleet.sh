# tests/pgsql/lib/vault_fleet.sh - secrets = vault on the PostgreSQL store,
# as a fleet sees it: two hosts (two pam_mfa.conf, each its own
# state_dir, one database).  An enrolment root provisions on host A logs
# in on host B, with no vault file on either host; a renewal confirmed on
# A (new backup codes, promoted in pam_sm_setcred) is current on B;
# "store import DIR" moves a files site's vault (DIR/.vault) into the
# database; "store init" upgrades a version 1 schema in place, keeping
# the state rows.
#
# Sourced by tests/pgsql/store_pgsql.sh after tests/lib/pg.sh;
# vault_fleet SERVER CONNINFO (SERVER: the name of its running server,
# whose database "mfa" CONNINFO names) runs in a subshell (its own EXIT
# trap) and prints PASS:/FAIL:/SKIP: lines; its status is 1 on a failure.
# Logins go through the real libpam (pam_wrapper), pamtester and the test
# build of pam_mfa.so (MFA_TEST_NOW fixes its TOTP clock).  Needs root.

# vault_sql SQL: one value (psql -At) from the test database of the
# server $VAULT_PG.
vault_sql() {
	pg_psql "$VAULT_PG" mfa -c "$1"
}

# vault_host NAME CONNINFO: $T/NAME.conf, a host of the fleet.
vault_host() {
	pg_store_lines "$2" "state_dir = $T/state-$1" "secrets = vault" \
		>"$T/$1.conf"
	chmod 0644 "$T/$1.conf"
	echo "auth required $MODULE conf=$T/$1.conf" >"$T/pam.d/host-$1"
}

# vault_login HOST USER TIME ANSWERS...: USER logs in on HOST at unix time
# TIME, setcred included (as sshd does); pamtester's status.
vault_login() {
	local host=$1 user=$2 t=$3
	shift 3
	printf '%s\n' "$@" |
		LD_PRELOAD=${PRELOAD%"$NSSW"}libpam_wrapper.so:$NSSW PAM_WRAPPER=1 \
			PAM_WRAPPER_SERVICE_DIR="$T/pam.d" MFA_TEST_NOW=$t \
			NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
			timeout 30 pamtester "host-$host" "$user" authenticate \
			setcred >"$T/pam.out" 2>&1
}

# The vault row of NAME in SLOT (current, pending), "" when none.
vault_row() {
	vault_sql "SELECT record FROM pam_mfa.vault WHERE name = '$1' AND slot = '$2'"
}

vault_fleet_run() {
	local out=$T/out err=$T/err rc now codes
	MODULE=$BUILDDIR/testclock/pam_mfa.so
	mkdir -p "$T/pam.d"
	echo 'auth required pam_deny.so' >"$T/pam.d/other"
	vault_host a "$1"
	vault_host b "$1"
	vault_sql "DELETE FROM pam_mfa.state; DELETE FROM pam_mfa.vault"

	# 1. Root provisions bob on host A: a row, no file on either host.
	CONF=$T/a.conf run --user bob --secret "$S1" --code "$(code "$S1")" \
		>"$out" 2>"$err"
	rc=$?
	if [[ $rc == 0 ]] && vault_row bob current | grep -qx "totp-secret $S1" &&
		[[ ! -e $T/state-a/.vault && ! -e $T/home/bob/.pam_mfa ]]; then
		pass "vault on pgsql: root on host A writes bob's row, no vault file"
	else
		fail "vault on pgsql: provisioning: rc=$rc $(cat "$out" "$err")"
	fi
	# 2. bob logs in on host B with the app's code.
	now=$(($(date +%s) + 60))
	if vault_login b bob "$now" "$(oathtool --totp -b "$S1" -N "@$now")" &&
		[[ ! -e $T/state-b/.vault ]]; then
		pass "vault on pgsql: the enrolment made on host A logs in on host B"
	else
		fail "vault on pgsql: login on B: $(cat "$T/pam.out")"
	fi
	# 3. New backup codes asked for, confirmed on A: current on B.
	printf 'pam_mfa-request 1\nbackup-codes\n' >"$T/home/bob/.pam_mfa-request"
	chown 4242:4242 "$T/home/bob/.pam_mfa-request"
	chmod 0600 "$T/home/bob/.pam_mfa-request"
	now=$((now + 30))
	vault_login a bob "$now" "$(oathtool --totp -b "$S1" -N "@$now")" ""
	rc=$?
	codes=$(grep -oE '\b[0-9]-[A-Z0-9]{4}-[A-Z0-9]{4}\b' "$T/pam.out")
	if [[ $rc == 0 && -n $codes && -z $(vault_row bob pending) ]] &&
		vault_row bob current | grep -q '^backup-set '; then
		pass "vault on pgsql: a renewal confirmed on host A is bob's current row"
	else
		fail "vault on pgsql: renewal on A: rc=$rc $(cat "$T/pam.out")"
	fi
	if vault_login b bob "$((now + 30))" "$(head -n 1 <<<"$codes")"; then
		pass "vault on pgsql: a backup code of that renewal logs in on host B"
	else
		fail "vault on pgsql: backup code on B: $(cat "$T/pam.out")"
	fi

	# 4. A files site's vault moves into the database: store import DIR.
	printf '%s\n' "state_dir = $T/old" "secrets = vault" >"$T/old.conf"
	chmod 0644 "$T/old.conf"
	CONF=$T/old.conf run --user tester --secret "$S2" --code "$(code "$S2")" \
		>"$out" 2>"$err" || fail "files vault: $(cat "$out" "$err")"
	CONF=$T/old.conf run --user bob --secret "$S2" --code "$(code "$S2")" \
		>"$out" 2>"$err" || fail "files vault: $(cat "$out" "$err")"
	CONF=$T/a.conf run store import "$T/old" >"$out" 2>"$err"
	rc=$?
	if [[ $rc == 0 ]] && grep -qx 'tester: vault record imported' "$out" &&
		grep -q '^bob: kept the store.s own vault record' "$out" &&
		grep -qx 'vault: 1 imported, 0 unchanged, 1 kept, 0 unreadable' "$out" &&
		vault_row bob current | grep -qx "totp-secret $S1" &&
		vault_login b tester "$((now + 60))" \
			"$(oathtool --totp -b "$S2" -N "@$((now + 60))")"; then
		pass "vault on pgsql: store import copies DIR/.vault, keeps the store's newer row"
	else
		fail "vault on pgsql: store import: rc=$rc $(cat "$out" "$err" "$T/pam.out")"
	fi
	CONF=$T/a.conf run store import "$T/old" >"$out" 2>"$err"
	rc=$?
	[[ $rc == 0 ]] && grep -qx 'vault: 0 imported, 1 unchanged, 1 kept, 0 unreadable' "$out" &&
		pass "vault on pgsql: store import again changes nothing" ||
		fail "vault on pgsql: second import: rc=$rc $(cat "$out" "$err")"

	# A renewal left pending goes with root's reset, as the enrolment.
	vault_sql "INSERT INTO pam_mfa.vault (name, slot, id, record) SELECT name, 'pending', id, record FROM pam_mfa.vault WHERE name = 'bob'"
	CONF=$T/a.conf run --user bob reset --yes >"$out" 2>"$err"
	rc=$?
	[[ $rc == 0 && $(vault_sql "SELECT count(*) FROM pam_mfa.vault WHERE name = 'bob'") == 0 ]] &&
		pass "vault on pgsql: reset removes bob's rows, the pending one too" ||
		fail "vault on pgsql: reset: rc=$rc $(cat "$out" "$err")"

	# 5. A version 1 database: store init upgrades it, state rows kept.
	local before
	before=$(vault_sql "SELECT name, record FROM pam_mfa.state ORDER BY name")
	vault_sql "DROP TABLE pam_mfa.vault; UPDATE pam_mfa.schema_version SET version = 1"
	CONF=$T/a.conf run --user bob status >"$out" 2>"$err"
	rc=$?
	if [[ $rc != 0 ]] && grep -q 'store init' "$out" "$err"; then
		pass "vault on pgsql: a version 1 schema is refused, with what to run"
	else
		fail "vault on pgsql: version 1 schema: rc=$rc $(cat "$out" "$err")"
	fi
	CONF=$T/a.conf run store init >"$out" 2>"$err"
	rc=$?
	if [[ $rc == 0 && -n $before &&
		$(vault_sql "SELECT version FROM pam_mfa.schema_version") == 2 &&
		$(vault_sql "SELECT count(*) FROM pam_mfa.vault") == 0 &&
		$(vault_sql "SELECT name, record FROM pam_mfa.state ORDER BY name") == "$before" ]]; then
		pass "vault on pgsql: store init upgrades schema 1 to 2, state rows kept"
	else
		fail "vault on pgsql: upgrade: rc=$rc $(cat "$out" "$err")"
	fi
	exit "$failed"
}

vault_fleet() {
	(
		VAULT_PG=$1
		# shellcheck source=tests/sh/lib/enroll_env.sh
		. tests/sh/lib/enroll_env.sh
		if [[ $(id -u) != 0 ]] || ! command -v pamtester >/dev/null; then
			skip "vault on pgsql (needs root and pamtester)"
			exit 0
		fi
		enroll_setup "vault on pgsql" || exit 1
		vault_fleet_run "$2"
	)
}
