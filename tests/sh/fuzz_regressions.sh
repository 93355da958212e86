#!/usr/bin/env bash
# Inputs the fuzzers once crashed on (tests/data/fuzz/) are read again by
# every test run, through the lines and the entity tables.  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
for f in data/fuzz/*; do
  [ -f "$f" ] || continue
  out=$(sqlite3 -batch :memory: -cmd ".load $EXT" \
    "SELECT count(*) >= 0 FROM mailtrace_lines('$f', 'on_error=skip', 'year=2026');" \
    "SELECT count(*) >= 0 FROM mailtrace_messages('$f', 'on_error=skip', 'year=2026');" 2>&1)
  if [ "$out" = "$(printf '1\n1')" ]; then echo "PASS sh.fuzz_regression.$(basename "$f")"
  else echo "FAIL sh.fuzz_regression.$(basename "$f"): $out"; fi
done
