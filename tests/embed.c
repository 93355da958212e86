/* SPDX-License-Identifier: MIT */
/*
** embed.c — a program that links SQLite and libmailtrace.a, as an embedder
** would (include/mailtrace.h).  Prints PASS/FAIL lines for tests/run.
**
**   build/t/embed DIR
**
** Also the progress callback (mailtrace_progress_handler): a generated log
** of about 32 MiB in $TMPDIR, built into a store and into an offset index,
** the calls recorded and checked (start at 0, never backwards, the last
** with done == total == the file's size, on this thread).
*/
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>
#include "mailtrace.h"

static int failed;
static void check(const char *name, int ok, const char *why){
  if( ok ) printf("PASS embed.%s\n", name);
  else { printf("FAIL embed.%s: %s\n", name, why ? why : "false"); failed++; }
}

/* ---- progress */

typedef struct pcall { char phase[8]; long long done, total; int same_thread; } pcall;
static pcall calls[100000];
static int ncall;
static pthread_t main_thread;

static void on_progress(void *arg, const char *phase, long long done, long long total){
  (void)arg;
  if( ncall >= (int)(sizeof(calls)/sizeof(calls[0])) ) return;
  snprintf(calls[ncall].phase, sizeof(calls[ncall].phase), "%s", phase);
  calls[ncall].done = done;
  calls[ncall].total = total;
  calls[ncall].same_thread = pthread_equal(pthread_self(), main_thread);
  ncall++;
}

/* A mail log of about `mb` MiB: connections each with one delivered
** message (the shapes of tests/data/esa1).  Its size, or -1. */
static long long gen_log(const char *path, int mb){
  FILE *f = fopen(path, "w");
  long long n = 0;
  int i;
  if( !f ) return -1;
  fprintf(f, "Mon Nov  2 16:00:05 2026 Info: Begin Logfile\n"
             "Mon Nov  2 16:00:05 2026 Info: Time offset from UTC: 0 seconds\n");
  for(i=1; ftell(f) < (long)mb << 20; i++){
    int s = i % 60, m = (i / 60) % 60, h = (i / 3600) % 24;
    const char *ts = "Mon Nov  2";
    fprintf(f, "%s %02d:%02d:%02d 2026 Info: New SMTP ICID %d interface Data 1 (198.51.100.25) address 203.0.113.%d reverse dns host out%d.example.com verified yes\n"
               "%s %02d:%02d:%02d 2026 Info: ICID %d ACCEPT SG UNKNOWNLIST match sbrs[-1.0:10.0] SBRS 2.8\n"
               "%s %02d:%02d:%02d 2026 Info: Start MID %d ICID %d\n"
               "%s %02d:%02d:%02d 2026 Info: MID %d ICID %d From: <news@shop.example.com>\n"
               "%s %02d:%02d:%02d 2026 Info: MID %d ICID %d RID 0 To: <rita@example.com>\n"
               "%s %02d:%02d:%02d 2026 Info: MID %d ready 30120 bytes from <news@shop.example.com>\n"
               "%s %02d:%02d:%02d 2026 Info: Delivery start DCID %d MID %d to RID [0]\n"
               "%s %02d:%02d:%02d 2026 Info: Message done DCID %d MID %d to RID [0]\n"
               "%s %02d:%02d:%02d 2026 Info: MID %d RID [0] Response '2.0.0 Ok: queued'\n"
               "%s %02d:%02d:%02d 2026 Info: Message finished MID %d done\n"
               "%s %02d:%02d:%02d 2026 Info: ICID %d close\n",
            ts, h, m, s, i, i % 250, i % 250, ts, h, m, s, i, ts, h, m, s, i, i, ts, h, m, s, i, i,
            ts, h, m, s, i, i, ts, h, m, s, i, ts, h, m, s, i, i, ts, h, m, s, i, i, ts, h, m, s, i,
            ts, h, m, s, i, ts, h, m, s, i);
  }
  n = ftell(f);
  if( fclose(f) ) return -1;
  return n;
}

/* One question that builds (phase `want`), its progress calls checked. */
static void progress_case(sqlite3 *db, const char *name, const char *sql, const char *path,
                          const char *want, long long size){
  sqlite3_stmt *st;
  char why[256];
  int rc, i, inner = 0, order = 1, thread = 1, phase = 1, first = 0;
  struct timespec t0, t1;
  double secs;
  ncall = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rc = sqlite3_prepare_v2(db, sql, -1, &st, 0);
  if( rc==SQLITE_OK ){
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    while( (rc = sqlite3_step(st))==SQLITE_ROW ){}
    sqlite3_finalize(st);
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  snprintf(why, sizeof(why), "%s: %s", sql, sqlite3_errmsg(db));
  check(name, rc==SQLITE_DONE, why);
  for(i=0; i<ncall; i++){
    if( i>0 && calls[i].done < calls[i-1].done ) order = 0;
    if( !calls[i].same_thread ) thread = 0;
    if( strcmp(calls[i].phase, want)!=0 ) phase = 0;
    if( calls[i].done > 0 && calls[i].done < calls[i].total ) inner++;
  }
  first = ncall>0 && calls[0].done==0 && calls[0].total==size;
  snprintf(why, sizeof(why), "%d calls, the first (%lld, %lld), want (0, %lld)", ncall,
           ncall ? calls[0].done : -1, ncall ? calls[0].total : -1, size);
  {
    char n2[64];
    snprintf(n2, sizeof(n2), "%s_starts_at_0", name); check(n2, first, why);
    snprintf(why, sizeof(why), "last call (%lld, %lld), want (%lld, %lld)", ncall ? calls[ncall-1].done : -1,
             ncall ? calls[ncall-1].total : -1, size, size);
    snprintf(n2, sizeof(n2), "%s_ends_at_total", name);
    check(n2, ncall>1 && calls[ncall-1].done==size && calls[ncall-1].total==size, why);
    snprintf(n2, sizeof(n2), "%s_increasing", name); check(n2, order, "done went backwards");
    snprintf(n2, sizeof(n2), "%s_phase", name); check(n2, phase, want);
    snprintf(n2, sizeof(n2), "%s_on_the_calling_thread", name); check(n2, thread, "called from another thread");
    /* at most every 100 ms or 64 MiB: a build that took 0.3 s or more was
    ** reported in between; how often is bounded by the time it took */
    snprintf(why, sizeof(why), "%d calls between start and end in %.3f s", inner, secs);
    snprintf(n2, sizeof(n2), "%s_in_between", name);
    check(n2, secs < 0.3 ? 1 : inner >= 1, why);
    snprintf(n2, sizeof(n2), "%s_rate_limited", name);
    check(n2, inner <= (int)(secs / 0.1) + 2, why);
  }
}

static void progress_tests(const char *esa1){
  sqlite3 *db;
  char path[512], *err = 0;
  const char *tmp = getenv("TMPDIR");
  long long size;
  int rc;
  snprintf(path, sizeof(path), "%s/mt_embed_progress_%d.log", tmp && *tmp ? tmp : "/tmp", (int)getpid());
  size = gen_log(path, 32);
  check("progress_generate", size > (30LL << 20), path);
  if( size < 0 ) return;
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ){ remove(path); return; }
  sqlite3_mailtrace_init(db, &err, 0);
  rc = mailtrace_progress_handler(db, on_progress, 0);
  check("progress_handler", rc==SQLITE_OK, sqlite3_errmsg(db));
  /* the offset index (a lookup in a fresh connection), then the store */
  progress_case(db, "progress_index", "SELECT count(*) FROM mailtrace_connections(?1) WHERE icid = 7",
                path, "index", size);
  progress_case(db, "progress_store", "SELECT status, count(*) FROM mailtrace_messages(?1) GROUP BY 1",
                path, "store", size);
  /* removed: no more calls */
  rc = mailtrace_progress_handler(db, 0, 0);
  ncall = 0;
  {
    sqlite3_stmt *st;
    if( sqlite3_prepare_v2(db, "SELECT count(*) FROM mailtrace_recipients(?1)", -1, &st, 0)==SQLITE_OK ){
      sqlite3_bind_text(st, 1, esa1, -1, SQLITE_STATIC);
      while( sqlite3_step(st)==SQLITE_ROW ){}
      sqlite3_finalize(st);
    }
  }
  check("progress_removed", rc==SQLITE_OK && ncall==0, "called after removal");
  sqlite3_close(db);
  /* a connection without mailtrace: an error, not a crash */
  if( sqlite3_open(":memory:", &db)==SQLITE_OK ){
    check("progress_without_mailtrace", mailtrace_progress_handler(db, on_progress, 0)==SQLITE_ERROR, "not an error");
    sqlite3_close(db);
  }
  remove(path);
}

int main(int argc, char **argv){
  sqlite3 *db;
  sqlite3_stmt *st;
  char *err = 0;
  int rc;
  if( argc<2 ){ fprintf(stderr, "usage: embed DIR\n"); return 2; }
  if( sqlite3_open(":memory:", &db)!=SQLITE_OK ) return 2;
  rc = sqlite3_mailtrace_init(db, &err, 0);
  check("init", rc==SQLITE_OK, err);
  /* tests/data/esa1 holds 452 lines naming 23 MIDs: counted with
  ** `cat`/`zcat | wc -l` and `grep -oE '\bMID [0-9]+' | sort -u` (which
  ** finds a 24th, MID 999999, inside the subject of an alert line: not a
  ** message of this gateway). */
  rc = sqlite3_prepare_v2(db, "SELECT count(*), count(DISTINCT mid), mailtrace_version() "
                              "FROM mailtrace_lines(?1)", -1, &st, 0);
  check("prepare", rc==SQLITE_OK, sqlite3_errmsg(db));
  if( rc==SQLITE_OK ){
    sqlite3_bind_text(st, 1, argv[1], -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    check("step", rc==SQLITE_ROW, sqlite3_errmsg(db));
    if( rc==SQLITE_ROW ){
      char why[64];
      snprintf(why, sizeof(why), "%lld rows, want 452", (long long)sqlite3_column_int64(st, 0));
      check("rows", sqlite3_column_int64(st, 0)==452, why);
      snprintf(why, sizeof(why), "%d MIDs, want 23", sqlite3_column_int(st, 1));
      check("mids", sqlite3_column_int(st, 1)==23, why);
      check("version", strncmp((const char*)sqlite3_column_text(st, 2), "mailtrace ", 10)==0, "bad version");
    }
    sqlite3_finalize(st);
  }
  /* An error names the path. */
  rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM mailtrace_lines('/nonexistent/mail.current')", -1, &st, 0);
  if( rc==SQLITE_OK ){
    rc = sqlite3_step(st);
    check("missing_file_error", rc==SQLITE_ERROR && strstr(sqlite3_errmsg(db), "/nonexistent/mail.current")!=0,
          sqlite3_errmsg(db));
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  main_thread = pthread_self();
  progress_tests(argv[1]);
  return failed ? 1 : 0;
}
