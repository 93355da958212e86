/*
** bytes.c — plain and gzip files as a stream of line-aligned chunks.
**
** One buffer holds decompressed bytes.  Each call to mt_reader_next() keeps
** the unfinished last line of the previous chunk, fills the buffer up, and
** returns everything up to the last '\n'.  A line longer than the buffer
** grows it (up to MT_MAX_LINE).  Memory is bounded by the longest line, not
** by the file.
*/
#include "bytes.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
  char *err;
};

static void set_err(mt_reader *r, const char *fmt, ...){
  char msg[512];
  size_t n;
  va_list ap;
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
  mt_reader *r;
  struct stat st;
  unsigned char magic[2];
  ssize_t got;
  int fd;

  *pzErr = 0;
  do{ fd = open(path, O_RDONLY | O_CLOEXEC); }while( fd<0 && errno==EINTR );
  if( fd<0 ){ *pzErr = dup_err(path, strerror(errno)); return 0; }
  if( fstat(fd, &st)!=0 ){
    *pzErr = dup_err(path, strerror(errno)); close(fd); return 0;
  }
  if( S_ISDIR(st.st_mode) ){
    *pzErr = dup_err(path, "is a directory"); close(fd); return 0;
  }
  r = calloc(1, sizeof(*r));
  if( r ) r->path = strdup(path);
  if( r ) r->buf = malloc(MT_BUF_INIT);
  if( !r || !r->path || !r->buf ){
    if( r ){ free(r->path); free(r->buf); free(r); }
    close(fd);
    *pzErr = dup_err(path, "out of memory");
    return 0;
  }
  r->fd = fd;
  r->cap = MT_BUF_INIT;
  r->size = S_ISREG(st.st_mode) ? (int64_t)st.st_size : INT64_MAX;

  do{ got = pread(fd, magic, 2, 0); }while( got<0 && errno==EINTR );
  r->gz = (got==2 && magic[0]==0x1f && magic[1]==0x8b);
  if( r->gz ){
    r->in = malloc(MT_IN_SIZE);
    if( !r->in || inflateInit2(&r->zs, 15+16)!=Z_OK ){
      *pzErr = dup_err(path, "out of memory");
      mt_reader_close(r);
      return 0;
    }
    r->zinit = 1;
    r->skip = start;
  }else if( start>0 ){
    if( lseek(fd, (off_t)start, SEEK_SET)<0 ){
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
    set_err(r, "read error at byte %lld: %s", (long long)r->raw_pos, strerror(errno));
    return -1;
  }
  if( got==0 && r->size!=INT64_MAX ){
    set_err(r, "file shrank while being read (was %lld bytes, ends at %lld): "
               "rotated or truncated during the query?",
            (long long)r->size, (long long)r->raw_pos);
    return -1;
  }
  r->raw_pos += got;
  return got;
}

/* Append decompressed bytes to buf[len..cap).  Returns 0 or -1. */
static int fill_gzip(mt_reader *r){
  z_stream *zs = &r->zs;
  while( r->len < r->cap && !r->eof ){
    int rc;
    if( zs->avail_in==0 && !r->zend ){
      ssize_t got = raw_read(r, r->in, MT_IN_SIZE);
      if( got<0 ) return -1;
      zs->next_in = r->in;
      zs->avail_in = (uInt)got;
      if( got==0 ){
        set_err(r, "truncated gzip stream: compressed data ends at byte %lld "
                   "(%lld bytes decompressed)",
                (long long)r->raw_pos, (long long)(r->buf_off + (int64_t)r->len + r->skip));
        return -1;
      }
    }
    zs->next_out = (Bytef*)r->buf + r->len;
    zs->avail_out = (uInt)(r->cap - r->len);
    rc = inflate(zs, Z_NO_FLUSH);
    r->len = r->cap - zs->avail_out;
    if( rc==Z_STREAM_END ){
      /* Another member may follow (gzip files can be concatenated). */
      if( zs->avail_in==0 ){
        ssize_t got = raw_read(r, r->in, MT_IN_SIZE);
        if( got<0 ) return -1;
        zs->next_in = r->in;
        zs->avail_in = (uInt)got;
      }
      if( zs->avail_in==0 ){ r->eof = 1; r->zend = 1; break; }
      if( zs->avail_in>=1 && zs->next_in[0]!=0x1f ){
        set_err(r, "trailing garbage after the gzip stream at byte %lld",
                (long long)(r->raw_pos - zs->avail_in));
        return -1;
      }
      if( inflateReset(zs)!=Z_OK ){ set_err(r, "inflateReset failed"); return -1; }
      continue;
    }
    if( rc==Z_BUF_ERROR && zs->avail_out==0 ) break;
    if( rc!=Z_OK && rc!=Z_BUF_ERROR ){
      set_err(r, "corrupt gzip data at byte %lld: %s",
              (long long)(r->raw_pos - zs->avail_in),
              rc==Z_MEM_ERROR ? "out of memory" : (zs->msg ? zs->msg : "inflate error"));
      return -1;
    }
  }
  return 0;
}

static int fill_plain(mt_reader *r){
  size_t want = r->cap;
  if( r->readahead && r->len + r->readahead < want ) want = r->len + r->readahead;
  while( r->len < want && !r->eof ){
    ssize_t got = raw_read(r, r->buf + r->len, want - r->len);
    if( got<0 ) return -1;
    if( got==0 ){ r->eof = 1; break; }
    r->len += (size_t)got;
  }
  return 0;
}

void mt_reader_set_readahead(mt_reader *r, size_t n){ r->readahead = n; }

int mt_reader_next(mt_reader *r, const char **pp, size_t *pn, int64_t *poff){
  if( r->err && (r->failed==2 || r->len==r->cut) ){ r->failed = 2; return -1; }
  /* Drop what the previous chunk handed out, keep the unfinished line. */
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
      nl = r->len ? memrchr(r->buf, '\n', r->len) : 0;
      if( !nl || r->skip>0 ){ r->failed = 2; return -1; }
      r->cut = (size_t)(nl - r->buf) + 1;
      *pp = r->buf; *pn = r->cut; *poff = r->buf_off;
      r->len = r->cut;             /* the cut-off line is part of the error */
      r->failed = 2;
      return 1;
    }
    if( r->skip>0 ){
      size_t k = r->skip < (int64_t)r->len ? (size_t)r->skip : r->len;
      memmove(r->buf, r->buf + k, r->len - k);
      r->len -= k;
      r->buf_off += (int64_t)k;
      r->skip -= (int64_t)k;
      if( r->skip>0 || (r->len==0 && !r->eof) ) continue;
    }
    if( r->len==0 ) return 0;
    nl = memrchr(r->buf, '\n', r->len);
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
        set_err(r, "line at byte %lld is longer than %d bytes",
                (long long)r->buf_off, MT_MAX_LINE);
        return -1;
      }
      nb = realloc(r->buf, ncap);
      if( !nb ){ set_err(r, "out of memory"); return -1; }
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
int mt_reader_is_gzip(const mt_reader *r){ return r->gz; }
int64_t mt_reader_bytes_read(const mt_reader *r){ return r->raw_pos; }

void mt_reader_close(mt_reader *r){
  if( !r ) return;
  if( r->zinit ) inflateEnd(&r->zs);
  if( r->fd>=0 ) close(r->fd);
  free(r->in);
  free(r->buf);
  free(r->err);
  free(r->path);
  free(r);
}
