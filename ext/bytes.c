/* SPDX-License-Identifier: MIT */
/*
** bytes.c — plain and gzip files as a stream of line-aligned chunks.
**
** One buffer holds decompressed bytes.  Each call to mt_reader_next() keeps
** the unfinished last line of the previous chunk, fills the buffer up, and
** returns everything up to the last '\n'.  A line longer than the buffer
** grows it (up to MT_MAX_LINE).  Memory is bounded by the longest line, not
** by the file.
*/
#include "grow.h"
#include "bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <unistd.h>
#include <zlib.h>

#define MT_BUF_INIT  (1024*1024)      /* decompressed window */
#define MT_IN_SIZE   (256*1024)       /* compressed input per read */

struct mt_reader {
  char *path;
  int fd;
  int gz;                /* 1: gzip stream */
  int64_t size;          /* file size when opened: plain files read up to it */
  int64_t raw_pos;       /* bytes read from the file */
  z_stream zs;
  int zinit;             /* zs is initialised */
  int zend;              /* the last gzip member ended, no more input */
  unsigned char *in;     /* compressed input buffer */
  char *buf;             /* decompressed bytes */
  size_t cap;            /* size of buf */
  size_t len;            /* valid bytes in buf */
  size_t cut;            /* bytes of buf handed out by the last chunk */
  int64_t buf_off;       /* decompressed offset of buf[0] */
  int64_t skip;          /* decompressed bytes still to drop (start offset) */
  int eof;               /* no more bytes will come */
  int failed;            /* fill failed: hand out what came before, then the error */
  size_t readahead;      /* plain files: bytes per fill, 0 = fill the buffer */
  int rawmode;           /* inflating raw deflate from a restart point: the
                         ** member's 8-byte trailer comes at its end */
  /* restart points (mt_reader_collect_points) */
  int64_t spacing;       /* 0: not collecting */
  unsigned char *ring;   /* the last MT_ZWINDOW bytes of output */
  int64_t ring_total;    /* bytes ever put in the ring */
  mt_zpoint *pts; int npts, cpts;
  uint64_t *zat;         /* per point: where its deflated window starts in zw */
  unsigned char *zw; size_t nzw, czw;   /* the points' windows, deflated */
  unsigned char *wbuf;   /* a window inflated (start_at_point), or assembled */
  z_stream ds;           /* deflates the windows (one state for all of them) */
  int dsinit;
  int pts_oom;
  char *err;
  int (*stop)(void*);    /* mt_reader_set_stop */
  void *stop_arg;
  int interrupted;
  mt_rc rc;              /* what r->err says (MT_OK while there is none) */
  size_t nonl;           /* buf[0, nonl) is known to hold no '\n' (a long line being read) */
};

/* While a long line is read (the buffer grew past its usual size): asked
** every few MiB.  1 when the reading must stop (r->err says "interrupted"). */
static int stop_now(mt_reader *r){
  if( r->cap <= MT_BUF_INIT || !r->stop || !r->stop(r->stop_arg) ) return 0;
  r->interrupted = 1;
  r->rc = MT_INTERRUPTED;
  free(r->err);
  r->err = strdup("interrupted");
  return 1;
}

#define MT_READ_STEP (1024*1024)     /* bytes per read(2) while a long line is read */

static void set_err(mt_reader *r, mt_rc rc, const char *fmt, ...){
  char msg[512];
  size_t n;
  va_list ap;
  r->rc = rc;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  free(r->err);
  n = strlen(r->path) + strlen(msg) + 3;
  r->err = malloc(n);
  if( r->err ) snprintf(r->err, n, "%s: %s", r->path, msg);
}

static char *dup_err(const char *path, const char *what){
  size_t n = strlen(path) + strlen(what) + 3;
  char *z = malloc(n);
  if( z ) snprintf(z, n, "%s: %s", path, what);
  return z;
}

mt_reader *mt_reader_open(const char *path, int64_t start, char **pzErr){
  return mt_reader_open_at(path, start, 0, pzErr);
}

static ssize_t raw_read(mt_reader *r, void *p, size_t n);

/* Start inflating at restart point zp (r->gz, zs initialised in gzip mode). */
static int start_at_point(mt_reader *r, const mt_zpoint *zp){
  int ret;
  off_t at = (off_t)(zp->in - (zp->bits > 0 ? 1 : 0));
  if( zp->bits >= 0 ){
    if( inflateReset2(&r->zs, -15)!=Z_OK ) return -1;
    r->rawmode = 1;
  }
  if( lseek(r->fd, at, SEEK_SET)<0 ) return -1;
  r->raw_pos = (int64_t)at;
  if( zp->bits > 0 ){
    unsigned char b;
    if( raw_read(r, &b, 1)!=1 ) return -1;
    ret = inflatePrime(&r->zs, zp->bits, b >> (8 - zp->bits));
    if( ret!=Z_OK ) return -1;
  }
  if( zp->bits >= 0 && zp->wlen > 0 ){
    uLongf got = MT_ZWINDOW;
    if( !zp->zwin ) return -1;
    if( !r->wbuf && !(r->wbuf = malloc(MT_ZWINDOW)) ) return -1;
    if( uncompress(r->wbuf, &got, zp->zwin, zp->zlen)!=Z_OK || got!=(uLongf)zp->wlen ) return -1;
    if( inflateSetDictionary(&r->zs, r->wbuf, (uInt)zp->wlen)!=Z_OK ) return -1;
  }
  r->buf_off = zp->out;
  return 0;
}

/* What a file that is not a regular file is, for the error. */
static const char *kind_of(mode_t m){
  if( S_ISDIR(m) ) return "is a directory";
  if( S_ISFIFO(m) ) return "is a FIFO (named pipe), not a regular file";
  if( S_ISCHR(m) ) return "is a character device, not a regular file";
  if( S_ISBLK(m) ) return "is a block device, not a regular file";
  if( S_ISSOCK(m) ) return "is a socket, not a regular file";
  return "is not a regular file";
}

int mt_open_regular(const char *path, const mt_ident *id, char **pzErr){
  return mt_open_regular_rc(path, id, pzErr, 0);
}

int mt_open_regular_rc(const char *path, const mt_ident *id, char **pzErr, mt_rc *pRc){
  struct stat st;
  int fd;
  mt_rc dummy;
  if( !pRc ) pRc = &dummy;
  *pRc = MT_OK;
  *pzErr = 0;
  /* O_NONBLOCK: opening a FIFO for reading would otherwise wait for a
  ** writer, forever and deaf to sqlite3_interrupt(). */
  do{ fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY); }while( fd<0 && errno==EINTR );
  if( fd<0 ){ *pRc = errno==ENOMEM ? MT_NOMEM : MT_IO; *pzErr = dup_err(path, strerror(errno)); return -1; }
  if( fstat(fd, &st)!=0 ){ *pRc = MT_IO; *pzErr = dup_err(path, strerror(errno)); close(fd); return -1; }
  if( !S_ISREG(st.st_mode) ){ *pRc = MT_IO; *pzErr = dup_err(path, kind_of(st.st_mode)); close(fd); return -1; }
  if( id && ((uint64_t)st.st_dev!=id->dev || (uint64_t)st.st_ino!=id->ino) ){
    *pRc = MT_CHANGED;
    *pzErr = dup_err(path, "is no longer the file that was listed (rotated or replaced during the "
                           "query): nothing was read from it; run the query again");
    close(fd);
    return -1;
  }
  if( id && (int64_t)st.st_size < id->size ){
    char msg[200];
    snprintf(msg, sizeof(msg), "is shorter than when it was listed (%lld bytes, now %lld: truncated "
             "during the query?); run the query again", (long long)id->size, (long long)st.st_size);
    *pRc = MT_CHANGED;
    *pzErr = dup_err(path, msg);
    close(fd);
    return -1;
  }
  {
    int fl = fcntl(fd, F_GETFL);
    if( fl>=0 ) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  }
  return fd;
}

static int pread_all(int fd, void *p, size_t n, int64_t at){
  size_t got = 0;
  while( got < n ){
    ssize_t k = pread(fd, (char*)p + got, n - got, (off_t)(at + (int64_t)got));
    if( k<0 && errno==EINTR ) continue;
    if( k<=0 ) return -1;
    got += (size_t)k;
  }
  return 0;
}

int mt_fingerprint_fd(int fd, int64_t end, uint32_t *pSum){
  unsigned char b[MT_FP_BLOCK];      /* 4 KiB: on the stack, no allocation */
  uLong c = crc32(0L, Z_NULL, 0);
  size_t n1 = end < MT_FP_BLOCK ? (size_t)(end < 0 ? 0 : end) : MT_FP_BLOCK;
  int rc = -1;
  /* gzip: `end` counts decompressed bytes; such a file is never read on */
  if( pread_all(fd, b, n1, 0)==0 && !(n1>=2 && b[0]==0x1f && b[1]==0x8b) ){
    c = crc32(c, b, (uInt)n1);
    if( end > MT_FP_BLOCK ){
      int64_t at = end - MT_FP_BLOCK < MT_FP_BLOCK ? MT_FP_BLOCK : end - MT_FP_BLOCK;
      size_t n2 = (size_t)(end - at);
      if( pread_all(fd, b, n2, at)==0 ){ c = crc32(c, b, (uInt)n2); rc = 0; }
    }else{
      rc = 0;
    }
  }
  if( rc==0 ) *pSum = (uint32_t)c;
  return rc;
}

int mt_fingerprint(const char *path, const mt_ident *id, int64_t end, uint32_t *pSum){
  char *err = 0;
  int fd = mt_open_regular(path, id, &err), rc;
  free(err);
  if( fd<0 ) return -1;
  rc = mt_fingerprint_fd(fd, end, pSum);
  close(fd);
  return rc;
}

int mt_file_is_gzip(const char *path, const mt_ident *id, char **pzErr, mt_rc *pRc){
  unsigned char m[2];
  int fd = mt_open_regular_rc(path, id, pzErr, pRc), gz;
  if( fd<0 ) return -1;
  gz = pread(fd, m, 2, 0)==2 && m[0]==0x1f && m[1]==0x8b;
  close(fd);
  return gz;
}

int64_t mt_line_start_at(const char *path, const mt_ident *id, int64_t at, int64_t limit,
                         int (*stop)(void*), void *stop_arg, char **pzErr, mt_rc *pRc){
  char buf[65536];
  int64_t pos = at - 1;
  int fd = mt_open_regular_rc(path, id, pzErr, pRc);
  if( fd<0 ) return -2;
  while( pos < limit ){
    ssize_t got;
    const char *nl;
    if( stop && stop(stop_arg) ){ close(fd); return -1; }
    got = pread(fd, buf, sizeof(buf), (off_t)pos);
    if( got<=0 ) break;
    nl = memchr(buf, '\n', (size_t)got);
    if( nl ){ close(fd); return pos + (nl - buf) + 1 < limit ? pos + (nl - buf) + 1 : limit; }
    pos += got;
  }
  close(fd);
  return limit;
}

mt_reader *mt_reader_open_at(const char *path, int64_t start, const mt_zpoint *zp, char **pzErr){
  return mt_reader_open_id(path, 0, start, zp, pzErr);
}

mt_reader *mt_reader_open_id(const char *path, const mt_ident *id, int64_t start, const mt_zpoint *zp,
                             char **pzErr){
  return mt_reader_open_rc(path, id, start, zp, pzErr, 0);
}

mt_reader *mt_reader_open_rc(const char *path, const mt_ident *id, int64_t start, const mt_zpoint *zp,
                             char **pzErr, mt_rc *pRc){
  mt_reader *r;
  struct stat st;
  unsigned char magic[8];
  ssize_t got;
  int fd;
  mt_rc dummy;

  if( !pRc ) pRc = &dummy;
  *pzErr = 0;
  fd = mt_open_regular_rc(path, id, pzErr, pRc);
  if( fd<0 ) return 0;
  if( fstat(fd, &st)!=0 ){
    *pRc = MT_IO;
    *pzErr = dup_err(path, strerror(errno)); close(fd); return 0;
  }
  do{ got = pread(fd, magic, 8, 0); }while( got<0 && errno==EINTR );
  if( got==8 && memcmp(magic, "MTIDX0", 6)==0 ){
    *pRc = MT_FORMAT;
    *pzErr = dup_err(path, "is a mailtrace index file (index=DIR), not a log");
    close(fd);
    return 0;
  }
  r = calloc(1, sizeof(*r));
  if( r ) r->path = strdup(path);
  if( r ) r->buf = malloc(MT_BUF_INIT);
  if( !r || !r->path || !r->buf ){
    if( r ){ free(r->path); free(r->buf); free(r); }
    close(fd);
    *pRc = MT_NOMEM;
    *pzErr = dup_err(path, "out of memory");
    return 0;
  }
  r->fd = fd;
  r->cap = MT_BUF_INIT;
  r->size = (int64_t)st.st_size;
  r->gz = (got>=2 && magic[0]==0x1f && magic[1]==0x8b);
  if( r->gz ){
    r->in = malloc(MT_IN_SIZE);
    if( !r->in || inflateInit2(&r->zs, 15+16)!=Z_OK ){
      *pRc = MT_NOMEM;
    *pzErr = dup_err(path, "out of memory");
      mt_reader_close(r);
      return 0;
    }
    r->zinit = 1;
    r->skip = start;
    if( zp && zp->out <= start && zp->in >= 0 && zp->bits >= -1 && zp->bits <= 7 ){
      if( start_at_point(r, zp) ){
        *pRc = MT_FORMAT;
        *pzErr = dup_err(path, "cannot restart the gzip stream at its index point (rebuild the index)");
        mt_reader_close(r);
        return 0;
      }
      r->skip = start - zp->out;
    }
  }else if( start>0 ){
    if( lseek(fd, (off_t)start, SEEK_SET)<0 ){
      *pRc = MT_IO;
      *pzErr = dup_err(path, strerror(errno));
      mt_reader_close(r);
      return 0;
    }
    r->raw_pos = start;
    r->buf_off = start;
  }
  return r;
}

/* Read up to n bytes of the raw file into p.  Returns bytes read, 0 at the
** size seen at open time, -1 on error (r->err set). */
static ssize_t raw_read(mt_reader *r, void *p, size_t n){
  ssize_t got;
  if( r->raw_pos >= r->size ) return 0;
  if( (int64_t)n > r->size - r->raw_pos ) n = (size_t)(r->size - r->raw_pos);
  do{ got = read(r->fd, p, n); }while( got<0 && errno==EINTR );
  if( got<0 ){
    set_err(r, MT_IO, "read error at byte %lld: %s", (long long)r->raw_pos, strerror(errno));
    return -1;
  }
  if( got==0 ){
    set_err(r, MT_CHANGED, "file shrank while being read (was %lld bytes, ends at %lld): "
               "rotated or truncated during the query?",
            (long long)r->size, (long long)r->raw_pos);
    return -1;
  }
  r->raw_pos += got;
  return got;
}

/* Collecting restart points: remember the output just produced (the last
** MT_ZWINDOW bytes), and at a deflate block boundary far enough from the
** last point, record one. */
static void ring_put(mt_reader *r, const unsigned char *p, size_t n){
  if( n >= MT_ZWINDOW ){ p += n - MT_ZWINDOW; r->ring_total += (int64_t)(n - MT_ZWINDOW); n = MT_ZWINDOW; }
  while( n ){
    size_t at = (size_t)(r->ring_total % MT_ZWINDOW), k = MT_ZWINDOW - at;
    if( k > n ) k = n;
    memcpy(r->ring + at, p, k);
    r->ring_total += (int64_t)k; p += k; n -= k;
  }
}

static mt_zpoint *new_point(mt_reader *r){
  int c = r->cpts;
  if( mt_grow_i(&r->pts, &r->cpts, r->npts+1, sizeof(mt_zpoint)) ){ r->pts_oom = 1; return 0; }
  if( r->cpts!=c ){
    uint64_t *nz = realloc(r->zat, sizeof(uint64_t)*(size_t)r->cpts);
    if( !nz ){ r->pts_oom = 1; return 0; }
    r->zat = nz;
  }
  memset(&r->pts[r->npts], 0, sizeof(mt_zpoint));
  r->zat[r->npts] = 0;
  return &r->pts[r->npts++];
}

/* Keep the point's window p[0..n) deflated in r->zw (zlib's format, as
** uncompress() reads it back; one deflate state for every window: a state
** of its own each time, as compress2() makes, costs more than the window). */
static void keep_window(mt_reader *r, mt_zpoint *pt, const unsigned char *p, size_t n){
  uLong room;
  if( !r->dsinit ){
    memset(&r->ds, 0, sizeof(r->ds));
    if( deflateInit(&r->ds, 1)!=Z_OK ){ r->pts_oom = 1; return; }
    r->dsinit = 1;
  }else if( deflateReset(&r->ds)!=Z_OK ){ r->pts_oom = 1; return; }
  room = deflateBound(&r->ds, (uLong)n);
  if( r->nzw + room > r->czw ){
    size_t nc = r->czw ? r->czw : 256*1024;
    unsigned char *nb;
    while( nc < r->nzw + room ) nc *= 2;
    nb = realloc(r->zw, nc);
    if( !nb ){ r->pts_oom = 1; return; }
    r->zw = nb; r->czw = nc;
  }
  r->ds.next_in = (Bytef*)p;
  r->ds.avail_in = (uInt)n;
  r->ds.next_out = r->zw + r->nzw;
  r->ds.avail_out = (uInt)room;
  if( deflate(&r->ds, Z_FINISH)!=Z_STREAM_END ){ r->pts_oom = 1; return; }
  r->zat[pt - r->pts] = r->nzw;
  pt->zlen = (uint32_t)r->ds.total_out;
  r->nzw += r->ds.total_out;
}

static void maybe_point(mt_reader *r, int member_start){
  int64_t out = r->buf_off + (int64_t)r->len;
  mt_zpoint *pt;
  if( r->pts_oom ) return;
  if( r->npts>0 && out - r->pts[r->npts-1].out < r->spacing ) return;
  if( !member_start && (!(r->zs.data_type & 128) || (r->zs.data_type & 64)) ) return;
  pt = new_point(r);
  if( !pt ) return;
  pt->out = out;
  pt->in = r->raw_pos - (int64_t)r->zs.avail_in;
  if( member_start ){
    pt->bits = -1; pt->wlen = 0;
  }else{
    size_t w = r->ring_total < MT_ZWINDOW ? (size_t)r->ring_total : MT_ZWINDOW;
    size_t at = (size_t)(r->ring_total % MT_ZWINDOW);
    pt->bits = r->zs.data_type & 7;
    pt->wlen = (int32_t)w;
    if( w==0 ) return;
    if( !r->wbuf && !(r->wbuf = malloc(MT_ZWINDOW)) ){ r->pts_oom = 1; return; }
    if( w < MT_ZWINDOW ) memcpy(r->wbuf, r->ring, w);
    else{
      memcpy(r->wbuf, r->ring + at, MT_ZWINDOW - at);
      memcpy(r->wbuf + (MT_ZWINDOW - at), r->ring, at);
    }
    keep_window(r, pt, r->wbuf, w);
  }
}

/* Drop the 8-byte trailer of a member inflated in raw mode. */
static int skip_trailer(mt_reader *r){
  int need = 8;
  z_stream *zs = &r->zs;
  while( need>0 ){
    if( zs->avail_in==0 ){
      ssize_t got = raw_read(r, r->in, MT_IN_SIZE);
      if( got<=0 ){
        if( got==0 ) set_err(r, MT_FORMAT, "truncated gzip stream: the trailer ends at byte %lld", (long long)r->raw_pos);
        return -1;
      }
      zs->next_in = r->in;
      zs->avail_in = (uInt)got;
    }
    {
      uInt k = zs->avail_in < (uInt)need ? zs->avail_in : (uInt)need;
      zs->next_in += k; zs->avail_in -= k; need -= (int)k;
    }
  }
  return 0;
}

/* Append decompressed bytes to buf[len..cap).  Returns 0 or -1. */
static int fill_gzip(mt_reader *r){
  z_stream *zs = &r->zs;
  /* reading one block (readahead): inflate about that much, from small reads */
  size_t want = r->readahead && r->len + r->readahead < r->cap ? r->len + r->readahead : r->cap;
  size_t inmax = r->readahead ? 16384 : MT_IN_SIZE;
  while( r->len < want && !r->eof ){
    int rc;
    size_t before = r->len;
    size_t room;
    if( r->cap > MT_BUF_INIT && stop_now(r) ) return -1;   /* a long line: interruptible */
    if( zs->avail_in==0 && !r->zend ){
      ssize_t got = raw_read(r, r->in, inmax);
      if( got<0 ) return -1;
      zs->next_in = r->in;
      zs->avail_in = (uInt)got;
      if( got==0 ){
        set_err(r, MT_FORMAT, "truncated gzip stream: compressed data ends at byte %lld "
                   "(%lld bytes decompressed)",
                (long long)r->raw_pos, (long long)(r->buf_off + (int64_t)r->len + r->skip));
        return -1;
      }
    }
    room = want - r->len;
    if( r->cap > MT_BUF_INIT && room > MT_READ_STEP ) room = MT_READ_STEP;
    zs->next_out = (Bytef*)r->buf + r->len;
    zs->avail_out = (uInt)room;
    rc = inflate(zs, r->spacing ? Z_BLOCK : Z_NO_FLUSH);
    r->len += room - zs->avail_out;
    if( r->spacing && r->ring ){
      ring_put(r, (const unsigned char*)r->buf + before, r->len - before);
      if( rc==Z_OK ) maybe_point(r, 0);
    }
    if( rc==Z_STREAM_END ){
      /* Another member may follow (gzip files can be concatenated). */
      if( r->rawmode ){
        if( skip_trailer(r) ) return -1;
        r->rawmode = 0;
      }
      if( zs->avail_in==0 ){
        ssize_t got = raw_read(r, r->in, MT_IN_SIZE);
        if( got<0 ) return -1;
        zs->next_in = r->in;
        zs->avail_in = (uInt)got;
      }
      if( zs->avail_in==0 ){ r->eof = 1; r->zend = 1; break; }
      if( zs->avail_in>=1 && zs->next_in[0]!=0x1f ){
        set_err(r, MT_FORMAT, "trailing garbage after the gzip stream at byte %lld",
                (long long)(r->raw_pos - zs->avail_in));
        return -1;
      }
      if( inflateReset2(zs, 15+16)!=Z_OK ){ set_err(r, MT_ERROR, "inflateReset failed"); return -1; }
      if( r->spacing && r->ring ) maybe_point(r, 1);
      continue;
    }
    if( rc==Z_BUF_ERROR && zs->avail_out==0 ) break;
    if( rc!=Z_OK && rc!=Z_BUF_ERROR ){
      set_err(r, rc==Z_MEM_ERROR ? MT_NOMEM : MT_FORMAT, "corrupt gzip data at byte %lld: %s",
              (long long)(r->raw_pos - zs->avail_in),
              rc==Z_MEM_ERROR ? "out of memory" : (zs->msg ? zs->msg : "inflate error"));
      return -1;
    }
  }
  return 0;
}

void mt_reader_collect_points(mt_reader *r, int64_t spacing){
  if( !r->gz || spacing<=0 ) return;
  r->ring = malloc(MT_ZWINDOW);
  if( !r->ring ){ r->pts_oom = 1; return; }
  r->spacing = spacing;
  maybe_point(r, 1);                 /* the start of the file */
}

int mt_reader_take_points(mt_reader *r, mt_zpoint **pa, int *pn, unsigned char **pwin, size_t *pnwin){
  int i;
  *pa = 0; *pn = 0; *pwin = 0; *pnwin = 0;
  if( r->pts_oom ){
    free(r->pts); r->pts = 0; r->npts = r->cpts = 0;
    free(r->zat); r->zat = 0;
    free(r->zw); r->zw = 0; r->nzw = r->czw = 0;
    return -1;
  }
  for(i=0; i<r->npts; i++) r->pts[i].zwin = r->pts[i].wlen > 0 ? r->zw + r->zat[i] : 0;
  *pa = r->pts; *pn = r->npts;
  *pwin = r->zw; *pnwin = r->nzw;
  r->pts = 0; r->npts = r->cpts = 0;
  free(r->zat); r->zat = 0;
  r->zw = 0; r->nzw = r->czw = 0;
  return 0;
}

static int fill_plain(mt_reader *r){
  size_t want = r->cap;
  if( r->readahead && r->len + r->readahead < want ) want = r->len + r->readahead;
  while( r->len < want && !r->eof ){
    size_t ask = want - r->len;
    ssize_t got;
    if( r->cap > MT_BUF_INIT ){                /* a long line: in steps, interruptible */
      if( stop_now(r) ) return -1;
      if( ask > MT_READ_STEP ) ask = MT_READ_STEP;
    }
    got = raw_read(r, r->buf + r->len, ask);
    if( got<0 ) return -1;
    if( got==0 ){ r->eof = 1; break; }
    r->len += (size_t)got;
  }
  return 0;
}

void mt_reader_set_readahead(mt_reader *r, size_t n){
  r->readahead = n;
  /* nothing read yet: a buffer for that much (and an unfinished line),
  ** taken from the heap, not a 1 MiB mapping each reader maps and unmaps
  ** (the sweep's window keeps 16 of them: partial.c) */
  if( n>0 && r->len==0 && r->cut==0 && r->cap==MT_BUF_INIT && n + n/2 < MT_BUF_INIT ){
    char *nb = malloc(n + n/2);
    if( nb ){ free(r->buf); r->buf = nb; r->cap = n + n/2; }
  }
}

void mt_reader_prefault(mt_reader *r, size_t n){
#if defined(MADV_POPULATE_WRITE)
  uintptr_t a = ((uintptr_t)r->buf + 4095) & ~(uintptr_t)4095;
  uintptr_t e = ((uintptr_t)r->buf + (n < r->cap ? n : r->cap)) & ~(uintptr_t)4095;
  if( e > a ) (void)madvise((void*)a, e - a, MADV_POPULATE_WRITE);
#else
  (void)r; (void)n;
#endif
}

int mt_reader_swap_buf(mt_reader *r, const char *chunk, char **pbuf, size_t *pcap){
  char *nb = *pbuf;
  if( chunk!=r->buf || r->cut==0 || nb==r->buf ) return -1;   /* not its chunk (any more) */
  if( !nb || *pcap < r->cap ) return -1;                      /* too small to read on into */
  /* the unfinished line (and what was read past it) stays where it was */
  if( r->len > r->cut ) memcpy(nb + r->cut, r->buf + r->cut, r->len - r->cut);
  *pbuf = r->buf;
  *pcap = r->cap;              /* (the reader's own size: never more than the buffer holds) */
  r->buf = nb;
  return 0;
}

int mt_reader_seek(mt_reader *r, int64_t start){
  if( r->gz || r->failed || r->err ) return -1;
  if( lseek(r->fd, (off_t)start, SEEK_SET)<0 ) return -1;
  r->raw_pos = start;
  r->buf_off = start;
  r->len = r->cut = 0;
  r->nonl = 0;
  r->skip = 0;
  r->eof = 0;
  return 0;
}

int mt_reader_restart(mt_reader *r, int64_t start, const mt_zpoint *zp){
  if( !r->gz || !r->zinit || r->spacing || r->failed || r->err || start<0 ) return -1;
  if( inflateReset2(&r->zs, 15+16)!=Z_OK ) return -1;
  r->zs.next_in = r->in;
  r->zs.avail_in = 0;
  r->rawmode = 0;
  r->zend = 0;
  r->eof = 0;
  r->len = r->cut = 0;
  r->nonl = 0;
  r->buf_off = 0;
  r->skip = start;
  if( zp && zp->out <= start && zp->in >= 0 && zp->bits >= -1 && zp->bits <= 7 ){
    if( start_at_point(r, zp) ) return -1;   /* (the caller opens it again: that reports it) */
    r->skip = start - zp->out;
    return 0;
  }
  if( lseek(r->fd, 0, SEEK_SET)<0 ) return -1;
  r->raw_pos = 0;
  return 0;
}

int mt_reader_next(mt_reader *r, const char **pp, size_t *pn, int64_t *poff){
  if( r->err && (r->failed==2 || r->len==r->cut) ){ r->failed = 2; return -1; }
  /* Drop what the previous chunk handed out, keep the unfinished line. */
  r->nonl = 0;
  if( r->cut ){
    memmove(r->buf, r->buf + r->cut, r->len - r->cut);
    r->len -= r->cut;
    r->buf_off += (int64_t)r->cut;
    r->cut = 0;
  }
  for(;;){
    const char *nl;
    if( !r->failed && (r->gz ? fill_gzip(r) : fill_plain(r)) ){
      /* Hand out the whole lines that came before the damage first; the
      ** error is returned by the next call (no good line is lost). */
      r->failed = 1;
    }
    if( r->failed ){
      /* interrupted: stop now (the caller does not want the lines before) */
      nl = r->len && !r->interrupted ? memrchr(r->buf, '\n', r->len) : 0;
      if( !nl || r->skip>0 ){ r->failed = 2; return -1; }
      r->cut = (size_t)(nl - r->buf) + 1;
      *pp = r->buf; *pn = r->cut; *poff = r->buf_off;
      r->len = r->cut;             /* the cut-off line is part of the error */
      r->failed = 2;
      return 1;
    }
    if( r->skip>0 ){
      size_t k = r->skip < (int64_t)r->len ? (size_t)r->skip : r->len;
      r->nonl = 0;
      memmove(r->buf, r->buf + k, r->len - k);
      r->len -= k;
      r->buf_off += (int64_t)k;
      r->skip -= (int64_t)k;
      if( r->skip>0 || (r->len==0 && !r->eof) ) continue;
    }
    if( r->len==0 ) return 0;
    /* a long line: only the bytes that came since the last look */
    nl = r->nonl < r->len ? memrchr(r->buf + r->nonl, '\n', r->len - r->nonl) : 0;
    r->nonl = nl ? 0 : r->len;
    if( nl ){
      r->cut = (size_t)(nl - r->buf) + 1;
    }else if( r->eof ){
      r->cut = r->len;          /* the final line has no '\n' */
    }else if( r->len < r->cap ){
      continue;                 /* a short read (readahead): read on */
    }else{
      /* One line longer than the buffer: grow it. */
      size_t ncap = r->cap * 2;
      char *nb;
      if( r->cap >= MT_MAX_LINE ){
        set_err(r, MT_LIMIT, "line at byte %lld is longer than %d bytes",
                (long long)r->buf_off, MT_MAX_LINE);
        return -1;
      }
      nb = realloc(r->buf, ncap);
      if( !nb ){ set_err(r, MT_NOMEM, "out of memory"); return -1; }
      r->buf = nb;
      r->cap = ncap;
      continue;
    }
    *pp = r->buf;
    *pn = r->cut;
    *poff = r->buf_off;
    return 1;
  }
}

const char *mt_reader_error(const mt_reader *r){ return r->err; }
mt_rc mt_reader_rc(const mt_reader *r){ return r->err || r->rc ? (r->rc ? r->rc : MT_ERROR) : MT_OK; }
void mt_reader_set_stop(mt_reader *r, int (*stop)(void*), void *arg){ r->stop = stop; r->stop_arg = arg; }
int mt_reader_interrupted(const mt_reader *r){ return r->interrupted; }
int mt_reader_is_gzip(const mt_reader *r){ return r->gz; }
int64_t mt_reader_bytes_read(const mt_reader *r){ return r->raw_pos; }

void mt_reader_close(mt_reader *r){
  if( !r ) return;
  if( r->zinit ) inflateEnd(&r->zs);
  if( r->fd>=0 ) close(r->fd);
  free(r->in);
  free(r->buf);
  free(r->ring);
  free(r->pts);
  free(r->zat);
  free(r->zw);
  free(r->wbuf);
  if( r->dsinit ) deflateEnd(&r->ds);
  free(r->err);
  free(r->path);
  free(r);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* The same 32 bytes a step, on CPUs with AVX2 (chosen at run time, as
** index.c's anchor scan: the extension stays loadable on any x86-64).
** Returns the bytes counted (a multiple of 32) and adds their newlines. */
__attribute__((target("avx2")))
static size_t count_nl_avx2(const char *p, size_t n, int64_t *pc){
  const __m256i cNL = _mm256_set1_epi8('\n'), zero = _mm256_setzero_si256();
  size_t i = 0;
  int64_t c = 0;
  while( i + 32 <= n ){
    /* up to 255 rounds of byte counters (a match is -1), then sum them */
    __m256i acc = zero, sum;
    int r;
    for(r=0; r<255 && i + 32 <= n; r++, i += 32){
      acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(_mm256_loadu_si256((const __m256i*)(p + i)), cNL));
    }
    sum = _mm256_sad_epu8(acc, zero);
    c += _mm256_extract_epi64(sum, 0) + _mm256_extract_epi64(sum, 1)
       + _mm256_extract_epi64(sum, 2) + _mm256_extract_epi64(sum, 3);
  }
  *pc += c;
  return i;
}
#define MT_HAVE_COUNT_AVX2 1
#endif

int mt_avx2_switch(int *level, int want){
  int have = 0;
#if defined(__x86_64__) && defined(__GNUC__)
  have = __builtin_cpu_supports("avx2") ? 1 : 0;
#endif
  if( want>=0 ) __atomic_store_n(level, want && have, __ATOMIC_RELAXED);
  else if( __atomic_load_n(level, __ATOMIC_RELAXED)<0 ) __atomic_store_n(level, have, __ATOMIC_RELAXED);
  return __atomic_load_n(level, __ATOMIC_RELAXED);
}

static int count_avx2 = -1;   /* -1: not decided; 0: the 16-byte loop; 1: AVX2 */

int mt_count_nl_simd(int want){ return mt_avx2_switch(&count_avx2, want); }

/* Newlines in [p, p+n) (bytes.h): 32 bytes a step with AVX2, else 16. */
int64_t mt_count_nl(const char *p, size_t n){
  int64_t c = 0;
  size_t i = 0;
#if defined(MT_HAVE_COUNT_AVX2)
  int a = __atomic_load_n(&count_avx2, __ATOMIC_RELAXED);
  if( a<0 ) a = mt_count_nl_simd(-1);
  if( a && n >= 64 ) i = count_nl_avx2(p, n, &c);
#endif
#if defined(__SSE2__)
  const __m128i cNL = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
  while( i + 16 <= n ){
    /* up to 255 rounds of byte counters (a match is -1), then sum them */
    __m128i acc = zero;
    int r;
    for(r=0; r<255 && i + 16 <= n; r++, i += 16){
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i*)(p + i)), cNL));
    }
    acc = _mm_sad_epu8(acc, zero);
    c += _mm_cvtsi128_si32(acc) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(acc, acc));
  }
#endif
  for(; i<n; i++) c += p[i]=='\n';
  return c;
}
