#!/usr/bin/env bash
# tests/fuzz/run.sh DIR SECONDS TARGET... - run each libFuzzer target
# DIR/fuzz_TARGET for SECONDS seconds on a fresh copy of its seed corpus
# (tests/fuzz/corpus/TARGET/) and print one line per target.  Exit status 1
# when any target crashed, leaked, tripped a sanitizer or did not run.
set -uo pipefail
cd "$(dirname "$0")/../.."
dir=$1 seconds=$2
shift 2
failed=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for t in "$@"; do
	bin=$dir/fuzz_$t work=$dir/work/$t
	rm -rf "$work"
	mkdir -p "$work/corpus" "$work/artifacts"
	if [[ -d tests/fuzz/corpus/$t ]]; then
		cp -p tests/fuzz/corpus/"$t"/* "$work/corpus/" 2>/dev/null
	fi
	seeds=$(find "$work/corpus" -type f | wc -l)
	# fuzz_pam's private files: below the build tree, never in /tmp
	# (world-writable, so the module rightly refuses it).
	mkdir -p "$work/tmp" && chmod 0700 "$work/tmp"
	MFA_FUZZ_DIR=$(cd "$work/tmp" && pwd) \
		"$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2560 \
		-max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/" "$work/corpus" \
		>"$work/log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	cov=$(grep -oE 'cov: [0-9]+' "$work/log" | tail -n 1 | cut -d' ' -f2)
	found=$(find "$work/artifacts" -type f | head -n 1)
	if ((status != 0)) || [[ -n $found ]] ||
		grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' \
			"$work/log"; then
		failed=1
		printf 'fuzz: %-8s FAILED (exit %d) input %s, log %s\n' "$t" \
			"$status" "${found:-none}" "$work/log"
		grep -E 'ERROR:|runtime error:|assertion failed|^    #[0-9]' \
			"$work/log" | head -n 25 | sed 's/^/    /'
	else
		printf 'fuzz: %-8s ok   %ss, %s runs, %s seeds, corpus %s, cov %s\n' \
			"$t" "$seconds" "${runs:-?}" "$seeds" \
			"$(find "$work/corpus" -type f | wc -l)" "${cov:-?}"
	fi
done
exit $failed
