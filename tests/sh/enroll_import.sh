#!/usr/bin/env bash
# tests/sh/enroll_import.sh - mfa-enroll import-google-authenticator: a
# real file made by Debian's google-authenticator, and hand-made files for
# the step size, HOTP refusal and malformed input.  The original file must
# stay untouched.  Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_import || exit 0
out=$T/out err=$T/err
GA=$HOMEDIR/.google_authenticator

# 1. A real file from google-authenticator (default path).
if command -v google-authenticator >/dev/null; then
	google-authenticator -t -D -f -u -w 3 -C -q -s "$GA" >/dev/null 2>&1
	cp -p "$GA" "$T/ga-copy"
	secret=$(head -n 1 "$GA")
	nscratch=$(grep -cE '^[0-9]{8}$' "$GA")
	run import-google-authenticator --code "$(code "$secret")" \
		>"$out" 2>"$err"
	rc=$?
	if [[ $rc == 0 ]] && grep -qx "totp-secret $secret" "$SECRET_FILE" &&
		grep -qx 'totp-period 30' "$SECRET_FILE" &&
		[[ $(grep -c '^backup [0-9] \$argon2id\$' "$SECRET_FILE") == "$nscratch" ]] &&
		[[ $(stat -c %a "$SECRET_FILE") == 600 ]]; then
		pass "google-authenticator file imported: secret carried, $nscratch scratch codes hashed"
	else
		fail "real import: rc=$rc $(cat "$err")"
	fi
	first=$(grep -m1 -E '^[0-9]{8}$' "$GA")
	if grep -q "0-$first" "$out" && ! grep -qE '^backup [0-9] [0-9]{8}' "$SECRET_FILE"; then
		pass "scratch codes explained with their slot number, stored only hashed"
	else
		fail "scratch code message or plaintext storage"
	fi
	cmp -s "$GA" "$T/ga-copy" && [[ $(stat -c %a "$GA") == 400 ]] &&
		pass "the google-authenticator file is left untouched" ||
		fail "the original file changed"
	code "$secret" >/dev/null &&
		printf '%s\n' "$(code "$secret")" | run >/dev/null 2>&1
	rm -f "$SECRET_FILE"
else
	skip "real google-authenticator file (google-authenticator missing: install libpam-google-authenticator)"
fi

# 2. A hand-made file: STEP_SIZE 60 carried over, code checked at 60 s.
printf '%s\n" RATE_LIMIT 3 30 1764017613\n" STEP_SIZE 60\n" DISALLOW_REUSE\n" TOTP_AUTH\n12345678\n87654321\n' \
	"$S1" >"$T/ga60"
chmod 0400 "$T/ga60"
c60=$(oathtool --totp --time-step-size=60s -b "$S1")
run import-google-authenticator --code "$c60" "$T/ga60" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -qx 'totp-period 60' "$SECRET_FILE" &&
	[[ $(grep -c '^backup ' "$SECRET_FILE") == 2 ]] &&
	grep -q '1-87654321' "$out"; then
	pass "STEP_SIZE 60 carried over; 2 scratch codes in slots 0 and 1"
else
	fail "STEP_SIZE import: rc=$rc $(cat "$err")"
fi

# 3. Refusals leave the current enrolment alone.
run --secret "$S2" --code "$(code "$S2")" >/dev/null 2>&1 ||
	fail "baseline enrolment for the refusal tests"
cp -p "$SECRET_FILE" "$T/before"
check_refused() { # NAME CONTENT PATTERN
	printf '%b' "$2" >"$T/ga-bad" && chmod 0600 "$T/ga-bad"
	run import-google-authenticator --code 123456 "$T/ga-bad" \
		>"$out" 2>"$err"
	rc=$?
	if [[ $rc == 1 ]] && grep -q "$3" "$err" &&
		cmp -s "$SECRET_FILE" "$T/before"; then
		pass "import refuses $1"
	else
		fail "import of $1: rc=$rc $(cat "$err")"
	fi
}
check_refused "an HOTP file" "$S1\n\" HOTP_COUNTER 1\n12345678\n" 'HOTP'
check_refused "a short secret" 'JBSWY3DPEHPK3PXP\n" TOTP_AUTH\n' '128'
check_refused "a bad scratch line" "$S1\n1234\n" 'line 2'
check_refused "STEP_SIZE 5" "$S1\n\" STEP_SIZE 5\n" 'STEP_SIZE'
check_refused "an empty file" '' 'empty'
check_refused "11 scratch codes" "$S1$(printf '\\n1234567%d' 0 1 2 3 4 5 6 7 8 9)\\n12345670\\n" 'more than 10'
chmod 0644 "$T/ga-bad"
run import-google-authenticator --code 123456 "$T/ga-bad" >"$out" 2>"$err"
[[ $? == 1 ]] && cmp -s "$SECRET_FILE" "$T/before" &&
	pass "import refuses a group/other-readable file" ||
	fail "readable file: $(cat "$err")"
run import-google-authenticator --code 000000 "$T/ga60" >"$out" 2>"$err"
[[ $? == 1 ]] && cmp -s "$SECRET_FILE" "$T/before" &&
	pass "import with a wrong code changes nothing" ||
	fail "wrong code import"
run import-google-authenticator --code 123456 "$T/missing" >"$out" 2>"$err"
[[ $? == 1 ]] && pass "import of a missing file: exit 1" ||
	fail "missing file"

exit "$failed"
