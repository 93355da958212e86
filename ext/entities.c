/* SPDX-License-Identifier: MIT */
/*
** entities.c — build connections, messages, recipients and deliveries from
** the event stream (see entities.h; column semantics in docs/tables.md).
**
** Lines arrive in file order.  Each event updates the entity it names,
** creating it when it is first seen (a log set may start in the middle of a
** connection, and link lines such as "MID b was generated based on MID a"
** come before the child's own Start MID).  Statuses that depend on all lines
** (a message's fate) are derived once, in mt_store_finish().
**
** Strings are copied into an arena owned by the store; entities point into
** it.  Every allocation is checked: on failure the store is marked `oom`
** and the build reports SQLITE_NOMEM through the caller.
*/
#include "entities.h"
#include "grow.h"
#include "wraps.h"
#include "logtype.h"
#include "attach.h"
#include "events.h"
#include "threads.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

static const mt_when no_time = { 0, MT_NO_TIME };

/* ------------------------------------------------------------------ arena */

typedef struct mt_arena {
  struct mt_arena *next;
  size_t used, cap;
  char data[];
} mt_arena;

static char *arena_alloc(mt_store *st, size_t n){
  mt_arena *a = st->arena;
  if( !a || a->used + n > a->cap ){
    /* Chunks grow with the store: small stores stay small. */
    size_t want = a ? (a->cap + sizeof(mt_arena))*2 : 64*1024;
    size_t cap;
    mt_arena *b;
    if( want > 16*1024*1024 ) want = 16*1024*1024;
    cap = n > want/2 ? n : want - sizeof(mt_arena);
    b = calloc(1, sizeof(mt_arena) + cap);   /* zeros: a saved image (storefile.c) writes a chunk whole, gaps too */
    if( !b ){ st->oom = 1; return 0; }
    /* (no huge pages: filled in order, see mt_advise_huge in grow.h) */
    b->next = a; b->used = 0; b->cap = cap;
    st->arena = a = b;
  }
  a->used += n;
  return a->data + a->used - n;
}

static char *arena_copy(mt_store *st, const char *p, size_t n){
  char *z = arena_alloc(st, n+1);
  if( !z ) return 0;
  memcpy(z, p, n);
  z[n] = 0;
  return z;
}

static uint32_t hash_bytes(const char *p, size_t n);
#define MT_STRCACHE 4096

/* A stored copy of p[0..n).  Short values repeat a lot (interfaces,
** policies, verdict words, sender groups, common addresses), so a small
** direct-mapped cache of recent short strings hands back the copy already
** stored: most repeats cost a hash and a memcmp, with no big table to miss
** in.  Long values (subjects, responses) are copied. */
static const char *arena_str(mt_store *st, const char *p, size_t n){
  struct mt_islot *e;
  char *z;
  if( n <= 48 ){
    uint32_t h = hash_bytes(p, n);
    if( !st->strings.slots ){
      st->strings.slots = calloc(MT_STRCACHE, sizeof(struct mt_islot));
      if( !st->strings.slots ){ st->oom = 1; return 0; }
    }
    e = &st->strings.slots[h & (MT_STRCACHE-1)];
    if( e->z && e->hash==h && e->len==n && memcmp(e->z, p, n)==0 ) return e->z;
    z = arena_copy(st, p, n);
    if( z ){ e->z = z; e->hash = h; e->len = (uint32_t)n; }
    return z;
  }
  return arena_copy(st, p, n);
}

/* -------------------------------------------------------------------- map */

#define MT_RECENT 2048
#define MT_MAP_FIRST 1024

static int map_get(const mt_map *m, int32_t host, int64_t id){
  struct mt_slot *r;
  uint32_t v;
  if( !m->recent ) return -1;
  /* The ids a gateway has in flight are close together: a small cache
  ** indexed by the low bits answers most lookups without touching the big
  ** table (whose probes were a sixth of the build time). */
  r = &m->recent[(uint64_t)id & (MT_RECENT-1)];
  if( r->v>=0 && r->id==id && r->host==host ) return r->v;
  v = mt_hmap_get(&m->h, (uint64_t)id, (uint32_t)host);
  if( v==MT_HMAP_NONE ) return -1;
  r->id = id; r->host = host; r->v = (int32_t)v;
  return r->v;
}

/* Insert or replace (v >= 0).  Returns 0 or -1 (out of memory). */
static int map_put(mt_map *m, int32_t host, int64_t id, int v){
  struct mt_slot *r;
  if( !m->recent ){
    int i;
    m->recent = malloc(sizeof(struct mt_slot)*MT_RECENT);
    if( !m->recent ) return -1;
    for(i=0; i<MT_RECENT; i++) m->recent[i].v = -1;
    m->h.first = MT_MAP_FIRST;
  }
  if( mt_hmap_put(&m->h, (uint64_t)id, (uint32_t)host, (uint32_t)v) ) return -1;
  r = &m->recent[(uint64_t)id & (MT_RECENT-1)];
  r->id = id; r->host = host; r->v = v;
  return 0;
}

static void map_free(mt_map *m){ mt_hmap_free(&m->h); free(m->recent); memset(m, 0, sizeof(*m)); }

/* ----------------------------------------------------------------- intern */

MT_WRAPS static uint32_t hash_bytes(const char *p, size_t n){
  uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)n * 0x9e3779b97f4a7c15ULL);
  size_t i = 0;
  for(; i+8<=n; i+=8){
    uint64_t w;
    memcpy(&w, p+i, 8);
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 32;
  }
  if( i<n ){
    uint64_t w = 0;
    memcpy(&w, p+i, n-i);
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    h ^= h >> 32;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return (uint32_t)h;
}

/* ------------------------------------------------------------- growables */

#define GROW(st, arr, n, cap) do{ \
  if( (n) >= (cap) ){ \
    if( mt_grow_i(&(arr), &(cap), (n)+1, sizeof(*(arr))) ){ (st)->oom = 1; return -1; } \
  } }while(0)

static const mt_store_ops store_ops = {
  mt_store_msg, mt_store_str, mt_store_new_msg, mt_store_new_rcpt, mt_msg_status_name, mt_rcpt_status_name
};

mt_store *mt_store_new(void){
  mt_store *st = calloc(1, sizeof(mt_store));
  if( st ) st->ops = &store_ops;
  return st;
}

void mt_store_free(mt_store *st){
  int i;
  if( !st ) return;
  while( st->arena ){ mt_arena *n = st->arena->next; free(st->arena); st->arena = n; }
  for(i=0; i<st->nhost; i++) free(st->hosts[i]);
  free(st->host_len); free(st->host_first); free(st->host_last);
  free(st->file_first); free(st->file_last);
  free(st->file_end_off); free(st->file_end_line); free(st->file_end_nl); free(st->file_tz);
  free(st->file_year_src); free(st->file_tz_src); free(st->hours); free(st->gaps);
  map_free(&st->hour_map);
  free(st->file_lines); free(st->file_known);
  for(i=0; i<st->nfile; i++) free(st->files[i]);
  free(st->hosts); free(st->files);
  free(st->conns); free(st->msgs); free(st->more); free(st->rcpts); free(st->dconns); free(st->dlvs);
  map_free(&st->conn_by_id); map_free(&st->msg_by_id); map_free(&st->dconn_by_id);
  map_free(&st->icid_list);
  free(st->icid_heads);
  free(st->msg_status); free(st->rcpt_status); free(st->dlv_result); free(st->rcpt_dom);
  free(st->dom_text); free(st->dom_at);
  free(st->strings.slots);
  if( st->attach ){ mt_attach_free(st->attach); free(st->attach); }
  mt_cef_set_free(st->cef);
  free(st);
}

/* ---------------------------------------------------------------- strings */

static const char *span_str(mt_store *st, const mt_event *ev, int f){
  if( !mt_has(ev, f) ) return 0;
  return arena_str(st, ev->f[f].p, (size_t)ev->f[f].n);
}

/* "<a@b>" → "a@b"; "<>" → "". */
static const char *addr_str(mt_store *st, const mt_event *ev, int f){
  const char *p; int n;
  if( !mt_has(ev, f) ) return 0;
  p = ev->f[f].p; n = ev->f[f].n;
  while( n>0 && p[n-1]==' ' ) n--;
  if( n>=2 && p[0]=='<' && p[n-1]=='>' ){ p++; n -= 2; }
  return arena_str(st, p, (size_t)n);
}

/* A Python-repr string 'x' / "x" → x (the quote's own escapes undone,
** other escapes such as \r\n kept as written); bare text as is. */
static const char *unquote(mt_store *st, const char *p, int n){
  char q, *z;
  int i, j;
  while( n>0 && p[n-1]==' ' ) n--;
  if( n<2 || (p[0]!='\'' && p[0]!='"') || p[n-1]!=p[0] ) return arena_str(st, p, (size_t)n);
  q = p[0];
  /* no escape (nearly every Subject and Message-ID): the text between the
  ** quotes, through the cache of short strings (subjects repeat) */
  if( !memchr(p+1, '\\', (size_t)n-2) ) return arena_str(st, p+1, (size_t)n-2);
  z = arena_alloc(st, (size_t)n);
  if( !z ) return 0;
  for(i=1, j=0; i<n-1; i++){
    if( p[i]=='\\' && i+1<n-1 && p[i+1]==q ){ z[j++] = q; i++; }
    else z[j++] = p[i];
  }
  z[j] = 0;
  return z;
}
static const char *unquote_f(mt_store *st, const mt_event *ev, int f){
  return mt_has(ev, f) ? unquote(st, ev->f[f].p, ev->f[f].n) : 0;
}

/* A repr list "'a', "b's", 'c'" → "a, b's, c" (joined with `sep`). */
static const char *unquote_list(mt_store *st, const char *p, int n, const char *sep){
  char *z = arena_alloc(st, (size_t)n + 1 + (size_t)n/2*strlen(sep));
  int i = 0, j = 0, first = 1;
  if( !z ) return 0;
  while( i<n ){
    while( i<n && (p[i]==' ' || p[i]==',') ) i++;
    if( i>=n ) break;
    if( !first ){ size_t k = strlen(sep); memcpy(z+j, sep, k); j += (int)k; }
    first = 0;
    if( p[i]=='\'' || p[i]=='"' ){
      char q = p[i++];
      while( i<n && p[i]!=q ){
        if( p[i]=='\\' && i+1<n && p[i+1]==q ){ z[j++] = q; i += 2; continue; }
        z[j++] = p[i++];
      }
      i++;
    }else{
      while( i<n && p[i]!=',' ) z[j++] = p[i++];
    }
  }
  z[j] = 0;
  return z;
}

/* out[0..n) = in[0..n) with ASCII letters in lower case. */
static void ascii_lower(char *out, const char *in, size_t n){
  size_t i;
  for(i=0; i<n; i++) out[i] = (char)(in[i]>='A' && in[i]<='Z' ? in[i] + ('a' - 'A') : in[i]);
}

/* A verdict word in lower case ("Pass" → "pass").  Interned strings are
** shared, so the lower-casing happens on a private copy first. */
static const char *lower_word(mt_store *st, const mt_event *ev, int f){
  char buf[64];
  int n;
  if( !mt_has(ev, f) ) return 0;
  n = ev->f[f].n;
  if( n > (int)sizeof(buf) ) n = (int)sizeof(buf);
  ascii_lower(buf, ev->f[f].p, (size_t)n);
  return arena_str(st, buf, (size_t)n);
}

static const char *nz(const char *z){ return z ? z : ""; }

static const char *cat3(mt_store *st, const char *a, const char *b, const char *c){
  size_t na = strlen(a), nb = strlen(b), nc = strlen(c);
  char *z;
  if( na+nb+nc <= 48 ){        /* short: through the cache ("CASE spam negative" on most messages) */
    char buf[48];
    memcpy(buf, a, na); memcpy(buf+na, b, nb); memcpy(buf+na+nb, c, nc);
    return arena_str(st, buf, na+nb+nc);
  }
  z = arena_alloc(st, na+nb+nc+1);
  if( !z ) return 0;
  memcpy(z, a, na); memcpy(z+na, b, nb); memcpy(z+na+nb, c, nc);
  z[na+nb+nc] = 0;
  return z;
}

/* Add an item to a list joined with `sep`, once.  A list stops growing at
** MT_LIST_MAX bytes and then ends with " …" (docs/tables.md): a message
** with thousands of custom log entries must not cost quadratic memory. */
#define MT_LIST_MAX 2048
static const char *list_add(mt_store *st, const char *list, const char *item, const char *sep){
  size_t n, k = strlen(sep), len;
  const char *p;
  if( !item || !*item ) return list;
  if( !list ) return item;
  n = strlen(item);
  for(p = list; p; ){
    if( strncmp(p, item, n)==0 && (p[n]==0 || strncmp(p+n, sep, k)==0) ) return list;
    p = strstr(p, sep);
    if( p ) p += k;
  }
  len = strlen(list);
  if( len >= 4 && strcmp(list+len-4, " \xe2\x80\xa6")==0 ) return list;     /* already cut */
  if( len + k + n > MT_LIST_MAX ) return cat3(st, list, " \xe2\x80\xa6", "");
  return cat3(st, list, sep, item);
}

/* Add a filter name to a comma-separated list, once. */
static void add_filter(mt_store *st, mt_msg *m, const char *name){
  if( !name || !*name ) return;
  if( m->filters ){
    const char *p = m->filters;
    size_t n = strlen(name);
    while( p ){
      if( strncmp(p, name, n)==0 && (p[n]==0 || p[n]==',') ) return;
      p = strchr(p, ',');
      if( p ) p += 2;
    }
    m->filters = cat3(st, m->filters, ", ", name);
  }else{
    m->filters = name;
  }
}

/* ---------------------------------------------------------------- entities */

/* Host names are kept with their length: a syslog host may hold any byte,
** NUL included. */
static int host_id(mt_store *st, const char *h, int n){
  int i;
  /* Nearly every line names the host the previous one named. */
  if( st->nhost>0 && st->host_len[st->last_host]==n && memcmp(st->hosts[st->last_host], h, (size_t)n)==0 ) return st->last_host;
  for(i=st->nhost-1; i>=0; i--){
    if( st->host_len[i]==n && memcmp(st->hosts[i], h, (size_t)n)==0 ){ st->last_host = i; return i; }
  }
  {
    char **na = realloc(st->hosts, sizeof(char*)*(size_t)(st->nhost+1));
    int *nl;
    char *z;
    if( !na ){ st->oom = 1; return -1; }
    st->hosts = na;
    nl = realloc(st->host_len, sizeof(int)*(size_t)(st->nhost+1));
    if( !nl ){ st->oom = 1; return -1; }
    st->host_len = nl;
    {
      int64_t *f = realloc(st->host_first, sizeof(int64_t)*(size_t)(st->nhost+1));
      int64_t *l;
      if( !f ){ st->oom = 1; return -1; }
      st->host_first = f;
      l = realloc(st->host_last, sizeof(int64_t)*(size_t)(st->nhost+1));
      if( !l ){ st->oom = 1; return -1; }
      st->host_last = l;
      f[st->nhost] = INT64_MAX; l[st->nhost] = INT64_MIN;
    }
    z = malloc((size_t)n + 1);
    if( !z ){ st->oom = 1; return -1; }
    memcpy(z, h, (size_t)n);
    z[n] = 0;
    st->hosts[st->nhost] = z;
    st->host_len[st->nhost] = n;
    st->last_host = st->nhost;
    return st->nhost++;
  }
}

int mt_store_host(const mt_store *st, const char *h){
  int i;
  for(i=0; i<st->nhost; i++) if( strcmp(st->hosts[i], h)==0 ) return i;
  return -1;
}

static mt_where where_of(const mt_scan *s){
  mt_where w;
  w.file = s->ifile;
  w.lineno = s->lineno;
  w.off = s->offset;
  return w;
}

static mt_when when_of(const mt_scan *s){
  mt_when w;
  w.local = s->t_local;
  w.off = s->has_time ? (int32_t)(s->t_local - s->t_utc) : MT_NO_TIME;
  return w;
}

static void when_max(mt_when *w, mt_when x){
  if( mt_when_set(x) && (!mt_when_set(*w) || mt_when_utc(x) >= mt_when_utc(*w)) ) *w = x;
}

typedef struct ctx { mt_store *st; const mt_scan *s; const mt_event *ev; int host; int file; } ctx;

static int new_conn(ctx *c, int64_t icid){
  mt_store *st = c->st;
  mt_conn *k;
  GROW(st, st->conns, st->nconn, st->cconn);
  k = &st->conns[st->nconn];
  memset(k, 0, sizeof(*k));
  k->start = k->end = no_time;
  k->host = c->host; k->icid = icid; k->dns_verified = -1;
  k->file = c->file; k->lineno = c->s->lineno; k->off = c->s->offset;
  k->first = when_of(c->s);
  k->prev_same = map_get(&st->conn_by_id, c->host, icid);
  if( map_put(&st->conn_by_id, c->host, icid, st->nconn) ){ st->oom = 1; return -1; }
  return st->nconn++;
}

static int get_conn(ctx *c, int64_t icid){
  int i = map_get(&c->st->conn_by_id, c->host, icid);
  return i>=0 ? i : new_conn(c, icid);
}

static int new_msg(ctx *c, int64_t mid){
  mt_store *st = c->st;
  mt_msg *m;
  GROW(st, st->msgs, st->nmsg, st->cmsg);
  m = &st->msgs[st->nmsg];
  memset(m, 0, sizeof(*m));
  m->start = m->end = no_time;
  m->host = c->host; m->mid = mid; m->icid = -1; m->size = -1; m->parent_mid = -1;
  m->first_rcpt = m->last_rcpt = -1;
  m->first_dlv = m->last_dlv = -1;
  m->more = -1;
  m->next_icid = -1;
  m->conn = m->first_child = m->next_sibling = m->conn_hint = -1;
  m->file = c->file; m->lineno = c->s->lineno; m->off = c->s->offset;
  m->first = when_of(c->s);
  m->prev_same = map_get(&st->msg_by_id, c->host, mid);
  if( map_put(&st->msg_by_id, c->host, mid, st->nmsg) ){ st->oom = 1; return -1; }
  return st->nmsg++;
}

static const mt_msg_more no_more = { -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

const mt_msg_more *mt_msg_more_of(const mt_store *st, const mt_msg *m){
  return m->more>=0 && m->more<st->nmore ? &st->more[m->more] : &no_more;
}

/* The rarer verdicts of message mi, made on first use; NULL when out of
** memory (st->oom set). */
static mt_msg_more *more_of(mt_store *st, int mi){
  if( st->msgs[mi].more<0 ){
    if( st->nmore >= st->cmore && mt_grow_i(&st->more, &st->cmore, st->nmore+1, sizeof(*st->more)) ){
      st->oom = 1; return 0;
    }
    st->more[st->nmore] = no_more;
    st->msgs[mi].more = st->nmore++;
  }
  return &st->more[st->msgs[mi].more];
}

static int get_msg(ctx *c, int64_t mid){
  int i = map_get(&c->st->msg_by_id, c->host, mid);
  return i>=0 ? i : new_msg(c, mid);
}

static int new_rcpt(ctx *c, int mi, int64_t rid){
  mt_store *st = c->st;
  mt_rcpt *r;
  mt_msg *m;
  GROW(st, st->rcpts, st->nrcpt, st->crcpt);
  r = &st->rcpts[st->nrcpt];
  memset(r, 0, sizeof(*r));
  r->end = no_time;
  r->msg = mi; r->rid = rid; r->dcid = -1; r->next = -1; r->cur_dlv = -1;
  m = &st->msgs[mi];
  if( m->last_rcpt>=0 ) st->rcpts[m->last_rcpt].next = st->nrcpt;
  else m->first_rcpt = st->nrcpt;
  m->last_rcpt = st->nrcpt;
  return st->nrcpt++;
}

/* The recipient `rid` of message `mi` (a short list: walked). */
static int find_rcpt(const mt_store *st, int mi, int64_t rid){
  int r;
  for(r=st->msgs[mi].first_rcpt; r>=0; r=st->rcpts[r].next){
    if( st->rcpts[r].rid==rid ) return r;
  }
  return -1;
}

static int get_rcpt(ctx *c, int mi, int64_t rid){
  int i = find_rcpt(c->st, mi, rid);
  return i>=0 ? i : new_rcpt(c, mi, rid);
}

static int get_dconn(ctx *c, int64_t dcid, int create){
  mt_store *st = c->st;
  mt_dconn *d;
  int i = map_get(&st->dconn_by_id, c->host, dcid);
  if( i>=0 || !create ) return i;
  GROW(st, st->dconns, st->ndconn, st->cdconn);
  d = &st->dconns[st->ndconn];
  memset(d, 0, sizeof(*d));
  d->start = d->end = no_time;
  d->host = c->host; d->dcid = dcid;
  d->first_dlv = d->last_dlv = -1;
  if( map_put(&st->dconn_by_id, c->host, dcid, st->ndconn) ){ st->oom = 1; return -1; }
  return st->ndconn++;
}

/* A new delivery attempt row, chained to its DCID and its MID. */
static int new_dlv(ctx *c, int64_t dcid, int mi, int64_t rid){
  mt_store *st = c->st;
  mt_dlv *d;
  int ki = get_dconn(c, dcid, 1), n;
  if( ki<0 ) return -1;
  GROW(st, st->dlvs, st->ndlv, st->cdlv);
  n = st->ndlv;
  d = &st->dlvs[n];
  memset(d, 0, sizeof(*d));
  d->start = d->end = no_time;
  d->host = c->host; d->dcid = dcid; d->rid = rid;
  d->mid = mi>=0 ? st->msgs[mi].mid : -1;
  d->dconn = ki;
  d->next_dcid = d->next_mid = -1;
  if( st->dconns[ki].last_dlv>=0 ) st->dlvs[st->dconns[ki].last_dlv].next_dcid = n;
  else st->dconns[ki].first_dlv = n;
  st->dconns[ki].last_dlv = n;
  if( mi>=0 ){
    mt_msg *m = &st->msgs[mi];
    if( m->last_dlv>=0 ) st->dlvs[m->last_dlv].next_mid = n;
    else m->first_dlv = n;
    m->last_dlv = n;
  }
  return st->ndlv++;
}

/* The attempt a result line is about: the recipient's current attempt when
** it is on the same DCID, else a new one (logs that start mid-delivery;
** DCID 0 results, which have no connection, are always new). */
static int result_dlv(ctx *c, int64_t dcid, int mi, int ri){
  int cur = c->st->rcpts[ri].cur_dlv;
  if( dcid>0 && cur>=0 && c->st->dlvs[cur].dcid==dcid ) return cur;
  cur = new_dlv(c, dcid, mi, c->st->rcpts[ri].rid);
  if( cur>=0 ) c->st->rcpts[ri].cur_dlv = cur;
  return cur;
}

/* --------------------------------------------------------------- handlers */

static double parse_sbrs(const char *z, int *ok){
  char *end;
  double v;
  *ok = 0;
  if( !z || !*z ) return 0;
  v = strtod(z, &end);
  if( end==z || *end ) return 0;
  *ok = 1;
  return v;
}

/* The body without its leading "ICID n " (for error texts). */
static const char *body_after_id(ctx *c){
  const char *b = c->s->ln.body, *e = b + c->s->ln.body_len;
  const char *sp = (e - b > 5) ? memchr(b+5, ' ', (size_t)(e-b-5)) : 0;
  return sp ? arena_str(c->st, sp+1, (size_t)(e-sp-1)) : arena_str(c->st, b, (size_t)(e-b));
}

static void on_icid(ctx *c){
  const mt_event *ev = c->ev;
  mt_store *st = c->st;
  mt_conn *k;
  int i;
  if( ev->kind==MT_EV_ICID_NEW ){
    i = map_get(&st->conn_by_id, c->host, ev->icid);
    /* A second "New SMTP ICID" for one id is a new connection (restart).
    ** Lines of it seen before (out of time order, or a HAT line written
    ** first) belong to the same connection. */
    if( i<0 || st->conns[i].seen_new ) i = new_conn(c, ev->icid);
  }else if( ev->kind==MT_EV_ICID_HAT && ev->icid==0 ){
    i = new_conn(c, 0);            /* TCPREFUSE with ICID 0: one row per refusal */
  }else{
    i = get_conn(c, ev->icid);
  }
  if( i<0 ) return;
  k = &st->conns[i];
  switch( ev->kind ){
    case MT_EV_ICID_NEW:
      k->start = when_of(c->s);
      k->seen_new = 1;
      k->file = c->file; k->lineno = c->s->lineno; k->off = c->s->offset;
      k->interface = span_str(st, ev, MT_F_IFACE);
      k->interface_ip = span_str(st, ev, MT_F_IFACE_IP);
      k->remote_ip = span_str(st, ev, MT_F_REMOTE_IP);
      if( mt_has(ev, MT_F_RDNS) && !(ev->f[MT_F_RDNS].n==7 && memcmp(ev->f[MT_F_RDNS].p, "unknown", 7)==0) ){
        k->reverse_dns = span_str(st, ev, MT_F_RDNS);
      }
      if( mt_has(ev, MT_F_VERIFIED) ) k->dns_verified = ev->f[MT_F_VERIFIED].p[0]=='y';
      break;
    case MT_EV_ICID_HAT:
      if( !mt_when_set(k->start) ){ k->start = when_of(c->s); k->file = c->file; k->lineno = c->s->lineno; k->off = c->s->offset; }
      k->action = span_str(st, ev, MT_F_ACTION);
      k->sender_group = span_str(st, ev, MT_F_SG);
      k->match = span_str(st, ev, MT_F_MATCH);
      k->country = span_str(st, ev, MT_F_COUNTRY);
      {
        const char *z = span_str(st, ev, MT_F_SBRS);
        k->sbrs = parse_sbrs(z, &k->has_sbrs);
      }
      if( ev->icid==0 ){ k->end = when_of(c->s); k->end_state = 1; }
      if( k->action && strcmp(k->action, "ACCEPT")!=0 && strcmp(k->action, "RELAY")!=0 ) k->why = where_of(c->s);
      break;
    case MT_EV_ICID_SBRS: {
      const char *z = span_str(st, ev, MT_F_SBRS);
      k->sbrs = parse_sbrs(z, &k->has_sbrs);
      break;
    }
    case MT_EV_ICID_TLS:
      k->tls = 1;
      k->tls_protocol = span_str(st, ev, MT_F_TLS_PROTO);
      k->tls_cipher = span_str(st, ev, MT_F_TLS_CIPHER);
      break;
    case MT_EV_ICID_TLS_FAILED:
    case MT_EV_ICID_TLS_REQUIRED:
      k->tls = 2;
      k->error = body_after_id(c);
      k->why = where_of(c->s);
      break;
    case MT_EV_ICID_CLOSE:
      k->end_state = 1; k->end = when_of(c->s);
      break;
    case MT_EV_ICID_LOST:
      k->end_state = 2; k->end = when_of(c->s);
      if( !k->why.lineno ) k->why = where_of(c->s);
      break;
    case MT_EV_ICID_LOST_NO_CMD:
      k->end_state = 2; k->end = when_of(c->s);
      if( !k->remote_ip ) k->remote_ip = span_str(st, ev, MT_F_REMOTE_IP);
      k->error = span_str(st, ev, MT_F_REASON);
      k->why = where_of(c->s);
      break;
    case MT_EV_ICID_RECEIVING_FAILED:
      k->error = cat3(st, "Receiving Failed: ", nz(span_str(st, ev, MT_F_REASON)), "");
      k->why = where_of(c->s);
      break;
    case MT_EV_ICID_INJECTION_FAILED:
      k->error = cat3(st, "Injection Failed: ", nz(span_str(st, ev, MT_F_REASON)), "");
      k->why = where_of(c->s);
      break;
    case MT_EV_ICID_SENDER_REJECTED:
    case MT_EV_ICID_INVALID_SENDER:
    case MT_EV_ICID_DISCONNECTED:
    case MT_EV_ICID_BAD_COMMAND:
      if( !k->error ){ k->error = body_after_id(c); k->why = where_of(c->s); }
      break;
    case MT_EV_ICID_KILLED:
      k->end_state = 2; k->end = when_of(c->s);
      break;
  }
}

static void msg_touch(ctx *c, mt_msg *m){
  when_max(&m->end, when_of(c->s));
}

/* The spam verdict word of "spam negative" / "bulk" / "using cached verdict". */
static const char *spam_word(mt_store *st, const mt_event *ev){
  const char *p; int n;
  if( !mt_has(ev, MT_F_VERDICT) ) return 0;
  p = ev->f[MT_F_VERDICT].p; n = ev->f[MT_F_VERDICT].n;
  if( n>=5 && memcmp(p, "spam ", 5)==0 ){ p += 5; n -= 5; }
  if( n>=5 && memcmp(p, "using", 5)==0 ) return 0;     /* cached: no new verdict */
  { int k = 0; while( k<n && p[k]!=' ' ) k++; n = k; }
  return arena_str(st, p, (size_t)n);
}

static int span_is(const mt_event *ev, int f, const char *z){
  size_t n = strlen(z);
  return mt_has(ev, f) && (size_t)ev->f[f].n==n && memcmp(ev->f[f].p, z, n)==0;
}

/* CASE's graymail categories (the verdict word of "using engine: CASE marketing"). */
static int case_graymail(const char *w){
  return w && (strcmp(w, "marketing")==0 || strcmp(w, "social")==0 || strcmp(w, "bulk")==0);
}

/* A message in the Spam Quarantine takes the anti-spam verdict as its reason
** ("anti-spam verdict CASE spam positive"), whichever line comes first. */
static void spam_reason(mt_store *st, mt_msg *m){
  if( m->spam_detail && m->quarantine && strcmp(m->quarantine, "Spam Quarantine")==0
   && (!m->reason || strncmp(m->reason, "anti-spam verdict ", 18)==0) ){
    m->reason = cat3(st, "anti-spam verdict ", m->spam_detail, "");
  }
}

/* Held in the Spam Quarantine: "ISQ: Tagging MID n for quarantine", or a
** delivery "to offbox IronPort Spam Quarantine" (format.md §5.5). */
static void to_spam_quarantine(ctx *c, mt_msg *m){
  m->quarantine = "Spam Quarantine";
  m->quarantined = 1; m->released = 0;
  m->why = where_of(c->s);
  spam_reason(c->st, m);
}

static void link_child(ctx *c, int64_t parent, int64_t child, const char *rel){
  int ci = get_msg(c, child);
  mt_msg *m;
  if( ci<0 ) return;
  m = &c->st->msgs[ci];
  m->parent_mid = parent;
  m->parent_relation = rel;
  m->linked = 1;
  msg_touch(c, m);
}

/* The RIDs a line names: a bracketed list, or one RID. */
typedef struct rid_iter { mt_span s; int single, done; int64_t one; } rid_iter;

static void rid_begin(rid_iter *it, const mt_event *ev){
  it->single = !mt_has(ev, MT_F_RIDS);
  it->s = ev->f[MT_F_RIDS];
  it->one = ev->rid;
  it->done = 0;
}
static int rid_next(rid_iter *it, int64_t *r){
  if( it->single ){
    if( it->done || it->one<0 ) return 0;
    it->done = 1; *r = it->one;
    return 1;
  }
  return mt_rids_next(&it->s, r);
}

/* Set a message's connection and chain it to the ICID's message list (the
** `icid = ?` lookup).  Start MID counts the message on its connection. */
static void set_msg_icid(ctx *c, int mi, int64_t icid, int counts){
  mt_store *st = c->st;
  int ki, h;
  if( icid<0 ) return;
  ki = icid>0 ? map_get(&st->conn_by_id, c->host, icid) : -1;
  /* the newest connection of this ICID read so far is the message's (a
  ** restart reuses ICIDs); Start MID decides over To:/From: lines */
  if( ki>=0 && (counts || st->msgs[mi].conn_hint<0) ) st->msgs[mi].conn_hint = ki;
  if( st->msgs[mi].icid==icid && st->msgs[mi].in_icid_list ) return;
  st->msgs[mi].icid = icid;
  if( st->msgs[mi].in_icid_list ) return;     /* keep the first list it joined */
  h = map_get(&st->icid_list, c->host, icid);
  if( h<0 ){
    if( mt_grow_i(&st->icid_heads, &st->cicid, st->nicid+1, sizeof(*st->icid_heads)) ){ st->oom = 1; return; }
    h = st->nicid++;
    st->icid_heads[h][0] = st->icid_heads[h][1] = -1;
    if( map_put(&st->icid_list, c->host, icid, h) ){ st->oom = 1; return; }
  }
  if( st->icid_heads[h][1]>=0 ) st->msgs[st->icid_heads[h][1]].next_icid = mi;
  else st->icid_heads[h][0] = mi;
  st->icid_heads[h][1] = mi;
  st->msgs[mi].in_icid_list = 1;
}

/* The rules of a message's lines, one per event kind (the dispatch of the
** body's leading words in events.c gave the kind; format.md §5.2–§5.6),
** each after its example line.  mi is the message's index: a rule takes
** its pointer itself, after anything that may grow the message array. */
typedef void (*mid_rule)(ctx *c, int mi);

/* §5.2.1 `Start MID 24611465 ICID 60140120` */
static void mid_start(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  m->started = 1;
  m->start = when_of(c->s);
  m->file = c->file; m->lineno = c->s->lineno; m->off = c->s->offset;
  set_msg_icid(c, mi, c->ev->icid, 1);
}

/* §5.2.2 `MID 6 ICID 5 From: <example.com>` */
static void mid_from(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  m->mail_from = addr_str(c->st, c->ev, MT_F_ADDR);
  if( m->icid<0 ) set_msg_icid(c, mi, c->ev->icid, 0);
}

/* §5.2.3 `MID 204841507 ICID 146047847 RID 0 To: <redacted@whatever.awsapps.com>` */
static void mid_rcpt(ctx *c, int mi){
  mt_store *st = c->st;
  int ri = get_rcpt(c, mi, c->ev->rid);
  if( ri>=0 ) st->rcpts[ri].rcpt_to = addr_str(st, c->ev, MT_F_ADDR);
  /* "MID m ICID n RID r To:" names the connection too (Start MID may be
  ** before these logs) */
  if( st->msgs[mi].icid<0 ) set_msg_icid(c, mi, c->ev->icid, 0);
}

/* §5.2.4 `MID 1 ICID 2 To: <postmaster@corestaff.com> Rejected by RAT`,
** `MID 26603 ICID 125192 invalid bounce, rcpt address <scott@ncironport.net> rejected by bounce verification.`;
** §5.1.7 `ICID 493771866 MID 340448731 Invalid recipient address:  'RCPT TO:<>'` */
static void mid_rcpt_rejected(ctx *c, int mi){
  mt_store *st = c->st;
  const mt_event *ev = c->ev;
  int ri = new_rcpt(c, mi, -1);
  mt_rcpt *r;
  if( ri<0 ) return;
  r = &st->rcpts[ri];
  r->rcpt_to = addr_str(st, ev, MT_F_ADDR);
  r->status = MT_RS_REJECTED;
  r->response = ev->kind==MT_EV_MID_INVALID_RCPT
    ? cat3(st, "Invalid recipient address: ", nz(span_str(st, ev, MT_F_REASON)), "")
    : span_str(st, ev, MT_F_REASON);
  r->end = when_of(c->s);
}

/* §5.2.5 `MID 71897 Message-ID '<322n7l$266p@stable.mfg>'` */
static void mid_message_id(ctx *c, int mi){ c->st->msgs[mi].message_id = unquote_f(c->st, c->ev, MT_F_VALUE); }

/* §5.2.6 `MID 1653 Subject 'Package delivery notification'` */
static void mid_subject(ctx *c, int mi){ c->st->msgs[mi].subject = unquote_f(c->st, c->ev, MT_F_VALUE); }

/* §5.2.7 `MID 2 ready 88 bytes from <blah@ironport.com>` */
static void mid_ready(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  const char *z = span_str(c->st, c->ev, MT_F_SIZE);
  if( z ) m->size = strtoll(z, 0, 10);
  if( !m->mail_from ) m->mail_from = addr_str(c->st, c->ev, MT_F_ADDR);
}

/* §5.2.9 `MID <mid> matched all recipients for per-recipient policy <name> in the <inbound|outbound> table` */
static void mid_policy(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  m->policy = span_str(c->st, c->ev, MT_F_POLICY);
  if( mt_has(c->ev, MT_F_TABLE) ) m->direction = span_str(c->st, c->ev, MT_F_TABLE);
}

/* §5.3.1 `MID 24611417 using engine: CASE spam negative` (final), `MID <mid> interim verdict
** using engine: …`; `… using engine: SLBL spam negative` is the safelist's,
** `… SPF Verdict Cache using cached verdict` no verdict */
static void mid_spam(ctx *c, int mi){
  mt_store *st = c->st;
  const mt_event *ev = c->ev;
  mt_msg *m = &st->msgs[mi];
  const char *w;
  if( span_is(ev, MT_F_ENGINE, "SLBL") ){
    mt_msg_more *x;
    if( ev->kind==MT_EV_MID_SPAM && (w = spam_word(st, ev))!=0 && (x = more_of(st, mi))!=0 ) x->slbl = w;
    return;
  }
  if( span_is(ev, MT_F_ENGINE, "SPF Verdict Cache") ) return;
  w = spam_word(st, ev);
  if( !w ) return;
  if( ev->kind==MT_EV_MID_SPAM ){
    m->spam = w; m->spam_final = 1;
    m->spam_detail = cat3(st, nz(span_str(st, ev, MT_F_ENGINE)), " ", nz(span_str(st, ev, MT_F_VERDICT)));
    spam_reason(st, m);
  }else if( !m->spam_final ){
    m->spam = w;
  }else{
    return;
  }
  /* CASE's own graymail categories, unless the graymail engine spoke */
  if( !m->graymail_engine ) m->graymail = case_graymail(w) ? w : 0;
}

/* §5.3.1 `MID <mid> using engine: GRAYMAIL <marketing_mail|social_mail|bulk_mail|…>` */
static void mid_graymail(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  m->graymail = spam_word(c->st, c->ev); m->graymail_engine = 1;
}

/* §5.3.6 `MID 111 DLP violation. Severity: LOW (Risk Factor: 15). DLP policy match: 'PCI-DSS (…)'.` */
static void mid_dlp(ctx *c, int mi){
  mt_store *st = c->st;
  const mt_event *ev = c->ev;
  mt_msg_more *m = more_of(st, mi);
  if( !m ) return;
  m->dlp = "violation";
  if( mt_has(ev, MT_F_VERDICT) ) m->dlp_severity = span_str(st, ev, MT_F_VERDICT);
  if( mt_has(ev, MT_F_SCORE) ){ const char *z = span_str(st, ev, MT_F_SCORE); if( z ) m->dlp_risk = strtoll(z, 0, 10); }
  m->dlp_policy = list_add(st, m->dlp_policy, span_str(st, ev, MT_F_POLICY), ", ");
}

/* §5.3.8 `MID 204841507 URL http://www.example.com/data-information has reputation 3.0 matched Condition: URL Reputation Rule`
** (the lowest score names the URL), `MID <mid> URL <url>  matched category <Category> Condition: <rule>` */
static void mid_url(ctx *c, int mi){
  mt_store *st = c->st;
  const mt_event *ev = c->ev;
  mt_msg_more *m = more_of(st, mi);
  if( !m ) return;
  if( mt_has(ev, MT_F_SCORE) ){
    const char *z = span_str(st, ev, MT_F_SCORE);
    char *end;
    double v = z ? strtod(z, &end) : 0;
    if( z && end!=z && *end==0 && (!m->has_url_rep || v < m->url_reputation) ){
      m->url_reputation = v; m->has_url_rep = 1;
      m->url = span_str(st, ev, MT_F_VALUE);
    }
  }
  if( mt_has(ev, MT_F_CATEGORY) ){
    m->url_category = list_add(st, m->url_category, span_str(st, ev, MT_F_CATEGORY), ", ");
    if( !m->url ) m->url = span_str(st, ev, MT_F_VALUE);
  }
}

/* §5.3.9 `MID 26983 SDR: Consolidated Sender Threat Level: Neutral, Threat Category: N/A, …` */
static void mid_sdr(ctx *c, int mi){
  mt_msg_more *m = more_of(c->st, mi);
  if( !m ) return;
  if( mt_has(c->ev, MT_F_VERDICT) ) m->sdr_threat_level = span_str(c->st, c->ev, MT_F_VERDICT);
  if( mt_has(c->ev, MT_F_CATEGORY) ) m->sdr_category = span_str(c->st, c->ev, MT_F_CATEGORY);
}

/* §5.3.1 `MID <mid> was too big (<size>/<limit>) for scanning by Outbreak Filters` */
static void mid_too_big(ctx *c, int mi){
  mt_store *st = c->st;
  const mt_event *ev = c->ev;
  mt_msg_more *m;
  const char *eng;
  if( !mt_has(ev, MT_F_ENGINE) || !(m = more_of(st, mi)) ) return;
  eng = span_str(st, ev, MT_F_ENGINE);
  m->scans_skipped = list_add(st, m->scans_skipped, mt_has(ev, MT_F_SIZE)
    ? cat3(st, nz(eng), " (", cat3(st, nz(span_str(st, ev, MT_F_SIZE)), ")", "")) : eng, ", ");
}

/* §5.3.5 `MID 141251 Custom Log Entry: CVE-2023-23397: Found CLSID in OLE or TNEF.` */
static void mid_custom_log(ctx *c, int mi){
  mt_msg_more *m = more_of(c->st, mi);
  if( !m ) return;
  m->custom_log = list_add(c->st, m->custom_log, span_str(c->st, c->ev, MT_F_VALUE), " | ");
}

/* §5.3.5 `Debug: MID: 80 Message filter Name: OneNoteHunter time: 0.000493288040161` */
static void mid_filter_timing(ctx *c, int mi){
  mt_msg_more *m = more_of(c->st, mi);
  if( !m ) return;
  m->filters_evaluated = list_add(c->st, m->filters_evaluated, span_str(c->st, c->ev, MT_F_FILTER), ", ");
}

/* §5.2.8 `MID 24611417 attachment 'CFO_INV_1400691819.pdf'` */
static void mid_attachment(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  m->attachments = list_add(c->st, m->attachments, unquote_f(c->st, c->ev, MT_F_VALUE), ", ");
}

/* §5.3.3 `MID <mid> SHA <sha256> filename <raw name> queued for possible file analysis upload` */
static void mid_file_upload(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  mt_msg_more *x = more_of(c->st, mi);
  if( !x ) return;
  m = &c->st->msgs[mi];
  x->sha256 = list_add(c->st, x->sha256, span_str(c->st, c->ev, MT_F_SHA256), ", ");
  m->attachments = list_add(c->st, m->attachments, span_str(c->st, c->ev, MT_F_VALUE), ", ");
}

/* §5.5 `MID 18313985 quarantine "Outbreak" new reason (VOF rule:OUTBREAK_0000231)` */
static void mid_quarantine_reason(ctx *c, int mi){
  add_filter(c->st, &c->st->msgs[mi], span_str(c->st, c->ev, MT_F_FILTER));
}

/* §5.3.2 `MID 142314 antivirus positive 'CXmail/RTF-D', 'CXmail/RTF-H', 'Troj/DocDrop-TJ' ` */
static void mid_av(ctx *c, int mi){
  const mt_event *ev = c->ev;
  mt_msg *m = &c->st->msgs[mi];
  m->av_final = 1;
  m->virus = span_str(c->st, ev, MT_F_VERDICT);
  if( mt_has(ev, MT_F_NAMES) ){
    const char *p = ev->f[MT_F_NAMES].p;
    int n = ev->f[MT_F_NAMES].n;
    /* drop a trailing "(released from Outbreak)" note */
    const char *par = memchr(p, '(', (size_t)n);
    if( par && par > p && (par[-1]==' ') ) n = (int)(par - p);
    m->virus_names = unquote_list(c->st, p, n, ", ");
  }
}

/* §5.3.2 `MID 24611421 interim AV verdict using Sophos CLEAN`: one engine's VIRAL outweighs
** another's CLEAN (McAfee CLEAN, then Sophos VIRAL); the final "antivirus ..." line settles it. */
static void mid_av_interim(ctx *c, int mi){
  const mt_event *ev = c->ev;
  mt_msg *m = &c->st->msgs[mi];
  if( !m->av_final && span_is(ev, MT_F_VERDICT, "VIRAL") ) m->virus = "positive";
  else if( !m->av_final && !m->virus ){
    /* CLEAN/VIRAL/UNSCANNABLE until the final line says more */
    m->virus = span_is(ev, MT_F_VERDICT, "CLEAN") ? "negative"
             : span_is(ev, MT_F_VERDICT, "VIRAL") ? "positive"
             : lower_word(c->st, ev, MT_F_VERDICT);
  }
}

/* §5.3.3 `MID 141251 AMP file reputation verdict : MALWARE` */
static void mid_amp(ctx *c, int mi){ c->st->msgs[mi].amp = span_str(c->st, c->ev, MT_F_VERDICT); }

/* §5.3.4 `MID <mid> Outbreak Filters: verdict <negative|positive>` */
static void mid_outbreak(ctx *c, int mi){ c->st->msgs[mi].outbreak = span_str(c->st, c->ev, MT_F_VERDICT); }

/* §5.3.7 `MID 68119155 SPF: mailfrom identity no-reply@redactedMailFrom.com Pass (v=spf1)` */
static void mid_spf(ctx *c, int mi){ c->st->msgs[mi].spf = lower_word(c->st, c->ev, MT_F_VERDICT); }

/* §5.3.7 `MID 68119155 DKIM: pass signature verified (d=… s=… i=…)`; the signing side
** `MID 24611495 DKIM: cannot sign - no profile matches user2@hotmail.com` is no verdict */
static void mid_dkim(ctx *c, int mi){
  if( !span_is(c->ev, MT_F_VERDICT, "cannot") && !span_is(c->ev, MT_F_VERDICT, "signing") ){
    c->st->msgs[mi].dkim = lower_word(c->st, c->ev, MT_F_VERDICT);
  }
}

/* §5.3.7 `MID <mid> DMARC: Message from domain <d>, DMARC pass (…)`, `MID <mid> DMARC: Verification passed` */
static void mid_dmarc(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  if( mt_has(c->ev, MT_F_VERDICT) ) m->dmarc = lower_word(c->st, c->ev, MT_F_VERDICT);
  else if( !m->dmarc && span_is(c->ev, MT_F_POLICY, "passed") ) m->dmarc = "pass";
  else if( !m->dmarc && span_is(c->ev, MT_F_POLICY, "failed") ) m->dmarc = "fail";
}

/* §5.4 `MID 24611507 was split creating MID 24611529 due to …` */
static void mid_split(ctx *c, int mi){ (void)mi; link_child(c, c->ev->mid, c->ev->mid2, "split"); }

/* §5.4 `MID 386736 rewritten to MID 386737 by add-footer filter 'Footer Stamping'` */
static void mid_rewritten(ctx *c, int mi){
  mt_msg *m;
  link_child(c, c->ev->mid, c->ev->mid2, "rewritten");
  m = &c->st->msgs[mi];                     /* link_child may have grown the array */
  m->rewritten = 1;
  m->why = where_of(c->s);
  add_filter(c->st, m, span_str(c->st, c->ev, MT_F_FILTER));
}

/* §5.4 `MID 24611495 was generated based on MID 24611421 by bcc filter 'FireEye_BCC'` */
static void mid_generated(ctx *c, int mi){
  const mt_event *ev = c->ev;
  (void)mi;
  link_child(c, ev->mid2, ev->mid, "generated");
  if( ev->mid2>=0 && mt_has(ev, MT_F_FILTER) ){
    /* the filter (bcc, notify) acted on the original message */
    int pi = get_msg(c, ev->mid2);
    if( pi>=0 ) add_filter(c->st, &c->st->msgs[pi], span_str(c->st, ev, MT_F_FILTER));
  }
}

/* §5.4 `MID 515 was generated for bounce of MID 511` */
static void mid_bounce_of(ctx *c, int mi){ (void)mi; link_child(c, c->ev->mid2, c->ev->mid, "bounce"); }

/* §5.4 `EUQ: Reinjected MID 4433 as MID 4449`, `MID <new> received from the SMA … (MID originally <old>)` */
static void mid_reinjected(ctx *c, int mi){
  (void)mi;
  if( c->ev->mid2>=0 ) link_child(c, c->ev->mid2, c->ev->mid, "generated");
}

/* §5.5 `MID 423370831 quarantined to "Outbreak" (VOF rule:.pif file in zip)`,
** `MID 142314 enqueued for transfer to centralized quarantine "Virus" (a/v verdict VIRAL)` */
static void mid_quarantined(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  m->quarantine = span_str(c->st, c->ev, MT_F_QNAME);
  m->quarantined = 1; m->released = 0;
  m->reason = span_str(c->st, c->ev, MT_F_REASON);
  m->why = where_of(c->s);
  add_filter(c->st, m, span_str(c->st, c->ev, MT_F_FILTER));
}

/* §5.5 `ISQ: Tagging MID 24611424 for quarantine` */
static void mid_isq(ctx *c, int mi){ to_spam_quarantine(c, &c->st->msgs[mi]); }

/* §5.5 `MID 9735 released (attachments stripped) from quarantine "Outbreak" (queue full) t=190` */
static void mid_released(ctx *c, int mi){ c->st->msgs[mi].released = 1; }

/* §5.3.5 `MID 1960958 was dropped by content filter 'dontsend' in the inbound table` */
static void mid_filter_action(ctx *c, int mi){
  const mt_event *ev = c->ev;
  mt_msg *m = &c->st->msgs[mi];
  add_filter(c->st, m, span_str(c->st, ev, MT_F_FILTER));
  if( !m->direction && mt_has(ev, MT_F_TABLE) ) m->direction = span_str(c->st, ev, MT_F_TABLE);
  if( span_is(ev, MT_F_ACTION, "dropped") ) m->dropped = 1; else m->bounced_by_filter = 1;
  m->reason = arena_str(c->st, c->s->ln.body, c->s->ln.body_len);
  m->why = where_of(c->s);
}

/* §5.6.1 `MID 24611465 queued for delivery` */
static void mid_queued(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  m->queued = 1; m->queued_at = where_of(c->s);
}

/* §5.6.2 `Message finished MID 24611465 done` */
static void mid_finished(ctx *c, int mi){
  mt_msg *m = &c->st->msgs[mi];
  m->finished = 1; m->finished_at = where_of(c->s);
}

/* §5.6.3 `Message aborted MID 24611411 Dropped by CASE`, `… Dropped by filter 'x'`,
** `… Dropped by content filter 'x' in the inbound table` */
static void mid_aborted(ctx *c, int mi){
  mt_store *st = c->st;
  mt_msg *m = &st->msgs[mi];
  const char *r = span_str(st, c->ev, MT_F_REASON);
  m->reason = r;
  m->why = where_of(c->s);
  if( r && strncmp(r, "Dropped by", 10)==0 ) m->dropped = 1;
  else if( r && strncmp(r, "Bounced by", 10)==0 ) m->bounced_by_filter = 1;
  else m->aborted = 1;
  if( r ){
    const char *q = strchr(r, '\'');
    const char *q2 = q ? strchr(q+1, '\'') : 0;
    if( q && q2 && strstr(r, "filter") ) add_filter(st, m, arena_str(st, q+1, (size_t)(q2-q-1)));
  }
}

/* §5.7.4 `MID 24611465 RID [0] Response '2.0.0 Ok: queued as 3jjSKc6HnKz4GTHJ'`: each
** recipient's response, and the attempt it answers (the recipient's last DCID) */
static void mid_response(ctx *c, int mi){
  mt_store *st = c->st;
  const char *resp = unquote_f(st, c->ev, MT_F_RESPONSE);
  rid_iter it; int64_t r;
  rid_begin(&it, c->ev);
  while( rid_next(&it, &r) ){
    int ri = get_rcpt(c, mi, r);
    int di;
    if( ri<0 ) return;
    st->rcpts[ri].response = resp;
    st->rcpts[ri].resp_at = where_of(c->s);
    di = st->rcpts[ri].cur_dlv;
    if( di>=0 ){
      st->dlvs[di].response = resp;
      if( resp && resp[0]>='2' && resp[0]<='5' && resp[1]>='0' && resp[1]<='9'
       && resp[2]>='0' && resp[2]<='9' && (resp[3]==' ' || resp[3]=='-') ){
        st->dlvs[di].smtp_code = arena_str(st, resp, 3);
      }
    }
  }
}

/* Event kind → rule; a kind without one only touches the message (its
** last time) and creates it if it is new. */
static const mid_rule mid_rules[MT_EV_COUNT] = {
  [MT_EV_MID_START] = mid_start,            [MT_EV_MID_FROM] = mid_from,
  [MT_EV_MID_RCPT] = mid_rcpt,              [MT_EV_MID_RCPT_REJECTED] = mid_rcpt_rejected,
  [MT_EV_MID_INVALID_RCPT] = mid_rcpt_rejected, [MT_EV_MID_INVALID_BOUNCE] = mid_rcpt_rejected,
  [MT_EV_MID_MESSAGE_ID] = mid_message_id,  [MT_EV_MID_SUBJECT] = mid_subject,
  [MT_EV_MID_READY] = mid_ready,            [MT_EV_MID_POLICY] = mid_policy,
  [MT_EV_MID_SPAM] = mid_spam,              [MT_EV_MID_SPAM_INTERIM] = mid_spam,
  [MT_EV_MID_GRAYMAIL] = mid_graymail,      [MT_EV_MID_DLP] = mid_dlp,
  [MT_EV_MID_URL] = mid_url,                [MT_EV_MID_SDR] = mid_sdr,
  [MT_EV_MID_TOO_BIG] = mid_too_big,        [MT_EV_MID_CUSTOM_LOG] = mid_custom_log,
  [MT_EV_MID_FILTER_TIMING] = mid_filter_timing, [MT_EV_MID_ATTACHMENT] = mid_attachment,
  [MT_EV_MID_FILE_UPLOAD] = mid_file_upload, [MT_EV_MID_QUARANTINE_REASON] = mid_quarantine_reason,
  [MT_EV_MID_AV] = mid_av,                  [MT_EV_MID_AV_INTERIM] = mid_av_interim,
  [MT_EV_MID_AMP] = mid_amp,                [MT_EV_MID_OUTBREAK] = mid_outbreak,
  [MT_EV_MID_SPF] = mid_spf,                [MT_EV_MID_DKIM] = mid_dkim,
  [MT_EV_MID_DMARC] = mid_dmarc,            [MT_EV_MID_SPLIT] = mid_split,
  [MT_EV_MID_REWRITTEN] = mid_rewritten,    [MT_EV_MID_GENERATED] = mid_generated,
  [MT_EV_MID_BOUNCE_OF] = mid_bounce_of,    [MT_EV_MID_REINJECTED] = mid_reinjected,
  [MT_EV_MID_QUARANTINED] = mid_quarantined, [MT_EV_MID_CQUARANTINE] = mid_quarantined,
  [MT_EV_MID_ISQ] = mid_isq,                [MT_EV_MID_RELEASED] = mid_released,
  [MT_EV_MID_FILTER_ACTION] = mid_filter_action, [MT_EV_MID_QUEUED] = mid_queued,
  [MT_EV_MID_FINISHED] = mid_finished,      [MT_EV_MID_ABORTED] = mid_aborted,
  [MT_EV_MID_RESPONSE] = mid_response,
};

static void on_mid(ctx *c){
  const mt_event *ev = c->ev;
  mt_store *st = c->st;
  mt_msg *m;
  int mi;
  if( ev->kind==MT_EV_MID_START ){
    mi = map_get(&st->msg_by_id, c->host, ev->mid);
    if( mi<0 || st->msgs[mi].started ) mi = new_msg(c, ev->mid);
  }else{
    mi = get_msg(c, ev->mid);
  }
  if( mi<0 ) return;
  m = &st->msgs[mi];
  msg_touch(c, m);
  if( ev->kind>0 && ev->kind<MT_EV_COUNT && mid_rules[ev->kind] ) mid_rules[ev->kind](c, mi);
}

static const char *bounce_response(mt_store *st, const mt_event *ev){
  if( !mt_has(ev, MT_F_RESPONSE) ) return 0;
  return unquote_list(st, ev->f[MT_F_RESPONSE].p, ev->f[MT_F_RESPONSE].n, " ");
}

/* "to offbox IronPort Spam Quarantine" / "to local IronPort Spam Quarantine" */
#define FIND_SPAM_Q(ev) ((ev)->f[MT_F_QNAME].n >= 15 \
  && memcmp((ev)->f[MT_F_QNAME].p + (ev)->f[MT_F_QNAME].n - 15, "Spam Quarantine", 15)==0)

static void on_delivery(ctx *c){
  const mt_event *ev = c->ev;
  mt_store *st = c->st;
  switch( ev->kind ){
    case MT_EV_DCID_NEW: {
      int di = get_dconn(c, ev->dcid, 1);
      mt_dconn *d;
      if( di<0 ) return;
      d = &st->dconns[di];
      d->start = when_of(c->s);
      d->interface_ip = span_str(st, ev, MT_F_IFACE_IP);
      d->dest_ip = span_str(st, ev, MT_F_REMOTE_IP);
      d->dest_port = span_str(st, ev, MT_F_PORT);
      break;
    }
    case MT_EV_DCID_TLS:
    case MT_EV_DCID_TLS_FAILED:
    case MT_EV_DCID_TLS_REQUIRED: {
      int di = get_dconn(c, ev->dcid, 1);
      mt_dconn *d;
      if( di<0 ) return;
      d = &st->dconns[di];
      d->tls = ev->kind==MT_EV_DCID_TLS ? 1 : 2;
      d->tls_protocol = span_str(st, ev, MT_F_TLS_PROTO);
      d->tls_cipher = span_str(st, ev, MT_F_TLS_CIPHER);
      break;
    }
    case MT_EV_DCID_CLOSE: {
      int di = get_dconn(c, ev->dcid, 1);
      if( di>=0 ) st->dconns[di].end = when_of(c->s);
      break;
    }
    case MT_EV_DCID_START: {
      int mi = get_msg(c, ev->mid);
      if( mi<0 ) return;
      rid_iter it; int64_t r;
      msg_touch(c, &st->msgs[mi]);
      if( mt_has(ev, MT_F_QNAME) && FIND_SPAM_Q(ev) ) to_spam_quarantine(c, &st->msgs[mi]);
      rid_begin(&it, ev);
      while( rid_next(&it, &r) ){
        int ri = get_rcpt(c, mi, r), di;
        if( ri<0 ) return;
        di = new_dlv(c, ev->dcid, mi, r);
        if( di<0 ) return;
        st->rcpts[ri].cur_dlv = di;
        st->dlvs[di].start = when_of(c->s);
        st->dlvs[di].why = where_of(c->s);     /* until a result line says more */
        st->dlvs[di].seen_start = 1;
        st->rcpts[ri].attempts++;
        st->rcpts[ri].dcid = ev->dcid;
      }
      break;
    }
    case MT_EV_DCID_DONE: {
      int mi = get_msg(c, ev->mid);
      if( mi<0 ) return;
      rid_iter it; int64_t r;
      int extq = span_is(ev, MT_F_VALUE, "(external quarantine)");
      msg_touch(c, &st->msgs[mi]);
      if( extq ){
        /* the name, when an earlier line gave it (ISQ, "to offbox IronPort Spam Quarantine") */
        if( !st->msgs[mi].quarantine ) st->msgs[mi].quarantine = "external quarantine";
        st->msgs[mi].quarantined = 1;
      }
      rid_begin(&it, ev);
      while( rid_next(&it, &r) ){
        int ri = get_rcpt(c, mi, r), di;
        if( ri<0 ) return;
        di = result_dlv(c, ev->dcid, mi, ri);
        if( di<0 ) return;
        st->dlvs[di].result = MT_DR_DELIVERED;
        st->dlvs[di].end = when_of(c->s);
        st->dlvs[di].why = where_of(c->s);
        if( !mt_when_set(st->dlvs[di].start) ){ st->dlvs[di].start = when_of(c->s); st->rcpts[ri].attempts++; }
        st->rcpts[ri].outcome = extq ? MT_RS_QUARANTINED : MT_RS_DELIVERED;
        st->rcpts[ri].dcid = ev->dcid;
        st->rcpts[ri].end = when_of(c->s);
      }
      break;
    }
    case MT_EV_BOUNCED:
    case MT_EV_DELAYED: {
      int mi, ri, di;
      mt_dlv *d;
      if( ev->mid<0 ) return;
      mi = get_msg(c, ev->mid);
      if( mi<0 ) return;
      msg_touch(c, &st->msgs[mi]);
      if( ev->rid<0 ) return;
      ri = get_rcpt(c, mi, ev->rid);
      if( ri<0 ) return;
      di = result_dlv(c, ev->dcid<0 ? 0 : ev->dcid, mi, ri);
      if( di<0 ) return;
      d = &st->dlvs[di];
      if( !mt_when_set(d->start) ){ d->start = when_of(c->s); st->rcpts[ri].attempts++; }
      d->end = when_of(c->s);
      d->why = where_of(c->s);
      d->result = ev->kind==MT_EV_BOUNCED ? MT_DR_BOUNCED : MT_DR_DELAYED;
      d->dsn = span_str(st, ev, MT_F_DSN);
      d->reason = span_str(st, ev, MT_F_REASON);
      d->smtp_code = span_str(st, ev, MT_F_SMTP_CODE);
      d->response = bounce_response(st, ev);
      {
        mt_rcpt *r = &st->rcpts[ri];
        r->outcome = ev->kind==MT_EV_BOUNCED ? MT_RS_BOUNCED : MT_RS_DELAYED;
        r->dcid = d->dcid;
        r->dsn = d->dsn;
        r->response = d->response;
        r->end = d->end;
        if( !r->rcpt_to && mt_has(ev, MT_F_ADDR2) ) r->rcpt_to = addr_str(st, ev, MT_F_ADDR2);
      }
      if( !st->msgs[mi].mail_from && mt_has(ev, MT_F_ADDR) ) st->msgs[mi].mail_from = addr_str(st, ev, MT_F_ADDR);
      break;
    }
    case MT_EV_DCID_ERROR: {
      int di;
      mt_dlv *d;
      if( ev->dcid<0 ) return;
      di = new_dlv(c, ev->dcid, -1, -1);
      if( di<0 ) return;
      d = &st->dlvs[di];
      d->start = d->end = when_of(c->s);
      d->why = where_of(c->s);
      d->result = MT_DR_ERROR;
      d->domain = span_str(st, ev, MT_F_DOMAIN);
      if( mt_has(ev, MT_F_REMOTE_IP) ) d->dest_ip = span_str(st, ev, MT_F_REMOTE_IP);
      if( mt_has(ev, MT_F_PORT) ) d->dest_port = span_str(st, ev, MT_F_PORT);
      d->reason = span_str(st, ev, MT_F_REASON);
      d->response = span_str(st, ev, MT_F_RESPONSE);
      break;
    }
  }
}

/* The line's clock hour for the gap finder: most lines fall in the bucket
** of the line before. */
static int note_hour(mt_store *st, const mt_scan *s, int host){
  int64_t hour = s->t_utc >= 0 ? s->t_utc/3600 : -((-s->t_utc + 3599)/3600);
  int i = st->last_hour;
  mt_hour *b;
  if( i<0 || st->hours[i].hour!=hour || st->hours[i].file!=s->ifile || st->hours[i].host!=host ){
    int64_t key = ((int64_t)s->ifile << 40) ^ (hour & (((int64_t)1 << 40) - 1));
    i = map_get(&st->hour_map, host, key);
    if( i<0 || st->hours[i].hour!=hour || st->hours[i].file!=s->ifile ){
      GROW(st, st->hours, st->nhour, st->chour);
      i = st->nhour++;
      st->hours[i].hour = hour; st->hours[i].file = s->ifile; st->hours[i].host = host;
      st->hours[i].lo = st->hours[i].hi = s->t_utc;
      if( map_put(&st->hour_map, host, key, i) ){ st->oom = 1; return -1; }
    }
    st->last_hour = i;
  }
  b = &st->hours[i];
  if( s->t_utc < b->lo ) b->lo = s->t_utc;
  if( s->t_utc > b->hi ) b->hi = s->t_utc;
  return 0;
}

/* mt_store_add; same_host: the line's host is the one host_id gave the
** line before (the walk knows: the same file's host, feed_line). */
static inline int store_add(mt_store *st, const mt_scan *s, const mt_event *ev, int same_host){
  ctx c;
  if( st->oom ) return -1;
  if( ev->kind==MT_EV_NONE && ev->mid<0 && !st->file_year_src ) return 0;
  c.st = st; c.s = s; c.ev = ev;
  c.file = s->ifile;
  c.host = same_host && st->nhost>0 && st->file_year_src ? st->last_host : host_id(st, s->host, s->host_len);
  if( c.host<0 ) return -1;
  if( s->has_time && st->file_year_src && s->ifile < st->nfile ){
    /* every timed line (known or not) tells that the host was logging */
    if( s->year_src > st->file_year_src[s->ifile] ) st->file_year_src[s->ifile] = s->year_src;
    if( s->tz_src > st->file_tz_src[s->ifile] ) st->file_tz_src[s->ifile] = s->tz_src;
    if( note_hour(st, s, c.host) ) return -1;
  }
  if( ev->kind==MT_EV_NONE && ev->mid<0 ) return 0;
  if( s->has_time && st->file_first && s->ifile < st->nfile ){
    if( s->t_utc < st->file_first[s->ifile] ) st->file_first[s->ifile] = s->t_utc;
    if( s->t_utc > st->file_last[s->ifile] ) st->file_last[s->ifile] = s->t_utc;
  }
  if( s->has_time ){
    if( st->host_first[c.host]==INT64_MAX || s->t_utc < st->host_first[c.host] ) st->host_first[c.host] = s->t_utc;
    if( st->host_last[c.host]==INT64_MIN || s->t_utc > st->host_last[c.host] ) st->host_last[c.host] = s->t_utc;
  }
  if( ev->kind==MT_EV_CEF_MESSAGE ){
    /* a Consolidated Event Log line: kept, joined at the end (cef_store.c) */
    if( mt_cef_store_add(st, s, c.host) ) st->oom = 1;
    return st->oom ? -1 : 0;
  }
  switch( ev->kind ){
    case MT_EV_ICID_NEW: case MT_EV_ICID_SBRS: case MT_EV_ICID_HAT:
    case MT_EV_ICID_DELAYED_REJECT: case MT_EV_ICID_TLS: case MT_EV_ICID_TLS_FAILED:
    case MT_EV_ICID_TLS_REQUIRED: case MT_EV_ICID_CLOSE: case MT_EV_ICID_LOST:
    case MT_EV_ICID_LOST_NO_CMD: case MT_EV_ICID_RECEIVING_FAILED:
    case MT_EV_ICID_INJECTION_FAILED: case MT_EV_ICID_DISCONNECTED:
    case MT_EV_ICID_BAD_COMMAND: case MT_EV_ICID_KILLED: case MT_EV_ICID_SENDER_REJECTED:
    case MT_EV_ICID_INVALID_SENDER:
      if( ev->icid>=0 ) on_icid(&c);
      break;
    case MT_EV_DCID_NEW: case MT_EV_DCID_START: case MT_EV_DCID_DONE: case MT_EV_DCID_CLOSE:
    case MT_EV_DCID_TLS: case MT_EV_DCID_TLS_FAILED: case MT_EV_DCID_TLS_REQUIRED:
    case MT_EV_DCID_ERROR: case MT_EV_BOUNCED: case MT_EV_DELAYED:
      if( ev->dcid>=0 || ev->mid>=0 ) on_delivery(&c);
      break;
    default:
      if( ev->mid>=0 ) on_mid(&c);
      break;
  }
  return st->oom ? -1 : 0;
}

int mt_store_add(mt_store *st, const mt_scan *s, const mt_event *ev){
  return store_add(st, s, ev, 0);
}

/* ------------------------------------------------------------------ finish */

/* A recipient that a split moved to the child: the child names the same
** address (its own RID numbering starts again at 0).  Marked `split` on the
** parent, where it no longer counts for the parent's status. */
static void mark_split_recipients(mt_store *st){
  int i, r, p;
  for(i=0; i<st->nmsg; i++){
    const mt_msg *child = &st->msgs[i];
    int pi;
    if( child->parent_mid<0 || !child->parent_relation || strcmp(child->parent_relation, "split")!=0 ) continue;
    pi = map_get(&st->msg_by_id, child->host, child->parent_mid);
    if( pi<0 ) continue;
    for(r=child->first_rcpt; r>=0; r=st->rcpts[r].next){
      const char *to = st->rcpts[r].rcpt_to;
      if( !to || st->rcpts[r].rid<0 ) continue;
      for(p=st->msgs[pi].first_rcpt; p>=0; p=st->rcpts[p].next){
        mt_rcpt *pr = &st->rcpts[p];
        if( pr->rid>=0 && !pr->outcome && pr->rcpt_to && strcasecmp(pr->rcpt_to, to)==0 ){
          pr->outcome = MT_RS_SPLIT;
        }
      }
    }
  }
}

/* A rewritten child logs no To: lines: its recipients are the parent's,
** RID for RID. */
static void inherit_rewritten_recipients(mt_store *st){
  int i, r;
  for(i=0; i<st->nmsg; i++){
    const mt_msg *child = &st->msgs[i];
    int pi;
    if( child->parent_mid<0 || !child->parent_relation || strcmp(child->parent_relation, "rewritten")!=0 ) continue;
    pi = map_get(&st->msg_by_id, child->host, child->parent_mid);
    if( pi<0 ) continue;
    for(r=child->first_rcpt; r>=0; r=st->rcpts[r].next){
      mt_rcpt *cr = &st->rcpts[r];
      int p = cr->rcpt_to || cr->rid<0 ? -1 : find_rcpt(st, pi, cr->rid);
      if( p>=0 ) cr->rcpt_to = st->rcpts[p].rcpt_to;
    }
  }
}

/* Every message's connection, children and started_before_logs flag;
** every connection's message count.  Ownership goes by reading order, not
** by time: a message belongs to the newest connection of its (host, ICID)
** read before the line that linked them (Start MID, or a To:/From: line
** naming the ICID; a restart reuses ICIDs), or, when that line came before
** every line of such a connection (lines out of time order), to the oldest.
** So no message is lost between two connections, and a connection whose
** lines are out of order keeps its messages. */
static void link_entities(mt_store *st){
  int i;
  for(i=0; i<st->nconn; i++){
    mt_conn *k = &st->conns[i];
    k->messages = 0;
    k->first_msg = -1;
    k->started_before_logs = !k->seen_new && k->icid!=0;
  }
  for(i=0; i<st->nmsg; i++) st->msgs[i].first_child = st->msgs[i].next_sibling = -1;
  /* an attempt with neither its "Delivery start" nor its "New SMTP DCID" here
  ** (DCID 0 has neither by nature) */
  for(i=0; i<st->ndlv; i++){
    mt_dlv *d = &st->dlvs[i];
    d->started_before_logs = d->dcid>0 && !d->seen_start
                          && !(d->dconn>=0 && mt_when_set(st->dconns[d->dconn].start));
  }
  for(i=st->nmsg-1; i>=0; i--){
    mt_msg *m = &st->msgs[i];
    int k, best = -1, oldest = -1;
    m->started_before_logs = !m->started && !m->linked;
    m->conn = m->next_in_conn = -1;
    if( m->parent_mid>=0 ){
      int pi = map_get(&st->msg_by_id, m->host, m->parent_mid);
      if( pi>=0 && pi!=i ){ m->next_sibling = st->msgs[pi].first_child; st->msgs[pi].first_child = i; }
    }
    if( m->icid<=0 ) continue;
    best = m->conn_hint;
    if( best<0 ){
      for(k = map_get(&st->conn_by_id, m->host, m->icid); k>=0; k = st->conns[k].prev_same) oldest = k;
    }
    m->conn = best>=0 ? best : oldest;
    if( m->conn>=0 ){
      /* walking the messages backwards: prepending keeps them in order */
      st->conns[m->conn].messages++;
      m->next_in_conn = st->conns[m->conn].first_msg;
      st->conns[m->conn].first_msg = i;
    }
  }
}

/* "2xx ..." */
static int is_2xx(const char *z){
  return z && z[0]=='2' && z[1]>='0' && z[1]<='9' && z[2]>='0' && z[2]<='9' && (z[3]==' ' || z[3]=='-' || z[3]==0);
}
static int is_2dsn(const char *z){   /* "2.0.0 OK" (a Response line without its code) */
  return z && z[0]=='2' && z[1]=='.' && z[2]>='0' && z[2]<='9';
}

static int cmp_hour(const void *pa, const void *pb){
  const mt_hour *a = pa, *b = pb;
  if( a->file!=b->file ) return a->file < b->file ? -1 : 1;
  if( a->host!=b->host ) return a->host < b->host ? -1 : 1;
  return a->hour < b->hour ? -1 : a->hour > b->hour;
}

/* Silences inside files (mt_gap): sort a copy of the hour buckets by file,
** host and hour; two neighbours more than one hour apart are a gap. */
static void find_gaps(mt_store *st){
  mt_hour *h;
  int i, n = 0;
  free(st->gaps); st->gaps = 0; st->ngap = 0;
  if( st->nhour<2 ) return;
  h = malloc(sizeof(mt_hour)*(size_t)st->nhour);
  if( !h ){ st->oom = 1; return; }
  memcpy(h, st->hours, sizeof(mt_hour)*(size_t)st->nhour);
  qsort(h, (size_t)st->nhour, sizeof(mt_hour), cmp_hour);
  for(i=1; i<st->nhour; i++){
    if( h[i].file==h[i-1].file && h[i].host==h[i-1].host && h[i].hour - h[i-1].hour >= 2 ) n++;
  }
  if( n ){
    st->gaps = malloc(sizeof(mt_gap)*(size_t)n);
    if( !st->gaps ){ st->oom = 1; free(h); return; }
    for(i=1; i<st->nhour; i++){
      if( h[i].file==h[i-1].file && h[i].host==h[i-1].host && h[i].hour - h[i-1].hour >= 2 ){
        mt_gap *g = &st->gaps[st->ngap++];
        g->file = h[i].file; g->host = h[i].host; g->from = h[i-1].hi; g->to = h[i].lo;
      }
    }
  }
  free(h);
}

/* ---------------------------------------------------------------- domains */

const char *mt_addr_domain(const char *z, size_t *n){
  const char *at = z ? strrchr(z, '@') : 0;
  if( !at || !at[1] ) return 0;
  *n = strlen(at + 1);
  /* a '"' after it: that '@' was inside a quoted local part ("a@b"): no domain */
  if( memchr(at + 1, '"', *n) ) return 0;
  return at + 1;
}

/* The distinct domains while they are gathered: their lowered bytes, each
** NUL-terminated, one after another in `text`; an open-addressing table of
** their numbers (+1, 0 empty) finds them again. */
typedef struct dom_set {
  char *text; size_t ntext, ctext;
  uint32_t *at; int n, cap;
  int *slot; size_t nslot;        /* a power of two, at least twice n */
} dom_set;

static int dom_rehash(dom_set *D){
  size_t ns = D->nslot ? D->nslot*2 : 1024, i;
  int *slot = calloc(ns, sizeof(int));
  if( !slot ) return -1;
  for(i=0; i<(size_t)D->n; i++){
    const char *t = D->text + D->at[i];
    size_t h = (size_t)hash_bytes(t, strlen(t)) & (ns - 1);
    while( slot[h] ) h = (h + 1) & (ns - 1);
    slot[h] = (int)i + 1;
  }
  free(D->slot);
  D->slot = slot; D->nslot = ns;
  return 0;
}

/* The number of domain p[0..n) (already lowered), added when new; -1 when
** memory ran out or the text passed 4 GiB. */
static int dom_id(dom_set *D, const char *p, size_t n){
  size_t h;
  if( ((size_t)D->n + 1)*2 > D->nslot && dom_rehash(D) ) return -1;
  h = (size_t)hash_bytes(p, n) & (D->nslot - 1);
  for(; D->slot[h]; h = (h + 1) & (D->nslot - 1)){
    const char *t = D->text + D->at[D->slot[h] - 1];
    if( memcmp(t, p, n)==0 && t[n]==0 ) return D->slot[h] - 1;
  }
  if( D->ntext + n + 1 > UINT32_MAX || D->n==INT32_MAX - 1 ) return -1;
  if( D->ntext + n + 1 > D->ctext ){
    size_t c = D->ctext ? D->ctext*2 : 4096;
    char *t;
    while( c < D->ntext + n + 1 ) c *= 2;
    if( !(t = realloc(D->text, c)) ) return -1;
    D->text = t; D->ctext = c;
  }
  if( mt_grow_i(&D->at, &D->cap, D->n + 1, sizeof(uint32_t)) ) return -1;
  memcpy(D->text + D->ntext, p, n);
  D->text[D->ntext + n] = 0;
  D->at[D->n] = (uint32_t)D->ntext;
  D->ntext += n + 1;
  D->slot[h] = ++D->n;
  return D->n - 1;
}

/* qsort's view of one domain: its text and its number. */
typedef struct dom_key { const char *p; int32_t id; } dom_key;
static int dom_cmp(const void *a, const void *b){
  /* NUL-terminated and without a NUL inside: strcmp's order is BINARY's */
  return strcmp(((const dom_key*)a)->p, ((const dom_key*)b)->p);
}

/* A slot of a small cache of addresses already seen, by the address's
** pointer (the store's strings are mostly interned: the same text, the same
** pointer). */
MT_WRAPS static unsigned seen_slot(const char *p, int bits){
  return (unsigned)((((uint64_t)(uintptr_t)p >> 3) * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

/* Every recipient's domain (mt_store.rcpt_dom, its `dom` below) and the
** store's sorted table of them (mt_store.dom_text, dom_at), made again
** from all recipients (dom: nrcpt entries, filled): a
** GROUP BY or ORDER BY domain then needs neither the addresses' text nor a
** hash of them (table_entities.c, domain_rows), and a store mapped from its
** image answers it from the recipients and this table alone.  0, or -1
** when out of memory. */
static int store_domains(mt_store *st, int32_t *dom){
  dom_set D;
  struct { const char *src; int id; } *seen = 0;
  dom_key *keys = 0;
  uint32_t *place = 0;
  char *fold = 0, *text = 0;
  size_t cfold = 0;
  int bits = 6, i, rc = -1;
  memset(&D, 0, sizeof(D));
  free(st->dom_text); free(st->dom_at);
  st->dom_text = 0; st->dom_at = 0; st->ndom = 0; st->ndom_text = 0;
  if( st->nrcpt==0 ) return 0;
  /* a small cache (16 KB at most: the same address comes back in messages
  ** near each other): 2^18 slots were a cache miss each, twice this pass's
  ** time over the bench log's 662,931 mostly distinct addresses */
  while( bits < 10 && ((int64_t)1 << bits) < st->nrcpt ) bits++;
  if( !(seen = calloc((size_t)1 << bits, sizeof(*seen))) ) goto done;
  for(i=0; i<st->nrcpt; i++){
    const mt_rcpt *r = &st->rcpts[i];
    size_t n = 0;
    unsigned h = seen_slot(r->rcpt_to, bits);
    const char *z;
    if( r->rcpt_to && seen[h].src==r->rcpt_to ){ dom[i] = seen[h].id; continue; }   /* this text again */
    if( !(z = mt_addr_domain(r->rcpt_to, &n)) ){ dom[i] = -1; continue; }
    if( n + 1 > cfold ){
      char *f = realloc(fold, n + 64);
      if( !f ) goto done;
      fold = f; cfold = n + 64;
    }
    ascii_lower(fold, z, n);
    if( (dom[i] = dom_id(&D, fold, n)) < 0 ) goto done;
    seen[h].src = r->rcpt_to; seen[h].id = dom[i];
  }
  /* sorted: the domains in order, each recipient's number its domain's place */
  if( D.n ){
    size_t at = 0;
    if( !(keys = malloc(sizeof(dom_key)*(size_t)D.n)) || !(place = malloc(sizeof(uint32_t)*(size_t)D.n))
     || !(text = malloc(D.ntext)) ) goto done;
    for(i=0; i<D.n; i++){ keys[i].p = D.text + D.at[i]; keys[i].id = i; }
    qsort(keys, (size_t)D.n, sizeof(dom_key), dom_cmp);
    for(i=0; i<D.n; i++){
      size_t n = strlen(keys[i].p) + 1;
      place[keys[i].id] = (uint32_t)i;
      memcpy(text + at, keys[i].p, n);
      D.at[i] = (uint32_t)at;               /* (D.at now the sorted table's) */
      at += n;
    }
    for(i=0; i<st->nrcpt; i++) if( dom[i]>=0 ) dom[i] = (int32_t)place[dom[i]];
    st->dom_text = text; st->ndom_text = (int64_t)at; text = 0;
    st->dom_at = D.at; st->ndom = D.n; D.at = 0;
  }
  rc = 0;
done:
  if( rc ) for(i=0; i<st->nrcpt; i++) dom[i] = -1;
  free(seen); free(keys); free(place); free(fold); free(text);
  free(D.text); free(D.at); free(D.slot);
  return rc;
}

/* The columns kept apart (mt_store.msg_status, rcpt_status, dlv_result,
** rcpt_dom and the domains' table), made again from the rows.  0, or -1
** when out of memory. */
static int store_columns(mt_store *st){
  int i;
  free(st->msg_status); free(st->rcpt_status); free(st->dlv_result); free(st->rcpt_dom);
  st->msg_status = st->rcpt_status = st->dlv_result = 0; st->rcpt_dom = 0;
  if( (st->nmsg && !(st->msg_status = malloc((size_t)st->nmsg)))
   || (st->nrcpt && !(st->rcpt_status = malloc((size_t)st->nrcpt)))
   || (st->nrcpt && !(st->rcpt_dom = malloc(sizeof(int32_t)*(size_t)st->nrcpt)))
   || (st->ndlv && !(st->dlv_result = malloc((size_t)st->ndlv))) ) return -1;
  for(i=0; i<st->nmsg; i++) st->msg_status[i] = st->msgs[i].status;
  for(i=0; i<st->nrcpt; i++) st->rcpt_status[i] = st->rcpts[i].status;
  for(i=0; i<st->ndlv; i++) st->dlv_result[i] = st->dlvs[i].result;
  return store_domains(st, st->rcpt_dom);
}

int mt_store_finish(mt_store *st){
  int i;
  if( st->attach ) mt_attach_finish(st->attach);
  find_gaps(st);
  if( st->cef && mt_cef_prepare(st) ){ st->oom = 1; return -1; }   /* CEF-only messages (cef_store.c) */
  /* A number that reappears on a host after a restart is a new generation:
  ** (host, id, generation) is unique (ICID 0 refusals count up too). */
  for(i=0; i<st->nconn; i++){
    int p = st->conns[i].prev_same;
    st->conns[i].generation = p>=0 ? st->conns[p].generation + 1 : 1;
  }
  for(i=0; i<st->nmsg; i++){
    int p = st->msgs[i].prev_same;
    st->msgs[i].generation = p>=0 ? st->msgs[p].generation + 1 : 1;
  }
  link_entities(st);
  /* A recipient whose only result in these logs is the destination's 2xx
  ** Response (its "Message done" is outside them) was delivered. */
  for(i=0; i<st->nrcpt; i++){
    mt_rcpt *rc = &st->rcpts[i];
    if( rc->rid>=0 && !rc->outcome && (is_2xx(rc->response) || is_2dsn(rc->response)) ) rc->outcome = MT_RS_DELIVERED;
  }
  mark_split_recipients(st);
  inherit_rewritten_recipients(st);
  for(i=0; i<st->nmsg; i++){
    mt_msg *m = &st->msgs[i];
    int n = 0, accepted = 0, delivered = 0, bounced = 0, delayed = 0, quarantined = 0, r, ch, split = 0;
    for(ch=m->first_child; ch>=0; ch=st->msgs[ch].next_sibling){
      const char *rel = st->msgs[ch].parent_relation;
      if( rel && strcmp(rel, "split")==0 ) split = 1;
    }
    for(r=m->first_rcpt; r>=0; r=st->rcpts[r].next){
      mt_rcpt *rc = &st->rcpts[r];
      if( rc->rid>=0 ) accepted++;
      if( rc->rid<0 || rc->outcome==MT_RS_SPLIT ) continue;
      n++;
      switch( rc->outcome ){
        case MT_RS_DELIVERED: delivered++; break;
        case MT_RS_BOUNCED: bounced++; break;
        case MT_RS_DELAYED: delayed++; break;
        case MT_RS_QUARANTINED: quarantined++; break;
      }
    }
    m->rcpt_count = accepted;
    if( m->dropped ) m->status = MT_MS_DROPPED;
    else if( m->bounced_by_filter ) m->status = MT_MS_BOUNCED;
    else if( m->aborted ) m->status = MT_MS_ABORTED;
    else if( n>0 && delivered==n ) m->status = MT_MS_DELIVERED;
    else if( delivered>0 ) m->status = MT_MS_PARTIAL;
    else if( delayed>0 ) m->status = MT_MS_DELAYED;
    else if( n>0 && bounced==n ) m->status = MT_MS_BOUNCED;
    else if( n>0 && quarantined==n ) m->status = MT_MS_QUARANTINED;
    else if( m->quarantined && !m->released ) m->status = MT_MS_QUARANTINED;
    else if( m->rewritten ) m->status = MT_MS_REWRITTEN;
    else if( bounced>0 && m->finished ) m->status = MT_MS_BOUNCED;   /* the rest never tried */
    else if( split ) m->status = MT_MS_SPLIT;       /* its recipients went on in the children */
    else if( m->queued || m->finished ) m->status = MT_MS_QUEUED;
    else m->status = MT_MS_INCOMPLETE;
    for(r=m->first_rcpt; r>=0; r=st->rcpts[r].next){
      mt_rcpt *rc = &st->rcpts[r];
      if( rc->rid<0 ) continue;
      if( rc->outcome ) rc->status = rc->outcome;
      else if( m->status==MT_MS_DROPPED ) rc->status = MT_RS_DROPPED;
      else if( m->status==MT_MS_ABORTED ) rc->status = MT_RS_ABORTED;   /* never received: not "dropped" by a filter */
      else if( m->status==MT_MS_QUARANTINED ) rc->status = MT_RS_QUARANTINED;
      else if( m->status==MT_MS_BOUNCED && m->bounced_by_filter ) rc->status = MT_RS_BOUNCED;
      else if( m->status==MT_MS_REWRITTEN ) rc->status = MT_RS_REWRITTEN;
      else if( m->status==MT_MS_SPLIT ) rc->status = MT_RS_SPLIT;
      else if( m->queued || m->finished ) rc->status = MT_RS_QUEUED;
      else rc->status = MT_RS_NONE;
    }
  }
  /* the Consolidated Event Log: its messages, and what it adds to mail_logs' */
  if( st->cef && mt_cef_merge(st) ) st->oom = 1;
  if( !st->oom && store_columns(st) ) st->oom = 1;
  return st->oom ? -1 : 0;
}

/* Reserve room for what `bytes` of log will likely hold, so that the big
** arrays are not copied again and again while they grow (memmove was a
** tenth of the build time).  Untouched reserved pages cost no memory (no
** huge pages are asked for the rows: they fill in order, and a lookup's
** reserve, a row of each kind per line, stays mostly empty; grow.h). */
static void reserve_rows(mt_store *st, int64_t n, int64_t per_msg){
  if( n < 256 ) return;
  if( n > 50000000 ) n = 50000000;
#define RESERVE(arr, cap, k) do{ if( !(arr) ){ void *p_ = malloc(sizeof(*(arr))*(size_t)(k)); \
    if( p_ ){ (arr) = p_; (cap) = (int)(k); } } }while(0)
  RESERVE(st->msgs, st->cmsg, n);
  RESERVE(st->conns, st->cconn, n);
  RESERVE(st->rcpts, st->crcpt, n*per_msg);
  RESERVE(st->dlvs, st->cdlv, n*per_msg);
  RESERVE(st->dconns, st->cdconn, n);
#undef RESERVE
}
static void store_reserve(mt_store *st, int64_t bytes){
  reserve_rows(st, bytes / 1500, 2);   /* a busy gateway writes ~2.4 KB of log per message */
}

void mt_store_reserve_lines(mt_store *st, int64_t lines){
  /* every row is made by a line of its own: `lines` rows of each kind at most */
  reserve_rows(st, lines, 1);
}

int64_t mt_store_footprint(const mt_store *st){
  int64_t n = (int64_t)st->nconn*(int64_t)sizeof(mt_conn) + (int64_t)st->nmsg*(int64_t)sizeof(mt_msg)
            + (int64_t)st->nrcpt*(int64_t)sizeof(mt_rcpt) + (int64_t)st->ndconn*(int64_t)sizeof(mt_dconn)
            + (int64_t)st->ndlv*(int64_t)sizeof(mt_dlv) + (int64_t)st->nhour*(int64_t)sizeof(mt_hour)
            + (int64_t)st->nicid*(int64_t)sizeof(int[2]) + (int64_t)st->nmore*(int64_t)sizeof(mt_msg_more)
            + st->ndom_text + (int64_t)st->ndom*(int64_t)sizeof(uint32_t)
            + (int64_t)st->nmsg + (int64_t)st->nrcpt*5 + (int64_t)st->ndlv;    /* the columns kept apart */
  const mt_map *m[] = { &st->conn_by_id, &st->msg_by_id, &st->dconn_by_id, &st->icid_list, &st->hour_map };
  const mt_arena *a;
  size_t i;
  for(i=0; i<sizeof(m)/sizeof(m[0]); i++) n += (int64_t)mt_hmap_bytes(&m[i]->h);
  for(a=st->arena; a; a=a->next) n += (int64_t)a->cap;
  return n;
}

/* What the AMP engine log, the anti-virus log and mail_logs' attachment
** lines say of a message's files, kept with the store (attach.h) for the
** diagnosis.  0, or -1 when out of memory. */
static inline int is_file_line(int t, const mt_event *ev){
  return t==MT_LOG_AMP || t==MT_LOG_AV
      || (t==MT_LOG_MAIL && (ev->kind==MT_EV_MID_ATTACHMENT || ev->kind==MT_EV_MID_FILE_UPLOAD));
}
static int feed_files(mt_store *st, const mt_scan *s, int t, const mt_event *ev){
  if( !is_file_line(t, ev) ) return 0;
  if( !st->attach && !(st->attach = calloc(1, sizeof(mt_attach))) ) return -1;
  st->attach->at_file = s->ifile;
  st->attach->at_lineno = s->lineno;
  st->attach->at_off = s->offset;
  return mt_attach_line(st->attach, s->host, s->host_len, s->has_time, s->t_utc, t, &s->ln, ev);
}

/* What the walk decided of a line, for the store's part (feed_line). */
enum { LN_CHECK = 1,      /* the store's size is checked against max_memory= before it */
       LN_NOFORM = 2,     /* a line without a prefix */
       LN_OVERFLOW = 4,   /* ids past 64 bits: recorded as a problem (or the walk stops
                          ** after it), never made into entities */
       LN_SAMEHOST = 8 }; /* its host is the file's, as for the last line the store took */

#if defined(__GNUC__)
# define PL_COLD __attribute__((noinline, cold))
# define PL_HOT __attribute__((always_inline))
# define PL_NOINLINE __attribute__((noinline))
#else
# define PL_COLD
# define PL_HOT
# define PL_NOINLINE
#endif

/* ids that do not fit 64 bits would all become one: never merge them.
** The problem of such a line: 0 (recorded, on_error=skip) or -1 (stop). */
PL_COLD static int line_overflow(mt_scan *s, const mt_event *ev){
  char why[160];
  snprintf(why, sizeof(why), "a %s with more digits than a 64-bit id holds (a damaged line?): "
           "not used (on_error=skip goes on without it)", mt_event_overflow(ev));
  return mt_scan_line_error(s, why);
}

/* The walk's part of one line (s the current line): its log type *t and
** event, and the flags above.  0, or -1 when the walk stops after this line
** (an id overflow without on_error=skip: s->rc, s->err). */
static inline int walk_line(mt_scan *s, uint32_t *turns, const char **last_host, mt_event *ev,
                            int *t, int *flags){
  *flags = (++*turns & 0x3fff)==0 ? LN_CHECK : 0;
  *t = 0;
  if( s->ln.form==MT_FORM_NONE ){ *flags |= LN_NOFORM; return 0; }
  *t = mt_line_event(&s->ln, s->file_type, ev);
  if( !mt_logtype_is_mail(*t) && (*t!=MT_LOG_CEF || ev->kind!=MT_EV_CEF_MESSAGE) ) return 0;
  if( mt_event_overflow(ev) ){
    *flags |= LN_OVERFLOW;
    if( line_overflow(s, ev) ) return -1;
    return 0;
  }
  /* the store takes this line: is its host the last one's?  Only a host
  ** that is not in the line (the file's: host= or its folder's name) is
  ** a string that stays where it is */
  if( s->ln.host ){
    *last_host = 0;
  }else{
    if( s->host==*last_host ) *flags |= LN_SAMEHOST;
    *last_host = s->host;
  }
  return 0;
}

/* The error of a store past its budget at line `lineno` of file `ifile`:
** MT_LIMIT and *pErr (malloc'd), or MT_NOMEM. */
PL_COLD static mt_rc over_cap(const mt_filelist *files, const mt_opts *opts, int ifile, int64_t lineno,
                      int64_t cap, char **pErr){
  /* a gzip bomb, or logs larger than this machine should hold at once */
  char why[200];
  const char *path = files->a[ifile].path;
  size_t n;
  snprintf(why, sizeof(why), "the entity store would exceed max_memory=%lldM (%s): narrow the "
           "sources, look ids up (the offset index), or raise max_memory=",
           (long long)(cap >> 20), opts->max_memory > 0 ? "as set" : "half of this machine's memory");
  n = strlen(path) + strlen(why) + 48;
  *pErr = malloc(n);
  if( *pErr ) snprintf(*pErr, n, "%s: line %lld: %s", path, (long long)lineno, why);
  return *pErr ? MT_LIMIT : MT_NOMEM;
}

/* The store's part of one line (s its context, t and ev what walk_line
** made of it), the budget checked first.  MT_OK, MT_NOMEM, or MT_LIMIT
** (*pErr). */
PL_HOT static inline mt_rc feed_line(mt_store *st, const mt_scan *s, int t, const mt_event *ev, int flags,
                       int64_t cap, char **pErr){
  if( (flags & LN_CHECK) && mt_store_footprint(st) > cap ){
    return over_cap(s->files, s->opts, s->ifile, s->lineno, cap, pErr);
  }
  if( st->file_lines && s->ifile < st->nfile ) st->file_lines[s->ifile]++;
  if( flags & LN_NOFORM ){
    /* a line without a prefix in a file whose name gives another log
    ** (antivirus.current's engine details): part of that log */
    if( s->file_type>MT_LOG_NONE && s->file_type<MT_LOG_COUNT && !mt_logtype_is_mail(s->file_type) ){
      st->other_log_lines++; st->other_log_types |= 1u<<s->file_type;
    }
    return MT_OK;
  }
  if( st->file_tz ) st->file_tz[s->ifile] = s->tz_off;
  /* only mail_logs lines make entities (logtype.h: the bounce log's
  ** "Bounced: 123:0" is not a delivery), and the Consolidated Event
  ** Log's, a source of its own (cef_store.c) */
  if( !mt_logtype_is_mail(t) ){
    if( t>MT_LOG_NONE && t<MT_LOG_COUNT ){ st->other_log_lines++; st->other_log_types |= 1u<<t; }
    if( is_file_line(t, ev) && feed_files(st, s, t, ev) ) return MT_NOMEM;
    if( t!=MT_LOG_CEF || ev->kind!=MT_EV_CEF_MESSAGE ) return MT_OK;
  }else if( is_file_line(t, ev) && feed_files(st, s, t, ev) ) return MT_NOMEM;
  if( flags & LN_OVERFLOW ) return MT_OK;
  if( ev->kind!=MT_EV_NONE && st->file_known && s->ifile < st->nfile ) st->file_known[s->ifile]++;
  if( store_add(st, s, ev, flags & LN_SAMEHOST) ) return MT_NOMEM;
  return MT_OK;
}

/* Drop the problems s recorded after its first n. */
static void keep_problems(mt_scan *s, int n){
  int i;
  for(i=n; i<s->nproblem; i++){ free(s->problems[i].file); free(s->problems[i].message); }
  if( n < s->nproblem ) s->nproblem = n;
}

/* Feed every line of a scan to the store, then derive the statuses, on
** this thread alone.  MT_OK, or what stopped it (s->err says more, for the
** scan's codes). */
static mt_rc feed(mt_store *st, mt_scan *s){
  mt_event ev;
  int rc, t, flags;
  int64_t cap = mt_opts_max_memory(s->opts);
  uint32_t turns = 0;
  const char *last_host = 0;
  while( (rc = mt_scan_next(s))==1 ){
    int nprob = s->nproblem;
    int stop = walk_line(s, &turns, &last_host, &ev, &t, &flags);
    char *err = 0;
    mt_rc r = feed_line(st, s, t, &ev, flags, cap, &err);
    if( r!=MT_OK ){
      /* (the budget is checked before the line's own problem) */
      if( r==MT_LIMIT ) keep_problems(s, nprob);
      if( err ){ free(s->err); s->err = err; }
      return r;
    }
    if( stop ) return s->rc;
  }
  if( rc<0 ) return s->rc!=MT_OK ? s->rc : MT_ERROR;
  if( mt_store_finish(st) ) return MT_NOMEM;
  return MT_OK;
}

/* ------------------------------------------------------------ the pipeline */

/* The build on two threads: this one walks the files and parses each line
** (mt_scan_next, the line's context, mt_line_event: walk_line), and hands
** the lines over in batches, in log order, to a helper thread that feeds
** them to the store (feed_line, then mt_store_finish).  A batch holds a
** copy of each line and what the walk made of it, every pointer kept as an
** offset into that copy; PL_NBATCH batches at most are in flight.
**
** Everything the single-thread build says, this one says the same: the
** walk's thread keeps the scan (its stop question, progress, problems,
** errors naming the file and line); the store's errors (max_memory=, out
** of memory) stop the walk, and the scan's statistics and problems are
** then put back as they were at that line.  Whichever stop comes first in
** log order is the answer, as when one thread reads line after line. */

#define PL_NBATCH 8
#define PL_LINES 2048
#define PL_TEXT (768*1024)

typedef struct pl_span { uint32_t off; int32_t n; } pl_span;

typedef struct pl_rec {
  int64_t offset, lineno, t_local, t_utc;
  int64_t files_opened, bytes_read, lines_parsed;   /* the scan's statistics after the line */
  int64_t icid, mid, dcid, rid, mid2;               /* the event */
  uint64_t have;
  uint32_t text, len;          /* the line's copy in the batch's text */
  int32_t host, ln_body;       /* offsets in the text of s->host and ln.body, -1 for NULL */
  uint32_t body_len;           /* of the line only its form and body: what the store reads */
  int form;
  uint32_t span;               /* its first span (one per bit of `have`) */
  int host_len, ifile, file_type, tz_off, t, flags, kind, nrid;
  int nprob_scan, nprob_line;  /* problems recorded before it, and with it */
  unsigned char has_time, year_src, tz_src;
} pl_rec;

typedef struct pl_batch {
  pl_rec rec[PL_LINES];
  int nrec;
  pl_span *sp; uint32_t nsp, csp;
  char *text; size_t ntext, ctext;
  const char *host_p; int host_n; int64_t host_o;   /* a host copied into text */
  int end;                     /* the walk's last batch: then end_rc */
  mt_rc end_rc;
} pl_batch;

typedef struct pl_pipe {
  pthread_mutex_t mu;
  pthread_cond_t filled, emptied;
  pl_batch *b[PL_NBATCH];
  uint64_t nput, ntake;        /* batches handed over, taken back */
  int stop;                    /* the store stopped: the walk ends */
  /* the store's side */
  mt_store *st;
  const mt_filelist *files;
  const mt_opts *opts;
  int64_t cap;
  mt_rc rc;                    /* the store's own stop (MT_OK: none) ... */
  char *err;
  pl_rec at;                   /* ... at this line */
  mt_rc end_rc;                /* the walk's end, as the store saw it */
  int finish_nomem;            /* mt_store_finish ran out of memory */
} pl_pipe;

/* How many threads the build may use: mt_threads_allowed (MAILTRACE_THREADS,
** else the CPUs it may run on), as the offset index pass.  With a CPU free, two
** threads build the 1 GiB bench log's store in 0.55-0.75 of the time of one
** for 15-30 % more CPU; with the other CPU busy they take about 10 % longer
** (docs/tables.md, "How the whole-log store is built: two threads");
** MAILTRACE_THREADS=1 keeps one. */
static int pl_threads(void){
  long n = mt_threads_allowed();
  return n > 64 ? 64 : (int)n;
}

/* Room for n more bytes of text and k more spans in batch b.  0 or -1. */
PL_NOINLINE static int pl_grow(pl_batch *b, size_t n, uint32_t k){
  if( b->ntext + n > b->ctext ){
    size_t c = b->ctext ? b->ctext : PL_TEXT + 4096;
    char *z;
    while( c < b->ntext + n ) c *= 2;
    if( !(z = realloc(b->text, c)) ) return -1;
    b->text = z; b->ctext = c;
  }
  if( b->nsp + k > b->csp ){
    uint32_t c = b->csp ? b->csp : PL_LINES*8;
    pl_span *z;
    while( c < b->nsp + k ) c *= 2;
    if( !(z = realloc(b->sp, sizeof(pl_span)*c)) ) return -1;
    b->sp = z; b->csp = c;
  }
  return 0;
}
static inline int pl_room(pl_batch *b, size_t n, uint32_t k){
  return (b->ntext + n > b->ctext || b->nsp + k > b->csp) ? pl_grow(b, n, k) : 0;
}

/* p[0..n), not inside the line: copied after it.  Its offset, or -2 (out
** of memory). */
PL_NOINLINE static int64_t pl_copy(pl_batch *b, const char *p, size_t n){
  if( pl_room(b, n, 0) ) return -2;
  memcpy(b->text + b->ntext, p, n);
  b->ntext += n;
  return (int64_t)(b->ntext - n);
}

/* The offset in b's text of p[0..n) (NULL: -1): inside the line copied at
** `at` (line: where it was), else copied after it.  -2: out of memory. */
static inline int64_t pl_ptr(pl_batch *b, const char *line, size_t len, uint32_t at, const char *p, size_t n){
  if( p >= line && p + n <= line + len ) return (int64_t)at + (p - line);
  return p ? pl_copy(b, p, n) : -1;
}

/* Put the current line of s, with what walk_line made of it, into b.
** 0, or -1 (out of memory). */
static int pl_put(pl_batch *b, const mt_scan *s, const mt_event *ev, int t, int flags, int nprob_scan){
  pl_rec *r = &b->rec[b->nrec];
  const char *line = s->line;
  size_t len = s->len;
  uint32_t at;
  int64_t o0, o3;
  if( pl_room(b, len + 1, MT_F_COUNT) ) return -1;
  at = (uint32_t)b->ntext;
  memcpy(b->text + at, line, len);
  b->text[at + len] = 0;
  b->ntext += len + 1;
  r->text = at; r->len = (uint32_t)len;
  if( s->host==b->host_p && s->host_len==b->host_n && s->host ){
    o0 = b->host_o;       /* the file's host (its folder's name): copied once a batch */
  }else{
    o0 = pl_ptr(b, line, len, at, s->host, (size_t)s->host_len);
    if( o0>=0 && !(s->host >= line && s->host < line + len) ){
      b->host_p = s->host; b->host_n = s->host_len; b->host_o = o0;
    }
  }
  o3 = pl_ptr(b, line, len, at, s->ln.body, s->ln.body_len);
  if( o0==-2 || o3==-2 ) return -1;
  r->host = (int32_t)o0; r->ln_body = (int32_t)o3;
  r->form = s->ln.form; r->body_len = (uint32_t)s->ln.body_len;
  r->offset = s->offset; r->lineno = s->lineno; r->t_local = s->t_local; r->t_utc = s->t_utc;
  r->files_opened = s->stats.files_opened; r->bytes_read = s->stats.bytes_read;
  r->lines_parsed = s->stats.lines_parsed;
  r->host_len = s->host_len; r->ifile = s->ifile; r->file_type = s->file_type; r->tz_off = s->tz_off;
  r->has_time = (unsigned char)s->has_time; r->year_src = s->year_src; r->tz_src = s->tz_src;
  r->t = t; r->flags = flags;
  r->nprob_scan = nprob_scan; r->nprob_line = s->nproblem;
  r->span = b->nsp;
  if( flags & LN_NOFORM ){
    r->kind = MT_EV_NONE; r->have = 0;
    r->icid = r->mid = r->dcid = r->rid = r->mid2 = -1; r->nrid = 0;
  }else{
    uint64_t h = ev->have;
    pl_span *sp = b->sp + b->nsp;
    r->kind = ev->kind; r->have = ev->have; r->nrid = ev->nrid;
    r->icid = ev->icid; r->mid = ev->mid; r->dcid = ev->dcid; r->rid = ev->rid; r->mid2 = ev->mid2;
    while( h ){
      const mt_span *f = &ev->f[__builtin_ctzll(h)];
      int64_t off = pl_ptr(b, line, len, at, f->p, (size_t)f->n);
      if( off==-2 ) return -1;
      sp->off = (uint32_t)off; sp->n = f->n;
      sp++;
      h &= h - 1;
    }
    b->nsp = (uint32_t)(sp - b->sp);
  }
  b->nrec++;
  return 0;
}

/* Record r of b as the line of scan v (a view: only what the store reads)
** and event ev. */
static void pl_get(const pl_batch *b, const pl_rec *r, mt_scan *v, mt_event *ev){
  const char *base = b->text;
  uint64_t h = r->have;
  uint32_t i = r->span;
  v->line = base + r->text; v->len = r->len;
  /* the store reads the line's body (entities.c, attach.c, cef_store.c);
  ** its syslog host and tag are in s->host and the log type, its time in
  ** t_local and t_utc (v->ln's other fields stay 0) */
  v->ln.form = r->form;
  v->ln.body = r->ln_body>=0 ? base + r->ln_body : 0;
  v->ln.body_len = r->body_len;
  v->host = r->host>=0 ? base + r->host : 0; v->host_len = r->host_len;
  v->offset = r->offset; v->lineno = r->lineno; v->t_local = r->t_local; v->t_utc = r->t_utc;
  v->ifile = r->ifile; v->file_type = r->file_type; v->tz_off = r->tz_off;
  v->has_time = r->has_time; v->year_src = r->year_src; v->tz_src = r->tz_src;
  ev->kind = r->kind; ev->have = r->have; ev->nrid = r->nrid;
  ev->icid = r->icid; ev->mid = r->mid; ev->dcid = r->dcid; ev->rid = r->rid; ev->mid2 = r->mid2;
  while( h ){
    int f = __builtin_ctzll(h);
    h &= h - 1;
    ev->f[f].p = base + b->sp[i].off; ev->f[f].n = b->sp[i].n;
    i++;
  }
}

/* The store's thread: every batch in order, then mt_store_finish. */
static void *pl_store(void *arg){
  pl_pipe *P = arg;
  mt_scan v;
  mt_event ev;
  memset(&v, 0, sizeof(v));
  v.files = P->files;
  v.opts = P->opts;
  for(;;){
    pl_batch *b;
    int i, end;
    pthread_mutex_lock(&P->mu);
    while( P->ntake==P->nput ) pthread_cond_wait(&P->filled, &P->mu);
    b = P->b[P->ntake % PL_NBATCH];
    pthread_mutex_unlock(&P->mu);
    for(i=0; i<b->nrec; i++){
      mt_rc r;
      char *err = 0;
      pl_get(b, &b->rec[i], &v, &ev);
      r = feed_line(P->st, &v, b->rec[i].t, &ev, b->rec[i].flags, P->cap, &err);
      if( r!=MT_OK ){
        P->err = err;
        P->at = b->rec[i];
        pthread_mutex_lock(&P->mu);
        P->rc = r;
        P->stop = 1;
        pthread_cond_signal(&P->emptied);
        pthread_mutex_unlock(&P->mu);
        return 0;
      }
    }
    end = b->end;
    if( end ){
      P->end_rc = b->end_rc;
      if( b->end_rc==MT_OK && mt_store_finish(P->st) ) P->finish_nomem = 1;
    }
    pthread_mutex_lock(&P->mu);
    P->ntake++;
    pthread_cond_signal(&P->emptied);
    pthread_mutex_unlock(&P->mu);
    if( end ) return 0;
  }
}

/* Hand batch b over to the store's thread; the next empty one, or NULL
** when the store stopped. */
static pl_batch *pl_hand(pl_pipe *P, pl_batch *b){
  pl_batch *n = 0;
  pthread_mutex_lock(&P->mu);
  (void)b;
  P->nput++;
  pthread_cond_signal(&P->filled);
  while( !P->stop && P->nput - P->ntake >= PL_NBATCH ) pthread_cond_wait(&P->emptied, &P->mu);
  if( !P->stop ){
    n = P->b[P->nput % PL_NBATCH];
    n->nrec = 0; n->nsp = 0; n->ntext = 0; n->end = 0; n->host_p = 0;
  }
  pthread_mutex_unlock(&P->mu);
  return n;
}

/* feed() on two threads (see above).  -1 when the pipeline cannot start
** (no memory for its batches, no thread): then nothing was read. */
static int feed_pipelined(mt_store *st, mt_scan *s, mt_rc *prc){
  pl_pipe P;
  pthread_t th;
  pl_batch *b;
  mt_event ev;
  int i, rc, t, flags, walk_stop = 0, started;
  uint32_t turns = 0;
  const char *last_host = 0;
  sigset_t all, old;
  memset(&P, 0, sizeof(P));
  for(i=0; i<PL_NBATCH; i++){
    if( !(P.b[i] = calloc(1, sizeof(pl_batch))) || pl_grow(P.b[i], PL_TEXT + 4096, PL_LINES*8) ) break;
  }
  if( i<PL_NBATCH
   || pthread_mutex_init(&P.mu, 0) ){
    for(i=0; i<PL_NBATCH; i++) if( P.b[i] ){ free(P.b[i]->text); free(P.b[i]->sp); free(P.b[i]); }
    return -1;
  }
  pthread_cond_init(&P.filled, 0);
  pthread_cond_init(&P.emptied, 0);
  P.st = st; P.files = s->files; P.opts = s->opts; P.cap = mt_opts_max_memory(s->opts);
  /* signals (the shell's Ctrl-C) stay the calling thread's, as on one thread */
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  started = pthread_create(&th, 0, pl_store, &P)==0;
  pthread_sigmask(SIG_SETMASK, &old, 0);
  if( !started ){
    pthread_cond_destroy(&P.filled); pthread_cond_destroy(&P.emptied); pthread_mutex_destroy(&P.mu);
    for(i=0; i<PL_NBATCH; i++){ free(P.b[i]->text); free(P.b[i]->sp); free(P.b[i]); }
    return -1;
  }
  b = P.b[0];
  rc = 1;
  while( b ){
    mt_rc end = MT_OK;
    int nprob;
    if( walk_stop || (rc = mt_scan_next(s))!=1 ){
      /* the walk's end: its own stop after a line, an error, or the last line */
      end = walk_stop ? s->rc : rc<0 ? (s->rc!=MT_OK ? s->rc : MT_ERROR) : MT_OK;
      b->end = 1; b->end_rc = end;
      pl_hand(&P, b);
      break;
    }
    nprob = s->nproblem;
    walk_stop = walk_line(s, &turns, &last_host, &ev, &t, &flags);
    if( pl_put(b, s, &ev, t, flags, nprob) ){
      /* the walk ran out of memory: the store's part of the lines before
      ** it still goes first (one of them may stop it earlier) */
      b->end = 1; b->end_rc = MT_NOMEM;
      pl_hand(&P, b);
      break;
    }
    if( b->nrec==PL_LINES || b->ntext >= PL_TEXT ) b = pl_hand(&P, b);
  }
  pthread_join(th, 0);
  if( P.rc!=MT_OK ){
    /* the store stopped at line P.at: the walk as it was then */
    if( P.err ){ free(s->err); s->err = P.err; P.err = 0; }
    s->rc = P.rc;
    s->stats.files_opened = P.at.files_opened;
    s->stats.bytes_read = P.at.bytes_read;
    s->stats.lines_parsed = P.at.lines_parsed;
    keep_problems(s, P.rc==MT_LIMIT ? P.at.nprob_scan : P.at.nprob_line);
    *prc = P.rc;
  }else{
    *prc = P.end_rc!=MT_OK ? P.end_rc : P.finish_nomem ? MT_NOMEM : MT_OK;
  }
  pthread_cond_destroy(&P.filled); pthread_cond_destroy(&P.emptied); pthread_mutex_destroy(&P.mu);
  for(i=0; i<PL_NBATCH; i++){ free(P.b[i]->text); free(P.b[i]->sp); free(P.b[i]); }
  return 0;
}

static void scan_ends_into(mt_store *st, mt_scan *s){
  s->end_off = st->file_end_off;
  s->end_line = st->file_end_line;
  s->end_nl = st->file_end_nl;
}

mt_store *mt_store_open(const mt_filelist *files, int reserve){
  mt_store *st = mt_store_new();
  int i;
  size_t nf = (size_t)(files->n ? files->n : 1);
  if( !st ) return 0;
  st->files = calloc(nf, sizeof(char*));
  if( !st->files ){ mt_store_free(st); return 0; }
  for(i=0; i<files->n; i++){
    st->files[i] = strdup(files->a[i].path);
    if( !st->files[i] ){ st->nfile = i; mt_store_free(st); return 0; }
  }
  st->nfile = files->n;
  st->file_first = malloc(sizeof(int64_t)*nf);
  st->file_last = malloc(sizeof(int64_t)*nf);
  st->file_end_off = calloc(nf, sizeof(int64_t));
  st->file_end_line = calloc(nf, sizeof(int64_t));
  st->file_end_nl = calloc(nf, 1);
  st->file_tz = calloc(nf, sizeof(int));
  st->file_year_src = calloc(nf, 1);
  st->file_tz_src = calloc(nf, 1);
  st->last_hour = -1;
  st->file_lines = calloc(nf, sizeof(int64_t));
  st->file_known = calloc(nf, sizeof(int64_t));
  if( !st->file_first || !st->file_last || !st->file_end_off || !st->file_end_line
   || !st->file_end_nl || !st->file_tz || !st->file_year_src || !st->file_tz_src
   || !st->file_lines || !st->file_known ){
    mt_store_free(st); return 0;
  }
  for(i=0; i<files->n; i++){ st->file_first[i] = INT64_MAX; st->file_last[i] = INT64_MIN; }
  if( reserve ){
    int64_t bytes = 0;
    for(i=0; i<files->n; i++){
      const char *pth = files->a[i].path;
      size_t L = strlen(pth);
      bytes += (L>3 && strcmp(pth+L-3, ".gz")==0) ? files->a[i].size*7 : files->a[i].size;
    }
    store_reserve(st, bytes);
  }
  return st;
}

/* The message of a failed feed: the scan's (naming the file and line or
** byte), or the code's name when it has none. */
static char *feed_err(mt_rc rc, const mt_scan *s){
  return rc!=MT_NOMEM && s->err ? strdup(s->err) : strdup(mt_rc_name(rc));
}

mt_rc mt_store_build(const mt_filelist *files, const mt_opts *opts,
                     mt_stats *stats, mt_problem **problems, int *nproblem, mt_store **pst, char **pzErr,
                     int (*should_stop)(void*), void *stop_arg){
  mt_store *st = mt_store_open(files, 1);
  mt_scan s;
  mt_rc rc;
  *pzErr = 0;
  *pst = 0;
  if( !st ){ *pzErr = strdup(mt_rc_name(MT_NOMEM)); return MT_NOMEM; }
  mt_scan_init(&s, files, opts);
  s.should_stop = should_stop;
  s.stop_arg = stop_arg;
  scan_ends_into(st, &s);
  if( pl_threads() < 2 || feed_pipelined(st, &s, &rc) ) rc = feed(st, &s);
  if( stats ) *stats = s.stats;
  if( problems ){ *problems = s.problems; *nproblem = s.nproblem; s.problems = 0; s.nproblem = 0; }
  if( rc!=MT_OK ){
    *pzErr = feed_err(rc, &s);
    mt_scan_end(&s);
    mt_store_free(st);
    return rc;
  }
  mt_scan_end(&s);
  *pst = st;
  return MT_OK;
}

int mt_store_can_extend(const mt_store *st, int ifile){
  /* Not a file read before its first 4 KiB were written, without its
  ** "Time offset" header then: a header there now holds from line 1 (scan.c),
  ** so the lines read before need it too: build again.  Nor a store that
  ** has joined Consolidated Event Log lines: a join went to
  ** the newest message of its MID then, and a CEF-only message was made for
  ** a MID mail_logs had not shown yet; the lines read on could change both
  ** (cef_store.c joins once, at the end of a build). */
  return ifile>=0 && ifile<st->nfile && st->file_end_off && st->file_end_nl[ifile]
      && (st->file_end_off[ifile] >= MT_TZ_HEADER_SPAN || st->file_tz_src[ifile]==MT_SRC_LINE)
      && !st->cef;
}

/* Does a host that logged in file `ifile` also log in a file after it?
** Then the lines appended to `ifile` would meet that host's later
** connections and messages (the same number again, a restart's or ICID 0's)
** in another order than a build from scratch, which reads `ifile` first:
** other generations, lines joined to another entity.  A store is read on
** only when the answer is no (a gateway's own folder: its mail.current is
** its last file).  1 yes, 0 no, -1 out of memory. */
static int host_logs_later(const mt_store *st, int ifile){
  unsigned char *mine;
  int64_t i;
  int yes = 0;
  if( st->nhost<=0 ) return 0;
  mine = calloc((size_t)st->nhost, 1);
  if( !mine ) return -1;
  for(i=0; i<st->nhour; i++){
    const mt_hour *h = &st->hours[i];
    if( h->file==ifile && h->host>=0 && h->host<st->nhost ) mine[h->host] = 1;
  }
  for(i=0; i<st->nhour && !yes; i++){
    const mt_hour *h = &st->hours[i];
    if( h->file>ifile && h->host>=0 && h->host<st->nhost && mine[h->host] ) yes = 1;
  }
  free(mine);
  return yes;
}

mt_rc mt_store_extend(mt_store *st, const mt_filelist *files, const mt_opts *opts, int ifile,
                      mt_stats *stats, char **pzErr, int (*should_stop)(void*), void *stop_arg){
  mt_scan s;
  mt_rc rc;
  int later;
  *pzErr = 0;
  if( !mt_store_can_extend(st, ifile) || files->n!=st->nfile ){ *pzErr = strdup("cannot extend"); return MT_ERROR; }
  if( (later = host_logs_later(st, ifile))!=0 ){
    *pzErr = strdup(later<0 ? "out of memory" : "cannot extend: its host logs in a later file too");
    return later<0 ? MT_NOMEM : MT_CHANGED;
  }
  mt_scan_init(&s, files, opts);
  s.should_stop = should_stop;
  s.stop_arg = stop_arg;
  scan_ends_into(st, &s);
  /* only the grown file: the files after it in the list (another gateway's
  ** folder) are in the store already */
  s.one_file = 1;
  if( mt_scan_seek(&s, ifile, st->file_end_off[ifile], st->file_end_line[ifile] + 1)==0 ){
    /* the file's own offset, read from its header the first time */
    s.tz_off = st->file_tz[ifile];
    s.tz_from_header = 1;
    rc = feed(st, &s);
    /* (the new lines may name a host the file had not shown before) */
    if( rc==MT_OK && (later = host_logs_later(st, ifile))!=0 ) rc = later<0 ? MT_NOMEM : MT_CHANGED;
  }else{
    rc = s.rc!=MT_OK ? s.rc : MT_ERROR;
  }
  if( stats ) *stats = s.stats;
  if( rc!=MT_OK ) *pzErr = feed_err(rc, &s);
  mt_scan_end(&s);
  return rc;
}

/* ----------------------------------------------------------------- lookups */

int mt_store_conn(const mt_store *st, int host, int64_t icid){ return map_get(&st->conn_by_id, host, icid); }
int mt_store_msg(const mt_store *st, int host, int64_t mid){ return map_get(&st->msg_by_id, host, mid); }
int mt_store_first_msg_of_icid(const mt_store *st, int host, int64_t icid){
  int h = map_get(&st->icid_list, host, icid);
  return h>=0 ? st->icid_heads[h][0] : -1;
}
int mt_store_first_dlv_of_dcid(const mt_store *st, int host, int64_t dcid){
  int k = map_get(&st->dconn_by_id, host, dcid);
  return k>=0 ? st->dconns[k].first_dlv : -1;
}
int mt_store_first_dlv_of_mid(const mt_store *st, int host, int64_t mid){
  int m = map_get(&st->msg_by_id, host, mid);
  return m>=0 ? st->msgs[m].first_dlv : -1;
}

/* ---------------------------------------------------- other sources */

const char *mt_store_str(mt_store *st, const char *p, size_t n){
  return arena_str(st, p, n);
}

int mt_store_new_msg(mt_store *st, int host, int64_t mid, int64_t icid, mt_where at, mt_when when){
  mt_scan s;
  ctx c;
  int mi;
  memset(&s, 0, sizeof(s));
  s.ifile = at.file; s.lineno = at.lineno; s.offset = at.off;
  s.has_time = mt_when_set(when);
  s.t_local = when.local; s.t_utc = s.has_time ? mt_when_utc(when) : 0;
  c.st = st; c.s = &s; c.ev = 0; c.host = host; c.file = at.file;
  mi = new_msg(&c, mid);
  if( mi<0 ) return -1;
  st->msgs[mi].first = when;
  set_msg_icid(&c, mi, icid, 1);      /* found by `icid = ?` like any message */
  return st->oom ? -1 : mi;
}

int mt_store_new_rcpt(mt_store *st, int mi, int64_t rid){
  ctx c;
  memset(&c, 0, sizeof(c));
  c.st = st;
  return new_rcpt(&c, mi, rid);
}

const char *mt_msg_status_name(int s){
  static const char *const az[] = { 0, "delivered", "partially delivered", "bounced", "delayed",
    "quarantined", "dropped", "aborted", "rewritten", "queued", "incomplete", "split" };
  return (s>0 && s<=MT_MS_SPLIT) ? az[s] : 0;
}
const char *mt_rcpt_status_name(int s){
  static const char *const az[] = { 0, "delivered", "bounced", "delayed", "queued", "dropped",
    "quarantined", "rejected", "split", "rewritten", "aborted" };
  return (s>0 && s<=MT_RS_ABORTED) ? az[s] : 0;
}
const char *mt_dlv_result_name(int r){
  static const char *const az[] = { 0, "delivered", "bounced", "delayed", "error" };
  return (r>0 && r<=MT_DR_ERROR) ? az[r] : 0;
}

/* ------------------------------------------------ for the saved image */

/* What storefile.c needs of the store's private parts (the arena, the
** maps' lookup caches), and nothing more. */

const char *mt_store_arena_next(const mt_store *st, const void **pIter, size_t *pLen){
  const mt_arena *a = *pIter ? ((const mt_arena*)*pIter)->next : st->arena;
  *pIter = a;
  if( !a ){ *pLen = 0; return 0; }
  *pLen = a->used;
  return a->data;
}

char *mt_store_arena_adopt(mt_store *st, size_t n){
  mt_arena *b = malloc(sizeof(mt_arena) + (n ? n : 1));
  if( !b ) return 0;
  b->used = b->cap = n;           /* full: the next string starts a chunk of its own */
  b->next = st->arena;
  st->arena = b;
  return b->data;
}

int mt_store_map_ready(mt_map *m){
  int i;
  if( m->recent || m->h.cap==0 ) return 0;
  m->recent = malloc(sizeof(struct mt_slot)*MT_RECENT);
  if( !m->recent ) return -1;
  for(i=0; i<MT_RECENT; i++) m->recent[i].v = -1;
  if( !m->h.first ) m->h.first = MT_MAP_FIRST;
  return 0;
}
