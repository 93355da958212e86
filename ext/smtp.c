/* SPDX-License-Identifier: MIT */
/*
** smtp.c — the injection debug log grammar (see smtp.h).
*/
#include "grow.h"
#include "smtp.h"
#include "wraps.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------- body */

int mt_smtp_parse(const char *body, size_t n, mt_smtp_line *out){
  size_t i = 0;
  int64_t v = 0;
  const char *d;
  while( i<n && body[i]>='0' && body[i]<='9' ){
    if( i>=18 ) return 0;               /* more than 18 digits: not an id */
    v = v*10 + (body[i]-'0');
    i++;
  }
  if( i==0 || n-i < 7 || body[i]!=' ' ) return 0;   /* 7 = " Sent: " */
  d = body + i + 1;
  if( memcmp(d, "Sent", 4)==0 ) out->direction = MT_SMTP_SENT;
  else if( memcmp(d, "Rcvd", 4)==0 ) out->direction = MT_SMTP_RCVD;
  else return 0;
  if( d[4]!=':' || d[5]!=' ' ) return 0;
  out->icid = v;
  out->dir = d;
  out->repr = d + 6;
  out->repr_len = n - (i + 7);
  return 1;
}

/* ------------------------------------------------------------------- repr */

static int hexval(char c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

size_t mt_repr_decode(const char *p, size_t n, char *out){
  size_t e = n, i, k = 0, b = 0;
  char q;
  if( n<2 || (p[0]!='\'' && p[0]!='"') ) goto as_written;
  q = p[0];
  while( e>1 && (p[e-1]==' ' || p[e-1]=='\t') ) e--;   /* spaces after the closing quote */
  if( e<2 || p[e-1]!=q ) goto as_written;
  /* The closing quote is escaped when an odd run of backslashes precedes it
  ** ('a\' is unterminated, 'a\\' is not).  Content is p[1 .. e-1). */
  while( b < e-2 && p[e-2-b]=='\\' ) b++;
  if( b & 1 ) goto as_written;
  for(i=1; i<e-1; ){
    char c = p[i];
    int hi, lo;
    if( c!='\\' || i+1 >= e-1 ){ out[k++] = c; i++; continue; }
    if( p[i+1]=='x' ){
      if( i+3 < e-1 && (hi = hexval(p[i+2]))>=0 && (lo = hexval(p[i+3]))>=0 ){
        out[k++] = (char)(hi*16 + lo);
        i += 4;
      }else{
        out[k++] = '\\';               /* \x without two hex digits: kept as written */
        i++;
      }
      continue;
    }
    switch( p[i+1] ){
      case 'r':  out[k++] = '\r'; break;
      case 'n':  out[k++] = '\n'; break;
      case 't':  out[k++] = '\t'; break;
      case '\\': out[k++] = '\\'; break;
      case '\'': out[k++] = '\''; break;
      case '"':  out[k++] = '"';  break;
      default:                         /* not an escape repr writes: kept as written */
        out[k++] = '\\';
        i++;                           /* the next byte is copied as itself */
        continue;
    }
    i += 2;
  }
  return k;

as_written:
  if( n ) memcpy(out, p, n);
  return n;
}

/* ------------------------------------------------------------------ UTF-8 */

int mt_is_utf8_text(const char *p, size_t n){
  const unsigned char *s = (const unsigned char*)p, *e = s + n;
  while( s<e ){
    unsigned c = *s;
    if( c<0x80 ){
      if( c==0 ) return 0;
      s++;
    }else if( c<0xC2 ){
      return 0;                                   /* continuation byte, or overlong */
    }else if( c<0xE0 ){
      if( e-s<2 || (s[1]&0xC0)!=0x80 ) return 0;
      s += 2;
    }else if( c<0xF0 ){
      if( e-s<3 || (s[1]&0xC0)!=0x80 || (s[2]&0xC0)!=0x80 ) return 0;
      if( c==0xE0 && s[1]<0xA0 ) return 0;        /* overlong */
      if( c==0xED && s[1]>=0xA0 ) return 0;       /* UTF-16 surrogate */
      s += 3;
    }else if( c<0xF5 ){
      if( e-s<4 || (s[1]&0xC0)!=0x80 || (s[2]&0xC0)!=0x80 || (s[3]&0xC0)!=0x80 ) return 0;
      if( c==0xF0 && s[1]<0x90 ) return 0;        /* overlong */
      if( c==0xF4 && s[1]>=0x90 ) return 0;       /* above U+10FFFF */
      s += 4;
    }else{
      return 0;
    }
  }
  return 1;
}

/* -------------------------------------------------------------------- seq */

struct mt_seq_ent {
  int64_t n;          /* lines numbered so far */
  int server_dir;     /* the word (MT_SMTP_SENT/RCVD) that carries the server's replies; 0 not known yet */
};

void mt_smtp_seq_init(mt_smtp_seq *m){
  memset(m, 0, sizeof(*m));
  m->last = -1;
}

void mt_smtp_seq_free(mt_smtp_seq *m){
  int i;
  for(i=0; i<m->nhost; i++) free(m->host[i]);
  free(m->host);
  free(m->host_len);
  mt_hmap_free(&m->map);
  free(m->ent);
  mt_smtp_seq_init(m);
}

/* Index of `host` among the hosts seen, adding it; -1 if out of memory. */
static int seq_host(mt_smtp_seq *m, const char *host, size_t len){
  int i;
  char *z;
  if( m->last>=0 && m->host_len[m->last]==len && memcmp(m->host[m->last], host, len)==0 ) return m->last;
  for(i=0; i<m->nhost; i++){
    if( m->host_len[i]==len && memcmp(m->host[i], host, len)==0 ) return m->last = i;
  }
  if( m->nhost==m->hostcap ){
    int c1 = m->hostcap, c2 = m->hostcap;    /* the two arrays grow alike */
    if( mt_grow_i(&m->host, &c1, m->nhost+1, sizeof(char*)) ) return -1;
    if( mt_grow_i(&m->host_len, &c2, m->nhost+1, sizeof(size_t)) ) return -1;
    m->hostcap = c1 < c2 ? c1 : c2;
  }
  z = malloc(len+1);
  if( !z ) return -1;
  if( len ) memcpy(z, host, len);
  z[len] = 0;
  m->host[m->nhost] = z;
  m->host_len[m->nhost] = len;
  return m->last = m->nhost++;
}

/* The entry of (host, icid), made (n = 0) if new; NULL if out of memory. */
static struct mt_seq_ent *seq_slot(mt_smtp_seq *m, const char *host, size_t host_len, int64_t icid){
  int h = seq_host(m, host, host_len), created;
  uint32_t *v;
  if( h<0 ) return 0;
  if( m->nent >= MT_HMAP_NONE ) return 0;
  if( mt_grow(&m->ent, &m->cent, m->nent+1, sizeof(*m->ent)) ) return 0;
  v = mt_hmap_ref(&m->map, (uint64_t)icid, (uint32_t)h, &created);
  if( !v ) return 0;
  if( created ){
    *v = (uint32_t)m->nent++;
    m->ent[*v].n = 0;
    m->ent[*v].server_dir = 0;
  }
  return &m->ent[*v];
}

int64_t mt_smtp_seq_next(mt_smtp_seq *m, const char *host, size_t host_len, int64_t icid){
  struct mt_seq_ent *x = seq_slot(m, host, host_len, icid);
  return x ? ++x->n : -1;
}

/* ------------------------------------------------------------------- side */

static int up(char c){ return (c>='a' && c<='z') ? c-32 : c; }

/* After a verb or a code: the end of the data, a space, or an escape
** (\r\n), or the closing quote. */
static int word_end(const char *p, const char *e, char q){
  return p>=e || *p==' ' || *p=='\\' || (q && *p==q);
}

int mt_smtp_content(const char *repr, size_t n){
  static const char *const azVerb[] = {
    "EHLO", "HELO", "LHLO", "MAIL", "RCPT", "DATA", "BDAT", "QUIT", "RSET", "NOOP", "VRFY",
    "EXPN", "HELP", "AUTH", "STARTTLS", "XCLIENT", "XFORWARD", "ETRN", "TURN", "ATRN"
  };
  const char *p = repr, *e = repr + n;
  char q = 0;
  size_t i, k;
  if( p<e && (*p=='\'' || *p=='"') ) q = *p++;
  if( e-p>=3 && p[0]>='2' && p[0]<='5' && p[1]>='0' && p[1]<='9' && p[2]>='0' && p[2]<='9'
   && (word_end(p+3, e, q) || p[3]=='-') ) return MT_SMTP_REPLY;
  for(i=0; i<sizeof(azVerb)/sizeof(azVerb[0]); i++){
    size_t len = strlen(azVerb[i]);
    if( (size_t)(e-p) < len ) continue;
    for(k=0; k<len && up(p[k])==azVerb[i][k]; k++){}
    if( k==len && (word_end(p+len, e, q) || p[len]==':') ) return MT_SMTP_COMMAND;
  }
  return 0;
}

int64_t mt_smtp_seq_step(mt_smtp_seq *m, const char *host, size_t host_len,
                         const mt_smtp_line *sl, int *side){
  struct mt_seq_ent *x = seq_slot(m, host, host_len, sl->icid);
  int other = sl->direction==MT_SMTP_SENT ? MT_SMTP_RCVD : MT_SMTP_SENT;
  *side = MT_SIDE_UNKNOWN;
  if( !x ) return -1;
  if( !x->server_dir ){
    int c = mt_smtp_content(sl->repr, sl->repr_len);
    if( c==MT_SMTP_REPLY ) x->server_dir = sl->direction;
    else if( c==MT_SMTP_COMMAND ) x->server_dir = other;
  }
  if( x->server_dir ) *side = x->server_dir==sl->direction ? MT_SIDE_SERVER : MT_SIDE_CLIENT;
  return ++x->n;
}
