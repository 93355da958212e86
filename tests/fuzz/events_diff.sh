#!/usr/bin/env bash
# tests/fuzz/events_diff.sh [REV] — the body grammar of REV (default: main)
# against the working tree's, on every line we have (tests/fuzz/events_diff.c).
# For refactorings of ext/events.c that must not change behaviour.
#
#   tests/fuzz/events_diff.sh                 lines of tests/data/, ../shared/corpus/
#                                             (when present), a small bench/gen log,
#                                             and the fuzz corpora in build/fuzz/
#   FUZZ_SECONDS=60 tests/fuzz/events_diff.sh ... then the libFuzzer differential
#                                             target for that long (clang), seeded
#                                             from the same lines
#
# The old source is taken with `git show REV:ext/events.c` into build/events-diff/
# (never committed) and its public names renamed old_*.  Exit status 1 on any
# difference.  Not part of `make test`: it needs git and a revision to compare with.
set -u
cd "$(dirname "$0")/../.." || exit 2
rev=${1:-main}
B=${B:-build}
D=$B/events-diff
CC=${CC:-cc}
mkdir -p "$D"
git show "$rev:ext/events.c" > "$D/events_old.c" || { echo "FAIL events_diff: no ext/events.c in $rev"; exit 2; }
RENAME="-Dmt_event_parse=old_mt_event_parse -Dmt_event_name=old_mt_event_name -Dmt_rids_next=old_mt_rids_next \
 -Dmt_event_fills=old_mt_event_fills -Dmt_event_overflow=old_mt_event_overflow"
FLAGS="-std=c11 -D_GNU_SOURCE -Iext -g"
$CC $FLAGS -O2 $RENAME -c "$D/events_old.c" -o "$D/events_old.o" || exit 2
$CC $FLAGS -O2 -Wall -Wextra tests/fuzz/events_diff.c ext/events.c ext/lines.c "$D/events_old.o" -o "$D/events_diff" || exit 2

# a small generated log (bench/gen, 8 MiB), made once
if [ ! -s "$D/gen/all.log" ]; then
  $CC -std=c11 -O2 bench/gen.c -lz -o "$D/gen-bin" || exit 2
  "$D/gen-bin" "$D/gen" 8 >/dev/null || exit 2
fi

{
  find tests/data -type f
  [ -d ../shared/corpus ] && find ../shared/corpus -type f
  echo "$D/gen/all.log"
  for d in "$B"/fuzz/corpus-* "$B"/fuzz/seed-*; do [ -d "$d" ] && find "$d" -type f; done
} | "$D/events_diff" - || exit 1

if [ -n "${FUZZ_SECONDS:-}" ]; then
  FCC=${FUZZ_CC:-clang}
  FF="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
  $FCC $FLAGS $FF $RENAME -fsanitize=address,undefined -c "$D/events_old.c" -o "$D/events_old_fuzz.o" || exit 2
  $FCC $FLAGS $FF -DEVENTS_DIFF_FUZZ tests/fuzz/events_diff.c ext/events.c ext/lines.c "$D/events_old_fuzz.o" \
      -o "$D/fuzz_events_diff" || exit 2
  mkdir -p "$D/corpus" "$D/seed"
  find tests/data -type f ! -name '*.md' -exec cp {} "$D/seed/" \;
  "$D/fuzz_events_diff" -max_total_time="$FUZZ_SECONDS" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$D/" -print_final_stats=1 "$D/corpus" "$D/seed" > "$D/fuzz.log" 2>&1
  r=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$D/fuzz.log" | grep -o '[0-9]*$')
  if [ $r -eq 0 ]; then
    echo "PASS events_diff.fuzz: ${execs:-?} executions in ${FUZZ_SECONDS}s, no difference"
  else
    echo "FAIL events_diff.fuzz: exit $r after ${execs:-?} executions; see $D/fuzz.log"; tail -20 "$D/fuzz.log"; exit 1
  fi
fi
exit 0
