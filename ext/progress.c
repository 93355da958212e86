/* SPDX-License-Identifier: MIT */
/*
** progress.c — how far the build in progress is (progress.h).
**
**   SELECT mailtrace_progress();
**   -- {"phase":"done","build":"store","done":1074131573,"total":1074131573,...}
**
** The counter is shared by the threads of the index pass (an atomic add per
** chunk read); the callback is called only by the thread that runs the
** build, from its stop check (cache.c), at most every MT_PROGRESS_MS ms or
** MT_PROGRESS_BYTES bytes.  No SQLite types here.
*/
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t now_ns(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void mt_progress_init(mt_progress *p){
  memset(p, 0, sizeof(*p));
  p->phase = "none";
  p->build = "none";
}

int64_t mt_progress_done(const mt_progress *p){
  int64_t d = __atomic_load_n(&p->done, __ATOMIC_RELAXED);
  return d > p->total ? p->total : d < 0 ? 0 : d;
}

double mt_progress_seconds(const mt_progress *p){
  int64_t end = strcmp(p->phase, "done")==0 || strcmp(p->phase, "stopped")==0 ? p->t_ns : now_ns();
  return p->builds ? (double)(end - p->t0_ns) / 1e9 : 0.0;
}

static void call(mt_progress *p, const char *phase, int64_t done, int64_t t){
  p->last_ns = t;
  p->last_done = done;
  if( p->fn ) p->fn(p->arg, phase, (long long)done, (long long)p->total);
}

void mt_progress_begin(mt_progress *p, const char *what, int64_t total){
  p->phase = what;
  p->build = what;
  __atomic_store_n(&p->done, 0, __ATOMIC_RELAXED);
  p->total = total > 0 ? total : 0;
  p->t0_ns = p->t_ns = now_ns();
  p->builds++;
  call(p, what, 0, p->t0_ns);
}

void mt_progress_add(mt_progress *p, int64_t n){
  if( p && n > 0 ) __atomic_add_fetch(&p->done, n, __ATOMIC_RELAXED);
}

void mt_progress_tick(mt_progress *p){
  int64_t t, d;
  if( !p || (strcmp(p->phase, "index")!=0 && strcmp(p->phase, "store")!=0) ) return;
  d = mt_progress_done(p);
  if( d - p->last_done >= MT_PROGRESS_BYTES ){ call(p, p->phase, d, now_ns()); return; }
  t = now_ns();
  p->t_ns = t;
  if( t - p->last_ns >= (int64_t)MT_PROGRESS_MS * 1000000 && d > p->last_done ) call(p, p->phase, d, t);
}

void mt_progress_end(mt_progress *p, int ok){
  p->t_ns = now_ns();
  if( ok ){
    __atomic_store_n(&p->done, p->total, __ATOMIC_RELAXED);
    call(p, p->build, p->total, p->t_ns);
    p->phase = "done";
  }else{
    p->phase = "stopped";
  }
}

void mt_progress_to_file(void *arg, const char *phase, long long done, long long total){
  const char *path = getenv("MAILTRACE_PROGRESS_FILE");
  char tmp[4096];
  FILE *f;
  if( !path || !*path || strlen(path) > sizeof(tmp) - 8 ) return;
  /* written aside and renamed: the reader never sees half a line */
  snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  f = fopen(tmp, "w");
  if( !f ) return;
  fprintf(f, "%s %lld %lld %.3f\n", phase, done, total, arg ? mt_progress_seconds(arg) : 0.0);
  if( fclose(f)==0 ) rename(tmp, path);
  else remove(tmp);
}
