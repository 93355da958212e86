#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make valgrind — representative queries and the C unit tests under
# valgrind --leak-check=full: no definite or indirect leak, no invalid read
# or write, no use of uninitialised memory.  Prints PASS/FAIL lines and the
# usual closing count.
set -u
cd "$(dirname "$0")/.." || exit 2
VG="valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99"
pass=0; fail=0
run() {  # run NAME COMMAND...
  local name=$1; shift
  if out=$("$@" 2>&1); then echo "PASS valgrind.$name"; pass=$((pass+1))
  else echo "FAIL valgrind.$name"; printf '%s\n' "$out" | grep -v '^PASS' | head -30; fail=$((fail+1)); fi
}
cd tests
for q in \
  "SELECT count(*), count(mid), max(ts) FROM mailtrace_lines('data/esa1') WHERE text LIKE '%192.0.2.10%'" \
  "SELECT mailtrace_open('data/esa1', 'data/esa2'); SELECT count(*) FROM connections c JOIN messages m ON m.host = c.host AND m.icid = c.icid; SELECT status, count(*) FROM messages GROUP BY 1; SELECT count(*) FROM recipients; SELECT count(*) FROM deliveries WHERE dcid = 7301;" \
  "SELECT count(*) FROM mailtrace_lines('data/bad', 'on_error=skip'); SELECT * FROM mailtrace_errors;" \
  "SELECT count(*) FROM mailtrace_lines('data/bad/truncated.log.gz');" \
  "SELECT count(*) FROM mailtrace_messages('data/syslog', 'year=2026') WHERE subject REGEXP 'x(' ;" \
  "SELECT mailtrace_open('data/demo/esa-demo'); .read ../sql/no-reverse-dns.sql" \
  "CREATE VIRTUAL TABLE temp.l USING mailtrace_lines('data/cont'); SELECT * FROM temp.l; DROP TABLE temp.l; SELECT mailtrace_version(), mailtrace_stats();"
do
  n=$((pass+fail+1))
  run "query$n" bash -c "printf '%s\n' \"\$1\" | tr ';' '\n' | $VG sqlite3 -batch :memory: -cmd '.load ../mailtrace' >/dev/null 2>/tmp/mt_vg.$$; rc=\$?; grep -v '^Parse error\|^Runtime error\|^Error' /tmp/mt_vg.$$ >&2; rm -f /tmp/mt_vg.$$; [ \$rc -ne 99 ]" _ "$q"
done
cd ..
for t in build/t/test_*; do
  run "$(basename "$t")" $VG "$t"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
