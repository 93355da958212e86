/* SPDX-License-Identifier: MIT */
/*
** table_bounces.c — mailtrace_bounces: the bounce log (docs/format.md §8.1),
** one row per bounced or delayed recipient, checked against mail_logs.
**
**   SELECT * FROM mailtrace_bounces('/var/log/esa/');     -- any sources
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT * FROM mailtrace_bounces;                      -- the open sources
**   SELECT * FROM mailtrace_bounces WHERE agrees = 0;     -- where the two logs disagree
**
** Columns: host, mid, rid, kind ('bounced' / 'delayed'), utc, mail_from,
** rcpt_to, dsn, reason, response, smtp_code, dcid (when the line names one),
** then what mail_logs says of the same (host, MID, RID): mail_logs_status
** (the recipient's status, as in mailtrace_recipients), mail_logs_dsn,
** agrees (1, 0, or NULL when mail_logs does not have that recipient) and
** check (the comparison in words).  A bounce agrees when mail_logs bounced
** the recipient with the same DSN; a delay agrees when mail_logs shows the
** recipient delayed, queued, or finished later (a delay is not final).
**
** The rows come from one pass over the lines (bounce-log lines only: the
** log_type rule of logtype.h); the mail_logs side is the cached entity
** store.  SQLITE_VTAB_DIRECTONLY.  idxNum = the number of arguments (arg1..
** in order); no idxStr.
*/
#include "cache.h"
#include "events.h"
#include "logtype.h"
#include "entities.h"

#include <stdlib.h>
#include <string.h>

enum { BC_HOST, BC_MID, BC_RID, BC_KIND, BC_UTC, BC_FROM, BC_TO, BC_DSN, BC_REASON, BC_RESPONSE,
       BC_CODE, BC_DCID, BC_ML_STATUS, BC_ML_DSN, BC_AGREES, BC_CHECK, BC_ARG1 };

typedef struct bounce_row {
  char *host;
  int64_t mid, rid, dcid;
  int delayed;
  int has_time; int64_t utc;
  char *from, *to, *dsn, *reason, *response, *code;
  const char *ml_status;    /* static names */
  char *ml_dsn;
  int agrees;               /* 1, 0, -1: unknown */
  char *check;
} bounce_row;

typedef struct bounces_cursor {
  sqlite3_vtab_cursor base;   /* first: SQLite sees a sqlite3_vtab_cursor */
  bounce_row *rows; int n, cap, i;
} bounces_cursor;

static int bouncesConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                          sqlite3_vtab **ppVtab, char **pzErr){
  (void)argc; (void)argv; (void)pzErr;
  return mt_vtab_connect(db, pAux,
    "CREATE TABLE x(host TEXT, mid INTEGER, rid INTEGER, kind TEXT, utc TEXT, mail_from TEXT,"
    " rcpt_to TEXT, dsn TEXT, reason TEXT, response TEXT, smtp_code TEXT, dcid INTEGER,"
    " mail_logs_status TEXT, mail_logs_dsn TEXT, agrees INTEGER, \"check\" TEXT,"
    " arg1 HIDDEN, arg2 HIDDEN, arg3 HIDDEN, arg4 HIDDEN, arg5 HIDDEN, arg6 HIDDEN, arg7 HIDDEN,"
    " arg8 HIDDEN)",
    1, ppVtab);
}

static int bouncesBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  int at[8], i, n = 0;
  (void)pVtab;
  for(i=0; i<8; i++) at[i] = -1;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->iColumn<BC_ARG1 || c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( !c->usable ) return SQLITE_CONSTRAINT;
    at[c->iColumn - BC_ARG1] = i;
  }
  for(i=0; i<8; i++){
    if( at[i]<0 ) continue;
    p->aConstraintUsage[at[i]].argvIndex = ++n;
    p->aConstraintUsage[at[i]].omit = 1;
  }
  p->idxNum = n;
  p->estimatedCost = 1e6;
  p->estimatedRows = 100;
  return SQLITE_OK;
}

static int bouncesOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  bounces_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void rows_free(bounces_cursor *c){
  int i;
  for(i=0; i<c->n; i++){
    bounce_row *r = &c->rows[i];
    sqlite3_free(r->host); sqlite3_free(r->from); sqlite3_free(r->to); sqlite3_free(r->dsn);
    sqlite3_free(r->reason); sqlite3_free(r->response); sqlite3_free(r->code);
    sqlite3_free(r->ml_dsn); sqlite3_free(r->check);
  }
  c->n = 0; c->i = 0;
}

static int bouncesClose(sqlite3_vtab_cursor *cur){
  bounces_cursor *c = (bounces_cursor*)cur;
  rows_free(c);
  sqlite3_free(c->rows);
  sqlite3_free(c);
  return SQLITE_OK;
}

/* A field of ev as a new string (NULL when absent); *pOk = 0 when out of memory. */
static char *field(const mt_event *ev, int f, int *pOk){
  char *z;
  if( !mt_has(ev, f) ) return 0;
  z = sqlite3_mprintf("%.*s", ev->f[f].n, ev->f[f].p);
  if( !z ) *pOk = 0;
  return z;
}

static int add_row(bounces_cursor *c, const mt_scan *s, const mt_event *ev){
  bounce_row *r;
  int ok = 1;
  if( c->n==c->cap ){
    int nc = c->cap ? c->cap*2 : 32;
    bounce_row *na = sqlite3_realloc64(c->rows, sizeof(bounce_row)*(size_t)nc);
    if( !na ) return SQLITE_NOMEM;
    c->rows = na; c->cap = nc;
  }
  r = &c->rows[c->n++];
  memset(r, 0, sizeof(*r));
  r->mid = ev->mid; r->rid = ev->rid; r->dcid = ev->dcid;
  r->delayed = ev->kind==MT_EV_BOUNCES_DELAYED;
  r->has_time = s->has_time; r->utc = s->t_utc;
  r->agrees = -1;
  r->host = sqlite3_mprintf("%.*s", s->host_len, s->host);
  if( !r->host ) ok = 0;
  r->from = field(ev, MT_F_ADDR, &ok);
  r->to = field(ev, MT_F_ADDR2, &ok);
  r->dsn = field(ev, MT_F_DSN, &ok);
  r->reason = field(ev, MT_F_REASON, &ok);
  r->response = field(ev, MT_F_RESPONSE, &ok);
  r->code = field(ev, MT_F_SMTP_CODE, &ok);
  return ok ? SQLITE_OK : SQLITE_NOMEM;
}

/* The recipient (host, mid, rid) in the store, or -1. */
static int find_rcpt(const mt_store *st, const char *host, int64_t mid, int64_t rid){
  int h = mt_store_host(st, host), m, k;
  if( h<0 || mid<0 || rid<0 ) return -1;
  m = mt_store_msg(st, h, mid);
  if( m<0 ) return -1;
  for(k=st->msgs[m].first_rcpt; k>=0; k=st->rcpts[k].next){
    if( st->rcpts[k].rid==rid ) return k;
  }
  return -1;
}

/* Compare one row with mail_logs' recipient: agrees and check. */
static int cross_check(bounce_row *r, const mt_store *st){
  int k = find_rcpt(st, r->host, r->mid, r->rid);
  const mt_rcpt *rc;
  if( k<0 ){
    r->check = sqlite3_mprintf("not in mail_logs");
    return r->check ? SQLITE_OK : SQLITE_NOMEM;
  }
  rc = &st->rcpts[k];
  r->ml_status = mt_rcpt_status_name(rc->status);
  if( rc->dsn && !(r->ml_dsn = sqlite3_mprintf("%s", rc->dsn)) ) return SQLITE_NOMEM;
  if( !r->delayed ){
    if( rc->status!=MT_RS_BOUNCED ){
      r->agrees = 0;
      r->check = sqlite3_mprintf("the bounce log says bounced, mail_logs says %s", r->ml_status ? r->ml_status : "nothing final");
    }else if( r->dsn && rc->dsn && strcmp(r->dsn, rc->dsn)!=0 ){
      r->agrees = 0;
      r->check = sqlite3_mprintf("both bounced, DSN %s in the bounce log, %s in mail_logs", r->dsn, rc->dsn);
    }else{
      r->agrees = 1;
      r->check = sqlite3_mprintf("agrees: bounced in both");
    }
  }else{
    /* a delay is not final: later delivery, bounce or a wait agree with it */
    if( rc->status==MT_RS_DELAYED || rc->status==MT_RS_QUEUED ){
      r->agrees = 1;
      r->check = sqlite3_mprintf("agrees: delayed in both");
    }else if( rc->status==MT_RS_DELIVERED || rc->status==MT_RS_BOUNCED ){
      r->agrees = 1;
      r->check = sqlite3_mprintf("agrees: delayed, then %s in mail_logs", r->ml_status);
    }else{
      r->agrees = 0;
      r->check = sqlite3_mprintf("the bounce log says delayed, mail_logs says %s", r->ml_status ? r->ml_status : "nothing final");
    }
  }
  return r->check ? SQLITE_OK : SQLITE_NOMEM;
}

static int bouncesFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                         int argc, sqlite3_value **argv){
  bounces_cursor *c = (bounces_cursor*)cur;
  mt_vtab *vt = (mt_vtab*)cur->pVtab;
  mt_ctx *ctx = vt->ctx;
  mt_args a, call;
  const mt_args *use = 0;
  void *entry = 0;
  const mt_store *st = 0;
  char *err = 0;
  mt_scan s;
  mt_event ev;
  int rc = SQLITE_OK, i;
  (void)idxStr;

  rows_free(c);
  memset(&a, 0, sizeof(a));
  memset(&call, 0, sizeof(call));
  if( idxNum>0 ){
    rc = mt_args_for_filter(cur->pVtab, "mailtrace_bounces", "/var/log/esa/", 0, 0, &call,
                            idxNum<argc ? idxNum : argc, argv, &use);
    if( rc ) return rc;
  }else{
    rc = mt_open_sources(cur->pVtab, ctx, "mailtrace_bounces", &a, &err);
    use = &a;
  }
  if( rc ) goto done;

  mt_scan_init(&s, &use->files, &use->opts);
  s.should_stop = mt_interrupted;
  s.stop_arg = ctx->db;
  while( (i = mt_scan_next(&s))==1 ){
    if( s.ln.form==MT_FORM_NONE ) continue;
    if( mt_line_event(&s.ln, s.file_type, &ev)!=MT_LOG_BOUNCE ) continue;
    if( ev.kind!=MT_EV_BOUNCES_BOUNCED && ev.kind!=MT_EV_BOUNCES_DELAYED ) continue;
    if( (rc = add_row(c, &s, &ev))!=SQLITE_OK ) break;
  }
  if( rc==SQLITE_OK && i<0 ){
    if( s.interrupted ) rc = SQLITE_INTERRUPT;
    else{ err = sqlite3_mprintf("%s", s.err ? s.err : "read error"); rc = SQLITE_ERROR; }
  }
  mt_ctx_finish_scan(ctx, &s);
  mt_scan_end(&s);
  if( rc || c->n==0 ) goto done;

  rc = mt_store_acquire(ctx, use, &entry, &st, &err);
  for(i=0; rc==SQLITE_OK && i<c->n; i++) rc = cross_check(&c->rows[i], st);

done:
  if( entry ) mt_store_release(entry);
  mt_args_free(&a);
  mt_args_free(&call);
  if( rc && err ) mt_vtab_error(cur->pVtab, "%s", err);
  sqlite3_free(err);
  return rc;
}

static int bouncesNext(sqlite3_vtab_cursor *cur){ ((bounces_cursor*)cur)->i++; return SQLITE_OK; }
static int bouncesEof(sqlite3_vtab_cursor *cur){ bounces_cursor *c = (bounces_cursor*)cur; return c->i >= c->n; }

static void text(sqlite3_context *ctx, const char *z){
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

static int bouncesColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  bounces_cursor *c = (bounces_cursor*)cur;
  const bounce_row *r = &c->rows[c->i];
  char iso[20];
  switch( col ){
    case BC_HOST: text(ctx, r->host); break;
    case BC_MID: if( r->mid>=0 ) sqlite3_result_int64(ctx, r->mid); break;
    case BC_RID: if( r->rid>=0 ) sqlite3_result_int64(ctx, r->rid); break;
    case BC_KIND: text(ctx, r->delayed ? "delayed" : "bounced"); break;
    case BC_UTC: if( r->has_time ){ mt_time_iso(r->utc, iso); sqlite3_result_text(ctx, iso, 19, SQLITE_TRANSIENT); } break;
    case BC_FROM: text(ctx, r->from); break;
    case BC_TO: text(ctx, r->to); break;
    case BC_DSN: text(ctx, r->dsn); break;
    case BC_REASON: text(ctx, r->reason); break;
    case BC_RESPONSE: text(ctx, r->response); break;
    case BC_CODE: text(ctx, r->code); break;
    case BC_DCID: if( r->dcid>=0 ) sqlite3_result_int64(ctx, r->dcid); break;
    case BC_ML_STATUS: text(ctx, r->ml_status); break;
    case BC_ML_DSN: text(ctx, r->ml_dsn); break;
    case BC_AGREES: if( r->agrees>=0 ) sqlite3_result_int(ctx, r->agrees); break;
    case BC_CHECK: text(ctx, r->check); break;
  }
  return SQLITE_OK;
}

static int bouncesRowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((bounces_cursor*)cur)->i + 1;
  return SQLITE_OK;
}

static sqlite3_module bouncesModule = {
  0, 0, bouncesConnect, bouncesBestIndex, mt_vtab_disconnect, 0, bouncesOpen, bouncesClose, bouncesFilter,
  bouncesNext, bouncesEof, bouncesColumn, bouncesRowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int mt_register_bounces(sqlite3 *db, mt_ctx *ctx){
  return sqlite3_create_module_v2(db, "mailtrace_bounces", &bouncesModule, mt_ctx_ref(ctx), mt_ctx_unref);
}
