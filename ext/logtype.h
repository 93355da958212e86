/* SPDX-License-Identifier: MIT */
/*
** logtype.h — which gateway log a line belongs to (docs/format.md §8).
**
** AsyncOS writes one log per subscription: mail_logs, the bounce log, the
** AMP engine log, the anti-virus log, the status log, the Consolidated Event
** Log (CEF) and a dozen more.  A collector that receives several of them in
** one syslog stream tells them apart only by the tag; a directory of files
** keeps them in files named after the subscription (amp.current,
** bounces.@….s).  Some shapes look alike across logs: the bounce log's
** "Bounced: 123:0 From:<a> To:<b>" is not a mail_logs delivery, and the
** status log's "Status: … CrtMID 5 …" names no message.  So every line gets
** a log type before the body grammar of mail_logs (events.c) may read it.
**
** The rule, in order (docs/lines.md "Log types"):
**   1. a syslog tag that is a default subscription name (mail_logs, amp,
**      bounces, …) decides;
**   2. else a shape that belongs to one log only decides ("CEF:0|",
**      "File reputation query initiating.", "sophos antivirus - MID n",
**      "Bounced: n:n", "<icid> Sent: '…'", "Status: CPULd", "req:…" …);
**   3. else (mt_line_event) the mail_logs grammar: a recognised mail_logs
**      event is mail_logs; a file header line ("Begin Logfile", "Version:")
**      takes the type the file's name gives;
**   4. else the file's name (its part before the first '.': amp, bounces,
**      mail, …); else `other` under an unknown tag; else mail_logs (a
**      file with no other sign is a mail log, as the gateway's default).
** A continuation line (no prefix) takes the file's type, else none.
**
** Pure functions of the line and the file name: a block read through the
** offset index classifies a line exactly as a full scan does.  The checks
** are first-byte switches and memcmp, no regex.  No SQLite types here.
*/
#ifndef MAILTRACE_LOGTYPE_H
#define MAILTRACE_LOGTYPE_H

#include <stddef.h>
#include "lines.h"

/* Log types.  0 = not decided (mt_logtype) / not known (a continuation
** line of a file whose name says nothing). */
enum {
  MT_LOG_NONE = 0,
  MT_LOG_MAIL,          /* "mail_logs": text mail logs (also error_logs) */
  MT_LOG_INJECTION,     /* "injection_debug": <icid> Sent:/Rcvd: <repr> */
  MT_LOG_BOUNCE,        /* "bounces": the bounce log */
  MT_LOG_AMP,           /* "amp": AMP engine log (file reputation, analysis) */
  MT_LOG_AV,            /* "antivirus": anti-virus log */
  MT_LOG_ANTISPAM,      /* "antispam": anti-spam engine log */
  MT_LOG_STATUS,        /* "status": per-minute counters */
  MT_LOG_CEF,           /* "consolidated_event": one CEF line per message */
  MT_LOG_OTHER,         /* "other": gui, system, authentication, updater, … */
  MT_LOG_COUNT
};

/* The public name ("mail_logs", "amp", …), NULL for MT_LOG_NONE. */
const char *mt_logtype_name(int t);

/* The type a syslog tag names (a default subscription name, optionally
** with the "sc4s_" prefix Splunk Connect for Syslog recommends), else 0. */
int mt_logtype_tag(const char *tag, int n);

/* The type a file name gives: its base name up to the first '.'
** ("amp.@20261102T080000.s" → amp, "mail.current" → mail_logs), else 0. */
int mt_logtype_path(const char *path);

/* The type a body's shape decides on its own, else 0. */
int mt_logtype_shape(const char *body, size_t n);

/* Rules 1-2 (and a continuation line's file type); 0 when undecided. */
int mt_logtype(const mt_line *ln, int file_type);

/* Both steps at once, for every reader of lines: the log type of the line
** (never 0 for a line with a prefix) and its event.  mail_logs, injection
** debug and status lines go through the mail_logs grammar (mt_event_parse);
** bounce-log, AMP and anti-virus lines through their own (kinds
** "bounces.*", "amp.*", "antivirus.*", with the MID they name); other types
** get no event and no ids.  `ev` is always filled. */
struct mt_event;
int mt_line_event(const mt_line *ln, int file_type, struct mt_event *ev);

/* Lines whose events make connections, messages and deliveries. */
static inline int mt_logtype_is_mail(int t){ return t==MT_LOG_MAIL || t==MT_LOG_INJECTION; }

#endif
