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
** ("mailtrace-<dev>-<ino>.idx", or its temporary name): directories and
** globs never list those as logs. */
int mt_files_is_index_name(const char *name);

/* The identity the reader checks when it opens f (bytes.h, mt_ident). */
#define MT_FILE_IDENT(f) { (f)->dev, (f)->ino, (f)->size }

/* A deep copy (0, or -1 when out of memory; dst is then empty). */
int mt_files_copy(mt_filelist *dst, const mt_filelist *src);

/* The rotation stamp of a file name ("20261102T080000"), for ordering and
** for skipping files by time; returns 1 and fills out[16], else 0. */
int mt_files_stamp(const char *name, char out[16]);

#endif
