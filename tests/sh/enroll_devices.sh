#!/usr/bin/env bash
# tests/sh/enroll_devices.sh - "mfa-enroll devices": root lists and forgets
# trusted devices in the module state; a user without root forgets all of
# theirs by bumping the trust generation in their enrolment file.
#
# Needs root (a hand-made root state file, and setpriv to run as bob).
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
if [[ $(id -u) != 0 ]]; then
	skip "enroll_devices (needs root: the module state is root's)"
	exit 0
fi
command -v setpriv >/dev/null || {
	skip "enroll_devices (setpriv missing: install util-linux)"
	exit 0
}
enroll_setup enroll_devices || exit 0
out=$T/out err=$T/err
BOBFILE=$T/home/bob/.pam_mfa
STATE=$T/state/bob

# as_bob ARGS...: mfa-enroll run by bob himself (uid 4242, no root).
as_bob() {
	setpriv --reuid=4242 --regid=4242 --clear-groups \
		env LD_PRELOAD="$PRELOAD" NSS_WRAPPER_PASSWD="$T/passwd" \
		NSS_WRAPPER_GROUP="$T/group" timeout 10 "$ENROLL" \
		--conf "$CONF" "$@"
}
gen() { sed -n 's/^trust-generation //p' "$BOBFILE"; }

run --user bob --secret "$S1" --code "$(code "$S1")" >/dev/null 2>"$err" ||
	fail "enrol bob: $(cat "$err")"
enrolled=$(grep '^enrolled ' "$STATE")
now=$(date +%s)
ID1=0123456789abcdef ID2=fedcba9876543210
D1=$(printf 'a%.0s' {1..64}) D2=$(printf 'b%.0s' {1..64})
# write_state GEN: bob's state with two devices of trust generation GEN.
write_state() {
	cat >"$STATE" <<EOF
pam_mfa-state 1
$enrolled
device $ID1 $D1 $((now - 86400)) $((now + 86400 * 89)) $((now - 3600)) $1 ssh-ed25519 SHA256:AAAAbbbbCCCC from 192.0.2.7
device $ID2 $D2 $((now - 7200)) $((now + 86400 * 90)) $((now - 60)) $1 ssh-rsa SHA256:ddddEEEEffff
EOF
	chmod 0600 "$STATE"
}
write_state 0

# 1. Root lists both, with labels and validity.
run --user bob devices >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -q "^  $ID1  ssh-ed25519 SHA256:AAAAbbbbCCCC from 192.0.2.7\$" "$out" &&
	grep -q "^  $ID2  ssh-rsa SHA256:ddddEEEEffff\$" "$out" &&
	[[ $(grep -c 'created .*, expires ' "$out") == 2 &&
		$(grep -c 'last used .*; valid$' "$out") == 2 ]]; then
	pass "root lists bob's two devices: id, label, created, expires, last used, valid"
else
	fail "devices list: rc=$rc $(cat "$out" "$err")"
fi

# 2. forget ID removes that one only; an unknown or malformed ID fails.
run --user bob devices forget "$ID1" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && ! grep -q "^device $ID1 " "$STATE" &&
	grep -q "^device $ID2 $D2 " "$STATE" && grep -qx "$enrolled" "$STATE"; then
	pass "forget ID: that device is gone, the other and the enrolment kept"
else
	fail "forget ID: rc=$rc $(cat "$err" "$STATE")"
fi
cp "$STATE" "$T/state-before"
run --user bob devices forget "$ID1" >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && grep -q "no trusted device $ID1" "$err" &&
	cmp -s "$T/state-before" "$STATE" &&
	pass "forget an unknown ID: exit 1, state unchanged" ||
	fail "forget unknown: rc=$rc $(cat "$err")"
for bad in 0123 zz23456789abcdef "$ID2"0 '../../etc'; do
	run --user bob devices forget "$bad" >"$out" 2>"$err"
	rc=$?
	[[ $rc == 2 ]] && cmp -s "$T/state-before" "$STATE" &&
		pass "forget a malformed ID '$bad': exit 2" ||
		fail "forget '$bad': rc=$rc $(cat "$err")"
done

# 3. forget all (root): every record gone and the generation bumped.
write_state 0
run --user bob devices forget all >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && ! grep -q '^device ' "$STATE" && [[ $(gen) == 1 ]] &&
	grep -qx "$enrolled" "$STATE" && grep -q '2 device records removed' "$out" &&
	[[ $(stat -c '%u:%g %a' "$BOBFILE") == "4242:4242 600" ]]; then
	pass "root forget all: records removed, trust-generation 0 -> 1, file still bob's"
else
	fail "root forget all: rc=$rc gen=$(gen) $(cat "$out" "$err" "$STATE")"
fi
run --user bob devices >"$out" 2>"$err"
[[ $? == 0 ]] && grep -q 'bob has no trusted devices' "$out" &&
	pass "list after forget all: no trusted devices" ||
	fail "list after forget all: $(cat "$out" "$err")"

# 4. bob himself: cannot list (root's state), can forget all.
write_state 1
cp "$STATE" "$T/state-before"
as_bob devices >"$out" 2>"$err"
rc=$?
[[ $rc == 2 ]] && grep -q 'only root can list trusted devices' "$err" &&
	grep -q 'mfa-enroll devices forget all' "$err" &&
	pass "user: devices explains that the list is root's and how to forget all" ||
	fail "user devices: rc=$rc $(cat "$out" "$err")"
as_bob devices forget "$ID2" >"$out" 2>"$err"
rc=$?
[[ $rc == 2 ]] && grep -q 'root only' "$err" &&
	pass "user: forget ID is refused (root only)" ||
	fail "user forget ID: rc=$rc $(cat "$err")"
as_bob devices forget all >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && $(gen) == 2 ]] && cmp -s "$T/state-before" "$STATE" &&
	grep -q 'trust generation now 2' "$out" &&
	[[ $(stat -c '%u:%g %a' "$BOBFILE") == "4242:4242 600" ]]; then
	pass "user forget all: trust-generation 1 -> 2 in the file, root's state untouched"
else
	fail "user forget all: rc=$rc gen=$(gen) $(cat "$out" "$err")"
fi
run --user bob devices >"$out" 2>"$err"
[[ $? == 0 && $(grep -c 'not valid (forgotten: older trust generation)' "$out") == 2 ]] &&
	pass "root list: records of the older generation shown as not valid" ||
	fail "list after user forget: $(cat "$out" "$err")"

# 5. An expired record is shown as expired; no state directory at all.
sed -i "s/^device $ID2 $D2 [0-9]* [0-9]*/device $ID2 $D2 $((now - 7200)) $((now - 10))/" "$STATE"
run --user bob devices >"$out" 2>"$err"
grep -q 'expired$' "$out" && pass "root list: an expired record says so" ||
	fail "expired record: $(cat "$out" "$err")"
mv "$T/state" "$T/state-away"
run --user bob devices >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && grep -q 'no trusted devices' "$out" &&
	pass "root list without a state directory: no trusted devices" ||
	fail "no state dir: rc=$rc $(cat "$out" "$err")"
mv "$T/state-away" "$T/state"

# 6. Not enrolled: the user is told (exit 3); usage errors exit 2.
rm -f "$BOBFILE"
as_bob devices forget all >"$out" 2>"$err"
rc=$?
[[ $rc == 3 ]] && grep -q 'not enrolled' "$err" &&
	pass "user forget all without an enrolment: exit 3" ||
	fail "user forget all, no file: rc=$rc $(cat "$err")"
run --user bob devices forget >"$out" 2>"$err"
[[ $? == 2 ]] && grep -q 'usage:' "$err" && pass "devices forget (no ID): usage, exit 2" ||
	fail "devices forget: $(cat "$err")"
run devices --help >"$out" 2>&1
[[ $? == 0 ]] && grep -q 'devices forget all' "$out" && pass "devices --help" ||
	fail "devices --help: $(cat "$out")"

exit "$failed"
