#!/usr/bin/env bash
# tests/sh/enroll_canonical.sh - mfa-enroll --user acts on the account,
# not on the spelling typed: with a case-insensitive name service (SSSD,
# winbind; here tests/preload/caseless_passwd.so ahead of nss_wrapper),
# --user BOB is bob, and every file and record is bob's.
#
# Root only (--user is root's).  Prints PASS:/FAIL:/SKIP: lines.
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_canonical || exit 0
if [[ $(id -u) != 0 ]]; then
	skip "enroll_canonical (--user needs root)"
	exit 0
fi
SHIM=$BUILDDIR/tests/preload/caseless_passwd.so
if [[ ! -f $SHIM ]]; then
	fail "enroll_canonical: $SHIM not built (make test-programs)"
	exit 1
fi
PRELOAD=${PRELOAD%"$NSSW"}$SHIM:$NSSW
out=$T/out err=$T/err

run --user BOB --secret "$S1" --code "$(code "$S1")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && -f $T/home/bob/.pam_mfa && -f $T/state/bob &&
	! -e $T/state/BOB ]] && grep -q 'bob is enrolled' "$out"; then
	pass "--user BOB enrols bob: bob's file, bob's record, none for BOB"
else
	fail "--user BOB enrol: rc=$rc $(ls "$T/state" 2>&1) $(cat "$err")"
fi

run --user SA1BOB status >"$out" 2>"$err"
if [[ $? == 2 ]] && grep -q 'no user named SA1BOB' "$err"; then
	pass "a name no spelling of which exists is refused"
else
	fail "--user SA1BOB: $(cat "$out" "$err")"
fi

for name in BOB Bob bob; do
	run --user "$name" status >"$out" 2>"$err"
	rc=$?
	if [[ $rc == 0 ]] && grep -qx 'User bob:' "$out" &&
		grep -q 'enrolled mark:  yes' "$out"; then
		pass "--user $name status shows bob's state"
	else
		fail "--user $name status: rc=$rc $(cat "$out" "$err")"
	fi
done

run --user BOB unlock >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -q '^bob is unlocked' "$out" &&
	[[ $(ls "$T/state" | grep -ci '^bob$') == 1 ]]; then
	pass "--user BOB unlock unlocks bob, no second record"
else
	fail "--user BOB unlock: rc=$rc $(ls "$T/state") $(cat "$out" "$err")"
fi

exit "$failed"
