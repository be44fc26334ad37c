#!/usr/bin/env bash
# tests/e2e/console.sh - console logins through pam_mfa (issue 7):
# `su - USER -c CMD` (service su-l) and `/bin/login USER` (service login) on
# expect's terminal, each with a private PAM stack through pam_wrapper
# (pam_unix, then pam_mfa), a real user and real TOTP codes.
# Root only.  Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
# shellcheck source=lib/lib.sh
. "$(dirname "$0")/lib/lib.sh"
e2e_init console
e2e_user_add
e2e_enrol
[[ $E2E_ENROLLED_BY == mfa-enroll ]] ||
	fail "mfa-enroll --user --secret --code failed, file written by hand: $(tail -n 3 "$DIR/enrol.out")"
U=$E2E_USER

for svc in su-l login; do
	cat >"$DIR/pam.d/$svc" <<-EOF
		auth required pam_unix.so nodelay
		auth required $MODULE conf=$CONF
		account required pam_unix.so
		session required pam_permit.so
	EOF
done

# ---- su - USER -c CMD ----
log_mark
e2e_fresh_code
e2e_console su "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]]; then
	pass "su -: password + right code runs the command as the user"
else
	fail "su - with the right code: $(why)"
fi
log_has "user=$U service=su-l .*method=totp result=success"
check "su -: decision line service=su-l method=totp result=success" $? \
	"$(log_new | tail -n 3)"

log_mark
e2e_wrong_code
e2e_console su "$E2E_CODE"
if [[ $RC != 0 && $RC != 124 ]] && ! ran && [[ $(prompts) == 3 ]] &&
	shown "Invalid code."; then
	pass "su -: a wrong code is refused (3 prompts, nothing runs)"
else
	fail "su - with a wrong code: $(why)"
fi
log_has "user=$U service=su-l .*result=failure reason=wrong code"
check "su -: wrong code logged as a failure" $? "$(log_new | tail -n 3)"

# ---- /bin/login USER ----
log_mark
e2e_fresh_code
e2e_console login "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]]; then
	pass "login: password + right code gives a shell"
else
	fail "login with the right code: $(why)"
fi
log_has "user=$U service=login .*method=totp result=success"
check "login: decision line service=login method=totp result=success" $? \
	"$(log_new | tail -n 3)"

log_mark
e2e_wrong_code
e2e_console login "$E2E_CODE"
if [[ $RC == 1 ]] && ! ran && shown "Login incorrect"; then
	pass "login: a wrong code is refused (Login incorrect)"
else
	fail "login with a wrong code: $(why)"
fi
log_has "user=$U service=login .*result=failure reason=wrong code"
check "login: wrong code logged as a failure" $? "$(log_new | tail -n 3)"

leaks=$(grep -rlF -- "$E2E_PASSWORD" "$E2E_LOG" "$DIR/state" "$DIR"/out.* \
	2>/dev/null)
if [[ -z $leaks ]]; then
	pass "console: the password appears in no log, state file or transcript"
else
	fail "console: the password appears in: $leaks"
fi
e2e_sanitizer_check
exit 0
