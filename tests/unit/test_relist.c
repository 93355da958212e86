/* SPDX-License-Identifier: MIT */
/*
** test_relist.c — listing the sources again (files.h, mt_files_relist), as
** every cursor does: the list kept when only sizes and mtimes changed, built
** again when anything else did, and in every step equal to a fresh listing
** (mt_files_add): a file that grew, a rotation (rename + a new live file), a
** file removed, a file replaced under the same name, a symbolic link made and
** replaced, a dangling link that starts to lead somewhere, a glob that gains
** a match, and the folder of "mail.current" renamed under the process (its
** host is the folder's real name).  The memo's counts (built, kept) say what
** each call did.
*/
#include "unit.h"
#include "listing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static mt_filelist L;
static mt_filememo M;

/* One relisting: checks that it worked, what it did (expect_built: 1 built,
** 0 kept), whether it said the list changed, and that L is a fresh listing. */
static void step(const char *name, const char *const *src, int n, int expect_built, int expect_changed){
  char label[200], why[600];
  char *err = 0;
  int64_t built = M.built, kept = M.kept;
  int changed = -1, rc = mt_files_relist(&L, &M, src, n, &changed, &err);
  snprintf(label, sizeof(label), "relist.%s", name);
  unit_checks++;
  if( rc ){ printf("FAIL %s: %s\n", label, err ? err : "?"); unit_failed++; free(err); return; }
  if( expect_built ? (M.built!=built+1 || M.kept!=kept) : (M.kept!=kept+1 || M.built!=built) ){
    printf("FAIL %s: %s, expected %s\n", label, M.built>built ? "built" : "kept", expect_built ? "built" : "kept");
    unit_failed++;
  }else if( changed!=expect_changed ){
    printf("FAIL %s: changed=%d, expected %d\n", label, changed, expect_changed);
    unit_failed++;
  }else if( !same_as_fresh(&L, src, n, why, sizeof(why)) ){
    printf("FAIL %s: not a fresh listing: %s\n", label, why);
    unit_failed++;
  }else{
    printf("PASS %s\n", label);
  }
}

static const char *path_of(const mt_filelist *fl, int i){ return i<fl->n ? fl->a[i].path : ""; }

int main(void){
  char base[] = "/tmp/mt_relist_XXXXXX", dir[300], p[400], q[400], cwd[4096], glob[400], dir2[300];
  const char *src[2];
  struct stat st;
  if( !mkdtemp(base) ){ printf("FAIL relist.mkdtemp\n"); return 1; }
  snprintf(dir, sizeof(dir), "%s/esa1", base);
  mkdir(dir, 0700);
  snprintf(p, sizeof(p), "%s/mail.@20261102T080000.s", dir); put(p, "w", "Mon Nov  2 08:00:00 2026 Info: Begin Logfile\n");
  snprintf(p, sizeof(p), "%s/mail.current", dir);             put(p, "w", "Mon Nov  2 09:00:00 2026 Info: Begin Logfile\n");
  src[0] = dir;

  step("first_builds", src, 1, 1, 1);
  CHECK("relist.first_order", L.n==2 && strstr(path_of(&L, 0), ".@20261102T080000.s") && strstr(path_of(&L, 1), "mail.current")
                               && strcmp(L.a[0].dirname, "esa1")==0);
  step("same_keeps", src, 1, 0, 0);
  step("same_keeps_again", src, 1, 0, 0);

  /* growth: kept, the new size seen */
  snprintf(p, sizeof(p), "%s/mail.current", dir);
  put(p, "a", "Mon Nov  2 09:00:01 2026 Info: New SMTP ICID 5 interface Data 1 (10.0.0.1) address 192.0.2.10 reverse dns host a.example verified yes\n");
  stat(p, &st);
  step("grown_keeps_new_size", src, 1, 0, 1);
  CHECK("relist.grown_size", L.n==2 && L.a[1].size==(int64_t)st.st_size);

  /* rotation: mail.current renamed to a stamp, a new mail.current */
  snprintf(q, sizeof(q), "%s/mail.@20261102T090000.s", dir);
  rename(p, q);
  put(p, "w", "Mon Nov  2 10:00:00 2026 Info: Begin Logfile\n");
  step("rotation_builds", src, 1, 1, 1);
  CHECK("relist.rotation_order", L.n==3 && strstr(path_of(&L, 1), "T090000.s") && strstr(path_of(&L, 2), "mail.current"));
  step("after_rotation_keeps", src, 1, 0, 0);

  /* a file removed */
  unlink(q);
  step("removed_builds", src, 1, 1, 1);
  CHECK("relist.removed_gone", L.n==2);

  /* a file replaced under the same name, same size: another inode */
  snprintf(q, sizeof(q), "%s/new.tmp", dir);
  put(q, "w", "Mon Nov  2 10:00:00 2026 Info: Begin Logfile\n");
  rename(q, p);
  step("replaced_builds", src, 1, 1, 1);

  /* a symbolic link to the live file: one file, under its real name */
  snprintf(q, sizeof(q), "%s/current-log", dir);
  if( symlink("mail.current", q)==0 ){
    step("link_made_builds", src, 1, 1, 1);
    CHECK("relist.link_real_name", L.n==2 && strstr(path_of(&L, 1), "mail.current"));
    step("link_same_keeps", src, 1, 0, 0);
    /* the link replaced by a regular file of its own: a second file */
    unlink(q);
    put(q, "w", "Mon Nov  2 11:00:00 2026 Info: Begin Logfile\n");
    step("link_replaced_builds", src, 1, 1, 1);
    CHECK("relist.link_replaced_listed", L.n==3);
    unlink(q);
    step("link_removed_builds", src, 1, 1, 1);
  }
  /* a dangling link, then its target appears */
  snprintf(q, sizeof(q), "%s/later.log", dir);
  if( symlink("target.log", q)==0 ){
    step("dangling_builds", src, 1, 1, 1);
    CHECK("relist.dangling_not_listed", L.n==2);
    step("dangling_keeps", src, 1, 0, 0);
    snprintf(q, sizeof(q), "%s/target.log", dir);
    put(q, "w", "Mon Nov  2 12:00:00 2026 Info: Begin Logfile\n");
    step("dangling_resolved_builds", src, 1, 1, 1);
    CHECK("relist.dangling_resolved_listed", L.n==3);          /* target.log, reached twice: once */
  }

  /* a glob and a file source together; the glob gains a match */
  snprintf(glob, sizeof(glob), "%s/mail.@*", dir);
  src[0] = glob; src[1] = p;
  step("glob_builds", src, 2, 1, 1);
  step("glob_keeps", src, 2, 0, 0);
  snprintf(q, sizeof(q), "%s/mail.@20261102T100000.s.gz", dir);
  put(q, "w", "");
  step("glob_match_builds", src, 2, 1, 1);
  CHECK("relist.glob_match_listed", L.n==3);
  put(p, "a", "Mon Nov  2 10:00:01 2026 Info: Start MID 7 ICID 5\n");
  step("glob_grown_keeps", src, 2, 0, 1);

  /* "mail.current" in the working folder: its host is the folder's real
  ** name, seen again when the folder is renamed under the process */
  if( getcwd(cwd, sizeof(cwd)) && chdir(dir)==0 ){
    src[0] = "mail.current";
    step("relative_builds", src, 1, 1, 1);
    CHECK("relist.relative_host", L.n==1 && strcmp(L.a[0].dirname, "esa1")==0);
    step("relative_keeps", src, 1, 0, 0);
    snprintf(dir2, sizeof(dir2), "%s/esa2", base);
    if( rename(dir, dir2)==0 ){
      step("cwd_renamed_builds", src, 1, 1, 1);
      CHECK("relist.cwd_renamed_host", L.n==1 && strcmp(L.a[0].dirname, "esa2")==0);
      rename(dir2, dir);
    }
    if( chdir(cwd)!=0 ) printf("FAIL relist.chdir_back\n");
  }

  /* an error empties the list; the next call builds again */
  {
    char *err = 0;
    int rc;
    src[0] = "/nonexistent/mt_relist/none";
    rc = mt_files_relist(&L, &M, src, 1, 0, &err);
    CHECK("relist.missing_is_error", rc==-1 && err && strstr(err, "/nonexistent/mt_relist/none") && L.n==0);
    free(err);
    src[0] = dir;
    step("after_error_builds", src, 1, 1, 1);
  }

  mt_files_free(&L);
  mt_filememo_free(&M);
  {
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    if( system(cmd)!=0 ) printf("FAIL relist.cleanup\n");
  }
  return unit_failed ? 1 : 0;
}
