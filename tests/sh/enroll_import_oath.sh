#!/usr/bin/env bash
# tests/sh/enroll_import_oath.sh - mfa-enroll import-oath (issue 20): a
# pam_oath users file written by hand from oath-toolkit's documented
# format (TYPE USER PIN HEXKEY [COUNTER ...]) becomes authenticators, HOTP
# counters carried, PINs refused; codes from oathtool then check out with
# the module's own rules (mfa-enroll remove's proof, list's counters).
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
. "$SRC/tests/lib/statetext.sh"
enroll_setup enroll_import_oath || exit 0
if [[ $(id -u) != 0 ]]; then
	skip "import-oath (root only: writes bob's files and state)"
	exit 0
fi
out=$T/out err=$T/err
HEX=3132333435363738393031323334353637383930
HEX2=00112233445566778899aabbccddeeff00112233
BOBFILE=$T/home/bob/.pam_mfa
oath=$T/users.oath
cat >"$oath" <<EOF2
# pam_oath users file
HOTP	bob	-	$HEX	12	868912	2024-01-01T00:00:00L
HOTP/T30	tester	-	$HEX2	0	123456	2024-01-01T00:00:00L
HOTP/T60/8	bob	+	$HEX2
HOTP	carol	1234	$HEX
HOTP/T45	dave	-	$HEX
HOTP	tester	-	$HEX	7
EOF2
chmod 0600 "$oath"

# 1. Usage and root's file.
run import-oath "$oath" >"$out" 2>"$err"
rc1=$?
if [[ $rc1 == 2 ]] && grep -q 'usage: mfa-enroll import-oath FILE' "$err"; then
	pass "import-oath wants --user NAME or --all"
else
	fail "usage: rc=$rc1 $(cat "$err")"
fi

# 2. --user bob: HOTP with its counter (12, the counter of its last code
#    868912, used) as the enrolment,
#    then the 60-second 8-digit token; nothing of other users.
run import-oath "$oath" --user bob >"$out" 2>"$err"
rc=$?
run --user bob list >"$T/list" 2>>"$err"
if [[ $rc == 0 ]] && grep -qx 'totp-kind hotp' "$BOBFILE" &&
	grep -qx 'totp-secret GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' "$BOBFILE" &&
	grep -q '^authenticator oath2 [0-9a-f]* [0-9]* SHA1 8 60 ' "$BOBFILE" &&
	grep -q '^oath  *HOTP SHA1, 6 digits .* counter 12$' "$T/list" &&
	grep -q '^oath2  *TOTP SHA1, 8 digits, 60 s' "$T/list" &&
	grep -q '^bob: imported oath (HOTP, counter carried)$' "$out" &&
	[[ ! -e $SECRET_FILE ]]; then
	pass "--user bob: HOTP line as the enrolment with its counter carried, T60/8 as a second authenticator"
else
	fail "--user bob: rc=$rc $(cat "$out" "$err" "$T/list")"
fi

# 3. Again: nothing twice.
run import-oath "$oath" --user bob >"$out" 2>"$err"
if [[ $? == 0 && $(grep -c '^authenticator ' "$BOBFILE") == 1 ]] &&
	grep -q 'bob: imported already' "$out"; then
	pass "a second run imports nothing twice"
else
	fail "second run: $(cat "$out" "$err")"
fi

# 4. --all: tester imported; carol's PIN and dave's type refused by line.
t0=$(date +%s)
run import-oath "$oath" --all >"$out" 2>"$err"
rc=$?
t1=$(date +%s)
if [[ $rc == 1 ]] && grep -q "^totp-secret $(oathtool --totp -v "$HEX2" 2>/dev/null | sed -n 's/^Base32 secret: //p')\$" "$SECRET_FILE" &&
	grep -q 'line 5 of carol: has a PIN, which pam_mfa does not have' "$err" &&
	grep -q 'line 6 of dave: unknown type' "$err"; then
	pass "--all: the others imported; a PIN and an unknown type refused with the line"
else
	fail "--all: rc=$rc $(cat "$out" "$err")"
fi
# tester's T30 line has a last code: the step of the import is spent, so
# pam_oath's last code (of that step or an earlier one) stays spent.
step=$(mfa_state_text "$T/state/tester" | sed -n 's/^totp-last-step //p')
if [[ -n $step ]] && ((step >= t0 / 30 && step <= t1 / 30)); then
	pass "a TOTP line with a last code: the step of the import is the floor"
else
	fail "TOTP floor: '$step' not in $((t0 / 30))..$((t1 / 30)): $(mfa_state_text "$T/state/tester")"
fi

# 5. The imported TOTP key works: its code proves a removal.
run --user bob remove oath2 >/dev/null 2>"$err" || fail "remove oath2: $(cat "$err")"
run remove nosuch --code "$(oathtool --totp "$HEX2")" >/dev/null 2>&1
run list >"$out" 2>"$err"
grep -q '^oath  *TOTP SHA1, 6 digits, 30 s' "$out" &&
	pass "the T30 line is tester's enrolment (list)" ||
	fail "tester's list: $(cat "$out" "$err")"
run --user tester list >"$out" 2>"$err"
grep -q '^oath2  *HOTP SHA1, 6 digits .* counter 6$' "$out" &&
	pass "an HOTP line without a last code: its COUNTER is the next to accept (6 used)" ||
	fail "tester's HOTP counter: $(cat "$out" "$err")"

# 6. A file others can read is refused.
chmod 0644 "$oath"
run import-oath "$oath" --all >"$out" 2>"$err"
[[ $? == 1 ]] && grep -q "$oath" "$err" &&
	pass "a users file others can read is refused" ||
	fail "0644 users file: $(cat "$err")"
exit $failed
