/* SPDX-License-Identifier: MIT */
/*
** diagnose.h — the "why was it (not) received?" rules, over an entity
** store: one verdict per connection or message, in a mail administrator's
** words, with the line that proves it.  No SQLite types here: the table
** (table_diagnose.c) only filters and prints.
**
** Stages, verdicts and reason classes are documented in docs/diagnose.md.
*/
#ifndef MAILTRACE_DIAGNOSE_H
#define MAILTRACE_DIAGNOSE_H

#include "entities.h"

typedef struct mt_verdict {
  const char *stage;        /* connection, policy, tls, envelope, scanning, quarantine, delivery, delivered */
  char verdict[160];
  char explain[1024];
  const char *reason_class; /* bounces and delays: user unknown, mailbox full, ... or NULL */
  mt_where evidence;        /* the deciding line (lineno 0: none) */
  char family[768];         /* messages: per original recipient, where its copy finally
                            ** went across split, rewrite, copies and bounces ("" none) */
  int started_before_logs;  /* the entity's first lines are before these logs */
} mt_verdict;

/* A connection that carried no message (refused, lost, failed, empty). */
void mt_diagnose_conn(const mt_store *st, int conn, mt_verdict *v);

/* A message; `rcpt` is the recipient row asked about, or -1 for all. */
void mt_diagnose_msg(const mt_store *st, int msg, int rcpt, mt_verdict *v);

/* The family verdict of message `msg` (see mt_verdict.family) into z[n]. */
void mt_family_verdict(const mt_store *st, int msg, char *z, size_t n);

/* The class of a bounce or delay from its DSN code and response text. */
const char *mt_reason_class(const char *dsn, const char *response, const char *reason);

/* IPv4 address `ip` inside "a.b.c.d/n"?  1 yes, 0 no, -1 bad CIDR. */
int mt_ip_in_cidr(const char *ip, const char *cidr);

#endif
