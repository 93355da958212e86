/*
** fuzz_hashmap.c — libFuzzer target for the hash map (ext/hashmap.c) and
** the growth rule (ext/grow.c).  The input is a program: each 7-byte step
** is an operation (put, ref, get, reserve) on a key drawn from a small key
** space (so that keys repeat and collide) and a tag, applied both to the
** map and to a plain array model.  What must hold after every step:
**
**   * every key the model holds is found with the model's value, and a key
**     it does not hold is not found;
**   * the entry count equals the model's, the load stays at most 3/4, the
**     capacity is a power of two, and a walk of the slots counts n entries;
**   * mt_grow grows an array to the model's size and keeps its contents.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hashmap.h"

#define NKEY 512

typedef struct model { uint64_t key; uint32_t tag, val; } model;

static int find(const model *a, size_t n, uint64_t key, uint32_t tag){
  size_t i;
  for(i=0; i<n; i++) if( a[i].key==key && a[i].tag==tag ) return (int)i;
  return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  mt_hmap m;
  model *a = 0;
  size_t na = 0, ca = 0, i, k;
  mt_hmap_init(&m, size ? (size_t)1 << (data[0] % 8) : 0);
  for(i=1; i+7<=size; i+=7){
    const uint8_t *p = data + i;
    uint32_t op = p[0] % 4;
    uint64_t key = ((uint64_t)(p[1] | p[2] << 8) % NKEY) * ((p[0] & 0x80) ? UINT64_C(0x100000000) : 1);
    uint32_t tag = p[3] % 4;
    uint32_t val = (uint32_t)(p[4] | p[5] << 8 | (uint32_t)p[6] << 16);
    int j = find(a, na, key, tag);
    if( op==0 ){                                   /* put */
      if( mt_hmap_put(&m, key, tag, val) ) abort();
      if( j<0 ){
        if( mt_grow(&a, &ca, na+1, sizeof *a) ) abort();
        a[na].key = key; a[na].tag = tag; a[na].val = val; na++;
      }else a[j].val = val;
    }else if( op==1 ){                             /* ref: get or insert 0 */
      int created = -1;
      uint32_t *v = mt_hmap_ref(&m, key, tag, &created);
      if( !v || created!=(j<0) ) abort();
      if( j<0 ){
        if( *v!=0 ) abort();
        if( mt_grow(&a, &ca, na+1, sizeof *a) ) abort();
        a[na].key = key; a[na].tag = tag; a[na].val = 0; na++;
      }else if( *v!=a[j].val ) abort();
    }else if( op==2 ){                             /* get */
      uint32_t v = mt_hmap_get(&m, key, tag);
      if( j<0 ? v!=MT_HMAP_NONE : v!=a[j].val ) abort();
    }else{                                         /* reserve */
      if( mt_hmap_reserve(&m, m.n + val % 2048) ) abort();
    }
    if( m.n!=na || (m.cap && (m.cap & (m.cap-1))) || m.n*4 > m.cap*3 ) abort();
  }
  for(i=0; i<na; i++) if( mt_hmap_get(&m, a[i].key, a[i].tag)!=a[i].val ) abort();
  for(i=0, k=0; i<m.cap; i++) if( m.slot[i].val!=MT_HMAP_NONE ) k++;
  if( k!=na || ca < na ) abort();
  mt_hmap_free(&m);
  free(a);
  return 0;
}
