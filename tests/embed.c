/* SPDX-License-Identifier: MIT */
/*
** embed.c — a program that links SQLite and libmailtrace.a, as an embedder
** would (include/mailtrace.h).  Prints PASS/FAIL lines for tests/run.
**
**   build/t/embed DIR
*/
#include <stdio.h>
#include <string.h>
#include <sqlite3.h>
#include "mailtrace.h"

static int failed;
static void check(const char *name, int ok, const char *why){
  if( ok ) printf("PASS embed.%s\n", name);
  else { printf("FAIL embed.%s: %s\n", name, why ? why : "false"); failed++; }
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
  return failed ? 1 : 0;
}
