#!/usr/bin/env bash
# tests/run.sh - run every test suite and print one summary line.
#
# Called by `make check` with BUILD (the build directory) and SANITIZE set.
# Unit suites (Check) and PAM suites (Check + libpamtest through pam_wrapper)
# print Check's own summary; shell suites under tests/e2e and tests/sh print
# "PASS:", "FAIL:" or "SKIP:" lines.  A suite that needs root and is not run
# as root skips; under CI (CI=true) any skip is a failure.
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

pamwrap_env() {
	local pre=libpam_wrapper.so
	if [[ ${SANITIZE:-} == 1 ]]; then
		pre="$(gcc -print-file-name=libasan.so):$pre"
		export PAM_WRAPPER_DISABLE_DEEPBIND=1
	fi
	export PAM_WRAPPER_PRELOAD="$pre"
}

# Private scratch space inside the build tree: the module's path checks
# (rightly) refuse files below a world-writable directory such as /tmp.
mkdir -p "$BUILD/tmp" && chmod 0700 "$BUILD/tmp"
export TMPDIR=$PWD/$BUILD/tmp
logdir=$(mktemp -d "$TMPDIR/mfa-check.XXXXXX")
trap 'rm -rf "$logdir"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
# Check kills a test after 4 s by default, possibly in the middle of writing
# its result; the machines that run this are shared and often busy.
export CK_DEFAULT_TIMEOUT=${CK_DEFAULT_TIMEOUT:-300}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_suite() { # KIND PROGRAM [ARGS...]
	local kind=$1 prog=$2 name log status
	shift 2
	name=${prog#"$PWD"/}
	log=$logdir/$(echo "$name" | tr '/' '_').log
	local t0=$SECONDS
	if [[ $kind == check ]]; then
		"$prog" "$@" >"$log" 2>&1
	else
		bash "$prog" "$@" >"$log" 2>&1
	fi
	status=$?
	echo "$name: $((SECONDS - t0)) s"
	if [[ $kind == check ]]; then
		count_check "$log" "$name" "$status"
		grep -E '^[0-9]+%: Checks: ' "$log" | sed "s|^|$name: |"
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
for t in "$BUILD"/tests/unit/test_*; do
	[[ -x $t && ! $t == *.[od] ]] && run_suite check "$PWD/$t"
done
for t in "$BUILD"/tests/pam/test_*; do
	[[ -x $t && ! $t == *.[od] ]] && run_suite check "$PWD/$t"
done
for t in tests/sh/*.sh tests/e2e/*.sh; do
	[[ -f $t ]] || continue
	# The SSH suite mostly waits for fresh TOTP steps (minutes), which a
	# sanitizer learns nothing from; the module still runs under ASan in
	# the PAM suites and the console and roll-out e2e suites.
	if [[ ${SANITIZE:-} == 1 && $t == tests/e2e/ssh.sh ]]; then
		echo "$t: runs without SANITIZE only (it waits for TOTP steps)"
		continue
	fi
	run_suite sh "$PWD/$t"
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
if ((skipped > 0)) && [[ ${CI:-} == true ]]; then
	echo "check: skips are failures under CI (run as root with every test package)"
	exit 1
fi
exit 0
