#!/usr/bin/env bash
# tests/sh/smtp_delivery.sh - does an emailed code really arrive over SMTP,
# and does every delivery failure fail closed, in bounded time?
#
# A small driver (tests/tools/deliver.c, linked with libmfa_common) builds
# the message with mfa_mail_code_message and runs msmtp through
# mfa_run_program, as the module does with mail_command=.  msmtp talks SMTP
# to a local sink (tests/tools/smtp_sink.py, aiosmtpd) on 127.0.0.1 and a
# port the kernel picks; the sink stores what it receives.  Checked: the
# message arrives with its headers, body and envelope; with nothing
# listening msmtp exits 75 and the driver reports MFA_ERR_EXEC quickly; a
# server that never answers is cut off by the time-out; a hostile address
# is refused before anything runs; no child is left behind.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
SRC=$PWD
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
# shellcheck source=tests/sh/lib/driver.sh
. "$SRC/tests/sh/lib/driver.sh"
PY=/usr/bin/python3
MSMTP=/usr/bin/msmtp
FROM=pam_mfa@mfa-test.example
TO=alice@example.org
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; failed=1; }

skip_all() {
	echo "SKIP: smtp_delivery ($1)"
	exit 0
}

[[ -x $PY ]] || skip_all "no $PY"
[[ -x $MSMTP ]] || skip_all "msmtp missing: install msmtp"
"$PY" -c 'import aiosmtpd' 2>/dev/null ||
	skip_all "aiosmtpd missing: install python3-aiosmtpd"
if [[ ! -f $BUILDDIR/libmfa_common.a ]]; then
	fail "smtp_delivery: $BUILDDIR/libmfa_common.a not built (run make test-programs)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mfa-smtp.XXXXXX") || exit 1
sink_pid=
stop_sink() {
	if [[ -n $sink_pid ]]; then
		kill "$sink_pid" 2>/dev/null
		wait "$sink_pid" 2>/dev/null
	fi
	sink_pid=
}
trap 'stop_sink; rm -rf "$tmp"' EXIT

# shellcheck disable=SC2046 # pkg-config output is meant to be split
if ! driver_cc "$tmp/deliver" "$SRC/tests/tools/deliver.c" \
	$(pkg-config --libs libcrypto libargon2 pam libsystemd); then
	cat "$tmp/deliver.log"
	fail "smtp_delivery: building tests/tools/deliver.c"
	exit 1
fi

# start_sink [--mute]: start the sink, wait for its port in $port.
start_sink() {
	local i
	rm -f "$tmp/port"
	mkdir -p "$tmp/mail"
	if [[ ${1:-} == --mute ]]; then
		"$PY" "$SRC/tests/tools/smtp_sink.py" --mute "$tmp/port" \
			2>"$tmp/sink.log" &
	else
		"$PY" "$SRC/tests/tools/smtp_sink.py" "$tmp/mail" "$tmp/port" \
			2>"$tmp/sink.log" &
	fi
	sink_pid=$!
	for ((i = 0; i < 100; i++)); do
		[[ -s $tmp/port ]] && break
		sleep 0.1
	done
	port=$(cat "$tmp/port" 2>/dev/null)
	[[ -n $port ]]
}

# deliver TO CODE TIMEOUT_MS: run the driver, set $out, $status, $secs.
deliver() {
	local t0=$SECONDS
	out=$("$tmp/deliver" "$MSMTP" "$port" "$FROM" "$1" "$2" "$3" 2>&1)
	status=$?
	out=${out//$'\n'/; }
	secs=$((SECONDS - t0))
}

# check_children WHAT: the driver found no child of its own left.
check_children() {
	if [[ $out == *"children: none"* ]]; then
		pass "$1"
	else
		fail "$1: $out"
	fi
}

# header NAME FILE: the value of header NAME (headers end at a blank line).
header() { sed -n "1,/^\$/s/^$1: //p" "$2"; }

# 1. A real SMTP conversation: the message arrives, complete.
if ! start_sink; then
	cat "$tmp/sink.log"
	fail "smtp_delivery: the SMTP sink did not start"
	exit 1
fi
deliver "$TO" 042917 10000
msg=$tmp/mail/msg-1.eml
if [[ $status -eq 0 && -f $msg ]]; then
	pass "message delivered over SMTP ($out)"
else
	fail "delivery: status $status, output: $out"
fi
if [[ -f $msg ]]; then
	want=(
		"From=$FROM"
		"To=$TO"
		"Subject=Your sign-in code for mfa-test.example"
		"Date=Tue, 24 Nov 2026 21:00:00 +0000"
		"Message-ID=<00112233445566778899aabbccddeeff@mfa-test.example>"
		"Auto-Submitted=auto-generated"
		"MIME-Version=1.0"
		"Content-Type=text/plain; charset=UTF-8"
		"Content-Transfer-Encoding=8bit"
	)
	for w in "${want[@]}"; do
		name=${w%%=*} value=${w#*=}
		got=$(header "$name" "$msg")
		if [[ $got == "$value" ]]; then
			pass "header $name arrived"
		else
			fail "header $name: '$got', want '$value'"
		fi
	done
	if grep -qx 'Your sign-in code is: 042917' "$msg" &&
		grep -q 'sign in to mfa-test.example as alice' "$msg" &&
		grep -qx 'Nobody from your IT team will ask for this code.' "$msg"; then
		pass "body carries the code and what it is for"
	else
		fail "body: $(cat "$msg")"
	fi
	if grep -qx "from $FROM" "$tmp/mail/msg-1.env" &&
		grep -qx "rcpt $TO" "$tmp/mail/msg-1.env" &&
		[[ $(grep -c '^rcpt ' "$tmp/mail/msg-1.env") -eq 1 ]]; then
		pass "envelope: sender from --from, one recipient from To:"
	else
		fail "envelope: $(cat "$tmp/mail/msg-1.env")"
	fi
fi
check_children "no child left after delivery"

# 2. A hostile address is refused before anything runs.
n_before=$(find "$tmp/mail" -name '*.eml' | wc -l)
for bad in '-X/tmp/x' $'a@b.example\r\nBcc: c@d.example' '"a b"@example.org'; do
	deliver "$bad" 042917 10000
	n_after=$(find "$tmp/mail" -name '*.eml' | wc -l)
	if [[ $status -eq 3 && $n_after -eq $n_before ]]; then
		pass "hostile address $(printf '%q' "$bad") refused, nothing sent"
	else
		fail "hostile address $(printf '%q' "$bad"): status $status, $out"
	fi
done
stop_sink

# 3. Nothing listening: msmtp exits 75 (EX_TEMPFAIL), reported at once.
port=$("$PY" "$SRC/tests/tools/smtp_sink.py" --free-port)
deliver "$TO" 042917 10000
if [[ $status -eq 1 && $out == *"exited with status 75"* && $secs -lt 8 ]]; then
	pass "nothing listening: MFA_ERR_EXEC, exit status 75, ${secs}s"
else
	fail "nothing listening: status $status in ${secs}s: $out"
fi
check_children "no child left after a refused connection"

# 4. A server that accepts and never answers: the time-out cuts it off.
if start_sink --mute; then
	deliver "$TO" 042917 1500
	if [[ $status -eq 2 && $out == *"timed out after 1500 ms"* && $secs -lt 6 ]]; then
		pass "silent server: MFA_ERR_TIMEOUT after 1500 ms"
	else
		fail "silent server: status $status in ${secs}s: $out"
	fi
	check_children "no child left after a time-out"
	stop_sink
else
	fail "smtp_delivery: the silent sink did not start"
fi

# 5. A missing mail program: refused before fork.
out=$("$tmp/deliver" /nonexistent/sendmail 25 "$FROM" "$TO" 042917 1000 2>&1)
status=$?
out=${out//$'\n'/; }
if [[ $status -eq 1 && $out == *"missing or not executable"* ]]; then
	pass "missing mail program: MFA_ERR_EXEC, missing or not executable"
else
	fail "missing mail program: status $status: $out"
fi

exit "$failed"
