/* SPDX-License-Identifier: MIT */
/*
** test_storefile.c — the saved image of a whole-log store (storefile.h).
**
** For each fixture folder (esa1, esa2, restart, verdicts, drops, and
** logtypes/esa8 with its AMP and anti-virus logs, so that the store's
** attachment join is saved and compared too): build
** the store, save it, load it back (read into memory, and mapped where it
** was written for) and compare the two stores field by field: every row's bytes outside its string pointers, every string by
** value, every map, per-file and per-host array, the hours and gaps, the
** attachment join.  Then the image damaged: every single-byte change at 300
** random places, and 100 random lengths cut off, must load as "damaged" or
** "stale" (never a store); an image of other options, of a file that
** changed, or with no file at all, is not loaded.  And the listing never
** takes an image for a log (mt_files_is_index_name).
*/
#include "attach.h"
#include "entities.h"
#include "files.h"
#include "scan.h"
#include "index.h"
#include "storefile.h"
#include "unit.h"

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int streq(const char *a, const char *b){ return (!a && !b) || (a && b && strcmp(a, b)==0); }

/* n rows of size sz, equal but for the pointers at offs (compared as strings). */
static int rows_same(const void *x, const void *y, size_t sz, int n, const size_t *offs, int np){
  int i, j;
  unsigned char *a = malloc(sz), *b = malloc(sz);
  int ok = a && b;
  for(i=0; ok && i<n; i++){
    memcpy(a, (const unsigned char*)x + (size_t)i*sz, sz);
    memcpy(b, (const unsigned char*)y + (size_t)i*sz, sz);
    for(j=0; j<np; j++){
      const char *p, *q;
      memcpy(&p, a + offs[j], sizeof(p));
      memcpy(&q, b + offs[j], sizeof(q));
      if( !streq(p, q) ){ ok = 0; break; }
      memset(a + offs[j], 0, sizeof(p));
      memset(b + offs[j], 0, sizeof(q));
    }
    if( ok && memcmp(a, b, sz)!=0 ) ok = 0;
  }
  free(a); free(b);
  return ok;
}

static void run_offs(size_t *o, size_t at, int n){ int j; for(j=0; j<n; j++) o[j] = at + (size_t)j*sizeof(char*); }

/* Two hash maps alike, slot by slot (an empty slot's key and tag are
** whatever malloc gave: not compared). */
static int hmaps_same(const mt_hmap *a, const mt_hmap *b){
  size_t i;
  if( a->cap!=b->cap || a->n!=b->n ) return 0;
  for(i=0; i<a->cap; i++){
    if( a->slot[i].val!=b->slot[i].val ) return 0;
    if( a->slot[i].val!=MT_HMAP_NONE && (a->slot[i].key!=b->slot[i].key || a->slot[i].tag!=b->slot[i].tag) ) return 0;
  }
  return 1;
}
static int maps_same(const mt_map *a, const mt_map *b){ return hmaps_same(&a->h, &b->h); }

#define ARR_SAME(a, b, n) ((n)==0 || memcmp((a), (b), sizeof(*(a))*(size_t)(n))==0)

static int attach_same(const mt_attach *a, const mt_attach *b){
  size_t fo[] = { offsetof(mt_afile, host), offsetof(mt_afile, name), offsetof(mt_afile, sha256),
                  offsetof(mt_afile, mime), offsetof(mt_afile, disposition), offsetof(mt_afile, malware),
                  offsetof(mt_afile, score), offsetof(mt_afile, source), offsetof(mt_afile, upload_action),
                  offsetof(mt_afile, upload) };
  size_t so[] = { offsetof(mt_asha, sha256), offsetof(mt_asha, analysis), offsetof(mt_asha, analysis_score),
                  offsetof(mt_asha, analysis_malware), offsetof(mt_asha, retro), offsetof(mt_asha, retro_malware) };
  size_t vo[] = { offsetof(mt_avhit, host), offsetof(mt_avhit, engine), offsetof(mt_avhit, virus),
                  offsetof(mt_avhit, part), offsetof(mt_avhit, detail) };
  if( !a || !b ) return !a && !b;
  return a->n==b->n && a->ns==b->ns && a->nv==b->nv && a->sorted==b->sorted
      && rows_same(a->a, b->a, sizeof(mt_afile), a->n, fo, 10)
      && rows_same(a->s, b->s, sizeof(mt_asha), a->ns, so, 6)
      && rows_same(a->v, b->v, sizeof(mt_avhit), a->nv, vo, 5)
      && hmaps_same(&a->byid, &b->byid) && hmaps_same(&a->byav, &b->byav);
}

/* Are two stores the same, field by field?  0, or the line of the first difference. */
static int stores_differ(const mt_store *a, const mt_store *b){
  size_t o[32];
  int i;
  if( a->nconn!=b->nconn || a->nmsg!=b->nmsg || a->nmore!=b->nmore || a->nrcpt!=b->nrcpt
   || a->ndconn!=b->ndconn || a->ndlv!=b->ndlv ) return __LINE__;
  run_offs(o, offsetof(mt_conn, interface), 11);
  if( !rows_same(a->conns, b->conns, sizeof(mt_conn), a->nconn, o, 11) ) return __LINE__;
  run_offs(o, offsetof(mt_msg, mail_from), 24);
  if( !rows_same(a->msgs, b->msgs, sizeof(mt_msg), a->nmsg, o, 24) ) return __LINE__;
  run_offs(o, offsetof(mt_msg_more, dlp), 12);
  if( !rows_same(a->more, b->more, sizeof(mt_msg_more), a->nmore, o, 12) ) return __LINE__;
  run_offs(o, offsetof(mt_rcpt, rcpt_to), 4);
  if( !rows_same(a->rcpts, b->rcpts, sizeof(mt_rcpt), a->nrcpt, o, 4) ) return __LINE__;
  run_offs(o, offsetof(mt_dconn, interface_ip), 5);
  if( !rows_same(a->dconns, b->dconns, sizeof(mt_dconn), a->ndconn, o, 5) ) return __LINE__;
  run_offs(o, offsetof(mt_dlv, domain), 7);
  if( !rows_same(a->dlvs, b->dlvs, sizeof(mt_dlv), a->ndlv, o, 7) ) return __LINE__;
  if( !maps_same(&a->conn_by_id, &b->conn_by_id) || !maps_same(&a->msg_by_id, &b->msg_by_id)
   || !maps_same(&a->dconn_by_id, &b->dconn_by_id) || !maps_same(&a->icid_list, &b->icid_list)
   || !maps_same(&a->hour_map, &b->hour_map) ) return __LINE__;
  if( a->nicid!=b->nicid || !ARR_SAME(a->icid_heads, b->icid_heads, a->nicid) ) return __LINE__;
  if( a->nhour!=b->nhour || !ARR_SAME(a->hours, b->hours, a->nhour) ) return __LINE__;
  if( a->ngap!=b->ngap || !ARR_SAME(a->gaps, b->gaps, a->ngap) ) return __LINE__;
  if( a->ndom!=b->ndom || a->ndom_text!=b->ndom_text || !ARR_SAME(a->dom_at, b->dom_at, a->ndom)
   || !ARR_SAME(a->dom_text, b->dom_text, a->ndom_text) ) return __LINE__;
  if( !ARR_SAME(a->msg_status, b->msg_status, a->nmsg) || !ARR_SAME(a->rcpt_status, b->rcpt_status, a->nrcpt)
   || !ARR_SAME(a->rcpt_dom, b->rcpt_dom, a->nrcpt) || !ARR_SAME(a->dlv_result, b->dlv_result, a->ndlv) ) return __LINE__;
  if( a->nhost!=b->nhost || !ARR_SAME(a->host_len, b->host_len, a->nhost)
   || !ARR_SAME(a->host_first, b->host_first, a->nhost) || !ARR_SAME(a->host_last, b->host_last, a->nhost) ) return __LINE__;
  for(i=0; i<a->nhost; i++) if( memcmp(a->hosts[i], b->hosts[i], (size_t)a->host_len[i] + 1)!=0 ) return __LINE__;
  if( a->nfile!=b->nfile ) return __LINE__;
  for(i=0; i<a->nfile; i++) if( strcmp(a->files[i], b->files[i])!=0 ) return __LINE__;
  if( !ARR_SAME(a->file_first, b->file_first, a->nfile) || !ARR_SAME(a->file_last, b->file_last, a->nfile)
   || !ARR_SAME(a->file_end_off, b->file_end_off, a->nfile) || !ARR_SAME(a->file_end_line, b->file_end_line, a->nfile)
   || !ARR_SAME(a->file_end_nl, b->file_end_nl, a->nfile) || !ARR_SAME(a->file_tz, b->file_tz, a->nfile)
   || !ARR_SAME(a->file_year_src, b->file_year_src, a->nfile) || !ARR_SAME(a->file_tz_src, b->file_tz_src, a->nfile)
   || !ARR_SAME(a->file_lines, b->file_lines, a->nfile) || !ARR_SAME(a->file_known, b->file_known, a->nfile) ) return __LINE__;
  if( a->other_log_lines!=b->other_log_lines || a->other_log_types!=b->other_log_types ) return __LINE__;
  if( !attach_same(a->attach, b->attach) ) return __LINE__;
  return 0;
}

static const char *OPT = "host=|tz=0:0|year=0|skip=0";

/* The one image file in dir (malloc'd path), or NULL. */
static char *image_in(const char *dir){
  DIR *d = opendir(dir);
  struct dirent *de;
  char *p = 0;
  if( !d ) return 0;
  while( (de = readdir(d))!=0 ){
    size_t n = strlen(de->d_name);
    if( n > 6 && strcmp(de->d_name + n - 6, ".store")==0 ){
      p = malloc(strlen(dir) + n + 2);
      if( p ) sprintf(p, "%s/%s", dir, de->d_name);
      break;
    }
  }
  closedir(d);
  return p;
}

static unsigned char *slurp(const char *path, size_t *n){
  FILE *f = fopen(path, "rb");
  unsigned char *b;
  long L;
  if( !f ) return 0;
  fseek(f, 0, SEEK_END); L = ftell(f); fseek(f, 0, SEEK_SET);
  b = malloc((size_t)L + 1);
  if( b && fread(b, 1, (size_t)L, f)!=(size_t)L ){ free(b); b = 0; }
  fclose(f);
  *n = (size_t)L;
  return b;
}

static void spit(const char *path, const unsigned char *b, size_t n){
  FILE *f = fopen(path, "wb");
  if( !f ) return;
  if( n ) fwrite(b, 1, n, f);
  fclose(f);
}

static void one_folder(const char *name, const char *folder, int damage){
  mt_filelist fl;
  mt_opts o;
  mt_store *st = 0, *ld = 0;
  mt_sf_file *was = 0;
  char *err = 0, dir[] = "/tmp/mt-sf-unit-XXXXXX", nm[200], *img;
  int rc;
  memset(&fl, 0, sizeof(fl));
  memset(&o, 0, sizeof(o));
  if( !mkdtemp(dir) ){ CHECK("storefile.tmpdir", 0); return; }
  if( mt_files_add(&fl, folder, &err) ){ snprintf(nm, sizeof(nm), "storefile.%s.files", name); CHECK(nm, 0); free(err); return; }
  rc = mt_store_build(&fl, &o, 0, 0, 0, &st, &err, 0, 0);
  snprintf(nm, sizeof(nm), "storefile.%s.built", name);
  CHECK(nm, rc==MT_OK && st);
  if( rc!=MT_OK ){ free(err); mt_files_free(&fl); return; }
  if( strcmp(name, "esa8")==0 ){
    CHECK("storefile.esa8.has_attachment_join", st->attach && st->attach->n > 0 && st->attach->nv > 0);
  }
  snprintf(nm, sizeof(nm), "storefile.%s.saved", name);
  CHECK(nm, mt_storefile_save(st, dir, &fl, OPT, 0, 0)==0);
  rc = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, 0);
  snprintf(nm, sizeof(nm), "storefile.%s.loaded", name);
  CHECK(nm, rc==MT_SF_LOADED && ld);
  if( ld ){
    int at = stores_differ(st, ld);
    snprintf(nm, sizeof(nm), "storefile.%s.same_store (differs at test line %d)", name, at);
    CHECK(nm, at==0);
    /* the loaded store reads on like a built one: strings can be added */
    snprintf(nm, sizeof(nm), "storefile.%s.arena_usable", name);
    CHECK(nm, streq(mt_store_str(ld, "abc", 3), "abc"));
    mt_store_free(ld); ld = 0;
  }
  {
    /* mapped where it was written for: the arrays in place, the same store;
    ** owned (as before a read on), still the same, and freed with its mapping */
    mt_sf_map *map = 0;
    rc = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, &map);
    snprintf(nm, sizeof(nm), "storefile.%s.mapped", name);
    CHECK(nm, rc==MT_SF_LOADED && ld && map);
    if( ld ){
      /* checked part by part: nothing of the rows yet; one part, then all */
      unsigned all = MT_SF_PART_ALL;
      snprintf(nm, sizeof(nm), "storefile.%s.mapped_parts_pending", name);
      CHECK(nm, ld->sf_pending==all);
      snprintf(nm, sizeof(nm), "storefile.%s.one_part_checked", name);
      CHECK(nm, mt_storefile_need(ld, map, MT_SF_PART_MSGS)==MT_SF_LOADED
                && ld->sf_pending==(all & ~MT_SF_PART_MSGS) && !ld->attach);
      snprintf(nm, sizeof(nm), "storefile.%s.all_parts_checked", name);
      CHECK(nm, mt_storefile_need(ld, map, MT_SF_PART_ALL)==MT_SF_LOADED && ld->sf_pending==0);
    }
    if( ld ){
      int at = stores_differ(st, ld);
      snprintf(nm, sizeof(nm), "storefile.%s.mapped_same_store (differs at test line %d)", name, at);
      CHECK(nm, at==0);
      {
        /* a second store of the same image (another connection) shares the mapping */
        mt_store *ld2 = 0;
        mt_sf_map *map2 = 0;
        rc = mt_storefile_load(dir, &fl, OPT, 0, &ld2, &was, &map2);
        if( rc==MT_SF_LOADED ) rc = mt_storefile_need(ld2, map2, MT_SF_PART_ALL);
        snprintf(nm, sizeof(nm), "storefile.%s.second_load_shares_mapping", name);
        CHECK(nm, rc==MT_SF_LOADED && ld2 && map2==map && stores_differ(st, ld2)==0);
        snprintf(nm, sizeof(nm), "storefile.%s.owned_same_store", name);
        CHECK(nm, mt_storefile_own(ld, map)==0 && stores_differ(st, ld)==0);
        mt_storefile_free(ld, map); ld = 0;          /* the first freed first: the second still reads */
        snprintf(nm, sizeof(nm), "storefile.%s.second_outlives_first", name);
        CHECK(nm, ld2 && stores_differ(st, ld2)==0);
        mt_storefile_free(ld2, map2);
      }
    }
  }
  snprintf(nm, sizeof(nm), "storefile.%s.other_options_not_loaded", name);
  CHECK(nm, mt_storefile_load(dir, &fl, "host=x|tz=0:0|year=0|skip=0", 0, &ld, &was, 0)==MT_SF_NONE && !ld);
  snprintf(nm, sizeof(nm), "storefile.%s.too_big_not_loaded", name);
  CHECK(nm, mt_storefile_load(dir, &fl, OPT, 1, &ld, &was, 0)==MT_SF_TOO_BIG && !ld);
  if( fl.n > 0 ){
    /* a file that seems to have changed (another mtime): stale */
    fl.a[0].mtime += 7;
    rc = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, 0);
    snprintf(nm, sizeof(nm), "storefile.%s.changed_file_not_loaded", name);
    CHECK(nm, rc==MT_SF_STALE && !ld);
    fl.a[0].mtime -= 7;
  }
  img = image_in(dir);
  if( damage && img ){
    size_t n, i;
    unsigned char *orig = slurp(img, &n);
    int bad = 0, trunc_bad = 0;
    srand(7);
    for(i=0; orig && i<300; i++){
      size_t at = (size_t)rand() % n;
      orig[at] ^= (unsigned char)(1 + rand() % 255);
      spit(img, orig, n);
      {
        mt_sf_map *map = 0;
        rc = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, (i & 1) ? &map : 0);   /* read, and mapped */
        if( ld || map || (rc!=MT_SF_DAMAGED && rc!=MT_SF_STALE) ){ bad++; mt_storefile_free(ld, map); ld = 0; }
      }
      orig[at] = 0;                              /* restored below from a fresh read */
      free(orig); orig = 0;
      spit(img, 0, 0);
      if( mt_storefile_save(st, dir, &fl, OPT, 0, 0) ) bad++;
      orig = slurp(img, &n);
    }
    snprintf(nm, sizeof(nm), "storefile.%s.byte_damage_never_loaded", name);
    CHECK(nm, bad==0);
    for(i=0; orig && i<100; i++){
      size_t cut = (size_t)rand() % n;
      spit(img, orig, cut);
      {
        mt_sf_map *map = 0;
        rc = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, (i & 1) ? &map : 0);
        if( ld || map || (rc!=MT_SF_DAMAGED && rc!=MT_SF_STALE) ){ trunc_bad++; mt_storefile_free(ld, map); ld = 0; }
      }
    }
    snprintf(nm, sizeof(nm), "storefile.%s.truncated_never_loaded", name);
    CHECK(nm, trunc_bad==0);
    spit(img, orig, n);
    rc = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, 0);
    snprintf(nm, sizeof(nm), "storefile.%s.whole_again_loaded", name);
    CHECK(nm, rc==MT_SF_LOADED && ld && stores_differ(st, ld)==0);
    mt_store_free(ld); ld = 0;
    free(orig);
  }
  if( img ){ unlink(img); free(img); }
  snprintf(nm, sizeof(nm), "storefile.%s.no_image_none", name);
  CHECK(nm, mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, 0)==MT_SF_NONE && !ld);
  rmdir(dir);
  free(was);
  mt_store_free(st);
  mt_files_free(&fl);
}

/* Seal a damaged image again (as if it had been written so): the block
** CRCs, their table's CRC and the header's CRC made to match.  The header's
** layout (storefile.c, sf_header): payload_at at 80, payload_len at 88,
** payload_crc at 96, meta_crc at 100, nblock at 128. */
static void reseal(unsigned char *b, size_t n){
  uint64_t at, len, nb, k;
  uint32_t c;
  if( n < 136 ) return;
  memcpy(&at, b + 80, 8); memcpy(&len, b + 88, 8); memcpy(&nb, b + 128, 8);
  if( at > n || len > n - at || nb*4 > n - at - len ) return;
  for(k=0; k<nb; k++){
    uint64_t o = k << 20, l = len - o < ((uint64_t)1 << 20) ? len - o : ((uint64_t)1 << 20);
    c = mt_index_file_sum(0, b + at + o, (size_t)l);
    memcpy(b + at + len + 4*k, &c, 4);
  }
  c = mt_index_file_sum(0, b + at + len, (size_t)(4*nb));
  memcpy(b + 96, &c, 4);
  memset(b + 100, 0, 4);
  c = mt_index_file_sum(0, b, (size_t)at);
  memcpy(b + 100, &c, 4);
}

/* Walk every link and string of a store, as the tables do: under
** AddressSanitizer, a link out of its array or a string out of its block
** is a crash.  Returns an XOR of what it read, so that nothing is optimised away. */
static uint64_t walk(const mt_store *st){
  uint64_t sum = 0;
  int i, j, k;
  for(i=0; i<st->nmsg; i++){
    const mt_msg *m = &st->msgs[i];
    const char *const *p = &m->mail_from;
    for(j=0; j<24; j++) if( p[j] ) sum ^= strlen(p[j]);
    if( m->conn>=0 ) sum ^= (uint64_t)st->conns[m->conn].icid;
    if( m->more>=0 ) sum ^= (uint64_t)st->more[m->more].dlp_risk;
    for(k=m->first_rcpt, j=0; k>=0 && j<1000; k=st->rcpts[k].next, j++){
      if( st->rcpts[k].rcpt_to ) sum ^= strlen(st->rcpts[k].rcpt_to);
      if( mt_store_domain(st, st->rcpt_dom[k]) ) sum ^= strlen(mt_store_domain(st, st->rcpt_dom[k]));
      sum ^= st->rcpt_status[k];
      if( st->rcpts[k].cur_dlv>=0 ) sum ^= (uint64_t)st->dlvs[st->rcpts[k].cur_dlv].dcid;
    }
    for(k=m->first_dlv, j=0; k>=0 && j<1000; k=st->dlvs[k].next_mid, j++){
      if( st->dlvs[k].dconn>=0 ) sum ^= (uint64_t)st->dconns[st->dlvs[k].dconn].dcid;
    }
    sum ^= (uint64_t)st->host_len[m->host];
  }
  for(i=0; i<st->nconn; i++){
    const char *const *p = &st->conns[i].interface;
    for(j=0; j<11; j++) if( p[j] ) sum ^= strlen(p[j]);
    if( st->conns[i].first_msg>=0 ) sum ^= (uint64_t)st->msgs[st->conns[i].first_msg].mid;
  }
  for(i=0; i<st->nicid; i++) if( st->icid_heads[i][0]>=0 ) sum ^= (uint64_t)st->msgs[st->icid_heads[i][0]].mid;
  for(i=0; i<st->nhour; i++) sum ^= (uint64_t)strlen(st->files[st->hours[i].file]);
  {
    int64_t id = st->nmsg ? st->msgs[0].mid : 0;
    int h = st->nmsg ? st->msgs[0].host : 0;
    int mi = mt_store_msg(st, h, id);
    if( mi>=0 ) sum ^= (uint64_t)st->msgs[mi].mid;
  }
  return sum;
}

/* The store of `folder` built and saved into a new folder dir (a template,
** made here): its image's path (malloc'd), or NULL (a failed check named
** `what`). */
static char *sealed_setup(const char *folder, char *dir, mt_filelist *fl, mt_store **pst, const char *what){
  mt_opts o;
  char *err = 0, *img = 0;
  memset(fl, 0, sizeof(*fl));
  memset(&o, 0, sizeof(o));
  *pst = 0;
  if( !mkdtemp(dir) || mt_files_add(fl, folder, &err) || mt_store_build(fl, &o, 0, 0, 0, pst, &err, 0, 0)!=MT_OK
   || mt_storefile_save(*pst, dir, fl, OPT, 0, 0) || !(img = image_in(dir)) ){
    CHECK(what, 0);
  }
  free(err);
  return img;
}

/* Damaged where only the payload is, then sealed again: every load either
** refuses it or gives a store whose every link and string is inside it. */
static void sealed_damage(const char *folder){
  mt_filelist fl;
  mt_store *st = 0, *ld = 0;
  mt_sf_map *map = 0;
  mt_sf_file *was = 0;
  char dir[] = "/tmp/mt-sf-unit-XXXXXX", *img;
  int i, loaded = 0, refused = 0;
  if( !(img = sealed_setup(folder, dir, &fl, &st, "storefile.sealed_damage.setup")) ) return;
  srand(11);
  for(i=0; i<200; i++){
    size_t n;
    unsigned char *b = slurp(img, &n);
    uint64_t at, len;
    int k;
    if( !b ) break;
    memcpy(&at, b + 80, 8); memcpy(&len, b + 88, 8);
    for(k=0; k<1 + i%4; k++){
      size_t x = (size_t)(at + (uint64_t)rand() % len);
      b[x] = (i & 1) ? (unsigned char)rand() : (unsigned char)(b[x] ^ (1u << (rand() % 8)));
    }
    reseal(b, n);
    spit(img, b, n);
    free(b);
    /* mapped: its rows are read only once checked (mt_storefile_need) */
    if( mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, (i & 2) ? &map : 0)==MT_SF_LOADED && ld
     && mt_storefile_need(ld, map, MT_SF_PART_ALL)==MT_SF_LOADED ){
      loaded++;
      (void)walk(ld);
    }else refused++;
    mt_storefile_free(ld, map); ld = 0; map = 0;
    free(was); was = 0;
    spit(img, 0, 0);
    mt_storefile_save(st, dir, &fl, OPT, 0, 0);
  }
  CHECK("storefile.sealed_damage_never_unsafe", loaded + refused==200);
  printf("# sealed damage: %d loaded (a value a row may hold), %d refused\n", loaded, refused);
  unlink(img);
  free(img);
  rmdir(dir);
  mt_store_free(st);
  mt_files_free(&fl);
}

/* Where section `kind` of an image lies (payload offset and byte count),
** read off its directory (storefile.c: nfile at 60, nsect at 64,
** payload_at at 80, nfile records of 48 bytes after the 136-byte header,
** then nsect entries: kind, elsize, count, off).  0, or -1 when absent. */
static int sect_at(const unsigned char *b, size_t n, uint32_t kind, uint64_t *off, uint64_t *len){
  uint32_t nfile, nsect, i;
  if( n < 136 ) return -1;
  memcpy(&nfile, b + 60, 4); memcpy(&nsect, b + 64, 4);
  for(i=0; i<nsect; i++){
    size_t e = 136 + 48*(size_t)nfile + 24*(size_t)i;
    uint32_t k, el;
    uint64_t c;
    if( e + 24 > n ) return -1;
    memcpy(&k, b + e, 4); memcpy(&el, b + e + 4, 4); memcpy(&c, b + e + 8, 8);
    if( k==kind ){ memcpy(off, b + e + 16, 8); *len = c*el; return 0; }
  }
  return -1;
}

/* The columns kept apart damaged and the image sealed again, so that only
** storefile.c's own check (columns_ok) stands between them and a reader: a
** domain's offset past the text, two offsets out of order, the text's last
** NUL gone, a recipient's domain past the table, a message's status, a
** recipient's status and a delivery's result no row may hold.  Each is
** refused, mapped or read (kinds: storefile.c's enum, SF_MSG_STATUS 36,
** SF_RCPT_STATUS 37, SF_RCPT_DOM 38, SF_DLV_RESULT 39, SF_DOM_AT 40,
** SF_DOM_TEXT 41). */
static void sealed_domains(const char *folder){
  mt_filelist fl;
  mt_store *st = 0, *ld = 0;
  mt_sf_map *map = 0;
  mt_sf_file *was = 0;
  char dir[] = "/tmp/mt-sf-unit-XXXXXX", *img, nm[96];
  int how, mapped;
  if( !(img = sealed_setup(folder, dir, &fl, &st, "storefile.sealed_domains.setup")) ) return;
  CHECK("storefile.sealed_domains.has_two", st->ndom >= 2 && st->nrcpt >= 1);
  for(how=0; how<7; how++) for(mapped=0; mapped<2; mapped++){
    size_t n;
    unsigned char *b = slurp(img, &n);
    uint64_t pat, at_off, at_len, tx_off, tx_len, rc_off, rc_len, ms_off, ms_len, rs_off, rs_len, dr_off, dr_len;
    int ok;
    if( !b ) break;
    memcpy(&pat, b + 80, 8);
    if( sect_at(b, n, 40, &at_off, &at_len) || sect_at(b, n, 41, &tx_off, &tx_len)
     || sect_at(b, n, 38, &rc_off, &rc_len) || sect_at(b, n, 36, &ms_off, &ms_len)
     || sect_at(b, n, 37, &rs_off, &rs_len) || sect_at(b, n, 39, &dr_off, &dr_len)
     || at_len < 8 || tx_len < 1 || rc_len < 4 || ms_len < 1 || rs_len < 1 || dr_len < 1 ){
      CHECK("storefile.sealed_domains.sections", 0); free(b); break;
    }
    if( how==0 ){ uint32_t v = (uint32_t)tx_len; memcpy(b + pat + at_off + 4, &v, 4); }
    if( how==1 ){ unsigned char t[4]; memcpy(t, b + pat + at_off, 4); memcpy(b + pat + at_off, b + pat + at_off + 4, 4); memcpy(b + pat + at_off + 4, t, 4); }
    if( how==2 ) b[pat + tx_off + tx_len - 1] = 'x';
    if( how==3 ){ int32_t v = st->ndom; memcpy(b + pat + rc_off, &v, 4); }
    if( how==4 ) b[pat + ms_off + ms_len - 1] = MT_MS_COUNT;
    if( how==5 ) b[pat + rs_off] = MT_RS_ABORTED + 1;
    if( how==6 ) b[pat + dr_off + dr_len/2] = MT_DR_ERROR + 1;
    reseal(b, n);
    spit(img, b, n);
    free(b);
    ok = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, mapped ? &map : 0)==MT_SF_LOADED && ld
         && mt_storefile_need(ld, map, MT_SF_PART_COLUMNS)==MT_SF_LOADED;
    snprintf(nm, sizeof(nm), "storefile.sealed_domains.refused_%d_%s", how, mapped ? "mapped" : "read");
    CHECK(nm, !ok);
    mt_storefile_free(ld, map); ld = 0; map = 0;
    free(was); was = 0;
    spit(img, 0, 0);
    mt_storefile_save(st, dir, &fl, OPT, 0, 0);
  }
  /* and sound, it is loaded */
  CHECK("storefile.sealed_domains.sound_loaded", mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, &map)==MT_SF_LOADED && ld
        && mt_storefile_need(ld, map, MT_SF_PART_COLUMNS)==MT_SF_LOADED);
  mt_storefile_free(ld, map);
  free(was);
  unlink(img);
  free(img);
  rmdir(dir);
  mt_store_free(st);
  mt_files_free(&fl);
}

/* A store larger than four CRC blocks (a repeated esa1 log, about 12 MB):
** mapped and read, the same store; a byte changed in a block the four-way
** check reads, and one in the last block, each found. */
static void big_store(void){
  char path[] = "/tmp/mt-sf-big-XXXXXX", dir[] = "/tmp/mt-sf-unit-XXXXXX", *err = 0, *img;
  mt_filelist fl;
  mt_opts o;
  mt_store *st = 0, *ld = 0;
  mt_sf_map *map = 0;
  mt_sf_file *was = 0;
  memset(&fl, 0, sizeof(fl));
  memset(&o, 0, sizeof(o));
  if( unit_repeated_log(path, 400) || !mkdtemp(dir) || mt_files_add(&fl, path, &err)
   || mt_store_build(&fl, &o, 0, 0, 0, &st, &err, 0, 0)!=MT_OK ){
    CHECK("storefile.big.built", 0); free(err); unlink(path); return;
  }
  CHECK("storefile.big.saved", mt_storefile_save(st, dir, &fl, OPT, 0, 0)==0);
  img = image_in(dir);
  {
    struct stat sb;
    CHECK("storefile.big.over_four_blocks", img && stat(img, &sb)==0 && sb.st_size > 5*1024*1024);
  }
  CHECK("storefile.big.mapped_same", mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, &map)==MT_SF_LOADED
        && map && mt_storefile_need(ld, map, MT_SF_PART_ALL)==MT_SF_LOADED && stores_differ(st, ld)==0);
  mt_storefile_free(ld, map); ld = 0; map = 0;
  CHECK("storefile.big.read_same", mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, 0)==MT_SF_LOADED
        && stores_differ(st, ld)==0);
  mt_store_free(ld); ld = 0;
  if( img ){
    size_t n;
    unsigned char *b = slurp(img, &n);
    size_t at[2];
    int k;
    at[0] = 4096 + 2*1024*1024 + 12345;         /* the third block: the four-way loop's */
    at[1] = n - 4*((n - 4096) / (1024*1024) + 1) - 3;   /* the last payload block */
    for(k=0; b && k<2; k++){
      int rc, rc2;
      b[at[k]] ^= 0x5a;
      spit(img, b, n);
      /* mapped: found when loaded, or when the part is first needed */
      rc = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, &map);
      if( rc==MT_SF_LOADED ) rc = mt_storefile_need(ld, map, MT_SF_PART_ALL);
      if( ld ){ mt_storefile_free(ld, map); ld = 0; map = 0; }
      rc2 = mt_storefile_load(dir, &fl, OPT, 0, &ld, &was, 0);
      if( ld ){ mt_store_free(ld); ld = 0; }
      CHECK(k==0 ? "storefile.big.block_damage_found" : "storefile.big.last_block_damage_found",
            rc==MT_SF_DAMAGED && rc2==MT_SF_DAMAGED);
      b[at[k]] ^= 0x5a;
    }
    free(b);
    unlink(img);
    free(img);
  }
  rmdir(dir);
  unlink(path);
  mt_store_free(st);
  mt_files_free(&fl);
}

int main(void){
  CHECK("storefile.build_fingerprint", mt_storefile_build()[0]!=0);
  CHECK("storefile.image_name_not_a_log", mt_files_is_index_name("/x/mailtrace-0123456789abcdef.store")
        && mt_files_is_index_name("mailtrace-0123456789abcdef.store.Ab12Cd")
        && !mt_files_is_index_name("/x/mail.store"));
  one_folder("esa1", "tests/data/esa1", 1);
  one_folder("esa2", "tests/data/esa2", 0);
  one_folder("restart", "tests/data/restart", 0);
  one_folder("verdicts", "tests/data/verdicts", 0);
  one_folder("drops", "tests/data/drops", 0);
  big_store();
  sealed_damage("tests/data/esa1");
  sealed_domains("tests/data/domains");
  one_folder("esa8", "tests/data/logtypes/esa8", 1);     /* AMP and anti-virus logs: the attachment join */
  {
    /* a store with the Consolidated Event Log's join is not saved */
    mt_filelist fl;
    mt_opts o;
    mt_store *st = 0;
    char *err = 0, dir[] = "/tmp/mt-sf-unit-XXXXXX";
    memset(&fl, 0, sizeof(fl));
    memset(&o, 0, sizeof(o));
    if( mkdtemp(dir) && mt_files_add(&fl, "tests/data/logtypes/mixed.log", &err)==0
     && mt_store_build(&fl, &o, 0, 0, 0, &st, &err, 0, 0)==MT_OK ){
      char *img;
      CHECK("storefile.cef_not_savable", st->cef && !mt_storefile_savable(st)
            && mt_storefile_save(st, dir, &fl, OPT, 0, 0)==-1 && (img = image_in(dir))==0);
    }else{
      CHECK("storefile.cef_built", 0);
    }
    free(err);
    rmdir(dir);
    mt_store_free(st);
    mt_files_free(&fl);
  }
  return unit_failed ? 1 : 0;
}
