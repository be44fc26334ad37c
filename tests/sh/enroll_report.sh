#!/usr/bin/env bash
# tests/sh/enroll_report.sh - mfa-enroll report (root): 20 accounts of
# nss_wrapper in various states, the table, the JSON (parsed by Python's
# json module) and the Prometheus metrics file (parsed by the
# prometheus_client text parser, python3-prometheus-client).
#
# u01..u19 are in group staff (groups = staff), u20 in guests only; svc
# has a system uid.  u01..u08 are enrolled (u06 only by the state's mark,
# its file is gone; u07's record does not parse; u08 never logged in),
# u09..u19 are not.  Needs root (skips otherwise; a user is refused).
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
if [[ $(id -u) != 0 ]]; then
	out=$(timeout 10 "$ENROLL" report 2>&1)
	rc=$?
	if [[ $rc == 2 && $out == *"report is for root only"* ]]; then
		pass "report as a user: refused, exit 2"
	else
		fail "report as a user: rc=$rc $out"
	fi
	skip "enroll_report (needs root: other users' files and state)"
	exit 0
fi
enroll_setup enroll_report || exit 0
out=$T/out err=$T/err
PY=/usr/bin/python3
deadline=$(date -u -d '+10 days' +%F)
printf 'state_dir = %s\ngroups = staff\nenforce_after = %s\n' \
	"$T/state" "$deadline" >"$CONF"

# The accounts: uid 5001.. in staff (5000), u20 in guests (5100).
staff=
for i in $(seq -w 1 20); do
	uid=$((5000 + 10#$i))
	echo "u$i:x:$uid:$uid:U$i:$T/home/u$i:/bin/sh" >>"$T/passwd"
	echo "u$i:x:$uid:" >>"$T/group"
	mkdir -p "$T/home/u$i"
	chown "$uid:$uid" "$T/home/u$i"
	chmod 0755 "$T/home/u$i"
	((10#$i < 20)) && staff+=${staff:+,}u$i
done
echo "svc:x:999:999:Service:$T/home/svc:/bin/sh" >>"$T/passwd"
echo "staff:x:5000:$staff" >>"$T/group"
echo "guests:x:5100:u20" >>"$T/group"

enrol() { # USER: enrolled by root with S1, marked enrolled
	run --user "$1" --secret "$S1" --code "$(code "$S1")" >/dev/null 2>"$err" ||
		fail "enrol $1: $(cat "$err")"
}
for u in u01 u02 u03 u04 u05 u06 u07 u08 u20; do enrol "$u"; done
# Enrolment issues 10 backup codes; u08's file has none.
sed -i '/^backup/d' "$T/home/u08/.pam_mfa"
echo "email u01@example.org" >>"$T/home/u01/.pam_mfa"
now=$(date +%s)
state() { # USER LINES...: the user's record, with the enrolled mark kept
	local u=$1 mark
	shift
	mark=$(grep '^enrolled ' "$T/state/$u")
	printf 'pam_mfa-state 1\n%s\n' "$mark" >"$T/state/$u"
	printf '%s\n' "$@" >>"$T/state/$u"
	chmod 0600 "$T/state/$u"
}
state u01 "last-success $((now - 3600)) totp"
state u02 "failures 12" "locked-until $((now + 3600))" "last-failure $now"
set3=$(sed -n 's/^backup-set //p' "$T/home/u03/.pam_mfa")
state u03 "last-success $((now - 60)) backup" "backup-used $set3 0,1,2,3,4,5,6,7"
D1=$(printf 'a%.0s' {1..64}) D2=$(printf 'b%.0s' {1..64})
state u04 "last-success $((now - 120)) trusted-device" \
	"device 0123456789abcdef $D1 $((now - 86400)) $((now + 86400 * 89)) $((now - 3600)) 0 ssh-ed25519 SHA256:AAAAbbbbCCCC" \
	"device fedcba9876543210 $D2 $((now - 7200)) $((now + 86400 * 90)) $((now - 60)) 0 ssh-rsa SHA256:ddddEEEEffff"
state u05 "failures 5" "last-failure $now" "source 192.0.2.7 5 $now $((now + 900))"
rm -f "$T/home/u06/.pam_mfa"
echo "this is not a state record" >"$T/state/u07"
rm -f "$T/state/u08"
printf 'pam_mfa-state 1\nfailures 3\n' >"$T/state/ghost" && chmod 0600 "$T/state/ghost"

# 1. The table.
run report >"$out" 2>"$err"
rc=$?
line() { grep -E "^$1 " "$out" | tr -s ' '; }
if [[ $rc == 0 ]] &&
	grep -qx "8 of 19 enrolled, 11 left, deadline in 10 days ($deadline)" "$out" &&
	grep -qx "2 locked out, 2 with 3 backup codes or fewer, 2 broken (logins fail until an admin acts)" "$out"; then
	pass "report: totals at the top (8 of 19 enrolled, deadline in 10 days)"
else
	fail "report totals: rc=$rc $(cat "$out" "$err")"
fi
want_lines=(
	'u01 enrolled app,email,backup [0-9-]+ [0-9:]+ UTC totp 0 no 10 0'
	'u02 enrolled app,backup never - 12 yes 10 0'
	'u03 enrolled app,backup [0-9-]+ [0-9:]+ UTC backup 0 no 2 0'
	'u04 enrolled app,backup [0-9-]+ [0-9:]+ UTC trusted-device 0 no 10 2'
	'u05 enrolled app,backup never - 5 yes 10 0'
	'u06 broken - never - 0 no - 0'
	'u07 broken app,backup never - 0 no 10 0'
	'u08 enrolled app never - 0 no - 0'
	'u09 not-enrolled - never - 0 no - 0'
)
bad=
for re in "${want_lines[@]}"; do
	[[ $(line "${re%% *}") =~ ^$re$ ]] || bad+=" ${re%% *}"
done
if [[ -z $bad && $(grep -cE '^u[0-9]+ ' "$out") == 19 ]] &&
	! grep -qE '^(u20|svc|ghost|tester|bob) ' "$out"; then
	pass "report: one line per account that must use MFA, with its state"
else
	fail "report table:$bad: $(cat "$out")"
fi

# 2. JSON, read by a real parser.
run report --json >"$out" 2>"$err"
rc=$?
if [[ $rc == 0 ]] && $PY - "$out" "$deadline" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
u = {x["user"]: x for x in r["users"]}
assert r["enforce_after"] == sys.argv[2] and r["days_left"] == 10, r
assert r["totals"] == {"users": 19, "enrolled": 8, "not_enrolled": 11,
    "locked": 2, "backup_codes_low": 2, "broken": 2}, r["totals"]
assert sorted(u) == ["u%02d" % i for i in range(1, 20)], sorted(u)
assert u["u01"]["methods"] == ["app", "email", "backup"], u["u01"]
assert u["u08"]["methods"] == ["app"] and u["u08"]["backup_codes_left"] is None
assert u["u01"]["last_method"] == "totp" and u["u01"]["backup_codes_left"] == 10
assert u["u02"]["locked"] is True and u["u02"]["failures"] == 12
assert isinstance(u["u02"]["locked_until"], int)
assert u["u03"]["backup_codes_left"] == 2
assert u["u04"]["trusted_devices"] == 2
assert u["u05"]["locked"] is True and u["u05"]["locked_until"] is None
assert u["u06"]["state"] == "broken" and u["u06"]["methods"] == []
assert u["u09"] == {"user": "u09", "uid": 5009, "state": "not-enrolled",
    "methods": [], "last_success": None, "last_method": None,
    "failures": 0, "locked": False, "locked_until": None,
    "backup_codes_left": None, "trusted_devices": 0}, u["u09"]
EOF
then
	pass "report --json: totals and accounts, as Python's json reads them"
else
	fail "report --json: rc=$rc $(cat "$out" "$err")"
fi

# 3. Metrics: written atomically, parsed by prometheus_client's parser.
mkdir -p "$T/textfile"
echo "old" >"$T/textfile/pam_mfa.prom"
ino=$(stat -c %i "$T/textfile/pam_mfa.prom")
run report --prometheus "$T/textfile/pam_mfa.prom" >/dev/null 2>"$err"
rc=$?
if [[ $rc == 0 && $(stat -c '%a %i' "$T/textfile/pam_mfa.prom") == "644 "* &&
	$(stat -c %i "$T/textfile/pam_mfa.prom") != "$ino" ]] &&
	[[ -z $(find "$T/textfile" -name '.*') ]]; then
	pass "report --prometheus: a new file (renamed into place), mode 0644, no temporary left"
else
	fail "report --prometheus: rc=$rc $(cat "$err"; ls -la "$T/textfile")"
fi
if ! $PY -c 'import prometheus_client.parser' 2>/dev/null; then
	skip "metrics parser (python3-prometheus-client missing)"
elif $PY - "$T/textfile/pam_mfa.prom" "$(date -u -d "$deadline" +%s)" <<'EOF'; then
import sys
from prometheus_client.parser import text_string_to_metric_families
text = open(sys.argv[1]).read()
got = {}
for fam in text_string_to_metric_families(text):
    assert fam.type == "gauge" and fam.documentation, fam
    for s in fam.samples:
        got[(s.name, tuple(sorted(s.labels.items())))] = s.value
want = {
    ("pam_mfa_users", (("state", "enrolled"),)): 8,
    ("pam_mfa_users", (("state", "not_enrolled"),)): 11,
    ("pam_mfa_locked_users", ()): 2,
    ("pam_mfa_backup_codes_low_users", ()): 2,
    ("pam_mfa_broken_users", ()): 2,
    ("pam_mfa_enforce_after_seconds", ()): int(sys.argv[2]),
}
for k, v in want.items():
    assert got.get(k) == v, (k, got.get(k))
assert ("pam_mfa_report_timestamp_seconds", ()) in got, got
assert text.endswith("\n")
EOF
	pass "report --prometheus: the metrics, as prometheus_client's parser reads them"
else
	fail "metrics: $(cat "$T/textfile/pam_mfa.prom")"
fi
run report --prometheus "$T/no-such-dir/x.prom" >/dev/null 2>"$err"
rc=$?
if [[ $rc == 1 ]] && grep -q -- "--prometheus $T/no-such-dir/x.prom" "$err"; then
	pass "report --prometheus into a missing directory: exit 1, says which"
else
	fail "report --prometheus, missing directory: rc=$rc $(cat "$err")"
fi

# 4. No deadline: no deadline in the totals; usage errors.
printf 'state_dir = %s\ngroups = staff\n' "$T/state" >"$CONF"
run report >"$out" 2>"$err"
if grep -qx "8 of 19 enrolled, 11 left" "$out"; then
	pass "report without enforce_after: totals without a deadline"
else
	fail "report without enforce_after: $(head -n 2 "$out")"
fi
run report --bogus >"$out" 2>"$err"
rc=$?
[[ $rc == 2 ]] && pass "report --bogus: exit 2" || fail "report --bogus: rc=$rc"
exit $failed
