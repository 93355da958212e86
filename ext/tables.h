/* SPDX-License-Identifier: MIT */
/*
** tables.h — what the SQL-facing files share: the per-connection context,
** source/option arguments, the plan (idxNum) layout, the line-scan row set,
** and publish(): how a table reports what it read.
**
** Only the SQL-facing files include sqlite3ext.h.
*/
#ifndef MAILTRACE_TABLES_H
#define MAILTRACE_TABLES_H

#include <limits.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3

#include "scan.h"
#include "grow.h"
#include "progress.h"

/* The callback of mailtrace_progress_handler() (include/mailtrace.h), handed
** to the SQL function mailtrace_progress(P) as a pointer of this type
** (sqlite3_bind_pointer: SQL itself cannot make one). */
#define MT_PROGRESS_PTR "mailtrace_progress_handler"
typedef struct mt_progress_hook {
  mt_progress_fn fn;
  void *arg;
} mt_progress_hook;

/* Up to this many arguments in a table-valued call: mailtrace_lines(a1, ...). */
#define MT_MAX_ARGS 16

/* One per database connection: pAux of every module and function. */
typedef struct mt_ctx {
  sqlite3 *db;
  int refs;               /* one per function or module registered with it */
  mt_stats last;          /* what the last finished scan read (mailtrace_stats) */
  mt_problem *problems;   /* problems recorded under on_error=skip (mailtrace_errors) */
  int nproblem;
  void *entities;         /* the store and index cache (cache.c), or NULL */
  char **open_args;       /* the arguments of the last mailtrace_open() */
  int nopen_args;
  void (*free_entities)(void*); /* its destructor, set by cache.c: tables.c
                          ** frees the cache with the context without calling up */
  int trust_schema;       /* mailtrace_trust_schema(1): tables created with
                          ** sources may live outside TEMP (docs/lines.md#safety) */
  mt_progress progress;   /* the index pass or store build in progress or last run
                          ** (mailtrace_progress(); its callback: mailtrace_progress_handler) */
  struct mt_watch *watch; /* the connection's file watches (watch.h), shared by the
                          ** listings of its bound tables (files.h), or NULL */
} mt_ctx;

/* Sources and options of a table, from CREATE arguments or call arguments. */
typedef struct mt_args {
  char **raw;             /* the arguments as given (quotes removed) */
  int nraw;
  mt_filelist files;      /* sources expanded by mt_args_expand() */
  mt_opts opts;
  int nsource;
  const char **src;       /* the raw arguments that are sources, in order (nsource) */
  mt_filememo memo;       /* what files was listed from: the next listing keeps it
                          ** when only sizes and mtimes differ (files.h) */
  char *key;              /* the cache key of options and files (mt_args_key), made
                          ** again only when the listing changed; sqlite3_malloc'd */
} mt_args;

/* Take argv (each a source or name=value; SQL quotes removed when `dequote`):
** options are parsed now, sources are only checked to exist.  Errors name the
** argument; *pzErr is sqlite3_malloc'd. */
int mt_args_add(mt_args *a, int argc, const char *const *argv, int dequote, char **pzErr);

/* (Re)list the files of every source: a table created once sees the files
** that rotation added since.  *pzErr is sqlite3_malloc'd. */
int mt_args_expand(mt_args *a, char **pzErr);

/* The key of the options and every file's path, device, inode, size and
** mtime: what the caches of cache.c are found by.  Made by mt_args_expand
** when the listing changed (fresh stat data, never a statement's identity or
** the time); NULL when the arguments were never expanded. */
const char *mt_args_key(const mt_args *a);
void mt_args_free(mt_args *a);

/* xCreate/xConnect of a source table: the CREATE VIRTUAL TABLE arguments
** (argv[3..]) are its sources and options, checked now so a bad path fails
** at CREATE.  Sets *pBound when there are any; *pzErr as xCreate wants. */
int mt_args_bind(mt_args *a, int argc, const char *const *argv, int *pBound, char **pzErr);

/* The sources and options in force for one xFilter: those of a
** table-valued call (the first nArg values of argv, parsed into *call), or
** the CREATE arguments of a bound table (re-listed, since rotation adds
** files).  `name` and `example` word the error when there are none.  On an
** error, sets the vtab's message and returns the code.
**
** `listed` (or NULL): the cursor's own flag.  A bound table is listed at
** the cursor's first xFilter only: the inner table of a join is filtered
** once per outer row (a busy sender's 4,000 connections), and one
** statement sees one listing of the files (a stat per file and call was
** 13 % of such a query). */
int mt_args_for_filter(sqlite3_vtab *vt, const char *name, const char *example,
                       mt_args *bound, int isBound, mt_args *call,
                       int nArg, sqlite3_value **argv, const mt_args **ppOut, int *listed);

/* A virtual table over log sources (lines, smtp, the entity tables): the
** context, its CREATE arguments if it was created with some, and a
** table-specific description (the entity tables' column definitions). */
typedef struct mt_src_vtab {
  sqlite3_vtab base;      /* first: SQLite sees a sqlite3_vtab */
  mt_ctx *ctx;
  mt_args args;           /* CREATE VIRTUAL TABLE arguments, if any */
  int bound;              /* created with sources: call arguments not allowed */
  const void *def;
  unsigned parts;         /* entity tables: the store's parts (storefile.h, MT_SF_PART_*)
                          ** the statements planned on it read, from their colUsed */
} mt_src_vtab;

/* xCreate/xConnect of a source table: declare `schema`, mark it
** SQLITE_VTAB_DIRECTONLY, bind the CREATE arguments (mt_args_bind).  A
** table created with sources or options (argv[3..]) outside the TEMP schema
** is refused unless the connection trusts its schema (mt_ctx.trust_schema):
** a database file someone else wrote must not name files to read, nor an
** index= directory to write. */
int mt_src_connect(sqlite3 *db, void *pAux, const char *schema, const void *def,
                   int argc, const char *const *argv, sqlite3_vtab **ppVtab, char **pzErr);
int mt_src_disconnect(sqlite3_vtab *pVtab);

/* ---- The plan ---------------------------------------------------------
** A table's plan is data: xBestIndex writes it in idxNum, xFilter reads it
** back with mt_plan_decode and nothing else (as SQLite's series.c documents
** its idxNum bits and argv order above xBestIndex).  The layout, shared by
** every table over log sources (lines, smtp, the four entity tables,
** coverage, health, files, bounces, cef, antivirus):
**
**   bits 0-4    MT_PLAN_NARG: the number of table-valued arguments
**               (arg1.. in argument order): argv[0..n)
**   bits 5-28   MT_PLAN_V(k), k = 0..23: value flags; each one set takes one
**               argv value, after the arguments, lowest k first
**   bit 31      MT_PLAN_ORDERED: the rows come out in one of the table's
**               orders (SQLite's ORDER BY or GROUP BY is consumed); takes no
**               argv.  Which order: bits 29-30, MT_PLAN_ORDER_KIND: 0 the
**               ascending order of the table's one ordered column (the
**               entity tables' status); 1-3 the table's own (recipients:
**               domain; domain, status; status, domain)
**
** What each V bit means is the table's own and is written above its
** xBestIndex; a term read two ways (mid = ? and mid IN (...), LIKE and
** GLOB) has a flag for each.  idxStr is the same plan in words, for EXPLAIN QUERY PLAN
** only: "arg" per argument, then one word per value flag, in argv order
** (docs/architecture.md, "The plan string").  It is never read back.
** (history, diagnose, the live checks and parse take no arg1.. columns:
** their idxNum is a bitmask of their own, documented above their
** xBestIndex.) */
#define MT_PLAN_NARG     0x1f
#define MT_PLAN_NVALUE   24
#define MT_PLAN_V(k)     (1<<(5+(k)))
#define MT_PLAN_ORDERED  INT_MIN
#define MT_PLAN_ORDER_KIND(idxNum) (((idxNum)>>29) & 3)

/* xBestIndex's side: collect the terms, then mt_plan_end() numbers argv in
** bit order and writes idxNum and idxStr, so the three always agree. */
typedef struct mt_plan_builder {
  sqlite3_index_info *p;
  int nArg;
  int idxNum;
  int at[MT_PLAN_NVALUE];              /* the constraint of each value flag */
  unsigned char omit[MT_PLAN_NVALUE];
  char word[MT_PLAN_NVALUE][32];       /* its word in idxStr */
  char order[32];                      /* MT_PLAN_ORDERED's word in idxStr, or "" */
} mt_plan_builder;

/* Start a plan: every "argN = ?" (hidden columns from firstArg on) is
** passed to xFilter and omitted, argv in argument order, before any other
** term.  SQLITE_CONSTRAINT when one is not usable yet (SQLite tries another
** plan); SQLITE_ERROR when `bound` (the table was created with its
** sources: it takes no arguments). */
int mt_plan_begin(mt_plan_builder *b, sqlite3_vtab *vt, sqlite3_index_info *p, int firstArg, int bound);
/* Value flag k: constraint iCons is handed to xFilter (omitted from
** SQLite's own check when `omit`); `word` is its text in idxStr.  Until
** mt_plan_end the constraint's argvIndex is only marked non-zero. */
void mt_plan_value(mt_plan_builder *b, int k, int iCons, int omit, const char *word);
/* The rows will come out in the ascending order of column `col` (its name
** `name`): SQLite's ORDER BY col, or GROUP BY col, is consumed
** (MT_PLAN_ORDERED).  Only when that is the whole ORDER BY, ascending. */
void mt_plan_ordered(mt_plan_builder *b, int col, const char *name);
/* The whole ORDER BY (or GROUP BY), as the caller matched it, is consumed:
** the rows will come out in the table's order `kind` (1-3,
** MT_PLAN_ORDER_KIND); `word` ("ORDER BY domain, status") is its text in
** idxStr. */
void mt_plan_ordered_as(mt_plan_builder *b, int kind, const char *word);
/* Number argv (arguments, then value flags in bit order), set idxNum and
** idxStr.  SQLITE_NOMEM when the text cannot be made. */
int mt_plan_end(mt_plan_builder *b);

/* xFilter's side: the arguments and the value of each value flag. */
typedef struct mt_plan {
  int idxNum;
  int nArg;                            /* argv[0..nArg): the arguments */
  sqlite3_value *v[MT_PLAN_NVALUE];    /* value flag k's value, or NULL */
} mt_plan;
void mt_plan_decode(mt_plan *pl, int idxNum, int argc, sqlite3_value **argv);

/* The cursor of a table that scans log lines (lines, smtp): the arguments
** in force, the scan, and whether its stats were published yet.  A table's
** own cursor embeds it as its first member. */
typedef struct mt_scan_cursor {
  sqlite3_vtab_cursor base; /* first: SQLite sees a sqlite3_vtab_cursor */
  mt_args callargs;         /* arguments of a table-valued call */
  const mt_args *args;      /* the ones in force */
  mt_filelist files;        /* this scan's own copy of their files: another cursor of
                            ** the same table lists them again (a correlated subquery),
                            ** and a rotation rebuilds that list while this one reads */
  mt_scan scan;
  int scanning;
  int published;            /* stats and problems handed to the context */
  int eof;
  sqlite3_int64 rowid;
} mt_scan_cursor;

/* xFilter's start: take the arguments in force (mt_args_for_filter, the
** first nArg values of argv) and open the scan, which stops on
** sqlite3_interrupt().  The caller ended any previous scan first. */
int mt_scan_cursor_begin(mt_scan_cursor *c, const char *name, const char *example,
                         int nArg, sqlite3_value **argv);
/* Hand the scan's stats (mailtrace_stats) and problems (mailtrace_errors)
** to the context, once per scan; called at EOF and when the scan ends. */
void mt_scan_cursor_publish(mt_scan_cursor *c);
/* End the scan (publishing it) and free the call arguments. */
void mt_scan_cursor_end(mt_scan_cursor *c);
/* mt_scan_next() returned rc <= 0: mark EOF and return the SQLite code
** (SQLITE_INTERRUPT, or SQLITE_ERROR with the read error as the message). */
int mt_scan_cursor_stop(mt_scan_cursor *c, int rc);
/* xEof (publishing the scan at its end) and xRowid (line order) of such a
** cursor, used as they are in the lines and smtp modules. */
int mt_scan_cursor_eof(sqlite3_vtab_cursor *cur);
int mt_scan_cursor_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid);

/* ---- Tables read in one pass over every line ------------------------------
** mailtrace_coverage, _health, _files, _bounces, _cef and _antivirus are
** row sets built by one walk over every line of their sources: the
** table-valued arguments (hidden arg1..arg8), or without any those of the
** last mailtrace_open().
** The walk, the plan (arguments only: idxNum = their number, idxStr "arg"
** per argument), the cursor and the publishing of what was read live in
** tables.c; a table gives only its columns and its row-building rules:
**
**   SELECT * FROM mailtrace_bounces('/var/log/esa/');
**
** xFilter: clear the rows, take the sources, hand every line to `line`,
** publish the walk's stats and problems, then `finish` (what needs every
** row: the cross-check against mail_logs' entity store, sorting).  The rows live in the cursor's `rows`
** (state_size bytes, zeroed when the cursor opens). */
struct mt_rowset_cursor;
typedef struct mt_rowset_def {
  const char *name;          /* "mailtrace_bounces": module name, and errors */
  const char *columns;       /* "host TEXT, mid INTEGER, ...": arg1..arg8 are added */
  char *(*make_columns)(void); /* or: the same, sqlite3_malloc'd (NULL: out of memory) */
  int ncol;                  /* the number of columns before arg1 */
  double rows;               /* estimatedRows */
  size_t state_size;         /* bytes of the table's rows */
  /* One line of the walk: SQLITE_OK or an error code (SQLITE_NOMEM). */
  int (*line)(struct mt_rowset_cursor *c, const mt_scan *s);
  /* After the walk (may be NULL): SQLITE_OK or an error, *pzErr
  ** sqlite3_malloc'd.  `sources` are those walked (for the entity store:
  ** cache.h, which this file may not call). */
  int (*finish)(struct mt_rowset_cursor *c, mt_ctx *ctx, const mt_args *sources, char **pzErr);
  /* Free the rows; all = 0: ready for the next xFilter, 1: the cursor closes. */
  void (*clear)(struct mt_rowset_cursor *c, int all);
  int (*count)(const struct mt_rowset_cursor *c);
  /* Column col (< ncol) of row c->i. */
  int (*column)(struct mt_rowset_cursor *c, sqlite3_context *ctx, int col);
} mt_rowset_def;

typedef struct mt_rowset_cursor {
  sqlite3_vtab_cursor base;  /* first: SQLite sees a sqlite3_vtab_cursor */
  const mt_rowset_def *def;
  char **files; int nfiles;  /* the paths of the files walked (mt_scan.ifile) */
  int i;                     /* the current row */
  void *rows;                /* the table's rows: def->state_size bytes */
} mt_rowset_cursor;

/* Register def->name as such a table (SQLITE_VTAB_DIRECTONLY: it reads files). */
int mt_rowset_register(sqlite3 *db, mt_ctx *ctx, const mt_rowset_def *def);

/* A virtual table that needs only the context (history, diagnose,
** coverage, errors, parse). */
typedef struct mt_vtab {
  sqlite3_vtab base;      /* first: SQLite sees a sqlite3_vtab */
  mt_ctx *ctx;
} mt_vtab;

/* xConnect of such a table: declare `schema`; with `directonly`, mark it
** SQLITE_VTAB_DIRECTONLY (it reads files: a schema someone else wrote must
** not read yours through it), else SQLITE_VTAB_INNOCUOUS. */
int mt_vtab_connect(sqlite3 *db, void *pAux, const char *schema, int directonly, sqlite3_vtab **ppVtab);
int mt_vtab_disconnect(sqlite3_vtab *pVtab);

/* The sources of the last mailtrace_open(), listed now, in *a (free with
** mt_args_free).  Error (vtab message naming `name`) when none was called. */
int mt_open_sources(sqlite3_vtab *vt, mt_ctx *ctx, const char *name, mt_args *a, char **pzErr);

/* The hidden `source` column of mailtrace_history and mailtrace_diagnose:
** the logs to read, as `source = '/var/log/esa/'` or, for several sources
** and options, `source IN ('/logs/esa1', '/logs/esa2', 'tz=-0500')`.
** xBestIndex: constraint `i` (an EQ on that column) gets argv slot ++*pn,
** with the IN list handed over whole; returns MT_SOURCE_EQ or MT_SOURCE_IN
** (for xFilter to know what the value is). */
#define MT_SOURCE_EQ 1
#define MT_SOURCE_IN 2
int mt_plan_source(sqlite3_index_info *p, int i, int *pn);
/* xFilter: the sources of that value (how = MT_SOURCE_EQ or _IN), listed now,
** into *a (free with mt_args_free); how = 0: those of the last
** mailtrace_open(), and without one an error naming both ways.  Errors set
** the vtab's message, naming `name`. */
int mt_sources_for(sqlite3_vtab *vt, mt_ctx *ctx, const char *name, sqlite3_value *v, int how,
                   mt_args *a);

/* The integer an id constraint stands for (an integer, or a whole float:
** mid = 20506.0 looks up 20506): 1 and *pId, or 0 when no row can match. */
int mt_id_value(sqlite3_value *v, int64_t *pId);

/* xColumn: the time t (seconds) as `YYYY-MM-DD HH:MM:SS`, or NULL (no
** result set) when has_time is 0: the ts and utc columns of the tables. */
void mt_result_time(sqlite3_context *ctx, int has_time, int64_t t);

/* The cached entity stores and offset indexes: cache.h.
**
** Module and function registration, one per SQL-facing file, each called
** by the entry point (mailtrace.c) alone. */
int mt_register_functions(sqlite3 *db, mt_ctx *ctx);  /* functions.c, mailtrace_open too */
int mt_register_lines(sqlite3 *db, mt_ctx *ctx);      /* table_lines.c */
int mt_register_entities(sqlite3 *db, mt_ctx *ctx);   /* table_entities.c */
int mt_register_errors(sqlite3 *db, mt_ctx *ctx);     /* table_errors.c */
int mt_register_smtp(sqlite3 *db, mt_ctx *ctx);       /* table_smtp.c */
int mt_register_history(sqlite3 *db, mt_ctx *ctx);    /* table_history.c */
int mt_register_parse(sqlite3 *db, mt_ctx *ctx);      /* table_parse.c */
int mt_register_diagnose(sqlite3 *db, mt_ctx *ctx);   /* table_diagnose.c */
int mt_register_coverage(sqlite3 *db, mt_ctx *ctx);   /* table_coverage.c */
int mt_register_health(sqlite3 *db, mt_ctx *ctx);     /* table_health.c */
int mt_register_files(sqlite3 *db, mt_ctx *ctx);      /* table_files.c */
int mt_register_bounces(sqlite3 *db, mt_ctx *ctx);    /* table_bounces.c */
int mt_register_cef(sqlite3 *db, mt_ctx *ctx);        /* table_cef.c */
int mt_register_antivirus(sqlite3 *db, mt_ctx *ctx);  /* table_antivirus.c */
int mt_register_checks(sqlite3 *db, mt_ctx *ctx);     /* table_check.c */
/* reverse_dns(ip, options) as JSON for the diagnosis's live checks
** (table_check.c): SQLITE_OK and *pzJson (NULL when ip is not an address),
** SQLITE_INTERRUPT, or an error with *pzErr.  Both sqlite3_malloc'd. */
int mt_check_reverse_dns(mt_ctx *ctx, const char *ip, const char *options, char **pzJson, char **pzErr);

/* Take a reference for one more registration; mt_ctx_unref is the
** destructor passed to sqlite3_create_function_v2/create_module_v2, so the
** context lives exactly as long as the last function or module using it. */
mt_ctx *mt_ctx_ref(mt_ctx *c);
void mt_ctx_unref(void *c);

/* publish(stats, problems): the one way a table or the store cache reports
** what it read.  *stats becomes mailtrace_stats() (NULL: keep the stats
** published last); the problems (malloc'd, as scan.c records them under
** on_error=skip) become mailtrace_errors, replacing the last ones: the
** context takes them and sets *pproblems = 0, *pnproblem = 0.  pproblems
** NULL: no problems.  For a walk: mt_publish(ctx, &s.stats, &s.problems,
** &s.nproblem). */
void mt_publish(mt_ctx *ctx, const mt_stats *stats, mt_problem **pproblems, int *pnproblem);

/* sqlite3_interrupt() seen?  SQLite 3.40 has no sqlite3_is_interrupted(),
** so a tiny statement of our own is compiled: SQLite refuses to compile it
** (SQLITE_INTERRUPT) while the connection is being interrupted.  Used as
** mt_scan.should_stop, every 16 K lines and every chunk, so long scans and
** store builds stop within a fraction of a second. */
int mt_interrupted(void *db);

/* Is the function `name` being called by SQL the application wrote, not by
** a database's schema?  SQLITE_DIRECTONLY keeps views and triggers out, but
** SQLite 3.40 still runs a CHECK constraint's call during an INSERT.  So:
** 1 when a statement running on the connection names `name` in its own
** text (a CHECK's call hides in a statement that does not), else 0.  A
** heuristic that errs on the side of refusing (docs/lines.md#safety). */
int mt_direct_call(sqlite3_context *ctx, const char *name);

/* Set the vtab's error message (printf-style). */
void mt_vtab_error(sqlite3_vtab *vt, const char *fmt, ...);

/* The one mapping from what the core said (rc.h) to SQLite: MT_OK →
** SQLITE_OK, MT_NOMEM → SQLITE_NOMEM, MT_INTERRUPTED → SQLITE_INTERRUPT
** (SQLite says those itself: no message), every other code → SQLITE_ERROR
** with *pzErrMsg (pzErrMsg not NULL) = err, the core's message that names
** the file and line or byte (sqlite3_malloc'd; the code's name when err is
** NULL).  err stays the caller's.  An error whose message is NULL came with
** no memory for one: SQLITE_NOMEM. */
int mt_rc_to_sqlite(mt_rc rc, const char *err, char **pzErrMsg);

/* The same for a walk that returned -1 (s->rc, s->err). */
int mt_scan_to_sqlite(const mt_scan *s, char **pzErrMsg);

/* mt_grow_i (grow.h) for an array of SQLite's allocator (sqlite3_realloc64):
** room for `need` elements of `elem` bytes, the capacity doubling from
** MT_GROW_FIRST.  0, or SQLITE_NOMEM with the array as it was. */
int mt_sqlite_grow(void *pp, int *pcap, int need, size_t elem);

/* A literal that every line matching LIKE/GLOB `pat` must contain (the
** longest safe piece); writes at most cap bytes, returns its length or 0. */
size_t mt_pattern_literal(const char *pat, int is_glob, char *out, size_t cap);

#endif
