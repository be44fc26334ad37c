#!/usr/bin/env bash
# tests/sh/man_options.sh - do the man pages document exactly the options
# that the parser accepts, and are they clean?
#
# A small driver, linked with libmfa_common.a like the module, prints
# mfa_config_option_names() (the parser's own table) and parses
# configuration files with mfa_config_parse_file().  Then:
#   - every accepted option must appear in pam_mfa(8) and pam_mfa.conf(5),
#     as an ".It Cm NAME" item or as "Cm NAME=";
#   - every ".It Cm" item of the OPTIONS section of either page must be an
#     option the parser accepts;
#   - examples/pam_mfa.conf (the Debian conffile) must parse as shipped,
#     must name every file option, and must still parse with every option
#     line uncommented (so the defaults it shows are valid values);
#   - the configuration example in pam_mfa.conf(5) must parse;
#   - every man page must be clean under mandoc -Tlint -W warning (only
#     pam_mfa.8's "unexpected section: Sh RETURN VALUES" is allowed: PAM
#     module pages have that section by convention) and groff -ww -z.
# Controls run the two page checks on doctored pages, so that a check that
# can no longer fail is itself a failure.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
SRC=$PWD
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
# shellcheck source=tests/sh/lib/driver.sh
. "$SRC/tests/sh/lib/driver.sh"
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; failed=1; }
skip() { echo "SKIP: $1"; }

PAGES=(man/pam_mfa.8 man/pam_mfa.conf.5)
for p in "${PAGES[@]}" examples/pam_mfa.conf; do
	[[ -f $p ]] || fail "man_options: $p is missing"
done
if [[ ! -f $BUILDDIR/libmfa_common.a ]]; then
	fail "man_options: $BUILDDIR/libmfa_common.a not built (run make test-programs)"
	exit 1
fi
((failed)) && exit 1

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mfa-man.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/driver.c" <<'EOF'
/* "names": the parser's options, one a line; "ranges": the range and
 * default of each numeric option; "parse FILE": exit 0 when
 * mfa_config_parse_file accepts FILE, else print its message, exit 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "error.h"

static int
parse(const char *path)
{
	static char buf[MFA_CONFIG_FILE_MAX + 1];
	struct mfa_config c;
	char err[512];
	size_t n;
	int rc;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		perror(path);
		return 2;
	}
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (mfa_config_init(&c) != MFA_OK)
		return 2;
	rc = mfa_config_parse_file(&c, buf, n, err, sizeof(err));
	mfa_config_free(&c);
	if (rc != MFA_OK) {
		printf("%s\n", err);
		return 1;
	}
	return 0;
}

/* "NAME MIN MAX DEFAULT" for every numeric option of the table. */
static int
ranges(void)
{
	const char *const *p;
	unsigned int lo, hi, def;
	int rc;

	for (p = mfa_config_option_names(); *p != NULL; p++) {
		rc = mfa_config_option_range(*p, &lo, &hi, &def);
		if (rc == MFA_OK)
			printf("%s %u %u %u\n", *p, lo, hi, def);
		else if (rc != MFA_ERR_FORMAT)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	const char *const *p;

	if (argc == 2 && strcmp(argv[1], "names") == 0) {
		for (p = mfa_config_option_names(); *p != NULL; p++)
			printf("%s\n", *p);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "ranges") == 0)
		return ranges();
	if (argc == 3 && strcmp(argv[1], "parse") == 0)
		return parse(argv[2]);
	fprintf(stderr, "usage: driver names | ranges | parse FILE\n");
	return 2;
}
EOF

# shellcheck disable=SC2046 # pkg-config output is meant to be split
if ! driver_cc "$tmp/driver" "$tmp/driver.c" \
	$(pkg-config --libs libcrypto libargon2 pam libsystemd); then
	cat "$tmp/driver.log"
	fail "man_options: building the option-table driver"
	exit 1
fi
# The driver's leaks are not the subject here; the unit suites check them.
export ASAN_OPTIONS=detect_leaks=0

"$tmp/driver" names >"$tmp/accepted" || {
	fail "man_options: the driver could not list the options"
	exit 1
}
if [[ $(wc -l <"$tmp/accepted") -ge 20 ]] && grep -qx window "$tmp/accepted" &&
	sort -c "$tmp/accepted" 2>/dev/null; then
	pass "the parser lists $(wc -l <"$tmp/accepted") options, sorted"
else
	fail "mfa_config_option_names() looks wrong: $(tr '\n' ' ' <"$tmp/accepted")"
fi

# cm_items PAGE [all]: option names of the ".It Cm" items of the OPTIONS
# section (or of the whole page with "all").  An item may name several
# options (".It Cm code_ttl= , email_interval= , notify"): its words are
# read up to the first macro (Ns, Ar, Op...); "name" and "name=" count.
cm_items() {
	awk -v all="${2:-}" '
		{
			line = $0
			while (line ~ /\\$/ && (getline nxt) > 0)
				line = substr(line, 1, length(line) - 1) nxt
		}
		line ~ /^\.Sh / { in_opts = (line == ".Sh OPTIONS") }
		!(in_opts || all == "all") || line !~ /^\.It Cm / { next }
		{
			n = split(line, w, /[ \t]+/)
			for (i = 3; i <= n; i++) {
				if (w[i] ~ /^[A-Z][a-z]$/) break
				if (w[i] ~ /^[a-z][a-z0-9_]*=?$/) {
					sub(/=$/, "", w[i]); print w[i]
				}
			}
		}' "$1" | sort -u
}

# mentioned PAGE: every option name the page documents anywhere: its
# ".It Cm" items and every "Cm NAME=" (conf= in pam_mfa.conf(5) text).
mentioned() {
	{
		cm_items "$1" all
		grep -oE 'Cm [a-z][a-z0-9_]*=' "$1" | sed 's/^Cm //; s/=$//'
	} | sort -u
}

# check_page PAGE: FAIL lines for accepted options the page lacks and for
# documented options the parser does not accept; returns 1 if any.
check_page() {
	local page=$1 name bad=0
	mentioned "$page" >"$tmp/mentioned"
	while read -r name; do
		grep -qx "$name" "$tmp/mentioned" && continue
		echo "FAIL: $page does not document option '$name' (the parser accepts it)"
		bad=1
	done <"$tmp/accepted"
	while read -r name; do
		grep -qx "$name" "$tmp/accepted" && continue
		echo "FAIL: $page documents option '$name', which the parser does not accept"
		bad=1
	done < <(cm_items "$page")
	return "$bad"
}

for page in "${PAGES[@]}"; do
	n=$(cm_items "$page" | wc -l)
	if ((n == 0)); then
		fail "$page: no .It Cm items found in its OPTIONS section"
	elif check_page "$page" >"$tmp/check.out"; then
		pass "$page documents every accepted option and only those ($n items)"
	else
		cat "$tmp/check.out"
		failed=1
	fi
done

# Controls: a page without one option, and a page with an invented one.
victim=window
sed -e "/^\.It Cm ${victim}[= ]/d" -e "/^\.It Cm ${victim}\$/d" \
	-e "s/Cm ${victim}=/Cm removed=/g" \
	-e "s/\([ ,]\)${victim}=/\1removed=/g" man/pam_mfa.conf.5 >"$tmp/control1.5"
check_page "$tmp/control1.5" >"$tmp/control1.out"
if grep -q "does not document option '$victim'" "$tmp/control1.out"; then
	pass "control: a page without '$victim' is caught"
else
	fail "control: removing '$victim' from pam_mfa.conf.5 went unnoticed"
fi
sed 's/^\.Sh OPTIONS$/&\n.Bl -tag -width Ds\n.It Cm bogus_option = Ar n\nNot real.\n.El/' \
	man/pam_mfa.conf.5 >"$tmp/control2.5"
check_page "$tmp/control2.5" >"$tmp/control2.out"
if grep -q "documents option 'bogus_option'" "$tmp/control2.out"; then
	pass "control: a documented option the parser lacks is caught"
else
	fail "control: an invented option in pam_mfa.conf.5 went unnoticed"
fi

# The example configuration (the Debian conffile).
ex=examples/pam_mfa.conf
if out=$("$tmp/driver" parse "$ex"); then
	pass "$ex parses as shipped"
else
	fail "$ex does not parse: $out"
fi
if grep -qvE '^(#.*)?$' "$ex"; then
	fail "$ex sets options: the conffile must have every line commented out"
else
	pass "$ex has every line commented out"
fi
sed -E 's/^#([a-z][a-z0-9_]*( = .*)?)$/\1/' "$ex" >"$tmp/uncommented.conf"
if out=$("$tmp/driver" parse "$tmp/uncommented.conf"); then
	pass "$ex parses with every option line uncommented"
else
	fail "$ex with its option lines uncommented does not parse: $out"
fi
missing=()
while read -r name; do
	[[ $name == conf || $name == line ]] && continue # module arguments only
	grep -qE "^$name( = |\$)" "$tmp/uncommented.conf" || missing+=("$name")
done <"$tmp/accepted"
if ((${#missing[@]} == 0)); then
	pass "$ex shows every option of the file"
else
	fail "$ex lacks options: ${missing[*]}"
fi

# Ranges and defaults: what the example file and both pages state for each
# numeric option must be the table's (the example once said 1..100 for a
# limit the parser caps at 20).  The example states "(MIN..MAX" in the
# comment lines just above "#NAME = DEFAULT"; a page's item states
# "MIN to MAX" and "default DEFAULT".
"$tmp/driver" ranges >"$tmp/ranges" || fail "the driver could not list the ranges"
if [[ $(wc -l <"$tmp/ranges") -lt 8 ]] || ! grep -qx 'window 0 10 1' "$tmp/ranges"; then
	fail "mfa_config_option_range looks wrong: $(tr '\n' ' ' <"$tmp/ranges")"
fi

# example_block FILE NAME: the comment lines just above "#NAME = ", then
# that line; nothing when the file has no such line.
example_block() {
	awk -v name="$2" '
		/^#[a-z][a-z0-9_]*( = .*)?$/ {
			if ($0 ~ "^#" name "( = |$)") { print block; print; exit }
			block = ""; next
		}
		/^#/ { block = block $0 " "; next }
		{ block = "" }' "$1"
}

# check_example FILE: FAIL lines for ranges or defaults that differ from
# the table; returns 1 if any.
check_example() {
	local name lo hi def block bad=0 stated
	while read -r name lo hi def; do
		block=$(example_block "$1" "$name")
		if [[ -z $block ]]; then
			echo "FAIL: $1: no '#$name = ' line"
			bad=1
			continue
		fi
		stated=$(head -n 1 <<<"$block" | grep -oE '[0-9]+\.\.[0-9]+' | sort -u)
		if [[ $stated != "$lo..$hi" ]]; then
			echo "FAIL: $1: $name's comment states range '${stated//$'\n'/ }', the parser takes $lo..$hi"
			bad=1
		fi
		if [[ $(tail -n 1 <<<"$block") != "#$name = $def" ]]; then
			echo "FAIL: $1: shows '$(tail -n 1 <<<"$block")', the default is $def"
			bad=1
		fi
	done <"$tmp/ranges"
	return "$bad"
}

# page_item PAGE NAME: the text of the ".It Cm NAME" item, on one line.
page_item() {
	awk -v name="$2" '
		/^\.(It|El|Sh)( |$)/ { if (inb) exit }
		$0 ~ "^\\.It Cm " name "( |=|$)" { inb = 1; next }
		inb { printf "%s ", $0 }' "$1"
}

# check_page_ranges PAGE: FAIL lines for numeric items whose range or
# default differs from the table; returns 1 if any.
check_page_ranges() {
	local name lo hi def item bad=0
	while read -r name lo hi def; do
		item=$(page_item "$1" "$name")
		if [[ $item != *"$lo to $hi"[\ ,]* ]]; then
			echo "FAIL: $1: the $name item does not say '$lo to $hi' (the parser's range)"
			bad=1
		fi
		if [[ $item != *"default $def"[\ .\;,]* ]]; then
			echo "FAIL: $1: the $name item does not say 'default $def'"
			bad=1
		fi
	done <"$tmp/ranges"
	return "$bad"
}

if check_example "$ex" >"$tmp/ex.out"; then
	pass "$ex states each numeric option's range and default as the parser does"
else
	cat "$tmp/ex.out"
	failed=1
fi
for page in "${PAGES[@]}"; do
	if check_page_ranges "$page" >"$tmp/pr.out"; then
		pass "$page states each numeric option's range and default as the parser does"
	else
		cat "$tmp/pr.out"
		failed=1
	fi
done
# Controls: the drift that shipped (1..100 for email_hourly_max), a wrong
# default, and a page item with a wrong range.
sed -E 's/^(#.*)\(1\.\.20\b/\1(1..100/' "$ex" >"$tmp/control3.conf"
check_example "$tmp/control3.conf" >"$tmp/control3.out"
sed -E 's/^#tries = 3$/#tries = 4/' "$ex" >"$tmp/control4.conf"
check_example "$tmp/control4.conf" >>"$tmp/control3.out"
sed -E 's/(sent to a user in any hour: 1 to) 20/\1 100/' man/pam_mfa.8 >"$tmp/control5.8"
check_page_ranges "$tmp/control5.8" >>"$tmp/control3.out"
if grep -q "email_hourly_max's comment states range '1..100'" "$tmp/control3.out" &&
	grep -q "shows '#tries = 4', the default is 3" "$tmp/control3.out" &&
	grep -q "the email_hourly_max item does not say '1 to 20'" "$tmp/control3.out"; then
	pass "control: a wrong range or default in the example or a page is caught"
else
	fail "control: doctored ranges went unnoticed: $(tr '\n' ' ' <"$tmp/control3.out")"
fi

# The example in pam_mfa.conf(5): the literal block that starts with the
# file's name.
awk '/^\.Bd -literal/ { inb = 1; next } /^\.Ed/ { inb = 0; next }
	inb && /^# \/etc\/security\/pam_mfa.conf$/ { take = 1 }
	inb && take { print } !inb { take = 0 }' man/pam_mfa.conf.5 \
	>"$tmp/example5.conf"
if [[ $(grep -c . "$tmp/example5.conf") -lt 3 ]]; then
	fail "pam_mfa.conf.5: no configuration example found in EXAMPLES"
elif out=$("$tmp/driver" parse "$tmp/example5.conf"); then
	pass "the example in pam_mfa.conf.5 parses"
else
	fail "the example in pam_mfa.conf.5 does not parse: $out"
fi

# mandoc and groff.
if ! command -v mandoc >/dev/null; then
	skip "mandoc lint (mandoc missing: install mandoc)"
else
	for page in man/*.[1-8]; do
		mandoc -Tlint -W warning "$page" >"$tmp/lint" 2>&1
		if [[ $page == man/pam_mfa.8 ]]; then
			grep -v 'WARNING: unexpected section: Sh RETURN VALUES' \
				"$tmp/lint" >"$tmp/lint2"
			mv "$tmp/lint2" "$tmp/lint"
		fi
		if [[ -s $tmp/lint ]]; then
			fail "mandoc -Tlint $page: $(head -n 5 "$tmp/lint" | tr '\n' ' ')"
		else
			pass "mandoc -Tlint -W warning $page is clean"
		fi
	done
fi
if ! command -v groff >/dev/null; then
	skip "groff check (groff missing: install groff-base)"
else
	for page in man/*.[1-8]; do
		if out=$(groff -ww -z -mandoc "$page" 2>&1) && [[ -z $out ]]; then
			pass "groff -ww -z $page is clean"
		else
			fail "groff -ww -z $page: $(echo "$out" | head -n 5 | tr '\n' ' ')"
		fi
	done
fi

exit "$failed"
