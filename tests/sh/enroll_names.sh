#!/usr/bin/env bash
# tests/sh/enroll_names.sh - the names an authenticator app shows:
# --issuer and --label follow the rule of issuer= (printable ASCII, no
# ':', which the key URI format uses between issuer and account), with the
# same words, and a refused name changes nothing.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_names || exit 0
out=$T/out err=$T/err
rule="only printable ASCII without ':' is allowed"

# The config option's refusal, for comparison.
printf 'state_dir = %s\nissuer = a:b\n' "$T/state" >"$T/bad.conf"
chmod 0644 "$T/bad.conf"
LD_PRELOAD=$PRELOAD NSS_WRAPPER_PASSWD=$T/passwd \
	NSS_WRAPPER_GROUP=$T/group timeout "${MFA_TEST_TIMEOUT:-10}" "$ENROLL" --conf "$T/bad.conf" \
	status >"$out" 2>"$err"
if grep -q "issuer: $rule" "$err"; then
	pass "issuer= with ':' is refused: $rule"
else
	fail "issuer=a:b: $(cat "$err")"
fi

for flag in --issuer --label; do
	for value in 'ACME:prod' 'alice:x@host' $'tab\there' 'caf\xc3\xa9'; do
		value=$(printf '%b' "$value")
		run --secret "$S1" --code "$(code "$S1")" "$flag" "$value" \
			>"$out" 2>"$err"
		rc=$?
		if [[ $rc == 2 && ! -e $SECRET_FILE ]] &&
			grep -qx "mfa-enroll: $flag: $rule" "$err"; then
			pass "$flag $(printf '%q' "$value") refused with the words of issuer=, nothing written"
		else
			fail "$flag $(printf '%q' "$value"): rc=$rc file=$(ls "$SECRET_FILE" 2>&1) $(cat "$err")"
		fi
	done
done

# Names within the rule still work and reach the URI.
run --secret "$S1" --code "$(code "$S1")" --issuer 'ACME Co' \
	--label 'alice@host' >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] &&
	grep -q 'otpauth://totp/ACME%20Co:alice%40host?' "$out"; then
	pass "--issuer 'ACME Co' --label alice@host accepted, in the URI"
else
	fail "good names: rc=$rc $(cat "$err")"
fi

exit "$failed"
