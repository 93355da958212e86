#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The documented limit of files per query (100,000; docs/lines.md "Sources")
# and the offset index's packing of (file, offset) agree: at the limit,
# files 0, 65,536 and 99,999 each hold a message with the same MID at the
# same offset, and the lookup returns all three (a 16-bit file number made
# 65,536 collide with 0: 2 rows of 3).  One file more is refused by name.
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
# tmpfs when there is one: 100,000 files are created and removed
tmp=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/esa1"
python3 - "$tmp/esa1" <<'PY'
import os, sys
d = sys.argv[1]
line = b"Mon Nov  2 08:00:02 2026 Info: Start MID 7 ICID 5\n"
for i in range(100000):
    fd = os.open("%s/f%06d.log" % (d, i), os.O_WRONLY | os.O_CREAT, 0o644)
    if i in (0, 65536, 99999): os.write(fd, line)
    os.close(fd)
PY
got=$(timeout 120 sqlite3 -batch :memory: -cmd ".load $EXT" \
  "SELECT count(*), group_concat(DISTINCT mid) FROM mailtrace_messages('$tmp/esa1') WHERE mid = 7;" 2>&1)
[ "$got" = "3|7" ] && echo "PASS sh.limits.lookup_at_100000_files_keeps_every_file" \
  || echo "FAIL sh.limits.lookup_at_100000_files_keeps_every_file: $got (want 3|7)"
: > "$tmp/esa1/f100000.log"
got=$(timeout 120 sqlite3 -batch :memory: -cmd ".load $EXT" "SELECT count(*) FROM mailtrace_lines('$tmp/esa1');" 2>&1)
case "$got" in *"too many files (limit 100000)"*) echo "PASS sh.limits.one_file_more_is_refused";;
  *) echo "FAIL sh.limits.one_file_more_is_refused: $got";; esac
exit 0
