#!/usr/bin/env bash
# tests/valgrind/run.sh - the PAM integration suites (tests/pam/test_*) and
# mfa-enroll (the tests/sh/enroll_*.sh suites) under valgrind memcheck.
#
#   BUILD=build/default bash tests/valgrind/run.sh [SUITE...]
#
# SUITE is a PAM suite name (module, fault, ...) or a shell suite
# (enroll_basic, ...); the default is all of them.  Prints one PASS:, FAIL:
# or SKIP: line per suite (tests/run.sh counts them) and, for a failure,
# valgrind's report.  A suite fails when it fails by itself or when memcheck
# reports any error (invalid access, uninitialised value, bad free) or a
# definite leak in any of its processes: the test program, its forked
# logins (the module runs inside them) and mfa-enroll.  Suppressions for
# other people's code are in tests/valgrind/valgrind.supp.
#
# The PAM suites re-run themselves with execv("/proc/self/exe"), which
# valgrind cannot follow; tests/valgrind/reexec.c (built here) turns that
# execv into "valgrind ... EXE", so every login runs under memcheck.
# Valgrind and AddressSanitizer do not mix: a SANITIZE=1 build is skipped.
#
# VALGRIND_JOBS suites run at the same time (default: the number of CPUs;
# memcheck runs one process on one CPU), the slowest known ones first; each
# suite's output and memcheck logs stay in $BUILD/valgrind/, and the
# PASS/FAIL lines are printed in that order once all have finished.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/default}
export MFA_BUILD=${MFA_BUILD:-$PWD/$BUILD} MFA_SRC=${MFA_SRC:-$PWD}
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-900}
# Fewer killed logins than in make check: each costs ~0.3 s under memcheck.
export MFA_FAULT_KILLS=${MFA_FAULT_KILLS:-100}
# Per-command time-out of the enroll suites (tests/sh/lib/enroll_env.sh):
# Argon2id under memcheck takes seconds.
export MFA_TEST_TIMEOUT=${MFA_TEST_TIMEOUT:-120}
failed=0

if ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind: not installed (apt-get install valgrind)"
	exit 0
fi
if [[ ${SANITIZE:-} == 1 ]] || nm -D "$MFA_BUILD/pam_mfa.so" 2>/dev/null |
	grep -q __asan_init; then
	echo "SKIP: valgrind: $BUILD is an AddressSanitizer build"
	exit 0
fi
for f in "$MFA_BUILD/testclock/pam_mfa.so" "$MFA_BUILD/mfa-enroll"; do
	if [[ ! -e $f ]]; then
		echo "FAIL: valgrind: $f not built (make test-programs)"
		exit 1
	fi
done

# The private base for fixtures, as tests/run.sh makes it (the module
# refuses files below a world-writable directory).
# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
mfa_test_base_enter "$MFA_BUILD" || exit 1
trap mfa_test_base_leave EXIT
export PAM_WRAPPER_PRELOAD=libpam_wrapper.so
vgdir=$MFA_BUILD/valgrind
rm -rf "$vgdir" && mkdir -p "$vgdir/logs" "$vgdir/bin" || exit 1
if ! ${CC:-cc} -shared -fPIC -std=gnu11 -D_GNU_SOURCE -O1 -g \
	-o "$vgdir/reexec.so" tests/valgrind/reexec.c -ldl; then
	echo "FAIL: valgrind: cannot build tests/valgrind/reexec.c"
	exit 1
fi

# Programs of the system (the shell, oathtool, msmtp, python) run as they
# are: only our processes are checked.
VGOPTS="-q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
--errors-for-leak-kinds=definite --num-callers=30 \
--suppressions=$PWD/tests/valgrind/valgrind.supp"
VGCHILD="--trace-children=yes --trace-children-skip=/bin/*,/usr/*,/sbin/*"

# report NAME LOGDIR STATUS OUTPUT WHAT: one PASS/FAIL line and, on
# failure, what memcheck and the suite said; status 1 on failure.
report() {
	local name=$1 logs=$2 status=$3 out=$4 what=$5 bad
	bad=$(find "$logs" -type f -size +0 | sort)
	if ((status == 0)) && [[ -z $bad ]]; then
		echo "PASS: valgrind $name ($what, no memcheck errors)"
		return 0
	fi
	echo "FAIL: valgrind $name (exit $status, $(echo "$bad" |
		grep -c .) process(es) with memcheck errors)"
	grep -vE '^PWRAP_' "$out" | grep -E '^[0-9]+%:|:[EF]:|^FAIL' |
		head -n 20 | sed 's/^/    /'
	for f in $bad; do
		echo "    -- $f"
		head -n 40 "$f" | sed 's/^/    /'
	done
	return 1
}

pam_suite() {
	local prog=$1 name logs out status
	name=tests/pam/$(basename "$prog")
	logs=$vgdir/logs/$(basename "$prog")
	out=$vgdir/$(basename "$prog").out
	mkdir -p "$logs"
	MFA_VALGRIND="$VGOPTS $VGCHILD --log-file=$logs/%p" \
		LD_PRELOAD=$vgdir/reexec.so "$prog" >"$out" 2>&1
	status=$?
	grep '^SKIP: ' "$out"
	report "$name" "$logs" "$status" "$out" \
		"$(grep -E '^[0-9]+%: Checks' "$out" | tail -n 1)"
}

# mfa-enroll through the shell suites: a build directory whose mfa-enroll
# is valgrind running the real one.  Only memcheck decides here: some of
# their checks cannot hold through the wrapper (a setuid copy of it is a
# shell script; 10 s per command is short for Argon2id under memcheck),
# and make check runs them for real.  VALGRIND_ENROLL_SUITES narrows the
# list.
enroll_suite() {
	local script=$1 name logs out shadow nfail
	name=$(basename "$script" .sh)
	logs=$vgdir/logs/$name
	out=$vgdir/$name.out
	shadow=$vgdir/build-$name
	# Some checks run mfa-enroll as another user: it must be able to
	# write its log, and valgrind its temporary files.
	mkdir -p "$logs" "$shadow" && chmod 1777 "$logs"
	for f in "$MFA_BUILD"/*; do
		[[ $(basename "$f") == mfa-enroll ]] || ln -s "$f" "$shadow/"
	done
	cat >"$shadow/mfa-enroll" <<-EOF
		#!/bin/sh
		TMPDIR=/tmp exec valgrind $VGOPTS --trace-children=no \\
		    --log-file=$logs/%p "$MFA_BUILD/mfa-enroll" "\$@"
	EOF
	chmod 0755 "$shadow/mfa-enroll"
	MFA_BUILD=$shadow bash "$script" >"$out" 2>&1
	nfail=$(grep -c '^FAIL: ' "$out")
	rm -rf "$shadow"
	report "$name" "$logs" 0 "$out" \
		"$(grep -c '^PASS: ' "$out") checks passed, $nfail failed through the wrapper: $out"
}

wanted() { # NAME: selected by the arguments (all when there are none)
	local a
	(($# == 1)) && return 0
	for a in "${@:2}"; do [[ $a == "$1" ]] && return 0; done
	return 1
}

# The selected suites: the function that runs each (pam_suite or
# enroll_suite) and its program, slowest first so that the last one to
# start is a short one: test_rollout (ten Argon2id hashes per enrolment,
# about 2 minutes under memcheck) leads.
declare -a todo_fn=() todo=()
for prog in "$MFA_BUILD"/tests/pam/test_*; do
	[[ -x $prog && $prog != *.[od] ]] || continue
	n=$(basename "$prog")
	wanted "${n#test_}" "$@" || continue
	if [[ $n == test_rollout ]]; then
		todo_fn=(pam_suite "${todo_fn[@]}") todo=("$prog" "${todo[@]}")
	else
		todo_fn+=(pam_suite) todo+=("$prog")
	fi
done
for script in ${VALGRIND_ENROLL_SUITES:-tests/sh/enroll_*.sh}; do
	[[ -f $script ]] || continue
	wanted "$(basename "$script" .sh)" "$@" || continue
	todo_fn+=(enroll_suite) todo+=("$script")
done

# Each suite in the background, its lines in $vgdir/results/N.
njobs=${VALGRIND_JOBS:-$(nproc 2>/dev/null || echo 1)}
[[ $njobs =~ ^[1-9][0-9]*$ ]] || njobs=1
mkdir -p "$vgdir/results"
declare -A running=()
trap 'trap - INT TERM; kill "${!running[@]}" 2>/dev/null; exit 130' INT TERM
reap() {
	local pid
	wait -n -p pid "${!running[@]}" || failed=1
	[[ -n ${pid:-} ]] && unset "running[$pid]"
}
for i in "${!todo[@]}"; do
	((${#running[@]} >= njobs)) && reap
	if [[ ${todo_fn[$i]} == pam_suite ]]; then
		pam_suite "${todo[$i]}" >"$vgdir/results/$i" 2>&1 &
	else
		enroll_suite "${todo[$i]}" >"$vgdir/results/$i" 2>&1 &
	fi
	running[$!]=$i
done
while ((${#running[@]} > 0)); do
	reap
done
for i in "${!todo[@]}"; do
	cat "$vgdir/results/$i"
done
exit $failed
