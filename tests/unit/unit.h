/*
** unit.h — a tiny test harness for the C unit tests.  Each check prints
** "PASS name" or "FAIL name: why"; tests/run counts those lines.
*/
#ifndef MAILTRACE_UNIT_H
#define MAILTRACE_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failed;

#define CHECK(name, cond) do{ \
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
  if( span_eq(p, n, want) ) printf("PASS %s\n", name); \
  else { printf("FAIL %s: got '%.*s' want '%s' (%s:%d)\n", name, (int)((p)?(n):0), (p)?(p):"", (want)?(want):"(null)", __FILE__, __LINE__); unit_failed++; } \
}while(0)

#endif
