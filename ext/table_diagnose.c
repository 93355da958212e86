/* SPDX-License-Identifier: MIT */
/*
** table_diagnose.c — mailtrace_diagnose: why was it (not) received?
**
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT utc, remote_ip, mid, stage, verdict, explain, evidence
**     FROM mailtrace_diagnose WHERE ip = '192.0.2.10';
**   SELECT * FROM mailtrace_diagnose WHERE sender = 'orders@sender.example'
**                                      AND since = '2026-11-02 00:00:00';
**   SELECT * FROM mailtrace_diagnose('198.51.100.7');       -- positional: ip
**   SELECT * FROM mailtrace_diagnose WHERE ip = '192.0.2.10'
**                                      AND source = '/var/log/esa/';  -- no mailtrace_open
**
** Filters (any subset, as equality constraints on hidden columns, in this
** order for the positional form): ip, cidr, sender, domain, recipient,
** since, until, tz, rcpt_domain, message_id, subject; and `host = ?` on the
** visible host column.  since/until are "YYYY-MM-DD[ HH:MM:SS]" in UTC, or in
** the zone tz names ("+0100", "-05:00"), since inclusive, until exclusive.
** Values are checked and normalised first (filters.c): spaces trimmed, the
** <> of an address or Message-ID stripped; a value of the wrong form or type
** is an error naming the filter and the form it wants.  NULL skips a filter.
** Addresses and domains match case-insensitively; message_id exactly;
** subject as a case-insensitive piece of the logged or decoded subject.
**
** The logs: the hidden column `source` (= one source, or IN (...) several
** sources and options), else the sources of the last mailtrace_open(); the
** same store cache either way.
**
** One row per connection that carried no message and per message (per
** recipient when `recipient` is given): utc, ts, host, remote_ip, icid,
** mid, mail_from, rcpt_to, stage, verdict, explain, reason_class,
** evidence ("file:lineno: the line", read back from the byte offset the
** store kept), family (per original recipient, where its copy went across
** split, rewrite and generated children), started_before_logs.  Every
** filter applies to each row's own values.  When filters find nothing, one
** row says "never connected" (or "not covered by the logs", or "never
** connected where the logs cover" when silences inside files meet the
** window), which files, hosts and times were searched, and whether the
** year or zone was guessed; when no line of the sources is a Cisco mail log
** line, one row says so.  The rules are in diagnose.c.
*/
#include "cache.h"
#include "diagnose.h"
#include "logtype.h"
#include "filters.h"
#include "mime.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { DG_UTC, DG_TS, DG_HOST, DG_REMOTE_IP, DG_ICID, DG_MID, DG_MAIL_FROM, DG_RCPT_TO, DG_STAGE,
       DG_VERDICT, DG_EXPLAIN, DG_REASON_CLASS, DG_EVIDENCE, DG_FAMILY, DG_STARTED_BEFORE,
       DG_IP, DG_CIDR, DG_SENDER, DG_DOMAIN, DG_RECIPIENT, DG_SINCE, DG_UNTIL, DG_TZ,
       DG_RCPT_DOMAIN, DG_MESSAGE_ID, DG_SUBJECT, DG_NFILTER = 11 };
/* After the filters: the logs to read (hidden), the live checks
** (table_check.c: what to run next and its result, visible), and the option
** that allows network traffic (hidden, off by default). */
enum { DG_SOURCE = DG_SUBJECT + 1, DG_SUGGEST, DG_LIVE_RESULT, DG_LIVE };

/* The filters' names (the hidden columns) and the form each wants (-1: only
** trimmed here, checked by its own parser below). */
static const char *const azFilter[DG_NFILTER] = {
  "ip", "cidr", "sender", "domain", "recipient", "since", "until", "tz", "rcpt_domain",
  "message_id", "subject" };
static const int aFilterKind[DG_NFILTER] = {
  MT_FILTER_IP, -1, MT_FILTER_ADDR, MT_FILTER_DOMAIN, MT_FILTER_ADDR, -1, -1, -1, MT_FILTER_DOMAIN,
  MT_FILTER_MSGID, MT_FILTER_TEXT };

/* A row is what it is about, not its words: a connection or a message of
** the store (with one recipient, or all), its sort keys, the few facts the
** filter step needs, and its deciding line's text.  The verdict's words
** (verdict, explain, family) and the row's names (host, addresses) are made
** again from the store when the row is read (row_words): a diagnosis of a
** whole log keeps 120 bytes a row and its evidence line instead of its texts (the 1 GiB bench
** log's unfiltered diagnosis held 415 MB of them).  The two rows made here
** with words of their own (never_row, not_mail_logs_row) keep them in a
** dg_text. */
enum { DG_ROW_CONN, DG_ROW_MSG, DG_ROW_TEXT };
typedef struct dg_text { char *host, *remote_ip, *mail_from, *rcpt_to, *verdict, *explain; } dg_text;
typedef struct dg_row {
  int64_t t_utc, t_local;
  int64_t icid, mid;
  mt_where ev;                /* the deciding line (lineno 0: none) */
  int32_t idx, rcpt;          /* conns[idx] or msgs[idx]; the recipient row asked about, -1 all */
  unsigned char kind, has_time, started_before_logs, suggest;   /* suggest: reverse_dns() applies */
  uint32_t ev_len;            /* the deciding line's text: ev_text[0..ev_len), NULL none */
  const char *ev_text;        /* (in the cursor's text blocks) */
  const char *stage, *reason_class;
  const char *ip;             /* the store's remote_ip of the row (a message: its connection's) */
  char *live;                 /* the live check's result (live = on) */
  dg_text *text;              /* DG_ROW_TEXT: its words */
} dg_row;

/* The deciding lines' text, in blocks that never move. */
typedef struct dg_blk { struct dg_blk *next; size_t used, cap; char data[]; } dg_blk;
#define DG_BLK ((size_t)1 << 20)

typedef struct dg_cursor {
  sqlite3_vtab_cursor base;   /* first: SQLite sees a sqlite3_vtab_cursor */
  dg_row *rows;
  int n, cap, i;
  void *entry;                /* the store the rows are of, held until the next filter or close */
  const mt_store *st;
  dg_blk *blk;                /* the deciding lines' text */
  int vi;                     /* the row whose words are in v and to (-1 none) */
  mt_verdict v;
  char *to;                   /* that message row's recipients, joined */
} dg_cursor;

static int dgConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                     sqlite3_vtab **ppVtab, char **pzErr){
  (void)argc; (void)argv; (void)pzErr;
  /* DIRECTONLY: it reads the log files of mailtrace_open(). */
  return mt_vtab_connect(db, pAux,
    "CREATE TABLE x(utc TEXT, ts TEXT, host TEXT, remote_ip TEXT, icid INTEGER, mid INTEGER,"
    " mail_from TEXT, rcpt_to TEXT, stage TEXT, verdict TEXT, explain TEXT, reason_class TEXT,"
    " evidence TEXT, family TEXT, started_before_logs INTEGER, ip HIDDEN, cidr HIDDEN, sender HIDDEN, domain HIDDEN, recipient HIDDEN,"
    " since HIDDEN, until HIDDEN, tz HIDDEN, rcpt_domain HIDDEN, message_id HIDDEN, subject HIDDEN,"
    " source HIDDEN, suggest TEXT, live_result TEXT, live HIDDEN)",
    1, ppVtab);
}

/* idxNum bit i (0..DG_NFILTER-1): filter i given (the order of azFilter);
** bit DG_NFILTER: host = ?; bit DG_NFILTER+1: source = ?, bit DG_NFILTER+2:
** ... as an IN list; bit DG_NFILTER+3: live = ?.  argv in that order. */
#define DG_BIT_HOST   (1<<DG_NFILTER)
#define DG_BIT_SOURCE (1<<(DG_NFILTER+1))
#define DG_BIT_IN     (1<<(DG_NFILTER+2))
#define DG_BIT_LIVE   (1<<(DG_NFILTER+3))
static int dgBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  int at[DG_NFILTER+1], i, n = 0, iSource = -1, iLive = -1;
  (void)pVtab;
  for(i=0; i<=DG_NFILTER; i++) at[i] = -1;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( c->iColumn==DG_SOURCE ){
      if( !c->usable ) return SQLITE_CONSTRAINT;
      iSource = i;
    }else if( c->iColumn==DG_LIVE ){
      if( !c->usable ) return SQLITE_CONSTRAINT;
      iLive = i;
    }else if( c->iColumn>=DG_IP && c->iColumn<DG_IP+DG_NFILTER ){
      if( !c->usable ) return SQLITE_CONSTRAINT;
      at[c->iColumn - DG_IP] = i;
    }else if( c->iColumn==DG_HOST && c->usable ){
      at[DG_NFILTER] = i;
    }
  }
  p->idxNum = 0;
  for(i=0; i<=DG_NFILTER; i++){
    if( at[i]<0 ) continue;
    p->aConstraintUsage[at[i]].argvIndex = ++n;
    p->aConstraintUsage[at[i]].omit = i<DG_NFILTER;    /* host: SQLite checks it too */
    p->idxNum |= 1<<i;
  }
  if( iSource>=0 ){
    p->idxNum |= DG_BIT_SOURCE;
    if( mt_plan_source(p, iSource, &n)==MT_SOURCE_IN ) p->idxNum |= DG_BIT_IN;
  }
  if( iLive>=0 ){                                     /* last in argv */
    p->aConstraintUsage[iLive].argvIndex = ++n;
    p->aConstraintUsage[iLive].omit = 1;
    p->idxNum |= DG_BIT_LIVE;
  }
  p->estimatedCost = 1e5 / (1 + n);
  p->estimatedRows = 20;
  return SQLITE_OK;
}

static int dgOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  dg_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  c->vi = -1;
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void text_free(dg_text *t){
  if( !t ) return;
  sqlite3_free(t->host); sqlite3_free(t->remote_ip); sqlite3_free(t->mail_from);
  sqlite3_free(t->rcpt_to); sqlite3_free(t->verdict); sqlite3_free(t->explain);
  sqlite3_free(t);
}

static void dg_reset(dg_cursor *c){
  int i;
  for(i=0; i<c->n; i++){
    sqlite3_free(c->rows[i].live);
    text_free(c->rows[i].text);
  }
  while( c->blk ){ dg_blk *b = c->blk; c->blk = b->next; sqlite3_free(b); }
  sqlite3_free(c->to); c->to = 0;
  c->vi = -1;
  if( c->entry ) mt_store_release(c->entry);
  c->entry = 0; c->st = 0;
  c->n = 0; c->i = 0;
}

static int dgClose(sqlite3_vtab_cursor *cur){
  dg_cursor *c = (dg_cursor*)cur;
  dg_reset(c);
  sqlite3_free(c->rows);
  sqlite3_free(c);
  return SQLITE_OK;
}

static char *dup_or_null(const char *z){ return z ? sqlite3_mprintf("%s", z) : 0; }

static dg_row *new_row(dg_cursor *c){
  dg_row *r;
  if( mt_sqlite_grow(&c->rows, &c->cap, c->n+1, sizeof(dg_row)) ) return 0;
  r = &c->rows[c->n++];
  memset(r, 0, sizeof(*r));
  r->icid = r->mid = -1;
  r->idx = r->rcpt = -1;
  return r;
}

/* Does a verdict rest on the sender's reverse DNS (dropped before any
** command: the banner waited on the PTR lookup)?  Then reverse_dns() on
** its IP is suggested (live_checks). */
static int dns_verdict(const char *verdict){
  return verdict && (strcmp(verdict, "dropped before any command")==0 || strstr(verdict, "banner"));
}

/* A row of a connection (kind DG_ROW_CONN) or message (DG_ROW_MSG) of the
** store, at time w, with what the filter step needs of its verdict v. */
static dg_row *store_row(dg_cursor *c, int kind, int idx, int rcpt, const mt_when *w, const char *ip,
                         int64_t icid, int64_t mid, const mt_verdict *v){
  dg_row *r = new_row(c);
  if( !r ) return 0;
  r->kind = (unsigned char)kind; r->idx = idx; r->rcpt = rcpt;
  r->has_time = mt_when_set(*w);
  r->t_local = w->local;
  r->t_utc = r->has_time ? mt_when_utc(*w) : 0;
  r->ip = ip;
  r->icid = icid; r->mid = mid;
  r->stage = v->stage;
  r->reason_class = v->reason_class;
  r->ev = v->evidence;
  r->started_before_logs = (unsigned char)(v->started_before_logs!=0);
  r->suggest = (unsigned char)(ip && dns_verdict(v->verdict));
  return r;
}

/* A message row's recipients, as the row shows them: every recipient with
** an address and a RID, ", " between them, into *pz (NULL: none).
** SQLITE_OK, or SQLITE_NOMEM. */
static int rcpt_list(const mt_store *st, int mi, char **pz){
  sqlite3_str *to = sqlite3_str_new(0);
  int r, rc;
  for(r=st->msgs[mi].first_rcpt; r>=0; r=st->rcpts[r].next){
    if( st->rcpts[r].rid<0 || !st->rcpts[r].rcpt_to ) continue;
    sqlite3_str_appendf(to, "%s%s", sqlite3_str_length(to) ? ", " : "", st->rcpts[r].rcpt_to);
  }
  rc = sqlite3_str_errcode(to);
  *pz = sqlite3_str_finish(to);      /* (NULL for no recipient too) */
  return rc;
}

/* The words of row i (made again from the store, as when the row was
** made: the store does not change while the cursor holds it) into c->v and
** c->to.  SQLITE_OK, or SQLITE_NOMEM. */
static int row_words(dg_cursor *c, int i){
  const dg_row *r = &c->rows[i];
  if( c->vi==i ) return SQLITE_OK;
  sqlite3_free(c->to); c->to = 0;
  c->vi = -1;
  if( r->kind==DG_ROW_CONN ) mt_diagnose_conn(c->st, r->idx, &c->v);
  else if( r->kind==DG_ROW_MSG ){
    mt_diagnose_msg(c->st, r->idx, r->rcpt, &c->v);
    if( r->rcpt<0 && rcpt_list(c->st, r->idx, &c->to) ) return SQLITE_NOMEM;
  }
  c->vi = i;
  return SQLITE_OK;
}

typedef struct dg_filter {
  const char *f[DG_NFILTER];  /* in the order of azFilter */
  const char *host;
  int64_t since, until;
  int has_since, has_until;
} dg_filter;

static int time_ok(const dg_filter *F, const mt_when *w){
  int64_t t;
  if( !F->has_since && !F->has_until ) return 1;
  if( !mt_when_set(*w) ) return 0;
  t = mt_when_utc(*w);
  return (!F->has_since || t >= F->since) && (!F->has_until || t < F->until);
}

/* `have` equals what was typed: surrounding blanks and one pair of <>
** ignored; case-insensitively when nocase (addresses, domains). */
static int typed_eq(const char *have, const char *typed, int nocase){
  size_t n;
  if( !have || !typed ) return 0;
  while( *typed==' ' ) typed++;
  n = strlen(typed);
  while( n && typed[n-1]==' ' ) n--;
  if( n>=2 && typed[0]=='<' && typed[n-1]=='>' ){ typed++; n -= 2; }
  if( have[0]=='<' ){
    size_t h = strlen(have);
    if( h>=2 && have[h-1]=='>' ) return h-2==n && (nocase ? strncasecmp(have+1, typed, n) : strncmp(have+1, typed, n))==0;
  }
  return strlen(have)==n && (nocase ? strncasecmp(have, typed, n) : strncmp(have, typed, n))==0;
}

/* The domain of an address equals a typed domain ("example.com", "@example.com"). */
static int domain_eq(const char *addr, const char *d){
  const char *at = addr ? strrchr(addr, '@') : 0;
  while( d && (*d==' ' || *d=='@') ) d++;
  return at && typed_eq(at+1, d, 1);
}

/* The subject filter: a case-insensitive piece of the subject, as logged or
** decoded (RFC 2047), so what the user sees in the mail client matches. */
static int subject_ok(const char *want, const char *subject){
  char buf[1024];
  size_t n;
  if( !subject ) return 0;
  n = strlen(subject);
  if( mt_contains_nocase(subject, n, want) ) return 1;
  if( !mt_rfc2047_has_words(subject, n) ) return 0;
  n = mt_rfc2047_decode(subject, n, buf, sizeof(buf));
  return mt_contains_nocase(buf, n, want);
}

static int sender_ok(const dg_filter *F, const mt_msg *m){
  const char *s = F->f[2], *d = F->f[3];
  if( s && !typed_eq(m->mail_from, s, 1) ) return 0;
  if( d && !domain_eq(m->mail_from, d) ) return 0;
  if( F->f[DG_MESSAGE_ID - DG_IP] && !typed_eq(m->message_id, F->f[DG_MESSAGE_ID - DG_IP], 0) ) return 0;
  if( F->f[DG_SUBJECT - DG_IP] && !subject_ok(F->f[DG_SUBJECT - DG_IP], m->subject) ) return 0;
  return 1;
}

/* A recipient matches `recipient` and `rcpt_domain` (those given). */
static int rcpt_ok(const dg_filter *F, const char *to){
  if( F->f[4] && !typed_eq(to, F->f[4], 1) ) return 0;
  if( F->f[DG_RCPT_DOMAIN - DG_IP] && !domain_eq(to, F->f[DG_RCPT_DOMAIN - DG_IP]) ) return 0;
  return 1;
}

/* A message's time: its Start MID, or (none in these logs) its first line:
** a split or rewritten child's creation, the first line of a message that
** began before the logs. */
static const mt_when *msg_when(const mt_msg *m){
  return mt_when_set(m->start) ? &m->start : mt_when_set(m->first) ? &m->first : &m->end;
}

/* A connection's time: its New SMTP ICID, or its first line in these logs. */
static const mt_when *conn_when(const mt_conn *k){
  return mt_when_set(k->start) ? &k->start : mt_when_set(k->first) ? &k->first : &k->end;
}

/* Rows for one message: per matching recipient when `recipient` is asked,
** else one row with every recipient. */
static int msg_rows(dg_cursor *c, const mt_store *st, const dg_filter *F, int mi, const char *ip){
  const mt_msg *m = &st->msgs[mi];
  int r;
  if( !time_ok(F, msg_when(m)) || !sender_ok(F, m) ) return SQLITE_OK;
  if( F->f[4] || F->f[DG_RCPT_DOMAIN - DG_IP] ){
    for(r=m->first_rcpt; r>=0; r=st->rcpts[r].next){
      if( !st->rcpts[r].rcpt_to || !rcpt_ok(F, st->rcpts[r].rcpt_to) ) continue;
      mt_diagnose_msg(st, mi, r, &c->v);
      if( !store_row(c, DG_ROW_MSG, mi, r, msg_when(m), ip, m->icid, m->mid, &c->v) ) return SQLITE_NOMEM;
    }
    return SQLITE_OK;
  }
  mt_diagnose_msg(st, mi, -1, &c->v);
  return store_row(c, DG_ROW_MSG, mi, -1, msg_when(m), ip, m->icid, m->mid, &c->v) ? SQLITE_OK : SQLITE_NOMEM;
}

/* "file:lineno: text" for every row's deciding line.  The store knows each
** line's byte offset: per file, the rows are sorted by offset and the walk
** reads those lines (mt_scan_fetch: one forward pass that jumps, in a plain
** file, over what lies between them).  The interrupt is probed at every
** chunk. */
typedef struct ev_ref { int64_t off; int row; } ev_ref;
static int cmp_ref(const void *pa, const void *pb){
  const ev_ref *a = pa, *b = pb;
  return a->off < b->off ? -1 : a->off > b->off;
}

typedef struct ev_fetch {
  dg_cursor *c;
  const ev_ref *refs;
  sqlite3 *db;
} ev_fetch;

/* Keep a deciding line's text in the cursor's blocks.  0, or 1 when out of memory. */
static int ev_line(void *arg, int i, const char *line, size_t len){
  ev_fetch *x = arg;
  dg_cursor *c = x->c;
  dg_row *r = &c->rows[x->refs[i].row];
  dg_blk *b = c->blk;
  if( len > UINT32_MAX ) len = UINT32_MAX;
  if( !b || b->cap - b->used < len + 1 ){
    size_t cap = len + 1 > DG_BLK ? len + 1 : DG_BLK;
    if( !(b = sqlite3_malloc64(sizeof(dg_blk) + cap)) ) return 1;
    b->next = c->blk; b->used = 0; b->cap = cap;
    c->blk = b;
  }
  memcpy(b->data + b->used, line, len);
  b->data[b->used + len] = 0;
  r->ev_text = b->data + b->used;
  r->ev_len = (uint32_t)len;
  b->used += len + 1;
  return 0;
}

static int ev_stop(void *arg){ return mt_interrupted(((ev_fetch*)arg)->db); }

static int fetch_evidence(dg_cursor *c, const mt_store *st, sqlite3 *db){
  ev_ref *refs;
  int64_t *offs;
  int f, i, nref, rc = SQLITE_OK;
  if( c->n==0 ) return SQLITE_OK;
  refs = sqlite3_malloc64(sizeof(ev_ref)*(size_t)c->n);
  offs = sqlite3_malloc64(sizeof(int64_t)*(size_t)c->n);
  if( !refs || !offs ){ sqlite3_free(refs); sqlite3_free(offs); return SQLITE_NOMEM; }
  for(f=0; f<st->nfile && rc==SQLITE_OK; f++){
    ev_fetch x;
    char *err = 0;
    int r;
    nref = 0;
    for(i=0; i<c->n; i++){
      const dg_row *rw = &c->rows[i];
      if( rw->ev.file==f && rw->ev.lineno>0 && !rw->ev_text ){ refs[nref].off = rw->ev.off; refs[nref].row = i; nref++; }
    }
    if( nref==0 ) continue;
    qsort(refs, (size_t)nref, sizeof(ev_ref), cmp_ref);
    for(i=0; i<nref; i++) offs[i] = refs[i].off;
    x.c = c; x.refs = refs; x.db = db;
    r = mt_scan_fetch(st->files[f], 0, offs, nref, ev_line, &x, ev_stop, &x, &err);
    free(err);                    /* unreadable now: the rows keep no evidence */
    if( r==1 ) rc = SQLITE_INTERRUPT;
    else if( r==-2 ) rc = SQLITE_NOMEM;
  }
  sqlite3_free(refs);
  sqlite3_free(offs);
  return rc;
}

static int cmp_rows(const void *pa, const void *pb){
  const dg_row *a = pa, *b = pb;
  if( a->t_utc!=b->t_utc ) return a->t_utc < b->t_utc ? -1 : 1;
  if( a->icid!=b->icid ) return a->icid < b->icid ? -1 : 1;
  return a->mid < b->mid ? -1 : a->mid > b->mid;
}

/* A gap of the asked host(s) that holds all of [lo, hi] (file f), or -1. */
static int gap_holding(const mt_store *st, const dg_filter *F, int f, int64_t lo, int64_t hi){
  int g;
  for(g=0; g<st->ngap; g++){
    const mt_gap *gp = &st->gaps[g];
    if( gp->file!=f || (F->host && strcmp(F->host, st->hosts[gp->host])!=0) ) continue;
    if( gp->from < lo && hi < gp->to ) return g;
  }
  return -1;
}

/* Nothing found: say what was searched, so "never connected" is a finding,
** and say what the logs cannot show: the window outside every file, a
** silence inside a file, a guessed year or zone. */
static int never_row(dg_cursor *c, const mt_store *st, const dg_filter *F){
  sqlite3_str *s = sqlite3_str_new(0);
  mt_verdict v;
  dg_row *r;
  int h, covered = 0, i, g, ntouch = 0, year_guess = 0, tz_guess = 0;
  int64_t lo = F->has_since ? F->since : INT64_MIN, hi = F->has_until ? F->until - 1 : INT64_MAX;
  char a[20], b[20];
  const char *verdict = "never connected";
  memset(&v, 0, sizeof(v));
  sqlite3_str_appendf(s, "No connection or message matches (");
  for(i=0; i<DG_NFILTER; i++){
    if( F->f[i] ) sqlite3_str_appendf(s, "%s%s=%s", i && sqlite3_str_length(s)>40 ? ", " : "", azFilter[i], F->f[i]);
  }
  sqlite3_str_appendf(s, ") in %d file(s);", st->nfile);
  for(h=0; h<st->nhost; h++){
    if( F->host && strcmp(F->host, st->hosts[h])!=0 ) continue;
    if( st->host_first[h]==INT64_MAX ) continue;
    mt_time_iso(st->host_first[h], a);
    mt_time_iso(st->host_last[h], b);
    sqlite3_str_appendf(s, " %s covers %s to %s UTC;", st->hosts[h], a, b);
  }
  for(i=0; i<st->nfile; i++){
    /* covered: the window meets a file's span somewhere outside its gaps */
    int64_t wl, wh;
    if( st->file_first[i]==INT64_MAX ) continue;
    if( st->file_year_src && st->file_year_src[i]==MT_SRC_GUESS ) year_guess = 1;
    if( st->file_tz_src && st->file_tz_src[i]==MT_SRC_GUESS ) tz_guess = 1;
    wl = lo > st->file_first[i] ? lo : st->file_first[i];
    wh = hi < st->file_last[i] ? hi : st->file_last[i];
    if( wl <= wh && gap_holding(st, F, i, wl, wh)<0 ) covered = 1;
  }
  if( !covered ){
    sqlite3_str_appendf(s, " the files span");
    for(i=0; i<st->nfile; i++){
      const char *nm;
      if( st->file_first[i]==INT64_MAX ) continue;
      nm = strrchr(st->files[i], '/');
      mt_time_iso(st->file_first[i], a);
      mt_time_iso(st->file_last[i], b);
      sqlite3_str_appendf(s, " %s (%s to %s)", nm ? nm+1 : st->files[i], a, b+11);
    }
    sqlite3_str_appendf(s, "; the window asked about lies before, after or in a gap between them or in a "
                        "silence inside one, so the logs cannot tell whether it connected.");
    verdict = "not covered by the logs";
  }else{
    for(g=0; g<st->ngap; g++){
      const mt_gap *gp = &st->gaps[g];
      const char *nm;
      if( F->host && strcmp(F->host, st->hosts[gp->host])!=0 ) continue;
      if( gp->to <= lo || gp->from >= hi ) continue;
      if( ntouch++ >= 3 ) continue;
      nm = strrchr(st->files[gp->file], '/');
      mt_time_iso(gp->from, a); mt_time_iso(gp->to, b);
      sqlite3_str_appendf(s, "%s %s logged nothing from %s to %s UTC (inside %s)", ntouch==1 ? "" : ";",
                          st->hosts[gp->host], a, b, nm ? nm+1 : st->files[gp->file]);
    }
    if( ntouch ){
      if( ntouch>3 ) sqlite3_str_appendf(s, " and in %d more silences (mailtrace_coverage.gaps_inside)", ntouch-3);
      sqlite3_str_appendf(s, ": no traffic, or lines missing from these logs, so the sender may have come "
                          "then. Where the logs do cover %s, it never reached this gateway.",
                          F->has_since || F->has_until ? "the window" : "the time");
      verdict = "never connected where the logs cover";
    }else{
      sqlite3_str_appendf(s, " the sender never reached this gateway in that time: check its MX lookup, "
                          "its outbound queue and any firewall in front of the gateway.");
    }
  }
  if( year_guess || tz_guess ){
    sqlite3_str_appendf(s, " The times are partly guessed:%s%s%s check them against the sender's, or give %s%s%s.",
      year_guess ? " the year of the syslog lines comes from the file's modification time (a copy made "
                   "later moves them into the wrong year)" : "",
      year_guess && tz_guess ? ";" : "",
      tz_guess ? " no 'Time offset from UTC' header, so UTC is assumed" : "",
      year_guess ? "year=YYYY" : "", year_guess && tz_guess ? " and " : "", tz_guess ? "tz=+HHMM" : "");
  }
  if( !(r = new_row(c)) || !(r->text = sqlite3_malloc(sizeof(dg_text))) ){
    sqlite3_free(sqlite3_str_finish(s));
    return SQLITE_NOMEM;
  }
  memset(r->text, 0, sizeof(dg_text));
  r->kind = DG_ROW_TEXT;
  r->text->explain = sqlite3_str_finish(s);
  r->text->host = sqlite3_mprintf("%s", F->host ? F->host : (st->nhost==1 ? st->hosts[0] : "*"));
  r->text->remote_ip = dup_or_null(F->f[0]);
  r->text->mail_from = dup_or_null(F->f[2]);
  r->text->rcpt_to = dup_or_null(F->f[4]);
  r->stage = "connection";
  r->text->verdict = dup_or_null(verdict);
  r->t_utc = INT64_MIN;
  return r->text->host && r->text->verdict && r->text->explain
      && (!F->f[0] || r->text->remote_ip) && (!F->f[2] || r->text->mail_from) && (!F->f[4] || r->text->rcpt_to)
         ? SQLITE_OK : SQLITE_NOMEM;
}

/* The filter values of argv (idxNum says which), checked and normalised
** into F->f[] (copies in own[], the caller frees them), the host into
** F->host, the `source` value into *ppSource.  A value of the wrong type or
** form is an error naming the filter and the form it wants. */
static int take_filters(sqlite3_vtab *vt, int idxNum, int argc, sqlite3_value **argv,
                        dg_filter *F, char **own, sqlite3_value **ppSource){
  int i, iv = 0;
  *ppSource = 0;
  for(i=0; i<=DG_NFILTER+1; i++){
    sqlite3_value *v;
    const char *z, *form;
    int t;
    if( !(idxNum & (1<<i)) || iv>=argc ) continue;
    v = argv[iv++];
    if( i==DG_NFILTER+1 ){ *ppSource = v; continue; }
    if( i==DG_NFILTER ){ F->host = (const char*)sqlite3_value_text(v); continue; }
    t = sqlite3_value_type(v);
    if( t==SQLITE_NULL ) continue;                  /* NULL skips a filter */
    form = aFilterKind[i]>=0 ? mt_filter_form(aFilterKind[i]) : "text";
    if( t!=SQLITE_TEXT ){
      mt_vtab_error(vt, "mailtrace_diagnose: %s wants %s as text, not %s %s", azFilter[i], form,
                    t==SQLITE_BLOB ? "a blob" : t==SQLITE_FLOAT ? "the real" : "the integer",
                    t==SQLITE_BLOB ? "" : (const char*)sqlite3_value_text(v));
      return SQLITE_ERROR;
    }
    z = (const char*)sqlite3_value_text(v);
    if( !z ) return SQLITE_NOMEM;
    if( !(own[i] = sqlite3_malloc64(strlen(z) + 1)) ) return SQLITE_NOMEM;
    if( mt_filter_norm(aFilterKind[i]>=0 ? aFilterKind[i] : MT_FILTER_TEXT, z, own[i], strlen(z) + 1) ){
      if( aFilterKind[i]>=0 ){
        mt_vtab_error(vt, "mailtrace_diagnose: %s wants %s, not '%s'", azFilter[i], form, z);
        return SQLITE_ERROR;
      }
      own[i][0] = 0;                                 /* empty: its own parser says what it wants */
    }
    F->f[i] = own[i];
  }
  return SQLITE_OK;
}

/* A row's remote_ip, or NULL. */
static const char *row_ip(const dg_row *r){ return r->kind==DG_ROW_TEXT ? r->text->remote_ip : r->ip; }

/* Where a verdict rests on the sender's reverse DNS (dropped before any
** command: the banner waited on the PTR lookup), suggest reverse_dns() on
** its IP; with live = on (or live = 'resolver=IP[:port] timeout=S'), run it,
** once per IP.  Logs alone never cause network traffic. */
static int live_checks(dg_cursor *c, mt_ctx *ctx, const char *live, char **pzErr){
  int i, j, on = live && *live && strcmp(live, "0")!=0 && strcasecmp(live, "off")!=0 && strcasecmp(live, "no")!=0;
  int opts = on && strchr(live, '=')!=0;
  for(i=0; i<c->n; i++){
    dg_row *r = &c->rows[i];
    int rc;
    /* (r->suggest was set with the row: its IP and verdict, dns_verdict) */
    if( r->kind==DG_ROW_TEXT ) r->suggest = (unsigned char)(r->text->remote_ip && dns_verdict(r->text->verdict));
    if( !r->suggest || !on ) continue;
    for(j=0; j<i; j++){
      if( c->rows[j].live && strcmp(row_ip(&c->rows[j]), row_ip(r))==0 ){
        if( !(r->live = sqlite3_mprintf("%s", c->rows[j].live)) ) return SQLITE_NOMEM;
        break;
      }
    }
    if( r->live ) continue;
    rc = mt_check_reverse_dns(ctx, row_ip(r), opts ? live : 0, &r->live, pzErr);
    if( rc ) return rc;
  }
  return SQLITE_OK;
}

/* No line of the sources is one the grammar knows: say so, instead of a
** verdict about mail that these files could never show. */
static int not_mail_logs_row(dg_cursor *c, const mt_store *st){
  sqlite3_str *s = sqlite3_str_new(0);
  mt_verdict v;
  dg_row *r;
  int64_t lines = 0;
  int i;
  char *z;
  for(i=0; i<st->nfile; i++) lines += st->file_lines ? st->file_lines[i] : 0;
  memset(&v, 0, sizeof(v));
  v.stage = "input";
  snprintf(v.verdict, sizeof(v.verdict), "%s", st->other_log_lines>0 ? "no mail_logs lines" : "not Cisco mail logs");
  if( st->other_log_lines>0 ){
    /* the gateway's other logs (logtype.h): recognised, but they make no
    ** connections or messages; say which, and where they are answered */
    int t, k = 0;
    sqlite3_str_appendf(s, "These files hold no mail_logs lines: %lld of %lld lines are the gateway's "
                        "other logs (", (long long)st->other_log_lines, (long long)lines);
    for(t=MT_LOG_NONE+1; t<MT_LOG_COUNT; t++){
      if( st->other_log_types & (1u<<t) ) sqlite3_str_appendf(s, "%s%s", k++ ? ", " : "", mt_logtype_name(t));
    }
    sqlite3_str_appendf(s, "), %lld unrecognised; see mailtrace_lines.log_type, mailtrace_bounces, "
                        "mailtrace_files and mailtrace_cef for what they say (",
                        (long long)(lines - st->other_log_lines));
  }else{
    sqlite3_str_appendf(s, "These files are not Cisco mail logs: %lld of %lld lines unrecognised (",
                        (long long)lines, (long long)lines);
  }
  for(i=0; i<st->nfile && i<5; i++) sqlite3_str_appendf(s, "%s%s", i ? ", " : "", st->files[i]);
  if( st->nfile>5 ) sqlite3_str_appendf(s, " and %d more", st->nfile - 5);
  if( st->nfile==0 ) sqlite3_str_appendf(s, "no files");
  sqlite3_str_appendf(s, "). mailtrace reads the gateway's text mail logs (the mail_logs "
                      "subscription: mail.current, mail.@....s); nothing can be said about any sender from these.");
  z = sqlite3_str_finish(s);
  if( !z ) return SQLITE_NOMEM;
  snprintf(v.explain, sizeof(v.explain), "%s", z);
  sqlite3_free(z);
  if( !(r = new_row(c)) || !(r->text = sqlite3_malloc(sizeof(dg_text))) ) return SQLITE_NOMEM;
  memset(r->text, 0, sizeof(dg_text));
  r->kind = DG_ROW_TEXT;
  r->text->host = sqlite3_mprintf("%s", st->nhost==1 ? st->hosts[0] : "*");
  r->stage = v.stage;
  r->text->verdict = dup_or_null(v.verdict);
  r->text->explain = dup_or_null(v.explain);
  r->t_utc = INT64_MIN;
  return r->text->host && r->text->verdict && r->text->explain ? SQLITE_OK : SQLITE_NOMEM;
}

/* 0 when lines were read and not one of them is a mail log line. */
static int known_lines(const mt_store *st){
  int64_t lines = 0;
  int i;
  if( !st->file_known || !st->file_lines ) return 1;   /* not counted (a store made another way) */
  for(i=0; i<st->nfile; i++){
    if( st->file_known[i] ) return 1;
    lines += st->file_lines[i];
  }
  return lines==0;                     /* nothing read: nothing to say about what it is */
}

static int dgFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                    int argc, sqlite3_value **argv){
  dg_cursor *c = (dg_cursor*)cur;
  mt_vtab *vt = (mt_vtab*)cur->pVtab;
  mt_ctx *ctx = vt->ctx;
  dg_filter F;
  mt_args a;
  void *entry = 0;
  const mt_store *st = 0;
  char *err = 0, *own[DG_NFILTER];
  sqlite3_value *source = 0;
  int rc, i, k, any = 0, tzoff = 0;
  const char *live = 0;
  (void)idxStr;

  dg_reset(c);
  memset(&F, 0, sizeof(F));
  memset(own, 0, sizeof(own));
  memset(&a, 0, sizeof(a));
  rc = take_filters(cur->pVtab, idxNum, argc, argv, &F, own, &source);
  if( rc ) goto done;
  if( (idxNum & DG_BIT_LIVE) && argc>0 ) live = (const char*)sqlite3_value_text(argv[argc-1]);   /* live is last */
  if( F.f[7] ){
    /* since/until in the user's own zone: "+0100", "-05:00", "UTC" */
    mt_opts o;
    char *tzerr = 0, *arg = sqlite3_mprintf("tz=%s", F.f[7]);
    memset(&o, 0, sizeof(o));
    if( !arg ){ rc = SQLITE_NOMEM; goto done; }
    mt_opts_parse(&o, arg, &tzerr);
    sqlite3_free(arg);
    if( tzerr ){
      mt_vtab_error(cur->pVtab, "mailtrace_diagnose: %s", tzerr);
      free(tzerr);
      mt_opts_free(&o);
      rc = SQLITE_ERROR; goto done;
    }
    tzoff = o.tz_off;
    mt_opts_free(&o);
  }
  if( F.f[5] ){
    if( !mt_iso_floor(F.f[5], &F.since) ){ mt_vtab_error(cur->pVtab, "mailtrace_diagnose: since wants 'YYYY-MM-DD[ HH:MM:SS]' (UTC, or in the zone tz gives), not %s", F.f[5]); rc = SQLITE_ERROR; goto done; }
    F.has_since = 1;
    F.since -= tzoff;
  }
  if( F.f[6] ){
    if( !mt_iso_floor(F.f[6], &F.until) ){ mt_vtab_error(cur->pVtab, "mailtrace_diagnose: until wants 'YYYY-MM-DD[ HH:MM:SS]' (UTC, or in the zone tz gives), not %s", F.f[6]); rc = SQLITE_ERROR; goto done; }
    F.has_until = 1;
    F.until -= tzoff;
  }
  if( F.f[1] && mt_ip_in_cidr("0.0.0.0", F.f[1])<0 ){
    mt_vtab_error(cur->pVtab, "mailtrace_diagnose: cidr wants an IPv4 network such as 192.0.2.0/24, not %s", F.f[1]);
    rc = SQLITE_ERROR; goto done;
  }
  rc = mt_sources_for(cur->pVtab, ctx, "mailtrace_diagnose", source,
                      !(idxNum & DG_BIT_SOURCE) ? 0 : (idxNum & DG_BIT_IN) ? MT_SOURCE_IN : MT_SOURCE_EQ, &a);
  if( rc==SQLITE_OK ) rc = mt_store_acquire(ctx, &a, &entry, &st, &err);
  if( rc ) goto done;
  for(i=0; i<DG_NFILTER; i++) if( F.f[i] ) any = 1;
  if( !known_lines(st) ){
    rc = not_mail_logs_row(c, st);
    goto done;
  }

  /* Connections (by ip, cidr, host), with the messages the store gave
  ** them (mt_msg.conn); every filter applies to each row's own values, so
  ** a message is one row whatever the order of its lines. */
  for(k=0; k<st->nconn && rc==SQLITE_OK; k++){
    const mt_conn *cn = &st->conns[k];
    int mi;
    if( (k & 1023)==1023 && mt_interrupted(ctx->db) ){ rc = SQLITE_INTERRUPT; break; }
    if( F.host && strcmp(st->hosts[cn->host], F.host)!=0 ) continue;
    if( F.f[0] && (!cn->remote_ip || strcmp(cn->remote_ip, F.f[0])!=0) ) continue;
    if( F.f[1] && mt_ip_in_cidr(cn->remote_ip, F.f[1])!=1 ) continue;
    if( cn->messages>0 ){
      for(mi=cn->first_msg; mi>=0 && rc==SQLITE_OK; mi=st->msgs[mi].next_in_conn){
        rc = msg_rows(c, st, &F, mi, cn->remote_ip);
      }
    }else if( !F.f[2] && !F.f[3] && !F.f[4] && !F.f[DG_RCPT_DOMAIN - DG_IP] && !F.f[DG_MESSAGE_ID - DG_IP]
           && !F.f[DG_SUBJECT - DG_IP] && time_ok(&F, conn_when(cn)) ){
      mt_diagnose_conn(st, k, &c->v);
      if( !store_row(c, DG_ROW_CONN, k, -1, conn_when(cn), cn->remote_ip, cn->icid, -1, &c->v) ){ rc = SQLITE_NOMEM; break; }
    }
  }
  /* Messages without a connection in these logs (gateway-made, or started earlier). */
  if( rc==SQLITE_OK && !F.f[0] && !F.f[1] ){
    for(k=0; k<st->nmsg && rc==SQLITE_OK; k++){
      const mt_msg *m = &st->msgs[k];
      if( (k & 1023)==1023 && mt_interrupted(ctx->db) ){ rc = SQLITE_INTERRUPT; break; }
      if( m->conn>=0 ) continue;
      if( F.host && strcmp(st->hosts[m->host], F.host)!=0 ) continue;
      rc = msg_rows(c, st, &F, k, 0);
    }
  }
  if( rc==SQLITE_OK && c->n==0 && any ) rc = never_row(c, st, &F);
  if( rc==SQLITE_OK ) rc = fetch_evidence(c, st, ctx->db);
  if( rc==SQLITE_OK && c->n > 1 ) qsort(c->rows, (size_t)c->n, sizeof(dg_row), cmp_rows);
  if( rc==SQLITE_OK ) rc = live_checks(c, ctx, live, &err);

done:
  if( rc==SQLITE_OK && entry ){ c->entry = entry; c->st = st; }   /* the rows' words are made from it */
  else if( entry ) mt_store_release(entry);
  if( rc ) dg_reset(c);                 /* no row without its store */
  c->vi = -1;
  mt_args_free(&a);
  for(i=0; i<DG_NFILTER; i++) sqlite3_free(own[i]);
  if( rc && err ) mt_vtab_error(cur->pVtab, "%s", err);
  sqlite3_free(err);
  return rc;
}

static int dgNext(sqlite3_vtab_cursor *cur){ ((dg_cursor*)cur)->i++; return SQLITE_OK; }
static int dgEof(sqlite3_vtab_cursor *cur){ dg_cursor *c = (dg_cursor*)cur; return c->i >= c->n; }

static void r_text(sqlite3_context *ctx, const char *z){
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

/* The columns made from the store (DG_ROW_CONN, DG_ROW_MSG): host, remote_ip,
** mail_from, rcpt_to, verdict, explain, family. */
static void store_column(dg_cursor *c, const dg_row *r, sqlite3_context *ctx, int col){
  const mt_store *st = c->st;
  const mt_msg *m = r->kind==DG_ROW_MSG ? &st->msgs[r->idx] : 0;
  switch( col ){
    case DG_HOST: r_text(ctx, st->hosts[m ? m->host : st->conns[r->idx].host]); break;
    case DG_REMOTE_IP: r_text(ctx, r->ip); break;
    case DG_MAIL_FROM: if( m ) r_text(ctx, m->mail_from); break;
    case DG_RCPT_TO:
      if( m ) r_text(ctx, r->rcpt>=0 ? st->rcpts[r->rcpt].rcpt_to : c->to);
      break;
    case DG_VERDICT: r_text(ctx, c->v.verdict); break;
    case DG_EXPLAIN: r_text(ctx, c->v.explain); break;
    case DG_FAMILY: if( c->v.family[0] ) r_text(ctx, c->v.family); break;
    default: break;
  }
}

static int dgColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  dg_cursor *c = (dg_cursor*)cur;
  const dg_row *r = &c->rows[c->i];
  switch( col ){
    case DG_UTC: mt_result_time(ctx, r->has_time, r->t_utc); break;
    case DG_TS:  mt_result_time(ctx, r->has_time, r->t_local); break;
    case DG_HOST: case DG_REMOTE_IP: case DG_MAIL_FROM: case DG_RCPT_TO:
    case DG_VERDICT: case DG_EXPLAIN: case DG_FAMILY:
      if( r->kind==DG_ROW_TEXT ){
        const dg_text *t = r->text;
        r_text(ctx, col==DG_HOST ? t->host : col==DG_REMOTE_IP ? t->remote_ip : col==DG_MAIL_FROM ? t->mail_from
                    : col==DG_RCPT_TO ? t->rcpt_to : col==DG_VERDICT ? t->verdict : col==DG_EXPLAIN ? t->explain : 0);
      }else{
        if( row_words(c, c->i) ) return SQLITE_NOMEM;
        store_column(c, r, ctx, col);
      }
      break;
    case DG_ICID: if( r->icid>=0 ) sqlite3_result_int64(ctx, r->icid); break;
    case DG_MID: if( r->mid>=0 ) sqlite3_result_int64(ctx, r->mid); break;
    case DG_STAGE: r_text(ctx, r->stage); break;
    case DG_REASON_CLASS: r_text(ctx, r->reason_class); break;
    case DG_EVIDENCE:
      if( r->ev_text ){
        char *z = sqlite3_mprintf("%s:%lld: %.*s", c->st->files[r->ev.file], (long long)r->ev.lineno,
                                  (int)r->ev_len, r->ev_text);
        if( !z ) return SQLITE_NOMEM;
        sqlite3_result_text(ctx, z, -1, sqlite3_free);
      }
      break;
    case DG_STARTED_BEFORE: if( r->kind!=DG_ROW_TEXT && r->t_utc!=INT64_MIN ) sqlite3_result_int(ctx, r->started_before_logs); break;
    case DG_SUGGEST:
      if( r->suggest ){
        char *z = sqlite3_mprintf("SELECT reverse_dns('%s')", row_ip(r));
        if( !z ) return SQLITE_NOMEM;
        sqlite3_result_text(ctx, z, -1, sqlite3_free);
      }
      break;
    case DG_LIVE_RESULT: r_text(ctx, r->live); break;
    default: break;
  }
  return SQLITE_OK;
}

static int dgRowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((dg_cursor*)cur)->i + 1;
  return SQLITE_OK;
}

static sqlite3_module dgModule = {
  0, 0, dgConnect, dgBestIndex, mt_vtab_disconnect, 0, dgOpen, dgClose, dgFilter,
  dgNext, dgEof, dgColumn, dgRowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int mt_register_diagnose(sqlite3 *db, mt_ctx *ctx){
  return sqlite3_create_module_v2(db, "mailtrace_diagnose", &dgModule, mt_ctx_ref(ctx), mt_ctx_unref);
}
