#!/usr/bin/env bash
# tests/run.sh - run every test suite and print one summary line.
#
# Called by `make check` with BUILD (the build directory) and SANITIZE set.
# Unit suites (Check) and PAM suites (Check + libpamtest through pam_wrapper)
# print Check's own summary; shell suites under tests/e2e and tests/sh print
# "PASS:", "FAIL:" or "SKIP:" lines.  A suite that needs root and is not run
# as root skips.  Under CI (CI=true) run as root, any skip is a failure: that
# run covers every suite.  Run as another user (CI's unprivileged pass), the
# root-only suites skip and the skips are only reported.
#
# MFA_TEST_STORE_CONF=FILE runs the PAM suites on another store: the lines
# of FILE (e.g. "store = postgresql" and "store_conninfo = ...") are
# appended to every pam_mfa.conf they write (tests/lib/pamh.h), and they
# reach the module's state only through store.h, so each suite runs
# unchanged.  Their tests about the file store as such (the tally in the
# lock file, a kill at the rename, a full or read-only state directory,
# file modes) print "SKIP: ..." lines and pass: those lines are shown
# with the suite, not counted as skips (the run without the variable
# covers them, and under CI a skip would fail the run).  A FILE that
# cannot be read stops each PAM suite (no summary: a failure).
#
# MFA_CHECK_SUITES picks kinds of suites (default "unit pam sh e2e pgsql",
# pgsql: tests/pgsql, against a private PostgreSQL server): the
# Debian package build runs "unit pam" (no root, no network, no /etc).
# Fixtures live in one private base directory (tests/lib/testdir.sh), made
# here once and exported as MFA_TEST_BASE and TMPDIR to every suite.
#
# The unit suites (tests/unit: common/; tests/module: the module's own
# units, linked with tests/fuzz/fakepam.c) run CHECK_JOBS at a time
# (default: one per CPU), and the suites named in MFA_CHECK_BACKGROUND
# (default: tests/sh/enroll_contact.sh, which mostly waits) in the
# background from the start; every other suite runs alone.  Each suite's
# lines are printed when it is counted.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/default}
export MFA_BUILD=$PWD/$BUILD MFA_SRC=$PWD

passed=0 failed=0 skipped=0
declare -a failures=() skips=()

# count_check LOGFILE NAME STATUS: add Check's "Checks: N, Failures: F,
# Errors: E" totals; a suite that crashed or printed nothing is one failure.
count_check() {
	local log=$1 name=$2 status=$3 line n f e
	line=$(grep -E '^[0-9]+%: Checks: ' "$log" | tail -n 1)
	if [[ $line =~ Checks:\ ([0-9]+),\ Failures:\ ([0-9]+),\ Errors:\ ([0-9]+) ]]; then
		n=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]} e=${BASH_REMATCH[3]}
		passed=$((passed + n - f - e)); failed=$((failed + f + e))
		((f + e > 0)) && failures+=("$name")
		if ((status != 0 && f + e == 0)); then
			failed=$((failed + 1)); failures+=("$name (exit $status)")
		fi
	else
		failed=$((failed + 1)); failures+=("$name (no summary, exit $status)")
	fi
}

# count_sh LOGFILE NAME STATUS: count PASS/FAIL/SKIP lines of a shell suite.
count_sh() {
	local log=$1 name=$2 status=$3 p f s
	p=$(grep -c '^PASS: ' "$log"); f=$(grep -c '^FAIL: ' "$log")
	s=$(grep -c '^SKIP: ' "$log")
	passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
	((f > 0)) && failures+=("$name")
	((s > 0)) && skips+=("$name: $(grep '^SKIP: ' "$log" | head -n 3 | tr '\n' ' ')")
	if ((status != 0 && f == 0)); then
		failed=$((failed + 1)); failures+=("$name (exit $status)")
	fi
}

# pam_wrapper keeps each process's PAM configuration in /tmp/pam.C, one
# character C of 62, and loses the race when two processes pick the same
# one.  A process killed in a test (test_fault, a timeout) can leave its
# directory empty, and an empty one is never reclaimed: each shortens the
# list for every later run on the machine.  Remove ours that are empty and
# older than 10 minutes (a live one holds its pid file from the start).
pamwrap_sweep() {
	find /tmp -maxdepth 1 -name 'pam.?' -type d -user "$(id -u)" -empty \
		-mmin +10 -delete 2>/dev/null || true
}

pamwrap_env() {
	local pre=libpam_wrapper.so
	if [[ ${SANITIZE:-} == 1 ]]; then
		pre="$(gcc -print-file-name=libasan.so):$pre"
		export PAM_WRAPPER_DISABLE_DEEPBIND=1
	fi
	export PAM_WRAPPER_PRELOAD="$pre"
}

SUITES=" ${MFA_CHECK_SUITES:-unit pam sh e2e pgsql} "
wants() { [[ $SUITES == *" $1 "* ]]; }

# The module's path checks (rightly) refuse files below a world-writable
# directory such as /tmp: one private base for every suite's fixtures.
# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
mfa_test_base_enter "$PWD/$BUILD" || exit 1
pamwrap_sweep
logdir=$(mktemp -d "$TMPDIR/mfa-check.XXXXXX") || exit 1
trap 'rm -rf "$logdir"; mfa_test_base_leave' EXIT
echo "check: fixtures in $MFA_TEST_BASE"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
# Check kills a test after 4 s by default, possibly in the middle of writing
# its result; the machines that run this are shared and often busy.
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-300}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

suite_log() { # PROGRAM: its log file
	local name=${1#"$PWD"/}
	echo "$logdir/$(echo "$name" | tr '/' '_').log"
}

run_suite() { # KIND PROGRAM [ARGS...]
	local kind=$1 prog=$2 log status t0=$SECONDS
	shift 2
	log=$(suite_log "$prog")
	if [[ $kind == check ]]; then
		"$prog" "$@" >"$log" 2>&1
	else
		bash "$prog" "$@" >"$log" 2>&1
	fi
	status=$?
	report_suite "$kind" "$prog" "$log" "$status" "$((SECONDS - t0)) s"
}

# Suites in the background: start_suite writes the log and, once the suite
# has ended, LOG.status ("STATUS SECONDS"); finish_suite reports it.
start_suite() { # KIND PROGRAM
	local kind=$1 prog=$2 log
	log=$(suite_log "$prog")
	(
		t0=$SECONDS
		if [[ $kind == check ]]; then
			"$prog" >"$log" 2>&1
		else
			bash "$prog" >"$log" 2>&1
		fi
		echo "$? $((SECONDS - t0))" >"$log.status"
	) &
}
finish_suite() { # KIND PROGRAM NOTE: after its end, count and print it
	local log st secs
	log=$(suite_log "$2")
	read -r st secs <"$log.status" 2>/dev/null || st=1 secs='?'
	report_suite "$1" "$2" "$log" "$st" "$secs s$3"
}

# run_parallel KIND PROGRAM...: the suites CHECK_JOBS at a time (default:
# one per CPU), reported in order once all have ended.  Only for suites
# that share nothing: the unit suites (each in its own temporary files).
# Under ASan they spend most of their time in LeakSanitizer's check at the
# end of every forked test, not on a CPU.
run_parallel() {
	local kind=$1 prog pid n
	shift
	n=${CHECK_JOBS:-$(nproc 2>/dev/null || echo 1)}
	[[ $n =~ ^[1-9][0-9]*$ ]] || n=1
	local -A live=()
	for prog in "$@"; do
		if ((${#live[@]} >= n)); then
			wait -n -p pid "${!live[@]}"
			unset "live[$pid]"
		fi
		start_suite "$kind" "$prog"
		live[$!]=1
	done
	for pid in "${!live[@]}"; do wait "$pid"; done
	for prog in "$@"; do finish_suite "$kind" "$prog" ""; done
}

# Shell suites that mostly wait run in the background from the start, so
# that their waiting overlaps the other suites; they are counted at the
# end.  enroll_contact.sh waits out a 60 s code expiry (mfa-enroll has no
# test clock).  Only self-contained suites belong here: no real users, no
# sshd, nothing another suite could see.
BACKGROUND=${MFA_CHECK_BACKGROUND-tests/sh/enroll_contact.sh}
is_background() { [[ " $BACKGROUND " == *" $1 "* ]]; }
declare -a bg_progs=() bg_pids=()

# report_suite KIND PROGRAM LOG STATUS TIME: its lines and its counts.
report_suite() {
	local kind=$1 log=$3 status=$4 name=${2#"$PWD"/}
	echo "$name: $5"
	if [[ $kind == check ]]; then
		count_check "$log" "$name" "$status"
		grep -E '^[0-9]+%: Checks: ' "$log" | sed "s|^|$name: |"
		# A test that skips itself says why (not counted: see above).
		grep -E '^SKIP: ' "$log" | sed "s|^|$name: |"
	else
		count_sh "$log" "$name" "$status"
		grep -E '^(PASS|FAIL|SKIP): ' "$log" | sed "s|^|$name: |"
	fi
	if grep -qE '^(FAIL: |.*:[EF]:)|ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:' "$log" ||
		((status != 0)); then
		echo "---- $name output ----"; tail -n 60 "$log"; echo "----"
	fi
}

pamwrap_env
wants sh || BACKGROUND=
for t in $BACKGROUND; do
	[[ -f $t ]] || continue
	start_suite sh "$PWD/$t"
	bg_progs+=("$PWD/$t") bg_pids+=($!)
done
units=()
for t in "$BUILD"/tests/unit/test_* "$BUILD"/tests/module/test_*; do
	wants unit && [[ -x $t && ! $t == *.[od] ]] && units+=("$PWD/$t")
done
((${#units[@]})) && run_parallel check "${units[@]}"
for t in "$BUILD"/tests/pam/test_*; do
	wants pam && [[ -x $t && ! $t == *.[od] ]] && run_suite check "$PWD/$t"
done
for t in tests/sh/*.sh tests/e2e/*.sh tests/pgsql/*.sh; do
	[[ -f $t ]] || continue
	wants "$(basename "$(dirname "$t")")" || continue
	is_background "$t" || run_suite sh "$PWD/$t"
done
for i in "${!bg_progs[@]}"; do
	wait "${bg_pids[$i]}"
	finish_suite sh "${bg_progs[$i]}" ", in the background"
done
# make check VALGRIND=1: the PAM suites under valgrind memcheck too
# (VALGRIND_SUITES: which ones; tests/valgrind/run.sh lists them).
if [[ ${VALGRIND:-} == 1 ]]; then
	# shellcheck disable=SC2086
	run_suite sh "$PWD/tests/valgrind/run.sh" ${VALGRIND_SUITES:-}
fi

echo
((${#failures[@]})) && printf 'failed: %s\n' "${failures[@]}"
((${#skips[@]})) && printf 'skipped: %s\n' "${skips[@]}"
echo "check: $passed passed, $failed failed, $skipped skipped"
if ((failed > 0)); then exit 1; fi
if ((skipped > 0)) && [[ ${CI:-} == true && $(id -u) == 0 ]]; then
	echo "check: skips are failures under CI as root (that run covers every suite)"
	exit 1
fi
exit 0
