#!/bin/sh
# tests/tools/gateway_probe.sh OUT [ARGS...] - a fake delivery gateway for
# tests/unit/test_runprog.c.  It records, from inside the child that
# mfa_run_program started, what that child was given: its arguments, its
# environment, its open descriptors, where its standard output and error
# go, its working directory, its signal mask and ignored signals, and its
# standard input.  The report is written to OUT.tmp and renamed to OUT, so
# the test never reads half a report.
out=$1
shift
# Before any redirection: the shell's own descriptors 1 and 2.
fd1=$(readlink /proc/$$/fd/1)
fd2=$(readlink /proc/$$/fd/2)
# exec, not a redirected { } group: the shell would keep a saved copy of
# descriptor 1 open (dash: 10) and ls would list it.
exec >"$out.tmp" || exit 1
for a in "$@"; do
	printf 'arg: %s\n' "$a"
done
echo "--- env"
env
# What a program the gateway runs inherits: with nothing leaked, that is
# 0, 1, 2, and 3 (ls's own handle on the directory).  The shell keeps the
# script open close-on-exec, so it does not show here.
echo "--- fd"
ls /proc/self/fd
echo "--- out"
echo "fd1: $fd1"
echo "fd2: $fd2"
echo "cwd: $(pwd -P)"
grep -E '^Sig(Blk|Ign):' /proc/self/status
echo "--- stdin"
cat
exec >/dev/null
mv "$out.tmp" "$out"
