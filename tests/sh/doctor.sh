#!/usr/bin/env bash
# tests/sh/doctor.sh - mfa-enroll doctor on fixture trees (--root DIR):
# a working set-up, and broken ones that must each be found with the exact
# line that names the problem and the right exit status.
#
# The trees are tests/data/doctor/ (see its README): good/ is complete, the
# others hold only the files that differ; each run copies good/, lays the
# broken tree over it and sets the modes git does not keep.  Needs no root
# (--root reads the copy); as root it runs the same way.  Prints
# PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
SRC=${MFA_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
ENROLL=$BUILDDIR/mfa-enroll
FIX=$SRC/tests/data/doctor

pass() { echo "PASS: $1"; }
# run ARGS...: mfa-enroll with the pam_mfa.conf in $CONF (the live mode).
run() { "$ENROLL" --conf "$CONF" "$@"; }
fail() { echo "FAIL: $1"; }
skip() { echo "SKIP: $1"; }

if [[ ! -x $ENROLL ]]; then
	fail "doctor: $ENROLL not built (run make)"
	exit 0
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/mfa-doctor.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT

# mfa-enroll looks its caller up in the passwd database; in a container
# whose uid has no entry, give it one through nss_wrapper.
PRELOAD=
if ! getent passwd "$(id -u)" >/dev/null; then
	for lib in /usr/lib/*-linux-gnu/libnss_wrapper.so /usr/lib64/libnss_wrapper.so; do
		[[ -f $lib ]] && PRELOAD=$lib && break
	done
	if [[ -z $PRELOAD ]]; then
		skip "doctor (uid $(id -u) has no passwd entry and libnss_wrapper is missing)"
		exit 0
	fi
	echo "tester:x:$(id -u):$(id -g):Tester:$T:/bin/sh" >"$T/passwd"
	echo "tester:x:$(id -g):" >"$T/group"
	asan=$(ldd "$ENROLL" 2>/dev/null | awk '/libasan/ { print $3 }')
	PRELOAD=${asan:+$asan:}$PRELOAD
fi

doctor() {
	LD_PRELOAD=$PRELOAD NSS_WRAPPER_PASSWD=$T/passwd \
		NSS_WRAPPER_GROUP=$T/group timeout 20 "$ENROLL" doctor "$@"
}

# mksock DIR NAME: a Unix socket DIR/NAME, as /dev/log is (git keeps no
# sockets).  Bound from inside DIR: a long path would not fit sun_path.
mksock() {
	(cd "$1" && /usr/bin/python3 -c 'import socket, sys
socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])' "$2")
}

# tree NAME: a private copy of good/ with NAME laid over it, in $T/NAME.
tree() {
	local d=$T/$1
	rm -rf "$d"
	cp -R "$FIX/good" "$d" || return 1
	[[ $1 == good ]] || cp -R "$FIX/$1/." "$d/" || return 1
	chmod -R u+rwX,go-w,go+rX "$d"
	chmod 0700 "$d/var/lib/pam_mfa"
	chmod 0600 "$d"/var/lib/pam_mfa/* "$d"/var/lib/pam_mfa/.[!.]* 2>/dev/null || true
	mkdir -p "$d/dev" && mksock "$d/dev" log
}

# ok_and_fail FILE: the "ok:" lines about something a "FAIL:" line of FILE
# is about (its subject: the text before the first ": ", or "sshd: KEY").
# The doctor must never say both.
ok_and_fail() {
	awk '
		function subject(t) {
			if (t ~ /^sshd: /) { split(t, w, " "); return w[1] " " w[2] }
			return index(t, ": ") ? substr(t, 1, index(t, ": ") - 1) : t
		}
		/^FAIL: / { fails[subject(substr($0, 7))] = 1 }
		/^ok: / { oks[NR] = substr($0, 5) }
		END {
			for (n in oks) for (s in fails)
				if (oks[n] == s || index(oks[n], s " ") == 1 ||
				    index(oks[n], s ":") == 1)
					print "ok: " oks[n]
		}' "$1"
}

# check NAME STATUS LINE [ARGS...]: doctor on tree NAME exits STATUS and
# prints LINE exactly.
check() {
	local name=$1 want=$2 line=$3 rc
	shift 3
	if ! tree "$name"; then
		fail "$name: cannot copy the fixture"
		return
	fi
	doctor --root "$T/$name" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [[ $rc == "$want" ]] && grep -qxF -- "$line" "$T/out" &&
		[[ -z $(ok_and_fail "$T/out") ]]; then
		pass "$name: exit $want, '$line'"
	else
		ok_and_fail "$T/out" | sed 's/^/    said ok and FAIL for: /'
		fail "$name: exit $rc (want $want), line '$line' $(grep -cxF -- "$line" "$T/out") times"
		sed 's/^/    /' "$T/out" "$T/err"
	fi
}

# follow_advice NAME: do what the FAIL line of the last run (in $T/out)
# says about a jump over pam_mfa (move the pam_mfa line to just below the
# line named), in tree NAME, then run the doctor again: it must pass.
follow_advice() {
	local name=$1 d=$T/$1 advice from from_n to to_n text
	advice=$(grep -m 1 'skips pam_mfa at .*move the pam_mfa line to just below' "$T/out")
	if [[ ! $advice =~ skips\ pam_mfa\ at\ ([^ ]+)\ line\ ([0-9]+):.*just\ below\ ([^ ]+)\ line\ ([0-9]+)\ \( ]]; then
		fail "$name: no advice to follow: $advice"
		return
	fi
	from=${BASH_REMATCH[1]} from_n=${BASH_REMATCH[2]}
	to=${BASH_REMATCH[3]} to_n=${BASH_REMATCH[4]}
	text=$(sed -n "${from_n}p" "$d$from")
	# Insert first, then delete: a later line number stays right.
	if [[ $from == "$to" && $to_n -lt $from_n ]]; then
		sed -i "${from_n}d" "$d$from" && sed -i "${to_n}a\\$text" "$d$to"
	else
		sed -i "${to_n}a\\$text" "$d$to" && sed -i "${from_n}d" "$d$from"
	fi
	doctor --root "$d" >"$T/out" 2>"$T/err"
	if [[ $? == 0 ]] && ! grep -q '^FAIL: ' "$T/out" &&
		grep -qx 'ok: pam.d/sshd: pam_mfa comes after pam_unix.so' "$T/out"; then
		pass "$name: after the doctor's own advice, it passes"
	else
		fail "$name: its own advice leads to a layout it fails"
		sed 's/^/    /' "$d$to" "$T/out"
	fi
}

# 1. The working set-up: exit 0, nothing but ok and info lines.
tree good && doctor --root "$T/good" >"$T/out" 2>"$T/err"
rc=$?
if [[ $rc == 0 ]] && ! grep -qvE '^(ok: |info: |0 failures, 0 warnings$)' "$T/out" &&
	grep -qx 'ok: sshd: UsePAM yes (/etc/ssh/sshd_config line 4)' "$T/out" &&
	grep -qx 'ok: /etc/pam.d/sshd line 3: pam_mfa is required' "$T/out" &&
	grep -qx 'ok: pam.d/login: pam_mfa comes after pam_unix.so' "$T/out" &&
	grep -qx 'ok: /etc/security/pam_mfa.conf parses' "$T/out" &&
	grep -qx 'ok: mail_command /usr/sbin/sendmail is executable' "$T/out" &&
	grep -qE '^ok: state directory /var/lib/pam_mfa: owner [^,]+, mode 0700$' "$T/out" &&
	grep -q '^ok: users in /var/lib/pam_mfa: 1 enrolled, 0 with failed' "$T/out" &&
	grep -qx 'ok: syslog socket /dev/log is there: pam_mfa'"'"'s log lines go to authpriv' "$T/out" &&
	grep -qx "info: pam.d/sshd: a wrong password ends the login at /etc/pam.d/common-auth line 3 (requisite pam_deny.so) before the code prompt: the prompt tells the password was right, and strangers cannot add failures to a user's lock-out" "$T/out" &&
	[[ ! -s $T/err ]]; then
	pass "good: exit 0, every check ok"
else
	fail "good: exit $rc"
	sed 's/^/    /' "$T/out" "$T/err"
fi

# 2. Broken trees.
check no-usepam 1 'FAIL: sshd: UsePAM no (/etc/ssh/sshd_config line 4): sshd never runs the PAM stack, so pam_mfa is never asked; set UsePAM yes'
check kbdint-off 1 'FAIL: sshd: ChallengeResponseAuthentication no (/etc/ssh/sshd_config line 5): the code prompt cannot be shown; set KbdInteractiveAuthentication yes'
check passwordauth-on 0 'warn: sshd: PasswordAuthentication yes (/etc/ssh/sshd_config line 6): sshd feeds the password to the code prompt: set PasswordAuthentication no and use keyboard-interactive'
check authmethods-publickey 1 'FAIL: sshd: AuthenticationMethods publickey (/etc/ssh/sshd_config line 2) has no keyboard-interactive: SSH logins never ask for a code'
check authmethods-publickey 1 "warn: sshd: PermitRootLogin prohibit-password (sshd's default): key-only root logins skip PAM auth and the code; set PermitRootLogin no, or require keyboard-interactive in AuthenticationMethods"
check match-block 0 'warn: sshd: /etc/ssh/sshd_config line 15 sets PasswordAuthentication inside a Match block: only the global settings are checked; make sure the users it matches still get the code prompt'
check include-dropin 1 'FAIL: sshd: KbdInteractiveAuthentication no (/etc/ssh/sshd_config.d/10-hardening.conf line 2): the code prompt cannot be shown; set KbdInteractiveAuthentication yes'
check include-dropin 1 'ok: sshd: UsePAM yes (/etc/ssh/sshd_config line 4)'
# sk_keys=second-factor: PubkeyAuthOptions verify-required, or a warning.
check sk-keys-touch-only 0 "warn: sshd: PubkeyAuthOptions none (sshd's default): with sk_keys=second-factor a touch-only FIDO2 key proves possession only, no PIN; set PubkeyAuthOptions verify-required"
check sk-keys-verify 0 'ok: sshd: PubkeyAuthOptions verify-required (/etc/ssh/sshd_config line 9): a FIDO2 key (sk_keys=second-factor) proves possession and the PIN'
check sk-keys-vault 0 "warn: sk_keys=second-factor has no effect with secrets=vault: users can add FIDO2 keys to their authorized_keys, so the module asks them for the code"
if grep -q 'PubkeyAuthOptions' <(doctor --root "$T/good" 2>&1); then
	fail "good: PubkeyAuthOptions judged without sk_keys=second-factor"
else
	pass "good: PubkeyAuthOptions not judged without sk_keys=second-factor"
fi
check pam-mfa-sufficient 1 'FAIL: /etc/pam.d/sshd line 3: pam_mfa is sufficient: a right code would replace the password; use required'
check pam-mfa-before-password 1 'FAIL: /etc/pam.d/sshd line 2: pam_mfa comes before the password module (pam_unix.so at /etc/pam.d/common-auth line 2): put it after the password module (after @include common-auth)'
check pam-unix-skips-mfa 1 'FAIL: /etc/pam.d/common-auth line 2: a success of pam_unix.so ([success=2 default=ignore]) skips pam_mfa at /etc/pam.d/common-auth line 3: the code is never asked; move the pam_mfa line to just below /etc/pam.d/common-auth line 5 (pam_permit.so), where the jump lands'
if [[ $(grep -c '^FAIL: ' "$T/out") == 1 ]]; then
	pass "pam-unix-skips-mfa: a line included by sshd and login is reported once"
else
	fail "pam-unix-skips-mfa: $(grep -c '^FAIL: ' "$T/out") FAIL lines"
fi
follow_advice pam-unix-skips-mfa
check pam-unix-jump-1 1 'FAIL: /etc/pam.d/common-auth line 3: a success of pam_unix.so ([success=1 default=ignore]) skips pam_mfa at /etc/pam.d/common-auth line 4: every login with the right password fails; move the pam_mfa line to just below /etc/pam.d/common-auth line 5 (pam_deny.so), where the jump lands'
follow_advice pam-unix-jump-1
check code-only 1 'FAIL: pam.d/sshd: no password module (pam_unix, pam_sss...) in the auth stack: a code alone logs in (AuthenticationMethods does not ask for a key first); add the password module before pam_mfa (@include common-auth)'
check key-and-code 0 'info: pam.d/sshd: no password module in the auth stack: SSH logins need a key (AuthenticationMethods) and a code'
check no-oracle 0 'info: pam.d/sshd: the password and the code are both required: a wrong password still gets the code prompt (no password oracle), and wrong codes typed after it count toward the user'"'"'s lock-out from that address (deny=) and in all (deny_total=)'
check no-oracle 0 "info: pam.d/login: a wrong password ends the login at /etc/pam.d/common-auth line 3 (requisite pam_deny.so) before the code prompt: the prompt tells the password was right, and strangers cannot add failures to a user's lock-out"
check pam-mfa-twice 1 'FAIL: pam.d/sshd: pam_mfa is twice in the auth stack (/etc/pam.d/common-auth line 6 and /etc/pam.d/sshd line 3): one login runs it twice; keep one of the two lines'
check pam-mfa-twice 1 'FAIL: pam.d/login: pam_mfa is twice in the auth stack (/etc/pam.d/common-auth line 6 and /etc/pam.d/login line 4): one login runs it twice; keep one of the two lines'
check bad-module-option 1 "FAIL: /etc/pam.d/sshd line 3: pam_mfa module argument 2: unknown option 'fooo': every login through this line fails until it is fixed"
check conf-syntax-error 1 "FAIL: /etc/security/pam_mfa.conf does not parse: pam_mfa.conf line 3: unlock_time: expected 'key = value' or a bare flag (every login through pam_mfa fails until it is fixed)"
check mail-missing 0 'warn: mail_command /usr/bin/msmtp is missing or not executable: emailed codes will fail'
check mail-missing 0 'warn: sms_command /usr/local/bin/sms-gateway is missing or not executable: SMS codes will fail'
check bad-state 0 "warn: state of erin does not parse (line 2: failures: not a decimal number): erin's logins fail until mfa-enroll --user erin reset"
check bad-state 0 "warn: failure tally (in its lock file) of frank does not parse (line 1: failures: not a decimal number): frank's logins fail until mfa-enroll --user frank unlock"

# 3. Modes git does not keep: made at test time.
tree state-dir-world-writable && chmod 0777 "$T/state-dir-world-writable/var/lib/pam_mfa"
doctor --root "$T/state-dir-world-writable" >"$T/out" 2>&1
rc=$?
line='FAIL: state directory /var/lib/pam_mfa has mode 0777: writable by group or others, who could reset lock-outs; chmod 0700 /var/lib/pam_mfa'
if [[ $rc == 1 ]] && grep -qxF "$line" "$T/out"; then
	pass "state-dir-world-writable: exit 1, '$line'"
else
	fail "state-dir-world-writable: exit $rc"
	sed 's/^/    /' "$T/out"
fi
tree good && chmod 0666 "$T/good/etc/security/pam_mfa.conf"
doctor --root "$T/good" >"$T/out" 2>&1
rc=$?
if [[ $rc == 1 ]] && grep -qE '^FAIL: /etc/security/pam_mfa.conf: owner [^,]+, mode 0666: it must be .* not writable by group or others, or the module refuses it$' "$T/out" &&
	[[ -z $(ok_and_fail "$T/out") ]]; then
	pass "pam_mfa.conf writable by others: FAIL"
else
	ok_and_fail "$T/out" | sed 's/^/    said ok and FAIL for: /'
	fail "pam_mfa.conf mode 0666: exit $rc"
	sed 's/^/    /' "$T/out"
fi

tree good && rm -f "$T/good/dev/log"
doctor --root "$T/good" >"$T/out" 2>&1
rc=$?
line='warn: no syslog socket at /dev/log: every line pam_mfa logs (failures, lock-outs, refused files) is lost; start a syslog daemon (rsyslog) or systemd-journald'
if [[ $rc == 0 ]] && grep -qxF "$line" "$T/out"; then
	pass "no /dev/log: exit 0, '$line'"
else
	fail "no /dev/log: exit $rc"
	sed 's/^/    /' "$T/out"
fi

# 4. Users: counts, locked out now (not dave, whose lock-out ran out);
# gina's failures are in her tally, carol's tally is stale (older serial);
# hank is locked out from one address only (deny= per source).
check locked-users 0 'warn: 3 users are locked out now (everywhere or from some addresses): mfa-enroll --user NAME unlock lets one in (--verbose lists them)'
check locked-users 0 'ok: users in /var/lib/pam_mfa: 6 enrolled, 5 with failed attempts (only users the module has seen are counted: the others'"'"' homes are not read)'
check locked-users 0 '  user bob: enrolled, 10 failures, locked out until 2286-11-20 17:46 UTC' --verbose
if grep -qx '  user dave: enrolled, 10 failures' "$T/out" &&
	grep -qx '  user gina: enrolled, 2 failures' "$T/out" &&
	grep -qx '  user hank: enrolled, 3 failures, locked out from 1 address' "$T/out" &&
	grep -qE '^  user carol: enrolled, 12 failures, locked out until ' "$T/out" &&
	[[ $(grep '^  user ' "$T/out" | cut -d' ' -f4) == $'alice:\nbob:\ncarol:\ndave:\ngina:\nhank:' ]]; then
	pass "locked-users --verbose: an expired lock-out is not counted; a source's lock-out is; the tally counts, a stale one does not; users sorted"
else
	fail "locked-users --verbose listing"
	sed 's/^/    /' "$T/out"
fi

# 5. Usage.
doctor --help >"$T/out" 2>&1
rc=$?
[[ $rc == 0 ]] && grep -q '^usage: mfa-enroll doctor \[--root DIR\] \[--verbose\]' "$T/out" &&
	pass "doctor --help: exit 0" || fail "doctor --help: exit $rc"
doctor --bogus >"$T/out" 2>&1
rc=$?
[[ $rc == 2 ]] && pass "doctor --bogus: exit 2" || fail "doctor --bogus: exit $rc"
doctor --root "$T/does-not-exist" >"$T/out" 2>&1
rc=$?
[[ $rc == 2 ]] && grep -q 'not a directory' "$T/out" &&
	pass "doctor --root MISSING: exit 2" || fail "doctor --root MISSING: exit $rc"
if [[ $(id -u) != 0 ]]; then
	doctor >"$T/out" 2>&1
	rc=$?
	[[ $rc == 2 ]] && grep -q 'doctor is for root only' "$T/out" &&
		pass "doctor without --root as a user: exit 2, root only" ||
		fail "doctor as a user: exit $rc"
fi
if [[ $(id -u) == 0 ]]; then
	# A pam_mfa.conf that does not load must not stop the doctor: it is
	# what the doctor is for.
	printf 'windowx = 3\n' >"$T/bad.conf"
	chmod 0600 "$T/bad.conf"
	CONF=$T/bad.conf
	run doctor >"$T/out" 2>&1
	rc=$?
	[[ $rc == 1 ]] &&
		grep -q "^FAIL: $T/bad.conf does not parse: pam_mfa.conf line 1: unknown option 'windowx'" "$T/out" &&
		pass "doctor with a broken --conf: runs and names the bad line" ||
		fail "doctor with a broken --conf: exit $rc: $(head -c 300 "$T/out")"
fi
if [[ $(id -u) == 0 ]]; then
	# The configured store, asked about itself (mfa_store_probe): only on
	# the live system, so only without --root, and only as root.
	mkdir -m 0700 "$T/store-ok" "$T/store-open"
	chmod 0777 "$T/store-open"
	for case in ok missing open; do
		printf 'state_dir = %s\n' "$T/store-$case" >"$T/store-$case.conf"
		chmod 0600 "$T/store-$case.conf"
		CONF=$T/store-$case.conf
		run doctor >"$T/out-$case" 2>&1
		echo $? >"$T/rc-$case"
	done
	grep -qx "ok: store at $T/store-ok: files" "$T/out-ok" &&
		! grep -q "^FAIL: store" "$T/out-ok" &&
		pass "doctor: the configured store answers: ok with what it is" ||
		fail "doctor store ok: $(grep -i store "$T/out-ok")"
	grep -qx "warn: store at $T/store-missing does not exist yet: mfa-enroll store init creates it" "$T/out-missing" &&
		pass "doctor: a store that does not exist yet: warn, store init creates it" ||
		fail "doctor store missing: $(grep -i store "$T/out-missing")"
	[[ $(cat "$T/rc-open") == 1 ]] &&
		grep -qE "^FAIL: store at $T/store-open: .+: every login fails closed until this is fixed; then run mfa-enroll store init to check it$" "$T/out-open" &&
		! grep -q "^ok: store at" "$T/out-open" &&
		pass "doctor: a store that cannot be opened: FAIL with the reason and the fix, exit 1" ||
		fail "doctor store unsafe: rc=$(cat "$T/rc-open") $(grep -i store "$T/out-open")"
	CONF=$T/bad.conf
	run doctor >"$T/out" 2>&1
	! grep -q '^[a-zA-Z]*: store at ' "$T/out" &&
		pass "doctor with a pam_mfa.conf that does not load: no store probed" ||
		fail "doctor probed a store the broken conf may not name: $(grep 'store at' "$T/out")"
	doctor --root "$T/good" >"$T/out" 2>&1
	! grep -q '^[a-zA-Z]*: store at ' "$T/out" &&
		pass "doctor --root: no line about this system's store" ||
		fail "doctor --root probed the live store: $(grep 'store at' "$T/out")"
fi
exit 0
