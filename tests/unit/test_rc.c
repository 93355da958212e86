/*
** test_rc.c — what the core says happened (ext/rc.h): each failure of the
** reader, the walk, the entity store and the offset index comes back as its
** mt_rc, with a message that still names the file (and the line or byte),
** so that the SQL side maps the code alone (tables.c, mt_rc_to_sqlite).
** Made on logs written here: a missing file, a device, a truncated gzip, a
** file replaced after it was listed, an id too long for 64 bits, an
** interrupted build, a build past max_memory=.
*/
#include "bytes.h"
#include "entities.h"
#include "files.h"
#include "index.h"
#include "scan.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char dir[64];

static void write_file(const char *path, const char *data, size_t n){
  FILE *f = fopen(path, "wb");
  if( f ){ fwrite(data, 1, n, f); fclose(f); }
}

/* n messages, one connection each: 3 lines per message. */
static void write_log(const char *path, int n){
  FILE *f = fopen(path, "wb");
  int i;
  if( !f ) return;
  for(i=0; i<n; i++){
    fprintf(f, "Mon Nov  2 08:01:12 2026 Info: New SMTP ICID %d interface Data 1 (198.51.100.25) address 192.0.2.10 reverse dns host mail.sender.example verified yes\n", 1000+i);
    fprintf(f, "Mon Nov  2 08:01:12 2026 Info: Start MID %d ICID %d\n", 5000+i, 1000+i);
    fprintf(f, "Mon Nov  2 08:01:13 2026 Info: MID %d ICID %d From: <a%d@sender.example>\n", 5000+i, 1000+i, i);
  }
  fclose(f);
}

static int stop_always(void *arg){ (void)arg; return 1; }

/* Build a store over one file; its code, the message in *pErr (malloc'd). */
static mt_rc build(const char *path, const mt_opts *o, int (*stop)(void*), char **pErr){
  mt_filelist fl;
  mt_store *st = 0;
  char *err = 0;
  mt_rc rc;
  memset(&fl, 0, sizeof(fl));
  *pErr = 0;
  if( mt_files_add(&fl, path, &err) ){ *pErr = err; return (mt_rc)-1; }
  rc = mt_store_build(&fl, o, 0, 0, 0, &st, pErr, stop, 0);
  if( (rc==MT_OK)!=(st!=0) ) rc = (mt_rc)-2;        /* a store exactly when MT_OK */
  mt_store_free(st);
  mt_files_free(&fl);
  return rc;
}

static int has(const char *z, const char *part){ return z && strstr(z, part)!=0; }

int main(void){
  char path[128], gz[128];
  char *err = 0;
  mt_rc rc = MT_OK;
  mt_reader *r;
  mt_opts o;
  strcpy(dir, "/tmp/mt_test_rcXXXXXX");
  if( !mkdtemp(dir) ){ unit_checks++; printf("FAIL rc.mkdtemp\n"); return 1; }
  memset(&o, 0, sizeof(o));

  CHECK("rc.names", strcmp(mt_rc_name(MT_NOMEM), "out of memory")==0 && strcmp(mt_rc_name(MT_INTERRUPTED), "interrupted")==0);

  /* the reader: a missing file, a device */
  snprintf(path, sizeof(path), "%s/missing.log", dir);
  r = mt_reader_open_rc(path, 0, 0, 0, &err, &rc);
  CHECK("rc.reader.missing_is_io", !r && rc==MT_IO && has(err, path));
  free(err); err = 0;
  r = mt_reader_open_rc("/dev/null", 0, 0, 0, &err, &rc);
  CHECK("rc.reader.device_is_io", !r && rc==MT_IO && has(err, "/dev/null: is a character device"));
  free(err); err = 0;

  /* the reader: a gzip stream cut short is MT_FORMAT, naming the byte */
  snprintf(gz, sizeof(gz), "%s/cut.log.gz", dir);
  {
    char line[200], *all = malloc(200000), *cz = malloc(300000);
    size_t n = 0;
    uLongf zn = 300000;
    int i;
    for(i=0; all && n < 190000; i++){
      int k = snprintf(line, sizeof(line), "Mon Nov  2 08:01:12 2026 Info: MID %d ICID %d From: <a%d@example.com>\n", i, i, i*7919);
      memcpy(all + n, line, (size_t)k); n += (size_t)k;
    }
    if( all && cz ){
      gzFile g = gzopen(gz, "wb");
      gzwrite(g, all, (unsigned)n);
      gzclose(g);
      {
        FILE *f = fopen(gz, "rb");
        zn = f ? (uLongf)fread(cz, 1, 300000, f) : 0;
        if( f ) fclose(f);
      }
      write_file(gz, cz, zn/2);                      /* the second half lost */
    }
    free(all); free(cz);
  }
  r = mt_reader_open_rc(gz, 0, 0, 0, &err, &rc);
  CHECK("rc.reader.open_ok", r && rc==MT_OK && !err);
  if( r ){
    const char *p; size_t n; int64_t off; int k;
    while( (k = mt_reader_next(r, &p, &n, &off))==1 ){}
    CHECK("rc.reader.truncated_gzip_is_format", k<0 && mt_reader_rc(r)==MT_FORMAT && has(mt_reader_error(r), "byte"));
    mt_reader_close(r);
  }
  CHECK("rc.build.truncated_gzip_is_format", build(gz, &o, 0, &err)==MT_FORMAT && has(err, gz) && has(err, "truncated gzip"));
  free(err); err = 0;

  /* the reader: a file that is not the one listed (another inode) */
  snprintf(path, sizeof(path), "%s/mail.log", dir);
  write_log(path, 10);
  {
    mt_ident id = { 1, 1, 0 };
    r = mt_reader_open_rc(path, &id, 0, 0, &err, &rc);
    CHECK("rc.reader.replaced_is_changed", !r && rc==MT_CHANGED && has(err, "no longer the file that was listed"));
    free(err); err = 0;
  }

  /* the entity store: a whole build, then the failures */
  CHECK("rc.build.ok", build(path, &o, 0, &err)==MT_OK && !err);
  free(err); err = 0;
  snprintf(path, sizeof(path), "%s/long.log", dir);
  write_file(path, "Mon Nov  2 08:01:12 2026 Info: Start MID 123456789012345678901234567890 ICID 5\n", 80);
  rc = build(path, &o, 0, &err);
  CHECK("rc.build.id_overflow_is_format", rc==MT_FORMAT && has(err, path) && has(err, "line 1:"));
  free(err); err = 0;

  snprintf(path, sizeof(path), "%s/big.log", dir);
  write_log(path, 12000);                            /* 36,000 lines: past the 16,384-line checks */
  rc = build(path, &o, stop_always, &err);
  CHECK("rc.build.interrupted", rc==MT_INTERRUPTED);
  free(err); err = 0;
  o.max_memory = 1 << 20;
  rc = build(path, &o, 0, &err);
  CHECK("rc.build.max_memory_is_limit", rc==MT_LIMIT && has(err, path) && has(err, "max_memory=1M"));
  free(err); err = 0;
  o.max_memory = 0;

  /* the offset index: a file gone after it was listed */
  {
    mt_filelist fl;
    mt_index *ix = 0;
    memset(&fl, 0, sizeof(fl));
    if( mt_files_add(&fl, path, &err)==0 ){
      unlink(path);
      rc = mt_index_build(&fl, &o, 0, 0, &ix, &err, 0, 0);
      CHECK("rc.index.missing_file", rc==MT_IO && !ix && has(err, path));
      mt_files_free(&fl);
    }else CHECK("rc.index.list", 0);
    free(err); err = 0;
  }

  {
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if( system(cmd)!=0 ) printf("# could not remove %s\n", dir);
  }
  return unit_failed ? 1 : 0;
}
