/* SPDX-License-Identifier: MIT */
/*
** attach.h — the files of each message, from every log that names them
** (docs/tables.md "mailtrace_files").
**
** mail_logs says a message carried `attachment 'a.pdf'` and that a file
** `SHA <hex> filename a.pdf` was queued for analysis; the AMP engine log
** (docs/format.md §8.3) says what file reputation answered for
** `File Name = 'a.pdf', MID = 7` (disposition, malware, score, SHA-256,
** upload action), whether it was uploaded, and, later and by SHA-256 only,
** what file analysis and retrospective verdicts found.  This room joins them:
** one row per (host, MID, file), a file matched by its name or its SHA-256
** within its message, and the by-SHA facts kept apart so that every message
** that carried a file shares its later verdict.  Nothing is guessed: a line
** that names neither a known name nor a known SHA-256 of its message makes
** a row of its own.
**
** The anti-virus log's lines (av.h) are kept per (host, MID) beside them,
** for the diagnosis: which engine found which virus in which part.
**
** Fed line by line (mt_attach_line) by the SQL side's scan and by the
** entity store's build (entities.c: the diagnosis reads them there).  No
** SQLite types here.
*/
#ifndef MAILTRACE_ATTACH_H
#define MAILTRACE_ATTACH_H

#include "hashmap.h"
#include <stdint.h>
#include "lines.h"
#include "events.h"

typedef struct mt_afile {
  char *host;
  int64_t mid;
  char *name;              /* as logged, without its quotes; NULL: not named */
  char *sha256;
  char *mime;              /* AMP "File Type" / "file mime[…]" */
  int64_t size;            /* AMP "File Size"; -1: not logged */
  char *disposition;       /* AMP reputation: MALICIOUS, CLEAN, FILE UNKNOWN, … */
  char *malware;           /* AMP "Malware =" (None kept as logged) */
  char *score;             /* AMP "Reputation Score" */
  char *source;            /* Cloud / Cache */
  char *upload_action;     /* 0 known, do not send; 1 send; 2 known, do not send */
  char *upload;            /* "queued" (mail_logs), "not uploaded: <reason>" (AMP) */
  unsigned logs;           /* bit per MT_LOG_* that named this file */
  int has_time;
  int64_t first_utc;       /* the first line naming it */
  int prev;                /* previous row with the same MID, -1 (the hash chain) */
} mt_afile;

/* Facts about a file by its SHA-256 alone (any host, any message). */
typedef struct mt_asha {
  char *sha256;
  char *analysis;          /* "File Analysis complete" disposition (1 clean … 3 malware) */
  char *analysis_score;
  char *analysis_malware;  /* Spyname */
  char *retro;             /* retrospective verdict: MALICIOUS, CLEAN, … (the last one) */
  char *retro_malware;
  int64_t retro_t;         /* its Timestamp (seconds), else the line's time; -1 */
  int retro_file;          /* where its line is (mt_attach.at_*; lineno 0: not known) */
  int64_t retro_lineno, retro_off;
  int uploaded;            /* "File uploaded for analysis" seen */
} mt_asha;

/* An anti-virus log line about a message (av.h): a virus and its part, an
** error, a limit, a time-out or a result. */
typedef struct mt_avhit {
  char *host;
  int64_t mid;
  int kind;                /* MT_AV_* */
  char *engine;            /* sophos, mcafee */
  char *virus;             /* Virus: the name; Result: its word */
  char *part;              /* Virus: body.scan/… */
  char *detail;            /* Error / Limit / time-out: the words */
  int prev;                /* previous hit with the same MID, -1 */
} mt_avhit;

typedef struct mt_attach {
  mt_afile *a; int n, cap;
  mt_asha *s; int ns, cs;
  mt_hmap byid;            /* MID → its last row (hashmap.h) */
  int sorted;              /* s sorted by sha256 (mt_attach_finish) */
  mt_avhit *v; int nv, cv; /* the anti-virus log's lines */
  mt_hmap byav;            /* MID → its last hit (hashmap.h) */
  int at_file;             /* where the line being fed is (set by the caller, */
  int64_t at_lineno, at_off;  /* kept with retrospective verdicts; 0: not known) */
} mt_attach;

/* One line of any log type (logtype.h: t), its event ev (mt_line_event) and
** its time.  Returns 0, or -1 when out of memory. */
int mt_attach_line(mt_attach *A, const char *host, int host_len, int has_time, int64_t t_utc,
                   int t, const mt_line *ln, const mt_event *ev);

/* The rows of (host, mid), in the order they were made: at most max
** indexes into A->a (mt_attach_files_of) or A->v (mt_attach_av_of);
** returns how many. */
int mt_attach_files_of(const mt_attach *A, const char *host, int64_t mid, int *out, int max);
int mt_attach_av_of(const mt_attach *A, const char *host, int64_t mid, int *out, int max);

/* After the last line: sort the SHA-256 facts for lookups. */
void mt_attach_finish(mt_attach *A);

/* The facts about a SHA-256, or NULL. */
const mt_asha *mt_attach_sha(const mt_attach *A, const char *sha256);

void mt_attach_free(mt_attach *A);

#endif
