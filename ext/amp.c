/* SPDX-License-Identifier: MIT */
/*
** amp.c — the AMP engine log grammar (amp.h, docs/format.md §8.3).
**
** A line is recognised by its leading words (after any spaces), then each
** value is found by its key.  Every helper takes the end pointer: the parser
** never reads past the body (tests/fuzz/fuzz_amp.c).
*/
#include "amp.h"

#include <string.h>

typedef struct lead { const char *z; int n; int kind; } lead;
#define L(z, k) { z, (int)sizeof(z)-1, k }
static const lead aLead[] = {
  L("File reputation query initiating", MT_AMP_QUERY),
  L("Response received for file reputation query", MT_AMP_RESPONSE),
  L("File not uploaded for analysis", MT_AMP_NOT_UPLOADED),
  L("File uploaded for analysis", MT_AMP_UPLOADED),
  L("File analysis upload skipped", MT_AMP_UPLOAD_SKIPPED),
  L("File Analysis complete", MT_AMP_ANALYSIS),
  L("File analysis complete", MT_AMP_ANALYSIS),
  L("Retrospective verdict received", MT_AMP_RETRO),
  L("SHA256: ", MT_AMP_UPLOAD_ERROR),
};
#undef L

static const char *skip_spaces(const char *p, const char *e){
  while( p < e && *p==' ' ) p++;
  return p;
}

int mt_amp_kind(const char *body, size_t n){
  const char *p = skip_spaces(body, body + n), *e = body + n;
  size_t i;
  if( p >= e || (*p!='F' && *p!='R' && *p!='S') ) return 0;
  for(i=0; i<sizeof(aLead)/sizeof(aLead[0]); i++){
    if( *p==aLead[i].z[0] && e - p >= aLead[i].n && memcmp(p, aLead[i].z, (size_t)aLead[i].n)==0 ){
      /* the bare "SHA256: <hex>," upload error: 64 hex digits then ',' */
      if( aLead[i].kind==MT_AMP_UPLOAD_ERROR ){
        const char *h = p + aLead[i].n;
        int k = 0;
        while( h + k < e && k < 64 && ((h[k]>='0' && h[k]<='9') || (h[k]>='a' && h[k]<='f') || (h[k]>='A' && h[k]<='F')) ) k++;
        if( k!=64 || h + 64 >= e || h[64]!=',' ) return 0;
      }
      return aLead[i].kind;
    }
  }
  return 0;
}

int mt_amp_event(int k){
  switch( k ){
    case MT_AMP_QUERY: return MT_EV_AMP_QUERY;
    case MT_AMP_RESPONSE: return MT_EV_AMP_RESPONSE;
    case MT_AMP_NOT_UPLOADED: return MT_EV_AMP_NOT_UPLOADED;
    case MT_AMP_UPLOADED: return MT_EV_AMP_UPLOADED;
    case MT_AMP_UPLOAD_SKIPPED: return MT_EV_AMP_UPLOAD_SKIPPED;
    case MT_AMP_UPLOAD_ERROR: return MT_EV_AMP_UPLOAD_ERROR;
    case MT_AMP_ANALYSIS: return MT_EV_AMP_ANALYSIS;
    case MT_AMP_RETRO: return MT_EV_AMP_RETRO;
  }
  return MT_EV_NONE;
}

static const char *find(const char *p, const char *e, const char *lit, size_t n){
  if( e <= p || (size_t)(e-p) < n ) return 0;
  return memmem(p, (size_t)(e-p), lit, n);
}
#define FIND(p, e, lit) find(p, e, lit, sizeof(lit)-1)

static void span(mt_span *s, const char *p, const char *e){
  while( e > p && (e[-1]==' ' || e[-1]=='\t') ) e--;
  if( e <= p ){ s->p = 0; s->n = 0; return; }
  s->p = p; s->n = (int)(e - p);
}

/* The value after `key` (spaces skipped) up to one of the stop bytes or the
** end; returns where it ended (or NULL when the key is absent). */
static const char *value(mt_span *s, const char *p, const char *e, const char *key, size_t kn, const char *stops){
  const char *k = find(p, e, key, kn), *v;
  if( !k ) return 0;
  v = skip_spaces(k + kn, e);
  k = v;
  while( k < e && !strchr(stops, *k) ) k++;
  span(s, v, k);
  return k;
}
#define VALUE(s, p, e, key, stops) value(s, p, e, key, sizeof(key)-1, stops)

/* Bracketed value after `key` ("SHA256[", "mime["): up to the matching ']'. */
static void bracket(mt_span *s, const char *p, const char *e, const char *key, size_t kn){
  const char *k = find(p, e, key, kn), *v;
  int depth = 1;
  if( !k ) return;
  v = k + kn;
  for(k=v; k<e; k++){
    if( *k=='[' ) depth++;
    else if( *k==']' && --depth==0 ) break;
  }
  span(s, v, k);
}
#define BRACKET(s, p, e, key) bracket(s, p, e, key, sizeof(key)-1)

static int64_t number(const mt_span *s){
  int64_t x = 0;
  int i;
  if( !s->p ) return -1;
  for(i=0; i<s->n; i++){
    int d = s->p[i] - '0';
    if( d<0 || d>9 ) return i ? x : -1;
    x = (x > (MT_ID_MAX - d)/10) ? MT_ID_MAX : x*10 + d;
  }
  return x;
}

/* File Name = 'x, y.pdf', MID = …  (or FileName =; quotes may be absent) */
static void file_name(mt_amp *a, const char *p, const char *e){
  const char *k = FIND(p, e, "File Name = ");
  const char *v, *end;
  if( k ) v = k + 12;
  else if( (k = FIND(p, e, "FileName = "))!=0 ) v = k + 11;
  else return;
  end = FIND(v, e, ", MID = ");
  if( !end ) end = FIND(v, e, ",");
  if( !end ) end = e;
  if( end - v >= 2 && (*v=='\'' || *v=='"') && end[-1]==*v ){ v++; end--; }
  span(&a->name, v, end);
}

int mt_amp_parse(const char *body, size_t n, mt_amp *a){
  const char *e = body + n, *p;
  mt_span mid = {0, 0};
  memset(a, 0, sizeof(*a));
  a->mid = -1;
  a->kind = mt_amp_kind(body, n);
  if( !a->kind ) return 0;
  p = skip_spaces(body, e);
  VALUE(&mid, p, e, "MID = ", ", ");
  a->mid = number(&mid);
  if( a->mid==0 ) a->mid = -1;
  switch( a->kind ){
    case MT_AMP_QUERY:
      file_name(a, p, e);
      VALUE(&a->size, p, e, "File Size = ", " ,");
      VALUE(&a->type, p, e, "File Type = ", ",");
      break;
    case MT_AMP_RESPONSE: {
      const char *f = FIND(p, e, " from ");
      if( f ) VALUE(&a->source, f, e, " from ", ". ,");
      file_name(a, p, e);
      VALUE(&a->disposition, p, e, "Disposition = ", ",");
      VALUE(&a->malware, p, e, "Malware = ", ",");
      VALUE(&a->score, p, e, "Reputation Score = ", ",");
      VALUE(&a->sha256, p, e, "sha256 =", ", ");
      VALUE(&a->upload_action, p, e, "upload_action = ", ", ");
      break;
    }
    case MT_AMP_NOT_UPLOADED:
      BRACKET(&a->sha256, p, e, "SHA256[");
      BRACKET(&a->type, p, e, "mime[");
      VALUE(&a->reason, p, e, "Reason: ", "");
      break;
    case MT_AMP_UPLOADED:
      VALUE(&a->sha256, p, e, "SHA256: ", ", ");
      VALUE(&a->name, p, e, "file name: ", "");
      break;
    case MT_AMP_UPLOAD_SKIPPED:
    case MT_AMP_UPLOAD_ERROR:
      VALUE(&a->sha256, p, e, "SHA256: ", ", ");
      BRACKET(&a->timestamp, p, e, "Timestamp[");
      BRACKET(&a->type, p, e, "mime[");
      BRACKET(&a->reason, p, e, "details[");
      break;
    case MT_AMP_ANALYSIS:
      VALUE(&a->sha256, p, e, "SHA256: ", ", ");
      VALUE(&a->timestamp, p, e, "Update Timestamp: ", ", ");
      VALUE(&a->disposition, p, e, "Disposition: ", ", ");
      VALUE(&a->score, p, e, "Score: ", ", ");
      VALUE(&a->run_id, p, e, "run_id: ", ", ");
      BRACKET(&a->malware, p, e, "Spyname:[");
      break;
    case MT_AMP_RETRO:
      VALUE(&a->sha256, p, e, "SHA256: ", ", ");
      VALUE(&a->timestamp, p, e, "Timestamp: ", ", ");
      VALUE(&a->disposition, p, e, "Verdict: ", ", ");
      VALUE(&a->score, p, e, "Reputation Score: ", ", ");
      VALUE(&a->malware, p, e, "Spyname: ", "");
      break;
  }
  return a->kind;
}
