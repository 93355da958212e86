/* SPDX-License-Identifier: MIT */
/*
** cef.c — the Consolidated Event Log's CEF lines (cef.h, docs/format.md §8.7).
**
**   SELECT mid, act, as_verdict, av_verdict FROM mailtrace_cef('/var/log/esa/');
**
** One forward walk: the header by its bars, then each key, then its value
** by the rules of cef.h.  Every helper takes the end pointer
** (tests/fuzz/fuzz_cef.c).
*/
#include "cef.h"

#include <string.h>

static int is_key_start(char c){ return (c>='A' && c<='Z') || (c>='a' && c<='z'); }
static int is_key_char(char c){ return is_key_start(c) || (c>='0' && c<='9') || c=='_'; }

/* A key at p ("word="): the position of its '=', else NULL. */
static const char *key_at(const char *p, const char *e){
  const char *q = p;
  if( q>=e || !is_key_start(*q) ) return 0;
  while( q<e && is_key_char(*q) ) q++;
  return (q<e && *q=='=') ? q : 0;
}

/* The end of a bracketed value starting at p ('{' or '['): after its match. */
static const char *bracket_end(const char *p, const char *e){
  int depth = 0;
  char quote = 0;
  for(; p<e; p++){
    char ch = *p;
    if( quote ){
      if( ch=='\\' && p+1<e ){ p++; continue; }
      if( ch==quote ) quote = 0;
      continue;
    }
    if( ch=='\'' || ch=='"' ){ quote = ch; continue; }
    if( ch=='{' || ch=='[' ) depth++;
    else if( (ch=='}' || ch==']') && --depth==0 ) return p+1;
  }
  return e;
}

/* The next " key=" at or after p, else e. */
static const char *next_key(const char *p, const char *e){
  for(; p<e; p++){
    if( *p==' ' ){
      const char *k = p;
      while( k<e && *k==' ' ) k++;
      if( key_at(k, e) ) return p;
      p = k - 1;
    }
  }
  return e;
}

int mt_cef_parse(const char *p, size_t n, mt_cef *c){
  const char *e = p + n, *s;
  int f;
  memset(c, 0, sizeof(*c));
  if( n < 4 || memcmp(p, "CEF:", 4)!=0 ) return 0;
  s = p + 4;
  for(f=0; f<7; f++){
    const char *q = s;
    while( q<e && *q!='|' ){
      if( *q=='\\' && q+1<e ) q++;
      q++;
    }
    if( q>e ) q = e;
    c->hdr[f].p = s; c->hdr[f].n = (int)(q - s);
    if( q>=e ){ s = e; break; }
    s = q + 1;
  }
  while( s<e ){
    const char *eq, *v, *end;
    while( s<e && *s==' ' ) s++;
    eq = key_at(s, e);
    if( !eq ){                      /* not a key: skip to the next one */
      const char *nk = next_key(s, e);
      if( nk<=s ) break;
      s = nk;
      continue;
    }
    if( c->nkv==MT_CEF_MAX_KV ){ c->truncated = 1; break; }
    v = eq + 1;
    if( v<e && (*v=='{' || *v=='[') ){
      end = bracket_end(v, e);
    }else if( v<e && (*v=='\'' || *v=='"') ){
      /* bounded: an unclosed quote must not make the walk quadratic */
      const char *q = v + 1, *lim = e - v > 8192 ? v + 8192 : e;
      end = 0;
      for(; q<lim; q++){
        if( *q=='\\' && q+1<lim ){ q++; continue; }
        if( *q==*v && (q+1==e || q[1]==' ') ){ end = q + 1; break; }
      }
      if( !end ) end = next_key(v, e);
    }else{
      end = next_key(v, e);
    }
    if( end>e ) end = e;
    c->key[c->nkv].p = s; c->key[c->nkv].n = (int)(eq - s);
    {
      const char *ve = end;
      while( ve>v && ve[-1]==' ' ) ve--;
      c->val[c->nkv].p = v; c->val[c->nkv].n = (int)(ve - v);
    }
    c->nkv++;
    s = end;
  }
  return 1;
}

int mt_cef_get(const mt_cef *c, const char *key, mt_span *v){
  int i, kn = (int)strlen(key);
  for(i=c->nkv-1; i>=0; i--){
    if( c->key[i].n==kn && memcmp(c->key[i].p, key, (size_t)kn)==0 ){ *v = c->val[i]; return 1; }
  }
  return 0;
}

mt_span mt_cef_unquote(mt_span v){
  if( v.p && v.n>=2 && (v.p[0]=='\'' || v.p[0]=='"') && v.p[v.n-1]==v.p[0] ){ v.p++; v.n -= 2; }
  return v;
}
