/* SPDX-License-Identifier: MIT */
/*
** test_index.c — the offset index (ext/index.c) and the stores built from
** it (ext/partial.c).
**
**  - the anchor scan reports the ids of real log shapes, and every id the
**    grammar gives a line of the fixtures (the superset property that
**    tests/fuzz/fuzz_index.c checks on random bytes);
**  - every line of the fixtures is found under each of its ids, and every
**    block's first line, line number and UTC offset are those of a full walk;
**  - the index is the same with 1 or 3 threads and with 32 MiB or 64 KiB
**    pieces (MAILTRACE_THREADS, MAILTRACE_INDEX_PIECE);
**  - a store built for a few ids has the same rows as the whole-log store.
*/
#include "unit.h"
#include "index.h"
#include "partial.h"
#include "entities.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <zlib.h>

/* ------------------------------------------------------------ anchors */

typedef struct hits { uint64_t k[64]; size_t at[64]; int n; } hits;

static void on_hit(void *arg, int kind, uint64_t id, size_t line_start){
  hits *h = arg;
  if( h->n < 64 ){ h->k[h->n] = ((uint64_t)kind << 62) | id; h->at[h->n] = line_start; h->n++; }
}

static int has_key(const hits *h, uint64_t key){
  int i;
  for(i=0; i<h->n; i++) if( h->k[i]==key ) return 1;
  return 0;
}

static hits extract(const char *line){
  hits h;
  memset(&h, 0, sizeof(h));
  mt_index_extract(line, strlen(line), on_hit, &h);
  return h;
}

/* The fuzz_index property on one line: every id of the grammar is reported. */
static int superset_ok(const char *line){
  hits h = extract(line);
  mt_line ln;
  mt_event ev;
  size_t n = strcspn(line, "\n");
  mt_line_parse(line, n, &ln);
  mt_event_parse(ln.body, ln.body_len, &ev);
  if( ev.icid>=0 && !has_key(&h, mt_index_key(MT_IX_ICID, ev.icid)) ) return 0;
  if( ev.mid>=0 && !has_key(&h, mt_index_key(MT_IX_MID, ev.mid)) ) return 0;
  if( ev.mid2>=0 && !has_key(&h, mt_index_key(MT_IX_MID, ev.mid2)) ) return 0;
  if( ev.dcid>=0 && !has_key(&h, mt_index_key(MT_IX_DCID, ev.dcid)) ) return 0;
  if( ev.kind==MT_EV_ICID_NEW && mt_has(&ev, MT_F_REMOTE_IP)
   && !has_key(&h, mt_index_ip_key(ev.f[MT_F_REMOTE_IP].p, (size_t)ev.f[MT_F_REMOTE_IP].n)) ) return 0;
  return 1;
}

static void test_anchors(void){
  hits h;
  /* what fuzz_index found (each broke the property before its fix) */
  CHECK("index.fuzz.delivery_start_without_dcid_keyword",
        superset_ok("Mon Nov  2 08:01:17 2026 Info: Delivery start 00.3) address 203.0.113.222 reverse dns\n"));
  CHECK("index.fuzz.new_icid_without_number",
        superset_ok("Mon Nov  9 10:00:01 2026 Info: New SMTP ICID  interface e Data 1 (19.100.25) address 192.0.2.31 reverse dns host a.example.net verified yes\n"));
  CHECK("index.fuzz.bounce_log_huge_mid",
        superset_ok("Mon Nov  1 08:01:18 2026 Info: Bounced: 88888888888888888888888888888888888888888DCID 7301Message x\n"));
  CHECK("index.fuzz.mid_originally",
        superset_ok("Mon Nov  2 09:20:41 2026 Info: MID 80006 received from the SMAWNmatMID originally 153v Inch\n"));
  CHECK("index.anchor.released_from_sma",
        superset_ok("Mon Nov  2 09:20:41 2026 Info: MID 80006 received from the SMA sma1.example.com (MID originally 7031) on release from quarantine\n"));
  CHECK("index.fuzz.rewritten_to_digit",
        superset_ok("Mon Nov  2 16:20:12 2026 Info: MID 81018 rewritten to 2ID 81019 by add-footer filter 'Footer'\n"));
  /* a line whose tag names another log: its own reading has no ids, the
  ** grammar alone (what the partial store applies) has them */
  CHECK("index.fuzz.other_log_tag_message_n",
        superset_ok("Nov 3 10:15:06 0: Info: Message 0\n"));
  CHECK("index.fuzz.other_log_tag_new_icid",
        superset_ok("Nov  3 10:15:06 esa1 ftpd_logs: Info: New SMTP ICID 5 interface Data 1 (192.0.2.1) address 198.51.100.7 reverse dns host x.example verified yes\n"));
  /* injection debug lines: the ICID before "Sent:"/"Rcvd:" (mailtrace_lines gives it) */
  CHECK("index.anchor.injection_sent_superset", superset_ok("Mon Nov  2 08:01:12 2026 Info: 52001 Sent: '220 mx.example ESMTP'\n"));
  h = extract("Mon Nov  2 08:01:12 2026 Info: 52001 Sent: '220 mx.example ESMTP'\n");
  CHECK("index.anchor.injection_sent", has_key(&h, mt_index_key(MT_IX_ICID, 52001)));
  h = extract("Mon Nov  2 08:01:12 2026 Info: 52001 Rcvd: 'EHLO mail.sender.example\\r\\n'\n");
  CHECK("index.anchor.injection_rcvd", has_key(&h, mt_index_key(MT_IX_ICID, 52001)));
  h = extract("Mon Nov  2 08:01:12 2026 Info: New SMTP ICID 52001 interface Data 1 (192.0.2.1) address 198.51.100.7 reverse dns host mx.example verified yes\n");
  CHECK("index.anchor.new_icid", has_key(&h, mt_index_key(MT_IX_ICID, 52001)));
  CHECK("index.anchor.client_ip", has_key(&h, mt_index_ip_key("198.51.100.7", 12)));
  CHECK("index.anchor.not_the_interface_ip", !has_key(&h, mt_index_ip_key("192.0.2.1", 9)));
  h = extract("Mon Nov  2 08:01:13 2026 Info: Start MID 81001 ICID 52001\n");
  CHECK("index.anchor.start_mid", has_key(&h, mt_index_key(MT_IX_MID, 81001)) && has_key(&h, mt_index_key(MT_IX_ICID, 52001)));
  h = extract("Mon Nov  2 08:01:20 2026 Info: Delivery start DCID 9001 MID 81001 to RID [0, 1]\n");
  CHECK("index.anchor.delivery_start", has_key(&h, mt_index_key(MT_IX_DCID, 9001)) && has_key(&h, mt_index_key(MT_IX_MID, 81001)));
  h = extract("Mon Nov  2 08:01:20 2026 Info: MID 81002 was split creating MID 81003 due to a per-recipient policy\n");
  CHECK("index.anchor.split_both_mids", has_key(&h, mt_index_key(MT_IX_MID, 81002)) && has_key(&h, mt_index_key(MT_IX_MID, 81003)));
  h = extract("Mon Nov  2 08:01:20 2026 Info: SMTP server connection killed ICID:52009\n");
  CHECK("index.anchor.killed_icid_colon", has_key(&h, mt_index_key(MT_IX_ICID, 52009)));
  h = extract("Mon Nov  2 08:01:20 2026 Info: Bounced: DCID 9002 Message 81005 From:<a@b.example> To:<c@d.example> RID 0 - 5.1.0 - Unknown address error ('550', ['no such user'])\n");
  CHECK("index.anchor.message_n", has_key(&h, mt_index_key(MT_IX_MID, 81005)) && has_key(&h, mt_index_key(MT_IX_DCID, 9002)));
  h = extract("Mon Nov  2 08:01:20 2026 Info: Bounced: 81006:0 From:<a@b.example> To:<c@d.example>\n");
  CHECK("index.anchor.bounce_log_form", has_key(&h, mt_index_key(MT_IX_MID, 81006)));
  h = extract("Tue Jan  6 15:03:18 2004 Info: MID 2 rewritten to 3 by antispam\n");
  CHECK("index.anchor.rewritten_old_form", has_key(&h, mt_index_key(MT_IX_MID, 2)) && has_key(&h, mt_index_key(MT_IX_MID, 3)));
  h = extract("Mon Nov  2 08:01:20 2026 Info: RID 5 and UID 7 are not ids\n");
  CHECK("index.anchor.rid_uid_ignored", h.n==0);
  h = extract("Mon Nov  2 08:01:20 2026 Info: MID 1\nMon Nov  2 08:01:20 2026 Info: MID 2\n");
  CHECK("index.anchor.line_starts", h.n==2 && h.at[0]==0 && h.at[1]==strlen("Mon Nov  2 08:01:20 2026 Info: MID 1\n"));
  h = extract("MID 99999999999999999999999\n");
  CHECK("index.anchor.huge_id_saturates", h.n==1 && h.k[0]==mt_index_key(MT_IX_MID, INT64_MAX));
}

/* ------------------------------------------------- index over fixtures */

static const char *fixtures[] = { "tests/data/esa1", "tests/data/esa2", "tests/data/restart",
  "tests/data/drops", "tests/data/demo/esa-demo", "tests/data/syslog", "tests/data/gap", 0 };

static int load(mt_filelist *fl, const char *src){
  char *err = 0;
  memset(fl, 0, sizeof(*fl));
  if( mt_files_add(fl, src, &err) ){ unit_checks++; printf("FAIL index.load %s: %s\n", src, err); free(err); unit_failed++; return -1; }
  return 0;
}

static int contains(const uint32_t *a, int n, uint32_t b){
  int i;
  for(i=0; i<n; i++) if( a[i]==b ) return 1;
  return 0;
}

/* The anchors of a buffer, as (key, line start) pairs. */
typedef struct anc { uint64_t *k; size_t *at; size_t n, cap; int oom; } anc;
static void on_anc(void *arg, int kind, uint64_t id, size_t ls){
  anc *a = arg;
  if( a->n==a->cap ){
    size_t nc = a->cap ? a->cap*2 : 1024;
    uint64_t *nk = realloc(a->k, nc*sizeof(uint64_t));
    size_t *na = nk ? realloc(a->at, nc*sizeof(size_t)) : 0;
    if( nk ) a->k = nk;
    if( !na ){ a->oom = 1; return; }
    a->at = na; a->cap = nc;
  }
  a->k[a->n] = ((uint64_t)kind << 62) | id; a->at[a->n] = ls; a->n++;
}

/* The 32-byte (AVX2) and 16-byte loops of the anchor scan find the same
** anchors in every plain file of a fixture set, started at each of its
** first 64 bytes (so the hand-over from one loop to the next falls at
** every place). */
static void test_simd_same(const mt_filelist *fl, const char *label){
  int i, same = 1, tried = 0;
  char name[160];
  if( mt_index_simd(-1)!=1 ){
    snprintf(name, sizeof(name), "index.simd_same.%s", label);
    printf("SKIP %s: the CPU has no AVX2\n", name);
    return;
  }
  for(i=0; i<fl->n; i++){
    FILE *f = fopen(fl->a[i].path, "rb");
    static char buf[1<<21];
    size_t n, cut;
    if( !f ) continue;
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    if( n<2 || (unsigned char)buf[0]==0x1f ) continue;          /* gzip: the reader's business */
    while( n>0 && buf[n-1]!='\n' ) n--;                          /* whole lines */
    for(cut=0; cut<64 && cut<n; cut++){
      anc a, b;
      memset(&a, 0, sizeof(a)); memset(&b, 0, sizeof(b));
      mt_index_simd(1); mt_index_extract(buf + cut, n - cut, on_anc, &a);
      mt_index_simd(0); mt_index_extract(buf + cut, n - cut, on_anc, &b);
      mt_index_simd(1);
      if( a.oom || b.oom || a.n!=b.n || (a.n && (memcmp(a.k, b.k, a.n*sizeof(uint64_t)) || memcmp(a.at, b.at, a.n*sizeof(size_t)))) ) same = 0;
      free(a.k); free(a.at); free(b.k); free(b.at);
      tried++;
    }
  }
  snprintf(name, sizeof(name), "index.simd_same.%s", label);
  CHECK(name, same && tried>0);
}

/* Does the posting list (blocks a, masks m) hold block b, unit bit u? */
static int contains_unit(const uint32_t *a, const uint64_t *m, int n, uint32_t b, int u){
  int i;
  for(i=0; i<n; i++) if( a[i]==b ) return (int)(m[i] >> u & 1);
  return 0;
}

/* Every line under each of its ids, in the unit it starts in; every block
** as a full walk sees it. */
static void test_fixture(const char *src, const char *label){
  mt_filelist fl;
  mt_opts o;
  mt_stats st;
  mt_scan s;
  mt_index *ix;
  char *err = 0, name[160];
  int rc, bad_post = 0, bad_unit = 0, bad_block = 0, nlines = 0;
  uint32_t next_block = 0;
  if( load(&fl, src) ) return;
  memset(&o, 0, sizeof(o));
  mt_index_build(&fl, &o, 0, &st, &ix, &err, 0, 0);
  snprintf(name, sizeof(name), "index.build.%s", label);
  CHECK(name, ix!=0);
  if( !ix ){ printf("  %s\n", err); free(err); mt_files_free(&fl); return; }
  mt_scan_init(&s, &fl, &o);
  while( (rc = mt_scan_next(&s))==1 ){
    mt_event ev;
    uint32_t b = mt_index_block_of(ix, s.ifile, s.offset);
    nlines++;
    /* the first line at or after each block start: the block's first line */
    while( next_block <= b ){
      mt_ix_block bl;
      mt_index_block(ix, next_block, &bl);
      if( next_block==b ){
        if( bl.empty || bl.file!=s.ifile || bl.off!=s.offset || bl.lineno!=s.lineno || bl.tz!=s.tz_off ) bad_block++;
      }else if( !bl.empty ) bad_block++;
      next_block++;
    }
    if( s.ln.form==MT_FORM_NONE ) continue;
    mt_event_parse(s.ln.body, s.ln.body_len, &ev);
    if( ev.kind==MT_EV_SMTP_SENT || ev.kind==MT_EV_SMTP_RCVD ) continue;
    {
      uint64_t keys[5];
      int nk = 0, i;
      if( ev.icid>=0 ) keys[nk++] = mt_index_key(MT_IX_ICID, ev.icid);
      if( ev.mid>=0 ) keys[nk++] = mt_index_key(MT_IX_MID, ev.mid);
      if( ev.mid2>=0 ) keys[nk++] = mt_index_key(MT_IX_MID, ev.mid2);
      if( ev.dcid>=0 ) keys[nk++] = mt_index_key(MT_IX_DCID, ev.dcid);
      if( ev.kind==MT_EV_ICID_NEW && mt_has(&ev, MT_F_REMOTE_IP) ){
        keys[nk++] = mt_index_ip_key(ev.f[MT_F_REMOTE_IP].p, (size_t)ev.f[MT_F_REMOTE_IP].n);
      }
      for(i=0; i<nk; i++){
        uint32_t *a; uint64_t *m; int n;
        int u = (int)((s.offset >> MT_IX_USHIFT) & (MT_IX_UNITS - 1));
        if( mt_index_lookup(ix, keys[i], &a, &n) || !contains(a, n, b) ) bad_post++;
        free(a);
        if( mt_index_lookup_units(ix, keys[i], &a, &m, &n) || !contains_unit(a, m, n, b, u) ) bad_unit++;
        free(a); free(m);
      }
    }
  }
  snprintf(name, sizeof(name), "index.every_line_posted.%s", label);
  CHECK(name, rc==0 && bad_post==0 && nlines>0);
  if( bad_post ) printf("  %d ids without their line's block\n", bad_post);
  snprintf(name, sizeof(name), "index.every_line_in_its_unit.%s", label);
  CHECK(name, rc==0 && bad_unit==0 && nlines>0);
  if( bad_unit ) printf("  %d ids without their line's unit\n", bad_unit);
  snprintf(name, sizeof(name), "index.blocks_as_walked.%s", label);
  CHECK(name, bad_block==0 && next_block==mt_index_nblock(ix));
  snprintf(name, sizeof(name), "index.stats_lines.%s", label);
  /* the pass counts lines but parses none of them (only rare shapes) */
  CHECK(name, mt_index_lines(ix)==nlines && st.lines_parsed==0 && st.files_opened==fl.n);
  mt_scan_end(&s);
  mt_index_free(ix);
  test_simd_same(&fl, label);
  mt_files_free(&fl);
}

/* ------------------------------------------ threads and piece sizes */

/* A log of many blocks: the esa1 plain files over and over (~2 MB). */
static char *big_log(void){
  static char path[] = "/tmp/mt_test_index_XXXXXX";
  return unit_repeated_log(path, 60) ? 0 : path;
}

static void test_threads(void){
  char *path = big_log();
  mt_filelist fl;
  mt_opts o;
  mt_index *a, *b;
  char *err = 0;
  uint32_t i, nb;
  int same_blocks = 1, same_posts = 1, nkeys = 0;
  if( !path ) return;
  /* many blocks, and "Time offset" headers in the middle (one per copy) */
  test_fixture(path, "big_log");
  setenv("MAILTRACE_THREADS", "2", 1); setenv("MAILTRACE_INDEX_PIECE", "65536", 1);
  test_fixture(path, "big_log_small_pieces");
  if( load(&fl, path) ) return;
  memset(&o, 0, sizeof(o));
  setenv("MAILTRACE_THREADS", "1", 1); unsetenv("MAILTRACE_INDEX_PIECE");
  mt_index_build(&fl, &o, 0, 0, &a, &err, 0, 0);
  setenv("MAILTRACE_THREADS", "3", 1); setenv("MAILTRACE_INDEX_PIECE", "65536", 1);
  mt_index_build(&fl, &o, 0, 0, &b, &err, 0, 0);
  unsetenv("MAILTRACE_THREADS"); unsetenv("MAILTRACE_INDEX_PIECE");
  CHECK("index.threads.built", a && b);
  if( a && b ){
    nb = mt_index_nblock(a);
    CHECK("index.threads.many_blocks", nb > 20 && nb==mt_index_nblock(b));
    for(i=0; i<nb && i<mt_index_nblock(b); i++){
      mt_ix_block x, y;
      mt_index_block(a, i, &x); mt_index_block(b, i, &y);
      if( x.file!=y.file || x.off!=y.off || x.end!=y.end || x.lineno!=y.lineno || x.tz!=y.tz
       || x.empty!=y.empty ) same_blocks = 0;
    }
    CHECK("index.threads.same_blocks", same_blocks);
    /* every id of the file: the same block list */
    {
      FILE *f = fopen(path, "rb");
      static char buf[1<<22];
      size_t n = f ? fread(buf, 1, sizeof(buf), f) : 0;
      const char *p = buf, *e = buf + n;
      if( f ) fclose(f);
      while( p < e ){
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        char line[4096];
        size_t len = (size_t)((nl ? nl + 1 : e) - p);
        hits h;
        int k;
        if( len >= sizeof(line) ) len = sizeof(line) - 1;
        memcpy(line, p, len); line[len] = 0;
        h = extract(line);
        for(k=0; k<h.n; k++){
          uint32_t *x, *y; uint64_t *mx, *my; int nx, ny;
          mt_index_lookup_units(a, h.k[k], &x, &mx, &nx);
          mt_index_lookup_units(b, h.k[k], &y, &my, &ny);
          if( nx!=ny || nx==0 || memcmp(x, y, sizeof(uint32_t)*(size_t)nx)!=0
           || memcmp(mx, my, sizeof(uint64_t)*(size_t)nx)!=0 ) same_posts = 0;
          nkeys++;
          free(x); free(y); free(mx); free(my);
        }
        p = nl ? nl + 1 : e;
      }
    }
    CHECK("index.threads.same_postings", same_posts && nkeys > 1000);
    CHECK("index.threads.same_ids", mt_index_ids(a) > 50 && mt_index_ids(b) >= mt_index_ids(a));
    /* the budget: the index under 10 % of the log it describes */
    {
      FILE *f = fopen(path, "rb");
      long sz = 0;
      if( f ){ fseek(f, 0, SEEK_END); sz = ftell(f); fclose(f); }
      CHECK("index.memory_under_a_tenth_of_the_log", sz > 0 && (double)mt_index_memory(a) < 0.10 * (double)sz);
      if( sz > 0 ) printf("  index %zu bytes for %ld bytes of log (%.1f %%)\n", mt_index_memory(a), sz, 100.0*(double)mt_index_memory(a)/(double)sz);
    }
  }
  mt_index_free(a); mt_index_free(b);
  mt_files_free(&fl);
  unlink(path);
}

/* --------------------------------------------------- partial stores */

static const mt_msg *find_msg(const mt_store *st, int64_t mid){
  int h, i;
  for(h=0; h<st->nhost; h++){ i = mt_store_msg(st, h, mid); if( i>=0 ) return &st->msgs[i]; }
  return 0;
}

static int str_same(const char *a, const char *b){ return (!a && !b) || (a && b && strcmp(a, b)==0); }

static void test_partial(void){
  mt_filelist fl;
  mt_opts o;
  mt_stats stats;
  mt_index *ix;
  mt_store *full, *part = 0;
  mt_partial *pt;
  char *err = 0;
  int i, same = 1, checked = 0, rc;
  if( load(&fl, "tests/data/esa1") ) return;
  memset(&o, 0, sizeof(o));
  mt_store_build(&fl, &o, 0, 0, 0, &full, &err, 0, 0);
  mt_index_build(&fl, &o, 0, 0, &ix, &err, 0, 0);
  pt = ix ? mt_partial_new(&fl, &o, ix) : 0;
  CHECK("index.partial.setup", full && ix && pt);
  if( !full || !ix || !pt ) return;
  /* ask for every message one by one; the store grows, rows stay exact */
  for(i=0; i<full->nmsg; i++){
    const mt_msg *m = &full->msgs[i], *p;
    if( m->mid < 0 ) continue;
    memset(&stats, 0, sizeof(stats));
    if( mt_partial_want(pt, MT_PW_MID, m->mid, 0) ) break;
    {
      int grew = 0;
      rc = mt_partial_resolve(pt, &stats, &grew, &err, 0, 0)==MT_OK ? grew : -1;
    }
    if( rc<0 ){ same = 0; break; }
    if( rc>0 || !part ){ mt_store_free(part); mt_partial_store(pt, 0, &part, &err); }
    if( !part ){ same = 0; break; }
    if( !mt_partial_complete(pt, MT_PW_MID, m->mid, 0) ){ same = 0; break; }
    p = find_msg(part, m->mid);
    if( !p || p->status!=m->status || p->rcpt_count!=m->rcpt_count || !str_same(p->mail_from, m->mail_from)
     || !str_same(p->subject, m->subject) || p->icid!=m->icid || p->lineno!=m->lineno || p->file!=m->file ){
      printf("  MID %lld differs\n", (long long)m->mid);
      same = 0;
    }
    checked++;
  }
  CHECK("index.partial.messages_as_whole_log", same && checked > 5);
  /* every line of those messages was selected, and no more lines than the log has */
  CHECK("index.partial.lines_selected", mt_partial_lines(pt) > checked && mt_partial_lines(pt) <= mt_index_lines(ix));
  /* an IP: its connections, as in the whole-log store */
  {
    int c, ok = 1, n = 0;
    for(c=0; c<full->nconn; c++){
      const mt_conn *k = &full->conns[c];
      int j, found = 0;
      if( !k->remote_ip ) continue;
      if( mt_partial_want(pt, MT_PW_IP, 0, k->remote_ip) ) break;
      int grew = 0;
      if( mt_partial_resolve(pt, 0, &grew, &err, 0, 0)==MT_OK && grew ){ mt_store_free(part); mt_partial_store(pt, 0, &part, &err); }
      if( !part ){ ok = 0; break; }
      for(j=0; j<part->nconn; j++){
        const mt_conn *q = &part->conns[j];
        if( q->icid==k->icid && q->host==k->host && str_same(q->remote_ip, k->remote_ip) ){
          found = 1;
          if( q->end_state!=k->end_state || q->messages!=k->messages || !str_same(q->action, k->action)
           || q->lineno!=k->lineno || q->tls!=k->tls ) ok = 0;
        }
      }
      if( !found ) ok = 0;
      n++;
    }
    CHECK("index.partial.connections_by_ip", ok && n > 3);
  }
  mt_store_free(part);
  mt_partial_free(pt);
  mt_index_free(ix);
  mt_store_free(full);
  mt_files_free(&fl);
}

/* Two senders whose messages leave on one delivery connection (DCID 7000):
** asking for the first sender's IP selects its connection's and message's
** lines and the delivery connection's own lines (New SMTP DCID, close),
** not the lines of the other sender's message it carried.  Counted by hand
** from the lines below: ICID 500's 3 lines, MID 900's 6 (Start, From, To,
** queued, Response, finished) and its 2 delivery lines, DCID 7000's 2 own
** lines: 13 of the 23.  The store made from them has the one message, its
** recipient and delivery, and the connection's times from its own lines. */
static void test_partial_dcid_own_lines(void){
  static const char *log =
    "Mon Nov  2 08:00:00 2026 Info: New SMTP ICID 500 interface Data 1 (10.0.0.25) address 192.0.2.10 reverse dns host a.example verified yes\n"
    "Mon Nov  2 08:00:00 2026 Info: ICID 500 ACCEPT SG ACCEPTLIST match sbrs[2.0:10.0] SBRS 4.2 country United States\n"
    "Mon Nov  2 08:00:01 2026 Info: New SMTP ICID 501 interface Data 1 (10.0.0.25) address 192.0.2.20 reverse dns host b.example verified yes\n"
    "Mon Nov  2 08:00:02 2026 Info: Start MID 900 ICID 500\n"
    "Mon Nov  2 08:00:02 2026 Info: MID 900 ICID 500 From: <a@a.example>\n"
    "Mon Nov  2 08:00:02 2026 Info: MID 900 ICID 500 RID 0 To: <x@example.com>\n"
    "Mon Nov  2 08:00:03 2026 Info: Start MID 901 ICID 501\n"
    "Mon Nov  2 08:00:03 2026 Info: MID 901 ICID 501 From: <b@b.example>\n"
    "Mon Nov  2 08:00:03 2026 Info: MID 901 ICID 501 RID 0 To: <y@example.com>\n"
    "Mon Nov  2 08:00:04 2026 Info: MID 900 queued for delivery\n"
    "Mon Nov  2 08:00:04 2026 Info: MID 901 queued for delivery\n"
    "Mon Nov  2 08:00:05 2026 Info: New SMTP DCID 7000 interface 10.0.0.25 address 10.0.5.10 port 25\n"
    "Mon Nov  2 08:00:05 2026 Info: Delivery start DCID 7000 MID 900 to RID [0]\n"
    "Mon Nov  2 08:00:05 2026 Info: Message done DCID 7000 MID 900 to RID [0]\n"
    "Mon Nov  2 08:00:06 2026 Info: Delivery start DCID 7000 MID 901 to RID [0]\n"
    "Mon Nov  2 08:00:06 2026 Info: Message done DCID 7000 MID 901 to RID [0]\n"
    "Mon Nov  2 08:00:07 2026 Info: MID 900 RID [0] Response '2.0.0 Ok: queued as A1'\n"
    "Mon Nov  2 08:00:07 2026 Info: Message finished MID 900 done\n"
    "Mon Nov  2 08:00:07 2026 Info: MID 901 RID [0] Response '2.0.0 Ok: queued as B1'\n"
    "Mon Nov  2 08:00:07 2026 Info: Message finished MID 901 done\n"
    "Mon Nov  2 08:00:08 2026 Info: DCID 7000 close\n"
    "Mon Nov  2 08:00:09 2026 Info: ICID 500 close\n"
    "Mon Nov  2 08:00:09 2026 Info: ICID 501 close\n";
  char path[] = "/tmp/mt_test_dcid_XXXXXX";
  int fd = mkstemp(path);
  mt_filelist fl;
  mt_opts o;
  mt_index *ix = 0;
  mt_partial *pt = 0;
  mt_store *st = 0;
  char *err = 0;
  int grew = 0;
  if( fd<0 || write(fd, log, strlen(log))!=(ssize_t)strlen(log) ){ CHECK("index.dcid.setup", 0); if( fd>=0 ) close(fd); return; }
  close(fd);
  if( load(&fl, path) ){ unlink(path); return; }
  memset(&o, 0, sizeof(o));
  mt_index_build(&fl, &o, 0, 0, &ix, &err, 0, 0);
  pt = ix ? mt_partial_new(&fl, &o, ix) : 0;
  if( pt && mt_partial_want(pt, MT_PW_IP, 0, "192.0.2.10")==0
   && mt_partial_resolve(pt, 0, &grew, &err, 0, 0)==MT_OK && grew ) mt_partial_store(pt, 0, &st, &err);
  CHECK("index.dcid.resolved", st!=0);
  if( st ){
    int k = st->ndconn==1 ? 0 : -1;
    CHECK("index.dcid.lines", mt_partial_lines(pt)==13);
    CHECK("index.dcid.one_message", st->nmsg==1 && st->msgs[0].mid==900 && st->nconn==1 && st->conns[0].icid==500);
    CHECK("index.dcid.its_delivery", st->nrcpt==1 && st->rcpts[0].status==MT_RS_DELIVERED
          && st->ndlv==1 && st->dlvs[0].mid==900 && st->dlvs[0].result==MT_DR_DELIVERED);
    CHECK("index.dcid.connection_own_lines", k==0 && st->dconns[0].dcid==7000 && mt_when_set(st->dconns[0].start)
          && mt_when_set(st->dconns[0].end) && mt_when_utc(st->dconns[0].end) - mt_when_utc(st->dconns[0].start)==3);
    printf("  DCID lines: %lld selected, %d messages, %d deliveries\n", (long long)mt_partial_lines(pt), st->nmsg, st->ndlv);
  }
  free(err);
  mt_store_free(st);
  mt_partial_free(pt);
  mt_index_free(ix);
  mt_files_free(&fl);
  unlink(path);
}

/* ------------------------------------------------ index=DIR files */

/* Every index file of dir, damaged at random (header, directory, CRC
** table or payload; a payload page is checked only when a lookup reads
** it), must load safely or be rebuilt: no crash, no read outside the
** arrays (ASan).  Damage sealed with correct CRCs (the worst case: a check
** sum cannot catch it) is tests/unit/test_ixfile.c's. */
static void test_saved_damaged(void){
  char dir[] = "/tmp/mt_test_ixdir_XXXXXX";
  mt_filelist fl;
  mt_opts o;
  mt_index *ix;
  char *err = 0;
  int round, safe = 1, loaded = 0, nfiles = 0;
  unsigned seed = 12345;
  if( !mkdtemp(dir) || load(&fl, "tests/data/esa1") ) return;
  memset(&o, 0, sizeof(o));
  o.index_dir = dir;
  mt_index_build(&fl, &o, 0, 0, &ix, &err, 0, 0);
  CHECK("index.dir.saved", ix!=0);
  mt_index_free(ix);
  for(round=0; round<300; round++){
    DIR *d = opendir(dir);
    struct dirent *de;
    while( d && (de = readdir(d))!=0 ){
      char path[600];
      FILE *f;
      unsigned char *buf;
      long n;
      if( !strstr(de->d_name, ".idx") ) continue;
      snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
      f = fopen(path, "r+b");
      if( !f ) continue;
      fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
      buf = malloc((size_t)n);
      if( buf && fread(buf, 1, (size_t)n, f)==(size_t)n && n > MT_IX_FILE_HEADER + 8 ){
        long at;
        int k;
        for(k=0; k<1 + (int)(seed % 3); k++){
          seed = (uint32_t)((uint64_t)seed*1103515245u + 12345u);
          at = (long)(seed % (unsigned)n);
          seed = (uint32_t)((uint64_t)seed*1103515245u + 12345u);
          buf[at] ^= (unsigned char)(1u << (seed % 8));
        }
        fseek(f, 0, SEEK_SET);
        if( fwrite(buf, 1, (size_t)n, f)!=(size_t)n ) safe = 0;
        nfiles++;
      }
      free(buf);
      fclose(f);
    }
    if( d ) closedir(d);
    mt_index_build(&fl, &o, 0, 0, &ix, &err, 0, 0);
    if( !ix ){ safe = 0; break; }
    {
      uint32_t b, nb = mt_index_nblock(ix), *a;
      int n, k;
      mt_ix_block bl;
      for(b=0; b<nb; b++) mt_index_block(ix, b, &bl);
      for(k=81000; k<81030; k++){
        if( mt_index_lookup(ix, mt_index_key(MT_IX_MID, k), &a, &n) ) safe = 0;
        else{ int j; for(j=0; j<n; j++) if( a[j] >= nb ) safe = 0; free(a); }
      }
    }
    mt_index_free(ix);
    loaded++;
  }
  CHECK("index.dir.damaged_files_load_safely", safe && loaded==300 && nfiles > 300);
  {
    DIR *d = opendir(dir);
    struct dirent *de;
    while( d && (de = readdir(d))!=0 ){
      char path[600];
      if( de->d_name[0]=='.' ) continue;
      snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
      unlink(path);
    }
    if( d ) closedir(d);
    rmdir(dir);
  }
  mt_files_free(&fl);
}

/* ------------------------------------------ gzip restart points (zran) */

/* A multi-member gzip of a few MiB: every restart point gives back exactly
** the bytes a read from the start gives, at several offsets after it. */
static void test_zran(void){
  char plain[] = "/tmp/mt_test_zran_XXXXXX", gzp[64];
  char *data = 0;
  size_t n = 0, cap = 0;
  int i, fd, ok = 1, tried = 0;
  mt_reader *rd;
  mt_zpoint *pts = 0;
  unsigned char *win = 0;
  size_t nwin = 0;
  int npts = 0;
  char *err = 0;
  const char *p;
  size_t cn;
  int64_t off;
  /* ~6 MiB of log lines with changing numbers (compressible, not trivial) */
  while( n < (6u<<20) ){
    char line[200];
    int k = snprintf(line, sizeof(line), "Mon Nov  2 08:%02d:%02d 2026 Info: MID %zu ICID %zu From: <u%zu@example.com>\n",
                     (int)(n/7%60), (int)(n/3%60), 80000 + n/97, 50000 + n/311, n % 1013);
    if( n + (size_t)k > cap ){ cap = cap ? cap*2 : 1<<20; data = realloc(data, cap); if( !data ) return; }
    memcpy(data + n, line, (size_t)k); n += (size_t)k;
  }
  fd = mkstemp(plain);
  if( fd<0 ){ free(data); return; }
  close(fd);
  snprintf(gzp, sizeof(gzp), "%s.gz", plain);
  /* two members: the first 40 %, then the rest */
  for(i=0; i<2; i++){
    gzFile z = gzopen(gzp, i==0 ? "wb6" : "ab6");
    size_t a = i==0 ? 0 : n*4/10, b = i==0 ? n*4/10 : n;
    if( !z ){ ok = 0; break; }
    while( a < b ){ size_t k = b - a > (1u<<20) ? (1u<<20) : b - a; gzwrite(z, data + a, (unsigned)k); a += k; }
    gzclose(z);
  }
  rd = ok ? mt_reader_open(gzp, 0, &err) : 0;
  if( rd ){
    mt_reader_collect_points(rd, 512*1024);
    while( mt_reader_next(rd, &p, &cn, &off)==1 ){}
    mt_reader_take_points(rd, &pts, &npts, &win, &nwin);
    mt_reader_close(rd);
  }
  CHECK("index.zran.points_recorded", npts > 6);
  {
    /* raw-deflate points before the member boundary: reading on from them
    ** crosses the first member's trailer into the second member */
    int members = 0, raw_before = 0;
    for(i=0; i<npts; i++){
      members += pts[i].bits==-1;
      raw_before += pts[i].bits>=0 && pts[i].out < (int64_t)(n*4/10);
    }
    CHECK("index.zran.points_of_both_kinds", members>=1 && raw_before>=2);
  }
  for(i=0; i<npts && ok; i++){
    int64_t at[3];
    int j;
    at[0] = pts[i].out;
    at[1] = pts[i].out + 1000;
    at[2] = pts[i].out + 300000;
    for(j=0; j<3 && ok; j++){
      /* the reader wants a line start */
      int64_t x = at[j];
      while( x > 0 && x < (int64_t)n && data[x-1]!='\n' ) x++;
      if( x >= (int64_t)n ) continue;
      rd = mt_reader_open_at(gzp, x, &pts[i], &err);
      if( !rd ){ ok = 0; break; }
      if( mt_reader_next(rd, &p, &cn, &off)!=1 || off!=x || (size_t)x + cn > n || memcmp(p, data + x, cn)!=0 ) ok = 0;
      else{
        /* and on to the end */
        int64_t got = (int64_t)cn;
        while( mt_reader_next(rd, &p, &cn, &off)==1 ){
          if( memcmp(p, data + off, cn)!=0 ){ ok = 0; break; }
          got += (int64_t)cn;
        }
        if( x + got != (int64_t)n ) ok = 0;
      }
      mt_reader_close(rd);
      tried++;
    }
  }
  CHECK("index.zran.restart_gives_the_same_bytes", ok && tried > 15);
  {
    /* the index's own points (its pass over the gzip file): one 512 KiB
    ** apart, taken at the next deflate block's start, so never more than
    ** 1 MiB before any offset here (2 MiB apart, they were), each window
    ** kept deflated */
    mt_filelist fl;
    mt_opts o;
    mt_index *ix = 0;
    char *e2 = 0;
    int near = 1, deflated = 1, npoint = 0, built = 0;
    int64_t x;
    memset(&o, 0, sizeof(o));
    if( load(&fl, gzp)==0 ){
      mt_index_build(&fl, &o, 0, 0, &ix, &e2, 0, 0);
      built = ix!=0;
      for(x = 600*1024; ix && x < (int64_t)n; x += 333*1024){
        mt_zpoint zp;
        if( !mt_index_zpoint(ix, 0, x, &zp) ){ near = 0; break; }
        npoint++;
        if( zp.out > x || x - zp.out > 1024*1024 ) near = 0;
        if( zp.bits >= 0 && zp.wlen > 0 && (!zp.zwin || zp.zlen==0 || zp.zlen >= (uint32_t)zp.wlen/2) ) deflated = 0;
      }
      mt_index_free(ix);
      mt_files_free(&fl);
    }
    free(e2);
    CHECK("index.zran.points_every_512k_of_the_index", built && near && npoint > 10);
    CHECK("index.zran.windows_deflated", built && deflated);
  }
  free(pts);
  free(win);
  free(data);
  unlink(plain); unlink(gzp);
}

int main(void){
  int i;
  test_anchors();
  for(i=0; fixtures[i]; i++) test_fixture(fixtures[i], fixtures[i]);
  test_threads();
  test_partial();
  test_partial_dcid_own_lines();
  test_saved_damaged();
  test_zran();
  return unit_failed ? 1 : 0;
}
