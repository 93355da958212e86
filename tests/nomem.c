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
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mailtrace.h"

static long long nalloc, fail_at;       /* fail_at 0: never */
static int failed_any;

static int should_fail(void){
  nalloc++;
  if( fail_at>0 && nalloc>=fail_at ){ failed_any = 1; return 1; }
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

/* One scenario; returns 0 when every step ended as SQLite allows: OK, or
** NOMEM / an error (with the allocation that failed). */
static int scenario(const char *dir, int *completed){
  static const char *const az[] = {
    "SELECT mailtrace_open('%s/esa1', '%s/esa2')",
    /* the offset index path first, before a whole-log store is cached */
    "SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.10'",
    "SELECT count(*) FROM messages WHERE mid IN (81001, 81002, 81012)",
    "SELECT count(*) FROM connections c JOIN messages m ON m.host = c.host AND m.icid = c.icid",
    "SELECT status, count(*) FROM messages GROUP BY 1",
    "SELECT count(*) FROM recipients WHERE mid = 81001",
    "SELECT count(*) FROM deliveries WHERE dcid = 7301",
    "SELECT count(*), max(ts) FROM mailtrace_lines('%s/esa1') WHERE text LIKE '%%192.0.2.10%%'",
    "SELECT count(*) FROM mailtrace_lines('%s/bad', 'on_error=skip')",
    "SELECT count(*) FROM mailtrace_errors",
    "SELECT 'x' REGEXP 'a+b', mailtrace_version()",
  };
  sqlite3 *db = 0;
  char *err = 0;
  int rc, i, ok = 0;
  *completed = 0;
  rc = sqlite3_open(":memory:", &db);
  if( rc!=SQLITE_OK ){ sqlite3_close(db); return rc==SQLITE_NOMEM ? 0 : 1; }
  rc = sqlite3_mailtrace_init(db, &err, 0);
  sqlite3_free(err);
  if( rc!=SQLITE_OK ){ sqlite3_close(db); return rc==SQLITE_NOMEM || rc==SQLITE_ERROR ? 0 : 1; }
  for(i=0; i<(int)(sizeof(az)/sizeof(az[0])); i++){
    char sql[512];
    sqlite3_stmt *st = 0;
    snprintf(sql, sizeof(sql), az[i], dir, dir);
    rc = sqlite3_prepare_v2(db, sql, -1, &st, 0);
    if( rc==SQLITE_OK ){
      while( (rc = sqlite3_step(st))==SQLITE_ROW ){}
      if( rc==SQLITE_DONE ) rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    if( rc!=SQLITE_OK && rc!=SQLITE_NOMEM && rc!=SQLITE_ERROR ){
      printf("  step %d: unexpected rc %d (%s)\n", i, rc, sqlite3_errstr(rc));
      sqlite3_close(db);
      return 1;
    }
    if( rc==SQLITE_OK ) ok++;
  }
  sqlite3_close(db);
  *completed = ok==(int)(sizeof(az)/sizeof(az[0]));
  return 0;
}

int main(int argc, char **argv){
  static const sqlite3_mem_methods mem = { sMalloc, sFree, sRealloc, sSize, sRoundup, sInit, sShutdown, 0 };
  long long n, total;
  int completed, bad = 0, runs = 0;
  if( argc<2 ){ fprintf(stderr, "usage: nomem DATA_DIR\n"); return 2; }
  setenv("MAILTRACE_THREADS", "1", 1);      /* the allocation count must not race */
  sqlite3_config(SQLITE_CONFIG_MALLOC, &mem);
  sqlite3_initialize();
  fail_at = 0; nalloc = 0;
  if( scenario(argv[1], &completed) || !completed ){ printf("FAIL nomem.baseline: the scenario fails without injected failures\n"); return 1; }
  total = nalloc;
  /* Every allocation up to a few thousand, then a sample. */
  for(n=1; n<=total; n += n<3000 ? 1 : 1 + n/500){
    fail_at = n; nalloc = 0; failed_any = 0;
    runs++;
    if( scenario(argv[1], &completed) ){ printf("FAIL nomem.fail_at_%lld\n", n); bad++; }
    if( !failed_any ) break;
  }
  if( bad==0 ) printf("PASS nomem.every_allocation_failure_is_an_error (%d runs over %lld allocations)\n", runs, total);
  return bad ? 1 : 0;
}
