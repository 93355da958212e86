/* SPDX-License-Identifier: MIT */
/*
** watch.c — inotify watches that say a listing is still true (see watch.h).
**
**   mt_watch *w = mt_watch_new();
**   int wd = mt_watch_add(w, "/logs/esa1", 1);
**   mt_watch_poll(w);  uint32_t g = mt_watch_gen(w, wd);
**   ... later: mt_watch_poll(w); mt_watch_gen(w, wd)!=g: something changed
**
** Elsewhere than Linux, mt_watch_new returns NULL and nothing is watched.
*/
#include "watch.h"
#include "hashmap.h"

#include <stdlib.h>
#include <string.h>

#if defined(__linux__)
#include <errno.h>
#include <sys/inotify.h>
#include <sys/vfs.h>
#include <unistd.h>

struct mt_watch {
  int fd;                    /* the inotify instance (close-on-exec, non-blocking) */
  pid_t pid;                 /* the process that made it */
  int dead;                  /* unusable (another process, a read error) */
  mt_hmap gen;               /* watch number + 1 -> its generation (never MT_HMAP_NONE) */
  uint64_t epoch;            /* bumped when events were lost */
};

/* What makes a folder's listing differ: a name made, removed or renamed, the
** folder itself removed or renamed (its files are watched on their own). */
#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
/* What makes a file's entry differ: its bytes (write, truncate), its times
** or links (touch, a link made or removed: IN_ATTRIB), or the file removed
** or renamed. */
#define FILE_EVENTS (IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)

/* The inotify instance is made at the first watch: a connection whose
** lists are all small never takes one of the few a user may have. */
mt_watch *mt_watch_new(void){
  mt_watch *w = calloc(1, sizeof(*w));
  if( !w ) return 0;
  w->fd = -1;
  w->pid = getpid();
  return w;
}

void mt_watch_free(mt_watch *w){
  if( !w ) return;
  /* a forked child closes its copy only: the parent's watches stay */
  if( w->fd>=0 ) close(w->fd);
  mt_hmap_free(&w->gen);
  free(w);
}

/* Local file systems: every change to them passes through this kernel, so
** inotify sees it.  (Magic numbers of statfs(2); overlay is left out: its
** lower layers can change underneath without an event.) */
int mt_watch_local(const char *path){
  struct statfs s;
  if( statfs(path, &s)!=0 ) return 0;
  switch( (unsigned long)s.f_type ){
    case 0xEF53UL:       /* ext2, ext3, ext4 */
    case 0x58465342UL:   /* XFS */
    case 0x9123683EUL:   /* Btrfs */
    case 0x01021994UL:   /* tmpfs */
    case 0xF2F52010UL:   /* F2FS */
      return 1;
  }
  return 0;
}

static int usable(mt_watch *w){
  if( w->dead ) return 0;
  if( getpid()!=w->pid ){ w->dead = 1; return 0; }
  return 1;
}

int mt_watch_add(mt_watch *w, const char *path, int is_dir){
  int wd, created;
  uint32_t *g;
  if( !w || !usable(w) || !mt_watch_local(path) ) return -1;
  if( w->fd<0 && (w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC))<0 ){ w->dead = 1; return -1; }
  wd = inotify_add_watch(w->fd, path, is_dir ? DIR_EVENTS : FILE_EVENTS);
  if( wd<0 ) return -1;
  /* (the same file or folder twice: the same number, its mask replaced by
  ** the same one; a file is never watched as a folder: IN_ONLYDIR) */
  g = mt_hmap_ref(&w->gen, (uint64_t)wd + 1, 0, &created);
  if( !g ) return -1;
  if( created ) *g = 1;
  return wd;
}

static void bump(mt_watch *w, int wd){
  uint32_t *g;
  int created;
  if( wd<0 ) return;
  g = mt_hmap_ref(&w->gen, (uint64_t)wd + 1, 0, &created);
  if( !g ){ w->epoch++; return; }            /* out of memory: as lost events */
  if( created ) *g = 1;
  if( ++*g==MT_HMAP_NONE ) *g = 1;
}

int mt_watch_poll(mt_watch *w){
  /* aligned as the events are */
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  if( !w || !usable(w) ) return -1;
  if( w->fd<0 ) return 0;                     /* nothing watched yet */
  for(;;){
    ssize_t n = read(w->fd, buf, sizeof(buf));
    char *p;
    if( n<0 ){
      if( errno==EINTR ) continue;
      if( errno==EAGAIN || errno==EWOULDBLOCK ) return 0;
      w->dead = 1;
      return -1;
    }
    if( n==0 ){ w->dead = 1; return -1; }
    for(p = buf; p < buf + n; ){
      const struct inotify_event *e = (const struct inotify_event*)p;
      if( e->mask & IN_Q_OVERFLOW ) w->epoch++;
      else bump(w, e->wd);
      p += sizeof(struct inotify_event) + e->len;
    }
  }
}

uint32_t mt_watch_gen(const mt_watch *w, int wd){
  uint32_t g;
  if( !w || wd<0 ) return 0;
  g = mt_hmap_get(&w->gen, (uint64_t)wd + 1, 0);
  return g==MT_HMAP_NONE ? 0 : g;
}

uint64_t mt_watch_epoch(const mt_watch *w){ return w ? w->epoch : 0; }

#else  /* no inotify: nothing is watched, every cursor lists (files.c) */

mt_watch *mt_watch_new(void){ return 0; }
void mt_watch_free(mt_watch *w){ (void)w; }
int mt_watch_add(mt_watch *w, const char *path, int is_dir){ (void)w; (void)path; (void)is_dir; return -1; }
int mt_watch_poll(mt_watch *w){ (void)w; return -1; }
uint32_t mt_watch_gen(const mt_watch *w, int wd){ (void)w; (void)wd; return 0; }
uint64_t mt_watch_epoch(const mt_watch *w){ (void)w; return 0; }
int mt_watch_local(const char *path){ (void)path; return 0; }

#endif
