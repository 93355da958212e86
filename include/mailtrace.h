/*
** mailtrace.h — public interface for programs that embed mailtrace.
**
** mailtrace turns Cisco Secure Email Gateway (IronPort, AsyncOS) mail logs
** into SQLite tables.  Loaded as an extension (`.load ./mailtrace`), SQLite
** calls sqlite3_mailtrace_init() itself.  A program that links SQLite and
** libmailtrace.a statically registers it per connection:
**
**   #include <sqlite3.h>
**   #include "mailtrace.h"
**
**   sqlite3 *db;
**   sqlite3_open(":memory:", &db);
**   char *err = 0;
**   if( sqlite3_mailtrace_init(db, &err, 0)!=SQLITE_OK ){ ... err ... }
**
** or for every new connection: sqlite3_auto_extension((void(*)(void))sqlite3_mailtrace_init);
**
** Tables: mailtrace_lines, mailtrace_connections, mailtrace_messages,
** mailtrace_recipients, mailtrace_deliveries, mailtrace_files,
** mailtrace_bounces, mailtrace_cef (and more: docs/).  Functions: mailtrace_version(),
** mailtrace_open(), mailtrace_stats(), regexp().  See docs/.
*/
#ifndef MAILTRACE_H
#define MAILTRACE_H

#include <sqlite3.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Register every mailtrace table and function on `db`.  pApi is NULL when
** linked statically; SQLite passes it when it loads the shared library. */
int sqlite3_mailtrace_init(sqlite3 *db, char **pzErrMsg, const struct sqlite3_api_routines *pApi);

#ifdef __cplusplus
}
#endif

#endif
