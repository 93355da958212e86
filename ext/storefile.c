/* SPDX-License-Identifier: MIT */
/*
** storefile.c — a whole-log entity store saved to index=DIR and read back
** by a new process (storefile.h).
**
** Usage (SQL; cache.c calls this file around mt_store_build):
**
**   SELECT mailtrace_open('/var/log/esa/', 'index=/var/tmp/esa-index');
**   SELECT status, count(*) FROM messages GROUP BY 1;   -- built, then saved
**   -- a new process: read from DIR/mailtrace-<hash>.store, nothing parsed
**
** Layout (MTSTORE1):
**   header (sf_header) | nfile file records (sf_filerec) | nsect directory
**   entries (sf_sect) | text: the options key, then each file's path and
**   folder, NUL-terminated | zeros up to payload_at (4 KiB aligned) |
**   payload: the sections of SF_SECTIONS in that order, each at a 64-byte
**   boundary, each an array as it is in memory.
** The header's meta_crc (CRC-32C, index.h's mt_index_file_sum) covers
** everything before the payload; after the payload, the CRC-32C of each of
** its 1 MiB blocks, that table's CRC in the header (payload_crc).
**
** Strings: the connections' strings first, each once (sf_own: the
** header's conn_strings bytes, checked with MT_SF_PART_CONNS, so that a
** question about connections alone maps and checks those only), then the
** arena's chunks one after the other, then any string a row points to
** outside the arena (a literal): the section SF_STRINGS.  A pointer is written as the address it will have when the
** file is mapped at the header's `base` (one of 1,024 places from 32 TiB
** up, chosen by the file's name), 0 for NULL.  Loading maps the file there
** (read-only, MAP_FIXED_NOREPLACE), verifies every block (four at a time),
** checks that every pointer lies in the blob, and uses the big arrays (rows,
** id maps, hours, gaps) and the strings where they lie: no copy, nothing
** moved; a store so loaded is freed with mt_storefile_free and copied out
** (mt_storefile_own) before it may grow.  When the place is taken, the file
** is read into memory of the store's own, the CRCs taken on the way, and
** every pointer moved to the blob, adopted as one arena chunk
** (mt_store_arena_adopt).  Every pointer field of every row is in
** SF_TABLES below, one run of consecutive `const char *` per struct: the
** static asserts check the run and the struct's size, so a field added to
** a row (or to mt_store) stops the build here until this file knows it.
*/
#include "storefile.h"
#include "attach.h"
#include "bytes.h"
#include "grow.h"
#include "hashmap.h"
#include "index.h"
#include "threads.h"
#include "wraps.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__has_include)
# if __has_include("buildfp.h")
#  include "buildfp.h"          /* the Makefile's checksum of ext/'s sources */
# endif
#endif
#ifndef MT_BUILD_FP
# define MT_BUILD_FP ""         /* none: never save or load */
#endif

/* The row sizes below are those of a 64-bit build; elsewhere (no image
** of such a layout was ever checked) nothing is saved or loaded. */
#if UINTPTR_MAX == 0xffffffffffffffffu
# define SF_FP MT_BUILD_FP
# define SF_LAYOUT_KNOWN 1
#else
# define SF_FP ""
# define SF_LAYOUT_KNOWN 0
#endif

const char *mt_storefile_build(void){ return SF_FP; }

#define SF_MAGIC "MTSTORE1"
#define SF_VERSION 3            /* 2: the columns kept apart (SF_MSG_STATUS ... SF_DOM_TEXT);
                                ** 3: the connections' strings apart (sf_header.conn_strings) */
#define SF_ALIGN 64
#define SF_META_ALIGN 4096

/* ------------------------------------------------------------ the rows */

/* The connections' pointers (their strings are written apart: sf_own). */
#define SF_CONN_PTRS 11

/* X(kind, type, array, count, first pointer, last pointer, pointers, size) */
#define SF_TABLES(X) \
  X(SF_CONNS,  mt_conn,     conns,  nconn,  interface,    error, SF_CONN_PTRS, 208) \
  X(SF_MSGS,   mt_msg,      msgs,   nmsg,   mail_from,    dane_status,   24, 408) \
  X(SF_MORE,   mt_msg_more, more,   nmore,  dlp,          sha256,        12, 120) \
  X(SF_RCPTS,  mt_rcpt,     rcpts,  nrcpt,  rcpt_to,      disagreement,   4, 104) \
  X(SF_DCONNS, mt_dconn,    dconns, ndconn, interface_ip, tls_cipher,     5,  88) \
  X(SF_DLVS,   mt_dlv,      dlvs,   ndlv,   domain,       response,       7, 144)

/* A struct that changes size, or whose pointers are no longer one run of
** `n` (a pointer added, removed or moved), stops the build: teach SF_TABLES
** the new field, and bump SF_VERSION when the layout changes. */
#if SF_LAYOUT_KNOWN
#define SF_ASSERT(K, T, A, N, F0, F1, NP, SZ) \
  _Static_assert(sizeof(T)==(SZ), #T " changed size: update SF_TABLES in storefile.c"); \
  _Static_assert((offsetof(T, F1) - offsetof(T, F0))/sizeof(char*) + 1==(NP), \
                 #T ": its string pointers are not the run SF_TABLES names");
SF_TABLES(SF_ASSERT)
#undef SF_ASSERT
#endif
/* The attachment join kept with the store (attach.h, mt_store.attach): its
** rows' strings are malloc'd one by one (mt_attach_free frees them so), so
** they are written into the blob and copied out again on load.
** X(field) per pointer; the sizes below catch a field added. */
#define SF_AFILE_PTRS(X) X(mt_afile, host) X(mt_afile, name) X(mt_afile, sha256) X(mt_afile, mime) \
  X(mt_afile, disposition) X(mt_afile, malware) X(mt_afile, score) X(mt_afile, source) \
  X(mt_afile, upload_action) X(mt_afile, upload)
#define SF_ASHA_PTRS(X) X(mt_asha, sha256) X(mt_asha, analysis) X(mt_asha, analysis_score) \
  X(mt_asha, analysis_malware) X(mt_asha, retro) X(mt_asha, retro_malware)
#define SF_AVHIT_PTRS(X) X(mt_avhit, host) X(mt_avhit, engine) X(mt_avhit, virus) X(mt_avhit, part) \
  X(mt_avhit, detail)
#define SF_OFF(T, F) offsetof(T, F),
#define SF_ONE(T, F) + 1
static const size_t afile_ptrs[] = { SF_AFILE_PTRS(SF_OFF) };
static const size_t asha_ptrs[] = { SF_ASHA_PTRS(SF_OFF) };
static const size_t avhit_ptrs[] = { SF_AVHIT_PTRS(SF_OFF) };
#if SF_LAYOUT_KNOWN
_Static_assert(sizeof(mt_afile)==120 && 0 SF_AFILE_PTRS(SF_ONE)==10, "mt_afile changed: update storefile.c");
_Static_assert(sizeof(mt_asha)==88 && 0 SF_ASHA_PTRS(SF_ONE)==6, "mt_asha changed: update storefile.c");
_Static_assert(sizeof(mt_avhit)==64 && 0 SF_AVHIT_PTRS(SF_ONE)==5, "mt_avhit changed: update storefile.c");
_Static_assert(sizeof(mt_attach)==144, "mt_attach changed: update storefile.c");
#endif
#undef SF_OFF
#undef SF_ONE

/* The store itself: a field added to it must be saved (or declared not
** saved) here. */
#if SF_LAYOUT_KNOWN
_Static_assert(sizeof(mt_store)==616, "mt_store changed: update storefile.c");
_Static_assert(sizeof(mt_hslot)==16 && sizeof(mt_hour)==32 && sizeof(mt_gap)==24,
               "a saved array changed: bump SF_VERSION");
#endif

/* The maps, saved as their slots (rebuilding them would need the build's
** order of insertion; reading the slots is exact and cheaper). */
#define SF_MAPS(X) \
  X(SF_MAP_CONN,  conn_by_id) \
  X(SF_MAP_MSG,   msg_by_id) \
  X(SF_MAP_DCONN, dconn_by_id) \
  X(SF_MAP_ICID,  icid_list) \
  X(SF_MAP_HOUR,  hour_map)

/* Per file (nfile each): X(kind, type, field). */
#define SF_FILE_ARRAYS(X) \
  X(SF_FILE_FIRST,    int64_t,       file_first) \
  X(SF_FILE_LAST,     int64_t,       file_last) \
  X(SF_FILE_END_OFF,  int64_t,       file_end_off) \
  X(SF_FILE_END_LINE, int64_t,       file_end_line) \
  X(SF_FILE_END_NL,   unsigned char, file_end_nl) \
  X(SF_FILE_TZ,       int,           file_tz) \
  X(SF_FILE_YEAR_SRC, unsigned char, file_year_src) \
  X(SF_FILE_TZ_SRC,   unsigned char, file_tz_src) \
  X(SF_FILE_LINES,    int64_t,       file_lines) \
  X(SF_FILE_KNOWN,    int64_t,       file_known)

/* The columns kept apart from the rows (entities.h), one value per row of
** their table: X(kind, type, field, count of the table). */
#define SF_COLUMNS(X) \
  X(SF_MSG_STATUS,  unsigned char, msg_status,  nmsg) \
  X(SF_RCPT_STATUS, unsigned char, rcpt_status, nrcpt) \
  X(SF_RCPT_DOM,    int32_t,       rcpt_dom,    nrcpt) \
  X(SF_DLV_RESULT,  unsigned char, dlv_result,  ndlv)

enum {
  SF_SCALARS = 1,
#define K_(K, ...) K,
  SF_TABLES(K_)
  SF_MAPS(K_)
  SF_FILE_ARRAYS(K_)
  SF_ICID_HEADS, SF_HOURS, SF_GAPS,
  SF_HOST_LEN, SF_HOST_FIRST, SF_HOST_LAST, SF_HOST_NAMES,
  SF_ATTACH,                   /* sf_attach: whether there is one, its counts */
  SF_AFILES, SF_ASHAS, SF_AVHITS, SF_ABYID, SF_ABYAV,
  SF_COLUMNS(K_)               /* the columns kept apart ... */
#undef K_
  SF_DOM_AT, SF_DOM_TEXT,      /* ... and the recipients' domains (mt_store.dom_at, dom_text) */
  SF_STRINGS,
  SF_NKIND
};

/* The counts and scalars of the store (section SF_SCALARS). */
typedef struct sf_scalars {
  int64_t nhost, last_host, other_log_lines;
  int64_t nicid, nhour, ngap;
  int64_t map_n[5], map_first[5];
  uint32_t other_log_types, pad;
} sf_scalars;

/* The attachment join's scalars (section SF_ATTACH). */
typedef struct sf_attach {
  int64_t present, n, ns, nv, sorted, at_file, at_lineno, at_off;
  uint64_t byid_n, byid_first, byav_n, byav_first;
} sf_attach;

typedef struct sf_header {
  char magic[8];
  uint32_t endian, version;
  char build[40];              /* MT_BUILD_FP, NUL-padded */
  uint32_t ptr_size, nfile, nsect;
  uint32_t conn_strings;       /* SF_STRINGS' first bytes: the connections' strings (sf_own);
                               ** 0: none apart, they point anywhere in it */
  uint64_t text_len;           /* the options key and the paths */
  uint64_t payload_at, payload_len;
  uint32_t payload_crc, meta_crc;
  uint64_t footprint;          /* bytes the loaded store holds (max_memory=) */
  uint64_t base;               /* the address the file is meant to be mapped at: every
                               ** string pointer in it is base + payload_at + strings_at + offset */
  uint64_t strings_at;         /* the payload offset of SF_STRINGS */
  uint64_t nblock;             /* CRC-32Cs of the payload's 1 MiB blocks, after the payload
                               ** (payload_crc: the CRC-32C of that table) */
} sf_header;
_Static_assert(sizeof(sf_header)==136, "sf_header");

typedef struct sf_filerec {
  uint64_t dev, ino;
  int64_t size, mtime, end_off;
  uint32_t fp, has_fp;
} sf_filerec;
_Static_assert(sizeof(sf_filerec)==48, "sf_filerec");

typedef struct sf_sect { uint32_t kind, elsize; uint64_t count, off; } sf_sect;
_Static_assert(sizeof(sf_sect)==24, "sf_sect");

static uint64_t align_up(uint64_t v, uint64_t a){ return (v + a - 1) & ~(a - 1); }

/* ------------------------------------------------------------ checksums */

/* The payload is checked in blocks of 1 MiB, each with its CRC-32C (index.h,
** mt_index_file_sum), the table of them after the payload: a whole payload
** is verified four blocks at a time, their CRCs interleaved (the CPU's
** CRC32 instruction takes three cycles but starts one every cycle), which
** is about three times as fast as one CRC over it all. */
#define SF_BLOCK_SHIFT 20
#define SF_BLOCK ((uint64_t)1 << SF_BLOCK_SHIFT)

/* The CRCs of a payload as it goes by. */
typedef struct sf_sum { uint32_t *crc; uint64_t n, cap, pos; uint32_t cur; int oom; } sf_sum;

static void sum_put(sf_sum *S, const unsigned char *p, uint64_t n){
  while( n ){
    uint64_t room = SF_BLOCK - (S->pos & (SF_BLOCK - 1));
    size_t k = (size_t)(n < room ? n : room);
    S->cur = mt_index_file_sum(S->cur, p, k);
    S->pos += k; p += k; n -= k;
    if( (S->pos & (SF_BLOCK - 1))==0 ){
      if( S->n==S->cap ){
        uint64_t nc = S->cap ? S->cap*2 : 256;
        uint32_t *x = realloc(S->crc, sizeof(uint32_t)*(size_t)nc);
        if( !x ){ S->oom = 1; return; }
        S->crc = x; S->cap = nc;
      }
      S->crc[S->n++] = S->cur;
      S->cur = 0;
    }
  }
}

/* After the last byte: the partial block's CRC too.  0, or -1 (out of memory). */
static int sum_end(sf_sum *S){
  if( (S->pos & (SF_BLOCK - 1)) && !S->oom ){
    uint32_t *x = realloc(S->crc, sizeof(uint32_t)*(size_t)(S->n + 1));
    if( !x ){ S->oom = 1; return -1; }
    S->crc = x; S->cap = S->n + 1;
    S->crc[S->n++] = S->cur;
    S->cur = 0;
  }
  return S->oom ? -1 : 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
#define SF_HW_CRC 1
/* Four blocks of n bytes at once (n a multiple of 8); the same values as
** mt_index_file_sum (checked once before use). */
__attribute__((target("sse4.2")))
static void crc4_sse42(const unsigned char *p[4], size_t n, uint32_t out[4]){
  uint64_t c0 = 0xffffffffu, c1 = 0xffffffffu, c2 = 0xffffffffu, c3 = 0xffffffffu;
  size_t i;
  for(i=0; i<n; i+=8){
    uint64_t v0, v1, v2, v3;
    memcpy(&v0, p[0]+i, 8); memcpy(&v1, p[1]+i, 8); memcpy(&v2, p[2]+i, 8); memcpy(&v3, p[3]+i, 8);
    c0 = __builtin_ia32_crc32di(c0, v0); c1 = __builtin_ia32_crc32di(c1, v1);
    c2 = __builtin_ia32_crc32di(c2, v2); c3 = __builtin_ia32_crc32di(c3, v3);
  }
  out[0] = ~(uint32_t)c0; out[1] = ~(uint32_t)c1; out[2] = ~(uint32_t)c2; out[3] = ~(uint32_t)c3;
}
static int crc4_ok(void){
  static int ok = -1;
  if( ok<0 ){
    int yes = __builtin_cpu_supports("sse4.2");
    if( yes ){
      unsigned char b[4][64];
      const unsigned char *q[4] = { b[0], b[1], b[2], b[3] };
      uint32_t got[4];
      int i, j;
      for(i=0; i<4; i++) for(j=0; j<64; j++) b[i][j] = (unsigned char)(i*64 + j*7 + 1);
      crc4_sse42(q, 64, got);
      for(i=0; i<4; i++) if( got[i]!=mt_index_file_sum(0, b[i], 64) ) yes = 0;
    }
    ok = yes;
  }
  return ok;
}
#endif

/* Verify blocks [b0, b1) of payload p[0..n) against want[]. */
static int sum_range(const unsigned char *p, uint64_t n, const uint32_t *want, uint64_t b0, uint64_t b1){
  uint64_t b = b0, full = n >> SF_BLOCK_SHIFT;
#ifdef SF_HW_CRC
  if( crc4_ok() ){
    for(; b + 4 <= b1 && b + 4 <= full; b += 4){
      const unsigned char *q[4] = { p + (b << SF_BLOCK_SHIFT), p + ((b+1) << SF_BLOCK_SHIFT),
                                    p + ((b+2) << SF_BLOCK_SHIFT), p + ((b+3) << SF_BLOCK_SHIFT) };
      uint32_t got[4];
      crc4_sse42(q, (size_t)SF_BLOCK, got);
      if( got[0]!=want[b] || got[1]!=want[b+1] || got[2]!=want[b+2] || got[3]!=want[b+3] ) return 0;
    }
  }
#endif
  for(; b < b1; b++){
    uint64_t at = b << SF_BLOCK_SHIFT, len = n - at < SF_BLOCK ? n - at : SF_BLOCK;
    if( mt_index_file_sum(0, p + at, (size_t)len)!=want[b] ) return 0;
  }
  return 1;
}

typedef struct sf_half { const unsigned char *p; uint64_t n; const uint32_t *want; uint64_t b0, b1; int ok; } sf_half;
static void *sum_half(void *arg){
  sf_half *x = arg;
  x->ok = sum_range(x->p, x->n, x->want, x->b0, x->b1);
  return 0;
}

/* Verify blocks [b0, b1) of payload p[0..n) against want[]: a long run in
** two halves, the second on a thread of its own (reading a mapped file is
** bound by one core's memory bandwidth). */
static int sum_blocks(const unsigned char *p, uint64_t n, const uint32_t *want, uint64_t b0, uint64_t b1){
  sf_half x;
  pthread_t t;
  int ok;
  if( b1 - b0 < 64 || mt_threads_allowed() < 2 ) return sum_range(p, n, want, b0, b1);
  x.p = p; x.n = n; x.want = want; x.b0 = (b0 + (b1 - b0)/2) & ~(uint64_t)3; x.b1 = b1; x.ok = 0;
  if( x.b0 <= b0 || pthread_create(&t, 0, sum_half, &x)!=0 ) return sum_range(p, n, want, b0, b1);
  ok = sum_range(p, n, want, b0, x.b0);
  pthread_join(t, 0);
  return ok && x.ok;
}

int mt_storefile_savable(const mt_store *st){
  return st && !st->oom && !st->cef;
}

/* ------------------------------------------------------------- naming */

MT_WRAPS static uint64_t fnv(uint64_t h, const void *p, size_t n){
  const unsigned char *s = p;
  size_t i;
  for(i=0; i<n; i++){ h ^= s[i]; h *= 0x100000001b3ULL; }
  return h;
}

char *mt_storefile_path(const char *dir, const mt_filelist *files, const char *optkey){
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t n = strlen(dir) + 48;
  char *z;
  int i;
  /* the source set, not its sizes: a grown mail.current replaces its image */
  h = fnv(h, optkey, strlen(optkey) + 1);
  for(i=0; i<files->n; i++){
    const mt_file *f = &files->a[i];
    const char *d = f->dirname ? f->dirname : "";
    h = fnv(h, f->path, strlen(f->path) + 1);
    h = fnv(h, d, strlen(d) + 1);
    h = fnv(h, &f->dev, sizeof(f->dev));
    h = fnv(h, &f->ino, sizeof(f->ino));
  }
  z = malloc(n);
  if( z ) snprintf(z, n, "%s/mailtrace-%016llx.store", dir, (unsigned long long)h);
  return z;
}

/* The address an image is meant to be mapped at: one of 1,024 places 16
** GiB apart from 32 TiB up (far from where the heap, the libraries and the
** stacks go, and above AddressSanitizer's shadow), chosen by its name so
** that the images of different sources seldom want the same place.  A
** place taken (MAP_FIXED_NOREPLACE fails) only means the image is read and
** its pointers moved instead. */
static uint64_t sf_base(const char *path){
  uint64_t h = fnv(0xcbf29ce484222325ULL, path, strlen(path));
  return ((uint64_t)1 << 45) + ((h % 1024) << 34);
}

/* ------------------------------------------------------------- writing */

typedef struct sf_out {
  int fd, ok;
  uint64_t pos;                /* payload bytes written */
  sf_sum sum;                  /* their blocks' CRCs */
  unsigned char *buf; size_t nbuf, cbuf;
} sf_out;

static void out_flush(sf_out *w){
  size_t at = 0;
  while( w->ok && at < w->nbuf ){
    ssize_t k = write(w->fd, w->buf + at, w->nbuf - at);
    if( k<0 && errno==EINTR ) continue;
    if( k<=0 ){ w->ok = 0; break; }
    at += (size_t)k;
  }
  w->nbuf = 0;
}

static void out_put(sf_out *w, const void *src, uint64_t n){
  static const unsigned char zero[SF_ALIGN];
  const unsigned char *p = src;
  while( n && w->ok ){
    size_t k = w->cbuf - w->nbuf;
    if( k > n ) k = (size_t)n;
    if( !src && k > sizeof(zero) ) k = sizeof(zero);
    memcpy(w->buf + w->nbuf, src ? p : zero, k);
    sum_put(&w->sum, src ? p : zero, k);
    w->nbuf += k; w->pos += k; n -= k;
    if( src ) p += k;
    if( w->nbuf==w->cbuf ) out_flush(w);
  }
}

/* Pointers → blob offsets: the arena's chunks sorted by address, each at
** its place in the blob; strings elsewhere appended after them, once. */
typedef struct sf_chunk { const char *base; size_t len; uint64_t off; } sf_chunk;
typedef struct sf_ptrs {
  sf_chunk *c; int n, last;
  uint64_t arena_len;          /* the chunks' bytes in the blob */
  char *extra; size_t nextra, cextra;
  mt_hmap seen;                /* pointer → offset in extra */
  uint64_t blob_at;            /* the address the blob will have when the file is mapped */
  int oom;
} sf_ptrs;

static int cmp_chunk(const void *a, const void *b){
  const sf_chunk *x = a, *y = b;
  return x->base < y->base ? -1 : x->base > y->base;
}

static int ptrs_init(sf_ptrs *P, const mt_store *st){
  const void *it = 0;
  size_t len;
  const char *b;
  int n = 0, i;
  memset(P, 0, sizeof(*P));
  P->last = -1;
  while( mt_store_arena_next(st, &it, &len) ) n++;
  P->c = calloc((size_t)(n ? n : 1), sizeof(sf_chunk));
  if( !P->c ) return -1;
  it = 0;
  while( (b = mt_store_arena_next(st, &it, &len))!=0 ){
    P->c[P->n].base = b; P->c[P->n].len = len; P->n++;
  }
  qsort(P->c, (size_t)P->n, sizeof(sf_chunk), cmp_chunk);
  for(i=0; i<P->n; i++){ P->c[i].off = P->arena_len; P->arena_len += P->c[i].len; }
  return 0;
}

static void ptrs_free(sf_ptrs *P){ free(P->c); free(P->extra); mt_hmap_free(&P->seen); }

/* What p is written as: 0 for NULL, else its address in the blob once the
** file is mapped where its header says (blob_at + its offset). */
static uint64_t ptr_slot(sf_ptrs *P, const char *p){
  int lo, hi;
  if( !p ) return 0;
  if( P->last>=0 && p >= P->c[P->last].base && p < P->c[P->last].base + P->c[P->last].len ){
    return P->blob_at + P->c[P->last].off + (uint64_t)(p - P->c[P->last].base);
  }
  lo = 0; hi = P->n - 1;
  while( lo<=hi ){
    int mid = lo + (hi - lo)/2;
    if( p < P->c[mid].base ) hi = mid - 1;
    else if( p >= P->c[mid].base + P->c[mid].len ) lo = mid + 1;
    else{ P->last = mid; return P->blob_at + P->c[mid].off + (uint64_t)(p - P->c[mid].base); }
  }
  {
    /* a string outside the arena (a literal): copied once after the chunks */
    uint32_t v = mt_hmap_get(&P->seen, (uint64_t)(uintptr_t)p, 0);
    size_t n;
    if( v!=MT_HMAP_NONE ) return P->blob_at + P->arena_len + v;
    n = strlen(p) + 1;
    if( P->nextra + n >= UINT32_MAX ){ P->oom = 1; return 0; }
    if( P->nextra + n > P->cextra ){
      size_t nc = P->cextra ? P->cextra*2 : 4096;
      char *x;
      while( nc < P->nextra + n ) nc *= 2;
      x = realloc(P->extra, nc);
      if( !x ){ P->oom = 1; return 0; }
      P->extra = x; P->cextra = nc;
    }
    memcpy(P->extra + P->nextra, p, n);
    if( mt_hmap_put(&P->seen, (uint64_t)(uintptr_t)p, 0, (uint32_t)P->nextra) ){ P->oom = 1; return 0; }
    P->nextra += n;
    return P->blob_at + P->arena_len + (P->nextra - n);
  }
}

/* The connections' strings, each once, in the order the rows name them,
** written first in SF_STRINGS (the header's conn_strings says how many
** bytes): a question about connections alone (the slow-banner report)
** then checks and maps those bytes, not every string of the store.  The
** other rows point into the arena's copy after them, a string both name
** written twice.  More than 4 GiB of them: none apart (n 0), the
** connections point into the arena's copy as the rest. */
typedef struct sf_own {
  char *buf; size_t n, cap;
  mt_hmap seen;                /* pointer → offset in buf */
} sf_own;

static void own_free(sf_own *O){ free(O->buf); mt_hmap_free(&O->seen); memset(O, 0, sizeof(*O)); }

/* 0, or -1 when out of memory. */
static int own_init(sf_own *O, const mt_store *st){
  int i, j;
  memset(O, 0, sizeof(*O));
  mt_hmap_init(&O->seen, 0);
  for(i=0; i<st->nconn; i++){
    const unsigned char *row = (const unsigned char*)&st->conns[i] + offsetof(mt_conn, interface);
    for(j=0; j<SF_CONN_PTRS; j++){
      const char *p;
      size_t k;
      memcpy(&p, row + (size_t)j*sizeof(char*), sizeof(p));
      if( !p || mt_hmap_get(&O->seen, (uint64_t)(uintptr_t)p, 0)!=MT_HMAP_NONE ) continue;
      k = strlen(p) + 1;
      if( O->n + k >= UINT32_MAX ){ own_free(O); return 0; }   /* none apart */
      if( O->n + k > O->cap ){
        size_t nc = O->cap ? O->cap*2 : 65536;
        char *x;
        while( nc < O->n + k ) nc *= 2;
        if( !(x = realloc(O->buf, nc)) ) return -1;
        O->buf = x; O->cap = nc;
      }
      memcpy(O->buf + O->n, p, k);
      if( mt_hmap_put(&O->seen, (uint64_t)(uintptr_t)p, 0, (uint32_t)O->n) ) return -1;
      O->n += k;
    }
  }
  return 0;
}

/* Write n rows of size sz whose np pointers lie at offs[], through a
** buffer where the pointers become slots (with O: the connections', each
** into the strings written apart, at `at`). */
static void put_rows(sf_out *w, sf_ptrs *P, const sf_own *O, uint64_t at, const void *rows,
                     size_t sz, uint64_t n, const size_t *offs, int np){
  enum { BATCH = 2048 };
  unsigned char *tmp = malloc(sz * BATCH);
  uint64_t i = 0;
  if( !tmp ){ w->ok = 0; return; }
  while( i < n && w->ok && !P->oom ){
    size_t k = (size_t)(n - i < BATCH ? n - i : BATCH), r;
    memcpy(tmp, (const unsigned char*)rows + i*sz, k*sz);
    for(r=0; r<k; r++){
      unsigned char *row = tmp + r*sz;
      int j;
      for(j=0; j<np; j++){
        const char *p;
        uint64_t v;
        memcpy(&p, row + offs[j], sizeof(p));
        if( O && p ){
          uint32_t o = mt_hmap_get(&O->seen, (uint64_t)(uintptr_t)p, 0);
          if( o==MT_HMAP_NONE ){ P->oom = 1; break; }     /* cannot be: own_init saw every one */
          v = at + o;
        }else{
          v = ptr_slot(P, p);
        }
        memcpy(row + offs[j], &v, sizeof(v));
      }
    }
    out_put(w, tmp, (uint64_t)k*sz);
    i += k;
  }
  if( P->oom ) w->ok = 0;
  free(tmp);
}

/* Write n hash slots: an empty one (val MT_HMAP_NONE) has no key or tag
** set (hashmap.c leaves them as malloc gave them): written as zeros. */
static void put_slots(sf_out *w, const mt_hslot *slots, uint64_t n){
  enum { BATCH = 4096 };
  mt_hslot tmp[BATCH];
  uint64_t i = 0;
  while( i < n && w->ok ){
    size_t k = (size_t)(n - i < BATCH ? n - i : BATCH), j;
    for(j=0; j<k; j++){
      if( slots[i+j].val==MT_HMAP_NONE ){ tmp[j].key = 0; tmp[j].tag = 0; tmp[j].val = MT_HMAP_NONE; }
      else tmp[j] = slots[i+j];
    }
    out_put(w, tmp, (uint64_t)k*sizeof(mt_hslot));
    i += k;
  }
}

/* The offsets of a run of n pointers from `at`. */
static void run_offs(size_t *offs, size_t at, int n){
  int j;
  for(j=0; j<n; j++) offs[j] = at + (size_t)j*sizeof(char*);
}

/* One section to write: its data, or rows with pointers. */
typedef struct sf_src {
  int kind; size_t elsize; uint64_t count; const void *p;
  size_t offs[32]; int nptr;   /* rows: where their pointers are */
} sf_src;

/* The sections of a store in payload order (the strings last: the rows
** decide what the blob holds beyond the arena).  Returns how many. */
static int store_sections(const mt_store *st, const sf_scalars *sc, const unsigned char *hostnames,
                          uint64_t nhostnames, const sf_attach *sa, sf_src *s){
  const mt_attach *A = st->attach;
  int n = 0;
  memset(s, 0, sizeof(*s)*(SF_NKIND + 4));
  s[n].kind = SF_SCALARS; s[n].elsize = sizeof(*sc); s[n].count = 1; s[n].p = sc; n++;
#define SRC_TAB(K, T, A, N, F0, F1, NP, SZ) \
  s[n].kind = K; s[n].elsize = sizeof(T); s[n].count = (uint64_t)st->N; s[n].p = st->A; \
  run_offs(s[n].offs, offsetof(T, F0), NP); s[n].nptr = NP; n++;
  SF_TABLES(SRC_TAB)
#undef SRC_TAB
#define SRC_MAP(K, M) \
  s[n].kind = K; s[n].elsize = sizeof(mt_hslot); s[n].count = (uint64_t)st->M.h.cap; s[n].p = st->M.h.slot; n++;
  SF_MAPS(SRC_MAP)
#undef SRC_MAP
#define SRC_FILE(K, T, F) \
  s[n].kind = K; s[n].elsize = sizeof(T); s[n].count = (uint64_t)st->nfile; s[n].p = st->F; n++;
  SF_FILE_ARRAYS(SRC_FILE)
#undef SRC_FILE
  s[n].kind = SF_ICID_HEADS; s[n].elsize = sizeof(int[2]); s[n].count = (uint64_t)st->nicid; s[n].p = st->icid_heads; n++;
  s[n].kind = SF_HOURS; s[n].elsize = sizeof(mt_hour); s[n].count = (uint64_t)st->nhour; s[n].p = st->hours; n++;
  s[n].kind = SF_GAPS; s[n].elsize = sizeof(mt_gap); s[n].count = (uint64_t)st->ngap; s[n].p = st->gaps; n++;
  s[n].kind = SF_HOST_LEN; s[n].elsize = sizeof(int); s[n].count = (uint64_t)st->nhost; s[n].p = st->host_len; n++;
  s[n].kind = SF_HOST_FIRST; s[n].elsize = sizeof(int64_t); s[n].count = (uint64_t)st->nhost; s[n].p = st->host_first; n++;
  s[n].kind = SF_HOST_LAST; s[n].elsize = sizeof(int64_t); s[n].count = (uint64_t)st->nhost; s[n].p = st->host_last; n++;
  s[n].kind = SF_HOST_NAMES; s[n].elsize = 1; s[n].count = nhostnames; s[n].p = hostnames; n++;
  s[n].kind = SF_ATTACH; s[n].elsize = sizeof(*sa); s[n].count = 1; s[n].p = sa; n++;
  s[n].kind = SF_AFILES; s[n].elsize = sizeof(mt_afile); s[n].count = A ? (uint64_t)A->n : 0; s[n].p = A ? A->a : 0;
  memcpy(s[n].offs, afile_ptrs, sizeof(afile_ptrs)); s[n].nptr = (int)(sizeof(afile_ptrs)/sizeof(size_t)); n++;
  s[n].kind = SF_ASHAS; s[n].elsize = sizeof(mt_asha); s[n].count = A ? (uint64_t)A->ns : 0; s[n].p = A ? A->s : 0;
  memcpy(s[n].offs, asha_ptrs, sizeof(asha_ptrs)); s[n].nptr = (int)(sizeof(asha_ptrs)/sizeof(size_t)); n++;
  s[n].kind = SF_AVHITS; s[n].elsize = sizeof(mt_avhit); s[n].count = A ? (uint64_t)A->nv : 0; s[n].p = A ? A->v : 0;
  memcpy(s[n].offs, avhit_ptrs, sizeof(avhit_ptrs)); s[n].nptr = (int)(sizeof(avhit_ptrs)/sizeof(size_t)); n++;
  s[n].kind = SF_ABYID; s[n].elsize = sizeof(mt_hslot); s[n].count = A ? (uint64_t)A->byid.cap : 0; s[n].p = A ? A->byid.slot : 0; n++;
  s[n].kind = SF_ABYAV; s[n].elsize = sizeof(mt_hslot); s[n].count = A ? (uint64_t)A->byav.cap : 0; s[n].p = A ? A->byav.slot : 0; n++;
#define SRC_COL(K, T, F, N) \
  s[n].kind = K; s[n].elsize = sizeof(T); s[n].count = st->F ? (uint64_t)st->N : 0; s[n].p = st->F; n++;
  SF_COLUMNS(SRC_COL)
#undef SRC_COL
  s[n].kind = SF_DOM_AT; s[n].elsize = sizeof(uint32_t); s[n].count = (uint64_t)st->ndom; s[n].p = st->dom_at; n++;
  s[n].kind = SF_DOM_TEXT; s[n].elsize = 1; s[n].count = (uint64_t)st->ndom_text; s[n].p = st->dom_text; n++;
  s[n].kind = SF_STRINGS; s[n].elsize = 1; s[n].count = 0; s[n].p = 0; n++;   /* count: known last */
  return n;
}

/* DIR keeps the newest MT_SF_KEEP images.  A live folder whose files
** rotate is a new source set, and so a new image of about 0.6 x the logs,
** at every rotation: unbounded, they would fill the disk.  Only this user's
** regular files named exactly mailtrace-<16 hex digits>.store are looked at
** (never through a link), and never the one just written (`keep`, a name in
** dir).  Removing an image only makes a later process build that store
** again; a process that has it mapped keeps its mapping.  Best effort. */
#define MT_SF_KEEP 4

static int sf_image_name(const char *z){
  int i;
  if( strlen(z)!=32 || memcmp(z, "mailtrace-", 10)!=0 || memcmp(z + 26, ".store", 6)!=0 ) return 0;
  for(i=10; i<26; i++) if( !((z[i]>='0' && z[i]<='9') || (z[i]>='a' && z[i]<='f')) ) return 0;
  return 1;
}

typedef struct sf_old { int64_t t; char name[33]; } sf_old;

static int sf_newer_first(const void *a, const void *b){
  const sf_old *x = a, *y = b;
  return x->t > y->t ? -1 : x->t < y->t;
}

static void sf_prune(const char *dir, const char *keep){
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d;
  struct dirent *de;
  sf_old *a = 0;
  int n = 0, cap = 0, i;
  if( dfd<0 ) return;
  d = fdopendir(dfd);
  if( !d ){ close(dfd); return; }
  while( (de = readdir(d))!=0 ){
    struct stat sb;
    if( !sf_image_name(de->d_name) || strcmp(de->d_name, keep)==0 ) continue;
    if( fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW)!=0 || !S_ISREG(sb.st_mode) || sb.st_uid!=geteuid() ) continue;
    if( mt_grow_i(&a, &cap, n + 1, sizeof(sf_old)) ){ n = 0; break; }     /* out of memory: none removed */
    a[n].t = (int64_t)sb.st_mtim.tv_sec * 1000000000 + (int64_t)sb.st_mtim.tv_nsec;
    memcpy(a[n].name, de->d_name, 33);
    n++;
  }
  if( n > MT_SF_KEEP - 1 ){
    qsort(a, (size_t)n, sizeof(sf_old), sf_newer_first);
    for(i = MT_SF_KEEP - 1; i < n; i++) (void)unlinkat(dfd, a[i].name, 0);
  }
  free(a);
  closedir(d);                  /* (closes dfd) */
}

int mt_storefile_save(const mt_store *st, const char *dir, const mt_filelist *files,
                      const char *optkey, const uint32_t *fp, const unsigned char *has_fp){
  sf_src src[SF_NKIND + 4];
  sf_sect *dir_ = 0;
  sf_scalars sc;
  sf_attach sa;
  sf_header h;
  sf_ptrs P;
  sf_own O;
  sf_out w;
  sf_filerec *rec = 0;
  unsigned char *hostnames = 0, *meta = 0;
  uint64_t nhostnames = 0, text_len, off, strings_at = 0, foot = 0, base, payload_len = 0;
  char *path = 0, *tmp = 0;
  int i, nsect, fd = -1, ok = 0;
  size_t metalen;
  const mt_map *maps[5] = { &st->conn_by_id, &st->msg_by_id, &st->dconn_by_id, &st->icid_list, &st->hour_map };
  memset(&w, 0, sizeof(w));
  memset(&P, 0, sizeof(P));
  memset(&O, 0, sizeof(O));
  if( !mt_storefile_savable(st) || !SF_FP[0] || !dir || st->nfile!=files->n ) return -1;
  memset(&sc, 0, sizeof(sc));
  sc.nhost = st->nhost; sc.last_host = st->last_host; sc.other_log_lines = st->other_log_lines;
  sc.nicid = st->nicid; sc.nhour = st->nhour; sc.ngap = st->ngap;
  sc.other_log_types = st->other_log_types;
  for(i=0; i<5; i++){ sc.map_n[i] = (int64_t)maps[i]->h.n; sc.map_first[i] = (int64_t)maps[i]->h.first; }
  for(i=0; i<st->nhost; i++) nhostnames += (uint64_t)st->host_len[i] + 1;
  hostnames = malloc((size_t)(nhostnames ? nhostnames : 1));
  if( !hostnames ) goto done;
  for(off=0, i=0; i<st->nhost; i++){
    memcpy(hostnames + off, st->hosts[i], (size_t)st->host_len[i]);
    hostnames[off + (uint64_t)st->host_len[i]] = 0;
    off += (uint64_t)st->host_len[i] + 1;
  }
  memset(&sa, 0, sizeof(sa));
  if( st->attach ){
    const mt_attach *A = st->attach;
    sa.present = 1; sa.n = A->n; sa.ns = A->ns; sa.nv = A->nv; sa.sorted = A->sorted;
    sa.at_file = A->at_file; sa.at_lineno = A->at_lineno; sa.at_off = A->at_off;
    sa.byid_n = A->byid.n; sa.byid_first = A->byid.first; sa.byav_n = A->byav.n; sa.byav_first = A->byav.first;
  }
  if( ptrs_init(&P, st) || own_init(&O, st) ) goto done;
  nsect = store_sections(st, &sc, hostnames, nhostnames, &sa, src);
  /* the metadata: header, file records, directory, text */
  text_len = strlen(optkey) + 1;
  for(i=0; i<files->n; i++){
    text_len += strlen(files->a[i].path) + 1 + strlen(files->a[i].dirname ? files->a[i].dirname : "") + 1;
  }
  metalen = sizeof(h) + sizeof(sf_filerec)*(size_t)files->n + sizeof(sf_sect)*(size_t)nsect + (size_t)text_len;
  meta = calloc(1, (size_t)align_up(metalen, SF_META_ALIGN));
  rec = (sf_filerec*)(meta ? meta + sizeof(h) : 0);
  if( !meta ) goto done;
  dir_ = (sf_sect*)(meta + sizeof(h) + sizeof(sf_filerec)*(size_t)files->n);
  {
    char *t = (char*)(dir_ + nsect);
    size_t k = strlen(optkey) + 1;
    memcpy(t, optkey, k); t += k;
    for(i=0; i<files->n; i++){
      const mt_file *f = &files->a[i];
      const char *d = f->dirname ? f->dirname : "";
      k = strlen(f->path) + 1; memcpy(t, f->path, k); t += k;
      k = strlen(d) + 1; memcpy(t, d, k); t += k;
      rec[i].dev = f->dev; rec[i].ino = f->ino; rec[i].size = f->size; rec[i].mtime = f->mtime;
      rec[i].end_off = st->file_end_off ? st->file_end_off[i] : 0;
      rec[i].has_fp = fp && has_fp && has_fp[i] ? 1 : 0;
      rec[i].fp = rec[i].has_fp ? fp[i] : 0;
    }
  }
  path = mt_storefile_path(dir, files, optkey);
  w.cbuf = (size_t)1 << 20;
  w.buf = malloc(w.cbuf);
  if( !path || !w.buf ) goto done;
  {
    /* as index files: never through a link planted at the name, never over
    ** another user's file, a new temporary file (mkostemp), then a rename */
    struct stat sb;
    if( lstat(path, &sb)==0 && (!S_ISREG(sb.st_mode) || sb.st_uid!=geteuid()) ) goto done;
  }
  tmp = malloc(strlen(path) + 16);
  if( !tmp ) goto done;
  snprintf(tmp, strlen(path) + 16, "%s.XXXXXX", path);
  fd = mkostemp(tmp, O_CLOEXEC | O_NOFOLLOW);
  if( fd<0 ) goto done;
  w.fd = fd; w.ok = 1;
  if( lseek(fd, (off_t)align_up(metalen, SF_META_ALIGN), SEEK_SET)<0 ) w.ok = 0;
  /* where each section goes (the strings last), so that every pointer can
  ** be written as the address it will have in a mapping at `base` */
  for(off=0, i=0; i<nsect; i++){
    off = align_up(off, SF_ALIGN);
    if( src[i].kind==SF_STRINGS ) strings_at = off;
    else off += src[i].count * src[i].elsize;
  }
  base = sf_base(path);
  P.blob_at = base + align_up(metalen, SF_META_ALIGN) + strings_at + O.n;   /* after the connections' */
  for(i=0; i<nsect && w.ok; i++){
    out_put(&w, 0, align_up(w.pos, SF_ALIGN) - w.pos);
    dir_[i].kind = (uint32_t)src[i].kind; dir_[i].elsize = (uint32_t)src[i].elsize;
    dir_[i].off = w.pos;
    if( src[i].kind==SF_STRINGS ){
      int c;
      if( w.pos!=strings_at ) w.ok = 0;
      out_put(&w, O.buf, O.n);
      for(c=0; c<P.n; c++) out_put(&w, P.c[c].base, P.c[c].len);
      out_put(&w, P.extra, P.nextra);
      dir_[i].count = O.n + P.arena_len + P.nextra;
    }else if( src[i].nptr ){
      int apart = src[i].kind==SF_CONNS && O.n;
      put_rows(&w, &P, apart ? &O : 0, P.blob_at - O.n, src[i].p, src[i].elsize, src[i].count,
               src[i].offs, src[i].nptr);
      dir_[i].count = src[i].count;
    }else if( src[i].elsize==sizeof(mt_hslot) && (src[i].kind==SF_ABYID || src[i].kind==SF_ABYAV
              || (src[i].kind>=SF_MAP_CONN && src[i].kind<=SF_MAP_HOUR)) ){
      put_slots(&w, src[i].p, src[i].count);
      dir_[i].count = src[i].count;
    }else{
      if( src[i].count ) out_put(&w, src[i].p, src[i].count * src[i].elsize);
      dir_[i].count = src[i].count;
    }
    foot += dir_[i].count * dir_[i].elsize;
  }
  if( sum_end(&w.sum) ) w.ok = 0;
  payload_len = w.pos;
  out_put(&w, w.sum.crc, 4*w.sum.n);             /* the blocks' CRCs, after the payload */
  out_flush(&w);
  if( !w.ok ) goto done;
  memset(&h, 0, sizeof(h));
  memcpy(h.magic, SF_MAGIC, 8);
  h.endian = 0x01020304; h.version = SF_VERSION;
  snprintf(h.build, sizeof(h.build), "%s", SF_FP);
  h.ptr_size = (uint32_t)sizeof(char*);
  h.nfile = (uint32_t)files->n; h.nsect = (uint32_t)nsect;
  h.text_len = text_len;
  h.payload_at = align_up(metalen, SF_META_ALIGN);
  h.payload_len = payload_len;
  h.nblock = w.sum.n;
  h.payload_crc = mt_index_file_sum(0, w.sum.crc, 4*(size_t)w.sum.n);
  h.footprint = foot;
  h.base = base;
  h.strings_at = strings_at;
  h.conn_strings = (uint32_t)O.n;
  memcpy(meta, &h, sizeof(h));
  h.meta_crc = mt_index_file_sum(0, meta, (size_t)h.payload_at);
  memcpy(meta, &h, sizeof(h));
  if( pwrite(fd, meta, (size_t)h.payload_at, 0)!=(ssize_t)h.payload_at ) goto done;
  if( fchmod(fd, 0644)!=0 ) goto done;
  ok = 1;
done:
  if( fd>=0 ){
    if( close(fd)!=0 ) ok = 0;
    if( !ok || rename(tmp, path)!=0 ){ unlink(tmp); ok = 0; }
  }
  if( ok ) sf_prune(dir, strrchr(path, '/') + 1);
  ptrs_free(&P);
  own_free(&O);
  free(hostnames); free(meta); free(w.buf); free(path); free(tmp); free(w.sum.crc);
  return ok ? 0 : -1;
}

/* ------------------------------------------------------------- reading */

/* A mapped image (storefile.h): the file mapped read-only where its
** header asked, the store's big arrays and its strings used in place. */
struct mt_sf_map {
  unsigned char *base; size_t len;
  uint64_t dev, ino;           /* the image file mapped (replaced only by a rename: a new inode) */
  int refs;                    /* stores of this process using it */
  struct mt_sf_map *next;
  /* What is checked of it, shared by the stores of this mapping: the first
  ** load checks the small sections, each part (MT_SF_PART_*) is checked
  ** when first needed (mt_storefile_need).  Guarded by mu. */
  pthread_mutex_t mu;
  int ready;                   /* the fields below are set (by the first load) */
  uint64_t payload_at, payload_len, nblock;
  uint32_t *crc;               /* the payload blocks' CRC-32Cs (the table was checked) */
  unsigned char *blk_ok;       /* per block: its CRC passed */
  sf_sect *sect; uint32_t nsect;   /* the directory */
  unsigned parts_ok;           /* parts whose blocks and rows passed */
  uint64_t was;                /* where the strings were written for (pointer values) */
  const char *blob; uint64_t nblob;   /* the strings, in the mapping */
  uint64_t nconn_blob;         /* its first bytes the connections' point into (sf_own):
                               ** checked with MT_SF_PART_CONNS */
  sf_attach sa;                /* the attachment join's scalars */
};

/* The images this process has mapped: a second store of the same image (another
** connection) shares the mapping, whose place the first one holds. */
static mt_sf_map *sf_maps;
static pthread_mutex_t sf_maps_mu = PTHREAD_MUTEX_INITIALIZER;

/* The payload, read from the file (map NULL: into memory of the store's
** own) or from the mapping (the arrays used where they lie), checksummed. */
typedef struct sf_in {
  int fd, ok;
  const unsigned char *map;    /* the mapping of the whole file, or NULL */
  uint64_t at;                 /* file offset of the next byte */
  uint64_t pos, len;           /* payload offset, payload length */
  sf_sum sum;                  /* read from the file: the blocks' CRCs as they go by */
} sf_in;

/* Take n payload bytes (into dst when not NULL), checksumming. */
static void in_get(sf_in *r, void *dst, uint64_t n){
  unsigned char skip[SF_ALIGN];
  unsigned char *p = dst;
  if( !r->ok ) return;
  if( n > r->len - r->pos ){ r->ok = 0; return; }
  if( r->map ){
    /* verified whole before (sum_check) */
    if( dst && n ) memcpy(dst, r->map + r->at, (size_t)n);
    r->at += n; r->pos += n;
    return;
  }
  while( n && r->ok ){
    size_t k = n > ((uint64_t)8 << 20) ? (size_t)8 << 20 : (size_t)n;
    ssize_t got;
    if( !dst && k > sizeof(skip) ) k = sizeof(skip);
    got = pread(r->fd, dst ? (void*)p : (void*)skip, k, (off_t)r->at);
    if( got<0 && errno==EINTR ) continue;
    if( got<=0 ){ r->ok = 0; break; }
    sum_put(&r->sum, dst ? (const unsigned char*)p : skip, (uint64_t)got);
    r->at += (uint64_t)got; r->pos += (uint64_t)got; n -= (uint64_t)got;
    if( dst ) p += got;
  }
}

/* A section's array (NULL for none): where it lies in the mapping, or
** (no mapping, or `own`) in memory of its own. */
static void *in_array(sf_in *r, const sf_sect *s, size_t elsize, int own, int *oom){
  void *p;
  size_t n;
  if( !r->ok ) return 0;
  if( s->elsize!=elsize || s->off < r->pos || s->off > r->len || s->count > (r->len - s->off)/elsize ){ r->ok = 0; return 0; }
  in_get(r, 0, s->off - r->pos);
  if( s->count==0 ) return 0;
  n = (size_t)s->count * elsize;
  if( r->map && !own ){
    p = (void*)(r->map + r->at);
    in_get(r, 0, n);
    return p;
  }
  p = malloc(n);
  if( !p ){ *oom = 1; r->ok = 0; return 0; }
  mt_advise_huge(p, n);
  in_get(r, p, n);
  return p;
}

/* Into an array the store already has (per file). */
static void in_into(sf_in *r, const sf_sect *s, size_t elsize, uint64_t count, void *dst){
  if( !r->ok ) return;
  if( s->elsize!=elsize || s->count!=count || s->off < r->pos ){ r->ok = 0; return; }
  in_get(r, 0, s->off - r->pos);
  if( count ) in_get(r, dst, count * elsize);
}

/* Pointers written for a blob at `was` into pointers into `blob` (write:
** moved; else only checked); 0 when one lies outside the blob. */
/* A row's link to another row (or host, or file): an int32_t at `off` that
** is -1 or below `n`.  Checked on load, so that no table ever follows a
** link out of its array, whatever the file held (its CRCs are no
** signature). */
typedef struct sf_link { size_t off; int64_t n; } sf_link;

/* fix_rows without moving anything (a mapped image): every row checked,
** without a branch per value, the verdict at the end. */
MT_WRAPS static int rows_ok(const void *rows, size_t sz, uint64_t n, size_t at, int np, uint64_t was,
                            uint64_t nblob, const sf_link *lk, int nlk){
  uint64_t i, bad = 0;
  for(i=0; i<n; i++){
    const unsigned char *row = (const unsigned char*)rows + i*sz;
    int j;
    for(j=0; j<nlk; j++){
      int32_t v;
      memcpy(&v, row + lk[j].off, sizeof(v));
      bad |= (uint64_t)((int64_t)v + 1) > (uint64_t)lk[j].n;     /* -1 ... n-1 */
    }
    row += at;
    for(j=0; j<np; j++){
      uint64_t v;
      memcpy(&v, row + j*sizeof(char*), sizeof(v));
      bad |= (uint64_t)(v!=0) & (uint64_t)(v - was >= nblob);   /* NULL, or inside the blob */
    }
  }
  return bad==0;
}

static int fix_rows(void *rows, size_t sz, uint64_t n, size_t at, int np, uint64_t was,
                    const char *blob, uint64_t nblob, int write, const sf_link *lk, int nlk){
  uint64_t i;
  if( !write ) return rows_ok(rows, sz, n, at, np, was, nblob, lk, nlk);
  for(i=0; i<n; i++){
    unsigned char *row = (unsigned char*)rows + i*sz;
    int j;
    for(j=0; j<nlk; j++){
      int32_t v;
      memcpy(&v, row + lk[j].off, sizeof(v));
      if( v < -1 || v >= lk[j].n ) return 0;
    }
    row += at;
    for(j=0; j<np; j++){
      uint64_t v;
      const char *p;
      memcpy(&v, row + j*sizeof(char*), sizeof(v));
      if( v==0 ) continue;
      if( v < was || v - was >= nblob ) return 0;
      if( write ){
        p = blob + (v - was);
        memcpy(row + j*sizeof(char*), &p, sizeof(p));
      }
    }
  }
  return 1;
}

/* Every value of an int32_t array (n of them, `stride` apart) -1 or below
** bound (MT_HMAP_NONE also allowed for map slots: skip says where). */
static int links_ok(const void *a, uint64_t n, size_t stride, size_t off, int64_t bound, int slots){
  uint64_t i;
  for(i=0; i<n; i++){
    const unsigned char *q = (const unsigned char*)a + i*stride + off;
    if( slots ){
      uint32_t v;
      memcpy(&v, q, sizeof(v));
      if( v!=MT_HMAP_NONE && (int64_t)v >= bound ) return 0;
    }else{
      int32_t v;
      memcpy(&v, q, sizeof(v));
      if( v < -1 || v >= bound ) return 0;
    }
  }
  return 1;
}

/* The file's header and metadata (malloc'd), checked; NULL when not sound. */
static unsigned char *read_meta(int fd, const struct stat *sb, sf_header *h, int *why){
  unsigned char *meta;
  *why = MT_SF_DAMAGED;
  if( sb->st_size < (off_t)sizeof(*h) || pread(fd, h, sizeof(*h), 0)!=(ssize_t)sizeof(*h) ) return 0;
  if( memcmp(h->magic, SF_MAGIC, 8)!=0 ){ *why = MT_SF_STALE; return 0; }
  if( h->endian!=0x01020304 || h->version!=SF_VERSION || h->ptr_size!=sizeof(char*)
   || memchr(h->build, 0, sizeof(h->build))==0 || strcmp(h->build, SF_FP)!=0 ){
    *why = MT_SF_STALE; return 0;
  }
  if( h->payload_at < sizeof(*h) || h->payload_at > ((uint64_t)1 << 32) || h->nsect > 256
   || h->payload_at > (uint64_t)sb->st_size || h->nblock > ((uint64_t)1 << 40)
   || h->payload_len > (uint64_t)sb->st_size - h->payload_at
   || h->nblock*4!=(uint64_t)sb->st_size - h->payload_at - h->payload_len ) return 0;
  if( (uint64_t)sizeof(*h) + (uint64_t)h->nfile*sizeof(sf_filerec) + (uint64_t)h->nsect*sizeof(sf_sect)
      + h->text_len > h->payload_at ) return 0;
  meta = malloc((size_t)h->payload_at);
  if( !meta ){ *why = MT_SF_NOMEM; return 0; }
  if( pread(fd, meta, (size_t)h->payload_at, 0)!=(ssize_t)h->payload_at ){ free(meta); return 0; }
  {
    sf_header z = *h;
    uint32_t want = h->meta_crc;
    z.meta_crc = 0;
    memcpy(meta, &z, sizeof(z));
    if( mt_index_file_sum(0, meta, (size_t)h->payload_at)!=want ){ free(meta); return 0; }
  }
  return meta;
}

/* Do the image's files and options name these?  MT_SF_LOADED (the same),
** MT_SF_GROWN (some only grew since: each proven by its fingerprint where
** the store's reading ended), else MT_SF_STALE. */
static int same_sources(const sf_header *h, const unsigned char *meta, const mt_filelist *files,
                        const char *optkey){
  const sf_filerec *rec = (const sf_filerec*)(meta + sizeof(*h));
  const char *t = (const char*)(meta + sizeof(*h) + sizeof(sf_filerec)*h->nfile + sizeof(sf_sect)*h->nsect);
  const char *end = t + h->text_len;
  int i, grown = 0;
  size_t k;
  if( h->nfile!=(uint32_t)files->n || h->text_len==0 || end[-1]!=0 ) return MT_SF_STALE;
  k = strlen(t);
  if( strcmp(t, optkey)!=0 ) return MT_SF_STALE;
  t += k + 1;
  for(i=0; i<files->n; i++){
    const mt_file *f = &files->a[i];
    const char *d = f->dirname ? f->dirname : "";
    if( t>=end || strcmp(t, f->path)!=0 ) return MT_SF_STALE;
    t += strlen(t) + 1;
    if( t>=end || strcmp(t, d)!=0 ) return MT_SF_STALE;
    t += strlen(t) + 1;
    if( rec[i].dev!=f->dev || rec[i].ino!=f->ino ) return MT_SF_STALE;
    if( rec[i].size==f->size && rec[i].mtime==f->mtime ) continue;
    /* more bytes under the same inode is no proof of growth (copytruncate,
    ** a rewrite): the bytes the store read must still be there */
    if( f->size > rec[i].size && f->mtime >= rec[i].mtime && rec[i].has_fp
     && rec[i].end_off >= 0 && rec[i].end_off <= rec[i].size ){
      mt_ident id = MT_FILE_IDENT(f);
      uint32_t now;
      if( mt_fingerprint(f->path, &id, rec[i].end_off, &now)==0 && now==rec[i].fp ){ grown = 1; continue; }
    }
    return MT_SF_STALE;
  }
  return grown ? MT_SF_GROWN : MT_SF_LOADED;
}

static int load_payload(int fd, const sf_header *h, const sf_sect *sect, const mt_filelist *files,
                        mt_sf_map *m, mt_store **pst);

/* MAILTRACE_STORE_EAGER (set to anything): a mapped image is checked whole
** when loaded, as one read into memory is (tests; docs/tables.md). */
static int sf_eager(void){ return getenv("MAILTRACE_STORE_EAGER")!=0; }

/* Map the whole file where its header asks (read-only, private): NULL when
** that place is taken (or mapping fails): then the file is read instead. */
static mt_sf_map *sf_map(int fd, const struct stat *sb, const sf_header *h){
  mt_sf_map *m;
  void *p;
  uint64_t size = (uint64_t)sb->st_size;
  int flags = MAP_PRIVATE;       /* pages come in as parts are checked (sf_populate) */
#ifdef MAP_FIXED_NOREPLACE
  flags |= MAP_FIXED_NOREPLACE;
#endif
  if( getenv("MAILTRACE_STORE_NOMAP") ) return 0;     /* tests: the other path */
  if( h->base==0 || h->base % 4096 || size > SIZE_MAX || size > UINT64_MAX - h->base ) return 0;
  pthread_mutex_lock(&sf_maps_mu);
  for(m=sf_maps; m; m=m->next){
    if( m->dev==(uint64_t)sb->st_dev && m->ino==(uint64_t)sb->st_ino && m->len==(size_t)size
     && (uint64_t)(uintptr_t)m->base==h->base ){
      m->refs++;
      pthread_mutex_unlock(&sf_maps_mu);
      return m;
    }
  }
  p = mmap((void*)(uintptr_t)h->base, (size_t)size, PROT_READ, flags, fd, 0);
  if( p==MAP_FAILED ){ pthread_mutex_unlock(&sf_maps_mu); return 0; }
  if( (uint64_t)(uintptr_t)p!=h->base ){          /* a kernel that took it as a hint */
    munmap(p, (size_t)size);
    pthread_mutex_unlock(&sf_maps_mu);
    return 0;
  }
  m = calloc(1, sizeof(*m));
  if( !m ){ munmap(p, (size_t)size); pthread_mutex_unlock(&sf_maps_mu); return 0; }
  m->base = p; m->len = (size_t)size;
  m->dev = (uint64_t)sb->st_dev; m->ino = (uint64_t)sb->st_ino;
  m->refs = 1;
  pthread_mutex_init(&m->mu, 0);
  m->next = sf_maps;
  sf_maps = m;
  pthread_mutex_unlock(&sf_maps_mu);
  return m;
}

static void sf_unmap(mt_sf_map *m){
  mt_sf_map **pm;
  if( !m ) return;
  pthread_mutex_lock(&sf_maps_mu);
  if( --m->refs > 0 ){ pthread_mutex_unlock(&sf_maps_mu); return; }
  for(pm=&sf_maps; *pm && *pm!=m; pm=&(*pm)->next){}
  if( *pm ) *pm = m->next;
  pthread_mutex_unlock(&sf_maps_mu);
  munmap(m->base, m->len);
  pthread_mutex_destroy(&m->mu);
  free(m->crc); free(m->blk_ok); free(m->sect);
  free(m);
}

/* --------------------------------------------- checking a mapping in parts */

/* The part of the image a section belongs to (storefile.h, MT_SF_PART_*),
** 0 for the small sections every load checks at once (the counts, the
** per-file arrays, hours and their map, gaps, hosts). */
static unsigned sect_part(uint32_t kind){
  switch( kind ){
    case SF_CONNS: return MT_SF_PART_CONNS;
    case SF_MSGS: case SF_MORE: return MT_SF_PART_MSGS;
    case SF_RCPTS: return MT_SF_PART_RCPTS;
#define PART_COL(K, T, F, N) case K:
    SF_COLUMNS(PART_COL)
#undef PART_COL
    case SF_DOM_AT: case SF_DOM_TEXT: return MT_SF_PART_COLUMNS;
    case SF_DCONNS: case SF_DLVS: return MT_SF_PART_DLVS;
    case SF_STRINGS: return MT_SF_PART_STRINGS;
    case SF_AFILES: case SF_ASHAS: case SF_AVHITS: case SF_ABYID: case SF_ABYAV: return MT_SF_PART_ATTACH;
    case SF_MAP_CONN: case SF_MAP_MSG: case SF_MAP_DCONN: case SF_MAP_ICID: case SF_ICID_HEADS:
      return MT_SF_PART_IDS;
    default: return 0;
  }
}

#ifndef MADV_POPULATE_READ
# define MADV_POPULATE_READ 22          /* Linux 5.14 */
#endif
/* Map pages [p, p+n) of the mapping in at once, cheaper than a fault per
** few pages as the CRC pass touches them; best effort (an older kernel
** takes the hint only). */
static void sf_populate(const unsigned char *p, uint64_t n){
  uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095, e = (uintptr_t)(p + n);
  if( n==0 ) return;
  if( madvise((void*)a, (size_t)(e - a), MADV_POPULATE_READ)!=0 ) (void)madvise((void*)a, (size_t)(e - a), MADV_WILLNEED);
}

/* Check the CRC of every block of m holding a byte of a section of `parts`
** (with `core`: of the small sections too) that has not passed yet; 1 when
** every one passes.  The caller holds m->mu, the directory was checked
** (every section inside the payload). */
static int sf_check_blocks(mt_sf_map *m, unsigned parts, int core){
  const unsigned char *p = m->base + m->payload_at;
  uint32_t i;
  for(i=0; i<m->nsect; i++){
    const sf_sect *x = &m->sect[i];
    unsigned pt = sect_part(x->kind);
    uint64_t b, bend, n = x->count * x->elsize;
    if( x->kind==SF_STRINGS && !(parts & MT_SF_PART_STRINGS) && (parts & MT_SF_PART_CONNS) ){
      pt = MT_SF_PART_CONNS;                  /* the connections' strings, first in them */
      if( n > m->nconn_blob ) n = m->nconn_blob;
    }
    if( !(pt ? (pt & parts)!=0 : core) || n==0 ) continue;
    b = x->off >> SF_BLOCK_SHIFT;
    bend = ((x->off + n - 1) >> SF_BLOCK_SHIFT) + 1;
    while( b < bend ){
      uint64_t e;
      if( m->blk_ok[b] ){ b++; continue; }
      for(e=b; e<bend && !m->blk_ok[e]; e++){}
      {
        uint64_t at = b << SF_BLOCK_SHIFT, to = e << SF_BLOCK_SHIFT;
        if( to > m->payload_len ) to = m->payload_len;
        sf_populate(p + at, to - at);
      }
      if( !sum_blocks(p, m->payload_len, m->crc, b, e) ) return 0;
      memset(m->blk_ok + b, 1, (size_t)(e - b));
      b = e;
    }
  }
  return 1;
}

/* Every value of a byte column below `n`, without a branch per value: 1, or 0. */
static int bytes_below(const unsigned char *a, int64_t count, unsigned n){
  int64_t i;
  unsigned bad = 0;
  for(i=0; i<count; i++) bad |= a[i] >= n;
  return !bad;
}

/* The columns kept apart (entities.h): one value per row of their table
** (their sections' counts were checked when loaded), each a value a row may
** hold; every domain starts inside the text, in order (the text ends with a
** NUL, so each one ends inside it too), every recipient's one of them or
** none: 1, or 0. */
static int columns_ok(const mt_store *st){
  int i;
  if( (st->nmsg && !st->msg_status) || (st->nrcpt && (!st->rcpt_status || !st->rcpt_dom))
   || (st->ndlv && !st->dlv_result) ) return 0;
  if( !bytes_below(st->msg_status, st->nmsg, MT_MS_COUNT) || !bytes_below(st->rcpt_status, st->nrcpt, MT_RS_ABORTED + 1)
   || !bytes_below(st->dlv_result, st->ndlv, MT_DR_ERROR + 1)
   || !links_ok(st->rcpt_dom, (uint64_t)st->nrcpt, sizeof(int32_t), 0, st->ndom, 0) ) return 0;
  if( st->ndom==0 ) return st->ndom_text==0;
  if( !st->dom_at || !st->dom_text || st->ndom_text < 1 || st->dom_text[st->ndom_text - 1]!=0
   || st->dom_at[0]!=0 ) return 0;
  for(i=1; i<st->ndom; i++){
    if( st->dom_at[i] <= st->dom_at[i-1] || (int64_t)st->dom_at[i] >= st->ndom_text ) return 0;
  }
  return 1;
}

/* Every link and string pointer of the rows of `parts` in st checked (and,
** with `write`, each pointer moved into blob): 1, or 0 when one is out of
** range. */
static int sf_check_rows(mt_store *st, unsigned parts, uint64_t was, const char *blob, uint64_t nblob,
                         uint64_t nconn_blob, int write){
  /* the rows' links, checked while their pointers are */
#define L(T, F, N) { offsetof(T, F), (int64_t)(N) }
  const sf_link conn_lk[] = { L(mt_conn, host, st->nhost), L(mt_conn, file, st->nfile),
    L(mt_conn, prev_same, st->nconn), L(mt_conn, first_msg, st->nmsg) };
  const sf_link msg_lk[] = { L(mt_msg, host, st->nhost), L(mt_msg, file, st->nfile),
    L(mt_msg, first_rcpt, st->nrcpt), L(mt_msg, last_rcpt, st->nrcpt), L(mt_msg, first_dlv, st->ndlv),
    L(mt_msg, last_dlv, st->ndlv), L(mt_msg, next_icid, st->nmsg), L(mt_msg, prev_same, st->nmsg),
    L(mt_msg, conn, st->nconn), L(mt_msg, next_in_conn, st->nmsg), L(mt_msg, conn_hint, st->nconn),
    L(mt_msg, first_child, st->nmsg), L(mt_msg, next_sibling, st->nmsg), L(mt_msg, more, st->nmore) };
  const sf_link rcpt_lk[] = { L(mt_rcpt, msg, st->nmsg), L(mt_rcpt, next, st->nrcpt), L(mt_rcpt, cur_dlv, st->ndlv) };
  const sf_link dconn_lk[] = { L(mt_dconn, host, st->nhost), L(mt_dconn, first_dlv, st->ndlv),
    L(mt_dconn, last_dlv, st->ndlv) };
  const sf_link dlv_lk[] = { L(mt_dlv, host, st->nhost), L(mt_dlv, dconn, st->ndconn),
    L(mt_dlv, next_dcid, st->ndlv), L(mt_dlv, next_mid, st->ndlv) };
#undef L
#define NL(a) (int)(sizeof(a)/sizeof(a[0]))
  if( (parts & MT_SF_PART_CONNS)
   && !fix_rows(st->conns, sizeof(mt_conn), (uint64_t)st->nconn, offsetof(mt_conn, interface), SF_CONN_PTRS,
                was, blob, nconn_blob, write, conn_lk, NL(conn_lk)) ) return 0;
  if( (parts & MT_SF_PART_MSGS)
   && (!fix_rows(st->msgs, sizeof(mt_msg), (uint64_t)st->nmsg, offsetof(mt_msg, mail_from), 24,
                 was, blob, nblob, write, msg_lk, NL(msg_lk))
    || !fix_rows(st->more, sizeof(mt_msg_more), (uint64_t)st->nmore, offsetof(mt_msg_more, dlp), 12,
                 was, blob, nblob, write, 0, 0)) ) return 0;
  if( (parts & MT_SF_PART_RCPTS)
   && !fix_rows(st->rcpts, sizeof(mt_rcpt), (uint64_t)st->nrcpt, offsetof(mt_rcpt, rcpt_to), 4,
                was, blob, nblob, write, rcpt_lk, NL(rcpt_lk)) ) return 0;
  if( (parts & MT_SF_PART_COLUMNS) && !columns_ok(st) ) return 0;
  if( (parts & MT_SF_PART_DLVS)
   && (!fix_rows(st->dconns, sizeof(mt_dconn), (uint64_t)st->ndconn, offsetof(mt_dconn, interface_ip), 5,
                 was, blob, nblob, write, dconn_lk, NL(dconn_lk))
    || !fix_rows(st->dlvs, sizeof(mt_dlv), (uint64_t)st->ndlv, offsetof(mt_dlv, domain), 7,
                 was, blob, nblob, write, dlv_lk, NL(dlv_lk))) ) return 0;
#undef NL
  /* the id maps' values and the ICID lists */
  if( (parts & MT_SF_PART_IDS)
   && (!links_ok(st->conn_by_id.h.slot, st->conn_by_id.h.cap, sizeof(mt_hslot), offsetof(mt_hslot, val), st->nconn, 1)
    || !links_ok(st->msg_by_id.h.slot, st->msg_by_id.h.cap, sizeof(mt_hslot), offsetof(mt_hslot, val), st->nmsg, 1)
    || !links_ok(st->dconn_by_id.h.slot, st->dconn_by_id.h.cap, sizeof(mt_hslot), offsetof(mt_hslot, val), st->ndconn, 1)
    || !links_ok(st->icid_list.h.slot, st->icid_list.h.cap, sizeof(mt_hslot), offsetof(mt_hslot, val), st->nicid, 1)
    || !links_ok(st->icid_heads, (uint64_t)st->nicid*2, sizeof(int), 0, st->nmsg, 0)) ) return 0;
  return 1;
}

static void attach_drop_raw(mt_attach *A);
static int fix_owned(void *rows, size_t sz, uint64_t n, const size_t *offs, int np, uint64_t was,
                     const char *blob, uint64_t nblob, int ok, int *oom);

/* The attachment join A, its arrays read (their strings still as written),
** finished as sa says: its strings copied out of the blob, then kept by st
** (freed with it).  1, or 0 when not sound (*oom: out of memory); A is
** taken either way. */
static int attach_finish(mt_store *st, mt_attach *A, const sf_attach *sa, uint64_t was,
                         const char *blob, uint64_t nblob, int *oom){
  int fine;
  A->sorted = (int)sa->sorted; A->at_file = (int)sa->at_file; A->at_lineno = sa->at_lineno; A->at_off = sa->at_off;
  A->byid.n = (size_t)sa->byid_n; A->byid.first = (size_t)sa->byid_first;
  A->byav.n = (size_t)sa->byav_n; A->byav.first = (size_t)sa->byav_first;
  if( A->byid.n > A->byid.cap || A->byav.n > A->byav.cap ){ attach_drop_raw(A); return 0; }
  fine = fix_owned(A->a, sizeof(mt_afile), (uint64_t)A->n, afile_ptrs,
                   (int)(sizeof(afile_ptrs)/sizeof(size_t)), was, blob, nblob, 1, oom);
  fine = fix_owned(A->s, sizeof(mt_asha), (uint64_t)A->ns, asha_ptrs,
                   (int)(sizeof(asha_ptrs)/sizeof(size_t)), was, blob, nblob, fine, oom);
  fine = fix_owned(A->v, sizeof(mt_avhit), (uint64_t)A->nv, avhit_ptrs,
                   (int)(sizeof(avhit_ptrs)/sizeof(size_t)), was, blob, nblob, fine, oom);
  st->attach = A;                       /* every string NULL or its own: freed with the store */
  return fine;
}

/* The section of kind k (the directory lists them in payload order). */
static const sf_sect *sect_find(const sf_sect *sect, uint32_t nsect, int k){
  uint32_t i;
  for(i=0; i<nsect; i++) if( sect[i].kind==(uint32_t)k ) return &sect[i];
  return 0;
}

/* A copy of section kind k of the mapping, `count` elements of `elsize`
** (count -1: as many as the directory says, *pcount), NULL for none;
** *bad when the directory does not say so. */
static void *sf_copy_sect(const mt_sf_map *m, int k, size_t elsize, int64_t count, uint64_t *pcount,
                          int *bad, int *oom){
  const sf_sect *x = sect_find(m->sect, m->nsect, k);
  void *p;
  if( !x || x->elsize!=elsize || (count>=0 && x->count!=(uint64_t)count)
   || x->off > m->payload_len || x->count > (m->payload_len - x->off)/elsize ){ *bad = 1; return 0; }
  if( pcount ) *pcount = x->count;
  if( x->count==0 ) return 0;
  p = malloc((size_t)(x->count*elsize));
  if( !p ){ *oom = 1; return 0; }
  memcpy(p, m->base + m->payload_at + x->off, (size_t)(x->count*elsize));
  return p;
}

/* The attachment join of a mapped store, read now (its blocks and the
** strings' already checked).  MT_SF_LOADED, _DAMAGED or _NOMEM. */
static int sf_attach_in(mt_store *st, const mt_sf_map *m){
  const sf_attach *sa = &m->sa;
  mt_attach *A;
  int bad = 0, oom = 0;
  if( !sa->present || st->attach ) return MT_SF_LOADED;
  if( !(A = calloc(1, sizeof(*A))) ) return MT_SF_NOMEM;
  A->a = sf_copy_sect(m, SF_AFILES, sizeof(mt_afile), sa->n, 0, &bad, &oom);
  A->n = A->cap = A->a ? (int)sa->n : 0;
  A->s = sf_copy_sect(m, SF_ASHAS, sizeof(mt_asha), sa->ns, 0, &bad, &oom);
  A->ns = A->cs = A->s ? (int)sa->ns : 0;
  A->v = sf_copy_sect(m, SF_AVHITS, sizeof(mt_avhit), sa->nv, 0, &bad, &oom);
  A->nv = A->cv = A->v ? (int)sa->nv : 0;
  {
    mt_hmap *hm[2] = { &A->byid, &A->byav };
    int kind[2] = { SF_ABYID, SF_ABYAV }, j;
    for(j=0; j<2; j++){
      uint64_t cap = 0;
      hm[j]->slot = sf_copy_sect(m, kind[j], sizeof(mt_hslot), -1, &cap, &bad, &oom);
      hm[j]->cap = hm[j]->slot ? (size_t)cap : 0;
      if( cap && (cap & (cap - 1)) ) bad = 1;           /* a power of two (or none) */
    }
  }
  if( bad || oom ){ attach_drop_raw(A); return oom ? MT_SF_NOMEM : MT_SF_DAMAGED; }
  if( !attach_finish(st, A, sa, m->was, m->blob, m->nblob, &oom) ){
    mt_attach_free(st->attach); free(st->attach); st->attach = 0;
    return oom ? MT_SF_NOMEM : MT_SF_DAMAGED;
  }
  return MT_SF_LOADED;
}

int mt_storefile_need(mt_store *st, mt_sf_map *m, unsigned parts){
  unsigned want, todo;
  int ok = 1;
  if( !st ) return MT_SF_LOADED;
  want = st->sf_pending & parts;
  if( want & MT_SF_PART_ATTACH ) want |= st->sf_pending & MT_SF_PART_STRINGS;   /* copied out of them */
  if( !want ) return MT_SF_LOADED;
  if( !m || !m->ready ) return MT_SF_DAMAGED;
  pthread_mutex_lock(&m->mu);
  todo = want & ~m->parts_ok;
  if( todo ){
    ok = sf_check_blocks(m, todo, 0) && sf_check_rows(st, todo, m->was, m->blob, m->nblob, m->nconn_blob, 0);
    if( ok ) m->parts_ok |= todo;
  }
  pthread_mutex_unlock(&m->mu);
  if( !ok ) return MT_SF_DAMAGED;
  if( want & MT_SF_PART_ATTACH ){
    int rc = sf_attach_in(st, m);
    if( rc!=MT_SF_LOADED ) return rc;
  }
  st->sf_pending &= ~want;
  return MT_SF_LOADED;
}

int mt_storefile_load(const char *dir, const mt_filelist *files, const char *optkey,
                      int64_t max_memory, mt_store **pst, mt_sf_file **pwas, mt_sf_map **pmap){
  char *path;
  struct stat sb;
  sf_header h;
  unsigned char *meta = 0;
  int fd, why = MT_SF_NONE;
  *pst = 0;
  if( pwas ) *pwas = 0;
  if( pmap ) *pmap = 0;
  if( !SF_FP[0] || !dir ) return MT_SF_NONE;
  path = mt_storefile_path(dir, files, optkey);
  if( !path ) return MT_SF_NOMEM;
  /* as index files: not through a link, not a FIFO, a regular file this
  ** user wrote (a CRC is no signature) */
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  free(path);
  if( fd<0 ) return MT_SF_NONE;
  if( fstat(fd, &sb)!=0 || !S_ISREG(sb.st_mode) || sb.st_uid!=geteuid() ) goto out;
  meta = read_meta(fd, &sb, &h, &why);
  if( !meta ) goto out;
  why = same_sources(&h, meta, files, optkey);
  if( why!=MT_SF_LOADED && why!=MT_SF_GROWN ) goto out;
  if( max_memory > 0 && h.footprint > (uint64_t)max_memory ){ why = MT_SF_TOO_BIG; goto out; }
  {
    const sf_sect *sect = (const sf_sect*)(meta + sizeof(h) + sizeof(sf_filerec)*h.nfile);
    mt_sf_map *m = pmap ? sf_map(fd, &sb, &h) : 0;
    int rc = load_payload(fd, &h, sect, files, m, pst);
    if( rc!=MT_SF_LOADED ){ sf_unmap(m); why = rc; goto out; }
    if( pmap ) *pmap = m;
  }
  if( why==MT_SF_GROWN && pwas ){
    const sf_filerec *rec = (const sf_filerec*)(meta + sizeof(h));
    mt_sf_file *was = calloc((size_t)(files->n ? files->n : 1), sizeof(*was));
    int i;
    if( !was ){ mt_storefile_free(*pst, pmap ? *pmap : 0); *pst = 0; if( pmap ) *pmap = 0; why = MT_SF_NOMEM; goto out; }
    for(i=0; i<files->n; i++){
      was[i].size = rec[i].size; was[i].mtime = rec[i].mtime; was[i].end_off = rec[i].end_off;
      was[i].fp = rec[i].fp; was[i].has_fp = (int)rec[i].has_fp;
    }
    *pwas = was;
  }
out:
  free(meta);
  close(fd);
  return why;
}

/* The attachment rows' slots into strings of their own (strdup, as
** attach.c makes them).  Every field ends NULL or malloc'd, whatever
** happens (so mt_attach_free may free them); 0 when one lies outside the
** blob or memory ran out (*oom). */
static int fix_owned(void *rows, size_t sz, uint64_t n, const size_t *offs, int np, uint64_t was,
                     const char *blob, uint64_t nblob, int ok, int *oom){
  uint64_t i;
  for(i=0; i<n; i++){
    unsigned char *row = (unsigned char*)rows + i*sz;
    int j;
    for(j=0; j<np; j++){
      uint64_t v;
      char *p = 0;
      memcpy(&v, row + offs[j], sizeof(v));
      if( ok && v ){
        if( v < was || v - was >= nblob ) ok = 0;
        else if( !(p = strdup(blob + (v - was))) ){ ok = 0; *oom = 1; }
      }
      memcpy(row + offs[j], &p, sizeof(p));
    }
  }
  return ok;
}

/* An attachment join whose rows still hold slots: freed as raw arrays. */
static void attach_drop_raw(mt_attach *A){
  if( !A ) return;
  free(A->a); free(A->s); free(A->v); free(A->byid.slot); free(A->byav.slot);
  free(A);
}

/* The arrays of a loaded store that lie in its mapping: X(field). */
#define SF_MAPPED(X) \
  X(conns) X(msgs) X(more) X(rcpts) X(dconns) X(dlvs) \
  X(conn_by_id.h.slot) X(msg_by_id.h.slot) X(dconn_by_id.h.slot) X(icid_list.h.slot) X(hour_map.h.slot) \
  X(icid_heads) X(hours) X(gaps) X(msg_status) X(rcpt_status) X(rcpt_dom) X(dlv_result) X(dom_at) X(dom_text)
/* (SF_COLUMNS' fields: msg_status ... dlv_result) */

/* Forget every array of st that lies in the mapping [base, base+len), so
** that freeing the store does not free them. */
static void sf_detach(mt_store *st, const unsigned char *base, size_t len){
#define IN_MAP(F) if( st->F && (const unsigned char*)(const void*)st->F >= base \
                    && (const unsigned char*)(const void*)st->F < base + len ) st->F = 0;
  SF_MAPPED(IN_MAP)
#undef IN_MAP
}

void mt_storefile_free(mt_store *st, mt_sf_map *m){
  if( st && m ) sf_detach(st, m->base, m->len);
  mt_store_free(st);
  sf_unmap(m);
}

int mt_storefile_own(mt_store *st, mt_sf_map *m){
  if( !st || !m ) return 0;
  /* every part checked before it is copied (and the store grows) */
  if( mt_storefile_need(st, m, MT_SF_PART_ALL)!=MT_SF_LOADED ) return -1;
#define OWN(F, N) \
  if( st->F && (unsigned char*)(void*)st->F >= m->base && (unsigned char*)(void*)st->F < m->base + m->len ){ \
    size_t n_ = sizeof(*st->F)*(size_t)(N); \
    void *c_ = malloc(n_ ? n_ : 1); \
    if( !c_ ) return -1; \
    memcpy(c_, st->F, n_); \
    st->F = c_; \
  }
  OWN(conns, st->nconn) OWN(msgs, st->nmsg) OWN(more, st->nmore) OWN(rcpts, st->nrcpt)
  OWN(dconns, st->ndconn) OWN(dlvs, st->ndlv)
  OWN(conn_by_id.h.slot, st->conn_by_id.h.cap) OWN(msg_by_id.h.slot, st->msg_by_id.h.cap)
  OWN(dconn_by_id.h.slot, st->dconn_by_id.h.cap) OWN(icid_list.h.slot, st->icid_list.h.cap)
  OWN(hour_map.h.slot, st->hour_map.h.cap)
  OWN(icid_heads, st->nicid) OWN(hours, st->nhour) OWN(gaps, st->ngap)
#define OWN_COL(K, T, F, N) OWN(F, st->N)
  SF_COLUMNS(OWN_COL)
#undef OWN_COL
  OWN(dom_at, st->ndom) OWN(dom_text, st->ndom_text)
#undef OWN
  return 0;
}

static int load_payload(int fd, const sf_header *h, const sf_sect *sect, const mt_filelist *files,
                        mt_sf_map *m, mt_store **pst){
  const unsigned char *map = m ? m->base : 0;
  mt_store *st = mt_store_open(files, 0);
  sf_in r;
  sf_scalars sc;
  sf_attach sa;
  mt_attach *A = 0;
  const sf_sect *s;
  int oom = 0, i, k;
  char *blob = 0;
  unsigned char *names = 0;
  uint64_t nblob = 0, nconn_blob = 0, was = h->base + h->payload_at + h->strings_at;
  uint32_t *table = 0;
  mt_map *maps[5];
  if( !st ) return MT_SF_NOMEM;
  maps[0] = &st->conn_by_id; maps[1] = &st->msg_by_id; maps[2] = &st->dconn_by_id;
  maps[3] = &st->icid_list; maps[4] = &st->hour_map;
  memset(&r, 0, sizeof(r));
  r.fd = fd; r.ok = 1; r.at = h->payload_at; r.len = h->payload_len; r.map = map;
  /* the table of the payload's block CRCs, itself checked */
  table = malloc(4*(size_t)(h->nblock ? h->nblock : 1));
  if( !table ){ mt_store_free(st); return MT_SF_NOMEM; }
  if( h->nblock && pread(fd, table, 4*(size_t)h->nblock, (off_t)(h->payload_at + h->payload_len))!=(ssize_t)(4*h->nblock) ){
    free(table); mt_store_free(st); return MT_SF_DAMAGED;
  }
  if( mt_index_file_sum(0, table, 4*(size_t)h->nblock)!=h->payload_crc
   || h->nblock!=(h->payload_len + SF_BLOCK - 1) >> SF_BLOCK_SHIFT ){
    free(table); mt_store_free(st); return MT_SF_DAMAGED;
  }
  /* every kind once, in payload order, each inside the payload */
  for(k=SF_SCALARS; k<SF_NKIND; k++){
    if( !sect_find(sect, h->nsect, k) ){ free(table); mt_store_free(st); return MT_SF_DAMAGED; }
  }
  for(i=0; i<(int)h->nsect; i++){
    if( (i+1<(int)h->nsect && sect[i+1].off < sect[i].off) || sect[i].elsize==0
     || sect[i].off > h->payload_len || sect[i].count > (h->payload_len - sect[i].off)/sect[i].elsize ){
      free(table); mt_store_free(st); return MT_SF_DAMAGED;
    }
  }
  if( map ){
    /* Mapped: the small sections' blocks are checked now, the rest part by
    ** part when a query first needs it (mt_storefile_need): a question
    ** about messages reads and checks only theirs.  The first load of a
    ** mapping keeps what that takes; a second store of it shares it. */
    int ok;
    pthread_mutex_lock(&m->mu);
    if( !m->ready ){
      m->crc = table; table = 0;
      m->blk_ok = calloc((size_t)(h->nblock ? h->nblock : 1), 1);
      m->sect = malloc(sizeof(sf_sect)*(size_t)(h->nsect ? h->nsect : 1));
      if( !m->blk_ok || !m->sect ){
        free(m->blk_ok); free(m->sect); m->blk_ok = 0; m->sect = 0;
        table = m->crc; m->crc = 0;
        pthread_mutex_unlock(&m->mu);
        free(table); mt_store_free(st); return MT_SF_NOMEM;
      }
      memcpy(m->sect, sect, sizeof(sf_sect)*(size_t)h->nsect);
      m->nsect = h->nsect;
      m->payload_at = h->payload_at; m->payload_len = h->payload_len; m->nblock = h->nblock;
      m->ready = 1;
    }
    ok = sf_check_blocks(m, sf_eager() ? MT_SF_PART_ALL : 0, 1);
    pthread_mutex_unlock(&m->mu);
    if( !ok ){ free(table); mt_store_free(st); return MT_SF_DAMAGED; }
  }
  memset(&sc, 0, sizeof(sc));
  memset(&sa, 0, sizeof(sa));
  for(i=0; i<(int)h->nsect && r.ok; i++){
    s = &sect[i];
    switch( s->kind ){
      case SF_SCALARS:
        in_into(&r, s, sizeof(sc), 1, &sc);
        if( r.ok && (sc.nhost < 0 || sc.nhost > INT32_MAX || sc.nicid < 0 || sc.nicid > INT32_MAX
                  || sc.nhour < 0 || sc.nhour > INT32_MAX || sc.ngap < 0 || sc.ngap > INT32_MAX
                  || (sc.nhost > 0 && (sc.last_host < 0 || sc.last_host >= sc.nhost))) ) r.ok = 0;
        break;
#define IN_TAB(K, T, A, N, F0, F1, NP, SZ) \
      case K: \
        if( s->count > INT32_MAX ){ r.ok = 0; break; } \
        st->A = in_array(&r, s, sizeof(T), 0, &oom); \
        st->N = st->A ? (int)s->count : 0; \
        break;
      SF_TABLES(IN_TAB)
#undef IN_TAB
#define IN_MAP(K, M) \
      case K: { \
        int m_ = K - SF_MAP_CONN; \
        if( s->count && (s->count & (s->count - 1)) ){ r.ok = 0; break; }   /* a power of two */ \
        maps[m_]->h.slot = in_array(&r, s, sizeof(mt_hslot), 0, &oom); \
        maps[m_]->h.cap = maps[m_]->h.slot ? (size_t)s->count : 0; \
        break; }
      SF_MAPS(IN_MAP)
#undef IN_MAP
#define IN_FILE(K, T, F) \
      case K: in_into(&r, s, sizeof(T), (uint64_t)st->nfile, st->F); break;
      SF_FILE_ARRAYS(IN_FILE)
#undef IN_FILE
      case SF_ICID_HEADS:
        if( (int64_t)s->count!=sc.nicid ){ r.ok = 0; break; }
        st->icid_heads = in_array(&r, s, sizeof(int[2]), 0, &oom);
        st->nicid = st->cicid = st->icid_heads ? (int)s->count : 0;
        break;
      case SF_HOURS:
        if( (int64_t)s->count!=sc.nhour ){ r.ok = 0; break; }
        st->hours = in_array(&r, s, sizeof(mt_hour), 0, &oom);
        st->nhour = st->chour = st->hours ? (int)s->count : 0;
        break;
      case SF_GAPS:
        if( (int64_t)s->count!=sc.ngap ){ r.ok = 0; break; }
        st->gaps = in_array(&r, s, sizeof(mt_gap), 0, &oom);
        st->ngap = st->gaps ? (int)s->count : 0;
        break;
      case SF_HOST_LEN:
        if( (int64_t)s->count!=sc.nhost ){ r.ok = 0; break; }
        st->host_len = in_array(&r, s, sizeof(int), 1, &oom);
        break;
      case SF_HOST_FIRST:
        if( (int64_t)s->count!=sc.nhost ){ r.ok = 0; break; }
        st->host_first = in_array(&r, s, sizeof(int64_t), 1, &oom);
        break;
      case SF_HOST_LAST:
        if( (int64_t)s->count!=sc.nhost ){ r.ok = 0; break; }
        st->host_last = in_array(&r, s, sizeof(int64_t), 1, &oom);
        break;
      case SF_HOST_NAMES:
        names = in_array(&r, s, 1, 1, &oom);
        if( r.ok && sc.nhost > 0 ){
          /* each host: host_len[i] bytes (any byte), then a NUL */
          uint64_t at = 0;
          int j;
          if( !st->host_len || !st->host_first || !st->host_last
           || !(st->hosts = calloc((size_t)sc.nhost, sizeof(char*))) ){ oom = !st->hosts; r.ok = 0; break; }
          for(j=0; j<(int)sc.nhost && r.ok; j++){
            int64_t L = st->host_len[j];
            if( L < 0 || !names || (uint64_t)L >= s->count - at || names[at + (uint64_t)L]!=0 ){ r.ok = 0; break; }
            st->hosts[j] = malloc((size_t)L + 1);
            if( !st->hosts[j] ){ oom = 1; r.ok = 0; break; }
            memcpy(st->hosts[j], names + at, (size_t)L + 1);
            st->nhost = j + 1;
            at += (uint64_t)L + 1;
          }
          if( r.ok && at!=s->count ) r.ok = 0;
        }
        break;
      case SF_ATTACH:
        in_into(&r, s, sizeof(sa), 1, &sa);
        if( !r.ok ) break;
        if( sa.n < 0 || sa.n > INT32_MAX || sa.ns < 0 || sa.ns > INT32_MAX || sa.nv < 0 || sa.nv > INT32_MAX
         || sa.at_file < INT32_MIN || sa.at_file > INT32_MAX ){ r.ok = 0; break; }
        /* mapped: read when needed (sf_attach_in) */
        if( sa.present && !map && !(A = calloc(1, sizeof(*A))) ){ oom = 1; r.ok = 0; }
        break;
      case SF_AFILES:
        if( (int64_t)s->count!=sa.n ){ r.ok = 0; break; }
        if( A ){ A->a = in_array(&r, s, sizeof(mt_afile), 1, &oom); A->n = A->cap = A->a ? (int)s->count : 0; }
        break;
      case SF_ASHAS:
        if( (int64_t)s->count!=sa.ns ){ r.ok = 0; break; }
        if( A ){ A->s = in_array(&r, s, sizeof(mt_asha), 1, &oom); A->ns = A->cs = A->s ? (int)s->count : 0; }
        break;
      /* a column kept apart: one value per row of its table (read before it) */
#define IN_COL(K, T, F, N) \
      case K: \
        if( s->count!=(uint64_t)st->N ){ r.ok = 0; break; } \
        st->F = in_array(&r, s, sizeof(T), 0, &oom); \
        break;
      SF_COLUMNS(IN_COL)
#undef IN_COL
      case SF_DOM_AT:
        if( s->count > INT32_MAX ){ r.ok = 0; break; }
        st->dom_at = in_array(&r, s, sizeof(uint32_t), 0, &oom);
        st->ndom = st->dom_at ? (int)s->count : 0;
        break;
      case SF_DOM_TEXT:
        if( s->count > UINT32_MAX ){ r.ok = 0; break; }
        st->dom_text = in_array(&r, s, 1, 0, &oom);
        st->ndom_text = st->dom_text ? (int64_t)s->count : 0;
        break;
      case SF_AVHITS:
        if( (int64_t)s->count!=sa.nv ){ r.ok = 0; break; }
        if( A ){ A->v = in_array(&r, s, sizeof(mt_avhit), 1, &oom); A->nv = A->cv = A->v ? (int)s->count : 0; }
        break;
      case SF_ABYID: case SF_ABYAV: {
        mt_hmap *hm = !A ? 0 : s->kind==SF_ABYID ? &A->byid : &A->byav;
        if( (s->count && (s->count & (s->count - 1))) || (!sa.present && s->count) ){ r.ok = 0; break; }
        if( hm ){ hm->slot = in_array(&r, s, sizeof(mt_hslot), 1, &oom); hm->cap = hm->slot ? (size_t)s->count : 0; }
        break; }
      case SF_STRINGS:
        if( s->elsize!=1 || s->off!=h->strings_at || s->off < r.pos || s->off > r.len
         || s->count > r.len - s->off ){ r.ok = 0; break; }
        in_get(&r, 0, s->off - r.pos);
        nblob = s->count;
        if( nblob && map ){
          blob = (char*)(map + r.at);                 /* used where it lies */
          in_get(&r, 0, nblob);
        }else if( nblob ){
          blob = mt_store_arena_adopt(st, (size_t)nblob);
          if( !blob ){ oom = 1; r.ok = 0; break; }
          in_get(&r, blob, nblob);
        }
        if( r.ok && nblob && blob[nblob-1]!=0 ) r.ok = 0;      /* every string ends inside */
        /* the connections' strings apart: inside, and the last one ends there */
        if( r.ok && (h->conn_strings > nblob || (h->conn_strings && blob[h->conn_strings-1]!=0)) ) r.ok = 0;
        nconn_blob = h->conn_strings ? h->conn_strings : nblob;
        break;
      default:
        r.ok = 0;
        break;
    }
  }
  free(names);
  if( r.ok && r.pos!=r.len ) r.ok = 0;
  if( r.ok && !map ){
    /* read from the file: the blocks' CRCs taken on the way */
    if( sum_end(&r.sum) ){ oom = 1; r.ok = 0; }
    else if( r.sum.n!=h->nblock || (r.sum.n && memcmp(r.sum.crc, table, 4*(size_t)r.sum.n)!=0) ) r.ok = 0;
  }
  free(r.sum.crc);
  free(table);
  if( r.ok && sc.nhost==0 && (st->host_len || st->host_first || st->host_last) ) r.ok = 0;
  /* the maps: their counts, and the lookup caches they need */
  for(i=0; i<5 && r.ok; i++){
    maps[i]->h.n = (size_t)sc.map_n[i];
    maps[i]->h.first = (size_t)sc.map_first[i];
    if( sc.map_n[i] < 0 || (uint64_t)sc.map_n[i] > maps[i]->h.cap ) r.ok = 0;
    else if( mt_store_map_ready(maps[i]) ){ oom = 1; r.ok = 0; }
  }
  /* the pointers: now when read into memory; mapped, part by part when
  ** first needed (mt_storefile_need; all of them now with
  ** MAILTRACE_STORE_EAGER) */
  if( r.ok ){
    if( !map && !sf_check_rows(st, MT_SF_PART_ALL, was, blob, nblob, nconn_blob, 1) ) r.ok = 0;
    /* the hours' map, the hours and gaps (the id maps: with their part) */
    if( r.ok && (!links_ok(st->hour_map.h.slot, st->hour_map.h.cap, sizeof(mt_hslot), offsetof(mt_hslot, val), st->nhour, 1)
              || !links_ok(st->hours, (uint64_t)st->nhour, sizeof(mt_hour), offsetof(mt_hour, file), st->nfile, 0)
              || !links_ok(st->hours, (uint64_t)st->nhour, sizeof(mt_hour), offsetof(mt_hour, host), st->nhost, 0)
              || !links_ok(st->gaps, (uint64_t)st->ngap, sizeof(mt_gap), offsetof(mt_gap, file), st->nfile, 0)
              || !links_ok(st->gaps, (uint64_t)st->ngap, sizeof(mt_gap), offsetof(mt_gap, host), st->nhost, 0)) ) r.ok = 0;
  }
  if( A ){
    /* the attachment join: its counts, then its strings out of the blob */
    if( !r.ok ) attach_drop_raw(A);
    else if( !attach_finish(st, A, &sa, was, blob, nblob, &oom) ) r.ok = 0;
    A = 0;
  }
  if( !r.ok ){
    if( map ) sf_detach(st, map, (size_t)(h->payload_at + h->payload_len));
    mt_store_free(st);
    return oom ? MT_SF_NOMEM : MT_SF_DAMAGED;
  }
  /* every array exactly full: a read on (mt_store_extend) grows it */
  st->cconn = st->nconn; st->cmsg = st->nmsg; st->cmore = st->nmore;
  st->crcpt = st->nrcpt; st->cdconn = st->ndconn; st->cdlv = st->ndlv;
  st->last_host = (int)sc.last_host;
  st->other_log_lines = sc.other_log_lines;
  st->other_log_types = sc.other_log_types;
  st->last_hour = -1;
  if( map ){
    pthread_mutex_lock(&m->mu);
    if( !m->blob ){ m->was = was; m->blob = blob; m->nblob = nblob; m->nconn_blob = nconn_blob; m->sa = sa; }
    pthread_mutex_unlock(&m->mu);
    st->sf_pending = MT_SF_PART_ALL;      /* (no attachment join: its part checks nothing) */
    if( sf_eager() ){
      int rc = mt_storefile_need(st, m, MT_SF_PART_ALL);
      if( rc!=MT_SF_LOADED ){
        sf_detach(st, map, (size_t)(h->payload_at + h->payload_len));
        mt_store_free(st);
        return rc;
      }
    }
  }
  *pst = st;
  return MT_SF_LOADED;
}
