/*
** partial.c — index → a store for some ids (see partial.h).
**
** Resolving works in rounds: the blocks of every id asked for in the round
** are read, and of each block only the lines that name one of those ids
** are parsed (the anchor scan of index.c over the chunk picks them: a line
** filter of the walk, mt_scan.keep_lines); those lines are selected, and the
** ids they lead to are asked for in the next round, until nothing new
** comes.  The store is then built from the selected lines, read again in log
** order (only they are parsed) with the scan state the index recorded for
** their block.
*/
#include "partial.h"
#include "wraps.h"
#include "logtype.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a selected candidate line says, enough to follow links. */
typedef struct pline {
  int file;
  int64_t off;
  int32_t kind;
  int64_t icid, mid, mid2, dcid;
  uint64_t ip;               /* index key of the client IP of an ICID line, or 0 */
} pline;

/* A set of 64-bit keys (open addressing; key 0 is never stored: keys are
** made non-zero by the callers). */
typedef struct kset { uint64_t *k; size_t cap, n; } kset;

MT_WRAPS static uint64_t kmix(uint64_t k){ k ^= k >> 33; k *= UINT64_C(0xff51afd7ed558ccd); k ^= k >> 33; return k; }

static int kset_has(const kset *s, uint64_t k){
  size_t h;
  if( !s->cap ) return 0;
  for(h = kmix(k) & (s->cap-1); s->k[h]; h = (h+1) & (s->cap-1)) if( s->k[h]==k ) return 1;
  return 0;
}

/* 1 added, 0 present, -1 out of memory. */
static int kset_add(kset *s, uint64_t k){
  size_t h;
  if( (s->n+1)*2 > s->cap ){
    size_t nc = s->cap ? s->cap*2 : 256, i;
    uint64_t *nk = calloc(nc, sizeof(uint64_t));
    if( !nk ) return -1;
    for(i=0; i<s->cap; i++){
      if( s->k[i] ){
        size_t j = kmix(s->k[i]) & (nc-1);
        while( nk[j] ) j = (j+1) & (nc-1);
        nk[j] = s->k[i];
      }
    }
    free(s->k); s->k = nk; s->cap = nc;
  }
  for(h = kmix(k) & (s->cap-1); s->k[h]; h = (h+1) & (s->cap-1)) if( s->k[h]==k ) return 0;
  s->k[h] = k;
  s->n++;
  return 1;
}

static void kset_clear(kset *s){ free(s->k); memset(s, 0, sizeof(*s)); }

/* A want: (what, id) packed; the IP's id is its index key's low bits. */
static uint64_t want_key(int what, uint64_t id){ return ((id & ((UINT64_C(1)<<60)-1)) << 3 | (uint64_t)what) + 1; }

typedef struct want { int what; uint64_t id; } want;

/* A selected line as one integer, ordered like the log: the file number in
** the high SEL_FILE_BITS bits, the offset below.  Every file a list may
** hold (MT_MAX_FILES) has its own number, and an offset is below 2^47
** (128 TiB of one file's text), which select_line checks. */
#define SEL_OFF_BITS 47
#define SEL_OFF_MASK ((UINT64_C(1) << SEL_OFF_BITS) - 1)
_Static_assert(MT_MAX_FILES < (1 << (64 - SEL_OFF_BITS)), "file numbers must fit the packing");
static inline uint64_t sel_pack(int file, int64_t off){ return ((uint64_t)file << SEL_OFF_BITS) | (uint64_t)off; }
static inline int sel_file(uint64_t k){ return (int)(k >> SEL_OFF_BITS); }
static inline int64_t sel_off(uint64_t k){ return (int64_t)(k & SEL_OFF_MASK); }

struct mt_partial {
  const mt_filelist *files;
  const mt_opts *opts;
  const mt_index *ix;
  kset done;                 /* wants resolved (want_key) */
  kset queued;               /* wants asked for, not yet resolved */
  want *q; int nq, cq;
  kset selset;               /* selected lines: sel_pack(file, offset) + 1 */
  uint64_t *sel; int64_t nsel, csel;
};

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
  free(pt->sel);
  free(pt);
}

int64_t mt_partial_lines(const mt_partial *pt){ return pt->nsel; }

static uint64_t ip_id(const char *ip){
  return mt_index_ip_key(ip, strlen(ip)) & ((UINT64_C(1)<<62)-1);
}

static int push(mt_partial *pt, int what, uint64_t id){
  uint64_t k = want_key(what, id);
  int rc;
  if( kset_has(&pt->done, k) ) return 0;
  /* a full DCID covers its lines */
  if( what==MT_PW_DCID_LINES && kset_has(&pt->done, want_key(MT_PW_DCID, id)) ) return 0;
  rc = kset_add(&pt->queued, k);
  if( rc<=0 ) return rc;
  if( pt->nq==pt->cq ){
    int nc = pt->cq ? pt->cq*2 : 64;
    want *nw = realloc(pt->q, sizeof(want)*(size_t)nc);
    if( !nw ) return -1;
    pt->q = nw; pt->cq = nc;
  }
  pt->q[pt->nq].what = what;
  pt->q[pt->nq].id = id;
  pt->nq++;
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

/* ---------------------------------------------------------- block reading */

/* The line filter of the store build: the selected lines' offsets. (The
** rounds of resolve filter by ids: mt_ix_filter, index.c.) */
typedef struct filter {
  const uint64_t *offs; int64_t noffs;   /* selected lines, sel_pack(file, off), sorted */
  int file;                  /* the file being read */
  uint32_t *out; int nout, cout;
  int oom;
} filter;

static void keep(filter *f, size_t at){
  if( f->nout==f->cout ){
    int nc = f->cout ? f->cout*2 : 256;
    uint32_t *no = realloc(f->out, sizeof(uint32_t)*(size_t)nc);
    if( !no ){ f->oom = 1; return; }
    f->out = no; f->cout = nc;
  }
  f->out[f->nout++] = (uint32_t)at;
}

static int keep_lines(void *arg, const char *p, size_t n, int64_t off, const uint32_t **pk){
  filter *f = arg;
  uint64_t lo = sel_pack(f->file, off);
  int64_t a = 0, b = f->noffs;
  (void)p;
  f->nout = 0;
  if( n > UINT32_MAX ) return -1;              /* a 4 GiB chunk: parse it all */
  while( a < b ){ int64_t m = (a+b)/2; if( f->offs[m] < lo ) a = m + 1; else b = m; }
  for(; a < f->noffs && f->offs[a] < lo + n; a++) keep(f, (size_t)(f->offs[a] - lo));
  if( f->oom ){ f->oom = 0; return -1; }       /* out of memory: parse every line */
  *pk = f->out;
  return f->nout;
}

typedef struct reader {
  mt_scan s;
  int64_t blocks;            /* blocks read */
} reader;

static int cmp_u32(const void *a, const void *b){
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x<y ? -1 : x>y;
}

/* Position the scan at block b (mt_index_goto), counting block reads. */
static int goto_block(reader *r, const mt_index *ix, uint32_t b, mt_ix_block *bl){
  int rc = mt_index_goto(ix, &r->s, b, bl);
  if( rc==0 ) r->blocks++;
  return rc;
}

/* Next line of the block (skipping lines before it in a gzip file): 1, 0
** at its end, -1 on error. */
static int block_line(reader *r, const mt_ix_block *bl){
  int rc;
  while( (rc = mt_scan_next(&r->s))==1 ){
    if( r->s.offset >= bl->off ) return 1;
  }
  return rc;
}

/* Read block b: its candidate lines (the filter's) parsed into *lines. */
static int read_block(reader *r, const mt_index *ix, uint32_t b, pline **lines, int *n, int *cap){
  mt_ix_block bl;
  int rc = goto_block(r, ix, b, &bl);
  if( rc<0 ) return -1;
  if( rc==1 ) return 0;
  while( (rc = block_line(r, &bl))==1 ){
    mt_event ev;
    pline *l;
    if( r->s.ln.form==MT_FORM_NONE ) continue;
    if( !mt_logtype_is_mail(mt_line_event(&r->s.ln, r->s.file_type, &ev)) ) continue;
    if( ev.icid<0 && ev.mid<0 && ev.mid2<0 && ev.dcid<0 ) continue;
    if( *n==*cap ){
      int nc = *cap ? *cap*2 : 256;
      pline *nl = realloc(*lines, sizeof(pline)*(size_t)nc);
      if( !nl ) return -2;
      *lines = nl; *cap = nc;
    }
    l = &(*lines)[(*n)++];
    l->file = bl.file;
    l->off = r->s.offset;
    l->kind = ev.kind;
    l->icid = ev.icid; l->mid = ev.mid; l->mid2 = ev.mid2; l->dcid = ev.dcid;
    l->ip = 0;
    if( ev.kind==MT_EV_ICID_NEW && mt_has(&ev, MT_F_REMOTE_IP) ){
      l->ip = mt_index_ip_key(ev.f[MT_F_REMOTE_IP].p, (size_t)ev.f[MT_F_REMOTE_IP].n) & ((UINT64_C(1)<<62)-1);
    }
  }
  return rc<0 ? -1 : 0;
}

static int select_line(mt_partial *pt, int file, int64_t off){
  uint64_t k;
  int rc;
  if( off < 0 || (uint64_t)off > SEL_OFF_MASK || file < 0 || file >= MT_MAX_FILES ) return -1;
  k = sel_pack(file, off) + 1;
  rc = kset_add(&pt->selset, k);
  if( rc<=0 ) return rc;
  if( pt->nsel==pt->csel ){
    int64_t nc = pt->csel ? pt->csel*2 : 256;
    uint64_t *ns = realloc(pt->sel, sizeof(uint64_t)*(size_t)nc);
    if( !ns ) return -1;
    pt->sel = ns; pt->csel = nc;
  }
  pt->sel[pt->nsel++] = k - 1;
  return 0;
}

/* The round's lines of one want: select them, ask for what they lead to. */
static int follow(mt_partial *pt, const want *w, const pline *lines, int nline){
  int i;
  for(i=0; i<nline; i++){
    const pline *l = &lines[i];
    int hit = 0, rc = 0;
    switch( w->what ){
      case MT_PW_ICID:
        if( l->icid>=0 && (uint64_t)l->icid==w->id ){
          hit = 1;
          if( l->mid>=0 ) rc = push(pt, MT_PW_MID, (uint64_t)l->mid);
        }
        break;
      case MT_PW_MID:
        if( (l->mid>=0 && (uint64_t)l->mid==w->id) || (l->mid2>=0 && (uint64_t)l->mid2==w->id) ){
          hit = 1;
          if( l->mid>=0 && (uint64_t)l->mid!=w->id ) rc = push(pt, MT_PW_MID, (uint64_t)l->mid);
          if( !rc && l->mid2>=0 && (uint64_t)l->mid2!=w->id ) rc = push(pt, MT_PW_MID, (uint64_t)l->mid2);
          if( !rc && l->dcid>0 ) rc = push(pt, MT_PW_DCID_LINES, (uint64_t)l->dcid);
        }
        break;
      case MT_PW_DCID:
      case MT_PW_DCID_LINES:
        if( l->dcid>=0 && (uint64_t)l->dcid==w->id ){
          hit = 1;
          if( w->what==MT_PW_DCID ){
            if( l->mid>=0 ) rc = push(pt, MT_PW_MID, (uint64_t)l->mid);
            if( !rc && l->mid2>=0 ) rc = push(pt, MT_PW_MID, (uint64_t)l->mid2);
          }
        }
        break;
      case MT_PW_IP:
        if( l->ip==w->id && l->icid>=0 ){
          hit = 1;
          rc = push(pt, MT_PW_ICID, (uint64_t)l->icid);
        }
        break;
    }
    if( rc ) return -1;
    if( hit && select_line(pt, l->file, l->off) ) return -1;
  }
  return 0;
}

static uint64_t index_key_of(const want *w){
  switch( w->what ){
    case MT_PW_ICID: return mt_index_key(MT_IX_ICID, (int64_t)w->id);
    case MT_PW_MID: return mt_index_key(MT_IX_MID, (int64_t)w->id);
    case MT_PW_IP: return ((uint64_t)MT_IX_IP << 62) | w->id;
    default: return mt_index_key(MT_IX_DCID, (int64_t)w->id);
  }
}

int mt_partial_resolve(mt_partial *pt, mt_stats *stats, char **pzErr,
                       int (*should_stop)(void*), void *stop_arg){
  reader r;
  mt_ix_filter *f = 0;
  uint64_t *keys = 0;
  pline *lines = 0;
  int nline = 0, cline = 0;
  int64_t before = pt->nsel;
  int rc = 0;
  *pzErr = 0;
  memset(&r, 0, sizeof(r));
  mt_scan_init(&r.s, pt->files, pt->opts);
  r.s.should_stop = should_stop;
  r.s.stop_arg = stop_arg;
  r.s.keep_lines = mt_ix_filter_lines;
  while( pt->nq>0 && rc==0 ){
    /* One round: the wants queued now, their blocks, their lines. */
    int nw = pt->nq, i, j, nb = 0, cb = 0;
    want *round = pt->q;
    uint32_t *need = 0;
    pt->q = 0; pt->nq = pt->cq = 0;
    nline = 0;
    free(keys);
    keys = malloc(sizeof(uint64_t)*(size_t)nw);
    if( !keys ){ rc = -2; free(round); break; }
    for(i=0; i<nw; i++) keys[i] = index_key_of(&round[i]);
    mt_ix_filter_free(f);
    f = mt_ix_filter_new(keys, nw);
    if( !f ){ rc = -2; free(round); break; }
    r.s.keep_arg = f;
    for(i=0; i<nw && rc==0; i++){
      uint32_t *a; int n;
      uint64_t key = keys[i];
      if( mt_index_lookup(pt->ix, key, &a, &n) ){ rc = -2; break; }
      for(j=0; j<n; j++){
        if( nb==cb ){
          int nc = cb ? cb*2 : 64;
          uint32_t *nn = realloc(need, sizeof(uint32_t)*(size_t)nc);
          if( !nn ){ rc = -2; break; }
          need = nn; cb = nc;
        }
        need[nb++] = a[j];
      }
      free(a);
    }
    if( rc==0 && nb>0 ){
      int k, out = 0;
      qsort(need, (size_t)nb, sizeof(uint32_t), cmp_u32);
      for(k=0; k<nb; k++) if( k==0 || need[k]!=need[k-1] ) need[out++] = need[k];
      r.s.keep_chunk = 0;                     /* a new filter: look at chunks again */
      for(k=0; k<out && rc==0; k++){
        if( should_stop && should_stop(stop_arg) ){ rc = -3; break; }
        rc = read_block(&r, pt->ix, need[k], &lines, &nline, &cline);
      }
    }
    free(need);
    /* Select the lines, queue what they lead to. */
    for(i=0; i<nw && rc==0; i++){
      if( kset_add(&pt->done, want_key(round[i].what, round[i].id))<0 ){ rc = -2; break; }
      if( follow(pt, &round[i], lines, nline) ) rc = -2;
    }
    free(round);
  }
  if( stats ){
    stats->files_opened += r.s.stats.files_opened;
    stats->bytes_read += r.s.stats.bytes_read;
    stats->lines_parsed += r.s.stats.lines_parsed;
    stats->lines_skipped += r.s.stats.lines_skipped;
    stats->index_blocks += r.blocks;
    stats->index_hits += 1;
  }
  if( rc==-1 ) *pzErr = strdup(r.s.err ? r.s.err : "read error");
  else if( rc==-2 ) *pzErr = strdup("out of memory");
  else if( rc==-3 ) *pzErr = strdup("interrupted");
  mt_scan_end(&r.s);
  free(lines);
  free(keys);
  mt_ix_filter_free(f);
  if( rc ){
    /* what was asked stays unresolved: ask again next time */
    free(pt->q); pt->q = 0; pt->nq = pt->cq = 0;
    kset_clear(&pt->queued);
    return -1;
  }
  kset_clear(&pt->queued);
  return pt->nsel > before ? 1 : 0;
}

static int cmp_u64(const void *a, const void *b){
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x<y ? -1 : x>y;
}

mt_store *mt_partial_store(mt_partial *pt, mt_stats *stats, char **pzErr){
  mt_store *st = mt_store_open(pt->files, 0);
  reader r;
  filter f;
  int64_t i = 0;
  int rc = 0;
  *pzErr = 0;
  if( !st ){ *pzErr = strdup("out of memory"); return 0; }
  if( pt->nsel>1 ) qsort(pt->sel, (size_t)pt->nsel, sizeof(uint64_t), cmp_u64);
  memset(&r, 0, sizeof(r));
  memset(&f, 0, sizeof(f));
  mt_scan_init(&r.s, pt->files, pt->opts);
  f.offs = pt->sel;
  f.noffs = pt->nsel;
  r.s.keep_lines = keep_lines;
  r.s.keep_arg = &f;
  /* Walk the selected lines in log order, block by block (only they are parsed). */
  while( i < pt->nsel && rc==0 ){
    int file = sel_file(pt->sel[i]);
    int64_t off = sel_off(pt->sel[i]);
    uint32_t b = mt_index_block_of(pt->ix, file, off);
    mt_ix_block bl;
    int64_t at = i;
    f.file = file;
    rc = goto_block(&r, pt->ix, b, &bl);
    if( rc==1 ){ rc = 0; i++; continue; }
    if( rc<0 ) break;
    while( i < pt->nsel && sel_file(pt->sel[i])==file
           && sel_off(pt->sel[i]) < bl.end && rc==0 ){
      int got = block_line(&r, &bl);
      int64_t want_off = sel_off(pt->sel[i]);
      if( got<0 ){ rc = -1; break; }
      if( got==0 ) break;
      if( r.s.offset < want_off ) continue;
      if( r.s.offset==want_off && r.s.ln.form!=MT_FORM_NONE ){
        mt_event ev;
        if( !mt_logtype_is_mail(mt_line_event(&r.s.ln, r.s.file_type, &ev)) ){
          /* other logs make no entities (logtype.h) */
        }else if( mt_event_overflow(&ev) ){          /* as the whole-log build: never merged */
          char why[160];
          snprintf(why, sizeof(why), "a %s with more digits than a 64-bit id holds (a damaged line?): "
                   "not used (on_error=skip goes on without it)", mt_event_overflow(&ev));
          if( mt_scan_line_error(&r.s, why) ){ rc = -1; break; }
        }else if( mt_store_add(st, &r.s, &ev) ){ rc = -2; break; }
      }
      i++;
    }
    if( i==at ) i++;              /* not found where the index put it: never loop */
  }
  if( stats ){
    stats->files_opened += r.s.stats.files_opened;
    stats->bytes_read += r.s.stats.bytes_read;
    stats->lines_parsed += r.s.stats.lines_parsed;
    stats->lines_skipped += r.s.stats.lines_skipped;
    stats->index_blocks += r.blocks;
  }
  if( rc==0 && mt_store_finish(st) ) rc = -2;
  free(f.out);
  if( rc ){
    *pzErr = rc==-2 ? strdup("out of memory") : strdup(r.s.err ? r.s.err : "read error");
    mt_scan_end(&r.s);
    mt_store_free(st);
    return 0;
  }
  mt_scan_end(&r.s);
  return st;
}
