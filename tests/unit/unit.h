/* SPDX-License-Identifier: MIT */
/*
** unit.h — a tiny test harness for the C unit tests.  Each check prints
** "PASS name" or "FAIL name: why"; tests/run counts those lines.
**
** The harness also makes the program's output impossible to lose quietly:
**   - stdout is line-buffered, so every result line is out before a crash or
**     a sanitizer's exit (UBSan exits 1 and would drop a full buffer);
**   - at a normal exit it prints "PLAN n", n being the number of checks the
**     program ran.  tests/run fails a unit test whose PLAN line is missing (it
**     died before its end) or whose result lines do not add up to n.
** main() returns unit_failed ? 1 : 0, as every test here does.
*/
#ifndef MAILTRACE_UNIT_H
#define MAILTRACE_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int unit_failed;
static long unit_checks;

static void unit_plan(void){ printf("PLAN %ld\n", unit_checks); fflush(stdout); }
__attribute__((constructor)) static void unit_start(void){
  setvbuf(stdout, 0, _IOLBF, 0);
  atexit(unit_plan);
}

#define CHECK(name, cond) do{ \
  unit_checks++; \
  if( cond ) printf("PASS %s\n", name); \
  else { printf("FAIL %s: %s (%s:%d)\n", name, #cond, __FILE__, __LINE__); unit_failed++; } \
}while(0)

/* Compare a span (p,n) with a C string. */
static inline int span_eq(const char *p, long n, const char *want){
  if( !p ) return want==0;
  if( !want ) return 0;
  return (long)strlen(want)==n && memcmp(p, want, (size_t)n)==0;
}

#define CHECK_SPAN(name, p, n, want) do{ \
  unit_checks++; \
  if( span_eq(p, n, want) ) printf("PASS %s\n", name); \
  else { printf("FAIL %s: got '%.*s' want '%s' (%s:%d)\n", name, (int)((p)?(n):0), (p)?(p):"", (want)?(want):"(null)", __FILE__, __LINE__); unit_failed++; } \
}while(0)

/* A log of many 64 KiB blocks, made at `path` (a mkstemp template): the
** esa1 fixture's plain files written `times` times over (their ids recur
** in every block).  0, or -1 when the file cannot be made.  For the index
** tests (test_index.c, test_ixfile.c); run from the repository root. */
static inline int unit_repeated_log(char *path, int times){
  int fd = mkstemp(path), i;
  const char *parts[] = { "tests/data/esa1/mail.@20261102T080000.s", "tests/data/esa1/mail.current" };
  if( fd<0 ) return -1;
  for(i=0; i<times; i++){
    int k;
    for(k=0; k<2; k++){
      FILE *f = fopen(parts[k], "rb");
      char buf[65536];
      size_t n;
      if( !f ) continue;
      while( (n = fread(buf, 1, sizeof(buf), f))>0 ) if( write(fd, buf, n)!=(ssize_t)n ) break;
      fclose(f);
    }
  }
  close(fd);
  return 0;
}

#endif
