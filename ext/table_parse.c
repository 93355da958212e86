/* SPDX-License-Identifier: MIT */
/*
** table_parse.c — mailtrace_parse(text [, option ...]): the line grammar
** over text you pass in, with no file access.
**
**   SELECT level, event, mid, text
**     FROM mailtrace_parse('Wed Nov 19 09:16:38 2014 Info: Start MID 5 ICID 7');
**   SELECT * FROM mailtrace_parse(:syslog_batch, 'year=2026', 'tz=-0500');
**
** For programs that receive log lines themselves (a syslog listener, a
** message queue) and for trying the grammar out.  Columns: lineno, ts,
** utc, level, icid, mid, dcid, rid, event, text (as in mailtrace_lines);
** hidden: input, opt1, opt2 (options year= and tz=, as for mailtrace_lines;
** host= and on_error= have no use here and are ignored).  A "Time offset
** from UTC" line in the text applies from that line on.  Year-less syslog
** lines take year= (advancing at Dec -> Jan, as in files), else the
** current year.
**
** It reads nothing but its arguments, so it is registered innocuous
** (SQLITE_VTAB_INNOCUOUS): safe even in views and triggers of a database
** you did not write.
*/
#include "tables.h"
#include "events.h"
#include "logtype.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PC_LINENO, PC_TS, PC_UTC, PC_LEVEL, PC_ICID, PC_MID, PC_DCID, PC_RID, PC_EVENT,
       PC_TEXT, PC_LOG_TYPE, PC_INPUT, PC_OPT1, PC_OPT2 };

typedef struct parse_cursor {
  sqlite3_vtab_cursor base;   /* first: SQLite sees a sqlite3_vtab_cursor */
  char *text;                 /* a copy of the input */
  size_t n, pos;              /* next line starts at pos */
  const char *line; size_t len;
  int64_t lineno;
  int eof;
  mt_opts opts;
  int tz;                     /* offset in force: header, else tz=, else 0 */
  int64_t t_local;
  int has_time;
  int this_year;              /* year of year-less lines: year=, else now; advances at Dec -> Jan */
  int prev_mon;
  mt_line ln;
  mt_event ev;
  int log_type;             /* MT_LOG_* of the current line */
} parse_cursor;

static int parseConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                        sqlite3_vtab **ppVtab, char **pzErr){
  (void)argc; (void)argv; (void)pzErr;
  /* innocuous: it reads only its arguments. */
  return mt_vtab_connect(db, pAux,
    "CREATE TABLE x(lineno INTEGER, ts TEXT, utc TEXT, level TEXT, icid INTEGER, mid INTEGER,"
    " dcid INTEGER, rid INTEGER, event TEXT, text TEXT, log_type TEXT, input HIDDEN, opt1 HIDDEN, opt2 HIDDEN)",
    0, ppVtab);
}

/* idxNum = how many of input, opt1, opt2 are given (argv in that order). */
static int parseBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  int at[3] = {-1, -1, -1}, i, n = 0;
  (void)pVtab;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->iColumn<PC_INPUT || c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( !c->usable ) return SQLITE_CONSTRAINT;
    at[c->iColumn - PC_INPUT] = i;
  }
  for(i=0; i<3; i++){
    if( at[i]<0 ) break;
    p->aConstraintUsage[at[i]].argvIndex = ++n;
    p->aConstraintUsage[at[i]].omit = 1;
  }
  p->idxNum = n;
  p->estimatedCost = n ? 10 : 1e300;
  p->estimatedRows = 10;
  return SQLITE_OK;
}

static int parseOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  parse_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static int parseClose(sqlite3_vtab_cursor *cur){
  parse_cursor *c = (parse_cursor*)cur;
  sqlite3_free(c->text);
  mt_opts_free(&c->opts);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int parseNext(sqlite3_vtab_cursor *cur){
  parse_cursor *c = (parse_cursor*)cur;
  const char *p, *nl;
  int tz;
  if( c->pos >= c->n ){ c->eof = 1; return SQLITE_OK; }
  p = c->text + c->pos;
  nl = memchr(p, '\n', c->n - c->pos);
  c->len = nl ? (size_t)(nl - p) : c->n - c->pos;
  c->line = p;
  c->pos += c->len + (nl ? 1 : 0);
  if( c->len && p[c->len-1]=='\r' ) c->len--;
  c->lineno++;
  mt_line_parse(c->line, c->len, &c->ln);
  if( c->ln.form!=MT_FORM_NONE ){
    int y = c->ln.year;
    if( y==0 ){
      if( c->prev_mon && c->ln.mon + 6 < c->prev_mon ) c->this_year++;   /* Dec -> Jan */
      c->prev_mon = c->ln.mon;
      y = c->this_year;
    }
    c->t_local = mt_time_from_parts(y, c->ln.mon, c->ln.day, c->ln.hour, c->ln.min, c->ln.sec);
    c->has_time = 1;
    c->log_type = mt_line_event(&c->ln, 0, &c->ev);
    if( c->ev.kind==MT_EV_LOG_TZ && mt_has(&c->ev, MT_F_VALUE) ){
      char buf[16];
      int k = c->ev.f[MT_F_VALUE].n < 15 ? c->ev.f[MT_F_VALUE].n : 15;
      memcpy(buf, c->ev.f[MT_F_VALUE].p, (size_t)k); buf[k] = 0;
      tz = atoi(buf);
      if( tz > -15*3600 && tz < 15*3600 ) c->tz = tz;
    }
  }else{
    c->has_time = 0;
    c->log_type = mt_line_event(&c->ln, 0, &c->ev);
  }
  return SQLITE_OK;
}

static int parseFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  parse_cursor *c = (parse_cursor*)cur;
  int i;
  (void)idxStr;
  sqlite3_free(c->text);
  c->text = 0; c->n = c->pos = 0; c->lineno = 0; c->eof = 0;
  mt_opts_free(&c->opts);
  if( idxNum<1 || argc<1 ){
    sqlite3_free(cur->pVtab->zErrMsg);
    cur->pVtab->zErrMsg = sqlite3_mprintf("mailtrace_parse: give the text to parse");
    return SQLITE_ERROR;
  }
  for(i=1; i<idxNum && i<argc; i++){
    const char *o = (const char*)sqlite3_value_text(argv[i]);
    char *err = 0;
    if( !o ) continue;
    if( mt_opts_parse(&c->opts, o, &err)==0 || err ){
      sqlite3_free(cur->pVtab->zErrMsg);
      cur->pVtab->zErrMsg = sqlite3_mprintf("mailtrace_parse: %s", err ? err : "options are year= and tz=");
      free(err);
      return SQLITE_ERROR;
    }
  }
  c->tz = c->opts.tz_set ? c->opts.tz_off : 0;
  if( c->opts.year ){
    c->this_year = c->opts.year;
  }else{
    char iso[20];
    mt_time_iso((int64_t)time(0), iso);
    c->this_year = atoi(iso);
  }
  c->prev_mon = 0;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ){ c->eof = 1; return SQLITE_OK; }
  c->n = (size_t)sqlite3_value_bytes(argv[0]);
  c->text = sqlite3_malloc64(c->n + 1);
  if( !c->text ) return SQLITE_NOMEM;
  if( c->n ) memcpy(c->text, sqlite3_value_blob(argv[0]), c->n);
  c->text[c->n] = 0;
  if( c->n==0 ){ c->eof = 1; return SQLITE_OK; }
  return parseNext(cur);
}

static int parseEof(sqlite3_vtab_cursor *cur){ return ((parse_cursor*)cur)->eof; }

static int parseColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  parse_cursor *c = (parse_cursor*)cur;
  switch( col ){
    case PC_LINENO: sqlite3_result_int64(ctx, c->lineno); break;
    case PC_TS:  mt_result_time(ctx, c->has_time, c->t_local); break;
    case PC_UTC: mt_result_time(ctx, c->has_time, c->t_local - c->tz); break;
    case PC_LEVEL: { const char *z = mt_level_name(c->ln.level); if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC); break; }
    case PC_ICID: if( c->ev.icid>=0 ) sqlite3_result_int64(ctx, c->ev.icid); break;
    case PC_MID:  if( c->ev.mid>=0 ) sqlite3_result_int64(ctx, c->ev.mid); break;
    case PC_DCID: if( c->ev.dcid>=0 ) sqlite3_result_int64(ctx, c->ev.dcid); break;
    case PC_RID:  if( c->ev.rid>=0 ) sqlite3_result_int64(ctx, c->ev.rid); break;
    case PC_EVENT: { const char *z = mt_event_name(c->ev.kind); if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC); break; }
    case PC_TEXT: sqlite3_result_text(ctx, c->ln.body, (int)c->ln.body_len, SQLITE_TRANSIENT); break;
    case PC_LOG_TYPE: { const char *z = mt_logtype_name(c->log_type); if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC); break; }
  }
  return SQLITE_OK;
}

static int parseRowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((parse_cursor*)cur)->lineno;
  return SQLITE_OK;
}

static sqlite3_module parseModule = {
  0, 0, parseConnect, parseBestIndex, mt_vtab_disconnect, 0, parseOpen, parseClose, parseFilter,
  parseNext, parseEof, parseColumn, parseRowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int mt_register_parse(sqlite3 *db, mt_ctx *ctx){
  (void)ctx;
  return sqlite3_create_module(db, "mailtrace_parse", &parseModule, 0);
}
