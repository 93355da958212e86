/* SPDX-License-Identifier: MIT */
/*
** lines.h — the "lines" room: one physical log line → prefix, timestamp, level, body.
**
** No SQLite types here: this grammar is unit-tested and fuzzed on its own
** (tests/unit/test_lines.c, tests/fuzz/fuzz_line.c).
**
** Two prefixes are recognised (docs/lines.md, docs/format.md §2):
**
**   file form    Www Mmm dd HH:MM:SS YYYY Level: body       (day space-padded)
**   syslog form  [<PRI>]Mmm dd HH:MM:SS [YYYY ][host ]tag: Level: body
**
** A syslog line whose payload is itself a complete file-form line
** ("... mail_logs: Mon Aug 10 09:52:59 2020 Info: body") takes the inner,
** complete timestamp.  A line with neither prefix is a continuation (form
** MT_FORM_NONE): the caller keeps it as a row with level NULL.
*/
#ifndef MAILTRACE_LINES_H
#define MAILTRACE_LINES_H

#include <stddef.h>
#include <stdint.h>

enum { MT_FORM_NONE = 0, MT_FORM_FILE = 1, MT_FORM_SYSLOG = 2 };

/* Levels, in the order AsyncOS ranks them.  0 means "no level" (continuation). */
enum { MT_LVL_NONE = 0, MT_LVL_CRITICAL, MT_LVL_WARNING, MT_LVL_INFO,
       MT_LVL_DEBUG, MT_LVL_TRACE };

typedef struct mt_line {
  int form;                 /* MT_FORM_* */
  int level;                /* MT_LVL_* */
  int year;                 /* 0 when the prefix has no year (syslog) */
  int mon, day;             /* 1..12, 1..31 */
  int hour, min, sec;
  const char *host;         /* syslog host name, or NULL */
  int host_len;
  const char *tag;          /* syslog tag (log subscription name), or NULL */
  int tag_len;
  const char *body;         /* text after "Level: " (or the whole line) */
  size_t body_len;
} mt_line;

/* Parse one physical line (without its '\n'; a trailing '\r' is the caller's
** to strip).  Always succeeds: a line without a prefix gets MT_FORM_NONE and
** body = the whole line.  Never reads outside [p, p+n). */
void mt_line_parse(const char *p, size_t n, mt_line *out);

/* The level's name ("Info", ...) or NULL for MT_LVL_NONE. */
const char *mt_level_name(int level);

/* Month number 1..12 of a three-letter English month name, else 0. */
int mt_month_from_name(const char *p);

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
int64_t mt_days_from_civil(int64_t y, int m, int d);

/* Seconds since the epoch of a broken-down time taken as UTC. */
int64_t mt_time_from_parts(int year, int mon, int day, int hour, int min, int sec);

/* Write "YYYY-MM-DD HH:MM:SS" (19 chars + NUL) for seconds since the epoch.
** Years outside 0..9999 are clamped so the text keeps its fixed width. */
void mt_time_iso(int64_t t, char out[20]);

/* Seconds of an ISO time "YYYY-MM-DD[ HH[:MM[:SS]]]" (as the ts and utc
** columns write it), missing parts taken as 0; 1 on success.  Used for
** bounds: the result is never later than any text that sorts after it. */
int mt_iso_floor(const char *z, int64_t *pOut);

/* Year of a syslog line (which has none): the year of the file's modification
** time, or the year before when the line's month is later than the mtime's
** month (a December line in a file written in January).  mtime <= 0 means
** unknown; then `fallback_year` is used as is. */
int mt_infer_year(int line_mon, int64_t mtime, int fallback_year);

#endif
