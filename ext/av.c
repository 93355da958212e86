/*
** av.c — the anti-virus log's grammar (av.h; docs/format.md §8.4).
**
**   SELECT mid, engine, result, virus, part FROM mailtrace_antivirus('/var/log/esa/');
**
** One pass over the body with memchr/memcmp; every helper takes the end
** pointer.  No allocation, no regex.
*/
#include "av.h"

#include <string.h>
#include <strings.h>

static int is_digit(char c){ return c >= '0' && c <= '9'; }

static int starts(const char *p, const char *e, const char *lit, size_t n){
  return p <= e && (size_t)(e - p) >= n && memcmp(p, lit, n)==0;
}
#define STARTS(p, e, lit) starts(p, e, lit, sizeof(lit)-1)

static const char *find(const char *p, const char *e, const char *lit, size_t n){
  if( e <= p || (size_t)(e - p) < n ) return 0;
  return memmem(p, (size_t)(e - p), lit, n);
}
#define FIND(p, e, lit) find(p, e, lit, sizeof(lit)-1)

/* [p, e) with trailing blanks removed; left unset when empty. */
static void set(mt_span *s, const char *p, const char *e){
  while( e > p && (e[-1]==' ' || e[-1]=='\t') ) e--;
  if( !p || e <= p ) return;
  s->p = p;
  s->n = (int)(e - p);
}

static const char *skip_spaces(const char *p, const char *e){
  while( p < e && *p==' ' ) p++;
  return p;
}

/* The last quote in [p, e), or 0. */
static const char *last_quote(const char *p, const char *e){
  while( e > p ){
    e--;
    if( *e=='\'' ) return e;
  }
  return 0;
}

/* 'a' 'b' at p (p on the first quote): a ends at the first "' '", b at the
** line's last quote; what follows b goes to *tail.  Without a second value,
** a ends at the last quote.  A value without quotes is taken whole. */
static void two_quoted(const char *p, const char *e, mt_span *a, mt_span *b, mt_span *tail){
  const char *sep, *lq;
  if( p >= e ) return;
  if( *p!='\'' ){ set(a, p, e); return; }
  p++;
  lq = last_quote(p, e);
  sep = b ? FIND(p, e, "' '") : 0;
  if( sep && lq && lq > sep + 2 ){
    set(a, p, sep);
    set(b, sep + 3, lq);
    if( tail ) set(tail, skip_spaces(lq + 1, e), e);
    return;
  }
  if( lq ){
    set(a, p, lq);
    if( tail ) set(tail, skip_spaces(lq + 1, e), e);
  }else{
    set(a, p, e);
  }
}

int mt_av_parse(const char *b, size_t n, mt_av *a){
  const char *e = b + n, *p = b, *q;
  memset(a, 0, sizeof(*a));
  a->mid = -1;
  p = skip_spaces(p, e);
  q = p;
  while( q < e && ((*q>='a' && *q<='z') || is_digit(*q) || *q=='_') ) q++;
  if( q==p || q - p > 24 || q >= e || *q!=' ' ) return 0;
  if( !STARTS(skip_spaces(q, e), e, "antivirus - ") ) return 0;
  set(&a->engine, p, q);
  p = skip_spaces(q, e) + 12;
  a->kind = MT_AV_OTHER;
  if( STARTS(p, e, "MID ") && p + 4 < e && is_digit(p[4]) ){
    int64_t x = 0;
    p += 4;
    while( p < e && is_digit(*p) ){
      int d = *p - '0';
      x = (x > (MT_ID_MAX - d)/10) ? MT_ID_MAX : x*10 + d;
      p++;
    }
    a->mid = x;
    p = skip_spaces(p, e);
    if( p < e && is_digit(*p) ){
      q = p;
      while( q < e && is_digit(*q) ) q++;
      set(&a->rank, p, q);
      p = skip_spaces(q, e);
    }
    if( STARTS(p, e, "- ") ) p += 2;
    else if( p < e && *p=='-' && p + 1==e ) p++;
    else{ set(&a->text, p, e); return a->kind; }
  }
  if( STARTS(p, e, "Result ") ){
    const char *v = p + 7, *x;
    a->kind = MT_AV_RESULT;
    if( v < e && *v=='\'' && (x = memchr(v + 1, '\'', (size_t)(e - v - 1)))!=0 ){
      set(&a->result, v + 1, x);
      v = skip_spaces(x + 1, e);
      if( v < e && *v=='(' ){
        const char *end = e;            /* the names end at the last ')' */
        while( end > v + 1 && end[-1]!=')' ) end--;
        if( end > v + 1 ) set(&a->names, skip_spaces(v + 1, end - 1), end - 1);
      }
    }else{
      set(&a->result, v, e);
    }
  }else if( STARTS(p, e, "Virus ") ){
    a->kind = MT_AV_VIRUS;
    two_quoted(skip_spaces(p + 6, e), e, &a->names, &a->part, &a->flags);
  }else if( STARTS(p, e, "Error") ){
    const char *v = p + 5;
    a->kind = MT_AV_ERROR;
    while( v < e && (*v==' ' || *v=='-') ) v++;
    two_quoted(v, e, &a->error, &a->code, 0);
  }else if( STARTS(p, e, "Limit") ){
    const char *v = p + 5;
    a->kind = MT_AV_LIMIT;
    while( v < e && (*v==' ' || *v=='-') ) v++;
    two_quoted(v, e, &a->limit, 0, 0);
  }else if( STARTS(p, e, "timed out") ){
    a->kind = MT_AV_TIMEOUT;
    set(&a->text, p, e);
  }else{
    set(&a->text, p, e);
  }
  return a->kind;
}

const char *mt_av_result_word(const mt_av *a){
  switch( a->kind ){
    case MT_AV_VIRUS: return "VIRAL";
    case MT_AV_ERROR:
      if( a->error.p && a->error.n==9 && strncasecmp(a->error.p, "encrypted", 9)==0 ) return "ENCRYPTED";
      return "ERROR";
    case MT_AV_LIMIT: return "LIMIT";
    case MT_AV_TIMEOUT: return "TIMEOUT";
  }
  return 0;
}
