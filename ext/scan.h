/* SPDX-License-Identifier: MIT */
/*
** scan.h — files + bytes + lines put together: a walk over every physical
** line of a file list, with the context each line needs (file, line number,
** byte offset, host, local and UTC time).  The SQL tables and the entity
** builder both read logs through this; besides the reader (bytes.c) nothing
** else opens files.  It also reads only some runs of lines (mt_run: the
** offset index's blocks, one walk for every lookup, mt_scan_set_runs) and
** the lines at given offsets (mt_scan_fetch: a diagnosis's deciding lines).
**
**   mt_scan s;
**   mt_scan_init(&s, &files, &opts);
**   while( (rc = mt_scan_next(&s))==1 ){ ... s.line, s.ln, s.t_local ... }
**   if( rc<0 ) report(s.err);
**   mt_scan_end(&s);
**
** Options (docs/lines.md): host=, tz=, year=, on_error=, index=.
** No SQLite types here.
*/
#ifndef MAILTRACE_SCAN_H
#define MAILTRACE_SCAN_H

#include <stdint.h>
#include <stddef.h>

#include "bytes.h"
#include "files.h"
#include "lines.h"

/* Options shared by every table (parsed from name=value arguments). */
typedef struct mt_opts {
  char *host;          /* host=NAME: default host for lines without one */
  int tz_set;          /* tz= given */
  int tz_off;          /* tz=+HHMM → seconds east of UTC */
  int year;            /* year=YYYY: year of the first year-less (syslog) line of
                       ** each file, advancing at Dec → Jan; 0 = infer from mtime */
  int on_error_skip;   /* on_error=skip: record the problem, go on */
  int no_index;        /* index=off: never answer from the offset index */
  char *index_dir;     /* index=DIR: keep the offset index in DIR (one file per log) */
  int64_t max_memory;  /* max_memory=SIZE: bytes an entity store may hold (0: the default,
                       ** mt_opts_max_memory) */
  struct mt_progress *progress; /* not an option: the build's progress counter (progress.h),
                       ** counted into by the walk and the index pass; NULL: none.  Set
                       ** by cache.c on a copy for the builds it runs; never freed here */
} mt_opts;

/* The entity-store budget in force: max_memory=, else half the machine's
** physical memory (at least 256 MiB).  A gzip bomb (a few hundred KB that
** inflate to GiBs of entity-making lines) stops with an error naming the
** file, the line and the limit instead of taking the machine's memory. */
int64_t mt_opts_max_memory(const mt_opts *o);

/* Parse one "name=value" option.  Returns 1 if it was an option (valid or
** not), 0 if the argument is not of that form (a source).  On a bad value
** returns 1 and sets *pzErr (malloc'd). */
int mt_opts_parse(mt_opts *o, const char *arg, char **pzErr);
void mt_opts_free(mt_opts *o);

/* A problem recorded under on_error=skip. */
typedef struct mt_problem {
  char *file;
  int64_t offset;
  char *message;
} mt_problem;

/* What a scan read: the numbers behind mailtrace_stats(). */
typedef struct mt_stats {
  int64_t files_opened;
  int64_t bytes_read;      /* from disk (compressed bytes for gzip) */
  int64_t lines_parsed;    /* lines handed to the line grammar */
  int64_t lines_skipped;   /* lines passed over by a literal prefilter */
  int64_t files_skipped;   /* files passed over by a time range */
  int64_t index_hits;      /* lookups answered from an index instead of a scan */
  int64_t index_blocks;    /* 64 KiB blocks read for lookups through the offset index */
  int64_t index_read;      /* bytes read to build or extend the offset index */
  int64_t index_probes;    /* index pieces whose hash a lookup probed (index.h, mt_index_probes) */
  int64_t index_passed;    /* index pieces a lookup passed by on their id ranges or IP filter */
  int64_t store_loaded;    /* the whole-log store came from its image in index=DIR (storefile.h):
                           ** 1 mapped in place, 2 read into memory; 0 not */
  int64_t store_saved;     /* 1: the store just built was saved there; -1: saving it failed */
  int64_t index_split;     /* lookup sweeps split in two, half on a second thread (partial.c) */
  int64_t store_checked;   /* a store mapped from its image: its parts checked so far (the bits
                           ** of storefile.h's MT_SF_PART_*); 0 for any other store */
} mt_stats;

/* A run of lines to read: those that start in [off, end) of file `file`,
** the first of them numbered `lineno`, read with UTC offset `tz` in force,
** a gzip file inflated from restart point `zp` (when has_zp; else from its
** start).  The offset index describes each of its blocks so (index.h,
** mt_index_runs). */
typedef struct mt_run {
  int file;
  int64_t off, end, lineno;
  int tz;
  int has_zp;
  mt_zpoint zp;
} mt_run;

typedef struct mt_scan {
  const mt_filelist *files;
  const mt_opts *opts;
  int ifile;               /* index of the current file, files->n at the end */
  mt_reader *rd;
  const char *p, *end;     /* rest of the current chunk */
  const char *chunk;       /* start of the current chunk */
  int64_t chunk_off;       /* file offset of `chunk` */
  int64_t lineno_at_p;     /* line number of the line starting at p, minus 1 */

  /* Prefilter: only lines containing this literal are returned. */
  const char *needle;
  size_t needle_len;

  /* Time range (mt_scan_set_range). */
  int has_range, range_utc;
  int64_t range_lo, range_hi;

  /* The current line. */
  const char *line;        /* without '\n' and a trailing '\r' */
  size_t len;
  int64_t offset;          /* byte offset of the line in the (decompressed) file */
  int64_t lineno;          /* 1-based */
  mt_line ln;
  int has_time;            /* ln has a timestamp: t_local / t_utc valid */
  unsigned char year_src;  /* where the line's year came from: MT_SRC_LINE, _OPTION, _GUESS */
  unsigned char tz_src;    /* where its UTC offset came from: MT_SRC_LINE (the file's header),
                           ** _OPTION (tz=), _GUESS (none: UTC assumed) */
  int64_t t_local;         /* seconds, local time as written, read as if UTC */
  int64_t t_utc;
  const char *host;        /* host of this line */
  int host_len;
  int file_type;           /* log type the current file's name gives (logtype.h), or 0 */

  /* Per-file state. */
  int tz_off;              /* seconds east of UTC in force */
  int tz_from_header;
  int fallback_year;
  int file_host_len;       /* strlen of the host for lines without one */
  int64_t day_key, day_days;  /* last (y, m, d) converted, and its day number */
  int opt_year;            /* year= for the current year-less lines (advances at Dec → Jan) */
  int prev_mon;            /* month of the previous year-less line, 0 at file start */

  /* Asked every few thousand lines; a non-zero answer stops the scan with
  ** s->err = "interrupted" and -1 (the SQL side passes sqlite3_interrupt). */
  /* Optional, one slot per file: where each file's reading ended (bytes,
  ** lines, and whether its last byte was a newline).  Lets a store built
  ** from a growing file read only what was appended later (entities.c). */
  int64_t *end_off, *end_line;
  unsigned char *end_nl;
  int64_t read_to;         /* bytes of the current file read so far */
  int read_nl;             /* ... and they end with a newline */

  /* mt_scan_next returns 0 at a line starting at or after this offset of
  ** the current file (0: no limit); the reading of one index block. */
  int64_t stop_off;
  /* Non-zero: mt_scan_next returns 0 at the end of the current file instead
  ** of going on to the next one (a grown file read on: entities.c). */
  int one_file;
  int64_t run_from;       /* lines starting before this offset are passed over unparsed
                           ** (a run reached by inflating on in a gzip file) */
  const mt_zpoint *zpoint; /* the next file opened starts from this point (mt_scan_seek_tz) */
  const mt_run *runs;     /* mt_scan_set_runs: the runs to read, in order */
  int nrun, irun, run_mode, in_run;

  /* Optional line filter (the offset index's block reads): called once per
  ** chunk [p, p+n) at file offset `off`, it sets *keep to the ascending
  ** offsets (from p) of the line starts to return and returns how many, or
  ** -1 for every line.  The other lines are counted (line numbers stay
  ** right) but not parsed (lines_skipped). */
  int (*keep_lines)(void *arg, const char *p, size_t n, int64_t off, const uint32_t **keep);
  void *keep_arg;
  const uint32_t *keep; int nkeep, ikeep;
  const char *keep_chunk; int64_t keep_at;

  /* Optional (the offset index's reads, index.h mt_index_tz_at): the UTC
  ** offset in force at byte `off` of file `file`, from the "Time offset"
  ** header lines the index recorded there: 1 with *tz and *from_header
  ** set, or 0 (the walk's own state stands).  A block read passes over the
  ** lines before the ones it wants unparsed, a header line among them too:
  ** without this the lines after it would keep the block's first offset. */
  int (*tz_at)(void *arg, int file, int64_t off, int *tz, int *from_header);
  void *tz_arg;

  int (*should_stop)(void *arg);
  void *stop_arg;
  int interrupted;
  uint32_t nsteps;         /* loop turns: lines and skipped chunks */

  mt_stats stats;
  mt_problem *problems;    /* on_error=skip */
  int nproblem;
  char *err;               /* on -1: the message, naming the file and line or byte */
  mt_rc rc;                /* on -1: what happened (rc.h); MT_NOMEM when err is NULL */
} mt_scan;

/* Sources of a line's year and UTC offset (mt_scan.year_src / tz_src), from
** the surest to a guess: written in the file, given as an option, guessed
** (the year from the file's mtime; UTC when no "Time offset" header). */
enum { MT_SRC_NONE = 0, MT_SRC_LINE, MT_SRC_OPTION, MT_SRC_GUESS };

void mt_scan_init(mt_scan *s, const mt_filelist *files, const mt_opts *opts);

/* Only return lines containing this literal (NULL: all lines).  Line numbers
** stay right: skipped lines are still counted. */
void mt_scan_set_needle(mt_scan *s, const char *needle, size_t n);

/* Only lines whose time (local as written, or UTC when `utc`) may lie in
** [lo, hi] matter: whole files that provably lie outside are skipped
** without reading them (their first and last lines are looked at).  Lines
** are not filtered one by one: the caller (SQLite) still checks them. */
void mt_scan_set_range(mt_scan *s, int64_t lo, int64_t hi, int utc);

/* Start at file `ifile`, byte `offset`, line number `lineno` (of that line). */
int mt_scan_seek(mt_scan *s, int ifile, int64_t offset, int64_t lineno);

/* The same, with the scan state the offset index recorded for that place
** (the UTC offset in force), reading at most `readahead` bytes at a time
** (0: the reader's default) — for reading one block of a plain file — and,
** for a gzip file, inflating from restart point zp (NULL: from the start). */
int mt_scan_seek_tz(mt_scan *s, int ifile, int64_t offset, int64_t lineno, int tz_off, int readahead,
                    const mt_zpoint *zp);

/* Position the walk at run sp (reading on when it follows where the walk
** is, or lies ahead in the same gzip file with no restart point between;
** else seeking), its end as s->stop_off: mt_scan_next then returns the
** lines that start in [sp->off, sp->end) and 0 at its end.  Counts a block
** read (stats.index_blocks).  0, or -1 on a read error (s->err). */
int mt_scan_goto(mt_scan *s, const mt_run *sp);

/* Take the chunk being walked (s->chunk, as the line filter saw it) with
** its buffer instead of copying it (mt_reader_swap_buf): *pbuf and *pcap give
** the reader a buffer to read on into and receive the one holding the
** chunk, which stays where s->chunk points.  0, or -1 with nothing
** changed (*pbuf too small, or the reader's buffer does not hold s->chunk). */
int mt_scan_take_chunk(mt_scan *s, char **pbuf, size_t *pcap);

/* Read only these runs (ascending, not overlapping; the caller keeps the
** array): mt_scan_next returns their lines one run after the other and 0
** after the last (n = 0: at once).  With a line filter (keep_lines) only
** the lines it keeps are parsed. */
void mt_scan_set_runs(mt_scan *s, const mt_run *a, int n);

/* The lines that start at the ascending offsets off[0..n) of file `path`
** (identity `id`, may be NULL), each handed to each(arg, i, line, len)
** without its '\n' (and '\r'); the file is read once, forward, a plain
** file repositioned over long stretches between them.  stop (may be NULL)
** is asked at every chunk.  0; 1 when stopped; -1 when the file cannot be
** read (*pzErr malloc'd; the lines handed out so far stand); -2 when each
** returned non-zero (out of memory). */
int mt_scan_fetch(const char *path, const mt_ident *id, const int64_t *off, int n,
                  int (*each)(void *arg, int i, const char *line, size_t len), void *arg,
                  int (*stop)(void*), void *stop_arg, char **pzErr);

/* Offset in the current file of the next line to be returned, -1 when no
** file is open. */
int64_t mt_scan_pos(const mt_scan *s);

/* How far from a file's start its "Time offset from UTC" header is looked
** for; one found there holds from line 1 (the walk, the offset index, and
** whether a grown file can be read on all use this span). */
#define MT_TZ_HEADER_SPAN 4096

/* "Time offset from UTC: N seconds" in [p, p+n): 1 and *pOff (seconds east
** of UTC).  mt_line_tz: the same for a line whose body is that header (the
** rule the walk applies to every line). */
int mt_tz_header(const char *p, size_t n, int *pOff);
int mt_line_tz(const mt_line *ln, int *pOff);

/* Advance to the next line.  1: a line; 0: the end; -1: error (s->rc says
** what, s->err the message: MT_INTERRUPTED, MT_NOMEM, MT_IO, MT_CHANGED,
** MT_FORMAT, MT_LIMIT). */
int mt_scan_next(mt_scan *s);

/* The current line cannot be used (`why`): the error "path: line N: why".
** Under on_error=skip it is recorded (mailtrace_errors) and 0 is returned:
** skip the line; else -1 with s->err set: stop. */
int mt_scan_line_error(mt_scan *s, const char *why);

/* Make [line, line+len) (a line of the current file kept by the caller,
** at `offset`, numbered `lineno`, without its '\n') the current line, with
** its context as mt_scan_next would set it (the offset index's window of
** recently read chunks, partial.c).  The position of the walk is unchanged. */
void mt_scan_replay(mt_scan *s, const char *line, size_t len, int64_t offset, int64_t lineno);

/* Stop reading the current file: the next call goes on with the next file. */
void mt_scan_skip_file(mt_scan *s);

void mt_scan_end(mt_scan *s);

#endif
