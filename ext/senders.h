/* SPDX-License-Identifier: MIT */
/*
** senders.h — the client IPs that sent mail for an envelope sender domain,
** from an entity store: the offline answer to "which IPs should I look
** for?".  No SQLite types: sender_ips() (table_check.c) prints the result
** and merges it with the domain's MX on request.
**
**   mt_sender_ip *v; int n;
**   mt_sender_ips(store, "sender.example", 0, &v, &n);
**   ... v[i].ip, v[i].messages, v[i].first ...
**   mt_sender_ips_free(v, n);
*/
#ifndef MAILTRACE_SENDERS_H
#define MAILTRACE_SENDERS_H

#include "entities.h"

typedef struct mt_sender_ip {
  const char *ip;            /* the connection's remote_ip (store memory); NULL: the row of
                             ** messages whose connection is not in the logs */
  const char *reverse_dns;   /* as logged, at the latest of these connections (store memory) */
  int dns_verified;          /* as logged there: 1, 0, -1 not logged */
  int messages, connections;
  int64_t first, last;       /* UTC seconds of the first and last message; first > last: none */
  char *gateways;            /* "esa1, esa2" (malloc'd) */
} mt_sender_ip;

/* Does the envelope sender `from` belong to `domain` (or, with `sub`, to
** one of its subdomains)?  Case-insensitive; a trailing '>' is ignored. */
int mt_sender_domain_match(const char *from, const char *domain, int sub);

/* One entry per client IP that delivered messages whose envelope sender is
** in `domain`, most messages first, then by address; the messages whose
** connection is not in the logs come last, as one entry with ip NULL.
** Messages the gateway made (split, bounce, rewrite children, ICID 0) are
** not counted.  0, or -1 out of memory.  *pv is malloc'd (NULL when *pn is 0). */
int mt_sender_ips(const mt_store *st, const char *domain, int sub, mt_sender_ip **pv, int *pn);
void mt_sender_ips_free(mt_sender_ip *v, int n);

#endif
