#!/usr/bin/env bash
# tests/fuzz/run.sh DIR SECONDS TARGET... - run each libFuzzer target
# DIR/fuzz_TARGET for SECONDS seconds on a fresh copy of its seed corpus
# (tests/fuzz/corpus/TARGET/) and print one line per target.  Exit status 1
# when any target crashed, leaked, tripped a sanitizer or did not run.
#
# FUZZ_JOBS targets run at the same time (default: the number of CPUs; a
# libFuzzer process uses one), each for the full SECONDS: 8 targets of 60 s
# take 4 minutes on 2 CPUs.  Each target keeps its own directory
# DIR/work/TARGET/: log (libFuzzer's output), corpus/ and artifacts/ (the
# input that failed, if any).  The lines are printed in TARGET order once
# all have finished.
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=$1 seconds=$2
shift 2
njobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
[[ $njobs =~ ^[1-9][0-9]*$ ]] || njobs=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# start TARGET: a fresh work directory, then the fuzzer in the background
# (its PID is the background job's, so an interrupt can stop it).
start() {
	local t=$1 work=$dir/work/$1
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"
	if [[ -d tests/fuzz/corpus/$t ]]; then
		cp -p tests/fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null
	fi
	find "$work/corpus" -type f | wc -l >"$work/seeds"
	# fuzz_pam's private files: below the private base of
	# tests/lib/testdir.sh, never in /tmp (world-writable, so the module
	# rightly refuses it).
	mkdir -p "$MFA_TEST_BASE/$t" && chmod 0700 "$MFA_TEST_BASE/$t"
	MFA_FUZZ_DIR=$MFA_TEST_BASE/$t exec "$dir/fuzz_$t" \
		-max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
		-max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" \
		>"$work/log" 2>&1
}

# finish TARGET STATUS: its report (one line, more on a failure) into
# DIR/work/TARGET/result; a crash, a leak, a sanitizer report or a saved
# input fails the target even when libFuzzer exited 0.
finish() {
	local t=$1 status=$2 work=$dir/work/$1 runs cov found
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	cov=$(grep -oE 'cov: [0-9]+' "$work/log" | tail -n 1 | cut -d' ' -f2)
	found=$(find "$work/artifacts" -type f | head -n 1)
	if ((status != 0)) || [[ -n $found ]] ||
		grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|MemorySanitizer:|runtime error:' \
			"$work/log"; then
		printf 'fuzz: %-8s FAILED (exit %d) input %s, log %s\n' "$t" \
			"$status" "${found:-none}" "$work/log"
		grep -E 'ERROR:|runtime error:|assertion failed|^    #[0-9]' \
			"$work/log" | head -n 25 | sed 's/^/    /'
	else
		printf 'fuzz: %-8s ok   %ss, %s runs, %s seeds, corpus %s, cov %s\n' \
			"$t" "$seconds" "${runs:-?}" "$(cat "$work/seeds")" \
			"$(find "$work/corpus" -type f | wc -l)" "${cov:-?}"
	fi >"$work/result"
}

# reap: wait for any one fuzzer and write its report.
declare -A target_of=()
reap() {
	local pid status
	wait -n -p pid "${!target_of[@]}"
	status=$?
	[[ -n ${pid:-} ]] || return 0
	finish "${target_of[$pid]}" "$status"
	unset "target_of[$pid]"
}

# An interrupted make fuzz stops every fuzzer it started.
trap 'trap - INT TERM; kill "${!target_of[@]}" 2>/dev/null; exit 130' INT TERM
# shellcheck source=tests/lib/testdir.sh
. tests/lib/testdir.sh
mfa_test_base_enter "$dir" || exit 1
trap mfa_test_base_leave EXIT

echo "fuzz: $# target(s), ${seconds} s each, $njobs at a time"
for t in "$@"; do
	((${#target_of[@]} >= njobs)) && reap
	rm -f "$dir/work/$t/result"
	start "$t" &
	target_of[$!]=$t
done
while ((${#target_of[@]} > 0)); do
	reap
done

# The reports, in the order the targets were named.
failed=0
for t in "$@"; do
	if [[ -f $dir/work/$t/result ]]; then
		cat "$dir/work/$t/result"
		grep -q ' FAILED ' "$dir/work/$t/result" && failed=1
	else
		printf 'fuzz: %-8s FAILED: no report, log %s\n' "$t" \
			"$dir/work/$t/log"
		failed=1
	fi
done
exit $failed
