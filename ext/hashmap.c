/*
** hashmap.c — the hash map of hashmap.h: growth and insertion (lookups are
** inline in the header).  Big tables are advised to use huge pages, as the
** entity store's arrays are (grow.h).  No SQLite types here.
*/
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "hashmap.h"

void mt_hmap_init(mt_hmap *m, size_t first){
  memset(m, 0, sizeof(*m));
  m->first = first;
}

void mt_hmap_free(mt_hmap *m){
  size_t first = m->first;
  free(m->slot);
  mt_hmap_init(m, first);
}

size_t mt_hmap_bytes(const mt_hmap *m){ return m->cap * sizeof(mt_hslot); }

/* Move every entry into a table of `ncap` slots (a power of two). */
static int rehash(mt_hmap *m, size_t ncap){
  mt_hslot *ns;
  size_t i;
  if( ncap > SIZE_MAX / sizeof(mt_hslot) ) return -1;
  ns = malloc(ncap * sizeof(mt_hslot));
  if( !ns ) return -1;
  mt_advise_huge(ns, ncap * sizeof(mt_hslot));
  for(i=0; i<ncap; i++) ns[i].val = MT_HMAP_NONE;
  for(i=0; i<m->cap; i++){
    if( m->slot[i].val!=MT_HMAP_NONE ){
      size_t j = (size_t)mt_hmap_hash(m->slot[i].key, m->slot[i].tag) & (ncap-1);
      while( ns[j].val!=MT_HMAP_NONE ) j = (j+1) & (ncap-1);
      ns[j] = m->slot[i];
    }
  }
  free(m->slot);
  m->slot = ns;
  m->cap = ncap;
  return 0;
}

/* The capacity that holds n entries at a load of at most 3/4. */
static size_t cap_for(const mt_hmap *m, size_t n){
  size_t c = m->cap ? m->cap : (m->first ? m->first : MT_HMAP_FIRST);
  if( n > SIZE_MAX / 4 ) return 0;
  while( n*4 > c*3 ){
    if( c > SIZE_MAX / 2 ) return 0;
    c *= 2;
  }
  return c;
}

int mt_hmap_reserve(mt_hmap *m, size_t n){
  size_t c = cap_for(m, n);
  if( c==0 ) return -1;
  return c==m->cap ? 0 : rehash(m, c);
}

uint32_t *mt_hmap_ref(mt_hmap *m, uint64_t key, uint32_t tag, int *pCreated){
  size_t i, mask;
  if( pCreated ) *pCreated = 0;
  if( m->cap==0 || (m->n+1)*4 > m->cap*3 ){
    if( mt_hmap_reserve(m, m->n+1) ) return 0;
  }
  mask = m->cap - 1;
  for(i = (size_t)mt_hmap_hash(key, tag) & mask; m->slot[i].val!=MT_HMAP_NONE; i = (i+1) & mask){
    if( m->slot[i].key==key && m->slot[i].tag==tag ) return &m->slot[i].val;
  }
  m->slot[i].key = key;
  m->slot[i].tag = tag;
  m->slot[i].val = 0;
  m->n++;
  if( pCreated ) *pCreated = 1;
  return &m->slot[i].val;
}

int mt_hmap_put(mt_hmap *m, uint64_t key, uint32_t tag, uint32_t val){
  uint32_t *v;
  if( val==MT_HMAP_NONE ) return -1;
  v = mt_hmap_ref(m, key, tag, 0);
  if( !v ) return -1;
  *v = val;
  return 0;
}
