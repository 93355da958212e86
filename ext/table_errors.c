/* SPDX-License-Identifier: MIT */
/*
** table_errors.c — `mailtrace_errors`: the problems the last scan recorded
** under on_error=skip, one row each.
**
**   SELECT count(*) FROM mailtrace_lines('/logs/', 'on_error=skip');
**   SELECT file, offset, message FROM mailtrace_errors;
**
** Columns: file (the path), offset (byte offset where reading stopped: in
** the decompressed stream for gzip, 0 when the file could not be opened),
** message (what went wrong, naming the file and the compressed byte offset).
** The table reads only this connection's own memory, no file: it is
** SQLITE_VTAB_INNOCUOUS, not DIRECTONLY.
*/
#include "tables.h"

#include <string.h>

typedef struct err_cursor {
  sqlite3_vtab_cursor base;   /* first: SQLite sees a sqlite3_vtab_cursor */
  int i;
} err_cursor;

static int errConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr){
  (void)argc; (void)argv; (void)pzErr;
  /* innocuous: it reads only this connection's memory. */
  return mt_vtab_connect(db, pAux,
    "CREATE TABLE x(file TEXT, offset INTEGER, message TEXT)",
    0, ppVtab);
}

static int errBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  (void)pVtab;
  p->estimatedCost = 10;
  p->estimatedRows = 10;
  return SQLITE_OK;
}

static int errOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  err_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static int errClose(sqlite3_vtab_cursor *cur){ sqlite3_free(cur); return SQLITE_OK; }

static int errFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr, int argc, sqlite3_value **argv){
  (void)idxNum; (void)idxStr; (void)argc; (void)argv;
  ((err_cursor*)cur)->i = 0;
  return SQLITE_OK;
}

static int errNext(sqlite3_vtab_cursor *cur){ ((err_cursor*)cur)->i++; return SQLITE_OK; }

static int errEof(sqlite3_vtab_cursor *cur){
  mt_vtab *vt = (mt_vtab*)cur->pVtab;
  return ((err_cursor*)cur)->i >= vt->ctx->nproblem;
}

static int errColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  mt_vtab *vt = (mt_vtab*)cur->pVtab;
  const mt_problem *p = &vt->ctx->problems[((err_cursor*)cur)->i];
  switch( col ){
    case 0: sqlite3_result_text(ctx, p->file ? p->file : "", -1, SQLITE_TRANSIENT); break;
    case 1: sqlite3_result_int64(ctx, p->offset); break;
    case 2: sqlite3_result_text(ctx, p->message ? p->message : "", -1, SQLITE_TRANSIENT); break;
  }
  return SQLITE_OK;
}

static int errRowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((err_cursor*)cur)->i + 1;
  return SQLITE_OK;
}

static sqlite3_module errModule = {
  0, 0, errConnect, errBestIndex, mt_vtab_disconnect, 0, errOpen, errClose, errFilter,
  errNext, errEof, errColumn, errRowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int mt_register_errors(sqlite3 *db, mt_ctx *ctx){
  return sqlite3_create_module_v2(db, "mailtrace_errors", &errModule, mt_ctx_ref(ctx), mt_ctx_unref);
}
