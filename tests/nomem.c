/* SPDX-License-Identifier: MIT */
/*
** nomem.c — allocation failures return SQLITE_NOMEM (or an error), never
** abort or crash.  Linked with -Wl,--wrap for malloc, calloc, realloc,
** strdup and strndup, so every allocation mailtrace itself makes can be
** made to fail; SQLite's own allocations fail through SQLITE_CONFIG_MALLOC.
** For n = 1, 2, ...: the n-th allocation and every one after it fail, and
** a scenario (load, open logs, join, aggregate, lines) is run; it must end
** cleanly each time.  Stops when a run completes without reaching n.
**
**   build/t/nomem DATA_DIR         prints PASS/FAIL lines for tests/run
**
** The extension runs on one thread (MAILTRACE_THREADS=1), so that the n-th
** allocation is the same one in every run; NOMEM_THREADS=1 leaves its
** threads on (the count is then atomic but the order may differ from run
** to run: tests/sh/nomem_split.sh, a busy sender's sweep split in two).
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mailtrace.h"

static long long nalloc, fail_at;       /* fail_at 0: never */
static int failed_any, fail_once;       /* fail_once: only the fail_at-th fails */

static int should_fail(void){
  long long k = __atomic_add_fetch(&nalloc, 1, __ATOMIC_RELAXED);
  if( fail_at>0 && (fail_once ? k==fail_at : k>=fail_at) ){ __atomic_store_n(&failed_any, 1, __ATOMIC_RELAXED); return 1; }
  return 0;
}

void *__real_malloc(size_t); void *__real_calloc(size_t, size_t);
void *__real_realloc(void*, size_t); char *__real_strdup(const char*);
char *__real_strndup(const char*, size_t);
void *__wrap_malloc(size_t n){ return should_fail() ? 0 : __real_malloc(n); }
void *__wrap_calloc(size_t a, size_t b){ return should_fail() ? 0 : __real_calloc(a, b); }
void *__wrap_realloc(void *p, size_t n){ return should_fail() ? 0 : __real_realloc(p, n); }
char *__wrap_strdup(const char *z){ return should_fail() ? 0 : __real_strdup(z); }
char *__wrap_strndup(const char *z, size_t n){ return should_fail() ? 0 : __real_strndup(z, n); }

/* SQLite's allocator, through the same counter. */
static void *sMalloc(int n){
  long long *p;
  if( should_fail() ) return 0;
  p = __real_malloc((size_t)n + 8);
  if( p ){ p[0] = n; p++; }
  return p;
}
static void sFree(void *p){ if( p ) free((long long*)p - 1); }
static void *sRealloc(void *p, int n){
  long long *q;
  if( should_fail() ) return 0;
  q = __real_realloc(p ? (long long*)p - 1 : 0, (size_t)n + 8);
  if( q ){ q[0] = n; q++; }
  return q;
}
static int sSize(void *p){ return p ? (int)((long long*)p)[-1] : 0; }
static int sRoundup(int n){ return (n + 7) & ~7; }
static int sInit(void *x){ (void)x; return SQLITE_OK; }
static void sShutdown(void *x){ (void)x; }

#define NSTEP 13
static unsigned long long want_hash[NSTEP];   /* each step's answer, from the baseline run */

/* FNV-1a over a step's result rows: every value's type and bytes.  Reading
** an integer or a text value allocates nothing; a text value that cannot be
** read (NULL for a TEXT column) sets *lost. */
#if defined(__clang__)
__attribute__((no_sanitize("unsigned-integer-overflow")))   /* FNV wraps on purpose (make ubsan) */
#endif
static unsigned long long hash_bytes(unsigned long long h, const void *p, size_t n){
  const unsigned char *b = p;
  while( n-- ){ h ^= *b++; h *= 1099511628211ULL; }
  return h;
}
static unsigned long long hash_row(unsigned long long h, sqlite3_stmt *st, int *lost){
  int i, n = sqlite3_column_count(st);
  for(i=0; i<n; i++){
    int t = sqlite3_column_type(st, i);
    h = hash_bytes(h, &t, sizeof(t));
    if( t==SQLITE_INTEGER ){
      sqlite3_int64 v = sqlite3_column_int64(st, i);
      h = hash_bytes(h, &v, sizeof(v));
    }else if( t==SQLITE_FLOAT ){
      double v = sqlite3_column_double(st, i);
      h = hash_bytes(h, &v, sizeof(v));
    }else if( t!=SQLITE_NULL ){
      const unsigned char *z = sqlite3_column_text(st, i);
      if( !z ){ *lost = 1; continue; }
      h = hash_bytes(h, z, (size_t)sqlite3_column_bytes(st, i));
    }
  }
  return h;
}

/* One scenario; returns 0 when every step ended as SQLite allows: OK with
** the same answer as the baseline run, or NOMEM / an error (with the
** allocation that failed).  A step that succeeds with another answer (rows
** lost to a failed allocation) is a failure.  baseline: record the answers. */
static int scenario(const char *dir, int *completed, int baseline){
  static const char *const az[] = {
    "SELECT mailtrace_open('%s/esa1', '%s/esa2')",
    /* the offset index path first, before a whole-log store is cached */
    "SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.10'",
    "SELECT count(*) FROM messages WHERE mid IN (81001, 81002, 81012)",
    "SELECT count(*) FROM connections c JOIN messages m ON m.host = c.host AND m.icid = c.icid",
    "SELECT status, count(*) FROM messages GROUP BY 1",
    "SELECT domain, status, count(*) FROM recipients GROUP BY 1, 2",
    "SELECT count(*) FROM recipients WHERE mid = 81001",
    "SELECT count(*) FROM deliveries WHERE dcid = 7301",
    "SELECT count(*), max(ts) FROM mailtrace_lines('%s/esa1') WHERE text LIKE '%%192.0.2.10%%'",
    "SELECT count(*) FROM mailtrace_lines('%s/bad', 'on_error=skip')",
    "SELECT count(*) FROM mailtrace_errors",
    "SELECT 'x' REGEXP 'a+b', mailtrace_version()",
    /* the live checks' table over the logs (no network without 'mx') */
    "SELECT count(*), sum(messages) FROM sender_ips('*.example.com')",
  };
  sqlite3 *db = 0;
  char *err = 0;
  int rc, i, ok = 0, step_ok[NSTEP] = {0};
  *completed = 0;
  if( (int)(sizeof(az)/sizeof(az[0]))!=NSTEP ){ printf("  NSTEP is wrong\n"); return 1; }
  rc = sqlite3_open(":memory:", &db);
  if( rc!=SQLITE_OK ){ sqlite3_close(db); return rc==SQLITE_NOMEM ? 0 : 1; }
  rc = sqlite3_mailtrace_init(db, &err, 0);
  sqlite3_free(err);
  if( rc!=SQLITE_OK ){ sqlite3_close(db); return rc==SQLITE_NOMEM || rc==SQLITE_ERROR ? 0 : 1; }
  for(i=0; i<(int)(sizeof(az)/sizeof(az[0])); i++){
    char sql[512];
    sqlite3_stmt *st = 0;
    snprintf(sql, sizeof(sql), az[i], dir, dir);
    unsigned long long h = 14695981039346656037ULL;
    int lost = 0;
    rc = sqlite3_prepare_v2(db, sql, -1, &st, 0);
    if( rc==SQLITE_OK ){
      while( (rc = sqlite3_step(st))==SQLITE_ROW ) h = hash_row(h, st, &lost);
      if( rc==SQLITE_DONE ) rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if( rc!=SQLITE_OK && rc!=SQLITE_NOMEM && rc!=SQLITE_ERROR ){
      printf("  step %d: unexpected rc %d (%s)\n", i, rc, sqlite3_errstr(rc));
      sqlite3_close(db);
      return 1;
    }
    if( rc==SQLITE_OK && !lost ){
      if( baseline ) want_hash[i] = h;
      else if( h!=want_hash[i] && !(strstr(az[i], "mailtrace_errors") && i>0 && !step_ok[i-1]) ){
        /* (mailtrace_errors reports the last scan: when the step before it
        ** failed, the last scan was another one) */
        printf("  step %d succeeded with another answer than without failures: %s\n", i, sql);
        sqlite3_close(db);
        return 1;
      }
      ok++;
    }
    step_ok[i] = rc==SQLITE_OK && !lost;
  }
  sqlite3_close(db);
  *completed = ok==(int)(sizeof(az)/sizeof(az[0]));
  return 0;
}

int main(int argc, char **argv){
  static const sqlite3_mem_methods mem = { sMalloc, sFree, sRealloc, sSize, sRoundup, sInit, sShutdown, 0 };
  long long n, total;
  int completed, bad = 0;
  if( argc<2 ){ fprintf(stderr, "usage: nomem DATA_DIR\n"); return 2; }
  if( !getenv("NOMEM_THREADS") ) setenv("MAILTRACE_THREADS", "1", 1);   /* the same allocation order every run */
  sqlite3_config(SQLITE_CONFIG_MALLOC, &mem);
  sqlite3_initialize();
  fail_at = 0; nalloc = 0;
  if( scenario(argv[1], &completed, 1) || !completed ){ printf("FAIL nomem.baseline: the scenario fails without injected failures\n"); return 1; }
  total = nalloc;
  /* Every allocation up to a few thousand, then a sample: first the n-th
  ** and all after it fail (the error path of every step), then the n-th
  ** alone (the code goes on after one failure: an answer that comes back
  ** must be the whole answer). */
  for(fail_once=0; fail_once<2; fail_once++){
    int bad1 = 0, runs1 = 0;
    for(n=1; n<=total; n += n<3000 ? 1 : 1 + n/500){
      fail_at = n; nalloc = 0; failed_any = 0;
      runs1++;
      if( scenario(argv[1], &completed, 0) ){ printf("FAIL nomem.%s_%lld\n", fail_once ? "fail_once_at" : "fail_from", n); bad1++; }
      if( !failed_any ) break;
    }
    if( bad1==0 ) printf("PASS nomem.%s (%d runs over %lld allocations)\n",
                         fail_once ? "one_failed_allocation_is_an_error_or_the_same_answer"
                                   : "every_allocation_failure_is_an_error", runs1, total);
    bad += bad1;
  }
  return bad ? 1 : 0;
}
