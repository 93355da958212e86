/* SPDX-License-Identifier: MIT */
/*
** mailtrace.c — the extension's entry point.
**
**   sqlite> .load ./mailtrace
**   sqlite> SELECT mailtrace_version();
**
** One mt_ctx per load holds what the tables share (the stats of the last
** scan, the entity cache).  Every function and module registered with it
** holds a reference (tables.h), so it is freed when the last of them goes:
** when the connection closes, or when a second .load replaces them all.
**
** This file registers every module and function of the extension (one
** mt_register_* per SQL-facing file, declared in tables.h); no table file
** registers another's (tests/sh/no_circle.sh).
*/
#include "tables.h"
SQLITE_EXTENSION_INIT1

#include <stdlib.h>
#include <string.h>

#include "../include/mailtrace.h"

/* mailtrace_trust_schema([on]): the connection's choice to let tables
** created with sources live outside TEMP (docs/lines.md, "Safety").  Off by
** default.  Returns the setting in force after the call.  DIRECTONLY, and
** it checks that the SQL calling it names it (mt_direct_call): a database
** cannot switch it on for itself. */
static void trustFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  mt_ctx *c = sqlite3_user_data(ctx);
  if( !mt_direct_call(ctx, "mailtrace_trust_schema") ){
    sqlite3_result_error(ctx, "unsafe use of mailtrace_trust_schema()", -1);
    return;
  }
  if( argc==1 ){
    if( sqlite3_value_type(argv[0])==SQLITE_NULL ){
      sqlite3_result_error(ctx, "mailtrace_trust_schema: give 1 (trust) or 0 (do not)", -1);
      return;
    }
    c->trust_schema = sqlite3_value_int(argv[0])!=0;
  }
  sqlite3_result_int(ctx, c->trust_schema);
}

/* mailtrace_progress_handler(): the connection's progress callback, set
** through the SQL function mailtrace_progress(P) (functions.c) with the
** callback as a pointer SQL cannot forge (sqlite3_bind_pointer).  So no
** global table maps connections to contexts. */
#ifdef _WIN32
__declspec(dllexport)
#endif
int mailtrace_progress_handler(sqlite3 *db,
                               void (*xProgress)(void *pArg, const char *zPhase,
                                                 long long nDone, long long nTotal),
                               void *pArg){
  mt_progress_hook *h;
  sqlite3_stmt *st = 0;
  int rc;
  if( !db ) return SQLITE_MISUSE;
  h = sqlite3_malloc(sizeof(*h));
  if( !h ) return SQLITE_NOMEM;
  h->fn = xProgress;
  h->arg = pArg;
  rc = sqlite3_prepare_v2(db, "SELECT mailtrace_progress(?1)", -1, &st, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_pointer(st, 1, h, MT_PROGRESS_PTR, 0);
  if( rc==SQLITE_OK ) rc = sqlite3_step(st);
  if( rc==SQLITE_ROW ) rc = SQLITE_OK;
  sqlite3_finalize(st);
  sqlite3_free(h);
  return rc;
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_mailtrace_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi){
  mt_ctx *c;
  int rc;
  SQLITE_EXTENSION_INIT2(pApi);
  (void)pzErrMsg;
  c = sqlite3_malloc(sizeof(*c));
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  c->db = db;
  c->refs = 1;                       /* ours, until the end of this function */
  mt_progress_init(&c->progress);
  /* the command (bin/mailtrace) reads the progress of a build from a file */
  if( getenv("MAILTRACE_PROGRESS_FILE") && *getenv("MAILTRACE_PROGRESS_FILE") ){
    c->progress.fn = mt_progress_to_file;
    c->progress.arg = &c->progress;
  }
  rc = mt_register_functions(db, c);                        /* functions.c, mailtrace_open too */
  if( rc==SQLITE_OK ) rc = mt_register_lines(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_parse(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_entities(db, c);     /* the four entity tables */
  if( rc==SQLITE_OK ) rc = mt_register_history(db, c);      /* history, icid_history */
  if( rc==SQLITE_OK ) rc = mt_register_health(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_diagnose(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_coverage(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_errors(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_smtp(db, c);
  if( rc==SQLITE_OK ) rc = sqlite3_create_function_v2(db, "mailtrace_trust_schema", -1,
         SQLITE_UTF8 | SQLITE_DIRECTONLY, mt_ctx_ref(c), trustFunc, 0, 0, mt_ctx_unref);
  if( rc==SQLITE_OK ) rc = mt_register_files(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_bounces(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_cef(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_antivirus(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_checks(db, c);
  mt_ctx_unref(c);
  return rc;
}
