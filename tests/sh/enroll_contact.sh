#!/usr/bin/env bash
# tests/sh/enroll_contact.sh - "mfa-enroll email" and "mfa-enroll sms":
# a code really sent (msmtp speaking SMTP to a local aiosmtpd sink, and a
# script gateway for SMS), typed back to record the address; wrong codes,
# an expired code, a failed delivery and hostile addresses record nothing.
#
# The answers are written to mfa-enroll's standard input through a FIFO
# once the message has arrived, as a user would type them.  The expiry
# case has to wait out the shortest code_ttl (60 s): it runs in the
# background while the other cases go on.  Prints PASS:/FAIL:/SKIP: lines
# (see tests/run.sh).
set -uo pipefail
# A background mfa-enroll that died (its time-out, on a loaded machine)
# must show as a FAIL with its status, not kill this script with SIGPIPE
# when the next answer goes into its FIFO.
trap '' PIPE
. "$(dirname "$0")/lib/enroll_env.sh"
PY=/usr/bin/python3
MSMTP=/usr/bin/msmtp
FROM=pam_mfa@example.org

[[ -x $MSMTP ]] || {
	skip "enroll_contact (msmtp missing: install msmtp)"
	exit 0
}
[[ -x $PY ]] && "$PY" -c 'import aiosmtpd' 2>/dev/null || {
	skip "enroll_contact (aiosmtpd missing: install python3-aiosmtpd)"
	exit 0
}
enroll_setup enroll_contact || exit 0
out=$T/out err=$T/err
MAIL=$T/mail
sink_pid='' late_pid=''
cleanup() {
	[[ -n $late_pid ]] && kill "$late_pid" 2>/dev/null
	[[ -n $sink_pid ]] && kill "$sink_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# The SMTP sink on 127.0.0.1, on a port the kernel picks.
mkdir -p "$MAIL"
"$PY" "$SRC/tests/tools/smtp_sink.py" "$MAIL" "$T/port" 2>"$T/sink.log" &
sink_pid=$!
for ((i = 0; i < 100; i++)); do
	[[ -s $T/port ]] && break
	sleep 0.1
done
port=$(cat "$T/port" 2>/dev/null)
if [[ -z $port ]]; then
	fail "enroll_contact: the SMTP sink did not start: $(cat "$T/sink.log")"
	exit 1
fi
msmtp_cmd() { # PORT
	echo "$MSMTP --host=127.0.0.1 --port=$1 --auth=off --tls=off --from=$FROM -t"
}
# write_conf FILE [EXTRA LINES...]: a conf whose mail_command is $MAILCMD
# (by default msmtp talking to the sink).
write_conf() {
	local f=$1
	shift
	{
		printf 'state_dir = %s\n' "$T/state"
		printf 'mail_from = %s\n' "$FROM"
		printf 'mail_command = %s\n' "${MAILCMD:-$(msmtp_cmd "$port")}"
		printf '%s\n' "$@"
	} >"$f"
	chmod 0644 "$f"
}
write_conf "$CONF"

n_mail() { find "$MAIL" -name '*.eml' | wc -l; }
# msg_to ADDR: the message sent to ADDR, once it has arrived (10 s).
msg_to() {
	local i f
	for ((i = 0; i < 100; i++)); do
		f=$(grep -lx "To: $1" "$MAIL"/*.eml 2>/dev/null | head -n 1)
		[[ -n $f ]] && {
			echo "$f"
			return 0
		}
		sleep 0.1
	done
	return 1
}
code_in() { sed -n 's/^Your confirmation code is: \([0-9]\{6\}\)$/\1/p' "$1"; }
# other CODE: a different 6-digit code.
other() { printf '%06d' $(((10#$1 + 1) % 1000000)); }

# bg_start FD CONF TIMEOUT ARGS...: mfa-enroll in the background, its
# standard input a FIFO that this shell holds open as descriptor FD.
bg_start() {
	local fd=$1 conf=$2 secs=$3
	shift 3
	rm -f "$T/fifo$fd"
	mkfifo "$T/fifo$fd"
	LD_PRELOAD=$PRELOAD NSS_WRAPPER_PASSWD=$T/passwd \
		NSS_WRAPPER_GROUP=$T/group timeout "$secs" "$ENROLL" \
		--conf "$conf" "$@" <"$T/fifo$fd" >"$T/out$fd" 2>"$T/err$fd" &
	bg_pid=$!
	eval "exec $fd>\"\$T/fifo$fd\""
}
bg_close() { eval "exec $1>&-"; }

# 1. Not enrolled yet: exit 3, nothing sent.
run email alice@example.org </dev/null >"$out" 2>"$err"
rc=$?
[[ $rc == 3 && $(n_mail) == 0 ]] && grep -q 'run mfa-enroll first' "$err" &&
	pass "email without an enrolment: exit 3, nothing sent" ||
	fail "email not enrolled: rc=$rc $(cat "$err")"

run --secret "$S1" --code "$(code "$S1")" >/dev/null 2>"$err" ||
	fail "enrol tester: $(cat "$err")"

# 2. Expiry (background): the right code typed after code_ttl = 60 s.
# A 62 s wait with nothing for a sanitizer to see: the plain pass only.
if [[ ${SANITIZE:-} == 1 ]]; then
	echo "note: the expiry case (a 62 s wait) runs without SANITIZE only"
else
	write_conf "$T/ttl60.conf" 'code_ttl = 60'
	bg_start 4 "$T/ttl60.conf" 100 email late@example.org
	late_pid=$bg_pid
	if late_msg=$(msg_to late@example.org); then
		late_code=$(code_in "$late_msg")
		late_t0=$SECONDS
	else
		fail "expiry: no message arrived for late@example.org"
	fi
fi

# 3. The code arrives over SMTP; typed back, the address is recorded.
bg_start 3 "$CONF" 60 email alice@example.org
pid=$bg_pid
if msg=$(msg_to alice@example.org); then
	c=$(code_in "$msg")
	grep -qx "From: $FROM" "$msg" &&
		grep -qx "Subject: Confirm your email address for $(hostname)" "$msg" &&
		grep -qx 'Auto-Submitted: auto-generated' "$msg" &&
		grep -qx 'rcpt alice@example.org' "${msg%.eml}.env" &&
		grep -qx "the sign-in codes of tester on $(hostname)." "$msg" &&
		! grep -q 'sign-in code for\|try to sign in' "$msg" &&
		[[ $c =~ ^[0-9]{6}$ ]] &&
		pass "email: a 6-digit confirmation code arrives over SMTP with its headers, worded as a confirmation" ||
		fail "email message: $(cat "$msg")"
	printf '%s\n%s\n' "$(other "$c")" "$c" >&3
else
	fail "email: no message arrived: $(cat "$T/err3")"
fi
bg_close 3
wait "$pid"
rc=$?
if [[ $rc == 0 ]] && grep -qx 'email alice@example.org' "$SECRET_FILE" &&
	grep -q 'wrong code, try again' "$T/err3" &&
	grep -q 'alice@example.org is recorded' "$T/out3"; then
	pass "email: a wrong code then the right one records the address"
else
	fail "email record: rc=$rc $(cat "$T/out3" "$T/err3")"
fi
if grep -qx "totp-secret $S1" "$SECRET_FILE" && grep -q '^backup 9 ' "$SECRET_FILE"; then
	pass "email: the rest of the enrolment file is unchanged"
else
	fail "email: the file lost something: $(cat "$SECRET_FILE")"
fi

# 4. Three wrong codes: nothing recorded.
cp "$SECRET_FILE" "$T/before"
bg_start 3 "$CONF" 60 email bob@example.org
pid=$bg_pid
if msg=$(msg_to bob@example.org); then
	c=$(code_in "$msg")
	w=$(other "$c")
	printf '%s\n%s\n%s\n%s\n' "$w" "$w" 12345 "$c" >&3
fi
bg_close 3
wait "$pid"
rc=$?
if [[ $rc == 1 ]] && cmp -s "$T/before" "$SECRET_FILE" &&
	grep -q '3 wrong codes' "$T/err3" && grep -q 'not recorded' "$T/err3"; then
	pass "email: 3 wrong codes record nothing (the 4th, right, is not read)"
else
	fail "email wrong codes: rc=$rc $(cat "$T/err3")"
fi

# 5. No answer (standard input closed): nothing recorded, told why.
run email carol@example.org </dev/null >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && cmp -s "$T/before" "$SECRET_FILE" &&
	grep -q 'no answer on standard input' "$err" &&
	pass "email: no answer on standard input: exit 1, nothing recorded" ||
	fail "email no answer: rc=$rc $(cat "$err")"

# 6. Hostile addresses: refused before anything runs.
n0=$(n_mail)
long=$(printf 'a%.0s' {1..300})@example.org
for bad in '-X/tmp/x' $'a@b.example\r\nBcc: c@d.example' "$long" \
	'"a b"@example.org' "o'brien@example.org" 'a@b' ''; do
	run email "$bad" </dev/null >"$out" 2>"$err"
	rc=$?
	if [[ $rc == 2 && $(n_mail) == "$n0" ]] && cmp -s "$T/before" "$SECRET_FILE" &&
		grep -q '^mfa-enroll: email: email address refused: ' "$err"; then
		pass "email: hostile address $(printf '%q' "${bad:0:40}") refused, nothing sent"
	else
		fail "email hostile $(printf '%q' "${bad:0:40}"): rc=$rc $(cat "$err")"
	fi
done

# 7. Nothing listening: msmtp exits 75; the failure is named.
free=$("$PY" "$SRC/tests/tools/smtp_sink.py" --free-port)
MAILCMD=$(msmtp_cmd "$free") write_conf "$T/dead.conf"
t0=$SECONDS
CONF=$T/dead.conf run email dave@example.org </dev/null >"$out" 2>"$err"
rc=$?
if [[ $rc == 1 && $((SECONDS - t0)) -lt 8 ]] && cmp -s "$T/before" "$SECRET_FILE" &&
	grep -q 'could not send the code: mail_command (/usr/bin/msmtp) exited with status 75' "$err" &&
	! grep -q 'no answer' "$err"; then
	pass "email: nothing listening: exit 1 naming msmtp's status 75, no prompt"
else
	fail "email dead server: rc=$rc $(cat "$err")"
fi
MAILCMD='/nonexistent/sendmail -t -i' write_conf "$T/missing.conf"
CONF=$T/missing.conf run email dave@example.org </dev/null >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && grep -q 'missing or not executable' "$err" &&
	pass "email: a missing mail program fails cleanly" ||
	fail "email missing program: rc=$rc $(cat "$err")"

# 8a. Without mail_from the sender is pam_mfa@HOST, or, when the host name
# is not a mail domain, pam_mfa@localhost.localdomain (as the module does).
host=$(hostname)
[[ $host == *.* ]] || host=localhost.localdomain
printf 'state_dir = %s\nmail_command = %s\n' "$T/state" "$(msmtp_cmd "$port")" \
	>"$T/nofrom.conf"
CONF=$T/nofrom.conf run email erin@example.org </dev/null >"$out" 2>"$err"
m=$(msg_to erin@example.org) && grep -qx "From: pam_mfa@$host" "$m" &&
	pass "email: without mail_from the sender is pam_mfa@$host" ||
	fail "email default sender: $(cat "$err")"

# 8. --remove.
run email --remove >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && ! grep -q '^email ' "$SECRET_FILE" &&
	grep -qx "totp-secret $S1" "$SECRET_FILE" &&
	pass "email --remove: the address is gone, the rest kept" ||
	fail "email --remove: rc=$rc $(cat "$err")"
run email --remove >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && grep -q 'nothing to remove' "$out" &&
	pass "email --remove again: nothing to remove, exit 0" ||
	fail "email --remove again: rc=$rc $(cat "$out" "$err")"
run email >"$out" 2>"$err"
[[ $? == 2 ]] && grep -q 'usage:' "$err" &&
	pass "email without an argument: usage, exit 2" || fail "email no arg"
run email --help >"$out" 2>&1
[[ $? == 0 ]] && grep -q 'email --remove' "$out" &&
	pass "email --help" || fail "email --help: $(cat "$out")"

# 9. SMS: refused without a gateway, then through a script gateway.
run sms +441234567890 </dev/null >"$out" 2>"$err"
rc=$?
[[ $rc == 1 ]] && grep -q 'no SMS gateway (sms_command)' "$err" &&
	pass "sms without sms_command: clear refusal, exit 1" ||
	fail "sms no gateway: rc=$rc $(cat "$err")"
SMSOUT=$T/sms.report
write_conf "$T/sms.conf" \
	"sms_command = /bin/sh $SRC/tests/tools/gateway_probe.sh $SMSOUT"
# sms_wait: the gateway's report, once written (10 s).
sms_wait() {
	local i
	for ((i = 0; i < 100; i++)); do
		[[ -s $SMSOUT ]] && return 0
		sleep 0.1
	done
	return 1
}
bg_start 3 "$T/sms.conf" 60 sms +441234567890
pid=$bg_pid
if sms_wait; then
	args=$(grep '^arg: ' "$SMSOUT")
	text=$(sed -n '/^--- stdin$/,$p' "$SMSOUT" | tail -n +2)
	c=$(sed -n 's/.* confirmation code: \([0-9]\{6\}\) .*Type it into mfa-enroll.*/\1/p' <<<"$text")
	[[ $args == 'arg: +441234567890' && -n $c ]] &&
		pass "sms: the number is the gateway's last argument, the text on stdin" ||
		fail "sms gateway saw: $(cat "$SMSOUT")"
	envs=$(sed -n '/^--- env$/,/^--- fd$/p' "$SMSOUT")
	grep -qx 'PATH=/usr/sbin:/usr/bin:/sbin:/bin' <<<"$envs" &&
		grep -qx 'LC_ALL=C' <<<"$envs" &&
		! grep -q 'LD_PRELOAD\|NSS_WRAPPER\|^HOME=' <<<"$envs" &&
		pass "sms: the gateway gets a clean environment" ||
		fail "sms gateway environment: $envs"
	echo "$c" >&3
else
	fail "sms: the gateway was not run: $(cat "$T/err3")"
fi
bg_close 3
wait "$pid"
rc=$?
[[ $rc == 0 ]] && grep -qx 'phone +441234567890' "$SECRET_FILE" &&
	pass "sms: the right code records the number" ||
	fail "sms record: rc=$rc $(cat "$T/out3" "$T/err3")"
rm -f "$SMSOUT"
for bad in '441234567890' '+44 1234567890' '-X/tmp/x' '+4412345678901234567' \
	$'+441234567890\n'; do
	CONF=$T/sms.conf run sms "$bad" </dev/null >"$out" 2>"$err"
	rc=$?
	[[ $rc == 2 && ! -e $SMSOUT ]] &&
		pass "sms: bad number $(printf '%q' "$bad") refused, gateway not run" ||
		fail "sms bad number $(printf '%q' "$bad"): rc=$rc $(cat "$err")"
done
run sms --remove >"$out" 2>"$err"
rc=$?
[[ $rc == 0 ]] && ! grep -q '^phone ' "$SECRET_FILE" &&
	pass "sms --remove works without a gateway configured" ||
	fail "sms --remove: rc=$rc $(cat "$err")"

# 10. The expiry case started in 2.: answer once code_ttl has passed.
if [[ -n ${late_pid:-} ]]; then
	if [[ -n ${late_code:-} ]]; then
		left=$((62 - (SECONDS - late_t0)))
		((left > 0)) && sleep "$left"
		echo "$late_code" >&4
	fi
	bg_close 4
	wait "$late_pid"
	rc=$?
	late_pid=
	if [[ $rc == 1 ]] && grep -q 'code has expired' "$T/err4" &&
		! grep -q 'late@example.org' "$SECRET_FILE"; then
		pass "email: the right code typed after code_ttl is refused, nothing recorded"
	else
		fail "email expiry: rc=$rc $(cat "$T/err4")"
	fi
fi

exit "$failed"
