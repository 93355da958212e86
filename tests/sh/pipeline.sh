#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The whole-log store built on two threads (entities.c's pipeline: one walks
# and parses, the other fills the store) answers exactly as the build on one
# thread (MAILTRACE_THREADS=1): every row of every entity table, the
# diagnosis, the files, mailtrace_coverage, mailtrace_errors and
# mailtrace_stats(), on every fixture folder of tests/data and on a small
# bench/gen log (many batches); the errors too: a damaged id without
# on_error=skip, and a max_memory= budget the store passes in the middle of
# the log (its message names the line; the statistics are those of that
# line).  MAILTRACE_THREADS=2 forces the pipeline even on a one-CPU machine.
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

every() {   # every SOURCE OPTIONS: all a store build answers, quoted exactly
  local s=${1//\'/\'\'} o=$2
  printf '%s\n' \
    "SELECT 'conn', * FROM mailtrace_connections('$s'$o);" \
    "SELECT 'stats', mailtrace_stats();" \
    "SELECT 'errors', * FROM mailtrace_errors;" \
    "SELECT 'msg', * FROM mailtrace_messages('$s'$o);" \
    "SELECT 'rcpt', * FROM mailtrace_recipients('$s'$o);" \
    "SELECT 'dlv', * FROM mailtrace_deliveries('$s'$o);" \
    "SELECT 'diag', * FROM mailtrace_diagnose('$s'$o);" \
    "SELECT 'files', * FROM mailtrace_files('$s'$o);" \
    "SELECT 'coverage', * FROM mailtrace_coverage('$s'$o);"
}
failing() {   # failing SOURCE OPTIONS: a build that may stop, its message and statistics
  local s=${1//\'/\'\'} o=$2
  printf '%s\n' "SELECT count(*) FROM mailtrace_messages('$s'$o);" "SELECT 'stats', mailtrace_stats();" \
    "SELECT 'errors', * FROM mailtrace_errors;"
}
run() {     # run THREADS SCRIPT-FUNCTION SOURCE OPTIONS
  local th=$1; shift
  "$@" | MAILTRACE_THREADS=$th sqlite3 -batch :memory: -cmd ".load $EXT" -cmd ".mode quote" 2>&1
}
verdict() { # verdict NAME ONE-THREAD-OUTPUT TWO-THREAD-OUTPUT
  local name=$1 a=$2 b=$3
  n=$((n+1))
  if [ -z "$a" ]; then
    echo "FAIL sh.pipeline.$name: no output"; fails=$((fails+1))
  elif [ "$a" = "$b" ]; then
    echo "PASS sh.pipeline.$name ($(printf '%s\n' "$a" | wc -l) lines)"
  else
    echo "FAIL sh.pipeline.$name: one thread and two differ:"
    diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") | head -6
    fails=$((fails+1))
  fi
}
same() {    # same NAME SCRIPT-FUNCTION SOURCE OPTIONS
  local name=$1; shift
  verdict "$name" "$(run 1 "$@")" "$(run 2 "$@")"
}

# every fixture folder (with files of its own), on_error=skip: one process a
# thread count, a marker line before each folder's answers
find data -mindepth 2 -maxdepth 3 -type f ! -name '*.md' ! -name '*.txt' ! -path 'data/fuzz/*' \
  | sed 's|/[^/]*$||' | sort -u > "$tmp/folders"
fixtures() {
  local d
  while IFS= read -r d; do echo "SELECT '== $d';"; every "$d" ", 'on_error=skip'"; done < "$tmp/folders"
}
run 1 fixtures > "$tmp/one"; run 2 fixtures > "$tmp/two"
while IFS= read -r d; do
  a=$(awk -v m="'== $d'" '$0==m{on=1; next} /^'"'"'== /{on=0} on' "$tmp/one")
  b=$(awk -v m="'== $d'" '$0==m{on=1; next} /^'"'"'== /{on=0} on' "$tmp/two")
  verdict "${d#data/}" "$a" "$b"
done < "$tmp/folders"
# stops: a damaged id without on_error=skip; a line the walk cannot use
same overflow_stops failing data/overflow/esa9 ""
same bad_stops failing data/bad ""

# a small generated log: many batches (a few hundred lines each)
if gcc=$(command -v "${CC:-cc}") && env -u LD_PRELOAD "$gcc" -std=c11 -O0 ../bench/gen.c -lz -o "$tmp/gen" 2>"$tmp/cc.err" \
   && env -u LD_PRELOAD "$tmp/gen" "$tmp/g" 4 >/dev/null 2>&1 && [ -s "$tmp/g/all.log" ]; then
  same gen2 every "$tmp/g/all.log" ""
  # the budget passed in the middle (checked every 16,384 lines: the store of 4 MiB of this
  # log passes 1M at the second check; of 2 MiB it stays under it at the first, and the
  # file ends before the next): the same line named
  same gen2_max_memory failing "$tmp/g/all.log" ", 'max_memory=1M'"
  got=$(run 2 failing "$tmp/g/all.log" ", 'max_memory=1M'")
  case $got in
    *"exceed max_memory=1M"*) echo "PASS sh.pipeline.gen2_max_memory_stops" ;;
    *) echo "FAIL sh.pipeline.gen2_max_memory_stops: ${got:0:300}"; fails=$((fails+1)) ;;
  esac
else
  echo "SKIP sh.pipeline.gen2: bench/gen.c could not be built ($(head -c 200 "$tmp/cc.err"))"
fi
[ "$n" -gt 10 ] || { echo "FAIL sh.pipeline.count: only $n comparisons"; fails=$((fails+1)); }
[ $fails -eq 0 ]
