#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The second thread follows the CPUs the process may run on (ext/threads.c):
# under `taskset -c 0` (one CPU, as a container's cpuset can give) a busy
# lookup's sweep is not split, with two CPUs it is, and MAILTRACE_THREADS=2
# still asks for two.  The lookup of 192.0.2.10 over a copy of the fixtures
# whose file holds its lines twice, 100 KiB apart (two index blocks), with
# every sweep of two blocks or more split (MAILTRACE_SWEEP_SPLIT=1): the
# fixtures of nomem_split.sh (sh/lib/two_blocks.sh).  PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
command -v taskset >/dev/null 2>&1 || { echo "SKIP sh.affinity: no taskset"; exit 0; }
[ "$(taskset -c 0,1 nproc 2>/dev/null)" = 2 ] || { echo "SKIP sh.affinity: fewer than two CPUs to run on"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. sh/lib/two_blocks.sh
two_block_fixtures "$tmp"
fails=0
check() {   # check NAME WANT GOT
  if [ "$3" = "$2" ]; then echo "PASS sh.affinity.$1"; else echo "FAIL sh.affinity.$1: index_split '$3', wanted '$2'"; fails=1; fi
}
check two_cpus_split 1 "$(lookup_split "$tmp" taskset -c 0,1)"
check one_cpu_not_split 0 "$(lookup_split "$tmp" taskset -c 0)"
check one_cpu_threads_2_split 1 "$(lookup_split "$tmp" MAILTRACE_THREADS=2 taskset -c 0)"
check two_cpus_threads_1_not_split 0 "$(lookup_split "$tmp" MAILTRACE_THREADS=1 taskset -c 0,1)"
exit $fails
