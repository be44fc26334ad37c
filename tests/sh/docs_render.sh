#!/usr/bin/env bash
# tests/sh/docs_render.sh - one version everywhere, and man pages that
# render as written.
#
#   - mfa-enroll --version prints the version of the top entry of
#     debian/changelog (the Makefile takes it from there: one place);
#   - the pages rendered by mandoc -T utf8 have no empty quotes (a roff
#     delimiter such as ';' given alone to .Ql renders as '' followed by
#     the character) and mfa-enroll(1)'s synopsis does not turn the unlock
#     command into a flag.
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
BUILDDIR=${MFA_BUILD:-$PWD/build/default}
failed=0
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; failed=1; }

want=$(head -n 1 debian/changelog | sed -n 's/^[^ ]* (\([^)-]*\).*/\1/p')
got=$("$BUILDDIR/mfa-enroll" --version 2>&1)
if [[ -n $want && $got == "mfa-enroll (pam_mfa) $want" ]]; then
	pass "mfa-enroll --version says $want, as debian/changelog"
else
	fail "mfa-enroll --version says '$got', debian/changelog '$want'"
fi

if ! command -v mandoc >/dev/null; then
	echo "SKIP: man page rendering (mandoc missing: install mandoc)"
	exit "$failed"
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mfa-render.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
for page in man/*.[1-8]; do
	LC_ALL=C.UTF-8 mandoc -T utf8 "$page" 2>/dev/null | sed 's/.\x08//g' >"$tmp/out"
	if [[ ! -s $tmp/out ]]; then
		fail "mandoc -T utf8 $page rendered nothing"
	elif grep -n "‘’\|''" "$tmp/out" >"$tmp/bad"; then
		fail "$page renders empty quotes: $(head -n 3 "$tmp/bad" | tr '\n' ' ')"
	else
		pass "$page renders without empty quotes"
	fi
done
LC_ALL=C.UTF-8 mandoc -T utf8 man/mfa-enroll.1 2>/dev/null | sed 's/.\x08//g' >"$tmp/enroll"
if grep -q -- '-unlock' "$tmp/enroll"; then
	fail "mfa-enroll(1) renders the unlock command as a flag: $(grep -- '-unlock' "$tmp/enroll" | head -n 1)"
elif grep -qE '^ +mfa-enroll --user name unlock$' "$tmp/enroll" &&
	grep -qE '^ +mfa-enroll --user name reset \[--yes\]$' "$tmp/enroll"; then
	pass "mfa-enroll(1) synopsis: reset [--yes] and unlock on lines of their own"
else
	fail "mfa-enroll(1) synopsis lacks the reset and unlock lines: $(grep -E 'reset|unlock' "$tmp/enroll" | head -n 3)"
fi
exit "$failed"
