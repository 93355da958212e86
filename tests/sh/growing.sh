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
