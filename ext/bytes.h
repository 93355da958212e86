/* SPDX-License-Identifier: MIT */
/*
** bytes.h — the "bytes" room: one file → a stream of whole lines, plain or gzip.
**
** The format is decided by the magic bytes (1f 8b), never by the name.  Gzip
** is inflated with zlib in a streaming way (a bounded window, never the whole
** file), concatenated gzip members are followed, and a truncated or corrupt
** stream is an error naming the file and the byte offset.  Plain files are
** read with read(2) up to the size seen when the file was opened; a file that
** shrinks while it is read is an error, not garbage.
**
** The reader hands out chunks that end on a line boundary, so the caller can
** walk lines with memchr and search many lines at once with memmem.
** No SQLite types here.
*/
#ifndef MAILTRACE_BYTES_H
#define MAILTRACE_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "grow.h"
#include "rc.h"

typedef struct mt_reader mt_reader;

/* Longest physical line accepted; a longer one is an error, not a crash. */
#define MT_MAX_LINE (256*1024*1024)

/* Open `path`.  `start` is the (decompressed) offset to start at; lines begin
** there (the caller passes a line start).  Returns NULL and sets *pzErr
** (malloc'd, "path: reason") on failure.  The file is opened non-blocking
** and must be a regular file: a FIFO or a device (/dev/zero) is refused,
** never waited on; so is one of mailtrace's own index files (index=DIR). */
mt_reader *mt_reader_open(const char *path, int64_t start, char **pzErr);

/* What a file list said about a file (files.h): the reader checks, with
** fstat on what it opened, that the name still leads to that file (same
** device and inode) and that it is not shorter than it was; else it is an
** error ("changed since it was listed"), never a silent read of another
** file or of part of one. */
typedef struct mt_ident { uint64_t dev, ino; int64_t size; } mt_ident;

/* Open `path` read-only, non-blocking, for a regular file only, and (id not
** NULL) check it against its listing.  The fd, or -1 with *pzErr (malloc'd,
** "path: reason").  Every file mailtrace reads is opened through this. */
int mt_open_regular(const char *path, const mt_ident *id, char **pzErr);
/* The same, with what happened in *pRc (MT_IO, MT_CHANGED, MT_NOMEM). */
int mt_open_regular_rc(const char *path, const mt_ident *id, char **pzErr, mt_rc *pRc);

/* Proof that a plain file only grew: a CRC-32 of the first and of the last
** MT_FP_BLOCK bytes of its first `end` bytes (read with pread from fd).
** A file rewritten in place (logrotate's copytruncate, an inode reused)
** does not keep both: they hold its first and its last lines, timestamps
** and ids.  0 and *pSum, or -1 (short, unreadable, or gzip). */
#define MT_FP_BLOCK 4096
int mt_fingerprint_fd(int fd, int64_t end, uint32_t *pSum);
/* The same by name, with the identity check of mt_open_regular. */
int mt_fingerprint(const char *path, const mt_ident *id, int64_t end, uint32_t *pSum);

/* 1 if the file (checked as mt_open_regular does) starts with the gzip
** magic bytes, 0 if not, -1 with *pzErr and *pRc (pRc may be NULL). */
int mt_file_is_gzip(const char *path, const mt_ident *id, char **pzErr, mt_rc *pRc);

/* A plain file: the offset of the first line that starts at or after `at`
** (> 0) and before `limit`, or `limit` when none does (the offset index
** cuts a file into pieces at line starts with it).  stop (may be NULL) is
** asked before every 64 KiB read: -1 when it said stop; -2 when the file cannot be
** opened (*pzErr, and *pRc when pRc is not NULL). */
int64_t mt_line_start_at(const char *path, const mt_ident *id, int64_t at, int64_t limit,
                         int (*stop)(void*), void *stop_arg, char **pzErr, mt_rc *pRc);

/* Next chunk of whole lines: *pp..*pp+*pn, decompressed offset *poff of *pp.
** The chunk ends with '\n' unless it is the final, unterminated line of the
** file.  Returns 1 with a chunk, 0 at the end of the file, -1 on error
** (mt_reader_error() says why).  The chunk stays valid until the next call. */
int mt_reader_next(mt_reader *r, const char **pp, size_t *pn, int64_t *poff);

/* Error text of the last -1, "path: reason at byte N", or NULL. */
const char *mt_reader_error(const mt_reader *r);
/* What the last -1 was (rc.h): MT_IO, MT_CHANGED (shrank), MT_FORMAT
** (damaged gzip), MT_LIMIT (a line past MT_MAX_LINE), MT_NOMEM,
** MT_INTERRUPTED; MT_OK when there was none. */
mt_rc mt_reader_rc(const mt_reader *r);

/* 1 if the file is gzip. */
int mt_reader_is_gzip(const mt_reader *r);

/* Bytes read from the disk so far (compressed bytes for gzip). */
int64_t mt_reader_bytes_read(const mt_reader *r);

/* Read at most n bytes at a time (0: fill the whole buffer; gzip: inflate
** about n bytes at a time): for reading a 64 KiB block of the offset index
** without reading 1 MiB.  A reader that holds nothing yet also takes a
** buffer of 1.5 n (it still grows for a longer line). */
void mt_reader_set_readahead(mt_reader *r, size_t n);
/* Page the chunk buffer in now with one call (Linux >= 5.14), not a fault
** per 4 KiB page as the first reads fill it: its first `n` bytes (at most
** all of it), for a reader that will read that much (the index pass).
** Nothing changes where the kernel cannot. */
void mt_reader_prefault(mt_reader *r, size_t n);

/* Give the caller the chunk the last mt_reader_next returned (`chunk`),
** buffer and all, instead of copying it: the reader reads on into *pbuf
** (capacity *pcap), and *pbuf and *pcap become the reader's former buffer,
** whose first bytes are that chunk (the caller frees it).  For the offset
** index's sweep, which keeps the chunks it read last (partial.c).  0, or -1
** with nothing changed: `chunk` is not in the reader's buffer (any more), or
** *pbuf is NULL or smaller than the reader's buffer (the caller copies). */
int mt_reader_swap_buf(mt_reader *r, const char *chunk, char **pbuf, size_t *pcap);

/* A plain file: go to offset `start` (a line start) without reopening it.
** 0, or -1 (gzip, or after an error: open it again). */
int mt_reader_seek(mt_reader *r, int64_t start);

/* Random access into gzip files (zlib's zran technique): a restart point
** at decompressed offset `out` is the compressed position there and the
** 32 KiB of output before it, from which inflate can start again.  bits:
** -1 a member start (a gzip header at `in`), else 0..7 bits of the byte
** before `in` still to be read.  The window is kept deflated (zlib's
** format, zlen bytes at zwin: about a fifth of 32 KiB for log text), so that
** points can be close together (a block read inflates from the point
** before it: the distance between points is the cost of a lookup). */
#define MT_ZWINDOW 32768
typedef struct mt_zpoint {
  int64_t out, in;
  int32_t bits, wlen;        /* wlen: the window's bytes, at most MT_ZWINDOW */
  const unsigned char *zwin; /* the window, deflated (NULL when wlen is 0) */
  uint32_t zlen;             /* its bytes there */
} mt_zpoint;

/* While reading a gzip file from its start: record a restart point about
** every `spacing` decompressed bytes (at a deflate block boundary). */
void mt_reader_collect_points(mt_reader *r, int64_t spacing);
/* The points recorded (malloc'd array, *pn entries) and the bytes their
** windows point into (*pwin, *pnwin bytes); the caller frees both, the
** array's zwin pointing into the bytes.  0, or -1 when out of memory
** (nothing is returned then). */
int mt_reader_take_points(mt_reader *r, mt_zpoint **pa, int *pn, unsigned char **pwin, size_t *pnwin);

/* A gzip file: start again at decompressed offset `start` (a line start),
** from restart point zp at or before it (NULL: from the file's start), with
** the open file, its buffers and its zlib state, as mt_reader_open_at would
** start a new reader.  A lookup reads many blocks of one gzip file; opening
** a reader for each one mapped and paged in a new 1 MiB buffer and zlib's
** window every time.  0, or -1 (a plain file, a reader collecting points,
** after an error, or a point it cannot start at: open it again). */
int mt_reader_restart(mt_reader *r, int64_t start, const mt_zpoint *zp);

/* mt_reader_open, starting a gzip file from a restart point at or before
** `start` (zp NULL: from the beginning). */
mt_reader *mt_reader_open_at(const char *path, int64_t start, const mt_zpoint *zp, char **pzErr);
/* mt_reader_open_at with the identity check of mt_open_regular (id may be NULL). */
mt_reader *mt_reader_open_id(const char *path, const mt_ident *id, int64_t start, const mt_zpoint *zp,
                             char **pzErr);
/* mt_reader_open_id with what happened in *pRc (pRc may be NULL): MT_OK, or
** MT_IO, MT_CHANGED, MT_FORMAT (an index file, a bad restart point), MT_NOMEM. */
mt_reader *mt_reader_open_rc(const char *path, const mt_ident *id, int64_t start, const mt_zpoint *zp,
                             char **pzErr, mt_rc *pRc);

/* Asked while one line longer than the usual buffer is read (up to
** MT_MAX_LINE: hundreds of MiB of a sparse file or a gzip bomb): non-zero
** stops the read with the error "interrupted" (mt_reader_interrupted). */
void mt_reader_set_stop(mt_reader *r, int (*stop)(void*), void *arg);
int mt_reader_interrupted(const mt_reader *r);

void mt_reader_close(mt_reader *r);

/* mt_advise_huge (huge pages for a big array) is in grow.h. */

/* The newlines in [p, p+n), counted 32 bytes at a time on CPUs with AVX2,
** else 16 (line numbers of the lines a walk passes over: index.c, scan.c,
** partial.c). */
int64_t mt_count_nl(const char *p, size_t n);

/* The vector width of mt_count_nl: 1 when the 32-byte AVX2 loop is in use
** (the CPU has it), 0 for the 16-byte loop.  want >= 0 sets it (0 forces
** the 16-byte loop: tests compare the two), -1 only asks. */
int mt_count_nl_simd(int want);

/* The one switch of every vector loop with an AVX2 variant (mt_count_nl,
** index.c's anchor scan): *level is -1 until decided, then 0 (the 16-byte
** loop) or 1 (AVX2, only where the CPU has it).  want >= 0 sets it, -1
** decides it once from the CPU; returns it.  Atomic: any thread may ask. */
int mt_avx2_switch(int *level, int want);

#endif
