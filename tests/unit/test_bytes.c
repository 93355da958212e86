/* SPDX-License-Identifier: MIT */
/*
** test_bytes.c — the reader (ext/bytes.c): plain and gzip, line-aligned
** chunks, long lines, concatenated gzip members, damage, and a file that
** shrinks while it is read.
*/
#include "bytes.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

static char tmpl[] = "/tmp/mt_test_bytesXXXXXX";

/* Read a whole file through the reader; returns bytes, counts lines and
** chunks not ending in '\n'; rc < 0 on error. */
static long long read_all(const char *path, long long *lines, int *rc, char **err){
  char *e = 0;
  mt_reader *r = mt_reader_open(path, 0, &e);
  const char *p; size_t n; int64_t off, expect = 0;
  long long total = 0;
  *lines = 0; *rc = 0; *err = 0;
  if( !r ){ *rc = -2; *err = e; return -1; }
  while( (*rc = mt_reader_next(r, &p, &n, &off))==1 ){
    size_t i;
    if( off!=expect ){ *rc = -3; break; }
    for(i=0; i<n; i++) if( p[i]=='\n' ) (*lines)++;
    expect += (int64_t)n;
    total += (long long)n;
  }
  if( *rc<0 && mt_reader_error(r) ) *err = strdup(mt_reader_error(r));
  mt_reader_close(r);
  return total;
}

static void write_file(const char *path, const char *data, size_t n){
  FILE *f = fopen(path, "wb");
  fwrite(data, 1, n, f);
  fclose(f);
}

static void write_gz(const char *path, const char *data, size_t n, const char *mode){
  gzFile g = gzopen(path, mode);
  gzwrite(g, data, (unsigned)n);
  gzclose(g);
}

int main(void){
  char dir[64], path[128], path2[128];
  long long lines; int rc; char *err;
  char *big;
  size_t i, N = 3*1024*1024;
  strcpy(dir, tmpl);
  if( !mkdtemp(dir) ){ unit_checks++; printf("FAIL bytes.mkdtemp\n"); return 1; }

  /* plain, no final newline */
  snprintf(path, sizeof(path), "%s/a.log", dir);
  write_file(path, "one\ntwo\nthree", 13);
  CHECK("bytes.plain.total", read_all(path, &lines, &rc, &err)==13 && rc==0 && lines==2);

  /* a 10 MB line between two short ones */
  big = malloc(10*1024*1024 + 16);
  memcpy(big, "a\n", 2);
  memset(big+2, 'x', 10*1024*1024);
  memcpy(big+2+10*1024*1024, "\nb\n", 3);
  write_file(path, big, 10*1024*1024 + 5);
  CHECK("bytes.long_line", read_all(path, &lines, &rc, &err)==10*1024*1024+5 && rc==0 && lines==3);

  /* gzip, two members concatenated (as `cat a.gz b.gz` makes) */
  snprintf(path2, sizeof(path2), "%s/b.gz", dir);
  write_gz(path2, "l1\nl2\n", 6, "wb");
  {
    char tmp2[160];
    snprintf(tmp2, sizeof(tmp2), "%s/c.gz", dir);
    write_gz(tmp2, "l3\n", 3, "wb");
    {
      FILE *a = fopen(path2, "ab"), *b = fopen(tmp2, "rb");
      char buf[256]; size_t k;
      while( (k = fread(buf, 1, sizeof(buf), b))>0 ) fwrite(buf, 1, k, a);
      fclose(a); fclose(b);
    }
  }
  CHECK("bytes.gzip_members", read_all(path2, &lines, &rc, &err)==9 && rc==0 && lines==3);

  /* gzip cut short: every whole line before the cut, then an error naming file and byte */
  for(i=0; i<N; i++) big[i] = (i % 50 == 49) ? '\n' : (char)('a' + i % 26);
  write_gz(path2, big, N, "wb9");
  {
    FILE *f = fopen(path2, "rb"); long sz; char *buf;
    fseek(f, 0, SEEK_END); sz = ftell(f); fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)sz); if( fread(buf, 1, (size_t)sz, f)!=(size_t)sz ){} fclose(f);
    write_file(path2, buf, (size_t)sz/2);
    free(buf);
  }
  {
    long long got = read_all(path2, &lines, &rc, &err);
    CHECK("bytes.gzip_truncated.error", rc==-1 && err && strstr(err, "b.gz: truncated gzip stream") && strstr(err, "byte"));
    CHECK("bytes.gzip_truncated.whole_lines_first", got > 0 && got % 50 == 0 && lines == got/50);
    free(err);
  }

  /* a plain file that shrinks while it is read (rotation by copy-truncate) */
  write_file(path, big, N);
  {
    char *e = 0;
    mt_reader *r = mt_reader_open(path, 0, &e);
    const char *p; size_t n; int64_t off;
    int first = r ? mt_reader_next(r, &p, &n, &off) : -9;
    if( truncate(path, 1000)!=0 ){}
    while( r && (rc = mt_reader_next(r, &p, &n, &off))==1 ){}
    CHECK("bytes.shrink.detected", first==1 && rc==-1 && strstr(mt_reader_error(r), "shrank"));
    mt_reader_close(r);
  }

  /* not gzip although named .gz: read as text */
  snprintf(path2, sizeof(path2), "%s/plain.gz", dir);
  write_file(path2, "x\ny\n", 4);
  CHECK("bytes.magic_not_name", read_all(path2, &lines, &rc, &err)==4 && rc==0 && lines==2);

  /* missing file and directory: errors name the path */
  snprintf(path2, sizeof(path2), "%s/none.log", dir);
  read_all(path2, &lines, &rc, &err);
  CHECK("bytes.missing", rc==-2 && err && strstr(err, "none.log: No such file"));
  free(err);
  read_all(dir, &lines, &rc, &err);
  CHECK("bytes.directory", rc==-2 && err && strstr(err, "is a directory"));
  free(err);

  /* start offset */
  write_file(path, "aa\nbb\ncc\n", 9);
  {
    char *e = 0;
    mt_reader *r = mt_reader_open(path, 3, &e);
    const char *p; size_t n; int64_t off;
    CHECK("bytes.seek", r && mt_reader_next(r, &p, &n, &off)==1 && off==3 && n==6 && memcmp(p, "bb\ncc\n", 6)==0);
    mt_reader_close(r);
  }
  /* a chunk taken with its buffer (mt_reader_swap_buf, the offset index's
  ** window): it stays as read while the reader reads on into the buffers
  ** given back, and the chunks still make the file, an unfinished line
  ** carried over each time (reads of 64 KiB + 100 bytes, lines of 50) */
  snprintf(path2, sizeof(path2), "%s/swap.log", dir);
  write_file(path2, big, N);
  {
    char *e = 0, *held[3] = {malloc(1 << 17), malloc(1 << 17), malloc(1 << 17)}, *small = malloc(1024);
    size_t hcap[3] = {1 << 17, 1 << 17, 1 << 17}, hlen[3] = {0, 0, 0}, scap = 1024;
    int64_t hoff[3] = {0, 0, 0};
    mt_reader *r = mt_reader_open(path2, 0, &e);
    const char *p; size_t n; int64_t off, expect = 0;
    int k = 0, same = 1, refused = 0, swaps = 0;
    if( r ) mt_reader_set_readahead(r, 65536 + 100);
    while( r && mt_reader_next(r, &p, &n, &off)==1 ){
      int j = k % 3;
      same &= off==expect && (n % 50 == 0 || off + (int64_t)n==(int64_t)N) && memcmp(p, big + off, n)==0;
      expect += (int64_t)n;
      if( k==1 ) refused = mt_reader_swap_buf(r, p + 1, &held[j], &hcap[j])==-1
                           && mt_reader_swap_buf(r, p, &small, &scap)==-1 && scap==1024;
      if( mt_reader_swap_buf(r, p, &held[j], &hcap[j])==0 ){
        swaps++;
        same &= held[j]==p;
        hlen[j] = n; hoff[j] = off;
      }
      /* the chunks taken before are still as they were read */
      for(j=0; j<3 && k>0; j++) if( held[j] && hlen[j] ) same &= memcmp(held[j], big + hoff[j], hlen[j])==0;
      k++;
    }
    CHECK("bytes.swap_buf.chunks_kept_and_whole", r && same && expect==(int64_t)N && swaps==k && k > 40);
    CHECK("bytes.swap_buf.refuses_another_chunk_or_a_small_buffer", refused);
    mt_reader_close(r);
    free(held[0]); free(held[1]); free(held[2]); free(small);
  }
  /* a gzip reader started again in place (mt_reader_restart, the offset
  ** index's lookups): from a restart point or from the file's start, at
  ** line starts before and after where it is, each time the file's bytes
  ** from there; a plain reader, or one collecting points, refuses */
  snprintf(path2, sizeof(path2), "%s/restart.gz", dir);
  {
    uint32_t x = 12345;           /* text that does not compress to a few blocks */
    for(i=0; i<N; i++){ x = (uint32_t)(((uint64_t)x*1103515245u + 12345u) & 0xffffffffu); big[i] = (i % 50 == 49) ? '\n' : (char)('a' + (x >> 16) % 26); }
  }
  write_gz(path2, big, N, "wb6");
  {
    char *e = 0;
    mt_reader *r = mt_reader_open(path2, 0, &e);
    mt_zpoint *pts = 0; int npts = 0, ok = 1, k, refused;
    unsigned char *win = 0; size_t nwin = 0;
    const char *p; size_t n; int64_t off;
    static const int64_t at[] = { 2000000, 50, 1048600, 3100000, 0, 2600000, 700000 };
    if( r ){
      mt_reader_collect_points(r, 256*1024);
      refused = mt_reader_restart(r, 50, 0)==-1;
      while( mt_reader_next(r, &p, &n, &off)==1 ){}
      ok &= mt_reader_take_points(r, &pts, &npts, &win, &nwin)==0 && npts >= 8 && nwin > 0;
      mt_reader_close(r);
    }else{ ok = 0; refused = 0; }
    CHECK("bytes.restart.refused_while_collecting_points", refused);
    r = mt_reader_open_at(path2, 0, 0, &e);
    for(k=0; r && ok && k < (int)(sizeof(at)/sizeof(at[0])); k++){
      const mt_zpoint *zp = 0;
      int j, got = 0;
      for(j=0; j<npts && (k & 1); j++) if( pts[j].out <= at[k] ) zp = &pts[j];   /* every other: from the start */
      if( mt_reader_restart(r, at[k], zp) ){ ok = 0; break; }
      mt_reader_set_readahead(r, 65536 + 4096);
      while( got < 3 && mt_reader_next(r, &p, &n, &off)==1 ){
        ok &= off==(got ? off : at[k]) && off + (int64_t)n <= (int64_t)N && memcmp(p, big + off, n)==0 && n > 0;
        got++;
      }
      ok &= got > 0;
    }
    CHECK("bytes.restart.gzip_same_bytes_from_points_and_start", r && ok);
    mt_reader_close(r);
    free(pts);
    free(win);
    r = mt_reader_open(path, 0, &e);
    CHECK("bytes.restart.plain_refused", r && mt_reader_restart(r, 0, 0)==-1);
    mt_reader_close(r);
  }
  {
    /* mt_count_nl (32 or 16 bytes a step, then bytes) against a byte loop:
    ** every length to 300 at each of 32 alignments, newlines sparse and
    ** dense, and runs past the 255 steps its byte counters hold; with the
    ** AVX2 loop where the CPU has it, and with the 16-byte loop forced */
    static char buf[300 + 32 + 20000];
    int ok = 1, dense, simd, had = mt_count_nl_simd(-1);
    size_t len, al, j, want;
    srand(7);
    for(simd=1; simd>=0; simd--)
    for(dense=0; dense<3; dense++){
      mt_count_nl_simd(simd);
      for(j=0; j<sizeof(buf); j++){
        int r = rand() % 100;
        buf[j] = dense==2 ? '\n' : (r < (dense ? 60 : 2) ? '\n' : (char)('a' + r % 26));
      }
      for(al=0; al<32; al++) for(len=0; len<=300; len++){
        for(want=0, j=0; j<len; j++) want += buf[al+j]=='\n';
        if( mt_count_nl(buf + al, len)!=(int64_t)want ) ok = 0;
      }
      for(al=0; al<3; al++){
        len = sizeof(buf) - 32 - al;
        for(want=0, j=0; j<len; j++) want += buf[al+j]=='\n';
        if( mt_count_nl(buf + al, len)!=(int64_t)want ) ok = 0;
      }
    }
    mt_count_nl_simd(had);
    CHECK("bytes.count_nl_same_as_byte_loop", ok);
  }
  free(big);
  {
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    if( system(cmd)!=0 ){}
  }
  return unit_failed ? 1 : 0;
}
