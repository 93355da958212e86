/* SPDX-License-Identifier: MIT */
/*
** filters.c — checking and normalising search values (filters.h).
**
** The forms are deliberately plain: an address is what AsyncOS logs between
** the angle brackets of From:/To: (local@domain or a bare local part, no spaces), an IP is what
** inet_pton reads.  Nothing here knows SQLite; table_diagnose.c turns a -1
** into "mailtrace_diagnose: ip wants an IPv4 or IPv6 address such as
** 192.0.2.10, not 'not-an-ip'".
*/
#include "filters.h"

#include <arpa/inet.h>
#include <string.h>

static int is_space(char c){ return c==' ' || c=='\t' || c=='\r' || c=='\n' || c=='\v' || c=='\f'; }

/* in trimmed into [*pb, *pe) */
static void trim(const char *in, const char **pb, const char **pe){
  const char *b = in, *e = in + strlen(in);
  while( b<e && is_space(*b) ) b++;
  while( e>b && is_space(e[-1]) ) e--;
  *pb = b; *pe = e;
}

static int has_space(const char *b, const char *e){
  for(; b<e; b++) if( is_space(*b) ) return 1;
  return 0;
}

static int copy_out(const char *b, const char *e, char *out, size_t cap){
  size_t n = (size_t)(e - b);
  if( n+1 > cap ) return -1;
  memcpy(out, b, n);
  out[n] = 0;
  return 0;
}

static void strip_angle(const char **pb, const char **pe){
  const char *b = *pb, *e = *pe;
  if( e-b>=2 && b[0]=='<' && e[-1]=='>' ){
    b++; e--;
    while( b<e && is_space(*b) ) b++;
    while( e>b && is_space(e[-1]) ) e--;
  }
  *pb = b; *pe = e;
}

int mt_filter_norm(int kind, const char *in, char *out, size_t cap){
  const char *b, *e, *p;
  if( !in || !out || cap==0 ) return -1;
  trim(in, &b, &e);
  switch( kind ){
    case MT_FILTER_IP: {
      char tmp[64];
      unsigned char bin[16];
      if( e==b || (size_t)(e-b) >= sizeof(tmp) ) return -1;
      memcpy(tmp, b, (size_t)(e-b)); tmp[e-b] = 0;
      if( inet_pton(AF_INET, tmp, bin)!=1 && inet_pton(AF_INET6, tmp, bin)!=1 ) return -1;
      return copy_out(b, e, out, cap);
    }
    case MT_FILTER_ADDR: {
      const char *at = 0;
      strip_angle(&b, &e);
      if( e==b ) return copy_out(b, e, out, cap);              /* the null sender */
      if( has_space(b, e) ) return -1;
      for(p=b; p<e; p++){
        if( *p=='<' || *p=='>' || *p==',' || *p==';' ) return -1;
        if( *p=='@' ) at = p;
      }
      /* local@domain; a bare local part too (AsyncOS logs unqualified and redacted
      ** addresses as they came): what the logs hold must be searchable */
      if( at && (at==b || at==e-1) ) return -1;
      return copy_out(b, e, out, cap);
    }
    case MT_FILTER_DOMAIN:
      if( b<e && *b=='@' ) b++;
      if( e==b ) return -1;
      for(p=b; p<e; p++){
        unsigned char c = (unsigned char)*p;
        if( !(c>='a' && c<='z') && !(c>='A' && c<='Z') && !(c>='0' && c<='9')
         && c!='.' && c!='-' && c!='_' && c<0x80 ) return -1;
      }
      if( *b=='.' ) return -1;
      return copy_out(b, e, out, cap);
    case MT_FILTER_MSGID:
      strip_angle(&b, &e);
      if( e==b || has_space(b, e) ) return -1;
      return copy_out(b, e, out, cap);
    case MT_FILTER_TEXT:
      if( e==b ) return -1;
      return copy_out(b, e, out, cap);
  }
  return -1;
}

const char *mt_filter_form(int kind){
  switch( kind ){
    case MT_FILTER_IP: return "an IPv4 or IPv6 address such as 192.0.2.10";
    case MT_FILTER_ADDR: return "a mail address such as hr@example.com (angle brackets optional; '<>' is the null sender)";
    case MT_FILTER_DOMAIN: return "a domain such as example.com";
    case MT_FILTER_MSGID: return "a Message-ID such as <abc123@mail.example.com> (angle brackets optional)";
    case MT_FILTER_TEXT: return "some text";
  }
  return "a value";
}

static char lower(char c){ return (c>='A' && c<='Z') ? (char)(c - 'A' + 'a') : c; }

int mt_contains_nocase(const char *hay, size_t n, const char *needle){
  size_t m = strlen(needle), i, j;
  if( m==0 ) return 1;
  if( m>n ) return 0;
  for(i=0; i+m<=n; i++){
    for(j=0; j<m && lower(hay[i+j])==lower(needle[j]); j++){}
    if( j==m ) return 1;
  }
  return 0;
}

const char *mt_msgid_inner(const char *z, size_t *pn){
  const char *b, *e;
  trim(z, &b, &e);
  strip_angle(&b, &e);
  *pn = (size_t)(e - b);
  return b;
}
