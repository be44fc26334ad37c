#!/usr/bin/env bash
# tests/sh/qr_scan.sh - do the QR codes that mfa_qr_render draws in a
# terminal really scan, on a dark and on a light terminal theme?
#
# A small driver (tests/tools/qrdemo.c, linked with libmfa_common and
# libqrencode) builds otpauth:// URIs and draws their codes in both styles;
# tests/tools/term2pgm.py paints the text as a terminal with a given theme
# would; zbarimg must read back exactly the URI.  Because the renderer sets
# every colour itself, both themes must decode.  A control checks that the
# same drawing without its colours does NOT scan on a dark theme (an
# inverted code), so a passing run means the colours are what make it work.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
SRC=$PWD
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
# shellcheck source=tests/sh/lib/driver.sh
. "$SRC/tests/sh/lib/driver.sh"
PY=/usr/bin/python3
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; failed=1; }

skip_all() {
	echo "SKIP: qr_scan ($1)"
	exit 0
}

[[ -x $PY ]] || skip_all "no $PY"
command -v zbarimg >/dev/null || skip_all "zbarimg missing: install zbar-tools"
pkg-config --exists libqrencode || skip_all "libqrencode-dev missing"
if [[ ! -f $BUILDDIR/libmfa_common.a ]]; then
	fail "qr_scan: $BUILDDIR/libmfa_common.a not built (run make test-programs)"
	exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mfa-qr.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# shellcheck disable=SC2046 # pkg-config output is meant to be split
if ! driver_cc "$tmp/qrdemo" "$SRC/tests/tools/qrdemo.c" \
	$(pkg-config --cflags --libs libqrencode libcrypto libargon2 libsystemd); then
	cat "$tmp/qrdemo.log"
	fail "qr_scan: building tests/tools/qrdemo.c"
	exit 1
fi

# scan NAME TEXTFILE THEME: what zbarimg reads from the painted text.
scan() {
	"$PY" "$SRC/tests/tools/term2pgm.py" --theme "$3" "$2" "$tmp/$1.pgm" ||
		return 1
	zbarimg --raw -q "$tmp/$1.pgm" 2>/dev/null
}

# check_uri NAME URI: both styles, both themes must give exactly URI.
check_uri() {
	local name=$1 uri=$2 style theme got
	for style in utf8 ansi; do
		if ! "$tmp/qrdemo" "$style" "$uri" >"$tmp/$name-$style.txt"; then
			fail "$name-$style: qrdemo failed"
			continue
		fi
		for theme in dark light; do
			got=$(scan "$name-$style-$theme" "$tmp/$name-$style.txt" \
				"$theme")
			if [[ $got == "$uri" ]]; then
				pass "$name-$style-$theme scans to the URI"
			else
				fail "$name-$style-$theme: read '$got', want '$uri'"
			fi
		done
	done
}

# make_uri ISSUER ACCOUNT SECRET ALG DIGITS PERIOD
make_uri() { "$tmp/qrdemo" uri "$@"; }

S20=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ # 20 bytes, the usual TOTP secret
S64=$(printf 'GEZDGNBVGY3TQOJQ%.0s' 1 2 3 4 5 6)GEZDGNA # 64 bytes

uri=$(make_uri "ACME Co" "alice@host" "$S20" SHA1 6 30)
want="otpauth://totp/ACME%20Co:alice%40host?secret=$S20&issuer=ACME%20Co"
if [[ $uri == "$want" ]]; then
	pass "default-uri is the expected text"
else
	fail "default-uri: '$uri', want '$want'"
fi
check_uri default "$uri"

uri=$(make_uri $'Soci\xc3\xa9t\xc3\xa9 #1' $'j\xc3\xb6rg:x@example.org' \
	"$S20" SHA512 8 60)
check_uri utf8-nondefault "$uri"

# A typical label: a 20-character host name as issuer, a 30-character
# user@host account; and the same with the largest secret (64 bytes).
host=build-server-01.corp
acct=alice.longname@build-server-01
for secret in "$S20" "$S64"; do
	name=typical-${#secret}
	uri=$(make_uri "$host" "$acct" "$secret" SHA1 6 30)
	check_uri "$name" "$uri"
	width=$("$tmp/qrdemo" width "$uri")
	read -r cols lines < <("$PY" "$SRC/tests/tools/term2pgm.py" --size \
		"$tmp/$name-utf8.txt")
	if [[ ${cols:-0} -eq $((width + 8)) && ${lines:-0} -eq $(((width + 9) / 2)) &&
		$cols -le 80 ]]; then
		pass "$name-utf8 is $cols columns x $lines lines (<= 80 columns)"
	else
		fail "$name-utf8: ${cols:-?}x${lines:-?} for a ${width}-module code"
	fi
done

# Control: without its colours the drawing is light-on-dark on a dark
# theme, an inverted code that must not scan; if it did, the theme
# handling above would prove nothing.
sed 's/\x1b\[[0-9;]*m//g' "$tmp/default-utf8.txt" >"$tmp/bare.txt"
got=$(scan bare-dark "$tmp/bare.txt" dark)
if [[ -z $got ]]; then
	pass "control: colourless drawing does not scan on a dark theme"
else
	fail "control: colourless drawing scanned on a dark theme ('$got')"
fi
got=$(scan bare-light "$tmp/bare.txt" light)
if [[ $got == "$want" ]]; then
	pass "control: colourless drawing scans on a light theme"
else
	fail "control: colourless drawing on a light theme read '$got'"
fi

exit "$failed"
