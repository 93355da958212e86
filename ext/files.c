/* SPDX-License-Identifier: MIT */
/*
** files.c — expand sources (file, directory, glob) into an ordered file list.
*/
#include "grow.h"
#include "files.h"
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char *mprintf2(const char *a, const char *b){
  size_t n = strlen(a) + strlen(b) + 3;
  char *z = malloc(n);
  if( z ) snprintf(z, n, "%s: %s", a, b);
  return z;
}

static const char *base_name(const char *path){
  const char *s = strrchr(path, '/');
  return s ? s+1 : path;
}

int mt_files_stamp(const char *name, char out[16]){
  const char *at = strstr(name, ".@");
  int i;
  if( !at ) return 0;
  at += 2;
  for(i=0; i<15; i++){
    char c = at[i];
    if( i==8 ){ if( c!='T' ) return 0; }
    else if( c<'0' || c>'9' ) return 0;
  }
  memcpy(out, at, 15);
  out[15] = 0;
  return 1;
}

/* Sort key parts of a file name: stem, rank (0 other, 1 rotated, 2 live). */
static void name_key(const char *name, size_t *pStem, int *pRank){
  const char *at = strstr(name, ".@");
  size_t n = strlen(name);
  if( at ){
    const char *e = name + n;
    *pStem = (size_t)(at - name);
    /* "mail.@…T….c" is the live file in the SMA spelling. */
    *pRank = (n>=2 && e[-2]=='.' && e[-1]=='c') ? 2 : 1;
    return;
  }
  if( n>8 && strcmp(name+n-8, ".current")==0 ){ *pStem = n-8; *pRank = 2; return; }
  *pStem = n; *pRank = 0;
}

static int cmp_files(const void *pa, const void *pb){
  const mt_file *a = pa, *b = pb;
  const char *na = base_name(a->path), *nb = base_name(b->path);
  size_t sa, sb;
  int ra, rb, c;
  char ta[16], tb[16];
  /* Directory first, so a glob over several folders keeps each together. */
  size_t da = (size_t)(na - a->path), db = (size_t)(nb - b->path);
  c = memcmp(a->path, b->path, da<db ? da : db);
  if( c ) return c;
  if( da!=db ) return da<db ? -1 : 1;
  name_key(na, &sa, &ra);
  name_key(nb, &sb, &rb);
  c = memcmp(na, nb, sa<sb ? sa : sb);
  if( c ) return c;
  if( sa!=sb ) return sa<sb ? -1 : 1;
  if( ra!=rb ) return ra<rb ? -1 : 1;
  if( ra==1 && mt_files_stamp(na, ta) && mt_files_stamp(nb, tb) ){
    c = strcmp(ta, tb);
    if( c ) return c;
  }
  return strcmp(na, nb);
}

static void free_file(mt_file *f){ free(f->path); free(f->dirname); }

/* Drop the second name of a file already listed.  Entries [first, n) are
** the new group, sorted; a file listed before the group keeps its place,
** and a duplicate inside the group keeps the first name that is not a
** symbolic link (the live file, not "current-log -> mail.current"), else
** its first name.  Sorting by (device, inode) finds the duplicates in
** O(n log n): 100,000 files are listed in milliseconds, not minutes.
** 0, or -1 when out of memory. */
typedef struct dupkey { uint64_t dev, ino; int pos; } dupkey;

static int cmp_dupkey(const void *pa, const void *pb){
  const dupkey *a = pa, *b = pb;
  if( a->dev!=b->dev ) return a->dev<b->dev ? -1 : 1;
  if( a->ino!=b->ino ) return a->ino<b->ino ? -1 : 1;
  return a->pos<b->pos ? -1 : a->pos>b->pos;
}

static int dedupe_from(mt_filelist *L, int first){
  dupkey *k;
  unsigned char *keep;
  int i, j, out;
  if( L->n - first < 1 ) return 0;
  k = malloc(sizeof(dupkey)*(size_t)L->n);
  keep = malloc((size_t)L->n);
  if( !k || !keep ){ free(k); free(keep); return -1; }
  for(i=0; i<L->n; i++){ k[i].dev = L->a[i].dev; k[i].ino = L->a[i].ino; k[i].pos = i; keep[i] = 1; }
  qsort(k, (size_t)L->n, sizeof(dupkey), cmp_dupkey);
  for(i=0; i<L->n; i=j){
    int pick = -1;
    for(j=i+1; j<L->n && k[j].dev==k[i].dev && k[j].ino==k[i].ino; j++){}
    if( j==i+1 ) continue;
    if( k[i].pos < first ) pick = k[i].pos;                 /* listed before: it stays */
    else{
      int m;
      for(m=i; m<j && pick<0; m++) if( !L->a[k[m].pos].is_link ) pick = k[m].pos;
      if( pick<0 ) pick = k[i].pos;
    }
    {
      int m;
      for(m=i; m<j; m++) if( k[m].pos!=pick && k[m].pos>=first ) keep[k[m].pos] = 0;
    }
  }
  for(i=first, out=first; i<L->n; i++){
    if( keep[i] ) L->a[out++] = L->a[i];
    else free_file(&L->a[i]);
  }
  L->n = out;
  free(k); free(keep);
  return 0;
}

/* mailtrace's own files (index=DIR): "mailtrace-<dev>-<ino>.idx" and its
** temporary "….idx.XXXXXX".  A directory or glob never lists them as logs
** (their gzip restart points hold real log text). */
int mt_files_is_index_name(const char *name){
  const char *b = base_name(name);
  if( strncmp(b, "mailtrace-", 10)!=0 ) return 0;
  return strstr(b + 10, ".idx")!=0 || strstr(b + 10, ".store")!=0;     /* storefile.c's images too */
}

/* ------------------------------------------------------------ the walk */

/* The kinds of snapshot records, in the order the walk meets them. */
enum {
  LR_FILE = 1,     /* a source that is a regular file */
  LR_DIR,          /* a folder (a source, or a glob's path): its names follow */
  LR_NAME,         /* a name in a folder: path = folder "/" name */
  LR_DIREND,       /* the folder's names end */
  LR_GLOB,         /* a glob: its paths follow */
  LR_GLOBPATH,     /* a path a glob matched that is not a folder */
  LR_GLOBEND,      /* the glob's paths end */
  LR_REAL          /* the real name of a folder (the host of "./mail.current") */
};

static void listing_free(mt_listing *S){
  free(S->r); free(S->text);
  memset(S, 0, sizeof(*S));
}

/* Append a record with its text (n bytes, then a NUL).  0, or -1 when out
** of memory. */
static int snap_add(mt_listing *S, int kind, const char *text, size_t n, const struct stat *st, int link){
  mt_lrec *r;
  if( mt_grow_i(&S->r, &S->capr, S->nr+1, sizeof(mt_lrec)) ) return -1;
  if( S->ntext + n + 1 > S->captext ){
    size_t cap = S->captext ? S->captext : 4096;
    char *t;
    while( cap < S->ntext + n + 1 ){ if( cap > ((size_t)-1)/2 ) return -1; cap *= 2; }
    if( !(t = realloc(S->text, cap)) ) return -1;
    S->text = t; S->captext = cap;
  }
  r = &S->r[S->nr++];
  memset(r, 0, sizeof(*r));
  r->kind = (unsigned char)kind;
  r->link = (unsigned char)(link!=0);
  r->at = S->ntext;
  memcpy(S->text + S->ntext, text, n);
  S->text[S->ntext + n] = 0;
  S->ntext += n + 1;
  if( st ){
    r->dev = (uint64_t)st->st_dev;
    r->ino = (uint64_t)st->st_ino;
    r->size = (int64_t)st->st_size;
    r->mtime = (int64_t)st->st_mtime;
    r->mode = (unsigned)(st->st_mode & S_IFMT);
  }
  return 0;
}

/* The folder part of a path whose default host is not in the path itself
** ("mail.current", "./x", "../x", "a/./x"): *pn bytes of path; else 0. */
static int needs_real(const char *path, size_t *pn){
  const char *b = base_name(path), *e, *s;
  size_t n;
  if( b==path ){ *pn = 0; return 1; }
  e = b-1; s = e;
  while( s>path && s[-1]!='/' ) s--;
  n = (size_t)(e-s);
  if( n==0 || (n==1 && s[0]=='.') || (n==2 && s[0]=='.' && s[1]=='.') ){ *pn = (size_t)(b-path); return 1; }
  return 0;
}

/* The host a real folder name gives: its last part (NULL for NULL). */
static const char *real_name(const char *real){
  const char *nm;
  if( !real ) return 0;
  nm = strrchr(real, '/');
  return nm && nm[1] ? nm+1 : real;
}

/* What one walk remembers: the folder of the last real name recorded. */
typedef struct walk_state {
  char lastdir[4096];
  size_t lastlen;
  int have;
} walk_state;

/* For a regular file just recorded: when its host comes from the real name
** of its folder, record that name (realpath once per folder in a row). */
static int snap_real(mt_listing *S, walk_state *w, const char *path){
  size_t n;
  char *real, *dir;
  const char *nm;
  int rc;
  if( !needs_real(path, &n) ) return 0;
  if( w->have && n==w->lastlen && memcmp(w->lastdir, path, n)==0 ) return 0;
  if( !(dir = strndup(path, n)) ) return -1;
  real = realpath(dir[0] ? dir : ".", 0);
  nm = real_name(real);
  /* "" when it cannot be known: the folder's name as written stays the host */
  rc = snap_add(S, LR_REAL, nm ? nm : "", nm ? strlen(nm) : 0, 0, 0);
  free(real);
  w->have = 0;
  if( rc==0 && n<sizeof(w->lastdir) ){ memcpy(w->lastdir, dir, n+1); w->lastlen = n; w->have = 1; }
  free(dir);
  return rc;
}

static int walk_dir(mt_listing *S, walk_state *w, const char *dir, const struct stat *dst, char **pzErr){
  DIR *d = opendir(dir);
  struct dirent *e;
  size_t dl = strlen(dir);
  int slash = dl && dir[dl-1]=='/';
  char *p = 0;
  size_t cap = 0;
  int dfd;
  if( !d ){ *pzErr = mprintf2(dir, strerror(errno)); return -1; }
  dfd = dirfd(d);
  if( snap_add(S, LR_DIR, dir, dl, dst, 0) ) goto nomem;
  while( (e = readdir(d))!=0 ){
    struct stat st;
    size_t nl, n;
    int link;
    if( e->d_name[0]=='.' && (e->d_name[1]==0 || (e->d_name[1]=='.' && e->d_name[2]==0)) ) continue;
    if( mt_files_is_index_name(e->d_name) ) continue;
    nl = strlen(e->d_name);
    n = dl + (slash ? 0 : 1) + nl;
    if( n+1 > cap ){
      char *np = realloc(p, n+1+256);
      if( !np ) goto nomem;
      p = np; cap = n+1+256;
    }
    memcpy(p, dir, dl);
    if( !slash ) p[dl] = '/';
    memcpy(p + dl + (slash ? 0 : 1), e->d_name, nl+1);
    /* stat follows links; a dangling link or a link loop is not a log file
    ** (recorded all the same: when it starts to lead somewhere, the listing differs).
    ** Relative to the open folder: the kernel walks one name, not the path. */
    if( fstatat(dfd, e->d_name, &st, 0)!=0 ) memset(&st, 0, sizeof(st));
    if( e->d_type==DT_LNK ) link = 1;
    else if( e->d_type==DT_UNKNOWN ){
      struct stat lst;
      link = fstatat(dfd, e->d_name, &lst, AT_SYMLINK_NOFOLLOW)==0 && S_ISLNK(lst.st_mode);
    }
    else link = 0;
    /* the real name of the folder first: the list is built in record order */
    if( S_ISREG(st.st_mode) && snap_real(S, w, p) ) goto nomem;
    if( snap_add(S, LR_NAME, p, n, &st, link) ) goto nomem;
  }
  closedir(d);
  free(p);
  if( snap_add(S, LR_DIREND, "", 0, 0, 0) ){ *pzErr = mprintf2(dir, "out of memory"); return -1; }
  return 0;
nomem:
  closedir(d);
  free(p);
  *pzErr = mprintf2(dir, "out of memory");
  return -1;
}

static int has_glob_chars(const char *s){
  return strpbrk(s, "*?[")!=0;
}

/* stat(2) of a name, and whether the name is a symbolic link.  lstat first:
** for a name that is not a link (nearly always) it is also what stat says,
** and every cursor asks (one system call, not two); a link is followed (a
** dangling one fails as stat would, errno ENOENT).  1 found, 0 not (errno). */
static int stat_name(const char *path, struct stat *st, int *pLink){
  *pLink = 0;
  if( lstat(path, st)!=0 ) return 0;
  if( !S_ISLNK(st->st_mode) ) return 1;
  *pLink = 1;
  return stat(path, st)==0;
}

/* Record what one source lists now.  0, or -1 with *pzErr: a missing file,
** a FIFO or device, an unreadable folder, a glob that matches nothing. */
static int walk_source(mt_listing *S, walk_state *w, const char *source, char **pzErr){
  struct stat st;
  int link = 0, found;
  *pzErr = 0;
  if( source==0 || source[0]==0 ){ *pzErr = strdup("empty source path"); return -1; }
  found = stat_name(source, &st, &link);
  if( found ){
    if( S_ISDIR(st.st_mode) ) return walk_dir(S, w, source, &st, pzErr);
    if( !S_ISREG(st.st_mode) ){
      /* a FIFO would block the query, a device never ends (/dev/zero) */
      *pzErr = mprintf2(source, S_ISFIFO(st.st_mode) ? "is a FIFO (named pipe), not a regular file"
                               : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "is a device, not a regular file"
                               : "is not a regular file");
      return -1;
    }
    if( snap_real(S, w, source)
     || snap_add(S, LR_FILE, source, strlen(source), &st, link) ){
      *pzErr = mprintf2(source, "out of memory");
      return -1;
    }
    return 0;
  }
  if( errno!=ENOENT || !has_glob_chars(source) ){
    *pzErr = mprintf2(source, strerror(errno));
    return -1;
  }
  {
    glob_t g;
    size_t i;
    int rc;
    memset(&g, 0, sizeof(g));
    rc = glob(source, GLOB_NOSORT, 0, &g);
    if( rc==GLOB_NOMATCH ){
      globfree(&g);
      *pzErr = mprintf2(source, "no file matches this pattern");
      return -1;
    }
    if( rc!=0 ){
      globfree(&g);
      *pzErr = mprintf2(source, rc==GLOB_NOSPACE ? "out of memory" : "cannot read directory");
      return -1;
    }
    if( snap_add(S, LR_GLOB, source, strlen(source), 0, 0) ) goto nomem;
    for(i=0; i<g.gl_pathc; i++){
      const char *p = g.gl_pathv[i];
      int plink;
      if( mt_files_is_index_name(p) ) continue;
      if( !stat_name(p, &st, &plink) ) memset(&st, 0, sizeof(st));
      if( S_ISDIR(st.st_mode) ){
        if( walk_dir(S, w, p, &st, pzErr) ){ globfree(&g); return -1; }
        continue;
      }
      if( S_ISREG(st.st_mode) && snap_real(S, w, p) ) goto nomem;
      if( snap_add(S, LR_GLOBPATH, p, strlen(p), &st, S_ISREG(st.st_mode) && plink) ) goto nomem;
    }
    globfree(&g);
    if( snap_add(S, LR_GLOBEND, "", 0, 0, 0) ){ *pzErr = mprintf2(source, "out of memory"); return -1; }
    return 0;
nomem:
    globfree(&g);
    *pzErr = mprintf2(source, "out of memory");
    return -1;
  }
}

/* ------------------------------------------------- the list from a walk */

/* Append the regular file of record ri.  `real`: the real name of its
** folder when its host comes from it (needs_real), else NULL. */
static int push_file(mt_filelist *L, const mt_listing *S, int ri, const char *real, char **pzErr){
  const mt_lrec *r = &S->r[ri];
  const char *path = S->text + r->at, *b;
  mt_file *f;
  if( L->n >= MT_MAX_FILES ){
    *pzErr = mprintf2(path, "too many files (limit 100000)");
    return -1;
  }
  if( mt_grow_i(&L->a, &L->cap, L->n+1, sizeof(mt_file)) ){ *pzErr = mprintf2(path, "out of memory"); return -1; }
  f = &L->a[L->n];
  memset(f, 0, sizeof(*f));
  f->path = strdup(path);
  /* The directory's own name is the default host ("/logs/esa1/mail.current" → esa1);
  ** for "mail.current" or "./mail.current", the real name of the folder. */
  b = base_name(path);
  if( b > path ){
    const char *e = b-1, *s = e;
    while( s>path && s[-1]!='/' ) s--;
    f->dirname = strndup(s, (size_t)(e-s));
  }else{
    f->dirname = strdup(".");
  }
  if( f->dirname && real && real[0] ){
    free(f->dirname);
    f->dirname = strdup(real);
  }
  if( !f->path || !f->dirname ){
    free(f->path); free(f->dirname);
    *pzErr = mprintf2(path, "out of memory");
    return -1;
  }
  f->is_link = r->link;
  f->dev = r->dev;
  f->ino = r->ino;
  f->size = r->size;
  f->mtime = r->mtime;
  f->rec = ri;
  L->n++;
  return 0;
}

static void sort_from(mt_filelist *L, int first){
  if( L->n - first > 1 ) qsort(L->a + first, (size_t)(L->n - first), sizeof(mt_file), cmp_files);
}

/* Build the list of a snapshot, as the walk met it: each folder sorted in
** rotation order and its second names dropped, a glob's paths together. */
static int build_list(mt_filelist *L, const mt_listing *S, char **pzErr){
  const char *real = 0, *dname = "", *gname = "";
  int i, dfirst = 0, gfirst = 0;
  for(i=0; i<S->nr; i++){
    const mt_lrec *r = &S->r[i];
    const char *t = S->text + r->at;
    int first = L->n;
    size_t n;
    switch( r->kind ){
      case LR_REAL: real = t; break;
      case LR_FILE:
        if( push_file(L, S, i, needs_real(t, &n) ? real : 0, pzErr) ) return -1;
        if( dedupe_from(L, first) ){ *pzErr = mprintf2(t, "out of memory"); return -1; }
        break;
      case LR_DIR: dfirst = L->n; dname = t; break;
      case LR_NAME:
      case LR_GLOBPATH:
        if( r->mode==S_IFREG && push_file(L, S, i, needs_real(t, &n) ? real : 0, pzErr) ) return -1;
        break;
      case LR_DIREND:
        sort_from(L, dfirst);
        if( dedupe_from(L, dfirst) ){ *pzErr = mprintf2(dname, "out of memory"); return -1; }
        break;
      case LR_GLOB: gfirst = L->n; gname = t; break;
      case LR_GLOBEND:
        sort_from(L, gfirst);
        if( dedupe_from(L, gfirst) ){ *pzErr = mprintf2(gname, "out of memory"); return -1; }
        break;
    }
  }
  return 0;
}

/* Two snapshots list the same files: the same records and text, every
** identity, type and link equal; sizes and mtimes may differ. */
static int same_listing(const mt_listing *a, const mt_listing *b){
  int i;
  if( a->nr!=b->nr || a->ntext!=b->ntext ) return 0;
  if( a->ntext && memcmp(a->text, b->text, a->ntext)!=0 ) return 0;
  for(i=0; i<a->nr; i++){
    const mt_lrec *x = &a->r[i], *y = &b->r[i];
    if( x->kind!=y->kind || x->at!=y->at || x->mode!=y->mode || x->link!=y->link
     || x->dev!=y->dev || x->ino!=y->ino ) return 0;
  }
  return 1;
}

static int walk_all(mt_listing *S, const char *const *sources, int n, char **pzErr){
  walk_state w;
  int i;
  w.have = 0;
  S->nr = 0;
  S->ntext = 0;
  for(i=0; i<n; i++){
    if( walk_source(S, &w, sources[i], pzErr) ) return -1;
  }
  return 0;
}

/* ------------------------------------------- watches instead of walks */

/* One watched thing of the snapshot `last`: a folder, or the regular file
** of record `rec`, with the generation seen (watch.h). */
typedef struct mt_wref { int wd; int rec; int dir; uint32_t gen; } mt_wref;
/* A source's identity when the watches were armed: stat'ed at every call (a
** source replaced, a symbolic link to it turned, a relative one after a
** change of the working folder). */
typedef struct mt_wsrc { uint64_t dev, ino; unsigned mode; } mt_wsrc;

/* A real folder name of the snapshot (record `rec`), and the folder as the
** paths write it ("", "./", "../"): asked again at every call.  (The folder
** is watched too, and a rename of it is an event; this also covers a folder
** reached through a symbolic link turned elsewhere.) */
typedef struct mt_wreal { int rec; char *dir; } mt_wreal;

static void disarm(mt_filememo *m){
  int i;
  m->armed = 0; m->nw = 0;
  for(i=0; i<m->nreal; i++) free(m->real[i].dir);
  m->nreal = 0;
}

/* Remember the folder of the LR_REAL record i: the one of the next file's path. */
static int wreal_add(mt_filememo *m, int i){
  const mt_listing *S = &m->last;
  int j;
  for(j=i+1; j<S->nr; j++){
    const mt_lrec *r = &S->r[j];
    const char *t = S->text + r->at;
    size_t n;
    char *d;
    if( r->kind!=LR_FILE && r->kind!=LR_NAME && r->kind!=LR_GLOBPATH ) continue;
    if( !needs_real(t, &n) ) continue;
    if( !(d = strndup(t, n)) ) return -1;
    if( mt_grow_i(&m->real, &m->creal, m->nreal+1, sizeof(mt_wreal)) ){ free(d); return -1; }
    m->real[m->nreal].rec = i;
    m->real[m->nreal].dir = d;
    m->nreal++;
    return 0;
  }
  return -1;
}

/* Does every real folder name still hold?  1 yes. */
static int reals_hold(const mt_filememo *m){
  int i;
  for(i=0; i<m->nreal; i++){
    const mt_wreal *x = &m->real[i];
    char *real = realpath(x->dir[0] ? x->dir : ".", 0);
    const char *nm = real_name(real);
    int same = nm && strcmp(nm, m->last.text + m->last.r[x->rec].at)==0;
    free(real);
    if( !same ) return 0;
  }
  return 1;
}

static int wref_add(mt_filememo *m, const char *path, int dir, int rec){
  int wd = mt_watch_add(m->watch, path, dir);
  if( wd<0 || mt_grow_i(&m->w, &m->cw, m->nw+1, sizeof(mt_wref)) ) return -1;
  m->w[m->nw].wd = wd; m->w[m->nw].rec = rec; m->w[m->nw].dir = dir; m->w[m->nw].gen = 0;
  m->nw++;
  return 0;
}

/* Watch the folder holding `path` (a name made or removed there). */
static int watch_parent(mt_filememo *m, const char *path){
  const char *b = base_name(path);
  char *d;
  int rc;
  if( b==path ) return wref_add(m, ".", 1, -1);
  if( b-1==path ) return wref_add(m, "/", 1, -1);
  if( !(d = strndup(path, (size_t)(b - 1 - path))) ) return -1;
  rc = wref_add(m, d, 1, -1);
  free(d);
  return rc;
}

/* Take the sizes and mtimes of snapshot S (the same listing as m->last:
** same_listing) into m->last and L.  1 when one of L's differed. */
static int take_sizes(mt_filememo *m, mt_filelist *L, const mt_listing *S){
  int i, changed = 0;
  for(i=0; i<S->nr; i++){ m->last.r[i].size = S->r[i].size; m->last.r[i].mtime = S->r[i].mtime; }
  for(i=0; i<L->n; i++){
    mt_file *f = &L->a[i];
    const mt_lrec *r = &S->r[f->rec];
    if( f->size!=r->size || f->mtime!=r->mtime ){ f->size = r->size; f->mtime = r->mtime; changed = 1; }
  }
  return changed;
}

/* The folder above a glob's first wildcard: "/logs" of the pattern
** /logs/esa?/mail.x, "." of mail.x with a wildcard in it; malloc'd, NULL
** when out of memory. */
static char *glob_root(const char *pattern){
  const char *w = strpbrk(pattern, "*?["), *slash = w;
  while( slash && slash > pattern && slash[-1]!='/' ) slash--;
  /* slash: the start of the name holding the first wildcard */
  if( !slash || slash==pattern ) return strdup(".");
  if( slash-1==pattern ) return strdup("/");
  return strndup(pattern, (size_t)(slash - 1 - pattern));
}

static int source_id(const char *source, mt_wsrc *out){
  struct stat st;
  if( stat(source, &st)!=0 ){
    /* a glob (walk_source: no such name, and wildcards): the folder above
    ** its first wildcard, so that it replaced, or a link to it turned, is seen */
    char *d;
    int rc;
    if( errno!=ENOENT || !has_glob_chars(source) ) return -1;
    if( !(d = glob_root(source)) ) return -1;
    rc = stat(d, &st);
    free(d);
    if( rc!=0 ) return -1;
  }
  out->dev = (uint64_t)st.st_dev; out->ino = (uint64_t)st.st_ino;
  out->mode = (unsigned)(st.st_mode & S_IFMT);
  return 0;
}

/* Watch every folder a glob reads: the folder of its last name; when that
** folder's path has wildcards itself, every folder it matches now (with a
** match in it or not) and, the same way, the folders above them, up to the
** one above the first wildcard.  A name made, removed or renamed in any of
** them is an event, and the next cursor walks: a new gateway's folder, a
** new file in one.  0, or -1 (not watched). */
static int watch_glob_folders(mt_filememo *m, const char *pattern){
  const char *b = base_name(pattern);
  glob_t g;
  size_t i;
  char *d;
  int r, rc = 0;
  if( b - pattern < 2 ) return watch_parent(m, pattern);          /* "." or "/" */
  if( !(d = strndup(pattern, (size_t)(b - 1 - pattern))) ) return -1;
  if( !has_glob_chars(d) ){ free(d); return watch_parent(m, pattern); }
  memset(&g, 0, sizeof(g));
  r = glob(d, GLOB_ONLYDIR | GLOB_NOSORT, 0, &g);
  if( r!=0 && r!=GLOB_NOMATCH ) rc = -1;
  for(i=0; r==0 && rc==0 && i<g.gl_pathc; i++){
    struct stat st;
    /* (GLOB_ONLYDIR is only a hint: a match that is not a folder holds no name) */
    if( stat(g.gl_pathv[i], &st)==0 && S_ISDIR(st.st_mode) ) rc = wref_add(m, g.gl_pathv[i], 1, -1);
  }
  globfree(&g);
  if( rc==0 ) rc = watch_glob_folders(m, d);     /* the folders above, the same way */
  free(d);
  return rc;
}

/* Arm the watches of the list just built or kept from m->last.  Never
** armed (every call walks, as without a watch): a list under
** MT_WATCH_MIN_FILES files; a symbolic link that does not lead to a regular file; a name that vanished
** while listed; a file system that is not local (watch.h).  The last step
** is a walk made after every watch was in place: it must find the same
** names, folders, files and links as the list, so no change can fall between
** the list and the watches; the sizes and mtimes it finds are taken (a file
** written meanwhile: *pChanged set), since any later write is an event. */
static void watch_arm(mt_filememo *m, mt_filelist *L, const char *const *sources, int n, int *pChanged){
  const mt_listing *S = &m->last;
  char *err = 0;
  int i;
  disarm(m);
  if( !m->watch || L->n < MT_WATCH_MIN_FILES ) return;
  for(i=0; i<S->nr; i++){
    const mt_lrec *r = &S->r[i];
    const char *t = S->text + r->at;
    switch( r->kind ){
      case LR_GLOB:
        /* a name made, removed or renamed in a folder it reads: walked (a new match) */
        if( watch_glob_folders(m, t) ){ disarm(m); return; }
        break;
      case LR_GLOBPATH:
        /* a path it matched: a regular file (or a link to one), watched */
        if( r->mode!=S_IFREG || wref_add(m, t, 0, i) ){ disarm(m); return; }
        break;
      case LR_GLOBEND:
        break;
      case LR_REAL:
        /* the host of "mail.current" or "./x": the folder's real name, asked
        ** again at every call */
        if( wreal_add(m, i) ){ disarm(m); return; }
        break;
      case LR_DIR:
        if( wref_add(m, t, 1, -1) ){ disarm(m); return; }
        break;
      case LR_FILE:
        if( watch_parent(m, t) || wref_add(m, t, 0, i) ){ disarm(m); return; }
        break;
      case LR_NAME:
        if( r->mode==0 || (r->link && r->mode!=S_IFREG) ){ disarm(m); return; }
        if( r->mode==S_IFREG && wref_add(m, t, 0, i) ){ disarm(m); return; }
        break;
    }
  }
  if( n > m->nsrc ){
    mt_wsrc *ns = realloc(m->src, sizeof(mt_wsrc)*(size_t)n);
    if( !ns ){ disarm(m); return; }
    m->src = ns; m->nsrc = n;
  }
  for(i=0; i<n; i++){
    if( source_id(sources[i], &m->src[i]) ){ disarm(m); return; }
  }
  if( mt_watch_poll(m->watch) ){ disarm(m); return; }
  for(i=0; i<m->nw; i++) m->w[i].gen = mt_watch_gen(m->watch, m->w[i].wd);
  m->epoch = mt_watch_epoch(m->watch);
  if( walk_all(&m->scratch, sources, n, &err) ){ free(err); disarm(m); return; }
  if( !same_listing(&m->scratch, &m->last) ){ disarm(m); return; }
  if( take_sizes(m, L, &m->scratch) && pChanged ) *pChanged = 1;
  m->armed = 1;
}

/* An armed list, asked again: 0 when the watches say it is still true (a
** file written since is stat'ed alone and its size and mtime refreshed),
** 1 when it must be walked (a name made, removed or renamed, a source
** replaced, events lost, a file replaced). */
static int watch_check(mt_filememo *m, mt_filelist *L, const char *const *sources, int n, int *pChanged){
  int i, j, changed = 0;
  if( mt_watch_poll(m->watch) || mt_watch_epoch(m->watch)!=m->epoch || !reals_hold(m) ) return 1;
  for(i=0; i<n; i++){
    mt_wsrc now;
    if( source_id(sources[i], &now) || now.dev!=m->src[i].dev || now.ino!=m->src[i].ino
     || now.mode!=m->src[i].mode ) return 1;
  }
  for(i=0; i<m->nw; i++){
    mt_wref *x = &m->w[i];
    uint32_t g = mt_watch_gen(m->watch, x->wd);
    mt_lrec *r;
    struct stat st;
    if( g==x->gen ) continue;
    if( x->dir ) return 1;
    r = &m->last.r[x->rec];
    /* (events after the poll change the generation again: seen next time) */
    if( stat(m->last.text + r->at, &st)!=0 || (uint64_t)st.st_dev!=r->dev || (uint64_t)st.st_ino!=r->ino
     || (unsigned)(st.st_mode & S_IFMT)!=r->mode ) return 1;
    x->gen = g;
    m->restat++;
    if( (int64_t)st.st_size==r->size && (int64_t)st.st_mtime==r->mtime ) continue;
    r->size = (int64_t)st.st_size; r->mtime = (int64_t)st.st_mtime;
    for(j=0; j<L->n; j++){
      if( L->a[j].rec==x->rec ){ L->a[j].size = r->size; L->a[j].mtime = r->mtime; changed = 1; }
    }
  }
  if( pChanged ) *pChanged = changed;
  return 0;
}

int mt_files_relist(mt_filelist *L, mt_filememo *m, const char *const *sources, int n,
                    int *pChanged, char **pzErr){
  mt_listing t;
  int checked = 0;
  *pzErr = 0;
  if( pChanged ) *pChanged = 1;
  if( m->valid && m->armed ){
    if( watch_check(m, L, sources, n, pChanged)==0 ){ m->kept++; m->watched++; return 0; }
    /* something changed; the check may have refreshed a file of L before
    ** it saw that, so the walk below cannot tell "changed" from L alone */
    disarm(m);
    checked = 1;
  }
  if( walk_all(&m->scratch, sources, n, pzErr) ){
    m->valid = 0;
    mt_files_free(L);
    return -1;
  }
  if( m->valid && same_listing(&m->scratch, &m->last) ){
    /* the same files: only what grew or was touched changes */
    int changed = take_sizes(m, L, &m->scratch);
    if( pChanged ) *pChanged = changed || checked;
    m->kept++;
  }else{
    mt_files_free(L);
    m->valid = 0;
    if( build_list(L, &m->scratch, pzErr) ){ mt_files_free(L); return -1; }
    m->valid = 1;
    m->built++;
  }
  t = m->last; m->last = m->scratch; m->scratch = t;
  if( m->watch ) watch_arm(m, L, sources, n, pChanged);
  return 0;
}

void mt_filememo_free(mt_filememo *m){
  listing_free(&m->last);
  listing_free(&m->scratch);
  free(m->w); m->w = 0; m->nw = m->cw = 0;
  free(m->src); m->src = 0; m->nsrc = 0;
  disarm(m);
  free(m->real); m->real = 0; m->creal = 0;
  m->valid = 0;
}

int mt_files_add(mt_filelist *L, const char *source, char **pzErr){
  mt_listing S;
  int rc;
  memset(&S, 0, sizeof(S));
  rc = walk_all(&S, &source, 1, pzErr);
  if( rc==0 ){
    int first = L->n, i;
    rc = build_list(L, &S, pzErr);
    for(i=first; i<L->n; i++) L->a[i].rec = -1;      /* no snapshot kept */
  }
  listing_free(&S);
  return rc;
}

void mt_files_free(mt_filelist *L){
  int i;
  for(i=0; i<L->n; i++) free_file(&L->a[i]);
  free(L->a);
  L->a = 0; L->n = L->cap = 0;
}

int mt_files_copy(mt_filelist *dst, const mt_filelist *src){
  int i;
  memset(dst, 0, sizeof(*dst));
  if( src->n==0 ) return 0;
  dst->a = calloc((size_t)src->n, sizeof(mt_file));
  if( !dst->a ) return -1;
  dst->cap = src->n;
  for(i=0; i<src->n; i++){
    dst->a[i] = src->a[i];
    dst->a[i].path = strdup(src->a[i].path);
    dst->a[i].dirname = strdup(src->a[i].dirname ? src->a[i].dirname : "");
    dst->n = i + 1;
    if( !dst->a[i].path || !dst->a[i].dirname ){ mt_files_free(dst); return -1; }
  }
  return 0;
}
