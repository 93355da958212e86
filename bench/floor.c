/* SPDX-License-Identifier: MIT */
/*
 * floor.c - what this machine charges for the memory and system calls that
 *           mailtrace's designs pay: the floors under issue 15's goals.
 *
 *   cc -std=c11 -O2 -Wall -Wextra bench/floor.c -o bench/floor
 *   bench/floor [-f] FILE [MIB [REPS]]
 *
 * FILE is the benchmark log (bench/out/all.log), read from the page cache:
 * warm it first (bench/run.sh does).  MIB (default 128) caps how much of it,
 * and of fresh anonymous memory (half of MIB), one repetition touches; REPS
 * (default 3) repetitions of each measurement, the least time kept.  On this
 * project's 2-CPU VM the whole run takes a few seconds.
 *
 * Prints one line per quantity, "name value unit", nothing else on stdout:
 *
 *   anon_first_write      ms/MiB  mmap of fresh anonymous memory, one store per
 *                                 4 KiB page (MADV_NOHUGEPAGE): the kernel's
 *                                 fault, zeroing and the hypervisor's first map
 *   anon_first_write_huge ms/MiB  the same with MADV_HUGEPAGE (2 MiB pages)
 *   anon_second_pass      ms/MiB  the same memory read again, one load per
 *                                 64-byte line (already mapped: memory speed)
 *   file_first_touch      ms/MiB  mmap of FILE (MAP_PRIVATE, read-only) and one
 *                                 load per 4 KiB page: page-cache pages mapped
 *                                 into the process by faults
 *   file_first_touch_populate ms/MiB  the same, mapped with MAP_POPULATE
 *   file_second_pass      ms/MiB  the mapping read again, one load per 64 bytes
 *   read_page_cache       ms/MiB  read() of FILE from the page cache into one
 *                                 reused 68 KiB buffer (no fresh memory)
 *   fstatat               us      one fstatat() of FILE (cached inode)
 *   pread_small           us      one 2 KiB pread() of FILE (page cache), at
 *                                 offsets spread over it
 *   sample_mib            MiB     the FILE bytes a repetition touched
 *   reps                  count   REPS
 *
 * With -f only the prices of FILE itself are measured (file_first_touch,
 * file_first_touch_populate, file_second_pass, read_page_cache, sample_mib,
 * reps): what mapping or reading that file costs depends on how its pages came
 * into the page cache (a file written or read in large pieces sits in large
 * folios, which are mapped many pages at a time), so each file that a design
 * maps is priced on its own (bench/run.sh: the log, the offset index file and
 * the store image of index=DIR).
 *
 * Errors (FILE missing, empty, not mappable) go to stderr with exit status 1.
 * Numbers are wall time (CLOCK_MONOTONIC), the minimum over REPS: a floor, not
 * a typical cost.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE      4096u
#define LINE      64u
#define HUGE_SZ   ((size_t)2 << 20)
#define READ_BUF  (68u * 1024u)     /* the scan's read size: a 64 KiB block and a line */
#define SMALL     2048u             /* one pread of a 1 KiB unit run */
#define NCALLS    20000             /* system calls per repetition of a per-call cost */

static const char *zFile;

static double now(void){
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what){
  fprintf(stderr, "floor: %s: %s: %s\n", zFile, what, strerror(errno));
  exit(1);
}

/* Sums one 8-byte word per 64-byte line of p[0..n): a pass over memory that
** is already mapped.  The sum goes to a volatile sink so it is not dropped. */
static volatile uint64_t sink;
static void read_lines(const unsigned char *p, size_t n){
  uint64_t s = 0, v;
  size_t i;
  for( i = 0; i + 8 <= n; i += LINE ){ memcpy(&v, p + i, 8); s += v; }
  sink += s;
}

/* One load per 4 KiB page of p[0..n): the first touch of a mapping. */
static void touch_pages(const unsigned char *p, size_t n){
  uint64_t s = 0;
  size_t i;
  for( i = 0; i < n; i += PAGE ) s += p[i];
  sink += s;
}

/* ms per MiB of a time t over n bytes */
static double per_mib(double t, size_t n){ return t * 1e3 / ((double)n / 1048576.0); }

/* Fresh anonymous memory: map n bytes (aligned to 2 MiB), advise huge or not,
** store one byte per 4 KiB page (timed, with the mmap), then read it again
** (timed), then unmap (not timed).  Returns the two times. */
static void anon_once(size_t n, int huge, double *first, double *second){
  size_t len = n + HUGE_SZ;
  double t0, t1, t2;
  unsigned char *raw, *p;
  size_t i;
  t0 = now();
  raw = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if( raw == MAP_FAILED ) die("mmap of anonymous memory");
  p = (unsigned char *)(((uintptr_t)raw + HUGE_SZ - 1) & ~(uintptr_t)(HUGE_SZ - 1));
  (void)madvise(p, n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
  for( i = 0; i < n; i += PAGE ) p[i] = (unsigned char)i;
  t1 = now();
  read_lines(p, n);
  t2 = now();
  munmap(raw, len);
  *first = t1 - t0;
  *second = t2 - t1;
}

/* The first n bytes of the file mapped (MAP_POPULATE or not), one load per
** page (timed with the mmap), then every line again (timed); unmap untimed. */
static void file_once(int fd, size_t n, int populate, double *first, double *second){
  double t0, t1, t2;
  unsigned char *p;
  t0 = now();
  p = mmap(0, n, PROT_READ, MAP_PRIVATE | (populate ? MAP_POPULATE : 0), fd, 0);
  if( p == MAP_FAILED ) die("mmap");
  touch_pages(p, n);
  t1 = now();
  read_lines(p, n);
  t2 = now();
  munmap(p, n);
  *first = t1 - t0;
  *second = t2 - t1;
}

/* read() of the first n bytes, in order, into one reused buffer (the copy
** out of the page cache and the calls; the bytes are not looked at). */
static double read_once(int fd, unsigned char *buf, size_t n){
  double t0;
  size_t done = 0;
  if( lseek(fd, 0, SEEK_SET) != 0 ) die("lseek");
  t0 = now();
  while( done < n ){
    size_t want = n - done < READ_BUF ? n - done : READ_BUF;
    ssize_t got = read(fd, buf, want);
    if( got < 0 ){ if( errno == EINTR ) continue; die("read"); }
    if( got == 0 ) break;
    done += (size_t)got;
  }
  return now() - t0;
}

/* NCALLS fstatat() of the file by name: seconds per call. */
static double fstatat_once(void){
  struct stat st;
  double t0 = now();
  int i;
  for( i = 0; i < NCALLS; i++ ){
    if( fstatat(AT_FDCWD, zFile, &st, 0) != 0 ) die("fstatat");
  }
  return (now() - t0) / NCALLS;
}

/* NCALLS preads of SMALL bytes at offsets spread over the first n bytes
** (a stride of 17 pages and a bit, so neighbours share no page). */
static double pread_once(int fd, unsigned char *buf, size_t n){
  size_t span = n > SMALL ? n - SMALL : 1, off = 0;
  double t0 = now();
  int i;
  for( i = 0; i < NCALLS; i++ ){
    if( pread(fd, buf, SMALL, (off_t)off) < 0 ) die("pread");
    off = (off + 17 * PAGE + 192) % span;
  }
  return (now() - t0) / NCALLS;
}

static double min2(double a, double b){ return a < b ? a : b; }

int main(int argc, char **argv){
  long mib = 128, reps = 3, r;
  size_t n, an;
  struct stat st;
  unsigned char *buf;
  int fd;
  double f, s;
  double anon4k = 1e9, anonhuge = 1e9, anon2 = 1e9, fmap = 1e9, fpop = 1e9, f2 = 1e9;
  double rd = 1e9, fst = 1e9, prd = 1e9;
  int fileOnly = 0;

  if( argc > 1 && strcmp(argv[1], "-f") == 0 ){ fileOnly = 1; argc--; argv++; }
  if( argc < 2 || argc > 4 ){
    fprintf(stderr, "usage: floor [-f] FILE [MIB [REPS]]\n");
    return 2;
  }
  zFile = argv[1];
  if( argc > 2 ) mib = strtol(argv[2], 0, 10);
  if( argc > 3 ) reps = strtol(argv[3], 0, 10);
  if( mib < 2 || mib > 65536 || reps < 1 || reps > 100 ){
    fprintf(stderr, "floor: MIB must be 2..65536 and REPS 1..100\n");
    return 2;
  }
  fd = open(zFile, O_RDONLY | O_CLOEXEC);
  if( fd < 0 ) die("open");
  if( fstat(fd, &st) != 0 ) die("fstat");
  if( !S_ISREG(st.st_mode) || st.st_size < (off_t)(PAGE * 16) ){
    fprintf(stderr, "floor: %s: not a regular file of at least 64 KiB\n", zFile);
    return 1;
  }
  n = (size_t)st.st_size;
  if( n > (size_t)mib << 20 ) n = (size_t)mib << 20;
  n &= ~(size_t)(PAGE - 1);
  an = ((size_t)mib << 20) / 2;
  an &= ~(HUGE_SZ - 1);
  buf = malloc(READ_BUF);
  if( !buf ){ fprintf(stderr, "floor: out of memory\n"); return 1; }

  (void)read_once(fd, buf, n);         /* the sample in the page cache, untimed */
  for( r = 0; r < reps; r++ ){
    rd = min2(rd, read_once(fd, buf, n));
    file_once(fd, n, 0, &f, &s); fmap = min2(fmap, f); f2 = min2(f2, s);
    file_once(fd, n, 1, &f, &s); fpop = min2(fpop, f); f2 = min2(f2, s);
    if( fileOnly ) continue;
    anon_once(an, 0, &f, &s); anon4k = min2(anon4k, f); anon2 = min2(anon2, s);
    anon_once(an, 1, &f, &s); anonhuge = min2(anonhuge, f); anon2 = min2(anon2, s);
    fst = min2(fst, fstatat_once());
    prd = min2(prd, pread_once(fd, buf, n));
  }
  close(fd);
  free(buf);

  if( !fileOnly ){
    printf("anon_first_write %.4f ms/MiB\n", per_mib(anon4k, an));
    printf("anon_first_write_huge %.4f ms/MiB\n", per_mib(anonhuge, an));
    printf("anon_second_pass %.4f ms/MiB\n", per_mib(anon2, an));
  }
  printf("file_first_touch %.4f ms/MiB\n", per_mib(fmap, n));
  printf("file_first_touch_populate %.4f ms/MiB\n", per_mib(fpop, n));
  printf("file_second_pass %.4f ms/MiB\n", per_mib(f2, n));
  printf("read_page_cache %.4f ms/MiB\n", per_mib(rd, n));
  if( !fileOnly ){
    printf("fstatat %.3f us\n", fst * 1e6);
    printf("pread_small %.3f us\n", prd * 1e6);
  }
  printf("sample_mib %.1f MiB\n", (double)n / 1048576.0);
  printf("reps %ld count\n", reps);
  return 0;
}
