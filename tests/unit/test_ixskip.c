/* SPDX-License-Identifier: MIT */
/*
** test_ixskip.c — a lookup over many files probes only the pieces of the
** offset index that may hold the key (ext/index.c: seg_may_hold), and never
** loses a posting doing so.
**
** A gateway's rotated files, written here with the shapes of
** tests/data/esa1: every file its own ICIDs, MIDs and DCIDs (numbers that
** grow with time, as a gateway writes them) and its own client IPs, plus
** what breaks a plain min-max range: DCID 0 in every file, a restart (file
** 9 uses file 3's numbers again), a late line of an earlier file's message
** (file 10 names a MID of file 2), a client IP in every file.
**
**  - every line is found under each of its ids (the superset property of
**    tests/unit/test_index.c), in memory, with 64 KiB pieces (many pieces a
**    file) and loaded from index=DIR files;
**  - mt_index_probes: a key of one file probes exactly one piece, a key of
**    two (the restart) two, a key of no file none, an IP of every file every
**    piece; the same counts from the saved files;
**  - a damaged page of a saved bloom filter: the lookup answers with every
**    block of that file (a superset), never with less;
**  - ids in more clusters than a piece keeps intervals (40, up to 2^40
**    apart): the nearest are joined, every line is still found.
*/
#include "unit.h"
#include "index.h"
#include "events.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

#define NFILE 12
#define NCONN 60

static long icid_of(int f, int c){ return 100000 + (f==9 ? 3 : f)*1000 + c; }   /* file 9: after a restart */
static long mid_of(int f, int c){ return 500000 + (f==9 ? 3 : f)*1000 + c; }
static long dcid_of(int f, int c){ return 9000 + (f==9 ? 3 : f)*1000 + c; }

static void ip_of(int f, int c, char *out, size_t n){
  if( c==7 ) snprintf(out, n, "198.51.100.7");                  /* in every file */
  else snprintf(out, n, "192.0.%d.%d", 2 + f, 10 + c);
}

/* One rotated file: NCONN connections of one message each. */
static int write_file(const char *dir, int f){
  char path[1024], ip[32];
  FILE *o;
  int c;
  snprintf(path, sizeof(path), "%s/mail.@202611%02dT080000.s", dir, f + 1);
  o = fopen(path, "w");
  if( !o ) return -1;
  fprintf(o, "Mon Nov %2d 08:00:00 2026 Info: Begin Logfile\n", f + 1);
  fprintf(o, "Mon Nov %2d 08:00:00 2026 Info: Time offset from UTC: -18000 seconds\n", f + 1);
  for(c=0; c<NCONN; c++){
    const char *ts;
    char t[40];
    snprintf(t, sizeof(t), "Mon Nov %2d 08:%02d:%02d 2026", f + 1, c / 60, c % 60);
    ts = t;
    ip_of(f, c, ip, sizeof(ip));
    fprintf(o, "%s Info: New SMTP ICID %ld interface Data 1 (198.51.100.25) address %s reverse dns host mail%d.sender.example verified yes\n",
            ts, icid_of(f, c), ip, c);
    fprintf(o, "%s Info: ICID %ld ACCEPT SG ACCEPTLIST match sbrs[2.0:10.0] SBRS 4.2 country United States\n", ts, icid_of(f, c));
    fprintf(o, "%s Info: Start MID %ld ICID %ld\n", ts, mid_of(f, c), icid_of(f, c));
    fprintf(o, "%s Info: MID %ld ICID %ld From: <orders@sender.example>\n", ts, mid_of(f, c), icid_of(f, c));
    fprintf(o, "%s Info: MID %ld ICID %ld RID 0 To: <alice@example.com>\n", ts, mid_of(f, c), icid_of(f, c));
    fprintf(o, "%s Info: MID %ld ready 24311 bytes from <orders@sender.example>\n", ts, mid_of(f, c));
    fprintf(o, "%s Info: MID %ld queued for delivery\n", ts, mid_of(f, c));
    fprintf(o, "%s Info: New SMTP DCID %ld interface 10.20.0.25 address 10.20.5.10 port 25\n", ts, dcid_of(f, c));
    fprintf(o, "%s Info: Delivery start DCID %ld MID %ld to RID [0]\n", ts, dcid_of(f, c), mid_of(f, c));
    fprintf(o, "%s Info: Message done DCID %ld MID %ld to RID [0] [('X-Mailer', 'x')]\n", ts, dcid_of(f, c), mid_of(f, c));
    fprintf(o, "%s Info: MID %ld RID [0] Response '2.0.0 Ok: queued'\n", ts, mid_of(f, c));
    fprintf(o, "%s Info: Message finished MID %ld done\n", ts, mid_of(f, c));
    fprintf(o, "%s Info: ICID %ld close\n", ts, icid_of(f, c));
    if( c==30 ){
      /* DCID 0, as a gateway numbers its first delivery connection */
      fprintf(o, "%s Info: New SMTP DCID 0 interface 10.20.0.25 address 10.20.5.11 port 25\n", ts);
      fprintf(o, "%s Info: DCID 0 close\n", ts);
    }
    if( f==10 && c==40 ){
      /* a late line of a message of file 2 */
      fprintf(o, "%s Info: MID %ld Subject 'late'\n", ts, mid_of(2, 5));
    }
  }
  return fclose(o);
}

/* A file whose ids lie in 40 clusters far apart (more than a piece keeps
** intervals: the nearest are joined), ICIDs spread over 2^40. */
static int write_scattered(const char *dir){
  char path[1024];
  FILE *o;
  int c;
  snprintf(path, sizeof(path), "%s/mail.@20261201T080000.s", dir);
  o = fopen(path, "w");
  if( !o ) return -1;
  for(c=0; c<40; c++){
    long long icid = (long long)c * c * c * 17000000LL + 5, mid = 1000000LL * (c % 2 ? 40 - c : c) + 7, dcid = 3LL << (c % 31);
    fprintf(o, "Tue Dec  1 08:00:%02d 2026 Info: New SMTP ICID %lld interface Data 1 (198.51.100.25) address 203.0.113.%d reverse dns host a.example verified yes\n", c, icid, c);
    fprintf(o, "Tue Dec  1 08:00:%02d 2026 Info: Start MID %lld ICID %lld\n", c, mid, icid);
    fprintf(o, "Tue Dec  1 08:00:%02d 2026 Info: Delivery start DCID %lld MID %lld to RID [0]\n", c, dcid, mid);
    fprintf(o, "Tue Dec  1 08:00:%02d 2026 Info: Message done DCID %lld MID %lld to RID [0]\n", c, dcid, mid);
  }
  return fclose(o);
}

static int contains(const uint32_t *a, int n, uint32_t b){
  int i;
  for(i=0; i<n; i++) if( a[i]==b ) return 1;
  return 0;
}

/* Every line under each of its ids.  Returns the failures (-1: no walk). */
static int every_line_posted(const mt_filelist *fl, const mt_index *ix, int *nlines){
  mt_scan s;
  mt_opts o;
  int rc, bad = 0;
  memset(&o, 0, sizeof(o));
  *nlines = 0;
  mt_scan_init(&s, fl, &o);
  while( (rc = mt_scan_next(&s))==1 ){
    mt_event ev;
    uint64_t keys[5];
    int nk = 0, i;
    uint32_t b = mt_index_block_of(ix, s.ifile, s.offset);
    (*nlines)++;
    if( s.ln.form==MT_FORM_NONE ) continue;
    mt_event_parse(s.ln.body, s.ln.body_len, &ev);
    if( ev.icid>=0 ) keys[nk++] = mt_index_key(MT_IX_ICID, ev.icid);
    if( ev.mid>=0 ) keys[nk++] = mt_index_key(MT_IX_MID, ev.mid);
    if( ev.mid2>=0 ) keys[nk++] = mt_index_key(MT_IX_MID, ev.mid2);
    if( ev.dcid>=0 ) keys[nk++] = mt_index_key(MT_IX_DCID, ev.dcid);
    if( ev.kind==MT_EV_ICID_NEW && mt_has(&ev, MT_F_REMOTE_IP) ){
      keys[nk++] = mt_index_ip_key(ev.f[MT_F_REMOTE_IP].p, (size_t)ev.f[MT_F_REMOTE_IP].n);
    }
    for(i=0; i<nk; i++){
      uint32_t *a; int n;
      if( mt_index_lookup(ix, keys[i], &a, &n) || !contains(a, n, b) ) bad++;
      free(a);
    }
  }
  mt_scan_end(&s);
  return rc==0 ? bad : -1;
}

/* The pieces probed by one lookup of `key`, and the blocks found. */
static uint64_t probes_of(const mt_index *ix, uint64_t key, int *nfound){
  uint64_t p0, s0, p1, s1;
  uint32_t *a; int n;
  mt_index_probes(ix, &p0, &s0);
  if( mt_index_lookup(ix, key, &a, &n) ) n = -1;
  else free(a);
  mt_index_probes(ix, &p1, &s1);
  *nfound = n;
  return p1 - p0;
}

/* The skip, counted: keys of one file, of two, of none, of all. */
static void check_skips(const mt_index *ix, const char *label, int pieces_a_file){
  char name[160];
  int f, c, n, one = 1, found = 1, restart = 1, none = 1;
  uint64_t p, p0, s0, p1, s1, ip_asked = 0, ip_probes = 0;
  char ip[32];
  mt_index_probes(ix, &p0, &s0);
  for(f=0; f<NFILE; f++){
    if( f==3 || f==9 ) continue;
    for(c=0; c<NCONN; c+=7){
      uint64_t keys[4];
      int k;
      ip_of(f, c, ip, sizeof(ip));
      keys[0] = mt_index_key(MT_IX_ICID, icid_of(f, c));
      keys[1] = mt_index_key(MT_IX_MID, mid_of(f, c));
      keys[2] = mt_index_key(MT_IX_DCID, dcid_of(f, c));
      keys[3] = mt_index_ip_key(ip, strlen(ip));
      for(k=0; k<4; k++){
        if( k==3 && c==7 ) continue;                       /* the IP of every file */
        if( k==1 && f==2 && c==5 ) continue;               /* named again in file 10 */
        p = probes_of(ix, keys[k], &n);
        if( n < 1 ) found = 0;
        if( k==3 ){ ip_asked++; ip_probes += p; continue; }
        if( p > (uint64_t)pieces_a_file ) one = 0;     /* the ranges are exact */
      }
    }
  }
  /* the restart: file 3's numbers again in file 9 */
  p = probes_of(ix, mt_index_key(MT_IX_MID, mid_of(3, 11)), &n);
  if( p < 2 || p > 2*(uint64_t)pieces_a_file || n < 2 ) restart = 0;
  /* a MID named in two files: both */
  p = probes_of(ix, mt_index_key(MT_IX_MID, mid_of(2, 5)), &n);
  snprintf(name, sizeof(name), "ixskip.late_mid_in_two_files.%s", label);
  CHECK(name, p >= 2 && p <= 2*(uint64_t)pieces_a_file && n >= 2);
  /* numbers no file holds: between the files' ranges, above them all */
  if( probes_of(ix, mt_index_key(MT_IX_ICID, icid_of(4, 500)), &n)!=0 || n!=0 ) none = 0;
  if( probes_of(ix, mt_index_key(MT_IX_MID, 999999999), &n)!=0 || n!=0 ) none = 0;
  if( probes_of(ix, mt_index_key(MT_IX_DCID, dcid_of(6, 400)), &n)!=0 || n!=0 ) none = 0;
  snprintf(name, sizeof(name), "ixskip.one_file_one_probe.%s", label);
  CHECK(name, one);
  /* a bloom filter lets an absent IP through now and then: at most one
  ** piece in 50 of the others probed (the hashes are fixed: so is the count) */
  snprintf(name, sizeof(name), "ixskip.ip_filter_passes_most.%s", label);
  CHECK(name, ip_asked > 50 && ip_probes >= ip_asked
              && (ip_probes - ip_asked)*50 <= ip_asked*(NFILE - 1)*(uint64_t)pieces_a_file);
  snprintf(name, sizeof(name), "ixskip.one_file_found.%s", label);
  CHECK(name, found);
  snprintf(name, sizeof(name), "ixskip.restart_both_files.%s", label);
  CHECK(name, restart);
  snprintf(name, sizeof(name), "ixskip.absent_no_probe.%s", label);
  CHECK(name, none);
  /* DCID 0 is in every file: every piece that holds it, each found */
  p = probes_of(ix, mt_index_key(MT_IX_DCID, 0), &n);
  snprintf(name, sizeof(name), "ixskip.dcid0_every_file.%s", label);
  CHECK(name, p >= NFILE && n >= NFILE);
  p = probes_of(ix, mt_index_ip_key("198.51.100.7", 12), &n);
  snprintf(name, sizeof(name), "ixskip.ip_of_every_file.%s", label);
  CHECK(name, p >= NFILE && n >= NFILE);
  mt_index_probes(ix, &p1, &s1);
  snprintf(name, sizeof(name), "ixskip.passed_counted.%s", label);
  CHECK(name, s1 > s0 && p1 > p0);
}

static void rm_dir(const char *dir){
  DIR *d = opendir(dir);
  struct dirent *de;
  while( d && (de = readdir(d))!=0 ){
    char path[900];
    if( de->d_name[0]=='.' ) continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    unlink(path);
  }
  if( d ) closedir(d);
  rmdir(dir);
}

/* Flip a byte in the first bloom filter of each saved file (directory
** kind 7: A_BLOOM in ext/index.c), inside the payload. */
static int damage_blooms(const char *dir){
  DIR *d = opendir(dir);
  struct dirent *de;
  int n = 0;
  while( d && (de = readdir(d))!=0 ){
    char path[900];
    FILE *f;
    mt_ix_file_header h;
    uint32_t i;
    if( !strstr(de->d_name, ".idx") ) continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    f = fopen(path, "r+b");
    if( !f ) continue;
    if( fread(&h, sizeof(h), 1, f)==1 ){
      for(i=0; i<h.narray; i++){
        mt_ix_file_array e;
        if( fseek(f, (long)(sizeof(h) + i*sizeof(e)), SEEK_SET) || fread(&e, sizeof(e), 1, f)!=1 ) break;
        if( e.kind==7 && e.count>0 ){
          unsigned char byte;
          long at = (long)(h.payload_at + e.off + 3);
          if( fseek(f, at, SEEK_SET)==0 && fread(&byte, 1, 1, f)==1 ){
            byte ^= 0x10;
            if( fseek(f, at, SEEK_SET)==0 && fwrite(&byte, 1, 1, f)==1 ) n++;
          }
          break;
        }
      }
    }
    fclose(f);
  }
  if( d ) closedir(d);
  return n;
}

int main(void){
  char root[] = "/tmp/mt_test_ixskip_XXXXXX", logs[600], ixd[600];
  mt_filelist fl;
  mt_opts o;
  mt_stats st;
  mt_index *ix = 0;
  char *err = 0;
  int f, bad, nlines, nl2;
  if( !mkdtemp(root) ) return 1;
  snprintf(logs, sizeof(logs), "%s/esa1", root);
  snprintf(ixd, sizeof(ixd), "%s/ix", root);
  if( mkdir(logs, 0700) || mkdir(ixd, 0700) ) return 1;
  for(f=0; f<NFILE; f++) if( write_file(logs, f) ) return 1;
  memset(&fl, 0, sizeof(fl));
  if( mt_files_add(&fl, logs, &err) ){ printf("FAIL ixskip.files: %s\n", err); return 1; }
  CHECK("ixskip.files", fl.n==NFILE);
  memset(&o, 0, sizeof(o));

  /* in memory: a piece a file */
  mt_index_build(&fl, &o, 0, &st, &ix, &err, 0, 0);
  CHECK("ixskip.built", ix!=0);
  if( !ix ){ printf("  %s\n", err); return 1; }
  bad = every_line_posted(&fl, ix, &nlines);
  CHECK("ixskip.every_line_posted.memory", bad==0 && nlines > NFILE*NCONN*13);
  check_skips(ix, "memory", 1);
  mt_index_free(ix);

  /* pieces of 64 KiB: several a file, each summarised on its own */
  setenv("MAILTRACE_INDEX_PIECE", "65536", 1); setenv("MAILTRACE_THREADS", "2", 1);
  mt_index_build(&fl, &o, 0, &st, &ix, &err, 0, 0);
  unsetenv("MAILTRACE_INDEX_PIECE"); unsetenv("MAILTRACE_THREADS");
  CHECK("ixskip.built.small_pieces", ix!=0);
  if( ix ){
    bad = every_line_posted(&fl, ix, &nl2);
    CHECK("ixskip.every_line_posted.small_pieces", bad==0 && nl2==nlines);
    check_skips(ix, "small_pieces", 3);
    mt_index_free(ix);
  }

  /* index=DIR: saved by one build, mapped by the next */
  o.index_dir = ixd;
  mt_index_build(&fl, &o, 0, &st, &ix, &err, 0, 0);
  mt_index_free(ix);
  mt_index_build(&fl, &o, 0, &st, &ix, &err, 0, 0);
  CHECK("ixskip.dir.loaded", ix!=0 && st.index_read==0);
  if( ix ){
    bad = every_line_posted(&fl, ix, &nl2);
    CHECK("ixskip.every_line_posted.dir", bad==0 && nl2==nlines);
    check_skips(ix, "dir", 1);
    mt_index_free(ix);
  }

  /* a damaged bloom filter: the IP's file answers with all of its blocks */
  CHECK("ixskip.dir.blooms_damaged", damage_blooms(ixd)==NFILE);
  mt_index_build(&fl, &o, 0, &st, &ix, &err, 0, 0);
  CHECK("ixskip.dir.damaged_loaded", ix!=0 && st.index_read==0);
  if( ix ){
    int n;
    char ip[32];
    ip_of(5, 12, ip, sizeof(ip));
    (void)probes_of(ix, mt_index_ip_key(ip, strlen(ip)), &n);
    bad = every_line_posted(&fl, ix, &nl2);
    CHECK("ixskip.dir.damaged_still_superset", bad==0 && nl2==nlines && n>=1);
    mt_index_free(ix);
  }
  mt_files_free(&fl);
  {
    /* ids in more clusters than a piece keeps intervals: still every line */
    char sd[700];
    snprintf(sd, sizeof(sd), "%s/scattered", root);
    memset(&fl, 0, sizeof(fl));
    if( mkdir(sd, 0700)==0 && write_scattered(sd)==0 && write_file(sd, 0)==0 && mt_files_add(&fl, sd, &err)==0 ){
      memset(&o, 0, sizeof(o));
      mt_index_build(&fl, &o, 0, &st, &ix, &err, 0, 0);
      if( ix ){
        int n;
        bad = every_line_posted(&fl, ix, &nl2);
        CHECK("ixskip.scattered_ids_every_line_posted", bad==0 && nl2==40*4 + 2 + NCONN*13 + 2);
        (void)probes_of(ix, mt_index_key(MT_IX_ICID, 20LL*20*20*17000000LL + 6), &n);
        CHECK("ixskip.scattered_ids_absent_one", n==0);
        mt_index_free(ix);
      }else CHECK("ixskip.scattered_built", 0);
      mt_files_free(&fl);
    }else CHECK("ixskip.scattered_written", 0);
    rm_dir(sd);
  }
  rm_dir(ixd);
  rm_dir(logs);
  rmdir(root);
  return unit_failed ? 1 : 0;
}
