/* SPDX-License-Identifier: MIT */
/*
** index.h — the offset index: where in the logs each id's lines are.
**
** One fast pass over a file list records, for every ICID, MID and DCID
** (and for the client IP of every "New SMTP ICID" line), the 64 KiB blocks
** of the (decompressed) files that hold its lines, and for every block the
** first line that starts in it, its line number and the UTC offset in force
** there.  A lookup then reads only those blocks (partial.c) instead of the
** whole log: the cold "why was this not received?" is one index pass plus a
** few hundred block reads, and every later question is block reads only.
**
** The pass does not run the line grammar on every line.  A vector loop finds
** newlines and the anchors "ID" (ICID/MID/DCID, with an optional ':' and
** spaces before the number), "e <digit>" ("Message 123"), "o <digit>"
** ("rewritten to 123", before AsyncOS 4.5), "d: <digit>" ("Bounced:
** 123:0"), "t:"/"d:" after "<digits> Sen"/"<digits> Rcv" (an injection debug
** line: "52001 Sent: ..."), and "UTC:" (the "Time offset" header, which sets the UTC offset
** from there on); the numbers after "ID" are taken as they stand, and a line with
** one of the rarer anchors, or a "New SMTP ICID" line, is parsed
** with the real grammar (lines.c, events.c).  The index is therefore a
** superset: every line whose event (events.c) names an id is posted under
** it (tests/unit/test_index.c and tests/fuzz/fuzz_index.c check exactly
** that); a block may also hold lines of other ids with the same number
** (another gateway, an alert that mentions a MID), which the reader drops.
**
**   mt_index *ix = mt_index_build(&files, &opts, NULL, &stats, &err, stop, arg);
**   uint32_t *blocks; int n;
**   uint64_t keys[] = { mt_index_key(MT_IX_MID, 1234) };
**   mt_run *sp; int n;
**   mt_index_runs(ix, keys, 1, &sp, &n);          -- sorted, each block once
**   mt_scan_set_runs(&scan, sp, n);               -- the walk reads them (scan.c)
**
** Memory: per piece a hash of ids (16 bytes a slot: the id, where its
** postings start, how many) and the block postings, each id's one after the
** other (8 bytes each: block, up to four units or a range of them; 16 while
** the piece is indexed), about 7 % of the log's size (docs/tables.md,
** bench/RESULTS.md).
** No SQLite types here.
*/
#ifndef MAILTRACE_INDEX_H
#define MAILTRACE_INDEX_H

#include <stdint.h>
#include <stddef.h>

#include "scan.h"

#define MT_IX_SHIFT 16                    /* blocks of 64 KiB */
#define MT_IX_BLOCK ((int64_t)1 << MT_IX_SHIFT)
/* Each posting also says which 1 KiB units of its block hold the key's
** lines (a lookup gets a 64-bit mask: bit u for the lines that start in
** unit u; more than four units come back as the range from the first to
** the last, a superset), so a
** lookup for a key that is in every block (a busy sender) parses the
** units, not the blocks (partial.c). */
#define MT_IX_USHIFT 10
#define MT_IX_UNITS 64                    /* units a block */

enum { MT_IX_ICID = 0, MT_IX_MID = 1, MT_IX_DCID = 2, MT_IX_IP = 3 };

typedef struct mt_index mt_index;

/* Where the lines of one block are: those that start in [off, end) of file
** `file`, the first of them numbered `lineno`, read with UTC offset `tz`
** in force (the scan state there).  empty: no line starts in the block. */
typedef struct mt_ix_block {
  int file;
  int64_t start;             /* where the block starts in the file (unit 0) */
  int64_t off, end;
  int64_t lineno;
  int tz;
  int empty;
} mt_ix_block;

/* Build the index of a file list (one pass) into *pix.  MT_OK, or what
** stopped it (rc.h: MT_IO, MT_CHANGED, MT_FORMAT, MT_LIMIT, MT_NOMEM,
** MT_INTERRUPTED; MT_ERROR for year=) with *pix NULL and *pzErr (malloc'd).  The
** options are those of the scan that will read the blocks: with year= the
** year of a syslog line depends on the lines before it, so no index is
** built ("year= ..." error; callers read the whole log instead).
**
** Only what is new is read.  `reuse` (an earlier index, or NULL; always
** consumed) gives the files it already covers: unchanged ones are kept,
** and a plain file that only grew (same device and inode, more bytes, the
** earlier reading ended on a newline) is read from where it ended.  With
** opts->index_dir (index=DIR) the same holds for the files an earlier
** process saved there, and what this build read is saved for the next. */
mt_rc mt_index_build(const mt_filelist *files, const mt_opts *opts, mt_index *reuse,
                     mt_stats *stats, mt_index **pix, char **pzErr, int (*should_stop)(void*), void *stop_arg);
void mt_index_free(mt_index *ix);

/* An index file (index=DIR, format MTIDX07) is this header, a directory
** of `narray` entries (mt_ix_file_array: where each array lies in the
** payload), a table of `npage` CRC-32Cs (one per page of 2^page_shift
** payload bytes), then at `payload_at` the payload: the arrays as they are
** in memory.  The header's `crc` (CRC-32C, computed with that field 0) covers the
** header, the directory and the CRC table; a page is checked against its
** CRC the first time a lookup reads it.  Tests damage files with these. */
typedef struct mt_ix_file_header {
  char magic[8];             /* "MTIDX07" */
  uint32_t endian;           /* 0x01020304 */
  uint32_t version;          /* 7 */
  uint64_t dev, ino;         /* the log file ... */
  int64_t size, mtime;       /* ... when it was indexed */
  int64_t end, lines;        /* bytes and lines indexed */
  int32_t tz_default, gz, ends_nl, has_tz0, tz0, nchg;
  uint32_t nblock, nseg, nzp, fp, has_fp;
  uint32_t page_shift;       /* a page of the payload: 2^page_shift bytes */
  uint32_t narray, npage;    /* directory entries; payload pages (CRCs) */
  uint64_t payload_at;       /* file offset of the payload (4 KiB aligned) */
  uint64_t payload;          /* its size: the file ends there */
  uint32_t crc;              /* header (this field 0) + directory + CRC table */
  uint32_t nzw;              /* bytes of the gzip restart points' deflated windows */
} mt_ix_file_header;
typedef struct mt_ix_file_array {
  uint32_t kind, seg;        /* which array (index.c), of which segment */
  uint64_t off, count;       /* payload offset (64-byte aligned), elements */
  uint32_t elsize, pad;      /* bytes an element */
} mt_ix_file_array;
/* The checksum of index files (the header's and each page's): CRC-32C,
** going on from c (0 to start).  Tests seal damaged files again with it. */
uint32_t mt_index_file_sum(uint32_t c, const void *p, size_t n);
#define MT_IX_FILE_HEADER 144
#define MT_IX_FILE_CRC_AT 136

/* The key of an id, and of a client IP as the ICID line writes it. */
uint64_t mt_index_key(int kind, int64_t id);
uint64_t mt_index_ip_key(const char *ip, size_t n);

/* The blocks of a key, ascending (*pa malloc'd, NULL when none).  Returns
** 0, or -1 when out of memory. */
int mt_index_lookup(const mt_index *ix, uint64_t key, uint32_t **pa, int *pn);

/* The same with the units of each block (*pm: a mask per block, malloc'd;
** a block once, its masks or'ed). */
int mt_index_lookup_units(const mt_index *ix, uint64_t key, uint32_t **pa, uint64_t **pm, int *pn);

void mt_index_block(const mt_index *ix, uint32_t b, mt_ix_block *out);

/* A lookup probes the hash of a file (of a piece of it) only when the
** piece may hold the key: every piece keeps the least and greatest ICID,
** MID and DCID it posted and a bloom filter of its client IP keys, which
** say "not here" exactly (never a posting lost).  What the lookups of this
** index did so far: pieces probed, pieces passed by (tests prove the skip
** with them). */
void mt_index_probes(const mt_index *ix, uint64_t *probed, uint64_t *skipped);

/* The one answer of this room to a lookup: the blocks of these keys,
** ascending, each once (*pa malloc'd, NULL when none).  0, or -1 when out
** of memory.  mt_index_runs: the same as runs of the walk (scan.h;
** blocks where no line starts left out; the runs point into the index,
** which must outlive them), read by mt_scan_set_runs / mt_scan_goto. */
int mt_index_blocks(const mt_index *ix, const uint64_t *keys, int nkeys, uint32_t **pa, int *pn);
int mt_index_runs(const mt_index *ix, const uint64_t *keys, int nkeys, mt_run **pa, int *pn);
/* Block b as a run of the walk: 0, or 1 when no line starts in it. */
int mt_index_run(const mt_index *ix, uint32_t b, mt_run *out);
/* A gzip file's restart point at or before decompressed offset `off`
** (bytes.h; one about every 512 KiB, taken during the pass) into *out, its
** window pointing into the index: 1, or 0 when there is none (read the
** file from its start). */
int mt_index_zpoint(const mt_index *ix, int file, int64_t off, mt_zpoint *out);

/* The UTC offset in force at byte `off` of file `file` as a walk over the
** whole file has it (scan.c): the last "Time offset" header line at or
** before `off`, else the header found in the file's first 4 KiB (it holds
** for the lines before it too) (*from_header 1), else tz= or 0
** (*from_header 0).  Returns 1 (0 for a
** file the index does not have).  The signature of mt_scan.tz_at (arg: the
** index): block reads skip lines unparsed, header lines among them. */
int mt_index_tz_at(void *ix, int file, int64_t off, int *tz, int *from_header);

/* The block of the line that starts at `off` of file `file`. */
uint32_t mt_index_block_of(const mt_index *ix, int file, int64_t off);
uint32_t mt_index_nblock(const mt_index *ix);
int64_t mt_index_lines(const mt_index *ix);     /* lines of the files indexed */
size_t mt_index_ids(const mt_index *ix);        /* keys posted */
size_t mt_index_memory(const mt_index *ix);     /* bytes held */

/* The anchor scan on its own (tests, fuzzing): calls hit(arg, kind, id,
** line_start) for every id candidate in the whole lines [p, p+n) — kind
** MT_IX_*, id below 2^62 (larger ids clamped as mt_index_key does; an IP's
** id is its key without the kind bits). */
void mt_index_extract(const char *p, size_t n,
                      void (*hit)(void *arg, int kind, uint64_t id, size_t line_start), void *arg);
/* The same; with no_ip, client IPs are not reported (a "New SMTP ICID"
** line is then not parsed: cheaper when no IP is looked for). */
void mt_index_extract2(const char *p, size_t n,
                       void (*hit)(void *arg, int kind, uint64_t id, size_t line_start), void *arg,
                       int no_ip);

/* The vector width of the anchor scan: 1 when the 32-byte AVX2 loop is in
** use (the CPU has it), 0 for the 16-byte loop.  want >= 0 sets it (0
** forces the 16-byte loop: tests compare the two), -1 only asks. */
int mt_index_simd(int want);

/* A line filter for the walk (mt_scan.keep_lines, arg = the filter): only
** the lines that name one of `keys` (index keys) are parsed.  A superset,
** like the index: the caller checks the ids it wanted. */
typedef struct mt_ix_filter mt_ix_filter;
mt_ix_filter *mt_ix_filter_new(const uint64_t *keys, int n);
void mt_ix_filter_free(mt_ix_filter *f);
int mt_ix_filter_lines(void *arg, const char *p, size_t n, int64_t off, const uint32_t **keep);

#endif
