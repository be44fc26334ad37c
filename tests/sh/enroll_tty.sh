#!/usr/bin/env bash
# tests/sh/enroll_tty.sh - mfa-enroll in a real terminal (tmux): the QR
# code on the screen scans (zbarimg) on a dark and a light theme, the
# secret it carries gives (through oathtool) a code that the tool accepts,
# the file is written and the backup codes are on screen; Ctrl-C at the
# prompt leaves the previous file byte for byte.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
PY=/usr/bin/python3
for tool in tmux zbarimg "$PY"; do
	if ! command -v "$tool" >/dev/null; then
		skip "enroll_tty ($tool missing: install tmux, zbar-tools, python3)"
		exit 0
	fi
done
[[ -f $SRC/tests/tools/term2pgm.py ]] || {
	skip "enroll_tty (tests/tools/term2pgm.py missing)"
	exit 0
}
enroll_setup enroll_tty || exit 0
SOCK=$T/tmux.sock
trap 'tmux -S "$SOCK" kill-server 2>/dev/null; rm -rf "$T"' EXIT

# The command run inside the terminal: mfa-enroll with the fake users,
# then its exit status on screen, then a pause so the pane stays.
# (The server is killed by its socket when the test ends.)
cat >"$T/inner.sh" <<EOF
export LD_PRELOAD=$PRELOAD NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group
export LANG=C.UTF-8 TERM=xterm-256color
# A handler (not SIG_IGN, which mfa-enroll would inherit): the shell
# survives Ctrl-C to report the exit status.
trap true INT
"$ENROLL" --conf "$CONF" "\$@"
echo "EXIT:\$?"
sleep 60
EOF

tmx() { tmux -u -S "$SOCK" -f /dev/null "$@"; }

# screen FILE: the pane (with its history) as text with colours.
screen() { tmx capture-pane -p -e -N -S -300 -t "$SESSION:" >"$1"; }

# wait_for PATTERN: poll the screen for up to 15 s.
wait_for() {
	local i
	for ((i = 0; i < 75; i++)); do
		screen "$T/poll"
		grep -q "$1" "$T/poll" && return 0
		sleep 0.2
	done
	return 1
}

# start NAME ARGS: a new session running inner.sh ARGS.
start() {
	SESSION=$1
	shift
	tmx new-session -d -s "$SESSION" -x 100 -y 50 bash "$T/inner.sh" "$@"
}

# qr_lines IN OUT: the QR code's lines of IN: the run of consecutive lines
# made only of spaces and blocks (once colours are removed) that starts
# with a colour.  tmux sets a colour only where it changes, so the lines
# after the first carry no escape of their own.
qr_lines() {
	"$PY" - "$1" "$2" <<'EOF'
import re, sys
sgr = re.compile(r"\x1b\[[0-9;]*m")
best, run = [], []
for line in open(sys.argv[1], encoding="utf-8").read().split("\n") + [""]:
    bare = sgr.sub("", line)
    if bare and set(bare) <= set(" \u2580\u2584\u2588") and \
            (run or "\x1b" in line):
        run.append(line)
        continue
    if len(run) > len(best):
        best = run
    run = []
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(best) + "\n")
print(len(best))
EOF
}

# A previous enrolment, to check that Ctrl-C leaves it alone.
run --secret "$S2" --code "$(code "$S2")" >/dev/null 2>&1
cp -p "$SECRET_FILE" "$T/before"

# 1. Enrolment with a QR code, both styles.
for style in utf8 ansi; do
	args=()
	[[ $style == ansi ]] && args=(--qr=ansi --issuer ACME --label al@h)
	start "enrol-$style" "${args[@]}"
	if ! wait_for 'Code shown by the app'; then
		fail "$style: no prompt on the terminal: $(cat "$T/poll")"
		continue
	fi
	screen "$T/screen-$style.txt"
	n=$(qr_lines "$T/screen-$style.txt" "$T/qr-$style.txt")
	uri=
	for theme in dark light; do
		got=
		if "$PY" "$SRC/tests/tools/term2pgm.py" --theme "$theme" \
			"$T/qr-$style.txt" "$T/qr-$style-$theme.pgm" 2>"$T/t2p.err"; then
			got=$(zbarimg --raw -q "$T/qr-$style-$theme.pgm" 2>/dev/null)
		fi
		if [[ $got == otpauth://totp/*secret=* ]]; then
			pass "$style QR code on screen scans on a $theme theme ($n lines)"
			uri=$got
		else
			fail "$style $theme: QR code did not scan ($n lines; $(cat "$T/t2p.err"))"
		fi
	done
	secret=$(sed -n 's/.*[?&]secret=\([A-Z2-7]*\).*/\1/p' <<<"$uri")
	[[ -n $secret ]] || continue
	if [[ $style == ansi && $uri == "otpauth://totp/ACME:al%40h?secret=$secret&issuer=ACME" ]] ||
		[[ $style == utf8 && $uri == *"%40"*"&issuer="* ]]; then
		pass "$style: the URI has the expected issuer and label"
	else
		fail "$style: unexpected URI '$uri'"
	fi
	if grep -q "$(sed 's/..../& /g; s/ $//' <<<"$secret")" "$T/screen-$style.txt"; then
		pass "$style: the secret is shown in groups of four"
	else
		fail "$style: grouped secret not on screen"
	fi
	tmx send-keys -t "$SESSION:" "$(code "$secret")" Enter
	if wait_for 'EXIT:'; then
		screen "$T/end-$style.txt"
		if grep -q 'EXIT:0' "$T/end-$style.txt" &&
			grep -qx "totp-secret $secret" "$SECRET_FILE" &&
			[[ $(grep -cE '[0-9]-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}' "$T/end-$style.txt") == 5 ]]; then
			pass "$style: the code from the decoded secret enrols; backup codes on screen"
		else
			fail "$style: after the code: $(tail -n 30 "$T/end-$style.txt")"
		fi
	else
		fail "$style: mfa-enroll did not finish"
	fi
done

# 1b. The secret read back from the QR code logs in through the real libpam
# (pam_wrapper) and pam_mfa.so, with the file mfa-enroll just wrote.
if ! command -v pamtester >/dev/null; then
	skip "login with the enrolled file (pamtester missing: run make deps)"
elif [[ -z ${secret:-} ]]; then
	fail "login with the enrolled file: no secret was decoded"
else
	mkdir -p "$T/pam.d"
	echo "auth required $MFA_BUILD/pam_mfa.so conf=$CONF" >"$T/pam.d/mfa-tty"
	printf 'auth required pam_deny.so\n' >"$T/pam.d/other"
	if oathtool --totp -b "$secret" |
		LD_PRELOAD=${PRELOAD%"$NSSW"}libpam_wrapper.so:$NSSW PAM_WRAPPER=1 \
			PAM_WRAPPER_SERVICE_DIR="$T/pam.d" \
			NSS_WRAPPER_PASSWD=$T/passwd NSS_WRAPPER_GROUP=$T/group \
			timeout 30 pamtester mfa-tty tester authenticate \
			>"$T/pamtester.out" 2>&1 &&
		grep -q 'successfully authenticated' "$T/pamtester.out"; then
		pass "the code of the secret read from the QR code logs in through PAM"
	else
		fail "PAM login with the enrolled file: $(tail -n 3 "$T/pamtester.out")"
	fi
fi

# 2. Ctrl-C at the prompt: the previous file stays byte for byte.
run --secret "$S2" --code "$(code "$S2")" >/dev/null 2>&1
cp -p "$SECRET_FILE" "$T/before"
start enrol-ctrlc
if wait_for 'Code shown by the app'; then
	tmx send-keys -t "$SESSION:" 12 C-c
	if wait_for 'EXIT:' && grep -q 'EXIT:130' "$T/poll" &&
		cmp -s "$SECRET_FILE" "$T/before"; then
		pass "Ctrl-C at the prompt: exit 130, previous file byte for byte"
	else
		fail "Ctrl-C: $(grep EXIT "$T/poll"), cmp: $(cmp "$SECRET_FILE" "$T/before" 2>&1)"
	fi
else
	fail "Ctrl-C: no prompt"
fi
exit "$failed"
