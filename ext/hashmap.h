/*
** hashmap.h — the one hash map of mailtrace: open addressing with linear
** probing, a power-of-two table, keys of 64 bits plus a 32-bit tag (a
** host number, or 0), values of 32 bits.
**
**   mt_hmap m = {0};                      // or mt_hmap_init(&m, 1024)
**   if( mt_hmap_put(&m, mid, host, row) ) return -1;       // out of memory
**   uint32_t row = mt_hmap_get(&m, mid, host);             // MT_HMAP_NONE if absent
**   uint32_t *v = mt_hmap_ref(&m, key, 0, &created);       // get or insert
**   mt_hmap_free(&m);
**
** The value MT_HMAP_NONE (UINT32_MAX) marks an empty slot and cannot be
** stored.  The table doubles when it would be more than 3/4 full; nothing is
** ever removed.  Its slots are public: a walk over m.slot[0..cap) visits
** every entry whose val is not MT_HMAP_NONE (in no particular order).
** The entity store (entities.c), the partial store's key sets (partial.c),
** the injection-log sequence numbers (smtp.c) and the files table's MID
** chains (attach.c) use it; the offset index
** (index.c) keeps its own table, whose slots carry posting lists and are
** written to index files.  Unit-tested in tests/unit/test_hashmap.c, fuzzed
** against a plain model by tests/fuzz/fuzz_hashmap.c.  No SQLite types here.
*/
#ifndef MAILTRACE_HASHMAP_H
#define MAILTRACE_HASHMAP_H

#include <stddef.h>
#include <stdint.h>

#include "wraps.h"

#define MT_HMAP_NONE UINT32_MAX
#define MT_HMAP_FIRST 64            /* first capacity when none was asked for */

typedef struct mt_hslot { uint64_t key; uint32_t tag; uint32_t val; } mt_hslot;
typedef struct mt_hmap {
  mt_hslot *slot;           /* cap slots; val MT_HMAP_NONE = empty */
  size_t cap, n;            /* cap a power of two (or 0), n entries */
  size_t first;             /* first capacity (0: MT_HMAP_FIRST) */
} mt_hmap;

/* The slot a key starts probing from (multiply-xorshift; the tag in the
** high bits so that the same id on two hosts lands apart). */
MT_WRAPS static inline uint64_t mt_hmap_hash(uint64_t key, uint32_t tag){
  uint64_t h = (key ^ ((uint64_t)tag << 47)) * 0x9e3779b97f4a7c15ULL;
  return h ^ (h >> 29);
}

/* The value stored for (key, tag), or MT_HMAP_NONE. */
static inline uint32_t mt_hmap_get(const mt_hmap *m, uint64_t key, uint32_t tag){
  size_t i, mask;
  if( m->cap==0 ) return MT_HMAP_NONE;
  mask = m->cap - 1;
  for(i = (size_t)mt_hmap_hash(key, tag) & mask; m->slot[i].val!=MT_HMAP_NONE; i = (i+1) & mask){
    if( m->slot[i].key==key && m->slot[i].tag==tag ) return m->slot[i].val;
  }
  return MT_HMAP_NONE;
}

/* An empty map whose first table has `first` slots (a power of two). */
void mt_hmap_init(mt_hmap *m, size_t first);
void mt_hmap_free(mt_hmap *m);        /* back to empty, same `first` */

/* Make room for `n` entries in all without growing again.  0, or -1. */
int mt_hmap_reserve(mt_hmap *m, size_t n);

/* Insert or replace (val != MT_HMAP_NONE).  0, or -1 out of memory (the map
** is unchanged). */
int mt_hmap_put(mt_hmap *m, uint64_t key, uint32_t tag, uint32_t val);

/* The value slot of (key, tag); a new entry is made with value 0 and
** *pCreated (when given) set to 1.  NULL when out of memory.  The pointer is
** good until the next insertion. */
uint32_t *mt_hmap_ref(mt_hmap *m, uint64_t key, uint32_t tag, int *pCreated);

/* Bytes held by the table. */
size_t mt_hmap_bytes(const mt_hmap *m);

#endif
