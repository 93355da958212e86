/* SPDX-License-Identifier: MIT */
/*
** table_lines.c — the `mailtrace_lines` virtual table: one row per physical
** line of the logs.
**
** Usage:
**
**   SELECT ts, level, text FROM mailtrace_lines('/var/log/esa/')
**    WHERE text LIKE '%10.2.3.4%';
**   CREATE VIRTUAL TABLE temp.l USING mailtrace_lines('/logs/esa1/mail.*', '/logs/esa2/', tz=-0500);
**
** Columns (docs/lines.md): host, file, lineno, offset, ts, utc, level, icid,
** mid, dcid, rid, event, text; hidden arg1..arg16 carry the arguments of the
** table-valued form.
**
** The table parses the prefix of every line it reads (scan.c) and the body
** only when a column needs it (colUsed), so `count(*)` never runs the body
** grammar.  LIKE and GLOB on `text` are pushed down as a literal prefilter:
** whole runs of lines without the literal are skipped by one memmem; SQLite
** still checks the exact pattern (omit = 0).  `icid`, `mid` or `dcid` `=`
** or `IN (...)` are answered from the offset index (index.c): only the
** blocks of those ids are read, and of them only the lines that name them
** are parsed; SQLite checks the id again (omit = 0: the index is a superset,
** e.g. a line that names the MID as the other MID of a split).
*/
#include "cache.h"
#include "events.h"
#include "logtype.h"
#include "index.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  LC_HOST, LC_FILE, LC_LINENO, LC_OFFSET, LC_TS, LC_UTC, LC_LEVEL,
  LC_ICID, LC_MID, LC_DCID, LC_RID, LC_EVENT, LC_TEXT, LC_LOG_TYPE,
  LC_ARG1          /* hidden arguments arg1..arg16 follow */
};

#define LINES_SCHEMA \
  "CREATE TABLE x(host TEXT, file TEXT, lineno INTEGER, offset INTEGER," \
  " ts TEXT, utc TEXT, level TEXT, icid INTEGER, mid INTEGER, dcid INTEGER," \
  " rid INTEGER, event TEXT, text TEXT, log_type TEXT," \
  " arg1 HIDDEN, arg2 HIDDEN, arg3 HIDDEN, arg4 HIDDEN, arg5 HIDDEN, arg6 HIDDEN," \
  " arg7 HIDDEN, arg8 HIDDEN, arg9 HIDDEN, arg10 HIDDEN, arg11 HIDDEN, arg12 HIDDEN," \
  " arg13 HIDDEN, arg14 HIDDEN, arg15 HIDDEN, arg16 HIDDEN)"

typedef mt_src_vtab lines_vtab;

typedef struct lines_cursor {
  mt_scan_cursor sc;        /* first: the scan, its arguments, rowid, eof */
  char needle[256];
  int ev_ok;                /* ev and log_type hold the current line's */
  mt_event ev;
  int log_type;             /* MT_LOG_* (logtype.h), 0: not known */
  /* an id lookup through the offset index */
  void *ixh;                /* mt_index_acquire handle, or NULL: a plain scan */
  const struct mt_index *ix;
  mt_ix_filter *filter;
  mt_run *runs; int nrun;    /* the blocks of the ids asked (index.c), read by the walk */
} lines_cursor;

static const char *const azIdCol[3] = { "icid", "mid", "dcid" };

/* xCreate and xConnect: CREATE arguments (argv[3..]) are sources and options;
** the eponymous form (no arguments) takes them per call. */
static int linesConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                        sqlite3_vtab **ppVtab, char **pzErr){
  return mt_src_connect(db, pAux, LINES_SCHEMA, 0, argc, argv, ppVtab, pzErr);
}

/* The plan (idxNum, tables.h): bits 0-4 the number of arguments, argv[0..n)
** in argument order, then one argv value per value flag set, in this order:
**
**   V0..V2  LP_EQ    icid, mid, dcid = ?       read through the offset index
**   V3..V5  LP_IN    icid, mid, dcid IN (...)  (the whole list, sqlite3_vtab_in);
**                    at most one of the six: mid preferred, then icid, dcid
**   V6      LP_LIKE  text LIKE ?: its literal prefilters lines (memmem)
**   V7      LP_GLOB  text GLOB ?: the same (at most one of LIKE, GLOB)
**   V8..V12 LP_TIME  ts  >, >=, =, <, <= ?   a time bound: whole files outside
**   V13..V17         utc >, >=, =, <, <= ?   the range are skipped
**
** SQLite checks every one of them again (omit = 0): the index is a
** superset, the literal is part of the pattern, a bound only skips files.
** idxStr, for EXPLAIN only: "arg" per argument, then "mid=? via index" or
** "mid IN (?) via index", "like:text" or "glob:text", "ts>=?", ... */
enum { LP_EQ = 0, LP_IN = 3, LP_LIKE = 6, LP_GLOB = 7, LP_TIME = 8 };
static const char *const azTimeOp[5] = { ">", ">=", "=", "<", "<=" };

static int time_op(int op){
  switch( op ){
    case SQLITE_INDEX_CONSTRAINT_GT: return 0;
    case SQLITE_INDEX_CONSTRAINT_GE: return 1;
    case SQLITE_INDEX_CONSTRAINT_EQ: return 2;
    case SQLITE_INDEX_CONSTRAINT_LT: return 3;
    case SQLITE_INDEX_CONSTRAINT_LE: return 4;
  }
  return -1;
}

static int linesBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  lines_vtab *vt = (lines_vtab*)pVtab;
  mt_plan_builder b;
  int i, iLike = -1, iId = -1;
  char word[32];
  int rc = mt_plan_begin(&b, pVtab, p, LC_ARG1, vt->bound);

  if( rc ) return rc;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    int op = time_op(c->op);
    if( (c->iColumn==LC_TS || c->iColumn==LC_UTC) && c->usable && op>=0 ){
      int k = LP_TIME + (c->iColumn==LC_UTC ? 5 : 0) + op;
      if( b.at[k]<0 ){
        snprintf(word, sizeof(word), "%s%s?", c->iColumn==LC_TS ? "ts" : "utc", azTimeOp[op]);
        mt_plan_value(&b, k, i, 0, word);   /* SQLite still checks every row */
      }
    }else if( c->iColumn==LC_TEXT && c->usable && iLike<0
           && (c->op==SQLITE_INDEX_CONSTRAINT_LIKE || c->op==SQLITE_INDEX_CONSTRAINT_GLOB) ){
      int isGlob = c->op==SQLITE_INDEX_CONSTRAINT_GLOB;
      iLike = i;
      mt_plan_value(&b, isGlob ? LP_GLOB : LP_LIKE, i, 0, isGlob ? "glob:text" : "like:text");
    }
  }
  /* An id (mid preferred, then icid, dcid), = or IN: the offset index. */
  for(i=0; i<p->nConstraint && iId<0; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->usable && c->op==SQLITE_INDEX_CONSTRAINT_EQ && c->iColumn==LC_MID ) iId = i;
  }
  for(i=0; i<p->nConstraint && iId<0; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->usable && c->op==SQLITE_INDEX_CONSTRAINT_EQ && (c->iColumn==LC_ICID || c->iColumn==LC_DCID) ) iId = i;
  }
  if( iId>=0 ){
    int col = p->aConstraint[iId].iColumn, isIn = sqlite3_vtab_in(p, iId, 1);
    int j = col==LC_ICID ? 0 : col==LC_MID ? 1 : 2;
    snprintf(word, sizeof(word), "%s%s via index", azIdCol[j], isIn ? " IN (?)" : "=?");
    mt_plan_value(&b, (isIn ? LP_IN : LP_EQ) + j, iId, 0, word);   /* a superset: SQLite checks */
  }
  /* Rows come in file order, line by line: ORDER BY rowid is already true. */
  if( p->nOrderBy==1 && p->aOrderBy[0].iColumn<0 && !p->aOrderBy[0].desc ) p->orderByConsumed = 1;
  if( (rc = mt_plan_end(&b))!=SQLITE_OK ) return rc;
  p->estimatedCost = iId>=0 ? 1e3 : iLike>=0 ? 1e6 : 1e7;
  if( b.nArg==0 && !vt->bound ){
    /* No source: a plan SQLite should avoid (an OR may try one); xFilter
    ** says what is missing if it is chosen after all. */
    p->estimatedCost = 1e300;
  }
  p->estimatedRows = iId>=0 ? 50 : iLike>=0 ? 1000 : 1000000;
  return SQLITE_OK;
}

static int linesOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  lines_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->sc.base;
  return SQLITE_OK;
}

/* Let go of an id lookup (its index handle, filter, block list). */
static void lookup_end(lines_cursor *c){
  mt_ix_filter_free(c->filter);
  c->filter = 0;
  free(c->runs);
  c->runs = 0; c->nrun = 0;
  mt_index_release(c->ixh);
  c->ixh = 0; c->ix = 0;
}

static int linesClose(sqlite3_vtab_cursor *cur){
  lines_cursor *c = (lines_cursor*)cur;
  mt_scan_cursor_end(&c->sc);
  lookup_end(c);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int lines_step(lines_cursor *c){
  int rc;
  c->ev_ok = 0;
  rc = mt_scan_next(&c->sc.scan);        /* (a lookup: the walk goes from run to run) */
  if( rc==1 ){ c->sc.rowid++; return SQLITE_OK; }
  return mt_scan_cursor_stop(&c->sc, rc);
}

/* An id lookup: the blocks of every value, the filter of their lines.
** SQLITE_NOTFOUND when no index serves these sources (then: a plain scan). */
static int lookup_begin(lines_cursor *c, int col, sqlite3_value *v, int isIn){
  mt_src_vtab *vt = (mt_src_vtab*)c->sc.base.pVtab;
  mt_stats st;
  uint64_t *keys = 0;
  int nkeys = 0, ckeys = 0, rc, more = 1, kind = col==0 ? MT_IX_ICID : col==1 ? MT_IX_MID : MT_IX_DCID;
  sqlite3_value *x = v;
  memset(&st, 0, sizeof(st));
  rc = mt_index_acquire(vt->ctx, c->sc.args, &c->ixh, &c->ix, &st);
  c->sc.scan.stats.bytes_read += st.bytes_read;
  c->sc.scan.stats.index_read += st.index_read;
  c->sc.scan.stats.files_opened += st.files_opened;
  if( rc ) return rc;
  if( isIn ){
    rc = sqlite3_vtab_in_first(v, &x);
    if( rc==SQLITE_DONE ){ more = 0; rc = SQLITE_OK; }
    if( rc ) return rc;
  }
  while( more ){
    int64_t id = -1;
    if( mt_id_value(x, &id) && id>=0 ){
      if( mt_sqlite_grow(&keys, &ckeys, nkeys+1, sizeof(uint64_t)) ){ sqlite3_free(keys); return SQLITE_NOMEM; }
      keys[nkeys++] = mt_index_key(kind, id);
      vt->ctx->last.index_hits++;
    }
    if( !isIn ) break;
    rc = sqlite3_vtab_in_next(v, &x);
    if( rc==SQLITE_DONE ){ rc = SQLITE_OK; break; }
    if( rc ){ sqlite3_free(keys); return rc; }
  }
  /* the index room answers with the blocks (sorted, each once); the walk reads them */
  if( mt_index_runs(c->ix, keys, nkeys, &c->runs, &c->nrun) ){ sqlite3_free(keys); return SQLITE_NOMEM; }
  mt_scan_set_runs(&c->sc.scan, c->runs, c->nrun);
  c->filter = mt_ix_filter_new(keys, nkeys);
  sqlite3_free(keys);
  if( !c->filter ) return SQLITE_NOMEM;
  c->sc.scan.keep_lines = mt_ix_filter_lines;
  c->sc.scan.keep_arg = c->filter;
  c->sc.scan.tz_at = mt_index_tz_at;          /* header lines among the skipped ones */
  c->sc.scan.tz_arg = (void*)c->ix;
  c->sc.scan.stats.index_hits++;
  return SQLITE_OK;
}

static int linesFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  lines_cursor *c = (lines_cursor*)cur;
  mt_plan pl;
  int rc, k, useUtc = -1;
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  (void)idxStr;

  mt_scan_cursor_end(&c->sc);
  lookup_end(c);
  mt_plan_decode(&pl, idxNum, argc, argv);
  rc = mt_scan_cursor_begin(&c->sc, "mailtrace_lines", "/var/log/esa/", pl.nArg, argv);
  if( rc ) return rc;
  for(k=LP_EQ; k<LP_IN+3; k++){
    if( !pl.v[k] ) continue;
    rc = lookup_begin(c, (k-LP_EQ)%3, pl.v[k], k>=LP_IN);
    if( rc==SQLITE_NOTFOUND ){ lookup_end(c); rc = SQLITE_OK; }   /* no index: a scan */
    if( rc ) return rc;
  }
  for(k=LP_LIKE; k<=LP_GLOB; k++){
    const char *pat = pl.v[k] ? (const char*)sqlite3_value_text(pl.v[k]) : 0;
    size_t n = pat ? mt_pattern_literal(pat, k==LP_GLOB, c->needle, sizeof(c->needle)) : 0;
    if( n ) mt_scan_set_needle(&c->sc.scan, c->needle, n);
  }
  /* Time bounds of one column (ts before utc): a range of whole files. */
  for(k=LP_TIME; k<LP_TIME+10; k++){
    int isUtc = k >= LP_TIME+5, op = (k-LP_TIME)%5;
    int64_t x;
    if( !pl.v[k] || (useUtc>=0 && useUtc!=isUtc) ) continue;
    if( !mt_iso_floor((const char*)sqlite3_value_text(pl.v[k]), &x) ) continue;
    useUtc = isUtc;
    if( op<=2 ){ if( x > lo ) lo = x; }          /* >, >=, = */
    if( op>=2 ){ if( x < hi ) hi = x; }          /* =, <, <= */
  }
  if( useUtc>=0 ) mt_scan_set_range(&c->sc.scan, lo, hi, useUtc);
  return lines_step(c);
}

static int linesNext(sqlite3_vtab_cursor *cur){
  return lines_step((lines_cursor*)cur);
}

static const mt_event *cursor_event(lines_cursor *c){
  if( !c->ev_ok ){
    c->log_type = mt_line_event(&c->sc.scan.ln, c->sc.scan.file_type, &c->ev);
    c->ev_ok = 1;
  }
  return &c->ev;
}

static void result_id(sqlite3_context *ctx, int64_t v){
  /* a saturated id (more digits than 64 bits hold) stands for many: NULL */
  if( v>=0 && v<MT_ID_MAX ) sqlite3_result_int64(ctx, v);
}

static int linesColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  lines_cursor *c = (lines_cursor*)cur;
  mt_scan *s = &c->sc.scan;
  switch( i ){
    case LC_HOST: sqlite3_result_text(ctx, s->host, s->host_len, SQLITE_TRANSIENT); break;
    case LC_FILE: sqlite3_result_text(ctx, s->files->a[s->ifile].path, -1, SQLITE_TRANSIENT); break;
    case LC_LINENO: sqlite3_result_int64(ctx, s->lineno); break;
    case LC_OFFSET: sqlite3_result_int64(ctx, s->offset); break;
    case LC_TS:  mt_result_time(ctx, s->has_time, s->t_local); break;
    case LC_UTC: mt_result_time(ctx, s->has_time, s->t_utc); break;
    case LC_LEVEL: {
      const char *z = mt_level_name(s->ln.level);
      if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC);
      break;
    }
    case LC_ICID: result_id(ctx, cursor_event(c)->icid); break;
    case LC_MID:  result_id(ctx, cursor_event(c)->mid); break;
    case LC_DCID: result_id(ctx, cursor_event(c)->dcid); break;
    case LC_RID:  result_id(ctx, cursor_event(c)->rid); break;
    case LC_EVENT: {
      const char *z = mt_event_name(cursor_event(c)->kind);
      if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC);
      break;
    }
    case LC_TEXT:
      sqlite3_result_text(ctx, s->ln.body, (int)s->ln.body_len, SQLITE_TRANSIENT);
      break;
    case LC_LOG_TYPE: {
      const char *z = (cursor_event(c), mt_logtype_name(c->log_type));
      if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC);
      break;
    }
    default: break;   /* hidden arguments read back as NULL */
  }
  return SQLITE_OK;
}

static sqlite3_module linesModule = {
  0,                 /* iVersion */
  linesConnect,      /* xCreate: same as xConnect, so the table is also eponymous */
  linesConnect,
  linesBestIndex,
  mt_src_disconnect,
  mt_src_disconnect,
  linesOpen,
  linesClose,
  linesFilter,
  linesNext,
  mt_scan_cursor_eof,
  linesColumn,
  mt_scan_cursor_rowid,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int mt_register_lines(sqlite3 *db, mt_ctx *ctx){
  int rc = sqlite3_create_module_v2(db, "mailtrace_lines", &linesModule, mt_ctx_ref(ctx), mt_ctx_unref);
  return rc;
}
