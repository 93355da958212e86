/* SPDX-License-Identifier: MIT */
/*
** cache.h — where entity stores and offset indexes are cached (cache.c).
**
** Per connection (mt_ctx.entities, freed with the context): the 4 most
** recently used entity stores, and the 2 most recently used offset indexes,
** each with the small store of the ids asked for so far.  A store is found
** again by the options and every file's identity (path, device, inode, size,
** mtime); a file that only grew (its fingerprint unchanged) is read on.
**
** Every handle returned here is one reference: release it when done (the
** store or index stays valid until then, even if the cache drops it).
**
** Layers (tests/sh/no_circle.sh): the table files call this file; it calls
** tables.c and the parsing rooms, never a table file.
*/
#ifndef MAILTRACE_CACHE_H
#define MAILTRACE_CACHE_H

#include "tables.h"

struct mt_store;
struct mt_index;

/* The entity store for these arguments, from the cache or built now (one
** pass over every line): *ppEntry is the reference to release, *ppStore the
** store.  What was read, and the problems recorded under on_error=skip, are
** published (mailtrace_stats, mailtrace_errors), again when served from the
** cache.  SQLITE_NOMEM / SQLITE_INTERRUPT, or SQLITE_ERROR with *pzErr
** (sqlite3_malloc'd); nothing is cached then. */
int mt_store_acquire(mt_ctx *ctx, const mt_args *a, void **ppEntry, const struct mt_store **ppStore,
                     char **pzErr);
/* The same, for a caller that reads only some parts of the store (parts:
** storefile.h's MT_SF_PART_*): a store mapped from its image checks only
** those now (the others when a later caller needs them).  mt_store_acquire
** asks for every part. */
int mt_store_acquire_part(mt_ctx *ctx, const mt_args *a, unsigned parts, void **ppEntry,
                          const struct mt_store **ppStore, char **pzErr);
void mt_store_release(void *pEntry);

/* Each of n rows of a table (mt_rowset) against the entity store of these
** arguments: check(arg, i, store) for i = 0..n-1, the store acquired only
** when n > 0 and released after.  The first error stops (codes and *pzErr
** as for mt_store_acquire). */
int mt_store_check_rows(mt_ctx *ctx, const mt_args *a, int n,
                        int (*check)(void *arg, int row, const struct mt_store *st), void *arg,
                        char **pzErr);

/* The store for a question about a few ids or a client IP: `what` is
** MT_PW_ICID, MT_PW_MID or MT_PW_DCID (partial.h) with the value idv (the
** whole list when isIn, sqlite3_vtab_in), or -1 for none; `ip` a
** connection's remote_ip, or NULL.  A cached whole-log store when there is
** one, else the small store of everything the offset index was asked so
** far, grown by these ids.  SQLITE_NOTFOUND: no index serves them (index=off,
** year=, on_error=skip, a grown live file, a file that cannot be read):
** call mt_store_acquire.  parts: as for mt_store_acquire_part.  Released
** with mt_store_release. */
int mt_store_for_lookup(mt_ctx *ctx, const mt_args *a, int what, sqlite3_value *idv, int isIn,
                        const char *ip, unsigned parts, void **ppEntry, const struct mt_store **ppStore,
                        char **pzErr);

/* The offset index for these arguments, built or reused as for the entity
** tables' lookups; release the handle when done.  SQLITE_NOTFOUND when no
** index can serve them (index=off, year=, on_error=skip, a file that cannot
** be read: read the whole log then).  *stats gets what building it read. */
int mt_index_acquire(mt_ctx *ctx, const mt_args *a, void **ppHandle, const struct mt_index **ppIx,
                     mt_stats *stats);
void mt_index_release(void *pHandle);

#endif
