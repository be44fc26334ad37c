# tests/sh/lib/enroll_env.sh - a private world for testing mfa-enroll.
#
# Source it, then call enroll_setup.  It makes a private directory $T
# with a fake passwd/group for nss_wrapper (the current uid is "tester",
# home $T/home/tester; as root also "bob", uid 4242, home $T/home/bob), a
# pam_mfa.conf ($CONF) whose state_dir is $T/state, and defines:
#   run ARGS...      mfa-enroll (with the fake users) under `timeout 10`
#   code SECRET      the current TOTP code (oathtool)
#   pass/fail/skip   PASS:/FAIL:/SKIP: lines (run.sh counts them)
# The temporary directory is removed on exit.  Never touches the real home.

SRC=${MFA_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
ENROLL=$BUILDDIR/mfa-enroll
failed=0
# shellcheck source=tests/lib/testdir.sh
. "$SRC/tests/lib/testdir.sh"

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; failed=1; }
skip() { echo "SKIP: $1"; }

nss_wrapper_lib() {
	local d
	for d in /usr/lib/*-linux-gnu /usr/lib64 /usr/lib; do
		[[ -f $d/libnss_wrapper.so ]] && {
			echo "$d/libnss_wrapper.so"
			return 0
		}
	done
	return 1
}

# enroll_setup: prints nothing; returns 1 (after a SKIP line) when the
# tools are missing.
enroll_setup() {
	NSSW=$(nss_wrapper_lib) || {
		skip "$1 (libnss_wrapper missing: install libnss-wrapper)"
		return 1
	}
	command -v oathtool >/dev/null || {
		skip "$1 (oathtool missing: install oathtool)"
		return 1
	}
	if [[ ! -x $ENROLL ]]; then
		fail "$1: $ENROLL not built (run make)"
		return 1
	fi
	# Below the one private base (tests/lib/testdir.sh): the module and
	# mfa-enroll refuse files below /tmp.  Root must switch to bob to
	# write bob's files, so bob must be able to reach them: 0755.
	mfa_test_base_enter "$BUILDDIR" || {
		fail "$1: no private directory for the fixtures"
		return 1
	}
	T=$(mktemp -d "$MFA_TEST_BASE/mfa-enroll.XXXXXX") || return 1
	[[ $(id -u) == 0 ]] && chmod 0755 "$T"
	trap 'rm -rf "$T"; mfa_test_base_leave' EXIT
	local uid gid
	uid=$(id -u) gid=$(id -g)
	mkdir -p "$T/home/tester" && chmod 0755 "$T/home" "$T/home/tester"
	HOMEDIR=$T/home/tester
	SECRET_FILE=$HOMEDIR/.pam_mfa
	{
		echo "tester:x:$uid:$gid:Tester:$HOMEDIR:/bin/sh"
		[[ $uid == 0 ]] && echo "bob:x:4242:4242:Bob:$T/home/bob:/bin/sh"
	} >"$T/passwd"
	{
		echo "tester:x:$gid:"
		[[ $uid == 0 ]] && echo "bob:x:4242:"
	} >"$T/group"
	if [[ $uid == 0 ]]; then
		mkdir -p "$T/home/bob"
		chown 4242:4242 "$T/home/bob"
		chmod 0755 "$T/home/bob"
	fi
	# A sanitizer build needs its runtime first in the preload list.
	local asan
	asan=$(ldd "$ENROLL" 2>/dev/null | awk '/libasan/ { print $3 }')
	PRELOAD=${asan:+$asan:}$NSSW
	CONF=$T/pam_mfa.conf
	printf 'state_dir = %s\n' "$T/state" >"$CONF"
	chmod 0644 "$CONF"
	return 0
}

run() {
	LD_PRELOAD=$PRELOAD \
		NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
		timeout "${MFA_TEST_TIMEOUT:-10}" "$ENROLL" --conf "$CONF" "$@"
}

code() { oathtool --totp -b "$1"; }

# A fixed 160-bit secret for tests that import one.
S1=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP
S2=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
