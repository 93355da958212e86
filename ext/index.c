/*
** index.c — the offset index (see index.h): id → the 64 KiB blocks of its
** lines, built by one vectorised pass over the files.
**
** The pass, per chunk of whole lines (bytes.c):
**   1. a 16-byte-wide loop finds newlines and the anchors "ID", "ge", "o ",
**      "d:";
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
**
** Threads: plain files are cut into pieces of MT_IX_PIECE bytes (at block
** boundaries; a piece owns the lines that start in its blocks), gzip files
** are one piece each.  Each piece has its own hash and postings (a
** "segment"); pieces are taken by the calling thread and up to
** MT_IX_THREADS-1 helpers, and put together afterwards (line numbers and
** UTC offsets carried over from piece to piece).  The pieces do not depend
** on the thread count, so neither does the index.  Only the calling thread
** asks should_stop() (it may call SQLite); helpers see a flag.
*/
#include "index.h"
#include "lines.h"
#include "events.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <fcntl.h>
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

/* An id as keys hold it: below 2^62 - 1 (larger ones clamped, as the
** anchor scan and mt_index_key() clamp them). */
static uint64_t clamp_id(int64_t id){
  return (uint64_t)id > ID_MASK - 1 ? ID_MASK - 1 : (uint64_t)id;
}

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
  if( ev.icid>=0 ) k->hit(k->arg, MT_IX_ICID, clamp_id(ev.icid), at);
  if( ev.mid>=0 ) k->hit(k->arg, MT_IX_MID, clamp_id(ev.mid), at);
  if( ev.mid2>=0 ) k->hit(k->arg, MT_IX_MID, clamp_id(ev.mid2), at);
  if( ev.dcid>=0 ) k->hit(k->arg, MT_IX_DCID, clamp_id(ev.dcid), at);
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
    /* "New SMTP ICID n ... address <ip>": the client IP, read by the grammar. */
    if( kind==MT_IX_ICID && q-11 >= ls && (memcmp(q-11, "New SMTP ", 9)==0 || memcmp(q-11, "New smtp ", 9)==0)
     && *last_exact!=ls ){
      *last_exact = ls;
      exact_line(base, ls, e, k);
    }
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
    return;
  }
  if( q[0]=='g' || q[0]=='o' ){    /* "Message 123", "rewritten to 123" (before 4.5) */
    if( q+3 < e && q[1+(q[0]=='g')]==' ' && is_digit(q[2+(q[0]=='g')]) && *last_exact!=ls ){
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
  return q+1 < e && ((q[0]=='I' && q[1]=='D') || (q[0]=='g' && q[1]=='e') || (q[0]=='d' && q[1]==':')
                     || (q[0]=='o' && q[1]==' '));
}

/* Every anchor of the whole lines [p, p+n), in order. */
static void extract_chunk(const char *p, size_t n, const sink *k){
  const char *e = p + n, *ls = p, *last_exact = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i cNL = _mm_set1_epi8('\n'), cI = _mm_set1_epi8('I'), cD = _mm_set1_epi8('D'),
                cg = _mm_set1_epi8('g'), ce = _mm_set1_epi8('e'), cd = _mm_set1_epi8('d'),
                cC = _mm_set1_epi8(':'), co = _mm_set1_epi8('o'), cS = _mm_set1_epi8(' ');
  while( i + 17 <= n ){
    __m128i a = _mm_loadu_si128((const __m128i*)(p + i));
    __m128i b = _mm_loadu_si128((const __m128i*)(p + i + 1));
    unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, cNL));
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, cI), _mm_cmpeq_epi8(b, cD)),
                     _mm_and_si128(_mm_cmpeq_epi8(a, cg), _mm_cmpeq_epi8(b, ce))),
        _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, cd), _mm_cmpeq_epi8(b, cC)),
                     _mm_and_si128(_mm_cmpeq_epi8(a, co), _mm_cmpeq_epi8(b, cS))));
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
typedef struct ix_post { uint32_t block, prev; } ix_post;   /* block: local to the piece's file */
/* A recently posted key: its slot, last block, newest posting and the
** postings added since it came in (written back into the slot when the
** entry is evicted: the slot itself is only touched on a miss). */
typedef struct ix_recent { uint64_t key; uint32_t slot, block, tail, added; } ix_recent;

#define RECENT 8192

/* The postings of one piece. */
typedef struct ix_seg {
  int file;
  ix_slot *slots;
  uint64_t cap, n;
  ix_post *posts;
  uint32_t nposts, cposts;
  ix_recent *recent;         /* while building */
  int oom;
} ix_seg;

typedef struct ix_blk {
  int64_t lineno;            /* of its first line; 0: no line starts in it */
  uint32_t first;            /* offset of that line from the block's start */
  int32_t tz;
} ix_blk;

typedef struct ix_file {
  uint32_t first;            /* global number of its block 0 */
  uint32_t nblock;
  int64_t size;              /* decompressed bytes indexed */
  ix_blk *blks;              /* nblock entries (cblk allocated) */
  uint32_t cblk;
} ix_file;

struct mt_index {
  ix_seg *segs;
  int nseg;
  ix_file *files;
  int nfile;
  uint32_t nblk;
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
static void recent_flush(ix_seg *g){
  int i;
  if( !g->recent ) return;
  for(i=0; i<RECENT; i++){
    if( g->recent[i].key!=KEY_EMPTY ){
      g->slots[g->recent[i].slot].newest = g->recent[i].tail;
      g->slots[g->recent[i].slot].count += g->recent[i].added;
    }
  }
  memset(g->recent, 0xff, sizeof(ix_recent)*RECENT);
}

static int map_grow(ix_seg *g){
  uint64_t ncap = g->cap ? g->cap*2 : 4096, i;
  ix_slot *ns = malloc(sizeof(ix_slot)*(size_t)ncap);
  if( !ns ) return -1;
  advise_huge(ns, sizeof(ix_slot)*(size_t)ncap);
  recent_flush(g);
  for(i=0; i<ncap; i++) ns[i].key = KEY_EMPTY;
  for(i=0; i<g->cap; i++){
    if( g->slots[i].key!=KEY_EMPTY ){
      uint64_t h = mix(g->slots[i].key) & (ncap-1);
      while( ns[h].key!=KEY_EMPTY ) h = (h+1) & (ncap-1);
      ns[h] = g->slots[i];
    }
  }
  free(g->slots);
  g->slots = ns;
  g->cap = ncap;
  return 0;
}

static int64_t slot_of(const ix_seg *g, uint64_t key){
  uint64_t h;
  if( !g->cap ) return -1;
  h = mix(key) & (g->cap-1);
  for(;;){
    if( g->slots[h].key==key ) return (int64_t)h;
    if( g->slots[h].key==KEY_EMPTY ) return -1;
    h = (h+1) & (g->cap-1);
  }
}

/* Post `key` in `block` (once). */
static void post(ix_seg *g, uint64_t key, uint32_t block){
  ix_recent *r = &g->recent[mix(key) & (RECENT-1)];
  uint32_t tail;
  if( r->key==key ){
    if( r->block==block ) return;
    tail = r->tail;
  }else{
    uint64_t h;
    ix_slot *s;
    if( (g->n+1)*10 > g->cap*7 && map_grow(g) ){ g->oom = 1; return; }
    r = &g->recent[mix(key) & (RECENT-1)];
    if( r->key!=KEY_EMPTY ){                                        /* evict: write back */
      g->slots[r->slot].newest = r->tail;
      g->slots[r->slot].count += r->added;
    }
    h = mix(key) & (g->cap-1);
    while( g->slots[h].key!=key && g->slots[h].key!=KEY_EMPTY ) h = (h+1) & (g->cap-1);
    s = &g->slots[h];
    if( s->key==KEY_EMPTY ){ s->key = key; s->newest = UINT32_MAX; s->count = 0; g->n++; }
    r->key = key; r->slot = (uint32_t)h; r->added = 0;
    tail = s->newest;
    r->tail = tail;
    if( tail!=UINT32_MAX && g->posts[tail].block==block ){ r->block = block; return; }
  }
  r->block = block;
  if( g->nposts==g->cposts ){
    uint32_t nc = g->cposts ? g->cposts*2 : 1u<<14;
    ix_post *np;
    if( nc < g->cposts ){ g->oom = 1; return; }
    np = realloc(g->posts, sizeof(ix_post)*(size_t)nc);
    if( !np ){ g->oom = 1; return; }
    advise_huge(np, sizeof(ix_post)*(size_t)nc);
    g->posts = np; g->cposts = nc;
  }
  g->posts[g->nposts].block = block;
  g->posts[g->nposts].prev = tail;
  r->added++;
  r->tail = g->nposts++;
}

/* ---------------------------------------------------------------- build */

#define MT_IX_PIECE ((int64_t)32 << 20)    /* bytes of a plain file per piece */

/* Bytes per piece: MT_IX_PIECE, or MAILTRACE_INDEX_PIECE (tests: many
** small pieces; rounded up to whole blocks). */
static int64_t piece_bytes(void){
  const char *e = getenv("MAILTRACE_INDEX_PIECE");
  long long v = e && *e ? strtoll(e, 0, 10) : 0;
  if( v <= 0 ) return MT_IX_PIECE;
  return ((v + MT_IX_BLOCK - 1) >> MT_IX_SHIFT) << MT_IX_SHIFT;
}
#define MT_IX_THREADS 8

/* A tz change at a line start: (offset, tz). */
typedef struct tzchg { int64_t off; int tz; } tzchg;

/* One piece: the lines that start in blocks [k1, k2) of a file. */
typedef struct ix_piece {
  int file;
  int64_t k1, k2;            /* k2 = -1: to the end (gzip) */
  int64_t lines;             /* lines that start in it */
  int has_tz0;               /* piece 0: the file's header in its first 4 KiB */
  int tz0;
  tzchg *chg; int nchg;
  int64_t end;               /* offset after its last line */
  int64_t bytes_read;
  char *err;
} ix_piece;

typedef struct ix_build {
  mt_index *ix;
  const mt_filelist *files;
  ix_piece *pieces;
  int npiece;
  int next;                  /* next piece to take (mutex) */
  pthread_mutex_t mu;
  int stop;                  /* interrupted or failed: read and set with __atomic */
  int tz_default;            /* tz= or 0 */
  int (*should_stop)(void*);
  void *stop_arg;
} ix_build;

typedef struct hitctx {
  ix_seg *seg;
  int64_t chunk_off;         /* file offset of the chunk */
} hitctx;

static void on_hit(void *arg, int kind, uint64_t id, size_t line_start){
  hitctx *h = arg;
  uint64_t key = ((uint64_t)kind << 62) | (id > ID_MASK - 1 ? ID_MASK - 1 : id);
  post(h->seg, key, (uint32_t)((h->chunk_off + (int64_t)line_start) >> MT_IX_SHIFT));
}

static int need_blocks(ix_file *f, uint32_t n){
  if( n > f->cblk ){
    uint32_t nc = f->cblk ? f->cblk*2 : 64;
    ix_blk *nb;
    while( nc < n ) nc *= 2;
    nb = realloc(f->blks, sizeof(ix_blk)*(size_t)nc);
    if( !nb ) return -1;
    f->blks = nb; f->cblk = nc;
  }
  return 0;
}

/* Offset of the first line that starts at or after `at` in a plain file
** (`at` > 0), or `size` when none does. */
static int64_t first_line_at(int fd, int64_t at, int64_t size){
  char buf[65536];
  int64_t pos = at - 1;
  while( pos < size ){
    ssize_t got = pread(fd, buf, sizeof(buf), (off_t)pos);
    const char *nl;
    if( got<=0 ) return size;
    nl = memchr(buf, '\n', (size_t)got);
    if( nl ) return pos + (nl - buf) + 1;
    pos += got;
  }
  return size;
}

/* Index one piece into its segment.  0, or -1 with pc->err. */
static int index_piece(ix_build *B, int ipiece, int main_thread){
  ix_piece *pc = &B->pieces[ipiece];
  ix_seg *g = &B->ix->segs[ipiece];
  ix_file *f = &B->ix->files[pc->file];
  const mt_file *mf = &B->files->a[pc->file];
  int64_t start = 0, limit = pc->k2 < 0 ? INT64_MAX : pc->k2 << MT_IX_SHIFT;
  int64_t next_blk = pc->k1, off, lines = 0;
  mt_reader *rd;
  const char *p;
  size_t n;
  int rc, first = 1;
  uint32_t steps = 0;
  hitctx hc;
  sink k;

  g->file = pc->file;
  g->recent = malloc(sizeof(ix_recent)*RECENT);
  if( !g->recent ){ pc->err = strdup("out of memory"); return -1; }
  memset(g->recent, 0xff, sizeof(ix_recent)*RECENT);
  {
    uint64_t want = 1024, bytes = pc->k2 < 0 ? (uint64_t)mf->size * 8 : (uint64_t)((pc->k2 - pc->k1) << MT_IX_SHIFT);
    while( want < bytes/700 ) want *= 2;
    while( g->cap < want ) if( map_grow(g) ){ pc->err = strdup("out of memory"); return -1; }
  }
  if( pc->k1>0 ){
    int fd = open(mf->path, O_RDONLY | O_CLOEXEC);
    if( fd<0 ){ pc->err = strdup(mf->path); return -1; }
    start = first_line_at(fd, pc->k1 << MT_IX_SHIFT, mf->size);
    close(fd);
    if( start >= limit || start >= mf->size ){ pc->end = start; goto done; }
  }
  rd = mt_reader_open(mf->path, start, &pc->err);
  if( !rd ) return -1;
  hc.seg = g;
  k.hit = on_hit; k.arg = &hc;
  while( (rc = mt_reader_next(rd, &p, &n, &off))==1 ){
    int64_t at = 0;                 /* chunk position counted to */
    if( (++steps & 0x1f)==0 ){
      if( main_thread && B->should_stop && B->should_stop(B->stop_arg) ) __atomic_store_n(&B->stop, 1, __ATOMIC_RELAXED);
      if( __atomic_load_n(&B->stop, __ATOMIC_RELAXED) ){ pc->err = strdup("interrupted"); mt_reader_close(rd); return -1; }
    }
    if( first && start==0 ){
      int tz;
      if( mt_tz_header(p, n < 4096 ? n : 4096, &tz) ){ pc->has_tz0 = 1; pc->tz0 = tz; }
    }
    first = 0;
    /* The piece ends at the first line that starts in block k2. */
    if( off + (int64_t)n > limit ){
      const char *cut;
      if( off >= limit ){ n = 0; }
      else{
        cut = memchr(p + (limit - off) - 1, '\n', (size_t)(off + (int64_t)n - limit + 1));
        n = cut ? (size_t)(cut - p) + 1 : n;
      }
    }
    if( n==0 ) break;
    /* Blocks whose first line starts in this chunk. */
    for(;;){
      int64_t bs = next_blk << MT_IX_SHIFT, ls;
      ix_blk *bk;
      if( bs >= off + (int64_t)n ) break;
      if( bs <= off ) ls = off;
      else{
        const char *q = memchr(p + (bs - off) - 1, '\n', (size_t)(off + (int64_t)n - bs + 1));
        ls = q ? off + (q - p) + 1 : off + (int64_t)n;
      }
      if( ls >= off + (int64_t)n ) break;          /* it starts in a later chunk */
      if( need_blocks(f, (uint32_t)next_blk + 1) ){ g->oom = 1; break; }
      bk = &f->blks[next_blk];
      if( ls < bs + MT_IX_BLOCK ){
        lines += count_nl(p + at, (size_t)((ls - off) - at));
        at = ls - off;
        bk->lineno = lines + 1;                     /* within the piece; fixed later */
        bk->first = (uint32_t)(ls - bs);
      }else{
        bk->lineno = 0; bk->first = 0;
      }
      bk->tz = 0;
      next_blk++;
    }
    lines += count_nl(p + at, n - (size_t)at);
    /* "Time offset from UTC" header lines change the offset from there on. */
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
          tzchg *nc = realloc(pc->chg, sizeof(tzchg)*(size_t)(pc->nchg+1));
          if( !nc ){ g->oom = 1; break; }
          pc->chg = nc;
          pc->chg[pc->nchg].off = off + (ls - p);
          pc->chg[pc->nchg].tz = tz;
          pc->nchg++;
        }
        q = le ? le + 1 : e;
      }
    }
    hc.chunk_off = off;
    extract_chunk(p, n, &k);
    pc->end = off + (int64_t)n;
    if( g->oom ) break;
    if( off + (int64_t)n >= limit ) break;
  }
  pc->bytes_read = mt_reader_bytes_read(rd) - (pc->k1>0 ? start : 0);
  if( rc<0 ){
    const char *e = mt_reader_error(rd);
    pc->err = strdup(e ? e : "read error");
    mt_reader_close(rd);
    return -1;
  }
  mt_reader_close(rd);
done:
  /* Blocks of the piece after its last line start: no line starts there. */
  {
    int64_t upto = pc->k2 < 0 ? ((pc->end + MT_IX_BLOCK - 1) >> MT_IX_SHIFT) : pc->k2;
    if( pc->k2 < 0 && upto==0 ) upto = 0;
    if( upto > next_blk && need_blocks(f, (uint32_t)upto) ) g->oom = 1;
    else for(; next_blk < upto; next_blk++){ f->blks[next_blk].lineno = 0; f->blks[next_blk].first = 0; f->blks[next_blk].tz = 0; }
    if( pc->k2 < 0 ) f->nblock = (uint32_t)next_blk;
  }
  pc->lines = lines;
  if( g->oom ){ free(pc->err); pc->err = strdup("out of memory"); return -1; }
  recent_flush(g);
  free(g->recent); g->recent = 0;
  if( g->nposts < g->cposts ){                          /* give back the doubling slack */
    ix_post *np = realloc(g->posts, sizeof(ix_post)*(size_t)(g->nposts ? g->nposts : 1));
    if( np ){ g->posts = np; g->cposts = g->nposts ? g->nposts : 1; }
  }
  return 0;
}

/* Take pieces until none is left (or the build stops). */
static void work(ix_build *B, int main_thread){
  for(;;){
    int i;
    pthread_mutex_lock(&B->mu);
    i = __atomic_load_n(&B->stop, __ATOMIC_RELAXED) ? B->npiece : B->next++;
    pthread_mutex_unlock(&B->mu);
    if( i >= B->npiece ) break;
    if( index_piece(B, i, main_thread) ) __atomic_store_n(&B->stop, 1, __ATOMIC_RELAXED);
  }
}

static void *worker(void *arg){ work(arg, 0); return 0; }

/* Threads to use: MAILTRACE_THREADS if set (1 = none), else the CPUs online. */
static int thread_count(int npiece){
  const char *e = getenv("MAILTRACE_THREADS");
  long n = e && *e ? strtol(e, 0, 10) : sysconf(_SC_NPROCESSORS_ONLN);
  if( n < 1 ) n = 1;
  if( n > MT_IX_THREADS ) n = MT_IX_THREADS;
  if( n > npiece ) n = npiece;
  return (int)(n < 1 ? 1 : n);
}

/* After the pieces: global block numbers, line numbers from the start of
** each file, the UTC offset at each block. */
static void finish(ix_build *B){
  mt_index *ix = B->ix;
  int i, p = 0;
  uint32_t nblk = 0;
  for(i=0; i<ix->nfile; i++){
    ix_file *f = &ix->files[i];
    int64_t lines = 0;
    int first_p = p, q, c, tz;
    uint32_t j;
    f->first = nblk;
    for(; p<B->npiece && B->pieces[p].file==i; p++){
      ix_piece *pc = &B->pieces[p];
      int64_t k2 = pc->k2 < 0 || pc->k2 > (int64_t)f->nblock ? (int64_t)f->nblock : pc->k2;
      int64_t b;
      for(b=pc->k1; b<k2; b++) if( f->blks[b].lineno ) f->blks[b].lineno += lines;
      lines += pc->lines;
      if( pc->end > f->size ) f->size = pc->end;
    }
    /* The offset: the header in the file's first 4 KiB counts from its
    ** start (else tz= or 0), then each later header line from there on. */
    tz = first_p < p && B->pieces[first_p].has_tz0 ? B->pieces[first_p].tz0 : B->tz_default;
    for(q=first_p, c=0, j=0; j<f->nblock; j++){
      ix_blk *bk = &f->blks[j];
      int64_t at = ((int64_t)j << MT_IX_SHIFT) + bk->first;
      while( q < p ){
        const ix_piece *pc = &B->pieces[q];
        if( c >= pc->nchg ){ q++; c = 0; continue; }
        if( pc->chg[c].off >= at ) break;
        tz = pc->chg[c].tz;
        c++;
      }
      bk->tz = tz;
    }
    nblk += f->nblock;
  }
  ix->nblk = nblk;
}

mt_index *mt_index_build(const mt_filelist *files, const mt_opts *opts, mt_stats *stats,
                         char **pzErr, int (*should_stop)(void*), void *stop_arg){
  mt_index *ix;
  mt_stats dummy;
  ix_build B;
  int i, nthread, ok = 1;
  int64_t piece = piece_bytes();
  pthread_t th[MT_IX_THREADS];
  int nth = 0;
  *pzErr = 0;
  if( !stats ) stats = &dummy;
  memset(stats, 0, sizeof(*stats));
  if( opts->year ){ *pzErr = strdup("year= makes a line's year depend on the lines before it: no offset index"); return 0; }
  ix = calloc(1, sizeof(*ix));
  if( !ix ){ *pzErr = strdup("out of memory"); return 0; }
  memset(&B, 0, sizeof(B));
  B.ix = ix; B.files = files; B.should_stop = should_stop; B.stop_arg = stop_arg;
  B.tz_default = opts->tz_set ? opts->tz_off : 0;
  ix->files = calloc((size_t)(files->n ? files->n : 1), sizeof(ix_file));
  if( !ix->files ){ mt_index_free(ix); *pzErr = strdup("out of memory"); return 0; }
  ix->nfile = files->n;
  /* The pieces: plain files by MT_IX_PIECE, gzip files whole. */
  for(i=0; i<files->n && ok; i++){
    int64_t size = files->a[i].size, k;
    int gz = 0;
    {
      unsigned char m[2];
      int fd = open(files->a[i].path, O_RDONLY | O_CLOEXEC);
      if( fd<0 ){ *pzErr = strdup(files->a[i].path); ok = 0; break; }
      gz = pread(fd, m, 2, 0)==2 && m[0]==0x1f && m[1]==0x8b;
      close(fd);
    }
    if( !gz ){
      int64_t nb = (size + MT_IX_BLOCK - 1) >> MT_IX_SHIFT;
      if( need_blocks(&ix->files[i], (uint32_t)(nb ? nb : 1)) ){ ok = 0; break; }
      ix->files[i].nblock = (uint32_t)nb;
    }
    for(k=0; ; k += piece >> MT_IX_SHIFT){
      ix_piece *np;
      if( !gz && (k << MT_IX_SHIFT) >= size && k>0 ) break;
      np = realloc(B.pieces, sizeof(ix_piece)*(size_t)(B.npiece+1));
      if( !np ){ ok = 0; break; }
      B.pieces = np;
      memset(&B.pieces[B.npiece], 0, sizeof(ix_piece));
      B.pieces[B.npiece].file = i;
      B.pieces[B.npiece].k1 = k;
      B.pieces[B.npiece].k2 = gz ? -1 : k + (piece >> MT_IX_SHIFT);
      if( !gz && B.pieces[B.npiece].k2 > (int64_t)ix->files[i].nblock ) B.pieces[B.npiece].k2 = ix->files[i].nblock;
      B.npiece++;
      if( gz ) break;
    }
  }
  if( ok ){
    ix->segs = calloc((size_t)(B.npiece ? B.npiece : 1), sizeof(ix_seg));
    if( !ix->segs ) ok = 0;
    else ix->nseg = B.npiece;
  }
  if( !ok ){
    if( !*pzErr ) *pzErr = strdup("out of memory");
    free(B.pieces);
    mt_index_free(ix);
    return 0;
  }
  pthread_mutex_init(&B.mu, 0);
  nthread = thread_count(B.npiece);
  for(i=1; i<nthread; i++){
    if( pthread_create(&th[nth], 0, worker, &B)==0 ) nth++;
  }
  work(&B, 1);
  for(i=0; i<nth; i++) pthread_join(th[i], 0);
  pthread_mutex_destroy(&B.mu);
  for(i=0; i<B.npiece; i++){
    ix_piece *pc = &B.pieces[i];
    stats->bytes_read += pc->bytes_read;
    stats->lines_parsed += pc->lines;
    if( pc->k1==0 ) stats->files_opened++;
    if( pc->err && !*pzErr ){
      /* the first failure in file order; "interrupted" only if nothing worse */
      *pzErr = pc->err; pc->err = 0;
    }
  }
  if( *pzErr && strcmp(*pzErr, "interrupted")==0 ){
    for(i=0; i<B.npiece; i++) if( B.pieces[i].err && strcmp(B.pieces[i].err, "interrupted")!=0 ){
      free(*pzErr); *pzErr = B.pieces[i].err; B.pieces[i].err = 0; break;
    }
  }
  /* A piece that failed (or was never taken, after a failure) fails the
  ** whole index, even when its message could not be allocated. */
  if( B.stop && !*pzErr ) *pzErr = strdup("out of memory");
  if( !B.stop ) finish(&B);
  for(i=0; i<B.npiece; i++){ free(B.pieces[i].chg); free(B.pieces[i].err); }
  free(B.pieces);
  if( B.stop ){ mt_index_free(ix); return 0; }
  return ix;
}

void mt_index_free(mt_index *ix){
  int i;
  if( !ix ) return;
  for(i=0; i<ix->nseg; i++){ free(ix->segs[i].slots); free(ix->segs[i].posts); free(ix->segs[i].recent); }
  free(ix->segs);
  for(i=0; i<ix->nfile; i++) free(ix->files[i].blks);
  free(ix->files);
  free(ix);
}

int mt_index_lookup(const mt_index *ix, uint64_t key, uint32_t **pa, int *pn){
  uint32_t *a = 0;
  int n = 0, cap = 0, i;
  *pa = 0; *pn = 0;
  for(i=0; i<ix->nseg; i++){              /* pieces are in log order */
    const ix_seg *g = &ix->segs[i];
    int64_t s = slot_of(g, key);
    uint32_t p, cnt, j;
    if( s<0 ) continue;
    cnt = g->slots[s].count;
    if( n + (int)cnt > cap ){
      int nc = cap ? cap*2 : 16;
      uint32_t *na;
      while( nc < n + (int)cnt ) nc *= 2;
      na = realloc(a, sizeof(uint32_t)*(size_t)nc);
      if( !na ){ free(a); return -1; }
      a = na; cap = nc;
    }
    for(j=cnt, p=g->slots[s].newest; p!=UINT32_MAX && j>0; p=g->posts[p].prev){
      a[n + (int)--j] = ix->files[g->file].first + g->posts[p].block;
    }
    n += (int)cnt;
  }
  *pa = a; *pn = n;
  return 0;
}

void mt_index_block(const mt_index *ix, uint32_t b, mt_ix_block *out){
  int lo = 0, hi = ix->nfile - 1;
  const ix_file *f;
  const ix_blk *bk;
  uint32_t j;
  /* the file: the last one whose first block is <= b and that has blocks */
  while( lo < hi ){
    int mid = (lo + hi + 1) / 2;
    if( ix->files[mid].first <= b ) lo = mid; else hi = mid - 1;
  }
  while( lo > 0 && (ix->files[lo].nblock==0 || ix->files[lo].first > b) ) lo--;
  f = &ix->files[lo];
  j = b - f->first;
  bk = &f->blks[j];
  out->file = lo;
  out->off = ((int64_t)j << MT_IX_SHIFT) + bk->first;
  out->end = ((int64_t)(j + 1) << MT_IX_SHIFT);
  if( out->end > f->size ) out->end = f->size;
  out->lineno = bk->lineno;
  out->tz = bk->tz;
  out->empty = bk->lineno==0;
}

uint32_t mt_index_block_of(const mt_index *ix, int file, int64_t off){
  return ix->files[file].first + (uint32_t)(off >> MT_IX_SHIFT);
}

uint32_t mt_index_nblock(const mt_index *ix){ return ix->nblk; }

size_t mt_index_ids(const mt_index *ix){
  size_t n = 0;
  int i;
  for(i=0; i<ix->nseg; i++) n += (size_t)ix->segs[i].n;
  return n;
}

size_t mt_index_memory(const mt_index *ix){
  size_t n = sizeof(*ix) + sizeof(ix_seg)*(size_t)ix->nseg + sizeof(ix_file)*(size_t)ix->nfile;
  int i;
  for(i=0; i<ix->nseg; i++) n += sizeof(ix_slot)*(size_t)ix->segs[i].cap + sizeof(ix_post)*(size_t)ix->segs[i].cposts;
  for(i=0; i<ix->nfile; i++) n += sizeof(ix_blk)*(size_t)ix->files[i].cblk;
  return n;
}
