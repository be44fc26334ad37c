#!/usr/bin/env bash
# tests/e2e/ssh_password.sh - code_in_password through a real sshd with
# PasswordAuthentication yes (issue 20): the client sends one password,
# the password and the code together; pam_mfa comes first and hands the
# password on to pam_unix use_first_pass.  Root only.  Prints
# PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
# shellcheck source=lib/lib.sh
. "$(dirname "$0")/lib/lib.sh"
e2e_init ssh_password

E2E_SSHD_AUTH="auth required $MODULE conf=$CONF code_in_password
auth required pam_unix.so nodelay use_first_pass"
e2e_user_add
e2e_enrol
U=$E2E_USER
e2e_sshd_start "" yes || exit 0

# Password and code in one answer: logged in.
log_mark
e2e_fresh_code
E2E_PW_OVERRIDE="$E2E_PASSWORD$E2E_CODE" e2e_ssh password ""
if [[ $RC == 0 ]] && ran; then
	pass "PasswordAuthentication yes: password and code in one answer log in"
else
	fail "password+code: $(why)"
fi
log_has "user=$U service=sshd rhost=127.0.0.1 method=totp result=success authenticator=app"
check "code_in_password: decision line names the authenticator" $? \
	"$(log_new | tail -n 3)"
! log_new | grep -qF -- "$E2E_PASSWORD"
check "the password is in no log line" $?

# The password alone, or with a wrong code: refused.
log_mark
E2E_PW_OVERRIDE="$E2E_PASSWORD" e2e_ssh password ""
rc1=$RC
e2e_wrong_code
E2E_PW_OVERRIDE="$E2E_PASSWORD$E2E_CODE" e2e_ssh password ""
if [[ $rc1 == 255 && $RC == 255 ]] && ! ran; then
	pass "the password alone, or with a wrong code, does not log in"
else
	fail "refusals: rc $rc1 $RC $(why)"
fi
log_has "user=$U service=sshd rhost=127.0.0.1 method=none result=failure reason=wrong code"
check "a wrong code is logged as one" $? "$(log_new | tail -n 3)"

# A right code with a wrong password: refused by pam_unix.
e2e_fresh_code
E2E_PW_OVERRIDE="wrong-$E2E_PASSWORD$E2E_CODE" e2e_ssh password ""
[[ $RC == 255 ]] && ! ran
check "a right code with a wrong password does not log in" $? "$(why)"
exit $failed
