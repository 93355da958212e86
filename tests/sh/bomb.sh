#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Memory is bounded against gzip bombs (docs/tables.md "Memory"): a .gz of a
# few hundred KB that inflates to 64 MiB of one repeated "New SMTP ICID" line
# (one connection each) stops the entity build with an error naming the file,
# the line and max_memory=, instead of growing without end; mailtrace_lines
# reads it through in bounded memory; a bad max_memory= is refused.
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/esa1"
python3 - "$tmp/esa1/mail.@20261102T080000.s.gz" <<'PY'
import gzip, sys
line = b"Mon Nov  2 08:00:01 2026 Info: New SMTP ICID 1 interface Data 1 (10.0.0.1) address 192.0.2.10 reverse dns host a.example verified yes\n"
n = (64 << 20) // len(line)
with gzip.open(sys.argv[1], "wb", compresslevel=9) as f:
    f.write(line * n)
print(n, file=open(sys.argv[1] + ".n", "w"))
PY
B="$tmp/esa1/mail.@20261102T080000.s.gz"
n=$(cat "$B.n"); rm "$B.n"
size=$(stat -c %s "$B")
out=$(timeout 60 sqlite3 -batch :memory: -cmd ".load $EXT" \
  "SELECT count(*) FROM mailtrace_connections('$tmp/esa1', 'max_memory=32M');" 2>&1)
case "$out" in *"$B: line "*": the entity store would exceed max_memory=32M (as set)"*) r=0;; *) r=1;; esac
[ $r = 0 ] && [ "$size" -lt 1000000 ] && echo "PASS sh.bomb.store_stops_at_max_memory" \
  || echo "FAIL sh.bomb.store_stops_at_max_memory: ${size} bytes: $out"
out=$(timeout 60 sqlite3 -batch :memory: -cmd ".load $EXT" "SELECT count(*) FROM mailtrace_lines('$tmp/esa1');" 2>&1)
[ "$out" = "$n" ] && echo "PASS sh.bomb.lines_read_through" || echo "FAIL sh.bomb.lines_read_through: $out (want $n)"
out=$(sqlite3 -batch :memory: -cmd ".load $EXT" "SELECT count(*) FROM mailtrace_connections('$tmp/esa1', 'max_memory=lots');" 2>&1)
case "$out" in *"max_memory= wants a size of at least 1M such as 512M or 4G, not lots"*) echo "PASS sh.bomb.bad_max_memory";;
  *) echo "FAIL sh.bomb.bad_max_memory: $out";; esac
exit 0
