/* SPDX-License-Identifier: MIT */
/*
** fuzz_index.c — libFuzzer target for the offset index's anchor scan
** (ext/index.c, mt_index_extract): on any bytes, it must stay inside the
** chunk, find the same anchors with its 16-byte and 32-byte (AVX2) loops,
** and every id the real grammar (lines.c, events.c) gives a line — its ICID, MID, second MID, DCID, and the client IP of a "New SMTP ICID"
** line — must be among the ids the scan reports for that line.  That
** superset property is what makes an index lookup exact (docs/tables.md,
** "The offset index"); a violation aborts.  Injection debug lines
** ("52001 Sent: ...", kinds smtp.sent/smtp.rcvd) are inside it too:
** mailtrace_lines gives them their ICID, and a lookup by ICID finds them.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "lines.h"
#include "events.h"
#include "logtype.h"

typedef struct hits { uint64_t *k; size_t *at; size_t n, cap; } hits;

static void on_hit(void *arg, int kind, uint64_t id, size_t line_start){
  hits *h = arg;
  if( h->n==h->cap ){
    size_t nc = h->cap ? h->cap*2 : 64;
    h->k = realloc(h->k, nc*sizeof(uint64_t));
    h->at = realloc(h->at, nc*sizeof(size_t));
    if( !h->k || !h->at ) abort();
    h->cap = nc;
  }
  h->k[h->n] = ((uint64_t)kind << 62) | id;
  h->at[h->n] = line_start;
  h->n++;
}

static int has(const hits *h, uint64_t key, size_t at){
  size_t i;
  for(i=0; i<h->n; i++) if( h->k[i]==key && h->at[i]==at ) return 1;
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  /* whole lines, as the reader hands them out; an exact-size copy so that
  ** ASan sees a read past the end */
  size_t n = size + (size==0 || data[size-1]!='\n');
  char *buf = malloc(n ? n : 1);
  const char *p, *e;
  hits h;
  if( !buf ) return 0;
  memcpy(buf, data, size);
  if( n > size ) buf[size] = '\n';
  memset(&h, 0, sizeof(h));
  mt_index_extract(buf, n, on_hit, &h);
  {
    /* the 16-byte loop and the 32-byte (AVX2) loop find the same anchors,
    ** in the same order, on any bytes */
    int lv = mt_index_simd(-1);
    if( lv==1 ){
      hits h2;
      memset(&h2, 0, sizeof(h2));
      mt_index_simd(0);
      mt_index_extract(buf, n, on_hit, &h2);
      mt_index_simd(1);
      if( h2.n!=h.n || (h.n && (memcmp(h.k, h2.k, sizeof(uint64_t)*h.n)!=0 || memcmp(h.at, h2.at, sizeof(size_t)*h.n)!=0)) ) abort();
      free(h2.k); free(h2.at);
    }
  }
  for(p=buf, e=buf+n; p<e; ){
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    size_t len = (size_t)((nl ? nl : e) - p), at = (size_t)(p - buf);
    mt_line ln;
    mt_event ev;
    int ft;
    if( len && p[len-1]=='\r' ) len--;
    mt_line_parse(p, len, &ln);
    /* the mail_logs grammar alone, then every log type's (logtype.h) under
    ** every file type: the ids of any reading are anchors */
    for(ft=-1; ft<MT_LOG_COUNT; ft++){
      /* the grammar alone reads only lines with a prefix: no reader takes ids
      ** from a line without one (mailtrace_lines shows them NULL, the store
      ** skips them), so neither must the index */
      if( ft<0 && ln.form==MT_FORM_NONE ) continue;
      if( ft<0 ) mt_event_parse(ln.body, ln.body_len, &ev);
      else mt_line_event(&ln, ft, &ev);
      if( ev.icid>=0 && !has(&h, mt_index_key(MT_IX_ICID, ev.icid), at) ) abort();
      if( ev.mid>=0 && !has(&h, mt_index_key(MT_IX_MID, ev.mid), at) ) abort();
      if( ev.mid2>=0 && !has(&h, mt_index_key(MT_IX_MID, ev.mid2), at) ) abort();
      if( ev.dcid>=0 && !has(&h, mt_index_key(MT_IX_DCID, ev.dcid), at) ) abort();
      if( ev.kind==MT_EV_ICID_NEW && mt_has(&ev, MT_F_REMOTE_IP)
       && !has(&h, mt_index_ip_key(ev.f[MT_F_REMOTE_IP].p, (size_t)ev.f[MT_F_REMOTE_IP].n), at) ) abort();
    }
    p = nl ? nl + 1 : e;
  }
  free(h.k); free(h.at); free(buf);
  return 0;
}
