#!/usr/bin/env bash
# tests/sh/journal_events.sh - audit events in a real journal (issue 21).
#
# In a private mount namespace (unshare -m), tmpfs hides /run/systemd/journal
# and the journal directories, and Debian's own systemd-journald is started
# there: pam_mfa.so (under pamtester and pam_wrapper) and mfa-enroll, run
# as root for an nss_wrapper user, send their events to it through
# libsystemd.  journalctl -o json reads them back; Python checks the
# MESSAGE_ID of each kind against catalog/pam_mfa.catalog, the MFA_*
# fields, and that no code or secret reached the journal.  journalctl
# --root --update-catalog checks that the catalog parses.
# Needs root (skips otherwise).  Prints PASS:/FAIL:/SKIP: lines.
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
JOURNALD=/lib/systemd/systemd-journald
if [[ $(id -u) != 0 ]]; then
	skip "journal_events (needs root: a private journald)"
	exit 0
fi
for tool in unshare journalctl pamtester; do
	command -v "$tool" >/dev/null || {
		skip "journal_events ($tool missing)"
		exit 0
	}
done
[[ -x $JOURNALD ]] || {
	skip "journal_events ($JOURNALD missing: install systemd)"
	exit 0
}
# Once, in a mount namespace of our own: nothing is mounted for anyone else.
if [[ -z ${MFA_JOURNAL_NS:-} ]]; then
	exec unshare -m --propagation private env MFA_JOURNAL_NS=1 \
		bash "$0" "$@"
fi
enroll_setup journal_events || exit 0
PY=/usr/bin/python3
CATALOG=$SRC/catalog/pam_mfa.catalog
MODULE=$BUILDDIR/pam_mfa.so
PW=$(find /usr/lib -name libpam_wrapper.so -print -quit)
SETITEMS=$(find /usr/lib -path '*pam_wrapper/pam_set_items.so' -print -quit)

# A journald of our own, its sockets and files on tmpfs.
for d in /run/systemd/journal /run/log /var/log/journal; do
	mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d" || {
		fail "journal_events: cannot mount a tmpfs on $d"
		exit 1
	}
done
"$JOURNALD" >"$T/journald.out" 2>&1 &
JPID=$!
for _ in $(seq 100); do
	[[ -S /run/systemd/journal/socket ]] && break
	sleep 0.05
done
if [[ ! -S /run/systemd/journal/socket ]]; then
	fail "journal_events: journald did not start: $(cat "$T/journald.out")"
	kill "$JPID"
	exit 1
fi
trap 'kill "$JPID" 2>/dev/null; rm -rf "$T"; mfa_test_base_leave' EXIT

# pam.d: sshd with a client address, and a stack with a bad option.
mkdir -p "$T/pam.d"
{
	echo "auth required $SETITEMS"
	echo "auth required $MODULE conf=$CONF"
} >"$T/pam.d/sshd"
echo "auth required $MODULE conf=$CONF no_such_option" >"$T/pam.d/broken"
printf "auth required %s conf=%s groups=wheel\nauth required pam_permit.so\n" \
	"$MODULE" "$CONF" >"$T/pam.d/exempt"
printf 'state_dir = %s\ndeny = 2\ntries = 3\n' "$T/state" >"$CONF"
# login SERVICE ANSWERS...: pamtester as bob, answers on standard input.
login() {
	local svc=$1 asan
	shift
	asan=$(ldd "$MODULE" 2>/dev/null | awk '/libasan/ { print $3 }')
	printf '%s\n' "$@" | LD_PRELOAD=${asan:+$asan:}$PW:$NSSW \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam.d \
		PAM_WRAPPER_DISABLE_DEEPBIND=${asan:+1} \
		NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
		PAM_RHOST=192.0.2.9 ASAN_OPTIONS=detect_leaks=0 \
		timeout 30 pamtester "$svc" bob authenticate >>"$T/pamtester.out" 2>&1
}

# The events: provisioning (by "carol" through sudo), a right code, wrong
# codes up to the lock-out, unlock, a backup code, devices forgotten, a
# user outside groups=, a bad option, reset.
now=$(date +%s)
SUDO_USER=carol run --user bob --secret "$S1" --code "$(oathtool --totp -b "$S1" -N "@$now")" \
	>"$T/provision.out" 2>"$T/err" || fail "provision bob: $(cat "$T/err")"
backup=$(grep -m 1 -oE '\b[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b' "$T/provision.out")
good=$(oathtool --totp -b "$S1" -N "@$((now + 30))")
login sshd "$good" || fail "bob's right code refused: $(cat "$T/pamtester.out")"
bad=$(((10#$good + 1) % 1000000))
bad=$(printf '%06d' "$bad")
login sshd "$bad" "$bad" "$bad" && fail "wrong codes accepted"
SUDO_USER=carol run --user bob unlock >/dev/null 2>"$T/err" || fail "unlock: $(cat "$T/err")"
login sshd "$backup" || fail "bob's backup code refused: $(tail -n 3 "$T/pamtester.out")"
SUDO_USER=carol run --user bob devices forget all >/dev/null 2>"$T/err" ||
	fail "devices forget all: $(cat "$T/err")"
login exempt || fail "a user outside groups= was refused"
login broken "$good" && fail "a bad option let a login through"
SUDO_USER=carol run --user bob reset --yes >/dev/null 2>"$T/err" || fail "reset: $(cat "$T/err")"
kill "$JPID" && wait "$JPID" 2>/dev/null
journalctl -D /run/log/journal --no-pager -o json >"$T/journal.json" 2>"$T/err" ||
	fail "journalctl: $(cat "$T/err")"

if $PY - "$T/journal.json" "$CATALOG" "$good" "$bad" "$S1" "$backup" <<'EOF'; then
import json, re, sys
entries = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mfa = [e for e in entries if "MFA_EVENT" in e]
# Each kind's MESSAGE_ID is the catalog's, and names that kind.
catalog = {}
for block in open(sys.argv[2]).read().split("\n-- ")[1:]:
    mid, rest = block.split("\n", 1)
    catalog[mid.strip()] = rest
for e in mfa:
    assert e["MESSAGE_ID"] in catalog, e
    assert e["SYSLOG_FACILITY"] == "10", e
def one(kind, **want):
    got = [e for e in mfa if e["MFA_EVENT"] == kind]
    assert got, (kind, [x["MFA_EVENT"] for x in mfa])
    for k, v in want.items():
        assert got[-1].get(k) == v, (kind, k, got[-1].get(k), v)
    return got[-1]
e = one("success", MFA_USER="bob", MFA_SERVICE="sshd", MFA_RHOST="192.0.2.9",
        MFA_METHOD="totp", MFA_RESULT="success",
        MFA_AUTHENTICATOR="authenticator app", SYSLOG_IDENTIFIER="pam_mfa",
        PRIORITY="6")
assert "user=bob service=sshd rhost=192.0.2.9 method=totp result=success" \
    in e["MESSAGE"], e["MESSAGE"]
one("lockout", MFA_USER="bob", MFA_RESULT="failure",
    MFA_REASON="locked out", PRIORITY="5")
one("enrolment", MFA_USER="bob", MFA_ADMIN="carol",
    SYSLOG_IDENTIFIER="mfa-enroll")
one("unlock", MFA_USER="bob", MFA_ADMIN="carol")
one("reset", MFA_USER="bob", MFA_ADMIN="carol")
one("backup-used", MFA_USER="bob", MFA_METHOD="backup", MFA_RESULT="success",
    MFA_AUTHENTICATOR="backup code")
one("device-forgotten", MFA_USER="bob", MFA_ADMIN="carol")
one("ignored", MFA_SERVICE="exempt", MFA_RESULT="ignored",
    MFA_REASON="not in groups=")
one("config-error", MFA_SERVICE="broken", MFA_REASON="configuration error")
# What pam_mfa wrote (not journald's own timestamps and ids).
text = " ".join(str(v) for e in mfa for k, v in e.items()
                if not k.startswith("_"))
for secret in sys.argv[3:]:
    assert secret not in text, "a code or secret in the journal"
EOF
	pass "journal: success, lock-out, enrolment, unlock, backup code, devices forgotten, ignored, reset and configuration-error events with their MESSAGE_IDs and MFA_* fields, no code or secret"
else
	fail "journal events: $(grep -c MFA_EVENT "$T/journal.json") events: $(grep -o '"MESSAGE":"[^"]*"' "$T/journal.json" | tail -n 12)"
fi

# The catalog parses, with one entry per kind.
mkdir -p "$T/root/usr/lib/systemd/catalog" "$T/root/var/lib/systemd/catalog"
cp "$CATALOG" "$T/root/usr/lib/systemd/catalog/"
if journalctl --root="$T/root" --update-catalog 2>"$T/err" &&
	[[ $(journalctl --root="$T/root" --list-catalog 2>/dev/null | grep -c ' pam_mfa: ') == 12 ]]; then
	pass "catalog: journalctl --update-catalog reads 12 pam_mfa entries"
else
	fail "catalog: $(cat "$T/err"; journalctl --root="$T/root" --list-catalog 2>&1 | head -n 3)"
fi
exit $failed
