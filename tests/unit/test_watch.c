/* SPDX-License-Identifier: MIT */
/*
** test_watch.c — listing again with watches (watch.h, files.h): a call whose
** watches are quiet keeps the list without a walk, and every change a walk
** would see is seen: a file written (its size), touched (its mtime), made,
** removed, renamed, written through a hard link in another folder or
** through the symbolic link that names it, the link turned elsewhere, the
** source folder replaced, and a forked child (which must not use the
** parent's watches).  After every step the list equals a fresh listing
** (mt_files_add), and "." keeps the working folder's real name as host
** when that folder is renamed.  A glob
** is armed (every folder it reads and each file it matched watched): a
** matched file written, a name made in its folder that it matches or not,
** one removed; with a wildcard in a folder name, a folder made that it
** matches, a file made there.  Lists that are never armed: fewer than
** MT_WATCH_MIN_FILES files.  The memo's counts
** (watched, built, kept, restat) say what each call did.
*/
#include "unit.h"
#include "listing.h"
#include "../../ext/watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static mt_filelist L;
static mt_filememo M;
static int local;          /* the temporary folder is on a file system watches trust */

enum { WALKED = 0, WATCHED = 1 };

/* One relisting: it worked, it did what was expected (answered by the
** watches, or walked), it said whether the list changed, and L is a fresh
** listing.  Where watches cannot be used here, only the last is checked. */
static void step(const char *name, const char *const *src, int n, int expect, int expect_changed){
  char label[200], why[600];
  char *err = 0;
  int64_t watched = M.watched, built = M.built, kept = M.kept;
  int changed = -1, rc = mt_files_relist(&L, &M, src, n, &changed, &err);
  int did = M.watched > watched ? WATCHED : WALKED;
  snprintf(label, sizeof(label), "watch.%s", name);
  unit_checks++;
  if( rc ){ printf("FAIL %s: %s\n", label, err ? err : "?"); unit_failed++; free(err); return; }
  if( !same_as_fresh(&L, src, n, why, sizeof(why)) ){
    printf("FAIL %s: not a fresh listing: %s\n", label, why);
    unit_failed++;
  }else if( (local || expect==WALKED) && did!=expect ){
    printf("FAIL %s: %s, expected %s (built %lld kept %lld)\n", label, did==WATCHED ? "watched" : "walked",
           expect==WATCHED ? "watched" : "walked", (long long)(M.built - built), (long long)(M.kept - kept));
    unit_failed++;
  }else if( (local || expect==WALKED) && changed!=expect_changed ){
    printf("FAIL %s: changed=%d, expected %d\n", label, changed, expect_changed);
    unit_failed++;
  }else{
    printf("PASS %s%s\n", label, local || expect==WALKED ? "" : " (listing only: no local file system here)");
  }
}

static const char *LINE = "Mon Nov  2 08:00:00 2026 Info: Begin Logfile\n";

/* A list listed the first time (walked), armed, then quiet (watched):
** steps NAME_walks, NAME_quiet and the check watch.NAME_armed. */
static void first_armed_quiet(const char *name, const char *const *src){
  char a[160];
  snprintf(a, sizeof(a), "%s_walks", name);
  step(a, src, 1, WALKED, 1);
  snprintf(a, sizeof(a), "watch.%s_armed", name);
  CHECK(a, !local || M.armed);
  snprintf(a, sizeof(a), "%s_quiet", name);
  step(a, src, 1, WATCHED, 0);
}

/* A file made at `path` (the list changes): walked, then quiet: steps
** NAME_walks and NAME_then_quiet. */
static void made_walks_quiet(const char *name, const char *path, const char *const *src){
  char a[160];
  put(path, "w", LINE);
  snprintf(a, sizeof(a), "%s_walks", name);
  step(a, src, 1, WALKED, 1);
  snprintf(a, sizeof(a), "%s_then_quiet", name);
  step(a, src, 1, WATCHED, 0);
}

static void set_mtime(const char *path, time_t t){
  struct timespec ts[2];
  ts[0].tv_sec = t; ts[0].tv_nsec = 0;
  ts[1] = ts[0];
  utimensat(AT_FDCWD, path, ts, 0);
}


int main(void){
  char base[] = "/tmp/mt_watch_XXXXXX", dir[300], other[300], p[400], q[400], cur[400], cwd[4096];
  const char *src[8];
  int i;
  if( !mkdtemp(base) ){ printf("FAIL watch.mkdtemp\n"); return 1; }
  local = mt_watch_local(base);
  CHECK("watch.proc_is_not_local", mt_watch_local("/proc/self")==0);
  snprintf(dir, sizeof(dir), "%s/esa1", base);
  snprintf(other, sizeof(other), "%s/elsewhere", base);
  mkdir(dir, 0700);
  mkdir(other, 0700);
  for(i=0; i<MT_WATCH_MIN_FILES; i++){
    snprintf(p, sizeof(p), "%s/mail.@202611%02dT000000.s", dir, i + 1);
    put(p, "w", LINE);
  }
  snprintf(cur, sizeof(cur), "%s/mail.current", dir);
  put(cur, "w", LINE);
  M.watch = mt_watch_new();
  src[0] = dir;

  step("first_walks", src, 1, WALKED, 1);
  CHECK("watch.armed", !local || M.armed);
  step("quiet_is_watched", src, 1, WATCHED, 0);
  step("quiet_again", src, 1, WATCHED, 0);

  /* written: the one file stat'ed again, its new size */
  {
    int64_t restat = M.restat;
    put(cur, "a", "Mon Nov  2 08:00:01 2026 Info: New SMTP ICID 5 interface Data 1 (10.0.0.1) address 192.0.2.10 reverse dns host a.example verified yes\n");
    step("written_is_watched_new_size", src, 1, WATCHED, 1);
    CHECK("watch.written_restat_one", !local || M.restat==restat + 1);
    step("after_write_quiet", src, 1, WATCHED, 0);
  }
  /* touched: the same size, another mtime */
  set_mtime(cur, 1700000000);
  step("touched_is_watched_new_mtime", src, 1, WATCHED, 1);
  /* truncated and rewritten to the same size: the mtime differs */
  set_mtime(cur, 1600000000);
  step("touched_back", src, 1, WATCHED, 1);

  /* a name made: walked (and armed again), then quiet */
  snprintf(p, sizeof(p), "%s/mail.@20261120T000000.s", dir);
  put(p, "w", LINE);
  step("made_walks", src, 1, WALKED, 1);
  step("made_then_quiet", src, 1, WATCHED, 0);

  /* rotation: the live file renamed to a stamp, a new live file */
  snprintf(q, sizeof(q), "%s/mail.@20261121T000000.s", dir);
  rename(cur, q);
  put(cur, "w", LINE);
  step("rotation_walks", src, 1, WALKED, 1);
  step("rotation_then_quiet", src, 1, WATCHED, 0);

  /* removed */
  unlink(p);
  step("removed_walks", src, 1, WALKED, 1);

  /* replaced under the same name by a rename over it */
  snprintf(q, sizeof(q), "%s/new.tmp", base);
  put(q, "w", LINE);
  rename(q, cur);
  step("replaced_walks", src, 1, WALKED, 1);
  step("replaced_then_quiet", src, 1, WATCHED, 0);

  /* a hard link in another folder: written there, seen here */
  snprintf(q, sizeof(q), "%s/hard.log", other);
  if( link(cur, q)==0 ){
    step("link_count_changed", src, 1, WATCHED, 0);    /* IN_ATTRIB: stat'ed, same size and mtime */
    set_mtime(cur, 1650000000);
    step("hard_link_setup", src, 1, WATCHED, 1);
    put(q, "a", "Mon Nov  2 08:00:02 2026 Info: Start MID 7 ICID 5\n");
    step("written_through_hard_link", src, 1, WATCHED, 1);
  }

  /* a symbolic link in the folder to a file elsewhere */
  snprintf(p, sizeof(p), "%s/target.log", other);
  put(p, "w", LINE);
  snprintf(q, sizeof(q), "%s/linked.log", dir);
  if( symlink(p, q)==0 ){
    step("symlink_made_walks", src, 1, WALKED, 1);
    step("symlink_quiet", src, 1, WATCHED, 0);
    put(p, "a", "Mon Nov  2 08:00:03 2026 Info: Start MID 8 ICID 5\n");
    step("written_through_symlink_target", src, 1, WATCHED, 1);
    /* the link turned to another file */
    snprintf(p, sizeof(p), "%s/target2.log", other);
    put(p, "w", "Mon Nov  2 08:00:04 2026 Info: Begin Logfile\nMon Nov  2 08:00:05 2026 Info: Begin Logfile\n");
    unlink(q);
    if( symlink(p, q)==0 ) step("symlink_turned_walks", src, 1, WALKED, 1);
    unlink(q);
    step("symlink_removed_walks", src, 1, WALKED, 1);
  }

  /* the source folder replaced by another of the same name */
  {
    char moved[300];
    snprintf(moved, sizeof(moved), "%s/esa1.old", base);
    if( rename(dir, moved)==0 ){
      mkdir(dir, 0700);
      for(i=0; i<MT_WATCH_MIN_FILES + 1; i++){
        snprintf(p, sizeof(p), "%s/mail.@202612%02dT000000.s", dir, i + 1);
        put(p, "w", LINE);
      }
      step("source_replaced_walks", src, 1, WALKED, 1);
      step("source_replaced_quiet", src, 1, WATCHED, 0);
    }
  }

  /* a forked child lists without the parent's watches; the parent's still work */
  {
    pid_t pid = fork();
    if( pid==0 ){
      int64_t w0 = M.watched;
      char *err = 0;
      int changed;
      int rc = mt_files_relist(&L, &M, src, 1, &changed, &err);
      _exit(rc==0 && M.watched==w0 ? 0 : 1);
    }
    if( pid>0 ){
      int status = 0;
      waitpid(pid, &status, 0);
      CHECK("watch.forked_child_walks", WIFEXITED(status) && WEXITSTATUS(status)==0);
      snprintf(p, sizeof(p), "%s/mail.@20261201T000000.s", dir);
      put(p, "a", "Mon Nov  2 08:00:06 2026 Info: Start MID 9 ICID 5\n");
      step("parent_after_fork_sees_write", src, 1, WATCHED, 1);
    }
  }

  /* eight files named one by one: each file and its folder watched */
  {
    char names[MT_WATCH_MIN_FILES][400];
    mt_files_free(&L);
    mt_filememo_free(&M);
    mt_watch_free(M.watch);
    M.watch = 0;
    {
      mt_watch *w = mt_watch_new();
      M.watch = w;
      for(i=0; i<MT_WATCH_MIN_FILES; i++){
        snprintf(names[i], sizeof(names[i]), "%s/mail.@202612%02dT000000.s", dir, i + 1);
        src[i] = names[i];
      }
      step("files_first_walks", src, MT_WATCH_MIN_FILES, WALKED, 1);
      step("files_quiet", src, MT_WATCH_MIN_FILES, WATCHED, 0);
      put(names[3], "a", "Mon Nov  2 08:00:07 2026 Info: Start MID 10 ICID 5\n");
      step("files_written", src, MT_WATCH_MIN_FILES, WATCHED, 1);
      snprintf(q, sizeof(q), "%s/x.tmp", base);
      put(q, "w", "Mon Nov  2 08:00:08 2026 Info: Begin Logfile\n");
      rename(q, names[5]);
      step("files_replaced_walks", src, MT_WATCH_MIN_FILES, WALKED, 1);
      unlink(names[6]);
      {
        char *err = 0;
        int rc = mt_files_relist(&L, &M, src, MT_WATCH_MIN_FILES, 0, &err);
        CHECK("watch.files_removed_is_error", rc==-1 && err && strstr(err, names[6]));
        free(err);
      }
      put(names[6], "w", LINE);
      step("files_back_walks", src, MT_WATCH_MIN_FILES, WALKED, 1);
      /* the last four named from a second folder: a file of the first one
      ** written and a name made in the second, between two calls.  The
      ** check stats the written file before it meets the second folder's
      ** event; the walk that follows must still say "changed". */
      {
        char dirb[300];
        snprintf(dirb, sizeof(dirb), "%s/esa2", base);
        mkdir(dirb, 0700);
        for(i=MT_WATCH_MIN_FILES/2; i<MT_WATCH_MIN_FILES; i++){
          snprintf(names[i], sizeof(names[i]), "%s/mail.@202612%02dT000000.s", dirb, i + 1);
          put(names[i], "w", LINE);
        }
        step("two_folders_walks", src, MT_WATCH_MIN_FILES, WALKED, 1);
        step("two_folders_quiet", src, MT_WATCH_MIN_FILES, WATCHED, 0);
        put(names[0], "a", "Mon Nov  2 08:00:09 2026 Info: Start MID 11 ICID 5\n");
        snprintf(q, sizeof(q), "%s/unrelated.txt", dirb);
        put(q, "w", "");
        step("written_and_name_made_says_changed", src, MT_WATCH_MIN_FILES, WALKED, 1);
      }
      mt_files_free(&L);
      mt_filememo_free(&M);
      mt_watch_free(w);
    }
  }

  /* a glob: armed (a busy sender's question opens a cursor per row, each
  ** of which lists its sources) */
  {
    char glob[400], made[400];
    mt_watch *w = mt_watch_new();
    M.watch = w;
    snprintf(glob, sizeof(glob), "%s/mail.@*", dir);
    src[0] = glob;
    first_armed_quiet("glob", src);
    snprintf(p, sizeof(p), "%s/mail.@20261201T000000.s", dir);
    put(p, "a", "Mon Nov  2 08:00:07 2026 Info: Start MID 10 ICID 5\n");
    step("glob_match_written_is_watched", src, 1, WATCHED, 1);
    snprintf(q, sizeof(q), "%s/notes.txt", dir);
    put(q, "w", "");
    /* (the same list, but a walk after an armed check says "changed": the
    ** check may have refreshed a file before it saw the folder's event) */
    step("glob_other_name_made_walks", src, 1, WALKED, 1);
    step("glob_other_name_then_quiet", src, 1, WATCHED, 0);
    snprintf(made, sizeof(made), "%s/mail.@20261230T000000.s", dir);
    made_walks_quiet("glob_match_made", made, src);
    unlink(made);
    step("glob_match_removed_walks", src, 1, WALKED, 1);
    unlink(q);
    step("glob_other_name_removed_walks", src, 1, WALKED, 1);
    mt_files_free(&L);
    mt_filememo_free(&M);
    M.watch = w;
    /* a wildcard in a folder name (gateways' folders): armed too, every
    ** folder it reads watched, one where nothing matches yet too */
    snprintf(glob, sizeof(glob), "%s/es*/mail.@*", base);
    src[0] = glob;
    first_armed_quiet("glob_folders", src);
    snprintf(q, sizeof(q), "%s/es3", base);
    mkdir(q, 0700);
    step("glob_folder_made_walks", src, 1, WALKED, 1);
    step("glob_folder_made_then_quiet", src, 1, WATCHED, 0);
    snprintf(made, sizeof(made), "%s/es3/mail.@20261231T000000.s", base);
    made_walks_quiet("glob_file_in_new_folder", made, src);
    put(made, "a", "Mon Nov  2 08:00:08 2026 Info: Start MID 11 ICID 5\n");
    step("glob_file_in_new_folder_written", src, 1, WATCHED, 1);
    unlink(made);
    rmdir(q);
    step("glob_folder_removed_walks", src, 1, WALKED, 1);
    mt_files_free(&L);
    mt_filememo_free(&M);
    M.watch = w;
    /* never armed: a small list */
    src[0] = other;
    step("small_walks", src, 1, WALKED, 1);
    step("small_walks_again", src, 1, WALKED, 0);
    CHECK("watch.small_not_armed", !M.armed);
    mt_files_free(&L);
    mt_filememo_free(&M);
    M.watch = w;
    mt_files_free(&L);
    mt_filememo_free(&M);
    mt_watch_free(w);
  }

  /* "." in the working folder: the host is the folder's real name; renaming
  ** the folder is seen (the folder's own watch, and its real name asked
  ** again at every call) */
  if( getcwd(cwd, sizeof(cwd)) && chdir(dir)==0 ){
    char dir2[300];
    mt_watch *w = mt_watch_new();
    M.watch = w;
    src[0] = ".";
    step("relative_walks", src, 1, WALKED, 1);
    CHECK("watch.relative_host", L.n > 0 && strcmp(L.a[0].dirname, "esa1")==0);
    step("relative_quiet", src, 1, WATCHED, 0);
    snprintf(dir2, sizeof(dir2), "%s/esa9", base);
    if( rename(dir, dir2)==0 ){
      step("relative_folder_renamed_walks", src, 1, WALKED, 1);
      CHECK("watch.relative_renamed_host", L.n > 0 && strcmp(L.a[0].dirname, "esa9")==0);
      step("relative_renamed_quiet", src, 1, WATCHED, 0);
      rename(dir2, dir);
      step("relative_renamed_back_walks", src, 1, WALKED, 1);
    }
    if( chdir(cwd)!=0 ) printf("FAIL watch.chdir_back\n");
    mt_files_free(&L);
    mt_filememo_free(&M);
    mt_watch_free(w);
  }

  {
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", base);
    if( system(cmd)!=0 ) printf("FAIL watch.cleanup\n");
  }
  return unit_failed ? 1 : 0;
}
