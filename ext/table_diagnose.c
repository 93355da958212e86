/*
** table_diagnose.c — mailtrace_diagnose: why was it (not) received?
**
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT utc, remote_ip, mid, stage, verdict, explain, evidence
**     FROM mailtrace_diagnose WHERE ip = '192.0.2.10';
**   SELECT * FROM mailtrace_diagnose WHERE sender = 'orders@sender.example'
**                                      AND since = '2026-11-02 00:00:00';
**   SELECT * FROM mailtrace_diagnose('198.51.100.7');       -- positional: ip
**
** Filters (any subset, as equality constraints on hidden columns, in this
** order for the positional form): ip, cidr, sender, domain, recipient,
** since, until, tz; and `host = ?` on the visible host column.  since/until
** are "YYYY-MM-DD[ HH:MM:SS]" in UTC, or in the zone tz names ("+0100",
** "-05:00"), since inclusive, until exclusive.
**
** One row per connection that carried no message and per message (per
** recipient when `recipient` is given): utc, ts, host, remote_ip, icid,
** mid, mail_from, rcpt_to, stage, verdict, explain, reason_class,
** evidence ("file:lineno: the line").  When filters find nothing, one row
** says "never connected" and which files, hosts and times were searched.
** The rules are in diagnose.c; it reads the sources of mailtrace_open().
*/
#include "tables.h"
#include "diagnose.h"
#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { DG_UTC, DG_TS, DG_HOST, DG_REMOTE_IP, DG_ICID, DG_MID, DG_MAIL_FROM, DG_RCPT_TO, DG_STAGE,
       DG_VERDICT, DG_EXPLAIN, DG_REASON_CLASS, DG_EVIDENCE, DG_FAMILY, DG_STARTED_BEFORE,
       DG_IP, DG_CIDR, DG_SENDER, DG_DOMAIN, DG_RECIPIENT, DG_SINCE, DG_UNTIL, DG_TZ, DG_NFILTER = 8 };
/* The live checks (table_check.c), after the filters: what to run next, its
** result, and the option that allows network traffic (off by default). */
enum { DG_SUGGEST = DG_TZ + 1, DG_LIVE_RESULT, DG_LIVE };

typedef struct dg_row {
  int64_t t_utc, t_local; int has_time;
  char *host, *remote_ip, *mail_from, *rcpt_to, *verdict, *explain, *evidence, *family;
  char *suggest, *live;       /* a live check to run, and its result (live = on) */
  const char *stage, *reason_class;
  int started_before_logs;
  int64_t icid, mid;
  mt_where ev;
} dg_row;

typedef struct dg_cursor {
  sqlite3_vtab_cursor base;   /* first: SQLite sees a sqlite3_vtab_cursor */
  dg_row *rows;
  int n, cap, i;
} dg_cursor;

static int dgConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                     sqlite3_vtab **ppVtab, char **pzErr){
  (void)argc; (void)argv; (void)pzErr;
  /* DIRECTONLY: it reads the log files of mailtrace_open(). */
  return mt_vtab_connect(db, pAux,
    "CREATE TABLE x(utc TEXT, ts TEXT, host TEXT, remote_ip TEXT, icid INTEGER, mid INTEGER,"
    " mail_from TEXT, rcpt_to TEXT, stage TEXT, verdict TEXT, explain TEXT, reason_class TEXT,"
    " evidence TEXT, family TEXT, started_before_logs INTEGER, ip HIDDEN, cidr HIDDEN, sender HIDDEN, domain HIDDEN, recipient HIDDEN,"
    " since HIDDEN, until HIDDEN, tz HIDDEN, suggest TEXT, live_result TEXT, live HIDDEN)",
    1, ppVtab);
}

/* idxNum bit i (0..7): filter i given; bit 8: host = ?; bit 9: live = ?.
** argv in that order. */
static int dgBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  int at[DG_NFILTER+2], i, n = 0;
  (void)pVtab;
  for(i=0; i<=DG_NFILTER+1; i++) at[i] = -1;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( c->iColumn==DG_LIVE ){
      if( !c->usable ) return SQLITE_CONSTRAINT;
      at[DG_NFILTER+1] = i;
    }else if( c->iColumn>=DG_IP && c->iColumn<=DG_TZ ){
      if( !c->usable ) return SQLITE_CONSTRAINT;
      at[c->iColumn - DG_IP] = i;
    }else if( c->iColumn==DG_HOST && c->usable ){
      at[DG_NFILTER] = i;
    }
  }
  p->idxNum = 0;
  for(i=0; i<=DG_NFILTER+1; i++){
    if( at[i]<0 ) continue;
    p->aConstraintUsage[at[i]].argvIndex = ++n;
    p->aConstraintUsage[at[i]].omit = i!=DG_NFILTER;    /* host: SQLite checks it too */
    p->idxNum |= 1<<i;
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
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void dg_reset(dg_cursor *c){
  int i;
  for(i=0; i<c->n; i++){
    dg_row *r = &c->rows[i];
    sqlite3_free(r->host); sqlite3_free(r->remote_ip); sqlite3_free(r->mail_from);
    sqlite3_free(r->rcpt_to); sqlite3_free(r->verdict); sqlite3_free(r->explain); sqlite3_free(r->evidence);
    sqlite3_free(r->family);
    sqlite3_free(r->suggest); sqlite3_free(r->live);
  }
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
  if( c->n==c->cap ){
    int nc = c->cap ? c->cap*2 : 32;
    dg_row *na = sqlite3_realloc64(c->rows, sizeof(dg_row)*(size_t)nc);
    if( !na ) return 0;
    c->rows = na; c->cap = nc;
  }
  r = &c->rows[c->n++];
  memset(r, 0, sizeof(*r));
  r->icid = r->mid = -1;
  return r;
}

static int fill_row(dg_row *r, const mt_store *st, int host, const mt_when *w, const char *ip,
                    int64_t icid, int64_t mid, const char *from, const char *to, const mt_verdict *v){
  r->has_time = mt_when_set(*w);
  r->t_local = w->local;
  r->t_utc = r->has_time ? mt_when_utc(*w) : 0;
  r->host = dup_or_null(st->hosts[host]);
  r->remote_ip = dup_or_null(ip);
  r->icid = icid; r->mid = mid;
  r->mail_from = dup_or_null(from);
  r->rcpt_to = dup_or_null(to);
  r->stage = v->stage;
  r->verdict = dup_or_null(v->verdict);
  r->explain = dup_or_null(v->explain);
  r->reason_class = v->reason_class;
  r->ev = v->evidence;
  r->started_before_logs = v->started_before_logs;
  r->family = v->family[0] ? dup_or_null(v->family) : 0;
  if( !r->host || !r->verdict || !r->explain || (ip && !r->remote_ip) || (from && !r->mail_from)
   || (to && !r->rcpt_to) || (v->family[0] && !r->family) ) return SQLITE_NOMEM;
  return SQLITE_OK;
}

typedef struct dg_filter {
  const char *f[DG_NFILTER];  /* ip, cidr, sender, domain, recipient, since, until, tz */
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

static int sender_ok(const dg_filter *F, const mt_msg *m){
  const char *s = F->f[2], *d = F->f[3];
  if( s && (!m->mail_from || strcasecmp(m->mail_from, s)!=0) ) return 0;
  if( d ){
    const char *at = m->mail_from ? strrchr(m->mail_from, '@') : 0;
    if( !at || strcasecmp(at+1, d[0]=='@' ? d+1 : d)!=0 ) return 0;
  }
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
  mt_verdict v;
  int r, rc;
  if( !time_ok(F, msg_when(m)) || !sender_ok(F, m) ) return SQLITE_OK;
  if( F->f[4] ){
    for(r=m->first_rcpt; r>=0; r=st->rcpts[r].next){
      dg_row *row;
      if( !st->rcpts[r].rcpt_to || strcasecmp(st->rcpts[r].rcpt_to, F->f[4])!=0 ) continue;
      mt_diagnose_msg(st, mi, r, &v);
      if( !(row = new_row(c)) ) return SQLITE_NOMEM;
      rc = fill_row(row, st, m->host, msg_when(m), ip, m->icid, m->mid, m->mail_from, st->rcpts[r].rcpt_to, &v);
      if( rc ) return rc;
    }
    return SQLITE_OK;
  }
  {
    sqlite3_str *to = sqlite3_str_new(0);
    char *z;
    dg_row *row;
    for(r=m->first_rcpt; r>=0; r=st->rcpts[r].next){
      if( st->rcpts[r].rid<0 || !st->rcpts[r].rcpt_to ) continue;
      sqlite3_str_appendf(to, "%s%s", sqlite3_str_length(to) ? ", " : "", st->rcpts[r].rcpt_to);
    }
    z = sqlite3_str_finish(to);
    mt_diagnose_msg(st, mi, -1, &v);
    if( !(row = new_row(c)) ){ sqlite3_free(z); return SQLITE_NOMEM; }
    rc = fill_row(row, st, m->host, msg_when(m), ip, m->icid, m->mid, m->mail_from, z, &v);
    sqlite3_free(z);
    return rc;
  }
}

/* "file:lineno: text" for every row's deciding line.  The store knows each
** line's byte offset: per file, the rows are sorted by offset and the lines
** read in one forward pass that jumps (plain files) over what lies between
** them; a gzip file is inflated once, up to the last line needed.  The
** interrupt is probed at every chunk. */
typedef struct ev_ref { int64_t off; int row; } ev_ref;
static int cmp_ref(const void *pa, const void *pb){
  const ev_ref *a = pa, *b = pb;
  return a->off < b->off ? -1 : a->off > b->off;
}

static int fetch_evidence(dg_cursor *c, const mt_store *st, sqlite3 *db){
  ev_ref *refs;
  int f, i, nref, rc = SQLITE_OK;
  if( c->n==0 ) return SQLITE_OK;
  refs = sqlite3_malloc64(sizeof(ev_ref)*(size_t)c->n);
  if( !refs ) return SQLITE_NOMEM;
  for(f=0; f<st->nfile && rc==SQLITE_OK; f++){
    mt_reader *rd;
    char *err = 0;
    const char *p; size_t n; int64_t off;
    int k = 0;
    nref = 0;
    for(i=0; i<c->n; i++){
      const dg_row *r = &c->rows[i];
      if( r->ev.file==f && r->ev.lineno>0 && !r->evidence ){ refs[nref].off = r->ev.off; refs[nref].row = i; nref++; }
    }
    if( nref==0 ) continue;
    qsort(refs, (size_t)nref, sizeof(ev_ref), cmp_ref);
    rd = mt_reader_open(st->files[f], refs[0].off, &err);
    free(err);
    if( !rd ) continue;
    if( !mt_reader_is_gzip(rd) ) mt_reader_set_readahead(rd, 64*1024);
    while( k<nref && mt_reader_next(rd, &p, &n, &off)==1 ){
      if( mt_interrupted(db) ){ rc = SQLITE_INTERRUPT; break; }
      while( k<nref && refs[k].off < off ) k++;        /* cannot happen: offsets are line starts */
      while( k<nref && refs[k].off < off + (int64_t)n ){
        const char *lp = p + (refs[k].off - off), *e = p + n;
        const char *nl = memchr(lp, '\n', (size_t)(e - lp));
        int len = (int)((nl ? nl : e) - lp);
        int64_t here = refs[k].off;
        if( len>0 && lp[len-1]=='\r' ) len--;
        for(; k<nref && refs[k].off==here; k++){
          dg_row *r = &c->rows[refs[k].row];
          r->evidence = sqlite3_mprintf("%s:%lld: %.*s", st->files[f], (long long)r->ev.lineno, len, lp);
          if( !r->evidence ){ rc = SQLITE_NOMEM; break; }
        }
        if( rc ) break;
      }
      if( rc ) break;
      /* far ahead: reposition a plain file instead of reading what lies between */
      if( k<nref && refs[k].off > off + (int64_t)n + 256*1024 ) mt_reader_seek(rd, refs[k].off);
    }
    mt_reader_close(rd);
  }
  sqlite3_free(refs);
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
    static const char *const azName[] = { "ip", "cidr", "sender", "domain", "recipient", "since", "until", "tz" };
    if( F->f[i] ) sqlite3_str_appendf(s, "%s%s=%s", i && sqlite3_str_length(s)>40 ? ", " : "", azName[i], F->f[i]);
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
  if( !(r = new_row(c)) ){ sqlite3_free(sqlite3_str_finish(s)); return SQLITE_NOMEM; }
  r->explain = sqlite3_str_finish(s);
  r->host = sqlite3_mprintf("%s", F->host ? F->host : (st->nhost==1 ? st->hosts[0] : "*"));
  r->remote_ip = dup_or_null(F->f[0]);
  r->mail_from = dup_or_null(F->f[2]);
  r->rcpt_to = dup_or_null(F->f[4]);
  r->stage = "connection";
  r->verdict = dup_or_null(verdict);
  r->t_utc = INT64_MIN;
  return r->host && r->verdict && r->explain ? SQLITE_OK : SQLITE_NOMEM;
}

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
    if( !r->remote_ip || !r->verdict ) continue;
    if( strcmp(r->verdict, "dropped before any command")!=0 && !strstr(r->verdict, "banner") ) continue;
    if( !(r->suggest = sqlite3_mprintf("SELECT reverse_dns('%s')", r->remote_ip)) ) return SQLITE_NOMEM;
    if( !on ) continue;
    for(j=0; j<i; j++){
      if( c->rows[j].live && strcmp(c->rows[j].remote_ip, r->remote_ip)==0 ){
        if( !(r->live = sqlite3_mprintf("%s", c->rows[j].live)) ) return SQLITE_NOMEM;
        break;
      }
    }
    if( r->live ) continue;
    rc = mt_check_reverse_dns(ctx, r->remote_ip, opts ? live : 0, &r->live, pzErr);
    if( rc ) return rc;
  }
  return SQLITE_OK;
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
  char *err = 0;
  int rc, i, iv = 0, k, any = 0, tzoff = 0;
  const char *live = 0;
  (void)idxStr;

  dg_reset(c);
  memset(&F, 0, sizeof(F));
  for(i=0; i<=DG_NFILTER; i++){
    if( !(idxNum & (1<<i)) || iv>=argc ) continue;
    if( i<DG_NFILTER ) F.f[i] = (const char*)sqlite3_value_text(argv[iv]);
    else F.host = (const char*)sqlite3_value_text(argv[iv]);
    iv++;
  }
  if( (idxNum & (1<<(DG_NFILTER+1))) && iv<argc ) live = (const char*)sqlite3_value_text(argv[iv++]);
  if( F.f[7] ){
    /* since/until in the user's own zone: "+0100", "-05:00", "UTC" */
    mt_opts o;
    char *tzerr = 0, *arg = sqlite3_mprintf("tz=%s", F.f[7]);
    memset(&o, 0, sizeof(o));
    if( !arg ) return SQLITE_NOMEM;
    mt_opts_parse(&o, arg, &tzerr);
    sqlite3_free(arg);
    if( tzerr ){
      mt_vtab_error(cur->pVtab, "mailtrace_diagnose: %s", tzerr);
      free(tzerr);
      mt_opts_free(&o);
      return SQLITE_ERROR;
    }
    tzoff = o.tz_off;
    mt_opts_free(&o);
  }
  if( F.f[5] ){
    if( !mt_iso_floor(F.f[5], &F.since) ){ mt_vtab_error(cur->pVtab, "mailtrace_diagnose: since wants 'YYYY-MM-DD[ HH:MM:SS]' (UTC, or in the zone tz gives), not %s", F.f[5]); return SQLITE_ERROR; }
    F.has_since = 1;
    F.since -= tzoff;
  }
  if( F.f[6] ){
    if( !mt_iso_floor(F.f[6], &F.until) ){ mt_vtab_error(cur->pVtab, "mailtrace_diagnose: until wants 'YYYY-MM-DD[ HH:MM:SS]' (UTC, or in the zone tz gives), not %s", F.f[6]); return SQLITE_ERROR; }
    F.has_until = 1;
    F.until -= tzoff;
  }
  if( F.f[1] && mt_ip_in_cidr("0.0.0.0", F.f[1])<0 ){
    mt_vtab_error(cur->pVtab, "mailtrace_diagnose: cidr wants an IPv4 network such as 192.0.2.0/24, not %s", F.f[1]);
    return SQLITE_ERROR;
  }
  rc = mt_open_sources(cur->pVtab, ctx, "mailtrace_diagnose", &a, &err);
  if( rc==SQLITE_OK ) rc = mt_store_acquire(ctx, &a, &entry, &st, &err);
  if( rc ) goto done;
  for(i=0; i<DG_NFILTER; i++) if( F.f[i] ) any = 1;

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
    }else if( !F.f[2] && !F.f[3] && !F.f[4] && time_ok(&F, conn_when(cn)) ){
      mt_verdict v;
      dg_row *r;
      mt_diagnose_conn(st, k, &v);
      if( !(r = new_row(c)) ){ rc = SQLITE_NOMEM; break; }
      rc = fill_row(r, st, cn->host, conn_when(cn), cn->remote_ip, cn->icid, -1, 0, 0, &v);
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
  if( rc==SQLITE_OK ) qsort(c->rows, (size_t)c->n, sizeof(dg_row), cmp_rows);
  if( rc==SQLITE_OK ) rc = live_checks(c, ctx, live, &err);

done:
  if( entry ) mt_store_release(entry);
  mt_args_free(&a);
  if( rc && err ) mt_vtab_error(cur->pVtab, "%s", err);
  sqlite3_free(err);
  return rc;
}

static int dgNext(sqlite3_vtab_cursor *cur){ ((dg_cursor*)cur)->i++; return SQLITE_OK; }
static int dgEof(sqlite3_vtab_cursor *cur){ dg_cursor *c = (dg_cursor*)cur; return c->i >= c->n; }

static void r_text(sqlite3_context *ctx, const char *z){
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

static int dgColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  dg_cursor *c = (dg_cursor*)cur;
  const dg_row *r = &c->rows[c->i];
  char iso[20];
  switch( col ){
    case DG_UTC: if( r->has_time ){ mt_time_iso(r->t_utc, iso); sqlite3_result_text(ctx, iso, 19, SQLITE_TRANSIENT); } break;
    case DG_TS:  if( r->has_time ){ mt_time_iso(r->t_local, iso); sqlite3_result_text(ctx, iso, 19, SQLITE_TRANSIENT); } break;
    case DG_HOST: r_text(ctx, r->host); break;
    case DG_REMOTE_IP: r_text(ctx, r->remote_ip); break;
    case DG_ICID: if( r->icid>=0 ) sqlite3_result_int64(ctx, r->icid); break;
    case DG_MID: if( r->mid>=0 ) sqlite3_result_int64(ctx, r->mid); break;
    case DG_MAIL_FROM: r_text(ctx, r->mail_from); break;
    case DG_RCPT_TO: r_text(ctx, r->rcpt_to); break;
    case DG_STAGE: r_text(ctx, r->stage); break;
    case DG_VERDICT: r_text(ctx, r->verdict); break;
    case DG_EXPLAIN: r_text(ctx, r->explain); break;
    case DG_REASON_CLASS: r_text(ctx, r->reason_class); break;
    case DG_EVIDENCE: r_text(ctx, r->evidence); break;
    case DG_FAMILY: r_text(ctx, r->family); break;
    case DG_STARTED_BEFORE: if( r->verdict && r->mid>=-1 && r->t_utc!=INT64_MIN ) sqlite3_result_int(ctx, r->started_before_logs); break;
    case DG_SUGGEST: r_text(ctx, r->suggest); break;
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
