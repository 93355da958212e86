#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Inputs the fuzzers once crashed on (tests/data/fuzz/) are read again by
# every test run, through the lines and the entity tables, and the answers
# are checked: one row per physical line (counted by awk, which also counts a
# last line without its newline), and the messages table holds exactly the
# MIDs the lines name.  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
fails=0
for f in data/fuzz/*; do
  [ -f "$f" ] || continue
  lines=$(LC_ALL=C awk 'END { print NR }' "$f")
  out=$(sqlite3 -batch :memory: -cmd ".load $EXT" \
    "SELECT count(*), count(DISTINCT mid) FROM mailtrace_lines('$f', 'on_error=skip', 'year=2026');" \
    "SELECT count(DISTINCT mid) FROM mailtrace_messages('$f', 'on_error=skip', 'year=2026');" 2>&1)
  mids=$(sed -n '1s/.*|//p' <<<"$out")
  if [ "$out" = "$(printf '%s|%s\n%s' "$lines" "$mids" "$mids")" ]; then echo "PASS sh.fuzz_regression.$(basename "$f")"
  else echo "FAIL sh.fuzz_regression.$(basename "$f"): want $lines rows and the same MIDs in lines and messages, got: $out"; fails=$((fails+1)); fi
done
exit $((fails > 0))
