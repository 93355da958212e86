/*
** grow.c — the growth rule (grow.h): double from MT_GROW_FIRST, every
** multiplication checked, the old array untouched on failure.
** No SQLite types here.
*/
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "grow.h"

size_t mt_grow_cap(size_t cap, size_t need, size_t elem, size_t max){
  size_t nc;
  if( elem==0 ) elem = 1;
  if( max > SIZE_MAX / elem ) max = SIZE_MAX / elem;
  if( need <= cap ) return cap;
  if( need > max ) return 0;
  nc = cap ? cap : MT_GROW_FIRST;
  while( nc < need ){
    if( nc > max / 2 ){ nc = max; break; }   /* the last step stops at max */
    nc *= 2;
  }
  if( nc > max ) nc = max;
  return nc;
}

/* The pointer stored at pp (any object pointer type) read and written as
** bytes, so that the caller's pointer is not accessed through a void*. */
static int grow_to(void *pp, size_t nc, size_t elem){
  void *old, *nw;
  memcpy(&old, pp, sizeof old);
  nw = realloc(old, nc * (elem ? elem : 1));
  if( !nw ) return -1;
  memcpy(pp, &nw, sizeof nw);
  return 0;
}

int mt_grow(void *pp, size_t *pcap, size_t need, size_t elem){
  size_t nc;
  if( need <= *pcap ) return 0;
  nc = mt_grow_cap(*pcap, need, elem, SIZE_MAX);
  if( nc==0 || grow_to(pp, nc, elem) ) return -1;
  *pcap = nc;
  return 0;
}

int mt_grow_i(void *pp, int *pcap, int need, size_t elem){
  size_t cap = *pcap>0 ? (size_t)*pcap : 0, nc;
  if( need < 0 ) return -1;
  if( (size_t)need <= cap ) return 0;
  nc = mt_grow_cap(cap, (size_t)need, elem, INT_MAX);
  if( nc==0 || grow_to(pp, nc, elem) ) return -1;
  *pcap = (int)nc;
  return 0;
}

void mt_advise_huge(void *p, size_t n){
#ifdef MADV_HUGEPAGE
  const uintptr_t H = 2u*1024*1024;
  uintptr_t a = ((uintptr_t)p + H - 1) & ~(H - 1);
  uintptr_t e = ((uintptr_t)p + n) & ~(H - 1);
  if( n >= 4*H && e > a ) madvise((void*)a, e - a, MADV_HUGEPAGE);
#else
  (void)p; (void)n;
#endif
}
