/* SPDX-License-Identifier: MIT */
/*
** threads.h — how many threads the core may use: the one reading of
** MAILTRACE_THREADS and of the CPUs the process may run on, for every part
** that can use a second thread (the offset index pass, a lookup's split
** sweep, the whole-log store's build).
**
**   if( mt_threads_allowed() >= 2 ) ... start a helper thread ...
**
** No SQLite types here.
*/
#ifndef MAILTRACE_THREADS_H
#define MAILTRACE_THREADS_H

/* MAILTRACE_THREADS if set (1 = the calling thread alone), else the CPUs
** this process may run on (its affinity: `taskset -c 0` or a container's
** cpuset gives one; without one, the CPUs online); at least 1. */
long mt_threads_allowed(void);

#endif
