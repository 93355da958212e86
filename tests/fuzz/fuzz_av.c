/*
** fuzz_av.c — libFuzzer target for the anti-virus log grammar (ext/av.c):
** any bytes as one body parse without reading out of bounds, every span
** lies inside the body, and a line names a MID only when it is an
** anti-virus engine line.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "av.h"
#include "fuzz.h"

static void in(const mt_span *s, const char *b, size_t n){
  if( s->p && (s->n <= 0 || s->p < b || s->p + s->n > b + n) ) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  mt_av a;
  char *b = fuzz_copy(data, size);
  int k;
  if( !b ) return 0;
  k = mt_av_parse(b, size, &a);
  if( k<MT_AV_NONE || k>MT_AV_OTHER ) abort();
  in(&a.engine, b, size); in(&a.rank, b, size); in(&a.result, b, size); in(&a.names, b, size);
  in(&a.part, b, size); in(&a.flags, b, size); in(&a.error, b, size); in(&a.code, b, size);
  in(&a.limit, b, size); in(&a.text, b, size);
  if( k==MT_AV_NONE && (a.mid!=-1 || a.engine.p) ) abort();
  if( k!=MT_AV_NONE && !a.engine.p ) abort();
  if( (k==MT_AV_VIRUS || k==MT_AV_ERROR || k==MT_AV_LIMIT || k==MT_AV_TIMEOUT) != (mt_av_result_word(&a)!=0) ) abort();
  free(b);
  return 0;
}
