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
*/
#include "tables.h"
SQLITE_EXTENSION_INIT1

#include <stdlib.h>
#include <string.h>

#include "../include/mailtrace.h"

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
  rc = mt_register_functions(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_lines(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_entities(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_errors(db, c);
  if( rc==SQLITE_OK ) rc = mt_register_smtp(db, c);
  mt_ctx_unref(c);
  return rc;
}
