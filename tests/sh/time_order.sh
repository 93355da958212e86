#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Time bounds skip whole files only when the file provably lies outside
# (docs/lines.md, "Pushdown of time bounds").  A file concatenated in the
# wrong order — the live file of 16:00 copied 20 times (2,220 lines), then
# the morning file of 08:00-12:00 — starts after a 09:00-10:00 window but
# holds lines in it: it must be read, and the count must be what awk counts
# in the file itself and what SQLite counts with the bound hidden (+ts).
# Also as a larger plain file (first chunk and last 64 KiB looked at) and
# gzip.  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/small" "$tmp/large" "$tmp/gz"
for i in $(seq 20); do cat data/esa1/mail.current; done > "$tmp/small/all.log"
cat data/esa1/mail.@20261102T080000.s >> "$tmp/small/all.log"
# larger than a first chunk: the live file 200 times before the morning file
for i in $(seq 200); do cat data/esa1/mail.current; done > "$tmp/large/all.log"
cat data/esa1/mail.@20261102T080000.s >> "$tmp/large/all.log"
gzip -c "$tmp/large/all.log" > "$tmp/gz/all.log.gz"
# the lines of 09:00-09:59 local, counted in the file itself
want=$(awk '$4 >= "09:00:00" && $4 < "10:00:00" && $1 == "Mon" && $2 == "Nov" && $3 == "2"' "$tmp/small/all.log" | wc -l)
[ "$want" -gt 0 ] && echo "PASS sh.time_order.fixture_has_lines_in_the_window" \
  || echo "FAIL sh.time_order.fixture_has_lines_in_the_window: $want"
for kind in small large gz; do
  f=$(ls "$tmp/$kind"/*)
  got=$(sqlite3 -batch :memory: -cmd ".load $EXT" \
    "SELECT count(*) FROM mailtrace_lines('$f') WHERE ts >= '2026-11-02 09:00' AND ts < '2026-11-02 10:00'" 2>&1)
  plain=$(sqlite3 -batch :memory: -cmd ".load $EXT" \
    "SELECT count(*) FROM mailtrace_lines('$f') WHERE +ts >= '2026-11-02 09:00' AND +ts < '2026-11-02 10:00'" 2>&1)
  [ "$got" = "$want" ] && [ "$plain" = "$want" ] && echo "PASS sh.time_order.$kind.window_count_as_awk" \
    || echo "FAIL sh.time_order.$kind.window_count_as_awk: pushed $got, unpushed $plain, awk $want"
  # UTC: 14:00-15:00 UTC is 09:00-10:00 local (the header's -18000 s)
  got=$(sqlite3 -batch :memory: -cmd ".load $EXT" \
    "SELECT count(*) FROM mailtrace_lines('$f') WHERE utc >= '2026-11-02 14:00' AND utc < '2026-11-02 15:00'" 2>&1)
  [ "$got" = "$want" ] && echo "PASS sh.time_order.$kind.utc_window_count_as_awk" \
    || echo "FAIL sh.time_order.$kind.utc_window_count_as_awk: pushed $got, awk $want"
done
