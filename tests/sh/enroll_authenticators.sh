#!/usr/bin/env bash
# tests/sh/enroll_authenticators.sh - several authenticators per user
# (issue 20): mfa-enroll add / list / remove, the version 2 file, the cap,
# the proof remove asks a user for, re-enrolment keeping the others.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_authenticators || exit 0
out=$T/out err=$T/err
S3=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UMFRGGZDFMZTWQ2LK
S4=ONSWG4TFOQQGC3TEEBZWK5DUNFXGOIDLMV4XGIDBMZ2GK4Q

# 1. add before any enrolment: refused, pointing at mfa-enroll.
run add --secret "$S2" --code "$(code "$S2")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 && ! -e $SECRET_FILE ]] && grep -q 'not enrolled: run mfa-enroll first' "$err"; then
	pass "add without an enrolment is refused and says to enrol first"
else
	fail "add without enrolment: rc=$rc $(cat "$err")"
fi

# 2. Enrol, then add a second phone: version 2 file, both listed.
run --secret "$S1" --code "$(code "$S1")" >/dev/null 2>"$err" ||
	fail "enrol: $(cat "$err")"
run add --name phone-b --secret "$S2" --code "$(code "$S2")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -qx 'pam_mfa-secret 2' "$SECRET_FILE" &&
	grep -qx "totp-secret $S1" "$SECRET_FILE" &&
	grep -qE "^authenticator phone-b [0-9a-f]{16} [0-9]+ SHA1 6 30 $S2\$" "$SECRET_FILE" &&
	grep -q 'authenticator phone-b added for tester (2 of 5)' "$out" &&
	grep -q "otpauth://totp/.*secret=$S2" "$out"; then
	pass "add --name writes a version 2 file with the second authenticator and shows its URI"
else
	fail "add --name: rc=$rc $(cat "$out" "$err")"
fi
run list >"$out" 2>"$err"
if [[ $(grep -c ' TOTP SHA1, 6 digits, 30 s  added ' "$out") == 2 ]] &&
	grep -q '^app ' "$out" && grep -q '^phone-b ' "$out"; then
	pass "list names both authenticators"
else
	fail "list: $(cat "$out" "$err")"
fi
run status >"$out" 2>"$err"
if grep -q '^  app (TOTP):  *enrolled' "$out" && grep -q '^  phone-b (TOTP):  *added' "$out"; then
	pass "status names each authenticator"
else
	fail "status: $(cat "$out")"
fi

# 3. A wrong code, or a taken name: nothing changes.
before=$(cat "$SECRET_FILE")
run add --name phone-b --secret "$S3" --code "$(code "$S3")" >"$out" 2>"$err"
rc1=$?
run add --name 'Bad Name' --secret "$S3" --code "$(code "$S3")" >"$out" 2>"$err"
rc2=$?
run add --secret "$S3" --code 000000 >"$out" 2>"$err"
rc3=$?
if [[ $rc1 == 1 && $rc2 == 1 && $rc3 == 1 && $(cat "$SECRET_FILE") == "$before" ]]; then
	pass "a taken name, a bad name or a wrong code adds nothing"
else
	fail "refusals: rc $rc1 $rc2 $rc3"
fi

# 4. Up to five: default names app2, app3, then the cap.
run add --secret "$S3" --code "$(code "$S3")" >"$out" 2>"$err" &&
	run add --secret "$S4" --code "$(code "$S4")" >>"$out" 2>>"$err" &&
	run add --name token --secret "$S1$S1" --code "$(code "$S1$S1")" >>"$out" 2>>"$err"
rc=$?
run add --name six --secret "$S2$S2" --code "$(code "$S2$S2")" >"$T/out6" 2>"$T/err6"
rc6=$?
if [[ $rc == 0 && $rc6 == 1 ]] && grep -q '^authenticator app2 ' "$SECRET_FILE" &&
	grep -q '^authenticator app3 ' "$SECRET_FILE" &&
	grep -q 'has 5 authenticators already' "$T/err6"; then
	pass "default names app2, app3; a sixth authenticator is refused"
else
	fail "cap: rc=$rc rc6=$rc6 $(cat "$err" "$T/err6")"
fi

# 5. remove as the user: needs a code of another one; the wrong one or
#    the removed one's own code is refused.
run remove phone-b --code "$(code "$S2")" >"$out" 2>"$err"
rc1=$?
run remove phone-b --code 000000 >"$out" 2>"$err"
rc2=$?
if [[ $rc1 == 1 && $rc2 == 1 ]] && grep -q '^authenticator phone-b ' "$SECRET_FILE" &&
	grep -q 'wrong code: nothing was removed' "$err"; then
	pass "remove refuses the removed authenticator's own code and a wrong code"
else
	fail "remove without proof: rc $rc1 $rc2"
fi
run remove phone-b --code "$(code "$S1")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && ! grep -q '^authenticator phone-b ' "$SECRET_FILE" &&
	grep -q 'Authenticator phone-b removed; 4 left' "$out"; then
	pass "remove with a code from another authenticator"
else
	fail "remove: rc=$rc $(cat "$out" "$err")"
fi

# 6. Removing the file's own one moves the next one up; the last one
#    cannot be removed.
run remove app --code "$(code "$S3")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -qx "totp-secret $S3" "$SECRET_FILE" &&
	grep -qx 'totp-name app2' "$SECRET_FILE" && ! grep -q '^authenticator app2 ' "$SECRET_FILE"; then
	pass "removing app makes the next authenticator the file's own (totp-name)"
else
	fail "remove app: rc=$rc $(cat "$err")"
fi
run remove app3 --code "$(code "$S3")" >/dev/null 2>"$err" &&
	run remove token --code "$(code "$S3")" >/dev/null 2>>"$err"
run remove app2 --code "$(code "$S3")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 ]] && grep -q 'app2 is the only authenticator' "$err"; then
	pass "the last authenticator cannot be removed (disable does that)"
else
	fail "last one: rc=$rc $(cat "$err")"
fi
run remove nosuch --code "$(code "$S3")" >"$out" 2>"$err"
[[ $? == 1 ]] && grep -q 'no authenticator called nosuch' "$err" &&
	pass "remove of an unknown name says so" ||
	fail "remove unknown: $(cat "$err")"

# 6b. A TOTP hardware token with 60-second steps.
run add --name t60 --period 60 --secret "$S3" --code "$(oathtool --totp -s 60 -b "$S3")" >"$out" 2>"$err"
rc=$?
run add --name t61 --period 5 --secret "$S3" --code 123456 >/dev/null 2>"$T/err2"
rc2=$?
if [[ $rc == 0 && $rc2 == 2 ]] && grep -q "^authenticator t60 .* SHA1 6 60 $S3\$" "$SECRET_FILE" &&
	grep -q 'period=60' "$out" && grep -q -- '--period must be 15 to 300' "$T/err2"; then
	pass "add --period 60: a 60-second TOTP token; a bad period is refused"
else
	fail "add --period: rc=$rc rc2=$rc2 $(cat "$err" "$T/err2")"
fi
run remove t60 --code "$(code "$S3")" >/dev/null 2>"$err" || fail "remove t60: $(cat "$err")"

# 7. Re-enrolment keeps the other authenticators.
run add --name phone-b --secret "$S2" --code "$(code "$S2")" >/dev/null 2>"$err"
run --secret "$S4" --code "$(code "$S4")" >/dev/null 2>"$err"
if grep -qx "totp-secret $S4" "$SECRET_FILE" && grep -qx 'totp-name app' "$SECRET_FILE" &&
	grep -q "^authenticator phone-b .* $S2\$" "$SECRET_FILE"; then
	pass "re-enrolment replaces app and keeps the other authenticators"
else
	fail "re-enrol with others: $(cat "$err") $(cat "$SECRET_FILE")"
fi

# 8. A backup code also proves it (checked, not used up).
run backup-codes >"$out" 2>"$err"
bc=$(grep -oE '[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}' "$out" | head -1)
run remove phone-b --code "$bc" >"$out" 2>"$err"
rc=$?
if [[ -n $bc && $rc == 0 ]] && ! grep -q '^authenticator phone-b' "$SECRET_FILE"; then
	pass "remove with a backup code"
else
	fail "remove with backup code: rc=$rc $(cat "$err")"
fi
# 9. Root for bob: add records the verified step as the new one's floor
#    (list shows its last code), and remove needs no code.
if [[ $(id -u) != 0 ]]; then
	skip "root: add/list/remove --user (not root)"
	exit $failed
fi
run --user bob --secret "$S1" --code "$(code "$S1")" >/dev/null 2>"$err" ||
	fail "root enrol bob: $(cat "$err")"
run --user bob add --name token --secret "$S2" --code "$(code "$S2")" >"$out" 2>"$err"
rc=$?
run --user bob list >"$out" 2>>"$err"
today=$(date -u +%Y-%m-%d)
if [[ $rc == 0 ]] && grep -q "^token .* last code $today" "$out" &&
	grep -q "^app .* last code $today" "$out" &&
	grep -qE '^auth-step [0-9a-f]{16} [0-9]+$' "$T/state/bob"; then
	pass "root: add records the new authenticator's own floor; list shows each one's last code"
else
	fail "root add/list: rc=$rc $(cat "$out" "$err")"
fi
run --user bob status >"$out" 2>"$err"
grep -q "^  last app code:  $today.*, from " "$out" &&
	pass "root: status names the authenticator of the last code" ||
	fail "root status: $(cat "$out")"
# The offsets learnt at login (auth-step DRIFT): status and list say them.
tid=$(sed -n 's/^authenticator token \([0-9a-f]*\) .*/\1/p' "$T/home/bob/.pam_mfa")
bid=$(sed -n 's/^id \(.\{16\}\).*/\1/p' "$T/home/bob/.pam_mfa")
step=$(($(date +%s) / 30))
cat >"$T/state/bob" <<EOF2
pam_mfa-state 2
enrolled $(date +%s) $(sed -n 's/^id //p' "$T/home/bob/.pam_mfa")
totp-last-step $step
auth-step $tid $step -2
auth-step $bid $step 1
EOF2
run --user bob status >"$out" 2>"$err"
run --user bob list >"$T/list" 2>>"$err"
if grep -q "^  clock:          token's clock is about 60 s behind\$" "$out" &&
	grep -q "^  clock:          app's clock is about 30 s ahead\$" "$out" &&
	grep -q '^token .*, clock about 60 s behind$' "$T/list"; then
	pass "root: status and list show each authenticator's clock offset"
else
	fail "drift display: $(cat "$out" "$T/list" "$err")"
fi
# 10. HOTP hardware tokens (RFC 4226's key; codes from oathtool --hotp).
HEX=3132333435363738393031323334353637383930
hotp() { oathtool --hotp -c "$1" "$HEX"; }
run --user bob add --name yubi --hotp --secret "$HEX" --code "$(hotp 15)" >"$out" 2>"$err"
rc1=$?
run add --hotp --secret "$HEX" --code "$(hotp 2)" >"$T/out2" 2>"$T/err2"
rc2=$?
if [[ $rc1 == 1 && $rc2 == 2 ]] && grep -q 'not one of the token.s first 10 codes' "$err" &&
	grep -q -- '--hotp needs root' "$T/err2" && ! grep -q '^authenticator yubi' "$T/home/bob/.pam_mfa"; then
	pass "add --hotp: a code past hotp_window, or a user, is refused"
else
	fail "add --hotp refusals: rc $rc1 $rc2 $(cat "$err" "$T/err2")"
fi
run --user bob add --name yubi --hotp --secret "$HEX" --code "$(hotp 2)" >"$out" 2>"$err"
rc=$?
run --user bob list >"$T/list" 2>>"$err"
if [[ $rc == 0 ]] && grep -q '^authenticator yubi [0-9a-f]\{16\} [0-9]* SHA1 6 hotp GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ$' "$T/home/bob/.pam_mfa" &&
	grep -q '^yubi  *HOTP SHA1, 6 digits .* counter 2$' "$T/list"; then
	pass "add --hotp --secret HEX --code: the token and its counter (2) in root's state"
else
	fail "add --hotp: rc=$rc $(cat "$out" "$err" "$T/list")"
fi
run --user bob resync "$(hotp 500)" "$(hotp 502)" >"$out" 2>"$err"
rc1=$?
run --user bob resync "$(hotp 1)" "$(hotp 2)" >"$out" 2>>"$err"
rc2=$?
run --user bob resync "$(hotp 500)" "$(hotp 501)" >"$out" 2>"$T/err3"
rc3=$?
run --user bob list >"$T/list"
if [[ $rc1 == 1 && $rc2 == 1 && $rc3 == 0 ]] && grep -q 'not consecutive codes of yubi' "$err" &&
	grep -q 'yubi resynchronised: counter 501 used' "$out" && grep -q '^yubi .* counter 501$' "$T/list"; then
	pass "resync: two consecutive codes far ahead move the counter; gaps and old codes do not"
else
	fail "resync: rc $rc1 $rc2 $rc3 $(cat "$err" "$T/err3" "$out")"
fi
run resync "$(hotp 600)" "$(hotp 601)" >"$out" 2>"$err"
[[ $? == 2 ]] && grep -q 'resync needs root and --user NAME' "$err" &&
	pass "resync is root's" || fail "resync as a user: $(cat "$err")"

run --user bob remove token </dev/null >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && ! grep -q '^authenticator token' "$T/home/bob/.pam_mfa"; then
	pass "root: remove needs no code"
else
	fail "root remove: rc=$rc $(cat "$err")"
fi
exit $failed
