/* SPDX-License-Identifier: MIT */
/*
** files.c — expand sources (file, directory, glob) into an ordered file list.
*/
#include "grow.h"
#include "files.h"

#include <dirent.h>
#include <errno.h>
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

static int push_file(mt_filelist *L, const char *path, const struct stat *st, char **pzErr){
  mt_file *f;
  const char *b;
  struct stat lst;
  if( L->n >= MT_MAX_FILES ){
    *pzErr = mprintf2(path, "too many files (limit 100000)");
    return -1;
  }
  if( mt_grow_i(&L->a, &L->cap, L->n+1, sizeof(mt_file)) ){ *pzErr = mprintf2(path, "out of memory"); return -1; }
  f = &L->a[L->n];
  memset(f, 0, sizeof(*f));
  f->path = strdup(path);
  /* The directory's own name is the default host ("/logs/esa1/mail.current" → esa1). */
  b = base_name(path);
  if( b > path ){
    const char *e = b-1, *s = e;
    while( s>path && s[-1]!='/' ) s--;
    f->dirname = strndup(s, (size_t)(e-s));
  }else{
    f->dirname = strdup(".");
  }
  if( f->dirname && (strcmp(f->dirname, ".")==0 || strcmp(f->dirname, "..")==0 || f->dirname[0]==0) ){
    /* "mail.current" or "./mail.current": the real name of the folder */
    char *dir = strndup(path, (size_t)(b - path)), *real;
    real = dir ? realpath(dir[0] ? dir : ".", 0) : 0;
    if( real ){
      const char *nm = strrchr(real, '/');
      nm = nm && nm[1] ? nm+1 : real;
      free(f->dirname);
      f->dirname = strdup(nm);
      free(real);
    }
    free(dir);
  }
  if( !f->path || !f->dirname ){
    free(f->path); free(f->dirname);
    *pzErr = mprintf2(path, "out of memory");
    return -1;
  }
  f->is_link = lstat(path, &lst)==0 && S_ISLNK(lst.st_mode);
  f->dev = (uint64_t)st->st_dev;
  f->ino = (uint64_t)st->st_ino;
  f->size = (int64_t)st->st_size;
  f->mtime = (int64_t)st->st_mtime;
  L->n++;
  return 0;
}

/* mailtrace's own files (index=DIR): "mailtrace-<dev>-<ino>.idx" and its
** temporary "….idx.XXXXXX".  A directory or glob never lists them as logs
** (their gzip restart points hold real log text). */
int mt_files_is_index_name(const char *name){
  const char *b = base_name(name);
  if( strncmp(b, "mailtrace-", 10)!=0 ) return 0;
  return strstr(b + 10, ".idx")!=0;
}

static int add_dir(mt_filelist *L, const char *dir, char **pzErr){
  DIR *d = opendir(dir);
  struct dirent *e;
  int first = L->n;
  size_t dl = strlen(dir);
  if( !d ){ *pzErr = mprintf2(dir, strerror(errno)); return -1; }
  while( (e = readdir(d))!=0 ){
    struct stat st;
    char *p;
    size_t n;
    if( e->d_name[0]=='.' && (e->d_name[1]==0 || (e->d_name[1]=='.' && e->d_name[2]==0)) ) continue;
    if( mt_files_is_index_name(e->d_name) ) continue;
    n = dl + strlen(e->d_name) + 2;
    p = malloc(n);
    if( !p ){ closedir(d); *pzErr = mprintf2(dir, "out of memory"); return -1; }
    snprintf(p, n, (dl && dir[dl-1]=='/') ? "%s%s" : "%s/%s", dir, e->d_name);
    /* stat follows links; a dangling link or a link loop is not a log file. */
    if( stat(p, &st)==0 && S_ISREG(st.st_mode) ){
      if( push_file(L, p, &st, pzErr) ){ free(p); closedir(d); return -1; }
    }
    free(p);
  }
  closedir(d);
  if( L->n - first > 1 ) qsort(L->a + first, (size_t)(L->n - first), sizeof(mt_file), cmp_files);   /* an empty folder: L->a may be NULL */
  if( dedupe_from(L, first) ){ *pzErr = mprintf2(dir, "out of memory"); return -1; }
  return 0;
}

static int has_glob_chars(const char *s){
  return strpbrk(s, "*?[")!=0;
}

int mt_files_add(mt_filelist *L, const char *source, char **pzErr){
  struct stat st;
  *pzErr = 0;
  if( source==0 || source[0]==0 ){ *pzErr = strdup("empty source path"); return -1; }
  if( stat(source, &st)==0 ){
    int first = L->n;
    if( S_ISDIR(st.st_mode) ) return add_dir(L, source, pzErr);
    if( !S_ISREG(st.st_mode) ){
      /* a FIFO would block the query, a device never ends (/dev/zero) */
      *pzErr = mprintf2(source, S_ISFIFO(st.st_mode) ? "is a FIFO (named pipe), not a regular file"
                               : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "is a device, not a regular file"
                               : "is not a regular file");
      return -1;
    }
    if( push_file(L, source, &st, pzErr) ) return -1;
    if( dedupe_from(L, first) ){ *pzErr = mprintf2(source, "out of memory"); return -1; }
    return 0;
  }
  if( errno!=ENOENT || !has_glob_chars(source) ){
    *pzErr = mprintf2(source, strerror(errno));
    return -1;
  }
  {
    glob_t g;
    size_t i;
    int first = L->n, rc;
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
    for(i=0; i<g.gl_pathc; i++){
      const char *p = g.gl_pathv[i];
      if( stat(p, &st)!=0 || mt_files_is_index_name(p) ) continue;
      if( S_ISDIR(st.st_mode) ){
        if( add_dir(L, p, pzErr) ){ globfree(&g); return -1; }
      }else if( S_ISREG(st.st_mode) ){
        if( push_file(L, p, &st, pzErr) ){ globfree(&g); return -1; }
      }
    }
    globfree(&g);
    if( L->n - first > 1 ) qsort(L->a + first, (size_t)(L->n - first), sizeof(mt_file), cmp_files);
    if( dedupe_from(L, first) ){ *pzErr = mprintf2(source, "out of memory"); return -1; }
  }
  return 0;
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
