/* SPDX-License-Identifier: MIT */
/*
** table_coverage.c — mailtrace_coverage: what the logs can and cannot tell.
**
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT * FROM mailtrace_coverage;                    -- the open sources
**   SELECT * FROM mailtrace_coverage('/logs/esa1/');     -- or any sources
**
** One row per host and file, in file order: host, file, first_utc,
** last_utc, lines, unknown_lines (lines no grammar rule knows), gap_before_s
** (seconds between the previous file of the host and this one; NULL for the
** first), restarts (a "Begin Logfile" header after the file's first line,
** or Start MID numbers going back by more than 1000), present (the optional line kinds that
** occur: subject, message-id, response, headers, tls, spam, virus, amp,
** outbreak, spf, dkim, dmarc), absent (those that never occur, so a user
** learns "subject search is impossible: subject logging is off"), and for
** the host as a whole: messages, messages_terminal (a final state),
** messages_open (queued, delayed, still being received: cut by the end of
** the logs, never dropped) and accounted_pct (terminal + open; below 100
** when messages are incomplete for another reason: their start or end is
** not in the logs); year_source and tz_source (where the lines' year and UTC
** offset came from: written in the file, an option, or guessed), and
** gaps_inside (silences inside the file: a whole clock hour without a line of
** the host, "from to to (duration)", '; '-separated; NULL when none).
** It reads files like mailtrace_lines: SQLITE_VTAB_DIRECTONLY.  The walk,
** plan (arguments only) and cursor are tables.c's mt_rowset; this file
** holds the columns and the row rules.
*/
#include "cache.h"
#include "events.h"
#include "logtype.h"
#include "entities.h"
#include "cef_store.h"

#include <stdlib.h>
#include <string.h>

enum { KC_HOST, KC_FILE, KC_FIRST_UTC, KC_LAST_UTC, KC_LINES, KC_UNKNOWN, KC_GAP, KC_RESTARTS,
       KC_PRESENT, KC_ABSENT, KC_MESSAGES, KC_TERMINAL, KC_OPEN, KC_PCT, KC_YEAR_SRC, KC_TZ_SRC,
       KC_GAPS, KC_LOG_TYPES, KC_CANNOT_ANSWER, KC_ARG1 };

/* Optional values, by their MT_FILL_* bit (events.h, mt_event_fills: a
** kind is present when a line yields the value its column takes). */
static const char *const azKind[MT_FILL_COUNT] = {
  "subject", "message-id", "response", "headers", "tls", "spam", "virus", "amp", "outbreak",
  "spf", "dkim", "dmarc"
};
#define NKIND MT_FILL_COUNT

typedef struct cov_row {
  char *host; int file;
  int64_t first, last, lines, unknown, restarts, max_mid;
  int has_time;
  unsigned kinds;
  unsigned types;                   /* bit t: a line of log type t (MT_LOG_*) */
  unsigned char year_src, tz_src;   /* MT_SRC_*: the least sure seen */
  char *gaps;                       /* gaps_inside, or NULL */
} cov_row;

typedef struct cov_rows {
  cov_row *rows; int n, cap;
  int64_t *msgs, *term, *open;   /* per row: the host's message accounting */
} cov_rows;

static void cov_clear(mt_rowset_cursor *rc, int all){
  cov_rows *c = rc->rows;
  int i;
  for(i=0; i<c->n; i++){ sqlite3_free(c->rows[i].host); sqlite3_free(c->rows[i].gaps); }
  sqlite3_free(c->msgs); sqlite3_free(c->term); sqlite3_free(c->open);
  c->msgs = c->term = c->open = 0;
  c->n = 0;
  if( all ){ sqlite3_free(c->rows); c->rows = 0; c->cap = 0; }
}

/* The row of (host, file), the last one first (lines come file by file). */
static cov_row *row_for(cov_rows *c, const char *host, int hl, int file){
  int i;
  cov_row *r;
  for(i=c->n-1; i>=0 && c->rows[i].file==file; i--){
    if( (int)strlen(c->rows[i].host)==hl && memcmp(c->rows[i].host, host, (size_t)hl)==0 ) return &c->rows[i];
  }
  if( mt_sqlite_grow(&c->rows, &c->cap, c->n+1, sizeof(cov_row)) ) return 0;
  r = &c->rows[c->n];
  memset(r, 0, sizeof(*r));
  r->host = sqlite3_mprintf("%.*s", hl, host);
  if( !r->host ) return 0;
  r->file = file;
  c->n++;
  return r;
}

/* 1. one pass: per host and file */
static int cov_line(mt_rowset_cursor *rc, const mt_scan *s){
  cov_row *row = row_for(rc->rows, s->host, s->host_len, s->ifile);
  mt_event ev;
  if( !row ) return SQLITE_NOMEM;
  row->lines++;
  if( s->has_time ){
    if( !row->has_time || s->t_utc < row->first ) row->first = s->t_utc;
    if( !row->has_time || s->t_utc > row->last ) row->last = s->t_utc;
    row->has_time = 1;
    if( s->year_src > row->year_src ) row->year_src = s->year_src;
    if( s->tz_src > row->tz_src ) row->tz_src = s->tz_src;
  }
  if( s->ln.form==MT_FORM_NONE ){ row->unknown++; return SQLITE_OK; }
  {
    int t = mt_line_event(&s->ln, s->file_type, &ev);
    if( t>MT_LOG_NONE && t<MT_LOG_COUNT ) row->types |= 1u<<t;
    /* the Consolidated Event Log fills message columns too (cef_store.c) */
    if( t==MT_LOG_CEF ) row->kinds |= mt_cef_fills(s->ln.body, s->ln.body_len);
    if( !mt_logtype_is_mail(t) ) return SQLITE_OK;   /* other logs: not mail_logs coverage */
  }
  if( ev.kind==MT_EV_NONE ){ row->unknown++; return SQLITE_OK; }
  if( ev.kind==MT_EV_LOG_BEGIN && s->lineno > 1 ) row->restarts++;      /* a new header inside the file */
  if( ev.kind==MT_EV_MID_START ){
    /* numbers going back: one restart, and the count starts again from here */
    if( row->max_mid > 1000 && ev.mid < row->max_mid - 1000 ){ row->restarts++; row->max_mid = ev.mid; }
    if( ev.mid > row->max_mid ) row->max_mid = ev.mid;
  }
  row->kinds |= mt_event_fills(&ev);
  return SQLITE_OK;
}

/* 2. message accounting per host, from the entity store */
static int accounting(cov_rows *c, const mt_store *st);
static int cov_finish(mt_rowset_cursor *rcur, mt_ctx *ctx, const mt_args *use, char **pzErr){
  cov_rows *c = rcur->rows;
  void *entry = 0;
  const mt_store *st = 0;
  int rc = mt_store_acquire(ctx, use, &entry, &st, pzErr);
  if( rc==SQLITE_OK ) rc = accounting(c, st);
  if( entry ) mt_store_release(entry);
  return rc;
}

/* The store's messages and gaps per row's host. */
static int accounting(cov_rows *c, const mt_store *st){
  int r;
  c->msgs = sqlite3_malloc64(sizeof(int64_t)*(size_t)(c->n ? c->n : 1));
  c->term = sqlite3_malloc64(sizeof(int64_t)*(size_t)(c->n ? c->n : 1));
  c->open = sqlite3_malloc64(sizeof(int64_t)*(size_t)(c->n ? c->n : 1));
  if( !c->msgs || !c->term || !c->open ) return SQLITE_NOMEM;
  for(r=0; r<c->n; r++){
    int h = mt_store_host(st, c->rows[r].host), m, g;
    c->msgs[r] = c->term[r] = c->open[r] = 0;
    if( h<0 ) continue;
    for(g=0; g<st->ngap; g++){
      const mt_gap *gp = &st->gaps[g];
      char ga[20], gb[20];
      char *z;
      int64_t d = gp->to - gp->from;
      if( gp->file!=c->rows[r].file || gp->host!=h ) continue;
      mt_time_iso(gp->from, ga); mt_time_iso(gp->to, gb);
      z = d >= 2*86400 ? sqlite3_mprintf("%z%s%s to %s (%lld days)", c->rows[r].gaps, c->rows[r].gaps ? "; " : "", ga, gb, (long long)(d/86400))
                       : sqlite3_mprintf("%z%s%s to %s (%lld h %02lld min)", c->rows[r].gaps, c->rows[r].gaps ? "; " : "", ga, gb,
                                         (long long)(d/3600), (long long)(d%3600/60));
      c->rows[r].gaps = z;      /* %z freed the old text */
      if( !z ) return SQLITE_NOMEM;
    }
    for(m=0; m<st->nmsg; m++){
      int x = st->msgs[m].status;
      if( st->msgs[m].host!=h ) continue;
      c->msgs[r]++;
      if( x==MT_MS_QUEUED || x==MT_MS_DELAYED ) c->open[r]++;
      else if( x==MT_MS_INCOMPLETE ){
        /* still being received (its connection has no end line) is open; any
        ** other incomplete message lost its start or its end to the logs */
        int k = st->msgs[m].icid>0 ? mt_store_conn(st, h, st->msgs[m].icid) : -1;
        if( k>=0 && st->conns[k].end_state==0 ) c->open[r]++;
      }
      else if( x!=MT_MS_NONE ) c->term[r]++;
    }
  }
  return SQLITE_OK;
}

static int cov_count(const mt_rowset_cursor *rc){ return ((const cov_rows*)rc->rows)->n; }

static void kinds_text(sqlite3_context *ctx, unsigned kinds, int want){
  sqlite3_str *s = sqlite3_str_new(0);
  int k;
  for(k=0; k<NKIND; k++){
    if( (((kinds>>k)&1)!=0)==want ) sqlite3_str_appendf(s, "%s%s", sqlite3_str_length(s) ? ", " : "", azKind[k]);
  }
  {
    int n = sqlite3_str_length(s);
    char *z = sqlite3_str_finish(s);
    if( n && z ) sqlite3_result_text(ctx, z, -1, sqlite3_free);
    else sqlite3_free(z);
  }
}

static int cov_column(mt_rowset_cursor *cur, sqlite3_context *ctx, int col){
  const cov_rows *c = cur->rows;
  const cov_row *r = &c->rows[cur->i];
  switch( col ){
    case KC_HOST: sqlite3_result_text(ctx, r->host, -1, SQLITE_TRANSIENT); break;
    case KC_FILE: if( r->file < cur->nfiles ) sqlite3_result_text(ctx, cur->files[r->file], -1, SQLITE_TRANSIENT); break;
    case KC_FIRST_UTC: mt_result_time(ctx, r->has_time, r->first); break;
    case KC_LAST_UTC: mt_result_time(ctx, r->has_time, r->last); break;
    case KC_LINES: sqlite3_result_int64(ctx, r->lines); break;
    case KC_UNKNOWN: sqlite3_result_int64(ctx, r->unknown); break;
    case KC_GAP: {
      int j;
      for(j=cur->i-1; j>=0; j--){
        if( strcmp(c->rows[j].host, r->host)==0 ){
          if( c->rows[j].has_time && r->has_time ) sqlite3_result_int64(ctx, r->first - c->rows[j].last);
          break;
        }
      }
      break;
    }
    case KC_RESTARTS: sqlite3_result_int64(ctx, r->restarts); break;
    case KC_PRESENT: kinds_text(ctx, r->kinds, 1); break;
    case KC_ABSENT: kinds_text(ctx, r->kinds, 0); break;
    case KC_MESSAGES: if( c->msgs ) sqlite3_result_int64(ctx, c->msgs[cur->i]); break;
    case KC_TERMINAL: if( c->term ) sqlite3_result_int64(ctx, c->term[cur->i]); break;
    case KC_OPEN: if( c->open ) sqlite3_result_int64(ctx, c->open[cur->i]); break;
    case KC_YEAR_SRC: {
      static const char *const az[] = { 0, "in the lines", "year= option", "file mtime (guessed)" };
      if( r->year_src ) sqlite3_result_text(ctx, az[r->year_src], -1, SQLITE_STATIC);
      break;
    }
    case KC_TZ_SRC: {
      static const char *const az[] = { 0, "file header", "tz= option", "assumed UTC (guessed)" };
      if( r->tz_src ) sqlite3_result_text(ctx, az[r->tz_src], -1, SQLITE_STATIC);
      break;
    }
    case KC_GAPS: if( r->gaps ) sqlite3_result_text(ctx, r->gaps, -1, SQLITE_TRANSIENT); break;
    case KC_LOG_TYPES: {
      sqlite3_str *z = sqlite3_str_new(0);
      int t;
      char *out;
      for(t=MT_LOG_NONE+1; t<MT_LOG_COUNT; t++){
        if( r->types & (1u<<t) ) sqlite3_str_appendf(z, "%s%s", sqlite3_str_length(z) ? ", " : "", mt_logtype_name(t));
      }
      t = sqlite3_str_length(z);
      if( sqlite3_str_errcode(z) ){ sqlite3_free(sqlite3_str_finish(z)); return SQLITE_NOMEM; }
      out = sqlite3_str_finish(z);          /* NULL when empty: no log type, NULL */
      if( t && out ) sqlite3_result_text(ctx, out, -1, sqlite3_free);
      else sqlite3_free(out);
      break;
    }
    case KC_CANNOT_ANSWER: {
      /* per host: the Consolidated Event Log without any mail_logs line */
      unsigned types = 0;
      int j;
      for(j=0; j<c->n; j++) if( strcmp(c->rows[j].host, r->host)==0 ) types |= c->rows[j].types;
      if( (types & (1u<<MT_LOG_CEF)) && !(types & ((1u<<MT_LOG_MAIL) | (1u<<MT_LOG_INJECTION))) ){
        sqlite3_result_text(ctx, "This host's logs hold the Consolidated Event Log (one line per message) but no "
          "mail_logs: message-level questions are answered (sender, recipients, verdicts, final action), but not "
          "connection-level ones: connections refused by the host access table or by reputation (they have no "
          "message, so no CEF line), senders that gave up during a slow banner (no reverse DNS), connections "
          "that sent no message, TLS failures of incoming sessions, each delivery attempt and the remote "
          "server's reply, and a bounce or delay after the CEF line was written. Add the mail_logs "
          "subscription for those.", -1, SQLITE_STATIC);
      }
      break;
    }
    case KC_PCT:
      if( c->msgs && c->msgs[cur->i] ) sqlite3_result_double(ctx, 100.0*(double)(c->term[cur->i]+c->open[cur->i])/(double)c->msgs[cur->i]);
      break;
  }
  return SQLITE_OK;
}

static const mt_rowset_def cov_def = {
  "mailtrace_coverage",
  "host TEXT, file TEXT, first_utc TEXT, last_utc TEXT, lines INTEGER,"
  " unknown_lines INTEGER, gap_before_s INTEGER, restarts INTEGER, present TEXT, absent TEXT,"
  " messages INTEGER, messages_terminal INTEGER, messages_open INTEGER, accounted_pct REAL,"
  " year_source TEXT, tz_source TEXT, gaps_inside TEXT, log_types TEXT, cannot_answer TEXT",
  0, KC_ARG1, 20, sizeof(cov_rows),
  cov_line, cov_finish, cov_clear, cov_count, cov_column
};

int mt_register_coverage(sqlite3 *db, mt_ctx *ctx){
  return mt_rowset_register(db, ctx, &cov_def);
}
