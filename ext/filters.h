/* SPDX-License-Identifier: MIT */
/*
** filters.h — the values people type into a search, checked and normalised
** before they are compared with the logs (no SQLite types: unit-tested in
** tests/unit/test_filters.c).
**
** A search for "ip = '10.1.2.30 '" or "sender = '<hr@example.com>'" must not
** answer "never connected": it is either the same search as the clean value
** (spaces trimmed, the angle brackets of an address or Message-ID stripped)
** or an error that names the filter and the form it wants.
**
**   char out[64];
**   if( mt_filter_norm(MT_FILTER_IP, " 192.0.2.10", out, sizeof(out)) )
**     ... error: mt_filter_form(MT_FILTER_IP) says what is wanted
*/
#ifndef MAILTRACE_FILTERS_H
#define MAILTRACE_FILTERS_H

#include <stddef.h>

enum {
  MT_FILTER_IP,          /* an IPv4 or IPv6 address: trimmed */
  MT_FILTER_ADDR,        /* a mail address: trimmed, <> stripped; "" or "<>" is the null sender */
  MT_FILTER_DOMAIN,      /* a domain: trimmed, a leading '@' dropped */
  MT_FILTER_MSGID,       /* a Message-ID: trimmed, <> stripped */
  MT_FILTER_TEXT         /* free text (a subject): trimmed, not empty */
};

/* Normalise `in` for filter `kind` into out[0..cap) (NUL-terminated; cap of
** strlen(in)+1 is always enough).  0: done; -1: not of that form (or too long
** for out). */
int mt_filter_norm(int kind, const char *in, char *out, size_t cap);

/* The form a filter of that kind wants, for error messages:
** "an IPv4 or IPv6 address such as 192.0.2.10". */
const char *mt_filter_form(int kind);

/* 1 when `needle` (UTF-8) occurs in hay[0..n), ASCII letters compared without
** case (the subject filter). */
int mt_contains_nocase(const char *hay, size_t n, const char *needle);

/* The inner part of a Message-ID as logged ("<a@b>" → a@b): *pn its length. */
const char *mt_msgid_inner(const char *z, size_t *pn);

#endif
