#!/usr/bin/env bash
# tests/e2e/ssh.sh - real SSH logins through pam_mfa (issue 7): Debian's
# sshd on 127.0.0.1 under pam_wrapper, the OpenSSH client under expect, a
# real user, real TOTP codes (oathtool) and the real module.
#
# Scenarios:
#   A. AuthenticationMethods keyboard-interactive: password + right code,
#      replayed code, wrong code, wrong password (still asked for a code).
#   B. publickey,keyboard-interactive: key + code; no key.
#   B2. trusted devices: key + code + "y"; the same key again skips the
#       code; another key is asked; mfa-enroll devices forget all.
#   B3. sk_keys=second-factor: an ordinary ed25519 key still gets the
#       prompt (only a FIDO2 key type counts; tests/pam/test_skkey.c).
#   C. a backup code over SSH (and the same one again); lock-out after
#      deny=3 failures from separate connections, unlock by mfa-enroll.
#   D. PasswordAuthentication yes, AuthenticationMethods unset: the
#      password alone must not log in, and appears in no log or state file;
#      sshd answers the code prompt with the password, right or wrong, and
#      that counts as no failure (issue 14: a stranger's connections must
#      not lock the user out).
# Root only.  Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
#
# Time: each TOTP step logs in once, and the clock is real.  A fresh
# enrolment leaves two steps free (lib.sh, e2e_enrol), so every scenario
# has its own user, secret and replay state, and none needs more than two
# codes: nothing waits for the next 30-second step.
set -uo pipefail
# shellcheck source=lib/lib.sh
. "$(dirname "$0")/lib/lib.sh"
e2e_init ssh

KI=keyboard-interactive
PK=publickey,keyboard-interactive
KEY=$DIR/id_ed25519
# new_user [TAG]: a fresh account enrolled by mfa-enroll; it becomes $U.
new_user() {
	e2e_user_add "$@"
	e2e_enrol
	[[ $E2E_ENROLLED_BY == mfa-enroll ]] ||
		fail "mfa-enroll --user $E2E_USER --secret --code failed, file written by hand: $(tail -n 3 "$DIR/enrol.out")"
	U=$E2E_USER
}
decision() { # METHOD RESULT: the module's decision line for this login
	log_has "user=$U service=sshd rhost=127.0.0.1 method=$1 result=$2"
}

# ---- A. keyboard-interactive only ----
new_user
e2e_sshd_start "$KI" no || exit 0

log_mark
e2e_fresh_code
good=$E2E_CODE
e2e_ssh $KI "" "$good"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]] &&
	shown "Enter the 6-digit code from your authenticator app"; then
	pass "keyboard-interactive: password + right code runs the command"
else
	fail "keyboard-interactive: password + right code: $(why)"
fi
decision totp success
check "decision logged: method=totp result=success" $? \
	"$(log_new | tail -n 3)"

log_mark
e2e_ssh $KI "" "$good"
if [[ $RC == 255 ]] && ! ran && shown "Permission denied" &&
	shown "This code was already used. Wait for the next code"; then
	pass "keyboard-interactive: the same code again (replay) is denied, saying it was used"
else
	fail "replayed code: $(why)"
fi
decision none failure
check "replay logged as a failure" $? "$(log_new | tail -n 3)"
log_has "reason=code already used"
check "replay logged with reason=code already used" $? "$(log_new | tail -n 3)"

log_mark
e2e_wrong_code
e2e_ssh $KI "" "$E2E_CODE"
if [[ $RC == 255 ]] && ! ran && [[ $(prompts) == 3 ]] &&
	shown "Permission denied"; then
	pass "keyboard-interactive: wrong code denied after 3 prompts (tries=3)"
else
	fail "wrong code: $(why)"
fi
log_has "method=none result=failure reason=wrong code"
check "wrong code logged: result=failure reason=wrong code" $? \
	"$(log_new | tail -n 3)"
if log_new | grep -qF "$E2E_CODE"; then
	fail "the typed code appears in the log"
else
	pass "no typed code in the log"
fi

# A wrong password still gets the code prompt (no password oracle), and
# the login fails even with the right code.
e2e_fresh_code
E2E_PW_OVERRIDE=Wrong-$RANDOM e2e_ssh $KI "" "$E2E_CODE"
if [[ $RC == 255 ]] && ! ran && [[ $(prompts) -ge 1 ]]; then
	pass "wrong password + right code: denied, and the code was still asked"
else
	fail "wrong password + right code: $(why)"
fi

# ---- B. publickey,keyboard-interactive ----
e2e_sshd_start "$PK" no || exit 0
new_user b

log_mark
e2e_fresh_code
e2e_ssh $PK "$KEY" "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]] &&
	sshd_log_has "Partial publickey for $U " &&
	sshd_log_has "Accepted keyboard-interactive/pam for $U "; then
	pass "publickey,keyboard-interactive: key + password + code logs in"
else
	fail "key + code: $(why)"
fi
decision totp success
check "key + code: decision line method=totp result=success" $? \
	"$(log_new | tail -n 3)"

log_mark
e2e_ssh $PK "" 000000
if [[ $RC == 255 ]] && ! ran && [[ $(prompts) == 0 ]] &&
	shown "Permission denied (publickey)"; then
	pass "publickey,keyboard-interactive without a key: refused before any prompt"
else
	fail "no key: $(why)"
fi
if log_new | grep -q 'pam_mfa\|user='; then
	fail "no key: the module ran: $(log_new | tail -n 2)"
else
	pass "no key: the module was not even reached"
fi

# ---- B2. trusted devices, with the key sshd verified ----
new_user t
log_mark
e2e_fresh_code
E2E_TRUST=y e2e_ssh $PK "$KEY" "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]] && [[ $(trusts) == 1 ]] &&
	shown "This device will be trusted for 90 days." &&
	mfa_state_text "$DIR/state/$U" | grep -q '^device '; then
	pass "trust: key + code + yes logs in and records the device"
else
	fail "trust: key + code + yes: $(why)"
fi
# sshd gives setcred SSH_AUTH_INFO_0 too: the key is named, no notice.
log_new | grep -qF "user=$U service=sshd trusted a device key=$(
	ssh-keygen -l -f "$KEY" | awk '{ print $2 }')" &&
	! log_has 'no trusted-device identity'
check "trust: the device's key fingerprint logged at setcred" $? \
	"$(log_new | tail -n 4)"
log_mark
e2e_ssh $PK "$KEY" 000000
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 0 ]] &&
	shown "Second factor skipped: trusted device, until"; then
	pass "trust: the same key again logs in without a code"
else
	fail "trust: same key again: $(why)"
fi
decision trusted-device success
check "trust: decision line method=trusted-device" $? "$(log_new | tail -n 3)"
ssh-keygen -q -t ed25519 -N '' -C e2e2 -f "$DIR/id_other"
cat "$DIR/id_other.pub" >>"$E2E_HOME/.ssh/authorized_keys"
e2e_fresh_code
e2e_ssh $PK "$DIR/id_other" "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]] && [[ $(trusts) == 1 ]]; then
	pass "trust: another key is asked for a code"
else
	fail "trust: another key: $(why)"
fi
# Forgetting: another user, whose first code trusts the key and whose
# second logs in after mfa-enroll devices forget all.
new_user f
e2e_fresh_code
E2E_TRUST=y e2e_ssh $PK "$KEY" "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(trusts) == 1 ]] &&
	mfa_state_text "$DIR/state/$U" | grep -q '^device '; then
	pass "trust: a second user trusts the key (key + code + yes)"
else
	fail "trust: second user, key + code + yes: $(why)"
fi
if timeout 20 "$ENROLL" --conf "$CONF" --user "$U" devices forget all \
	>"$DIR/forget.out" 2>&1; then
	e2e_fresh_code
	e2e_ssh $PK "$KEY" "$E2E_CODE"
	if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]]; then
		pass "trust: after mfa-enroll devices forget all the code is asked again"
	else
		fail "trust: after forget all: $(why)"
	fi
else
	fail "mfa-enroll --user devices forget all: $(cat "$DIR/forget.out")"
fi

# ---- B3. sk_keys=second-factor: only FIDO2 key types count ----
new_user s
cp "$CONF" "$DIR/conf.saved"
echo "sk_keys = second-factor" >>"$CONF"
log_mark
e2e_fresh_code
e2e_ssh $PK "$KEY" "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]] &&
	! shown "security key"; then
	pass "sk_keys=second-factor: an ordinary ed25519 key still gets the code prompt"
else
	fail "sk_keys=second-factor, ed25519 key: $(why)"
fi
decision totp success
check "sk_keys=second-factor, ed25519 key: decision line method=totp" $? \
	"$(log_new | tail -n 3)"
cp "$DIR/conf.saved" "$CONF"

# ---- C. backup code, lock-out ----
new_user c
if timeout 60 "$ENROLL" --conf "$CONF" --user "$U" backup-codes \
	>"$DIR/backup.out" 2>&1; then
	mapfile -t codes < <(grep -oE '\b[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b' \
		"$DIR/backup.out")
else
	codes=()
fi
if ((${#codes[@]} != 10)); then
	fail "mfa-enroll --user backup-codes printed ${#codes[@]} codes: $(head -c 300 "$DIR/backup.out")"
else
	log_mark
	e2e_ssh $PK "$KEY" "${codes[3]}"
	if [[ $RC == 0 ]] && ran &&
		shown "Backup code accepted. 9 backup codes left."; then
		pass "a backup code over SSH logs in and says 9 are left"
	else
		fail "backup code: $(why)"
	fi
	decision backup success
	check "backup code: decision line method=backup result=success" $? \
		"$(log_new | tail -n 3)"
	# Typed differently (lower case, no dashes): still the same used code.
	again=$(echo "${codes[3]}" | tr -d - | tr '[:upper:]' '[:lower:]')
	e2e_ssh $PK "$KEY" "$again"
	if [[ $RC == 255 ]] && ! ran; then
		pass "the same backup code again (retyped) is denied"
	else
		fail "backup code reuse: $(why)"
	fi
	if grep -qF -- "${codes[3]:2}" "$E2E_LOG" "$SSHD_LOG" "$DIR"/state/*; then
		fail "a backup code appears in a log or state file"
	else
		pass "no backup code in the logs or the state"
	fi
fi

# A success clears the failures counted so far (the retyped backup code).
e2e_fresh_code
e2e_ssh $PK "$KEY" "$E2E_CODE"
if [[ $RC == 0 ]] && ran &&
	! mfa_state_text "$DIR/state/$U" | grep -v '^failures 0$' |
	grep -q '^failures '; then
	pass "a successful login clears the failure count"
else
	fail "failures after a success: rc=$RC $(mfa_state_text "$DIR/state/$U" | grep '^failures')"
fi

# Lock-out: one wrong answer per connection (tries=1), deny=3.
new_user l
e2e_conf "deny = 3" "tries = 1" "unlock_time = 900"
denied=0
for _ in 1 2 3; do
	e2e_wrong_code
	e2e_ssh $PK "$KEY" "$E2E_CODE"
	[[ $RC == 255 ]] && ! ran && [[ $(prompts) == 1 ]] && denied=$((denied + 1))
done
check "3 connections with a wrong code are each denied after one prompt" \
	$((denied != 3)) "$denied of 3 denied; last: $(why)"
log_mark
e2e_fresh_code
e2e_ssh $PK "$KEY" "$E2E_CODE"
if [[ $RC == 255 ]] && ! ran && shown "Too many failed attempts"; then
	pass "after deny=3 failures even the right code is refused: Too many failed attempts"
else
	fail "lock-out: $(why)"
fi
log_has "result=failure reason=locked out"
check "lock-out logged: reason=locked out" $? "$(log_new | tail -n 3)"
# deny= counts per source: this address is locked, not the account.
mfa_state_text "$DIR/state/$U" >"$DIR/state.txt"
if grep -qE '^source 127\.0\.0\.1 3 [1-9][0-9]* [1-9][0-9]*$' \
	"$DIR/state.txt" && ! grep -q '^locked-until ' "$DIR/state.txt"; then
	pass "the state file records the lock-out of 127.0.0.1"
else
	fail "no source lock-out in the state: $(cat "$DIR/state.txt")"
fi
timeout 20 "$ENROLL" --conf "$CONF" --user "$U" status >"$DIR/status.out" 2>&1
if grep -q '^  failures: *3 in all' "$DIR/status.out" &&
	grep -q '^  from 127.0.0.1: 3 failures (last .*), locked until ' \
		"$DIR/status.out"; then
	pass "mfa-enroll --user NAME status shows the failures per source"
else
	fail "status: $(cat "$DIR/status.out")"
fi

timeout 20 "$ENROLL" --conf "$CONF" --user "$U" unlock >"$DIR/unlock.out" 2>&1
check "mfa-enroll --user NAME unlock exits 0" $? "$(cat "$DIR/unlock.out")"
e2e_fresh_code
e2e_ssh $PK "$KEY" "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]]; then
	pass "after unlock the user logs in again"
else
	fail "after unlock: $(why)"
fi
e2e_conf

# ---- D. PasswordAuthentication yes by mistake ----
e2e_sshd_start "" yes || exit 0
new_user d
log_mark
e2e_ssh password "" 000000
if [[ $RC == 255 ]] && ! ran && [[ $(prompts) == 0 ]] &&
	shown "Permission denied"; then
	pass "PasswordAuthentication yes: the password alone does not log in"
else
	fail "password alone: $(why)"
fi
log_has "user=$U service=sshd rhost=127.0.0.1 method=none result=failure reason=password typed at the code prompt"
check "password fed to the code prompt: logged as a failure, and why" $? \
	"$(log_new | tail -n 3)"
log_has "$U answered the code prompt with the password given to this login: not counted as a failure"
check "password fed to the code prompt: the log says it was not counted" $? \
	"$(log_new | tail -n 3)"
grep -q "Failed password for $U" "$SSHD_LOG"
check "sshd reports the failed password login" $?
# A stranger with a wrong password: sshd feeds that to the code prompt
# too; before issue 14 each connection added up to 9 failures.
wrong_pw=Wrong-$RANDOM$RANDOM
E2E_PASSWORDS+=("$wrong_pw") # checked below: in no log either
E2E_PW_OVERRIDE=$wrong_pw e2e_ssh password "" 000000
[[ $RC == 255 ]] && ! ran
check "PasswordAuthentication yes, wrong password: denied" $? "$(why)"
timeout 20 "$ENROLL" --conf "$CONF" --user "$U" status >"$DIR/status.out" 2>&1
if grep -q '^  failures: *0 in all' "$DIR/status.out" &&
	! grep -q '^  from ' "$DIR/status.out" &&
	! mfa_state_text "$DIR/state/$U" | grep -q '^failures \|^source '; then
	pass "passwords at the code prompt added no failure (mfa-enroll status)"
else
	fail "failures counted: $(cat "$DIR/status.out")"
fi

# keyboard-interactive still works on that server.
e2e_fresh_code
e2e_ssh $KI "" "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]]; then
	pass "PasswordAuthentication yes: keyboard-interactive with a code still works"
else
	fail "kbd-int with PasswordAuthentication yes: $(why)"
fi

e2e_sshd_stop
leaks= # every user's password
for pw in "${E2E_PASSWORDS[@]}"; do
	leaks+=$(grep -rlF -- "$pw" "$SSHD_LOG" "$E2E_LOG" "$DIR/state" \
		"$DIR"/out.* 2>/dev/null)
done
if [[ -z $leaks ]]; then
	pass "the password appears in no log (sshd, syslog), state file or transcript"
else
	fail "the password appears in: $leaks"
fi
e2e_sanitizer_check
exit 0
