/* SPDX-License-Identifier: MIT */
/*
** progress.h — how far the build in progress is: the offset index pass
** (index.c) and the entity store build (entities.c, through the walk).
**
**   mt_progress pg;  mt_progress_init(&pg);
**   pg.fn = show; pg.arg = me;                       -- optional callback
**   mt_progress_begin(&pg, "index", total_bytes);
**   opts.progress = &pg;                             -- the builds count into it
**   ... build, its should_stop calling mt_progress_tick(&pg) ...
**   mt_progress_end(&pg, ok);
**
** The counter `done` is the bytes read from disk so far (compressed bytes
** for gzip, as mt_stats.bytes_read), `total` the bytes of the files to read
** (their size on disk).  Any thread adds to `done` (mt_progress_add: the index
** pass reads in parallel pieces); only the thread that runs the build calls
** mt_progress_tick, which calls the callback when at least MT_PROGRESS_MS
** milliseconds or MT_PROGRESS_BYTES bytes have passed since its last call —
** so the callback runs on the caller's thread (the one stepping the SQLite
** statement), never on a helper.  done never exceeds total in what is
** reported; a finished build's last call has done == total.
** No SQLite types here.
*/
#ifndef MAILTRACE_PROGRESS_H
#define MAILTRACE_PROGRESS_H

#include <stdint.h>

#define MT_PROGRESS_MS    100                     /* at most this long between calls */
#define MT_PROGRESS_BYTES ((int64_t)64 << 20)     /* ... or this many bytes */

/* The callback: phase "index" or "store", bytes done and total. */
typedef void (*mt_progress_fn)(void *arg, const char *phase, long long done, long long total);

typedef struct mt_progress {
  const char *phase;      /* "none" before any build; "index" or "store" while one runs;
                          ** "done" once it finished, "stopped" when it failed or was interrupted */
  const char *build;      /* the build in progress or last run: "index", "store" (or "none") */
  int64_t done;           /* bytes read (mt_progress_add: atomic) */
  int64_t total;          /* bytes to read */
  int64_t t0_ns;          /* start (CLOCK_MONOTONIC) */
  int64_t t_ns;           /* the end of the last build, or its last tick */
  int64_t last_ns, last_done;   /* of the callback's last call */
  int64_t builds;         /* builds begun so far (on this connection) */
  mt_progress_fn fn;      /* optional: called from mt_progress_begin/tick/end */
  void *arg;
} mt_progress;

void mt_progress_init(mt_progress *p);
/* A build of `total` bytes starts: phase = build = `what` (a string
** literal), done = 0; the callback is called with (what, 0, total). */
void mt_progress_begin(mt_progress *p, const char *what, int64_t total);
/* n more bytes read; any thread.  p may be NULL (no-op). */
void mt_progress_add(mt_progress *p, int64_t n);
/* The build's own thread: call the callback if due.  p may be NULL. */
void mt_progress_tick(mt_progress *p);
/* The build ended: ok → phase "done", done = total, and a last call of the
** callback with (build, total, total); else phase "stopped" (no call). */
void mt_progress_end(mt_progress *p, int ok);
/* A callback for the command (bin/mailtrace), installed when the
** environment names MAILTRACE_PROGRESS_FILE: each call rewrites that file
** with one line "PHASE DONE TOTAL SECONDS" (arg: the mt_progress, for the
** seconds; may be NULL), which the command's progress line reads. */
void mt_progress_to_file(void *arg, const char *phase, long long done, long long total);

/* done as reported (at most total). */
int64_t mt_progress_done(const mt_progress *p);
/* Seconds since the build began (until its end once it ended). */
double mt_progress_seconds(const mt_progress *p);

#endif
