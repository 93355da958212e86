/* SPDX-License-Identifier: MIT */
/*
** fuzz_amp.c — libFuzzer target for the AMP engine log grammar (ext/amp.c):
** any bytes as one body parse without reading out of bounds, and every
** span lies inside the body.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "amp.h"
#include "fuzz.h"

static void in(const mt_span *s, const char *b, size_t n){
  if( s->p && (s->n < 0 || s->p < b || s->p + s->n > b + n) ) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  mt_amp a;
  char *b = fuzz_copy(data, size);
  int k;
  if( !b ) return 0;
  k = mt_amp_parse(b, size, &a);
  if( k!=mt_amp_kind(b, size) ) abort();
  in(&a.name, b, size); in(&a.size, b, size); in(&a.type, b, size); in(&a.source, b, size);
  in(&a.disposition, b, size); in(&a.malware, b, size); in(&a.score, b, size);
  in(&a.sha256, b, size); in(&a.upload_action, b, size); in(&a.reason, b, size);
  in(&a.timestamp, b, size); in(&a.run_id, b, size);
  if( a.mid==0 ) abort();                  /* MID = 0 names no message */
  free(b);
  return 0;
}
