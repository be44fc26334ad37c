#!/usr/bin/env bash
# make demo: enrol a throwaway user and log in through the real PAM stack,
# in a sandbox: a temporary directory, pam_wrapper and nss_wrapper, no change
# to /etc.  With a terminal it shows the QR code for your phone and asks for
# the code; with --auto (or without a terminal) it computes the codes with
# oathtool to show the whole flow.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/default}
[[ $BUILD == /* ]] || BUILD=$PWD/$BUILD
auto=0
[[ ${1:-} == --auto ]] && auto=1
[[ -t 0 && -t 1 ]] || auto=1

for tool in pamtester oathtool expect; do
	command -v "$tool" >/dev/null || {
		echo "demo: $tool is missing: run 'make deps' first" >&2
		exit 1
	}
done

# The sandbox lives in a private directory (tests/lib/testdir.sh): pam_mfa
# refuses files below a world-writable directory such as /tmp.
# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
mfa_test_base_enter "$BUILD" || exit 1
box=$(mktemp -d "$MFA_TEST_BASE/demo.XXXXXX")
trap 'rm -rf "$box"; mfa_test_base_leave' EXIT
home=$box/home/demo
mkdir -p "$home" "$box/pam.d" "$box/state"
chmod 0700 "$home" "$box/state"
echo "demo:x:$(id -u):$(id -g):pam_mfa demo:$home:/bin/sh" >"$box/passwd"
echo "demo:x:$(id -g):" >"$box/group"
echo "demo:demo:demo-login" >"$box/passdb"
echo "state_dir = $box/state" >"$box/pam_mfa.conf"
chmod 0600 "$box/pam_mfa.conf"
cat >"$box/pam.d/demo-login" <<EOF
auth required /usr/lib/$(gcc -print-multiarch)/pam_wrapper/pam_matrix.so passdb=$box/passdb
auth required $BUILD/pam_mfa.so conf=$box/pam_mfa.conf
account required /usr/lib/$(gcc -print-multiarch)/pam_wrapper/pam_matrix.so passdb=$box/passdb
EOF
# libpam wants a fallback service; nothing else may use it.
printf 'auth required pam_deny.so\naccount required pam_deny.so\n' >"$box/pam.d/other"

export NSS_WRAPPER_PASSWD=$box/passwd NSS_WRAPPER_GROUP=$box/group
enroll() { LD_PRELOAD=libnss_wrapper.so "$BUILD/mfa-enroll" --conf "$box/pam_mfa.conf" "$@"; }
login() {
	LD_PRELOAD=libpam_wrapper.so:libnss_wrapper.so PAM_WRAPPER=1 \
	    PAM_WRAPPER_SERVICE_DIR="$box/pam.d" pamtester demo-login demo authenticate
}
# typed_login CODE...: the same login in a terminal, answers typed at each
# prompt as a person would (password 'demo', then each code in turn), so
# the transcript shows what a person sees.  Fails if pamtester does, or if
# the module stops asking before every code was typed.
typed_login() {
	expect -f - "$@" <<-'EOF' | tr -d '\r'
		set timeout 30
		spawn -noecho env LD_PRELOAD=libpam_wrapper.so:libnss_wrapper.so \
		    PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR=$env(BOX)/pam.d \
		    pamtester demo-login demo authenticate
		expect "Password: " { send "demo\r" } timeout { exit 3 }
		foreach code $argv {
			expect "Verification code: " { send "$code\r" } \
			    eof { exit 4 } timeout { exit 3 }
		}
		expect eof
		exit [lindex [wait] 3]
	EOF
}

echo "== 1. The user 'demo' enrols with mfa-enroll =="
if ((auto)); then
	secret=$(head -c 20 /dev/urandom | base32 | tr -d '=')
	enroll --issuer pam_mfa-demo --secret "$secret" \
	    --code "$(oathtool --totp -b "$secret")" </dev/null
else
	enroll --issuer pam_mfa-demo
	secret=
fi
echo
echo "== 2. A real PAM login: password 'demo', then the code =="
if ((auto)); then
	export BOX=$box
	code=$(oathtool --totp -b "$secret")
	echo "(typing: password 'demo', code $code from oathtool)"
	typed_login "$code"
	echo
	echo "== 3. The same code again: refused (each code works once) =="
	# The app's next code (window=1 accepts it now) ends the login.
	next=$(oathtool --totp -N "now + 30 seconds" -b "$secret")
	echo "(typing: password 'demo', code $code again, then the next code $next)"
	if ! typed_login "$code" "$next"; then
		echo "demo: the replayed code was not refused, or the next code failed" >&2
		exit 1
	fi
else
	login
fi
echo
echo "Demo done. The sandbox ($box) is removed now."
