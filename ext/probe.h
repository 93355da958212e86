/* SPDX-License-Identifier: MIT */
/*
** probe.h — the SMTP banner test ("telnet host 25") of the live checks: connect,
** time the banner, send EHLO and read its answer, then QUIT.  It never
** sends MAIL, RCPT or DATA.  No SQLite types: smtp_probe() (table_check.c)
** turns the result into JSON.
**
**   mt_probe p;
**   mt_smtp_probe("127.0.0.1", 25, 30.0, "client.example", stop, arg, &p);
**   -- p.status "ok", p.connect_seconds, p.banner_seconds, p.banner, p.ehlo ...
**
** Every wait is a poll() of at most MT_DNS_SLICE_MS (dns.h), after which
** `should_stop` is asked.
*/
#ifndef MAILTRACE_PROBE_H
#define MAILTRACE_PROBE_H

#include <stddef.h>

#include "rc.h"

#define MT_PROBE_TEXT 4096          /* longest banner or EHLO answer kept */

typedef struct mt_probe {
  const char *status;               /* ok, refused, timeout, closed, rejected, error, interrupted */
  const char *stage;                /* where it ended: connect, banner, ehlo, quit */
  char reason[256];                 /* in words, when status is not ok */
  double connect_seconds;           /* -1: not connected */
  double banner_seconds;            /* from the connect to the banner's last line; -1 none */
  double ehlo_seconds;              /* from sending EHLO to its answer; -1 none */
  int banner_code, ehlo_code;       /* 0: none */
  char banner[MT_PROBE_TEXT];       /* the reply as sent, CRLF kept between lines, the last one removed */
  char ehlo[MT_PROBE_TEXT];
} mt_probe;

/* Probe `ip` (an IPv4 or IPv6 address, as text) on `port`, waiting at most
** `timeout` seconds for each step (connect, banner, EHLO answer).  Fills
** *out; returns MT_OK (whatever the server did: out->status says it),
** MT_INTERRUPTED when should_stop said stop (status "interrupted" too), or
** MT_ERROR when `ip` is not an address (rc.h). */
mt_rc mt_smtp_probe(const char *ip, int port, double timeout, const char *helo,
                    int (*should_stop)(void*), void *stop_arg, mt_probe *out);

/* Is buf (n bytes) a whole SMTP reply (RFC 5321 4.2: lines "ddd-text",
** the last "ddd text" or "ddd", each ending in CRLF or LF)?  1 and *code,
** *len (bytes of the reply), 0 not yet whole, -1 not an SMTP reply. */
int mt_smtp_reply(const char *buf, size_t n, int *code, size_t *len);

#endif
