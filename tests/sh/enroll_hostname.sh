#!/usr/bin/env bash
# tests/sh/enroll_hostname.sh - one machine name everywhere a user sees it.
#
# The authenticator app's entry that mfa-enroll makes (issuer and the
# "user@host" label of the otpauth URI) and the address-confirmation mail
# must name the machine alike: they once said "vm" and
# "localhost.localdomain" on a machine whose host name has no dot.  As
# root the commands run in a private UTS namespace whose host name is
# "vm" (that case); otherwise with the machine's own name.  The mail is
# caught by a mail_command script.  (Only the default sender falls back to
# pam_mfa@localhost.localdomain, when the name is no mail domain.)  Prints PASS:/FAIL:/SKIP: lines (see
# tests/run.sh).
set -uo pipefail
. "$(dirname "$0")/lib/enroll_env.sh"
enroll_setup enroll_hostname || exit 0
out=$T/out

want=$(hostname)
# A name that is not DNS-style is replaced (hostname.h).
[[ $want =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ && ${#want} -le 253 ]] || want=localhost
uts=()
if [[ $(id -u) == 0 ]] && unshare --uts true 2>/dev/null; then
	uts=(unshare --uts sh -c 'hostname vm && exec "$@"' sh)
	want=vm
fi
# enroll ARGS...: mfa-enroll as `run` does, under that host name.
enroll() {
	"${uts[@]}" env LD_PRELOAD="$PRELOAD" NSS_WRAPPER_PASSWD="$T/passwd" \
		NSS_WRAPPER_GROUP="$T/group" timeout 10 "$ENROLL" --conf "$CONF" "$@"
}

printf 'cat >"$1"\n' >"$T/catch.sh"
printf 'state_dir = %s\nmail_command = /bin/sh %s %s\n' \
	"$T/state" "$T/catch.sh" "$T/mail" >"$CONF"

enroll --secret "$S1" --code "$(code "$S1")" >"$out" 2>&1
uri=$(grep -o 'otpauth://[^ ]*' "$out" | head -n 1)
issuer=$(sed -n 's/.*[?&]issuer=\([^&]*\).*/\1/p' <<<"$uri")
label=$(sed -n 's|^otpauth://totp/\([^?]*\)?.*|\1|p' <<<"$uri")
if [[ $issuer == "$want" && $label == "$want:tester%40$want" ]]; then
	pass "the app's entry names the machine '$want' (issuer and label)"
else
	fail "app entry: issuer '$issuer', label '$label', want '$want': $uri"
fi

printf '000000\n000000\n000000\n' | enroll email alice@example.org >"$out" 2>&1
if [[ ! -f $T/mail ]]; then
	fail "no mail was sent: $(cat "$out")"
elif grep -qx "Subject: Confirm your email address for $want" "$T/mail" &&
	grep -qx "the sign-in codes of tester on $want." "$T/mail" &&
	grep -qE "^Message-ID: <[0-9a-f]+@$want>$" "$T/mail" &&
	! grep -v '^From: ' "$T/mail" | grep -q 'localhost'; then
	pass "the confirmation mail names the machine '$want', as the app does"
else
	fail "confirmation mail does not name '$want': $(head -n 20 "$T/mail")"
fi
exit "$failed"
