/* SPDX-License-Identifier: MIT */
/*
** files.h — the "files" room: source arguments → an ordered list of files.
**
** A source is a file, a directory (every regular file directly in it) or a
** glob.  Within one directory or glob, files are ordered as the gateway
** wrote them (docs/lines.md, "File order"):
**
**   mail.@20261102T080000.s  <  mail.@20261102T120000.s.gz  <  mail.current
**
** i.e. by stem, then rotated files by their name stamp, then the live file
** (`.current`, or the `.c` status), then by name.  The order never depends
** on what the OS lists first.  A file named twice (same device and inode) is
** read once: under its real name when one of the names is a symbolic link,
** else at its first place.  Only regular files are listed: a source that
** is a FIFO or a device is an error, and a directory or glob skips them and
** mailtrace's own index files.  No SQLite types here.
*/
#ifndef MAILTRACE_FILES_H
#define MAILTRACE_FILES_H

#include <stdint.h>

typedef struct mt_file {
  char *path;           /* as found: the argument, or dir + "/" + name */
  char *dirname;        /* name of the directory holding it (the default host) */
  uint64_t dev, ino;    /* identity */
  int64_t size;         /* bytes on disk when listed */
  int64_t mtime;        /* seconds since the epoch */
  int is_link;          /* the name is a symbolic link */
  int rec;              /* its record in the listing it was built from (mt_files_relist) */
} mt_file;

typedef struct mt_filelist {
  mt_file *a;
  int n, cap;
} mt_filelist;

/* Limit on files one query may name (a guard against runaway globs). */
#define MT_MAX_FILES 100000

/* Expand one source argument and append its files.  Returns 0, or -1 with
** *pzErr (malloc'd) naming the path: a missing file, an unreadable
** directory, a glob that matches nothing. */
int mt_files_add(mt_filelist *L, const char *source, char **pzErr);

void mt_files_free(mt_filelist *L);

/* 1 if `name` (a path or a base name) is one of mailtrace's own index files
** ("mailtrace-<dev>-<ino>.idx", a store image "mailtrace-<hash>.store", or
** their temporary names): directories and globs never list those as logs. */
int mt_files_is_index_name(const char *name);

/* The identity the reader checks when it opens f (bytes.h, mt_ident). */
#define MT_FILE_IDENT(f) { (f)->dev, (f)->ino, (f)->size }

/* A deep copy (0, or -1 when out of memory; dst is then empty). */
int mt_files_copy(mt_filelist *dst, const mt_filelist *src);

/* ---- Listing again, cheaply, never stale ------------------------------
** A table is filtered once per row of a correlated subquery (a new cursor
** each time), and each filter must see the files as they are now: a grown
** mail.current, a rotation.  What cannot be skipped is done every time: the
** source's stat, readdir (or glob) and one stat per name.  What is done
** again only when one of those differs (a name, a file type, a device or
** inode, a symbolic link, the real name of a relative folder) is the rest:
** the path and folder-name strings, the sort, the removal of second names.
** When nothing but sizes and mtimes differ, the list is kept and only those
** are refreshed from the fresh stat data.
**
** The snapshot of one listing: every record the walk met, in the order met
** (a source, a folder and its names, a glob and its paths, the real name of
** a relative folder), and their text. */
typedef struct mt_lrec {
  size_t at;            /* its text (a path, or a folder's real name) in mt_listing.text */
  uint64_t dev, ino;
  int64_t size, mtime;  /* the only fields a kept list takes from a new snapshot */
  unsigned mode;        /* st_mode's file type, 0 when stat failed */
  unsigned char kind, link;
} mt_lrec;

typedef struct mt_listing {
  mt_lrec *r;
  int nr, capr;
  char *text;
  size_t ntext, captext;
} mt_listing;

/* What mt_files_relist keeps between calls: the snapshot the list was built
** from, a scratch one (its buffers reused: no allocation per file or call
** once warm), and counts (for tests: what each call did). */
typedef struct mt_filememo {
  mt_listing last, scratch;
  int valid;            /* the list passed to the next call is built from `last` */
  int64_t built;        /* calls that built the list (first call, or something differed) */
  int64_t kept;         /* calls that kept it (sizes and mtimes refreshed) */
  /* With a watch (watch.h; set by the caller, owned by it, or NULL): once
  ** armed, a call whose watches are quiet keeps the list without a walk,
  ** and a call after a file was written stats that file alone. */
  struct mt_watch *watch;
  struct mt_wref *w;    /* what is watched: a folder or a file of `last` */
  int nw, cw;
  struct mt_wsrc *src;  /* each source's identity when armed */
  int nsrc;
  struct mt_wreal *real;   /* the real folder names the list holds, asked again */
  int nreal, creal;
  uint64_t epoch;       /* mt_watch_epoch when armed */
  int armed;
  int64_t watched;      /* calls answered by the watches alone (no walk) */
  int64_t restat;       /* files stat'ed again because their watch fired */
} mt_filememo;

/* Sources and lists this small are walked every time (a stat or two): a
** watch costs an inotify instance, and those are few per user. */
#define MT_WATCH_MIN_FILES 8

/* (Re)list `sources` (n of them, in order) into L.  With m->watch, a list
** of at least MT_WATCH_MIN_FILES files is armed after it is built: its
** folders and files are watched and the sources' identities kept, and a
** walk made after the watches were in place must find the same; a later
** call then trusts quiet watches (see files.c for what is never armed).  L must be what the last
** call with this memo left (or empty, with a zeroed memo).  The new listing
** is compared with the one L was built from: equal but for sizes and mtimes,
** L is kept and those refreshed; else L is built again.  *pChanged (or NULL):
** 1 when any entry of L differs from before (built, or a size or mtime).
** 0, or -1 with *pzErr (malloc'd, naming the path); L is then empty. */
int mt_files_relist(mt_filelist *L, mt_filememo *m, const char *const *sources, int n,
                    int *pChanged, char **pzErr);
void mt_filememo_free(mt_filememo *m);

/* The rotation stamp of a file name ("20261102T080000"), for ordering and
** for skipping files by time; returns 1 and fills out[16], else 0. */
int mt_files_stamp(const char *name, char out[16]);

#endif
