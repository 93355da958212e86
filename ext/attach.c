/* SPDX-License-Identifier: MIT */
/*
** attach.c — the files of each message across mail_logs and the AMP engine
** log (attach.h).
**
**   SELECT mid, filename, disposition, retro_verdict FROM mailtrace_files('/var/log/esa/');
**
** Rows are found by MID through the hash map (hashmap.h: MID → the last
** row of that MID; rows of one MID are chained), so a log of millions
** of messages costs one probe per line that names a file.
*/
#include "grow.h"
#include "attach.h"
#include "logtype.h"
#include "amp.h"
#include "av.h"

#include <stdlib.h>
#include <string.h>

static char *dup_span(const char *p, int n){
  char *z;
  if( !p || n<0 ) return 0;
  z = malloc((size_t)n + 1);
  if( !z ) return 0;
  memcpy(z, p, (size_t)n);
  z[n] = 0;
  return z;
}

static int span_is(const char *z, const char *p, int n){
  return z && (int)strlen(z)==n && memcmp(z, p, (size_t)n)==0;
}

/* Set *pz from a span when it is not set yet (the first line that says it
** wins, except where noted); -1 when out of memory. */
static int fill(char **pz, const char *p, int n){
  if( *pz || !p || n<=0 ) return 0;
  *pz = dup_span(p, n);
  return *pz ? 0 : -1;
}
static int fill_span(char **pz, const mt_span *s){ return fill(pz, s->p, s->n); }

/* Replace (a later line is the newer fact). */
static int put(char **pz, const char *p, int n){
  char *z;
  if( !p || n<=0 ) return 0;
  z = dup_span(p, n);
  if( !z ) return -1;
  free(*pz);
  *pz = z;
  return 0;
}

/* An anti-virus log line that names a MID: one hit.  0, or -1 when out of
** memory. */
static int av_line(mt_attach *A, const char *host, int hl, const mt_line *ln){
  mt_av a;
  mt_avhit *h;
  uint32_t last;
  if( !mt_av_parse(ln->body, ln->body_len, &a) || a.mid<0 ) return 0;
  if( mt_grow_i(&A->v, &A->cv, A->nv+1, sizeof(mt_avhit)) ) return -1;
  h = &A->v[A->nv];
  memset(h, 0, sizeof(*h));
  h->host = dup_span(host, hl);
  if( !h->host ) return -1;
  A->nv++;                   /* counted now: mt_attach_free frees what is set */
  h->mid = a.mid;
  h->kind = a.kind;
  last = mt_hmap_get(&A->byav, (uint64_t)a.mid, 0);
  h->prev = last==MT_HMAP_NONE ? -1 : (int)last;
  if( mt_hmap_put(&A->byav, (uint64_t)a.mid, 0, (uint32_t)(A->nv - 1)) ) return -1;
  if( fill_span(&h->engine, &a.engine) ) return -1;
  if( a.kind==MT_AV_VIRUS ){
    if( fill_span(&h->virus, &a.names) || fill_span(&h->part, &a.part) ) return -1;
  }else if( a.kind==MT_AV_RESULT ){
    if( fill_span(&h->virus, &a.result) ) return -1;
  }else{
    const mt_span *d = a.kind==MT_AV_ERROR ? &a.error : a.kind==MT_AV_LIMIT ? &a.limit : &a.text;
    if( fill_span(&h->detail, d) ) return -1;
  }
  return 0;
}


/* The row of (host, mid) whose name or SHA-256 matches; else a new row.
** NULL when out of memory. */
static mt_afile *row_for(mt_attach *A, const char *host, int hl, int64_t mid,
                         const char *name, int nn, const char *sha, int ns){
  int i;
  uint32_t last = mt_hmap_get(&A->byid, (uint64_t)mid, 0);
  mt_afile *r;
  for(i = last==MT_HMAP_NONE ? -1 : (int)last; i >= 0; i = A->a[i].prev){
    r = &A->a[i];
    if( (int)strlen(r->host)!=hl || memcmp(r->host, host, (size_t)hl)!=0 ) continue;
    if( (name && nn>0 && span_is(r->name, name, nn)) || (sha && ns>0 && span_is(r->sha256, sha, ns)) ) return r;
  }
  if( mt_grow_i(&A->a, &A->cap, A->n+1, sizeof(mt_afile)) ) return 0;
  r = &A->a[A->n];
  memset(r, 0, sizeof(*r));
  r->host = dup_span(host, hl);
  if( !r->host ) return 0;
  r->mid = mid;
  r->size = -1;
  r->prev = last==MT_HMAP_NONE ? -1 : (int)last;
  if( mt_hmap_put(&A->byid, (uint64_t)mid, 0, (uint32_t)A->n) ){ free(r->host); r->host = 0; return 0; }
  A->n++;
  return r;
}

static mt_asha *sha_for(mt_attach *A, const char *sha, int n){
  int i;
  mt_asha *s;
  for(i=A->ns-1; i>=0; i--) if( span_is(A->s[i].sha256, sha, n) ) return &A->s[i];
  if( mt_grow_i(&A->s, &A->cs, A->ns+1, sizeof(mt_asha)) ) return 0;
  s = &A->s[A->ns];
  memset(s, 0, sizeof(*s));
  s->retro_t = -1;
  s->sha256 = dup_span(sha, n);
  if( !s->sha256 ) return 0;
  A->ns++;
  A->sorted = 0;
  return s;
}

/* A repr 'x' or "x" without its quotes; bare text as is. */
static void unquote(const char **p, int *n){
  if( *n >= 2 && ((*p)[0]=='\'' || (*p)[0]=='"') && (*p)[*n-1]==(*p)[0] ){ (*p)++; *n -= 2; }
}

static void touch(mt_afile *r, int t, int has_time, int64_t t_utc){
  r->logs |= 1u << t;
  if( has_time && (!r->has_time || t_utc < r->first_utc) ){ r->first_utc = t_utc; r->has_time = 1; }
}

static int64_t epoch(const mt_span *s){
  int64_t x = 0;
  int i;
  if( !s->p || s->n<=0 ) return -1;
  for(i=0; i<s->n && s->p[i]>='0' && s->p[i]<='9'; i++){
    if( x > INT64_MAX/10 - 10 ) return -1;
    x = x*10 + (s->p[i]-'0');
  }
  return i ? x : -1;
}

static int amp_line(mt_attach *A, const char *host, int hl, int has_time, int64_t t_utc, const mt_line *ln){
  mt_amp a;
  mt_afile *r;
  mt_asha *s;
  if( !mt_amp_parse(ln->body, ln->body_len, &a) ) return 0;
  switch( a.kind ){
    case MT_AMP_QUERY: case MT_AMP_RESPONSE: case MT_AMP_NOT_UPLOADED:
      if( a.mid<0 ) return 0;                         /* MID = 0: no message to join */
      if( !a.name.p && !a.sha256.p ) return 0;
      r = row_for(A, host, hl, a.mid, a.name.p, a.name.n, a.sha256.p, a.sha256.n);
      if( !r ) return -1;
      touch(r, MT_LOG_AMP, has_time, t_utc);
      if( fill_span(&r->name, &a.name) || fill_span(&r->sha256, &a.sha256) || fill_span(&r->mime, &a.type) ) return -1;
      if( a.size.p && r->size<0 ) r->size = epoch(&a.size);
      if( a.kind==MT_AMP_RESPONSE ){
        if( put(&r->disposition, a.disposition.p, a.disposition.n) || put(&r->malware, a.malware.p, a.malware.n)
         || put(&r->score, a.score.p, a.score.n) || put(&r->source, a.source.p, a.source.n)
         || put(&r->upload_action, a.upload_action.p, a.upload_action.n) ) return -1;
      }
      if( a.kind==MT_AMP_NOT_UPLOADED ){
        char buf[300];
        int n = a.reason.p ? a.reason.n : 0;
        if( n > 280 ) n = 280;
        memcpy(buf, "not uploaded: ", 14);
        if( n ) memcpy(buf+14, a.reason.p, (size_t)n);
        if( put(&r->upload, buf, n ? 14+n : 12) ) return -1;
      }
      return 0;
    case MT_AMP_UPLOADED: case MT_AMP_ANALYSIS: case MT_AMP_RETRO:
      if( !a.sha256.p || a.sha256.n<=0 ) return 0;
      s = sha_for(A, a.sha256.p, a.sha256.n);
      if( !s ) return -1;
      if( a.kind==MT_AMP_UPLOADED ) s->uploaded = 1;
      else if( a.kind==MT_AMP_ANALYSIS ){
        if( put(&s->analysis, a.disposition.p, a.disposition.n) || put(&s->analysis_score, a.score.p, a.score.n)
         || put(&s->analysis_malware, a.malware.p, a.malware.n) ) return -1;
      }else{
        int64_t e = epoch(&a.timestamp);
        if( put(&s->retro, a.disposition.p, a.disposition.n) || put(&s->retro_malware, a.malware.p, a.malware.n) ) return -1;
        s->retro_t = e>=0 ? e : (has_time ? t_utc : -1);
        s->retro_file = A->at_file;
        s->retro_lineno = A->at_lineno;
        s->retro_off = A->at_off;
      }
      return 0;
  }
  return 0;
}

int mt_attach_line(mt_attach *A, const char *host, int hl, int has_time, int64_t t_utc,
                   int t, const mt_line *ln, const mt_event *ev){
  mt_afile *r;
  if( t==MT_LOG_AMP ) return amp_line(A, host, hl, has_time, t_utc, ln);
  if( t==MT_LOG_AV ) return av_line(A, host, hl, ln);
  if( t!=MT_LOG_MAIL || ev->mid<0 ) return 0;
  if( ev->kind==MT_EV_MID_ATTACHMENT && mt_has(ev, MT_F_VALUE) ){
    const char *p = ev->f[MT_F_VALUE].p;
    int n = ev->f[MT_F_VALUE].n;
    unquote(&p, &n);
    if( n<=0 ) return 0;
    r = row_for(A, host, hl, ev->mid, p, n, 0, 0);
    if( !r ) return -1;
    touch(r, MT_LOG_MAIL, has_time, t_utc);
    return fill(&r->name, p, n);
  }
  if( ev->kind==MT_EV_MID_FILE_UPLOAD && mt_has(ev, MT_F_VERDICT) ){
    const mt_span *sha = &ev->f[MT_F_VERDICT], *name = &ev->f[MT_F_VALUE];
    int hasName = mt_has(ev, MT_F_VALUE);
    r = row_for(A, host, hl, ev->mid, hasName ? name->p : 0, hasName ? name->n : 0, sha->p, sha->n);
    if( !r ) return -1;
    touch(r, MT_LOG_MAIL, has_time, t_utc);
    if( fill(&r->sha256, sha->p, sha->n) ) return -1;
    if( hasName && fill(&r->name, name->p, name->n) ) return -1;
    if( !r->upload && put(&r->upload, "queued", 6) ) return -1;
    return 0;
  }
  return 0;
}

static int same_host(const char *z, const char *host){ return z && host && strcmp(z, host)==0; }

int mt_attach_files_of(const mt_attach *A, const char *host, int64_t mid, int *out, int max){
  int i, n = 0, k;
  uint32_t last = mt_hmap_get(&A->byid, (uint64_t)mid, 0);
  for(i = last==MT_HMAP_NONE ? -1 : (int)last; i >= 0; i = A->a[i].prev){
    if( A->a[i].mid!=mid || !same_host(A->a[i].host, host) ) continue;
    if( n < max ) out[n++] = i;
  }
  for(k=0; k<n/2; k++){ int x = out[k]; out[k] = out[n-1-k]; out[n-1-k] = x; }   /* made first, first */
  return n;
}

int mt_attach_av_of(const mt_attach *A, const char *host, int64_t mid, int *out, int max){
  int i, n = 0, k;
  uint32_t last = mt_hmap_get(&A->byav, (uint64_t)mid, 0);
  for(i = last==MT_HMAP_NONE ? -1 : (int)last; i >= 0; i = A->v[i].prev){
    if( A->v[i].mid!=mid || !same_host(A->v[i].host, host) ) continue;
    if( n < max ) out[n++] = i;
  }
  for(k=0; k<n/2; k++){ int x = out[k]; out[k] = out[n-1-k]; out[n-1-k] = x; }
  return n;
}

static int cmp_sha(const void *a, const void *b){
  return strcmp(((const mt_asha*)a)->sha256, ((const mt_asha*)b)->sha256);
}

void mt_attach_finish(mt_attach *A){
  if( A->ns > 1 ) qsort(A->s, (size_t)A->ns, sizeof(mt_asha), cmp_sha);
  A->sorted = 1;
}

const mt_asha *mt_attach_sha(const mt_attach *A, const char *sha){
  int lo = 0, hi = A->ns - 1;
  if( !sha ) return 0;
  if( !A->sorted ){
    int i;
    for(i=0; i<A->ns; i++) if( strcmp(A->s[i].sha256, sha)==0 ) return &A->s[i];
    return 0;
  }
  while( lo <= hi ){
    int m = lo + (hi - lo)/2, c = strcmp(A->s[m].sha256, sha);
    if( c==0 ) return &A->s[m];
    if( c < 0 ) lo = m + 1; else hi = m - 1;
  }
  return 0;
}

void mt_attach_free(mt_attach *A){
  int i;
  for(i=0; i<A->n; i++){
    mt_afile *r = &A->a[i];
    free(r->host); free(r->name); free(r->sha256); free(r->mime); free(r->disposition);
    free(r->malware); free(r->score); free(r->source); free(r->upload_action); free(r->upload);
  }
  for(i=0; i<A->ns; i++){
    mt_asha *s = &A->s[i];
    free(s->sha256); free(s->analysis); free(s->analysis_score); free(s->analysis_malware);
    free(s->retro); free(s->retro_malware);
  }
  for(i=0; i<A->nv; i++){
    mt_avhit *h = &A->v[i];
    free(h->host); free(h->engine); free(h->virus); free(h->part); free(h->detail);
  }
  free(A->a); free(A->s); mt_hmap_free(&A->byid);
  free(A->v); mt_hmap_free(&A->byav);
  memset(A, 0, sizeof(*A));
}
