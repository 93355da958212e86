/* SPDX-License-Identifier: MIT */
/*
** partial.c — index → a store for some ids (see partial.h).
**
** Resolving is a sweep: the blocks of the ids asked for are read once each,
** in log order (reading on where they follow each other).  Of each chunk
** read, only the lines that name an id wanted so far are parsed (the anchor
** scan of index.c, run once per chunk: a line filter of the walk,
** mt_scan.keep_lines).  A parsed line that belongs to a want is selected,
** and the ids it leads to are wanted at once: their blocks ahead join the
** sweep, their lines earlier in the chunk in memory are taken by stepping
** the walk back, and only lines in blocks already left behind (a delivery
** connection opened long before a message used it, an id repeated by
** another gateway) wait for a next sweep over just those blocks.  So a
** block is read at most once per sweep however many ids share it: a busy
** sender with connections in every block costs one forward pass over the
** log, not one pass per link (the rounds this replaced read 3-4 passes).
**
** Each selected line is kept with what the store needs of its context (file,
** line number, times, host, body), so the store is built from memory, in log
** order, without reading the log again.
**
** A busy sender's sweep is split in two (split_point: at least
** MT_PT_SPLIT_MIN blocks to read, and a second CPU): the partial's "twin"
** sweeps the blocks from the middle on, on a thread of its own, for the
** wants asked (and what it finds there), while the calling thread sweeps the
** blocks before the middle.  The two share nothing they write (the index is
** read by both: index.c's lookups are safe for that).  Then the twin's
** lines and wants join the partial's, and the wants the first half found
** with lines past the middle that the twin did not know (`carry`: a
** connection open across the middle, a message delivered later) are read
** there by one more sweep of the calling thread.  What is selected is the
** same as by one sweep: the closure of the wants under the same links.
*/
#include "grow.h"
#include "partial.h"
#include "hashmap.h"
#include "wraps.h"
#include "logtype.h"
#include "threads.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* What a selected candidate line says, enough to follow links. */
typedef struct pline {
  int file;
  int64_t off;
  int32_t kind;
  int64_t icid, mid, mid2, dcid;
  uint64_t ip;               /* index key of the client IP of an ICID line, or 0 */
} pline;

/* A set of 64-bit keys: the hash map (hashmap.h) with tag 0 and value 0
** (key 0 is never stored: keys are made non-zero by the callers). */
typedef mt_hmap kset;

static int kset_has(const kset *s, uint64_t k){ return mt_hmap_get(s, k, 0)!=MT_HMAP_NONE; }

/* 1 added, 0 present, -1 out of memory. */
static int kset_add(kset *s, uint64_t k){
  int created;
  return mt_hmap_ref(s, k, 0, &created) ? created : -1;
}

static void kset_clear(kset *s){ mt_hmap_free(s); }

/* A want: (what, id) packed; the IP's id is its index key's low bits. */
static uint64_t want_key(int what, uint64_t id){ return ((id & ((UINT64_C(1)<<60)-1)) << 3 | (uint64_t)what) + 1; }

typedef struct want { int what; uint64_t id; } want;

/* A selected line as one integer, ordered like the log: the file number in
** the high bits, the offset below.  Every file a list may hold
** (MT_MAX_FILES) has its own number, and an offset is below 2^47 (128 TiB of
** one file's text), which select_line checks. */
#define SEL_OFF_BITS 47
#define SEL_OFF_MASK ((UINT64_C(1) << SEL_OFF_BITS) - 1)
_Static_assert(MT_MAX_FILES < (1 << (64 - SEL_OFF_BITS)), "file numbers must fit the packing");
static inline uint64_t sel_pack(int file, int64_t off){ return ((uint64_t)file << SEL_OFF_BITS) | (uint64_t)off; }

/* A selected line and the context the store reads (entities.c uses the
** walk's file, line number, times, host and body). */
typedef struct rec {
  int64_t off, lineno, t_local, t_utc;
  const char *body, *host;   /* kept in the partial's text blocks */
  uint32_t body_len;
  int32_t file, host_len;
  int32_t has_time;
} rec;

/* The kept text: blocks that never move (a busy sender's lines are tens of
** MB: growing one array would copy them again at each doubling and leave
** the old copies in the heap). */
typedef struct tblk { struct tblk *next; size_t used, cap; char data[]; } tblk;
#define MT_PT_TEXT_BLOCK ((size_t)8 << 20)   /* (huge pages where the kernel gives them) */

struct mt_partial {
  const mt_filelist *files;
  const mt_opts *opts;
  const mt_index *ix;
  kset done;                 /* wants resolved (want_key) */
  kset queued;               /* wants asked for, not yet resolved */
  want *q; int nq, cq;
  kset selset;               /* selected lines: sel_pack(file, offset) + 1 */
  struct rec *rec; int64_t nrec, crec;   /* the selected lines, with their context */
  struct tblk *tb;           /* their bodies and hosts, newest block first */
  const char *host; int32_t host_len;    /* the host kept last (lines share it) */
  int sorted;                /* rec is in log order */
  /* The sweep's per-block marks, kept from one resolve to the next and
  ** cleared over the range a resolve touched: a join asks one id per row
  ** (a busy sender's 40,000 connections on 10 GiB), and a resolve must
  ** cost what its blocks cost, not the size of the log. */
  unsigned char *need;       /* blocks to read */
  uint64_t *umask;           /* per block: the units that hold lines of a want (index.h) */
  uint32_t nalloc;           /* blocks both have room for */
  struct went *ring;         /* the sweep's window, its buffers kept from one resolve
                             ** to the next (MT_PT_WINDOW entries, or NULL) */
  /* A split sweep (the head comment): */
  struct mt_partial *twin;   /* the second half's state, kept from one resolve to
                             ** the next (its buffers), empty between them; or NULL */
  const kset *done_also;     /* (the twin: its partial's `done`, read only while both sweep) */
  kset carry;                /* wants of the first half with blocks past the middle ... */
  want *cw; int ncw, ccw;    /* ... in the order they came */
};

static void ring_free(struct went *ring);

mt_partial *mt_partial_new(const mt_filelist *files, const mt_opts *opts, const mt_index *ix){
  mt_partial *pt = calloc(1, sizeof(*pt));
  if( !pt ) return 0;
  pt->files = files; pt->opts = opts; pt->ix = ix;
  return pt;
}

void mt_partial_free(mt_partial *pt){
  if( !pt ) return;
  kset_clear(&pt->done); kset_clear(&pt->queued); kset_clear(&pt->selset);
  free(pt->q);
  free(pt->rec);
  while( pt->tb ){ struct tblk *n = pt->tb->next; free(pt->tb); pt->tb = n; }
  free(pt->need);
  free(pt->umask);
  ring_free(pt->ring);
  kset_clear(&pt->carry); free(pt->cw);
  mt_partial_free(pt->twin);
  free(pt);
}

int64_t mt_partial_lines(const mt_partial *pt){ return pt->nrec; }

static uint64_t ip_id(const char *ip){
  return mt_index_ip_key(ip, strlen(ip)) & ((UINT64_C(1)<<62)-1);
}

/* Resolved by an earlier resolve (a twin: its partial's). */
static int is_done(const mt_partial *pt, uint64_t k){
  return kset_has(&pt->done, k) || (pt->done_also && kset_has(pt->done_also, k));
}

static int push(mt_partial *pt, int what, uint64_t id){
  uint64_t k = want_key(what, id);
  int rc;
  if( is_done(pt, k) ) return 0;
  /* a full DCID covers its lines */
  if( what==MT_PW_DCID_LINES && (is_done(pt, want_key(MT_PW_DCID, id))
                                 || kset_has(&pt->queued, want_key(MT_PW_DCID, id))) ) return 0;
  rc = kset_add(&pt->queued, k);
  if( rc<=0 ) return rc;
  if( mt_grow_i(&pt->q, &pt->cq, pt->nq+1, sizeof(want)) ) return -1;
  pt->q[pt->nq].what = what;
  pt->q[pt->nq].id = id;
  pt->nq++;
  return 0;
}

/* Queue a want of this resolve again (for a next sweep). */
static int push_again(mt_partial *pt, const want *w){
  if( mt_grow_i(&pt->q, &pt->cq, pt->nq+1, sizeof(want)) ) return -1;
  pt->q[pt->nq++] = *w;
  return 0;
}

int mt_partial_want(mt_partial *pt, int what, int64_t id, const char *ip){
  if( what==MT_PW_IP ) return ip ? push(pt, what, ip_id(ip)) : 0;
  if( id<0 ) return 0;
  return push(pt, what, (uint64_t)id);
}

int mt_partial_complete(const mt_partial *pt, int what, int64_t id, const char *ip){
  if( what==MT_PW_IP ) return ip ? kset_has(&pt->done, want_key(what, ip_id(ip))) : 1;
  if( id<0 ) return 1;                        /* no such id: nothing to miss */
  if( what==MT_PW_DCID_LINES && kset_has(&pt->done, want_key(MT_PW_DCID, (uint64_t)id)) ) return 1;
  return kset_has(&pt->done, want_key(what, (uint64_t)id));
}

/* ---------------------------------------------------------------- sweep */

/* A want whose lines may lie in blocks the sweep had left behind when it
** came: the next sweep reads its blocks up to `upto`. */
typedef struct late { want w; uint32_t upto; } late;

/* One anchor of the current chunk (index.c's scan): an id candidate and the
** start of its line. */
typedef struct hit { uint64_t key; uint32_t at; } hit;

/* A chunk kept after it was read (the window behind the walk): its bytes,
** the number of the line before it, and its anchors.  A want that comes
** later with lines in it takes them from here instead of another read. */
typedef struct went {
  int file;
  int64_t off, lineno0;
  size_t len, cap;
  char *bytes;
  hit *hits; int nhit, chit;
  size_t hit_base;           /* (while scanning: where the part scanned starts) */
  uint32_t b0;               /* the index block of its first byte ... */
  uint64_t *sm; int nsm, csm;   /* ... and, per block from there, the units scanned */
  int with_ip;               /* anchors include client IPs */
  /* the walk's per-file state (scan.h) after the lines of the chunk were read */
  int tz_off, tz_from_header, fallback_year, file_host_len, opt_year, prev_mon;
} went;
/* Chunks kept (about 68 KiB each when reading blocks).  Each slot's buffer
** is new memory the first time it is filled, and new memory is what a
** short lookup in a new process pays most for (11 us a 4 KiB page on the
** bench machine: 64 slots were 1,500 of the 1,750 page faults and about a
** third of the time of a light question with index=DIR).  16 chunks read
** exactly the same bytes as 64 on the bench's busy and light senders, one
** file, 64 files and gzip (mailtrace_stats); 8 read 1.5 % more. */
#define MT_PT_WINDOW 16
#define MT_PT_SLOT (120*1024) /* a slot's buffer at least (partial.c chunk_entry) */

static void ring_free(went *ring){
  int i;
  if( !ring ) return;
  for(i=0; i<MT_PT_WINDOW; i++){ free(ring[i].bytes); free(ring[i].hits); free(ring[i].sm); }
  free(ring);
}

typedef struct sweep {
  mt_partial *pt;
  mt_scan s;
  kset keys;                 /* the filter: index keys (ixk) of the sweep's wants */
  int has_ip;                /* an IP is wanted: parse "New SMTP ICID" lines for it */
  unsigned char *need;       /* blocks to read (the partial's) ... */
  int64_t nlo, nhi;          /* ... all of them within [nlo, nhi] */
  uint64_t *umask;           /* per block: the units that hold lines of a want (index.h) ... */
  int64_t ulo, uhi;          /* ... all set within [ulo, uhi] */
  uint32_t nblock;
  int64_t cur;               /* block being read, -1 before the first */
  int64_t floor;             /* (a split) wants being started: their blocks before it are
                             ** another sweep's; -1 none */
  int64_t ceil;              /* (a split) blocks from it on are the twin's: a want with
                             ** lines there is carried (mt_partial.carry); INT64_MAX none */
  late *late; int nlate, clate;
  struct went *ring;         /* the chunks read last, oldest first from `first` */
  int first, nring;
  uint32_t *out; int nout, cout;
  kset fresh;                /* keys of the wants the current line brought */
  int oom;
} sweep;

/* The filter key of an index key (never 0). */
static uint64_t ixk(uint64_t key){ return key + 1 ? key + 1 : 1; }

static uint64_t index_key_of(const want *w){
  switch( w->what ){
    case MT_PW_ICID: return mt_index_key(MT_IX_ICID, (int64_t)w->id);
    case MT_PW_MID: return mt_index_key(MT_IX_MID, (int64_t)w->id);
    case MT_PW_IP: return ((uint64_t)MT_IX_IP << 62) | w->id;
    default: return mt_index_key(MT_IX_DCID, (int64_t)w->id);
  }
}

static void on_anchor(void *arg, int kind, uint64_t id, size_t line_start){
  went *e = arg;
  if( e->chit<0 ) return;                       /* out of memory already */
  if( mt_grow_i(&e->hits, &e->chit, e->nhit+1, sizeof(hit)) ){ e->chit = -1; return; }
  e->hits[e->nhit].key = ixk(((uint64_t)kind << 62) | id);
  e->hits[e->nhit].at = (uint32_t)(e->hit_base + line_start);
  e->nhit++;
}

static went *newest(sweep *w){
  return w->nring ? &w->ring[(w->first + w->nring - 1) % MT_PT_WINDOW] : 0;
}

/* Keep the walk's per-file state with the chunk it is reading. */
static void snapshot(sweep *w){
  went *e = newest(w);
  const mt_scan *s = &w->s;
  if( !e || e->file!=s->ifile ) return;
  e->tz_off = s->tz_off; e->tz_from_header = s->tz_from_header;
  e->fallback_year = s->fallback_year; e->file_host_len = s->file_host_len;
  e->opt_year = s->opt_year; e->prev_mon = s->prev_mon;
}

/* Hits [0, n0) and [n0, n) of e are each in line order: merge them. */
static int merge_hits(went *e, int n0){
  hit *t;
  int i = 0, j = n0, k = 0;
  if( n0==0 || n0==e->nhit || e->hits[n0-1].at <= e->hits[n0].at ) return 0;
  t = malloc(sizeof(hit)*(size_t)e->nhit);
  if( !t ) return -1;
  while( i<n0 && j<e->nhit ) t[k++] = e->hits[j].at < e->hits[i].at ? e->hits[j++] : e->hits[i++];
  while( i<n0 ) t[k++] = e->hits[i++];
  while( j<e->nhit ) t[k++] = e->hits[j++];
  free(e->hits);
  e->hits = t;
  e->chit = e->nhit;
  return 0;
}

/* Find the anchors of the lines of chunk e that start in a unit some want
** of the sweep has lines in (w->umask) and that were not looked at yet:
** of a busy sender's blocks only its units are scanned, not the whole
** block (the other lines name none of its ids: the index is a superset).
** Hits stay in line order.  0, or -1 when out of memory. */
static int ensure_units(sweep *w, went *e){
  int i, n0;
  if( e->with_ip!=w->has_ip ){                /* client IPs now wanted (or not): again */
    e->nhit = 0;
    if( e->nsm ) memset(e->sm, 0, sizeof(uint64_t)*(size_t)e->nsm);
    e->with_ip = w->has_ip;
  }
  n0 = e->nhit;
  for(i=0; i<e->nsm; i++){
    uint64_t todo = w->umask[e->b0 + (uint32_t)i] & ~e->sm[i];
    int64_t bs = ((e->off >> MT_IX_SHIFT) + i) << MT_IX_SHIFT;
    while( todo ){
      int u1 = __builtin_ctzll(todo), u2 = u1;
      int64_t a, z;
      const char *q;
      size_t ls, le;
      while( u2 + 1 < MT_IX_UNITS && (todo >> (u2 + 1) & 1) ) u2++;
      todo &= u2 + 1 < MT_IX_UNITS ? ~((((uint64_t)1 << (u2 + 1)) - 1)) : 0;
      a = bs + ((int64_t)u1 << MT_IX_USHIFT) - e->off;            /* chunk-relative */
      z = bs + ((int64_t)(u2 + 1) << MT_IX_USHIFT) - e->off;
      if( a < 0 ) a = 0;
      if( z > (int64_t)e->len ) z = (int64_t)e->len;
      if( a >= z ) continue;
      if( a==0 ) ls = 0;                      /* a chunk starts with a line */
      else{
        q = memchr(e->bytes + a - 1, '\n', e->len - (size_t)(a - 1));
        if( !q ) continue;
        ls = (size_t)(q - e->bytes) + 1;
      }
      if( (int64_t)ls >= z ) continue;        /* no line starts in these units */
      q = memchr(e->bytes + z - 1, '\n', e->len - (size_t)(z - 1));
      le = q ? (size_t)(q - e->bytes) + 1 : e->len;
      e->hit_base = ls;
      mt_index_extract2(e->bytes + ls, le - ls, on_anchor, e, !w->has_ip);
      if( e->chit<0 ) return -1;
    }
    e->sm[i] |= w->umask[e->b0 + (uint32_t)i];
  }
  return merge_hits(e, n0);
}

/* The window entry of the chunk [p, p+n) at `off` of the current file:
** found, or made (copied), with the anchors of the units wanted found
** (ensure_units).  NULL when out of memory. */
static went *chunk_entry(sweep *w, const char *p, size_t n, int64_t off){
  went *e = newest(w);
  const mt_scan *s = &w->s;
  if( e && e->file==s->ifile && e->off==off && e->len==n ){
    if( ensure_units(w, e)==0 ) return e;
    e->chit = 0; free(e->hits); e->hits = 0; e->nhit = 0; w->nring--;
    return 0;
  }else{
    int64_t k = 0;
    if( w->nring==MT_PT_WINDOW ){ w->first = (w->first + 1) % MT_PT_WINDOW; w->nring--; }
    e = &w->ring[(w->first + w->nring) % MT_PT_WINDOW];
    w->nring++;
    if( p==s->chunk && mt_scan_take_chunk(&w->s, &e->bytes, &e->cap)==0 ){
      /* the reader's buffer, taken whole: e->bytes is p, and the slot's
      ** old buffer is the reader's now (no copy) */
    }else if( e->bytes!=p ){      /* (a slot given up after an error may hold it already) */
      if( e->cap < n ){
        /* room for a block read (the reader's buffer: 1.5 x 68 KiB) so
        ** that the slot can be swapped later; below malloc's mapping size */
        size_t c = n < MT_PT_SLOT ? MT_PT_SLOT : n;
        char *nb = realloc(e->bytes, c);
        if( !nb ){ w->nring--; return 0; }
        e->bytes = nb; e->cap = c;
      }
      memcpy(e->bytes, p, n);
    }
    e->file = s->ifile; e->off = off; e->len = n;
    if( s->p > p ) k = mt_count_nl(p, (size_t)(s->p - p));
    e->lineno0 = s->lineno_at_p - k;
    snapshot(w);
  }
  e->nhit = 0;
  e->with_ip = w->has_ip;
  {
    uint32_t b1 = mt_index_block_of(w->pt->ix, e->file, off + (int64_t)(n ? n - 1 : 0));
    e->b0 = mt_index_block_of(w->pt->ix, e->file, off);
    e->nsm = (int)(b1 - e->b0 + 1);
    if( e->b0 + (uint32_t)e->nsm > w->nblock ) e->nsm = e->b0 < w->nblock ? (int)(w->nblock - e->b0) : 0;
    if( e->nsm > e->csm ){
      uint64_t *nm = realloc(e->sm, sizeof(uint64_t)*(size_t)e->nsm);
      if( !nm ){ w->nring--; return 0; }
      e->sm = nm; e->csm = e->nsm;
    }
    if( e->nsm ) memset(e->sm, 0, sizeof(uint64_t)*(size_t)e->nsm);
  }
  if( ensure_units(w, e) ){ e->chit = 0; free(e->hits); e->hits = 0; e->nhit = 0; w->nring--; return 0; }
  return e;
}

/* The walk's line filter: the lines from the walk's position on that name a
** key of the sweep.  The chunk's anchors are found once and kept, so a want
** added in the middle of a chunk costs a walk over them, not a new scan. */
static int sweep_lines(void *arg, const char *p, size_t n, int64_t off, const uint32_t **keep){
  sweep *w = arg;
  size_t from = (w->s.p > p && w->s.p <= p + n) ? (size_t)(w->s.p - p) : 0;
  went *e;
  int i;
  w->nout = 0;
  if( n > UINT32_MAX ) return -1;
  e = chunk_entry(w, p, n, off);
  if( !e ) return -1;                          /* out of memory: every line */
  for(i=0; i<e->nhit; i++){
    const hit *h = &e->hits[i];
    if( h->at < from || !kset_has(&w->keys, h->key) ) continue;
    if( w->nout>0 && w->out[w->nout-1]==h->at ) continue;      /* two ids, one line */
    if( mt_grow_i(&w->out, &w->cout, w->nout+1, sizeof(uint32_t)) ) return -1;
    w->out[w->nout++] = h->at;
  }
  *keep = w->out;
  return w->nout;
}

static int add_late(sweep *w, const want *x, uint32_t upto){
  if( mt_grow_i(&w->late, &w->clate, w->nlate+1, sizeof(late)) ) return -1;
  w->late[w->nlate].w = *x;
  w->late[w->nlate].upto = upto;
  w->nlate++;
  return 0;
}

static int take_current(sweep *w);

/* A want of the first half of a split with lines past the middle (once). */
static int carry(mt_partial *pt, const want *x){
  int rc = kset_add(&pt->carry, want_key(x->what, x->id));
  if( rc<=0 ) return rc;
  if( mt_grow_i(&pt->cw, &pt->ccw, pt->ncw+1, sizeof(want)) ) return -1;
  pt->cw[pt->ncw++] = *x;
  return 0;
}

/* Do the window's chunks cover [from, to) of file `file`? */
static int window_covers(sweep *w, int file, int64_t from, int64_t to){
  int i, k;
  for(i = 0; i < w->nring; i++){
    const went *e = &w->ring[(w->first + i) % MT_PT_WINDOW];
    int64_t pos;
    if( e->file!=file || e->off > from || from >= e->off + (int64_t)e->len ) continue;
    pos = e->off + (int64_t)e->len;
    for(k = i + 1; pos < to && k < w->nring; k++){
      const went *x = &w->ring[(w->first + k) % MT_PT_WINDOW];
      if( x->file!=file || x->off > pos ) break;
      if( x->off + (int64_t)x->len > pos ) pos = x->off + (int64_t)x->len;
    }
    return pos >= to;
  }
  return 0;
}

/* Take again, from the window, the lines of the older chunks that name a
** key in w->fresh: in the current file from `from` on (-1: none), in the
** other files when `others` (the walk's line is set to each in turn:
** mt_scan_replay, with the state of the chunk's file).  0, or -1 when out of
** memory. */
static int replay(sweep *w, int64_t from, int others){
  int i, j;
  mt_scan *s = &w->s;
  for(i = 0; i < w->nring - 1; i++){
    went *e = &w->ring[(w->first + i) % MT_PT_WINDOW];
    const char *c = e->bytes;
    int64_t lineno = e->lineno0;
    int other = e->file!=s->ifile, rc = 0;
    int ifile = s->ifile, tz_off = s->tz_off, tz_from_header = s->tz_from_header;
    int fallback_year = s->fallback_year, file_host_len = s->file_host_len;
    int opt_year = s->opt_year, prev_mon = s->prev_mon;
    if( other ? !others : (from<0 || e->off + (int64_t)e->len <= from) ) continue;
    if( ensure_units(w, e) ) return -1;      /* the units of the new wants */
    if( other ){
      s->ifile = e->file; s->tz_off = e->tz_off; s->tz_from_header = e->tz_from_header;
      s->fallback_year = e->fallback_year; s->file_host_len = e->file_host_len;
      s->opt_year = e->opt_year; s->prev_mon = e->prev_mon;
    }
    for(j=0; j<e->nhit; j++){
      const char *ls = e->bytes + e->hits[j].at, *le;
      /* (`from` is an offset of the current file: another file's chunk is replayed whole) */
      if( (!other && e->off + (int64_t)e->hits[j].at < from) || !kset_has(&w->fresh, e->hits[j].key) ) continue;
      if( c < ls ){ lineno += mt_count_nl(c, (size_t)(ls - c)); c = ls; }   /* (hits ascend) */
      le = memchr(ls, '\n', e->len - e->hits[j].at);
      if( !le ) le = e->bytes + e->len;
      if( le > ls && le[-1]=='\r' ) le--;
      mt_scan_replay(s, ls, (size_t)(le - ls), e->off + (int64_t)e->hits[j].at, lineno + 1);
      if( take_current(w)<0 ){ rc = -1; break; }
    }
    if( other ){
      s->ifile = ifile; s->tz_off = tz_off; s->tz_from_header = tz_from_header;
      s->fallback_year = fallback_year; s->file_host_len = file_host_len;
      s->opt_year = opt_year; s->prev_mon = prev_mon;
    }
    if( rc ) return -1;
  }
  return 0;
}

/* Start reading the wants queued since the last call: their keys join the
** filter and their blocks ahead join the sweep.  Their lines behind the
** walk are taken from memory: in the chunk being read by stepping the walk
** back, in the older chunks of the window by replaying them; blocks before
** the window go to the next sweep (`limit` >= 0: a next sweep's wants,
** read up to that block).  0, or -1 when out of memory. */
static int start_wants(sweep *w, int64_t limit){
  mt_partial *pt = w->pt;
  mt_scan *s = &w->s;
  int reading = w->cur>=0 && s->rd && s->chunk;
  int64_t replay_from = -1;
  int back = 0, others = 0;
  while( pt->nq>0 ){
    want *q = pt->q;
    int nq = pt->nq, i, j, rc = 0;
    pt->q = 0; pt->nq = pt->cq = 0;
    if( reading ) kset_clear(&w->fresh);
    replay_from = -1; others = 0;
    for(i=0; i<nq && rc==0; i++){
      uint64_t key = index_key_of(&q[i]);
      uint32_t *a = 0, upto = 0;
      uint64_t *um = 0;
      int n = 0, is_late = 0;
      if( kset_add(&w->keys, ixk(key))<0 ){ rc = -1; break; }
      if( q[i].what==MT_PW_IP ) w->has_ip = 1;
      if( mt_index_lookup_units(pt->ix, key, &a, &um, &n) ){ rc = -1; break; }
      for(j=0; j<n; j++){
        if( a[j] >= w->nblock ) continue;
        w->umask[a[j]] |= um[j];
        if( (int64_t)a[j] < w->ulo ) w->ulo = a[j];
        if( (int64_t)a[j] > w->uhi ) w->uhi = a[j];
      }
      free(um);
      for(j=0; j<n; j++){
        uint32_t b = a[j];
        mt_ix_block bl;
        if( limit>=0 && (int64_t)b > limit ) break;
        if( (int64_t)b < w->floor ) continue;
        if( (int64_t)b >= w->ceil ){                 /* (ascending: the rest too) */
          if( carry(pt, &q[i]) ) rc = -1;
          break;
        }
        if( (int64_t)b > w->cur ){
          w->need[b] = 1;
          if( (int64_t)b < w->nlo ) w->nlo = b;
          if( (int64_t)b > w->nhi ) w->nhi = b;
          continue;
        }
        mt_index_block(pt->ix, b, &bl);
        if( bl.empty ) continue;
        if( reading && bl.file==s->ifile && bl.end > s->chunk_off ) back = 1;
        if( reading && bl.file==s->ifile && bl.off >= s->chunk_off ) continue;
        if( reading && bl.file==s->ifile && window_covers(w, bl.file, bl.off, bl.end < s->chunk_off ? bl.end : s->chunk_off) ){
          if( replay_from<0 || bl.off < replay_from ) replay_from = bl.off;
          continue;
        }
        if( reading && bl.file!=s->ifile && window_covers(w, bl.file, bl.off, bl.end) ){ others = 1; continue; }
        is_late = 1; upto = b;          /* (ascending: the last such block) */
      }
      free(a);
      if( is_late && add_late(w, &q[i], upto) ) rc = -1;
      if( reading && rc==0 && kset_add(&w->fresh, ixk(key))<0 ) rc = -1;
    }
    free(q);
    if( rc ) return -1;
    /* (replaying may bring more wants: the loop takes them) */
    if( reading && (replay_from>=0 || others) && replay(w, replay_from, others) ) return -1;
    if( reading && back ){
      /* step back to the first line of the chunk before the position that
      ** names a new want; the filter then looks at the chunk again from there */
      went *e = newest(w);
      size_t pos = (size_t)(s->p - s->chunk);
      if( e && e->file==s->ifile && e->off==s->chunk_off ){
        if( ensure_units(w, e) ) return -1;
        for(i=0; i<e->nhit && e->hits[i].at < pos; i++){
          if( kset_has(&w->fresh, e->hits[i].key) ){
            const char *to = s->chunk + e->hits[i].at;
            if( to < s->p ) s->lineno_at_p -= mt_count_nl(to, (size_t)(s->p - to));
            s->p = to;
            s->run_from = 0;          /* (lines of earlier blocks in the chunk too) */
            break;
          }
        }
      }else if( s->p > s->chunk ){
        /* the chunk is not in the window (its filter ran out of memory and
        ** every line was parsed): walk it again from its first line; a
        ** line taken twice is kept once (selset) */
        s->lineno_at_p -= mt_count_nl(s->chunk, (size_t)(s->p - s->chunk));
        s->p = s->chunk;
        s->run_from = 0;
      }
    }
  }
  if( reading ) s->keep_chunk = 0;
  return 0;
}

/* What a parsed line says, for following links. */
static void line_of(const mt_scan *s, const mt_event *ev, pline *l){
  l->file = s->ifile;
  l->off = s->offset;
  l->kind = ev->kind;
  l->icid = ev->icid; l->mid = ev->mid; l->mid2 = ev->mid2; l->dcid = ev->dcid;
  l->ip = 0;
  if( ev->kind==MT_EV_ICID_NEW && mt_has(ev, MT_F_REMOTE_IP) ){
    l->ip = mt_index_ip_key(ev->f[MT_F_REMOTE_IP].p, (size_t)ev->f[MT_F_REMOTE_IP].n) & ((UINT64_C(1)<<62)-1);
  }
}

static int wanted(const mt_partial *pt, int what, int64_t id){
  return id>=0 && kset_has(&pt->queued, want_key(what, (uint64_t)id));
}

/* Does the line belong to a want of this resolve?  Then ask for what it
** leads to (an IP's connections, a connection's messages, a message's family
** and delivery connections, a delivery connection's messages).  1 selected,
** 0 not, -1 out of memory. */
static int take(mt_partial *pt, const pline *l){
  int sel = 0, rc = 0;
  if( wanted(pt, MT_PW_ICID, l->icid) ){
    sel = 1;
    if( l->mid>=0 ) rc |= push(pt, MT_PW_MID, (uint64_t)l->mid);
  }
  if( wanted(pt, MT_PW_MID, l->mid) || wanted(pt, MT_PW_MID, l->mid2) ){
    sel = 1;
    if( l->mid>=0 ) rc |= push(pt, MT_PW_MID, (uint64_t)l->mid);
    if( l->mid2>=0 ) rc |= push(pt, MT_PW_MID, (uint64_t)l->mid2);
    if( l->dcid>0 ) rc |= push(pt, MT_PW_DCID_LINES, (uint64_t)l->dcid);
  }
  if( wanted(pt, MT_PW_DCID, l->dcid) ){
    sel = 1;
    if( l->mid>=0 ) rc |= push(pt, MT_PW_MID, (uint64_t)l->mid);
    if( l->mid2>=0 ) rc |= push(pt, MT_PW_MID, (uint64_t)l->mid2);
  }else if( wanted(pt, MT_PW_DCID_LINES, l->dcid) && l->mid<0 && l->mid2<0 ){
    sel = 1;                /* the connection's own lines, not the other messages' it carried */
  }
  if( l->ip && l->icid>=0 && kset_has(&pt->queued, want_key(MT_PW_IP, l->ip)) ){
    sel = 1;
    rc |= push(pt, MT_PW_ICID, (uint64_t)l->icid);
  }
  return rc ? -1 : sel;
}

static const char *txt_add(mt_partial *pt, const char *p, size_t n, int *oom){
  tblk *b = pt->tb;
  char *at;
  if( !b || b->cap - b->used < n ){
    size_t cap = n > MT_PT_TEXT_BLOCK ? n : MT_PT_TEXT_BLOCK;
    if( cap > SIZE_MAX - sizeof(tblk) || !(b = malloc(sizeof(tblk) + cap)) ){ *oom = 1; return 0; }
    mt_advise_huge(b, sizeof(tblk) + cap);
    b->next = pt->tb; b->used = 0; b->cap = cap;
    pt->tb = b;
  }
  at = b->data + b->used;
  if( n ) memcpy(at, p, n);
  b->used += n;
  return at;
}

/* Keep the walk's current line (once). */
static int select_line(mt_partial *pt, const mt_scan *s){
  uint64_t k;
  int rc, oom = 0;
  rec *r;
  if( s->offset < 0 || (uint64_t)s->offset > SEL_OFF_MASK || s->ifile < 0 || s->ifile >= MT_MAX_FILES ) return -1;
  k = sel_pack(s->ifile, s->offset) + 1;
  rc = kset_add(&pt->selset, k);
  if( rc<=0 ) return rc;
  if( pt->nrec==pt->crec ){
    size_t cap = (size_t)pt->crec;
    if( mt_grow(&pt->rec, &cap, (size_t)pt->nrec + 1, sizeof(rec)) ) return -1;
    pt->crec = (int64_t)cap;
  }
  r = &pt->rec[pt->nrec];
  r->file = s->ifile;
  r->off = s->offset;
  r->lineno = s->lineno;
  r->t_local = s->t_local;
  r->t_utc = s->t_utc;
  r->has_time = s->has_time;
  r->body_len = (uint32_t)s->ln.body_len;
  r->body = txt_add(pt, s->ln.body, s->ln.body_len, &oom);
  r->host_len = s->host_len;
  if( !pt->host || pt->host_len!=s->host_len || memcmp(pt->host, s->host, (size_t)s->host_len) ){
    const char *h = txt_add(pt, s->host, (size_t)s->host_len, &oom);
    if( !oom ){ pt->host = h; pt->host_len = s->host_len; }
  }
  r->host = pt->host;
  if( oom ) return -1;
  if( pt->nrec>0 && (pt->rec[pt->nrec-1].file > r->file
                     || (pt->rec[pt->nrec-1].file==r->file && pt->rec[pt->nrec-1].off > r->off)) ) pt->sorted = 0;
  if( pt->nrec==0 ) pt->sorted = 1;
  pt->nrec++;
  return 0;
}

/* The walk's current line: parse it, select it if it belongs to a want,
** queue what it leads to.  0, or -1 when out of memory. */
static int take_current(sweep *w){
  mt_event ev;
  pline l;
  int t;
  if( w->s.ln.form==MT_FORM_NONE ) return 0;
  t = mt_line_event(&w->s.ln, w->s.file_type, &ev);
  if( !mt_logtype_is_mail(t) && !(t==MT_LOG_CEF && ev.kind==MT_EV_CEF_MESSAGE) ) return 0;   /* other logs make no entities
                                            ** (logtype.h), but the Consolidated Event Log does (cef_store.c) */
  if( ev.icid<0 && ev.mid<0 && ev.mid2<0 && ev.dcid<0 ) return 0;
  line_of(&w->s, &ev, &l);
  t = take(w->pt, &l);
  if( t<0 || (t==1 && select_line(w->pt, &w->s)) ) return -1;
  return 0;
}

/* What stopped the walk (its message is w->s.err). */
static mt_rc scan_rc(const mt_scan *s){
  return s->interrupted ? MT_INTERRUPTED : s->rc!=MT_OK ? s->rc : MT_IO;
}

/* One sweep over the blocks marked in w->need.  MT_OK, or what stopped it
** (MT_INTERRUPTED, MT_NOMEM, or the walk's code with w->s.err). */
static mt_rc sweep_once(sweep *w, int (*should_stop)(void*), void *stop_arg){
  mt_partial *pt = w->pt;
  int64_t b;
  mt_rc rc = MT_OK;
  /* (blocks ahead join the sweep as it goes: nhi may grow) */
  for(b = w->nlo; b <= w->nhi && rc==MT_OK; b++){
    mt_run sp;
    if( !w->need[b] ) continue;
    w->need[b] = 0;
    if( should_stop && should_stop(stop_arg) ){ rc = MT_INTERRUPTED; break; }
    w->cur = b;
    if( mt_index_run(pt->ix, (uint32_t)b, &sp) ) continue;     /* no line starts in it */
    if( mt_scan_goto(&w->s, &sp) ){ rc = scan_rc(&w->s); break; }
    while( rc==MT_OK ){
      int t = mt_scan_next(&w->s);
      if( t<0 ){ rc = scan_rc(&w->s); break; }
      if( t==0 ) break;
      snapshot(w);
      if( take_current(w) ) rc = MT_NOMEM;
      else if( pt->nq>0 && start_wants(w, -1) ) rc = MT_NOMEM;
    }
  }
  if( rc==MT_OK ){ w->nlo = w->nblock; w->nhi = -1; }      /* every mark was taken */
  w->cur = -1;
  return rc;
}

/* Make ready a sweep of pt's queued wants: the walk, and the partial's marks
** and window (kept from one resolve to the next).  0, or -1 when out of
** memory (w->need NULL then). */
static int sweep_open(sweep *w, mt_partial *pt, int (*should_stop)(void*), void *stop_arg){
  memset(w, 0, sizeof(*w));
  w->pt = pt;
  w->cur = -1;
  w->floor = -1;
  w->ceil = INT64_MAX;
  w->nblock = mt_index_nblock(pt->ix);
  w->nlo = w->ulo = w->nblock; w->nhi = w->uhi = -1;
  mt_scan_init(&w->s, pt->files, pt->opts);
  w->s.should_stop = should_stop;
  w->s.stop_arg = stop_arg;
  w->s.keep_lines = sweep_lines;
  w->s.keep_arg = w;
  w->s.tz_at = mt_index_tz_at;                /* header lines among the skipped ones */
  w->s.tz_arg = (void*)pt->ix;
  if( pt->nalloc < w->nblock || !pt->need ){
    free(pt->need); free(pt->umask);
    pt->need = calloc(w->nblock ? w->nblock : 1, 1);
    pt->umask = calloc(w->nblock ? w->nblock : 1, sizeof(uint64_t));
    pt->nalloc = pt->need && pt->umask ? w->nblock : 0;
  }
  if( !pt->ring ) pt->ring = calloc(MT_PT_WINDOW, sizeof(went));
  w->ring = pt->ring;              /* (its entries are made again as chunks are read) */
  if( pt->nalloc < w->nblock || !w->ring ) return -1;
  w->need = pt->need;
  w->umask = pt->umask;
  return 0;
}

/* Sweep the marked blocks, then the blocks behind of the wants that came
** too late, until none is left.  MT_OK or what stopped it. */
static mt_rc sweep_rounds(sweep *w, int (*should_stop)(void*), void *stop_arg){
  mt_partial *pt = w->pt;
  mt_rc rc = MT_OK;
  while( rc==MT_OK ){
    rc = sweep_once(w, should_stop, stop_arg);
    if( rc!=MT_OK || w->nlate==0 ) break;
    {
      /* the next sweep: the wants that came too late, over their blocks behind */
      late *lt = w->late;
      int nl = w->nlate, i;
      w->late = 0; w->nlate = w->clate = 0;
      kset_clear(&w->keys);
      w->has_ip = 0;
      w->nring = 0;
      w->s.keep_chunk = 0;
      for(i=0; i<nl && rc==MT_OK; i++){
        if( push_again(pt, &lt[i].w) || start_wants(w, lt[i].upto) ) rc = MT_NOMEM;
      }
      free(lt);
    }
  }
  return rc;
}

/* What was read into *stats; the marks cleared for the next resolve; the
** walk closed. */
static void sweep_close(sweep *w, mt_stats *stats){
  if( stats ){
    stats->files_opened += w->s.stats.files_opened;
    stats->bytes_read += w->s.stats.bytes_read;
    stats->lines_parsed += w->s.stats.lines_parsed;
    stats->lines_skipped += w->s.stats.lines_skipped;
    stats->index_blocks += w->s.stats.index_blocks;
  }
  mt_scan_end(&w->s);
  if( w->need && w->nhi >= w->nlo ) memset(w->need + w->nlo, 0, (size_t)(w->nhi - w->nlo + 1));
  if( w->umask && w->uhi >= w->ulo ) memset(w->umask + w->ulo, 0, sizeof(uint64_t)*(size_t)(w->uhi - w->ulo + 1));
  free(w->late); free(w->out);
  w->late = 0; w->out = 0;
  kset_clear(&w->keys); kset_clear(&w->fresh);
}

/* ---------------------------------------------------------------- split */

/* Marked blocks from which a sweep is split in two (4 MiB of reading:
** below, a thread costs more than it saves); MAILTRACE_SWEEP_SPLIT=N
** (blocks) changes it, 0 never splits. */
#define MT_PT_SPLIT_MIN 64

/* The first block of the second half, or -1: do not split (too few blocks
** to read, one CPU, MAILTRACE_THREADS=1).  The halves have as many marked
** blocks each. */
static int64_t split_point(const sweep *w){
  const char *e = getenv("MAILTRACE_SWEEP_SPLIT");
  long min = e && *e ? strtol(e, 0, 10) : MT_PT_SPLIT_MIN;
  int64_t b, n = 0, k = 0;
  if( min <= 0 || mt_threads_allowed() < 2 || !w->need ) return -1;
  for(b = w->nlo; b <= w->nhi; b++) n += w->need[b];
  if( n < 2 || n < min ) return -1;
  for(b = w->nlo; b <= w->nhi; b++){
    k += w->need[b];
    if( 2*k >= n ) break;
  }
  /* the second half starts after the middle mark */
  for(b++; b <= w->nhi && !w->need[b]; b++){}
  return b <= w->nhi ? b : -1;
}

/* The twin's sweep, on its own thread. */
typedef struct twin_job {
  sweep w;
  int64_t mid;
  mt_rc rc;
  int stop;                  /* the calling thread says stop (__atomic) */
  int finished;              /* the twin is done (__atomic) */
  int (*should_stop)(void*); /* the calling thread's question ... */
  void *stop_arg;            /* ... which only it asks (it may call SQLite) */
} twin_job;

static int twin_stop(void *arg){ return __atomic_load_n(&((twin_job*)arg)->stop, __ATOMIC_RELAXED); }

/* The calling thread's stop question while the twin runs: it tells the twin. */
static int main_stop(void *arg){
  twin_job *j = arg;
  if( j->should_stop && j->should_stop(j->stop_arg) ) __atomic_store_n(&j->stop, 1, __ATOMIC_RELAXED);
  return __atomic_load_n(&j->stop, __ATOMIC_RELAXED);
}

static void *twin_main(void *arg){
  twin_job *j = arg;
  /* the wants asked, from the middle on (the first half reads them before
  ** it); what they lead to, everywhere */
  j->w.floor = j->mid;
  j->rc = start_wants(&j->w, -1) ? MT_NOMEM : MT_OK;
  j->w.floor = -1;
  if( j->rc==MT_OK ) j->rc = sweep_rounds(&j->w, twin_stop, j);
  __atomic_store_n(&j->finished, 1, __ATOMIC_RELEASE);
  return 0;
}

/* Start the twin on the wants of this resolve (`init`, as they were asked)
** from block `mid` on.  0 started, -1 not (out of memory, no thread: the
** calling thread then sweeps alone). */
static int twin_start(mt_partial *pt, const want *init, int ninit, int64_t mid, twin_job *j, pthread_t *th){
  mt_partial *tw = pt->twin;
  int i;
  if( !tw && !(tw = pt->twin = mt_partial_new(pt->files, pt->opts, pt->ix)) ) return -1;
  tw->done_also = &pt->done;
  for(i=0; i<ninit; i++){
    if( push(tw, init[i].what, init[i].id) ) goto fail;
  }
  memset(j, 0, sizeof(*j));
  if( sweep_open(&j->w, tw, twin_stop, j) ){ sweep_close(&j->w, 0); goto fail; }
  j->mid = mid;
  if( pthread_create(th, 0, twin_main, j) ){ sweep_close(&j->w, 0); goto fail; }
  return 0;
fail:
  free(tw->q); tw->q = 0; tw->nq = tw->cq = 0;
  kset_clear(&tw->queued);
  return -1;
}

/* Wait for the twin, asking the calling thread's stop question meanwhile. */
static void twin_wait(twin_job *j, pthread_t th){
  while( !__atomic_load_n(&j->finished, __ATOMIC_ACQUIRE) ){
    struct timespec ts = { 0, 1000000 };
    main_stop(j);
    nanosleep(&ts, 0);
  }
  pthread_join(th, 0);
}

/* The twin's lines and wants join the partial's; the twin is emptied (its
** buffers kept).  The carried wants it did not resolve are queued again
** for the blocks past the middle.  0, or -1 when out of memory. */
static int twin_merge(mt_partial *pt){
  mt_partial *tw = pt->twin;
  int64_t i;
  int rc = 0;
  size_t k;
  if( tw->nrec > 0 && pt->nrec + tw->nrec > pt->crec ){
    /* room for all of them at once (not a doubling: the records of a busy
    ** sender are megabytes) */
    rec *nr = realloc(pt->rec, sizeof(rec)*(size_t)(pt->nrec + tw->nrec));
    if( !nr ) rc = -1;
    else{ pt->rec = nr; pt->crec = pt->nrec + tw->nrec; }
  }
  for(i=0; i<tw->nrec && rc==0; i++){
    const rec *r = &tw->rec[i];
    int added = kset_add(&pt->selset, sel_pack(r->file, r->off) + 1);
    if( added<0 ) rc = -1;
    else if( added ){
      pt->rec[pt->nrec++] = *r;
      pt->sorted = 0;
    }
  }
  if( tw->tb ){
    /* the twin's text blocks hold what its records point to: the partial's now */
    tblk *last = tw->tb;
    while( last->next ) last = last->next;
    last->next = pt->tb;
    pt->tb = tw->tb;
    tw->tb = 0;
  }
  for(i=0; i<pt->ncw && rc==0; i++){
    if( !kset_has(&tw->queued, want_key(pt->cw[i].what, pt->cw[i].id)) && push_again(pt, &pt->cw[i]) ) rc = -1;
  }
  for(k=0; k<tw->queued.cap && rc==0; k++){
    if( tw->queued.slot[k].val!=MT_HMAP_NONE && kset_add(&pt->queued, tw->queued.slot[k].key)<0 ) rc = -1;
  }
  /* (the twin keeps its window and marks, not its records: they are the partial's now) */
  free(tw->rec); tw->rec = 0; tw->nrec = tw->crec = 0;
  tw->host = 0; tw->sorted = 0;
  kset_clear(&tw->selset); kset_clear(&tw->queued);
  free(tw->q); tw->q = 0; tw->nq = tw->cq = 0;
  tw->done_also = 0;
  return rc;
}

/* -------------------------------------------------------------- resolve */

mt_rc mt_partial_resolve(mt_partial *pt, mt_stats *stats, int *pGrew, char **pzErr,
                         int (*should_stop)(void*), void *stop_arg){
  sweep w;
  twin_job tj;
  pthread_t th;
  int split = 0;
  int64_t before = pt->nrec, mid = -1;
  want *init = 0;
  int ninit = pt->nq;
  mt_rc rc = MT_OK;
  char *werr = 0;            /* the walk's message when the walk stopped it */
  *pzErr = 0;
  if( pGrew ) *pGrew = 0;
  if( pt->nq==0 ){                /* nothing asked that is not resolved */
    if( stats ) stats->index_hits += 1;
    return MT_OK;
  }
  if( sweep_open(&w, pt, should_stop, stop_arg) ) rc = MT_NOMEM;
  else{
    /* (the wants as asked, for a twin: starting them empties the queue) */
    if( !(init = malloc(sizeof(want)*(size_t)pt->nq)) ) rc = MT_NOMEM;
    else memcpy(init, pt->q, sizeof(want)*(size_t)pt->nq);
    if( rc==MT_OK && start_wants(&w, -1) ) rc = MT_NOMEM;
    if( rc==MT_OK && (mid = split_point(&w)) > 0 && twin_start(pt, init, ninit, mid, &tj, &th)==0 ){
      int64_t b;
      split = 1;
      for(b = mid; b <= w.nhi; b++) w.need[b] = 0;
      if( w.nhi >= mid ) w.nhi = mid - 1;
      w.ceil = mid;
      tj.should_stop = should_stop; tj.stop_arg = stop_arg;
      w.s.should_stop = main_stop; w.s.stop_arg = &tj;
    }
  }
  if( rc==MT_OK ) rc = split ? sweep_rounds(&w, main_stop, &tj) : sweep_rounds(&w, should_stop, stop_arg);
  if( rc!=MT_OK && rc!=MT_NOMEM && rc!=MT_INTERRUPTED && w.s.err ) werr = strdup(w.s.err);
  if( split ){
    if( rc!=MT_OK ) __atomic_store_n(&tj.stop, 1, __ATOMIC_RELAXED);
    twin_wait(&tj, th);
    if( rc==MT_OK && tj.rc!=MT_OK ){
      rc = tj.rc;
      if( rc!=MT_NOMEM && rc!=MT_INTERRUPTED && tj.w.s.err ) werr = strdup(tj.w.s.err);
    }
    sweep_close(&tj.w, stats);
    /* the first half's wants past the middle that the twin did not resolve */
    if( rc==MT_OK && twin_merge(pt) ) rc = MT_NOMEM;
    if( rc!=MT_OK ) twin_merge(pt);           /* (emptied all the same; nothing kept of it) */
    kset_clear(&pt->carry); pt->ncw = 0;
    w.ceil = INT64_MAX;
    w.s.should_stop = should_stop; w.s.stop_arg = stop_arg;
    if( rc==MT_OK && pt->nq>0 ){
      w.floor = mid;
      if( start_wants(&w, -1) ) rc = MT_NOMEM;
      w.floor = -1;
      if( rc==MT_OK ) rc = sweep_rounds(&w, should_stop, stop_arg);
      if( rc!=MT_OK && rc!=MT_NOMEM && rc!=MT_INTERRUPTED && w.s.err && !werr ) werr = strdup(w.s.err);
    }
  }
  free(init);
  if( stats ){ stats->index_hits += 1; stats->index_split += split; }
  if( rc!=MT_OK ){
    /* the walk's message names the file and line or byte; the others are the code's */
    *pzErr = werr ? werr : strdup(mt_rc_name(rc));
    werr = 0;
  }
  free(werr);
  sweep_close(&w, stats);
  /* (the window's buffers and the marks stay with the partial, cleared for the next resolve) */
  if( rc==MT_OK ){
    /* every want of this resolve is now complete */
    size_t i;
    for(i=0; i<pt->queued.cap && rc==MT_OK; i++){
      if( pt->queued.slot[i].val!=MT_HMAP_NONE && kset_add(&pt->done, pt->queued.slot[i].key)<0 ){
        rc = MT_NOMEM; *pzErr = strdup(mt_rc_name(rc));
      }
    }
  }
  free(pt->q); pt->q = 0; pt->nq = pt->cq = 0;
  kset_clear(&pt->queued);
  if( rc!=MT_OK ) return rc;      /* what was asked stays unresolved: ask again next time */
  if( pGrew ) *pGrew = pt->nrec > before;
  return MT_OK;
}

/* A record's place in the log, and where it is in pt->rec. */
typedef struct rkey { uint64_t k; int64_t i; } rkey;

static int cmp_rkey(const void *a, const void *b){
  const rkey *x = a, *y = b;
  return x->k < y->k ? -1 : x->k > y->k;
}

/* Put the records in log order.  The keys (16 bytes) are sorted, not the
** records (64), which are then moved into place along the cycles of the
** permutation: a busy sender's 200,000 records sorted whole were a quarter
** of building its store.  0, or -1 when out of memory (nothing moved). */
static int sort_recs(mt_partial *pt){
  int64_t n = pt->nrec, s, j;
  rkey *key = malloc(sizeof(rkey)*(size_t)n);
  if( !key ) return -1;
  for(j=0; j<n; j++){ key[j].k = sel_pack(pt->rec[j].file, pt->rec[j].off); key[j].i = j; }
  qsort(key, (size_t)n, sizeof(rkey), cmp_rkey);
  /* position j takes the record at key[j].i; a done position gets i = -1 */
  for(s=0; s<n; s++){
    rec tmp;
    if( key[s].i<0 ) continue;
    if( key[s].i==s ){ key[s].i = -1; continue; }
    tmp = pt->rec[s];
    for(j=s;;){
      int64_t from = key[j].i;
      key[j].i = -1;
      if( from==s ){ pt->rec[j] = tmp; break; }
      pt->rec[j] = pt->rec[from];
      j = from;
    }
  }
  free(key);
  return 0;
}

mt_rc mt_partial_store(mt_partial *pt, mt_stats *stats, mt_store **pst, char **pzErr){
  mt_store *st = mt_store_open(pt->files, 0);
  mt_scan s;
  int64_t i;
  (void)stats;                 /* nothing is read: the lines were kept */
  *pzErr = 0;
  *pst = 0;
  if( !st ){ *pzErr = strdup(mt_rc_name(MT_NOMEM)); return MT_NOMEM; }
  mt_store_reserve_lines(st, pt->nrec);
  if( !pt->sorted && pt->nrec>1 && sort_recs(pt) ){
    mt_store_free(st);
    *pzErr = strdup(mt_rc_name(MT_NOMEM));
    return MT_NOMEM;
  }
  pt->sorted = 1;
  /* Feed the kept lines in log order, each with its context, as the walk would. */
  memset(&s, 0, sizeof(s));
  s.files = pt->files;
  s.opts = pt->opts;
  s.ln.form = MT_FORM_FILE;
  for(i=0; i<pt->nrec; i++){
    const rec *r = &pt->rec[i];
    mt_event ev;
    s.ifile = r->file;
    s.offset = r->off;
    s.lineno = r->lineno;
    s.t_local = r->t_local;
    s.t_utc = r->t_utc;
    s.has_time = r->has_time;
    s.host = r->host;
    s.host_len = r->host_len;
    s.ln.body = r->body;
    s.ln.body_len = r->body_len;
    s.line = s.ln.body;
    s.len = s.ln.body_len;
    /* a selected line is a mail_logs line or a CEF line (take_current) */
    if( s.ln.body_len > 4 && memcmp(s.ln.body, "CEF:", 4)==0 ) mt_line_event(&s.ln, MT_LOG_CEF, &ev);
    else mt_event_parse(s.ln.body, s.ln.body_len, &ev);
    if( mt_event_overflow(&ev) ){              /* as the whole-log build: never merged */
      char why[160];
      snprintf(why, sizeof(why), "a %s with more digits than a 64-bit id holds (a damaged line?): "
               "not used (on_error=skip goes on without it)", mt_event_overflow(&ev));
      if( mt_scan_line_error(&s, why) ) break;
      continue;
    }
    if( mt_store_add(st, &s, &ev) ){ free(s.err); s.err = 0; s.rc = MT_NOMEM; break; }
  }
  if( i<pt->nrec || mt_store_finish(st) ){
    mt_rc rc = i<pt->nrec && s.err && s.rc!=MT_OK ? s.rc : MT_NOMEM;   /* a line's error, or no memory */
    *pzErr = strdup(rc!=MT_NOMEM ? s.err : mt_rc_name(rc));
    mt_scan_end(&s);
    mt_store_free(st);
    return rc;
  }
  mt_scan_end(&s);           /* (no file open: frees what an error left) */
  *pst = st;
  return MT_OK;
}
