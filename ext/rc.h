/*
** rc.h — one way for the core to say what happened.  Every entry point of
** the parsing rooms that can fail (the reader, the walk, the offset index,
** the partial store, the entity store) returns or records an mt_rc; the
** message that goes with it (a malloc'd string naming the file and the line
** or byte offset) is carried beside it, as before.  The SQL side turns both
** into SQLite's code and zErrMsg in one place: mt_rc_to_sqlite (tables.c).
** Nothing decodes a message string to learn what happened.
**
**   mt_rc rc = mt_store_build_rc(files, opts, ..., &st, &err);
**   if( rc!=MT_OK ) return mt_rc_to_sqlite(rc, err, &pVtab->zErrMsg);
**
** No SQLite types here.
*/
#ifndef MAILTRACE_RC_H
#define MAILTRACE_RC_H

typedef enum mt_rc {
  MT_OK = 0,
  MT_NOMEM,        /* an allocation failed (SQLITE_NOMEM) */
  MT_INTERRUPTED,  /* the stop test said stop: sqlite3_interrupt() (SQLITE_INTERRUPT) */
  MT_IO,           /* a file could not be opened or read (SQLITE_ERROR) */
  MT_CHANGED,      /* a file is no longer the one listed: rotated, replaced, shrunk (SQLITE_ERROR) */
  MT_FORMAT,       /* the data cannot be read: damaged gzip, a line that breaks the grammar (SQLITE_ERROR) */
  MT_LIMIT,        /* past a limit: max_memory=, the longest line (SQLITE_ERROR) */
  MT_ERROR         /* anything else, said by the message (SQLITE_ERROR) */
} mt_rc;

/* A short name of the code ("out of memory", "interrupted", ...), for a
** message that has none of its own. */
static inline const char *mt_rc_name(mt_rc rc){
  switch( rc ){
    case MT_OK:          return "not an error";
    case MT_NOMEM:       return "out of memory";
    case MT_INTERRUPTED: return "interrupted";
    case MT_IO:          return "read error";
    case MT_CHANGED:     return "file changed while being read";
    case MT_FORMAT:      return "malformed data";
    case MT_LIMIT:       return "limit exceeded";
    case MT_ERROR:       break;
  }
  return "error";
}

#endif
