/*
** partial.c — index → a store for some ids (see partial.h).
**
** Resolving works in rounds: the blocks of every id asked for are read
** (each block once: its lines' ids are kept), the lines of those ids are
** selected, and the ids they lead to are asked for in the next round, until
** nothing new comes.  The store is then built from the selected lines, read
** again in log order with the scan state the index recorded for their block.
*/
#include "partial.h"

#include <stdlib.h>
#include <string.h>

/* What a line of a read block says, enough to follow links. */
typedef struct pline {
  int64_t off;
  int32_t kind;
  int64_t icid, mid, mid2, dcid;
  uint64_t ip;               /* index key of the client IP of an ICID line, or 0 */
} pline;

typedef struct pblock {
  uint32_t b;
  int nline;
  pline *lines;
} pblock;

/* A set of 64-bit keys (open addressing; key 0 is never stored: keys are
** made non-zero by the callers). */
typedef struct kset { uint64_t *k; size_t cap, n; } kset;

static uint64_t kmix(uint64_t k){ k ^= k >> 33; k *= UINT64_C(0xff51afd7ed558ccd); k ^= k >> 33; return k; }

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

/* A want: (what, id) packed; the IP's id is its index key's low bits. */
static uint64_t want_key(int what, uint64_t id){ return ((id & ((UINT64_C(1)<<60)-1)) << 3 | (uint64_t)what) + 1; }

typedef struct want { int what; uint64_t id; } want;

struct mt_partial {
  const mt_filelist *files;
  const mt_opts *opts;
  const mt_index *ix;
  kset done;                 /* wants resolved (want_key) */
  kset queued;               /* wants asked for, not yet resolved */
  want *q; int nq, cq;
  kset read;                 /* blocks read (block + 1) */
  pblock *blocks; int nblock, cblock;
  kset selset;               /* selected lines: (file << 48 | offset) + 1 */
  uint64_t *sel; int64_t nsel, csel;
};

mt_partial *mt_partial_new(const mt_filelist *files, const mt_opts *opts, const mt_index *ix){
  mt_partial *pt = calloc(1, sizeof(*pt));
  if( !pt ) return 0;
  pt->files = files; pt->opts = opts; pt->ix = ix;
  return pt;
}

void mt_partial_free(mt_partial *pt){
  int i;
  if( !pt ) return;
  for(i=0; i<pt->nblock; i++) free(pt->blocks[i].lines);
  free(pt->blocks);
  free(pt->done.k); free(pt->queued.k); free(pt->read.k); free(pt->selset.k);
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

typedef struct reader {
  mt_scan s;
  int open;                  /* s is positioned in a file */
  int64_t blocks;            /* blocks read */
} reader;

static int cmp_u32(const void *a, const void *b){
  uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x<y ? -1 : x>y;
}

/* Position the scan at block b (reusing it when b follows where it is, or
** lies ahead in the same gzip file), and set the block's end.  Returns 0,
** 1 when the block has no line, -1 on error. */
static int goto_block(reader *r, const mt_index *ix, uint32_t b, mt_ix_block *bl){
  mt_index_block(ix, b, bl);
  if( bl->empty ) return 1;
  const mt_zpoint *zp = mt_index_zpoint(ix, bl->file, bl->off);
  if( r->open && r->s.ifile==bl->file && r->s.rd ){
    int64_t pos = mt_scan_pos(&r->s);
    /* read on: the next block, or a gzip block ahead with no restart point
    ** between (inflating on is then the shortest way) */
    if( pos==bl->off || (pos>=0 && pos < bl->off && mt_reader_is_gzip(r->s.rd) && (!zp || zp->out <= pos)) ){
      r->s.stop_off = bl->end;
      r->blocks++;
      return 0;
    }
  }
  r->s.stop_off = 0;
  if( mt_scan_seek_tz(&r->s, bl->file, bl->off, bl->lineno, bl->tz, (int)MT_IX_BLOCK + 4096, zp) ) return -1;
  r->open = 1;
  r->s.stop_off = bl->end;
  r->blocks++;
  return 0;
}

/* Next line of the block (skipping lines before it in a gzip file): 1, 0
** at its end, -1 on error. */
static int block_line(reader *r, const mt_ix_block *bl){
  int rc;
  while( (rc = mt_scan_next(&r->s))==1 ){
    if( r->s.offset >= bl->off ) return 1;
  }
  if( rc==0 && r->s.rd==0 ) r->open = 0;        /* the file ended */
  return rc;
}

static int add_block(mt_partial *pt, reader *r, uint32_t b){
  mt_ix_block bl;
  pblock *pb;
  int rc, cap = 0;
  if( pt->nblock==pt->cblock ){
    int nc = pt->cblock ? pt->cblock*2 : 64;
    pblock *na = realloc(pt->blocks, sizeof(pblock)*(size_t)nc);
    if( !na ) return -2;
    pt->blocks = na; pt->cblock = nc;
  }
  pb = &pt->blocks[pt->nblock];
  pb->b = b; pb->nline = 0; pb->lines = 0;
  rc = goto_block(r, pt->ix, b, &bl);
  if( rc<0 ) return -1;
  if( rc==0 ){
    while( (rc = block_line(r, &bl))==1 ){
      mt_event ev;
      pline *l;
      if( r->s.ln.form==MT_FORM_NONE ) continue;
      mt_event_parse(r->s.ln.body, r->s.ln.body_len, &ev);
      if( ev.icid<0 && ev.mid<0 && ev.mid2<0 && ev.dcid<0 ) continue;
      if( pb->nline==cap ){
        int nc = cap ? cap*2 : 256;
        pline *nl = realloc(pb->lines, sizeof(pline)*(size_t)nc);
        if( !nl ){ free(pb->lines); return -2; }
        pb->lines = nl; cap = nc;
      }
      l = &pb->lines[pb->nline++];
      l->off = r->s.offset;
      l->kind = ev.kind;
      l->icid = ev.icid; l->mid = ev.mid; l->mid2 = ev.mid2; l->dcid = ev.dcid;
      l->ip = 0;
      if( ev.kind==MT_EV_ICID_NEW && mt_has(&ev, MT_F_REMOTE_IP) ){
        l->ip = mt_index_ip_key(ev.f[MT_F_REMOTE_IP].p, (size_t)ev.f[MT_F_REMOTE_IP].n) & ((UINT64_C(1)<<62)-1);
      }
    }
    if( rc<0 ){ free(pb->lines); return -1; }
  }
  if( kset_add(&pt->read, (uint64_t)b + 1)<0 ){ free(pb->lines); return -2; }
  pt->nblock++;
  return 0;
}

static pblock *find_block(mt_partial *pt, uint32_t b){
  int lo = 0, hi = pt->nblock - 1;
  while( lo<=hi ){                      /* blocks are kept sorted */
    int m = (lo+hi)/2;
    if( pt->blocks[m].b==b ) return &pt->blocks[m];
    if( pt->blocks[m].b < b ) lo = m+1; else hi = m-1;
  }
  return 0;
}

static int cmp_block(const void *a, const void *b){
  uint32_t x = ((const pblock*)a)->b, y = ((const pblock*)b)->b;
  return x<y ? -1 : x>y;
}

static int select_line(mt_partial *pt, int file, int64_t off){
  uint64_t k = ((uint64_t)file << 48 | (uint64_t)off) + 1;
  int rc = kset_add(&pt->selset, k);
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

/* The lines of one want in one read block: select them, ask for what
** they lead to. */
static int follow(mt_partial *pt, const want *w, const pblock *pb, int file){
  int i;
  for(i=0; i<pb->nline; i++){
    const pline *l = &pb->lines[i];
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
    if( hit && select_line(pt, file, l->off) ) return -1;
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
  int64_t before = pt->nsel;
  int rc = 0;
  *pzErr = 0;
  memset(&r, 0, sizeof(r));
  mt_scan_init(&r.s, pt->files, pt->opts);
  r.s.should_stop = should_stop;
  r.s.stop_arg = stop_arg;
  while( pt->nq>0 && rc==0 ){
    /* One round: the wants queued now. */
    int nw = pt->nq, i, j, nb = 0, cb = 0;
    want *round = pt->q;
    uint32_t *need = 0;
    pt->q = 0; pt->nq = pt->cq = 0;
    for(i=0; i<nw && rc==0; i++){
      uint32_t *a; int n;
      if( mt_index_lookup(pt->ix, index_key_of(&round[i]), &a, &n) ){ rc = -2; break; }
      for(j=0; j<n; j++){
        if( kset_has(&pt->read, (uint64_t)a[j] + 1) ) continue;
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
      for(k=0; k<out && rc==0; k++){
        if( should_stop && should_stop(stop_arg) ){ rc = -3; break; }
        rc = add_block(pt, &r, need[k]);
      }
      if( pt->nblock>1 ) qsort(pt->blocks, (size_t)pt->nblock, sizeof(pblock), cmp_block);
    }
    free(need);
    /* Select the lines, queue what they lead to. */
    for(i=0; i<nw && rc==0; i++){
      uint32_t *a; int n;
      if( kset_add(&pt->done, want_key(round[i].what, round[i].id))<0 ){ rc = -2; break; }
      if( mt_index_lookup(pt->ix, index_key_of(&round[i]), &a, &n) ){ rc = -2; break; }
      for(j=0; j<n && rc==0; j++){
        pblock *pb = find_block(pt, a[j]);
        mt_ix_block bl;
        if( !pb ) continue;
        mt_index_block(pt->ix, a[j], &bl);
        if( follow(pt, &round[i], pb, bl.file) ) rc = -2;
      }
      free(a);
    }
    free(round);
  }
  if( stats ){
    stats->files_opened += r.s.stats.files_opened;
    stats->bytes_read += r.s.stats.bytes_read;
    stats->lines_parsed += r.s.stats.lines_parsed;
    stats->index_blocks += r.blocks;
    stats->index_hits += 1;
  }
  if( rc==-1 ) *pzErr = strdup(r.s.err ? r.s.err : "read error");
  else if( rc==-2 ) *pzErr = strdup("out of memory");
  else if( rc==-3 ) *pzErr = strdup("interrupted");
  mt_scan_end(&r.s);
  if( rc ){
    /* what was asked stays unresolved: ask again next time */
    free(pt->q); pt->q = 0; pt->nq = pt->cq = 0;
    free(pt->queued.k); memset(&pt->queued, 0, sizeof(pt->queued));
    return -1;
  }
  free(pt->queued.k); memset(&pt->queued, 0, sizeof(pt->queued));
  return pt->nsel > before ? 1 : 0;
}

static int cmp_u64(const void *a, const void *b){
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x<y ? -1 : x>y;
}

mt_store *mt_partial_store(mt_partial *pt, mt_stats *stats, char **pzErr){
  mt_store *st = mt_store_open(pt->files, 0);
  reader r;
  int64_t i = 0;
  int rc = 0;
  *pzErr = 0;
  if( !st ){ *pzErr = strdup("out of memory"); return 0; }
  if( pt->nsel>1 ) qsort(pt->sel, (size_t)pt->nsel, sizeof(uint64_t), cmp_u64);
  memset(&r, 0, sizeof(r));
  mt_scan_init(&r.s, pt->files, pt->opts);
  /* Walk the selected lines in log order, block by block. */
  while( i < pt->nsel && rc==0 ){
    int file = (int)(pt->sel[i] >> 48);
    int64_t off = (int64_t)(pt->sel[i] & ((UINT64_C(1)<<48)-1));
    uint32_t b = mt_index_block_of(pt->ix, file, off);
    mt_ix_block bl;
    int64_t at = i;
    rc = goto_block(&r, pt->ix, b, &bl);
    if( rc==1 ){ rc = 0; i++; continue; }
    if( rc<0 ) break;
    while( i < pt->nsel && (int)(pt->sel[i] >> 48)==file
           && (int64_t)(pt->sel[i] & ((UINT64_C(1)<<48)-1)) < bl.end && rc==0 ){
      int got = block_line(&r, &bl);
      int64_t want_off = (int64_t)(pt->sel[i] & ((UINT64_C(1)<<48)-1));
      if( got<0 ){ rc = -1; break; }
      if( got==0 ) break;
      if( r.s.offset < want_off ) continue;
      if( r.s.offset==want_off ){
        mt_event ev;
        mt_event_parse(r.s.ln.body, r.s.ln.body_len, &ev);
        if( mt_store_add(st, &r.s, &ev) ){ rc = -2; break; }
      }
      i++;
    }
    if( i==at ) i++;              /* not found where the index put it: never loop */
  }
  if( stats ){
    stats->files_opened += r.s.stats.files_opened;
    stats->bytes_read += r.s.stats.bytes_read;
    stats->lines_parsed += r.s.stats.lines_parsed;
    stats->index_blocks += r.blocks;
  }
  if( rc==0 && mt_store_finish(st) ) rc = -2;
  if( rc ){
    *pzErr = rc==-2 ? strdup("out of memory") : strdup(r.s.err ? r.s.err : "read error");
    mt_scan_end(&r.s);
    mt_store_free(st);
    return 0;
  }
  mt_scan_end(&r.s);
  return st;
}
