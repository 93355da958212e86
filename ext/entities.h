/* SPDX-License-Identifier: MIT */
/*
** entities.h — the "index" room: events → connections, messages, recipients
** and deliveries, keyed per gateway by (host, id).
**
** One pass over a file list (scan.c) feeds every line's event (events.c)
** into an mt_store; the SQL tables (table_entities.c) read it.  The store
** also keeps, per id, hash lookups so that `icid = ?`, `mid = ?`, `dcid = ?`
** constraints are answered without a scan.  No SQLite types here.
**
** Columns are documented in docs/tables.md; the status rules are there too.
*/
#ifndef MAILTRACE_ENTITIES_H
#define MAILTRACE_ENTITIES_H

#include <stdint.h>

#include "scan.h"
#include "hashmap.h"
#include "events.h"

/* The entity rows below are the bulk of a whole-log store (about 0.4 KB
** per message with its recipients, deliveries and connection), so their
** fields are laid out widest first, small enumerations are one byte, and the
** two value types every row carries several times are packed to a 4-byte
** alignment (12 and 20 bytes instead of 16 and 24).  Take no pointer to a
** field inside them (`&w.local`): read and write them by value. */
#define MT_PACK4 __attribute__((packed, aligned(4)))

/* A line of the logs: file index, line number (lineno 0: none) and the
** byte offset of its start in the (decompressed) file, so that the line can
** be read again without a walk (mailtrace_diagnose's evidence). */
typedef struct MT_PACK4 mt_where { int32_t file; int64_t lineno, off; } mt_where;

/* A time: seconds as written (local) and the file's offset east of UTC in
** force (utc = local - off); off = MT_NO_TIME when unknown. */
#define MT_NO_TIME INT32_MIN
typedef struct MT_PACK4 mt_when { int64_t local; int32_t off; } mt_when;
#define mt_when_set(w)  ((w).off != MT_NO_TIME)
#define mt_when_utc(w)  ((w).local - (w).off)

typedef struct mt_conn {
  int64_t icid;
  int64_t lineno;           /* line that opened it (file: below) */
  int64_t off;              /* byte offset of the line that opened it */
  double sbrs;
  const char *interface, *interface_ip, *remote_ip, *reverse_dns;
  const char *action, *sender_group, *match;
  const char *country;
  const char *tls_protocol, *tls_cipher;
  const char *error;
  mt_when start, end;
  mt_when first;            /* time of its first line in these logs */
  mt_where why;             /* the line that decided its fate (refusal, error, loss), or none */
  int32_t host;             /* index into store->hosts */
  int32_t file;             /* file of the line that opened it */
  int has_sbrs;
  int32_t messages;
  int32_t prev_same;        /* older connection with the same (host, icid): restart, ICID 0; -1 */
  int32_t generation;       /* 1, or 2, 3 ... for an ICID seen again after a restart */
  int32_t first_msg;        /* its first message (then mt_msg.next_in_conn), -1 */
  signed char dns_verified; /* -1 unknown, 0 no, 1 yes */
  unsigned char tls;        /* 0 NULL, 1 success, 2 failed */
  unsigned char end_state;  /* 0 NULL, 1 closed, 2 lost */
  unsigned seen_new:1;      /* its "New SMTP ICID" line is in these logs */
  unsigned started_before_logs:1;  /* no "New SMTP ICID" (nor ICID 0 refusal): began earlier */
} mt_conn;

enum { MT_MS_NONE = 0, MT_MS_DELIVERED, MT_MS_PARTIAL, MT_MS_BOUNCED, MT_MS_DELAYED,
       MT_MS_QUARANTINED, MT_MS_DROPPED, MT_MS_ABORTED, MT_MS_REWRITTEN, MT_MS_QUEUED,
       MT_MS_INCOMPLETE, MT_MS_SPLIT, MT_MS_COUNT /* (how many) */ };

typedef struct mt_msg {
  int64_t mid, icid;
  int64_t size;             /* -1 unknown */
  int64_t parent_mid;       /* -1 none */
  int64_t lineno;           /* the line that created it (file: below) */
  int64_t off;              /* byte offset of the line that created it */
  const char *mail_from, *message_id, *subject;
  const char *policy, *spf, *dkim, *dmarc, *spam, *graymail, *virus, *virus_names,
             *amp, *outbreak, *filters, *quarantine;
  const char *parent_relation;
  const char *reason;
  /* verdict columns (docs/tables.md, mailtrace_messages) */
  const char *spam_detail;  /* engine and verdict of the last final anti-spam line: "CASE spam positive" */
  const char *attachments;
  const char *direction;    /* "inbound"/"outbound": the policy table */
  /* the Consolidated Event Log (cef_store.c) */
  const char *disagreement; /* where mail_logs and CEF disagree, in words; NULL none */
  const char *cef_action;   /* CEF's final action and its details: "QUARANTINED (To POLICY)" */
  const char *dane_host, *dane_status;   /* logged only in CEF */
  mt_when start, end;
  mt_when first;            /* time of its first line: a split/rewritten child's creation */
  mt_where why;             /* the drop / quarantine / abort / rewrite line, or none */
  mt_where queued_at;       /* its last "queued for delivery" line, or none */
  mt_where finished_at;     /* its "Message finished" line, or none */
  int32_t host;
  int32_t file;             /* file of the line that created it */
  int32_t rcpt_count;
  int32_t first_rcpt;       /* index of its first recipient in store->rcpts, -1 */
  int32_t last_rcpt;
  int32_t first_dlv, last_dlv;  /* its delivery attempts (chained by mt_dlv.next_mid), -1 */
  int32_t next_icid;        /* next message of the same connection, -1 */
  int32_t prev_same;        /* older message with the same (host, mid) (restart), -1 */
  int32_t generation;       /* 1, or 2, 3 ... for a MID seen again after a restart */
  int32_t conn;             /* its connection (index into conns) when in these logs, -1 */
  int32_t next_in_conn;     /* next message of the same connection, -1 */
  int32_t conn_hint;        /* the newest connection of its ICID when a line linked them, -1 */
  int32_t first_child, next_sibling;  /* children (parent_mid = mid), chained; -1 */
  int32_t more;             /* its rarer verdicts (index into store->more), -1: none logged */
  unsigned char status;     /* MT_MS_*, computed by mt_store_finish */
  unsigned char origin;     /* MT_ORIGIN_*: where its facts came from */
  /* build state */
  unsigned started:1, in_icid_list:1, queued:1, finished:1, dropped:1, aborted:1, bounced_by_filter:1,
           quarantined:1, released:1, rewritten:1, spam_final:1;
  unsigned linked:1;        /* created by a link line (split, rewritten, generated, bounce) */
  unsigned started_before_logs:1;  /* no Start MID and no link line: began before these logs */
  unsigned av_final:1, graymail_engine:1;
} mt_msg;

/* The verdicts most messages never get (DLP, URL, SDR, skipped scans, the
** safelist, filter timing, custom log entries, uploaded files' SHA-256),
** kept apart so that a message without any costs 4 bytes (mt_msg.more)
** instead of 120: read them with mt_msg_more(), which answers an empty
** record (all NULL, dlp_risk -1) for such a message. */
typedef struct mt_msg_more {
  int64_t dlp_risk;         /* -1 unknown */
  double url_reputation;
  const char *dlp, *dlp_severity, *dlp_policy;
  const char *url, *url_category;
  const char *sdr_threat_level, *sdr_category;
  const char *scans_skipped, *slbl;
  const char *filters_evaluated, *custom_log;
  const char *sha256;
  unsigned has_url_rep:1;   /* url_reputation is known */
} mt_msg_more;

/* Where a message's or recipient's facts came from (mt_msg.origin,
** mt_rcpt.origin): mail_logs alone, the Consolidated Event Log alone, or
** both (mail_logs first, CEF filling what mail_logs lacks). */
enum { MT_ORIGIN_MAIL = 0, MT_ORIGIN_CEF, MT_ORIGIN_BOTH };

enum { MT_RS_NONE = 0, MT_RS_DELIVERED, MT_RS_BOUNCED, MT_RS_DELAYED, MT_RS_QUEUED,
       MT_RS_DROPPED, MT_RS_QUARANTINED, MT_RS_REJECTED, MT_RS_SPLIT, MT_RS_REWRITTEN, MT_RS_ABORTED };

typedef struct mt_rcpt {
  int64_t rid;              /* -1: refused at RCPT time */
  int64_t dcid;             /* -1 */
  const char *rcpt_to;
  const char *dsn, *response;
  const char *disagreement; /* where mail_logs and CEF disagree about it; NULL none */
  mt_when end;
  mt_where resp_at;         /* its last "Response" line, or none */
  int32_t msg;              /* index into store->msgs */
  int32_t attempts;
  int32_t next;             /* next recipient of the same message, -1 */
  int32_t cur_dlv;          /* its current delivery attempt, -1 */
  unsigned char status;     /* MT_RS_* (final after mt_store_finish) */
  unsigned char outcome;    /* last delivery outcome seen: MT_RS_* or 0 */
  unsigned char origin;     /* MT_ORIGIN_* */
} mt_rcpt;

typedef struct mt_dconn {   /* one outbound SMTP connection (New SMTP DCID) */
  int64_t dcid;
  const char *interface_ip, *dest_ip, *dest_port;
  const char *tls_protocol, *tls_cipher;
  mt_when start, end;
  int32_t host;
  int32_t first_dlv, last_dlv;  /* attempts on this connection (chained by mt_dlv.next_dcid) */
  unsigned char tls;
} mt_dconn;

enum { MT_DR_NONE = 0, MT_DR_DELIVERED, MT_DR_BOUNCED, MT_DR_DELAYED, MT_DR_ERROR };

typedef struct mt_dlv {     /* one delivery attempt of one recipient */
  int64_t dcid, mid, rid;   /* mid/rid -1 for a connection error */
  const char *domain, *dest_ip, *dest_port;
  const char *dsn, *reason, *smtp_code, *response;
  mt_when start, end;
  mt_where why;             /* the line with its result (done, bounced, delayed, error),
                            ** or its "Delivery start" while no result is known */
  int32_t host;
  int32_t dconn;            /* index into store->dconns, -1 */
  int32_t next_dcid, next_mid;  /* chains of the same DCID / MID, -1 */
  unsigned char result;     /* MT_DR_* */
  unsigned seen_start:1;    /* its "Delivery start" line is in these logs */
  unsigned started_before_logs:1;  /* a result whose Delivery start and New SMTP DCID are not here */
} mt_dlv;

/* Silence inside a file (mt_store.gaps): a host's lines in one file leave
** at least one whole clock hour (UTC) empty between `from` and `to`, the
** times of the lines on either side.  So every silence longer than two
** hours is one, and none shorter than one hour. */
typedef struct mt_gap { int file, host; int64_t from, to; } mt_gap;

/* The lines of one host in one file in one clock hour (UTC): their first
** and last time, for finding gaps. */
typedef struct mt_hour { int64_t hour, lo, hi; int32_t file, host; } mt_hour;

/* Map from (host, id) to an index: the hash map (hashmap.h, key id, tag
** host) behind a direct-mapped cache of recent lookups (ids in flight). */
typedef struct mt_map {
  mt_hmap h;
  struct mt_slot { int64_t id; int32_t host; int32_t v; } *recent;
} mt_map;

/* A cache of recently stored short strings (entities.c, arena_str). */
typedef struct mt_intern {
  struct mt_islot { uint32_t hash; uint32_t len; const char *z; } *slots;
} mt_intern;

typedef struct mt_store {
  char **hosts; int *host_len; int nhost;
  int last_host;            /* the host of the previous line */
  mt_conn *conns; int nconn, cconn;
  mt_msg *msgs; int nmsg, cmsg;
  mt_msg_more *more; int nmore, cmore;   /* mt_msg.more */
  mt_rcpt *rcpts; int nrcpt, crcpt;
  mt_dconn *dconns; int ndconn, cdconn;
  mt_dlv *dlvs; int ndlv, cdlv;
  /* Columns kept apart from the rows, made by mt_store_finish: a question
  ** that reads only these (messages by status, recipients by domain) needs
  ** none of the rows, and from an image none of their pages.  A message's,
  ** recipient's and delivery's status or result (the same values as the
  ** row's: msg_status[i] is msgs[i].status), and each recipient's domain:
  ** its place in the table of the distinct domains (ASCII letters lowered,
  ** in ascending byte order: SQLite's BINARY), -1 none; domain d is the
  ** NUL-terminated dom_text + dom_at[d].  NULL when the table has no row. */
  unsigned char *msg_status, *rcpt_status, *dlv_result;
  int32_t *rcpt_dom;
  char *dom_text; int64_t ndom_text;
  uint32_t *dom_at; int ndom;
  mt_map conn_by_id, msg_by_id, dconn_by_id;
  mt_map icid_list;         /* (host, icid) → index into icid_heads */
  int (*icid_heads)[2];     /* first and last message of an ICID */
  int nicid, cicid;
  mt_intern strings;
  struct mt_arena *arena;
  char **files; int nfile;  /* file paths, by index */
  int64_t *host_first, *host_last;  /* per host: first and last UTC seen (coverage) */
  int64_t *file_first, *file_last;  /* per file: the same; a gap between files is a hole */
  int64_t *file_end_off, *file_end_line;  /* per file: where reading ended (bytes, lines) */
  unsigned char *file_end_nl;       /* ... on a newline: the file can be read on from there */
  int *file_tz;                     /* per file: the UTC offset in force at its end */
  unsigned char *file_year_src, *file_tz_src;  /* per file: the least sure source of a line's
                                    ** year and UTC offset (MT_SRC_*; GUESS: guessed) */
  mt_hour *hours; int nhour, chour; /* per (file, host, hour) with lines */
  mt_map hour_map;                  /* (host, file<<40 | hour) → index into hours */
  int last_hour;                    /* the bucket of the previous line, -1 */
  mt_gap *gaps; int ngap;           /* silences inside files (mt_store_finish), by file, host, time */
  int64_t *file_lines, *file_known;  /* per file: lines read, and lines the grammar knows (an event):
                                     ** no known line at all means "not a Cisco mail log" */
  int64_t other_log_lines;          /* lines of the gateway's other logs (bounces, amp, …: logtype.h), */
  unsigned other_log_types;         /* and which types (bit t for MT_LOG_*): read, but no entities */
  unsigned sf_pending;              /* a store mapped from its image: the parts not checked yet
                                    ** (storefile.h, MT_SF_PART_*; cache.c asks for them), 0 otherwise */
  struct mt_attach *attach; /* the files of each message and the anti-virus log's lines
                            ** (attach.h), for the diagnosis; NULL when no line named any */
  struct mt_cef_set *cef;   /* the Consolidated Event Log's messages (cef_store.c), or NULL */
  const struct mt_store_ops *ops;   /* the primitives below, for the other sources */
  int oom;                  /* an allocation failed: the store is unusable */
} mt_store;

mt_store *mt_store_new(void);
void mt_store_free(mt_store *st);

/* Feed one scanned line (with its parsed event).  Returns 0, or -1 when out
** of memory. */
int mt_store_add(mt_store *st, const mt_scan *s, const mt_event *ev);

/* Bytes the store holds (entities, maps, strings): what max_memory= caps. */
int64_t mt_store_footprint(const mt_store *st);

/* After the last line: derive statuses.  Returns 0 or -1 (out of memory). */
int mt_store_finish(mt_store *st);

/* An empty store over a file list, for mt_store_add (NULL: out of memory);
** `reserve`: size its arrays for the whole log at once. */
mt_store *mt_store_open(const mt_filelist *files, int reserve);

/* Room, before the first line, for the rows `lines` lines can make (each
** row is made by a line: connections, messages, recipients, deliveries and
** delivery connections at most `lines` each), so that no array is copied
** while it grows; untouched room costs no memory (partial.c's small
** stores), as no huge pages are asked for it. */
void mt_store_reserve_lines(mt_store *st, int64_t lines);

/* Build a store from a whole file list into *pst.  MT_OK, or what stopped
** it (rc.h: MT_NOMEM, MT_INTERRUPTED, MT_IO, MT_CHANGED, MT_FORMAT, MT_LIMIT)
** with *pst NULL and *pzErr (malloc'd, naming the file and line or byte). */
mt_rc mt_store_build(const mt_filelist *files, const mt_opts *opts,
                     mt_stats *stats, mt_problem **problems, int *nproblem, mt_store **pst, char **pzErr,
                     int (*should_stop)(void*), void *stop_arg);

/* A file that grew since the store was built (same file, more bytes): read
** only the new lines, then derive the statuses again.  Possible when the
** file's reading ended on a newline (mt_store_can_extend).  The file list
** must be the one the store was built from.  MT_OK, or a code with *pzErr. */
int mt_store_can_extend(const mt_store *st, int ifile);
mt_rc mt_store_extend(mt_store *st, const mt_filelist *files, const mt_opts *opts, int ifile,
                      mt_stats *stats, char **pzErr, int (*should_stop)(void*), void *stop_arg);

/* A message's rarer verdicts (mt_msg_more above); never NULL. */
const mt_msg_more *mt_msg_more_of(const mt_store *st, const mt_msg *m);

/* Lookups: index or -1.  `host` is a host name. */
int mt_store_host(const mt_store *st, const char *host);
int mt_store_conn(const mt_store *st, int host, int64_t icid);
int mt_store_msg(const mt_store *st, int host, int64_t mid);

/* First message of a connection (then msgs[i].next_icid), first delivery
** attempt of a DCID (then dlvs[i].next_dcid) or of a MID (dlvs[i].next_mid). */
int mt_store_first_msg_of_icid(const mt_store *st, int host, int64_t icid);
int mt_store_first_dlv_of_dcid(const mt_store *st, int host, int64_t dcid);
int mt_store_first_dlv_of_mid(const mt_store *st, int host, int64_t mid);

/* For the store's other sources (cef_store.c): a string kept by the store,
** a message made outside a line (its ICID or -1, at `at`, time `when`; -1
** when out of memory) and a recipient of it. */
const char *mt_store_str(mt_store *st, const char *p, size_t n);
int mt_store_new_msg(mt_store *st, int host, int64_t mid, int64_t icid, mt_where at, mt_when when);
int mt_store_new_rcpt(mt_store *st, int mi, int64_t rid);

/* The same, as the store hands them to its other sources (cef_store.c
** calls them through st->ops: it sits below entities.c, which calls it). */
typedef struct mt_store_ops {
  int (*msg)(const mt_store *st, int host, int64_t mid);
  const char *(*str)(mt_store *st, const char *p, size_t n);
  int (*new_msg)(mt_store *st, int host, int64_t mid, int64_t icid, mt_where at, mt_when when);
  int (*new_rcpt)(mt_store *st, int mi, int64_t rid);
  const char *(*msg_status)(int s);
  const char *(*rcpt_status)(int s);
} mt_store_ops;

/* The Consolidated Event Log's side of the build (cef_store.c, cef_store.h
** explains them): keep a CEF line; before the status rules, make the
** CEF-only messages; after them, join.  0 or -1 (out of memory). */
int mt_cef_store_add(mt_store *st, const mt_scan *s, int host);
int mt_cef_prepare(mt_store *st);
int mt_cef_merge(mt_store *st);
void mt_cef_set_free(struct mt_cef_set *set);

/* For the saved image (storefile.c): the arena's chunks in turn (*pIter
** NULL to start; NULL after the last), one chunk of n bytes added to the
** arena (full: later strings go to a new chunk; NULL when out of memory),
** and a map whose slots were filled from a file made ready for lookups
** (0, or -1 when out of memory). */
const char *mt_store_arena_next(const mt_store *st, const void **pIter, size_t *pLen);
char *mt_store_arena_adopt(mt_store *st, size_t n);
int mt_store_map_ready(mt_map *m);

/* A recipient address's domain: the bytes after its last '@' (*n of them),
** or NULL for no address, no '@', nothing after it, or an '@' inside a
** quoted local part (a '"' after it).  docs/tables.md, recipients.domain. */
const char *mt_addr_domain(const char *z, size_t *n);
/* Domain d of the store (mt_store.rcpt_dom): its text, NULL for d < 0. */
static inline const char *mt_store_domain(const mt_store *st, int32_t d){
  return d>=0 && d<st->ndom ? st->dom_text + st->dom_at[d] : 0;
}
/* Its length (strlen of mt_store_domain), 0 for none: the table's next
** text starts after its NUL. */
static inline int64_t mt_store_domain_len(const mt_store *st, int32_t d){
  if( d<0 || d>=st->ndom ) return 0;
  return (d + 1 < st->ndom ? (int64_t)st->dom_at[d + 1] : st->ndom_text) - (int64_t)st->dom_at[d] - 1;
}

const char *mt_msg_status_name(int s);
const char *mt_rcpt_status_name(int s);
const char *mt_dlv_result_name(int r);

#endif
