#!/usr/bin/env bash
# tests/sh/journal_events.sh - audit events in a real journal (issue 21).
#
# In a private mount namespace (unshare -m), tmpfs hides /run/systemd/journal
# and the journal directories, and Debian's own systemd-journald is started
# there: pam_mfa.so (under pamtester and pam_wrapper) and mfa-enroll, run
# as root for nss_wrapper users (bob; dave for import-home), send their
# events to it through libsystemd.  journalctl -o json reads them back;
# Python checks the MESSAGE_ID of each kind against
# catalog/pam_mfa.catalog (every kind of the catalog must be emitted
# here), the exact MFA_* fields of each event, and that no code,
# secret, SSH key or email address reached the journal.
# journalctl --root --update-catalog checks that the catalog parses.
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

# pam.d: sshd with a client address (and SSH_AUTH_INFO_0 from the file
# MFA_TEST_AUTHINFO_FILE names, as sshd after a public key), and a stack
# with a bad option.
mkdir -p "$T/pam.d"
{
	echo "auth required $SETITEMS"
	echo "auth optional $BUILDDIR/tests/modules/putenv_authinfo.so"
	echo "auth required $MODULE conf=$CONF"
} >"$T/pam.d/sshd"
sed "s|conf=$CONF|& trust_services=sshd-sk sk_keys=second-factor|" \
	"$T/pam.d/sshd" >"$T/pam.d/sshd-sk"
echo "auth required $MODULE conf=$CONF no_such_option" >"$T/pam.d/broken"
printf "auth required %s conf=%s groups=wheel\nauth required pam_permit.so\n" \
	"$MODULE" "$CONF" >"$T/pam.d/exempt"
# Emailed codes go to a file: the message, code included, is in mail.out.
printf '#!/bin/sh\ncat >>"%s"\n' "$T/mail.out" >"$T/mail.sh"
printf 'state_dir = %s\ndeny = 2\ntries = 3\nmail_command = /bin/sh %s\n' \
	"$T/state" "$T/mail.sh" >"$CONF"
# pam SERVICE: pamtester as bob, answers from standard input; then
# setcred, as sshd does (a "yes" to "Trust this device?" becomes a
# trusted device there).  login SERVICE ANSWERS...: the same, answers
# given.
pam() {
	local asan
	asan=$(ldd "$MODULE" 2>/dev/null | awk '/libasan/ { print $3 }')
	LD_PRELOAD=${asan:+$asan:}$PW:$NSSW \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$T/pam.d \
		PAM_WRAPPER_DISABLE_DEEPBIND=${asan:+1} \
		NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
		PAM_RHOST=192.0.2.9 ASAN_OPTIONS=detect_leaks=0 \
		timeout 30 pamtester "$1" bob authenticate \
		'setcred(PAM_ESTABLISH_CRED)' >>"$T/pamtester.out" 2>&1
}
login() {
	local svc=$1
	shift
	printf '%s\n' "$@" | pam "$svc"
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
# Without sudo the admin is the login uid's user: 4242, bob (root may set
# an unset login uid once; where it cannot, an unset one means root).
(
	echo 4242 >/proc/self/loginuid
	cat /proc/self/loginuid >"$T/loginuid"
	SUDO_USER='' run --user bob unlock >/dev/null
) 2>/dev/null || fail "unlock without sudo failed"
case $(cat "$T/loginuid") in
4242) admin0=bob ;;
4294967295) admin0=root ;;
*) admin0='' ;; # set before, to a user nss_wrapper may not know
esac
login sshd "$backup" || fail "bob's backup code refused: $(tail -n 3 "$T/pamtester.out")"
SUDO_USER=carol run --user bob devices forget all >/dev/null 2>"$T/err" ||
	fail "devices forget all: $(cat "$T/err")"
login exempt || fail "a user outside groups= was refused"
login broken "$good" && fail "a bad option let a login through"

# A second authenticator, phone2 (provisioned by carol), answers a login
# from an SSH key, which bob trusts; the next login from that key skips
# the code; carol forgets that device by its ID.
SUDO_USER=carol run --user bob add --name phone2 --secret "$S2" \
	--code "$(oathtool --totp -b "$S2" -N "@$now")" >/dev/null 2>"$T/err" ||
	fail "add phone2: $(cat "$T/err")"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$T/key" || fail "ssh-keygen"
read -r ktype kblob _ <"$T/key.pub"
printf 'publickey %s %s\n' "$ktype" "$kblob" >"$T/authinfo"
keyfp=$(ssh-keygen -l -f "$T/key.pub" | awk '{ print $2 }')
phone2=$(oathtool --totp -b "$S2" -N "@$((now + 30))")
MFA_TEST_AUTHINFO_FILE=$T/authinfo login sshd "$phone2" y ||
	fail "phone2's code refused: $(tail -n 3 "$T/pamtester.out")"
MFA_TEST_AUTHINFO_FILE=$T/authinfo login sshd ||
	fail "the trusted device was asked for a code: $(tail -n 3 "$T/pamtester.out")"
# A FIDO2 SSH key (sk_keys=second-factor) is the second factor.
skblob=AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gAAAABHNzaDo=
printf 'publickey sk-ssh-ed25519@openssh.com %s\n' "$skblob" >"$T/skinfo"
skfp=$(printf 'sk-ssh-ed25519@openssh.com %s\n' "$skblob" | ssh-keygen -l -f - |
	awk '{ print $2 }')
MFA_TEST_AUTHINFO_FILE=$T/skinfo login sshd-sk ||
	fail "the FIDO2 key was refused: $(tail -n 3 "$T/pamtester.out")"
devid=$(run --user bob devices 2>"$T/err" | grep -m 1 -oE '\b[0-9a-f]{16}\b')
SUDO_USER=carol run --user bob devices forget "$devid" >/dev/null 2>"$T/err" ||
	fail "devices forget $devid: $(cat "$T/err")"

# A code sent by email at bob's request (an empty answer), typed back
# once it is in the mail (at most 5 s): the journal has neither the code
# nor the address.
echo "email bob@example.org" >>"$T/home/bob/.pam_mfa"
mkfifo "$T/answers"
trap '' PIPE # a pamtester that died shows as a FAIL below, not as SIGPIPE
pam sshd <"$T/answers" &
pampid=$!
exec 3>"$T/answers"
echo "" >&3
for _ in $(seq 100); do
	sent=$(sed -nE 's/^Your .* code is: ([0-9]{6})\r?$/\1/p' "$T/mail.out" 2>/dev/null)
	[[ -n $sent ]] && break
	sleep 0.05
done
echo "$sent" >&3
exec 3>&-
wait "$pampid" || fail "the emailed code's login: $(tail -n 3 "$T/pamtester.out")"
[[ -n $sent ]] || fail "no code was emailed: $(tail -n 3 "$T/pamtester.out")"
# carol's other changes to bob's enrolment: a pam_oath token imported
# and resynchronised, phone2 removed, new backup codes, the file removed
# (disable), then the reset.
hex=00112233445566778899aabbccddeeff00112233
(umask 077 && printf 'HOTP bob - %s\n' "$hex" >"$T/oath")
SUDO_USER=carol run import-oath "$T/oath" --user bob >"$T/out" 2>"$T/err" &&
	grep -q '^bob: imported oath' "$T/out" ||
	fail "import-oath: $(cat "$T/err" "$T/out")"
SUDO_USER=carol run --user bob resync --name oath \
	"$(oathtool --hotp -c 50 "$hex")" "$(oathtool --hotp -c 51 "$hex")" \
	>/dev/null 2>"$T/err" || fail "resync: $(cat "$T/err")"
# The token pressed far away from a login (beyond hotp_window, 10):
# two codes in a row in one login resynchronise it there.
login sshd "$(oathtool --hotp -c 70 "$hex")" "$(oathtool --hotp -c 71 "$hex")" ||
	fail "the token's resynchronising login: $(tail -n 3 "$T/pamtester.out")"
SUDO_USER=carol run --user bob remove phone2 >/dev/null 2>"$T/err" ||
	fail "remove phone2: $(cat "$T/err")"
SUDO_USER=carol run --user bob backup-codes >/dev/null 2>"$T/err" ||
	fail "backup-codes: $(cat "$T/err")"
SUDO_USER=carol run --user bob disable --yes >/dev/null 2>"$T/err" ||
	fail "disable: $(cat "$T/err")"
SUDO_USER=carol run --user bob reset --yes >/dev/null 2>"$T/err" || fail "reset: $(cat "$T/err")"
# Not enrolled any more, and no nullok: a failure.
login sshd "$good" && fail "a login without an enrolment got through"
# Home enrolments moved into the vault (secrets = vault) by carol: bob's
# by name, then dave's by --all, which leaves bob's (already there, no
# second event).
echo "dave:x:4243:4243:Dave:$T/home/dave:/bin/sh" >>"$T/passwd"
echo "dave:x:4243:" >>"$T/group"
mkdir -p "$T/home/dave" && chown 4243:4243 "$T/home/dave"
for u in bob dave; do
	run --user "$u" --secret "$S1" --code "$(code "$S1")" >/dev/null 2>"$T/err" ||
		fail "$u's home enrolment: $(cat "$T/err")"
done
echo 'secrets = vault' >>"$CONF"
SUDO_USER=carol run --user bob import-home >"$T/out" 2>"$T/err" &&
	SUDO_USER=carol run --all import-home >>"$T/out" 2>>"$T/err" &&
	grep -q '^dave: imported into the vault' "$T/out" &&
	grep -q '^bob: already in the vault' "$T/out" ||
	fail "import-home: $(cat "$T/out" "$T/err")"
kill "$JPID" && wait "$JPID" 2>/dev/null
journalctl -D /run/log/journal --no-pager -o json >"$T/journal.json" 2>"$T/err" ||
	fail "journalctl: $(cat "$T/err")"

if KEYFP=$keyfp SKFP=$skfp DEVID=$devid ADMIN0=$admin0 $PY - "$T/journal.json" "$CATALOG" "$good" "$bad" "$S1" \
	"$backup" "$S2" "$phone2" "$sent" "$kblob" "$skblob" bob@example.org "$hex" <<'EOF'; then
import json, os, sys
entries = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mfa = [e for e in entries if "MFA_EVENT" in e]
# Each kind's MESSAGE_ID is the catalog's, and names that kind.
catalog = {}
for block in open(sys.argv[2]).read().split("\n-- ")[1:]:
    mid, rest = block.split("\n", 1)
    catalog[mid.strip()] = rest
kind_id = {}
for e in mfa:
    assert e["MESSAGE_ID"] in catalog, e
    assert kind_id.setdefault(e["MFA_EVENT"], e["MESSAGE_ID"]) == \
        e["MESSAGE_ID"], ("two ids for one kind", e)
    assert e["SYSLOG_FACILITY"] == "10", e
    assert e.get("MFA_RHOST", "192.0.2.9") == "192.0.2.9", e
assert len(set(kind_id.values())) == len(kind_id), kind_id
# Every kind of the catalog was seen here (none left out, so no kind
# needs a reason to be missing).
unseen = set(catalog) - set(kind_id.values())
assert not unseen, ("catalog kinds no test emitted", unseen)
def one(kind, **want):
    """An event of kind with exactly these fields (None: absent)."""
    got = [e for e in mfa if e["MFA_EVENT"] == kind]
    for e in got:
        if all(e.get(k) == v for k, v in want.items()):
            return e
    raise AssertionError((kind, want, [{k: v for k, v in e.items()
        if k.startswith("MFA_")} for e in got]))
admin = dict(MFA_USER="bob", MFA_SERVICE="mfa-enroll", MFA_ADMIN="carol",
             MFA_RESULT="success", MFA_RHOST=None,
             SYSLOG_IDENTIFIER="mfa-enroll", PRIORITY="5")
sshd = dict(MFA_USER="bob", MFA_SERVICE="sshd", MFA_RHOST="192.0.2.9",
            MFA_ADMIN=None, SYSLOG_IDENTIFIER="pam_mfa")
e = one("success", MFA_METHOD="totp", MFA_RESULT="success", MFA_REASON=None,
        MFA_AUTHENTICATOR="app", MFA_KEY_SHA256=None, PRIORITY="6", **sshd)
assert "user=bob service=sshd rhost=192.0.2.9 method=totp result=success" \
    in e["MESSAGE"], e["MESSAGE"]
one("success", MFA_METHOD="totp", MFA_RESULT="success", MFA_REASON=None,
    MFA_AUTHENTICATOR="phone2", MFA_KEY_SHA256=None, **sshd)
keyfp = os.environ["KEYFP"]
one("device-trusted", MFA_KEY_SHA256=keyfp, MFA_METHOD=None, PRIORITY="6",
    MESSAGE="user=bob service=sshd trusted a device key=" + keyfp, **sshd)
one("success", MFA_METHOD="trusted-device", MFA_RESULT="success",
    MFA_REASON=None, MFA_AUTHENTICATOR="trusted device",
    MFA_KEY_SHA256=keyfp, **sshd)
one("success", MFA_METHOD="fido2-key", MFA_RESULT="success",
    MFA_REASON=None, MFA_AUTHENTICATOR="FIDO2 security key",
    MFA_KEY_SHA256=os.environ["SKFP"], **dict(sshd, MFA_SERVICE="sshd-sk"))
one("lockout", MFA_RESULT="failure", MFA_REASON="locked out",
    PRIORITY="5", **sshd)
one("failure", MFA_RESULT="failure", MFA_REASON="not enrolled",
    MFA_METHOD="none", PRIORITY="5", **sshd)
one("enrolment", MESSAGE="admin=carol user=bob provisioned",
    MFA_AUTHENTICATOR=None, **admin)
one("enrolment", MESSAGE="admin=carol user=bob authenticator added "
    "authenticator=phone2", MFA_AUTHENTICATOR="phone2", **admin)
one("enrolment", MESSAGE="admin=carol user=bob imported oath (HOTP) from "
    "pam_oath authenticator=oath", MFA_AUTHENTICATOR="oath", **admin)
one("enrolment", MESSAGE="admin=carol user=bob new backup codes", **admin)
one("enrolment", MESSAGE="admin=carol user=bob authenticator removed "
    "authenticator=phone2", MFA_AUTHENTICATOR="phone2", **admin)
one("resync", MESSAGE="admin=carol user=bob hotp token resynchronised at "
    "counter 51 authenticator=oath", MFA_AUTHENTICATOR="oath",
    MFA_METHOD=None, **admin)
one("resync", MESSAGE="HOTP token oath of bob resynchronised at counter 71 "
    "(two codes in a row)", MFA_AUTHENTICATOR="oath", MFA_METHOD=None,
    MFA_RESULT="success", MFA_REASON=None, PRIORITY="5", **sshd)
one("success", MFA_METHOD="totp", MFA_RESULT="success",
    MFA_AUTHENTICATOR="oath", **sshd)
home = "home enrolment imported into the vault"
for u in ("bob", "dave"):
    one("enrolment", MESSAGE="admin=carol user=%s %s" % (u, home),
        MFA_AUTHENTICATOR=None, **dict(admin, MFA_USER=u))
assert len([e for e in mfa if e["MESSAGE"].endswith(home)]) == 2, \
    "an import-home that left the vault as it was logged an event"
one("enrolment", MESSAGE="admin=carol user=bob disable: enrolment file "
    "removed", **admin)
one("unlock", MESSAGE="admin=carol user=bob unlocked", **admin)
if os.environ["ADMIN0"]:
    one("unlock", **dict(admin, MFA_ADMIN=os.environ["ADMIN0"],
        MESSAGE="admin=%s user=bob unlocked" % os.environ["ADMIN0"]))
one("reset", MESSAGE="admin=carol user=bob reset: enrolment and state "
    "removed", **admin)
one("success", MFA_METHOD="email", MFA_RESULT="success", MFA_REASON=None,
    MFA_AUTHENTICATOR="code sent by email", MFA_KEY_SHA256=None, **sshd)
one("backup-used", MFA_METHOD="backup", MFA_RESULT="success",
    MFA_REASON=None, MFA_AUTHENTICATOR="backup code", **sshd)
one("device-forgotten", MESSAGE="admin=carol user=bob forgot every "
    "trusted device", **admin)
one("device-forgotten", MESSAGE="admin=carol user=bob forgot trusted "
    "device " + os.environ["DEVID"], **admin)
one("code-sent", MFA_METHOD="email", MFA_RESULT=None, PRIORITY="6",
    MESSAGE="user=bob code sent by email", **sshd)
one("ignored", MFA_SERVICE="exempt", MFA_RESULT="ignored",
    MFA_REASON="not in groups=")
one("config-error", MFA_SERVICE="broken", MFA_REASON="configuration error")
# What pam_mfa wrote (not journald's own timestamps and ids): no code,
# secret, SSH key or email address.
text = " ".join(str(v) for e in mfa for k, v in e.items()
                if not k.startswith("_"))
for secret in sys.argv[3:]:
    assert secret not in text, ("a code or secret in the journal", secret)
EOF
	pass "journal: every kind of the catalog (success by app, by a named authenticator, by a trusted device, by a FIDO2 key and by an emailed code, failure, lock-out, unlock, device trusted with its key, devices forgotten by ID and all, backup code, code sent, ignored, reset, configuration error; enrolment by provisioning, authenticator added and removed (named), import-oath, new backup codes, disable, import-home by name and by --all; HOTP resync by the admin and in a login; the admin from SUDO_USER and from the login uid) with its MESSAGE_ID and exact MFA_* fields, no code, secret, key or address"
else
	fail "journal events: $(grep -c MFA_EVENT "$T/journal.json") events: $(grep -o '"MESSAGE":"[^"]*"' "$T/journal.json" | tail -n 12)"
fi

# The catalog parses, with one entry per kind.
mkdir -p "$T/root/usr/lib/systemd/catalog" "$T/root/var/lib/systemd/catalog"
cp "$CATALOG" "$T/root/usr/lib/systemd/catalog/"
if journalctl --root="$T/root" --update-catalog 2>"$T/err" &&
	[[ $(journalctl --root="$T/root" --list-catalog 2>/dev/null | grep -c ' pam_mfa: ') == 13 ]]; then
	pass "catalog: journalctl --update-catalog reads 13 pam_mfa entries"
else
	fail "catalog: $(cat "$T/err"; journalctl --root="$T/root" --list-catalog 2>&1 | head -n 3)"
fi
exit $failed
