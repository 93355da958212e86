/* SPDX-License-Identifier: MIT */
/*
** fuzz_cef.c — libFuzzer target for the CEF reader (ext/cef.c): any bytes
** as a body parse without reading out of bounds; every span lies inside the
** body, keys are non-empty, pairs never overlap and come in order.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  mt_cef c;
  char *b = malloc(size + 4);      /* "CEF:" + the input, exact size */
  const char *prev = 0;
  int i;
  mt_span v;
  if( !b ) return 0;
  memcpy(b, "CEF:", 4);
  memcpy(b + 4, data, size);
  if( !mt_cef_parse(b, size + 4, &c) ) abort();
  for(i=0; i<7; i++){
    if( c.hdr[i].p && (c.hdr[i].n < 0 || c.hdr[i].p < b || c.hdr[i].p + c.hdr[i].n > b + size + 4) ) abort();
  }
  for(i=0; i<c.nkv; i++){
    if( c.key[i].n <= 0 || c.key[i].p < b || c.val[i].n < 0 || c.val[i].p + c.val[i].n > b + size + 4 ) abort();
    if( prev && c.key[i].p < prev ) abort();
    prev = c.val[i].p + c.val[i].n;
    if( mt_cef_get(&c, "ESAMID", &v) && (v.p < b || v.p + v.n > b + size + 4) ) abort();
  }
  v = mt_cef_unquote(c.nkv ? c.val[0] : c.hdr[0]);
  (void)v;
  free(b);
  return 0;
}
