/* SPDX-License-Identifier: MIT */
/*
** fuzz.h — what the libFuzzer targets share: an exact-size copy of the
** input (fuzz_line.c, fuzz_logtype.c, fuzz_amp.c, fuzz_av.c), the input split
** into lines as the reader splits them, and the check that an event's spans
** lie inside its body (fuzz_line.c, fuzz_logtype.c).  Header only: static
** inline functions.
*/
#ifndef MT_FUZZ_H
#define MT_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"

/* An exact-size heap copy of n bytes (one byte for none), so that ASan sees
** any read past the end; NULL when out of memory. */
static inline char *fuzz_copy(const void *p, size_t n){
  char *copy = malloc(n ? n : 1);
  if( copy ) memcpy(copy, p, n);
  return copy;
}

/* fn(line, length) for every line of the input, split at '\n' (not
** included), the last one without its '\n' too. */
static inline void fuzz_each_line(const uint8_t *data, size_t size, void (*fn)(const char *p, size_t n)){
  const char *p = (const char*)data, *e = p + size;
  while( p < e ){
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    const char *le = nl ? nl : e;
    fn(p, (size_t)(le - p));
    p = nl ? nl + 1 : e;
  }
}

/* abort() unless every field ev has lies inside the body [b, b+n). */
static inline void fuzz_fields_inside(const mt_event *ev, const char *b, size_t n){
  int f;
  for(f=0; f<MT_F_COUNT; f++){
    if( !mt_has(ev, f) ) continue;
    if( ev->f[f].n < 0 || ev->f[f].p < b || ev->f[f].p + ev->f[f].n > b + n ) abort();
  }
}

#endif
