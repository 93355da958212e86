/*
** test_hashmap.c — the hash map (ext/hashmap.c) and the growth rule
** (ext/grow.c): lookups after many insertions and growths checked against a
** plain array, replacement, the same key under two tags, the get-or-insert
** flag, a slot walk that sees every entry once, reserve, the reserved value,
** and the growth rule's doubling and overflow refusals.
*/
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "grow.h"
#include "hashmap.h"

/* Keys that collide in the low bits (ids in flight are close; the tag is a host). */
static uint64_t key_of(uint32_t i){ return (uint64_t)i * 4096u + (i % 7); }

static void test_map(void){
  mt_hmap m;
  uint32_t i, bad = 0, n = 100000;
  size_t seen = 0;
  int created = -1;
  uint32_t *v;

  mt_hmap_init(&m, 0);
  CHECK("hashmap.empty_get", mt_hmap_get(&m, 1, 0)==MT_HMAP_NONE);
  for(i=0; i<n; i++) if( mt_hmap_put(&m, key_of(i), i & 3, i) ){ bad++; break; }
  CHECK("hashmap.put_100000", bad==0 && m.n==n);
  for(i=0, bad=0; i<n; i++) if( mt_hmap_get(&m, key_of(i), i & 3)!=i ) bad++;
  CHECK("hashmap.get_after_growth", bad==0);
  for(i=0, bad=0; i<n; i++) if( mt_hmap_get(&m, key_of(i), (i & 3) ^ 1)!=MT_HMAP_NONE ) bad++;
  CHECK("hashmap.other_tag_absent", bad==0);
  CHECK("hashmap.absent_key", mt_hmap_get(&m, key_of(n) + 1, 0)==MT_HMAP_NONE);
  CHECK("hashmap.load_at_most_three_quarters", m.n*4 <= m.cap*3 && (m.cap & (m.cap-1))==0);
  CHECK("hashmap.bytes", mt_hmap_bytes(&m)==m.cap*sizeof(mt_hslot));

  /* replace keeps one entry */
  CHECK("hashmap.replace", mt_hmap_put(&m, key_of(5), 5 & 3, 77)==0 && m.n==n
                           && mt_hmap_get(&m, key_of(5), 5 & 3)==77);
  /* the same key under another tag is another entry */
  CHECK("hashmap.same_key_two_tags", mt_hmap_put(&m, key_of(5), 9, 1234)==0 && m.n==n+1
                           && mt_hmap_get(&m, key_of(5), 9)==1234 && mt_hmap_get(&m, key_of(5), 5 & 3)==77);
  /* the empty marker cannot be stored */
  CHECK("hashmap.none_refused", mt_hmap_put(&m, 42, 42, MT_HMAP_NONE)==-1 && mt_hmap_get(&m, 42, 42)==MT_HMAP_NONE);

  /* get or insert */
  v = mt_hmap_ref(&m, 999999999, 3, &created);
  CHECK("hashmap.ref_creates", v && created==1 && *v==0);
  if( v ) *v = 5;
  v = mt_hmap_ref(&m, 999999999, 3, &created);
  CHECK("hashmap.ref_finds", v && created==0 && *v==5);

  /* the slot walk sees every entry once */
  for(i=0; i<m.cap; i++) if( m.slot[i].val!=MT_HMAP_NONE ) seen++;
  CHECK("hashmap.walk_counts_entries", seen==m.n);

  mt_hmap_free(&m);
  CHECK("hashmap.free_empties", m.cap==0 && m.n==0 && m.slot==0 && mt_hmap_get(&m, key_of(1), 1)==MT_HMAP_NONE);

  /* a first capacity, and reserve */
  mt_hmap_init(&m, 1024);
  CHECK("hashmap.first_capacity", mt_hmap_put(&m, 0, 0, 1)==0 && m.cap==1024);
  CHECK("hashmap.key_zero", mt_hmap_get(&m, 0, 0)==1);
  CHECK("hashmap.reserve", mt_hmap_reserve(&m, 5000)==0 && m.cap==8192 && mt_hmap_get(&m, 0, 0)==1);
  CHECK("hashmap.reserve_overflow", mt_hmap_reserve(&m, SIZE_MAX/2)==-1 && m.cap==8192);
  mt_hmap_free(&m);
  CHECK("hashmap.free_keeps_first", m.first==1024);
}

static void test_grow(void){
  int *a = 0, ci = 0;
  size_t cap = 0, i;
  long *b = 0;
  int ok = 1;

  CHECK("grow.cap_first", mt_grow_cap(0, 1, 8, SIZE_MAX)==MT_GROW_FIRST);
  CHECK("grow.cap_doubles", mt_grow_cap(16, 17, 8, SIZE_MAX)==32 && mt_grow_cap(16, 100, 8, SIZE_MAX)==128);
  CHECK("grow.cap_enough", mt_grow_cap(64, 10, 8, SIZE_MAX)==64);
  CHECK("grow.cap_stops_at_max", mt_grow_cap(16, 20, 1, 20)==20);
  CHECK("grow.cap_over_max", mt_grow_cap(16, 21, 1, 20)==0);
  CHECK("grow.cap_bytes_overflow", mt_grow_cap(0, SIZE_MAX/8 + 1, 8, SIZE_MAX)==0);

  for(i=0; i<100000 && ok; i++){
    if( mt_grow(&b, &cap, i+1, sizeof *b) ) ok = 0;
    else b[i] = (long)i;
  }
  for(i=0; i<100000 && ok; i++) if( b[i]!=(long)i ) ok = 0;
  CHECK("grow.size_t_keeps_contents", ok && cap>=100000 && (cap & (cap-1))==0);
  CHECK("grow.no_change_when_room", mt_grow(&b, &cap, 10, sizeof *b)==0 && cap>=100000);
  {
    long *keep = b;
    size_t kc = cap;
    CHECK("grow.refuses_overflow_unchanged", mt_grow(&b, &cap, SIZE_MAX/4, sizeof *b)==-1 && b==keep && cap==kc);
  }
  free(b);

  CHECK("grow.int", mt_grow_i(&a, &ci, 1, sizeof *a)==0 && ci==MT_GROW_FIRST && a);
  if( a ) a[0] = 7;
  CHECK("grow.int_doubles", mt_grow_i(&a, &ci, MT_GROW_FIRST+1, sizeof *a)==0 && ci==2*MT_GROW_FIRST && a[0]==7);
  /* refusals decided by the rule alone: nothing is allocated to find out */
  CHECK("grow.int_refuses_past_int_max", mt_grow_cap(32, (size_t)INT_MAX + 1, 1, INT_MAX)==0);
  CHECK("grow.int_refuses_bytes_overflow", mt_grow_i(&a, &ci, INT_MAX, SIZE_MAX/4)==-1 && ci==2*MT_GROW_FIRST);
  CHECK("grow.int_refuses_negative", mt_grow_i(&a, &ci, -1, sizeof *a)==-1);
  free(a);
}

int main(void){
  test_map();
  test_grow();
  return unit_failed ? 1 : 0;
}
