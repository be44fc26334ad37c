#!/usr/bin/env bash
# tests/sh/enroll_disable.sh - what `mfa-enroll disable` tells the user.
#
# Once the module has seen a user log in with a code, removing the file
# makes every login fail with no code prompt; the shell the user would
# need to enrol again is gone once they log out.  So disable must say
# that an admin reset is needed, and say it BEFORE the confirmation.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_disable || exit 0
out=$T/out err=$T/err
reset_line='    mfa-enroll --user tester reset'

run --secret "$S1" --code "$(code "$S1")" >/dev/null 2>&1 ||
	fail "enrolment for the test failed"

# Answer "no": the warning is shown before the question, nothing removed.
echo no | run disable >"$out" 2>&1
rc=$?
warn=$(grep -n 'every login of tester is refused, with no code prompt' "$out" | cut -d: -f1)
reset=$(grep -nxF "$reset_line" "$out" | cut -d: -f1)
ask=$(grep -n 'Type yes to go on' "$out" | cut -d: -f1)
if [[ $rc == 1 && -f $SECRET_FILE && -n $warn && -n $reset && -n $ask ]] &&
	((warn < ask && reset < ask)); then
	pass "disable warns that logins are refused until an admin reset, before it asks"
else
	fail "disable warning before the question: rc=$rc warn=$warn reset=$reset ask=$ask: $(cat "$out" "$err")"
fi
if grep -qi 'keep asking\|ask for a code' "$out"; then
	fail "disable still says logins keep asking for a code: $(cat "$out")"
else
	pass "disable no longer claims that logins keep asking for a code"
fi

# --yes: no question, and the summary says the same.
run disable --yes >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 && ! -e $SECRET_FILE ]] && grep -qxF "$reset_line" "$out" &&
	grep -q 'every login is now refused, with no' "$out"; then
	pass "disable --yes: removed, the refusal and the admin reset explained"
else
	fail "disable --yes: rc=$rc $(cat "$out" "$err")"
fi

# --help says it too.
run disable --help >"$out" 2>&1
if grep -q 'refused, with no code' "$out" && grep -q 'prompt, until an admin runs mfa-enroll --user NAME reset' "$out"; then
	pass "disable --help explains the refusal and the admin reset"
else
	fail "disable --help: $(cat "$out")"
fi
exit "$failed"
