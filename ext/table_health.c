/* SPDX-License-Identifier: MIT */
/*
** table_health.c — mailtrace_health: the gateway's own trouble, next to the
** mail it affects.
**
**   SELECT mailtrace_open('/var/log/esa/mail_logs/', '/var/log/esa/error_logs/', 'host=esa1');
**   SELECT utc, kind, text, mid, quarantine FROM mailtrace_health;
**   SELECT * FROM mailtrace_health WHERE mid = 24611424;      -- what hit this message
**   SELECT * FROM mailtrace_health('/logs/esa1/');            -- or any sources
**
** One pass over the lines finds the health lines (format.md §5.5, §5.7.7,
** §5.9: the same text in mail_logs and in the error_logs subscription), by
** the start of their body:
**
**   kind         lines
**   quarantine   "Quarantine: …" (Failed to connect to quarantine),
**                "RPC connection … failed …" (the spam quarantine's RPC link)
**   alert        "Error while sending alert: …", "Internal SMTP giving up …",
**                "Internal SMTP Error: …"
**   dns          "DNS Temporary Failure …", "DNS Hard Error …",
**                "lame DNS referral …", "Received an invalid DNS Response …"
**   delivery     "Deliveries are currently suspended …"
**
** A quarantine line affects the messages bound for a quarantine (a non-NULL
** messages.quarantine) on the same host whose lines (start to end) come
** within MT_HEALTH_WINDOW seconds of it: one row per such message, with its
** mid, status and quarantine.  A line that affects no message (and every
** line of the other kinds) is one row with mid NULL.  Columns: utc, ts,
** host, level, kind, text, file, lineno, mid, status, quarantine; hidden
** arg1..arg8 as in mailtrace_coverage.  SQLITE_VTAB_DIRECTONLY: it reads
** files.  The walk, the plan (arguments only: idxNum = their number, argv
** in argument order) and the cursor are tables.c's mt_rowset; this file
** holds the columns and the row rules.
*/
#include "cache.h"
#include "events.h"
#include "entities.h"

#include <stdlib.h>
#include <string.h>

#define MT_HEALTH_WINDOW 600   /* seconds either side of a health line */

enum { HL_UTC, HL_TS, HL_HOST, HL_LEVEL, HL_KIND, HL_TEXT, HL_FILE, HL_LINENO, HL_MID,
       HL_STATUS, HL_QUARANTINE, HL_ARG1 };

typedef struct health_row {
  int64_t t_utc, t_local; int has_time;
  int64_t lineno, mid;
  int file;
  const char *kind, *status, *quarantine;   /* static, or owned by the store (copied below) */
  char *host, *level, *text, *qcopy;
} health_row;

typedef struct health_rows {
  health_row *rows; int n, cap;
  int any_q;                  /* a quarantine line was seen */
} health_rows;

#define STARTS(p, n, lit) ((n) >= sizeof(lit)-1 && memcmp((p), (lit), sizeof(lit)-1)==0)

/* The kind of a health line body, or 0. */
static const char *health_kind(const char *p, size_t n){
  if( n==0 ) return 0;
  switch( p[0] ){
    case 'Q': if( STARTS(p, n, "Quarantine: ") ) return "quarantine"; break;
    case 'R':
      if( STARTS(p, n, "RPC connection") && memmem(p, n, " failed", 7) ) return "quarantine";
      if( STARTS(p, n, "Received an invalid DNS Response") ) return "dns";
      break;
    case 'E': if( STARTS(p, n, "Error while sending alert") ) return "alert"; break;
    case 'I':
      if( STARTS(p, n, "Internal SMTP giving up") || STARTS(p, n, "Internal SMTP Error") ) return "alert";
      break;
    case 'D':
      if( STARTS(p, n, "DNS Temporary Failure") || STARTS(p, n, "DNS Hard Error") ) return "dns";
      if( STARTS(p, n, "Deliveries are currently suspended") ) return "delivery";
      break;
    case 'l': if( STARTS(p, n, "lame DNS") ) return "dns"; break;
  }
  return 0;
}

static void health_clear(mt_rowset_cursor *rc, int all){
  health_rows *c = rc->rows;
  int i;
  for(i=0; i<c->n; i++){
    sqlite3_free(c->rows[i].host); sqlite3_free(c->rows[i].level);
    sqlite3_free(c->rows[i].text); sqlite3_free(c->rows[i].qcopy);
  }
  c->n = 0; c->any_q = 0;
  if( all ){ sqlite3_free(c->rows); c->rows = 0; c->cap = 0; }
}

static health_row *new_row(health_rows *c){
  health_row *r;
  if( mt_sqlite_grow(&c->rows, &c->cap, c->n+1, sizeof(health_row)) ) return 0;
  r = &c->rows[c->n++];
  memset(r, 0, sizeof(*r));
  r->mid = -1;
  return r;
}

/* A copy of row `src` (its strings duplicated) for one more affected message. */
static health_row *copy_row(health_rows *c, int src){
  health_row *r = new_row(c), *s;
  if( !r ) return 0;
  s = &c->rows[src];
  *r = *s;
  r->qcopy = 0;
  r->host = sqlite3_mprintf("%s", s->host);
  r->level = s->level ? sqlite3_mprintf("%s", s->level) : 0;
  r->text = sqlite3_mprintf("%s", s->text);
  if( !r->host || !r->text || (s->level && !r->level) ){
    sqlite3_free(r->host); sqlite3_free(r->level); sqlite3_free(r->text);
    c->n--;
    return 0;
  }
  return r;
}

/* Messages bound for a quarantine near each quarantine line. */
static int attach_messages(health_rows *c, const mt_store *st){
  int n0 = c->n, i, m;
  for(i=0; i<n0; i++){
    int h, first = 1;
    if( strcmp(c->rows[i].kind, "quarantine")!=0 || !c->rows[i].has_time ) continue;
    h = mt_store_host(st, c->rows[i].host);
    if( h<0 ) continue;
    for(m=0; m<st->nmsg; m++){
      const mt_msg *x = &st->msgs[m];
      int64_t a, b, t = c->rows[i].t_utc;
      health_row *r;
      if( x->host!=h || !x->quarantine ) continue;
      if( !mt_when_set(x->end) ) continue;
      b = mt_when_utc(x->end);
      a = mt_when_set(x->start) ? mt_when_utc(x->start) : b;
      if( b < t - MT_HEALTH_WINDOW || a > t + MT_HEALTH_WINDOW ) continue;
      if( first ){ r = &c->rows[i]; first = 0; }
      else if( !(r = copy_row(c, i)) ) return SQLITE_NOMEM;
      r->mid = x->mid;
      r->status = mt_msg_status_name(x->status);
      r->qcopy = sqlite3_mprintf("%s", x->quarantine);
      if( !r->qcopy ) return SQLITE_NOMEM;
    }
  }
  return SQLITE_OK;
}

static int cmp_rows(const void *pa, const void *pb){
  const health_row *a = pa, *b = pb;
  if( a->t_utc!=b->t_utc ) return a->t_utc < b->t_utc ? -1 : 1;
  if( a->file!=b->file ) return a->file < b->file ? -1 : 1;
  if( a->lineno!=b->lineno ) return a->lineno < b->lineno ? -1 : 1;
  return a->mid < b->mid ? -1 : a->mid > b->mid;
}

/* One line: a health line (by the start of its body) is a row. */
static int health_line(mt_rowset_cursor *rc, const mt_scan *s){
  health_rows *c = rc->rows;
  const char *kind;
  health_row *r;
  if( s->ln.form==MT_FORM_NONE ) return SQLITE_OK;
  kind = health_kind(s->ln.body, s->ln.body_len);
  if( !kind ) return SQLITE_OK;
  if( !(r = new_row(c)) ) return SQLITE_NOMEM;
  r->has_time = s->has_time;
  r->t_utc = s->has_time ? s->t_utc : 0;
  r->t_local = s->t_local;
  r->file = s->ifile; r->lineno = s->lineno;
  r->kind = kind;
  r->host = sqlite3_mprintf("%.*s", s->host_len, s->host);
  r->level = mt_level_name(s->ln.level) ? sqlite3_mprintf("%s", mt_level_name(s->ln.level)) : 0;
  r->text = sqlite3_mprintf("%.*s", (int)s->ln.body_len, s->ln.body);
  if( !r->host || !r->text || (mt_level_name(s->ln.level) && !r->level) ) return SQLITE_NOMEM;
  if( strcmp(kind, "quarantine")==0 ) c->any_q = 1;
  return SQLITE_OK;
}

/* After the pass: the messages a quarantine failure may have hit (the store
** only when needed), then the rows in time order. */
static int health_finish(mt_rowset_cursor *rcur, mt_ctx *ctx, const mt_args *use, char **pzErr){
  health_rows *c = rcur->rows;
  if( c->any_q ){
    void *entry = 0;
    const mt_store *st = 0;
    int rc = mt_store_acquire(ctx, use, &entry, &st, pzErr);
    if( rc==SQLITE_OK ) rc = attach_messages(c, st);
    if( entry ) mt_store_release(entry);
    if( rc ) return rc;
  }
  if( c->n > 1 ) qsort(c->rows, (size_t)c->n, sizeof(health_row), cmp_rows);
  return SQLITE_OK;
}

static int health_count(const mt_rowset_cursor *rc){ return ((const health_rows*)rc->rows)->n; }

static int health_column(mt_rowset_cursor *cur, sqlite3_context *ctx, int col){
  const health_row *r = &((const health_rows*)cur->rows)->rows[cur->i];
  switch( col ){
    case HL_UTC: mt_result_time(ctx, r->has_time, r->t_utc); break;
    case HL_TS: mt_result_time(ctx, r->has_time, r->t_local); break;
    case HL_HOST: sqlite3_result_text(ctx, r->host, -1, SQLITE_TRANSIENT); break;
    case HL_LEVEL: if( r->level ) sqlite3_result_text(ctx, r->level, -1, SQLITE_TRANSIENT); break;
    case HL_KIND: sqlite3_result_text(ctx, r->kind, -1, SQLITE_STATIC); break;
    case HL_TEXT: sqlite3_result_text(ctx, r->text, -1, SQLITE_TRANSIENT); break;
    case HL_FILE: if( r->file < cur->nfiles ) sqlite3_result_text(ctx, cur->files[r->file], -1, SQLITE_TRANSIENT); break;
    case HL_LINENO: sqlite3_result_int64(ctx, r->lineno); break;
    case HL_MID: if( r->mid>=0 ) sqlite3_result_int64(ctx, r->mid); break;
    case HL_STATUS: if( r->status ) sqlite3_result_text(ctx, r->status, -1, SQLITE_STATIC); break;
    case HL_QUARANTINE: if( r->qcopy ) sqlite3_result_text(ctx, r->qcopy, -1, SQLITE_TRANSIENT); break;
  }
  return SQLITE_OK;
}

static const mt_rowset_def health_def = {
  "mailtrace_health",
  "utc TEXT, ts TEXT, host TEXT, level TEXT, kind TEXT, text TEXT, file TEXT,"
  " lineno INTEGER, mid INTEGER, status TEXT, quarantine TEXT",
  0, HL_ARG1, 20, sizeof(health_rows),
  health_line, health_finish, health_clear, health_count, health_column
};

int mt_register_health(sqlite3 *db, mt_ctx *ctx){
  return mt_rowset_register(db, ctx, &health_def);
}
