#!/usr/bin/env bash
# tests/sh/testdir.sh - the rule of tests/lib/testdir.sh: fixtures never
# land below a group- or world-writable directory, whatever the build
# directory and $TMPDIR, and a clear error when no place is safe.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
failed=0

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	failed=1
}

# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
mfa_test_base_enter "${MFA_BUILD:-$PWD/build/default}" || exit 1
top=$MFA_TEST_BASE
work=$(mktemp -d "$top/testdir.XXXXXX") || exit 1
trap 'chmod -R u+w "$work"; rm -rf "$work"; mfa_test_base_leave' EXIT

# A checkout below a world-writable directory, like one in /tmp.
mkdir -p "$work/shared/checkout/build" "$work/private/build"
chmod 1777 "$work/shared"
chmod 0755 "$work/private"

if mfa_dir_is_safe "$work/private/build" && ! mfa_dir_is_safe /tmp &&
	! mfa_dir_is_safe "$work/shared/checkout/build"; then
	pass "a directory below 1777 is unsafe, below 0755 directories safe"
else
	fail "mfa_dir_is_safe: private=$(mfa_dir_is_safe "$work/private/build" && echo safe) /tmp=$(mfa_dir_is_safe /tmp && echo safe)"
fi
ln -s "$work/shared/checkout" "$work/private/link"
if ! mfa_dir_is_safe "$work/private/link/build"; then
	pass "a symbolic link is followed: its target's ancestors count"
else
	fail "a path through a link into a 1777 directory was taken as safe"
fi

# enter BUILDDIR [VAR=VALUE...]: a fresh mfa_test_base_enter in a
# subshell; prints the base (or the error) and makes nothing it keeps.
enter() {
	local build=$1
	shift
	(
		unset MFA_TEST_BASE
		export "$@" TMPDIR=/tmp
		if mfa_test_base_enter "$build" 2>&1; then
			echo "$MFA_TEST_BASE"
			mfa_test_base_leave
		fi
	)
}
got=$(enter "$work/private/build")
if [[ $got == "$work/private/build/pam_mfa-test."* ]]; then
	pass "a safe build directory holds the base, not \$TMPDIR=/tmp"
else
	fail "safe build dir: base '$got'"
fi
got=$(enter "$work/shared/checkout/build" HOME="$work/private" XDG_RUNTIME_DIR=)
if [[ $(id -u) == 0 ]]; then
	want=/var/lib/pam_mfa-test.
else
	want=$work/private/pam_mfa-test.
fi
if [[ $got == "$want"* ]] && mfa_dir_is_safe "$(dirname "$got")"; then
	pass "a build directory below 1777: the base falls back to ${want%/*}"
else
	fail "unsafe build dir: base '$got', want $want*"
fi
got=$(enter "$work/private/build" MFA_TEST_PARENT="$work/shared/checkout")
if [[ $got == *"no private directory for the test fixtures"*"MFA_TEST_PARENT"* ]]; then
	pass "no safe place: a clear error that says what to set"
else
	fail "unsafe MFA_TEST_PARENT: '$got'"
fi
got=$( (export MFA_TEST_BASE=$work/shared/checkout && mfa_test_base_enter x 2>&1) )
if [[ $got == *"MFA_TEST_BASE=$work/shared/checkout is not a private directory"* ]]; then
	pass "an unsafe MFA_TEST_BASE from the caller is refused"
else
	fail "unsafe MFA_TEST_BASE: '$got'"
fi
# A library (tests/lib/pg.sh) enters again after its caller: the base
# is still the caller's to remove; one the caller was given never is.
got=$( (
	unset MFA_TEST_BASE
	mfa_test_base_enter "$work/private/build" && mfa_test_base_enter x &&
		mfa_test_base_leave && echo "$MFA_TEST_BASE"
) )
given=$( (
	export MFA_TEST_BASE=$work/private
	mfa_test_base_enter x && mfa_test_base_enter x && mfa_test_base_leave &&
		echo "$MFA_TEST_BASE"
) )
if [[ $got == "$work/private/build/pam_mfa-test."* && ! -e $got &&
	$given == "$work/private" && -d $given ]]; then
	pass "entered twice, the base made by the first is removed on leave; a given one is kept"
else
	fail "entered twice: '$got' (exists: $([[ -e $got ]] && echo yes)), given '$given'"
fi
mode=$(stat -c %a "$top")
if [[ $mode == 711 ]]; then
	pass "the base is 0711: others pass through, never list or write"
else
	fail "the base has mode $mode, want 711"
fi
exit "$failed"
