/* SPDX-License-Identifier: MIT */
/*
** cache.c — where entity stores and offset indexes are cached.
**
** Usage (from SQL: every table that reads a store, through this file):
**
**   SELECT * FROM mailtrace_messages('/var/log/esa/') WHERE status = 'bounced';
**   SELECT * FROM mailtrace_messages('/var/log/esa/') WHERE mid = 20506;   -- via index
**   SELECT text FROM mailtrace_lines('/var/log/esa/') WHERE mid = 20506;   -- via index
**
** Two small LRU lists per connection (mt_ctx.entities), behind the API of
** cache.h:
**
**   - entity stores (entities.c), the 4 most recently used, keyed by the
**     options and every file's path, device, inode, size and mtime; a file
**     that only grew (a live mail.current, its fingerprint unchanged) is read
**     on instead of built again; anything else makes a new store;
**   - offset indexes (index.c), the 2 most recently used, each with the
**     small store of the ids asked for so far (partial.c), which a question
**     about a few ids is answered from when no whole-log store is cached.
**
** The SQL-facing files call this file; it calls tables.c and the parsing
** rooms, never a table file (tests/sh/no_circle.sh).
*/
#include "cache.h"
#include "entities.h"
#include "index.h"
#include "partial.h"
#include "storefile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the cache */

/* The stop question of the builds this file runs (the index pass, the store
** build and its reading on): first the progress callback when it is due
** (progress.h: the build's own thread, at most every 100 ms or 64 MiB),
** then sqlite3_interrupt() seen?  The builds count what they read into
** ctx->progress through their options (mt_opts.progress). */
static int build_stop(void *arg){
  mt_ctx *ctx = arg;
  mt_progress_tick(&ctx->progress);
  return mt_interrupted(ctx->db);
}

/* Bytes on disk of the files of a build (progress total). */
static int64_t files_bytes(const mt_filelist *f){
  int64_t t = 0;
  int i;
  for(i=0; i<f->n; i++) t += f->a[i].size;
  return t;
}

#define MT_CACHE_MAX 4

typedef struct ent_store {
  char *key;
  char *optkey;           /* the options part of the key */
  mt_file *ids;           /* the files it was built from (path, identity, size, mtime) */
  int nids;
  uint32_t *fp;           /* per file: mt_fingerprint of what was read (bytes.h) ... */
  unsigned char *has_fp;  /* ... when taken: only such a file is ever read on */
  mt_store *st;
  struct mt_sf_map *image;  /* st's arrays in place in its mapped image (storefile.h), or NULL */
  mt_problem *problems;   /* what on_error=skip recorded while building it */
  int nproblem;
  int refs;               /* cursors using it */
  int cached;             /* still in the cache list */
  struct ent_store *next;
} ent_store;

struct ix_entry;
typedef struct ent_cache { ent_store *head; struct ix_entry *ixhead; } ent_cache;
static void ix_free_all(ent_cache *c);

static void free_ids(ent_store *e){
  int i;
  for(i=0; i<e->nids; i++){ free(e->ids[i].path); free(e->ids[i].dirname); }
  free(e->ids);
  free(e->fp); free(e->has_fp);
  e->fp = 0; e->has_fp = 0;
  sqlite3_free(e->optkey);
  e->ids = 0; e->nids = 0; e->optkey = 0;
}

/* A deep copy of a problem list (malloc'd, as scan.c makes them). */
static mt_problem *copy_problems(const mt_problem *p, int n){
  mt_problem *a;
  int i;
  if( n==0 ) return 0;
  a = calloc((size_t)n, sizeof(*a));
  if( !a ) return 0;
  for(i=0; i<n; i++){
    a[i].file = p[i].file ? strdup(p[i].file) : 0;
    a[i].offset = p[i].offset;
    a[i].message = p[i].message ? strdup(p[i].message) : 0;
  }
  return a;
}

static void free_problems(mt_problem *p, int n){
  int i;
  for(i=0; i<n; i++){ free(p[i].file); free(p[i].message); }
  free(p);
}

/* Publish a cache hit: nothing read (index_hits 1), and the store's
** problems again, so mailtrace_errors shows what the build recorded. */
static void publish_problems(mt_ctx *ctx, const ent_store *e){
  mt_problem *problems = copy_problems(e->problems, e->nproblem);
  int n = e->nproblem;
  mt_stats hit;
  memset(&hit, 0, sizeof(hit));
  hit.index_hits = 1;
  mt_publish(ctx, &hit, &problems, &n);
}

static void store_release(ent_store *e){
  if( !e ) return;
  if( --e->refs > 0 || e->cached ) return;
  free_problems(e->problems, e->nproblem);
  free_ids(e);
  mt_storefile_free(e->st, e->image);
  sqlite3_free(e->key);
  sqlite3_free(e);
}

static void cache_free(void *p){
  ent_cache *c = p;
  ent_store *e, *n;
  if( !c ) return;
  ix_free_all(c);
  for(e=c->head; e; e=n){
    n = e->next;
    e->cached = 0;
    e->refs++;
    store_release(e);
  }
  sqlite3_free(c);
}

/* The identity of a source set: every file's path and (dev, ino, size,
** mtime), and the options that change what is built. */
static char *opt_key(const mt_args *a){
  return sqlite3_mprintf("host=%s|tz=%d:%d|year=%d|skip=%d",
                         a->opts.host ? a->opts.host : "", a->opts.tz_set, a->opts.tz_off,
                         a->opts.year, a->opts.on_error_skip);
}

/* A copy of the arguments' key (mt_args_key: made once per listing that
** changed, by tables.c), for an entry to keep; NULL when out of memory. */
static char *store_key(const mt_args *a){
  const char *k = mt_args_key(a);
  return k ? sqlite3_mprintf("%s", k) : 0;
}

/* The cached store with this key (a reference, its problems published), or NULL. */
static ent_store *cache_find(mt_ctx *ctx, ent_cache *c, const char *key){
  ent_store *e, *prev = 0;
  for(e=c->head; e; prev=e, e=e->next){
    if( strcmp(e->key, key)==0 ){
      if( prev ){ prev->next = e->next; e->next = c->head; c->head = e; }   /* most recent first */
      e->refs++;
      publish_problems(ctx, e);
      return e;
    }
  }
  return 0;
}

/* Take entry e out of the cache's list (it is freed by its last release
** then, store_release); nothing when it is not in it. */
static void cache_unlink(ent_cache *c, ent_store *e){
  ent_store **pe = &c->head;
  while( *pe && *pe!=e ) pe = &(*pe)->next;
  if( *pe ) *pe = e->next;
  e->cached = 0;
}

static ent_cache *cache_get(mt_ctx *ctx){
  ent_cache *c = ctx->entities;
  if( !c ){
    c = sqlite3_malloc(sizeof(*c));
    if( !c ) return 0;
    c->head = 0;
    c->ixhead = 0;
    ctx->entities = c;
    ctx->free_entities = cache_free;
  }
  return c;
}

/* Fingerprint file i (of a->files) where the store's reading of it ended,
** for proving later that it only grew (a plain file ending in a newline). */
static void take_fp(ent_store *e, const mt_args *a, int i){
  const mt_file *f = &a->files.a[i];
  mt_ident id = MT_FILE_IDENT(f);
  if( !e->fp || i>=e->nids ) return;
  e->has_fp[i] = mt_store_can_extend(e->st, i)
              && mt_fingerprint(f->path, &id, e->st->file_end_off[i], &e->fp[i])==0;
}

/* A cached store, not in use, built from the same files of which one has
** only grown since (a live mail.current): it can be read on (*pGrown: that
** file).  NULL when there is none, (ent_store*)-1 when out of memory. */
static ent_store *find_grown(ent_cache *c, const mt_args *a, int *pGrown){
  char *ok;
  ent_store *e;
  if( !c->head ) return 0;        /* nothing cached (a lookup's every cursor asks) */
  if( !(ok = opt_key(a)) ) return (ent_store*)-1;
  for(e=c->head; e; e=e->next){
    int i, diff = 0, grown = -1;
    if( e->refs>0 || e->nids!=a->files.n || !e->optkey || strcmp(e->optkey, ok)!=0 ) continue;
    for(i=0; i<e->nids && diff<2; i++){
      const mt_file *x = &e->ids[i], *y = &a->files.a[i];
      if( strcmp(x->path, y->path)!=0 || x->dev!=y->dev || x->ino!=y->ino ){ diff = 2; break; }
      if( x->size==y->size && x->mtime==y->mtime ) continue;
      /* Same inode and more bytes is no proof of growth (copytruncate, a
      ** reused inode): the bytes read must still be there, as they were. */
      if( y->size > x->size && y->mtime >= x->mtime && mt_store_can_extend(e->st, i)
       && e->has_fp && e->has_fp[i] ){
        mt_ident id = MT_FILE_IDENT(y);
        uint32_t fp;
        if( mt_fingerprint(y->path, &id, e->st->file_end_off[i], &fp)==0 && fp==e->fp[i] ){ grown = i; diff++; }
        else diff = 2;
      }
      else diff = 2;
    }
    if( diff==1 && grown>=0 ){ *pGrown = grown; break; }
  }
  sqlite3_free(ok);
  return e;
}

/* Keep the identity of the files a store was built from (and their
** fingerprints where its reading ended) with its entry, so that a file
** that only grows can be read on.  Out of memory: just not extendable. */
static void keep_ids(ent_store *e, const mt_args *a){
  int i;
  e->optkey = opt_key(a);
  e->ids = calloc((size_t)(a->files.n ? a->files.n : 1), sizeof(mt_file));
  if( !e->ids || !e->optkey ){ free_ids(e); return; }
  e->nids = a->files.n;
  for(i=0; i<a->files.n; i++){
    e->ids[i] = a->files.a[i];
    e->ids[i].path = strdup(a->files.a[i].path);
    e->ids[i].dirname = 0;
    if( !e->ids[i].path ){ e->nids = i; break; }
  }
  if( e->nids!=a->files.n ){ free_ids(e); return; }
  e->fp = calloc((size_t)(e->nids ? e->nids : 1), sizeof(uint32_t));
  e->has_fp = calloc((size_t)(e->nids ? e->nids : 1), 1);
  if( !e->fp || !e->has_fp ){ free(e->fp); free(e->has_fp); e->fp = 0; e->has_fp = 0; }
  for(i=0; i<e->nids; i++) take_fp(e, a, i);
}

/* index=DIR keeps an image of each whole-log store (storefile.h): only
** without on_error=skip (whose problems the image does not hold). */
static int image_wanted(const mt_args *a){
  return a->opts.index_dir && !a->opts.no_index && !a->opts.on_error_skip;
}

/* Save the store of entry e as its image, best effort: the answer does not
** depend on it; mailtrace_stats() says store_saved 1, or -1 when it failed. */
static void image_save(mt_ctx *ctx, const mt_args *a, const ent_store *e){
  char *ok;
  if( !image_wanted(a) || !mt_storefile_savable(e->st) || e->nproblem ) return;
  ok = opt_key(a);
  if( !ok ) return;
  ctx->last.store_saved = mt_storefile_save(e->st, a->opts.index_dir, &a->files, ok,
                                            e->nids==a->files.n ? e->fp : 0,
                                            e->nids==a->files.n ? e->has_fp : 0)==0 ? 1 : -1;
  sqlite3_free(ok);
}

/* Look for the image of this store in index=DIR.  1: *pst is the store of
** exactly these files.  0: none (or not sound: built again).  An image of
** the same files before one of them grew (each proven by its fingerprint)
** goes into the cache as the entry of that older state, for the read-on
** path of store_acquire (find_grown) to take. */
static int image_load(ent_cache *c, const mt_args *a, mt_store **pst, mt_sf_map **pmap, int whole){
  mt_store *st = 0;
  mt_sf_map *map = 0;
  mt_sf_file *was = 0;
  char *ok = opt_key(a);
  int lr, i;
  *pst = 0;
  if( !ok ) return 0;
  lr = mt_storefile_load(a->opts.index_dir, &a->files, ok, mt_opts_max_memory(&a->opts), &st, &was, &map);
  sqlite3_free(ok);
  if( whole && (lr==MT_SF_LOADED || lr==MT_SF_GROWN) && mt_storefile_need(st, map, MT_SF_PART_ALL)!=MT_SF_LOADED ){
    mt_storefile_free(st, map);         /* a part did not check: built again */
    free(was);
    return 0;
  }
  if( lr==MT_SF_LOADED ){ *pst = st; *pmap = map; return 1; }
  if( lr==MT_SF_GROWN ){
    ent_store *g = sqlite3_malloc(sizeof(*g));
    if( g ){
      memset(g, 0, sizeof(*g));
      g->key = sqlite3_mprintf("image:");      /* matches no listing's key */
      g->st = st;
      g->image = map;
      keep_ids(g, a);
    }
    if( !g || !g->key || g->nids!=a->files.n || !g->fp ){
      if( g ){ free_ids(g); sqlite3_free(g->key); sqlite3_free(g); }
      mt_storefile_free(st, map);
    }else{
      for(i=0; i<g->nids; i++){
        g->ids[i].size = was[i].size;
        g->ids[i].mtime = was[i].mtime;
        g->fp[i] = was[i].fp;
        g->has_fp[i] = was[i].has_fp && was[i].end_off==st->file_end_off[i];
      }
      g->cached = 1;
      g->next = c->head;
      c->head = g;
    }
  }
  free(was);
  return 0;
}

/* Find or build the store for these arguments; the caller releases it.
** whole: an image is checked whole when loaded (a part of an earlier load
** of it failed its check). */
static int store_acquire(mt_ctx *ctx, const mt_args *a, ent_store **pp, char **pzErr, int whole){
  ent_cache *c = ctx->entities;
  ent_store *e, *prev = 0;
  char *key, *err = 0;
  mt_stats stats;
  mt_problem *problems = 0;
  int nproblem = 0, n = 0, loaded_grown = 0;
  mt_rc brc;
  *pp = 0;
  if( !c && !(c = cache_get(ctx)) ) return SQLITE_NOMEM;
  if( !mt_args_key(a) ) return SQLITE_NOMEM;
  if( (e = cache_find(ctx, c, mt_args_key(a)))!=0 ){
    *pp = e;
    return SQLITE_OK;
  }
  key = store_key(a);                         /* the entry's own copy */
  if( !key ) return SQLITE_NOMEM;
  /* index=DIR: the image a process saved of this store */
  if( image_wanted(a) && !find_grown(c, a, &n) ){
    mt_store *ld = 0;
    mt_sf_map *map = 0;
    if( image_load(c, a, &ld, &map, whole) ){
      e = sqlite3_malloc(sizeof(*e));
      if( !e ){ mt_storefile_free(ld, map); sqlite3_free(key); return SQLITE_NOMEM; }
      memset(e, 0, sizeof(*e));
      e->key = key;
      e->st = ld;
      e->image = map;
      memset(&stats, 0, sizeof(stats));
      stats.store_loaded = map ? 1 : 2;          /* mapped in place, or read into memory */
      mt_publish(ctx, &stats, 0, 0);
      keep_ids(e, a);
      goto cache_it;
    }
    loaded_grown = c->head && strcmp(c->head->key, "image:")==0;
  }
  n = 0;
  /* A file that only grew (a live mail.current): read on from where the
  ** cached store stopped instead of building it again. */
  {
    int grown = -1;
    e = find_grown(c, a, &grown);
    if( e==(ent_store*)-1 ){ sqlite3_free(key); return SQLITE_NOMEM; }
    if( e ){
      mt_opts o = a->opts;
      mt_rc rc2;
      o.progress = &ctx->progress;
      mt_progress_begin(&ctx->progress, "store", a->files.a[grown].size - e->st->file_end_off[grown]);
      memset(&stats, 0, sizeof(stats));
      /* a store read from its image: its arrays of its own before they grow */
      rc2 = mt_storefile_own(e->st, e->image) ? MT_NOMEM
          : mt_store_extend(e->st, &a->files, &o, grown, &stats, &err, build_stop, ctx);
      mt_progress_end(&ctx->progress, rc2==MT_OK);
      mt_publish(ctx, &stats, 0, 0);
      if( rc2==MT_OK ){
        e->ids[grown].size = a->files.a[grown].size;
        e->ids[grown].mtime = a->files.a[grown].mtime;
        take_fp(e, a, grown);
        sqlite3_free(e->key);
        e->key = key;
        if( c->head!=e ){                        /* move to the front */
          ent_store *x = c->head;
          while( x->next!=e ) x = x->next;
          x->next = e->next; e->next = c->head; c->head = e;
        }
        e->refs++;
        ctx->last.index_hits++;
        if( loaded_grown ){
          ctx->last.store_loaded = e->image ? 1 : 2;
          image_save(ctx, a, e);                 /* the image of what it holds now */
        }
        *pp = e;
        return SQLITE_OK;
      }
      /* Half read: this store can no longer be trusted. */
      free(err); err = 0;
      {
        cache_unlink(c, e);
        e->refs++;
        store_release(e);
      }
    }
  }
  if( loaded_grown ){
    /* an image that could not be read on after all: not kept */
    ent_store *g = c->head;
    while( g && strcmp(g->key, "image:")!=0 ) g = g->next;
    if( g ){
      cache_unlink(c, g);
      g->refs++;
      store_release(g);
    }
  }
  e = sqlite3_malloc(sizeof(*e));
  if( !e ){ sqlite3_free(key); return SQLITE_NOMEM; }
  memset(e, 0, sizeof(*e));
  e->key = key;
  {
    mt_opts o = a->opts;
    o.progress = &ctx->progress;
    mt_progress_begin(&ctx->progress, "store", files_bytes(&a->files));
    brc = mt_store_build(&a->files, &o, &stats, &problems, &nproblem, &e->st, &err, build_stop, ctx);
    mt_progress_end(&ctx->progress, brc==MT_OK);
  }
  e->problems = copy_problems(problems, nproblem);
  e->nproblem = e->problems ? nproblem : 0;
  /* Publish what the build read, and what on_error=skip recorded. */
  mt_publish(ctx, &stats, &problems, &nproblem);
  if( brc!=MT_OK ){
    int rc;
    free_problems(e->problems, e->nproblem);
    rc = mt_rc_to_sqlite(brc, err, pzErr);
    free(err);
    sqlite3_free(key);
    sqlite3_free(e);
    return rc;
  }
  keep_ids(e, a);
  image_save(ctx, a, e);
cache_it:
  e->refs = 1;
  e->cached = 1;
  e->next = c->head;
  c->head = e;
  /* Keep the MT_CACHE_MAX most recent stores. */
  for(prev=0, e=c->head; e; prev=e, e=e->next){
    if( ++n > MT_CACHE_MAX ){
      ent_store *rest = e;
      prev->next = 0;
      while( rest ){
        ent_store *nx = rest->next;
        rest->cached = 0;
        rest->refs++;
        store_release(rest);
        rest = nx;
      }
      break;
    }
  }
  *pp = c->head;
  return SQLITE_OK;
}

/* The parts of entry e's store that `parts` names (a store mapped from its
** image checks each part when first needed, storefile.h): SQLITE_OK,
** SQLITE_NOMEM, or SQLITE_NOTFOUND when one did not check: the entry is
** then out of the cache and released (the caller builds the store again). */
static int entry_need(ent_cache *c, ent_store *e, unsigned parts){
  int rc;
  if( !e || !e->st || !(e->st->sf_pending & parts) ) return SQLITE_OK;
  rc = mt_storefile_need(e->st, e->image, parts);
  if( rc==MT_SF_LOADED ) return SQLITE_OK;
  if( rc==MT_SF_NOMEM ){ store_release(e); return SQLITE_NOMEM; }
  cache_unlink(c, e);
  store_release(e);                     /* cursors still reading its checked parts keep it */
  return SQLITE_NOTFOUND;
}

/* mailtrace_stats()'s store_checked: what of e's image is checked so far. */
static void tell_checked(mt_ctx *ctx, const ent_store *e){
  ctx->last.store_checked = e && e->image ? (int64_t)(MT_SF_PART_ALL & ~e->st->sf_pending) : 0;
}

int mt_store_acquire_part(mt_ctx *ctx, const mt_args *a, unsigned parts, void **ppEntry,
                          const struct mt_store **ppStore, char **pzErr){
  ent_store *e = 0;
  int rc = store_acquire(ctx, a, &e, pzErr, 0);
  if( rc==SQLITE_OK ){
    rc = entry_need(ctx->entities, e, parts);
    if( rc==SQLITE_NOTFOUND ){
      e = 0;
      rc = store_acquire(ctx, a, &e, pzErr, 1);
    }else if( rc!=SQLITE_OK ){
      e = 0;
    }
  }
  if( rc==SQLITE_OK ) tell_checked(ctx, e);
  *ppEntry = e;
  *ppStore = e ? e->st : 0;
  return rc;
}

int mt_store_acquire(mt_ctx *ctx, const mt_args *a, void **ppEntry, const struct mt_store **ppStore, char **pzErr){
  return mt_store_acquire_part(ctx, a, MT_SF_PART_ALL, ppEntry, ppStore, pzErr);
}

void mt_store_release(void *pEntry){ store_release(pEntry); }

/* ------------------------------------------------ the offset index path */

/* A question about a few ids (icid/mid/dcid = or IN, a connection's
** remote_ip) over logs without a cached store is answered from the offset
** index (index.c): one fast pass builds it, then only the blocks of those
** ids are read and a small store is built from their lines (partial.c).
** Every later question reads only the blocks of its new ids.  The entry
** keeps the index, what was resolved so far, and the current small store;
** a store that grows is replaced, cursors keep the one they started with. */

#define MT_IX_CACHE_MAX 2

typedef struct ix_entry {
  char *key;                  /* store_key() of the sources */
  char *optkey;               /* opt_key(): the options part */
  mt_filelist files;          /* copies: the index and partial refer to them */
  mt_opts opts;
  mt_index *ix;
  mt_partial *pt;
  ent_store *cur;             /* one reference */
  int refs;                   /* mailtrace_lines cursors reading with its index */
  int cached;                 /* still in the cache list */
  struct ix_entry *next;
} ix_entry;

static void ix_entry_free(ix_entry *x){
  if( !x ) return;
  store_release(x->cur);
  mt_partial_free(x->pt);
  mt_index_free(x->ix);
  mt_files_free(&x->files);
  mt_opts_free(&x->opts);
  sqlite3_free(x->optkey);
  sqlite3_free(x->key);
  sqlite3_free(x);
}

/* Out of the cache: freed now, or by the last cursor using it. */
static void ix_drop(ix_entry *x){
  x->cached = 0;
  if( x->refs==0 ) ix_entry_free(x);
}

static void ix_free_all(ent_cache *c){
  ix_entry *x, *n;
  for(x=c->ixhead; x; x=n){ n = x->next; ix_drop(x); }
  c->ixhead = 0;
}

/* The entry for these sources, building the index on first use.
** SQLITE_OK with *pp; SQLITE_NOTFOUND when no index can serve them (year=,
** or a file that cannot be read: the whole-log path reports that);
** SQLITE_NOMEM / SQLITE_INTERRUPT. */
static int ix_acquire(mt_ctx *ctx, const mt_args *a, ix_entry **pp, mt_stats *stats){
  ent_cache *c = cache_get(ctx);
  ix_entry *x, *prev = 0;
  mt_index *reuse = 0;
  char *key, *err = 0;
  int n = 0;
  mt_rc brc;
  *pp = 0;
  if( !c || !mt_args_key(a) ) return SQLITE_NOMEM;
  for(x=c->ixhead; x; prev=x, x=x->next){
    if( strcmp(x->key, mt_args_key(a))==0 ){
      if( prev ){ prev->next = x->next; x->next = c->ixhead; c->ixhead = x; }
      *pp = x;
      return SQLITE_OK;
    }
  }
  key = store_key(a);                         /* the entry's own copy */
  if( !key ) return SQLITE_NOMEM;
  {
    /* An earlier index over some of the same files (before mail.current
    ** grew, or before a rotation): its unchanged files are kept and a grown
    ** one is read on from where it ended (mt_index_build). */
    char *ok = opt_key(a);
    ix_entry **px;
    if( !ok ){ sqlite3_free(key); return SQLITE_NOMEM; }
    for(px=&c->ixhead; *px && !reuse; ){
      ix_entry *o = *px;
      int i, j, shared = 0;
      for(i=0; i<o->files.n && !shared; i++){
        for(j=0; j<a->files.n && !shared; j++){
          shared = o->files.a[i].dev==a->files.a[j].dev && o->files.a[i].ino==a->files.a[j].ino;
        }
      }
      if( shared && o->refs==0 && o->optkey && strcmp(o->optkey, ok)==0 ){
        *px = o->next;
        reuse = o->ix;
        o->ix = 0;
        ix_entry_free(o);
      }else{
        px = &o->next;
      }
    }
    sqlite3_free(ok);
  }
  x = sqlite3_malloc(sizeof(*x));
  if( !x ){ sqlite3_free(key); mt_index_free(reuse); return SQLITE_NOMEM; }
  memset(x, 0, sizeof(*x));
  x->key = key;
  x->optkey = opt_key(a);
  if( !x->optkey ){ ix_entry_free(x); mt_index_free(reuse); return SQLITE_NOMEM; }
  if( mt_files_copy(&x->files, &a->files) ){ ix_entry_free(x); mt_index_free(reuse); return SQLITE_NOMEM; }
  x->opts = a->opts;
  x->opts.host = 0;
  x->opts.index_dir = 0;
  if( (a->opts.host && !(x->opts.host = strdup(a->opts.host)))
   || (a->opts.index_dir && !(x->opts.index_dir = strdup(a->opts.index_dir))) ){
    ix_entry_free(x); mt_index_free(reuse); return SQLITE_NOMEM;
  }
  /* total: every file's bytes; what an earlier index or index=DIR already
  ** holds is not read again and counts as done at the end */
  x->opts.progress = &ctx->progress;
  mt_progress_begin(&ctx->progress, "index", files_bytes(&x->files));
  brc = mt_index_build(&x->files, &x->opts, reuse, stats, &x->ix, &err, build_stop, ctx);
  mt_progress_end(&ctx->progress, brc==MT_OK);
  x->opts.progress = 0;
  if( brc!=MT_OK ){
    /* no index: the caller reads the whole log, which says any read error itself */
    int rc = mt_rc_to_sqlite(brc, err, 0);
    if( rc==SQLITE_ERROR ) rc = SQLITE_NOTFOUND;
    free(err);
    ix_entry_free(x);
    return rc;
  }
  x->pt = mt_partial_new(&x->files, &x->opts, x->ix);
  if( !x->pt ){ ix_entry_free(x); return SQLITE_NOMEM; }
  x->cached = 1;
  x->next = c->ixhead;
  c->ixhead = x;
  for(prev=0, x=c->ixhead; x; prev=x, x=x->next){       /* keep the most recent few */
    if( ++n > MT_IX_CACHE_MAX ){ prev->next = 0; while( x ){ ix_entry *nx = x->next; ix_drop(x); x = nx; } break; }
  }
  *pp = c->ixhead;
  return SQLITE_OK;
}

int mt_index_acquire(mt_ctx *ctx, const mt_args *a, void **ppHandle, const struct mt_index **ppIx,
                     mt_stats *stats){
  ix_entry *x = 0;
  int rc;
  *ppHandle = 0; *ppIx = 0;
  if( a->opts.no_index || a->opts.year || a->opts.on_error_skip ) return SQLITE_NOTFOUND;
  rc = ix_acquire(ctx, a, &x, stats);
  if( rc ) return rc;
  x->refs++;
  *ppHandle = x;
  *ppIx = x->ix;
  return SQLITE_OK;
}

void mt_index_release(void *pHandle){
  ix_entry *x = pHandle;
  if( !x ) return;
  if( --x->refs==0 && !x->cached ) ix_entry_free(x);
}

/* Resolve what was asked and, when lines were added, make the entry's new
** small store.  *ppOut: a reference to the current store. */
static int ix_serve(mt_ctx *ctx, ix_entry *x, mt_stats *stats, ent_store **ppOut, char **pzErr){
  char *err = 0;
  int grew = 0;
  uint64_t probed0, passed0, probed1, passed1;
  mt_rc rc;
  mt_index_probes(x->ix, &probed0, &passed0);
  rc = mt_partial_resolve(x->pt, stats, &grew, &err, mt_interrupted, ctx->db);
  mt_index_probes(x->ix, &probed1, &passed1);
  stats->index_probes += (int64_t)(probed1 - probed0);       /* what this question's lookups did */
  stats->index_passed += (int64_t)(passed1 - passed0);
  *ppOut = 0;
  if( rc!=MT_OK ){
    int code = mt_rc_to_sqlite(rc, err, pzErr);
    free(err);
    return code;
  }
  if( grew || !x->cur ){
    ent_store *e = sqlite3_malloc(sizeof(*e));
    if( !e ) return SQLITE_NOMEM;
    memset(e, 0, sizeof(*e));
    e->key = sqlite3_mprintf("%s", x->key);
    rc = e->key ? mt_partial_store(x->pt, stats, &e->st, &err) : MT_NOMEM;
    if( rc!=MT_OK ){
      int code = mt_rc_to_sqlite(rc, err, pzErr);
      free(err);
      mt_store_free(e->st);
      sqlite3_free(e->key);
      sqlite3_free(e);
      return code;
    }
    e->refs = 1;
    store_release(x->cur);
    x->cur = e;
  }
  x->cur->refs++;
  *ppOut = x->cur;
  return SQLITE_OK;
}

/* The store for a statement that looks up ids (what >= 0: MT_PW_ICID,
** _MID or _DCID, value idv, an IN list when isIn) or a connection's
** remote_ip (ip): a cached store of the whole log if there is one, else the
** offset index path.  SQLITE_NOTFOUND: use the whole-log store. */
static int partial_store(mt_ctx *ctx, const mt_args *args, int what, sqlite3_value *idv, int isIn,
                         const char *ip, ent_store **ppOut, char **pzErr){
  ent_cache *c = cache_get(ctx);
  ix_entry *x = 0;
  mt_stats stats;
  const char *key;
  int rc;
  *ppOut = 0;
  if( !c ) return SQLITE_NOMEM;
  if( args->opts.no_index || args->opts.year || args->opts.on_error_skip ) return SQLITE_NOTFOUND;
  if( !(key = mt_args_key(args)) ) return SQLITE_NOMEM;
  *ppOut = cache_find(ctx, c, key);
  if( *ppOut ) return SQLITE_OK;
  {
    /* a whole-log store that only needs the bytes appended to a live file:
    ** cheaper than an index pass (store_acquire reads them on) */
    int grown = -1;
    ent_store *g = find_grown(c, args, &grown);
    if( g==(ent_store*)-1 ) return SQLITE_NOMEM;
    if( g ) return SQLITE_NOTFOUND;
  }
  memset(&stats, 0, sizeof(stats));
  rc = ix_acquire(ctx, args, &x, &stats);
  if( rc==SQLITE_OK ){
    if( what>=0 ){
      sqlite3_value *v = idv;
      int more = 1;
      if( isIn ){
        rc = sqlite3_vtab_in_first(idv, &v);
        if( rc==SQLITE_DONE ){ more = 0; rc = SQLITE_OK; }
      }
      while( rc==SQLITE_OK && more ){
        int64_t id;
        if( mt_id_value(v, &id) && mt_partial_want(x->pt, what, id, 0) ) rc = SQLITE_NOMEM;
        if( !isIn || rc ) break;
        rc = sqlite3_vtab_in_next(idv, &v);
        if( rc==SQLITE_DONE ){ rc = SQLITE_OK; break; }
      }
    }
    if( rc==SQLITE_OK && ip && mt_partial_want(x->pt, MT_PW_IP, 0, ip) ) rc = SQLITE_NOMEM;
    if( rc==SQLITE_OK ) rc = ix_serve(ctx, x, &stats, ppOut, pzErr);
  }
  mt_publish(ctx, &stats, 0, 0);
  return rc;
}

int mt_store_for_lookup(mt_ctx *ctx, const mt_args *a, int what, sqlite3_value *idv, int isIn,
                        const char *ip, unsigned parts, void **ppEntry, const struct mt_store **ppStore,
                        char **pzErr){
  ent_store *e = 0;
  int rc = partial_store(ctx, a, what, idv, isIn, ip, &e, pzErr);
  if( rc==SQLITE_OK ){
    rc = entry_need(ctx->entities, e, parts);
    if( rc==SQLITE_NOTFOUND ){                /* that image is out: ask again */
      e = 0;
      rc = partial_store(ctx, a, what, idv, isIn, ip, &e, pzErr);
      /* (SQLITE_NOTFOUND again: the caller asks mt_store_acquire, which builds it) */
      if( rc==SQLITE_OK && (rc = entry_need(ctx->entities, e, parts))!=SQLITE_OK ) e = 0;
    }else if( rc!=SQLITE_OK ){
      e = 0;
    }
  }
  if( rc==SQLITE_OK ) tell_checked(ctx, e);
  *ppEntry = e;
  *ppStore = e ? e->st : 0;
  return rc;
}

int mt_store_check_rows(mt_ctx *ctx, const mt_args *a, int n,
                        int (*check)(void *arg, int row, const struct mt_store *st), void *arg,
                        char **pzErr){
  void *entry = 0;
  const mt_store *st = 0;
  int rc, i;
  if( n<=0 ) return SQLITE_OK;
  rc = mt_store_acquire(ctx, a, &entry, &st, pzErr);
  for(i=0; rc==SQLITE_OK && i<n; i++) rc = check(arg, i, st);
  if( entry ) mt_store_release(entry);
  return rc;
}
