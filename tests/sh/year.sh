#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The year of a syslog line (which has none) comes from the file's mtime:
# a December line in a file written in January is from the year before.
# Prints PASS/FAIL lines (tests/run).
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp data/syslog/no_host.log "$tmp/no_host.log"
touch -d '2027-01-01 00:00:10 UTC' "$tmp/no_host.log"
got=$(sqlite3 -batch :memory: -cmd ".load $EXT" \
  "SELECT group_concat(substr(ts,1,4), ',') FROM (SELECT ts FROM mailtrace_lines('$tmp/no_host.log') WHERE lineno IN (1, 6, 7, 17) ORDER BY lineno)")
if [ "$got" = "2026,2026,2027,2027" ]; then echo "PASS sh.year_from_mtime"; else echo "FAIL sh.year_from_mtime: got $got"; fi
touch -d '2026-06-15 12:00:00 UTC' "$tmp/no_host.log"
got=$(sqlite3 -batch :memory: -cmd ".load $EXT" \
  "SELECT group_concat(substr(ts,1,4), ',') FROM (SELECT ts FROM mailtrace_lines('$tmp/no_host.log') WHERE lineno IN (1, 7) ORDER BY lineno)")
if [ "$got" = "2025,2026" ]; then echo "PASS sh.year_december_before_june"; else echo "FAIL sh.year_december_before_june: got $got"; fi
# Results do not depend on the process time zone or locale.
a=$(TZ=Pacific/Kiritimati LC_ALL=C sqlite3 -batch :memory: -cmd ".load $EXT" "SELECT group_concat(utc) FROM mailtrace_lines('data/esa2')")
b=$(TZ=America/Adak LC_ALL=C.UTF-8 sqlite3 -batch :memory: -cmd ".load $EXT" "SELECT group_concat(utc) FROM mailtrace_lines('data/esa2')")
if [ -n "$a" ] && [ "$a" = "$b" ]; then echo "PASS sh.tz_locale_independent"; else echo "FAIL sh.tz_locale_independent"; fi
