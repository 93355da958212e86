/* SPDX-License-Identifier: MIT */
/*
** table_cef.c — mailtrace_cef: the Consolidated Event Log (docs/format.md
** §8.7), one row per message, checked against mail_logs.
**
**   SELECT * FROM mailtrace_cef('/var/log/esa/');        -- any sources
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT * FROM mailtrace_cef WHERE agrees = 0;        -- CEF and mail_logs disagree
**
** One row per (host, ESAMID): the last CEF line of a MID wins (a message can
** be written more than once: interim lines, duplicates; `lines` counts
** them).  A CEF line without ESAMID is a row of its own.  Columns are the
** CEF keys as logged (cef.h parses the quirks), then what mail_logs says of
** the same message: mail_logs_status (as in mailtrace_messages), agrees
** (1 when mail_logs and CEF agree: final action against status, sender,
** recipients, every verdict both logged; 0 when not; NULL when mail_logs
** does not have the message) and check (in words: the same text as
** mailtrace_messages.disagreement, the rule of cef_store.c).
** SQLITE_VTAB_DIRECTONLY.  The walk, the plan (arguments only: idxNum =
** their number, argv in argument order) and the cursor are tables.c's
** mt_rowset; this file holds the columns and the row rules.
*/
#include "cache.h"
#include "events.h"
#include "logtype.h"
#include "entities.h"
#include "cef.h"
#include "cef_store.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The text columns, each the value of one CEF key (unquoted). */
static const struct { const char *col, *key; } aKey[] = {
  { "start_time", "startTime" }, { "end_time", "endTime" }, { "sender", "suser" },
  { "recipients", "duser" }, { "subject", "msg" }, { "size", "ESAMsgSize" },
  { "act", "act" }, { "action_details", "ESAFinalActionDetails" },
  { "as_verdict", "ESAASVerdict" }, { "av_verdict", "ESAAVVerdict" },
  { "amp_verdict", "ESAAMPVerdict" }, { "gm_verdict", "ESAGMVerdict" },
  { "cf_verdict", "ESACFVerdict" }, { "dlp_verdict", "ESADLPVerdict" },
  { "of_verdict", "ESAOFVerdict" }, { "mf_verdict", "ESAMFVerdict" },
  { "spf", "ESASPFVerdict" }, { "dkim", "ESADKIMVerdict" }, { "dmarc", "ESADMARCVerdict" },
  { "attachments", "ESAAttachmentDetails" }, { "dane_host", "ESADaneHost" },
  { "dane_status", "ESADaneStatus" }, { "source_ip", "sourceAddress" },
  { "sender_group", "ESASenderGroup" }, { "mail_flow_policy", "ESAMailFlowPolicy" },
  { "device_version", 0 },
};
#define NKEY ((int)(sizeof(aKey)/sizeof(aKey[0])))

/* Columns: host, mid, icid, dcid, utc, the NKEY text columns, lines,
** mail_logs_status, agrees, check, then 8 hidden arguments. */
enum { CC_HOST, CC_MID, CC_ICID, CC_DCID, CC_UTC, CC_KEY0 };
#define CC_LINES (CC_KEY0 + NKEY)
#define CC_ML_STATUS (CC_LINES + 1)
#define CC_AGREES (CC_LINES + 2)
#define CC_CHECK (CC_LINES + 3)
#define CC_ARG1 (CC_LINES + 4)

typedef struct cef_row {
  char *host;
  int64_t mid, icid, dcid;
  int has_time; int64_t utc;
  char *val[NKEY];
  int lines;
  const char *ml_status;
  int agrees;               /* 1, 0, -1 unknown */
  char *check;
} cef_row;

typedef struct cef_rows {
  cef_row *rows; int n, cap;
} cef_rows;

/* The columns: the key columns come from aKey. */
static char *cef_columns(void){
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendall(s, "host TEXT, mid INTEGER, icid INTEGER, dcid INTEGER, utc TEXT");
  for(i=0; i<NKEY; i++) sqlite3_str_appendf(s, ", %s TEXT", aKey[i].col);
  sqlite3_str_appendall(s, ", lines INTEGER, mail_logs_status TEXT, agrees INTEGER, \"check\" TEXT");
  return sqlite3_str_finish(s);
}

static void row_clear(cef_row *r){
  int k;
  for(k=0; k<NKEY; k++){ sqlite3_free(r->val[k]); r->val[k] = 0; }
  sqlite3_free(r->check); r->check = 0;
}

static void rows_free(mt_rowset_cursor *rc, int all){
  cef_rows *c = rc->rows;
  int i;
  for(i=0; i<c->n; i++){ row_clear(&c->rows[i]); sqlite3_free(c->rows[i].host); }
  c->n = 0;
  if( all ){ sqlite3_free(c->rows); c->rows = 0; c->cap = 0; }
}

static int64_t span_id(const mt_cef *cf, const char *key){
  mt_span v;
  int64_t x = 0;
  int i;
  if( !mt_cef_get(cf, key, &v) || v.n<=0 ) return -1;
  for(i=0; i<v.n; i++){
    int d = v.p[i] - '0';
    if( d<0 || d>9 ) return i ? x : -1;
    x = (x > (MT_ID_MAX - d)/10) ? MT_ID_MAX : x*10 + d;
  }
  return x;
}

/* The row for (host, mid): an existing one (the last line wins) or a new one. */
static cef_row *row_for(cef_rows *c, const char *host, int hl, int64_t mid){
  int i;
  cef_row *r;
  if( mid>=0 ){
    for(i=c->n-1; i>=0; i--){
      r = &c->rows[i];
      if( r->mid==mid && (int)strlen(r->host)==hl && memcmp(r->host, host, (size_t)hl)==0 ){
        row_clear(r);
        return r;
      }
    }
  }
  if( mt_sqlite_grow(&c->rows, &c->cap, c->n+1, sizeof(cef_row)) ) return 0;
  r = &c->rows[c->n];
  memset(r, 0, sizeof(*r));
  r->host = sqlite3_mprintf("%.*s", hl, host);
  if( !r->host ) return 0;
  c->n++;
  return r;
}

static int add_line(cef_rows *c, const mt_scan *s){
  mt_cef cf;
  cef_row *r;
  int k;
  if( !mt_cef_parse(s->ln.body, s->ln.body_len, &cf) ) return SQLITE_OK;
  r = row_for(c, s->host, s->host_len, span_id(&cf, "ESAMID"));
  if( !r ) return SQLITE_NOMEM;
  r->mid = span_id(&cf, "ESAMID");
  r->icid = span_id(&cf, "ESAICID");
  r->dcid = span_id(&cf, "ESADCID");
  r->has_time = s->has_time; r->utc = s->t_utc;
  r->lines++;
  r->agrees = -1;
  for(k=0; k<NKEY; k++){
    mt_span v;
    if( aKey[k].key ){
      if( !mt_cef_get(&cf, aKey[k].key, &v) ) continue;
      v = mt_cef_unquote(v);
    }else{
      v = cf.hdr[3];                         /* the AsyncOS version of the header */
    }
    if( !v.p ) continue;
    if( !(r->val[k] = sqlite3_mprintf("%.*s", v.n, v.p)) ) return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

static int col_of(const char *name){
  int k;
  for(k=0; k<NKEY; k++) if( strcmp(aKey[k].col, name)==0 ) return k;
  return -1;
}

/* CEF against mail_logs: the rule of the message tables (cef_store.c, the
** store's join of this MID's last CEF line): agrees when the join found no
** difference (final action against status, sender, recipients, verdicts),
** else the differences in words, as mailtrace_messages.disagreement. */
static int cross_check(cef_row *r, const mt_store *st){
  int h = mt_store_host(st, r->host), m;
  const char *act = r->val[col_of("act")];
  m = (h>=0 && r->mid>=0) ? mt_store_msg(st, h, r->mid) : -1;
  if( m<0 || st->msgs[m].origin==MT_ORIGIN_CEF ){
    r->check = sqlite3_mprintf("not in mail_logs");
    return r->check ? SQLITE_OK : SQLITE_NOMEM;
  }
  r->ml_status = mt_msg_status_name(st->msgs[m].status);
  if( st->msgs[m].disagreement ){
    r->agrees = 0;
    r->check = sqlite3_mprintf("%s", st->msgs[m].disagreement);
  }else if( !act ){
    r->check = sqlite3_mprintf("CEF has no final action; mail_logs says %s", r->ml_status ? r->ml_status : "nothing final");
  }else{
    r->agrees = 1;
    r->check = sqlite3_mprintf("agrees: %s", r->ml_status ? r->ml_status : "nothing final");
  }
  return r->check ? SQLITE_OK : SQLITE_NOMEM;
}

/* One line: a CEF line is (the latest line of) its message's row. */
static int cef_line(mt_rowset_cursor *rc, const mt_scan *s){
  if( s->ln.form==MT_FORM_NONE || mt_logtype(&s->ln, s->file_type)!=MT_LOG_CEF ) return SQLITE_OK;
  return add_line(rc->rows, s);
}

/* After the pass: each row against mail_logs' entity store. */
static int cef_check(void *arg, int row, const mt_store *st){
  return cross_check(&((cef_rows*)arg)->rows[row], st);
}

static int cef_finish(mt_rowset_cursor *c, mt_ctx *ctx, const mt_args *use, char **pzErr){
  return mt_store_check_rows(ctx, use, ((cef_rows*)c->rows)->n, cef_check, c->rows, pzErr);
}

static int cef_count(const mt_rowset_cursor *rc){ return ((const cef_rows*)rc->rows)->n; }

static int cef_column(mt_rowset_cursor *cur, sqlite3_context *ctx, int col){
  const cef_row *r = &((const cef_rows*)cur->rows)->rows[cur->i];
  if( col>=CC_KEY0 && col<CC_KEY0+NKEY ){
    const char *z = r->val[col-CC_KEY0];
    if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
    return SQLITE_OK;
  }
  switch( col ){
    case CC_HOST: sqlite3_result_text(ctx, r->host, -1, SQLITE_TRANSIENT); break;
    case CC_MID: if( r->mid>=0 ) sqlite3_result_int64(ctx, r->mid); break;
    case CC_ICID: if( r->icid>=0 ) sqlite3_result_int64(ctx, r->icid); break;
    case CC_DCID: if( r->dcid>=0 ) sqlite3_result_int64(ctx, r->dcid); break;
    case CC_UTC: mt_result_time(ctx, r->has_time, r->utc); break;
    case CC_LINES: sqlite3_result_int(ctx, r->lines); break;
    case CC_ML_STATUS: if( r->ml_status ) sqlite3_result_text(ctx, r->ml_status, -1, SQLITE_STATIC); break;
    case CC_AGREES: if( r->agrees>=0 ) sqlite3_result_int(ctx, r->agrees); break;
    case CC_CHECK: if( r->check ) sqlite3_result_text(ctx, r->check, -1, SQLITE_TRANSIENT); break;
  }
  return SQLITE_OK;
}

static const mt_rowset_def cef_def = {
  "mailtrace_cef", 0, cef_columns, CC_ARG1, 100, sizeof(cef_rows),
  cef_line, cef_finish, rows_free, cef_count, cef_column
};

int mt_register_cef(sqlite3 *db, mt_ctx *ctx){
  return mt_rowset_register(db, ctx, &cef_def);
}
