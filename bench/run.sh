#!/usr/bin/env bash
# bench/run.sh - run the login benchmark (make bench) with BUILD set to the
# build directory; prints the table on standard output.
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build/default}
pre=libpam_wrapper.so
if [[ ${SANITIZE:-} == 1 ]]; then
	# Numbers from a sanitizer build say nothing; run it only as a check.
	echo "bench: SANITIZE=1 build: timings are not representative" >&2
	pre="$(gcc -print-file-name=libasan.so):$pre"
	export PAM_WRAPPER_DISABLE_DEEPBIND=1
fi
for lib in libpam_wrapper.so libnss_wrapper.so; do
	if ! ldconfig -p | grep -q "$lib"; then
		echo "bench: $lib missing: apt-get install libpam-wrapper libnss-wrapper" >&2
		exit 2
	fi
done
export PAM_WRAPPER_PRELOAD=$pre
# Private scratch space: the module refuses files below a world-writable
# directory such as /tmp.  pam_mfa checks every directory on the way to its
# files (DESIGN §2), so their depth is part of its cost: as root the fixture
# goes where an installed module's files are, as deep as /var/lib/pam_mfa
# (and on the same file system); otherwise inside the build tree, deeper.
if [[ $(id -u) == 0 ]] && tmp=$(mktemp -d /var/lib/mfa-bench.XXXXXX); then
	:
else
	mkdir -p "$BUILD/tmp" && chmod 0700 "$BUILD/tmp"
	tmp=$(mktemp -d "$PWD/$BUILD/tmp/bench.XXXXXX")
fi
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp
echo "fixture: $tmp (configuration, state and homes below it)"
echo "command: make bench ($(date -u +%Y-%m-%dT%H:%MZ), $(uname -m), $(nproc) CPUs, $(git rev-parse --short HEAD 2>/dev/null || echo '?'))"
"$PWD/$BUILD/bench/bench" "$PWD/$BUILD/pam_mfa.so"
