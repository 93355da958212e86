/* SPDX-License-Identifier: MIT */
/*
** wraps.h — MT_WRAPS marks a function whose unsigned arithmetic wraps
** around on purpose (hash functions: multiply-xorshift, FNV-1a).  Unsigned
** wrap-around is defined behaviour in C; clang's -fsanitize=integer reports
** it anyway (it is usually a bug), so `make ubsan` would stop on every hash.
** The attribute turns off exactly that check, for exactly these functions;
** everything else in them stays checked.  No SQLite types here.
*/
#ifndef MAILTRACE_WRAPS_H
#define MAILTRACE_WRAPS_H

#if defined(__clang__)
#define MT_WRAPS __attribute__((no_sanitize("unsigned-integer-overflow")))
#else
#define MT_WRAPS
#endif

#endif
