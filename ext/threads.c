/* SPDX-License-Identifier: MIT */
/*
** threads.c — how many threads the core may use (threads.h).
** No SQLite types here.
*/
#include "threads.h"

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

/* The CPUs this process may run on: its affinity mask (taskset, a
** container's cpuset), else the CPUs online. */
static long cpus_usable(void){
#if defined(__linux__) && defined(CPU_COUNT)
  cpu_set_t set;
  if( sched_getaffinity(0, sizeof(set), &set)==0 && CPU_COUNT(&set) > 0 ) return CPU_COUNT(&set);
#endif
  return sysconf(_SC_NPROCESSORS_ONLN);
}

long mt_threads_allowed(void){
  const char *e = getenv("MAILTRACE_THREADS");
  long n = e && *e ? strtol(e, 0, 10) : cpus_usable();
  return n < 1 ? 1 : n;
}
