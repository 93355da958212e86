/* SPDX-License-Identifier: MIT */
/*
** test_identity.c — a file that changes between its listing and its
** reading (rotation during a query) is an error, never a silent read of
** another file or of part of one, and no index is saved from it
** (bytes.h mt_open_regular, scan.c, index.c).  Also the growth proof
** (mt_fingerprint) and the index-file name rule of the listing.
*/
#include "unit.h"
#include "../../ext/files.h"
#include "../../ext/scan.h"
#include "../../ext/index.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *LINES =
  "Mon Nov  2 08:00:00 2026 Info: Begin Logfile\n"
  "Mon Nov  2 08:00:01 2026 Info: New SMTP ICID 5 interface Data 1 (10.0.0.1) address 192.0.2.10 reverse dns host a.example verified yes\n"
  "Mon Nov  2 08:00:02 2026 Info: Start MID 7 ICID 5\n"
  "Mon Nov  2 08:00:03 2026 Info: MID 7 ICID 5 From: <a@example.com>\n";

static void put(const char *path, const char *text){
  FILE *f = fopen(path, "w");
  if( f ){ fputs(text, f); fclose(f); }
}

/* Walk every line: the number of lines, or -1 with *err. */
static int walk(const mt_filelist *fl, char **err){
  mt_opts o;
  mt_scan s;
  int n = 0, rc;
  memset(&o, 0, sizeof(o));
  mt_scan_init(&s, fl, &o);
  while( (rc = mt_scan_next(&s))==1 ) n++;
  if( rc<0 ){ *err = s.err ? strdup(s.err) : 0; n = -1; }
  mt_scan_end(&s);
  return n;
}

static int count_idx(const char *dir){
  DIR *d = opendir(dir);
  struct dirent *e;
  int n = 0;
  if( !d ) return -1;
  while( (e = readdir(d))!=0 ) if( strncmp(e->d_name, "mailtrace-", 10)==0 ) n++;
  closedir(d);
  return n;
}

int main(void){
  char dir[] = "/tmp/mt_identity_XXXXXX", path[300], old[300], ixdir[300];
  mt_filelist fl;
  char *err = 0;
  int n;
  if( !mkdtemp(dir) ){ printf("FAIL identity.mkdtemp\n"); return 1; }
  snprintf(path, sizeof(path), "%s/mail.current", dir);
  snprintf(old, sizeof(old), "%s/mail.@20261102T080000.s", dir);
  snprintf(ixdir, sizeof(ixdir), "%s/ix", dir);
  mkdir(ixdir, 0700);

  /* rotation after the listing: mv mail.current …; a new mail.current */
  put(path, LINES);
  memset(&fl, 0, sizeof(fl));
  CHECK("identity.list", mt_files_add(&fl, path, &err)==0 && fl.n==1);
  rename(path, old);
  put(path, "Mon Nov  2 09:00:00 2026 Info: Begin Logfile\n");
  n = walk(&fl, &err);
  CHECK("identity.replaced_file_is_an_error", n==-1 && err && strstr(err, "no longer the file that was listed"));
  free(err); err = 0;
  {
    mt_opts o;
    mt_stats st;
    mt_index *ix;
    memset(&o, 0, sizeof(o));
    o.index_dir = ixdir;
    mt_index_build(&fl, &o, 0, &st, &ix, &err, 0, 0);
    CHECK("identity.replaced_file_fails_the_index", ix==0 && err && strstr(err, "no longer the file that was listed"));
    CHECK("identity.nothing_saved", count_idx(ixdir)==0);
    mt_index_free(ix);
    free(err); err = 0;
  }
  mt_files_free(&fl);

  /* truncated after the listing (same inode, fewer bytes) */
  put(path, LINES);
  memset(&fl, 0, sizeof(fl));
  mt_files_add(&fl, path, &err);
  if( truncate(path, 40)!=0 ) printf("FAIL identity.truncate\n");
  n = walk(&fl, &err);
  CHECK("identity.truncated_file_is_an_error", n==-1 && err && strstr(err, "shorter than when it was listed"));
  free(err); err = 0;
  mt_files_free(&fl);

  /* unchanged: read as before */
  put(path, LINES);
  memset(&fl, 0, sizeof(fl));
  mt_files_add(&fl, path, &err);
  CHECK("identity.unchanged_file_reads", walk(&fl, &err)==4);
  {
    /* the growth proof: appended bytes keep it, a rewrite does not */
    mt_ident id = MT_FILE_IDENT(&fl.a[0]);
    uint32_t a = 0, b = 0, c = 0;
    int64_t end = (int64_t)strlen(LINES);
    FILE *f;
    CHECK("identity.fingerprint", mt_fingerprint(path, &id, end, &a)==0);
    f = fopen(path, "a");
    if( f ){ fputs("Mon Nov  2 08:00:04 2026 Info: MID 7 ICID 5 RID 0 To: <b@example.com>\n", f); fclose(f); }
    CHECK("identity.fingerprint_kept_by_growth", mt_fingerprint(path, &id, end, &b)==0 && a==b);
    f = fopen(path, "r+");                      /* copytruncate: same inode, new text */
    if( f ){ fputs("Mon Nov  2 09:", f); fclose(f); }
    CHECK("identity.fingerprint_lost_by_rewrite", mt_fingerprint(path, &id, end, &c)==0 && c!=a);
  }
  mt_files_free(&fl);

  CHECK("identity.index_names", mt_files_is_index_name("/x/mailtrace-803-1a2b.idx")
        && mt_files_is_index_name("mailtrace-803-1a2b.idx.Ab12Cd")
        && !mt_files_is_index_name("/x/mail.current") && !mt_files_is_index_name("mailtrace-notes.txt"));

  unlink(path); unlink(old); rmdir(ixdir); rmdir(dir);
  return unit_failed ? 1 : 0;
}
