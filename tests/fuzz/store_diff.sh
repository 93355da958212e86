#!/usr/bin/env bash
# tests/fuzz/store_diff.sh OLD_EXT NEW_EXT [FILE...] — the entity tables of
# two builds of the extension (paths without .so, as for .load) on the same
# logs, row by row: for refactorings of the entity store that must not change
# an answer.  Without FILEs: every file of tests/data/ and ../shared/corpus/
# (when present) and the small bench/gen log of tests/fuzz/events_diff.sh.
# Prints one line per file that differs and a summary; exit status 1 on any
# difference.  Not part of `make test`: it compares two builds.
set -u
cd "$(dirname "$0")/../.." || exit 2
old=$1 new=$2
shift 2
B=${B:-build}
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  mapfile -t files < <(find tests/data -type f ! -name '*.md'; [ -d ../shared/corpus ] && find ../shared/corpus -type f ! -name '*.md';
                       [ -s "$B/events-diff/gen/all.log" ] && echo "$B/events-diff/gen/all.log")
fi
q() {   # q EXT FILE: every column of every entity row, quoted exactly
  local f=${2//\'/\'\'}
  sqlite3 -batch :memory: -cmd ".load $1" -cmd ".mode quote" \
    "SELECT 'conn', * FROM mailtrace_connections('$f', 'on_error=skip');
     SELECT 'msg', * FROM mailtrace_messages('$f', 'on_error=skip');
     SELECT 'rcpt', * FROM mailtrace_recipients('$f', 'on_error=skip');
     SELECT 'dlv', * FROM mailtrace_deliveries('$f', 'on_error=skip');" 2>&1
}
n=0 ndiff=0 rows=0
for f in "${files[@]}"; do
  a=$(q "$old" "$f"); b=$(q "$new" "$f")
  n=$((n+1)); rows=$((rows + $(printf '%s\n' "$a" | wc -l)))
  if [ "$a" != "$b" ]; then
    ndiff=$((ndiff+1)); echo "DIFF $f"; diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -5
  fi
done
if [ $ndiff -eq 0 ]; then echo "PASS store_diff: $n files, $rows rows, 0 differences"; exit 0; fi
echo "FAIL store_diff: $n files, $ndiff differ"; exit 1
