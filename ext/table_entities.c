/* SPDX-License-Identifier: MIT */
/*
** table_entities.c — mailtrace_connections, mailtrace_messages,
** mailtrace_recipients, mailtrace_deliveries.
**
** Usage:
**
**   SELECT mailtrace_open('/var/log/esa/');      -- temp.connections, ... (functions.c)
**   SELECT c.remote_ip, m.mid, m.status
**     FROM connections c JOIN messages m ON m.host = c.host AND m.icid = c.icid
**    WHERE c.remote_ip = '192.0.2.10';
**
**   SELECT * FROM mailtrace_messages('/logs/esa1/', '/logs/esa2/') WHERE status = 'bounced';
**
**   SELECT domain, status, count(*) FROM recipients GROUP BY 1, 2;   -- no sort
**
** The four tables read one entity store (entities.c) built by a single pass
** over the sources.  Stores are cached per connection (cache.c), keyed by
** the identity of every file (path, device, inode, size, mtime) and the
** options, so a join's inner lookups and every later query over unchanged
** files use the cached store; a file that grew or rotated makes a new one.
** A lookup of a few ids without a cached store is answered from the offset
** index's small store (cache.c, mt_store_for_lookup).
**
** Plan (idxStr, shown by EXPLAIN QUERY PLAN): "arg" per source argument,
** then "<column>=? via index" (or "<column> IN (?) via index", the whole
** list at once) for the id constraint answered by a lookup (icid, mid,
** dcid, with host), then text filters "remote_ip=?" etc., the cheap
** columns checked on the row's number ("status=?", "end_state=?"), and
** the order the rows come in ("ORDER BY status", "ORDER BY domain, status"):
** see entBestIndex().
**
** A store mapped from its image (index=DIR) is checked part by part: each
** statement says which parts its columns read (ent_def.parts, .plain,
** .more_cols; storefile.h's MT_SF_PART_*), cache.c checks them first.  A
** statement whose columns are all kept apart from the rows (ent_def.apart:
** a status, a result, a recipient's domain) reads none of the rows:
**
**   SELECT status, count(*) FROM messages GROUP BY 1;    -- part "columns" alone
*/
#include "cache.h"
#include "entities.h"
#include "cef_store.h"
#include "partial.h"
#include "storefile.h"
#include "wraps.h"
#include "mime.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------- table descriptors */

typedef struct ent_def ent_def;

typedef mt_src_vtab ent_vtab;      /* def: the table's ent_def */

#define ORDER_MAX 32                    /* values of an ordered column at most (order_rows) */

typedef struct ent_cursor {
  sqlite3_vtab_cursor base;   /* first: SQLite sees a sqlite3_vtab_cursor */
  mt_args callargs;
  int listed;                 /* a bound table's files were listed by this cursor */
  void *es;                   /* the store's cache reference (cache.h) */
  const mt_store *st;
  int *rows;                  /* candidate rows (lookups), or NULL for all */
  int nrows, crows;
  int i;                      /* position: index into rows[] or the whole array */
  int total;                  /* size of the table's array */
  /* After order_rows or domain_rows: each position's sort key, from which
  ** entColumn reads the sorted columns (sorted_value) instead of the rows
  ** the sort scattered: the sort's kind (0 order_rows, 1-3 domain_rows),
  ** the key's low digit's base, and the ordered column's value of each
  ** rank (godd: some row's value was out of range, which the key does not
  ** hold: that column is read from the row).  gkey NULL otherwise. */
  int *gkey;
  int gkind, godd;
  uint32_t glo;
  int ginv[ORDER_MAX];
} ent_cursor;

/* Id columns a table can look up, by role. */
enum { K_HOST, K_ICID, K_MID, K_DCID, K_COUNT };

struct ent_def {
  const char *name;
  const char *schema;
  int ncol;                       /* visible columns; hidden arg1.. follow */
  int key[K_COUNT];               /* column of each role, -1 if none */
  int unique_key;                 /* role whose lookup yields at most one row per host, or -1 */
  int (*count)(const mt_store*);
  /* Rows with id `id` in role `role`: the first when prev < 0, else the one after prev; -1 at the end. */
  int (*lookup)(const mt_store*, int role, int host, int64_t id, int prev);
  int (*row_host)(const mt_store*, int row);
  void (*column)(const mt_store*, int row, int col, sqlite3_context*);
  int filter_col[2];              /* text columns with `= ?` filtered in xFilter, -1 */
  const char *filter_label[2];    /* their names, for the plan string */
  const char *(*text)(const mt_store*, int row, int col);
  /* The ordered column (MT_PLAN_ORDERED), -1 none: a small enumeration
  ** whose value v (0..order_n-1) a row gives by order_value and whose text
  ** is order_name(v) (NULL for none). */
  int order_col;
  const char *order_label;        /* its name, for the plan string */
  int order_n;
  const char *(*order_name)(int v);
  int (*order_value)(const mt_store*, int row);
  /* The grouped text column (recipients' domain), -1 none: a row's value
  ** is the text group_text gives for its place group_rank (-1: NULL), the
  ** places 0..group_n-1 in the order SQLite's BINARY collation gives the
  ** texts (the store sorted them: mt_store_finish).  ORDER BY or GROUP BY it,
  ** alone or with the ordered column, is answered by the table (domain_rows). */
  int group_col;
  const char *group_label;
  int (*group_rank)(const mt_store*, int row);
  int (*group_n)(const mt_store*);
  const char *(*group_text)(const mt_store*, int rank, int64_t *n);   /* and its length */
  /* The parts of a store mapped from its image (storefile.h) its rows
  ** need, and the columns that read no text of the store (ids, numbers,
  ** times, names of a few values, host, file): a statement using only
  ** those does not need the strings checked. */
  unsigned parts;
  uint64_t plain;
  /* Columns that read another part than the rows' own (recipients: their
  ** message's host, mid, generation; also every lookup by mid and host
  ** filter, whose columns are then in colUsed), and that part. */
  uint64_t more_cols;
  unsigned more_parts;
  /* Columns whose `= ?` xFilter checks on the row's own number before
  ** SQLite reads anything (EP_CHEAP): a count, a flag, a status.  get()
  ** gives the row's value (0: NULL); name, for a column whose text is a
  ** name of that value, turns it into its text (NULL: an integer column).
  ** SQLite checks the term again (omit = 0): these only drop rows early. */
  struct ent_cheap {
    int col;                      /* -1: none */
    const char *label;
    int (*get)(const mt_store*, int row, int64_t *v);
    const char *(*name)(int v);
  } cheap[3];
  /* Columns kept apart from the rows (entities.h: a status, a result, the
  ** domain), read from the store's part MT_SF_PART_COLUMNS: a statement
  ** that uses no other column (messages by status, recipients by domain)
  ** needs none of the rows' parts. */
  uint64_t apart;
};
#define B(c) ((uint64_t)1 << (c))

#define ARGS_HIDDEN \
  ", arg1 HIDDEN, arg2 HIDDEN, arg3 HIDDEN, arg4 HIDDEN, arg5 HIDDEN, arg6 HIDDEN," \
  " arg7 HIDDEN, arg8 HIDDEN, arg9 HIDDEN, arg10 HIDDEN, arg11 HIDDEN, arg12 HIDDEN," \
  " arg13 HIDDEN, arg14 HIDDEN, arg15 HIDDEN, arg16 HIDDEN)"

/* -------------------------------------------------------- column helpers */

static void r_text(sqlite3_context *c, const char *z){
  if( z ) sqlite3_result_text(c, z, -1, SQLITE_TRANSIENT);
}
static void r_id(sqlite3_context *c, int64_t v){
  if( v>=0 ) sqlite3_result_int64(c, v);
}
static void r_time(sqlite3_context *c, const mt_when *w, int utc){
  char iso[20];
  if( !mt_when_set(*w) ) return;
  mt_time_iso(utc ? mt_when_utc(*w) : w->local, iso);
  sqlite3_result_text(c, iso, 19, SQLITE_TRANSIENT);
}
static void r_int_text(sqlite3_context *c, const char *z){
  if( z && *z ){
    char *e;
    long long v = strtoll(z, &e, 10);
    if( *e==0 ) sqlite3_result_int64(c, v); else sqlite3_result_text(c, z, -1, SQLITE_TRANSIENT);
  }
}
/* The subject with its RFC 2047 encoded words decoded (mime.c), computed
** when asked for: the store keeps the subject as logged. */
static void r_decoded(sqlite3_context *c, const char *z){
  size_t n, cap;
  char *out;
  if( !z ) return;
  n = strlen(z);
  if( !mt_rfc2047_has_words(z, n) ){ sqlite3_result_text(c, z, (int)n, SQLITE_TRANSIENT); return; }
  cap = MT_RFC2047_MAX(n);
  out = sqlite3_malloc64(cap);
  if( !out ){ sqlite3_result_error_nomem(c); return; }
  n = mt_rfc2047_decode(z, n, out, cap);
  sqlite3_result_text(c, out, (int)n, sqlite3_free);
}

static const char *tls_name(int t){ return t==1 ? "success" : t==2 ? "failed" : 0; }

/* ------------------------------------------------------------ connections */

enum { CC_HOST, CC_ICID, CC_START_TS, CC_END_TS, CC_START_UTC, CC_END_UTC, CC_INTERFACE,
       CC_INTERFACE_IP, CC_REMOTE_IP, CC_REVERSE_DNS, CC_DNS_VERIFIED, CC_ACTION,
       CC_SENDER_GROUP, CC_MATCH, CC_SBRS, CC_COUNTRY, CC_TLS, CC_TLS_PROTOCOL, CC_TLS_CIPHER,
       CC_MESSAGES, CC_END_STATE, CC_ERROR, CC_FILE, CC_LINENO, CC_GENERATION, CC_STARTED_BEFORE_LOGS, CC_N };

static int conn_count(const mt_store *st){ return st->nconn; }
static int conn_host(const mt_store *st, int r){ return st->conns[r].host; }
/* Newest first, then older connections with the same id (a restart, or
** the many ICID 0 refusals). */
static int conn_lookup(const mt_store *st, int role, int host, int64_t id, int prev){
  if( role!=K_ICID ) return -1;
  return prev<0 ? mt_store_conn(st, host, id) : st->conns[prev].prev_same;
}
static void conn_column(const mt_store *st, int r, int col, sqlite3_context *c){
  const mt_conn *k = &st->conns[r];
  switch( col ){
    case CC_HOST: r_text(c, st->hosts[k->host]); break;
    case CC_ICID: r_id(c, k->icid); break;
    case CC_START_TS: r_time(c, &k->start, 0); break;
    case CC_END_TS: r_time(c, &k->end, 0); break;
    case CC_START_UTC: r_time(c, &k->start, 1); break;
    case CC_END_UTC: r_time(c, &k->end, 1); break;
    case CC_INTERFACE: r_text(c, k->interface); break;
    case CC_INTERFACE_IP: r_text(c, k->interface_ip); break;
    case CC_REMOTE_IP: r_text(c, k->remote_ip); break;
    case CC_REVERSE_DNS: r_text(c, k->reverse_dns); break;
    case CC_DNS_VERIFIED: if( k->dns_verified>=0 ) sqlite3_result_int(c, k->dns_verified); break;
    case CC_ACTION: r_text(c, k->action); break;
    case CC_SENDER_GROUP: r_text(c, k->sender_group); break;
    case CC_MATCH: r_text(c, k->match); break;
    case CC_SBRS: if( k->has_sbrs ) sqlite3_result_double(c, k->sbrs); break;
    case CC_COUNTRY: r_text(c, k->country); break;
    case CC_TLS: r_text(c, tls_name(k->tls)); break;
    case CC_TLS_PROTOCOL: r_text(c, k->tls_protocol); break;
    case CC_TLS_CIPHER: r_text(c, k->tls_cipher); break;
    case CC_MESSAGES: sqlite3_result_int(c, k->messages); break;
    case CC_END_STATE: r_text(c, k->end_state==1 ? "closed" : k->end_state==2 ? "lost" : 0); break;
    case CC_ERROR: r_text(c, k->error); break;
    case CC_FILE: r_text(c, st->files[k->file]); break;
    case CC_LINENO: sqlite3_result_int64(c, k->lineno); break;
    case CC_GENERATION: sqlite3_result_int(c, k->generation); break;
    case CC_STARTED_BEFORE_LOGS: sqlite3_result_int(c, k->started_before_logs); break;
  }
}

static int conn_messages(const mt_store *st, int r, int64_t *v){ *v = st->conns[r].messages; return 1; }
static int conn_dns_verified(const mt_store *st, int r, int64_t *v){
  *v = st->conns[r].dns_verified;
  return st->conns[r].dns_verified>=0;
}
static int conn_end_state(const mt_store *st, int r, int64_t *v){ *v = st->conns[r].end_state; return 1; }
static const char *end_state_name(int v){ return v==1 ? "closed" : v==2 ? "lost" : 0; }

static const char *conn_text(const mt_store *st, int r, int col){
  return col==CC_REMOTE_IP ? st->conns[r].remote_ip : 0;
}

static const ent_def conn_def = {
  "mailtrace_connections",
  "CREATE TABLE x(host TEXT, icid INTEGER, start_ts TEXT, end_ts TEXT, start_utc TEXT,"
  " end_utc TEXT, interface TEXT, interface_ip TEXT, remote_ip TEXT, reverse_dns TEXT,"
  " dns_verified INTEGER, action TEXT, sender_group TEXT, match TEXT, sbrs REAL, country TEXT,"
  " tls TEXT, tls_protocol TEXT, tls_cipher TEXT, messages INTEGER, end_state TEXT, error TEXT,"
  " file TEXT, lineno INTEGER, generation INTEGER, started_before_logs INTEGER" ARGS_HIDDEN,
  CC_N, { CC_HOST, CC_ICID, -1, -1 }, K_ICID,
  conn_count, conn_lookup, conn_host, conn_column,
  { CC_REMOTE_IP, -1 }, { "remote_ip", 0 }, conn_text,
  -1, 0, 0, 0, 0,
  -1, 0, 0, 0, 0,
  MT_SF_PART_CONNS,
  B(CC_HOST) | B(CC_ICID) | B(CC_START_TS) | B(CC_END_TS) | B(CC_START_UTC) | B(CC_END_UTC)
  | B(CC_DNS_VERIFIED) | B(CC_SBRS) | B(CC_TLS) | B(CC_MESSAGES) | B(CC_END_STATE) | B(CC_FILE)
  | B(CC_LINENO) | B(CC_GENERATION) | B(CC_STARTED_BEFORE_LOGS),
  0, 0,
  { { CC_END_STATE, "end_state", conn_end_state, end_state_name },
    { CC_MESSAGES, "messages", conn_messages, 0 },
    { CC_DNS_VERIFIED, "dns_verified", conn_dns_verified, 0 } },
  0                               /* no column kept apart */
};

/* --------------------------------------------------------------- messages */

enum { MC_HOST, MC_MID, MC_ICID, MC_START_TS, MC_END_TS, MC_START_UTC, MC_END_UTC,
       MC_MAIL_FROM, MC_MESSAGE_ID, MC_SUBJECT, MC_SIZE, MC_RCPT_COUNT, MC_POLICY, MC_SPF,
       MC_DKIM, MC_DMARC, MC_SPAM, MC_GRAYMAIL, MC_VIRUS, MC_VIRUS_NAMES, MC_AMP, MC_OUTBREAK,
       MC_FILTERS, MC_QUARANTINE, MC_PARENT_MID, MC_PARENT_RELATION, MC_STATUS, MC_REASON,
       MC_FILE, MC_LINENO, MC_SUBJECT_DECODED, MC_GENERATION, MC_STARTED_BEFORE_LOGS,
       MC_DLP, MC_DLP_SEVERITY, MC_DLP_RISK, MC_DLP_POLICY, MC_URL_REPUTATION, MC_URL,
       MC_URL_CATEGORY, MC_SDR_THREAT_LEVEL, MC_SDR_CATEGORY, MC_SCANS_SKIPPED, MC_SLBL,
       MC_FILTERS_EVALUATED, MC_CUSTOM_LOG, MC_ATTACHMENTS, MC_ATTACHMENTS_DECODED, MC_SHA256,
       MC_DIRECTION, MC_SOURCE, MC_DISAGREEMENT, MC_CEF_ACTION, MC_DANE_HOST, MC_DANE_STATUS, MC_N };

/* attachments_decoded: each name of the list decoded (mime.c,
** mt_filename_decode), joined again with ", ". */
static void r_names_decoded(sqlite3_context *c, const char *z){
  size_t n, cap, len = 0;
  char *out;
  const char *p, *e;
  if( !z ) return;
  n = strlen(z);
  cap = MT_RFC2047_MAX(n) + 1;
  out = sqlite3_malloc64(cap);
  if( !out ){ sqlite3_result_error_nomem(c); return; }
  for(p = z; ; p = e + 2){
    e = strstr(p, ", ");
    if( !e ) e = z + n;
    if( len ){ memcpy(out+len, ", ", 2); len += 2; }
    len += mt_filename_decode(p, (size_t)(e - p), out + len, cap - len);
    if( e==z+n ) break;
  }
  sqlite3_result_text(c, out, (int)len, sqlite3_free);
}

static int msg_count(const mt_store *st){ return st->nmsg; }
static int msg_host(const mt_store *st, int r){ return st->msgs[r].host; }
static int msg_lookup(const mt_store *st, int role, int host, int64_t id, int prev){
  if( role==K_MID ) return prev<0 ? mt_store_msg(st, host, id) : st->msgs[prev].prev_same;
  if( role==K_ICID ) return prev<0 ? mt_store_first_msg_of_icid(st, host, id) : st->msgs[prev].next_icid;
  return -1;
}
static void msg_column(const mt_store *st, int r, int col, sqlite3_context *c){
  const mt_msg *m = &st->msgs[r];
  if( col==MC_STATUS ){             /* kept apart: the row is not read */
    r_text(c, mt_msg_status_name(st->msg_status[r]));
    return;
  }
  switch( col ){
    case MC_HOST: r_text(c, st->hosts[m->host]); break;
    case MC_MID: r_id(c, m->mid); break;
    case MC_ICID: r_id(c, m->icid); break;
    case MC_START_TS: r_time(c, &m->start, 0); break;
    case MC_END_TS: r_time(c, &m->end, 0); break;
    case MC_START_UTC: r_time(c, &m->start, 1); break;
    case MC_END_UTC: r_time(c, &m->end, 1); break;
    case MC_MAIL_FROM: r_text(c, m->mail_from); break;
    case MC_MESSAGE_ID: r_text(c, m->message_id); break;
    case MC_SUBJECT: r_text(c, m->subject); break;
    case MC_SIZE: r_id(c, m->size); break;
    case MC_RCPT_COUNT: sqlite3_result_int(c, m->rcpt_count); break;
    case MC_POLICY: r_text(c, m->policy); break;
    case MC_SPF: r_text(c, m->spf); break;
    case MC_DKIM: r_text(c, m->dkim); break;
    case MC_DMARC: r_text(c, m->dmarc); break;
    case MC_SPAM: r_text(c, m->spam); break;
    case MC_GRAYMAIL: r_text(c, m->graymail); break;
    case MC_VIRUS: r_text(c, m->virus); break;
    case MC_VIRUS_NAMES: r_text(c, m->virus_names); break;
    case MC_AMP: r_text(c, m->amp); break;
    case MC_OUTBREAK: r_text(c, m->outbreak); break;
    case MC_FILTERS: r_text(c, m->filters); break;
    case MC_QUARANTINE: r_text(c, m->quarantine); break;
    case MC_PARENT_MID: r_id(c, m->parent_mid); break;
    case MC_PARENT_RELATION: r_text(c, m->parent_relation); break;
    case MC_REASON: r_text(c, m->reason); break;
    case MC_FILE: r_text(c, st->files[m->file]); break;
    case MC_LINENO: sqlite3_result_int64(c, m->lineno); break;
    case MC_SUBJECT_DECODED: r_decoded(c, m->subject); break;
    case MC_GENERATION: sqlite3_result_int(c, m->generation); break;
    case MC_STARTED_BEFORE_LOGS: sqlite3_result_int(c, m->started_before_logs); break;
    case MC_DLP: r_text(c, mt_msg_more_of(st, m)->dlp); break;
    case MC_DLP_SEVERITY: r_text(c, mt_msg_more_of(st, m)->dlp_severity); break;
    case MC_DLP_RISK: r_id(c, mt_msg_more_of(st, m)->dlp_risk); break;
    case MC_DLP_POLICY: r_text(c, mt_msg_more_of(st, m)->dlp_policy); break;
    case MC_URL_REPUTATION: if( mt_msg_more_of(st, m)->has_url_rep ) sqlite3_result_double(c, mt_msg_more_of(st, m)->url_reputation); break;
    case MC_URL: r_text(c, mt_msg_more_of(st, m)->url); break;
    case MC_URL_CATEGORY: r_text(c, mt_msg_more_of(st, m)->url_category); break;
    case MC_SDR_THREAT_LEVEL: r_text(c, mt_msg_more_of(st, m)->sdr_threat_level); break;
    case MC_SDR_CATEGORY: r_text(c, mt_msg_more_of(st, m)->sdr_category); break;
    case MC_SCANS_SKIPPED: r_text(c, mt_msg_more_of(st, m)->scans_skipped); break;
    case MC_SLBL: r_text(c, mt_msg_more_of(st, m)->slbl); break;
    case MC_FILTERS_EVALUATED: r_text(c, mt_msg_more_of(st, m)->filters_evaluated); break;
    case MC_CUSTOM_LOG: r_text(c, mt_msg_more_of(st, m)->custom_log); break;
    case MC_ATTACHMENTS: r_text(c, m->attachments); break;
    case MC_ATTACHMENTS_DECODED: r_names_decoded(c, m->attachments); break;
    case MC_SHA256: r_text(c, mt_msg_more_of(st, m)->sha256); break;
    case MC_DIRECTION: r_text(c, m->direction); break;
    case MC_SOURCE: r_text(c, mt_origin_name(m->origin)); break;
    case MC_DISAGREEMENT: r_text(c, m->disagreement); break;
    case MC_CEF_ACTION: r_text(c, m->cef_action); break;
    case MC_DANE_HOST: r_text(c, m->dane_host); break;
    case MC_DANE_STATUS: r_text(c, m->dane_status); break;
  }
}

static const char *msg_status_name(int v){ return mt_msg_status_name(v); }
static int msg_status(const mt_store *st, int r){ return st->msg_status[r]; }
static int msg_status_get(const mt_store *st, int r, int64_t *v){ *v = st->msg_status[r]; return 1; }
static const char *msg_text(const mt_store *st, int r, int col){
  return col==MC_MAIL_FROM ? st->msgs[r].mail_from : col==MC_MESSAGE_ID ? st->msgs[r].message_id : 0;
}

static const ent_def msg_def = {
  "mailtrace_messages",
  "CREATE TABLE x(host TEXT, mid INTEGER, icid INTEGER, start_ts TEXT, end_ts TEXT,"
  " start_utc TEXT, end_utc TEXT, mail_from TEXT, message_id TEXT, subject TEXT, size INTEGER,"
  " rcpt_count INTEGER, policy TEXT, spf TEXT, dkim TEXT, dmarc TEXT, spam TEXT, graymail TEXT,"
  " virus TEXT, virus_names TEXT, amp TEXT, outbreak TEXT, filters TEXT, quarantine TEXT,"
  " parent_mid INTEGER, parent_relation TEXT, status TEXT, reason TEXT, file TEXT, lineno INTEGER,"
  " subject_decoded TEXT, generation INTEGER, started_before_logs INTEGER, dlp TEXT, dlp_severity TEXT, dlp_risk INTEGER,"
  " dlp_policy TEXT, url_reputation REAL, url TEXT, url_category TEXT, sdr_threat_level TEXT,"
  " sdr_category TEXT, scans_skipped TEXT, slbl TEXT, filters_evaluated TEXT, custom_log TEXT,"
  " attachments TEXT, attachments_decoded TEXT, sha256 TEXT, direction TEXT,"
  " source TEXT, disagreement TEXT, cef_action TEXT, dane_host TEXT, dane_status TEXT" ARGS_HIDDEN,
  MC_N, { MC_HOST, MC_ICID, MC_MID, -1 }, K_MID,
  msg_count, msg_lookup, msg_host, msg_column,
  { MC_MAIL_FROM, MC_MESSAGE_ID }, { "mail_from", "message_id" }, msg_text,
  MC_STATUS, "status", MT_MS_SPLIT + 1, msg_status_name, msg_status,
  -1, 0, 0, 0, 0,
  MT_SF_PART_MSGS,
  B(MC_HOST) | B(MC_MID) | B(MC_ICID) | B(MC_START_TS) | B(MC_END_TS) | B(MC_START_UTC) | B(MC_END_UTC)
  | B(MC_SIZE) | B(MC_RCPT_COUNT) | B(MC_PARENT_MID) | B(MC_STATUS) | B(MC_FILE) | B(MC_LINENO)
  | B(MC_GENERATION) | B(MC_STARTED_BEFORE_LOGS) | B(MC_DLP_RISK) | B(MC_URL_REPUTATION) | B(MC_SOURCE),
  0, 0,
  { { MC_STATUS, "status", msg_status_get, msg_status_name }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 } },
  B(MC_STATUS)
};

/* ------------------------------------------------------------- recipients */

enum { RC_HOST, RC_MID, RC_RID, RC_RCPT_TO, RC_STATUS, RC_DCID, RC_ATTEMPTS, RC_DSN,
       RC_RESPONSE, RC_END_TS, RC_END_UTC, RC_GENERATION, RC_SOURCE, RC_DISAGREEMENT, RC_DOMAIN,
       RC_N };

static int rcpt_count(const mt_store *st){ return st->nrcpt; }
static int rcpt_host(const mt_store *st, int r){ return st->msgs[st->rcpts[r].msg].host; }
static int rcpt_lookup(const mt_store *st, int role, int host, int64_t id, int prev){
  int mi;
  if( role!=K_MID ) return -1;
  if( prev>=0 ){
    if( st->rcpts[prev].next>=0 ) return st->rcpts[prev].next;
    mi = st->msgs[st->rcpts[prev].msg].prev_same;       /* an older message with this MID */
  }else{
    mi = mt_store_msg(st, host, id);
  }
  for(; mi>=0; mi = st->msgs[mi].prev_same) if( st->msgs[mi].first_rcpt>=0 ) return st->msgs[mi].first_rcpt;
  return -1;
}
static void rcpt_column(const mt_store *st, int r, int col, sqlite3_context *c){
  const mt_rcpt *x = &st->rcpts[r];
  const mt_msg *m;
  /* kept apart (made by mt_store_finish): the row is not read */
  if( col==RC_STATUS ){ r_text(c, mt_rcpt_status_name(st->rcpt_status[r])); return; }
  if( col==RC_DOMAIN ){
    int32_t d = st->rcpt_dom[r];
    if( d>=0 && d<st->ndom ){
      sqlite3_result_text64(c, mt_store_domain(st, d), (sqlite3_uint64)mt_store_domain_len(st, d),
                            SQLITE_TRANSIENT, SQLITE_UTF8);
    }
    return;
  }
  m = &st->msgs[x->msg];
  switch( col ){
    case RC_HOST: r_text(c, st->hosts[m->host]); break;
    case RC_MID: r_id(c, m->mid); break;
    case RC_RID: if( x->origin!=MT_ORIGIN_CEF ) r_id(c, x->rid); break;   /* CEF logs no RID */
    case RC_RCPT_TO: r_text(c, x->rcpt_to); break;
    case RC_DCID: r_id(c, x->dcid); break;
    case RC_ATTEMPTS: sqlite3_result_int(c, x->attempts); break;
    case RC_DSN: r_text(c, x->dsn); break;
    case RC_RESPONSE: r_text(c, x->response); break;
    case RC_END_TS: r_time(c, &x->end, 0); break;
    case RC_END_UTC: r_time(c, &x->end, 1); break;
    case RC_GENERATION: sqlite3_result_int(c, m->generation); break;
    case RC_SOURCE: r_text(c, mt_origin_name(x->origin)); break;
    case RC_DISAGREEMENT: r_text(c, x->disagreement); break;
  }
}

static const char *rcpt_status_name(int v){ return mt_rcpt_status_name(v); }
static int rcpt_status(const mt_store *st, int r){ return st->rcpt_status[r]; }
static int rcpt_status_get(const mt_store *st, int r, int64_t *v){ *v = st->rcpt_status[r]; return 1; }
static const char *rcpt_text(const mt_store *st, int r, int col){
  return col==RC_RCPT_TO ? st->rcpts[r].rcpt_to : 0;
}
static int rcpt_dom(const mt_store *st, int r){ return st->rcpt_dom[r]; }
static int rcpt_ndom(const mt_store *st){ return st->ndom; }
static const char *rcpt_dom_text(const mt_store *st, int d, int64_t *n){
  *n = mt_store_domain_len(st, d);
  return mt_store_domain(st, d);
}

static const ent_def rcpt_def = {
  "mailtrace_recipients",
  "CREATE TABLE x(host TEXT, mid INTEGER, rid INTEGER, rcpt_to TEXT, status TEXT, dcid INTEGER,"
  " attempts INTEGER, dsn TEXT, response TEXT, end_ts TEXT, end_utc TEXT, generation INTEGER,"
  " source TEXT, disagreement TEXT, domain TEXT" ARGS_HIDDEN,
  RC_N, { RC_HOST, -1, RC_MID, -1 }, -1,
  rcpt_count, rcpt_lookup, rcpt_host, rcpt_column,
  { RC_RCPT_TO, -1 }, { "rcpt_to", 0 }, rcpt_text,
  RC_STATUS, "status", MT_RS_ABORTED + 1, rcpt_status_name, rcpt_status,
  RC_DOMAIN, "domain", rcpt_dom, rcpt_ndom, rcpt_dom_text,
  MT_SF_PART_RCPTS,
  B(RC_HOST) | B(RC_MID) | B(RC_RID) | B(RC_STATUS) | B(RC_DCID) | B(RC_ATTEMPTS) | B(RC_END_TS)
  | B(RC_END_UTC) | B(RC_GENERATION) | B(RC_SOURCE) | B(RC_DOMAIN),
  B(RC_HOST) | B(RC_MID) | B(RC_GENERATION), MT_SF_PART_MSGS,     /* its message's */
  { { RC_STATUS, "status", rcpt_status_get, rcpt_status_name }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 } },
  B(RC_STATUS) | B(RC_DOMAIN)
};

/* ------------------------------------------------------------- deliveries */

enum { DC_HOST, DC_DCID, DC_MID, DC_RID, DC_START_TS, DC_END_TS, DC_START_UTC, DC_END_UTC,
       DC_INTERFACE_IP, DC_DEST_IP, DC_DEST_PORT, DC_DOMAIN, DC_TLS, DC_TLS_PROTOCOL,
       DC_TLS_CIPHER, DC_RESULT, DC_DSN, DC_REASON, DC_SMTP_CODE, DC_RESPONSE, DC_STARTED_BEFORE_LOGS, DC_N };

static int dlv_count(const mt_store *st){ return st->ndlv; }
static int dlv_host(const mt_store *st, int r){ return st->dlvs[r].host; }
static int dlv_lookup(const mt_store *st, int role, int host, int64_t id, int prev){
  if( role==K_DCID ) return prev<0 ? mt_store_first_dlv_of_dcid(st, host, id) : st->dlvs[prev].next_dcid;
  if( role==K_MID ) return prev<0 ? mt_store_first_dlv_of_mid(st, host, id) : st->dlvs[prev].next_mid;
  return -1;
}
static void dlv_column(const mt_store *st, int r, int col, sqlite3_context *c){
  const mt_dlv *d = &st->dlvs[r];
  const mt_dconn *k;
  if( col==DC_RESULT ){             /* kept apart: the row is not read */
    r_text(c, mt_dlv_result_name(st->dlv_result[r]));
    return;
  }
  k = d->dconn>=0 ? &st->dconns[d->dconn] : 0;
  switch( col ){
    case DC_HOST: r_text(c, st->hosts[d->host]); break;
    case DC_DCID: r_id(c, d->dcid); break;
    case DC_MID: r_id(c, d->mid); break;
    case DC_RID: r_id(c, d->rid); break;
    case DC_START_TS: r_time(c, &d->start, 0); break;
    case DC_END_TS: r_time(c, &d->end, 0); break;
    case DC_START_UTC: r_time(c, &d->start, 1); break;
    case DC_END_UTC: r_time(c, &d->end, 1); break;
    case DC_INTERFACE_IP: if( k ) r_text(c, k->interface_ip); break;
    case DC_DEST_IP: r_text(c, d->dest_ip ? d->dest_ip : k ? k->dest_ip : 0); break;
    case DC_DEST_PORT: r_int_text(c, d->dest_port ? d->dest_port : k ? k->dest_port : 0); break;
    case DC_DOMAIN: r_text(c, d->domain); break;
    case DC_TLS: if( k ) r_text(c, tls_name(k->tls)); break;
    case DC_TLS_PROTOCOL: if( k ) r_text(c, k->tls_protocol); break;
    case DC_TLS_CIPHER: if( k ) r_text(c, k->tls_cipher); break;
    case DC_DSN: r_text(c, d->dsn); break;
    case DC_REASON: r_text(c, d->reason); break;
    case DC_SMTP_CODE: r_int_text(c, d->smtp_code); break;
    case DC_RESPONSE: r_text(c, d->response); break;
    case DC_STARTED_BEFORE_LOGS: sqlite3_result_int(c, d->started_before_logs); break;
  }
}

static const char *dlv_result_name(int v){ return mt_dlv_result_name(v); }
static int dlv_result(const mt_store *st, int r){ return st->dlv_result[r]; }
static int dlv_result_get(const mt_store *st, int r, int64_t *v){ *v = st->dlv_result[r]; return 1; }
static const ent_def dlv_def = {
  "mailtrace_deliveries",
  "CREATE TABLE x(host TEXT, dcid INTEGER, mid INTEGER, rid INTEGER, start_ts TEXT, end_ts TEXT,"
  " start_utc TEXT, end_utc TEXT, interface_ip TEXT, dest_ip TEXT, dest_port INTEGER,"
  " domain TEXT, tls TEXT, tls_protocol TEXT, tls_cipher TEXT, result TEXT, dsn TEXT,"
  " reason TEXT, smtp_code INTEGER, response TEXT, started_before_logs INTEGER" ARGS_HIDDEN,
  DC_N, { DC_HOST, -1, DC_MID, DC_DCID }, -1,
  dlv_count, dlv_lookup, dlv_host, dlv_column,
  { -1, -1 }, { 0, 0 }, 0,
  DC_RESULT, "result", MT_DR_ERROR + 1, dlv_result_name, dlv_result,
  -1, 0, 0, 0, 0,
  MT_SF_PART_DLVS,
  B(DC_HOST) | B(DC_DCID) | B(DC_MID) | B(DC_RID) | B(DC_START_TS) | B(DC_END_TS) | B(DC_START_UTC)
  | B(DC_END_UTC) | B(DC_DEST_PORT) | B(DC_TLS) | B(DC_RESULT) | B(DC_SMTP_CODE) | B(DC_STARTED_BEFORE_LOGS),
  0, 0,
  { { DC_RESULT, "result", dlv_result_get, dlv_result_name }, { -1, 0, 0, 0 }, { -1, 0, 0, 0 } },
  B(DC_RESULT)
};

/* ------------------------------------------------------------ the module */

static int entConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr, const ent_def *def){
  return mt_src_connect(db, pAux, def->schema, def, argc, argv, ppVtab, pzErr);
}

#define DEF_CONNECT(fn, def) \
  static int fn(sqlite3 *db, void *pAux, int argc, const char *const *argv, \
                sqlite3_vtab **ppVtab, char **pzErr){ \
    return entConnect(db, pAux, argc, argv, ppVtab, pzErr, &def); }
DEF_CONNECT(connConnect, conn_def)
DEF_CONNECT(msgConnect, msg_def)
DEF_CONNECT(rcptConnect, rcpt_def)
DEF_CONNECT(dlvConnect, dlv_def)

static const char *const azRole[K_COUNT] = { "host", "icid", "mid", "dcid" };

/* The plan (idxNum, tables.h): bits 0-4 the number of arguments, argv[0..n)
** in argument order, then one argv value per value flag set, in order:
**
**   V0     EP_HOST     host = ?: only this gateway
**   V1..V3 EP_EQ       icid, mid, dcid = ?: looked up in the store's hash maps
**   V4..V6 EP_IN       icid, mid, dcid IN (...): the whole list at once
**                      (sqlite3_vtab_in); at most one of the six: the
**                      table's unique key if constrained, else the first
**   V7     EP_FILTER   the first text filter (remote_ip, mail_from, rcpt_to)
**   V8                 the second (message_id): exact text, BINARY only;
**                      SQLite checks them again (omit = 0)
**   V9..V11  EP_CHEAP  `col = ?` on the table's cheap columns (ent_def.cheap:
**                      connections end_state, messages, dns_verified; the
**                      status of messages and recipients, the result of
**                      deliveries): rows whose own value differs are dropped
**                      before SQLite reads them; SQLite checks again
**   V12..V14 EP_CHEAP_IN  `col IN (...)` on them, the whole list at once
**                      (sqlite3_vtab_in: one pass, the rows in the table's
**                      order); a list of more than CHEAP_IN_MAX values is
**                      left to SQLite
**   MT_PLAN_ORDERED    ORDER BY, or GROUP BY, the table's status column
**                      (deliveries: result) alone, ascending: xFilter puts
**                      the rows in that order (order_rows), and SQLite does
**                      not sort them again (orderByConsumed).  Its kind
**                      (MT_PLAN_ORDER_KIND) is 0 then; recipients also
**                      consume ORDER BY / GROUP BY domain (kind 1),
**                      domain, status (2) and status, domain (3), all
**                      ascending (domain_rows)
**
** idxStr, for EXPLAIN only: "arg" per argument, "host=?", "mid=? via
** index" or "mid IN (?) via index", "mail_from=?" ... */
enum { EP_HOST = 0, EP_EQ = 1, EP_IN = 4, EP_FILTER = 7, EP_CHEAP = 9, EP_CHEAP_IN = 12 };
#define CHEAP_IN_MAX 32

/* The table's order that is the whole ORDER BY (or GROUP BY) of p, ascending:
** 1 the grouped column, 2 it then the ordered column, 3 the ordered column
** then it; 0 none of these. */
static int group_kind(const ent_def *def, const sqlite3_index_info *p){
  int a, b;
  if( def->group_col<0 || p->nOrderBy<1 || p->nOrderBy>2 ) return 0;
  if( p->aOrderBy[0].desc || (p->nOrderBy==2 && p->aOrderBy[1].desc) ) return 0;
  a = p->aOrderBy[0].iColumn;
  b = p->nOrderBy==2 ? p->aOrderBy[1].iColumn : -1;
  if( a==def->group_col && b<0 ) return 1;
  if( a==def->group_col && b==def->order_col ) return 2;
  if( a==def->order_col && b==def->group_col ) return 3;
  return 0;
}

static const ent_def *def_of(const ent_vtab *vt){ return (const ent_def*)vt->def; }

/* The parts of the store a scan of this table reads: what its statements'
** plans said (entBestIndex); its rows when none was planned. */
static unsigned store_parts(const ent_vtab *vt, const ent_def *def){
  return vt->parts ? vt->parts : def->parts | (def->apart ? MT_SF_PART_COLUMNS : 0);
}

static int entBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  ent_vtab *vt = (ent_vtab*)pVtab;
  const ent_def *def = (const ent_def*)vt->def;
  mt_plan_builder b;
  int keyAt[K_COUNT];
  int i, lookup = -1;
  char word[40];
  int rc = mt_plan_begin(&b, pVtab, p, def->ncol, vt->bound);

  if( rc ) return rc;
  for(i=0; i<K_COUNT; i++) keyAt[i] = -1;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    int r;
    if( c->iColumn >= def->ncol || !c->usable || c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    for(r=0; r<K_COUNT; r++){
      if( def->key[r]==c->iColumn && def->key[r]>=0 && keyAt[r]<0 ) keyAt[r] = i;
    }
  }
  /* The lookup key: the unique one if constrained, else any id role. */
  if( def->unique_key>=0 && keyAt[def->unique_key]>=0 ) lookup = def->unique_key;
  for(i=K_ICID; i<K_COUNT && lookup<0; i++) if( keyAt[i]>=0 ) lookup = i;
  if( keyAt[K_HOST]>=0 ) mt_plan_value(&b, EP_HOST, keyAt[K_HOST], 1, "host=?");
  if( lookup>=0 ){
    /* "id IN (...)": the whole list comes to one xFilter call
    ** (sqlite3_vtab_in), so the store is looked up once per value in one
    ** pass, not rebuilt or rescanned per value. */
    int isIn = sqlite3_vtab_in(p, keyAt[lookup], 1);
    snprintf(word, sizeof(word), "%s%s via index", azRole[lookup], isIn ? " IN (?)" : "=?");
    mt_plan_value(&b, (isIn ? EP_IN : EP_EQ) + (lookup - K_ICID), keyAt[lookup], 1, word);
    if( lookup==def->unique_key ){
      p->estimatedRows = keyAt[K_HOST]>=0 ? 1 : 2;
      if( keyAt[K_HOST]>=0 ) p->idxFlags |= SQLITE_INDEX_SCAN_UNIQUE;
      p->estimatedCost = 10;
    }else{
      p->estimatedRows = 10;
      p->estimatedCost = 50;
    }
  }else{
    p->estimatedRows = 100000;
    p->estimatedCost = keyAt[K_HOST]>=0 ? 50000 : 100000;
  }
  /* Text filters (remote_ip, mail_from, ...): checked in xFilter before a
  ** row is returned; SQLite checks them again (omit = 0). */
  for(i=0; i<2; i++){
    int j;
    if( def->filter_col[i]<0 ) continue;
    for(j=0; j<p->nConstraint; j++){
      const struct sqlite3_index_constraint *c = &p->aConstraint[j];
      /* Only under BINARY: "= x COLLATE NOCASE" must see every row. */
      if( c->usable && c->op==SQLITE_INDEX_CONSTRAINT_EQ && c->iColumn==def->filter_col[i]
       && p->aConstraintUsage[j].argvIndex==0
       && sqlite3_stricmp(sqlite3_vtab_collation(p, j), "BINARY")==0 ){
        snprintf(word, sizeof(word), "%s=?", def->filter_label[i]);
        mt_plan_value(&b, EP_FILTER + i, j, 0, word);
        if( lookup<0 ){ p->estimatedRows = 10; p->estimatedCost = 1000; }
        break;
      }
    }
  }
  /* Cheap columns: `= ?` checked on the row's number before SQLite reads the
  ** row (a name column under BINARY only: its text is compared). */
  for(i=0; i<3; i++){
    const struct ent_cheap *ch = &def->cheap[i];
    int j;
    if( ch->col<0 ) continue;
    for(j=0; j<p->nConstraint; j++){
      const struct sqlite3_index_constraint *c = &p->aConstraint[j];
      if( c->usable && c->op==SQLITE_INDEX_CONSTRAINT_EQ && c->iColumn==ch->col
       && p->aConstraintUsage[j].argvIndex==0
       && (!ch->name || sqlite3_stricmp(sqlite3_vtab_collation(p, j), "BINARY")==0) ){
        int inl = sqlite3_vtab_in(p, j, 1);          /* an IN list: all of it at once */
        snprintf(word, sizeof(word), inl ? "%s IN (?)" : "%s=?", ch->label);
        mt_plan_value(&b, (inl ? EP_CHEAP_IN : EP_CHEAP) + i, j, 0, word);
        break;
      }
    }
  }
  /* A status (or result) is one of a dozen names: the rows are put in its
  ** order with one counting pass, cheaper than SQLite's sorter over them
  ** (docs/tables.md, "Sorted by status"). */
  if( def->order_col>=0 && def->order_n<=ORDER_MAX ){
    int kind = group_kind(def, p);
    if( kind>0 ){
      snprintf(word, sizeof(word), "ORDER BY %s%s%s", kind==3 ? def->order_label : def->group_label,
               kind==1 ? "" : ", ", kind==1 ? "" : kind==2 ? def->order_label : def->group_label);
      mt_plan_ordered_as(&b, kind, word);
    }else{
      mt_plan_ordered(&b, def->order_col, def->order_label);
    }
  }
  /* The parts of the store this statement reads (a store mapped from its
  ** image checks only those): kept with the table, for every statement
  ** planned on it (a plan not chosen only adds a part checked early). */
  {
    uint64_t vis = def->ncol >= 63 ? ~(uint64_t)0 >> 1 : B(def->ncol) - 1;
    /* the rows, unless every column used is kept apart (a lookup reads the
    ** rows it finds: their links) */
    int rows = (p->colUsed & vis & ~def->apart)!=0 || lookup>=0 || !def->apart;
    vt->parts |= ((p->colUsed & def->apart) || !rows ? MT_SF_PART_COLUMNS : 0)
               | (rows ? def->parts : 0)
               | ((p->colUsed & vis & ~def->plain) && !(def->parts & MT_SF_OWN_STRINGS) ? MT_SF_PART_STRINGS : 0)
               | ((p->colUsed & def->more_cols) ? def->more_parts : 0)
               | (lookup>=0 ? MT_SF_PART_IDS : 0);          /* the id maps */
  }
  if( b.nArg==0 && !vt->bound ) p->estimatedCost = 1e300;   /* no source: xFilter says so */
  return mt_plan_end(&b);
}

static int entOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  ent_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void ent_reset(ent_cursor *c){
  sqlite3_free(c->gkey);
  c->gkey = 0;
  mt_store_release(c->es);
  c->es = 0;
  c->st = 0;
  mt_args_free(&c->callargs);
  c->nrows = 0;
  c->i = 0;
}

static int entClose(sqlite3_vtab_cursor *cur){
  ent_cursor *c = (ent_cursor*)cur;
  ent_reset(c);
  sqlite3_free(c->rows);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int add_row(ent_cursor *c, int r){
  if( mt_sqlite_grow(&c->rows, &c->crows, c->nrows+1, sizeof(int)) ) return SQLITE_NOMEM;
  c->rows[c->nrows++] = r;
  return SQLITE_OK;
}

/* rank[v]: the place of value v's text among the ordered column's values,
** as SQLite orders text (NULL first, then by strcmp; equal names by v). */
static void order_ranks(const ent_def *def, int *rank){
  int v, w;
  for(v=0; v<def->order_n; v++){                /* the values before v's */
    const char *a = def->order_name(v);
    rank[v] = 0;
    for(w=0; w<def->order_n; w++){
      const char *b = def->order_name(w);
      if( w==v ) continue;
      if( !b ){ if( a || w < v ) rank[v]++; }     /* NULL first */
      else if( a && (strcmp(b, a) < 0 || (strcmp(b, a)==0 && w < v)) ) rank[v]++;
    }
  }
}

/* Every row of the table listed (a cursor without a lookup or filter). */
static int list_all(ent_cursor *c){
  int k;
  if( c->total>=0 ){
    for(k=0; k<c->total; k++) if( add_row(c, k)!=SQLITE_OK ) return SQLITE_NOMEM;
    c->total = -1;
  }
  return SQLITE_OK;
}

/* The row at position k of the cursor's candidates (before a sort: every
** row of the table when c->total >= 0). */
static int cand_row(const ent_cursor *c, int k){
  return c->total>=0 ? k : c->rows[k];
}

/* The ordered column's ranks for a sort: rank[v] (order_ranks), and
** c->ginv, the value of each rank; godd cleared. */
static void sort_ranks(ent_cursor *c, const ent_def *def, int *rank){
  int v;
  order_ranks(def, rank);
  for(v=0; v<def->order_n; v++) c->ginv[rank[v]] = v;
  c->godd = 0;
}

/* The rank of row r's value of the ordered column; a value out of range
** takes NULL's place and sets c->godd. */
static uint32_t row_rank(ent_cursor *c, const ent_def *def, const int *rank, int r){
  int v = def->order_value(c->st, r);
  if( v<0 || v>=def->order_n ){ v = 0; c->godd = 1; }
  return (uint32_t)rank[v];
}

/* The candidates sorted by key[k] (each < hi_n * lo_n, their positions
** k = 0..n-1): stably by the key's low digit (key % lo_n), then by its
** high digit (key / lo_n), two counting passes; a low digit of one value
** (lo_n 1) takes one pass.  The cursor's rows become the sorted rows and
** c->gkey each position's key (read back by entColumn, sorted_value);
** key is taken (freed or kept).  SQLITE_OK or SQLITE_NOMEM. */
static int sort_by_key(ent_cursor *c, uint32_t *key, int n, uint32_t hi_n, uint32_t lo_n){
  uint32_t *count = sqlite3_malloc64(sizeof(uint32_t)*((sqlite3_uint64)(hi_n > lo_n ? hi_n : lo_n) + 1));
  int *a = sqlite3_malloc64(sizeof(int)*(sqlite3_uint64)n);
  int *b = sqlite3_malloc64(sizeof(int)*(sqlite3_uint64)n);
  int *from = 0, *to, k;
  uint32_t d;
  if( !count || !a || !b ){
    sqlite3_free(count); sqlite3_free(a); sqlite3_free(b); sqlite3_free(key);
    return SQLITE_NOMEM;
  }
  to = a;
  if( lo_n>1 ){                                   /* low digit: positions into a */
    memset(count, 0, sizeof(uint32_t)*((size_t)lo_n + 1));
    for(k=0; k<n; k++) count[key[k] % lo_n + 1]++;
    for(d=1; d<=lo_n; d++) count[d] += count[d-1];
    for(k=0; k<n; k++) a[count[key[k] % lo_n]++] = k;
    from = a; to = b;
  }
  memset(count, 0, sizeof(uint32_t)*((size_t)hi_n + 1));   /* high digit: into `to` */
  for(k=0; k<n; k++) count[key[k] / lo_n + 1]++;
  for(d=1; d<=hi_n; d++) count[d] += count[d-1];
  for(k=0; k<n; k++){
    int p = from ? from[k] : k;
    to[count[key[p] / lo_n]++] = p;
  }
  sqlite3_free(count);
  /* positions to rows, and the keys in sorted order (into the other array) */
  from = to==a ? b : a;
  for(k=0; k<n; k++){
    int p = to[k];
    from[k] = (int)key[p];
    to[k] = cand_row(c, p);
  }
  sqlite3_free(key);
  sqlite3_free(c->rows);
  c->rows = to; c->crows = n; c->nrows = n; c->total = -1;
  c->gkey = from;
  return SQLITE_OK;
}

/* The cursor's rows in the ascending order of the table's ordered column
** (MT_PLAN_ORDERED), as SQLite orders its text: NULL first, then the names
** by strcmp (BINARY; every name is lowercase ASCII, so NOCASE agrees).  A
** counting sort over the row numbers: stable, so rows of one value keep
** their order.  order_n is at most ORDER_MAX (entBestIndex consumes the
** ORDER BY only then).  SQLITE_OK or SQLITE_NOMEM.  Each position's value
** is kept for entColumn (gkey: the value's rank, c->ginv its value). */
static int order_rows(ent_cursor *c, const ent_def *def){
  int rank[ORDER_MAX], k, n = c->total>=0 ? c->total : c->nrows;
  uint32_t *key;
  if( n<2 ) return SQLITE_OK;
  key = sqlite3_malloc64(sizeof(uint32_t)*(sqlite3_uint64)n);
  if( !key ) return SQLITE_NOMEM;
  sort_ranks(c, def, rank);
  for(k=0; k<n; k++) key[k] = row_rank(c, def, rank, cand_row(c, k));
  c->gkind = 0; c->glo = 1;
  return sort_by_key(c, key, n, (uint32_t)def->order_n, 1);
}

/* The cursor's rows in the table's order `kind` (MT_PLAN_ORDER_KIND 1-3):
** by the grouped column's value as SQLite compares text (BINARY: NULL
** first, then bytewise, a prefix before what it begins), then (kind 2) by
** the ordered column, or (kind 3) by the ordered column, then it.  The
** store has the values sorted already (a row's place: group_rank), so the
** rows are put in order by counting passes over one key a row (the grouped
** column's place + 1, 0 for NULL, and the ordered column's rank as its
** digits), without reading a text.  SQLITE_OK, SQLITE_NOMEM, or
** SQLITE_TOOBIG past 2^32 keys (over a hundred million domains). */
static int domain_rows(ent_cursor *c, const ent_def *def, int kind){
  int rank[ORDER_MAX], i, n = c->total>=0 ? c->total : c->nrows;
  uint32_t nd, nv = (uint32_t)def->order_n, *key;
  if( n<2 ) return SQLITE_OK;
  nd = (uint32_t)def->group_n(c->st) + 1;             /* places + NULL's */
  if( (uint64_t)nd * nv > UINT32_MAX ) return SQLITE_TOOBIG;
  key = sqlite3_malloc64(sizeof(uint32_t)*(sqlite3_uint64)n);
  if( !key ) return SQLITE_NOMEM;
  sort_ranks(c, def, rank);
  for(i=0; i<n; i++){
    int r = cand_row(c, i), d = def->group_rank(c->st, r);
    uint32_t dk = d>=0 && (uint32_t)d + 1 < nd ? (uint32_t)d + 1 : 0;   /* NULL first: place 0 */
    uint32_t sk = row_rank(c, def, rank, r);
    key[i] = kind==1 ? dk : kind==2 ? dk*nv + sk : sk*nd + dk;
  }
  c->gkind = kind;
  c->glo = kind==1 ? 1 : kind==2 ? nv : nd;
  return sort_by_key(c, key, n, kind==3 ? nv : nd, c->glo);
}

/* After a sort (c->gkey), the value at the cursor's position of the
** ordered column (which 0: its value; not for kind 1, whose key does not
** hold it) or of the grouped one (which 1: its place, -1 for NULL; not for
** kind 0). */
static int sorted_value(const ent_cursor *c, int which){
  uint32_t k = (uint32_t)c->gkey[c->i];
  if( which==0 ) return c->ginv[c->gkind==0 ? k : c->gkind==3 ? k / c->glo : k % c->glo];
  return (int)(c->gkind==3 ? k % c->glo : c->gkind==2 ? k / c->glo : k) - 1;
}

/* The store for a statement that looks up ids (role >= 0, value idv, an
** IN list when isIn) or a connection's remote_ip (ip), into the cursor:
** see mt_store_for_lookup (cache.h).  SQLITE_NOTFOUND: use the whole-log
** store. */
static int partial_store(ent_vtab *vt, const mt_args *args, int role, sqlite3_value *idv, int isIn,
                         const char *ip, ent_cursor *c, char **pzErr){
  int what = role==K_ICID ? MT_PW_ICID : role==K_MID ? MT_PW_MID : role==K_DCID ? MT_PW_DCID : -1;
  return mt_store_for_lookup(vt->ctx, args, what, idv, isIn, ip, store_parts(vt, def_of(vt)), &c->es, &c->st, pzErr);
}

/* The cursor's rows whose cheap column ch equals v, or one of the IN list
** in (each checked by SQLite again): a NULL value matches no row; a value
** of another type than the column's (an integer for a name, text for a
** count), or a list longer than CHEAP_IN_MAX, filters nothing (SQLite
** decides).  The rows keep their order.  SQLITE_OK, or an error. */
static int cheap_filter(ent_cursor *c, const struct ent_cheap *ch, sqlite3_value *v, sqlite3_value *in){
  char *text[CHEAP_IN_MAX];
  int64_t num[CHEAP_IN_MAX];
  int n = 0, j, k, out, rc = SQLITE_OK;
  sqlite3_value *x = v;
  if( !v && !in ) return SQLITE_OK;
  if( in ){
    rc = sqlite3_vtab_in_first(in, &x);
    if( rc==SQLITE_DONE ){ x = 0; rc = SQLITE_OK; }
    else if( rc ) return rc;
  }
  while( x ){
    int t = sqlite3_value_type(x);
    if( t!=SQLITE_NULL ){
      if( n==CHEAP_IN_MAX || (ch->name ? t!=SQLITE_TEXT : t!=SQLITE_INTEGER) ){ rc = SQLITE_DONE; break; }
      if( ch->name ){
        if( !(text[n] = sqlite3_mprintf("%s", (const char*)sqlite3_value_text(x))) ){ rc = SQLITE_NOMEM; break; }
      }else{
        num[n] = sqlite3_value_int64(x);
      }
      n++;
    }
    if( !in ) break;
    rc = sqlite3_vtab_in_next(in, &x);
    if( rc==SQLITE_DONE ){ rc = SQLITE_OK; break; }
    if( rc ) break;
  }
  if( rc==SQLITE_OK && list_all(c)!=SQLITE_OK ) rc = SQLITE_NOMEM;
  if( rc==SQLITE_OK ){
    for(k=0, out=0; k<c->nrows; k++){
      int64_t val;
      int keep = 0;
      if( ch->get(c->st, c->rows[k], &val) ){                /* a NULL row matches nothing */
        const char *z = ch->name && val>=INT_MIN && val<=INT_MAX ? ch->name((int)val) : 0;
        for(j=0; j<n && !keep; j++) keep = ch->name ? z && strcmp(z, text[j])==0 : val==num[j];
      }
      if( keep ) c->rows[out++] = c->rows[k];
    }
    c->nrows = out;
  }
  if( ch->name ) for(j=0; j<n; j++) sqlite3_free(text[j]);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;                /* DONE: a value SQLite must judge */
}

static int entFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                     int argc, sqlite3_value **argv){
  ent_cursor *c = (ent_cursor*)cur;
  ent_vtab *vt = (ent_vtab*)cur->pVtab;
  const ent_def *def = (const ent_def*)vt->def;
  const mt_args *args;
  char *err = 0;
  int rc, i, host = -2, role = -1, useRows = 0, isIn = 0, hasHost = 0;
  const char *hostName = 0;
  const char *want[2] = { 0, 0 };
  int hasWant[2] = { 0, 0 };
  sqlite3_value *idv = 0;
  mt_plan pl;
  (void)idxStr;

  ent_reset(c);
  mt_plan_decode(&pl, idxNum, argc, argv);
  rc = mt_args_for_filter(cur->pVtab, def->name, "/var/log/esa/", &vt->args, vt->bound,
                          &c->callargs, pl.nArg, argv, &args, &c->listed);
  if( rc ) return rc;

  /* The constraint values after the arguments (the plan's value flags). */
  if( pl.v[EP_HOST] ){
    hostName = (const char*)sqlite3_value_text(pl.v[EP_HOST]);
    hasHost = 1;
  }
  for(i=K_ICID; i<K_COUNT; i++){
    sqlite3_value *eq = pl.v[EP_EQ + (i - K_ICID)], *in = pl.v[EP_IN + (i - K_ICID)];
    if( !eq && !in ) continue;
    idv = eq ? eq : in;
    role = i;
    isIn = in!=0;
  }
  for(i=0; i<2; i++){
    if( def->filter_col[i]<0 || !pl.v[EP_FILTER + i] ) continue;
    want[i] = (const char*)sqlite3_value_text(pl.v[EP_FILTER + i]);
    hasWant[i] = 1;
  }

  /* The store: for a lookup of ids or of a client IP, the offset index
  ** path (or a cached whole-log store); else the whole-log store. */
  rc = SQLITE_NOTFOUND;
  if( role>=0 || (def==&conn_def && hasWant[0] && want[0]) ){
    rc = partial_store(vt, args, role, idv, isIn, def==&conn_def && hasWant[0] ? want[0] : 0, c, &err);
  }
  if( rc==SQLITE_NOTFOUND ) rc = mt_store_acquire_part(vt->ctx, args, store_parts(vt, def), &c->es, &c->st, &err);
  if( rc ) goto fail;
  c->total = def->count(c->st);
  if( hasHost ){
    host = hostName ? mt_store_host(c->st, hostName) : -1;
    useRows = 1;
  }
  if( role>=0 ) useRows = 1;

  if( useRows ){
    c->nrows = 0;
    if( host==-1 ){
      /* an unknown host: nothing */
    }else if( role>=0 ){
      sqlite3_value *v = 0;
      int more = 1;
      if( isIn ){
        rc = sqlite3_vtab_in_first(idv, &v);
        if( rc==SQLITE_DONE ){ more = 0; rc = SQLITE_OK; }
        else if( rc ) return rc;
      }else{
        v = idv;
      }
      while( more ){
        int64_t id;
        if( mt_id_value(v, &id) ){
          int h, r;
          for(h = host>=0 ? host : 0; h < (host>=0 ? host+1 : c->st->nhost); h++){
            for(r = def->lookup(c->st, role, h, id, -1); r>=0; r = def->lookup(c->st, role, h, id, r)){
              if( (rc = add_row(c, r))!=SQLITE_OK ) return rc;
            }
          }
          vt->ctx->last.index_hits++;
        }
        if( !isIn ) break;
        rc = sqlite3_vtab_in_next(idv, &v);
        if( rc==SQLITE_DONE ){ rc = SQLITE_OK; break; }
        if( rc ) return rc;
      }
    }else{
      int r;
      for(r=0; r<c->total; r++){
        if( def->row_host(c->st, r)==host && (rc = add_row(c, r))!=SQLITE_OK ) return rc;
      }
    }
    c->total = -1;
  }
  /* Text filters. */
  for(i=0; i<2; i++){
    int k, out;
    if( !hasWant[i] ) continue;
    if( list_all(c)!=SQLITE_OK ) return SQLITE_NOMEM;       /* the full range first */
    for(k=0, out=0; k<c->nrows; k++){
      const char *z = def->text(c->st, c->rows[k], def->filter_col[i]);
      if( want[i] && z && strcmp(z, want[i])==0 ) c->rows[out++] = c->rows[k];
    }
    c->nrows = out;
  }
  /* Cheap columns (EP_CHEAP, EP_CHEAP_IN). */
  for(i=0; i<3; i++){
    if( def->cheap[i].col<0 ) continue;
    rc = cheap_filter(c, &def->cheap[i], pl.v[EP_CHEAP + i], pl.v[EP_CHEAP_IN + i]);
    if( rc!=SQLITE_OK ) return rc;
  }
  if( (pl.idxNum & MT_PLAN_ORDERED) ){
    int kind = MT_PLAN_ORDER_KIND(pl.idxNum);
    rc = kind==0 ? order_rows(c, def) : def->group_col>=0 ? domain_rows(c, def, kind) : SQLITE_OK;
    if( rc==SQLITE_TOOBIG ) mt_vtab_error(cur->pVtab, "%s: too many domains to order by the table", def->name);
    if( rc!=SQLITE_OK ) return rc;
  }
  c->i = 0;
  return SQLITE_OK;

fail:
  if( rc==SQLITE_ERROR || err ) mt_vtab_error(cur->pVtab, "%s", err ? err : "out of memory");
  sqlite3_free(err);
  return rc ? rc : SQLITE_ERROR;
}

static int entNext(sqlite3_vtab_cursor *cur){
  ((ent_cursor*)cur)->i++;
  return SQLITE_OK;
}

static int entEof(sqlite3_vtab_cursor *cur){
  ent_cursor *c = (ent_cursor*)cur;
  if( !c->st ) return 1;
  return c->total>=0 ? c->i >= c->total : c->i >= c->nrows;
}

static int cur_row(const ent_cursor *c){
  return c->total>=0 ? c->i : c->rows[c->i];
}

static int entColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  ent_cursor *c = (ent_cursor*)cur;
  ent_vtab *vt = (ent_vtab*)cur->pVtab;
  const ent_def *def = (const ent_def*)vt->def;
  /* the sorted columns, from the sort (rows it scattered are not read) */
  if( c->gkey && c->i < c->nrows && col==def->order_col && c->gkind!=1 && !c->godd ){
    const char *z = def->order_name(sorted_value(c, 0));
    if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_STATIC);      /* a constant name */
    return SQLITE_OK;
  }
  if( c->gkey && c->i < c->nrows && col==def->group_col && c->gkind!=0 ){
    int64_t n = 0;
    const char *z = def->group_text(c->st, sorted_value(c, 1), &n);
    if( z ) sqlite3_result_text64(ctx, z, (sqlite3_uint64)n, SQLITE_TRANSIENT, SQLITE_UTF8);
    return SQLITE_OK;
  }
  if( col < def->ncol ) def->column(c->st, cur_row(c), col, ctx);
  return SQLITE_OK;
}

static int entRowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = cur_row((ent_cursor*)cur) + 1;
  return SQLITE_OK;
}

#define DEF_MODULE(var, connect) \
  static sqlite3_module var = { 0, connect, connect, entBestIndex, mt_src_disconnect, \
    mt_src_disconnect, entOpen, entClose, entFilter, entNext, entEof, entColumn, entRowid, \
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
DEF_MODULE(connModule, connConnect)
DEF_MODULE(msgModule, msgConnect)
DEF_MODULE(rcptModule, rcptConnect)
DEF_MODULE(dlvModule, dlvConnect)

int mt_register_entities(sqlite3 *db, mt_ctx *ctx){
  int rc = sqlite3_create_module_v2(db, "mailtrace_connections", &connModule, mt_ctx_ref(ctx), mt_ctx_unref);
  if( rc==SQLITE_OK ) rc = sqlite3_create_module_v2(db, "mailtrace_messages", &msgModule, mt_ctx_ref(ctx), mt_ctx_unref);
  if( rc==SQLITE_OK ) rc = sqlite3_create_module_v2(db, "mailtrace_recipients", &rcptModule, mt_ctx_ref(ctx), mt_ctx_unref);
  if( rc==SQLITE_OK ) rc = sqlite3_create_module_v2(db, "mailtrace_deliveries", &dlvModule, mt_ctx_ref(ctx), mt_ctx_unref);
  return rc;
}
