/* SPDX-License-Identifier: MIT */
/*
** mime.c — RFC 2047 encoded-word decoder for Subject values (see mime.h for
** the rules).
**
** One pass over the input.  At each '=' that starts a well-formed word with
** a known charset and a valid payload, the word is decoded: its payload is
** first checked (nothing written; also when the word is looked ahead to
** across folding whitespace), then written.  Otherwise the text is copied.
** A word's text cannot contain '?', so a failed attempt looks at most three
** '?'-separated pieces ahead and the whole pass stays linear, whatever the
** input (each byte is looked at a small constant number of times).
**
** Output goes through put_cp(), which writes a whole UTF-8 sequence or, if
** it does not fit, nothing and stops the decoder for good ("full"): the
** result with a small buffer is a prefix of the result with a large one.
*/
#include "mime.h"

#include <string.h>

enum { CS_UNKNOWN = 0, CS_UTF8, CS_LATIN1, CS_CP1252, CS_LATIN9 };

#define REPLACEMENT 0xFFFDu

/* One encoded word, as spans into the input. */
typedef struct word {
  const char *cs;           /* charset name, without any "*lang" suffix */
  size_t cs_len;
  char enc;                 /* 'B' or 'Q' */
  const char *text;         /* encoded text between "?E?" and "?=" */
  size_t text_len;
  size_t end;               /* input offset just past "?=" */
  int charset;              /* CS_* */
} word;

/* The output and the state of the UTF-8 stream. */
typedef struct dec {
  char *out;
  size_t cap;               /* bytes available for text (the NUL excluded) */
  size_t len;
  int full;                 /* something did not fit: write nothing more */
  unsigned cp;              /* UTF-8 decoder (WHATWG): code point so far, */
  int need, seen;           /* continuation bytes needed and seen, */
  unsigned char lo, hi;     /* bounds of the next continuation byte */
} dec;

/* ---- charsets */

/* Windows-1252 0x80..0x9F; 0 = unassigned. */
static const unsigned short aCp1252[32] = {
  0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178
};

static unsigned latin9(unsigned char b){
  switch( b ){
    case 0xA4: return 0x20AC;
    case 0xA6: return 0x0160;
    case 0xA8: return 0x0161;
    case 0xB4: return 0x017D;
    case 0xB8: return 0x017E;
    case 0xBC: return 0x0152;
    case 0xBD: return 0x0153;
    case 0xBE: return 0x0178;
  }
  return b;
}

static int lower(int c){ return (c >= 'A' && c <= 'Z') ? c + 32 : c; }

/* p[0..n) equals the lower-case name z, ignoring case. */
static int name_is(const char *p, size_t n, const char *z){
  size_t i;
  for(i=0; i<n; i++){
    if( z[i]==0 || lower((unsigned char)p[i]) != z[i] ) return 0;
  }
  return z[n]==0;
}

static int charset_of(const char *p, size_t n){
  static const struct { const char *name; int cs; } aName[] = {
    { "utf-8", CS_UTF8 }, { "utf8", CS_UTF8 },
    { "us-ascii", CS_UTF8 }, { "ascii", CS_UTF8 },
    { "iso-8859-1", CS_LATIN1 }, { "iso8859-1", CS_LATIN1 },
    { "iso_8859-1", CS_LATIN1 }, { "latin1", CS_LATIN1 },
    { "latin-1", CS_LATIN1 }, { "l1", CS_LATIN1 },
    { "cp819", CS_LATIN1 }, { "ibm819", CS_LATIN1 },
    { "windows-1252", CS_CP1252 }, { "cp1252", CS_CP1252 },
    { "x-cp1252", CS_CP1252 },
    { "iso-8859-15", CS_LATIN9 }, { "iso8859-15", CS_LATIN9 },
    { "iso_8859-15", CS_LATIN9 }, { "latin-9", CS_LATIN9 },
    { "latin9", CS_LATIN9 }, { "l9", CS_LATIN9 },
  };
  size_t i;
  for(i=0; i<sizeof(aName)/sizeof(aName[0]); i++){
    if( name_is(p, n, aName[i].name) ) return aName[i].cs;
  }
  return CS_UNKNOWN;
}

/* ---- output */

static void put_cp(dec *d, unsigned cp){
  char b[4];
  size_t k;
  if( d->full ) return;
  if( cp==0 ) cp = REPLACEMENT;
  if( cp < 0x80 ){ b[0] = (char)cp; k = 1; }
  else if( cp < 0x800 ){
    b[0] = (char)(0xC0 | (cp >> 6));
    b[1] = (char)(0x80 | (cp & 0x3F)); k = 2;
  }else if( cp < 0x10000 ){
    b[0] = (char)(0xE0 | (cp >> 12));
    b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[2] = (char)(0x80 | (cp & 0x3F)); k = 3;
  }else{
    b[0] = (char)(0xF0 | (cp >> 18));
    b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F)); k = 4;
  }
  if( k > d->cap - d->len ){ d->full = 1; return; }
  memcpy(d->out + d->len, b, k);
  d->len += k;
}

/* Copy p[0..k) as is, or nothing (and stop) if it does not fit. */
static void put_raw(dec *d, const char *p, size_t k){
  if( d->full ) return;
  if( k > d->cap - d->len ){ d->full = 1; return; }
  memcpy(d->out + d->len, p, k);
  d->len += k;
}

static void utf8_reset(dec *d){
  d->cp = 0; d->need = 0; d->seen = 0; d->lo = 0x80; d->hi = 0xBF;
}

/* End of a UTF-8 stream: an unfinished sequence is one U+FFFD. */
static void utf8_flush(dec *d){
  if( d->need ){
    utf8_reset(d);
    put_cp(d, REPLACEMENT);
  }
}

/* One byte of a UTF-8 stream (the WHATWG UTF-8 decoder). */
static void utf8_byte(dec *d, unsigned char b){
  if( d->need==0 ){
    if( b < 0x80 ){ put_cp(d, b); }
    else if( b >= 0xC2 && b <= 0xDF ){ d->need = 1; d->cp = b & 0x1F; }
    else if( b >= 0xE0 && b <= 0xEF ){
      if( b==0xE0 ) d->lo = 0xA0;
      if( b==0xED ) d->hi = 0x9F;
      d->need = 2; d->cp = b & 0x0F;
    }else if( b >= 0xF0 && b <= 0xF4 ){
      if( b==0xF0 ) d->lo = 0x90;
      if( b==0xF4 ) d->hi = 0x8F;
      d->need = 3; d->cp = b & 0x07;
    }else{
      put_cp(d, REPLACEMENT);
    }
    return;
  }
  if( b < d->lo || b > d->hi ){
    /* the sequence so far is one U+FFFD; b starts afresh */
    utf8_reset(d);
    put_cp(d, REPLACEMENT);
    utf8_byte(d, b);         /* need==0 now: recurses at most once */
    return;
  }
  d->lo = 0x80; d->hi = 0xBF;
  d->cp = (d->cp << 6) | (b & 0x3F);
  if( ++d->seen==d->need ){
    unsigned cp = d->cp;
    utf8_reset(d);
    put_cp(d, cp);
  }
}

/* One decoded byte of a word in charset cs. */
static void put_byte(dec *d, int cs, unsigned char b){
  switch( cs ){
    case CS_UTF8:   utf8_byte(d, b); break;
    case CS_LATIN1: put_cp(d, b); break;
    case CS_LATIN9: put_cp(d, latin9(b)); break;
    case CS_CP1252:
      if( b >= 0x80 && b <= 0x9F ){
        unsigned cp = aCp1252[b - 0x80];
        put_cp(d, cp ? cp : REPLACEMENT);
      }else{
        put_cp(d, b);
      }
      break;
  }
}

/* ---- words */

/* A character of an RFC 2047 token (charset, encoding): printable ASCII
** other than the especials.  '*' is allowed: the RFC 2231 "charset*lang". */
static int is_token(unsigned char c){
  if( c <= 0x20 || c >= 0x7F ) return 0;
  return strchr("()<>@,;:\\\"/[]?.=", c)==0;
}

/* A character of encoded text: printable ASCII other than '?'. */
static int is_etext(unsigned char c){
  return c > 0x20 && c < 0x7F && c != '?';
}

static int hexval(unsigned char c){
  if( c >= '0' && c <= '9' ) return c - '0';
  if( c >= 'A' && c <= 'F' ) return c - 'A' + 10;
  if( c >= 'a' && c <= 'f' ) return c - 'a' + 10;
  return -1;
}

static int b64val(unsigned char c){
  if( c >= 'A' && c <= 'Z' ) return c - 'A';
  if( c >= 'a' && c <= 'z' ) return c - 'a' + 26;
  if( c >= '0' && c <= '9' ) return c - '0' + 52;
  if( c=='+' ) return 62;
  if( c=='/' ) return 63;
  return -1;
}

/* The syntax of an encoded word at in[i] (in[0..n) readable).  Fills *w
** (charset still unresolved) and returns 1, else 0. */
static int parse_word(const char *in, size_t n, size_t i, word *w){
  const unsigned char *p = (const unsigned char*)in;
  size_t j, cs0, star = 0, t0;
  if( n - i < 2 || p[i]!='=' || p[i+1]!='?' ) return 0;
  j = cs0 = i + 2;
  while( j < n && is_token(p[j]) ){
    if( p[j]=='*' && !star ) star = j;
    j++;
  }
  if( j==cs0 || j >= n || p[j]!='?' ) return 0;
  w->cs = in + cs0;
  w->cs_len = (star ? star : j) - cs0;
  j++;                                          /* past '?' */
  if( n - j < 2 || p[j+1]!='?' ) return 0;
  switch( p[j] ){
    case 'B': case 'b': w->enc = 'B'; break;
    case 'Q': case 'q': w->enc = 'Q'; break;
    default: return 0;
  }
  j += 2;
  t0 = j;
  while( j < n && is_etext(p[j]) ) j++;
  if( n - j < 2 || p[j]!='?' || p[j+1]!='=' ) return 0;
  w->text = in + t0;
  w->text_len = j - t0;
  w->end = j + 2;
  w->charset = CS_UNKNOWN;
  return 1;
}

/* Decode the payload of w.  With d==0 only check it; with d, write it
** (only call that after a check succeeded).  Returns 1 if valid. */
static int payload(const word *w, dec *d){
  const unsigned char *t = (const unsigned char*)w->text;
  size_t m = w->text_len, k;
  if( w->enc=='Q' ){
    for(k=0; k<m; ){
      if( t[k]=='_' ){
        if( d ) put_byte(d, w->charset, 0x20);
        k++;
      }else if( t[k]=='=' ){
        int hi, lo;
        if( m - k < 3 ) return 0;
        hi = hexval(t[k+1]); lo = hexval(t[k+2]);
        if( hi < 0 || lo < 0 ) return 0;
        if( d ) put_byte(d, w->charset, (unsigned char)(hi << 4 | lo));
        k += 3;
      }else{
        if( d ) put_byte(d, w->charset, t[k]);
        k++;
      }
    }
    return 1;
  }else{
    size_t pad = 0;
    unsigned acc = 0;
    int bits = 0;
    while( pad < 2 && m > 0 && t[m-1]=='=' ){ m--; pad++; }
    if( m % 4 == 1 ) return 0;
    if( pad && (m + pad) % 4 != 0 ) return 0;
    for(k=0; k<m; k++){
      int v = b64val(t[k]);
      if( v < 0 ) return 0;
      acc = ((acc << 6) | (unsigned)v) & 0xFFFFu;
      bits += 6;
      if( bits >= 8 ){
        bits -= 8;
        if( d ) put_byte(d, w->charset, (unsigned char)(acc >> bits));
      }
    }
    return 1;
  }
}

/* A word at in[i] that will be decoded: well-formed, known charset, valid
** payload. */
static int decodable(const char *in, size_t n, size_t i, word *w){
  if( !parse_word(in, n, i, w) ) return 0;
  w->charset = charset_of(w->cs, w->cs_len);
  if( w->charset==CS_UNKNOWN ) return 0;
  return payload(w, 0);
}

/* End of the folding whitespace starting at in[i]: space, tab, CR, LF and
** the repr escapes \r \n \t (backslash + letter). */
static size_t skip_fws(const char *in, size_t n, size_t i){
  while( i < n ){
    char c = in[i];
    if( c==' ' || c=='\t' || c=='\r' || c=='\n' ){ i++; continue; }
    if( c=='\\' && n - i >= 2 && (in[i+1]=='r' || in[i+1]=='n' || in[i+1]=='t') ){
      i += 2; continue;
    }
    break;
  }
  return i;
}

/* Length of the byte group at p (k bytes left) that must not be split: a
** lead byte with its continuation bytes, else 1. */
static size_t group_len(const unsigned char *p, size_t k){
  size_t g, j;
  if( p[0] < 0xC2 || p[0] > 0xF4 ) return 1;
  g = p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
  if( g > k ) return 1;
  for(j=1; j<g; j++) if( (p[j] & 0xC0) != 0x80 ) return 1;
  return g;
}

/* Copy plain text p[0..k), whole if it fits, else group by group. */
static void put_plain(dec *d, const char *p, size_t k){
  size_t j = 0;
  if( d->full || k==0 ) return;
  if( k <= d->cap - d->len ){ put_raw(d, p, k); return; }
  while( j < k && !d->full ){
    size_t g = group_len((const unsigned char*)p + j, k - j);
    put_raw(d, p + j, g);
    j += g;
  }
}

size_t mt_rfc2047_decode(const char *in, size_t n, char *out, size_t cap){
  dec d;
  size_t i = 0;
  int joined = 0;            /* the word at i follows a decoded word */
  int prev_cs = CS_UNKNOWN;  /* charset of that word */
  if( cap==0 ) return 0;
  if( !in ) n = 0;
  memset(&d, 0, sizeof(d));
  d.out = out;
  d.cap = cap - 1;
  utf8_reset(&d);
  while( i < n && !d.full ){
    word w;
    if( in[i]=='=' && decodable(in, n, i, &w) ){
      size_t k;
      /* a character split between two adjacent UTF-8 words is joined */
      if( !(joined && prev_cs==CS_UTF8 && w.charset==CS_UTF8) ) utf8_flush(&d);
      payload(&w, &d);
      prev_cs = w.charset;
      i = w.end;
      k = skip_fws(in, n, i);
      if( k < n && in[k]=='=' && decodable(in, n, k, &w) ){
        i = k;               /* RFC 2047 §6.2: drop the folding */
        joined = 1;
      }else{
        joined = 0;
      }
      continue;
    }
    utf8_flush(&d);
    joined = 0;
    if( in[i]=='=' ){
      put_raw(&d, in + i, 1);
      i++;
    }else{
      const char *eq = memchr(in + i, '=', n - i);
      size_t e = eq ? (size_t)(eq - in) : n;
      put_plain(&d, in + i, e - i);
      i = e;
    }
  }
  utf8_flush(&d);
  out[d.len] = 0;
  return d.len;
}

int mt_rfc2047_has_words(const char *in, size_t n){
  size_t i = 0;
  if( !in ) return 0;
  while( i < n ){
    const char *eq = memchr(in + i, '=', n - i);
    word w;
    if( !eq ) return 0;
    i = (size_t)(eq - in);
    if( parse_word(in, n, i, &w) ) return 1;
    i++;
  }
  return 0;
}

/* ---- attachment names */

/* The bytes of in[0..n) with "<esc>XX" decoded, one at a time.  0 at the
** end; -1 when an escape is not followed by two hex digits. */
static int esc_next(const char *in, size_t n, size_t *i, char esc){
  int hi, lo;
  if( *i >= n ) return 0;
  if( in[*i]!=esc ){ return (unsigned char)in[(*i)++] | 0x100; }
  if( *i + 2 >= n ) return -1;
  hi = hexval((unsigned char)in[*i+1]); lo = hexval((unsigned char)in[*i+2]);
  if( hi<0 || lo<0 ) return -1;
  *i += 3;
  return (hi*16 + lo) | 0x100;
}

/* Every escape well formed, and (utf8) the decoded bytes well-formed UTF-8
** without NUL. */
static int esc_ok(const char *in, size_t n, char esc, int utf8){
  size_t i = 0;
  int need = 0, b;
  unsigned char lo = 0x80, hi = 0xBF;
  while( (b = esc_next(in, n, &i, esc))!=0 ){
    unsigned char c;
    if( b<0 ) return 0;
    c = (unsigned char)(b & 0xFF);
    if( !utf8 ) continue;
    if( need ){
      if( c < lo || c > hi ) return 0;
      lo = 0x80; hi = 0xBF;
      need--;
      continue;
    }
    if( c==0 ) return 0;
    if( c < 0x80 ) continue;
    if( c >= 0xC2 && c <= 0xDF ){ need = 1; }
    else if( c >= 0xE0 && c <= 0xEF ){ need = 2; lo = c==0xE0 ? 0xA0 : 0x80; hi = c==0xED ? 0x9F : 0xBF; }
    else if( c >= 0xF0 && c <= 0xF4 ){ need = 3; lo = c==0xF0 ? 0x90 : 0x80; hi = c==0xF4 ? 0x8F : 0xBF; }
    else return 0;
  }
  return need==0;
}

static size_t esc_decode(const char *in, size_t n, char esc, int cs, char *out, size_t cap){
  dec d;
  size_t i = 0;
  int b;
  memset(&d, 0, sizeof(d));
  d.out = out;
  d.cap = cap - 1;
  utf8_reset(&d);
  while( !d.full && (b = esc_next(in, n, &i, esc)) > 0 ) put_byte(&d, cs, (unsigned char)(b & 0xFF));
  utf8_flush(&d);
  out[d.len] = 0;
  return d.len;
}

size_t mt_filename_decode(const char *in, size_t n, char *out, size_t cap){
  const char *q1, *q2;
  if( cap==0 ) return 0;
  if( !in ) n = 0;
  if( mt_rfc2047_has_words(in, n) ) return mt_rfc2047_decode(in, n, out, cap);
  /* RFC 2231: charset'lang'text */
  q1 = n ? memchr(in, '\'', n) : 0;
  q2 = q1 ? memchr(q1 + 1, '\'', n - (size_t)(q1 + 1 - in)) : 0;
  if( q1 && q2 && q1 > in ){
    size_t k;
    int cs = charset_of(in, (size_t)(q1 - in));
    for(k=0; in + k < q1 && is_token((unsigned char)in[k]); k++){}
    if( cs!=CS_UNKNOWN && in + k==q1 ){
      const char *t = q2 + 1;
      size_t tn = n - (size_t)(t - in);
      if( esc_ok(t, tn, '%', 0) ) return esc_decode(t, tn, '%', cs, out, cap);
    }
  }
  /* AsyncOS's quoted-printable form of a UTF-8 name */
  if( n && memchr(in, '=', n) && esc_ok(in, n, '=', 1) ) return esc_decode(in, n, '=', CS_UTF8, out, cap);
  {
    dec d;
    memset(&d, 0, sizeof(d));
    d.out = out;
    d.cap = cap - 1;
    put_plain(&d, in, n);
    out[d.len] = 0;
    return d.len;
  }
}
