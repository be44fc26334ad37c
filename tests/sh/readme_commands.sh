#!/usr/bin/env bash
# tests/sh/readme_commands.sh - is every command in README.md's shell code
# blocks exercised by a test?  ("a && b" counts as two commands.)
#
# The ```sh blocks of README.md are extracted; each command line (a leading
# "sudo " and "$ " and a trailing "# comment" dropped, "\" continuations
# joined) is then:
#   - make TARGET...: every target must exist (make -n), and is either run
#     here when that is safe (demo with --auto, install into a temporary
#     DESTDIR, format-check) or covered elsewhere: "check", "check
#     SANITIZE=1" and "deps" by .ci/run, which this test greps for the
#     exact command;
#   - mfa-enroll ...: the command's own --help must exist and name every
#     flag used, and a suite in tests/sh/enroll_*.sh or doctor.sh must run the same
#     command form (same command and flags; values may differ);
#   - anything else: it must match a line of the COVERED table below, whose
#     suite must exist and contain the given text.
# A command that nobody covers is a FAIL: add a test, or a COVERED line.
#
# Prints PASS:/FAIL:/SKIP: lines (see tests/run.sh); exit 1 if any FAIL.
set -uo pipefail
cd "${MFA_SRC:-$(dirname "$0")/../..}" || exit 1
SRC=$PWD
BUILDDIR=${MFA_BUILD:-$SRC/build/default}
ENROLL=$BUILDDIR/mfa-enroll
PY=/usr/bin/python3
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; failed=1; }
skip() { echo "SKIP: $1"; }

# Commands covered by other suites, one a line, tab-separated: an extended
# regex on the command, the suite, and a text that the suite must contain
# (so the mapping cannot silently rot).
COVERED=$(cat <<'EOF'
^dpkg-buildpackage( |$)	tests/sh/package.sh	dpkg-buildpackage -us -uc -b
^apt(-get)? install .*\./(libpam-mfa|mfa-enroll)_	tests/sh/package.sh	apt-get install -y
^pam-auth-update --enable pam_mfa$	tests/sh/package.sh	pam-auth-update --enable pam_mfa
^pam-auth-update --disable pam_mfa$	tests/sh/package.sh	pam-auth-update --disable pam_mfa
^apt(-get)? (remove|purge) 	tests/sh/package.sh	apt-get purge -y
EOF
)

[[ -f README.md ]] || {
	fail "readme_commands: README.md is missing"
	exit 1
}
[[ -x $PY ]] || {
	skip "readme_commands (no $PY)"
	exit 0
}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mfa-readme.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
# tests/demo.sh wants the build directory relative to the source tree.
BUILDVAR=BUILD=${BUILDDIR#"$SRC"/}

# The command lines of the ```sh blocks.
awk '/^[ \t]*```sh[ \t]*$/ { f = 1; next } /^[ \t]*```/ { f = 0 } f' README.md |
	sed -e :a -e '/\\$/N; s/\\\n//; ta' |
	sed -E 's/[ \t]+&&[ \t]+/\n/g' |
	sed -E -e 's/^[ \t]+//' -e 's/^\$ //' -e 's/^sudo //' \
		-e 's/[ \t]+#.*$//' -e 's/[ \t]+$//' |
	grep -v -e '^$' -e '^#' >"$tmp/commands"
ncmd=$(wc -l <"$tmp/commands")
if ((ncmd == 0)); then
	fail "readme_commands: no commands found in README.md's sh blocks"
	exit 1
fi
pass "README.md has $ncmd commands in its sh blocks"

# shape: a command form with the values of options replaced by X and
# redirections dropped, read from stdin, one a line ("run" = mfa-enroll).
cat >"$tmp/shape.py" <<'EOF'
import shlex, sys
VALUED = {"--user", "--secret", "--code", "--conf", "--issuer", "--label",
          "--prometheus"}
for line in sys.stdin:
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        print("")
        continue
    out, want_value = [], False
    for w in words[1:]:
        if want_value:
            out.append("X")
            want_value = False
        elif w[:1] in "<>|&;" or w[:2] in ("1>", "2>"):
            break
        elif w.startswith("--") and "=" in w:
            out.append(w.split("=")[0] + "=X")
        else:
            out.append(w)
            want_value = w in VALUED
    print(" ".join(out))
EOF
shape() { "$PY" "$tmp/shape.py"; }

# Every command form the mfa-enroll suites run, with its suite.
for s in tests/sh/enroll_*.sh tests/sh/doctor.sh; do
	[[ -f $s ]] || continue
	grep -E '^[[:space:]]*(if !? *)?run ' "$s" | sed -E 's/^[[:space:]]*(if !? *)?//' |
		shape | sed "s|^|$s	|"
done | sort -u >"$tmp/suite-shapes"

# make_target TARGET VARS...: the target exists; run it or find who does.
make_target() {
	local t=$1 shown
	shift
	shown="make $t${*:+ $*}"
	if ! make -n -C "$SRC" "$BUILDVAR" "$t" "$@" >"$tmp/make-n" 2>&1; then
		fail "'$shown': no such make target ($(tail -n 1 "$tmp/make-n"))"
		return
	fi
	case "$t $*" in
	"all ")
		pass "'make' exists; tests/run.sh runs what it builds" ;;
	"check ")
		ci_has "$shown" 'make check( WERROR=1)?( |$|&)' ;;
	"check SANITIZE=1")
		ci_has "$shown" 'make check( WERROR=1)? SANITIZE=1' ;;
	"deps ")
		ci_has "$shown" '^make deps$' ;;
	"demo ") run_demo ;;
	"install ") run_install ;;
	"format-check ") run_format_check ;;
	"check-valgrind ")
		ci_has "$shown" '^make check-valgrind' && ci_valgrinds_every_pam_suite ;;
	"fuzz ")
		ci_has "$shown" '^make fuzz' ;;
	"fuzz-msan ")
		ci_has "$shown" '^make fuzz-msan' ;;
	"bench ")
		pass "'make bench' exists (a benchmark, not a test)" ;;
	*) fail "'$shown': no test covers it (add one, or a COVERED line)" ;;
	esac
}

ci_has() { # SHOWN REGEX: .ci/run runs the command
	if grep -qE "$2" .ci/run 2>/dev/null; then
		pass "'$1' is run by .ci/run"
	else
		fail "'$1': .ci/run does not run it and no test does"
	fi
}

# The README says CI runs every PAM suite under valgrind: each
# tests/pam/test_NAME.c must be named in .ci/run's VALGRIND_SUITES.
ci_valgrinds_every_pam_suite() {
	local list f name missing=
	list=" $(sed -n 's/^make check-valgrind .*VALGRIND_SUITES="\([^"]*\)".*/\1/p' .ci/run) "
	for f in tests/pam/test_*.c; do
		name=${f#tests/pam/test_}
		name=${name%.c}
		[[ $list == *" $name "* ]] || missing+=" $name"
	done
	if [[ -z $missing ]]; then
		pass "'make check-valgrind' in .ci/run names every PAM suite"
	else
		fail "'make check-valgrind' in .ci/run leaves out PAM suites:$missing"
	fi
}

run_demo() {
	# An ASan module cannot be loaded by pamtester without the ASan
	# runtime preloaded, which tests/demo.sh does not do: there, the
	# plain (non-sanitized) check runs the demo.
	if [[ ${SANITIZE:-} == 1 ]] ||
		nm "$BUILDDIR/pam_mfa.so" 2>/dev/null | grep '__asan_' >/dev/null; then
		pass "'make demo' exists (run by the check without SANITIZE)"
		return
	fi
	for tool in pamtester oathtool; do
		command -v "$tool" >/dev/null || {
			skip "make demo ($tool missing: run make deps)"
			return
		}
	done
	if timeout 60 make -s -C "$SRC" "$BUILDVAR" demo DEMO_ARGS=--auto \
		</dev/null >"$tmp/demo.out" 2>&1 &&
		grep -q 'successfully authenticated' "$tmp/demo.out" &&
		grep -q 'Verification code' "$tmp/demo.out"; then
		pass "'make demo DEMO_ARGS=--auto' logs in with a code"
	else
		fail "'make demo DEMO_ARGS=--auto': $(tail -n 5 "$tmp/demo.out" | tr '\n' ' ')"
	fi
}

run_install() {
	local root=$tmp/destdir f bad=0
	if ! make -s -C "$SRC" "$BUILDVAR" install DESTDIR="$root" \
		PREFIX=/usr PAMDIR=/usr/lib/security >"$tmp/install.out" 2>&1; then
		fail "'make install' into a DESTDIR: $(tail -n 3 "$tmp/install.out" | tr '\n' ' ')"
		return
	fi
	for f in usr/lib/security/pam_mfa.so usr/bin/mfa-enroll \
		usr/share/man/man8/pam_mfa.8 usr/share/man/man5/pam_mfa.conf.5 \
		usr/share/man/man1/mfa-enroll.1; do
		[[ -f $root/$f ]] || {
			fail "'make install' did not install /$f"
			bad=1
		}
	done
	((bad)) || pass "'make install' (into a DESTDIR) installs the module, tool and man pages"
}

run_format_check() {
	command -v clang-format >/dev/null || {
		skip "make format-check (clang-format missing)"
		return
	}
	if make -s -C "$SRC" format-check >"$tmp/fmt.out" 2>&1; then
		pass "'make format-check' passes"
	else
		fail "'make format-check': $(grep -m 3 'error' "$tmp/fmt.out" | tr '\n' ' ')"
	fi
}

# mfa_enroll_cmd LINE: --help of the command names its flags, and a suite
# runs the same form.
mfa_enroll_cmd() {
	local line=$1 form sub="" w flag help suite
	form=$(echo "$line" | shape)
	for w in $form; do
		[[ $w == X || $w == --* ]] && continue
		sub=$w
		break
	done
	if [[ ! -x $ENROLL ]]; then
		fail "'$line': $ENROLL not built"
		return
	fi
	# shellcheck disable=SC2086 # sub is one word or empty
	if ! help=$("$ENROLL" $sub --help 2>&1); then
		fail "'$line': 'mfa-enroll $sub --help' fails"
		return
	fi
	for flag in $form; do
		[[ $flag == --* ]] || continue
		flag=${flag%%=*}
		if ! grep -qe "$flag" <<<"$help$("$ENROLL" --help 2>&1)"; then
			fail "'$line': --help does not mention $flag"
			return
		fi
	done
	suite=$(awk -F '\t' -v f="$form" '$2 == f { print $1; exit }' \
		"$tmp/suite-shapes")
	if [[ -n $suite ]]; then
		pass "'$line' ($form) is run by $suite; its --help names its flags"
	else
		fail "'$line': no suite runs 'mfa-enroll $form'"
	fi
}

while IFS= read -r line; do
	case $line in
	make | "make "*)
		read -r -a words <<<"$line"
		targets=() vars=()
		for w in "${words[@]:1}"; do
			if [[ $w == *=* ]]; then vars+=("$w"); else targets+=("$w"); fi
		done
		((${#targets[@]})) || targets=(all)
		for t in "${targets[@]}"; do
			make_target "$t" "${vars[@]}"
		done
		;;
	mfa-enroll | "mfa-enroll "*)
		mfa_enroll_cmd "$line"
		;;
	*)
		found=0
		while IFS=$'\t' read -r re suite text; do
			[[ $line =~ $re ]] || continue
			found=1
			if [[ -f $suite ]] && grep -qF -- "$text" "$suite"; then
				pass "'$line' is covered by $suite"
			else
				fail "'$line': $suite should cover it but lacks '$text'"
			fi
			break
		done <<<"$COVERED"
		((found)) || fail "'$line': no test covers it (add one, or a COVERED line)"
		;;
	esac
done <"$tmp/commands"

exit "$failed"
