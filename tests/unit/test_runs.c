/* SPDX-License-Identifier: MIT */
/*
** test_runs.c — the one seam of block reads through the offset index:
** index.c answers "the blocks of these keys" (mt_index_blocks,
** mt_index_runs: ascending, each block once) and the walk reads them
** (scan.c: mt_scan_set_runs, mt_scan_goto), and the walk reads the lines at
** given offsets (mt_scan_fetch, behind mailtrace_diagnose's evidence).
**
** A log of about 700 KiB (11 blocks) is written in the shapes of the
** fixtures (tests/data/esa1: New SMTP ICID, ACCEPT, Start MID, From, To,
** Subject, message done), once plain and once gzip.  Each check is against
** a full walk of the same file:
**  - the blocks of a key set are the sorted union of each key's blocks,
**    without repeats, and a key's lines all lie in them;
**  - reading the runs returns exactly the lines of the full walk that start
**    in those blocks, with the same line numbers (plain: seeks; gzip:
**    inflating on, where the lines before a run must be passed over);
**  - with the index's line filter, exactly the lines that name the keys;
**  - mt_scan_fetch hands out the text of the full walk's line at each
**    offset (repeated offsets too), for both files; lines far apart in the
**    plain file are sought, not read through (/proc/self/io's rchar: the
**    bytes this process read).
*/
#include "unit.h"
#include "index.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define NCONN 2400

static char dir[] = "/tmp/mt_runs_XXXXXX";

/* One connection: 8 lines (about 290 bytes each), ICID 70000+i, MID 90000+i. */
static void write_log(const char *plain, const char *gz){
  FILE *f = fopen(plain, "w");
  gzFile z = gzopen(gz, "wb");
  int i;
  if( !f || !z ){ printf("FAIL runs.write: cannot write %s\n", plain); exit(1); }
  for(i=0; i<NCONN; i++){
    char buf[4096];
    int s = i / 40, m = (s / 60) % 60, h = s / 3600, n = 0;
    int icid = 70000 + i, mid = 90000 + i;
    char ts[40];
    snprintf(ts, sizeof(ts), "Mon Nov  2 %02d:%02d:%02d 2026", 8 + h, m, s % 60);
    n += snprintf(buf + n, sizeof(buf) - (size_t)n,
      "%s Info: New SMTP ICID %d interface Data 1 (198.51.100.25) address 192.0.2.%d reverse dns host mail%d.sender.example verified yes\n"
      "%s Info: ICID %d ACCEPT SG ACCEPTLIST match sbrs[2.0:10.0] SBRS 4.2 country United States\n"
      "%s Info: Start MID %d ICID %d\n"
      "%s Info: MID %d ICID %d From: <orders%d@sender.example>\n"
      "%s Info: MID %d ICID %d RID 0 To: <alice%d@example.com>\n"
      "%s Info: MID %d Subject 'Order %d confirmation, with a longer subject to fill the line'\n"
      "%s Info: Message finished MID %d done\n"
      "%s Info: ICID %d close\n",
      ts, icid, i % 250 + 1, i, ts, icid, ts, mid, icid, ts, mid, icid, i, ts, mid, icid, i,
      ts, mid, i, ts, mid, ts, icid);
    fwrite(buf, 1, (size_t)n, f);
    gzwrite(z, buf, (unsigned)n);
  }
  fclose(f);
  gzclose(z);
}

typedef struct wline { int64_t off, lineno; char *text; } wline;
typedef struct walk { wline *a; int n, cap; } walk;

static void walk_add(walk *w, const mt_scan *s){
  if( w->n==w->cap ){ w->cap = w->cap ? w->cap*2 : 1024; w->a = realloc(w->a, sizeof(wline)*(size_t)w->cap); }
  w->a[w->n].off = s->offset;
  w->a[w->n].lineno = s->lineno;
  w->a[w->n].text = strndup(s->line, s->len);
  w->n++;
}

static void walk_free(walk *w){
  int i;
  for(i=0; i<w->n; i++) free(w->a[i].text);
  free(w->a);
  memset(w, 0, sizeof(*w));
}

static int in_runs(const mt_run *r, int n, int64_t off){
  int i;
  for(i=0; i<n; i++) if( off >= r[i].off && off < r[i].end ) return 1;
  return 0;
}

/* Does the text hold the word `w` (followed by a space or the line's end)? */
static int has_word(const char *t, const char *w){
  size_t k = strlen(w);
  const char *p = t;
  while( (p = strstr(p, w))!=0 ){ if( p[k]==' ' || p[k]==0 ) return 1; p += k; }
  return 0;
}

/* Does the line name one of the ids ("ICID n", "MID n")? */
static int names(const char *t, const int *icid, int ni, const int *mid, int nm){
  char w[40];
  int i;
  for(i=0; i<ni; i++){ snprintf(w, sizeof(w), "ICID %d", icid[i]); if( has_word(t, w) ) return 1; }
  for(i=0; i<nm; i++){ snprintf(w, sizeof(w), "MID %d", mid[i]); if( has_word(t, w) ) return 1; }
  return 0;
}

typedef struct fetched { const walk *w; const int *want; int bad, seen; } fetched;

/* The bytes this process has read (read(), pread() ...): /proc/self/io's
** rchar, -1 when not there. */
static int64_t rchar(void){
  FILE *f = fopen("/proc/self/io", "r");
  char line[128];
  long long v = -1;
  if( !f ) return -1;
  while( fgets(line, sizeof(line), f) ) if( sscanf(line, "rchar: %lld", &v)==1 ) break;
  fclose(f);
  return v;
}

static int on_fetch(void *arg, int i, const char *line, size_t len){
  fetched *x = arg;
  const wline *l = &x->w->a[x->want[i]];
  x->seen++;
  if( strlen(l->text)!=len || memcmp(l->text, line, len)!=0 ) x->bad++;
  return 0;
}

static void test_file(const char *path, const char *label){
  mt_filelist fl;
  mt_opts o;
  mt_scan s;
  mt_index *ix;
  walk full = {0};
  char *err = 0, name[160];
  int rc, i;
  static const int icid[] = { 70003, 70900, 71777, 72399, 70003 };     /* (one twice) */
  static const int mid[] = { 91200, 90004 };
  uint64_t keys[7];
  int nk = 0;
  memset(&fl, 0, sizeof(fl));
  memset(&o, 0, sizeof(o));
  if( mt_files_add(&fl, path, &err) ){ printf("FAIL runs.load.%s: %s\n", label, err); unit_failed++; unit_checks++; free(err); return; }
  mt_index_build(&fl, &o, 0, 0, &ix, &err, 0, 0);
  snprintf(name, sizeof(name), "runs.index_built.%s", label);
  CHECK(name, ix!=0 && mt_index_nblock(ix) >= 10);
  if( !ix ){ printf("  %s\n", err); free(err); mt_files_free(&fl); return; }
  mt_scan_init(&s, &fl, &o);
  while( (rc = mt_scan_next(&s))==1 ) walk_add(&full, &s);
  mt_scan_end(&s);
  CHECK("runs.full_walk", rc==0 && full.n==NCONN*8);

  for(i=0; i<5; i++) keys[nk++] = mt_index_key(MT_IX_ICID, icid[i]);
  for(i=0; i<2; i++) keys[nk++] = mt_index_key(MT_IX_MID, mid[i]);

  /* the block list: the sorted union of each key's blocks, once each */
  {
    uint32_t *u; int nu, ok = 1, j;
    unsigned char seen[4096];
    memset(seen, 0, sizeof(seen));
    ok = mt_index_blocks(ix, keys, nk, &u, &nu)==0 && nu > 2 && (uint32_t)nu <= mt_index_nblock(ix);
    for(j=1; ok && j<nu; j++) if( u[j] <= u[j-1] ) ok = 0;
    for(i=0; ok && i<nk; i++){
      uint32_t *a; int na;
      if( mt_index_lookup(ix, keys[i], &a, &na) || na==0 ){ ok = 0; break; }
      for(j=0; j<na; j++){
        int k, found = 0;
        for(k=0; k<nu; k++) if( u[k]==a[j] ) found = 1;
        if( !found ) ok = 0;
        if( a[j] < sizeof(seen) ) seen[a[j]] = 1;
      }
      free(a);
    }
    for(j=0; ok && j<nu; j++) if( u[j] >= sizeof(seen) || !seen[u[j]] ) ok = 0;    /* nothing more */
    snprintf(name, sizeof(name), "runs.blocks_sorted_union.%s", label);
    CHECK(name, ok);
    free(u);
  }

  /* the runs, read by the walk: every line that starts in them, no other */
  {
    mt_run *r; int nr, j = 0, bad = 0, got = 0, want = 0;
    mt_stats st0;
    rc = mt_index_runs(ix, keys, nk, &r, &nr);
    mt_scan_init(&s, &fl, &o);
    mt_scan_set_runs(&s, r, nr);
    while( (rc = mt_scan_next(&s))==1 ){
      got++;
      while( j<full.n && full.a[j].off < s.offset ) j++;
      if( j>=full.n || full.a[j].off!=s.offset || full.a[j].lineno!=s.lineno
          || strlen(full.a[j].text)!=s.len || memcmp(full.a[j].text, s.line, s.len)!=0 ) bad++;
    }
    st0 = s.stats;
    mt_scan_end(&s);
    for(j=0; j<full.n; j++) if( in_runs(r, nr, full.a[j].off) ) want++;
    snprintf(name, sizeof(name), "runs.walk_reads_exactly_the_runs.%s", label);
    CHECK(name, rc==0 && bad==0 && got==want && got > 0 && got < full.n && st0.index_blocks==nr);
    if( bad || got!=want ) printf("  got %d lines (%d differ), want %d\n", got, bad, want);

    /* with the index's line filter: exactly the lines that name the keys */
    {
      mt_ix_filter *flt = mt_ix_filter_new(keys, nk);
      int named = 0;
      got = 0; bad = 0; j = 0;
      mt_scan_init(&s, &fl, &o);
      mt_scan_set_runs(&s, r, nr);
      s.keep_lines = mt_ix_filter_lines;
      s.keep_arg = flt;
      while( (rc = mt_scan_next(&s))==1 ){
        got++;
        while( j<full.n && full.a[j].off < s.offset ) j++;
        if( j>=full.n || full.a[j].off!=s.offset || full.a[j].lineno!=s.lineno
            || !names(full.a[j].text, icid, 5, mid, 2) ) bad++;
      }
      mt_scan_end(&s);
      for(j=0; j<full.n; j++) if( names(full.a[j].text, icid, 5, mid, 2) ) named++;
      snprintf(name, sizeof(name), "runs.filtered_walk_reads_the_keys_lines.%s", label);
      CHECK(name, rc==0 && bad==0 && got==named && named == 4*6 + 2*5);
      if( bad || got!=named ) printf("  got %d lines (%d wrong), want %d\n", got, bad, named);
      mt_ix_filter_free(flt);
    }

    /* no key: no run, and the walk ends at once */
    {
      mt_run *r0; int n0;
      uint64_t none = mt_index_key(MT_IX_ICID, 12345678);
      CHECK("runs.unknown_key_no_runs", mt_index_runs(ix, &none, 1, &r0, &n0)==0 && n0==0 && r0==0);
      mt_scan_init(&s, &fl, &o);
      mt_scan_set_runs(&s, r0, n0);
      rc = mt_scan_next(&s);
      snprintf(name, sizeof(name), "runs.no_runs_reads_nothing.%s", label);
      CHECK(name, rc==0 && s.stats.files_opened==0 && s.stats.bytes_read==0);
      mt_scan_end(&s);
    }
    free(r);
  }

  /* mt_scan_fetch: the lines at sorted offsets, one repeated */
  {
    int pick[] = { 0, 5, 5, 777, 4000, 9001, 15000, NCONN*8 - 1 };
    int np = (int)(sizeof(pick)/sizeof(pick[0]));
    int64_t offs[8];
    fetched x;
    char *e = 0;
    for(i=0; i<np; i++) offs[i] = full.a[pick[i]].off;
    x.w = &full; x.want = pick; x.bad = 0; x.seen = 0;
    rc = mt_scan_fetch(path, 0, offs, np, on_fetch, &x, 0, 0, &e);
    snprintf(name, sizeof(name), "runs.fetch_lines_at_offsets.%s", label);
    CHECK(name, rc==0 && x.seen==np && x.bad==0);
    free(e);
  }

  /* lines about 36 KB apart (every 400th): a plain file is read where they
  ** are, not all through (a busy sender's evidence, table_diagnose.c) */
  {
    int np = full.n / 400, *pick = malloc(sizeof(int)*(size_t)(np ? np : 1));
    int64_t *offs = malloc(sizeof(int64_t)*(size_t)(np ? np : 1));
    int64_t size = full.n ? full.a[full.n - 1].off : 0, r0 = rchar(), r1;
    fetched x;
    char *e = 0;
    for(i=0; i<np; i++){ pick[i] = i*400 + 7; offs[i] = full.a[pick[i]].off; }
    x.w = &full; x.want = pick; x.bad = 0; x.seen = 0;
    rc = mt_scan_fetch(path, 0, offs, np, on_fetch, &x, 0, 0, &e);
    r1 = rchar();
    snprintf(name, sizeof(name), "runs.fetch_sparse_lines.%s", label);
    CHECK(name, rc==0 && np > 40 && x.seen==np && x.bad==0);
    if( strstr(label, "plain") && r0 >= 0 && r1 >= 0 ){
      snprintf(name, sizeof(name), "runs.fetch_sparse_reads_a_third_at_most.%s (%lld of %lld bytes)", label,
               (long long)(r1 - r0), (long long)size);
      CHECK(name, r1 - r0 < size/3);
    }
    free(e); free(pick); free(offs);
  }

  walk_free(&full);
  mt_index_free(ix);
  mt_files_free(&fl);
}

int main(void){
  char plain[256], gz[256];
  if( !mkdtemp(dir) ){ printf("FAIL runs.tmpdir\n"); return 1; }
  snprintf(plain, sizeof(plain), "%s/mail.@20261102T080000.s", dir);
  snprintf(gz, sizeof(gz), "%s/mail.@20261102T090000.s.gz", dir);
  write_log(plain, gz);
  test_file(plain, "plain");
  test_file(gz, "gzip");
  {
    char e[] = "x";
    int rc;
    char *err = 0;
    int64_t off = 0;
    rc = mt_scan_fetch("/nonexistent/mt_runs.log", 0, &off, 1, 0, e, 0, 0, &err);
    CHECK("runs.fetch_missing_file_is_an_error_naming_it", rc==-1 && err && strstr(err, "/nonexistent/mt_runs.log"));
    free(err);
  }
  unlink(plain); unlink(gz); rmdir(dir);
  return unit_failed ? 1 : 0;
}
