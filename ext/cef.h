/* SPDX-License-Identifier: MIT */
/*
** cef.h — the Consolidated Event Log (subscription "consolidated_event",
** AsyncOS 14.0+; docs/format.md §8.7): one CEF line per message.
**
**   CEF:0|Cisco|C100V Email Security Virtual Appliance|14.0.0-657|ESA_CONSOLIDATED_LOG_EVENT|Consolidated Log Event|5|deviceExternalId=… ESAMID=1053 ESAICID=134 … endTime=Thu Mar 18 08:04:46 2021 … ESAAttachmentDetails={'test.txt': {'AMP': {…}}} … msg='Testing'
**
** Seven '|'-separated header fields ('\|' is an escaped bar), then
** key=value pairs.  The gateway does not escape its values the CEF way:
** values hold spaces (`endTime=Thu Mar 18 08:04:46 2021`,
** `ESASDRDomainAge=27 years 2 months 15 days`), Python dicts and lists
** (`{'mailfrom': {'result': 'None', …}}`), quoted strings (`msg='Testing'`),
** and pairs may be separated by two spaces.  So a value ends where the next
** " key=" begins (a key is a letter then letters, digits or '_'), except
** that a value opening with '{' or '[' runs to its matching bracket (quotes
** inside honoured) and one opening with a quote runs to the same quote
** followed by a space or the end.  Spans point into the line; nothing is
** copied.  No SQLite types here.
*/
#ifndef MAILTRACE_CEF_H
#define MAILTRACE_CEF_H

#include <stddef.h>
#include "events.h"

#define MT_CEF_MAX_KV 128

typedef struct mt_cef {
  mt_span hdr[7];          /* version, vendor, product, device version, signature id, name, severity */
  int nkv;
  mt_span key[MT_CEF_MAX_KV], val[MT_CEF_MAX_KV];
  int truncated;           /* more pairs than MT_CEF_MAX_KV: the rest are not read */
} mt_cef;

/* Parse a body starting "CEF:".  Returns 1, or 0 when it is not a CEF line
** (*c cleared).  Never reads outside [p, p+n). */
int mt_cef_parse(const char *p, size_t n, mt_cef *c);

/* The value of `key` (the last one when a key repeats), 1 and *v, else 0. */
int mt_cef_get(const mt_cef *c, const char *key, mt_span *v);

/* A value without one pair of enclosing quotes ('x' or "x"). */
mt_span mt_cef_unquote(mt_span v);

#endif
