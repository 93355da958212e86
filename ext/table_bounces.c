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
** store.  SQLITE_VTAB_DIRECTONLY.  The walk, the plan (arguments only:
** idxNum = their number, argv in argument order) and the cursor are
** tables.c's mt_rowset; this file holds the columns and the row rules.
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

typedef struct bounce_rows {
  bounce_row *rows; int n, cap;
} bounce_rows;

static void rows_free(mt_rowset_cursor *rc, int all){
  bounce_rows *c = rc->rows;
  int i;
  for(i=0; i<c->n; i++){
    bounce_row *r = &c->rows[i];
    sqlite3_free(r->host); sqlite3_free(r->from); sqlite3_free(r->to); sqlite3_free(r->dsn);
    sqlite3_free(r->reason); sqlite3_free(r->response); sqlite3_free(r->code);
    sqlite3_free(r->ml_dsn); sqlite3_free(r->check);
  }
  c->n = 0;
  if( all ){ sqlite3_free(c->rows); c->rows = 0; c->cap = 0; }
}

/* A field of ev as a new string (NULL when absent); *pOk = 0 when out of memory. */
static char *field(const mt_event *ev, int f, int *pOk){
  char *z;
  if( !mt_has(ev, f) ) return 0;
  z = sqlite3_mprintf("%.*s", ev->f[f].n, ev->f[f].p);
  if( !z ) *pOk = 0;
  return z;
}

static int add_row(bounce_rows *c, const mt_scan *s, const mt_event *ev){
  bounce_row *r;
  int ok = 1;
  if( mt_sqlite_grow(&c->rows, &c->cap, c->n+1, sizeof(bounce_row)) ) return SQLITE_NOMEM;
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

/* One line: a bounce-log line of a bounced or delayed recipient is a row. */
static int bounces_line(mt_rowset_cursor *rc, const mt_scan *s){
  mt_event ev;
  if( s->ln.form==MT_FORM_NONE ) return SQLITE_OK;
  if( mt_line_event(&s->ln, s->file_type, &ev)!=MT_LOG_BOUNCE ) return SQLITE_OK;
  if( ev.kind!=MT_EV_BOUNCES_BOUNCED && ev.kind!=MT_EV_BOUNCES_DELAYED ) return SQLITE_OK;
  return add_row(rc->rows, s, &ev);
}

/* After the pass: each row against mail_logs' entity store. */
static int bounces_check(void *arg, int row, const mt_store *st){
  return cross_check(&((bounce_rows*)arg)->rows[row], st);
}

static int bounces_finish(mt_rowset_cursor *c, mt_ctx *ctx, const mt_args *use, char **pzErr){
  return mt_store_check_rows(ctx, use, ((bounce_rows*)c->rows)->n, bounces_check, c->rows, pzErr);
}

static int bounces_count(const mt_rowset_cursor *rc){ return ((const bounce_rows*)rc->rows)->n; }

static void text(sqlite3_context *ctx, const char *z){
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

static int bounces_column(mt_rowset_cursor *cur, sqlite3_context *ctx, int col){
  const bounce_row *r = &((const bounce_rows*)cur->rows)->rows[cur->i];
  switch( col ){
    case BC_HOST: text(ctx, r->host); break;
    case BC_MID: if( r->mid>=0 ) sqlite3_result_int64(ctx, r->mid); break;
    case BC_RID: if( r->rid>=0 ) sqlite3_result_int64(ctx, r->rid); break;
    case BC_KIND: text(ctx, r->delayed ? "delayed" : "bounced"); break;
    case BC_UTC: mt_result_time(ctx, r->has_time, r->utc); break;
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

static const mt_rowset_def bounces_def = {
  "mailtrace_bounces",
  "host TEXT, mid INTEGER, rid INTEGER, kind TEXT, utc TEXT, mail_from TEXT,"
  " rcpt_to TEXT, dsn TEXT, reason TEXT, response TEXT, smtp_code TEXT, dcid INTEGER,"
  " mail_logs_status TEXT, mail_logs_dsn TEXT, agrees INTEGER, \"check\" TEXT",
  0, BC_ARG1, 100, sizeof(bounce_rows),
  bounces_line, bounces_finish, rows_free, bounces_count, bounces_column
};

int mt_register_bounces(sqlite3 *db, mt_ctx *ctx){
  return mt_rowset_register(db, ctx, &bounces_def);
}
