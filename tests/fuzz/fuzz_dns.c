/* SPDX-License-Identifier: MIT */
/*
** fuzz_dns.c — libFuzzer target for the live checks' parsers, which read
** what a remote server sends: the DNS reply parser (ext/dns.c) and the SMTP
** reply grammar (ext/probe.c).  The first byte picks which; the rest is
** copied into an exact-size heap buffer, so ASan sees any read past it.
** What must hold:
**
**   * mt_dns_parse never reads outside the reply and ends (compression
**     pointers cannot loop); on success every name is NUL-terminated text
**     shorter than MT_DNS_NAME without raw dots inside labels (they are
**     escaped), and no more than MT_DNS_MAXRR records are kept;
**   * a parsed question name can be put back into a query, or is refused
**     cleanly;
**   * mt_smtp_reply says "whole" only with a length inside the input that
**     ends on a line end, and a code from 200 to 599.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "probe.h"

static void check_name(const char *z){
  size_t n = strnlen(z, MT_DNS_NAME);
  size_t i;
  if( n>=MT_DNS_NAME ) abort();
  for(i=0; i<n; i++) if( (unsigned char)z[i]<=' ' || (unsigned char)z[i]>=127 ) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  uint8_t *p;
  size_t n;
  if( size<1 ) return 0;
  n = size - 1;
  p = malloc(n ? n : 1);
  if( !p ) return 0;
  memcpy(p, data + 1, n);
  if( (data[0] & 1)==0 ){
    static mt_dns_msg m;
    if( mt_dns_parse(p, n, &m)==0 ){
      int i;
      uint8_t q[512];
      if( m.nrr<0 || m.nrr>MT_DNS_MAXRR ) abort();
      check_name(m.qname);
      for(i=0; i<m.nrr; i++){ check_name(m.rr[i].owner); check_name(m.rr[i].target); }
      (void)mt_dns_query_build(q, sizeof(q), m.id, m.qname, m.qtype);
      (void)mt_dns_name_eq(m.qname, m.nrr ? m.rr[0].owner : "");
    }
  }else{
    int code = 0;
    size_t len = 0;
    int r = mt_smtp_reply((const char*)p, n, &code, &len);
    if( r==1 && (len==0 || len>n || p[len-1]!='\n' || code<200 || code>599) ) abort();
  }
  free(p);
  return 0;
}
