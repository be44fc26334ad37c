#!/usr/bin/env bash
# tests/sh/enroll_admin.sh - mfa-enroll run by root with --user: enrolment
# that marks the user enrolled in the module state, files that stay the
# user's, status with the module state, unlock and reset.
#
# Needs root (skips otherwise; enroll_basic.sh checks that a user is
# refused).  The state directory is a private one ($T/state, from the
# --conf file).  Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
if [[ $(id -u) != 0 ]]; then
	skip "enroll_admin (needs root: --user, reset, unlock)"
	exit 0
fi
enroll_setup enroll_admin || exit 0
out=$T/out err=$T/err
BOBFILE=$T/home/bob/.pam_mfa
STATE=$T/state/bob

# 1. Root enrols bob: bob's file, bob's ownership, the enrolled mark.
t_enrol=$(date +%s)
run --user bob --secret "$S1" --code "$(code "$S1")" >"$out" 2>"$err"
rc=$?
owner=$(stat -c '%u:%g %a' "$BOBFILE" 2>/dev/null)
id=$(sed -n 's/^id //p' "$BOBFILE" 2>/dev/null)
if [[ $rc == 0 && $owner == "4242:4242 600" ]] &&
	grep -qx "totp-secret $S1" "$BOBFILE"; then
	pass "root enrols bob: bob's file, owned by bob, mode 0600"
else
	fail "root enrol: rc=$rc owner='$owner' $(cat "$err")"
fi
if [[ -n $id ]] && grep -qE "^enrolled [0-9]+ $id\$" "$STATE" 2>/dev/null &&
	[[ $(stat -c '%u %a' "$STATE") == "0 600" ]]; then
	pass "root enrolment marks bob enrolled (with the file's id) in the state"
else
	fail "state after root enrolment: $(cat "$STATE" 2>&1)"
fi
# The code root verified is used up: it cannot log bob in again.
step=$(sed -n 's/^totp-last-step //p' "$STATE" 2>/dev/null)
if [[ -n $step ]] && ((step >= t_enrol / 30 - 1 && step <= t_enrol / 30 + 2)); then
	pass "root enrolment records the verified step as bob's replay floor"
else
	fail "root enrolment: totp-last-step '$step' (enrolled at $t_enrol)"
fi
if [[ ! -e $SECRET_FILE ]]; then
	pass "root's own enrolment file untouched"
else
	fail "root's own file written for --user bob"
fi

# 2. A file of bob's that is a link is refused, even for root.
mv "$BOBFILE" "$T/bob-real"
ln -s /etc/passwd "$BOBFILE"
run --user bob --secret "$S1" --code "$(code "$S1")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 && -L $BOBFILE ]] && grep -q 'symbolic link' "$err"; then
	pass "root --user: bob's symlinked file refused"
else
	fail "root --user symlink: rc=$rc $(cat "$err")"
fi
rm -f "$BOBFILE" && mv "$T/bob-real" "$BOBFILE"

# 3. backup-codes for bob keeps bob's ownership.
run --user bob backup-codes >"$out" 2>"$err"
rc=$?
[[ $rc == 0 && $(stat -c '%u:%g %a' "$BOBFILE") == "4242:4242 600" ]] &&
	pass "root --user bob backup-codes: file still bob's, 0600" ||
	fail "backup-codes for bob: rc=$rc $(stat -c '%u:%g %a' "$BOBFILE")"

# 4. status with a hand-made state: failures, lock-out, used codes.
set_id=$(sed -n 's/^backup-set //p' "$BOBFILE")
now=$(date +%s)
cat >"$STATE" <<EOF
pam_mfa-state 1
enrolled $now $id
failures 12
locked-until $((now + 3600))
last-success $((now - 60)) totp
last-failure $now
backup-used $set_id 0,3
EOF
chmod 0600 "$STATE"
run --user bob status >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -q 'failures: *12' "$out" &&
	grep -q 'locked: *yes' "$out" &&
	grep -q 'last success: .*(totp)' "$out" &&
	grep -q 'backup codes: *2 used, 8 left' "$out" &&
	grep -q 'enrolled mark: *yes' "$out"; then
	pass "root status: failures, lock-out, last success, backup codes used/left"
else
	fail "root status: rc=$rc $(cat "$out" "$err")"
fi

# 5. unlock clears failures and the lock-out, keeps the rest.
run --user bob unlock >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && ! grep -qE '^(failures|locked-until) ' "$STATE" &&
	grep -qE "^enrolled [0-9]+ $id\$" "$STATE" &&
	grep -q "^backup-used $set_id 0,3\$" "$STATE" &&
	grep -q '12 failures cleared' "$out"; then
	pass "unlock: failures and lock-out cleared, enrolment and used codes kept"
else
	fail "unlock: rc=$rc $(cat "$STATE" "$err")"
fi
run --user bob status >"$out" 2>&1
grep -q 'locked: *no' "$out" && grep -q 'failures: *0' "$out" &&
	pass "status after unlock: not locked" || fail "status after unlock"

# 5b. Failures per source (deny=) and the account's (deny_total=): status
# shows each, unlock clears them all.
cat >"$STATE" <<EOF
pam_mfa-state 1
enrolled $now $id
failures 7
last-failure $now
source - 2 $((now - 30)) 0
source 192.0.2.7 5 $now $((now + 900))
backup-used $set_id 0,3
EOF
chmod 0600 "$STATE"
run --user bob status >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && grep -q '^  failures: *7 in all' "$out" &&
	grep -q '^  locked: *no$' "$out" &&
	grep -q '^  from -: 2 failures (last [^)]*)$' "$out" &&
	grep -q '^  from 192.0.2.7: 5 failures (last [^)]*), locked until ' "$out"; then
	pass "root status: the account's failures, and each source's with its lock-out"
else
	fail "root status with sources: rc=$rc $(cat "$out" "$err")"
fi
run --user bob unlock >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && ! grep -qE '^(failures|locked-until|source) ' "$STATE" &&
	grep -q '7 failures cleared' "$out"; then
	pass "unlock clears every source's failures and lock-out"
else
	fail "unlock with sources: rc=$rc $(cat "$STATE" "$err")"
fi

# 6. A state file that does not parse is reported, not overwritten (the
# unlock above wrote it as a two-slot file: one line more is damage).
cp "$STATE" "$T/state-good"
echo 'failures -1' >>"$STATE"
cp "$STATE" "$T/state-bad"
run --user bob unlock >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && grep -q 'state file bob: .*truncated or extended.*reset' "$err" &&
	cmp -s "$STATE" "$T/state-bad" &&
	pass "unlock with a corrupt state: exit 1, the damage and the fix named" ||
	fail "corrupt state: rc=$rc $(cat "$err")"
cp "$T/state-good" "$STATE"

# 6b. The failure tally in the lock file of a record in the older layout
# (pam_mfa(8) FILES): status counts it; unlock clears it (writing the
# record as a two-slot file), and also empties one that does not parse.
LOCKF=$(dirname "$STATE")/.bob.lock
cat >"$T/state-legacy" <<EOF
pam_mfa-state 1
serial 4711
enrolled $now $id
backup-used $set_id 0,3
EOF
cp "$T/state-legacy" "$STATE"
serial=00000000000000004711
printf 'pam_mfa-tally 1 serial %s failures 0000000004 last-failure %019d\n' \
	"$serial" "$now" >"$LOCKF"
run --user bob status >"$out" 2>&1
grep -q 'failures: *4' "$out" &&
	pass "status counts the failures of the tally" ||
	fail "status with a tally: $(cat "$out")"
run --user bob unlock >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && ! grep -q 'failures 0000000004' "$LOCKF" &&
	grep -q '4 failures cleared' "$out" &&
	pass "unlock clears the tally's failures" ||
	fail "unlock with a tally: rc=$rc $(cat "$out" "$err")"
cp "$T/state-legacy" "$STATE"
printf 'pam_mfa-tally 1 serial garbage\n' >"$LOCKF"
run --user bob status >"$out" 2>"$err"
rc=$?
[[ $rc != 0 ]] && grep -q 'failure tally in the lock file of bob: .*unlock clears it' "$err" &&
	pass "a tally that does not parse: status fails naming it and the fix" ||
	fail "bad tally status: rc=$rc $(cat "$out" "$err")"
run --user bob unlock >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && ! grep -q garbage "$LOCKF" &&
	grep -q "bob's failure tally did not parse and was emptied" "$out" &&
	grep -qE "^enrolled [0-9]+ $id\$" "$STATE" &&
	pass "unlock empties a tally that does not parse, keeps the enrolment" ||
	fail "unlock with a bad tally: rc=$rc $(cat "$out" "$err")"

# 7. reset: confirmation, then the file and the state are gone.
run --user bob reset </dev/null >"$out" 2>"$err"
rc=$?
[[ $rc == 1 && -f $BOBFILE && -f $STATE ]] && grep -q -- '--yes' "$err" &&
	pass "reset without --yes and no terminal: refused naming --yes" ||
	fail "reset without --yes: rc=$rc"
run --user bob reset --yes >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && ! -e $BOBFILE && ! -e $STATE ]]; then
	pass "reset --yes: bob's file and module state removed"
else
	fail "reset: rc=$rc $(cat "$err") $(ls -A "$T/state" "$T/home/bob")"
fi
run --user bob status >"$out" 2>&1
rc=$?
[[ $rc == 3 ]] && grep -q 'enrolled mark: *no' "$out" &&
	pass "status after reset: not enrolled (exit 3), no mark" ||
	fail "status after reset: rc=$rc $(cat "$out")"
run --user bob reset --yes >"$out" 2>"$err"
[[ $? == 0 ]] && pass "reset of a user with nothing left is fine" ||
	fail "second reset: $(cat "$err")"

# 8. Unknown user; root-only commands need a user that exists.
run --user nosuchuser status >"$out" 2>"$err"
rc=$?
[[ $rc == 2 ]] && grep -q 'no user named nosuchuser' "$err" &&
	pass "--user with an unknown name: exit 2" ||
	fail "unknown user: rc=$rc $(cat "$err")"

# 9. Bob disabled his file himself: the mark remains, status says so.
run --user bob --secret "$S2" --code "$(code "$S2")" >/dev/null 2>&1
rm -f "$BOBFILE"
run --user bob status >"$out" 2>&1
rc=$?
[[ $rc == 3 ]] && grep -q 'file is missing' "$out" &&
	pass "status: enrolled mark without a file is pointed out" ||
	fail "mark without file: rc=$rc $(cat "$out")"

exit "$failed"
