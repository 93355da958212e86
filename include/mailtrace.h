/* SPDX-License-Identifier: MIT */
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
** Tables (table-valued: sources and options as arguments; docs/):
**   mailtrace_lines         one row per log line: time, host, ids, event, text
**   mailtrace_parse         the line grammar over text passed in (no file)
**   mailtrace_connections   one row per incoming connection (ICID)
**   mailtrace_messages      one row per message (MID): sender, verdicts, status
**   mailtrace_recipients    one row per recipient (MID, RID): its fate
**   mailtrace_deliveries    one row per delivery connection (DCID)
**   mailtrace_history       every line of a message's family, in time order
**   mailtrace_icid_history  every line of a connection and its messages
**   mailtrace_diagnose      "why was it (not) received?": one verdict per row
**   mailtrace_coverage      what the logs can and cannot tell, per file
**   mailtrace_health        the gateway's health lines (quarantine, DNS, ...)
**   mailtrace_errors        the problems the last scan skipped (on_error=skip)
**   mailtrace_smtp          the injection debug log's SMTP conversation
**   mailtrace_files         the files (attachments) of each message
**   mailtrace_bounces       the bounce log, checked against the recipients
**   mailtrace_cef           the Consolidated Event Log, one row per message
**   mailtrace_antivirus     the anti-virus log, checked against the messages
**   reverse_dns, mx         live DNS checks: reverse DNS confirmed, MX hosts
**   sender_ips              a domain's sending IPs from the logs (offline)
** Functions: mailtrace_open() (the sources of the tables above without
** arguments), mailtrace_version(), mailtrace_stats() (what the last scan
** read), mailtrace_progress() (the build in progress or last run),
** mailtrace_trust_schema(), reverse_dns(), smtp_probe(), regexp().
** Every name with its flags: tests/data/registered.txt.
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

/* Progress of the long first step of a question over big logs.  The first
** question over gigabytes builds the offset index (one pass, "index") or
** the entity store (one pass, "store") and may take seconds; register a
** callback to show how far it is:
**
**   static void show(void *arg, const char *phase, long long done, long long total){
**     fprintf(stderr, "\r%s %lld of %lld bytes", phase, done, total);
**   }
**   mailtrace_progress_handler(db, show, 0);       -- after sqlite3_mailtrace_init
**
** xProgress is called on the thread that steps the statement (never on the
** index pass's helper threads), at the start of a build (done = 0), then
** whenever 100 ms or 64 MiB have passed since its last call, and once at
** the end of a build that finished, with done == total.  A build that is
** interrupted (sqlite3_interrupt) or fails gets no final call; the
** statement returns its error.  phase is "index" or "store" (a string
** constant); done and total are bytes on disk (compressed bytes for gzip);
** total is the size of the files to read (an index build whose files were
** already indexed, kept or loaded from index=DIR, jumps to done == total at
** its end).  Keep the callback short: the build waits for it.  It must not
** use the connection (no SQL).  xProgress NULL removes it.  One callback
** per connection: a second call replaces the first.
**
** The same from SQL, after the fact: SELECT mailtrace_progress(); (JSON:
** phase, build, done, total, seconds, builds; docs/functions.md).
**
** Returns SQLITE_OK, or the error of running "SELECT mailtrace_progress(?)"
** on db (SQLITE_ERROR when mailtrace is not registered on it). */
int mailtrace_progress_handler(sqlite3 *db,
                               void (*xProgress)(void *pArg, const char *zPhase,
                                                 long long nDone, long long nTotal),
                               void *pArg);

#ifdef __cplusplus
}
#endif

#endif
