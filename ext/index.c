/* SPDX-License-Identifier: MIT */
/*
** index.c — the offset index (see index.h): id → the 64 KiB blocks of its
** lines, built by one vectorised pass over the files.
**
** The pass, per chunk of whole lines (bytes.c):
**   1. a 16-byte-wide loop finds newlines and the anchors "ID", "d:",
**      "C:", "e <digit>", "o <digit>"; each anchor is checked and its
**      number read (extract_chunk, anchor);
**   2. every id is posted under the block of its line's start — at most
**      once per (id, block), which a small cache of recent ids decides
**      without touching the big hash (ids in flight repeat line after line);
**   3. every block boundary in the chunk gets the offset and line number of
**      the first line that starts after it (newlines counted 16 at a time);
**   4. "Time offset from UTC" header lines (anchor "C:") are recorded, so
**      each block knows the UTC offset the walk would have in force there.
** While a piece is indexed, a posting is appended for each (id, block)
** with the id's slot (nothing old is written again but the id's newest
** posting's units); when the piece is done, each id's postings are laid
** out one after the other, oldest first (pack_posts, a counting sort by
** slot: 8 bytes each), so that a lookup reads one run.
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
#include "wraps.h"
#include "lines.h"
#include "events.h"
#include "logtype.h"
#include "progress.h"
#include "threads.h"

#include <stddef.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <pthread.h>
#include <fcntl.h>
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

MT_WRAPS static uint64_t hash_bytes(const char *p, size_t n){
  uint64_t h = UINT64_C(1469598103934665603);           /* FNV-1a */
  size_t i;
  for(i=0; i<n; i++){ h ^= (unsigned char)p[i]; h *= UINT64_C(1099511628211); }
  return h;
}

uint64_t mt_index_ip_key(const char *ip, size_t n){
  return mt_index_key(MT_IX_IP, (int64_t)(hash_bytes(ip, n) % (ID_MASK - 1)));
}

MT_WRAPS static inline uint64_t mix(uint64_t k){
  k ^= k >> 31; k *= UINT64_C(0x9E3779B97F4A7C15); k ^= k >> 29;
  return k;
}

/* -------------------------------------------------------------- extract */

/* Where extract_chunk reports to. */
typedef struct sink {
  void (*hit)(void *arg, int kind, uint64_t id, size_t line_start);
  void (*tz)(void *arg, size_t line_start, int tz);   /* a "Time offset" header line, or NULL */
  void *arg;
  int no_ip;                 /* client IPs not wanted: New SMTP ICID lines need no parse */
} sink;

static inline int is_digit(char c){ return c>='0' && c<='9'; }

/* An id as keys hold it: below 2^62 - 1 (larger ones clamped, as the
** anchor scan and mt_index_key() clamp them). */
static uint64_t clamp_id(int64_t id){
  return (uint64_t)id > ID_MASK - 1 ? ID_MASK - 1 : (uint64_t)id;
}

/* The ids of one reading of the line at `at`, and the client IP of a
** "New SMTP ICID" line. */
static void exact_hits(const mt_event *ev, size_t at, const sink *k){
  if( ev->icid>=0 ) k->hit(k->arg, MT_IX_ICID, clamp_id(ev->icid), at);
  if( ev->mid>=0 ) k->hit(k->arg, MT_IX_MID, clamp_id(ev->mid), at);
  if( ev->mid2>=0 ) k->hit(k->arg, MT_IX_MID, clamp_id(ev->mid2), at);
  if( ev->dcid>=0 ) k->hit(k->arg, MT_IX_DCID, clamp_id(ev->dcid), at);
  if( ev->kind==MT_EV_ICID_NEW && mt_has(ev, MT_F_REMOTE_IP) ){
    k->hit(k->arg, MT_IX_IP,
           mt_index_ip_key(ev->f[MT_F_REMOTE_IP].p, (size_t)ev->f[MT_F_REMOTE_IP].n) & ID_MASK, at);
  }
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
  /* Every reading a table may give this line: the log type's own (with no
  ** file type: the undecided lines keep the grammar's reading, a superset of
  ** any file type's), and the mail_logs grammar alone, which the partial
  ** store applies to the lines it keeps whatever their tag says.  A line
  ** whose tag names another log ("ftpd_logs: Info: Message 5 ...") has no
  ** ids in the first reading but has them in the second. */
  if( mt_line_event(&ln, 0, &ev)!=MT_LOG_MAIL ){
    exact_hits(&ev, at, k);
    if( ln.form==MT_FORM_NONE ) return;   /* no prefix: no reader takes ids from it */
    mt_event_parse(ln.body, ln.body_len, &ev);
  }
  exact_hits(&ev, at, k);
}

/* The number at r (r < e, *r a digit), clamped to ID_MASK - 1 as
** mt_index_key clamps.  Its first 18 digits cannot reach the clamp
** (10^18 < 2^62 - 1): only a longer number pays for the check.  Eight
** bytes at a time where they are there (little-endian): the digits that
** lead them found with masks, converted with three multiplications (the
** well-known SWAR conversion of eight digits), no branch per digit. */
MT_WRAPS static inline uint64_t read_id(const char *r, const char *e){
  uint64_t v = 0;
  int nd = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__==__ORDER_LITTLE_ENDIAN__
  static const uint64_t p10[9] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000 };
  const uint64_t ones = UINT64_C(0x0101010101010101);
  while( e - r >= 8 && nd <= 10 ){
    uint64_t x, m;
    int n;
    memcpy(&x, r, 8);
    /* a byte is a digit when its high nibble is 3 before and after adding
    ** 6 (a carry out of a byte >= 0xFA only reaches bytes after the first
    ** non-digit, which are not used) */
    m = ((x & ones*0xF0) ^ ones*0x30) | (((x + ones*0x06) & ones*0xF0) ^ ones*0x30);
    n = m ? __builtin_ctzll(m) >> 3 : 8;            /* leading digits */
    if( n==0 ) return v;
    x = ((x - ones*0x30) & (~UINT64_C(0) >> (8*(8 - n)))) << (8*(8 - n));   /* the n digits, last at the top */
    x = x*10 + (x >> 8);
    x = (((x & UINT64_C(0x000000FF000000FF)) * (100 + (UINT64_C(1000000) << 32)))
       + (((x >> 16) & UINT64_C(0x000000FF000000FF)) * (1 + (UINT64_C(10000) << 32)))) >> 32;
    v = v*p10[n] + x;
    nd += n; r += n;
    if( n < 8 ) return v;
  }
#endif
  while( r<e && nd<18 && is_digit(*r) ){ v = v*10 + (uint64_t)(*r - '0'); r++; nd++; }
  while( r<e && is_digit(*r) ){
    uint64_t d = (uint64_t)(*r - '0');
    v = v > (ID_MASK - 1 - d)/10 ? ID_MASK - 1 : v*10 + d;
    r++;
  }
  return v;
}

static void on_hit(void *arg, int kind, uint64_t id, size_t line_start);

/* A hit to the sink: the index pass's own callback called directly (so
** that it can be inlined), any other through its pointer. */
static inline void emit(const sink *k, int kind, uint64_t id, size_t line_start){
  if( k->hit==on_hit ) on_hit(k->arg, kind, id, line_start);
  else k->hit(k->arg, kind, id, line_start);
}

/* An anchor other than "ID" (rare: a line in a few hundred): see anchor. */
__attribute__((noinline))
static void anchor_rare(const char *base, const char *q, const char *ls, const char *e,
                        const sink *k, const char **last_exact){
  const char *r;
  if( q[0]=='e' || q[0]=='o' ){    /* "Message 123", "rewritten to 123" (before 4.5) */
    if( q+2 < e && q[1]==' ' && is_digit(q[2]) && *last_exact!=ls ){
      *last_exact = ls;
      exact_line(base, ls, e, k);
    }
    return;
  }
  if( q[0]=='C' ){                                   /* "Time offset from UTC: n seconds" */
    if( k->tz && q-2 >= ls && q[-2]=='U' && q[-1]=='T' ){
      const char *le = memchr(ls, '\n', (size_t)(e - ls));
      size_t n = (size_t)((le ? le : e) - ls);
      mt_line ln;
      int tz;
      if( n && ls[n-1]=='\r' ) n--;
      mt_line_parse(ls, n, &ln);
      if( mt_line_tz(&ln, &tz) ) k->tz(k->arg, (size_t)(ls - base), tz);
    }
    return;
  }
  /* "<icid> Sent:" / "<icid> Rcvd:": an injection debug line (its ICID
  ** before the word, where the cheap rule does not look) */
  if( q-5 >= ls && (memcmp(q-3, "Sen", 3)==0 || memcmp(q-3, "Rcv", 3)==0) && q[-4]==' ' && is_digit(q[-5])
   && *last_exact!=ls ){
    *last_exact = ls;
    exact_line(base, ls, e, k);
    return;
  }
  if( q[0]=='t' ) return;
  /* "d:" then spaces and a digit: "Bounced: 123:0", "Delayed: 123:0" */
  r = q + 2;
  while( r<e && *r==' ' ) r++;
  if( r<e && is_digit(*r) && *last_exact!=ls ){
    *last_exact = ls;
    exact_line(base, ls, e, k);
  }
}


/* One anchor at q, in the line starting at ls; [base, e) is the chunk.
** *last_exact: the last line given to exact_line (once per line). */
static inline void anchor(const char *base, const char *q, const char *ls, const char *e,
                   const sink *k, const char **last_exact){
  const char *r;
  if( q[0]!='I' ){ anchor_rare(base, q, ls, e, k, last_exact); return; }
  {                                                  /* "ID" */
    int kind;
    uint64_t v = 0;
    char p1 = q-1 >= ls ? q[-1] : 0, p2 = q-2 >= ls ? q[-2] : 0;
    if( p1=='M' ) kind = MT_IX_MID;
    else if( p1=='C' && p2=='I' ) kind = MT_IX_ICID;
    else if( p1=='C' && p2=='D' ) kind = MT_IX_DCID;
    else return;
    /* "New SMTP ICID n ... address <ip>": the client IP, read by the grammar. */
    if( kind==MT_IX_ICID && !k->no_ip && q-11 >= ls && (memcmp(q-11, "New SMTP ", 9)==0 || memcmp(q-11, "New smtp ", 9)==0)
     && *last_exact!=ls ){
      *last_exact = ls;
      exact_line(base, ls, e, k);
    }
    r = q + 2;
    if( r<e && *r==':' ) r++;
    while( r<e && *r==' ' ) r++;
    if( r<e && *r=='=' ){ r++; while( r<e && *r==' ' ) r++; }   /* AMP "MID = 5", CEF "ESAMID=5" */
    /* "(MID originally n)": a message released from a central quarantine */
    if( kind==MT_IX_MID && e - r > 11 && memcmp(r, "originally ", 11)==0 ) r += 11;
    if( r>=e || !is_digit(*r) ) return;
    v = read_id(r, e);
    emit(k, kind, v, (size_t)(ls - base));
  }
}

static inline int is_anchor(const char *q, const char *e){
  if( q+1 >= e ) return 0;
  if( (q[0]=='I' && q[1]=='D') || ((q[0]=='d' || q[0]=='C' || q[0]=='t') && q[1]==':') ) return 1;
  return (q[0]=='e' || q[0]=='o') && q[1]==' ' && q+2 < e && is_digit(q[2]);
}

/* Newlines counted on the way (the index pass numbers each block's first
** line with them, without a second pass over the chunk): mark[0..nmark),
** ascending offsets in the chunk; before[j] is set to the newlines in
** [0, mark[j]), total to those of the whole chunk.  `next`: mark[imark],
** or SIZE_MAX when every mark is done. */
typedef struct nlcount {
  const size_t *mark;
  int64_t *before;
  int nmark, imark;
  size_t next;
  int64_t total;
} nlcount;

/* The newlines `nl` (bit j: byte i + j) of a step of w <= 32 bytes from i. */
static inline void count_nl(nlcount *c, size_t i, unsigned nl, size_t w, int pop(unsigned)){
  while( c->next < i + w ){
    unsigned below = (unsigned)((UINT64_C(1) << (c->next - i)) - 1);
    c->before[c->imark++] = c->total + pop(nl & below);
    c->next = c->imark < c->nmark ? c->mark[c->imark] : SIZE_MAX;
  }
  c->total += pop(nl);
}

static inline int pop_any(unsigned v){ return __builtin_popcount(v); }

/* One step of a vector loop: the anchors at the set bits of `hits` in the
** bytes from p + i (bit j: byte i + j), each with the start of its line
** (the last newline of `nl` before it, or ls); returns the start of the
** line the step ends in.  Shared by the 16- and 32-byte loops. */
static inline const char *step_anchors(const char *p, size_t i, unsigned hits, unsigned nl, const char *ls,
                                       const char *e, const sink *k, const char **last_exact){
  while( hits ){
    int j = __builtin_ctz(hits);
    unsigned before = nl & ((1u << j) - 1);
    const char *lsj = before ? p + i + (31 - __builtin_clz(before)) + 1 : ls;
    hits &= hits - 1;
    anchor(p, p + i + j, lsj, e, k, last_exact);
  }
  return nl ? p + i + (31 - __builtin_clz(nl)) + 1 : ls;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* The loop of extract_chunk 32 bytes a step, on CPUs with AVX2 (chosen at
** run time: the extension stays loadable on any x86-64).  It stops where
** fewer than 34 bytes are left and returns the position; *pls is the start
** of the line there.  Same anchors, same order as the 16-byte loop. */
__attribute__((target("avx2,popcnt")))
static inline int pop_hw(unsigned v){ return __builtin_popcount(v); }

__attribute__((target("avx2,popcnt")))
static size_t extract_avx2(const char *p, size_t n, const sink *k, const char **pls, const char **last_exact,
                           nlcount *cnt){
  const char *e = p + n, *ls = *pls;
  size_t i = 0;
  const __m256i cNL = _mm256_set1_epi8('\n'), cI = _mm256_set1_epi8('I'), cD = _mm256_set1_epi8('D'),
                ce = _mm256_set1_epi8('e'), co = _mm256_set1_epi8('o'), cd = _mm256_set1_epi8('d'),
                cU = _mm256_set1_epi8('C'), cC = _mm256_set1_epi8(':'), cS = _mm256_set1_epi8(' '),
                ct = _mm256_set1_epi8('t'), c0 = _mm256_set1_epi8('0'), c9 = _mm256_set1_epi8('9');
  while( i + 34 <= n ){
    __m256i a = _mm256_loadu_si256((const __m256i*)(p + i));
    __m256i b = _mm256_loadu_si256((const __m256i*)(p + i + 1));
    unsigned nl = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, cNL));
    __m256i id = _mm256_and_si256(_mm256_cmpeq_epi8(a, cI), _mm256_cmpeq_epi8(b, cD));
    __m256i colon = _mm256_and_si256(_mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, cd), _mm256_cmpeq_epi8(a, cU)),
                                                     _mm256_cmpeq_epi8(a, ct)),
                                     _mm256_cmpeq_epi8(b, cC));
    __m256i sp = _mm256_and_si256(_mm256_or_si256(_mm256_cmpeq_epi8(a, ce), _mm256_cmpeq_epi8(a, co)),
                                  _mm256_cmpeq_epi8(b, cS));
    unsigned hits = (unsigned)_mm256_movemask_epi8(_mm256_or_si256(id, colon));
    unsigned sps = (unsigned)_mm256_movemask_epi8(sp);
    if( sps ){
      /* "e <digit>", "o <digit>": the third byte only when the first two match (rare) */
      __m256i c = _mm256_loadu_si256((const __m256i*)(p + i + 2));
      __m256i digit = _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_max_epu8(c, c0), c),
                                        _mm256_cmpeq_epi8(_mm256_min_epu8(c, c9), c));
      hits |= sps & (unsigned)_mm256_movemask_epi8(digit);
    }
    count_nl(cnt, i, nl, 32, pop_hw);
    ls = step_anchors(p, i, hits, nl, ls, e, k, last_exact);
    i += 32;
  }
  *pls = ls;
  return i;
}
#define MT_HAVE_AVX2_PATH 1
#endif

static int simd_level = -1;       /* -1: not decided; 0: 16-byte loop; 1: AVX2 */

int mt_index_simd(int want){
#if defined(MT_HAVE_AVX2_PATH)
  return mt_avx2_switch(&simd_level, want);
#else
  (void)want; (void)simd_level;
  return 0;
#endif
}

/* Every anchor of the whole lines [p, p+n), in order, and its newlines
** counted into cnt (cnt->before for its marks, cnt->total). */
static void extract_chunk(const char *p, size_t n, const sink *k, nlcount *cnt){
  const char *e = p + n, *ls = p, *last_exact = 0;
  size_t i = 0;
  cnt->imark = 0;
  cnt->next = cnt->nmark ? cnt->mark[0] : SIZE_MAX;
  cnt->total = 0;
#if defined(MT_HAVE_AVX2_PATH)
  int lv = __atomic_load_n(&simd_level, __ATOMIC_RELAXED);
  if( lv<0 ) lv = mt_index_simd(-1);
  if( lv>0 ) i = extract_avx2(p, n, k, &ls, &last_exact, cnt);
#endif
#if defined(__SSE2__)
  const __m128i cNL = _mm_set1_epi8('\n'), cI = _mm_set1_epi8('I'), cD = _mm_set1_epi8('D'),
                ce = _mm_set1_epi8('e'), co = _mm_set1_epi8('o'), cd = _mm_set1_epi8('d'),
                cU = _mm_set1_epi8('C'), cC = _mm_set1_epi8(':'), cS = _mm_set1_epi8(' '),
                ct = _mm_set1_epi8('t'), c0 = _mm_set1_epi8('0'), c9 = _mm_set1_epi8('9');
  while( i + 18 <= n ){
    __m128i a = _mm_loadu_si128((const __m128i*)(p + i));
    __m128i b = _mm_loadu_si128((const __m128i*)(p + i + 1));
    __m128i c = _mm_loadu_si128((const __m128i*)(p + i + 2));
    unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, cNL));
    /* "ID", "d:", "C:", "t:", and "e <digit>", "o <digit>" */
    __m128i digit = _mm_and_si128(_mm_cmpeq_epi8(_mm_max_epu8(c, c0), c), _mm_cmpeq_epi8(_mm_min_epu8(c, c9), c));
    __m128i colon = _mm_cmpeq_epi8(b, cC);
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_and_si128(_mm_cmpeq_epi8(a, cI), _mm_cmpeq_epi8(b, cD)),
                     _mm_and_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, cd), _mm_cmpeq_epi8(a, cU)),
                                                _mm_cmpeq_epi8(a, ct)), colon)),
        _mm_and_si128(_mm_and_si128(_mm_or_si128(_mm_cmpeq_epi8(a, ce), _mm_cmpeq_epi8(a, co)),
                                    _mm_cmpeq_epi8(b, cS)), digit));
    count_nl(cnt, i, nl, 16, pop_any);
    ls = step_anchors(p, i, (unsigned)_mm_movemask_epi8(m), nl, ls, e, k, &last_exact);
    i += 16;
  }
#endif
  for(; i<n; i++){
    count_nl(cnt, i, p[i]=='\n', 1, pop_any);
    if( p[i]=='\n' ){ ls = p + i + 1; continue; }
    if( is_anchor(p + i, e) ) anchor(p, p + i, ls, e, k, &last_exact);
  }
  while( cnt->imark < cnt->nmark ) cnt->before[cnt->imark++] = cnt->total;   /* marks at n (none are) */
}

void mt_index_extract(const char *p, size_t n,
                      void (*hit)(void *arg, int kind, uint64_t id, size_t line_start), void *arg){
  mt_index_extract2(p, n, hit, arg, 0);
}

void mt_index_extract2(const char *p, size_t n,
                       void (*hit)(void *arg, int kind, uint64_t id, size_t line_start), void *arg,
                       int no_ip){
  sink k;
  nlcount c;
  k.hit = hit; k.tz = 0; k.arg = arg; k.no_ip = no_ip;
  memset(&c, 0, sizeof(c));
  extract_chunk(p, n, &k, &c);
}

/* ---------------------------------------------------------------- store */

/* An id's slot: while its piece is indexed, `newest` is its newest posting;
** once packed, the first of its `count` postings (UINT32_MAX: none). */
typedef struct ix_slot { uint64_t key; uint32_t newest, count; } ix_slot;
/* A posting while its segment is built: the key of slot `slot` has lines in
** `block` (of the segment's file), in the 1 KiB units of it whose bits
** `mask` sets (bit u: lines that start in [block*64K + u*1K, block*64K +
** (u+1)*1K)). */
typedef struct ix_bpost { uint32_t block, slot; uint64_t mask; } ix_bpost;
/* A posting as the finished segment keeps it (and index files hold it): its
** block, and the units u[0..3], ascending, IX_UNONE after the last; when
** more than four units hold the key's lines (2 % of the postings of the
** bench log), every unit from u[0] to u[1] (u[2] = IX_URANGE): a superset,
** as the index is.  A key's postings follow each other (ix_slot), so none
** links to another: 8 bytes instead of 16 (the 1 GiB bench log's index
** 107 MB to 71 MB). */
typedef struct ix_post { uint32_t block; uint8_t u[4]; } ix_post;
_Static_assert(sizeof(ix_post)==8, "ix_post is written to index files as it is");
#define IX_UNONE 0xff
#define IX_URANGE 0xfe

static inline void post_pack(ix_post *d, const ix_bpost *x){
  uint64_t m = x->mask, r = m;
  int k = 0;
  d->block = x->block;
  memset(d->u, IX_UNONE, sizeof(d->u));
  for(; r && k<4; r &= r - 1) d->u[k++] = (uint8_t)__builtin_ctzll(r);
  if( r ){                              /* a fifth unit: the range instead */
    d->u[0] = (uint8_t)__builtin_ctzll(m);
    d->u[1] = (uint8_t)(63 - __builtin_clzll(m));
    d->u[2] = IX_URANGE;
    d->u[3] = IX_UNONE;
  }
}

/* The units of a posting as a mask; 0 for none, which no posting has (a
** damaged one of an index file). */
static uint64_t post_mask(const ix_post *x){
  uint64_t m = 0;
  int k;
  if( x->u[2]==IX_URANGE ){
    if( x->u[0] > x->u[1] || x->u[1] > 63 || x->u[3]!=IX_UNONE ) return 0;
    m = x->u[1]==63 ? ~UINT64_C(0) : (UINT64_C(1) << (x->u[1] + 1)) - 1;
    return m & ~((UINT64_C(1) << x->u[0]) - 1);
  }
  for(k=0; k<4 && x->u[k]!=IX_UNONE; k++){
    if( x->u[k] > 63 || (k>0 && x->u[k] <= x->u[k-1]) ) return 0;
    m |= UINT64_C(1) << x->u[k];
  }
  for(; k<4; k++) if( x->u[k]!=IX_UNONE ) return 0;
  return m;
}
/* A recently posted key: its slot, last block, newest posting and the
** postings added since it came in (written back into the slot when the
** entry is evicted: the slot itself is only touched on a miss). */
typedef struct ix_recent { uint64_t key; uint32_t slot, block, tail, added; uint64_t mask; } ix_recent;
/* (mask: units seen since the entry's posting `tail` was last written; a
** hit in the same block only sets a bit here, in the cache line it read) */

#define RECENT_SHIFT 11
#define RECENT (4 << RECENT_SHIFT)    /* entries: 2,048 for each kind of id */

#define IX_NRANGE 8               /* id intervals of a kind, per segment */

/* The postings of one piece of a file. */
typedef struct ix_seg {
  ix_slot *slots;
  uint64_t cap, n;
  ix_post *posts;            /* once built (pack_posts) ... */
  ix_bpost *bposts;          /* ... while built: cposts of them */
  uint32_t nposts, cposts;
  uint32_t ready;            /* while building: postings below it are paged in */
  ix_recent *recent;         /* while building */
  int oom;
  /* What lets a lookup pass the segment by (seg_may_hold): for each kind
  ** of id, at most IX_NRANGE intervals [lo, hi] that hold every id of that
  ** kind posted (ICID, MID and DCID numbers grow with time, so the segments
  ** of rotated files cover disjoint ranges; an interval more for a restart
  ** or a stray old id; lo > hi: unused), and the client IP keys in a bloom
  ** filter of nbloom 64-bit words (a power of 2; 0: no IP key).  Taken from
  ** the slots once the segment's postings are complete (seg_summarize: a
  ** segment never changes after its piece is built) and saved with it;
  ** summed 0: not known, every key is looked up. */
  uint64_t lo[3][IX_NRANGE], hi[3][IX_NRANGE];
  uint64_t *bloom;
  uint64_t nbloom;
  int summed;
} ix_seg;

typedef struct ix_blk {
  int64_t lineno;            /* of its first line; 0: no line starts in it */
  uint32_t first;            /* offset of that line from the block's start */
  int32_t tz;
} ix_blk;

/* A tz change at a line start: (offset, tz). */
typedef struct tzchg { int64_t off; int32_t tz; int32_t pad; } tzchg;

typedef struct ix_map ix_map;    /* a mapped index file (persistence) */

/* Everything the index knows about one file: it is built, kept, reused by
** the next index of a file set (a rotated file does not change), extended
** when the file grew, saved and loaded (index=DIR) on its own. */
/* A gzip restart point as the index keeps it (mt_zpoint, bytes.h, with its
** window's place in the part's window bytes instead of a pointer: index
** files hold it as it is). */
typedef struct ix_zpt {
  int64_t out, in;
  int32_t bits, wlen;
  uint64_t zat;              /* its window: zlen bytes at zw + zat */
  uint32_t zlen, pad;
} ix_zpt;

typedef struct ix_part {
  uint64_t dev, ino;         /* the file it describes ... */
  int64_t size, mtime;       /* ... when it was indexed */
  int gz;
  int tz_default;            /* tz= in force (or 0) */
  ix_blk *blks;
  uint32_t nblock, cblk;
  int64_t end;               /* bytes indexed (decompressed) */
  int64_t lines;             /* lines indexed */
  int ends_nl;               /* the last byte indexed is a newline */
  int has_tz0, tz0;          /* the header in the file's first 4 KiB */
  tzchg *chg; int nchg;      /* later header lines */
  ix_seg *segs; int nseg;    /* in file order */
  ix_zpt *zp; int nzp;       /* gzip: restart points, by output offset ... */
  unsigned char *zw;         /* ... their windows, deflated (ix_zpt.zat) */
  uint64_t nzw;
  int dirty;                 /* built or extended here: save it */
  uint32_t fp;               /* plain file: mt_fingerprint_fd of its first `end` bytes ... */
  int has_fp;                /* ... when it could be taken (else it is never read on) */
  ix_map *map;               /* loaded from index=DIR: the file its arrays lie in, or NULL */
} ix_part;

/* One id interval of a segment, in the lookups' directory. */
typedef struct ix_ival { uint64_t lo, hi, maxhi; int file, seg; } ix_ival;

/* The lookups' directory, made once the index is complete (look_build):
** per kind of id, the intervals of every summed segment by `lo`, each with
** the greatest `hi` up to it (so a key's intervals are found by a binary
** search and a short walk back, not by a test of every segment); the
** segments without a summary, probed for every key; and what the lookups
** did (mt_index_probes): segments probed, segments passed by.  iv NULL
** (memory was short): every segment is tested on its own. */
typedef struct ix_look {
  ix_ival *iv[3]; int niv[3];
  int *loose; int nloose;    /* (file, segment) pairs */
  uint64_t nseg;             /* segments of the index */
  uint64_t probed, skipped;
} ix_look;

static void look_build(mt_index *ix);

/* Some mapped index file of this process turned out damaged: lookups look
** for such files (whose every block answers every key). */
static int any_damaged;

struct mt_index {
  ix_part **parts;           /* one per file */
  uint32_t *first;           /* global number of each file's block 0 */
  int nfile;
  uint32_t nblk;
  ix_look *look;             /* (a lookup takes the index const) */
};


/* Write the newest postings held by the recent cache back into the slots,
** and empty it. */
/* The units a recent entry holds for its posting: into the posting. */
static inline void mask_back(ix_seg *g, ix_recent *r){
  if( r->block!=UINT32_MAX && r->mask ){ g->bposts[r->tail].mask |= r->mask; }
  r->mask = 0;
}

static void recent_flush(ix_seg *g){
  int i;
  if( !g->recent ) return;
  for(i=0; i<RECENT; i++){
    if( g->recent[i].key!=KEY_EMPTY ){
      mask_back(g, &g->recent[i]);
      g->slots[g->recent[i].slot].newest = g->recent[i].tail;
      g->slots[g->recent[i].slot].count += g->recent[i].added;
    }
  }
  memset(g->recent, 0xff, sizeof(ix_recent)*RECENT);
}

/* The slots made `ncap` (a power of 2 above cap) and the keys put in again. */
static int map_resize(ix_seg *g, uint64_t ncap){
  uint64_t i;
  ix_slot *ns = malloc(sizeof(ix_slot)*(size_t)ncap);
  uint32_t *moved = g->nposts ? malloc(sizeof(uint32_t)*(size_t)g->cap) : 0;   /* old slot → new */
  if( !ns || (g->nposts && !moved) || ncap > UINT32_MAX ){ free(ns); free(moved); return -1; }
  mt_advise_huge(ns, sizeof(ix_slot)*(size_t)ncap);
  recent_flush(g);
  for(i=0; i<ncap; i++){ ns[i].key = KEY_EMPTY; ns[i].newest = UINT32_MAX; ns[i].count = 0; }  /* all written to index files */
  for(i=0; i<g->cap; i++){
    if( g->slots[i].key!=KEY_EMPTY ){
      uint64_t h = mix(g->slots[i].key) & (ncap-1);
      while( ns[h].key!=KEY_EMPTY ) h = (h+1) & (ncap-1);
      ns[h] = g->slots[i];
      if( moved ) moved[i] = (uint32_t)h;
    }
  }
  for(i=0; i<g->nposts; i++) g->bposts[i].slot = moved[g->bposts[i].slot];   /* the postings follow their keys */
  free(moved);
  free(g->slots);
  g->slots = ns;
  g->cap = ncap;
  return 0;
}

static int map_grow(ix_seg *g){ return map_resize(g, g->cap ? g->cap*2 : 256); }

/* Page in the next postings with one call, not one page fault per 4 KiB
** (a fault costs microseconds, more in a VM): as many as there are (a small
** file pages in little), from 4 KiB up to 256 KiB at a time; where the
** kernel cannot (before Linux 5.14), the pages fault in as before. */
static void posts_ready(ix_seg *g){
  uint32_t step = g->nposts < 256 ? 256 : g->nposts > 16384 ? 16384 : g->nposts;
  uint32_t want = g->cposts - g->nposts > step ? g->nposts + step : g->cposts;
#if defined(MADV_POPULATE_WRITE)
  uintptr_t a = ((uintptr_t)(g->bposts + g->nposts) + 4095) & ~(uintptr_t)4095;
  uintptr_t e = (uintptr_t)(g->bposts + want) & ~(uintptr_t)4095;
  if( e > a ) (void)madvise((void*)a, e - a, MADV_POPULATE_WRITE);
#endif
  g->ready = want;
}

/* A key's entry in the recent cache: a quarter of it for each kind of id,
** an ICID, MID or DCID at its number's low bits (the ids a log is busy
** with at a time are consecutive numbers: they fall on neighbouring
** entries, without conflicts), a client IP at its hash. */
static inline uint32_t recent_at(uint64_t key){
  uint32_t kind = (uint32_t)(key >> 62);
  uint64_t v = kind==MT_IX_IP ? mix(key) : key;
  return (kind << RECENT_SHIFT) | (uint32_t)(v & ((1u << RECENT_SHIFT) - 1));
}

/* Post `key` in `block`, unit bit `unit` (one posting per block). */
static void post(ix_seg *g, uint64_t key, uint32_t block, uint64_t unit){
  ix_recent *r = &g->recent[recent_at(key)];
  uint32_t tail;
  if( r->key==key ){
    if( r->block==block ){ r->mask |= unit; return; }
    mask_back(g, r);
    tail = r->tail;
  }else{
    uint64_t h;
    ix_slot *s;
    if( (g->n+1)*10 > g->cap*7 && map_grow(g) ){ g->oom = 1; return; }
    r = &g->recent[recent_at(key)];
    if( r->key!=KEY_EMPTY ){                                        /* evict: write back */
      mask_back(g, r);
      g->slots[r->slot].newest = r->tail;
      g->slots[r->slot].count += r->added;
    }
    h = mix(key) & (g->cap-1);
    while( g->slots[h].key!=key && g->slots[h].key!=KEY_EMPTY ) h = (h+1) & (g->cap-1);
    s = &g->slots[h];
    if( s->key==KEY_EMPTY ){ s->key = key; s->newest = UINT32_MAX; s->count = 0; g->n++; }
    r->key = key; r->slot = (uint32_t)h; r->added = 0; r->mask = 0;
    tail = s->newest;
    r->tail = tail;
    if( tail!=UINT32_MAX && g->bposts[tail].block==block ){ r->block = block; r->mask = unit; return; }
  }
  r->block = UINT32_MAX;       /* (set once the posting is there: tail may be none) */
  if( g->nposts>=g->ready ){
    if( g->nposts==g->cposts ){
      uint32_t nc = g->cposts ? g->cposts*2 : 1u<<14;
      ix_bpost *np;
      if( nc < g->cposts ){ g->oom = 1; return; }
      np = realloc(g->bposts, sizeof(ix_bpost)*(size_t)nc);
      if( !np ){ g->oom = 1; return; }
      mt_advise_huge(np, sizeof(ix_bpost)*(size_t)nc);
      g->bposts = np; g->cposts = nc;
    }
    posts_ready(g);
  }
  g->bposts[g->nposts].block = block;
  g->bposts[g->nposts].slot = r->slot;
  g->bposts[g->nposts].mask = unit;
  r->added++;
  r->tail = g->nposts++;
  r->block = block;
}

/* The segment's postings as it keeps them: each key's laid out one after
** the other, oldest first (ix_post), the slot pointing at the first; the
** building ones given back.  A counting sort by slot: the slots' counts
** give each key's place, then one pass over the postings in the order they
** were made puts each after the key's ones before it.  0, or -1 when out
** of memory (the segment is then not usable). */
static int pack_posts(ix_seg *g){
  uint64_t k;
  uint32_t i, at = 0;
  ix_post *np = malloc(sizeof(ix_post)*(size_t)(g->nposts ? g->nposts : 1));
  uint32_t *fill = malloc(sizeof(uint32_t)*(size_t)(g->cap ? g->cap : 1));   /* per slot: where its next goes */
  if( !np || !fill ){ free(np); free(fill); return -1; }
  for(k=0; k<g->cap; k++){
    const ix_slot *sl = &g->slots[k];
    fill[k] = at;
    if( sl->key==KEY_EMPTY || sl->newest==UINT32_MAX ) continue;
    if( sl->count > g->nposts - at ){ free(np); free(fill); return -1; }   /* (cannot be: each posting is one key's) */
    at += sl->count;
  }
  if( at!=g->nposts ){ free(np); free(fill); return -1; }
  for(i=0; i<g->nposts; i++) post_pack(&np[fill[g->bposts[i].slot]++], &g->bposts[i]);
  for(k=0; k<g->cap; k++){
    ix_slot *sl = &g->slots[k];
    if( sl->key!=KEY_EMPTY && sl->newest!=UINT32_MAX ) sl->newest = fill[k] - sl->count;
  }
  free(fill);
  free(g->bposts); g->bposts = 0;
  free(g->posts);
  g->posts = np;
  g->cposts = g->nposts ? g->nposts : 1;
  return 0;
}

static void part_free(ix_part *pt);

static int need_blocks(ix_part *f, uint32_t n){
  if( n > f->cblk ){
    uint32_t nc = f->cblk ? f->cblk*2 : 64;
    ix_blk *nb;
    while( nc < n ) nc *= 2;
    nb = realloc(f->blks, sizeof(ix_blk)*(size_t)nc);
    if( !nb ) return -1;
    memset(nb + f->cblk, 0, sizeof(ix_blk)*(size_t)(nc - f->cblk));   /* new blocks: no line yet */
    f->blks = nb; f->cblk = nc;
  }
  return 0;
}

/* --------------------------------------------------------- persistence */

/* index=DIR: one file per log file, DIR/mailtrace-<dev>-<ino>.idx, written
** after a build (to a temporary name, then renamed: a file in use is never
** rewritten in place).  A new process maps it (read-only, MAP_PRIVATE) and
** uses its arrays where they lie: opening costs the header, the directory,
** the page CRCs and the small per-block arrays, not the size of the file.
**
** Layout (MTIDX07; index.h, mt_ix_file_header):
**   header | directory: narray entries (kind, segment, offset, count,
**   element size) | npage CRC-32s | zeros up to payload_at (4 KiB aligned)
**   | payload: the arrays, each as its struct array is in memory, each at a
**   64-byte boundary.
** The header's CRC covers the header, the directory and the CRC table; the
** payload is checked a page (2^page_shift bytes) at a time, each page the
** first time something reads it (a bitmap of the pages verified).  The
** arrays of IDX_PART_ARRAYS marked eager (the block table, the tz changes,
** the segment table) are verified, and their contents bounds-checked, when
** the file is opened; the hash slots, the postings and the gzip restart
** points when a lookup touches them.  Every value read is bounds-checked
** where it is used.  A file that fails at open is ignored (and replaced by
** the build); a page that fails later marks the file damaged: the lookup
** answers with every block of that log file (the index is a superset, so
** the answer stays right, only slower), the file is removed so the next
** process rebuilds it, and the part is never reused or saved again.
**
** Adding an array: one line in IDX_PART_ARRAYS or IDX_SEG_ARRAYS (its kind
** in the enum below); adding a field to a struct changes its size, which
** the static asserts below catch: bump IDX_VERSION with it. */

#define IDX_MAGIC "MTIDX08"            /* 08: postings of 8 bytes (their units listed, each key's one run: ix_post); 07: gzip restart points 512 KiB apart, windows deflated; 06: each segment's id ranges and IP bloom filter, CRC-32C; 05: injection debug
                                       ** lines posted under their ICID; 04: mapped arrays, page CRCs;
                                       ** 03: unit masks in the postings (older files are rebuilt) */
#define IDX_VERSION 8
#define IDX_PAGE_SHIFT 12              /* 4 KiB of payload per CRC */
#define IDX_ALIGN 64                   /* each array's offset in the payload */

_Static_assert(sizeof(mt_ix_file_header)==MT_IX_FILE_HEADER, "index file header size");
_Static_assert(offsetof(mt_ix_file_header, crc)==MT_IX_FILE_CRC_AT, "index file CRC place");
_Static_assert(sizeof(mt_ix_file_array)==32, "index file directory entry");
/* The structs written as they are: a change of size is a change of format. */
_Static_assert(sizeof(ix_blk)==16, "ix_blk: bump IDX_VERSION");
_Static_assert(sizeof(tzchg)==16, "tzchg: bump IDX_VERSION");
_Static_assert(sizeof(ix_slot)==16, "ix_slot: bump IDX_VERSION");
_Static_assert(sizeof(ix_zpt)==40, "ix_zpt: bump IDX_VERSION");

/* A segment's counts and id ranges, as the segment table of a file holds
** them (verified when the file is opened: a lookup reads the ranges of
** every file before it probes one). */
typedef struct idx_seginfo {
  uint64_t cap, n;
  uint32_t nposts, summed;
  uint64_t nbloom;
  uint64_t lo[3][IX_NRANGE], hi[3][IX_NRANGE];
} idx_seginfo;
_Static_assert(sizeof(idx_seginfo)==32 + 48*IX_NRANGE, "idx_seginfo: bump IDX_VERSION");

enum { A_BLKS = 1, A_CHG, A_ZP, A_SEGS, A_SLOTS, A_POSTS, A_BLOOM, A_ZW, A_END };
#define IS_SEG_ARRAY(k) ((k)==A_SLOTS || (k)==A_POSTS || (k)==A_BLOOM)
#define IDX_MAX_BLOOM (UINT64_C(1) << 26)     /* words of a segment's bloom filter, at most */

/* X(kind, type, field, count, eager): the arrays of a part (pt) and of
** each of its segments (g), written and mapped as they are. */
#define IDX_PART_ARRAYS(X) \
  X(A_BLKS,  ix_blk,    blks,  pt->nblock, 1) \
  X(A_CHG,   tzchg,     chg,   pt->nchg,   1) \
  X(A_ZP,    ix_zpt,    zp,    pt->nzp,    0) \
  X(A_ZW,    unsigned char, zw, pt->nzw,   0)
#define IDX_SEG_ARRAYS(X) \
  X(A_SLOTS, ix_slot,   slots, g->cap,     0) \
  X(A_POSTS, ix_post,   posts, g->nposts,  0) \
  X(A_BLOOM, uint64_t,  bloom, g->nbloom,  0)

/* A mapped index file, kept with its part. */
struct ix_map {
  unsigned char *base; size_t len;     /* the mapping */
  const unsigned char *payload;        /* base + payload_at */
  uint64_t npayload;
  int shift;                           /* page = 2^shift bytes */
  uint32_t npage;
  const uint32_t *crc;                 /* npage CRCs, in the mapping */
  uint64_t *ok;                        /* bit p: page p verified */
  int bad;                             /* a page failed: not to be trusted */
  /* (lookups may run on two threads at once, partial.c's split sweep: `ok`
  ** and `bad` are read and set with __atomic; a bit set twice, or a page
  ** verified twice by two threads, is harmless) */
  char *path;                          /* to remove it then, if it is still ... */
  uint64_t fdev, fino;                 /* ... this file */
};

static int map_bad(const ix_map *m){ return __atomic_load_n(&m->bad, __ATOMIC_RELAXED); }

static int in_map(const ix_part *pt, const void *p){
  return pt->map && p && (const unsigned char*)p >= pt->map->base
      && (const unsigned char*)p <= pt->map->base + pt->map->len;
}
/* Free an array of a part unless it lies in the part's mapping. */
static void free_own(const ix_part *pt, void *p){ if( !in_map(pt, p) ) free(p); }

static void map_free(ix_map *m){
  if( !m ) return;
  if( m->base ) munmap(m->base, m->len);
  free(m->ok); free(m->path); free(m);
}

/* The arrays segment g of part pt owns (not those in its mapping). */
static void seg_free(ix_part *pt, ix_seg *g){
#define FREE_SEG(K, T, F, N, E) free_own(pt, g->F);
  IDX_SEG_ARRAYS(FREE_SEG)
#undef FREE_SEG
  free(g->bposts);
  free(g->recent);
}

/* A part and every array it owns (not those in its mapping). */
static void part_free(ix_part *pt){
  int i;
  if( !pt ) return;
  for(i=0; i<pt->nseg; i++) seg_free(pt, &pt->segs[i]);
  free(pt->segs);
#define FREE_PART(K, T, F, N, E) free_own(pt, pt->F);
  IDX_PART_ARRAYS(FREE_PART)
#undef FREE_PART
  map_free(pt->map);
  free(pt);
}

/* The index file's checksum: CRC-32C (Castagnoli), by the SSE 4.2
** instruction when the CPU has it (about a tenth of the instructions of
** zlib's CRC-32: a lookup in a new process verifies every page it reads),
** else by a table; the two give the same values (checked once against the
** standard's check value, "123456789" -> 0xE3069283), so a file saved on
** one machine is read on any other. */
static uint32_t c32c_tab[256];
static int c32c_hw;
static pthread_once_t c32c_once = PTHREAD_ONCE_INIT;
#if defined(MT_HAVE_AVX2_PATH)
__attribute__((target("sse4.2")))
static uint32_t c32c_sse42(uint32_t c, const unsigned char *p, size_t n){
  uint64_t c64 = c;
  for(; n >= 8; n -= 8, p += 8){ uint64_t v; memcpy(&v, p, 8); c64 = _mm_crc32_u64(c64, v); }
  c = (uint32_t)c64;
  for(; n; n--, p++) c = _mm_crc32_u8(c, *p);
  return c;
}
#endif
static uint32_t c32c_table(uint32_t c, const unsigned char *p, size_t n){
  for(; n; n--, p++) c = c32c_tab[(c ^ *p) & 0xff] ^ (c >> 8);
  return c;
}
static void c32c_init(void){
  uint32_t i, j, c;
  for(i=0; i<256; i++){
    for(c=i, j=0; j<8; j++) c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
    c32c_tab[i] = c;
  }
#if defined(MT_HAVE_AVX2_PATH)
  c32c_hw = __builtin_cpu_supports("sse4.2")
         && ~c32c_sse42(~0u, (const unsigned char*)"123456789", 9)==0xE3069283u;
#endif
}
/* Go on with CRC-32C c (0 to start) over the n bytes at p. */
static uint32_t sum_more(uint32_t c, const void *p, size_t n){
  pthread_once(&c32c_once, c32c_init);
#if defined(MT_HAVE_AVX2_PATH)
  if( c32c_hw ) return ~c32c_sse42(~c, p, n);
#endif
  return ~c32c_table(~c, p, n);
}
static uint32_t crc_of(const unsigned char *p, uint64_t n){ return sum_more(0, p, (size_t)n); }
uint32_t mt_index_file_sum(uint32_t c, const void *p, size_t n){ return sum_more(c, p, n); }

/* The file turned out damaged: never trust it again, and remove it (if it
** is still the file mapped) so that the next process rebuilds it. */
static void map_damaged(ix_map *m){
  struct stat st;
  if( __atomic_exchange_n(&m->bad, 1, __ATOMIC_RELAXED) ) return;
  __atomic_store_n(&any_damaged, 1, __ATOMIC_RELAXED);
  if( m->path && lstat(m->path, &st)==0 && (uint64_t)st.st_dev==m->fdev && (uint64_t)st.st_ino==m->fino ) unlink(m->path);
}

/* Verify the pages of payload bytes [a, a+n) not verified yet.  1 when all
** hold, 0 (and the file marked damaged) when one does not. */
static int map_check(ix_map *m, uint64_t a, uint64_t n){
  uint64_t p, last;
  if( map_bad(m) ) return 0;
  if( n==0 ) return 1;
  if( a >= m->npayload || n > m->npayload - a ){ map_damaged(m); return 0; }
  last = (a + n - 1) >> m->shift;
  for(p = a >> m->shift; p <= last; p++){
    uint64_t at, len;
    if( __atomic_load_n(&m->ok[p>>6], __ATOMIC_RELAXED) & (UINT64_C(1) << (p & 63)) ) continue;
    at = p << m->shift;
    len = m->npayload - at < ((uint64_t)1 << m->shift) ? m->npayload - at : ((uint64_t)1 << m->shift);
    if( crc_of(m->payload + at, len)!=m->crc[p] ){ map_damaged(m); return 0; }
    __atomic_fetch_or(&m->ok[p>>6], UINT64_C(1) << (p & 63), __ATOMIC_RELAXED);
  }
  return 1;
}

/* May n bytes at p of part pt be read: 1 when they are the part's own
** memory or lie in pages verified now or before. */
static inline int touch(const ix_part *pt, const void *p, size_t n){
  const ix_map *m = pt->map;
  uint64_t a;
  if( !in_map(pt, p) ) return 1;
  a = (uint64_t)((const unsigned char*)p - m->payload);
  if( !map_bad(m) && n && (a >> m->shift)==((a + n - 1) >> m->shift) && a < m->npayload
   && (__atomic_load_n(&m->ok[(a >> m->shift) >> 6], __ATOMIC_RELAXED) & (UINT64_C(1) << ((a >> m->shift) & 63))) ) return 1;
  return map_check(pt->map, a, n);
}

/* Verify every page (before a mapped part is extended and saved again:
** nothing unverified is ever sealed with a new CRC).  1 when all hold. */
static int map_check_all(const ix_part *pt){
  return !pt->map || map_check(pt->map, 0, pt->map->npayload);
}

/* Copy the arrays of a mapped part into memory of its own (the build is
** about to extend it).  0, or -1 when out of memory. */
static int part_own(ix_part *pt){
  if( !pt->map ) return 0;
#define OWN(K, T, F, N, E) \
  if( in_map(pt, pt->F) ){ \
    T *c = malloc(sizeof(T)*(size_t)((N) ? (N) : 1)); \
    if( !c ) return -1; \
    memcpy(c, pt->F, sizeof(T)*(size_t)(N)); pt->F = c; \
  }
  IDX_PART_ARRAYS(OWN)
#undef OWN
  pt->cblk = pt->nblock;
  return 0;
}

static char *idx_path(const char *dir, uint64_t dev, uint64_t ino){
  size_t n = strlen(dir) + 64;
  char *z = malloc(n);
  if( z ) snprintf(z, n, "%s/mailtrace-%llx-%llx.idx", dir, (unsigned long long)dev, (unsigned long long)ino);
  return z;
}

/* One array to write. */
typedef struct idx_out { int kind, seg; const void *p; size_t elsize; uint64_t count; } idx_out;

/* The payload as it is written: page CRCs on the way, through a buffer. */
typedef struct wout {
  int fd, ok;
  int64_t at;                /* file offset of the next byte */
  uint64_t pos;              /* payload offset of the next byte */
  uint32_t *crc, cur;        /* the pages' CRC-32Cs; the page being written */
  unsigned char *buf; size_t nbuf, cbuf;
} wout;

static void wflush(wout *w){
  size_t at = 0;
  while( w->ok && at < w->nbuf ){
    ssize_t k = pwrite(w->fd, w->buf + at, w->nbuf - at, (off_t)w->at);
    if( k<=0 ){ w->ok = 0; break; }
    at += (size_t)k; w->at += k;
  }
  w->nbuf = 0;
}

static void wemit(wout *w, const void *src, uint64_t n){
  static const unsigned char zero[IDX_ALIGN];
  const unsigned char *p = src ? src : zero;
  while( n && w->ok ){
    uint64_t room = ((uint64_t)1 << IDX_PAGE_SHIFT) - (w->pos & (((uint64_t)1 << IDX_PAGE_SHIFT) - 1));
    size_t k = (size_t)(n < room ? n : room);
    if( k > w->cbuf - w->nbuf ) k = w->cbuf - w->nbuf;
    memcpy(w->buf + w->nbuf, p, k);
    w->cur = sum_more(w->cur, p, k);
    w->nbuf += k; w->pos += k; n -= k;
    if( src ) p += k;
    if( (w->pos & (((uint64_t)1 << IDX_PAGE_SHIFT) - 1))==0 ){
      w->crc[(w->pos >> IDX_PAGE_SHIFT) - 1] = (uint32_t)w->cur;
      w->cur = 0;
    }
    if( w->nbuf==w->cbuf ) wflush(w);
  }
}

static uint64_t align_up(uint64_t v, uint64_t a){ return (v + a - 1) & ~(a - 1); }

/* Put the segments of a part together into one (before it is saved): one
** hash of every key of the file, each key's postings one run again (those
** of each segment after those of the segment before: ascending blocks).  A
** lookup then probes one table, not one per piece (a new process reads a
** page or two per key, not one per piece and key).  Nothing changes when
** memory is short (or the postings would not fit 32-bit numbers): the
** segments stay. */
static uint64_t compact_slot(const ix_seg *m, uint64_t key){
  uint64_t h = mix(key) & (m->cap-1);
  while( m->slots[h].key!=key && m->slots[h].key!=KEY_EMPTY ) h = (h+1) & (m->cap-1);
  return h;
}

static void part_compact(ix_part *f){
  ix_seg m;
  uint64_t keys = 0, np = 0, k, at = 0;
  int s;
  if( f->nseg < 2 ) return;
  for(s=0; s<f->nseg; s++){ keys += f->segs[s].n; np += f->segs[s].nposts; }
  if( np > UINT32_MAX - 1 || keys > (UINT64_C(1) << 40) ) return;
  memset(&m, 0, sizeof(m));
  m.cap = 256;
  while( (keys+1)*10 > m.cap*7 ) m.cap *= 2;           /* the load post() keeps */
  m.slots = malloc(sizeof(ix_slot)*(size_t)m.cap);
  m.posts = malloc(sizeof(ix_post)*(size_t)(np ? np : 1));
  if( !m.slots || !m.posts ){ free(m.slots); free(m.posts); return; }
  mt_advise_huge(m.slots, sizeof(ix_slot)*(size_t)m.cap);
  for(k=0; k<m.cap; k++){ m.slots[k].key = KEY_EMPTY; m.slots[k].newest = UINT32_MAX; m.slots[k].count = 0; }
  /* every key and the postings it has in all: its run's place */
  for(s=0; s<f->nseg; s++){
    const ix_seg *g = &f->segs[s];
    for(k=0; k<g->cap; k++){
      const ix_slot *sl = &g->slots[k];
      uint64_t h;
      if( sl->key==KEY_EMPTY || sl->newest==UINT32_MAX ) continue;
      h = compact_slot(&m, sl->key);
      if( m.slots[h].key==KEY_EMPTY ){ m.slots[h].key = sl->key; m.n++; }
      m.slots[h].count += sl->count;
    }
  }
  for(k=0; k<m.cap; k++){
    if( m.slots[k].key==KEY_EMPTY || m.slots[k].count==0 ) continue;
    m.slots[k].newest = (uint32_t)at;
    at += m.slots[k].count;
    m.slots[k].count = 0;                 /* (filled again below) */
  }
  /* each segment's run of a key after those of the segments before */
  for(s=0; s<f->nseg; s++){
    const ix_seg *g = &f->segs[s];
    for(k=0; k<g->cap; k++){
      const ix_slot *sl = &g->slots[k];
      ix_slot *ms;
      if( sl->key==KEY_EMPTY || sl->newest==UINT32_MAX ) continue;
      ms = &m.slots[compact_slot(&m, sl->key)];
      memcpy(m.posts + ms->newest + ms->count, g->posts + sl->newest, sizeof(ix_post)*(size_t)sl->count);
      ms->count += sl->count;
    }
  }
  m.nposts = m.cposts = (uint32_t)np;
  for(s=0; s<f->nseg; s++) seg_free(f, &f->segs[s]);
  f->segs[0] = m;
  f->nseg = 1;
}

/* Save a part (best effort: an index that cannot be written is rebuilt next
** time, the query does not fail). */
static void part_save(const ix_part *pt, const char *dir){
  mt_ix_file_header h;
  idx_out *out = 0;
  mt_ix_file_array *ent = 0;
  idx_seginfo *si = 0;
  wout w;
  char *path = 0, *tmp = 0;
  int i, nout = 0, fd = -1;
  uint64_t off = 0;
  size_t meta;
  memset(&w, 0, sizeof(w));
  if( pt->map && (map_bad(pt->map) || !map_check_all(pt)) ) return;     /* never seal what was not verified */
  out = calloc((size_t)(8 + 3*(size_t)pt->nseg), sizeof(idx_out));
  si = calloc((size_t)pt->nseg + 1, sizeof(idx_seginfo));
  if( !out || !si || pt->nzw > UINT32_MAX ) goto done;   /* (the header counts window bytes in 32 bits) */
#define OUT_PART(K, T, F, N, E) out[nout].kind = K; out[nout].seg = 0; out[nout].p = pt->F; \
  out[nout].elsize = sizeof(T); out[nout].count = (uint64_t)(N); nout++;
  IDX_PART_ARRAYS(OUT_PART)
#undef OUT_PART
  for(i=0; i<pt->nseg; i++){
    const ix_seg *g = &pt->segs[i];
    si[i].cap = g->cap; si[i].n = g->n; si[i].nposts = g->nposts;
    si[i].summed = g->summed ? 1 : 0; si[i].nbloom = g->summed ? g->nbloom : 0;
    memcpy(si[i].lo, g->lo, sizeof(si[i].lo)); memcpy(si[i].hi, g->hi, sizeof(si[i].hi));
  }
  out[nout].kind = A_SEGS; out[nout].p = si; out[nout].elsize = sizeof(idx_seginfo); out[nout].count = (uint64_t)pt->nseg; nout++;
  for(i=0; i<pt->nseg; i++){
    const ix_seg *g = &pt->segs[i];
#define OUT_SEG(K, T, F, N, E) out[nout].kind = K; out[nout].seg = i; out[nout].p = g->F; \
  out[nout].elsize = sizeof(T); out[nout].count = (uint64_t)(N); nout++;
    IDX_SEG_ARRAYS(OUT_SEG)
#undef OUT_SEG
  }
  ent = calloc((size_t)nout, sizeof(*ent));
  if( !ent ) goto done;
  for(i=0; i<nout; i++){
    off = align_up(off, IDX_ALIGN);
    ent[i].kind = (uint32_t)out[i].kind; ent[i].seg = (uint32_t)out[i].seg;
    ent[i].off = off; ent[i].count = out[i].count; ent[i].elsize = (uint32_t)out[i].elsize;
    off += out[i].count * out[i].elsize;
  }
  memset(&h, 0, sizeof(h));
  memcpy(h.magic, IDX_MAGIC, 8);
  h.endian = 0x01020304; h.version = IDX_VERSION;
  h.fp = pt->fp; h.has_fp = (uint32_t)pt->has_fp;
  h.dev = pt->dev; h.ino = pt->ino; h.size = pt->size; h.mtime = pt->mtime;
  h.end = pt->end; h.lines = pt->lines;
  h.tz_default = pt->tz_default; h.gz = pt->gz; h.ends_nl = pt->ends_nl;
  h.has_tz0 = pt->has_tz0; h.tz0 = pt->tz0; h.nchg = pt->nchg;
  h.nblock = pt->nblock; h.nseg = (uint32_t)pt->nseg; h.nzp = (uint32_t)pt->nzp;
  h.nzw = (uint32_t)pt->nzw;
  h.page_shift = IDX_PAGE_SHIFT;
  h.narray = (uint32_t)nout;
  h.payload = off;
  h.npage = (uint32_t)((off + ((uint64_t)1 << IDX_PAGE_SHIFT) - 1) >> IDX_PAGE_SHIFT);
  meta = sizeof(h) + sizeof(*ent)*(size_t)nout + 4*(size_t)h.npage;
  h.payload_at = align_up(meta, 4096);
  w.crc = calloc((size_t)h.npage + 1, 4);
  w.cbuf = (size_t)1 << 20;
  w.buf = malloc(w.cbuf);
  path = idx_path(dir, pt->dev, pt->ino);
  if( !w.crc || !w.buf || !path ) goto done;
  {
    /* The directory may be shared: never follow a link planted at the
    ** final name, never replace a file someone else owns, and create the
    ** temporary file new (O_EXCL | O_NOFOLLOW, a name nobody can guess
    ** from the pid alone: mkstemp's).  A failure only means no saved index. */
    struct stat st;
    if( lstat(path, &st)==0 && (!S_ISREG(st.st_mode) || st.st_uid!=geteuid()) ) goto done;
  }
  tmp = malloc(strlen(path) + 16);
  if( !tmp ) goto done;
  snprintf(tmp, strlen(path) + 16, "%s.XXXXXX", path);
  fd = mkostemp(tmp, O_CLOEXEC | O_NOFOLLOW);     /* O_CREAT | O_EXCL, mode 0600 */
  if( fd<0 ) goto done;
  w.fd = fd; w.ok = 1; w.at = (int64_t)h.payload_at; w.cur = 0;
  for(i=0; i<nout && w.ok; i++){
    wemit(&w, 0, ent[i].off - w.pos);                 /* alignment */
    wemit(&w, out[i].p, out[i].count * out[i].elsize);
  }
  if( w.pos & (((uint64_t)1 << IDX_PAGE_SHIFT) - 1) ) w.crc[w.pos >> IDX_PAGE_SHIFT] = (uint32_t)w.cur;
  wflush(&w);
  if( w.ok ){
    /* header, directory and CRC table, sealed by the header's CRC */
    unsigned char *m = calloc(1, meta);
    if( !m ) w.ok = 0;
    else{
      memcpy(m + sizeof(h), ent, sizeof(*ent)*(size_t)nout);
      memcpy(m + sizeof(h) + sizeof(*ent)*(size_t)nout, w.crc, 4*(size_t)h.npage);
      memcpy(m, &h, sizeof(h));
      h.crc = crc_of(m, meta);
      memcpy(m, &h, sizeof(h));
      if( pwrite(fd, m, meta, 0)!=(ssize_t)meta ) w.ok = 0;
      free(m);
    }
  }
  if( w.ok && fchmod(fd, 0644)!=0 ) w.ok = 0;
  if( close(fd)!=0 ) w.ok = 0;
  if( !w.ok || rename(tmp, path)!=0 ) unlink(tmp);
done:
  free(out); free(si); free(ent); free(w.crc); free(w.buf); free(path); free(tmp);
}

/* Map the part of file f from dir, if it is there and sound; NULL if not. */
static ix_part *part_load(const char *dir, const mt_file *f, int tz_default){
  char *path = idx_path(dir, f->dev, f->ino);
  mt_ix_file_header h;
  const mt_ix_file_array *ent;
  const idx_seginfo *si = 0;
  ix_part *pt = 0;
  ix_map *m = 0;
  struct stat st;
  int fd, ok = 0;
  uint32_t i;
  uint64_t meta;
  void *base;
  if( !path ) return 0;
  /* not through a symbolic link, not a FIFO (O_NONBLOCK: never wait) */
  fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if( fd<0 ){ free(path); return 0; }
  /* a regular file this user wrote: a CRC is no signature, and an index
  ** planted by someone else could hide lines from the answers */
  if( fstat(fd, &st)!=0 || !S_ISREG(st.st_mode) || st.st_uid!=geteuid() ) goto out;
  if( st.st_size < (off_t)sizeof(h) || (uint64_t)st.st_size > (uint64_t)SIZE_MAX ) goto out;
  if( pread(fd, &h, sizeof(h), 0)!=(ssize_t)sizeof(h) ) goto out;
  if( memcmp(h.magic, IDX_MAGIC, 8)!=0 || h.endian!=0x01020304 || h.version!=IDX_VERSION ) goto out;
  if( h.dev!=f->dev || h.ino!=f->ino || h.tz_default!=tz_default ) goto out;
  /* the same file, or the same file grown from where it was indexed */
  if( !(h.size==f->size && h.mtime==f->mtime) && !(h.size < f->size && !h.gz && h.ends_nl) ) goto out;
  if( h.page_shift < 12 || h.page_shift > 24 || h.narray > 4 + 4*(uint64_t)h.nblock + 16 ) goto out;
  if( h.payload > (uint64_t)st.st_size || h.npage != ((h.payload + ((uint64_t)1 << h.page_shift) - 1) >> h.page_shift) ) goto out;
  meta = sizeof(h) + sizeof(mt_ix_file_array)*(uint64_t)h.narray + 4*(uint64_t)h.npage;
  if( h.payload_at & 4095 || h.payload_at < meta || h.payload_at != (uint64_t)st.st_size - h.payload ) goto out;
  if( h.nchg < 0 || h.end < 0 || h.lines < 0 ) goto out;
  if( (uint64_t)h.nblock > ((uint64_t)h.end >> MT_IX_SHIFT) + 1 || h.nseg > h.nblock + 1 ) goto out;
  if( (h.nzp && !h.gz) || (h.nzw && !h.nzp) || h.nzp > INT_MAX || h.nseg > INT_MAX ) goto out;
  m = calloc(1, sizeof(*m));
  if( !m ) goto out;
  base = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  if( base==MAP_FAILED ) goto out;
  m->base = base; m->len = (size_t)st.st_size;
  m->payload = m->base + h.payload_at; m->npayload = h.payload;
  m->shift = (int)h.page_shift; m->npage = h.npage;
  m->crc = (const uint32_t*)(m->base + sizeof(h) + sizeof(mt_ix_file_array)*(size_t)h.narray);
  m->fdev = (uint64_t)st.st_dev; m->fino = (uint64_t)st.st_ino;
  m->path = path; path = 0;
  m->ok = calloc(((size_t)h.npage + 63) / 64 + 1, 8);
  if( !m->ok ) goto out;
  {
    /* the header (its CRC field zero), the directory, the CRC table */
    uint32_t c;
    mt_ix_file_header z = h;
    z.crc = 0;
    c = sum_more(0, &z, sizeof(z));
    c = sum_more(c, m->base + sizeof(h), (size_t)(meta - sizeof(h)));
    if( (uint32_t)c!=h.crc ) goto out;
  }
  pt = calloc(1, sizeof(*pt));
  if( !pt ) goto out;
  pt->map = m; m = 0;
  pt->dev = h.dev; pt->ino = h.ino; pt->size = h.size; pt->mtime = h.mtime;
  pt->gz = h.gz; pt->tz_default = h.tz_default; pt->end = h.end; pt->lines = h.lines;
  pt->ends_nl = h.ends_nl; pt->has_tz0 = h.has_tz0; pt->tz0 = h.tz0;
  pt->fp = h.fp; pt->has_fp = h.has_fp==1;
  pt->nblock = pt->cblk = h.nblock; pt->nchg = h.nchg; pt->nzp = (int)h.nzp; pt->nzw = h.nzw;
  pt->segs = calloc(h.nseg ? h.nseg : 1, sizeof(ix_seg));
  if( !pt->segs ) goto out;
  pt->nseg = (int)h.nseg;
  /* The directory: every array exactly once, of its size, inside the
  ** payload, aligned; the part's arrays (and the segment table) first. */
  ent = (const mt_ix_file_array*)(pt->map->base + sizeof(h));
  {
    int pass;
    uint64_t seen = 0;
    uint32_t nseen_seg = 0;
    for(pass=0; pass<2; pass++){
      for(i=0; i<h.narray; i++){
        const mt_ix_file_array *e = &ent[i];
        const void *p = pt->map->payload + e->off;
        int is_seg = IS_SEG_ARRAY(e->kind);
        if( e->kind==0 || e->kind>=A_END || e->elsize==0 ) goto out;
        if( e->off % IDX_ALIGN || e->off > h.payload || e->count > (h.payload - e->off) / e->elsize ) goto out;
        if( is_seg != pass ) continue;
        if( !is_seg ){
          if( e->seg || (seen & (UINT64_C(1) << e->kind)) ) goto out;
          seen |= UINT64_C(1) << e->kind;
#define MAP_PART(K, T, F, N, E) \
          if( e->kind==K ){ \
            if( e->elsize!=sizeof(T) || e->count!=(uint64_t)(N) ) goto out; \
            pt->F = (T*)p; \
            if( E && !map_check(pt->map, e->off, e->count*e->elsize) ) goto out; \
          }
          IDX_PART_ARRAYS(MAP_PART)
#undef MAP_PART
          if( e->kind==A_SEGS ){
            if( e->elsize!=sizeof(idx_seginfo) || e->count!=h.nseg ) goto out;
            if( !map_check(pt->map, e->off, e->count*e->elsize) ) goto out;
            si = (const idx_seginfo*)p;
          }
        }else{
          ix_seg *g;
          if( !si || e->seg >= h.nseg ) goto out;
          g = &pt->segs[e->seg];
          if( !g->slots && !g->posts && !g->bloom ){
            /* the segment's counts and ranges, from the verified segment table */
            const idx_seginfo *q = &si[e->seg];
            uint64_t cap = q->cap, n = q->n, np = q->nposts, nb = q->nbloom;
            if( cap==0 ? (n || np) : ((cap & (cap-1)) || n >= cap) || np > UINT32_MAX - 1 ) goto out;
            if( q->summed > 1 || (nb && ((nb & (nb-1)) || nb > IDX_MAX_BLOOM || !q->summed)) ) goto out;
            g->cap = cap; g->n = n; g->nposts = g->cposts = (uint32_t)np;
            g->summed = (int)q->summed; g->nbloom = nb;
            memcpy(g->lo, q->lo, sizeof(g->lo)); memcpy(g->hi, q->hi, sizeof(g->hi));
          }
#define MAP_SEG(K, T, F, N, E) \
          if( e->kind==K ){ \
            if( e->elsize!=sizeof(T) || e->count!=(uint64_t)(N) || g->F ) goto out; \
            g->F = (T*)p; nseen_seg++; \
          }
          IDX_SEG_ARRAYS(MAP_SEG)
#undef MAP_SEG
        }
      }
    }
#define BIT_OF(K, T, F, N, E) | (UINT64_C(1) << K)
#define COUNT_ONE(K, T, F, N, E) + 1
    if( seen != ((UINT64_C(1) << A_SEGS) IDX_PART_ARRAYS(BIT_OF)) ) goto out;
    if( nseen_seg != h.nseg * (0 IDX_SEG_ARRAYS(COUNT_ONE)) ) goto out;
#undef BIT_OF
#undef COUNT_ONE
  }
  /* The eager arrays' contents, bounds-checked once. */
  {
    int64_t last = 0;
    uint32_t j;
    for(j=0; j<pt->nblock; j++){
      const ix_blk *b = &pt->blks[j];
      if( b->lineno<0 || b->first >= MT_IX_BLOCK || (b->lineno && b->lineno<=last) || b->lineno > h.lines ) goto out;
      if( b->lineno ) last = b->lineno;
    }
  }
  ok = 1;
out:
  close(fd);
  free(path);
  map_free(m);
  if( !ok ){ part_free(pt); return 0; }
  return pt;
}

/* ------------------------------------------------------------ summary */

/* Where a key's bloom bits are: a word of the filter, three bits of it (one
** word: one page of a mapped file read per segment and IP key). */
MT_WRAPS static inline uint64_t bloom_hash(uint64_t key){ return mix(key ^ UINT64_C(0x5851F42D4C957F2D)); }
static inline uint64_t bloom_bits(uint64_t x){
  return (UINT64_C(1) << ((x >> 46) & 63)) | (UINT64_C(1) << ((x >> 52) & 63)) | (UINT64_C(1) << ((x >> 58) & 63));
}

/* Take segment g's intervals and bloom filter from its slots (its postings
** complete).  The ids of a kind fall into IX_BUCKETS buckets between their
** least and greatest; each run of buckets that hold ids is an interval,
** from the least id of its first bucket to the greatest of its last (an
** outlier, DCID 0 or an id from before a restart, is an interval of its
** own), and while there are more than IX_NRANGE the two nearest are
** joined.  Every id lies in an interval: a key outside all of them is not
** in the segment.  Nothing when memory is short: the segment stays
** unsummed and is probed for every key. */
#define IX_BUCKETS 4096
static void seg_summarize(ix_seg *g){
  uint64_t k, nip = 0, nb = 1, lo[3], hi[3];
  uint64_t *bmin = 0, *bmax = 0;
  int kind, r;
  if( g->summed ) return;
  for(kind=0; kind<3; kind++){
    lo[kind] = UINT64_MAX; hi[kind] = 0;
    for(r=0; r<IX_NRANGE; r++){ g->lo[kind][r] = UINT64_MAX; g->hi[kind][r] = 0; }
  }
  for(k=0; k<g->cap; k++){
    uint64_t key = g->slots[k].key;
    kind = (int)(key >> 62);
    if( key==KEY_EMPTY || g->slots[k].newest==UINT32_MAX ) continue;
    if( kind==MT_IX_IP ){ nip++; continue; }
    if( (key & ID_MASK) < lo[kind] ) lo[kind] = key & ID_MASK;
    if( (key & ID_MASK) > hi[kind] ) hi[kind] = key & ID_MASK;
  }
  bmin = malloc(sizeof(uint64_t)*3*IX_BUCKETS);
  bmax = malloc(sizeof(uint64_t)*3*IX_BUCKETS);
  free(g->bloom); g->bloom = 0; g->nbloom = 0;
  if( nip ){
    /* 32 to 64 bits a key, three of them set in one word: about one
    ** absent key in 1,000 passes */
    while( nb*2 < nip && nb < IDX_MAX_BLOOM ) nb *= 2;
    g->bloom = calloc((size_t)nb, sizeof(uint64_t));
  }
  if( !bmin || !bmax || (nip && !g->bloom) ){ free(bmin); free(bmax); free(g->bloom); g->bloom = 0; return; }
  g->nbloom = nip ? nb : 0;
  for(k=0; k<3*IX_BUCKETS; k++){ bmin[k] = UINT64_MAX; bmax[k] = 0; }
  for(k=0; k<g->cap; k++){
    uint64_t key = g->slots[k].key, id = key & ID_MASK, x, b;
    kind = (int)(key >> 62);
    if( key==KEY_EMPTY || g->slots[k].newest==UINT32_MAX ) continue;
    if( kind==MT_IX_IP ){
      x = bloom_hash(key);
      g->bloom[x & (nb-1)] |= bloom_bits(x);
      continue;
    }
    /* (the bucket: (id - lo) * IX_BUCKETS / span, without overflow) */
    b = hi[kind]==lo[kind] ? 0 : (id - lo[kind]) / ((hi[kind] - lo[kind]) / IX_BUCKETS + 1);
    b += (uint64_t)kind*IX_BUCKETS;
    if( id < bmin[b] ) bmin[b] = id;
    if( id > bmax[b] ) bmax[b] = id;
  }
  for(kind=0; kind<3; kind++){
    uint64_t *mn = bmin + kind*IX_BUCKETS, *mx = bmax + kind*IX_BUCKETS;
    uint64_t ilo[IX_NRANGE+1], ihi[IX_NRANGE+1];
    int n = 0, j, best;
    for(k=0; k<IX_BUCKETS; k++){
      if( mn[k]==UINT64_MAX ) continue;
      if( n>0 && k>0 && mn[k-1]!=UINT64_MAX ){ ihi[n-1] = mx[k]; continue; }   /* the run goes on */
      ilo[n] = mn[k]; ihi[n] = mx[k]; n++;
      if( n > IX_NRANGE ){
        /* one too many: join the two nearest */
        for(best=0, j=1; j<n-1; j++) if( ilo[j+1] - ihi[j] < ilo[best+1] - ihi[best] ) best = j;
        ihi[best] = ihi[best+1];
        for(j=best+1; j<n-1; j++){ ilo[j] = ilo[j+1]; ihi[j] = ihi[j+1]; }
        n--;
      }
    }
    for(j=0; j<n; j++){ g->lo[kind][j] = ilo[j]; g->hi[kind][j] = ihi[j]; }
  }
  free(bmin); free(bmax);
  g->summed = 1;
}

/* Can segment g of part f hold `key`: 0 only when its ranges or its bloom
** filter prove it cannot (never a posting lost: the index stays a
** superset); 1 when it may, or nothing is known. */
static int seg_may_hold(const ix_part *f, const ix_seg *g, uint64_t key){
  int kind = (int)(key >> 62);
  uint64_t x, w;
  if( !g->summed ) return 1;
  if( kind!=MT_IX_IP ){
    int r;
    for(r=0; r<IX_NRANGE; r++) if( (key & ID_MASK) >= g->lo[kind][r] && (key & ID_MASK) <= g->hi[kind][r] ) return 1;
    return 0;
  }
  if( !g->nbloom ) return 0;                   /* no client IP posted here */
  x = bloom_hash(key);
  if( !touch(f, &g->bloom[x & (g->nbloom-1)], sizeof(uint64_t)) ) return 1;   /* damaged: seg_lookup says so */
  w = g->bloom[x & (g->nbloom-1)];
  return (w & bloom_bits(x))==bloom_bits(x);
}

/* ---------------------------------------------------------------- build */

#define MT_IX_PIECE ((int64_t)32 << 20)    /* bytes of a plain file per piece */
#define MT_IX_THREADS 8
#define MT_IX_ZSPACING ((int64_t)512 << 10)  /* gzip: a restart point per 512 KiB of output (a block
                                             ** read inflates from the point before it) */

/* Bytes per piece: MT_IX_PIECE, or MAILTRACE_INDEX_PIECE (tests: many
** small pieces; rounded up to whole blocks). */
static int64_t piece_bytes(void){
  const char *e = getenv("MAILTRACE_INDEX_PIECE");
  long long v = e && *e ? strtoll(e, 0, 10) : 0;
  if( v <= 0 ) return MT_IX_PIECE;
  return ((v + MT_IX_BLOCK - 1) >> MT_IX_SHIFT) << MT_IX_SHIFT;
}

/* One piece: the lines that start in blocks [k1, k2) of a file, from
** offset `start` on (a line start; -1: the first one in block k1). */
typedef struct ix_piece {
  int file;
  ix_part *part;
  int seg;                   /* its segment in part->segs */
  int64_t k1, k2;            /* k2 = -1: to the end (gzip) */
  int64_t start;
  int64_t lines;             /* lines that start in it */
  int has_tz0, tz0;          /* a piece from offset 0: the header */
  tzchg *chg; int nchg;
  int64_t end;               /* offset after its last line */
  int ends_nl;
  int kept_k1;               /* block k1 kept its first line from before (grown file) */
  int64_t bytes_read;
  char *err;
  mt_rc rc;                  /* what err says (MT_OK: none) */
} ix_piece;

typedef struct ix_build {
  const mt_filelist *files;
  ix_piece *pieces;
  int npiece;
  int next;                  /* next piece to take (mutex) */
  pthread_mutex_t mu;
  int stop;                  /* interrupted or failed: read and set with __atomic */
  int (*should_stop)(void*);
  void *stop_arg;
  uint32_t cut_steps;        /* the calling thread's reads looking for a piece's first line */
  struct mt_progress *progress; /* opts->progress: bytes read are counted into it (progress.h) */
} ix_build;

typedef struct hitctx {
  ix_seg *seg;
  struct ix_piece *pc;
  int64_t chunk_off;         /* file offset of the chunk */
} hitctx;

static void on_hit(void *arg, int kind, uint64_t id, size_t line_start){
  hitctx *h = arg;
  uint64_t key = ((uint64_t)kind << 62) | (id > ID_MASK - 1 ? ID_MASK - 1 : id);
  int64_t at = h->chunk_off + (int64_t)line_start;
  post(h->seg, key, (uint32_t)(at >> MT_IX_SHIFT), (uint64_t)1 << ((at >> MT_IX_USHIFT) & (MT_IX_UNITS - 1)));
}

/* A "Time offset from UTC" header line: the offset changes from there on. */
static void on_tz(void *arg, size_t line_start, int tz){
  hitctx *h = arg;
  ix_piece *pc = h->pc;
  tzchg *nc = realloc(pc->chg, sizeof(tzchg)*(size_t)(pc->nchg+1));
  if( !nc ){ h->seg->oom = 1; return; }
  pc->chg = nc;
  pc->chg[pc->nchg].off = h->chunk_off + (int64_t)line_start;
  pc->chg[pc->nchg].tz = tz;
  pc->chg[pc->nchg].pad = 0;
  pc->nchg++;
}

/* The reader's stop question while it reads a long line (bytes.h): the
** calling thread asks should_stop and tells the helpers; they see the flag. */
static int stop_main(void *arg){
  ix_build *B = arg;
  if( B->should_stop && B->should_stop(B->stop_arg) ) __atomic_store_n(&B->stop, 1, __ATOMIC_RELAXED);
  return __atomic_load_n(&B->stop, __ATOMIC_RELAXED);
}
static int stop_helper(void *arg){ return __atomic_load_n(&((ix_build*)arg)->stop, __ATOMIC_RELAXED); }
/* The same while a piece's first line is looked for (mt_line_start_at asks
** before every 64 KiB read): the calling thread probes should_stop every
** 16th time, every thread sees the flag at once. */
static int stop_cut_main(void *arg){
  ix_build *B = arg;
  if( (++B->cut_steps & 0xf)==0 && B->should_stop && B->should_stop(B->stop_arg) ) __atomic_store_n(&B->stop, 1, __ATOMIC_RELAXED);
  return __atomic_load_n(&B->stop, __ATOMIC_RELAXED);
}

/* A piece fails: rc and its message (NULL when it has none: pc->err stays). */
static int piece_fail(ix_piece *pc, mt_rc rc, const char *msg){
  pc->rc = rc;
  if( msg ){ free(pc->err); pc->err = strdup(msg); }
  return -1;
}

#define MARKS 32     /* blocks a chunk (1 MiB: 17 at most) numbered by the anchor scan */

/* Index one piece into its segment.  0, or -1 with pc->rc and pc->err. */
static int index_piece(ix_build *B, int ipiece, int main_thread){
  ix_piece *pc = &B->pieces[ipiece];
  ix_part *f = pc->part;
  ix_seg *g = &f->segs[pc->seg];
  const mt_file *mf = &B->files->a[pc->file];
  int64_t start = pc->start, limit = pc->k2 < 0 ? INT64_MAX : pc->k2 << MT_IX_SHIFT;
  /* a plain file is read up to its size when listed: blocks were sized for it */
  if( pc->k2 >= 0 && limit > mf->size ) limit = mf->size;
  int64_t next_blk = pc->k1, off, lines = 0;
  mt_reader *rd;
  const char *p;
  size_t n;
  int rc, first = 1;
  int64_t seen = 0;                  /* reader bytes counted into B->progress */
  int read_on = pc->start > 0;       /* a grown file: the lines before start are indexed */
  hitctx hc;
  sink k;
  nlcount nc;
  size_t mark[MARKS];                /* the first line of each block that starts in a chunk */
  int64_t markblk[MARKS], before[MARKS];
  int bulk;

  memset(&nc, 0, sizeof(nc));
  nc.mark = mark; nc.before = before;
  g->recent = malloc(sizeof(ix_recent)*RECENT);
  if( !g->recent ) return piece_fail(pc, MT_NOMEM, mt_rc_name(MT_NOMEM));
  memset(g->recent, 0xff, sizeof(ix_recent)*RECENT);
  {
    uint64_t want = 256, bytes = pc->k2 < 0 ? (uint64_t)mf->size * 8 : (uint64_t)((pc->k2 - pc->k1) << MT_IX_SHIFT);
    while( want < bytes/700 ) want *= 2;
    if( g->cap < want && map_resize(g, want) ) return piece_fail(pc, MT_NOMEM, mt_rc_name(MT_NOMEM));
    /* postings: room for one per 128 bytes read (logs of mail traffic have
    ** about one per 240), so that the array is seldom copied while it
    ** grows; pages not written to cost nothing, and the slack is given
    ** back at the end */
    if( !g->bposts ){
      uint64_t np = bytes/128 < (1u<<14) ? (1u<<14) : bytes/128 > (1u<<22) ? (1u<<22) : bytes/128;
      g->bposts = malloc(sizeof(ix_bpost)*(size_t)np);
      if( !g->bposts ) return piece_fail(pc, MT_NOMEM, mt_rc_name(MT_NOMEM));
      mt_advise_huge(g->bposts, sizeof(ix_bpost)*(size_t)np);
      g->cposts = (uint32_t)np;
    }
  }
  if( start<0 ){
    start = 0;
    if( pc->k1>0 ){
      /* the piece starts at the first line in block k1 (a line that starts
      ** later than the piece's end is the next piece's); a huge file without
      ** newlines is thus read once in all, not once per piece */
      mt_ident id = MT_FILE_IDENT(mf);
      start = mt_line_start_at(mf->path, &id, pc->k1 << MT_IX_SHIFT, limit,
                               main_thread ? stop_cut_main : stop_helper, B, &pc->err, &pc->rc);
      if( start==-2 ) return -1;
      if( start<0 ) return piece_fail(pc, MT_INTERRUPTED, mt_rc_name(MT_INTERRUPTED));
    }
  }
  /* read on after lines indexed before (a grown file): block k1 keeps the
  ** first line it had */
  if( read_on && start > (pc->k1 << MT_IX_SHIFT) && f->blks[pc->k1].lineno ){ next_blk = pc->k1 + 1; pc->kept_k1 = 1; }
  pc->end = start;
  pc->ends_nl = 1;
  if( start >= limit || (pc->k2>=0 && start >= mf->size) ) goto done;
  {
    mt_ident id = MT_FILE_IDENT(mf);          /* still the file that was listed */
    rd = mt_reader_open_rc(mf->path, &id, start, 0, &pc->err, &pc->rc);
  }
  if( !rd ) return -1;
  seen = mt_reader_bytes_read(rd);
  mt_reader_set_stop(rd, main_thread ? stop_main : stop_helper, B);
  /* what the piece will read (a gzip file: at least its compressed size) */
  mt_reader_prefault(rd, (size_t)(pc->k2 < 0 ? mf->size : limit - start));
  if( f->gz ) mt_reader_collect_points(rd, MT_IX_ZSPACING);
  hc.seg = g;
  hc.pc = pc;
  k.hit = on_hit; k.tz = on_tz; k.arg = &hc; k.no_ip = 0;
  while( (rc = mt_reader_next(rd, &p, &n, &off))==1 ){
    int64_t at = 0;                 /* chunk position counted to */
    mt_progress_add(B->progress, mt_reader_bytes_read(rd) - seen);
    seen = mt_reader_bytes_read(rd);
    /* every chunk (at most 1 MiB): a probe costs microseconds, and an
    ** interrupt must take effect within milliseconds */
    if( main_thread && B->should_stop && B->should_stop(B->stop_arg) ) __atomic_store_n(&B->stop, 1, __ATOMIC_RELAXED);
    if( __atomic_load_n(&B->stop, __ATOMIC_RELAXED) ){ mt_reader_close(rd); return piece_fail(pc, MT_INTERRUPTED, mt_rc_name(MT_INTERRUPTED)); }
    if( first && start==0 ){
      int tz;
      if( mt_tz_header(p, n < MT_TZ_HEADER_SPAN ? n : MT_TZ_HEADER_SPAN, &tz) ){ pc->has_tz0 = 1; pc->tz0 = tz; }
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
    /* Blocks whose first line starts in this chunk: its offset marked, its
    ** number counted by the anchor scan (a chunk of more than MARKS blocks,
    ** a long line's, is counted here instead) */
    nc.nmark = 0;
    bulk = ((off + (int64_t)n) >> MT_IX_SHIFT) - next_blk + 1 > MARKS;
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
        if( bulk ){
          lines += mt_count_nl(p + at, (size_t)((ls - off) - at));
          at = ls - off;
          bk->lineno = lines + 1;                   /* within the piece; fixed later */
        }else{
          mark[nc.nmark] = (size_t)(ls - off);
          markblk[nc.nmark++] = next_blk;
        }
        bk->first = (uint32_t)(ls - bs);
      }else{
        bk->lineno = 0; bk->first = 0;
      }
      bk->tz = 0;
      next_blk++;
    }
    hc.chunk_off = off;
    extract_chunk(p, n, &k, &nc);
    if( bulk ) lines += mt_count_nl(p + at, n - (size_t)at);
    else{
      int j;
      for(j=0; j<nc.nmark; j++) f->blks[markblk[j]].lineno = lines + nc.before[j] + 1;   /* within the piece; fixed later */
      lines += nc.total;
    }
    pc->end = off + (int64_t)n;
    pc->ends_nl = p[n-1]=='\n';
    if( g->oom ) break;
    if( off + (int64_t)n >= limit ) break;
    /* near the piece's end: read little more than what is left (the next
    ** piece reads the rest) */
    if( limit - (off + (int64_t)n) < ((int64_t)1 << 20) ){
      mt_reader_set_readahead(rd, (size_t)(limit - (off + (int64_t)n)) + 65536);
    }
  }
  pc->bytes_read = mt_reader_bytes_read(rd) - (mt_reader_is_gzip(rd) ? 0 : start);
  if( rc>=0 && f->gz ){
    mt_zpoint *zp = 0;
    size_t w_n = 0;
    int nzp = 0, zk;
    free_own(f, f->zp); f->zp = 0; f->nzp = 0;
    free_own(f, f->zw); f->zw = 0; f->nzw = 0;
    if( mt_reader_take_points(rd, &zp, &nzp, &f->zw, &w_n) ) g->oom = 1;
    else if( nzp && !(f->zp = malloc(sizeof(ix_zpt)*(size_t)nzp)) ) g->oom = 1;
    else{
      for(zk=0; zk<nzp; zk++){
        ix_zpt *z = &f->zp[zk];
        memset(z, 0, sizeof(*z));
        z->out = zp[zk].out; z->in = zp[zk].in; z->bits = zp[zk].bits; z->wlen = zp[zk].wlen;
        z->zat = zp[zk].zwin ? (uint64_t)(zp[zk].zwin - f->zw) : 0;
        z->zlen = zp[zk].zlen;
      }
      f->nzp = nzp;
      f->nzw = (uint64_t)w_n;
    }
    free(zp);
  }
  if( rc<0 ){
    const char *e = mt_reader_error(rd);
    pc->rc = mt_reader_interrupted(rd) ? MT_INTERRUPTED : mt_reader_rc(rd)!=MT_OK ? mt_reader_rc(rd) : MT_IO;
    pc->err = strdup(e ? e : mt_rc_name(pc->rc));
    mt_reader_close(rd);
    return -1;
  }
  mt_reader_close(rd);
done:
  /* Blocks of the piece after its last line start: no line starts there. */
  {
    int64_t upto = pc->k2 < 0 ? ((pc->end + MT_IX_BLOCK - 1) >> MT_IX_SHIFT) : pc->k2;
    if( upto > next_blk && need_blocks(f, (uint32_t)upto) ) g->oom = 1;
    else for(; next_blk < upto; next_blk++){ f->blks[next_blk].lineno = 0; f->blks[next_blk].first = 0; f->blks[next_blk].tz = 0; }
  }
  pc->lines = lines;
  if( g->oom ) return piece_fail(pc, MT_NOMEM, mt_rc_name(MT_NOMEM));
  recent_flush(g);
  free(g->recent); g->recent = 0;
  if( pack_posts(g) ) return piece_fail(pc, MT_NOMEM, mt_rc_name(MT_NOMEM));
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

/* Threads to use for the pass: mt_threads_allowed, at most MT_IX_THREADS
** and one a piece. */
static int thread_count(int npiece){
  long n = mt_threads_allowed();
  if( n > MT_IX_THREADS ) n = MT_IX_THREADS;
  if( n > npiece ) n = npiece;
  return (int)(n < 1 ? 1 : n);
}

/* After the pieces of a part: line numbers from the start of the file, its
** size, its header lines, the UTC offset at each block.  0 or -1 (memory). */
static int finish_part(ix_part *f, ix_piece *pcs, int npc){
  int i, c, tz;
  uint32_t j;
  int64_t lines = f->lines;
  for(i=0; i<npc; i++){
    ix_piece *pc = &pcs[i];
    int64_t k2 = pc->k2 < 0 ? (pc->end + MT_IX_BLOCK - 1) >> MT_IX_SHIFT : pc->k2;
    int64_t b;
    for(b = pc->k1; b<k2; b++){
      /* a block kept from before (a grown file) already counts from the start */
      if( f->blks[b].lineno && !(b==pc->k1 && pc->kept_k1) ){
        f->blks[b].lineno += lines;
      }
    }
    if( k2 > (int64_t)f->nblock ) f->nblock = (uint32_t)k2;
    lines += pc->lines;
    if( pc->start==0 ){ f->has_tz0 = pc->has_tz0; f->tz0 = pc->tz0; }
    if( pc->end >= f->end ){ f->end = pc->end; f->ends_nl = pc->ends_nl; }
    if( pc->nchg ){
      tzchg *nc = realloc(f->chg, sizeof(tzchg)*(size_t)(f->nchg + pc->nchg));
      if( !nc ) return -1;
      f->chg = nc;
      memcpy(f->chg + f->nchg, pc->chg, sizeof(tzchg)*(size_t)pc->nchg);
      f->nchg += pc->nchg;
    }
  }
  f->lines = lines;
  /* The offset: the header in the file's first 4 KiB counts from its start
  ** (else tz= or 0), then each later header line from there on. */
  tz = f->has_tz0 ? f->tz0 : f->tz_default;
  for(c=0, j=0; j<f->nblock; j++){
    ix_blk *bk = &f->blks[j];
    int64_t at = ((int64_t)j << MT_IX_SHIFT) + bk->first;
    while( c < f->nchg && f->chg[c].off < at ){ tz = f->chg[c].tz; c++; }
    bk->tz = tz;
  }
  return 0;
}

/* A new segment in part f; its index, or -1. */
static int add_seg(ix_part *f){
  ix_seg *ns = realloc(f->segs, sizeof(ix_seg)*(size_t)(f->nseg + 1));
  if( !ns ) return -1;
  f->segs = ns;
  memset(&f->segs[f->nseg], 0, sizeof(ix_seg));
  return f->nseg++;
}

static int add_piece(ix_build *B, int file, ix_part *f, int64_t k1, int64_t k2, int64_t start){
  ix_piece *np = realloc(B->pieces, sizeof(ix_piece)*(size_t)(B->npiece+1));
  int sg;
  if( !np ) return -1;
  B->pieces = np;
  sg = add_seg(f);
  if( sg<0 ) return -1;
  memset(&B->pieces[B->npiece], 0, sizeof(ix_piece));
  B->pieces[B->npiece].file = file;
  B->pieces[B->npiece].part = f;
  B->pieces[B->npiece].seg = sg;
  B->pieces[B->npiece].k1 = k1;
  B->pieces[B->npiece].k2 = k2;
  B->pieces[B->npiece].start = start;
  B->npiece++;
  return 0;
}

/* Can part `old` serve file f: 2 unchanged, 1 grown (read on), 0 no. */
static int part_fits(const ix_part *old, const mt_file *f, int tz_default){
  if( !old || old->dev!=f->dev || old->ino!=f->ino || old->tz_default!=tz_default ) return 0;
  if( old->map && map_bad(old->map) ) return 0;            /* a damaged index file: build again */
  if( old->size==f->size && old->mtime==f->mtime ) return 2;
  /* (a file indexed before its first 4 KiB were written, with no header in
  ** them: a header there now holds from line 1, as a walk over the whole
  ** file finds it (scan.c): the lines indexed before need its offset too) */
  if( old->size < f->size && f->mtime >= old->mtime && !old->gz && old->ends_nl && old->end==old->size
   && (old->has_tz0 || old->end >= MT_TZ_HEADER_SPAN) && map_check_all(old) ){   /* extended and saved again: every page verified first */
    /* Same inode and more bytes is not proof of growth: logrotate's
    ** copytruncate, or a new file on a reused inode, look the same.  The
    ** bytes indexed must still be there (their first and last 64 KiB). */
    mt_ident id = MT_FILE_IDENT(f);
    uint32_t fp;
    if( old->has_fp && mt_fingerprint(f->path, &id, old->end, &fp)==0 && fp==old->fp ) return 1;
  }
  return 0;
}

/* Plan the pieces of file i: none when `have` covers it, the appended
** bytes when it grew, else the whole file. */
static int plan_file(ix_build *B, int i, ix_part *f, int64_t piece){
  const mt_file *mf = &B->files->a[i];
  int64_t nb, k;
  if( part_own(f) ) return -1;              /* a mapped part is about to change */
  if( f->gz ) return add_piece(B, i, f, 0, -1, 0);
  nb = (mf->size + MT_IX_BLOCK - 1) >> MT_IX_SHIFT;
  if( need_blocks(f, (uint32_t)(nb ? nb : 1)) ) return -1;
  if( f->end > 0 ){
    /* grown: from where it ended, to the end of its piece grid */
    int64_t k1 = f->end >> MT_IX_SHIFT, k2 = ((k1 / (piece >> MT_IX_SHIFT)) + 1) * (piece >> MT_IX_SHIFT);
    if( k2 > nb ) k2 = nb;
    if( f->end < mf->size && add_piece(B, i, f, k1, k2 > k1 ? k2 : k1 + 1, f->end) ) return -1;
    k = k2;
  }else{
    k = 0;
    if( add_piece(B, i, f, 0, nb < piece >> MT_IX_SHIFT ? nb : piece >> MT_IX_SHIFT, 0) ) return -1;
    k = piece >> MT_IX_SHIFT;
  }
  for(; k < nb; k += piece >> MT_IX_SHIFT){
    int64_t k2 = k + (piece >> MT_IX_SHIFT);
    if( add_piece(B, i, f, k, k2 > nb ? nb : k2, -1) ) return -1;
  }
  return 0;
}

mt_rc mt_index_build(const mt_filelist *files, const mt_opts *opts, mt_index *reuse,
                     mt_stats *stats, mt_index **pix, char **pzErr, int (*should_stop)(void*), void *stop_arg){
  mt_index *ix;
  mt_stats dummy;
  mt_rc rc = MT_OK;
  ix_build B;
  int i, nthread, ok = 1, tzd = opts->tz_set ? opts->tz_off : 0;
  int64_t piece = piece_bytes();
  pthread_t th[MT_IX_THREADS];
  int nth = 0;
  *pzErr = 0;
  *pix = 0;
  if( !stats ) stats = &dummy;
  memset(stats, 0, sizeof(*stats));
  if( opts->year ){
    mt_index_free(reuse);
    *pzErr = strdup("year= makes a line's year depend on the lines before it: no offset index");
    return MT_ERROR;
  }
  ix = calloc(1, sizeof(*ix));
  if( ix ){
    ix->parts = calloc((size_t)(files->n ? files->n : 1), sizeof(ix_part*));
    ix->first = calloc((size_t)(files->n ? files->n : 1), sizeof(uint32_t));
    ix->look = calloc(1, sizeof(ix_look));
  }
  if( !ix || !ix->parts || !ix->first || !ix->look ){
    if( ix ){ free(ix->parts); free(ix->first); free(ix->look); free(ix); }
    mt_index_free(reuse);
    *pzErr = strdup(mt_rc_name(MT_NOMEM));
    return MT_NOMEM;
  }
  ix->nfile = files->n;
  memset(&B, 0, sizeof(B));
  B.files = files; B.should_stop = should_stop; B.stop_arg = stop_arg; B.progress = opts->progress;
  /* Each file's part: kept from `reuse`, loaded from index=DIR, read on
  ** (grown), or built. */
  for(i=0; i<files->n && ok; i++){
    const mt_file *mf = &files->a[i];
    ix_part *f = 0;
    int fit = 0, j;
    if( reuse ){
      for(j=0; j<reuse->nfile; j++){
        int k = part_fits(reuse->parts[j], mf, tzd);
        if( k ){ f = reuse->parts[j]; reuse->parts[j] = 0; fit = k; break; }
      }
    }
    if( !f && opts->index_dir ){
      f = part_load(opts->index_dir, mf, tzd);
      if( f ) fit = part_fits(f, mf, tzd);
      if( f && !fit ){ part_free(f); f = 0; }
    }
    if( !f ){
      f = calloc(1, sizeof(*f));
      if( !f ){ ok = 0; rc = MT_NOMEM; break; }
      f->dev = mf->dev; f->ino = mf->ino; f->tz_default = tzd;
      if( mf->size==0 ){
        /* empty when listed: nothing to read (a new mail.current) */
        f->size = 0; f->mtime = mf->mtime; f->ends_nl = 1;       /* nothing worth saving */
        f->fp = (uint32_t)crc32(0L, Z_NULL, 0); f->has_fp = 1;
        ix->parts[i] = f;
        continue;
      }
      {
        mt_ident id = MT_FILE_IDENT(mf);
        f->gz = mt_file_is_gzip(mf->path, &id, pzErr, &rc);
      }
      if( f->gz<0 ){ part_free(f); ok = 0; break; }
    }
    ix->parts[i] = f;
    if( fit==2 ) continue;
    f->dirty = 1;
    f->size = mf->size; f->mtime = mf->mtime;
    if( plan_file(&B, i, f, piece) ){ ok = 0; rc = MT_NOMEM; break; }
  }
  mt_index_free(reuse);
  if( !ok ){
    if( !*pzErr ) rc = MT_NOMEM;       /* not even the message could be made */
    if( rc==MT_OK ) rc = MT_ERROR;
    if( !*pzErr ) *pzErr = strdup(mt_rc_name(rc));
    free(B.pieces);
    mt_index_free(ix);
    return rc;
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
    stats->index_read += pc->bytes_read;
    if( pc->start>=0 ) stats->files_opened++;
  }
  {
    /* the first failure in file order; an interruption only if nothing
    ** worse happened (the other pieces stop when one fails) */
    int worst = -1;
    for(i=0; i<B.npiece; i++){
      if( B.pieces[i].rc==MT_OK && !B.pieces[i].err ) continue;
      if( worst<0 || (B.pieces[worst].rc==MT_INTERRUPTED && B.pieces[i].rc!=MT_INTERRUPTED) ) worst = i;
      if( B.pieces[worst].rc!=MT_INTERRUPTED ) break;
    }
    if( worst>=0 ){
      rc = B.pieces[worst].rc!=MT_OK ? B.pieces[worst].rc : MT_ERROR;
      *pzErr = B.pieces[worst].err; B.pieces[worst].err = 0;
    }
  }
  /* A piece that failed (or was never taken, after a failure) fails the
  ** whole index, even when its message could not be allocated. */
  if( B.stop && (rc==MT_OK || !*pzErr) ) rc = MT_NOMEM;
  if( !B.stop ){
    int p = 0;
    for(i=0; i<files->n; i++){
      int p0 = p;
      while( p<B.npiece && B.pieces[p].file==i ) p++;
      if( p>p0 && finish_part(ix->parts[i], B.pieces + p0, p - p0) ){ B.stop = 1; rc = MT_NOMEM; break; }
    }
  }
  if( B.stop && !*pzErr ) *pzErr = strdup(mt_rc_name(rc));
  for(i=0; i<B.npiece; i++){ free(B.pieces[i].chg); free(B.pieces[i].err); }
  free(B.pieces);
  if( B.stop ){ mt_index_free(ix); return rc; }
  for(i=0; i<files->n; i++){
    ix_part *f = ix->parts[i];
    ix->first[i] = ix->nblk;
    ix->nblk += f->nblock;
    if( f->dirty && !f->gz && f->end > 0 ){
      /* what was read, for proving later that the file only grew; taken
      ** with the identity check, so a file replaced meanwhile is not saved */
      mt_ident id = MT_FILE_IDENT(&files->a[i]);
      f->has_fp = mt_fingerprint(files->a[i].path, &id, f->end, &f->fp)==0;
      if( !f->has_fp ) continue;
    }
    if( opts->index_dir && f->dirty ) part_compact(f);
    if( f->dirty ){
      /* (segments built here; one kept, loaded or read on keeps its summary) */
      int s;
      for(s=0; s<f->nseg; s++) if( !in_map(f, f->segs[s].slots) ) seg_summarize(&f->segs[s]);
    }
    if( opts->index_dir && f->dirty ){ part_save(f, opts->index_dir); f->dirty = 0; }
  }
  look_build(ix);
  *pix = ix;
  return MT_OK;
}

void mt_index_probes(const mt_index *ix, uint64_t *probed, uint64_t *skipped){
  *probed = ix->look->probed;
  *skipped = ix->look->skipped;
}

void mt_index_free(mt_index *ix){
  int i;
  if( !ix ) return;
  if( ix->look ){
    int k;
    for(k=0; k<3; k++) free(ix->look->iv[k]);
    free(ix->look->loose);
    free(ix->look);
  }
  for(i=0; i<ix->nfile; i++) part_free(ix->parts ? ix->parts[i] : 0);
  free(ix->parts);
  free(ix->first);
  free(ix);
}

/* The blocks of `key` in segment g of part f, appended to a[n..], their
** unit masks to m[n..] when m is wanted (pm not NULL).  0, -1 when out of
** memory, 1 when a page of a mapped file failed its CRC or a value is out
** of bounds (the caller answers with every block of the file instead). */
static int seg_lookup(const ix_part *f, const ix_seg *g, uint32_t first, uint64_t key,
                      uint32_t **pa, int *pcap, uint64_t **pm, int *pmcap, int *pn){
  uint64_t h, probes;
  uint32_t p, cnt, j;
  const ix_slot *sl = 0;
  int n = *pn;
  if( !g->cap ) return 0;
  h = mix(key) & (g->cap-1);
  for(probes=0; probes<g->cap; probes++, h = (h+1) & (g->cap-1)){
    if( !touch(f, &g->slots[h], sizeof(ix_slot)) ) return 1;
    if( g->slots[h].key==key ){ sl = &g->slots[h]; break; }
    if( g->slots[h].key==KEY_EMPTY ) return 0;
  }
  if( !sl ) return f->map ? 1 : 0;
  cnt = sl->count;
  p = sl->newest;                       /* (packed: the first of the key's postings) */
  /* (a slot that disagrees with the postings: a damaged file; built here it
  ** cannot be, and every block of the file is then the answer, never none) */
  if( (p==UINT32_MAX)!=(cnt==0) || (cnt && (p >= g->nposts || cnt > g->nposts - p)) ) return 1;
  if( cnt==0 ) return 0;
  if( f->map && !touch(f, &g->posts[p], sizeof(ix_post)*(size_t)cnt) ) return 1;
  if( cnt > (uint32_t)(INT_MAX - n) || mt_grow_i(pa, pcap, n + (int)cnt, sizeof(uint32_t))
   || (pm && mt_grow_i(pm, pmcap, n + (int)cnt, sizeof(uint64_t))) ) return -1;
  for(j=0; j<cnt; j++){
    const ix_post *x = &g->posts[p + j];
    uint64_t m = post_mask(x);
    if( x->block >= f->nblock || m==0 || (j>0 && x->block <= g->posts[p + j - 1].block) ){
      if( f->map ) return 1;             /* a damaged index file */
      if( m==0 ) m = ~UINT64_C(0);       /* (built here: cannot be; every unit then) */
    }
    (*pa)[n + (int)j] = first + x->block;
    if( pm ) (*pm)[n + (int)j] = m;
  }
  *pn = n + (int)cnt;
  return 0;
}

int mt_index_lookup(const mt_index *ix, uint64_t key, uint32_t **pa, int *pn){
  return mt_index_lookup_units(ix, key, pa, 0, pn);
}

/* A segment a lookup probes: (file, segment), segment -1 for every block of
** the file (a damaged index file). */
typedef struct ix_cand { int file, seg; } ix_cand;

static int cmp_cand(const void *a, const void *b){
  const ix_cand *x = a, *y = b;
  return x->file!=y->file ? (x->file < y->file ? -1 : 1) : (x->seg < y->seg ? -1 : x->seg > y->seg);
}

static int cmp_ival(const void *a, const void *b){
  const ix_ival *x = a, *y = b;
  return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Make the lookups' directory (best effort: without it every segment is
** tested on its own). */
static void look_build(mt_index *ix){
  ix_look *L = ix->look;
  int i, s, k, r;
  int n[3] = {0, 0, 0}, nl = 0;
  for(i=0; i<ix->nfile; i++){
    for(s=0; s<ix->parts[i]->nseg; s++){
      const ix_seg *g = &ix->parts[i]->segs[s];
      L->nseg++;
      if( !g->summed ){ nl++; continue; }
      for(k=0; k<3; k++) for(r=0; r<IX_NRANGE; r++) if( g->lo[k][r] <= g->hi[k][r] ) n[k]++;
    }
  }
  for(k=0; k<3; k++){
    L->iv[k] = malloc(sizeof(ix_ival)*(size_t)(n[k] ? n[k] : 1));
    if( !L->iv[k] ) goto fail;
  }
  L->loose = malloc(sizeof(int)*2*(size_t)(nl ? nl : 1));
  if( !L->loose ) goto fail;
  for(i=0; i<ix->nfile; i++){
    for(s=0; s<ix->parts[i]->nseg; s++){
      const ix_seg *g = &ix->parts[i]->segs[s];
      if( !g->summed ){ L->loose[2*L->nloose] = i; L->loose[2*L->nloose+1] = s; L->nloose++; continue; }
      for(k=0; k<3; k++) for(r=0; r<IX_NRANGE; r++){
        if( g->lo[k][r] > g->hi[k][r] ) continue;
        L->iv[k][L->niv[k]].lo = g->lo[k][r]; L->iv[k][L->niv[k]].hi = g->hi[k][r];
        L->iv[k][L->niv[k]].file = i; L->iv[k][L->niv[k]].seg = s;
        L->niv[k]++;
      }
    }
  }
  for(k=0; k<3; k++){
    uint64_t mx = 0;
    qsort(L->iv[k], (size_t)L->niv[k], sizeof(ix_ival), cmp_ival);
    for(r=0; r<L->niv[k]; r++){ if( L->iv[k][r].hi > mx ) mx = L->iv[k][r].hi; L->iv[k][r].maxhi = mx; }
  }
  return;
fail:
  for(k=0; k<3; k++){ free(L->iv[k]); L->iv[k] = 0; L->niv[k] = 0; }
  free(L->loose); L->loose = 0; L->nloose = 0;
}

/* Add (file, seg) to the candidates (*pc, *pn, *pcap; `stack` the first
** buffer).  0, or -1 when out of memory. */
static int cand_add(ix_cand **pc, int *pn, int *pcap, ix_cand *stack, int file, int seg){
  if( *pn==*pcap ){
    int nc = *pcap*2;
    ix_cand *x = *pc==stack ? malloc(sizeof(ix_cand)*(size_t)nc) : realloc(*pc, sizeof(ix_cand)*(size_t)nc);
    if( !x || nc < *pcap ){ if( x && x!=*pc ) free(x); return -1; }
    if( *pc==stack ) memcpy(x, stack, sizeof(ix_cand)*(size_t)*pn);
    *pc = x; *pcap = nc;
  }
  (*pc)[*pn].file = file; (*pc)[*pn].seg = seg; (*pn)++;
  return 0;
}

int mt_index_lookup_units(const mt_index *ix, uint64_t key, uint32_t **pa, uint64_t **pm, int *pn){
  uint32_t *a = 0;
  uint64_t *m = 0;
  int n = 0, cap = 0, mcap = 0, i, s, c, kind = (int)(key >> 62);
  ix_cand stack[32], *cd = stack;
  int ncd = 0, ccd = 32, oom = 0;
  ix_look *L = ix->look;
  *pa = 0; *pn = 0;
  if( pm ) *pm = 0;
  /* The segments that may hold the key, in log order (files, then
  ** segments): found in the directory by the id, or each tested on its own
  ** (a client IP: its bloom filters). */
  if( kind!=MT_IX_IP && L->iv[kind] ){
    const ix_ival *iv = L->iv[kind];
    uint64_t id = key & ID_MASK;
    int lo = 0, hi = L->niv[kind] - 1, j = -1;
    while( lo<=hi ){                      /* the last interval with lo <= id */
      int mid = lo + (hi - lo) / 2;
      if( iv[mid].lo <= id ){ j = mid; lo = mid + 1; } else hi = mid - 1;
    }
    for(; j>=0 && iv[j].maxhi >= id && !oom; j--){
      if( iv[j].hi >= id ) oom = cand_add(&cd, &ncd, &ccd, stack, iv[j].file, iv[j].seg);
    }
    for(c=0; c<L->nloose && !oom; c++) oom = cand_add(&cd, &ncd, &ccd, stack, L->loose[2*c], L->loose[2*c+1]);
    if( __atomic_load_n(&any_damaged, __ATOMIC_RELAXED) ){
      for(i=0; i<ix->nfile && !oom; i++){
        if( ix->parts[i]->map && map_bad(ix->parts[i]->map) ) oom = cand_add(&cd, &ncd, &ccd, stack, i, -1);
      }
    }
    if( ncd > 1 ) qsort(cd, (size_t)ncd, sizeof(ix_cand), cmp_cand);
  }else{
    for(i=0; i<ix->nfile && !oom; i++){
      const ix_part *f = ix->parts[i];
      for(s=0; s<f->nseg && !oom; s++){
        if( f->map && map_bad(f->map) ){ oom = cand_add(&cd, &ncd, &ccd, stack, i, -1); break; }
        if( seg_may_hold(f, &f->segs[s], key) ) oom = cand_add(&cd, &ncd, &ccd, stack, i, s);
      }
    }
  }
  if( oom ){ if( cd!=stack ) free(cd); return -1; }
  __atomic_add_fetch(&L->probed, (uint64_t)ncd, __ATOMIC_RELAXED);     /* (two sweeps may look up at once) */
  __atomic_add_fetch(&L->skipped, L->nseg > (uint64_t)ncd ? L->nseg - (uint64_t)ncd : 0, __ATOMIC_RELAXED);
  for(c=0; c<ncd; ){
    const ix_part *f;
    int n0 = n, r = 0;
    i = cd[c].file;
    f = ix->parts[i];
    for(; c<ncd && cd[c].file==i; c++){
      if( r ) continue;
      if( cd[c].seg < 0 || (f->map && map_bad(f->map)) ){ r = 1; continue; }
      r = seg_lookup(f, &f->segs[cd[c].seg], ix->first[i], key, &a, &cap, pm ? &m : 0, &mcap, &n);
    }
    if( r<0 ){ free(a); free(m); if( cd!=stack ) free(cd); return -1; }
    if( r>0 ){
      /* A damaged index file: every block of its log file, every unit, a
      ** superset the reader narrows down as it does any block (index.h). */
      uint32_t b;
      n = n0;
      if( f->nblock > (uint32_t)(INT_MAX - n) || mt_grow_i(&a, &cap, n + (int)f->nblock, sizeof(uint32_t))
       || (pm && mt_grow_i(&m, &mcap, n + (int)f->nblock, sizeof(uint64_t))) ){ free(a); free(m); if( cd!=stack ) free(cd); return -1; }
      for(b=0; b<f->nblock; b++){ if( pm ) m[n] = UINT64_MAX; a[n++] = ix->first[i] + b; }
    }
  }
  if( cd!=stack ) free(cd);
  if( n>1 ){
    /* a block in two segments (a grown file read on in its last block): one
    ** entry, with or without masks (mt_index_blocks trusts a single key's
    ** list to hold each block once: a twice-listed block read its lines twice) */
    int k, o = 0;
    for(k=0; k<n; k++){
      if( o>0 && a[o-1]==a[k] ){ if( pm ) m[o-1] |= m[k]; continue; }
      a[o] = a[k]; if( pm ) m[o] = m[k];
      o++;
    }
    n = o;
  }
  *pa = a; *pn = n;
  if( pm ) *pm = m; else free(m);
  return 0;
}

void mt_index_block(const mt_index *ix, uint32_t b, mt_ix_block *out){
  int lo = 0, hi = ix->nfile - 1;
  const ix_part *f;
  const ix_blk *bk;
  uint32_t j;
  /* the file: the last one whose first block is <= b and that has blocks */
  while( lo < hi ){
    int mid = (lo + hi + 1) / 2;
    if( ix->first[mid] <= b ) lo = mid; else hi = mid - 1;
  }
  while( lo > 0 && (ix->parts[lo]->nblock==0 || ix->first[lo] > b) ) lo--;
  f = ix->parts[lo];
  j = b - ix->first[lo];
  bk = &f->blks[j];
  memset(out, 0, sizeof(*out));
  out->file = lo;
  out->start = (int64_t)j << MT_IX_SHIFT;
  out->off = ((int64_t)j << MT_IX_SHIFT) + bk->first;
  out->end = ((int64_t)(j + 1) << MT_IX_SHIFT);
  if( out->end > f->end ) out->end = f->end;
  out->lineno = bk->lineno;
  out->tz = bk->tz;
  out->empty = bk->lineno==0;
}

int mt_index_tz_at(void *arg, int file, int64_t off, int *tz, int *from_header){
  const mt_index *ix = arg;
  const ix_part *f;
  int lo, hi, best = -1;
  if( !ix || file < 0 || file >= ix->nfile || !ix->parts[file] ) return 0;
  f = ix->parts[file];
  /* (the changes are in file order: the pieces' lists joined in order) */
  lo = 0; hi = f->nchg - 1;
  while( lo<=hi ){
    int m = lo + (hi - lo) / 2;
    if( f->chg[m].off <= off ){ best = m; lo = m + 1; } else hi = m - 1;
  }
  if( best>=0 ){ *tz = f->chg[best].tz; *from_header = 1; }
  else if( f->has_tz0 ){ *tz = f->tz0; *from_header = 1; }   /* the header near the start holds from line 1 */
  else{ *tz = f->tz_default; *from_header = 0; }
  return 1;
}

uint32_t mt_index_block_of(const mt_index *ix, int file, int64_t off){
  return ix->first[file] + (uint32_t)(off >> MT_IX_SHIFT);
}

int mt_index_zpoint(const mt_index *ix, int file, int64_t off, mt_zpoint *out){
  const ix_part *f = ix->parts[file];
  int lo = 0, hi = f->nzp - 1, best = -1;
  const ix_zpt *z;
  while( lo<=hi ){
    int m = (lo + hi) / 2;
    if( !touch(f, &f->zp[m].out, sizeof(f->zp[m].out)) ) return 0;   /* damaged: read from the start */
    if( f->zp[m].out <= off ){ best = m; lo = m + 1; } else hi = m - 1;
  }
  if( best<0 ) return 0;
  z = &f->zp[best];
  /* a point from an index file: verified whole and within bounds, its
  ** window too, or none (the gzip file is then read from its start:
  ** slower, still right) */
  if( f->map && (!touch(f, z, sizeof(*z)) || z->out > off || z->out > f->end || z->in < 0 || z->in > f->size
                 || z->bits < -1 || z->bits > 7 || z->wlen < 0 || z->wlen > MT_ZWINDOW || (z->bits > 0 && z->in < 1)) ) return 0;
  if( z->wlen > 0 && (z->zlen==0 || z->zat > f->nzw || z->zlen > f->nzw - z->zat || !touch(f, f->zw + z->zat, z->zlen)) ) return 0;
  memset(out, 0, sizeof(*out));
  out->out = z->out; out->in = z->in; out->bits = z->bits; out->wlen = z->wlen;
  out->zwin = z->wlen > 0 ? f->zw + z->zat : 0;
  out->zlen = z->wlen > 0 ? z->zlen : 0;
  return 1;
}

uint32_t mt_index_nblock(const mt_index *ix){ return ix->nblk; }

int64_t mt_index_lines(const mt_index *ix){
  int64_t n = 0;
  int i;
  for(i=0; i<ix->nfile; i++) n += ix->parts[i]->lines;
  return n;
}

size_t mt_index_ids(const mt_index *ix){
  size_t n = 0;
  int i, s;
  for(i=0; i<ix->nfile; i++) for(s=0; s<ix->parts[i]->nseg; s++) n += (size_t)ix->parts[i]->segs[s].n;
  return n;
}

size_t mt_index_memory(const mt_index *ix){
  size_t n = sizeof(*ix) + (sizeof(ix_part*) + sizeof(uint32_t))*(size_t)ix->nfile;
  int i, s;
  for(i=0; i<ix->nfile; i++){
    const ix_part *f = ix->parts[i];
    /* an index file's arrays are mapped (the page cache's), not held */
    n += sizeof(*f) + sizeof(ix_seg)*(size_t)f->nseg;
    if( !in_map(f, f->blks) ) n += sizeof(ix_blk)*(size_t)f->cblk;
    if( !in_map(f, f->chg) ) n += sizeof(tzchg)*(size_t)f->nchg;
    if( !in_map(f, f->zp) ) n += sizeof(ix_zpt)*(size_t)f->nzp;
    if( !in_map(f, f->zw) ) n += (size_t)f->nzw;
    if( f->map ) n += sizeof(*f->map) + ((size_t)f->map->npage + 63) / 64 * 8;
    for(s=0; s<f->nseg; s++){
      if( !in_map(f, f->segs[s].slots) ) n += sizeof(ix_slot)*(size_t)f->segs[s].cap;
      if( !in_map(f, f->segs[s].posts) ) n += sizeof(ix_post)*(size_t)f->segs[s].cposts;
      if( !in_map(f, f->segs[s].bloom) ) n += sizeof(uint64_t)*(size_t)f->segs[s].nbloom;
    }
  }
  return n;
}

/* ------------------------------------------------------- line filter */

struct mt_ix_filter {
  uint64_t *keys; int nkeys;   /* sorted */
  uint64_t bloom[64];          /* 4096 bits of the keys: most anchors stop here */
  int no_ip;
  uint32_t *out; int nout, cout;
  int oom;
};

static uint32_t fbit(uint64_t key){ return (uint32_t)(mix(key) >> 52); }

static int cmp_key(const void *a, const void *b){
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x<y ? -1 : x>y;
}

mt_ix_filter *mt_ix_filter_new(const uint64_t *keys, int n){
  mt_ix_filter *f = calloc(1, sizeof(*f));
  int i;
  if( !f ) return 0;
  f->keys = malloc(sizeof(uint64_t)*(size_t)(n ? n : 1));
  if( !f->keys ){ free(f); return 0; }
  if( n>0 ) memcpy(f->keys, keys, sizeof(uint64_t)*(size_t)n);      /* keys may be NULL when n is 0 */
  qsort(f->keys, (size_t)n, sizeof(uint64_t), cmp_key);
  f->nkeys = n;
  f->no_ip = 1;
  for(i=0; i<n; i++){
    uint32_t b = fbit(keys[i]);
    f->bloom[b >> 6] |= (uint64_t)1 << (b & 63);
    if( (keys[i] >> 62)==MT_IX_IP ) f->no_ip = 0;
  }
  return f;
}

void mt_ix_filter_free(mt_ix_filter *f){
  if( !f ) return;
  free(f->keys); free(f->out); free(f);
}

static void f_hit(void *arg, int kind, uint64_t id, size_t line_start){
  mt_ix_filter *f = arg;
  uint64_t key = ((uint64_t)kind << 62) | id;
  uint32_t b = fbit(key);
  int lo = 0, hi = f->nkeys - 1;
  if( !(f->bloom[b >> 6] >> (b & 63) & 1) ) return;
  while( lo<=hi ){
    int m = (lo + hi) / 2;
    if( f->keys[m]==key ) break;
    if( f->keys[m] < key ) lo = m + 1; else hi = m - 1;
  }
  if( lo>hi ) return;
  if( f->nout>0 && f->out[f->nout-1]==(uint32_t)line_start ) return;   /* two ids, one line */
  if( f->nout==f->cout ){
    int nc = f->cout ? f->cout*2 : 256;
    uint32_t *no = realloc(f->out, sizeof(uint32_t)*(size_t)nc);
    if( !no ){ f->oom = 1; return; }
    f->out = no; f->cout = nc;
  }
  f->out[f->nout++] = (uint32_t)line_start;
}

int mt_ix_filter_lines(void *arg, const char *p, size_t n, int64_t off, const uint32_t **keep){
  mt_ix_filter *f = arg;
  (void)off;
  f->nout = 0;
  if( n > UINT32_MAX ) return -1;
  mt_index_extract2(p, n, f_hit, f, f->no_ip);
  if( f->oom ){ f->oom = 0; return -1; }      /* out of memory: every line */
  *keep = f->out;
  return f->nout;
}

/* ------------------------------------------------------- block lists */

int mt_index_run(const mt_index *ix, uint32_t b, mt_run *out){
  mt_ix_block bl;
  mt_index_block(ix, b, &bl);
  memset(out, 0, sizeof(*out));
  if( bl.empty ) return 1;
  out->file = bl.file;
  out->off = bl.off;
  out->end = bl.end;
  out->lineno = bl.lineno;
  out->tz = bl.tz;
  out->has_zp = mt_index_zpoint(ix, bl.file, bl.off, &out->zp);
  return 0;
}

static int cmp_u32(const void *a, const void *b){
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x<y ? -1 : x>y;
}

int mt_index_blocks(const mt_index *ix, const uint64_t *keys, int nkeys, uint32_t **pa, int *pn){
  uint32_t *all = 0;
  int n = 0, cap = 0, i, j, out = 0;
  *pa = 0; *pn = 0;
  for(i=0; i<nkeys; i++){
    uint32_t *a; int na;
    if( mt_index_lookup(ix, keys[i], &a, &na) ){ free(all); return -1; }
    if( nkeys==1 ){ *pa = a; *pn = na; return 0; }    /* one key: ascending, each once already */
    if( na > INT_MAX - n || mt_grow_i(&all, &cap, n + na, sizeof(uint32_t)) ){ free(a); free(all); return -1; }
    if( na ) memcpy(all + n, a, sizeof(uint32_t)*(size_t)na);
    n += na;
    free(a);
  }
  if( n>1 ) qsort(all, (size_t)n, sizeof(uint32_t), cmp_u32);
  for(j=0; j<n; j++) if( j==0 || all[j]!=all[j-1] ) all[out++] = all[j];
  if( out==0 ){ free(all); all = 0; }
  *pa = all; *pn = out;
  return 0;
}

int mt_index_runs(const mt_index *ix, const uint64_t *keys, int nkeys, mt_run **pa, int *pn){
  uint32_t *b;
  int nb, i, n = 0;
  mt_run *sp;
  *pa = 0; *pn = 0;
  if( mt_index_blocks(ix, keys, nkeys, &b, &nb) ) return -1;
  if( nb==0 ) return 0;
  sp = malloc(sizeof(mt_run)*(size_t)nb);
  if( !sp ){ free(b); return -1; }
  for(i=0; i<nb; i++) if( mt_index_run(ix, b[i], &sp[n])==0 ) n++;
  free(b);
  if( n==0 ){ free(sp); sp = 0; }
  *pa = sp; *pn = n;
  return 0;
}
