# shellcheck shell=bash
# tests/lib/testdir.sh - the one rule for where tests and the demo put their
# fixtures.  Sourced by tests/run.sh, tests/demo.sh, tests/valgrind/run.sh
# and the suite libraries; the C suites follow the same rule through
# mfa_test_base() (tests/lib/testutil.c).
#
# pam_mfa (rightly) refuses state, secret and config files below a
# directory that group or others can write (/tmp, /var/tmp) or that another
# user owns.  So every fixture lives below one base directory whose every
# ancestor, from "/" down, is owned by root or by us and has no group or
# other write bit, whatever the checkout path and $TMPDIR.
#
# mfa_test_base_enter BUILDDIR: reuse $MFA_TEST_BASE when a caller made one
# (it must be safe), or make a fresh "pam_mfa-test.XXXXXX" (mode 0711:
# others may pass through, as the tests run programs as other users, but
# not list or write) in the first safe one of:
#   $MFA_TEST_PARENT (when set, only it),
#   BUILDDIR (the build directory of the checkout),
#   as root: /var/lib,
#   otherwise: $XDG_RUNTIME_DIR, then $HOME.
# Exports MFA_TEST_BASE and TMPDIR (both the base).  Returns 1 with an
# error on stderr when no candidate is safe.
# mfa_test_base_leave: remove the base if mfa_test_base_enter made it.

# mfa_dir_is_safe DIR: DIR exists, we can write it, and no directory from
# "/" down to it (symbolic links resolved) is writable by group or others
# or owned by someone other than root or us.
mfa_dir_is_safe() {
	local d uid mode me
	me=$(id -u)
	d=$(realpath -e -- "$1" 2>/dev/null) || return 1
	[[ -d $d && -w $d ]] || return 1
	while :; do
		read -r uid mode < <(stat -c '%u %a' -- "$d") || return 1
		[[ $uid == 0 || $uid == "$me" ]] || return 1
		(((8#$mode & 8#022) == 0)) || return 1
		[[ $d == / ]] && return 0
		d=$(dirname -- "$d")
	done
}

# mfa_test_base_parents BUILDDIR: the candidate parents, one a line.
mfa_test_base_parents() {
	if [[ -n ${MFA_TEST_PARENT:-} ]]; then
		echo "$MFA_TEST_PARENT"
		return
	fi
	echo "$1"
	if [[ $(id -u) == 0 ]]; then
		echo /var/lib
	else
		[[ -n ${XDG_RUNTIME_DIR:-} ]] && echo "$XDG_RUNTIME_DIR"
		[[ -n ${HOME:-} ]] && echo "$HOME"
	fi
}

mfa_test_base_enter() {
	local parent tried=() base mine=${MFA_TEST_BASE_MINE:-}
	MFA_TEST_BASE_MINE=
	if [[ -n ${MFA_TEST_BASE:-} ]]; then
		# Entered again (a library after its caller): still ours.
		[[ $mine == "$MFA_TEST_BASE" ]] && MFA_TEST_BASE_MINE=$mine
		if ! mfa_dir_is_safe "$MFA_TEST_BASE"; then
			echo "tests: MFA_TEST_BASE=$MFA_TEST_BASE is not a private directory (group- or world-writable, or another owner, on the way from /)" >&2
			return 1
		fi
		export MFA_TEST_BASE TMPDIR=$MFA_TEST_BASE
		return 0
	fi
	while IFS= read -r parent; do
		tried+=("$parent")
		mfa_dir_is_safe "$parent" || continue
		parent=$(realpath -e -- "$parent")
		base=$(mktemp -d "${parent%/}/pam_mfa-test.XXXXXX") || continue
		chmod 0711 "$base" || continue
		MFA_TEST_BASE_MINE=$base
		export MFA_TEST_BASE=$base TMPDIR=$base
		return 0
	done < <(mfa_test_base_parents "$1")
	echo "tests: no private directory for the test fixtures: none of ${tried[*]} is writable by us with every directory from / owned by root or us and not writable by group or others (pam_mfa refuses such paths); set MFA_TEST_PARENT to one" >&2
	return 1
}

mfa_test_base_leave() {
	[[ -n ${MFA_TEST_BASE_MINE:-} ]] && rm -rf -- "$MFA_TEST_BASE_MINE"
	MFA_TEST_BASE_MINE=
}
