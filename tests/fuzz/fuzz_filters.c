/* SPDX-License-Identifier: MIT */
/*
** fuzz_filters.c — libFuzzer target for the search-value checks
** (ext/filters.c): any bytes as a filter value of each kind, normalised
** into an exact-size heap buffer (ASan sees any write past it).  What must
** hold:
**
**   * a value that is accepted comes out NUL-terminated, inside the buffer,
**     no longer than it went in, without spaces at either end;
**   * normalising an accepted value again gives the same value (IP, address,
**     domain, text: the forms are fixed points);
**   * the same call with a buffer one byte too small refuses instead of
**     writing past it;
**   * mt_contains_nocase and mt_msgid_inner stay inside their input.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "filters.h"

static int is_space(char c){ return c==' ' || c=='\t' || c=='\r' || c=='\n' || c=='\v' || c=='\f'; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  size_t n = strnlen((const char*)data, size), cap = n + 1, k;
  char *in = malloc(cap), *out = malloc(cap), *again = malloc(cap);
  int kind;
  if( !in || !out || !again ){ free(in); free(out); free(again); return 0; }
  memcpy(in, data, n); in[n] = 0;
  for(kind=MT_FILTER_IP; kind<=MT_FILTER_TEXT; kind++){
    if( mt_filter_norm(kind, in, out, cap)==0 ){
      size_t m = strlen(out);
      if( m > n ) abort();
      if( m && (is_space(out[0]) || is_space(out[m-1])) ) abort();
      if( kind!=MT_FILTER_MSGID ){
        if( mt_filter_norm(kind, out, again, m + 1)!=0 || strcmp(out, again)!=0 ) abort();
      }
      /* a buffer smaller than the result is refused, not overrun */
      if( m>0 ){
        char *small = malloc(m);
        if( small && mt_filter_norm(kind, in, small, m)==0 ) abort();
        free(small);
      }
    }
  }
  if( n>1 ){
    k = (unsigned char)data[0] % n;
    (void)mt_contains_nocase(in + k, n - k, in + (n - k) / 2);
  }
  {
    size_t m;
    const char *p = mt_msgid_inner(in, &m);
    if( p < in || p + m > in + n ) abort();
  }
  free(in); free(out); free(again);
  return 0;
}
