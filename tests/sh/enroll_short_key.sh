#!/usr/bin/env bash
# tests/sh/enroll_short_key.sh - import-google-authenticator
# --allow-short-key (issue 20): an old 80-bit google-authenticator key is
# refused without the flag, imported with it as a version 2 file marked
# legacy-short-key, and status warns.  (The module's side, the
# legacy_short_keys option, is in tests/pam/test_authenticators.c.)
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_short_key || exit 0
out=$T/out err=$T/err
GA=$HOMEDIR/.google_authenticator
SHORT=JBSWY3DPEHPK3PXP # 10 bytes: 80 bits
printf '%s\n" TOTP_AUTH\n' "$SHORT" >"$GA"
chmod 0400 "$GA"

run import-google-authenticator --code "$(code "$SHORT")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 && ! -e $SECRET_FILE ]] && grep -q 'the secret has 80 bits' "$err" &&
	grep -q -- '--allow-short-key' "$err"; then
	pass "an 80-bit key is refused without --allow-short-key, naming the flag"
else
	fail "short key without the flag: rc=$rc $(cat "$err")"
fi

run import-google-authenticator --allow-short-key --code "$(code "$SHORT")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -qx 'pam_mfa-secret 2' "$SECRET_FILE" &&
	grep -qx "totp-secret $SHORT" "$SECRET_FILE" &&
	grep -qx 'legacy-short-key yes' "$SECRET_FILE" &&
	grep -q 'only where legacy_short_keys' "$out"; then
	pass "--allow-short-key imports it as legacy-short-key, and says the module needs legacy_short_keys"
else
	fail "--allow-short-key: rc=$rc $(cat "$out" "$err")"
fi
run status >"$out" 2>"$err"
grep -q 'warning:        the key has 80 bits, under 128' "$out" &&
	pass "status warns about the short key" ||
	fail "status: $(cat "$out")"
exit $failed
