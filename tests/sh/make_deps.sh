#!/usr/bin/env bash
# tests/sh/make_deps.sh - README's first command, "make deps", works with
# and without sudo: as root it runs apt-get itself (a container has no
# sudo), as anyone else through sudo.  Checked with make -n (nothing is
# installed); as root, also as the user nobody.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
failed=0

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	failed=1
}

# apt_lines [RUNAS...]: the apt-get lines make deps would run.
apt_lines() {
	"$@" make -n -s -f "$PWD/Makefile" -C "$PWD" deps 2>&1 | grep 'apt-get'
}

check_as() { # WHO WANT-PREFIX [RUNAS...]
	local who=$1 want=$2 lines
	shift 2
	lines=$(apt_lines "$@")
	if [[ -n $lines ]] && ! grep -qv "^$want" <<<"$lines"; then
		pass "make deps as $who: '$(head -n 1 <<<"$lines")'"
	else
		fail "make deps as $who, want every line to start '$want': $(tr '\n' '|' <<<"$lines")"
	fi
}

if [[ $(id -u) == 0 ]]; then
	check_as root 'apt-get update\|env DEBIAN_FRONTEND=noninteractive apt-get'
	if id nobody >/dev/null 2>&1 && runuser -u nobody -- test -r Makefile; then
		check_as nobody 'sudo ' runuser -u nobody --
	fi
else
	check_as "$(id -un)" 'sudo '
fi
exit "$failed"
