#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/convert_sql_test on old-format pairs (NAME.sql + NAME.expected) in a
# scratch tests/ folder: a pair with dot commands, a statement over several
# lines, two statements on one line, silent statements, an error line (its
# "near line N" renumbered), a comment that names a case, trailing empty
# lines in the expected file; it becomes a NAME.test that tests/run passes,
# with as many answer lines, and the pair is removed.  A pair whose expected
# output is wrong is refused and kept.  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
SQLITE=${SQLITE:-sqlite3}
command -v "$SQLITE" >/dev/null 2>&1 || { echo "SKIP sh.convert: no sqlite3 shell"; exit 0; }
PY=${PYTHON:-/usr/bin/python3}; [ -x "$PY" ] || PY=python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
T=$tmp/tests
mkdir -p "$T/sql" && ln -s "$ROOT/tests/data" "$T/data"
fails=0
check() {   # check NAME STATUS WHY
  if [ "$2" -eq 0 ]; then echo "PASS sh.convert.$1"; else echo "FAIL sh.convert.$1: $(tr '\n' '|' <<<"$3" | head -c 1500)"; fails=$((fails+1)); fi
}

cat > "$T/sql/old.sql" <<'EOF'
-- A file header: what the test checks.
.mode list
.headers on
SELECT mailtrace_open('data/esa2') AS files;

-- messages of esa2, over two lines
SELECT count(*) AS n
  FROM messages;
.headers off
CREATE TEMP TABLE t(x);
INSERT INTO t VALUES (1), (2);
SELECT x FROM t ORDER BY x; SELECT 'two on one line';
SELECT * FROM nope;
SELECT 'after the error';
DROP TABLE t;
EOF
printf 'files\n1\nn\n2\n1\n2\ntwo on one line\nParse error near line 13: no such table: nope\nafter the error\n\n\n' > "$T/sql/old.expected"
# (esa2 holds 2 "Start MID" lines: grep -c)
cp "$T/sql/old.sql" "$T/sql/wrong.sql"
sed 's/^2$/3/' "$T/sql/old.expected" > "$T/sql/wrong.expected"

out=$(TESTS_DIR="$T" SQLITE="$SQLITE" "$PY" tests/convert_sql_test "$T/sql/old.sql" 2>&1); rc=$?
check converts "$rc" "$out"
grep -q "^converted .*old.test: 5 cases, 9 answer lines (9 in old.expected)$" <<<"$out"; check counts $? "$out"
[ ! -e "$T/sql/old.sql" ] && [ ! -e "$T/sql/old.expected" ]; check old_pair_removed $? "$(ls "$T/sql")"
t=$(cat "$T/sql/old.test" 2>/dev/null)
# the header stays before the first case; the silent dot commands join the case that prints
head -1 <<<"$t" | grep -qxF -- '-- A file header: what the test checks.'; check header_kept $? "$t"
grep -qxF -- '-- case: messages of esa2, over two lines' <<<"$t"; check named_by_comment $? "$t"
grep -qxF -- "-- case: SELECT x FROM t ORDER BY x; SELECT 'two on one line'" <<<"$t"; check named_by_query $? "$t"
# the error's line number is that of its statement in old.test
n=$(grep -n '^SELECT \* FROM nope;$' <<<"$t" | cut -d: -f1)
grep -qxF -- "-- > Parse error near line $n: no such table: nope" <<<"$t"; check renumbered "$?" "$t"
# the trailing DROP joins the last case; the answer stands after the statement that printed it
tail -1 <<<"$t" | grep -qxF 'DROP TABLE t;'; check trailing_silent_unit $? "$t"
r=$(env -u VERBOSE TESTS_DIR="$T" TEST_FILTER=/sql/old.test tests/run 2>&1); rc=$?
check runner_passes "$rc" "$r"
grep -q '^5 passed, 0 failed' <<<"$r"; check runner_counts $? "$r"

out=$(TESTS_DIR="$T" SQLITE="$SQLITE" "$PY" tests/convert_sql_test "$T/sql/wrong.sql" 2>&1); rc=$?
[ "$rc" -eq 1 ]; check refuses_failing_old_test $? "$out"
grep -q "NOT converted: the old test does not pass now" <<<"$out"; check says_why $? "$out"
[ -e "$T/sql/wrong.sql" ] && [ -e "$T/sql/wrong.expected" ] && [ ! -e "$T/sql/wrong.test" ]; check failing_pair_kept $? "$(ls "$T/sql")"
exit $((fails > 0))
