/*
** fuzz_reader.c — libFuzzer target for the whole walk: bytes written to a
** file (plain or gzip, whatever the magic says), read by the reader, every
** line parsed, and the entity store built and finished (ext/bytes.c,
** scan.c, lines.c, events.c, entities.c).  Damage must be an error, never a
** crash or an out-of-bounds read.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entities.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  static char path[64];
  mt_filelist files;
  mt_opts opts;
  mt_store *st;
  mt_stats stats;
  mt_problem *problems = 0;
  int nproblem = 0, i;
  char *err = 0;
  FILE *f;
  if( !path[0] ) snprintf(path, sizeof(path), "/tmp/mt_fuzz_reader_%d.log", (int)getpid());
  f = fopen(path, "wb");
  if( !f ) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  memset(&files, 0, sizeof(files));
  memset(&opts, 0, sizeof(opts));
  opts.on_error_skip = size & 1;            /* both error modes */
  opts.year = 2026;
  if( mt_files_add(&files, path, &err) ){ free(err); return 0; }
  st = mt_store_build(&files, &opts, &stats, &problems, &nproblem, &err, 0, 0);
  mt_store_free(st);
  free(err);
  for(i=0; i<nproblem; i++){ free(problems[i].file); free(problems[i].message); }
  free(problems);
  mt_files_free(&files);
  return 0;
}
