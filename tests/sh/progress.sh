#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Progress of the builds (docs/functions.md#mailtrace_progress), as the command
# (bin/mailtrace) reads it: with MAILTRACE_PROGRESS_FILE set, the extension writes each
# progress call as one line "PHASE DONE TOTAL SECONDS" to that file; a finished build's
# last line has DONE = TOTAL = the bytes of the files (data/esa1: 20742 + 2049 + 9811 =
# 32602 bytes on disk, `stat -c %s`).  A file that cannot be written does not fail the
# question.  An interrupted build: mailtrace_progress() says "stopped".
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { if [ "$2" = 0 ]; then echo "PASS progress.$1"; else echo "FAIL progress.$1: $3"; fails=1; fi; }

size=$(cat data/esa1/* | wc -c)
[ "$size" = 32602 ]; ok fixture_size $? "data/esa1 holds $size bytes, the header says 32602"

MAILTRACE_PROGRESS_FILE=$tmp/p sqlite3 -batch :memory: -cmd ".load $EXT" \
  "SELECT count(*) FROM mailtrace_messages('data/esa1')" > "$tmp/out" 2>&1
read -r ph d t _ < "$tmp/p"
[ "$ph $d $t" = "store 32602 32602" ]; ok store_file_line $? "file holds '$(cat "$tmp/p")' ($(cat "$tmp/out"))"
[ ! -e "$tmp/p.tmp" ]; ok no_leftover $? "$tmp/p.tmp left behind"

MAILTRACE_PROGRESS_FILE=$tmp/q sqlite3 -batch :memory: -cmd ".load $EXT" \
  "SELECT count(*) FROM mailtrace_connections('data/esa1') WHERE icid = 52019" > "$tmp/out" 2>&1
read -r ph d t _ < "$tmp/q"
[ "$ph $d $t" = "index 32602 32602" ]; ok index_file_line $? "file holds '$(cat "$tmp/q")' ($(cat "$tmp/out"))"

# a progress file that cannot be written does not fail the question
out=$(MAILTRACE_PROGRESS_FILE=$tmp/no/such/dir/p sqlite3 -batch :memory: -cmd ".load $EXT" \
  "SELECT count(*) FROM mailtrace_messages('data/esa1')" 2>&1)
[ "$out" = 23 ]; ok unwritable_file_harmless $? "got: $out"

# an interrupted build (Python's interrupt() 20 ms into an 8 MiB store build,
# then 64 MiB when a fast machine finished the first): "stopped"
py=/usr/bin/python3; [ -x "$py" ] || py=$(command -v python3 || true)
if [ -n "$py" ]; then
 for copies in 400 3200; do
  rm -f "$tmp/big.log"
  for _ in $(seq 1 $copies); do cat data/esa1/mail.@20261102T080000.s; done > "$tmp/big.log"
  out=$("$py" - "$EXT" "$tmp/big.log" <<'PYEOF' 2>&1
import sqlite3, sys, threading, json
db = sqlite3.connect(":memory:", check_same_thread=False)
db.enable_load_extension(True); db.load_extension(sys.argv[1])
t = threading.Timer(0.02, db.interrupt); t.start()
try:
    db.execute("SELECT count(*) FROM mailtrace_messages(?)", (sys.argv[2],)).fetchall()
    print("finished")
except sqlite3.OperationalError as e:
    p = json.loads(db.execute("SELECT mailtrace_progress()").fetchone()[0])
    print(p["phase"], p["build"], p["done"] < p["total"])
PYEOF
)
  # too fast for the 8 MiB build: the interrupt came after the whole log was
  # read ("finished"; "done store False": it stopped the rows read after the
  # build; "stopped store False": it stopped the store's last steps): the 64 MiB one
  [ "$out" != "stopped store True" ] && [ "$copies" = 400 ] && continue
  case "$out" in
    "stopped store True") ok interrupted_build_stopped 0 ;;
    finished|"done store False") echo "SKIP progress.interrupted_build_stopped: even the 64 MiB build was over before the interrupt (a fast machine)" ;;
    *) ok interrupted_build_stopped 1 "got: $out" ;;
  esac
  break
 done
else
  echo "SKIP progress.interrupted_build_stopped: no python3"
fi
exit $fails
