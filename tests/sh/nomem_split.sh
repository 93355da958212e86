#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Allocation failures in a busy sender's split sweep (ext/partial.c): the
# twin partial, its thread, the join of its lines and wants.  tests/nomem.c's
# scenario (every allocation made to fail in turn, then each one alone: an
# error, or the same answer) runs with threads allowed (NOMEM_THREADS=1) and
# every sweep of two blocks or more split (MAILTRACE_SWEEP_SPLIT=1), over a
# copy of the fixtures in which the sender 192.0.2.10 has lines in two index
# blocks (its file holds its lines twice, 100 KiB apart).  Under the
# sanitizers the scenario's 6,000 runs take minutes: skipped there unless
# NOMEM_SPLIT=1.  PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
TBIN=${TBIN:-build/t}
case $TBIN in /*) ;; *) TBIN=$PWD/../$TBIN ;; esac
case $TBIN in
  *asan*|*ubsan*) [ -n "${NOMEM_SPLIT:-}" ] || { echo "SKIP sh.nomem_split: minutes under the sanitizers (NOMEM_SPLIT=1 runs it)"; exit 0; } ;;
esac
[ "$(nproc)" -ge 2 ] || { echo "SKIP sh.nomem_split: one CPU (a sweep is split only with two)"; exit 0; }
[ -x "$TBIN/nomem" ] || { echo "FAIL sh.nomem_split: no $TBIN/nomem (make $TBIN/nomem)"; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. sh/lib/two_blocks.sh
two_block_fixtures "$tmp"
# the scenario's lookup of 192.0.2.10 is split (else the test proves nothing)
got=$(lookup_split "$tmp")
if [ "$got" = 1 ]; then echo "PASS sh.nomem_split.the_lookup_is_split"
else echo "FAIL sh.nomem_split.the_lookup_is_split: index_split '$got'"; fi
NOMEM_THREADS=1 MAILTRACE_SWEEP_SPLIT=1 "$TBIN/nomem" "$tmp/data" > "$tmp/out" 2>&1
rc=$?
sed -n 's/^\(PASS\|FAIL\) nomem\./\1 sh.nomem_split./p' "$tmp/out"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL' "$tmp/out"; then
  echo "FAIL sh.nomem_split.ran: exit $rc: $(head -c 300 "$tmp/out")"
fi
