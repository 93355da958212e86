/*
** index.c — the offset index (see index.h): id → the 64 KiB blocks of its
** lines, built by one vectorised pass over the files.
**
** The pass, per chunk of whole lines (bytes.c):
**   1. a 16-byte-wide loop finds newlines and the anchors "ID", "ge", "d:";
**      each anchor is checked and its number read (extract_chunk);
**   2. every id is posted under the block of its line's start — at most
**      once per (id, block), which a small cache of recent ids decides
**      without touching the big hash (ids in flight repeat line after line);
**   3. every block boundary in the chunk gets the offset and line number of
**      the first line that starts after it (newlines counted 16 at a time);
**   4. "Time offset from UTC" headers are found with memmem, so each block
**      knows the UTC offset the walk would have in force there.
** Each id's postings form a chain from its newest block back (a new
** posting points at the previous one, so nothing old is written again).
*/
#include "index.h"
#include "lines.h"
#include "events.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ----------------------------------------------------------------- keys */

#define KEY_EMPTY UINT64_MAX
#define ID_MASK ((UINT64_C(1) << 62) - 1)

uint64_t mt_index_key(int kind, int64_t id){
  uint64_t v = id < 0 ? 0 : (uint64_t)id;
  if( v > ID_MASK - 1 ) v = ID_MASK - 1;
  return ((uint64_t)kind << 62) | v;
}

static uint64_t hash_bytes(const char *p, size_t n){
  uint64_t h = UINT64_C(1469598103934665603);           /* FNV-1a */
  size_t i;
  for(i=0; i<n; i++){ h ^= (unsigned char)p[i]; h *= UINT64_C(1099511628211); }
  return h;
}

uint64_t mt_index_ip_key(const char *ip, size_t n){
  return mt_index_key(MT_IX_IP, (int64_t)(hash_bytes(ip, n) % (ID_MASK - 1)));
}

static inline uint64_t mix(uint64_t k){
  k ^= k >> 31; k *= UINT64_C(0x9E3779B97F4A7C15); k ^= k >> 29;
  return k;
}

/* -------------------------------------------------------------- extract */

/* Where extract_chunk reports to. */
typedef struct sink {
  void (*hit)(void *arg, int kind, uint64_t id, size_t line_start);
  void *arg;
} sink;

static inline int is_digit(char c){ return c>='0' && c<='9'; }

/* A line with an anchor the cheap rule cannot read ("Message 123",
** "Bounced: 123:0", "New SMTP ICID ... address <ip>"): run the grammar. */
static void exact_line(const char *base, const char *ls, const char *e, const sink *k){
  const char *le = memchr(ls, '\n', (size_t)(e - ls));
  size_t n = (size_t)((le ? le : e) - ls);
  mt_line ln;
  mt_event ev;
  size_t at = (size_t)(ls - base);
  if( n && ls[n-1]=='\r' ) n--;
  mt_line_parse(ls, n, &ln);
  mt_event_parse(ln.body, ln.body_len, &ev);
  if( ev.icid>=0 ) k->hit(k->arg, MT_IX_ICID, (uint64_t)ev.icid, at);
  if( ev.mid>=0 ) k->hit(k->arg, MT_IX_MID, (uint64_t)ev.mid, at);
  if( ev.mid2>=0 ) k->hit(k->arg, MT_IX_MID, (uint64_t)ev.mid2, at);
  if( ev.dcid>=0 ) k->hit(k->arg, MT_IX_DCID, (uint64_t)ev.dcid, at);
  if( ev.kind==MT_EV_ICID_NEW && mt_has(&ev, MT_F_REMOTE_IP) ){
    k->hit(k->arg, MT_IX_IP,
           mt_index_ip_key(ev.f[MT_F_REMOTE_IP].p, (size_t)ev.f[MT_F_REMOTE_IP].n) & ID_MASK, at);
  }
}

/* One anchor at q, in the line starting at ls; [base, e) is the chunk.
** *last_exact: the last line given to exact_line (once per line). */
static void anchor(const char *base, const char *q, const char *ls, const char *e,
                   const sink *k, const char **last_exact){
  const char *r;
  if( q[0]=='I' ){                                   /* "ID" */
    int kind;
    uint64_t v = 0;
    char p1 = q-1 >= ls ? q[-1] : 0, p2 = q-2 >= ls ? q[-2] : 0;
    if( p1=='M' ) kind = MT_IX_MID;
    else if( p1=='C' && p2=='I' ) kind = MT_IX_ICID;
    else if( p1=='C' && p2=='D' ) kind = MT_IX_DCID;
    else return;
    r = q + 2;
    if( r<e && *r==':' ) r++;
    while( r<e && *r==' ' ) r++;
    if( r>=e || !is_digit(*r) ) return;
    while( r<e && is_digit(*r) ){
      int d = *r - '0';
      v = v > (ID_MASK - 1 - (uint64_t)d)/10 ? ID_MASK - 1 : v*10 + (uint64_t)d;
      r++;
    }
    k->hit(k->arg, kind, v, (size_t)(ls - base));
    /* "New SMTP ICID n ... address <ip>": the client IP, read by the grammar. */
    if( kind==MT_IX_ICID && q-11 >= ls && (memcmp(q-11, "New SMTP ", 9)==0 || memcmp(q-11, "New smtp ", 9)==0)
     && *last_exact!=ls ){
      *last_exact = ls;
      exact_line(base, ls, e, k);
    }
    return;
  }
  if( q[0]=='g' ){                                   /* "Message 123" */
    if( q+3 < e && q[2]==' ' && is_digit(q[3]) && *last_exact!=ls ){
      *last_exact = ls;
      exact_line(base, ls, e, k);
    }
    return;
  }
  /* "d:" then spaces and a digit: "Bounced: 123:0", "Delayed: 123:0" */
  r = q + 2;
  while( r<e && *r==' ' ) r++;
  if( r<e && is_digit(*r) && *last_exact!=ls ){
    *last_exact = ls;
    exact_line(base, ls, e, k);
  }
}

static inline int is_anchor(const char *q, const char *e){
  return q+1 < e && ((q[0]=='I' && q[1]=='D') || (q[0]=='g' && q[1]=='e') || (q[0]=='d' && q[1]==':'));
}

/* Every anchor of the whole lines [p, p+n), in order. */
static void extract_chunk(const char *p, size_t n, const sink *k){
  const char *e = p + n, *ls = p, *last_exact = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i cNL = _mm_set1_epi8('\n'), cI = _mm_set1_epi8('I'), cD = _mm_set1_epi8('D'),
                cg = _mm_set1_epi8('g'), ce = _mm_set1_epi8('e'), cd = _mm_set1_epi8('d'),
                cC = _mm_set1_epi8(':');
  while( i + 17 <= n ){
    __m128i a = _mm_loadu_si128((const __m128i*)(p + i));
    __m128i b = _mm_loadu_si128((const __m128i*)(p + i + 1));
    unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, cNL));
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, cI), _mm_cmpeq_epi8(b, cD)),
                     _mm_and_si128(_mm_cmpeq_epi8(a, cg), _mm_cmpeq_epi8(b, ce))),
        _mm_and_si128(_mm_cmpeq_epi8(a, cd), _mm_cmpeq_epi8(b, cC)));
    unsigned hits = (unsigned)_mm_movemask_epi8(m);
    while( hits ){
      int j = __builtin_ctz(hits);
      unsigned before = nl & ((1u << j) - 1);
      const char *lsj = before ? p + i + (31 - __builtin_clz(before)) + 1 : ls;
      hits &= hits - 1;
      anchor(p, p + i + j, lsj, e, k, &last_exact);
    }
    if( nl ) ls = p + i + (31 - __builtin_clz(nl)) + 1;
    i += 16;
  }
#endif
  for(; i<n; i++){
    if( p[i]=='\n' ){ ls = p + i + 1; continue; }
    if( is_anchor(p + i, e) ) anchor(p, p + i, ls, e, k, &last_exact);
  }
}

void mt_index_extract(const char *p, size_t n,
                      void (*hit)(void *arg, int kind, uint64_t id, size_t line_start), void *arg){
  sink k;
  k.hit = hit; k.arg = arg;
  extract_chunk(p, n, &k);
}

/* Newlines in [p, p+n). */
static int64_t count_nl(const char *p, size_t n){
  int64_t c = 0;
  size_t i = 0;
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

/* ---------------------------------------------------------------- store */

typedef struct ix_slot { uint64_t key; uint32_t newest, count; } ix_slot;   /* newest posting */
typedef struct ix_post { uint32_t block, prev; } ix_post;
/* A recently posted key: its slot, last block, newest posting and the
** postings added since it came in (written back into the slot when the
** entry is evicted: the slot itself is only touched on a miss). */
typedef struct ix_recent { uint64_t key; uint32_t slot, block, tail, added; } ix_recent;

#define RECENT 8192

typedef struct ix_file {
  uint32_t first;            /* global number of its block 0 */
  uint32_t nblock;
  int64_t size;              /* decompressed bytes */
} ix_file;

typedef struct ix_blk {
  int64_t lineno;            /* of its first line; 0: no line starts in it */
  uint32_t first;            /* offset of that line from the block's start */
  int32_t tz;
} ix_blk;

struct mt_index {
  ix_slot *slots;
  uint64_t cap, n;
  ix_post *posts;
  uint32_t nposts, cposts;
  ix_recent *recent;         /* while building */
  ix_file *files;
  int nfile;
  ix_blk *blks;
  uint32_t nblk, cblk;
  int oom;
};

/* Transparent huge pages for the big arrays: fewer TLB misses and page
** faults on a hash that is touched at random. */
static void advise_huge(void *p, size_t n){
#ifdef MADV_HUGEPAGE
  const uintptr_t H = 2u*1024*1024;
  uintptr_t a = ((uintptr_t)p + H - 1) & ~(H - 1);
  uintptr_t e = ((uintptr_t)p + n) & ~(H - 1);
  if( n >= 4*H && e > a ) madvise((void*)a, e - a, MADV_HUGEPAGE);
#else
  (void)p; (void)n;
#endif
}

/* Write the newest postings held by the recent cache back into the slots,
** and empty it. */
static void recent_flush(mt_index *ix){
  int i;
  if( !ix->recent ) return;
  for(i=0; i<RECENT; i++){
    if( ix->recent[i].key!=KEY_EMPTY ){
      ix->slots[ix->recent[i].slot].newest = ix->recent[i].tail;
      ix->slots[ix->recent[i].slot].count += ix->recent[i].added;
    }
  }
  memset(ix->recent, 0xff, sizeof(ix_recent)*RECENT);
}

static int map_grow(mt_index *ix){
  uint64_t ncap = ix->cap ? ix->cap*2 : 4096, i;
  ix_slot *ns = malloc(sizeof(ix_slot)*(size_t)ncap);
  if( !ns ) return -1;
  advise_huge(ns, sizeof(ix_slot)*(size_t)ncap);
  recent_flush(ix);
  for(i=0; i<ncap; i++) ns[i].key = KEY_EMPTY;
  for(i=0; i<ix->cap; i++){
    if( ix->slots[i].key!=KEY_EMPTY ){
      uint64_t h = mix(ix->slots[i].key) & (ncap-1);
      while( ns[h].key!=KEY_EMPTY ) h = (h+1) & (ncap-1);
      ns[h] = ix->slots[i];
    }
  }
  free(ix->slots);
  ix->slots = ns;
  ix->cap = ncap;
  return 0;
}

static int64_t slot_of(const mt_index *ix, uint64_t key){
  uint64_t h;
  if( !ix->cap ) return -1;
  h = mix(key) & (ix->cap-1);
  for(;;){
    if( ix->slots[h].key==key ) return (int64_t)h;
    if( ix->slots[h].key==KEY_EMPTY ) return -1;
    h = (h+1) & (ix->cap-1);
  }
}

/* Post `key` in `block` (once). */
static void post(mt_index *ix, uint64_t key, uint32_t block){
  ix_recent *r = &ix->recent[mix(key) & (RECENT-1)];
  uint32_t tail;
  if( r->key==key ){
    if( r->block==block ) return;
    tail = r->tail;
  }else{
    uint64_t h;
    ix_slot *s;
    if( (ix->n+1)*10 > ix->cap*7 && map_grow(ix) ){ ix->oom = 1; return; }
    r = &ix->recent[mix(key) & (RECENT-1)];
    if( r->key!=KEY_EMPTY ){                                        /* evict: write back */
      ix->slots[r->slot].newest = r->tail;
      ix->slots[r->slot].count += r->added;
    }
    h = mix(key) & (ix->cap-1);
    while( ix->slots[h].key!=key && ix->slots[h].key!=KEY_EMPTY ) h = (h+1) & (ix->cap-1);
    s = &ix->slots[h];
    if( s->key==KEY_EMPTY ){ s->key = key; s->newest = UINT32_MAX; s->count = 0; ix->n++; }
    r->key = key; r->slot = (uint32_t)h; r->added = 0;
    tail = s->newest;
    r->tail = tail;
    if( tail!=UINT32_MAX && ix->posts[tail].block==block ){ r->block = block; return; }
  }
  r->block = block;
  if( ix->nposts==ix->cposts ){
    uint32_t nc = ix->cposts ? ix->cposts*2 : 1u<<16;
    ix_post *np;
    if( nc < ix->cposts ){ ix->oom = 1; return; }
    np = realloc(ix->posts, sizeof(ix_post)*(size_t)nc);
    if( !np ){ ix->oom = 1; return; }
    advise_huge(np, sizeof(ix_post)*(size_t)nc);
    ix->posts = np; ix->cposts = nc;
  }
  ix->posts[ix->nposts].block = block;
  ix->posts[ix->nposts].prev = tail;
  r->added++;
  r->tail = ix->nposts++;
}

/* ---------------------------------------------------------------- build */

typedef struct builder {
  mt_index *ix;
  int64_t chunk_off;         /* file offset of the chunk */
  uint32_t first_block;      /* of the current file */
} builder;

static void on_hit(void *arg, int kind, uint64_t id, size_t line_start){
  builder *b = arg;
  uint64_t key = ((uint64_t)kind << 62) | (id > ID_MASK - 1 ? ID_MASK - 1 : id);
  post(b->ix, key, b->first_block + (uint32_t)((b->chunk_off + (int64_t)line_start) >> MT_IX_SHIFT));
}

static int need_blocks(mt_index *ix, uint32_t n){
  if( n > ix->cblk ){
    uint32_t nc = ix->cblk ? ix->cblk*2 : 1024;
    ix_blk *nb;
    while( nc < n ) nc *= 2;
    nb = realloc(ix->blks, sizeof(ix_blk)*(size_t)nc);
    if( !nb ) return -1;
    ix->blks = nb; ix->cblk = nc;
  }
  return 0;
}

/* A tz change at a line start: (offset, tz). */
typedef struct tzchg { int64_t off; int tz; } tzchg;

/* Index one file: blocks, postings, tz changes.  0 or -1 (*pzErr). */
static int index_file(mt_index *ix, const mt_filelist *files, int ifile, const mt_opts *opts,
                      mt_stats *stats, char **pzErr, int (*should_stop)(void*), void *stop_arg){
  const mt_file *f = &files->a[ifile];
  mt_reader *rd = mt_reader_open(f->path, 0, pzErr);
  builder b;
  sink k;
  const char *p;
  size_t n;
  int64_t off, lines = 0, end = 0, pending = -1;
  int rc, tz0 = opts->tz_set ? opts->tz_off : 0, first = 1;
  tzchg *chg = 0;
  int nchg = 0;
  uint32_t j, nb;
  uint32_t steps = 0;
  if( !rd ) return -1;
  stats->files_opened++;
  b.ix = ix;
  b.first_block = ix->nblk;
  k.hit = on_hit; k.arg = &b;
  while( (rc = mt_reader_next(rd, &p, &n, &off))==1 ){
    int64_t bstart, blast;
    if( should_stop && (++steps & 0x3f)==0 && should_stop(stop_arg) ){
      *pzErr = strdup("interrupted"); mt_reader_close(rd); free(chg); return -1;
    }
    if( first ){
      int tz;
      if( mt_tz_header(p, n < 4096 ? n : 4096, &tz) ) tz0 = tz;
      first = 0;
    }
    /* Blocks that begin inside this chunk (or at its start). */
    bstart = (off + MT_IX_BLOCK - 1) >> MT_IX_SHIFT;
    blast = (off + (int64_t)n - 1) >> MT_IX_SHIFT;
    if( need_blocks(ix, b.first_block + (uint32_t)blast + 1) ){ ix->oom = 1; break; }
    /* A block whose first line start is this chunk's first byte. */
    if( pending>=0 ){
      if( off < ((pending + 1) << MT_IX_SHIFT) ){
        ix->blks[b.first_block + (uint32_t)pending].lineno = lines + 1;
        ix->blks[b.first_block + (uint32_t)pending].first = (uint32_t)(off - (pending << MT_IX_SHIFT));
      }
      pending = -1;
    }
    {
      int64_t at = 0, lines_at = lines;     /* chunk position, lines before it */
      int64_t bn;
      for(bn=bstart; bn<=blast; bn++){
        int64_t bo = (bn << MT_IX_SHIFT) - off;     /* block start in the chunk */
        const char *ls;
        ix_blk *B = &ix->blks[b.first_block + (uint32_t)bn];
        if( bo<0 ) bo = 0;
        /* first line start at or after bo */
        if( bo==0 ) ls = p;
        else{
          ls = memchr(p + bo - 1, '\n', n - (size_t)bo + 1);
          ls = ls ? ls + 1 : p + n;
        }
        lines_at += count_nl(p + at, (size_t)((ls - p) - at));
        at = ls - p;
        if( ls < p + n ){
          B->lineno = lines_at + 1;
          B->first = (uint32_t)((off + at) - (bn << MT_IX_SHIFT));
        }else{
          B->lineno = 0; B->first = 0;
          pending = bn;             /* maybe the next chunk's first line */
        }
        B->tz = 0;
        ix->nblk = b.first_block + (uint32_t)bn + 1;
      }
      lines = lines_at + count_nl(p + at, n - (size_t)at);
    }
    /* Later "Time offset from UTC" header lines change the offset. */
    {
      const char *q = p, *e = p + n;
      while( (q = memmem(q, (size_t)(e - q), "Time offset from UTC: ", 22))!=0 ){
        const char *ls = q > p ? memrchr(p, '\n', (size_t)(q - p)) : 0;
        const char *le = memchr(q, '\n', (size_t)(e - q));
        size_t len;
        mt_line ln;
        int tz;
        ls = ls ? ls + 1 : p;
        len = (size_t)((le ? le : e) - ls);
        if( len && ls[len-1]=='\r' ) len--;
        mt_line_parse(ls, len, &ln);
        if( mt_line_tz(&ln, &tz) ){
          tzchg *nc = realloc(chg, sizeof(*chg)*(size_t)(nchg+1));
          if( !nc ){ ix->oom = 1; break; }
          chg = nc;
          chg[nchg].off = off + (ls - p);
          chg[nchg].tz = tz;
          nchg++;
        }
        q = le ? le + 1 : e;
      }
    }
    b.chunk_off = off;
    extract_chunk(p, n, &k);
    if( ix->oom ) break;
    end = off + (int64_t)n;
  }
  stats->bytes_read += mt_reader_bytes_read(rd);
  stats->lines_parsed += lines;
  if( rc<0 ){
    const char *e = mt_reader_error(rd);
    *pzErr = strdup(e ? e : "read error");
    mt_reader_close(rd); free(chg);
    return -1;
  }
  mt_reader_close(rd);
  if( ix->oom ){ free(chg); *pzErr = strdup("out of memory"); return -1; }
  /* The offset in force at each block's first line: the file's header
  ** (which counts from the start), then each later header line. */
  nb = ix->nblk - b.first_block;
  {
    int c = 0, tz = tz0;
    for(j=0; j<nb; j++){
      ix_blk *B = &ix->blks[b.first_block + j];
      int64_t at = ((int64_t)j << MT_IX_SHIFT) + B->first;
      while( c<nchg && chg[c].off < at ){ tz = chg[c].tz; c++; }
      B->tz = tz;
    }
  }
  free(chg);
  ix->files[ifile].first = b.first_block;
  ix->files[ifile].nblock = nb;
  ix->files[ifile].size = end;
  return 0;
}

mt_index *mt_index_build(const mt_filelist *files, const mt_opts *opts, mt_stats *stats,
                         char **pzErr, int (*should_stop)(void*), void *stop_arg){
  mt_index *ix;
  mt_stats dummy;
  int i;
  int64_t total = 0;
  *pzErr = 0;
  if( !stats ) stats = &dummy;
  memset(stats, 0, sizeof(*stats));
  if( opts->year ){ *pzErr = strdup("year= makes a line's year depend on the lines before it: no offset index"); return 0; }
  ix = calloc(1, sizeof(*ix));
  if( !ix ){ *pzErr = strdup("out of memory"); return 0; }
  ix->files = calloc((size_t)(files->n ? files->n : 1), sizeof(ix_file));
  ix->recent = malloc(sizeof(ix_recent)*RECENT);
  for(i=0; i<files->n; i++) total += files->a[i].size;
  if( ix->recent ) memset(ix->recent, 0xff, sizeof(ix_recent)*RECENT);
  if( !ix->files || !ix->recent ){ mt_index_free(ix); *pzErr = strdup("out of memory"); return 0; }
  ix->nfile = files->n;
  /* About one id per 1 KiB of log: start near the final size. */
  {
    uint64_t want = 4096;
    while( want < (uint64_t)(total/700) ) want *= 2;
    while( ix->cap < want ){ if( map_grow(ix) ){ mt_index_free(ix); *pzErr = strdup("out of memory"); return 0; } }
  }
  for(i=0; i<files->n; i++){
    if( index_file(ix, files, i, opts, stats, pzErr, should_stop, stop_arg) ){
      mt_index_free(ix);
      return 0;
    }
  }
  recent_flush(ix);
  free(ix->recent); ix->recent = 0;
  return ix;
}

void mt_index_free(mt_index *ix){
  if( !ix ) return;
  free(ix->slots);
  free(ix->posts);
  free(ix->recent);
  free(ix->files);
  free(ix->blks);
  free(ix);
}

int mt_index_lookup(const mt_index *ix, uint64_t key, uint32_t **pa, int *pn){
  int64_t s = slot_of(ix, key);
  uint32_t p, cnt, i;
  uint32_t *a;
  *pa = 0; *pn = 0;
  if( s<0 ) return 0;
  cnt = ix->slots[s].count;
  a = malloc(sizeof(uint32_t)*(cnt ? cnt : 1));
  if( !a ) return -1;
  for(i=cnt, p=ix->slots[s].newest; p!=UINT32_MAX && i>0; p=ix->posts[p].prev) a[--i] = ix->posts[p].block;
  *pa = a; *pn = (int)cnt;
  return 0;
}

void mt_index_block(const mt_index *ix, uint32_t b, mt_ix_block *out){
  int lo = 0, hi = ix->nfile - 1;
  const ix_blk *B = &ix->blks[b];
  const ix_file *f;
  /* the file: the last one whose first block is <= b */
  while( lo < hi ){
    int mid = (lo + hi + 1) / 2;
    if( ix->files[mid].first <= b ) lo = mid; else hi = mid - 1;
  }
  while( lo > 0 && ix->files[lo].nblock==0 ) lo--;
  f = &ix->files[lo];
  out->file = lo;
  out->off = ((int64_t)(b - f->first) << MT_IX_SHIFT) + B->first;
  out->end = ((int64_t)(b - f->first + 1) << MT_IX_SHIFT);
  if( out->end > f->size ) out->end = f->size;
  out->lineno = B->lineno;
  out->tz = B->tz;
  out->empty = B->lineno==0;
}

uint32_t mt_index_block_of(const mt_index *ix, int file, int64_t off){
  return ix->files[file].first + (uint32_t)(off >> MT_IX_SHIFT);
}

uint32_t mt_index_nblock(const mt_index *ix){ return ix->nblk; }
size_t mt_index_ids(const mt_index *ix){ return (size_t)ix->n; }
size_t mt_index_memory(const mt_index *ix){
  return sizeof(*ix) + sizeof(ix_slot)*(size_t)ix->cap + sizeof(ix_post)*(size_t)ix->cposts
       + sizeof(ix_blk)*(size_t)ix->cblk + sizeof(ix_file)*(size_t)ix->nfile;
}
