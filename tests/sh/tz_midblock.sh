#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A "Time offset from UTC" header line in the middle of an offset-index
# block: a lookup reads the block's wanted lines only and passes over the
# others unparsed, the header line among them.  The lines after it must
# still get its offset (mt_scan.tz_at, index.h mt_index_tz_at), exactly as
# a walk over the whole file (index=off) gives them.
# The file is made here: a header "0 seconds" on line 1, filler lines
# ("Start MID 100 ICID 1" on), a header "-18000 seconds" at about byte 20,000, filler, then
# at about byte 40,000 (still block 0 of 64 KiB) connection 777 from
# 198.51.100.9 with MID 9999, and past byte 70,000 (block 1) MID 9998.
# Expected times written by hand: local 08:00:05 with -18000 s east of UTC
# is 13:00:05 UTC; the filler before the second header keeps offset 0.
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/plain" "$tmp/gz" "$tmp/ix"
${PYTHON:-python3} - "$tmp/plain/mail.current" <<'PY'
import sys
L = ["Mon Nov  2 08:00:00 2026 Info: Time offset from UTC: 0 seconds"]
i = 0
def size(): return sum(len(l) + 1 for l in L)
def filler(t, upto):
    global i
    while size() < upto:
        L.append("Mon Nov  2 %s 2026 Info: Start MID %d ICID 1" % (t, 100 + i)); i += 1
filler("08:00:01", 20000)
L.append("Mon Nov  2 08:00:02 2026 Info: Time offset from UTC: -18000 seconds")
filler("08:00:03", 40000)
L.append("Mon Nov  2 08:00:04 2026 Info: New SMTP ICID 777 interface Data 1 (192.0.2.1) address 198.51.100.9 reverse dns host x.example verified yes")
L.append("Mon Nov  2 08:00:05 2026 Info: Start MID 9999 ICID 777")
L.append("Mon Nov  2 08:00:05 2026 Info: MID 9999 ICID 777 From: <s@x.example>")
filler("08:00:06", 70000)
L.append("Mon Nov  2 08:00:07 2026 Info: Start MID 9998 ICID 777")
open(sys.argv[1], "w").write("\n".join(L) + "\n")
PY
gzip -c "$tmp/plain/mail.current" > "$tmp/gz/mail.@20261102T080000.s.gz"

q() { sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1; }
check() {   # check NAME WANT GOT
  if [ "$2" = "$3" ]; then echo "PASS sh.tz_midblock.$1"; else echo "FAIL sh.tz_midblock.$1: want [$2], got [$3]"; fi
}
for kind in plain gz; do
  src="$tmp/$kind"
  got=$(q "SELECT mailtrace_open('$src')" "SELECT mid, start_utc FROM messages WHERE mid IN (9999, 9998, 100) ORDER BY mid" | tail -n 3 | tr '\n' ' ')
  check "$kind.messages_by_mid" "100|2026-11-02 08:00:01 9998|2026-11-02 13:00:07 9999|2026-11-02 13:00:05 " "$got"
  got=$(q "SELECT icid, start_utc FROM mailtrace_connections('$src') WHERE remote_ip = '198.51.100.9'")
  check "$kind.connection_by_ip" "777|2026-11-02 13:00:04" "$got"
  got=$(q "SELECT lineno, utc FROM mailtrace_lines('$src') WHERE mid = 9999" | tr '\n' ' ')
  want=$(q "SELECT lineno, utc FROM mailtrace_lines('$src', 'index=off') WHERE mid = 9999" | tr '\n' ' ')
  check "$kind.lines_by_mid" "$want" "$got"
  case $got in *"13:00:05"*) echo "PASS sh.tz_midblock.$kind.lines_utc";; *) echo "FAIL sh.tz_midblock.$kind.lines_utc: $got";; esac
  # every message the lookup path gives has the times of the whole-file walk
  all="SELECT group_concat(mid || '=' || start_utc, ',') FROM (SELECT mid, start_utc FROM messages WHERE mid IN (100, 101, 150, 200, 300, 400, 500, 600, 9999, 9998) ORDER BY mid)"
  got=$(q "SELECT mailtrace_open('$src')" "$all" | tail -n 1)
  want=$(q "SELECT mailtrace_open('$src', 'index=off')" "$all" | tail -n 1)
  check "$kind.same_as_index_off" "$want" "$got"
done
# a new process that loads the index from index=DIR (the header list read from the file)
q "SELECT count(*) FROM mailtrace_messages('$tmp/plain', 'index=$tmp/ix') WHERE mid = 100" > /dev/null
got=$(q "SELECT start_utc FROM mailtrace_messages('$tmp/plain', 'index=$tmp/ix') WHERE mid = 9999" "SELECT json_extract(mailtrace_stats(), '\$.index_read') > 0")
check "index_dir.loaded_file" "2026-11-02 13:00:05
0" "$got"
