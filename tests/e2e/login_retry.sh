#!/usr/bin/env bash
# tests/e2e/login_retry.sh - one login process, two people (issue 14 item
# 1, DESIGN §12): util-linux /bin/login keeps one PAM handle for its
# retries.  With the README's roll-out stack (pam_unix, then pam_mfa with
# enroll_at_login and a deadline far away), under pam_wrapper, a real user:
#
#   1. The attacker types the victim's name and a wrong password, and
#      enrols their own authenticator (pam_mfa cannot see that the password
#      was wrong); login says "Login incorrect" and asks again.  The victim,
#      in the same login process, types the right password and presses
#      Enter to skip the enrolment: logged in.
#   2. Nothing of the attacker's enrolment was confirmed: the victim's next
#      login is not bound to the attacker's key (enrolment is offered, the
#      attacker's code is refused, no "Verification code" prompt).
# Root only.  Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
# shellcheck source=lib/lib.sh
. "$(dirname "$0")/lib/lib.sh"
e2e_init retry
e2e_user_add
U=$E2E_USER
STATE=$DIR/state/$U

cat >"$DIR/pam.d/login" <<EOF2
auth required pam_unix.so nodelay
auth required $MODULE conf=$CONF
account required pam_unix.so
session required pam_permit.so
EOF2
e2e_conf "enroll_at_login" "enforce_after = 2099-01-01"

# retry_login MODE [KEY]: one /bin/login process (lib/login_retry.exp).
retry_login() {
	local wrong="wrong-$E2E_PASSWORD"
	TOKEN=ok$RANDOM$RANDOM
	OUT=$DIR/out.$((++E2E_N))
	E2E_MODE=$1 E2E_KEY=${2:-} E2E_USER=$U E2E_PASSWORD=$E2E_PASSWORD \
		E2E_WRONG=$wrong E2E_TOKEN=$TOKEN \
		E2E_ENV="$(e2e_wrap_env)" \
		timeout 120 expect -f "$E2E_LIB/login_retry.exp" >"$OUT" 2>&1
	RC=$?
	tr -d '\r' <"$OUT" >"$OUT.txt" && mv "$OUT.txt" "$OUT"
}
field() { grep -o "E2E: .*" "$OUT" | tail -n 1 | grep -o "$1=[^ ]*" | cut -d= -f2; }

# ---- 1. the attack, in one login process ----
log_mark
retry_login attack
KEY=$(field key)
if [[ $RC == 0 ]] && ran && [[ -n $KEY ]] && [[ $(field logins) == 2 ]] &&
	[[ $(field incorrect) == 1 ]]; then
	pass "login retry: attacker enrols with a wrong password (Login incorrect), the victim then logs in skipping enrolment"
else
	fail "login retry: $(grep -a 'E2E:' "$OUT" | tail -n 1) $(why)"
fi
log_has "enrolment at login completed: user=$U service=login"
check "the attacker's enrolment ran (pam_mfa cannot see the wrong password)" \
	$? "$(log_new | tail -n 4)"
if log_has "enrolment at login confirmed"; then
	fail "setcred of the victim's login confirmed the attacker's enrolment: $(log_new | grep confirmed)"
else
	pass "setcred of the victim's login confirmed nothing"
fi
if grep -qs '^enrolled ' "$STATE"; then
	fail "the state marks the victim enrolled: $(cat "$STATE")"
else
	pass "the state does not mark the victim enrolled"
fi

# ---- 2. the victim's next login ----
log_mark
retry_login next "$KEY"
if [[ $RC == 0 ]] && ran && [[ $(field code-prompts) == 0 ]] &&
	shown "Invalid code (is the phone's clock right?)" &&
	shown "Press Enter to do this later"; then
	pass "next login: not bound to the attacker's key (enrolment offered, the attacker's code refused)"
else
	fail "next login: $(why)"
fi
if log_has "method=totp result=success" || grep -qs '^enrolled ' "$STATE"; then
	fail "the attacker's key is the victim's enrolment (a code accepted, or enrolled in the state): $(log_new | tail -n 3)"
else
	pass "the attacker's key passes no login and is not the victim's enrolment"
fi
e2e_sanitizer_check
exit 0
