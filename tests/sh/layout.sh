#!/usr/bin/env bash
# tests/sh/layout.sh - the folders of common/ stay layered (common/README.md).
#
# Every .c and .h of common/ lives in a folder, and every folder has a
# README.md whose "May include:" line names the folders of common/ its
# sources may include from.  Each quoted #include of a source under
# common/ must name a header of one of those folders; no source anywhere
# includes through a path ("../x.h", "common/x.h"): the Makefile's -I per
# folder finds every header.  Prints PASS:/FAIL: lines (see tests/run.sh).
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
failed=0

pass() { echo "PASS: layout: $1"; }
fail() { echo "FAIL: layout: $1"; failed=1; }

# allowed DIR: the folders DIR/README.md allows, as "otp base".
allowed() {
	sed -n 's/^May include: //p' "$1/README.md" |
		grep -oE 'common/[a-z_]+/' | cut -d/ -f2 | paste -sd ' '
}

# home HEADER: the folder of common/ holding HEADER, or nothing.
home() {
	local f
	for f in common/*/"$1"; do
		[[ -f $f ]] && basename "$(dirname "$f")"
	done
}

flat=$(find common -maxdepth 1 -name '*.[ch]')
if [[ -z $flat ]]; then
	pass "no source lies flat in common/"
else
	fail "sources flat in common/ (move them into a folder): $flat"
fi

for dir in common/*/; do
	dir=${dir%/}
	name=${dir#common/}
	ok=$(allowed "$dir")
	if [[ -z $ok ]]; then
		fail "$dir/README.md has no 'May include:' line"
		continue
	fi
	bad=0
	for src in "$dir"/*.[ch]; do
		while read -r hdr; do
			from=$(home "$hdr")
			if [[ -z $from ]]; then
				fail "$src includes \"$hdr\", found in no folder of common/"
				bad=1
			elif [[ " $ok " != *" $from "* ]]; then
				fail "$src includes $from/$hdr; $dir/README.md allows only: $ok"
				bad=1
			fi
		done < <(sed -n 's/^#[[:space:]]*include[[:space:]]*"\(.*\)".*/\1/p' "$src")
	done
	((bad == 0)) && pass "$name/ includes only from: $ok"
done

paths=$(grep -rnE '^#[[:space:]]*include[[:space:]]*"[^"]*/' \
	--include='*.[ch]' common pam_mfa mfa-enroll tests bench)
if [[ -z $paths ]]; then
	pass "no #include names a path: the Makefile's -I finds every header"
else
	fail "#include through a path: $paths"
fi
exit "$failed"
