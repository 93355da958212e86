/* SPDX-License-Identifier: MIT */
/*
** table_history.c — mailtrace_history(mid [, host]): one message's whole
** life, every log line about it, in time order.
**
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT utc, event, text FROM mailtrace_history(81009);
**   SELECT * FROM mailtrace_history(81009, 'esa1');
**   SELECT * FROM mailtrace_history(81009, NULL, '/var/log/esa/');   -- no mailtrace_open
**   SELECT * FROM mailtrace_history WHERE mid_arg = 81009
**                                      AND source IN ('/logs/esa1', '/logs/esa2');
**
** The message's family is followed both ways and transitively through
** split, rewritten, generated and bounce links (the parent it came from, the
** children made from it, their children ...).  The lines returned are those
** of every MID of the family, of their connections (ICID lines without a
** MID: from New SMTP ICID to ICID close) and of their delivery connections
** (DCID lines about no other message).  No time window, no cap on attempts
** or recipients: a message delayed for days over rotated and gzipped files
** comes back whole.
**
** It reads the sources named by `source` (= one, or IN (...) several
** sources and options), else those of the last mailtrace_open(): the entity
** store (cached) gives the family and its ids, then one pass over the lines
** picks theirs.  A mid that is not an integer ('abc', 1.5) is an error; NULL
** gives no rows.
** Columns: utc, ts, host, icid, mid, dcid, rid, event, text, file, lineno;
** hidden: mid_arg, host_arg, source.
**
** mailtrace_icid_history(icid [, host]): everything about one inbound
** connection, the same way: its own lines (New SMTP ICID … close), and
** the whole history of every message it carried (their families and
** delivery connections included).
**
**   SELECT utc, mid, event, text FROM mailtrace_icid_history(52001);
**
** Same columns; hidden: icid_arg, host_arg, source.  ICID 0 (the gateway's own
** messages, the TCPREFUSE refusals) is not a connection: no rows.
*/
#include "cache.h"
#include "entities.h"
#include "events.h"
#include "logtype.h"

#include <stdlib.h>
#include <string.h>

enum { HC_UTC, HC_TS, HC_HOST, HC_ICID, HC_MID, HC_DCID, HC_RID, HC_EVENT, HC_TEXT,
       HC_FILE, HC_LINENO, HC_MID_ARG, HC_HOST_ARG, HC_SOURCE };

typedef struct hist_row {
  int64_t t_utc, t_local;
  int has_time;
  int64_t icid, mid, dcid, rid, lineno;
  int kind, file;
  char *host, *text;
} hist_row;

typedef struct hist_cursor {
  sqlite3_vtab_cursor base;   /* first: SQLite sees a sqlite3_vtab_cursor */
  hist_row *rows;
  int n, cap, i;
  char **files;               /* paths, by file index of the scan */
  int nfiles;
} hist_cursor;

/* A small set of (host, id) pairs: linear, families are small. */
typedef struct idset { struct { int host; int64_t id; } *a; int n, cap; } idset;

static int set_has(const idset *s, int host, int64_t id){
  int i;
  for(i=0; i<s->n; i++) if( s->a[i].id==id && s->a[i].host==host ) return 1;
  return 0;
}
static int set_add(idset *s, int host, int64_t id){
  if( set_has(s, host, id) ) return 0;
  if( mt_sqlite_grow(&s->a, &s->cap, s->n+1, sizeof(*s->a)) ) return SQLITE_NOMEM;
  s->a[s->n].host = host; s->a[s->n].id = id; s->n++;
  return 0;
}

static int histConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                       sqlite3_vtab **ppVtab, char **pzErr){
  (void)argc; (void)argv; (void)pzErr;
  /* DIRECTONLY: it reads the log files of mailtrace_open(). */
  return mt_vtab_connect(db, pAux,
    "CREATE TABLE x(utc TEXT, ts TEXT, host TEXT, icid INTEGER, mid INTEGER, dcid INTEGER,"
    " rid INTEGER, event TEXT, text TEXT, file TEXT, lineno INTEGER,"
    " mid_arg HIDDEN, host_arg HIDDEN, source HIDDEN)",
    1, ppVtab);
}

/* mailtrace_icid_history: the same columns; its first hidden argument is an ICID. */
static int histIcidConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                           sqlite3_vtab **ppVtab, char **pzErr){
  (void)argc; (void)argv; (void)pzErr;
  return mt_vtab_connect(db, pAux,
    "CREATE TABLE x(utc TEXT, ts TEXT, host TEXT, icid INTEGER, mid INTEGER, dcid INTEGER,"
    " rid INTEGER, event TEXT, text TEXT, file TEXT, lineno INTEGER,"
    " icid_arg HIDDEN, host_arg HIDDEN, source HIDDEN)",
    1, ppVtab);
}

/* idxNum, a bit mask: 1 = mid_arg (or icid_arg) given, 2 = host_arg given,
** 4 = source given, 8 = source given as an IN list (argv in that order). */
static int histBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  int i, iMid = -1, iHost = -1, iSource = -1, n = 0;
  (void)pVtab;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( c->iColumn==HC_MID_ARG ){ if( !c->usable ) return SQLITE_CONSTRAINT; iMid = i; }
    if( c->iColumn==HC_HOST_ARG ){ if( !c->usable ) return SQLITE_CONSTRAINT; iHost = i; }
    if( c->iColumn==HC_SOURCE ){ if( !c->usable ) return SQLITE_CONSTRAINT; iSource = i; }
  }
  p->idxNum = 0;
  if( iMid>=0 ){ p->aConstraintUsage[iMid].argvIndex = ++n; p->aConstraintUsage[iMid].omit = 1; p->idxNum |= 1; }
  if( iHost>=0 ){ p->aConstraintUsage[iHost].argvIndex = ++n; p->aConstraintUsage[iHost].omit = 1; p->idxNum |= 2; }
  if( iSource>=0 ) p->idxNum |= mt_plan_source(p, iSource, &n)==MT_SOURCE_IN ? 4|8 : 4;
  p->estimatedCost = iMid>=0 ? 1e5 : 1e300;
  p->estimatedRows = 50;
  if( p->nOrderBy==1 && p->aOrderBy[0].iColumn==HC_UTC && !p->aOrderBy[0].desc ) p->orderByConsumed = 1;
  return SQLITE_OK;
}

static int histOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  hist_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void hist_reset(hist_cursor *c){
  int i;
  for(i=0; i<c->n; i++){ sqlite3_free(c->rows[i].host); sqlite3_free(c->rows[i].text); }
  c->n = 0;
  for(i=0; i<c->nfiles; i++) sqlite3_free(c->files[i]);
  sqlite3_free(c->files);
  c->files = 0; c->nfiles = 0;
}

static int histClose(sqlite3_vtab_cursor *cur){
  hist_cursor *c = (hist_cursor*)cur;
  hist_reset(c);
  sqlite3_free(c->rows);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int cmp_rows(const void *pa, const void *pb){
  const hist_row *a = pa, *b = pb;
  /* by UTC (lines without a time keep their place after the line before) */
  if( a->t_utc!=b->t_utc ) return a->t_utc < b->t_utc ? -1 : 1;
  if( a->file!=b->file ) return a->file < b->file ? -1 : 1;
  return a->lineno < b->lineno ? -1 : a->lineno > b->lineno;
}

/* The family of (host, mid): the message, its ancestors and descendants. */
static int family(const mt_store *st, int host, int64_t mid, idset *mids){
  int changed = 1, i, rc;
  if( (rc = set_add(mids, host, mid)) ) return rc;
  while( changed ){
    changed = 0;
    for(i=0; i<st->nmsg; i++){
      const mt_msg *m = &st->msgs[i];
      int in = set_has(mids, m->host, m->mid);
      if( m->parent_mid<0 ) continue;
      if( in && !set_has(mids, m->host, m->parent_mid) ){
        if( (rc = set_add(mids, m->host, m->parent_mid)) ) return rc;
        changed = 1;
      }else if( !in && set_has(mids, m->host, m->parent_mid) ){
        if( (rc = set_add(mids, m->host, m->mid)) ) return rc;
        changed = 1;
      }
    }
  }
  return SQLITE_OK;
}

/* by_icid: argv[0] is an ICID (mailtrace_icid_history), else a MID. */
static int hist_filter(sqlite3_vtab_cursor *cur, int by_icid, int idxNum,
                       int argc, sqlite3_value **argv){
  hist_cursor *c = (hist_cursor*)cur;
  mt_vtab *vt = (mt_vtab*)cur->pVtab;
  mt_ctx *ctx = vt->ctx;
  mt_args a;
  void *entry = 0;
  const mt_store *st = 0;
  idset mids = {0,0,0}, icids = {0,0,0}, dcids = {0,0,0};
  char *err = 0;
  const char *want_host = 0;
  int64_t mid;
  int rc, i, h;
  mt_scan s;
  mt_event ev;
  const char *zName = by_icid ? "mailtrace_icid_history" : "mailtrace_history";

  memset(&a, 0, sizeof(a));
  hist_reset(c);
  c->i = 0;
  if( !(idxNum & 1) || argc<1 ){
    if( by_icid ) mt_vtab_error(cur->pVtab, "mailtrace_icid_history: give an ICID, e.g. mailtrace_icid_history(52001)");
    else mt_vtab_error(cur->pVtab, "mailtrace_history: give a MID, e.g. mailtrace_history(81009)");
    return SQLITE_ERROR;
  }
  if( sqlite3_value_type(argv[0])==SQLITE_NULL ) return SQLITE_OK;   /* no id, no rows (a join on NULL) */
  if( !mt_id_value(argv[0], &mid) ){
    const char *z = (const char*)sqlite3_value_text(argv[0]);
    if( by_icid ) mt_vtab_error(cur->pVtab, "mailtrace_icid_history: icid wants an ICID (a whole number such as 52001), not '%s'", z ? z : "");
    else mt_vtab_error(cur->pVtab, "mailtrace_history: mid wants a MID (a whole number such as 81009), not '%s'", z ? z : "");
    return SQLITE_ERROR;
  }
  if( by_icid && mid<=0 ) return SQLITE_OK;          /* ICID 0 is not a connection */
  {
    int iv = 1;
    sqlite3_value *source = 0;
    if( (idxNum & 2) && iv<argc ){
      if( sqlite3_value_type(argv[iv])!=SQLITE_NULL ) want_host = (const char*)sqlite3_value_text(argv[iv]);
      iv++;
    }
    if( (idxNum & 4) && iv<argc ) source = argv[iv];
    rc = mt_sources_for(cur->pVtab, ctx, zName, source,
                        !(idxNum & 4) ? 0 : (idxNum & 8) ? MT_SOURCE_IN : MT_SOURCE_EQ, &a);
  }
  if( rc==SQLITE_OK ) rc = mt_store_acquire(ctx, &a, &entry, &st, &err);
  if( rc ) goto done;

  /* 1. the family and its ids (by ICID: the connection, and the family of
  ** every message it carried) */
  for(h=0; h<st->nhost && rc==SQLITE_OK; h++){
    if( want_host && strcmp(st->hosts[h], want_host)!=0 ) continue;
    if( by_icid ){
      int mi;
      if( mt_store_conn(st, h, mid)>=0 || mt_store_first_msg_of_icid(st, h, mid)>=0 ) rc = set_add(&icids, h, mid);
      for(mi = mt_store_first_msg_of_icid(st, h, mid); mi>=0 && rc==SQLITE_OK; mi = st->msgs[mi].next_icid){
        if( !set_has(&mids, h, st->msgs[mi].mid) ) rc = family(st, h, st->msgs[mi].mid, &mids);
      }
    }else if( mt_store_msg(st, h, mid)>=0 ){
      rc = family(st, h, mid, &mids);
    }
  }
  for(i=0; i<mids.n && rc==SQLITE_OK; i++){
    int mi, d;
    for(mi = mt_store_msg(st, mids.a[i].host, mids.a[i].id); mi>=0 && rc==SQLITE_OK; mi = st->msgs[mi].prev_same){
      if( st->msgs[mi].icid>0 ) rc = set_add(&icids, mids.a[i].host, st->msgs[mi].icid);
    }
    for(d = mt_store_first_dlv_of_mid(st, mids.a[i].host, mids.a[i].id); d>=0 && rc==SQLITE_OK; d = st->dlvs[d].next_mid){
      if( st->dlvs[d].dcid>0 ) rc = set_add(&dcids, mids.a[i].host, st->dlvs[d].dcid);
    }
  }
  if( rc || (mids.n==0 && icids.n==0) ) goto done;

  /* 2. one pass over the lines */
  c->files = sqlite3_malloc64(sizeof(char*)*(size_t)(a.files.n ? a.files.n : 1));
  if( !c->files ){ rc = SQLITE_NOMEM; goto done; }
  for(i=0; i<a.files.n; i++){
    c->files[i] = sqlite3_mprintf("%s", a.files.a[i].path);
    if( !c->files[i] ){ rc = SQLITE_NOMEM; goto done; }
    c->nfiles = i+1;
  }
  mt_scan_init(&s, &a.files, &a.opts);
  s.should_stop = mt_interrupted;
  s.stop_arg = ctx->db;
  while( rc==SQLITE_OK && (i = mt_scan_next(&s))==1 ){
    int hid, keep;
    if( s.ln.form==MT_FORM_NONE ) continue;
    mt_line_event(&s.ln, s.file_type, &ev);   /* AMP, anti-virus, bounce-log and CEF lines name MIDs too */
    if( ev.mid<0 && ev.icid<=0 && ev.dcid<=0 ) continue;
    hid = -1;
    for(h=0; h<st->nhost; h++){
      if( st->host_len[h]==s.host_len && memcmp(st->hosts[h], s.host, (size_t)s.host_len)==0 ){ hid = h; break; }
    }
    if( hid<0 ) continue;
    keep = (ev.mid>=0 && set_has(&mids, hid, ev.mid))
        || (ev.mid2>=0 && set_has(&mids, hid, ev.mid2))
        || (ev.mid<0 && ev.icid>0 && set_has(&icids, hid, ev.icid))
        || (ev.mid<0 && ev.dcid>0 && set_has(&dcids, hid, ev.dcid));
    if( !keep ) continue;
    if( mt_sqlite_grow(&c->rows, &c->cap, c->n+1, sizeof(hist_row)) ){ rc = SQLITE_NOMEM; break; }
    {
      hist_row *r = &c->rows[c->n];
      memset(r, 0, sizeof(*r));
      r->t_utc = s.has_time ? s.t_utc : 0;
      r->t_local = s.t_local;
      r->has_time = s.has_time;
      r->icid = ev.icid; r->mid = ev.mid; r->dcid = ev.dcid; r->rid = ev.rid;
      r->kind = ev.kind; r->file = s.ifile; r->lineno = s.lineno;
      r->host = sqlite3_mprintf("%.*s", s.host_len, s.host);
      r->text = sqlite3_mprintf("%.*s", (int)s.ln.body_len, s.ln.body);
      if( !r->host || !r->text ){ sqlite3_free(r->host); sqlite3_free(r->text); rc = SQLITE_NOMEM; break; }
      c->n++;
    }
  }
  if( rc==SQLITE_OK && i<0 ){
    rc = mt_scan_to_sqlite(&s, &err);
  }
  mt_publish(ctx, &s.stats, &s.problems, &s.nproblem);
  mt_scan_end(&s);
  if( rc==SQLITE_OK && c->n>1 ) qsort(c->rows, (size_t)c->n, sizeof(hist_row), cmp_rows);   /* rows may be NULL */

done:
  sqlite3_free(mids.a); sqlite3_free(icids.a); sqlite3_free(dcids.a);
  if( entry ) mt_store_release(entry);
  mt_args_free(&a);
  if( rc && err ) mt_vtab_error(cur->pVtab, "%s", err);
  sqlite3_free(err);
  return rc;
}

static int histFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                      int argc, sqlite3_value **argv){
  (void)idxStr;
  return hist_filter(cur, 0, idxNum, argc, argv);
}
static int histIcidFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                          int argc, sqlite3_value **argv){
  (void)idxStr;
  return hist_filter(cur, 1, idxNum, argc, argv);
}

static int histNext(sqlite3_vtab_cursor *cur){ ((hist_cursor*)cur)->i++; return SQLITE_OK; }
static int histEof(sqlite3_vtab_cursor *cur){ hist_cursor *c = (hist_cursor*)cur; return c->i >= c->n; }

static int histColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  hist_cursor *c = (hist_cursor*)cur;
  const hist_row *r = &c->rows[c->i];
  switch( col ){
    case HC_UTC: mt_result_time(ctx, r->has_time, r->t_utc); break;
    case HC_TS:  mt_result_time(ctx, r->has_time, r->t_local); break;
    case HC_HOST: sqlite3_result_text(ctx, r->host, -1, SQLITE_TRANSIENT); break;
    case HC_ICID: if( r->icid>=0 ) sqlite3_result_int64(ctx, r->icid); break;
    case HC_MID:  if( r->mid>=0 ) sqlite3_result_int64(ctx, r->mid); break;
    case HC_DCID: if( r->dcid>=0 ) sqlite3_result_int64(ctx, r->dcid); break;
    case HC_RID:  if( r->rid>=0 ) sqlite3_result_int64(ctx, r->rid); break;
    case HC_EVENT: { const char *z = mt_event_name(r->kind); if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC); break; }
    case HC_TEXT: sqlite3_result_text(ctx, r->text, -1, SQLITE_TRANSIENT); break;
    case HC_FILE: if( r->file < c->nfiles ) sqlite3_result_text(ctx, c->files[r->file], -1, SQLITE_TRANSIENT); break;
    case HC_LINENO: sqlite3_result_int64(ctx, r->lineno); break;
  }
  return SQLITE_OK;
}

static int histRowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((hist_cursor*)cur)->i + 1;
  return SQLITE_OK;
}

static sqlite3_module histModule = {
  0, 0, histConnect, histBestIndex, mt_vtab_disconnect, 0, histOpen, histClose, histFilter,
  histNext, histEof, histColumn, histRowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

static sqlite3_module histIcidModule = {
  0, 0, histIcidConnect, histBestIndex, mt_vtab_disconnect, 0, histOpen, histClose, histIcidFilter,
  histNext, histEof, histColumn, histRowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int mt_register_history(sqlite3 *db, mt_ctx *ctx){
  int rc = sqlite3_create_module_v2(db, "mailtrace_history", &histModule, mt_ctx_ref(ctx), mt_ctx_unref);
  if( rc==SQLITE_OK ) rc = sqlite3_create_module_v2(db, "mailtrace_icid_history", &histIcidModule, mt_ctx_ref(ctx), mt_ctx_unref);
  return rc;
}
