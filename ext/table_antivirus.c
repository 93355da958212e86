/* SPDX-License-Identifier: MIT */
/*
** table_antivirus.c — mailtrace_antivirus: the anti-virus log (docs/format.md
** §8.4), one row per line that names a MID, checked against mail_logs.
**
**   SELECT * FROM mailtrace_antivirus('/var/log/esa/');     -- any sources
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT * FROM mailtrace_antivirus;                      -- the open sources
**   SELECT mid, engine, virus, part FROM mailtrace_antivirus WHERE kind = 'virus';
**   SELECT * FROM mailtrace_antivirus WHERE agrees = 0;     -- the two logs disagree
**
** Columns: host, mid, utc, engine (sophos, mcafee), rank (the number after
** the MID, as logged), kind ('result', 'virus', 'error', 'limit',
** 'timeout', 'other'), result (the Result's word: CLEAN, VIRAL, …; VIRAL for
** a virus line, ENCRYPTED for an 'Encrypted' error, else ERROR, LIMIT,
** TIMEOUT), virus, part (body.scan/<file>[/<member>]), error, error_code,
** scan_limit, detail (the words of a time-out or other line), flags (what
** follows a virus line's part), then what mail_logs says of the same (host,
** MID): mail_logs_verdict (its `antivirus <verdict>`, as the messages
** table's `virus` column), mail_logs_viruses, agrees and check.
**
** agrees compares the message's verdict from all its anti-virus log lines
** (positive when one names a virus; else encrypted, unscannable, negative
** from the Result lines and errors) with mail_logs' verdict: 1 the same
** (repaired counts as positive; a message whose scan hit a limit, an error
** or a time-out agrees with unscannable or encrypted), 0 not the same, or a
** virus line whose virus mail_logs' list does not name; NULL when mail_logs
** does not have the message or its verdict, or when the anti-virus log
** gives no verdict (only limits, errors, time-outs).  docs/otherlogs.md.
**
** The rows come from one pass over the lines (anti-virus log lines only:
** the log_type rule of logtype.h); the mail_logs side is the cached entity
** store.  SQLITE_VTAB_DIRECTONLY.  The walk, the plan (arguments only:
** idxNum = their number, argv in argument order) and the cursor are
** tables.c's mt_rowset; this file holds the columns and the row rules.
*/
#include "cache.h"
#include "events.h"
#include "logtype.h"
#include "entities.h"
#include "av.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { AC_HOST, AC_MID, AC_UTC, AC_ENGINE, AC_RANK, AC_KIND, AC_RESULT, AC_VIRUS, AC_PART, AC_ERROR,
       AC_ERROR_CODE, AC_LIMIT, AC_DETAIL, AC_FLAGS, AC_ML_VERDICT, AC_ML_VIRUSES, AC_AGREES,
       AC_CHECK, AC_ARG1 };

static const char *const azKind[] = { 0, "result", "virus", "error", "limit", "timeout", "other" };

typedef struct av_row {
  char *host;
  int64_t mid;
  int kind;                 /* MT_AV_* */
  int has_time; int64_t utc;
  char *engine, *rank, *result, *virus, *part, *error, *code, *limit, *detail, *flags;
  char *ml_verdict, *ml_viruses;
  int agrees;               /* 1, 0, -1: unknown */
  char *check;
  const char *group_av;     /* the verdict of the row's (host, MID) from all its lines (static) */
  int stopped;              /* and whether its scan stopped somewhere */
} av_row;

typedef struct av_rows {
  av_row *rows; int n, cap;
} av_rows;

static void rows_free(mt_rowset_cursor *rc, int all){
  av_rows *c = rc->rows;
  int i;
  for(i=0; i<c->n; i++){
    av_row *r = &c->rows[i];
    sqlite3_free(r->host); sqlite3_free(r->engine); sqlite3_free(r->rank); sqlite3_free(r->result);
    sqlite3_free(r->virus); sqlite3_free(r->part); sqlite3_free(r->error); sqlite3_free(r->code);
    sqlite3_free(r->limit); sqlite3_free(r->detail); sqlite3_free(r->flags); sqlite3_free(r->check);
    sqlite3_free(r->ml_verdict); sqlite3_free(r->ml_viruses);
  }
  c->n = 0;
  if( all ){ sqlite3_free(c->rows); c->rows = 0; c->cap = 0; }
}

/* A span as a new string (NULL when absent); *pOk = 0 when out of memory. */
static char *dup(const mt_span *s, int *pOk){
  char *z;
  if( !s->p || s->n<=0 ) return 0;
  z = sqlite3_mprintf("%.*s", s->n, s->p);
  if( !z ) *pOk = 0;
  return z;
}

static int add_row(av_rows *c, const mt_scan *s, const mt_av *a){
  av_row *r;
  int ok = 1;
  const char *w;
  if( mt_sqlite_grow(&c->rows, &c->cap, c->n+1, sizeof(av_row)) ) return SQLITE_NOMEM;
  r = &c->rows[c->n++];
  memset(r, 0, sizeof(*r));
  r->mid = a->mid;
  r->kind = a->kind;
  r->has_time = s->has_time; r->utc = s->t_utc;
  r->agrees = -1;
  r->host = sqlite3_mprintf("%.*s", s->host_len, s->host);
  if( !r->host ) ok = 0;
  r->engine = dup(&a->engine, &ok);
  r->rank = dup(&a->rank, &ok);
  if( a->kind==MT_AV_RESULT ){
    r->result = dup(&a->result, &ok);
    if( r->result ){ char *q; for(q=r->result; *q; q++) if( *q>='a' && *q<='z' ) *q -= 32; }
    if( a->names.p ){
      mt_span v = a->names;   /* ('W32/X') → W32/X; a list stays as logged */
      if( v.n>=2 && v.p[0]=='\'' && v.p[v.n-1]=='\'' && !memchr(v.p + 1, '\'', (size_t)(v.n - 2)) ){ v.p++; v.n -= 2; }
      r->virus = dup(&v, &ok);
    }
  }else if( (w = mt_av_result_word(a))!=0 ){
    r->result = sqlite3_mprintf("%s", w);
    if( !r->result ) ok = 0;
  }
  if( a->kind==MT_AV_VIRUS ) r->virus = dup(&a->names, &ok);
  r->part = dup(&a->part, &ok);
  r->flags = dup(&a->flags, &ok);
  r->error = dup(&a->error, &ok);
  r->code = dup(&a->code, &ok);
  r->limit = dup(&a->limit, &ok);
  r->detail = dup(&a->text, &ok);
  return ok ? SQLITE_OK : SQLITE_NOMEM;
}

/* The mail_logs verdict a Result word stands for ("" none). */
static const char *verdict_of_word(const char *w){
  if( !w ) return "";
  if( strcmp(w, "CLEAN")==0 ) return "negative";
  if( strcmp(w, "VIRAL")==0 ) return "positive";
  if( strcmp(w, "ENCRYPTED")==0 ) return "encrypted";
  if( strcmp(w, "UNSCANNABLE")==0 ) return "unscannable";
  if( strcmp(w, "REPAIRED")==0 ) return "repaired";
  return "";
}

/* Rows i..j-1 are one (host, MID): the message's verdict from its lines
** (positive > encrypted > unscannable > repaired > negative; "" none) and
** whether its scan stopped somewhere (a limit, an error, a time-out). */
static const char *group_verdict(const av_rows *c, const int *ix, int i, int j, int *pStopped){
  static const char *const rank[] = { "", "negative", "repaired", "unscannable", "encrypted", "positive" };
  int best = 0, k, x;
  *pStopped = 0;
  for(k=i; k<j; k++){
    const av_row *r = &c->rows[ix[k]];
    const char *v = r->kind==MT_AV_RESULT || r->kind==MT_AV_VIRUS || r->kind==MT_AV_ERROR
                  ? verdict_of_word(r->result) : "";
    if( r->kind==MT_AV_ERROR || r->kind==MT_AV_LIMIT || r->kind==MT_AV_TIMEOUT ) *pStopped = 1;
    for(x=1; x<6; x++) if( strcmp(v, rank[x])==0 && x>best ) best = x;
  }
  return rank[best];
}

/* Is virus `v` in mail_logs' list "a, b, c"? */
static int in_list(const char *list, const char *v){
  size_t n = strlen(v);
  const char *p = list;
  while( p && *p ){
    const char *e = strstr(p, ", ");
    size_t k = e ? (size_t)(e - p) : strlen(p);
    if( k==n && strncmp(p, v, n)==0 ) return 1;
    p = e ? e + 2 : 0;
  }
  return 0;
}

/* Compare one row with mail_logs' verdict of its message. */
static int cross_check(av_row *r, const mt_store *st, const char *av, int stopped){
  int h = mt_store_host(st, r->host), m = h>=0 && r->mid>=0 ? mt_store_msg(st, h, r->mid) : -1;
  const char *ml;
  if( m<0 ){
    r->check = sqlite3_mprintf("not in mail_logs");
    return r->check ? SQLITE_OK : SQLITE_NOMEM;
  }
  ml = st->msgs[m].virus;
  if( (ml && !(r->ml_verdict = sqlite3_mprintf("%s", ml)))
   || (st->msgs[m].virus_names && !(r->ml_viruses = sqlite3_mprintf("%s", st->msgs[m].virus_names))) ){
    return SQLITE_NOMEM;
  }
  if( !ml ){
    r->check = sqlite3_mprintf("mail_logs has this message but no anti-virus verdict for it");
  }else if( r->kind==MT_AV_VIRUS && r->virus && r->ml_viruses && (!strcmp(ml, "positive") || !strcmp(ml, "repaired"))
         && !in_list(r->ml_viruses, r->virus) ){
    r->agrees = 0;
    r->check = sqlite3_mprintf("both positive, but mail_logs names %s, not %s", r->ml_viruses, r->virus);
  }else if( !*av ){
    if( stopped && (!strcmp(ml, "unscannable") || !strcmp(ml, "encrypted")) ){
      r->agrees = 1;
      r->check = sqlite3_mprintf("agrees: the scan did not finish, mail_logs says %s", ml);
    }else{
      r->check = sqlite3_mprintf("not compared: the anti-virus log gives no verdict for this message "
                                 "(a limit, an error or a time-out), mail_logs says %s", ml);
    }
  }else if( strcmp(av, ml)==0 || (!strcmp(av, "positive") && !strcmp(ml, "repaired")) ){
    const char *own = r->kind==MT_AV_RESULT ? verdict_of_word(r->result) : av;
    r->agrees = 1;
    if( *own && strcmp(own, av)!=0 ){   /* one engine's CLEAN, another's virus */
      r->check = sqlite3_mprintf("agrees: %s in both (this line says %s; another line of the message says %s)",
                                 ml, r->result, av);
    }else{
      r->check = sqlite3_mprintf("agrees: %s in both", ml);
    }
  }else if( stopped && strcmp(av, "positive")!=0 && (!strcmp(ml, "unscannable") || !strcmp(ml, "encrypted")) ){
    r->agrees = 1;
    r->check = sqlite3_mprintf("agrees: the scan did not finish, mail_logs says %s", ml);
  }else{
    r->agrees = 0;
    r->check = sqlite3_mprintf("the anti-virus log says %s, mail_logs says %s%s%s%s", av, ml,
                               r->ml_viruses ? " (" : "", r->ml_viruses ? r->ml_viruses : "",
                               r->ml_viruses ? ")" : "");
  }
  return r->check ? SQLITE_OK : SQLITE_NOMEM;
}

/* Row order by (host, MID), then log order. */
static int cmp_row(const void *x, const void *y, void *arg){
  const av_row *rows = arg, *a = &rows[*(const int*)x], *b = &rows[*(const int*)y];
  int c = strcmp(a->host, b->host);
  if( c ) return c;
  if( a->mid!=b->mid ) return a->mid < b->mid ? -1 : 1;
  return *(const int*)x - *(const int*)y;
}

/* One line: an anti-virus log line that names a MID is a row. */
static int av_line(mt_rowset_cursor *rc, const mt_scan *s){
  mt_event ev;
  mt_av av;
  if( s->ln.form==MT_FORM_NONE ) return SQLITE_OK;
  if( mt_line_event(&s->ln, s->file_type, &ev)!=MT_LOG_AV || ev.mid<0 ) return SQLITE_OK;
  if( !mt_av_parse(s->ln.body, s->ln.body_len, &av) || av.mid<0 ) return SQLITE_OK;
  return add_row(rc->rows, s, &av);
}

/* After the pass: each row against mail_logs' entity store, with the
** verdict of its (host, MID) from all the message's lines. */
static int av_check(void *arg, int row, const mt_store *st){
  av_row *r = &((av_rows*)arg)->rows[row];
  return cross_check(r, st, r->group_av, r->stopped);
}

static int av_finish(mt_rowset_cursor *rc, mt_ctx *ctx, const mt_args *use, char **pzErr){
  av_rows *c = rc->rows;
  int *ix, i, j, k;
  if( c->n==0 ) return SQLITE_OK;
  ix = sqlite3_malloc64(sizeof(int)*(size_t)c->n);
  if( !ix ) return SQLITE_NOMEM;
  for(i=0; i<c->n; i++) ix[i] = i;
  qsort_r(ix, (size_t)c->n, sizeof(int), cmp_row, c->rows);
  for(i=0; i<c->n; i=j){
    int stopped;
    const char *av;
    for(j=i+1; j<c->n && c->rows[ix[j]].mid==c->rows[ix[i]].mid
               && strcmp(c->rows[ix[j]].host, c->rows[ix[i]].host)==0; j++){}
    av = group_verdict(c, ix, i, j, &stopped);
    for(k=i; k<j; k++){ c->rows[ix[k]].group_av = av; c->rows[ix[k]].stopped = stopped; }
  }
  sqlite3_free(ix);
  return mt_store_check_rows(ctx, use, c->n, av_check, c, pzErr);
}

static int av_count(const mt_rowset_cursor *rc){ return ((const av_rows*)rc->rows)->n; }

static void text(sqlite3_context *ctx, const char *z){
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

static int av_column(mt_rowset_cursor *cur, sqlite3_context *ctx, int col){
  const av_row *r = &((const av_rows*)cur->rows)->rows[cur->i];
  switch( col ){
    case AC_HOST: text(ctx, r->host); break;
    case AC_MID: sqlite3_result_int64(ctx, r->mid); break;
    case AC_UTC: mt_result_time(ctx, r->has_time, r->utc); break;
    case AC_ENGINE: text(ctx, r->engine); break;
    case AC_RANK: text(ctx, r->rank); break;
    case AC_KIND: text(ctx, r->kind>0 && r->kind<=MT_AV_OTHER ? azKind[r->kind] : 0); break;
    case AC_RESULT: text(ctx, r->result); break;
    case AC_VIRUS: text(ctx, r->virus); break;
    case AC_PART: text(ctx, r->part); break;
    case AC_ERROR: text(ctx, r->error); break;
    case AC_ERROR_CODE: text(ctx, r->code); break;
    case AC_LIMIT: text(ctx, r->limit); break;
    case AC_DETAIL: text(ctx, r->detail); break;
    case AC_FLAGS: text(ctx, r->flags); break;
    case AC_ML_VERDICT: text(ctx, r->ml_verdict); break;
    case AC_ML_VIRUSES: text(ctx, r->ml_viruses); break;
    case AC_AGREES: if( r->agrees>=0 ) sqlite3_result_int(ctx, r->agrees); break;
    case AC_CHECK: text(ctx, r->check); break;
  }
  return SQLITE_OK;
}

static const mt_rowset_def av_def = {
  "mailtrace_antivirus",
  "host TEXT, mid INTEGER, utc TEXT, engine TEXT, rank TEXT, kind TEXT, result TEXT,"
  " virus TEXT, part TEXT, error TEXT, error_code TEXT, scan_limit TEXT, detail TEXT, flags TEXT,"
  " mail_logs_verdict TEXT, mail_logs_viruses TEXT, agrees INTEGER, \"check\" TEXT",
  0, AC_ARG1, 100, sizeof(av_rows),
  av_line, av_finish, rows_free, av_count, av_column
};

int mt_register_antivirus(sqlite3 *db, mt_ctx *ctx){
  return mt_rowset_register(db, ctx, &av_def);
}
