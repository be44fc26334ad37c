#!/usr/bin/env bash
# tests/sh/enroll_store.sh - "mfa-enroll store init" and "store import
# DIR": a site moves its users' module state to the configured store
# without anybody enrolling again.
#
# Two file stores: the configured one ($T/state, from $CONF) and an older
# one ($T/old, the state_dir of $OLDCONF) to import from.  Logins go
# through the real libpam (pam_wrapper), pamtester and the test build of
# pam_mfa.so (MFA_TEST_NOW fixes its clock), so that "a code used before
# the import is refused after it" is what the module itself decides.
# Needs root (skips otherwise).  Prints PASS:/FAIL:/SKIP: lines (see
# tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
if [[ $(id -u) != 0 ]]; then
	skip "enroll_store (needs root: store init and import are root's)"
	exit 0
fi
enroll_setup enroll_store || exit 0
if ! command -v pamtester >/dev/null; then
	skip "enroll_store (pamtester missing: run make deps)"
	exit 0
fi
MODULE=$BUILDDIR/testclock/pam_mfa.so
[[ -f $MODULE ]] || {
	fail "enroll_store: $MODULE not built (make test-programs)"
	exit 1
}
out=$T/out err=$T/err
OLD=$T/old NEW=$T/state
OLDCONF=$T/old.conf
printf 'state_dir = %s\n' "$OLD" >"$OLDCONF"
chmod 0644 "$OLDCONF"
mkdir -p "$T/pam.d"
echo "auth required $MODULE conf=$CONF" >"$T/pam.d/mfa-new"
echo "auth required $MODULE conf=$OLDCONF" >"$T/pam.d/mfa-old"
echo 'auth required pam_deny.so' >"$T/pam.d/other"

# login SERVICE TIME ANSWER: bob logs in through PAM at unix time TIME
# (the module's clock); its exit status is pamtester's.
login() {
	echo "$3" |
		LD_PRELOAD=${PRELOAD%"$NSSW"}libpam_wrapper.so:$NSSW PAM_WRAPPER=1 \
			PAM_WRAPPER_SERVICE_DIR="$T/pam.d" MFA_TEST_NOW=$2 \
			NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
			timeout 30 pamtester "$1" bob authenticate >"$T/pam.out" 2>&1
}
code_at() { oathtool --totp -b "$S1" -N "@$1"; }
# The record of NAME in DIR, without its serial and comments.
record() { grep -v -e '^serial ' -e '^#' "$1/$2" 2>/dev/null; }

# 1. Root only: a user is told so, exit 1.
setpriv --reuid 4242 --regid 4242 --clear-groups \
	env LD_PRELOAD="$PRELOAD" NSS_WRAPPER_PASSWD="$T/passwd" \
	NSS_WRAPPER_GROUP="$T/group" timeout 10 "$ENROLL" --conf "$CONF" \
	store init >"$out" 2>"$err"
rc=$?
[[ $rc == 1 && ! -e $NEW ]] && grep -q 'store init is for root only' "$err" &&
	pass "store init as a user: refused, exit 1, nothing created" ||
	fail "store init as a user: rc=$rc $(cat "$out" "$err")"

# 2. init: the configured store, created, and one line saying so; again.
for i in 1 2; do
	run store init >"$out" 2>"$err"
	rc=$?
	if [[ $rc == 0 && $(stat -c '%u %a' "$NEW" 2>/dev/null) == "0 700" ]] &&
		[[ $(cat "$out") == "The files store at $NEW is ready." ]]; then
		pass "store init (run $i): the files store at state_dir is ready"
	else
		fail "store init (run $i): rc=$rc $(cat "$out" "$err")"
	fi
done

# 3. import without DIR: state_dir is the configured store itself.
run store import >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && grep -q "^$NEW is the configured store itself: nothing to import" "$out" &&
	pass "store import with no DIR when the store is state_dir: nothing to do" ||
	fail "store import, same store: rc=$rc $(cat "$out" "$err")"

# 4. The old store: bob enrolled there by root, then a login with a code
# (the module records its step there); dave's record planted.
t0=$(($(date +%s) + 300))
c0=$(code_at "$t0")
LD_PRELOAD=$PRELOAD NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
	timeout 10 "$ENROLL" --conf "$OLDCONF" --user bob --secret "$S1" \
	--code "$(code "$S1")" >"$out" 2>"$err" ||
	fail "enrolling bob in the old store: $(cat "$err")"
if login mfa-old "$t0" "$c0" && grep -q 'successfully authenticated' "$T/pam.out" &&
	grep -qx "totp-last-step $((t0 / 30))" "$OLD/bob"; then
	pass "bob logs in with a code on the old store (its step recorded there)"
else
	fail "login on the old store: $(cat "$T/pam.out")"
fi
printf 'pam_mfa-state 1\nenrolled 1764000000 %s\nfailures 2\nlast-failure 1764000100\n' \
	00112233445566778899aabbccddeeff >"$OLD/dave"
chmod 0600 "$OLD/dave"

# 5. import copies every record; the module state of each is the same.
run store import "$OLD" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -qx 'bob: imported' "$out" &&
	grep -qx 'dave: imported' "$out" &&
	grep -qx '2 imported, 0 unchanged, 0 kept, 0 unreadable' "$out" &&
	[[ -n $(record "$NEW" bob) && $(record "$NEW" bob) == "$(record "$OLD" bob)" ]] &&
	[[ $(record "$NEW" dave) == "$(record "$OLD" dave)" ]]; then
	pass "store import DIR: every record copied, exit 0"
else
	fail "store import: rc=$rc $(cat "$out" "$err") $(ls -A "$NEW")"
fi

# 6. Again: nothing is written twice (the records keep their serial).
cp -p "$NEW/bob" "$T/bob-before"
run store import "$OLD" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -qx 'bob: unchanged (the store has the same record)' "$out" &&
	grep -qx '0 imported, 2 unchanged, 0 kept, 0 unreadable' "$out" &&
	cmp -s "$T/bob-before" "$NEW/bob"; then
	pass "store import again: unchanged, nothing rewritten"
else
	fail "store import again: rc=$rc $(cat "$out" "$err")"
fi

# 7. The code bob used before the import is refused on the new store; the
# next one works there (the imported enrolment is bob's).
if ! login mfa-new "$t0" "$c0" &&
	grep -q 'This code was already used' "$T/pam.out"; then
	pass "a code used before the import is refused after it"
else
	fail "replay after import: $(cat "$T/pam.out")"
fi
if login mfa-new "$((t0 + 30))" "$(code_at $((t0 + 30)))" &&
	grep -q 'successfully authenticated' "$T/pam.out"; then
	pass "the next code logs bob in on the new store"
else
	fail "login on the new store: $(cat "$T/pam.out")"
fi

# 8. The new store moved on: import keeps its record (the newer state),
# never the older one from DIR.
run store import "$OLD" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -q '^bob: kept the store.s own record' "$out" &&
	grep -qx '0 imported, 1 unchanged, 1 kept, 0 unreadable' "$out" &&
	grep -qx "totp-last-step $(((t0 + 30) / 30))" "$NEW/bob"; then
	pass "store import keeps the store's newer record of bob"
else
	fail "keep the newer: rc=$rc $(cat "$out" "$err") $(cat "$NEW/bob")"
fi

# 8b. A record that holds nothing any more (one old send time, pruned on
# write) is the same state as none: not written, however often it runs.
printf 'pam_mfa-state 1\nsend-times 1000\n' >"$OLD/frank"
chmod 0600 "$OLD/frank"
for i in 1 2; do
	run store import "$OLD" >"$out" 2>"$err"
	rc=$?
	if [[ $rc == 0 && ! -e $NEW/frank ]] && grep -qx 'frank: unchanged (the store has the same record)' "$out" &&
		grep -qx '0 imported, 2 unchanged, 1 kept, 0 unreadable' "$out"; then
		pass "store import (run $i): a record with nothing left in it is not written"
	else
		fail "empty record, run $i: rc=$rc $(cat "$out" "$err")"
	fi
done

# 9. A record of DIR that does not parse: reported, nothing copied, exit 1.
printf 'pam_mfa-state 1\nfailures x\n' >"$OLD/erin"
chmod 0600 "$OLD/erin"
run store import "$OLD" >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 && ! -e $NEW/erin ]] &&
	grep -q '^erin: not imported: its state in .* does not parse (line 2: ' "$out" &&
	grep -qx '0 imported, 2 unchanged, 1 kept, 1 unreadable' "$out"; then
	pass "an unreadable record: reported, not copied, exit 1"
else
	fail "unreadable record: rc=$rc $(cat "$out" "$err") $(ls -A "$NEW")"
fi
rm -f "$OLD/erin"

# 10. DIR is opened with the file store's checks: writable by others, no.
chmod 0777 "$OLD"
run store import "$OLD" >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && grep -q "file store $OLD: " "$err" && ! grep -q imported "$out" &&
	pass "a DIR writable by others is refused" ||
	fail "unsafe DIR: rc=$rc $(cat "$out" "$err")"
chmod 0700 "$OLD"

exit "$failed"
