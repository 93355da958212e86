/* SPDX-License-Identifier: MIT */
/*
** table_smtp.c — the `mailtrace_smtp` virtual table: the SMTP conversation of
** each connection, one row per line of an injection debug log.
**
** Usage:
**
**   SELECT seq, ts, direction, data FROM mailtrace_smtp('/logs/injection/')
**    WHERE icid = 52001 ORDER BY seq;
**   CREATE VIRTUAL TABLE temp.s USING mailtrace_smtp('/logs/injection/', host=esa1);
**
** Columns (docs/smtp.md): host, icid, seq, ts, utc, direction, data, file,
** lineno, side (client/server, told from the data: smtp.h); hidden arg1..arg16 carry the arguments of the table-valued form.
** Sources and options are those of mailtrace_lines (host=, tz=, year=,
** on_error=).
**
** Every line is read through the scan (scan.c); a line is a row only when
** its body has the injection shape (`<digits> Sent: ` or `<digits> Rcvd: `,
** smtp.c), so injection logs and mail_logs may share a folder or a file.
** `seq` numbers the rows of each (host, icid) 1, 2, 3, ... in file order;
** `data` is the repr decoded into the bytes that crossed the wire, TEXT when
** they are UTF-8 (without NUL), else a BLOB.
**
** Plan string (tables.h), terms after the arguments:
**
**   icid=?     icid = ?: only lines containing "<icid> " are parsed (a
**              memmem prefilter); SQLite still checks the equality (omit = 0),
**              so a value that is not an integer filters nothing here.
*/
#include "tables.h"
#include "smtp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
  SC_HOST, SC_ICID, SC_SEQ, SC_TS, SC_UTC, SC_DIRECTION, SC_DATA, SC_FILE, SC_LINENO, SC_SIDE,
  SC_ARG1          /* hidden arguments arg1..arg16 follow */
};

#define SMTP_SCHEMA \
  "CREATE TABLE x(host TEXT, icid INTEGER, seq INTEGER, ts TEXT, utc TEXT," \
  " direction TEXT, data BLOB, file TEXT, lineno INTEGER, side TEXT," \
  " arg1 HIDDEN, arg2 HIDDEN, arg3 HIDDEN, arg4 HIDDEN, arg5 HIDDEN, arg6 HIDDEN," \
  " arg7 HIDDEN, arg8 HIDDEN, arg9 HIDDEN, arg10 HIDDEN, arg11 HIDDEN, arg12 HIDDEN," \
  " arg13 HIDDEN, arg14 HIDDEN, arg15 HIDDEN, arg16 HIDDEN)"

typedef mt_src_vtab smtp_vtab;

typedef struct smtp_cursor {
  mt_scan_cursor sc;        /* first: the scan, its arguments, rowid, eof */
  mt_smtp_seq seqs;         /* per (host, icid) counters */
  int has_icid;             /* icid = ? pushed down */
  sqlite3_int64 want_icid;
  char needle[32];          /* "<icid> " */
  mt_smtp_line sl;          /* the current row's body */
  sqlite3_int64 seq;
  int side;                 /* MT_SIDE_*: who wrote the data (smtp.h) */
} smtp_cursor;

/* xCreate and xConnect: CREATE arguments (argv[3..]) are sources and options;
** the eponymous form (no arguments) takes them per call. */
static int smtpConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                       sqlite3_vtab **ppVtab, char **pzErr){
  return mt_src_connect(db, pAux, SMTP_SCHEMA, 0, argc, argv, ppVtab, pzErr);
}

/* The plan (idxNum, tables.h): bits 0-4 the number of arguments, argv[0..n)
** in argument order, then:
**
**   V0 SP_ICID   icid = ?: only lines containing "<icid> " are parsed;
**                SQLite checks the equality too (omit = 0)
**
** idxStr, for EXPLAIN only: "arg" per argument, then "icid=?". */
enum { SP_ICID };

static int smtpBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  smtp_vtab *vt = (smtp_vtab*)pVtab;
  mt_plan_builder b;
  int i, iIcid = -1;
  int rc = mt_plan_begin(&b, pVtab, p, SC_ARG1, vt->bound);

  if( rc ) return rc;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->iColumn==SC_ICID && c->usable && iIcid<0 && c->op==SQLITE_INDEX_CONSTRAINT_EQ ){
      iIcid = i;
    }
  }
  if( iIcid>=0 ) mt_plan_value(&b, SP_ICID, iIcid, 0, "icid=?");
  if( (rc = mt_plan_end(&b))!=SQLITE_OK ) return rc;
  p->estimatedCost = iIcid>=0 ? 1e5 : 1e7;
  p->estimatedRows = iIcid>=0 ? 100 : 1000000;
  if( b.nArg==0 && !vt->bound ){
    /* No source: a plan SQLite should avoid; xFilter says what is missing
    ** if it is chosen after all. */
    p->estimatedCost = 1e300;
  }
  return SQLITE_OK;
}

static int smtpOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  smtp_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  mt_smtp_seq_init(&c->seqs);
  *ppCursor = &c->sc.base;
  return SQLITE_OK;
}

static void smtp_reset(smtp_cursor *c){
  mt_scan_cursor_end(&c->sc);
  mt_smtp_seq_free(&c->seqs);
  c->has_icid = 0;
}

static int smtpClose(sqlite3_vtab_cursor *cur){
  smtp_cursor *c = (smtp_cursor*)cur;
  smtp_reset(c);
  sqlite3_free(c);
  return SQLITE_OK;
}

/* Advance to the next injection line. */
static int smtp_step(smtp_cursor *c){
  mt_scan *s = &c->sc.scan;
  int rc;
  while( (rc = mt_scan_next(s))==1 ){
    if( s->ln.form==MT_FORM_NONE ) continue;          /* no prefix: not an injection line */
    if( !mt_smtp_parse(s->ln.body, s->ln.body_len, &c->sl) ) continue;
    if( c->has_icid && c->sl.icid!=c->want_icid ) continue;
    c->seq = mt_smtp_seq_step(&c->seqs, s->host, (size_t)s->host_len, &c->sl, &c->side);
    if( c->seq<0 ){ c->sc.eof = 1; return SQLITE_NOMEM; }
    c->sc.rowid++;
    return SQLITE_OK;
  }
  return mt_scan_cursor_stop(&c->sc, rc);
}

static int smtpFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                      int argc, sqlite3_value **argv){
  smtp_cursor *c = (smtp_cursor*)cur;
  mt_plan pl;
  int rc;
  (void)idxStr;

  smtp_reset(c);
  mt_plan_decode(&pl, idxNum, argc, argv);
  rc = mt_scan_cursor_begin(&c->sc, "mailtrace_smtp", "/var/log/esa/injection/", pl.nArg, argv);
  if( rc ) return rc;
  if( pl.v[SP_ICID] ){
    sqlite3_value *v = pl.v[SP_ICID];
    /* Only an integer is used; anything else (text, real, NULL) is left to
    ** SQLite's own comparison, which then sees every row. */
    if( sqlite3_value_type(v)==SQLITE_INTEGER ){
      int n;
      c->has_icid = 1;
      c->want_icid = sqlite3_value_int64(v);
      n = snprintf(c->needle, sizeof(c->needle), "%lld ", (long long)c->want_icid);
      if( c->want_icid>=0 && n>0 && (size_t)n < sizeof(c->needle) ){
        mt_scan_set_needle(&c->sc.scan, c->needle, (size_t)n);
      }
    }
  }
  return smtp_step(c);
}

static int smtpNext(sqlite3_vtab_cursor *cur){
  return smtp_step((smtp_cursor*)cur);
}

/* data: the repr decoded; TEXT when it is UTF-8 without NUL, else a BLOB. */
static void result_data(sqlite3_context *ctx, const mt_smtp_line *sl){
  char *buf = sqlite3_malloc64(sl->repr_len + 1);
  size_t n;
  if( !buf ){ sqlite3_result_error_nomem(ctx); return; }
  n = mt_repr_decode(sl->repr, sl->repr_len, buf);
  if( mt_is_utf8_text(buf, n) ){
    sqlite3_result_text64(ctx, buf, n, sqlite3_free, SQLITE_UTF8);
  }else{
    sqlite3_result_blob64(ctx, buf, n, sqlite3_free);
  }
}

static int smtpColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int i){
  smtp_cursor *c = (smtp_cursor*)cur;
  mt_scan *s = &c->sc.scan;
  switch( i ){
    case SC_HOST: sqlite3_result_text(ctx, s->host, s->host_len, SQLITE_TRANSIENT); break;
    case SC_ICID: sqlite3_result_int64(ctx, c->sl.icid); break;
    case SC_SEQ:  sqlite3_result_int64(ctx, c->seq); break;
    case SC_TS:  mt_result_time(ctx, s->has_time, s->t_local); break;
    case SC_UTC: mt_result_time(ctx, s->has_time, s->t_utc); break;
    case SC_DIRECTION:
      sqlite3_result_text(ctx, c->sl.direction==MT_SMTP_SENT ? "Sent" : "Rcvd", 4, SQLITE_STATIC);
      break;
    case SC_DATA: result_data(ctx, &c->sl); break;
    case SC_FILE: sqlite3_result_text(ctx, s->files->a[s->ifile].path, -1, SQLITE_TRANSIENT); break;
    case SC_LINENO: sqlite3_result_int64(ctx, s->lineno); break;
    case SC_SIDE:
      if( c->side ) sqlite3_result_text(ctx, c->side==MT_SIDE_SERVER ? "server" : "client", -1, SQLITE_STATIC);
      break;
    default: break;   /* hidden arguments read back as NULL */
  }
  return SQLITE_OK;
}

static sqlite3_module smtpModule = {
  0,                 /* iVersion */
  smtpConnect,       /* xCreate: same as xConnect, so the table is also eponymous */
  smtpConnect,
  smtpBestIndex,
  mt_src_disconnect,
  mt_src_disconnect,
  smtpOpen,
  smtpClose,
  smtpFilter,
  smtpNext,
  mt_scan_cursor_eof,
  smtpColumn,
  mt_scan_cursor_rowid,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int mt_register_smtp(sqlite3 *db, mt_ctx *ctx){
  return sqlite3_create_module_v2(db, "mailtrace_smtp", &smtpModule, mt_ctx_ref(ctx), mt_ctx_unref);
}
