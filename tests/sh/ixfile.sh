#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Index files (index=DIR) are mapped and checked a page at a time, when a
# lookup first reads the page (docs/tables.md, "The offset index"):
#  - a page damaged where only lookups read it (the end of the file: the
#    postings) is not seen when the file is opened: no log byte is read
#    for the index, and the answers are still those of index=off;
#  - the file is then removed, and the next process builds and saves it
#    again (then loads it).
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/esa1" "$tmp/ix"
cp data/esa1/* "$tmp/esa1/"

q() {   # q SQL-lines... : run in a fresh process
  sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
}
ask="SELECT 'R', c.icid, c.remote_ip, c.end_state, c.messages, m.mid, m.status
  FROM (VALUES ('192.0.2.10'), ('198.51.100.23'), ('203.0.113.55')) v
  JOIN mailtrace_connections('$tmp/esa1' OPT) c ON c.remote_ip = v.column1
  LEFT JOIN mailtrace_messages('$tmp/esa1' OPT) m ON m.icid = c.icid ORDER BY 2, 3, 6;"
stat_read="SELECT 'S', json_extract(mailtrace_stats(), '\$.index_read');"
first="SELECT 'Q', count(*) FROM mailtrace_connections('$tmp/esa1' OPT) WHERE remote_ip = '192.0.2.10';"
off=", 'index=off'"
dir=", 'index=$tmp/ix'"

want=$(q "${ask//OPT/$off}" | grep '^R|')
q "${first//OPT/$dir}" > /dev/null                 # saves the index files
files=$(ls "$tmp/ix" | grep -c '\.idx$')
# the last byte of every file: a posting's unit mask, in the last page
for f in "$tmp"/ix/*.idx; do
  ${PYTHON:-python3} -c 'import sys, os; f = open(sys.argv[1], "r+b"); f.seek(-1, os.SEEK_END); b = f.read(1); f.seek(-1, os.SEEK_END); f.write(bytes([b[0] ^ 0x81]))' "$f"
done
one=$(q "${first//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
left=$(ls "$tmp/ix" | grep -c '\.idx$')
[ "$files" -ge 2 ] && [ "$(printf '%s\n' "$one" | grep '^S|')" = "S|0" ] \
  && echo "PASS sh.ixfile.late_damage_not_read_at_open" \
  || echo "FAIL sh.ixfile.late_damage_not_read_at_open: $files files; [$(printf '%s' "$one" | tr '\n' ' ')]"
[ -n "$want" ] && [ "$(printf '%s\n' "$one" | grep '^R|')" = "$want" ] \
  && echo "PASS sh.ixfile.late_damage_same_answers" \
  || echo "FAIL sh.ixfile.late_damage_same_answers: [$(printf '%s' "$one" | tr '\n' ' ')] want [$want]"
[ "$left" -lt "$files" ] \
  && echo "PASS sh.ixfile.late_damage_file_removed" \
  || echo "FAIL sh.ixfile.late_damage_file_removed: $left of $files files left"
two=$(q "${first//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
three=$(q "${first//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
[ "$(printf '%s\n' "$two" | grep '^S|')" != "S|0" ] && [ "$(printf '%s\n' "$three" | grep '^S|')" = "S|0" ] \
  && [ "$(ls "$tmp/ix" | grep -c '\.idx$')" = "$files" ] \
  && [ "$(printf '%s\n' "$two" | grep '^R|')" = "$want" ] && [ "$(printf '%s\n' "$three" | grep '^R|')" = "$want" ] \
  && echo "PASS sh.ixfile.late_damage_rebuilt_then_loaded" \
  || echo "FAIL sh.ixfile.late_damage_rebuilt_then_loaded: [$(printf '%s' "$two" | tr '\n' ' ')] [$(printf '%s' "$three" | tr '\n' ' ')]"
