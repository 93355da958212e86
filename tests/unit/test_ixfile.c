/* SPDX-License-Identifier: MIT */
/*
** test_ixfile.c — index files (index=DIR, ext/index.c "persistence"):
** mapped and used in place, each page of the payload checked against its
** CRC the first time a lookup reads it.
**
**  - a second build loads the file (no log byte read) and every key of the
**    log gives the same blocks and unit masks as an index built in memory
**    (many pieces: the segments put together before saving);
**  - a page damaged where only a lookup reads it (the postings at the end
**    of the payload) is not seen at open; the lookup that reads it answers
**    with every block of the file (a superset: every right block and unit
**    is in it), the file is removed, and the next build reads the log and
**    saves a sound file again;
**  - a damaged page of the block table is seen at open (rebuilt);
**  - a file of an older format (MTIDX03) is rebuilt;
**  - a file sealed again after damage (page CRCs and header CRC made to
**    match) loads without a read outside its arrays (ASan) and without a
**    block number past the end.
*/
#include "unit.h"
#include "index.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <stddef.h>
#include <zlib.h>

/* A log of many 64 KiB blocks: the esa1 plain files over and over (its
** ids recur in every block). */
static int make_log(char *path){ return unit_repeated_log(path, 100); }

/* Every key the anchor scan finds in the log (once each). */
typedef struct keyset { uint64_t *k; int n, cap; } keyset;

static void on_key(void *arg, int kind, uint64_t id, size_t line_start){
  keyset *s = arg;
  uint64_t key = ((uint64_t)kind << 62) | id;
  int i;
  (void)line_start;
  for(i=s->n-1; i>=0 && i>=s->n-64; i--) if( s->k[i]==key ) return;   /* nearby repeats */
  if( s->n==s->cap ){
    uint64_t *nk = realloc(s->k, sizeof(uint64_t)*(size_t)(s->cap ? s->cap*2 : 1024));
    if( !nk ) return;
    s->k = nk; s->cap = s->cap ? s->cap*2 : 1024;
  }
  s->k[s->n++] = key;
}

static void keys_of(const char *path, keyset *s){
  FILE *f = fopen(path, "rb");
  static char buf[1<<23];
  size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
  if( f ) fclose(f);
  while( n && buf[n-1]!='\n' ) n--;
  memset(s, 0, sizeof(*s));
  mt_index_extract(buf, n, on_key, s);
}

static mt_index *build(const mt_filelist *fl, char *dir, mt_stats *st){
  mt_opts o;
  mt_index *ix = 0;
  char *err = 0;
  memset(&o, 0, sizeof(o));
  o.index_dir = dir;
  if( mt_index_build(fl, &o, 0, st, &ix, &err, 0, 0)!=MT_OK ){ printf("  build: %s\n", err ? err : "?"); free(err); }
  return ix;
}

/* The one index file in dir: its path in out; 0, or -1 when none. */
static int the_file(const char *dir, char *out, size_t n){
  DIR *d = opendir(dir);
  struct dirent *de;
  int found = -1;
  while( d && (de = readdir(d))!=0 ){
    size_t l = strlen(de->d_name);
    if( l > 4 && strcmp(de->d_name + l - 4, ".idx")==0 ){ snprintf(out, n, "%s/%s", dir, de->d_name); found = 0; }
  }
  if( d ) closedir(d);
  return found;
}

static unsigned char *slurp(const char *path, long *pn){
  FILE *f = fopen(path, "rb");
  unsigned char *b = 0;
  long n;
  *pn = 0;
  if( !f ) return 0;
  fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
  b = malloc((size_t)n + 1);
  if( b && fread(b, 1, (size_t)n, f)!=(size_t)n ){ free(b); b = 0; }
  fclose(f);
  *pn = b ? n : 0;
  return b;
}

static int spill(const char *path, const unsigned char *b, long n){
  FILE *f = fopen(path, "wb");
  int ok = f && fwrite(b, 1, (size_t)n, f)==(size_t)n;
  if( f && fclose(f)!=0 ) ok = 0;
  return ok ? 0 : -1;
}

/* Make every CRC of the file match its bytes again (pages, then header). */
static void reseal(unsigned char *b, long n){
  mt_ix_file_header h;
  uint32_t *crc, p;
  uint32_t c;
  if( n < (long)sizeof(h) ) return;
  memcpy(&h, b, sizeof(h));
  if( h.npage > (uint64_t)n || h.payload_at > (uint64_t)n || h.page_shift < 12 || h.page_shift > 24 ) return;
  crc = (uint32_t*)(b + sizeof(h) + sizeof(mt_ix_file_array)*(size_t)h.narray);
  if( (unsigned char*)(crc + h.npage) > b + n ) return;
  for(p=0; p<h.npage; p++){
    uint64_t at = h.payload_at + ((uint64_t)p << h.page_shift), len = (uint64_t)1 << h.page_shift;
    if( at > (uint64_t)n ) break;
    if( at + len > (uint64_t)n ) len = (uint64_t)n - at;
    crc[p] = mt_index_file_sum(0, b + at, (size_t)len);
  }
  h.crc = 0;
  memcpy(b, &h, sizeof(h));
  c = mt_index_file_sum(0, b, (size_t)((unsigned char*)(crc + h.npage) - b));
  h.crc = (uint32_t)c;
  memcpy(b, &h, sizeof(h));
}

/* Is (a, m, n) a superset of (wa, wm, wn): every block and unit in it? */
static int superset(const uint32_t *a, const uint64_t *m, int n, const uint32_t *wa, const uint64_t *wm, int wn){
  int i, j = 0;
  for(i=0; i<wn; i++){
    while( j<n && a[j] < wa[i] ) j++;
    if( j==n || a[j]!=wa[i] || (wm[i] & ~m[j]) ) return 0;
  }
  return 1;
}

int main(void){
  char logp[] = "/tmp/mt_test_ixfile_log_XXXXXX";
  char dir[] = "/tmp/mt_test_ixfile_dir_XXXXXX";
  char idx[700];
  mt_filelist fl;
  mt_index *mem = 0, *ix;
  mt_stats st;
  keyset ks;
  char *err = 0;
  int i, same = 1, found = 0;
  uint32_t nb = 0;
  if( make_log(logp) || !mkdtemp(dir) ){ CHECK("ixfile.setup", 0); return 1; }
  memset(&fl, 0, sizeof(fl));
  if( mt_files_add(&fl, logp, &err) ){ CHECK("ixfile.setup", 0); return 1; }
  keys_of(logp, &ks);
  /* many pieces: the saved file puts their segments together */
  setenv("MAILTRACE_INDEX_PIECE", "131072", 1);
  mem = build(&fl, 0, &st);
  ix = build(&fl, dir, &st);
  CHECK("ixfile.saved", mem && ix && the_file(dir, idx, sizeof(idx))==0 && st.index_read > 0);
  mt_index_free(ix);
  if( !mem ) return 1;
  nb = mt_index_nblock(mem);

  /* a new build loads it: no log byte, the same answers */
  ix = build(&fl, dir, &st);
  CHECK("ixfile.loaded_without_reading_the_log", ix && st.index_read==0 && mt_index_nblock(ix)==nb);
  for(i=0; ix && i<ks.n; i++){
    uint32_t *a, *b; uint64_t *ma, *mb; int na, nbk;
    if( mt_index_lookup_units(mem, ks.k[i], &a, &ma, &na) || mt_index_lookup_units(ix, ks.k[i], &b, &mb, &nbk) ){ same = 0; break; }
    if( na!=nbk || (na && (memcmp(a, b, sizeof(*a)*(size_t)na) || memcmp(ma, mb, sizeof(*ma)*(size_t)na))) ) same = 0;
    found += na > 0;
    free(a); free(b); free(ma); free(mb);
  }
  CHECK("ixfile.mapped_same_blocks_and_units", same && found > 1000 && nb > 30);
  mt_index_free(ix);

  /* a damaged page that only a lookup reads: the last page of the payload */
  {
    long n;
    unsigned char *b = slurp(idx, &n);
    int fell_back = 0, sup = 1, looked = 0;
    if( b && n > 8 ){
      b[n - 5] ^= 0x40;
      spill(idx, b, n);
    }
    free(b);
    ix = build(&fl, dir, &st);
    CHECK("ixfile.late_damage_not_read_at_open", ix && st.index_read==0 && the_file(dir, idx, sizeof(idx))==0);
    for(i=0; ix && i<ks.n; i++){
      uint32_t *wa, *a; uint64_t *wm, *m; int wn, na;
      if( mt_index_lookup_units(mem, ks.k[i], &wa, &wm, &wn) || mt_index_lookup_units(ix, ks.k[i], &a, &m, &na) ){ sup = 0; break; }
      if( !superset(a, m, na, wa, wm, wn) ) sup = 0;
      if( na==(int)nb ){
        /* every block, every unit (the ids of this log recur in every block:
        ** the units tell the fallback from the right answer) */
        int all = 1, k, narrow = wn < na;
        for(k=0; k<na; k++){ if( m[k]!=UINT64_MAX ) all = 0; }
        for(k=0; k<wn; k++){ if( wm[k]!=UINT64_MAX ) narrow = 1; }
        if( all && narrow ) fell_back = 1;
      }
      looked++;
      free(wa); free(wm); free(a); free(m);
    }
    CHECK("ixfile.late_damage_answers_are_supersets", sup && looked==ks.n);
    CHECK("ixfile.late_damage_falls_back_to_every_block", fell_back);
    CHECK("ixfile.late_damage_file_removed", the_file(dir, idx, sizeof(idx))!=0);
    mt_index_free(ix);
    ix = build(&fl, dir, &st);
    CHECK("ixfile.late_damage_rebuilt_next", ix && st.index_read > 0 && the_file(dir, idx, sizeof(idx))==0);
    mt_index_free(ix);
    ix = build(&fl, dir, &st);
    CHECK("ixfile.rebuilt_file_loads", ix && st.index_read==0);
    mt_index_free(ix);
  }

  /* a damaged block table (read at open): ignored and rebuilt */
  {
    long n;
    unsigned char *b = slurp(idx, &n);
    mt_ix_file_header h;
    if( b && n > (long)sizeof(h) ){
      memcpy(&h, b, sizeof(h));
      if( h.payload_at + 8 < (uint64_t)n ) b[h.payload_at + 3] ^= 0x01;   /* block 0's line number */
      spill(idx, b, n);
    }
    free(b);
    ix = build(&fl, dir, &st);
    CHECK("ixfile.damaged_block_table_rebuilt_at_open", ix && st.index_read > 0);
    mt_index_free(ix);
  }

  /* an older format: rebuilt */
  {
    long n;
    unsigned char *b = slurp(idx, &n);
    if( b && n > 8 ){ memcpy(b, "MTIDX03", 8); reseal(b, n); spill(idx, b, n); }
    free(b);
    ix = build(&fl, dir, &st);
    CHECK("ixfile.older_format_rebuilt", ix && st.index_read > 0);
    mt_index_free(ix);
  }

  /* damaged, then sealed again (as if written so): no crash, no read out
  ** of bounds (ASan), no block past the end */
  {
    unsigned seed = 777;
    int round, safe = 1, loaded = 0;
    long n0;
    unsigned char *orig = slurp(idx, &n0);
    for(round=0; orig && round<200; round++){
      unsigned char *b = malloc((size_t)n0);
      int k;
      if( !b ) break;
      memcpy(b, orig, (size_t)n0);
      for(k=0; k<1 + (int)(seed % 4); k++){
        long at;
        seed = (unsigned)(((uint64_t)seed*1103515245u + 12345u) & 0xffffffffu);   /* (wraps by hand: UBSan checks unsigned overflow) */
        at = (long)(seed % (unsigned)n0);
        if( round % 4==0 ) at = (long)MT_IX_FILE_HEADER + (long)(seed % 256u);   /* the directory */
        seed = (unsigned)(((uint64_t)seed*1103515245u + 12345u) & 0xffffffffu);   /* (wraps by hand: UBSan checks unsigned overflow) */
        if( at < n0 ) b[at] ^= (unsigned char)(1u << (seed % 8));
      }
      reseal(b, n0);
      spill(idx, b, n0);
      free(b);
      ix = build(&fl, dir, &st);
      if( !ix ){ safe = 0; break; }
      {
        uint32_t j, nbl = mt_index_nblock(ix), *a;
        uint64_t *m;
        int na, q;
        mt_ix_block bl;
        for(j=0; j<nbl; j++) mt_index_block(ix, j, &bl);
        for(q=0; q<ks.n; q += 7){
          if( mt_index_lookup_units(ix, ks.k[q], &a, &m, &na) ){ safe = 0; continue; }
          for(k=0; k<na; k++) if( a[k] >= nbl ) safe = 0;
          free(a); free(m);
        }
      }
      mt_index_free(ix);
      loaded++;
      spill(idx, orig, n0);
    }
    free(orig);
    CHECK("ixfile.sealed_damage_loads_safely", safe && loaded==200);
  }

  unsetenv("MAILTRACE_INDEX_PIECE");
  mt_index_free(mem);
  free(ks.k);
  mt_files_free(&fl);
  {
    DIR *d = opendir(dir);
    struct dirent *de;
    while( d && (de = readdir(d))!=0 ){
      char path[700];
      if( de->d_name[0]=='.' ) continue;
      snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
      unlink(path);
    }
    if( d ) closedir(d);
    rmdir(dir);
  }
  unlink(logp);
  return unit_failed ? 1 : 0;
}
