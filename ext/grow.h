/*
** grow.h — the one growth rule of mailtrace: an array that is full doubles.
**
**   mt_thing *a = 0; size_t cap = 0, n = 0;
**   if( mt_grow(&a, &cap, n+1, sizeof *a) ) return -1;    // out of memory
**   a[n++] = x;
**
** mt_grow(pp, pcap, need, elem) makes room for at least `need` elements of
** `elem` bytes in the array *pp (any pointer type: pp is its address), whose
** capacity is *pcap elements.  The capacity doubles from MT_GROW_FIRST until
** it holds `need`; when it would overflow (elements or bytes), or realloc
** fails, it returns -1 and leaves *pp and *pcap as they were (the old array
** stays valid and owned by the caller).  mt_grow_i is the same for an `int`
** capacity (the capacity then stays at or below INT_MAX).  mt_grow_cap is the
** rule alone, for arrays of another allocator (SQLite's, in tables.c).
** mt_advise_huge is the other memory hint every room shares.
** No SQLite types here.
*/
#ifndef MAILTRACE_GROW_H
#define MAILTRACE_GROW_H

#include <stddef.h>

#define MT_GROW_FIRST 16

/* The capacity after growing from `cap` to hold `need` elements of `elem`
** bytes, at most `max` elements: `cap` itself when it holds them already,
** 0 when the rule would overflow `max` or SIZE_MAX bytes. */
size_t mt_grow_cap(size_t cap, size_t need, size_t elem, size_t max);

int mt_grow(void *pp, size_t *pcap, size_t need, size_t elem);
int mt_grow_i(void *pp, int *pcap, int need, size_t elem);

/* Ask for transparent huge pages on a big array touched at random (the
** hash maps, the index's hashes and postings, a lookup's kept text): fewer
** TLB misses and page faults.  Only arrays of at least 8 MiB; a hint, never
** an error.  Not for the whole-log store's rows and strings (entities.c),
** hundreds of MB filled in order: on a VM a 2 MiB page the hypervisor has
** not backed yet costs far more than its 512 small pages (measured on a
** 2-CPU AMD EPYC VM, THP "madvise": 640 MiB first touched in 0.8-1.3 s with
** huge pages, 0.37-0.40 s without; the 1 GiB bench log's messages by status
** 4.28-4.82 s with them, 2.66-3.82 s without, in alternating runs).  The
** price depends on the host's state: the same VM kind on another day gave
** 2.51-3.57 s with them, 3.52-4.52 s without (bench/RESULTS.md); the rows
** stay without the hint, which never makes them wait for a compaction. */
void mt_advise_huge(void *p, size_t n);

#endif
