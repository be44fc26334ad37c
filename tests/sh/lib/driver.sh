# shellcheck shell=bash
# tests/sh/lib/driver.sh - build a small test program against the core
# library (libmfa_common.a) the way the Makefile builds the module.
#
# Source it with SRC (the checkout) and BUILDDIR set, then
#   driver_cc OUT SOURCE [ARGS...]
# compiles SOURCE into OUT with warnings as errors, one -I per folder of
# common/ (as the Makefile does), and the ASan/UBSan runtime when the
# library was built with it; ARGS (libraries, pkg-config flags) come after
# -lmfa_common.  The compiler's output goes to OUT.log.  Returns the
# compiler's status.

driver_cc() {
	local out=$1 src=$2 dir
	local -a flags=(-std=gnu11 -Wall -Wextra -Werror)
	shift 2
	for dir in "$SRC"/common/*/; do
		flags+=(-I"${dir%/}")
	done
	# Link like the library was built: an ASan/UBSan library needs the
	# runtime.  (grep without -q: an early exit would make nm fail under
	# pipefail.)
	if [[ ${SANITIZE:-} == 1 ]] ||
		nm "$BUILDDIR/libmfa_common.a" 2>/dev/null | grep '__asan_' >/dev/null; then
		flags+=("-fsanitize=address,undefined")
	fi
	cc "${flags[@]}" -o "$out" "$src" -L"$BUILDDIR" -lmfa_common "$@" \
		>"$out.log" 2>&1
}
