#!/usr/bin/env bash
# tests/e2e/unprivileged.sh - screen lockers and other callers that are not
# root (issue 15): the stack runs as the user, as xscreensaver, i3lock or
# swaylock run common-auth, through pam_wrapper and pamtester.  The password
# part is pam_matrix (pam_unix needs a setgid helper and a group-readable
# /etc/shadow, which not every test machine has); then the real pam_mfa.so.
#
# As root: fresh accounts (useradd), enrolled by mfa-enroll as root, the
# state in a root-only directory, each login run with `runuser -u USER`.
# Not as root: the same logins as the current user, with its own secret
# file and the root-owned default state directory it cannot reach.
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
# shellcheck source=lib/lib.sh
. "$(dirname "$0")/lib/lib.sh"

SCREEN_PW=Pw-screen-$$
MATRIX=

# ---- running a login as a user ----

# unpriv_setup: what both modes need once $DIR exists (pam_matrix, the
# syslog shim, the service files).  Returns 1 after a SKIP/FAIL line.
unpriv_setup() {
	local d
	command -v pamtester >/dev/null || {
		skip "unprivileged (pamtester missing: install pamtester)"
		return 1
	}
	command -v oathtool >/dev/null || {
		skip "unprivileged (oathtool missing: install oathtool)"
		return 1
	}
	E2E_WRAPPER=$(e2e_find_lib libpam_wrapper.so) || {
		skip "unprivileged (libpam_wrapper.so missing: install libpam-wrapper)"
		return 1
	}
	d=$(dirname "$E2E_WRAPPER")
	MATRIX=$d/pam_wrapper/pam_matrix.so
	[[ -f $MATRIX ]] || {
		skip "unprivileged ($MATRIX missing: install libpam-wrapper)"
		return 1
	}
	[[ -f $MODULE ]] || {
		fail "unprivileged: $MODULE not built (run make)"
		return 1
	}
	e2e_build_shim || {
		fail "unprivileged: cannot build the syslog shim (see $DIR/shim.err)"
		return 1
	}
	mkdir -p "$DIR/pam.d"
	printf '%s required pam_deny.so\n' auth account password session \
		>"$DIR/pam.d/other"
	# A screen locker's stack: the password, then the code.
	{
		echo "auth required $MATRIX passdb=$DIR/passdb"
		echo "auth required $MODULE conf=$CONF"
		echo "account required pam_permit.so"
	} >"$DIR/pam.d/screen"
	: >"$DIR/passdb"
	chmod 0644 "$DIR/pam.d/screen" "$DIR/pam.d/other" "$DIR/passdb"
}

# passdb_add USER: USER's password for pam_matrix is $SCREEN_PW.
passdb_add() { echo "$1:$SCREEN_PW:screen" >>"$DIR/passdb"; }

# run_as WHO TARGET ANSWER...: pamtester screen TARGET authenticate, run as
# WHO (a user name; "" = this process, as it is) with the answers on
# standard input, the password first.  Sets OUT (the transcript) and RC.
# Each WHO logs to its own file (it must be able to write it): $DIR/log.WHO.
run_as() {
	local who=$1 target=$2 runner=() rdir log
	shift 2
	rdir=$DIR/run.${who:-self}
	if [[ ! -d $rdir ]]; then
		mkdir -m 0700 "$rdir"
		[[ -n $who ]] && chown "$who:" "$rdir"
	fi
	log=$rdir/syslog.log
	[[ -n $who ]] && runner=(runuser -u "$who" --)
	OUT=$DIR/out.$((++E2E_N))
	LOGFILE=$log
	LOG_MARK=$( (cat "$log" 2>/dev/null || true) | wc -l)
	# shellcheck disable=SC2046 # word splitting of VAR=VALUE wanted
	printf '%s\n' "$SCREEN_PW" "$@" |
		timeout 60 "${runner[@]}" env $(e2e_wrap_env) \
			"MFA_E2E_LOG=$log" \
			"ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:log_path=$rdir/asan" \
			pamtester screen "$target" authenticate >"$OUT" 2>&1
	RC=$?
}

# What the last login showed and logged.
said() { grep -qF -- "$1" "$OUT"; }
code_prompts() { grep -o 'Verification code: ' "$OUT" | wc -l; }
logged() { tail -n +$((LOG_MARK + 1)) "$LOGFILE" | grep -qE -- "$1"; }
detail() {
	echo "rc=$RC, transcript: $(tr '\n' '|' <"$OUT" | cut -c1-500)," \
		"log: $(tail -n +$((LOG_MARK + 1)) "$LOGFILE" | tr '\n' '|' | cut -c1-600)"
}
ok_login() { [[ $RC == 0 ]] && said "pamtester: successfully authenticated"; }
failed_login() { [[ $RC == 1 ]] && said "pamtester: Authentication failure"; }

# The code of secret $1 now.
totp_now() { oathtool --totp -b "$1" -N "@$(date +%s)"; }

# wrong_code SECRET: six digits that match no step near now.
wrong_code() {
	local E2E_SECRET=$1
	e2e_wrong_code
	echo "$E2E_CODE"
}

# ---- the scenarios every mode runs ----

# scenarios_own WHO USER SECRET BACKUP: the user's own screen locker.
# WHO runs the login ("" = this process); USER is enrolled with SECRET and
# has the backup code BACKUP.
scenarios_own() {
	local who=$1 u=$2 secret=$3 backup=$4 code uid
	uid=$(id -u "$u")

	code=$(totp_now "$secret")
	run_as "$who" "$u" "$code"
	if ok_login && [[ $(code_prompts) == 1 ]] &&
		said "Enter the 6-digit code from your authenticator app." &&
		! said "backup code" && ! said "Press Enter"; then
		pass "as the user: password + right code unlocks (app codes only offered)"
	else
		fail "as the user, right code: $(detail)"
	fi
	logged "unprivileged caller \\(uid $uid\\): the code of $u is checked against the user's secret file, nothing is recorded"
	check "as the user: the log names the mode (unprivileged caller, uid $uid)" $? "$(detail)"
	logged "user=$u service=screen rhost=- method=totp result=success"
	check "as the user: decision line method=totp result=success" $? "$(detail)"

	# Documented: nothing can be recorded, so no replay floor here.
	run_as "$who" "$u" "$code"
	if ok_login; then
		pass "as the user: the same code again is accepted (no replay floor without root's state)"
	else
		fail "as the user, the same code again: $(detail)"
	fi

	run_as "$who" "$u" "$backup" "" "$(wrong_code "$secret")"
	if failed_login && [[ $(code_prompts) == 3 ]] &&
		said "Backup codes cannot be used here. Enter the code from your authenticator app." &&
		said "No code can be sent here." && said "Invalid code."; then
		pass "as the user: a backup code and an empty reply are refused with a reason, a wrong code is invalid"
	else
		fail "as the user, backup code / empty / wrong code: $(detail)"
	fi
	logged "user=$u service=screen .*result=failure reason=wrong code"
	check "as the user: wrong code logged as a failure" $? "$(detail)"

	run_as "$who" "$u" "$backup" "$backup" "$backup"
	if failed_login && [[ $(code_prompts) == 3 ]] &&
		said "Backup codes cannot be used here."; then
		pass "as the user: backup codes alone fail the login (3 tries)"
	else
		fail "as the user, backup code alone: $(detail)"
	fi
	logged "result=failure reason=backup code refused, unprivileged caller"
	check "as the user: refused backup code logged with its reason" $? "$(detail)"

	run_as "$who" "$u" "$backup" "$(totp_now "$secret")"
	if ok_login && [[ $(code_prompts) == 2 ]]; then
		pass "as the user: after a refused backup code, the app's code still unlocks"
	else
		fail "as the user, backup code then the right code: $(detail)"
	fi
}

# scenario_no_file WHO USER: USER has no secret file.
scenario_no_file() {
	local who=$1 u=$2
	run_as "$who" "$u"
	if ok_login && [[ $(code_prompts) == 0 ]]; then
		pass "as the user, no secret file: the password alone decides"
	else
		fail "as the user, no secret file: $(detail)"
	fi
	logged "$u has no secret file: the password alone decides for this unprivileged caller" &&
		logged "user=$u service=screen .*result=ignored reason=no secret file, unprivileged caller"
	check "as the user, no secret file: logged why (result=ignored)" $? "$(detail)"
}

# scenario_other WHO USER SECRET: WHO (not root) checks another account.
scenario_other() {
	local who=$1 u=$2 secret=$3 me uid
	me=$(id -u "${who:-$(id -un)}")
	uid=$(id -u "$u")
	run_as "$who" "$u" "$(totp_now "$secret")" 1 2
	if failed_login && [[ $(code_prompts) == 3 ]] &&
		said "Invalid code." && ! said "not available"; then
		pass "another account's process: refused, with an unknown user's prompts"
	else
		fail "another account's process: $(detail)"
	fi
	logged "unprivileged caller \\(uid $me\\) cannot check the second factor of $u \\(uid $uid\\): refused" &&
		logged "user=$u service=screen .*result=failure reason=unprivileged caller for another account"
	check "another account's process: logged why" $? "$(detail)"
}

# ---- as root: real accounts ----

state_sum() { (cd "$DIR/state" && find . -type f -print0 | sort -z |
	xargs -0 sha256sum) 2>/dev/null; }

root_mode() {
	local u v secret backup before code
	e2e_init unprivileged
	unpriv_setup || exit 0
	# The shipped file is 0644: the user's own processes read it too.
	chmod 0644 "$CONF"
	e2e_user_add v
	v=$E2E_USER
	e2e_user_add
	u=$E2E_USER
	passdb_add "$u"
	passdb_add "$v"
	if ! runuser -u "$u" -- test -r "$MODULE" -a -r "$DIR/pam.d/screen"; then
		skip "unprivileged (user $u cannot read $DIR: the checkout must be readable by other users)"
		exit 0
	fi
	e2e_enrol
	[[ $E2E_ENROLLED_BY == mfa-enroll ]] ||
		fail "mfa-enroll --user --secret --code failed: $(tail -n 3 "$DIR/enrol.out")"
	secret=$E2E_SECRET
	timeout 60 "$ENROLL" --conf "$CONF" --user "$u" backup-codes \
		>"$DIR/backup.out" 2>&1
	backup=$(grep -oE '\b[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b' \
		"$DIR/backup.out" | head -n 1)
	[[ -n $backup ]] || fail "mfa-enroll --user backup-codes: $(head -c 300 "$DIR/backup.out")"
	before=$(state_sum)

	scenarios_own "$u" "$u" "$secret" "$backup"
	scenario_no_file "$v" "$v"
	scenario_other "$v" "$u" "$secret"
	[[ $(state_sum) == "$before" ]]
	check "as the user: root's state is left exactly as it was" $?

	# Root's logins keep every protection.  The backup code refused
	# above was never used; the code of a screen unlock is not spent.
	run_as "" "$u" "$backup"
	ok_login && said "Backup code accepted. 9 backup codes left."
	check "as root: the backup code refused to the user still works once" $? "$(detail)"
	code=$(totp_now "$secret")
	run_as "$u" "$u" "$code"
	ok_login
	check "as the user: a fresh code unlocks" $? "$(detail)"
	run_as "" "$u" "$code"
	ok_login
	check "as root: that code is still unspent (documented)" $? "$(detail)"
	run_as "" "$u" "$code" "$code" "$code"
	failed_login && logged "user=$u .*result=failure reason=code already used"
	check "as root: once root accepted it, the code is refused" $? "$(detail)"

	# A user who deletes their file: their own screen takes the password,
	# root's logins still refuse (the enrolled mark is root's).
	mv "/home/$u/.pam_mfa" "/home/$u/.pam_mfa.away"
	scenario_no_file "$u" "$u"
	run_as "" "$u"
	failed_login && logged "user=$u service=screen .*result=failure"
	check "as root, file deleted by an enrolled user: refused" $? "$(detail)"
	mv "/home/$u/.pam_mfa.away" "/home/$u/.pam_mfa"
	[[ -z $(compgen -G "$DIR/run.*/asan.*") ]]
	check "unprivileged: no sanitizer report" $? \
		"$(cat "$DIR"/run.*/asan.* 2>/dev/null | head -c 2000)"
}

# ---- not root: the current user ----

self_mode() {
	local me secret backup
	me=$(id -un)
	# Root-owned on every machine that installed pam_mfa, absent (below a
	# root-owned /var/lib) elsewhere: never this user's.
	if [[ -O /var/lib/pam_mfa || -O /var/lib ]]; then
		skip "unprivileged (this user owns /var/lib or /var/lib/pam_mfa)"
		exit 0
	fi
	DIR=$(mktemp -d "${TMPDIR:-/tmp}/mfa-unpriv.XXXXXX") || exit 1
	E2E_N=0
	# Other users' stale copies in /tmp are not ours to remove.
	trap 'rm -rf "$DIR"; e2e_clean_pamdirs 2>/dev/null' EXIT
	CONF=$DIR/pam_mfa.conf
	printf 'state_dir = /var/lib/pam_mfa\nsecret = %s/secret\n' "$DIR" \
		>"$CONF"
	chmod 0644 "$CONF"
	unpriv_setup || exit 0
	passdb_add "$me"
	passdb_add root
	secret=$(e2e_new_secret)
	if ! timeout 20 "$ENROLL" --conf "$CONF" --secret "$secret" \
		--code "$(totp_now "$secret")" >"$DIR/enrol.out" 2>&1 ||
		! timeout 60 "$ENROLL" --conf "$CONF" backup-codes \
			>"$DIR/backup.out" 2>&1; then
		fail "unprivileged: mfa-enroll as $me: $(tail -n 3 "$DIR"/*.out)"
		exit 0
	fi
	backup=$(grep -oE '\b[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b' \
		"$DIR/backup.out" | head -n 1)
	scenarios_own "" "$me" "$secret" "$backup"
	mv "$DIR/secret" "$DIR/secret.away"
	scenario_no_file "" "$me"
	mv "$DIR/secret.away" "$DIR/secret"
	scenario_other "" root "$secret"
	[[ -z $(compgen -G "$DIR/run.*/asan.*") ]]
	check "unprivileged: no sanitizer report" $? \
		"$(cat "$DIR"/run.*/asan.* 2>/dev/null | head -c 2000)"
}

if [[ $(id -u) == 0 ]]; then
	root_mode
else
	self_mode
fi
exit 0
