#!/usr/bin/env bash
# tests/sh/enroll_leftover.sh - what a killed mfa-enroll leaves in the
# home: its one temporary file (it holds the secret) under a fixed name,
# never a pile of them, and the next run removes it.
#
# tests/preload/kill_at_rename.so kills mfa-enroll (SIGKILL) at its first
# rename, when the new file is written and synced but not yet in place:
# the instant a crash or a kill -9 leaves the most behind.
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_leftover || exit 0
KILL=$BUILDDIR/tests/preload/kill_at_rename.so
if [[ ! -f $KILL ]]; then
	fail "enroll_leftover: $KILL not built (make test-programs)"
	exit 1
fi
out=$T/out err=$T/err
TMPNAME=$HOMEDIR/..pam_mfa.new

# Everything of ours in the home but the enrolment file itself.
extras() { ls -A "$HOMEDIR" | grep -v '^\.pam_mfa$'; }

killed_run() {
	LD_PRELOAD=$PRELOAD:$KILL MFA_TEST_KILL_AT_RENAME=1 \
		NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
		timeout "${MFA_TEST_TIMEOUT:-10}" "$ENROLL" --conf "$CONF" "$@"
}

# 1. Killed three times before the rename: one temporary file, 0600.
for i in 1 2 3; do
	killed_run --secret "$S1" --code "$(code "$S1")" >"$out" 2>&1
	rc=$?
done
n=$(extras | grep -c 'pam_mfa\.')
mode=$(stat -c %a "$TMPNAME" 2>/dev/null)
if [[ $rc == 137 && ! -e $SECRET_FILE && $mode == 600 ]] &&
	[[ $(extras | grep -vc '^\.\.pam_mfa\.lock$') == 1 ]] &&
	grep -qx "totp-secret $S1" "$TMPNAME"; then
	pass "three runs killed mid-write leave one temporary file (0600), not three"
else
	fail "killed runs: rc=$rc mode=$mode $n files: $(extras | tr '\n' ' ')"
fi

# 2. The next run removes it, and leaves nothing but the file.
run --secret "$S2" --code "$(code "$S2")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && -z $(extras) ]] &&
	grep -qx "totp-secret $S2" "$SECRET_FILE"; then
	pass "the next enrolment removes the leftover and leaves only .pam_mfa"
else
	fail "after a normal run: rc=$rc left: $(extras | tr '\n' ' ') $(cat "$err")"
fi

# 3. Any command that writes the file clears a leftover first, and one
# that is refused before the write (a wrong code) clears it too.
printf 'totp-secret %s\n' "$S1" >"$TMPNAME" && chmod 0600 "$TMPNAME"
run backup-codes >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && -z $(extras) ]]; then
	pass "backup-codes removes a leftover temporary file"
else
	fail "backup-codes: rc=$rc left: $(extras | tr '\n' ' ') $(cat "$err")"
fi
printf 'totp-secret %s\n' "$S1" >"$TMPNAME" && chmod 0600 "$TMPNAME"
run --secret "$S1" --code 000000 >"$out" 2>"$err"
if [[ -z $(extras) ]] && grep -qx "totp-secret $S2" "$SECRET_FILE"; then
	pass "an enrolment that fails still removes the leftover, keeps the file"
else
	fail "failed enrolment: left: $(extras | tr '\n' ' ')"
fi

# 4. A link planted at the temporary name is removed, not followed.
echo keep >"$T/target" && chmod 0644 "$T/target"
ln -s "$T/target" "$TMPNAME"
run --secret "$S1" --code "$(code "$S1")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && -z $(extras) && $(cat "$T/target") == keep ]] &&
	grep -qx "totp-secret $S1" "$SECRET_FILE"; then
	pass "a link at the temporary name is removed, its target untouched"
else
	fail "planted link: rc=$rc target=$(cat "$T/target") left: $(extras | tr '\n' ' ')"
fi

# 5. A link at the lock name is refused: nothing is written.
ln -s "$T/target" "$HOMEDIR/..pam_mfa.lock"
run --secret "$S2" --code "$(code "$S2")" >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 && $(cat "$T/target") == keep ]] &&
	grep -qx "totp-secret $S1" "$SECRET_FILE" &&
	grep -q 'cannot lock it' "$err"; then
	pass "a link at the lock name is refused, the file left as it was"
else
	fail "planted lock link: rc=$rc $(cat "$err")"
fi
rm -f "$HOMEDIR/..pam_mfa.lock"

exit "$failed"
