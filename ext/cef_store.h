/*
** cef_store.h — the Consolidated Event Log as a source of the entity store
** (docs/otherlogs.md, "CEF in the message and recipient tables").
**
**   SELECT mid, source, status, spam, disagreement FROM mailtrace_messages('/var/log/esa/');
**   SELECT * FROM mailtrace_recipients WHERE source = 'cef';
**
** While the store is built, every CEF line of a MID is kept (per (host,
** MID) the last line wins, as in mailtrace_cef: interim lines and
** duplicates).  At the end (mt_store_finish) each kept line is joined:
**   - a message mail_logs does not have becomes one (origin CEF): MID,
**     ICID, sender, subject, size, verdicts, DANE, its final action as the
**     status (DELIVERED → delivered, QUARANTINED → quarantined, DROPPED →
**     dropped, BOUNCED → bounced, ABORTED → aborted; any other action: no
**     status), and one recipient per address of `duser` (no RID: CEF logs
**     none);
**   - a message mail_logs has keeps mail_logs' facts; CEF fills only what
**     mail_logs lacks, and every difference (final action against status,
**     sender, recipients, each verdict both logged) is written in
**     `disagreement`, the same words mailtrace_cef's `check` prints.
** No SQLite types here.
*/
#ifndef MAILTRACE_CEF_STORE_H
#define MAILTRACE_CEF_STORE_H

#include "entities.h"

typedef struct mt_cef_set mt_cef_set;

/* Keep one CEF line (s->ln.body) of host index `host`.  0, or -1 when out
** of memory.  A line without ESAMID is not kept (no message to make). */
int mt_cef_store_add(mt_store *st, const mt_scan *s, int host);

/* From mt_store_finish, before the links and status rules: a message and
** its recipients for each kept line whose MID mail_logs does not have.
** After them: join the kept lines to the messages (status of a CEF-only
** message, what CEF adds, the disagreements).  Both run again after the
** store grows: nothing is made twice.  0 or -1 (out of memory). */
int mt_cef_prepare(mt_store *st);
int mt_cef_merge(mt_store *st);

void mt_cef_set_free(mt_cef_set *set);

/* "mail_logs", "cef" or "mail_logs+cef" for an MT_ORIGIN_*. */
const char *mt_origin_name(int origin);

/* The message status a CEF final action names (MT_MS_*), or 0 when it
** names none of them (an interim or unknown action: no status). */
int mt_cef_act_status(const char *act, size_t n);

/* The optional values (MT_FILL_* bits, events.h) a CEF line gives the
** message tables: its subject, Message-ID and the verdicts it logged (not
** NOT_EVALUATED), for mailtrace_coverage's present/absent.  0 for a line
** that makes no message (no ESAMID). */
unsigned mt_cef_fills(const char *body, size_t n);

#endif
