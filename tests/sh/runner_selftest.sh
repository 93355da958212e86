#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The runner's self-test: tests/run is pointed (TESTS_DIR, TBIN, SQLITE,
# PYTHON) at a scratch tree of fake test files, each breaking the protocol in
# one way, and must turn each into a FAIL naming the file, and the run into a
# failure:
#   - a sqlite3 shell that prints the expected output and then crashes;
#   - a unit binary that prints its checks and its PLAN, then exits 1 (as
#     UBSan does), and one that exits 1 having lost its output;
#   - a unit binary that reports fewer checks than its PLAN, one with no PLAN;
#   - a tests/unit/test_X.c whose binary was never built; no embed, no nomem;
#   - a shell test that hangs (TEST_TIMEOUT=2), one that exits 2 after a
#     PASS, one that prints nothing; a Python test that raises after a PASS;
#   - no Python at all.
#   - SQL tests (tests/sql/NAME.test): a wrong, a missing and an extra answer
#     line, each a FAIL naming its case and file line; a case after the
#     shell's crash ("not reached"); an answer line before the first case,
#     "-- >x", output before the first case, two cases of one name, a file
#     without a case, and a leftover old-format NAME.sql / NAME.expected.
# And the well-behaved ones still pass: a unit binary, SQL cases, a SQL case
# whose expected output is the shell's own error (exit status 1).
# PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
T=$tmp/tests B=$tmp/bin
mkdir -p "$T/unit" "$T/sql" "$T/sh" "$T/data/esa1" "$B"
fails=0
check() {   # check NAME COND-STATUS WHY
  # the reason on one line: the inner run's FAIL lines must not count as ours
  if [ "$2" -eq 0 ]; then echo "PASS sh.runner.$1"; else echo "FAIL sh.runner.$1: $(tr '\n' '|' <<<"$3" | head -c 2000)"; fails=$((fails+1)); fi
}
unit() {    # unit NAME SCRIPT-BODY: a fake unit test binary and its source file
  : > "$T/unit/$1.c"
  printf '#!/bin/sh\n%s\n' "$2" > "$B/$1"; chmod +x "$B/$1"
}
unit test_good   'echo "PASS u.good"; echo "PLAN 1"'
unit test_exit1  'echo "PASS u.exit1"; echo "PLAN 1"; exit 1'
unit test_lost   'exit 1'
unit test_short  'echo "PASS u.short"; echo "PLAN 2"'
unit test_noplan 'echo "PASS u.noplan"'
: > "$T/unit/test_missing.c"

# the fake shell: prints what a sqlite3 would (the runner's .print markers,
# "1" for a SELECT), crashes, errs or exits 1 when told to
cat > "$B/sqlite3" <<'EOF'
#!/bin/bash
rc=0
while IFS= read -r l; do
  case "$l" in
    --*) ;;
    .print\ *) echo "${l#.print }" ;;
    *twice*) echo 1; echo 1 ;;
    *crash*) echo 1; kill -SEGV $$ ;;
    *error*) echo "Parse error near line 2: no such table: x" >&2; rc=1 ;;
    *exit1*) echo 1; rc=1 ;;
    SELECT*) echo 1 ;;
  esac
done
exit $rc
EOF
chmod +x "$B/sqlite3"
sqlt() { printf '%s\n' "${@:2}" > "$T/sql/$1.test"; }   # sqlt NAME LINE...: a SQL test file
sqlt good  '-- a good test' '.mode list' '' '-- case: one' 'SELECT 1;' '-- > 1' '' '-- case: two' 'SELECT 1;' '-- > 1'
sqlt crash '-- case: before' 'SELECT 1;' '-- > 1' '-- case: crash' 'SELECT 1; -- crash' '-- > 1' '-- case: after' 'SELECT 1;' '-- > 1'
sqlt error '-- case: no such table' 'SELECT x FROM error;' '-- > Parse error near line 2: no such table: x'
sqlt unexpected_error '-- case: exit 1' 'SELECT 1; -- exit1' '-- > 1'
sqlt wrong '-- case: right' 'SELECT 1;' '-- > 1' '-- case: wrong answer' 'SELECT 1;' '-- > 2' '-- case: missing line' 'SELECT 1;' '-- > 1' '-- >' \
           '-- case: extra line' 'SELECT 1; -- twice' '-- > 1'
sqlt malformed '-- > 1' 'SELECT 1;' '-- case: a' 'SELECT 1;' '-- >1' '-- > 1' '-- case: a' 'SELECT 1;' '-- > 1'
sqlt empty '-- no case at all'
echo 'SELECT 1;' > "$T/sql/old.sql"; echo 1 > "$T/sql/old.expected"

echo 'exec sleep 60'               > "$T/sh/hang.sh"
echo 'echo "PASS s.exit2"; exit 2' > "$T/sh/exit2.sh"
echo 'exit 0'                      > "$T/sh/silent.sh"
echo 'echo "PASS s.good"'          > "$T/sh/good.sh"
printf 'print("PASS p.raise", flush=True)\nraise RuntimeError("boom")\n' > "$T/test_raise.py"

run() { env -u TEST_FILTER -u VERBOSE TESTS_DIR="$T" TBIN="$B" SQLITE="$B/sqlite3" TEST_TIMEOUT=2 "$@" "$PWD/run" 2>&1; }
out=$(run); rc=$?
has() { grep -qxF -- "$1" <<<"$out"; }

check fails_the_run "$([ $rc -ne 0 ]; echo $?)" "exit status $rc"
has "PASS u.good";                          check unit_good_passes $? "$out"
# SEGV, or ABRT under make asan (the preloaded ASan turns the SEGV into an abort),
# or exit 1 under make ubsan (UBSan's SEGV handler reports, then exits 1)
grep -qE '^FAIL sql/crash: the sqlite3 shell (died on signal (11 \(SEGV\)|6 \(ABRT\))|exited with status 1)$' <<<"$out"; check crashing_sqlite3 $? "$out"
grep -q '^FAIL sql/crash/after: not reached (.*tests/sql/crash.test:7)' <<<"$out"; check sql_case_not_reached $? "$out"
has "PASS sql/good/one";                    check sql_good_passes $? "$out"
has "PASS sql/good/two";                    check sql_good_second_case $? "$out"
has "PASS sql/error/no such table";         check sql_expected_error_passes $? "$out"
has "FAIL sql/unexpected_error: the sqlite3 shell exited with status 1"; check sql_unexpected_error $? "$out"
has "PASS sql/wrong/right";                 check sql_right_case_passes $? "$out"
grep -q '^FAIL sql/wrong/wrong answer: answer line 1: expected "2", got "1" (.*tests/sql/wrong.test:4)$' <<<"$out"; check sql_wrong_answer $? "$out"
grep -q '^FAIL sql/wrong/missing line: answer line 2: expected "", got no more lines' <<<"$out"; check sql_missing_line $? "$out"
grep -q '^FAIL sql/wrong/extra line: answer line 2: expected no more lines, got "1"' <<<"$out"; check sql_extra_line $? "$out"
has 'FAIL sql/malformed: line 1: an answer line before the first "-- case:" line'; check sql_answer_outside_case $? "$out"
has 'FAIL sql/malformed: line 5: "-- >" must be followed by a space or end the line'; check sql_malformed_answer $? "$out"
has 'FAIL sql/malformed: 1 output lines before the first case, the first: 1'; check sql_output_before_case $? "$out"
grep -q '^FAIL sql/malformed/a: a second case of this name (.*tests/sql/malformed.test:7; the first is at line 3)$' <<<"$out"; check sql_duplicate_case $? "$out"
grep -q '^FAIL sql/empty: no case in .*tests/sql/empty.test$' <<<"$out"; check sql_no_case $? "$out"
grep -q '^FAIL sql/old.sql: old-format SQL test: convert it with tests/convert_sql_test .*/sql/old.sql$' <<<"$out"; check sql_old_format_sql $? "$out"
grep -q '^FAIL sql/old.expected: old-format SQL test' <<<"$out"; check sql_old_format_expected $? "$out"
has "FAIL unit/test_exit1: exited with status 1 without a FAIL line"; check unit_exit1 $? "$out"
has "FAIL unit/test_lost: exited with status 1 without a FAIL line"; check unit_lost_output $? "$out"
has "FAIL unit/test_short: planned 2 checks, reported 1"; check unit_shortfall $? "$out"
has "FAIL unit/test_noplan: no PLAN line: the program did not reach its end (exited with status 0)"; check unit_no_plan $? "$out"
has "FAIL unit/test_missing: no test binary $B/test_missing (make unit)"; check missing_unit_binary $? "$out"
has "FAIL embed: no test binary $B/embed (make $B/embed)"; check missing_embed $? "$out"
has "FAIL nomem: no test binary $B/nomem (make $B/nomem)"; check missing_nomem $? "$out"
has "FAIL sh/hang.sh: timed out after 2 s (TEST_TIMEOUT)"; check hang $? "$out"
has "FAIL sh/exit2.sh: exited with status 2 without a FAIL line"; check sh_exit2 $? "$out"
has "FAIL sh/silent.sh: printed no PASS, FAIL or SKIP line (exited with status 0)"; check sh_silent $? "$out"
has "PASS s.good";                          check sh_good_passes $? "$out"
has "FAIL test_raise.py: exited with status 1 without a FAIL line"; check python_exception $? "$out"
# (under make asan the preloaded ASan's report joins the crashing case's output: that case fails too)
grep -qxE '(15 passed, 24|14 passed, 25) failed, 0 skipped' <<<"$out"; check totals $? "$out"

# a tool that is missing is a FAIL naming it, not a silent skip
out=$(run env PYTHON=/nonexistent/python3 SQLITE=/nonexistent/sqlite3 ); rc=$?
has "FAIL test_raise.py: no Python (/nonexistent/python3)"
check missing_python $? "$out"
has "FAIL sql/good: no sqlite3 shell (/nonexistent/sqlite3)"; check missing_sqlite3 $? "$out"

# and a clean tree passes
rm -f "$T"/unit/test_{exit1,lost,short,noplan,missing}.c "$T"/sql/{crash,unexpected_error,wrong,malformed,empty,old}.* \
      "$T"/sh/{hang,exit2,silent}.sh "$T/test_raise.py"
printf '#!/bin/sh\necho "PASS e.good"\n' > "$B/embed"; cp "$B/embed" "$B/nomem"; chmod +x "$B/embed" "$B/nomem"
out=$(run); rc=$?
check clean_tree_passes "$rc" "$out"
has "7 passed, 0 failed, 0 skipped";        check clean_totals $? "$out"
exit $((fails > 0))
