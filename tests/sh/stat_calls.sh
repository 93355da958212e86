#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# What every cursor pays before it reads: the listing of its sources
# (ext/files.c, mt_files_relist) asks the file system once per named file,
# not twice.  A correlated subquery opens one cursor per outer row (the
# why-not-received query opens thousands), and on this kind of machine a
# system call costs microseconds: lstat says what stat says for a name that
# is not a symbolic link, so stat is asked only for a link.  Counted with
# strace: the stat-family calls that name the log, against the cursors opened.
# A link to the log is still followed (the same rows, stat asked for it too).
# PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
command -v strace > /dev/null 2>&1 || { echo "SKIP sh.stat_calls: no strace"; exit 0; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp data/esa1/mail.current "$tmp/mail.log"
ln -s mail.log "$tmp/link.log"
N=200
# N cursors on mailtrace_connections, one per outer row (the first one
# builds what the others use)
sql() {
  printf "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N) SELECT count(*), sum((SELECT count(*) FROM mailtrace_connections('%s') WHERE icid = n.i)) FROM n;\n" "$1"
}
run() {   # run PATH: the answer, and the stat-family calls naming PATH in $tmp/calls
  sql "$1" > "$tmp/q.sql"
  if ! strace -f -qq -e trace=stat,lstat,newfstatat,statx -o "$tmp/trace" \
       sqlite3 -batch :memory: -cmd ".load $EXT" < "$tmp/q.sql" > "$tmp/out" 2>&1; then
    return 1
  fi
  grep -cF "\"$1\"" "$tmp/trace" > "$tmp/calls"
  cat "$tmp/out"
}
if ! direct=$(run "$tmp/mail.log") || ! [ -s "$tmp/calls" ]; then
  echo "SKIP sh.stat_calls: strace cannot trace here ($(head -c 200 "$tmp/out" 2>/dev/null))"; exit 0
fi
calls=$(cat "$tmp/calls")
case $direct in
  "$N|"[0-9]*) echo "PASS sh.stat_calls.answers" ;;
  *) echo "FAIL sh.stat_calls.answers: $direct" ;;
esac
# one call per cursor, a few more for the build (none per line or block)
if [ "$calls" -ge "$N" ] && [ "$calls" -le $((N + 10)) ]; then
  echo "PASS sh.stat_calls.one_per_cursor"
else
  echo "FAIL sh.stat_calls.one_per_cursor: $calls calls naming the log for $N cursors"
fi
linked=$(run "$tmp/link.log"); lcalls=$(cat "$tmp/calls")
if [ "$linked" = "$direct" ] && [ "$lcalls" -ge $((2 * N)) ] && [ "$lcalls" -le $((2 * N + 20)) ]; then
  echo "PASS sh.stat_calls.link_followed"
else
  echo "FAIL sh.stat_calls.link_followed: '$linked' against '$direct', $lcalls calls naming the link"
fi
