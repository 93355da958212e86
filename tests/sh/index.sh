#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The offset index reads only what is new (docs/tables.md, "The offset index"):
#  - a grown mail.current: the next lookup indexes only the appended bytes;
#  - index=DIR: a second process loads the index instead of reading the logs;
#    a damaged or stale index file is ignored and rebuilt;
#  - every answer equals the whole-log store's (index=off).
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/esa1" "$tmp/ix"
cp data/esa1/mail.@20261102T080000.s data/esa1/mail.@20261102T120000.s.gz "$tmp/esa1/"
head -n 80 data/esa1/mail.current > "$tmp/esa1/mail.current"
tail -n +81 data/esa1/mail.current > "$tmp/rest"
total_before=$(cat "$tmp"/esa1/* | wc -c)

q() {   # q SQL-lines... : run in a fresh process, one result per line
  sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1
}
# one IP (the statement whose stats are read), then the answers for three
ask1="SELECT 'Q', count(*) FROM mailtrace_connections('$tmp/esa1' OPT) WHERE remote_ip = '192.0.2.10';"
ask="$ask1
SELECT 'R', c.icid, c.remote_ip, c.end_state, c.messages
  FROM (VALUES ('192.0.2.10'), ('198.51.100.23'), ('203.0.113.55')) v
  JOIN mailtrace_connections('$tmp/esa1' OPT) c ON c.remote_ip = v.column1 ORDER BY 2, 3;"
m_ask="SELECT 'M', mid, status, rcpt_count FROM mailtrace_messages('$tmp/esa1' OPT) WHERE mid IN (81021, 81022, 81023, 81001) ORDER BY 2;"
stat_read="SELECT 'S', json_extract(mailtrace_stats(), '\$.index_read');"
off=", 'index=off'"
dir=", 'index=$tmp/ix'"

# --- a grown file: one process, before and after the append
out=$(sqlite3 -batch :memory: -cmd ".load $EXT" <<SQL 2>&1
${ask1//OPT/}
$stat_read
${ask//OPT/}
.shell cat $tmp/rest >> $tmp/esa1/mail.current
${ask1//OPT/}
$stat_read
${ask//OPT/}
${m_ask//OPT/}
SQL
)
grow=$(stat -c %s "$tmp/rest")
reads=$(printf '%s\n' "$out" | grep '^S|' | tr '\n' ' ')
want_r=$(q "${ask//OPT/$off}" | grep '^R|')
want_m=$(q "${m_ask//OPT/$off}")
got_r=$(printf '%s\n' "$out" | grep '^R|' | tail -n "$(printf '%s\n' "$want_r" | grep -c '^R|')")
got_m=$(printf '%s\n' "$out" | grep '^M|')
[ "$reads" = "S|$total_before S|$grow " ] \
  && echo "PASS sh.index.grown_file_indexes_only_the_appended_bytes" \
  || echo "FAIL sh.index.grown_file_indexes_only_the_appended_bytes: [$reads] (appended $grow)"
[ -n "$want_r" ] && [ "$got_r" = "$want_r" ] && [ "$got_m" = "$want_m" ] && printf '%s\n' "$want_m" | grep -q '^M|81021|' \
  && echo "PASS sh.index.grown_file_same_answers" \
  || echo "FAIL sh.index.grown_file_same_answers: [$got_r] [$want_r] [$got_m] [$want_m]"

# --- index=DIR: the first process saves, the second loads
first=$(q "${ask1//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
n_idx=$(ls "$tmp/ix" | grep -c '\.idx$')
second=$(q "${ask1//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
total=$(cat "$tmp"/esa1/* | wc -c)
gz=$(stat -c %s "$tmp/esa1/mail.@20261102T120000.s.gz"); plain=$(( $(stat -c %s "$tmp/esa1/mail.@20261102T080000.s") + $(stat -c %s "$tmp/esa1/mail.current") ))
[ "$n_idx" = 3 ] && printf '%s\n' "$first" | grep -qx "S|$((plain + gz))" \
  && echo "PASS sh.index.dir_saves_one_file_per_log" \
  || echo "FAIL sh.index.dir_saves_one_file_per_log: $n_idx files; $first"
[ "$(printf '%s\n' "$second" | grep '^S|')" = "S|0" ] && [ "$(printf '%s\n' "$second" | grep '^R|')" = "$want_r" ] \
  && echo "PASS sh.index.dir_second_process_reads_no_log_for_the_index" \
  || echo "FAIL sh.index.dir_second_process_reads_no_log_for_the_index: $second"

# a grown file across processes: only the appended bytes
printf 'Mon Nov  2 19:00:00 2026 Info: New SMTP ICID 52999 interface Data 1 (192.0.2.1) address 192.0.2.10 reverse dns host late.example verified yes\nMon Nov  2 19:00:01 2026 Info: ICID 52999 close\n' > "$tmp/more"
cat "$tmp/more" >> "$tmp/esa1/mail.current"
third=$(q "${ask1//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
want3=$(q "${ask//OPT/$off}" | grep '^R|')
[ "$(printf '%s\n' "$third" | grep '^S|')" = "S|$(stat -c %s "$tmp/more")" ] && [ "$(printf '%s\n' "$third" | grep '^R|')" = "$want3" ] \
  && printf '%s\n' "$want3" | grep -q '^R|52999|' \
  && echo "PASS sh.index.dir_grown_file_reads_only_the_appended_bytes" \
  || echo "FAIL sh.index.dir_grown_file_reads_only_the_appended_bytes: [$third] [$want3]"

# damaged index files: ignored, rebuilt, same answers
for f in "$tmp"/ix/*.idx; do
  # the first bytes of the payload (its offset: the header's 8 bytes at 120, index.h):
  # the first block's line number, in the block table checked when the file is opened
  ${PYTHON:-python3} -c 'import sys; f = open(sys.argv[1], "r+b"); f.seek(120); at = int.from_bytes(f.read(8), "little"); f.seek(at); f.write(bytes([0x11, 0x22, 0x33, 0x44]))' "$f"
done
fourth=$(q "${ask1//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
[ "$(printf '%s\n' "$fourth" | grep '^S|')" = "S|$(( $(cat "$tmp"/esa1/* | wc -c) ))" ] && [ "$(printf '%s\n' "$fourth" | grep '^R|')" = "$want3" ] \
  && echo "PASS sh.index.dir_damaged_file_is_rebuilt" \
  || echo "FAIL sh.index.dir_damaged_file_is_rebuilt: [$(printf "%s" "$fourth" | tr "\n" " ")]"
fifth=$(q "${ask1//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
[ "$(printf '%s\n' "$fifth" | grep '^S|')" = "S|0" ] \
  && echo "PASS sh.index.dir_rebuilt_file_is_used" || echo "FAIL sh.index.dir_rebuilt_file_is_used: [$fifth]"
for f in "$tmp"/ix/*.idx; do head -c 100 "$f" > "$f.cut" && mv "$f.cut" "$f"; done
sixth=$(q "${ask1//OPT/$dir}" "$stat_read" "${ask//OPT/$dir}")
[ "$(printf '%s\n' "$sixth" | grep '^R|')" = "$want3" ] \
  && echo "PASS sh.index.dir_truncated_file_is_rebuilt" || echo "FAIL sh.index.dir_truncated_file_is_rebuilt: [$sixth]"

# a bad index= value names itself
bad=$(q "SELECT count(*) FROM mailtrace_connections('$tmp/esa1', 'index=$tmp/nope') WHERE icid = 1;")
printf '%s\n' "$bad" | grep -q "index= wants on, off or a writable directory, not $tmp/nope" \
  && echo "PASS sh.index.bad_dir_is_an_error" || echo "FAIL sh.index.bad_dir_is_an_error: $bad"
