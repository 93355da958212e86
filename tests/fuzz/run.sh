#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/fuzz/run.sh SECONDS — run each libFuzzer target for SECONDS from the
# seed corpus (every file under tests/data/) and report executions and
# findings.  Exit status non-zero when a target finds a crash.
# FUZZ_SEED and FUZZ_RUNS make a run repeatable (CI: a fixed seed and a fixed
# number of executions, so its verdict does not depend on the machine's speed).
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
B=${B:-build}
rc=0
for t in fuzz_line fuzz_reader fuzz_mime fuzz_index fuzz_logtype fuzz_amp fuzz_av fuzz_cef fuzz_filters fuzz_dns fuzz_hashmap; do
  seed=$B/fuzz/seed-$t corpus=$B/fuzz/corpus-$t
  mkdir -p "$seed" "$corpus"
  find tests/data -type f ! -name '*.md' -exec cp {} "$seed/" \;
  log=$B/fuzz/$t.log
  "$B/fuzz/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      ${FUZZ_SEED:+-seed=$FUZZ_SEED} ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} \
      -artifact_prefix="$B/fuzz/" -print_final_stats=1 "$corpus" "$seed" > "$log" 2>&1
  r=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $r -eq 0 ]; then
    echo "PASS fuzz.$t: ${execs:-?} executions (limit ${secs}s${FUZZ_RUNS:+ or $FUZZ_RUNS runs}), ${cov:-cov ?}, no crash"
  else
    echo "FAIL fuzz.$t: exit $r after ${execs:-?} executions; see $log"; tail -30 "$log"; rc=1
  fi
done
exit $rc
