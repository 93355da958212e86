/* SPDX-License-Identifier: MIT */
/*
** partial.h — index → a store for some ids: the entity store (entities.c)
** built from only the lines of the ids a query asks about.
**
** A question such as "connections from 192.0.2.77, their messages, their
** recipients and deliveries" needs a few hundred lines of a log of
** millions.  The offset index (index.c) says which 64 KiB blocks hold them;
** this room reads those blocks, follows the links between ids (an IP's
** connections, a connection's messages, a message's family and delivery
** connections) until the set is closed, and feeds exactly those lines, in
** log order, to a fresh store.  For the ids it is "complete" for, that store
** has the same rows as one built from the whole log:
**
**   ICID n     every line of ICID n, and each message started in it (MID)
**   MID m      every line of MID m or naming it as the other MID (split,
**              rewritten, generated, bounce), the same for those MIDs, and
**              the lines of each DCID > 0 it was delivered over
**   DCID d     every line of DCID d, and each MID delivered over it (MID)
**   IP x       every "New SMTP ICID" line from x, and those ICIDs (ICID)
**
** DCID 0 (no connection: DNS failures, bounces made without one) is not
** followed from a message: its lines are the message's own.
**
** Reading is one sweep over the blocks in log order, links followed as the
** lines come (partial.c): a lookup reads each block at most once per sweep,
** and a second sweep only for lines the window of recent chunks no longer
** holds — in practice never more than one pass over the set
** (tests/test_lookup_bound.py).  The selected lines are kept (memory
** proportional to them), so mt_partial_store reads nothing.
**
**   mt_partial *pt = mt_partial_new(&files, &opts, ix);
**   mt_partial_want(pt, MT_PW_IP, 0, "192.0.2.77");
**   if( mt_partial_resolve(pt, &stats, &err, stop, arg) > 0 ) st = mt_partial_store(pt, &err);
**   mt_partial_complete(pt, MT_PW_MID, 1234, 0);      -- 1: its rows are exact
**
** No SQLite types here.
*/
#ifndef MAILTRACE_PARTIAL_H
#define MAILTRACE_PARTIAL_H

#include <stdint.h>

#include "index.h"
#include "entities.h"

enum { MT_PW_ICID = 0, MT_PW_MID = 1, MT_PW_DCID = 2, MT_PW_IP = 3, MT_PW_DCID_LINES = 4 };

typedef struct mt_partial mt_partial;

/* The file list, options and index must outlive it. */
mt_partial *mt_partial_new(const mt_filelist *files, const mt_opts *opts, const mt_index *ix);
void mt_partial_free(mt_partial *pt);

/* Ask for an id (`ip` NULL) or a client IP (what = MT_PW_IP).  0, or -1
** when out of memory. */
int mt_partial_want(mt_partial *pt, int what, int64_t id, const char *ip);

/* Is the store complete for it (asked for and resolved)? */
int mt_partial_complete(const mt_partial *pt, int what, int64_t id, const char *ip);

/* Read what the wanted ids need.  MT_OK with *pGrew 1 when lines were added
** (build a new store), 0 when nothing changed; or what stopped it (rc.h:
** MT_INTERRUPTED, MT_NOMEM, MT_IO, MT_CHANGED, MT_FORMAT, MT_LIMIT) with
** *pzErr (malloc'd).  Adds what was read to *stats. */
mt_rc mt_partial_resolve(mt_partial *pt, mt_stats *stats, int *pGrew, char **pzErr,
                         int (*should_stop)(void*), void *stop_arg);

/* A store of every line resolved so far into *pst (the caller frees it).
** MT_OK, or MT_NOMEM / a line's MT_FORMAT with *pzErr. */
mt_rc mt_partial_store(mt_partial *pt, mt_stats *stats, mt_store **pst, char **pzErr);

/* Lines and blocks held (for mailtrace_stats and tests). */
int64_t mt_partial_lines(const mt_partial *pt);

#endif
