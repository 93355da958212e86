/* SPDX-License-Identifier: MIT */
/*
** watch.h — the "files" room: has anything a listing saw changed since?
**
** A correlated subquery opens a cursor per row, and every cursor must see
** the files as they are now (files.h, mt_files_relist): a stat per file per
** cursor, 164 files x 100,000 rows on a week of four gateways.  A watch
** (Linux inotify) is told by the kernel when a watched folder gains, loses
** or renames a name and when a watched file is written, truncated, touched,
** linked or unlinked, so a listing whose watches are quiet is still true
** without a stat.  Every event bumps a counter kept per watch ("generation");
** a listing remembers the generations it saw and asks only those again.
**
**   mt_watch *w = mt_watch_new();              -- NULL: no inotify, list as before
**   int wd = mt_watch_add(w, "/logs/esa1", 1); -- a folder (its names) ...
**   int wf = mt_watch_add(w, "/logs/esa1/mail.current", 0);   -- ... or a file
**   uint32_t g = mt_watch_gen(w, wd);          -- after mt_watch_poll
**   if( mt_watch_poll(w) ) ...                 -- unusable now: list as before
**   mt_watch_free(w);
**
** What a watch cannot see, and so where it is never used (mt_watch_add
** returns -1 and the caller lists as before): a file system whose changes
** may come from elsewhere (NFS, SMB, FUSE, overlay, ...: only local file
** systems of a known type are watched, mt_watch_local); writes through a
** shared mapping (log writers append with write(2)); a process forked after
** the watch was made (the child would steal the parent's events: a watch
** belongs to the process that made it).  A queue overflow counts as a change
** of everything (mt_watch_epoch).  No SQLite types here.
*/
#ifndef MAILTRACE_WATCH_H
#define MAILTRACE_WATCH_H

#include <stdint.h>

typedef struct mt_watch mt_watch;

/* A new watch set, or NULL when the system has none (not Linux) or out of
** memory: callers list as before.  The inotify instance is made at the
** first mt_watch_add (when the per-user limit of instances is reached, no
** watch is ever made and callers list as before). */
mt_watch *mt_watch_new(void);
void mt_watch_free(mt_watch *w);

/* Watch `path`: a folder (is_dir: names created, removed, renamed in it, or
** the folder itself removed or renamed) or a file (written, truncated,
** touched, its links changed, removed or renamed; a symbolic link is
** followed, so the file it leads to is watched).  The watch number (>= 0),
** or -1 when it cannot be watched (see above, or the per-user limit of
** watches). */
int mt_watch_add(mt_watch *w, const char *path, int is_dir);

/* Read the events the kernel has queued (never blocks).  0, or -1 when the
** watch is unusable from now on (another process, a read error). */
int mt_watch_poll(mt_watch *w);

/* The generation of watch `wd`: changes with every event on it (and when
** it is removed).  Read after mt_watch_poll. */
uint32_t mt_watch_gen(const mt_watch *w, int wd);

/* Changes when events were lost (queue overflow): every listing is then
** stale. */
uint64_t mt_watch_epoch(const mt_watch *w);

/* 1 when the file system holding `path` is a local one whose changes all
** pass through this kernel (ext2/3/4, XFS, Btrfs, tmpfs, F2FS), else 0. */
int mt_watch_local(const char *path);

#endif
