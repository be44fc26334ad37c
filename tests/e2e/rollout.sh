#!/usr/bin/env bash
# tests/e2e/rollout.sh - enrolment at first login over real SSH (issue 10):
# Debian's sshd under pam_wrapper, the OpenSSH client under expect, a real
# user who has never enrolled, enroll_at_login on.
#
#   A. Before a deadline, an empty answer skips: the login goes on, no file.
#   B. Wrong codes: nothing is written.
#   C. The user enrols during the login: the QR code that reached the
#      client scans to the key URI (when zbarimg is installed), the file in
#      their home is theirs (written with their identity, not root's) with
#      mode 0600, the state marks them enrolled.
#   D. The next login asks for a code from the app.
# Root only.  Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
# shellcheck source=lib/lib.sh
. "$(dirname "$0")/lib/lib.sh"
e2e_init rollout
e2e_user_add
U=$E2E_USER
FILE=$E2E_HOME/.pam_mfa

# enrol_ssh MODE: one login through lib/rollout_login.exp.
enrol_ssh() {
	TOKEN=ok$RANDOM$RANDOM
	OUT=$DIR/out.$((++E2E_N))
	E2E_PORT=$SSHD_PORT E2E_USER=$U E2E_DIR=$DIR E2E_ENROL=$1 \
		E2E_DARK=${E2E_DARK:-n} \
		E2E_PASSWORD=$E2E_PASSWORD E2E_CMD="echo $TOKEN-\$((6*7))" \
		timeout 90 expect -f "$E2E_LIB/rollout_login.exp" >"$OUT" 2>&1
	RC=$?
	tr -d '\r' <"$OUT" >"$OUT.txt" && mv "$OUT.txt" "$OUT"
}
field() { grep -o "E2E: .*" "$OUT" | tail -n 1 | grep -o "$1=[^ ]*" | cut -d= -f2; }

e2e_conf "enroll_at_login" "issuer = e2e" "enforce_after = 2099-01-01"
e2e_sshd_start keyboard-interactive no || exit 0

# ---- A. skip before the deadline ----
log_mark
enrol_ssh skip
if [[ $RC == 0 ]] && ran && [[ $(field enrol-prompts) == 1 ]] &&
	shown "Press Enter to do this later; it will be required from 1 January 2099." &&
	[[ ! -e $FILE ]]; then
	pass "before the deadline an empty answer skips the enrolment"
else
	fail "skip: $(why)"
fi
log_has "enrolment at login skipped: user=$U service=sshd"
check "skip logged" $? "$(log_new | tail -n 3)"

# ---- B. wrong codes write nothing; after the deadline that fails ----
e2e_conf "enroll_at_login" "issuer = e2e"
log_mark
enrol_ssh wrong
if [[ $RC == 255 ]] && ! ran && [[ $(field enrol-prompts) == 3 ]] &&
	[[ ! -e $FILE ]] && ! grep -qs '^enrolled ' "$DIR/state/$U"; then
	pass "3 wrong codes: denied, no file, not enrolled"
else
	fail "wrong codes: $(why)"
fi
log_has "enrolment at login failed: user=$U service=sshd reason=wrong code"
check "wrong codes logged" $? "$(log_new | tail -n 3)"

# ---- C. enrolment over SSH ----
log_mark
E2E_DARK=y enrol_ssh code
KEY=$(field key)
if [[ $RC == 0 ]] && ran && [[ $(field saved-prompts) == 1 ]] &&
	shown "Code accepted: multi-factor authentication is set up." &&
	[[ $(grep -cE '^ +[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4} ' "$OUT") == 5 ]]; then
	pass "the user enrols during an SSH login and sees 10 backup codes"
else
	fail "enrolment over SSH: $(why)"
fi
if [[ -f $FILE && $(stat -c '%U %a' "$FILE") == "$U 600" ]] &&
	grep -q "^totp-secret $KEY\$" "$FILE"; then
	pass "the file in the user's home is theirs, mode 0600, with the key shown"
else
	fail "secret file: $(stat -c '%U:%G %a' "$FILE" 2>&1)"
fi
if grep -q '^enrolled ' "$DIR/state/$U" && grep -q '^totp-last-step ' "$DIR/state/$U"; then
	pass "the state marks the user enrolled, with the enrolment's step used"
else
	fail "state: $(cat "$DIR/state/$U" 2>&1)"
fi
log_has "enrolment at login completed: user=$U service=sshd" &&
	log_has "user=$U service=sshd rhost=127.0.0.1 method=totp result=success reason=enrolled at login"
check "enrolment logged, and the decision line says method=totp" $? \
	"$(log_new | tail -n 4)"
if grep -qF -- "$KEY" "$E2E_LOG" "$SSHD_LOG"; then
	fail "the key appears in a log"
else
	pass "the key appears in no log"
fi

# The QR code as the client printed it: the lines after "Scan this QR
# code".  The OpenSSH client escapes ESC in these messages, so the module
# sends no colours over SSH: no "\033[" junk; the code is drawn in the
# terminal's own colours, as the negative when the user says the
# background is dark (as here), so it must scan on a dark theme.
if shown '\033['; then
	fail "escape sequences reached the SSH client as text"
else
	pass "no escape sequences are sent over SSH"
fi
if command -v zbarimg >/dev/null && [[ -x /usr/bin/python3 ]]; then
	sed -n '/Scan this QR code with the app:/,/the key into the app/p' "$OUT" |
		grep -a -v -e 'Scan this QR' -e 'the key into the app' >"$DIR/qr.txt"
	uri=$(/usr/bin/python3 "$SRC/tests/tools/term2pgm.py" --theme dark \
		"$DIR/qr.txt" "$DIR/qr.pgm" && zbarimg --raw -q "$DIR/qr.pgm" 2>/dev/null)
	if [[ $uri == "otpauth://totp/e2e:$U%40"*"?secret=$KEY&issuer=e2e" ]]; then
		pass "the QR code that reached the SSH client scans to the key URI (dark theme, as answered)"
	else
		fail "QR over SSH read '$uri' ($(wc -l <"$DIR/qr.txt") lines)"
	fi
else
	skip "QR over SSH not scanned (zbarimg or python3 missing: install zbar-tools)"
fi

# ---- D. the next login asks for the code ----
E2E_SECRET=$KEY
# The step the enrolment used, as the module recorded it.
E2E_LAST_STEP=$(sed -n 's/^totp-last-step //p' "$DIR/state/$U")
log_mark
e2e_fresh_code
e2e_ssh keyboard-interactive "" "$E2E_CODE"
if [[ $RC == 0 ]] && ran && [[ $(prompts) == 1 ]] &&
	! shown "Code from your app" && shown "Enter the 6-digit code"; then
	pass "the next login asks for a code from the app and accepts it"
else
	fail "next login: $(why)"
fi
log_has "user=$U service=sshd rhost=127.0.0.1 method=totp result=success"
check "next login logged method=totp result=success" $? "$(log_new | tail -n 3)"

e2e_sshd_stop
e2e_sanitizer_check
exit 0
