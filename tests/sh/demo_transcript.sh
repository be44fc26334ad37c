#!/usr/bin/env bash
# tests/sh/demo_transcript.sh - `make demo DEMO_ARGS=--auto` reads as a
# person would see it in a terminal: each prompt on its own line in the
# order the login asks, the informational line before the code prompt, a
# successful login, the replayed code refused and the next code accepted,
# and no "Conversation error" from pamtester running out of answers.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
BUILDDIR=${MFA_BUILD:-$PWD/build/default}
failed=0

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	failed=1
}
skip() { echo "SKIP: $1"; }

# An ASan module cannot be loaded by pamtester without the ASan runtime
# preloaded, which tests/demo.sh does not do: the plain check covers it.
if [[ ${SANITIZE:-} == 1 ]] ||
	nm "$BUILDDIR/pam_mfa.so" 2>/dev/null | grep -q '__asan_'; then
	echo "demo_transcript: not repeated under SANITIZE=1"
	exit 0
fi
for tool in pamtester oathtool expect; do
	command -v "$tool" >/dev/null || {
		skip "demo transcript ($tool missing: run make deps)"
		exit 0
	}
done

out=$(BUILD=$BUILDDIR timeout 120 bash tests/demo.sh --auto </dev/null 2>&1)
status=$?
if ((status == 0)); then
	pass "the --auto demo exits 0"
else
	fail "the --auto demo exits $status: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
fi
if grep -q 'Conversation error' <<<"$out"; then
	fail "the demo's transcript shows 'Conversation error'"
else
	pass "no 'Conversation error' in the demo's transcript"
fi
n=$(grep -cx 'pamtester: successfully authenticated' <<<"$out")
if ((n == 2)); then
	pass "both demo logins end in 'pamtester: successfully authenticated'"
else
	fail "$n lines 'pamtester: successfully authenticated', want 2"
fi

# The lines of a login section ("== 2." or "== 3."), prompts marked.
section() {
	awk -v s="== $1." 'index($0, s) == 1 { f = 1; next } /^(== |Demo done)/ { f = 0 } f' \
		<<<"$out" | grep -v -e '^(typing' -e '^$'
}
login2=$(section 2)
want2=$(printf '%s\n' 'Password: ' '*' 'Verification code: ' \
	'pamtester: successfully authenticated')
# The informational line (*) is the module's text: only its place counts.
if [[ $(sed '2s/.*/*/' <<<"$login2") == "$want2" ]] &&
	[[ $(sed -n 2p <<<"$login2") != *:\  ]]; then
	pass "login: password prompt, the info line, code prompt, success, one a line"
else
	fail "login transcript: $(tr '\n' '|' <<<"$login2")"
fi
login3=$(section 3)
if [[ $(grep -c '^Verification code: $' <<<"$login3") == 2 &&
	$(tail -n 1 <<<"$login3") == 'pamtester: successfully authenticated' ]] &&
	awk '/^Verification code: $/ { n++; next } n == 1 { r = 1 }
		END { exit !r }' <<<"$login3"; then
	pass "replay: the code is refused with a message, asked again, the next code works"
else
	fail "replay transcript: $(tr '\n' '|' <<<"$login3")"
fi
if grep -E '.: (Verification code|Password): |Verification code: .' <<<"$out" >/dev/null; then
	fail "prompts share a line with other output: $(grep -E 'code: .' <<<"$out" | head -n 2)"
else
	pass "every prompt has its own line"
fi
exit "$failed"
