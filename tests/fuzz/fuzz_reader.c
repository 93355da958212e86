/* SPDX-License-Identifier: MIT */
/*
** fuzz_reader.c — libFuzzer target for the whole walk: bytes written to a
** file (plain or gzip, whatever the magic says), read by the reader, every
** line parsed, and the entity store built and finished (ext/bytes.c,
** scan.c, lines.c, events.c, entities.c); then the offset index built over
** it and a few ids and an IP resolved from it (index.c, partial.c); and for
** gzip, every restart point read to the end must give back the bytes a read
** from the start gave (a mismatch aborts).  Damage must be an error, never a
** crash or an out-of-bounds read.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entities.h"
#include "partial.h"

/* The bytes a read from the start gives, restart points every 4 KiB. */
static char *read_all(const char *path, size_t *pn, mt_zpoint **pts, int *npts, unsigned char **win){
  char *err = 0, *out = 0;
  size_t n = 0, cap = 0;
  const char *p;
  size_t cn;
  int64_t off;
  mt_reader *rd = mt_reader_open(path, 0, &err);
  size_t nwin = 0;
  *pn = 0; *pts = 0; *npts = 0; *win = 0;
  if( !rd ){ free(err); return 0; }
  mt_reader_collect_points(rd, 4096);
  while( mt_reader_next(rd, &p, &cn, &off)==1 ){
    if( (size_t)off!=n ) abort();
    if( n + cn > cap ){ cap = (n + cn)*2; out = realloc(out, cap); if( !out ) abort(); }
    memcpy(out + n, p, cn); n += cn;
  }
  mt_reader_take_points(rd, pts, npts, win, &nwin);
  mt_reader_close(rd);
  *pn = n;
  return out;
}

static void check_points(const char *path){
  size_t n;
  mt_zpoint *pts;
  unsigned char *win;
  int npts, i;
  char *all = read_all(path, &n, &pts, &npts, &win);
  for(i=0; i<npts && i<6; i++){
    char *err = 0;
    const char *p;
    size_t cn;
    int64_t off;
    mt_reader *rd = mt_reader_open_at(path, pts[i].out, &pts[i], &err);
    if( !rd ){ free(err); continue; }
    while( mt_reader_next(rd, &p, &cn, &off)==1 ){
      /* what the read from the start got must be the same bytes */
      if( off < pts[i].out ) abort();
      if( (size_t)off < n && memcmp(p, all + off, (size_t)off + cn <= n ? cn : n - (size_t)off)!=0 ) abort();
    }
    mt_reader_close(rd);
  }
  free(pts);
  free(win);
  free(all);
}

/* Index the file, resolve its first ids and an IP, build the small store. */
static void check_index(const mt_filelist *files){
  mt_opts o;
  mt_index *ix;
  mt_partial *pt;
  char *err = 0;
  memset(&o, 0, sizeof(o));
  mt_index_build(files, &o, 0, 0, &ix, &err, 0, 0);
  free(err); err = 0;
  if( !ix ) return;
  pt = mt_partial_new(files, &o, ix);
  if( pt ){
    int64_t id;
    for(id=0; id<4; id++){
      mt_partial_want(pt, MT_PW_MID, id, 0);
      mt_partial_want(pt, MT_PW_ICID, id, 0);
      mt_partial_want(pt, MT_PW_DCID, id, 0);
    }
    mt_partial_want(pt, MT_PW_IP, 0, "192.0.2.1");
    if( mt_partial_resolve(pt, 0, 0, &err, 0, 0)==MT_OK ){
      mt_store *st = 0;
      free(err); err = 0;
      mt_partial_store(pt, 0, &st, &err);
      mt_store_free(st);
    }
    free(err);
    mt_partial_free(pt);
  }
  mt_index_free(ix);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  static char path[64];
  mt_filelist files;
  mt_opts opts;
  mt_store *st;
  mt_stats stats;
  mt_problem *problems = 0;
  int nproblem = 0, i;
  char *err = 0;
  FILE *f;
  if( !path[0] ) snprintf(path, sizeof(path), "/tmp/mt_fuzz_reader_%d.log", (int)getpid());
  f = fopen(path, "wb");
  if( !f ) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  memset(&files, 0, sizeof(files));
  memset(&opts, 0, sizeof(opts));
  opts.on_error_skip = size & 1;            /* both error modes */
  opts.year = 2026;
  if( mt_files_add(&files, path, &err) ){ free(err); return 0; }
  mt_store_build(&files, &opts, &stats, &problems, &nproblem, &st, &err, 0, 0);
  mt_store_free(st);
  free(err);
  check_index(&files);
  if( size>=2 && data[0]==0x1f && data[1]==0x8b ) check_points(path);
  for(i=0; i<nproblem; i++){ free(problems[i].file); free(problems[i].message); }
  free(problems);
  mt_files_free(&files);
  return 0;
}
