/* SPDX-License-Identifier: MIT */
/*
** events.h — the "events" room: a line's body → its kind, its ids, its fields.
**
** The body grammar of docs/format.md §4–§5 (and §8 for the other logs'
** readings in logtype.c), dispatched on the first
** keyword (§10.1), parsed by keyword anchors (never by splitting on spaces:
** values such as `Data 1`, `unable to retrieve`, `United States` have
** spaces).  A field is a span into the body: nothing is copied.
**
** Ids are about the line's subject only: an alert whose subject mentions
** "MID 198463616" or a counter "CrtMID 414695" gets no MID (§10 item 4).
** No SQLite types here.
*/
#ifndef MAILTRACE_EVENTS_H
#define MAILTRACE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

/* Event kinds.  MT_EVENT_LIST gives each its stable public name (the
** second field: the `event` column, mt_event_name; docs/events.md).  Add
** new kinds at the end. */
#define MT_EVENT_LIST(X) \
  X(NONE, 0) \
  X(LOG_BEGIN, "log.begin") \
  X(LOG_VERSION, "log.version") \
  X(LOG_TZ, "log.tz") \
  X(LOG_ROLLED, "log.rolled") \
  X(LOG_END, "log.end") \
  X(SYSTEM_UP, "system.up") \
  X(ICID_NEW, "icid.new") \
  X(ICID_SBRS, "icid.sbrs") \
  X(ICID_HAT, "icid.hat") \
  X(ICID_DELAYED_REJECT, "icid.delayed_reject") \
  X(ICID_TLS, "icid.tls") \
  X(ICID_TLS_FAILED, "icid.tls_failed") \
  X(ICID_TLS_REQUIRED, "icid.tls_required") \
  X(ICID_CLOSE, "icid.close") \
  X(ICID_LOST, "icid.lost") \
  X(ICID_LOST_NO_CMD, "icid.lost_before_commands") \
  X(ICID_RECEIVING_FAILED, "icid.receiving_failed") \
  X(ICID_INJECTION_FAILED, "icid.injection_failed") \
  X(ICID_DISCONNECTED, "icid.disconnected") \
  X(ICID_BAD_COMMAND, "icid.bad_command") \
  X(ICID_KILLED, "icid.killed") \
  X(ICID_SENDER_REJECTED, "icid.sender_rejected") \
  X(ICID_SENDER_ALLOWED, "icid.sender_allowed") \
  X(ICID_INVALID_SENDER, "icid.invalid_sender") \
  X(ICID_AUTH, "icid.auth") \
  X(MID_INVALID_RCPT, "mid.invalid_rcpt") \
  X(MID_START, "mid.start") \
  X(MID_FROM, "mid.from") \
  X(MID_RCPT, "mid.rcpt") \
  X(MID_RCPT_REJECTED, "mid.rcpt_rejected") \
  X(MID_INVALID_BOUNCE, "mid.invalid_bounce") \
  X(MID_MESSAGE_ID, "mid.message_id") \
  X(MID_SUBJECT, "mid.subject") \
  X(MID_READY, "mid.ready") \
  X(MID_ATTACHMENT, "mid.attachment") \
  X(MID_POLICY, "mid.policy") \
  X(MID_RELAY, "mid.relay") \
  X(MID_PENDING, "mid.pending") \
  X(MID_SPAM_INTERIM, "mid.spam_interim") \
  X(MID_SPAM, "mid.spam") \
  X(MID_GRAYMAIL, "mid.graymail") \
  X(MID_TOO_BIG, "mid.too_big") \
  X(MID_AV_INTERIM, "mid.av_interim") \
  X(MID_AV, "mid.av") \
  X(MID_AMP, "mid.amp") \
  X(MID_FILE_UPLOAD, "mid.file_upload") \
  X(MID_OUTBREAK, "mid.outbreak") \
  X(MID_THREAT_LEVEL, "mid.threat_level") \
  X(MID_CUSTOM_LOG, "mid.custom_log") \
  X(MID_FILTER_TIMING, "mid.filter_timing") \
  X(MID_UNSCANNABLE, "mid.unscannable") \
  X(MID_SCAN_ERROR, "mid.scan_error") \
  X(MID_DLP, "mid.dlp") \
  X(MID_SPF, "mid.spf") \
  X(MID_DKIM, "mid.dkim") \
  X(MID_DOMAINKEYS, "mid.domainkeys") \
  X(MID_DMARC, "mid.dmarc") \
  X(MID_URL, "mid.url") \
  X(MID_THREAT_FEED, "mid.threat_feed") \
  X(MID_SDR, "mid.sdr") \
  X(MID_SPLIT, "mid.split") \
  X(MID_SPLIT_FAILED, "mid.split_failed") \
  X(MID_REWRITTEN, "mid.rewritten") \
  X(MID_GENERATED, "mid.generated") \
  X(MID_BOUNCE_OF, "mid.bounce_generated") \
  X(MID_QUARANTINED, "mid.quarantined") \
  X(MID_QUARANTINE_REASON, "mid.quarantine_reason") \
  X(MID_RELEASED, "mid.released") \
  X(MID_QDELETED, "mid.quarantine_deleted") \
  X(MID_CQUARANTINE, "mid.central_quarantine") \
  X(MID_ISQ, "mid.spam_quarantine") \
  X(MID_REINJECTED, "mid.reinjected") \
  X(MID_FILTER_ACTION, "mid.filter_action") \
  X(MID_QUEUED, "mid.queued") \
  X(MID_FINISHED, "mid.finished") \
  X(MID_ABORTED, "mid.aborted") \
  X(MID_MASQUERADE, "mid.masquerade") \
  X(MID_UNSUBSCRIBE, "mid.unsubscribe") \
  X(MID_RESPONSE, "mid.response") \
  X(MID_LDAP, "mid.ldap") \
  X(MID_OTHER, "mid.other") \
  X(DCID_NEW, "dcid.new") \
  X(DCID_START, "dcid.start") \
  X(DCID_DONE, "dcid.done") \
  X(DCID_CLOSE, "dcid.close") \
  X(DCID_TLS, "dcid.tls") \
  X(DCID_TLS_FAILED, "dcid.tls_failed") \
  X(DCID_TLS_REQUIRED, "dcid.tls_required") \
  X(DCID_ERROR, "dcid.error") \
  X(DCID_KILLED, "dcid.killed") \
  X(BOUNCED, "bounced") \
  X(DELAYED, "delayed") \
  X(DOUBLE_BOUNCE, "double_bounce") \
  X(POSSIBLE_DELIVERY, "possible_delivery") \
  X(RCPT_DELETED, "rcpt.deleted") \
  X(RPC, "rpc") \
  X(DNS, "dns") \
  X(QUEUE, "queue") \
  X(ALERT, "alert") \
  X(INTERNAL_SMTP, "internal_smtp") \
  X(STATUS, "status") \
  X(SYSTEM, "system") \
  X(SMTP_SENT, "smtp.sent") \
  X(SMTP_RCVD, "smtp.rcvd") \
  X(BOUNCES_BOUNCED, "bounces.bounced") \
  X(BOUNCES_DELAYED, "bounces.delayed") \
  X(AMP_QUERY, "amp.query") \
  X(AMP_RESPONSE, "amp.response") \
  X(AMP_NOT_UPLOADED, "amp.not_uploaded") \
  X(AMP_UPLOADED, "amp.uploaded") \
  X(AMP_UPLOAD_SKIPPED, "amp.upload_skipped") \
  X(AMP_UPLOAD_ERROR, "amp.upload_error") \
  X(AMP_ANALYSIS, "amp.analysis_complete") \
  X(AMP_RETRO, "amp.retrospective") \
  X(AV_RESULT, "antivirus.result") \
  X(AV_VIRUS, "antivirus.virus") \
  X(AV_ERROR, "antivirus.error") \
  X(AV_LIMIT, "antivirus.limit") \
  X(AV_TIMEOUT, "antivirus.timeout") \
  X(AV_OTHER, "antivirus.other") \
  X(CEF_MESSAGE, "cef.message")

#define MT_EV_ENUM(id, name) MT_EV_##id,
enum { MT_EVENT_LIST(MT_EV_ENUM) MT_EV_COUNT };
#undef MT_EV_ENUM

/* Named fields an event may carry (spans into the body). */
enum {
  MT_F_IFACE,        /* ICID: listener name; DCID: source IP */
  MT_F_IFACE_IP,
  MT_F_REMOTE_IP,    /* ICID: client; DCID: destination */
  MT_F_RDNS,
  MT_F_VERIFIED,
  MT_F_ACTION,       /* HAT action; filter action (dropped, bounced...) */
  MT_F_SG,
  MT_F_MATCH,
  MT_F_SBRS,
  MT_F_COUNTRY,
  MT_F_TLS_PROTO,
  MT_F_TLS_CIPHER,
  MT_F_REASON,       /* free text: failure reason, abort reason, DSN reason */
  MT_F_ADDR,         /* <addr> with brackets as logged */
  MT_F_ADDR2,        /* second address (Bounced: From/To shape: To) */
  MT_F_VALUE,        /* Message-ID / Subject / attachment / custom text as logged */
  MT_F_SIZE,
  MT_F_POLICY,
  MT_F_ENGINE,
  MT_F_VERDICT,
  MT_F_NAMES,        /* virus names list */
  MT_F_QNAME,        /* quarantine name */
  MT_F_DSN,
  MT_F_RESPONSE,     /* SMTP response text / tuple */
  MT_F_SMTP_CODE,
  MT_F_DOMAIN,
  MT_F_PORT,
  MT_F_FILTER,       /* filter name */
  MT_F_RIDS,         /* "0, 1, 2" inside brackets */
  MT_F_RELATION,     /* parent relation agent text */
  MT_F_CATEGORY,     /* URL category; SDR threat category */
  MT_F_SCORE,        /* URL reputation score; DLP risk factor */
  MT_F_TABLE,        /* "inbound"/"outbound" of "... in the <x> table" */
  MT_F_SHA256,       /* SHA-256 of a file (file analysis upload line) */
  MT_F_COUNT
};

typedef struct mt_span { const char *p; int n; } mt_span;

typedef struct mt_event {
  int kind;                 /* MT_EV_* */
  int64_t icid, mid, dcid;  /* -1 when absent */
  int64_t rid;              /* -1 unless the line names exactly one RID */
  int64_t mid2;             /* the other MID of a link line, else -1 */
  int nrid;                 /* RIDs named (list or single) */
  uint64_t have;            /* bit i set: f[i] is valid */
  mt_span f[MT_F_COUNT];
} mt_event;

/* Parse a body.  Always succeeds; unknown lines get kind MT_EV_NONE (but
** keep an id when the body starts with "MID n"/"ICID n"/"DCID n").
** Never reads outside [body, body+n). */
void mt_event_parse(const char *body, size_t n, mt_event *ev);

/* Public name of a kind ("mid.start"), or NULL for MT_EV_NONE. */
const char *mt_event_name(int kind);

static inline int mt_has(const mt_event *ev, int f){ return (ev->have >> f) & 1; }

/* Iterate the RID list of an MT_F_RIDS span: returns 1 and the next RID. */
int mt_rids_next(mt_span *s, int64_t *rid);

/* The optional values a line gives the entity tables (mailtrace_coverage's
** present/absent, docs/coverage.md): a bit per kind, set only when the line
** yields the value the column takes.  A DKIM signing line (`DKIM: cannot
** sign …`) gives no `dkim`; an interim AV line gives `virus`; an SLBL or
** `SPF Verdict Cache` engine line, or a cached verdict, gives no `spam`. */
enum { MT_FILL_SUBJECT, MT_FILL_MESSAGE_ID, MT_FILL_RESPONSE, MT_FILL_HEADERS, MT_FILL_TLS,
       MT_FILL_SPAM, MT_FILL_VIRUS, MT_FILL_AMP, MT_FILL_OUTBREAK, MT_FILL_SPF, MT_FILL_DKIM,
       MT_FILL_DMARC, MT_FILL_COUNT };
unsigned mt_event_fills(const mt_event *ev);


/* Ids above this saturate to it (documented: docs/lines.md).  A saturated
** id stands for many: it is never used as an id.  mailtrace_lines shows it
** NULL, and the entity tables refuse the line (mt_event_overflow). */
#define MT_ID_MAX INT64_MAX

/* The name of the first id of ev that saturated ("ICID", "MID", "DCID",
** "RID"), or NULL when none did. */
const char *mt_event_overflow(const mt_event *ev);

#endif
