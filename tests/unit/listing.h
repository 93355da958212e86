/* SPDX-License-Identifier: MIT */
/*
** listing.h — what the listing tests share (test_relist.c, test_watch.c):
** write a file, and compare a relisted list with a fresh listing of the
** same sources (files.h, mt_files_add).
*/
#ifndef MAILTRACE_TEST_LISTING_H
#define MAILTRACE_TEST_LISTING_H

#include "../../ext/files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put(const char *path, const char *mode, const char *text){
  FILE *f = fopen(path, mode);
  if( f ){ fputs(text, f); fclose(f); }
}

/* The relisted L equals a fresh listing of the same sources: paths, hosts,
** identities, sizes, mtimes, links.  Else 0 and why. */
static int same_as_fresh(const mt_filelist *L, const char *const *src, int n, char *why, size_t nwhy){
  mt_filelist F;
  char *err = 0;
  int i, ok = 1;
  memset(&F, 0, sizeof(F));
  for(i=0; i<n; i++){
    if( mt_files_add(&F, src[i], &err) ){ snprintf(why, nwhy, "fresh: %s", err ? err : "?"); free(err); mt_files_free(&F); return 0; }
  }
  if( F.n!=L->n ){ snprintf(why, nwhy, "%d files, fresh %d", L->n, F.n); ok = 0; }
  for(i=0; ok && i<F.n; i++){
    const mt_file *a = &L->a[i], *b = &F.a[i];
    if( strcmp(a->path, b->path) || strcmp(a->dirname, b->dirname) || a->dev!=b->dev || a->ino!=b->ino
     || a->size!=b->size || a->mtime!=b->mtime || a->is_link!=b->is_link ){
      snprintf(why, nwhy, "file %d: %s %s %lld %lld, fresh %s %s %lld %lld", i, a->path, a->dirname,
               (long long)a->size, (long long)a->mtime, b->path, b->dirname, (long long)b->size, (long long)b->mtime);
      ok = 0;
    }
  }
  mt_files_free(&F);
  return ok;
}

#endif
