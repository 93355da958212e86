#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/mutations.sh — does the suite catch the bugs it is meant to catch?
#
#   tests/mutations.sh            each mutation below, alone, in a scratch copy
#                                 of the tree: build, then the tests named for it
#   FULL=1 tests/mutations.sh     the same with the whole `make test` each time
#                                 (about 2 minutes per mutation on a busy machine)
#
# Each mutation is a deliberate bug (issue 12's audit list: 8 bugs the suite
# used to miss, plus the two allocation bugs nomem found, plus a unit test
# that exits 1).  A mutation must make the tests FAIL; the script prints
# "PASS mutation.NAME" when they do (the bug is caught) and "FAIL" when the
# suite stays green.  Not run by `make test` (it builds the tree once per
# mutation); run it after changing the tests or the rules they cover.
set -u
cd "$(dirname "$0")/.." || exit 2
SRC=$PWD
make -j2 >/dev/null 2>&1 || { echo "FAIL mutation.build: the tree does not build"; exit 1; }
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
fails=0

mut() {   # mut NAME TESTS FILE OLD NEW
  local name=$1 tests=$2 file=$3 old=$4 new=$5 rc
  rm -rf "$W/t"; mkdir "$W/t"
  # sources and the up-to-date build, mtimes kept: only the mutated file is rebuilt
  (git ls-files -z | xargs -0 cp -a --parents -t "$W/t") && cp -a build mailtrace.so libmailtrace.a "$W/t/"
  OLD="$old" NEW="$new" python3 - "$W/t/$file" <<'PY' || { echo "FAIL mutation.$name: not applied (the code changed: update tests/mutations.sh)"; fails=$((fails+1)); return; }
import os, sys
p = sys.argv[1]; s = open(p).read(); o = os.environ["OLD"]; n = os.environ["NEW"]
if s.count(o) != 1: sys.exit(1)
open(p, "w").write(s.replace(o, n))
PY
  if ! (cd "$W/t" && make -j2 >/dev/null 2>&1); then echo "FAIL mutation.$name: does not build"; fails=$((fails+1)); return; fi
  if [ -n "${FULL:-}" ]; then tests=""; fi
  (cd "$W/t" && make test TEST_FILTER="$tests" > "$W/log" 2>&1); rc=$?
  if [ $rc -ne 0 ]; then echo "PASS mutation.$name (caught by: $(grep '^FAIL' "$W/log" | cut -d: -f1 | sed 's/^FAIL //' | sort -u | head -5 | tr '\n' ' '))"
  else echo "FAIL mutation.$name: make test${tests:+ TEST_FILTER=$tests} stays green"; fails=$((fails+1)); fi
}

mut delayed_only_if_all rules ext/entities.c \
  'else if( delayed>0 ) m->status = MT_MS_DELAYED;' 'else if( n>0 && delayed==n ) m->status = MT_MS_DELAYED;'
mut release_ignored rules ext/entities.c \
  'case MT_EV_MID_RELEASED: m->released = 1; break;' 'case MT_EV_MID_RELEASED: break;'
mut noptr_second_branch rules ext/diagnose.c \
  '   || (k->dns_verified==0 && k->end_state==2 && k->messages==0 && !k->action) ){' '   ){'
mut x22_user_unknown rules ext/diagnose.c \
  'if( strncmp(dsn+1, ".2.2", 4)==0 ) return "mailbox full";' 'if( strncmp(dsn+1, ".2.2", 4)==0 ) return "user unknown";'
mut network_rule_deleted rules ext/diagnose.c \
  '|| has(resp, "timeout") || has(reason, "network") ) return "network reset";' '|| has(resp, "timeout") ) return "network reset";'
mut unknown_body_not_counted rules ext/table_coverage.c \
  'if( ev.kind==MT_EV_NONE ){ row->unknown++; continue; }' 'if( ev.kind==MT_EV_NONE ){ continue; }'
mut unknown_noprefix_not_counted rules ext/table_coverage.c \
  'if( s.ln.form==MT_FORM_NONE ){ row->unknown++; continue; }' 'if( s.ln.form==MT_FORM_NONE ){ continue; }'
mut mid_restart_rule_deleted rules ext/table_coverage.c \
  'if( row->max_mid > 1000 && ev.mid < row->max_mid - 1000 ){ row->restarts++; row->max_mid = ev.mid; }' 'if( 0 ){ row->restarts++; row->max_mid = ev.mid; }'
mut accounted_always_100 rules ext/table_coverage.c \
  'if( x==MT_MS_QUEUED || x==MT_MS_DELAYED ) c->open[r]++;' 'if( x==MT_MS_QUEUED || x==MT_MS_DELAYED || x==MT_MS_INCOMPLETE ) c->open[r]++;'
mut store_fails_past_100000 large ext/entities.c \
  '  mt_msg *m;
  GROW(st, st->msgs, st->nmsg, st->cmsg);' '  mt_msg *m;
  if( st->nmsg>=100000 ) return -1;
  GROW(st, st->msgs, st->nmsg, st->cmsg);'
mut scan_drops_after_200000 large ext/scan.c \
  '    s->lineno = ++s->lineno_at_p;
    s->p = nl ? nl+1 : s->end;' '    s->lineno = ++s->lineno_at_p;
    s->p = nl ? nl+1 : s->end;
    if( s->lineno > 200000 ) continue;'
mut oom_plan_dropped nomem ext/table_entities.c \
  '  if( sqlite3_str_errcode(plan) ){ sqlite3_free(sqlite3_str_finish(plan)); return SQLITE_NOMEM; }' ''
mut oom_skipped_as_problem nomem ext/scan.c \
  '  if( !s->err || (n >= sizeof(oom)-1 && strcmp(s->err + n - (sizeof(oom)-1), oom)==0) ) return -1;' ''
mut unit_exit1 test_lines tests/unit/test_lines.c \
  '  return unit_failed ? 1 : 0;' '  return 1;'
exit $((fails > 0))
