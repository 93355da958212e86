/* SPDX-License-Identifier: MIT */
/*
** functions.c — scalar SQL functions.
**
**   SELECT mailtrace_version();            -- 'mailtrace 0.1.0 (git 1a2b3c4)'
**   SELECT mailtrace_open('/var/log/esa/'); -- temp.lines, temp.connections, ...
**   SELECT * FROM mailtrace_lines('/logs') WHERE text REGEXP 'ICID \d+ (REJECT|TCPREFUSE)';
**   SELECT mailtrace_stats();              -- JSON: what the last scan read
**   SELECT mailtrace_progress();           -- JSON: the build in progress or last run
**
** regexp(pattern, text) uses PCRE2 with JIT; the compiled pattern is kept
** with sqlite3_set_auxdata, so a statement compiles it once, not per row.
*/
#include "tables.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdio.h>
#include <string.h>

#include "version.h"          /* MT_VERSION, MT_GIT, written by the Makefile */
#ifndef MT_VERSION
# define MT_VERSION "0.0.0"
#endif

static void versionFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  (void)argc; (void)argv;
  sqlite3_result_text(ctx, "mailtrace " MT_VERSION " (git " MT_GIT ")", -1, SQLITE_STATIC);
}

typedef struct mt_regex {
  pcre2_code *code;
  pcre2_match_data *md;
} mt_regex;

static void regex_free(void *p){
  mt_regex *r = p;
  if( !r ) return;
  pcre2_match_data_free(r->md);
  pcre2_code_free(r->code);
  sqlite3_free(r);
}

static void regexpFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  mt_regex *r;
  const char *text;
  int rc;
  (void)argc;
  if( sqlite3_value_type(argv[0])==SQLITE_NULL || sqlite3_value_type(argv[1])==SQLITE_NULL ) return;
  r = sqlite3_get_auxdata(ctx, 0);
  if( !r ){
    const char *pat = (const char*)sqlite3_value_text(argv[0]);
    int errcode;
    PCRE2_SIZE erroff;
    if( !pat ){ sqlite3_result_error_nomem(ctx); return; }
    r = sqlite3_malloc(sizeof(*r));
    if( !r ){ sqlite3_result_error_nomem(ctx); return; }
    memset(r, 0, sizeof(*r));
    r->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                            &errcode, &erroff, 0);
    if( !r->code ){
      PCRE2_UCHAR msg[256];
      char *z;
      pcre2_get_error_message(errcode, msg, sizeof(msg));
      z = sqlite3_mprintf("regexp: bad pattern '%s' at offset %d: %s", pat, (int)erroff, (char*)msg);
      sqlite3_result_error(ctx, z ? z : "regexp: bad pattern", -1);
      sqlite3_free(z);
      regex_free(r);
      return;
    }
    pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);   /* falls back to the interpreter */
    r->md = pcre2_match_data_create_from_pattern(r->code, 0);
    if( !r->md ){ regex_free(r); sqlite3_result_error_nomem(ctx); return; }
    sqlite3_set_auxdata(ctx, 0, r, regex_free);
    r = sqlite3_get_auxdata(ctx, 0);
    if( !r ){ sqlite3_result_error_nomem(ctx); return; }
  }
  text = (const char*)sqlite3_value_text(argv[1]);
  if( !text ) return;
  rc = pcre2_match(r->code, (PCRE2_SPTR)text, (PCRE2_SIZE)sqlite3_value_bytes(argv[1]), 0, 0, r->md, 0);
  if( rc >= 0 ){ sqlite3_result_int(ctx, 1); return; }
  if( rc==PCRE2_ERROR_NOMATCH ){ sqlite3_result_int(ctx, 0); return; }
  {
    PCRE2_UCHAR msg[256];
    char *z;
    pcre2_get_error_message(rc, msg, sizeof(msg));
    z = sqlite3_mprintf("regexp: %s", (char*)msg);
    sqlite3_result_error(ctx, z ? z : "regexp: match error", -1);
    sqlite3_free(z);
  }
}

/* The parts of a mapped store image checked so far (mt_stats.store_checked,
** the bits of storefile.h's MT_SF_PART_* in order), as names. */
static const char *const azPart[] = {
  "connections", "messages", "recipients", "deliveries", "strings", "attachments", "ids", "columns"
};

static void statsFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  mt_ctx *c = sqlite3_user_data(ctx);
  char *z;
  char parts[96];
  size_t at = 0;
  int i;
  (void)argc; (void)argv;
  parts[0] = 0;
  for(i=0; i<(int)(sizeof(azPart)/sizeof(azPart[0])); i++){
    if( !(c->last.store_checked & ((int64_t)1 << i)) ) continue;
    at += (size_t)snprintf(parts + at, sizeof(parts) - at, "%s%s", at ? "," : "", azPart[i]);
  }
  z = sqlite3_mprintf("{\"files_opened\":%lld,\"files_skipped\":%lld,\"bytes_read\":%lld,"
                      "\"lines_parsed\":%lld,\"lines_skipped\":%lld,\"index_hits\":%lld,"
                      "\"index_blocks\":%lld,\"index_read\":%lld,\"index_probes\":%lld,\"index_passed\":%lld,"
                      "\"store_loaded\":%lld,\"store_saved\":%lld,\"index_split\":%lld,\"store_checked\":\"%s\"}",
                      (long long)c->last.files_opened, (long long)c->last.files_skipped,
                      (long long)c->last.bytes_read, (long long)c->last.lines_parsed,
                      (long long)c->last.lines_skipped, (long long)c->last.index_hits,
                      (long long)c->last.index_blocks, (long long)c->last.index_read,
                      (long long)c->last.index_probes, (long long)c->last.index_passed,
                      (long long)c->last.store_loaded, (long long)c->last.store_saved,
                      (long long)c->last.index_split, parts);
  if( !z ){ sqlite3_result_error_nomem(ctx); return; }
  sqlite3_result_text(ctx, z, -1, sqlite3_free);
}

/* mailtrace_progress(): the offset index pass or entity store build in
** progress or last run on this connection, as JSON (progress.h):
**   {"phase":"done","build":"store","done":N,"total":N,"seconds":1.234,"builds":2}
** phase: "none" (no build yet), "index" / "store" (running: seen from the
** progress callback's thread), "done", "stopped" (interrupted or failed).
** done and total are bytes on disk (compressed bytes for gzip).
**
** mailtrace_progress(P), P a pointer bound by mailtrace_progress_handler()
** (include/mailtrace.h) with sqlite3_bind_pointer and the type
** "mailtrace_progress_handler": sets the connection's callback.  From SQL
** (any other value) it is an error: SQL cannot make such a pointer. */
static void progressFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  mt_ctx *c = sqlite3_user_data(ctx);
  char *z;
  if( argc==1 ){
    const mt_progress_hook *h = sqlite3_value_pointer(argv[0], MT_PROGRESS_PTR);
    if( !h ){
      sqlite3_result_error(ctx, "mailtrace_progress: takes no argument from SQL "
                                "(the one-argument form is mailtrace_progress_handler's, include/mailtrace.h)", -1);
      return;
    }
    c->progress.fn = h->fn;
    c->progress.arg = h->fn ? h->arg : 0;
    sqlite3_result_int(ctx, 1);
    return;
  }
  z = sqlite3_mprintf("{\"phase\":\"%s\",\"build\":\"%s\",\"done\":%lld,\"total\":%lld,"
                      "\"seconds\":%.3f,\"builds\":%lld}",
                      c->progress.phase, c->progress.build, (long long)mt_progress_done(&c->progress),
                      (long long)c->progress.total, mt_progress_seconds(&c->progress),
                      (long long)c->progress.builds);
  if( !z ){ sqlite3_result_error_nomem(ctx); return; }
  sqlite3_result_text(ctx, z, -1, sqlite3_free);
}

/* --------------------------------------------------------- mailtrace_open */

/* mailtrace_open(source, ...): (re)create temp.lines, temp.connections,
** temp.messages, temp.recipients, temp.deliveries over the sources; returns
** the number of files found. */
static void openFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  static const char *const azTab[][2] = {
    { "lines", "mailtrace_lines" }, { "connections", "mailtrace_connections" },
    { "messages", "mailtrace_messages" }, { "recipients", "mailtrace_recipients" },
    { "deliveries", "mailtrace_deliveries" }
  };
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  mt_args a;
  sqlite3_str *list;
  char *zList, *err = 0;
  const char *zArgs[MT_MAX_ARGS];
  int i, rc, nfile;

  if( !mt_direct_call(ctx, "mailtrace_open") ){
    /* SQLITE_DIRECTONLY keeps views, triggers and DEFAULTs out; a CHECK
    ** constraint of a database file still gets here in SQLite 3.40. */
    sqlite3_result_error(ctx, "unsafe use of mailtrace_open(): only SQL that names it may call it, "
                              "not a database's schema (a CHECK constraint)", -1);
    return;
  }
  if( argc<1 || argc>MT_MAX_ARGS ){
    sqlite3_result_error(ctx, "mailtrace_open: give 1 to 16 sources or options", -1);
    return;
  }
  memset(&a, 0, sizeof(a));
  for(i=0; i<argc; i++) zArgs[i] = (const char*)sqlite3_value_text(argv[i]);
  rc = mt_args_add(&a, argc, zArgs, 0, &err);
  if( rc==SQLITE_OK ) rc = mt_args_expand(&a, &err);
  if( rc==SQLITE_OK && a.nsource==0 ){
    err = sqlite3_mprintf("mailtrace_open: give at least one source (file, directory or glob)");
    rc = SQLITE_ERROR;
  }
  nfile = a.files.n;
  mt_args_free(&a);
  if( rc==SQLITE_OK ){
    /* Remember the sources: mailtrace_history() reads them. */
    mt_ctx *mc = sqlite3_user_data(ctx);
    char **na = sqlite3_malloc64(sizeof(char*)*(size_t)argc);
    if( !na ){ sqlite3_result_error_nomem(ctx); return; }
    for(i=0; i<argc; i++){
      na[i] = sqlite3_mprintf("%s", zArgs[i]);
      if( !na[i] ){ while( i>0 ) sqlite3_free(na[--i]); sqlite3_free(na); sqlite3_result_error_nomem(ctx); return; }
    }
    for(i=0; i<mc->nopen_args; i++) sqlite3_free(mc->open_args[i]);
    sqlite3_free(mc->open_args);
    mc->open_args = na;
    mc->nopen_args = argc;
  }
  if( rc ){
    sqlite3_result_error(ctx, err ? err : "out of memory", -1);
    sqlite3_free(err);
    return;
  }
  list = sqlite3_str_new(db);
  for(i=0; i<argc; i++) sqlite3_str_appendf(list, "%s%Q", i ? ", " : "", zArgs[i]);
  zList = sqlite3_str_finish(list);
  if( !zList ){ sqlite3_result_error_nomem(ctx); return; }
  for(i=0; i<5 && rc==SQLITE_OK; i++){
    char *sql = sqlite3_mprintf("DROP TABLE IF EXISTS temp.%s;"
                                "CREATE VIRTUAL TABLE temp.%s USING %s(%s);",
                                azTab[i][0], azTab[i][0], azTab[i][1], zList);
    if( !sql ){ rc = SQLITE_NOMEM; break; }
    rc = sqlite3_exec(db, sql, 0, 0, &err);
    sqlite3_free(sql);
  }
  sqlite3_free(zList);
  if( rc ){
    char *z = sqlite3_mprintf("mailtrace_open: %s", err ? err : sqlite3_errstr(rc));
    sqlite3_result_error(ctx, z ? z : "mailtrace_open failed", -1);
    sqlite3_free(z);
    sqlite3_free(err);
    return;
  }
  sqlite3_result_int(ctx, nfile);
}

int mt_register_functions(sqlite3 *db, mt_ctx *ctx){
  int rc;
  rc = sqlite3_create_function(db, "mailtrace_version", 0,
         SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, 0, versionFunc, 0, 0);
  /* regexp reads only its arguments: safe anywhere, so innocuous. */
  if( rc==SQLITE_OK ) rc = sqlite3_create_function(db, "regexp", 2,
         SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, 0, regexpFunc, 0, 0);
  /* mailtrace_stats only reports counters of this connection's own scans. */
  if( rc==SQLITE_OK ) rc = sqlite3_create_function_v2(db, "mailtrace_stats", 0,
         SQLITE_UTF8 | SQLITE_INNOCUOUS, mt_ctx_ref(ctx), statsFunc, 0, 0, mt_ctx_unref);
  /* mailtrace_progress() reports this connection's own builds; the form
  ** with a pointer sets its callback: only the C API can call it, but
  ** DIRECTONLY keeps a schema from even trying. */
  if( rc==SQLITE_OK ) rc = sqlite3_create_function_v2(db, "mailtrace_progress", 0,
         SQLITE_UTF8 | SQLITE_INNOCUOUS, mt_ctx_ref(ctx), progressFunc, 0, 0, mt_ctx_unref);
  if( rc==SQLITE_OK ) rc = sqlite3_create_function_v2(db, "mailtrace_progress", 1,
         SQLITE_UTF8 | SQLITE_DIRECTONLY, mt_ctx_ref(ctx), progressFunc, 0, 0, mt_ctx_unref);
  /* SQLITE_DIRECTONLY: mailtrace_open reads the file system and creates
  ** tables; only top-level SQL may call it, never a view or trigger. */
  if( rc==SQLITE_OK ) rc = sqlite3_create_function_v2(db, "mailtrace_open", -1,
         SQLITE_UTF8 | SQLITE_DIRECTONLY, mt_ctx_ref(ctx), openFunc, 0, 0, mt_ctx_unref);
  return rc;
}
