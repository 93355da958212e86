/* SPDX-License-Identifier: MIT */
/*
** smtp.h — the injection debug log grammar: one line body → ICID, direction
** and the bytes that crossed the wire (docs/format.md §7).
**
** An injection debug line is an ordinary prefixed line (lines.h: file or
** syslog form) whose body is
**
**   body       = icid SP direction ":" SP repr
**   icid       = 1*DIGIT                       (no "ICID" keyword; at most 18 digits)
**   direction  = "Sent" / "Rcvd"               (case-sensitive, kept as logged)
**   repr       = the rest of the line: a Python 2 repr() of a byte string
**
**   Mon Nov  2 08:01:12 2026 Info: 52001 Sent: '220 esa1.example.com ESMTP\r\n'
**
** A body that does not start with `<digits> Sent: ` or `<digits> Rcvd: ` is
** not an injection line (mail_logs lines, the `Begin Logfile` header, ...):
** the two kinds are told apart by content, never by file name.
**
** The repr (format.md §1.2):
**
**   repr       = "'" *item "'" *WSP  /  DQUOTE *item DQUOTE *WSP
**   item       = "\r" / "\n" / "\t" / "\\" / "\'" / "\"" / "\x" 2HEXDIG / any other byte
**
** Python writes '…' unless the string holds ' and no ", then "…".  Decoding
** is tolerant, and never reads outside the span it is given:
**
**   * no opening quote, or no closing quote (the last byte before trailing
**     spaces and tabs is not an unescaped copy of the opening quote): the
**     whole span is not a repr and is kept exactly as written;
**   * an escape that is none of the above (`\q`, `\x` at the end, `\xZZ`)
**     is kept as written, backslash included;
**   * a bare quote inside (`'it's'`, not something repr writes) is kept.
**
** No SQLite types here: unit-tested on its own (tests/unit/test_smtp.c).
*/
#ifndef MAILTRACE_SMTP_H
#define MAILTRACE_SMTP_H

#include "hashmap.h"
#include <stddef.h>
#include <stdint.h>

enum { MT_SMTP_SENT = 1, MT_SMTP_RCVD = 2 };

typedef struct mt_smtp_line {
  int64_t icid;
  int direction;            /* MT_SMTP_SENT or MT_SMTP_RCVD */
  const char *dir;          /* the direction token as logged ("Sent"/"Rcvd"), 4 bytes */
  const char *repr;         /* the repr as written (quotes included): the rest of the body */
  size_t repr_len;
} mt_smtp_line;

/* Parse one line body (lines.h: mt_line.body).  1 and *out filled when it
** is an injection debug line, else 0 (*out then undefined).  Never reads
** outside [body, body+n). */
int mt_smtp_parse(const char *body, size_t n, mt_smtp_line *out);

/* Decode the repr p[0..n) into out, which has room for n bytes (the result
** is never longer than the input).  Returns the decoded length.  Rules in
** the comment above; out is not NUL-terminated. */
size_t mt_repr_decode(const char *p, size_t n, char *out);

/* 1 if p[0..n) is well-formed UTF-8 (no overlong forms, no surrogates,
** nothing above U+10FFFF) and holds no NUL byte, else 0.  The table returns
** such data as TEXT and anything else as a BLOB (SQLite's text functions
** stop at a NUL, so bytes with a NUL are not text to SQL). */
int mt_is_utf8_text(const char *p, size_t n);

/* seq numbering: 1, 2, 3, ... per (host, icid) in the order lines are seen. */
typedef struct mt_smtp_seq {
  mt_hmap map;              /* (icid, host) -> index into ent */
  struct mt_seq_ent *ent;   /* per (host, icid): count so far, server's direction */
  size_t nent, cent;
  char **host;              /* the distinct hosts seen (malloc'd copies) */
  size_t *host_len;
  int nhost, hostcap;
  int last;                 /* index of the last host looked up, -1 none */
} mt_smtp_seq;

void mt_smtp_seq_init(mt_smtp_seq *m);

/* The next number for (host, icid): 1 the first time.  -1 if out of memory. */
int64_t mt_smtp_seq_next(mt_smtp_seq *m, const char *host, size_t host_len, int64_t icid);

void mt_smtp_seq_free(mt_smtp_seq *m);

/* Who wrote a line's data, told from the data (issue 10, finding 14): the
** `Sent`/`Rcvd` word is kept as logged, but Cisco's one documented example
** has `Sent: 'MAIL FROM:<…>'` and `Rcvd: '250 OK'`, the opposite of what the
** guide's prose suggests.  So:
**
**   reply    = the data starts with a 3-digit code 2xx..5xx followed by a
**              space, "-", the end, an escape (\r\n) or the closing quote
**   command  = it starts with an SMTP verb (EHLO HELO LHLO MAIL RCPT DATA
**              BDAT QUIT RSET NOOP VRFY EXPN HELP AUTH STARTTLS XCLIENT
**              XFORWARD ETRN TURN ATRN, any case) followed by the same, or ":"
**
** mt_smtp_content() classifies one repr (MT_SMTP_REPLY, MT_SMTP_COMMAND, or 0
** for anything else: message data, AUTH exchanges).  Per (host, icid), the
** first reply or command line decides which word carries the server's
** replies; from then on every line of the connection is MT_SIDE_SERVER or
** MT_SIDE_CLIENT by its word, so message data that happens to start with
** "250 " is still the client's.  Lines before that first decision are
** MT_SIDE_UNKNOWN. */
enum { MT_SMTP_REPLY = 1, MT_SMTP_COMMAND = 2 };
enum { MT_SIDE_UNKNOWN = 0, MT_SIDE_CLIENT = 1, MT_SIDE_SERVER = 2 };

int mt_smtp_content(const char *repr, size_t n);

/* mt_smtp_seq_next() and the side of this line together (*side: MT_SIDE_*). */
int64_t mt_smtp_seq_step(mt_smtp_seq *m, const char *host, size_t host_len,
                         const mt_smtp_line *sl, int *side);

#endif
