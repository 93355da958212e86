/* SPDX-License-Identifier: MIT */
/*
** storefile.h — the "index" room's saved image of a whole-log entity store
** (index=DIR), so that a new process answers whole-log questions without
** parsing the logs again.
**
**   SELECT mailtrace_open('/var/log/esa/', 'index=/var/tmp/esa-index');
**   SELECT status, count(*) FROM messages GROUP BY 1;   -- first process: built, saved
**   -- a new sqlite3 process, same logs: the image is read, nothing parsed
**   SELECT status, count(*) FROM messages GROUP BY 1;
**   SELECT json_extract(mailtrace_stats(), '$.store_loaded');          -- 1
**
** One file per source set, DIR/mailtrace-<hash>.store (hash of the options
** and every file's path, folder, device and inode), replaced by a rename.
** It holds the store's arrays as they are in memory, every string pointer
** written as an offset into one string blob; the header carries the magic
** MTSTORE1, the build fingerprint (a checksum of ext/'s sources: a newer
** mailtrace never reads an older one's image), the identity of every file
** (path, folder, device, inode, size, mtime, and where the store's reading
** ended with its fingerprint), and a CRC-32C of the header and of the whole
** payload.  Anything that does not match or check is ignored (the caller
** builds the store again); nothing here ever fails a query.
** No SQLite types here (a room: layer 0).
*/
#ifndef MAILTRACE_STOREFILE_H
#define MAILTRACE_STOREFILE_H

#include <stdint.h>

#include "entities.h"
#include "files.h"

/* What the image says of one file: what the store read of it.  fp/has_fp:
** mt_fingerprint of its bytes up to end_off (bytes.h), when taken. */
typedef struct mt_sf_file {
  int64_t size, mtime, end_off;
  uint32_t fp;
  int has_fp;
} mt_sf_file;

/* What mt_storefile_load found. */
enum {
  MT_SF_LOADED = 0,   /* *pst: the store of exactly these files */
  MT_SF_GROWN,        /* *pst: the store of these files before some grew (fingerprints
                      ** hold); *pwas: the sizes and mtimes it was built from */
  MT_SF_NONE,         /* no image for these sources (or not this user's regular file) */
  MT_SF_STALE,        /* an image of other content (a file replaced, shrunk, rewritten),
                      ** other options, another build of mailtrace, another machine */
  MT_SF_DAMAGED,      /* truncated, a CRC that fails, a count or offset out of range */
  MT_SF_TOO_BIG,      /* more than max_memory= */
  MT_SF_NOMEM
};

/* May this store be saved?  Not when it carries a part the image does not
** hold (the attachment join, mt_store.attach; the Consolidated Event Log's,
** mt_store.cef), nor a store whose build ran out of memory. */
int mt_storefile_savable(const mt_store *st);

/* The image's path in dir for these sources and options (malloc'd; NULL
** when out of memory). */
char *mt_storefile_path(const char *dir, const mt_filelist *files, const char *optkey);

/* Save a finished store built from `files` with options `optkey`; fp and
** has_fp (may be NULL): each file's fingerprint where its reading ended.
** Best effort: 0 saved, -1 not (not savable, no fingerprint of the build,
** the directory unwritable or full, out of memory); nothing else changes.
** Once saved, dir keeps the 4 newest images: this user's older ones are
** removed (a rotating folder makes a new source set at every rotation). */
int mt_storefile_save(const mt_store *st, const char *dir, const mt_filelist *files,
                      const char *optkey, const uint32_t *fp, const unsigned char *has_fp);

/* A loaded image mapped where it was written for: the store's big arrays
** (rows, id maps, hours, gaps) and its strings are used in place (no copy,
** no pointer to move), read-only. */
typedef struct mt_sf_map mt_sf_map;

/* Load the image of these sources, if there is a sound one (MT_SF_*).
** max_memory: bytes the store may hold (mt_opts_max_memory).  On
** MT_SF_GROWN, *pwas (malloc'd, files->n entries) says what it was built
** from.  pmap (may be NULL: never mapped): when the file could be mapped at
** its place, *pmap is that mapping, and the store must be freed with
** mt_storefile_free and owned (mt_storefile_own) before it is changed
** (mt_store_extend); else *pmap is NULL and the store is an ordinary one,
** its arrays read into memory of its own and its pointers moved. */
int mt_storefile_load(const char *dir, const mt_filelist *files, const char *optkey,
                      int64_t max_memory, mt_store **pst, mt_sf_file **pwas, mt_sf_map **pmap);

/* The parts of a mapped image, each checked (the CRCs of its blocks, the
** links and string pointers of its rows) when a question first needs it:
** a store loaded mapped has them all in mt_store.sf_pending until then,
** and its arrays of a part not yet checked must not be read. */
#define MT_SF_PART_CONNS   0x01u    /* connections, and their strings (written apart, first
                                    ** in the strings: a question about connections alone
                                    ** needs no MT_SF_PART_STRINGS) */
#define MT_SF_PART_MSGS    0x02u    /* messages (and their mt_msg_more) */
#define MT_SF_PART_RCPTS   0x04u    /* recipients */
#define MT_SF_PART_DLVS    0x08u    /* deliveries and delivery connections */
#define MT_SF_PART_STRINGS 0x10u    /* the text the rows point to */
#define MT_SF_PART_ATTACH  0x20u    /* the attachment join (mt_store.attach; copied out of the
                                    ** strings, so it needs them too) */
#define MT_SF_PART_IDS     0x40u    /* the id maps and ICID lists: lookups by icid, mid, dcid */
#define MT_SF_PART_COLUMNS 0x80u    /* the columns kept apart from the rows (entities.h: statuses,
                                    ** results, the recipients' domains and their table) */
#define MT_SF_PART_ALL     0xffu
/* The parts whose rows' strings are checked with them (MT_SF_PART_CONNS). */
#define MT_SF_OWN_STRINGS  MT_SF_PART_CONNS
/* Check the parts of st (a store mt_storefile_load mapped as m) that `parts`
** names and that are not checked yet: MT_SF_LOADED when they pass (then
** cleared from st->sf_pending), MT_SF_DAMAGED (a CRC or a link that fails:
** drop the store, build it again), MT_SF_NOMEM.  Stores of one mapping on
** several threads may call it at once (each its own store). */
int mt_storefile_need(mt_store *st, mt_sf_map *m, unsigned parts);
/* Free a loaded store and its mapping (m may be NULL: mt_store_free). */
void mt_storefile_free(mt_store *st, mt_sf_map *m);

/* Copy the arrays of st that lie in mapping m into memory of its own (the
** strings stay in the mapping: m lives as long as st).  0, or -1 when out
** of memory (st unchanged but for what was copied: still whole). */
int mt_storefile_own(mt_store *st, mt_sf_map *m);

/* The build fingerprint this code reads and writes ("" when the build gave
** none: then nothing is saved or loaded). */
const char *mt_storefile_build(void);

#endif
