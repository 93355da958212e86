#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A growing mail.current: the next query reads only the bytes appended since
# the last one and extends the cached store; the answers are those of a
# fresh build.  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/esa1"
cp data/esa1/mail.@20261102T080000.s "$tmp/esa1/"
head -n 80 data/esa1/mail.current > "$tmp/esa1/mail.current"
tail -n +81 data/esa1/mail.current > "$tmp/rest"
before=$(stat -c %s "$tmp/esa1/mail.current")
out=$(sqlite3 -batch :memory: -cmd ".load $EXT" <<SQL 2>&1
SELECT mailtrace_open('$tmp/esa1');
SELECT 'A', count(*), sum(status = 'delivered') FROM messages;
.shell cat $tmp/rest >> $tmp/esa1/mail.current
SELECT 'B', count(*), sum(status = 'delivered'), sum(status = 'queued') FROM messages;
SELECT 'S', json_extract(mailtrace_stats(), '\$.bytes_read'), json_extract(mailtrace_stats(), '\$.files_opened');
SELECT 'M', mid, status FROM messages WHERE mid IN (81021, 81022, 81023) ORDER BY mid;
SQL
)
fresh=$(sqlite3 -batch :memory: -cmd ".load $EXT" \
  "SELECT mailtrace_open('$tmp/esa1');" \
  "SELECT 'B', count(*), sum(status = 'delivered'), sum(status = 'queued') FROM messages;" \
  "SELECT 'M', mid, status FROM messages WHERE mid IN (81021, 81022, 81023) ORDER BY mid;")
after=$(stat -c %s "$tmp/esa1/mail.current")
grow=$((after - before))
b_inc=$(printf '%s\n' "$out" | grep '^B|'); b_fresh=$(printf '%s\n' "$fresh" | grep '^B|')
m_inc=$(printf '%s\n' "$out" | grep '^M|'); m_fresh=$(printf '%s\n' "$fresh" | grep '^M|')
s=$(printf '%s\n' "$out" | grep '^S|')
[ -n "$b_inc" ] && [ "$b_inc" = "$b_fresh" ] && [ "$m_inc" = "$m_fresh" ] \
  && echo "PASS sh.growing.same_answer_as_fresh_build" || echo "FAIL sh.growing.same_answer_as_fresh_build: [$b_inc] [$b_fresh] [$m_inc] [$m_fresh] $out"
[ "$s" = "S|$grow|1" ] && echo "PASS sh.growing.reads_only_the_appended_bytes" \
  || echo "FAIL sh.growing.reads_only_the_appended_bytes: $s (appended $grow bytes)"

# mailtrace_lines by MID through the offset index, asked before and after the
# file grows in the block where its lines are: each line once (the grown
# file's last block is in two segments of the index), as a scan gives them.
# By hand: MID 81016 has lines 6-17 in the first 20 lines of
# data/esa1/mail.current and 24, 25, 28, 31, 32, 33 in lines 21-40.
head -n 20 data/esa1/mail.current > "$tmp/esa1/mail.current"
out=$(sqlite3 -batch :memory: -cmd ".load $EXT" <<SQL 2>&1
SELECT 'L1', group_concat(lineno) FROM mailtrace_lines('$tmp/esa1/mail.current') WHERE mid = 81016;
.shell sed -n 21,40p data/esa1/mail.current >> $tmp/esa1/mail.current
SELECT 'L2', group_concat(lineno) FROM mailtrace_lines('$tmp/esa1/mail.current') WHERE mid = 81016;
SQL
)
want="L1|6,7,8,9,10,11,12,13,14,15,16,17
L2|6,7,8,9,10,11,12,13,14,15,16,17,24,25,28,31,32,33"
[ "$out" = "$want" ] && echo "PASS sh.growing.lines_by_mid_once_after_growth" \
  || echo "FAIL sh.growing.lines_by_mid_once_after_growth: $out"

# Two gateways' folders, the first one's mail.current growing: the store
# reads on only that file, not the files listed after it (esa2's would be
# taken twice: a second generation of each of its connections and messages).
rm -rf "$tmp/g2"; mkdir -p "$tmp/g2/esa1" "$tmp/g2/esa2"
head -n 80 data/esa1/mail.current > "$tmp/g2/esa1/mail.current"
cp data/esa2/mail.current "$tmp/g2/esa2/"
out=$(sqlite3 -batch :memory: -cmd ".load $EXT" <<SQL 2>&1
SELECT mailtrace_open('$tmp/g2/esa1', '$tmp/g2/esa2');
SELECT 'A', count(*) FROM messages;
.shell tail -n +81 data/esa1/mail.current >> $tmp/g2/esa1/mail.current
SELECT 'B', count(*), sum(generation > 1), sum(host = 'esa2') FROM messages;
SELECT 'S', json_extract(mailtrace_stats(), '\$.files_opened');
SQL
)
fresh=$(sqlite3 -batch :memory: -cmd ".load $EXT" "SELECT mailtrace_open('$tmp/g2/esa1', '$tmp/g2/esa2');" \
  "SELECT 'B', count(*), sum(generation > 1), sum(host = 'esa2') FROM messages;")
b_inc=$(printf '%s\n' "$out" | grep '^B|'); b_fresh=$(printf '%s\n' "$fresh" | grep '^B|')
s=$(printf '%s\n' "$out" | grep '^S|')
[ -n "$b_inc" ] && [ "$b_inc" = "$b_fresh" ] && [ "$s" = "S|1" ] \
  && echo "PASS sh.growing.two_folders_reads_on_only_the_grown_file" \
  || echo "FAIL sh.growing.two_folders_reads_on_only_the_grown_file: [$b_inc] [$b_fresh] [$s]"
