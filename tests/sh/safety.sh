#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Files that change under mailtrace, files that are not logs, and a shared
# index directory (docs/lines.md "Safety", docs/tables.md "The offset index"):
#  - index files kept in the log folder (index=DIR = the logs) are never read as logs;
#  - a file rewritten in place (copytruncate: same inode, more bytes) is read
#    again, not "read on", by the cached store, the offset index and index=DIR;
#  - a FIFO, /dev/zero, and a FIFO planted as an index file never block and
#    give a clear error (or, in a folder, are skipped);
#  - the index temporary file is not written through a planted symbolic link,
#    and an index file someone else owns is not loaded.
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
q() { timeout 20 sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1; }
check() {   # check NAME CONDITION-RESULT DETAIL
  if [ "$2" = 0 ]; then echo "PASS sh.safety.$1"; else echo "FAIL sh.safety.$1: $3"; fi
}
ixname() {  # the index file of a log in DIR: mailtrace-<dev>-<ino>.idx (hex)
  printf '%s/mailtrace-%x-%x.idx' "$1" "$(stat -c %d "$2")" "$(stat -c %i "$2")"
}

# ---------------------------------------------------------------- 1. index files in the log folder
mkdir "$tmp/logs"
cp data/esa1/mail.@20261102T080000.s data/esa1/mail.@20261102T120000.s.gz data/esa1/mail.current "$tmp/logs/"
L="$tmp/logs"
before=$(q "SELECT count(*), (SELECT count(*) FROM mailtrace_messages('$L', 'index=off')) FROM mailtrace_lines('$L');")
q "SELECT count(*) FROM mailtrace_messages('$L', 'index=$L') WHERE mid = 81016;" >/dev/null
nidx=$(ls "$L" | grep -c '^mailtrace-.*\.idx$')
after=$(q "SELECT count(*), (SELECT count(*) FROM mailtrace_messages('$L', 'index=off')) FROM mailtrace_lines('$L');")
glob=$(q "SELECT count(*) FROM mailtrace_lines('$L/*');")
again=$(q "SELECT count(*) FROM mailtrace_messages('$L', 'index=$L') WHERE mid = 81016;")
[ "$nidx" -ge 2 ] && [ -n "$before" ] && [ "$before" = "$after" ] && [ "$glob" = "${before%%|*}" ] && [ "$again" = 1 ]
check index_files_in_log_folder_not_read_as_logs $? "index files $nidx; lines|messages before [$before] after [$after] glob [$glob] lookup [$again]"
named=$(q "SELECT count(*) FROM mailtrace_lines('$(ixname "$L" "$L/mail.current")');")
case "$named" in *"is a mailtrace index file"*) r=0;; *) r=1;; esac
check index_file_named_as_source_is_an_error $r "$named"

# ---------------------------------------------------------------- 2. copytruncate: same inode, more bytes, other content
mkdir "$tmp/ct" "$tmp/ct/esa1" "$tmp/ctix"
F="$tmp/ct/esa1/mail.current"
cp data/esa2/mail.current "$F"                     # 2 messages (81001, 81002)
ino0=$(stat -c %i "$F")
fresh() { q "SELECT mailtrace_open('$tmp/ct/esa1');" "SELECT 'M', group_concat(mid) FROM (SELECT mid FROM messages ORDER BY mid);" | grep '^M|'; }
# (a) the cached store of a long-lived connection
out=$(q <<SQL
SELECT mailtrace_open('$tmp/ct/esa1');
SELECT 'A', group_concat(mid) FROM (SELECT mid FROM messages ORDER BY mid);
.shell cat data/esa1/mail.current > $F
SELECT 'M', group_concat(mid) FROM (SELECT mid FROM messages ORDER BY mid);
SQL
)
ino1=$(stat -c %i "$F")
want=$(fresh)
got=$(printf '%s\n' "$out" | grep '^M|')
[ "$ino0" = "$ino1" ] && [ -n "$want" ] && [ "$got" = "$want" ]
check copytruncate_cached_store_reads_again $? "inode $ino0/$ino1; got [$got] want [$want] ($out)"
# (b) the offset index of a long-lived connection
cp data/esa2/mail.current "$F.new"; cat "$F.new" > "$F"; rm "$F.new"
out=$(q <<SQL
SELECT 'A', count(*) FROM mailtrace_messages('$tmp/ct/esa1') WHERE mid = 81001;
.shell cat data/esa1/mail.current > $F
SELECT 'B', count(*) FROM mailtrace_messages('$tmp/ct/esa1') WHERE mid = 81016;
SELECT 'C', count(*) FROM mailtrace_messages('$tmp/ct/esa1') WHERE mid = 81001;
SQL
)
[ "$(printf '%s\n' "$out" | grep -E '^[ABC]\|' | tr '\n' ' ')" = "A|1 B|1 C|0 " ]
check copytruncate_offset_index_reads_again $? "$out"
# (c) index=DIR, the next process
cat data/esa2/mail.current > "$F"
q "SELECT count(*) FROM mailtrace_messages('$tmp/ct/esa1', 'index=$tmp/ctix') WHERE mid = 81001;" >/dev/null
cat data/esa1/mail.current > "$F"
out=$(q "SELECT 'B', count(*) FROM mailtrace_messages('$tmp/ct/esa1', 'index=$tmp/ctix') WHERE mid = 81016;" \
        "SELECT 'C', count(*) FROM mailtrace_messages('$tmp/ct/esa1', 'index=$tmp/ctix') WHERE mid = 81001;")
[ "$(printf '%s\n' "$out" | tr '\n' ' ')" = "B|1 C|0 " ]
check copytruncate_index_dir_reads_again $? "$out"
# a file that really grew is still read on (the fast path is kept)
head -n 40 data/esa1/mail.current > "$F"
q "SELECT count(*) FROM mailtrace_messages('$tmp/ct/esa1', 'index=$tmp/ctix') WHERE mid = 81016;" >/dev/null
tail -n +41 data/esa1/mail.current >> "$F"
out=$(q "SELECT count(*) FROM mailtrace_messages('$tmp/ct/esa1', 'index=$tmp/ctix') WHERE mid = 81022;" \
        "SELECT json_extract(mailtrace_stats(), '\$.index_read');")
grown=$(( $(stat -c %s "$F") - $(head -n 40 data/esa1/mail.current | wc -c) ))
[ "$(printf '%s\n' "$out" | tr '\n' ' ')" = "1 $grown " ]
check grown_file_still_read_on $? "$out (appended $grown)"

# ---------------------------------------------------------------- 3. FIFO, /dev/zero, a FIFO as index file
mkdir "$tmp/ff"
mkfifo "$tmp/ff/pipe"
P="$tmp/ff/pipe"
for src in "$P" /dev/zero; do
  n=0
  for sql in "SELECT count(*) FROM mailtrace_lines('$src');" \
             "SELECT count(*) FROM mailtrace_messages('$src');" \
             "SELECT count(*) FROM mailtrace_messages('$src') WHERE mid = 1;" \
             "SELECT count(*) FROM mailtrace_smtp('$src');" \
             "SELECT mailtrace_open('$src');"; do
    out=$(q "$sql"); rc=$?
    case "$out" in *"$src: is a FIFO (named pipe), not a regular file"*|*"$src: is a device, not a regular file"*) r=0;; *) r=1;; esac
    [ $rc -ne 124 ] || r=1
    n=$((n+1))
    check "not_regular_refused.$(basename "$src").$n" $r "rc $rc: $sql: $out"
  done
done
cp data/esa2/mail.current "$tmp/ff/"
out=$(q "SELECT count(*) FROM mailtrace_lines('$tmp/ff');" "SELECT count(*) FROM mailtrace_messages('$tmp/ff') WHERE mid = 81001;")
[ "$(printf '%s\n' "$out" | tr '\n' ' ')" = "$(wc -l < data/esa2/mail.current) 1 " ]
check fifo_in_a_folder_skipped $? "$out"
mkdir "$tmp/ffix"
mkfifo "$(ixname "$tmp/ffix" "$tmp/ff/mail.current")"
out=$(q "SELECT count(*) FROM mailtrace_messages('$tmp/ff', 'index=$tmp/ffix') WHERE mid = 81001;"); rc=$?
[ $rc -ne 124 ] && [ "$out" = 1 ]
check fifo_as_index_file_never_blocks $? "rc $rc: $out"

# ---------------------------------------------------------------- 4. a shared index directory
mkdir "$tmp/sx" "$tmp/sx/esa2" "$tmp/sxix"
cp data/esa2/mail.current "$tmp/sx/esa2/"
S="$tmp/sx/esa2/mail.current"
echo precious > "$tmp/victim"
IX=$(ixname "$tmp/sxix" "$S")
# the old temporary name was "<index>.<pid>.tmp": plant links at it and at the index itself
( ln -s "$tmp/victim" "$IX.$BASHPID.tmp"; ln -s "$tmp/victim" "$IX"
  exec sqlite3 -batch :memory: -cmd ".load $EXT" \
    "SELECT count(*) FROM mailtrace_messages('$tmp/sx/esa2', 'index=$tmp/sxix') WHERE mid = 81001;" ) >"$tmp/out" 2>&1
[ "$(cat "$tmp/victim")" = precious ] && [ "$(cat "$tmp/out")" = 1 ] && [ -L "$IX" ]
check symlinks_in_index_dir_not_followed $? "victim now: $(head -c 60 "$tmp/victim" | tr -c '[:print:]' .); out $(cat "$tmp/out")"
rm -f "$IX" "$IX".*
q "SELECT count(*) FROM mailtrace_messages('$tmp/sx/esa2', 'index=$tmp/sxix') WHERE mid = 81001;" >/dev/null
perm=$(stat -c %a "$IX" 2>/dev/null)
[ -f "$IX" ] && [ "$(ls "$tmp/sxix" | wc -l)" = 1 ]
check index_saved_without_leftovers $? "$(ls -la "$tmp/sxix")"
reread() { q "SELECT count(*) FROM mailtrace_messages('$tmp/sx/esa2', 'index=$tmp/sxix') WHERE mid = 81001;" \
             "SELECT json_extract(mailtrace_stats(), '\$.index_read');" | tr '\n' ' '; }
own=$(reread)
if [ "$(id -u)" = 0 ] && getent passwd nobody >/dev/null; then
  chown nobody "$IX"
  foreign=$(reread)
  [ "$own" = "1 0 " ] && [ "$foreign" = "1 $(stat -c %s "$S") " ] && [ "$(stat -c %U "$IX")" = nobody ]
  check foreign_owned_index_not_loaded_nor_replaced $? "own [$own] foreign [$foreign] owner $(stat -c %U "$IX") perm $perm"
else
  echo "SKIP sh.safety.foreign_owned_index_not_loaded_nor_replaced: needs root to give the file away"
fi
exit 0
