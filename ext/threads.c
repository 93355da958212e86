/* SPDX-License-Identifier: MIT */
/*
** threads.c — how many threads the core may use (threads.h).
** No SQLite types here.
*/
#include "threads.h"

#include <stdlib.h>
#include <unistd.h>

long mt_threads_allowed(void){
  const char *e = getenv("MAILTRACE_THREADS");
  long n = e && *e ? strtol(e, 0, 10) : sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n;
}
