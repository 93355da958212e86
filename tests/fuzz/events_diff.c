/*
** events_diff.c — differential check of the body grammar: an OLD build of
** ext/events.c (its public names renamed old_*, compiled from a git revision
** by tests/fuzz/events_diff.sh) against the current one, on every line of the
** files given.  Every field of the event is compared: kind, the five ids, the
** RID count, which fields are set, and each field's span as an offset into
** the body and a length.  A refactoring of the grammar that changes no
** behaviour gives "0 differences".
**
**   tests/fuzz/events_diff.sh [REV]          (builds and runs this; REV: main)
**
** Each line is parsed twice: its body as mt_line_parse cuts it, and the
** whole line as a body (so prefix-less and odd lines reach every rule too).
** Built with -DEVENTS_DIFF_FUZZ it is a libFuzzer target instead: any bytes,
** split into lines, must give the same event from both; a difference aborts.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lines.h"
#include "events.h"

void old_mt_event_parse(const char *body, size_t n, mt_event *ev);
unsigned old_mt_event_fills(const mt_event *ev);
const char *old_mt_event_overflow(const mt_event *ev);

static long nCompared, nDiff;

/* 0 when a and b (parsed from the same body) are the same event. */
static int same_event(const mt_event *a, const mt_event *b, const char *body, char *why, size_t nwhy){
  int f;
#define CMP(x) if( a->x!=b->x ){ snprintf(why, nwhy, #x " old %lld new %lld", (long long)a->x, (long long)b->x); return 0; }
  CMP(kind) CMP(icid) CMP(mid) CMP(dcid) CMP(rid) CMP(mid2) CMP(nrid) CMP(have)
#undef CMP
  for(f=0; f<MT_F_COUNT; f++){
    if( !mt_has(a, f) ) continue;
    if( a->f[f].p!=b->f[f].p || a->f[f].n!=b->f[f].n ){
      snprintf(why, nwhy, "field %d old @%ld+%d new @%ld+%d", f,
               (long)(a->f[f].p - body), a->f[f].n, (long)(b->f[f].p - body), b->f[f].n);
      return 0;
    }
  }
  if( old_mt_event_fills(a)!=mt_event_fills(b) ){ snprintf(why, nwhy, "fills"); return 0; }
  if( old_mt_event_overflow(a)!=mt_event_overflow(b)
   && (!old_mt_event_overflow(a) || !mt_event_overflow(b) || strcmp(old_mt_event_overflow(a), mt_event_overflow(b))) ){
    snprintf(why, nwhy, "overflow"); return 0;
  }
  return 1;
}

/* Compare both parsers on one body; 0 on a difference. */
static int check_body(const char *body, size_t n, const char *where){
  mt_event a, b;
  char why[160];
  memset(&a, 0, sizeof a);
  memset(&b, 0x5a, sizeof b);    /* the new parser must set what the old one set */
  old_mt_event_parse(body, n, &a);
  mt_event_parse(body, n, &b);
  nCompared++;
  if( same_event(&a, &b, body, why, sizeof why) ) return 1;
  nDiff++;
  if( where && nDiff <= 20 ){
    fprintf(stderr, "DIFF %s: %s: %.*s\n", where, why, (int)(n > 300 ? 300 : n), body);
  }
  return 0;
}

static int check_line(const char *p, size_t n, const char *where){
  mt_line ln;
  int ok;
  char *copy = malloc(n ? n : 1);   /* exact size: a sanitizer sees a read past it */
  if( !copy ) abort();
  memcpy(copy, p, n);
  mt_line_parse(copy, n, &ln);
  ok = check_body(ln.body, ln.body_len, where);
  if( ln.body!=copy || ln.body_len!=n ) ok &= check_body(copy, n, where);
  free(copy);
  return ok;
}

static int check_chunk(const char *p, const char *e, const char *name){
  int ok = 1;
  long lineno = 0;
  char where[512];
  while( p < e ){
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    const char *le = nl ? nl : e;
    lineno++;
    if( name ) snprintf(where, sizeof where, "%s:%ld", name, lineno);
    if( le > p && le[-1]=='\r' ) le--;           /* as the reader does */
    ok &= check_line(p, (size_t)(le - p), name ? where : 0);
    p = nl ? nl + 1 : e;
  }
  return ok;
}

#ifdef EVENTS_DIFF_FUZZ
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  if( !check_chunk((const char*)data, (const char*)data + size, 0) ) abort();
  return 0;
}
#else
static int check_file(const char *name){
  FILE *f = fopen(name, "rb");
  char *buf = 0;
  size_t n = 0, cap = 0, r;
  int ok;
  if( !f ){ perror(name); return 0; }
  for(;;){
    if( n==cap ){
      char *nb = realloc(buf, cap = cap ? cap*2 : 1<<20);
      if( !nb ){ fprintf(stderr, "%s: out of memory\n", name); fclose(f); free(buf); return 0; }
      buf = nb;
    }
    r = fread(buf + n, 1, cap - n, f);
    if( r==0 ) break;
    n += r;
  }
  fclose(f);
  ok = check_chunk(buf, buf + n, name);
  free(buf);
  return ok;
}

static double now(void){
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* "-t FILE": parse time of the old and the new grammar over the bodies of
** FILE (mt_line_parse done once, beforehand), best of 5 turns each, the
** two alternating. */
static int time_file(const char *name){
  FILE *f = fopen(name, "rb");
  char *buf; long n;
  mt_line *ln; size_t nl = 0, cap = 1<<16, i;
  const char *p, *e;
  double best[2] = { 1e9, 1e9 };
  long kinds[2] = { 0, 0 };
  int turn, which;
  mt_event ev;
  const char *only = getenv("EVENTS_DIFF_ONLY");
  if( !f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ){ perror(name); return 1; }
  buf = malloc((size_t)n + 1); ln = malloc(cap * sizeof *ln);
  if( !buf || !ln || fread(buf, 1, (size_t)n, f)!=(size_t)n ){ fprintf(stderr, "%s: cannot read\n", name); return 1; }
  fclose(f);
  for(p = buf, e = buf + n; p < e; ){
    const char *q = memchr(p, '\n', (size_t)(e - p));
    const char *le = q ? q : e;
    if( nl==cap ){ mt_line *nln = realloc(ln, (cap *= 2) * sizeof *ln); if( !nln ) return 1; ln = nln; }
    mt_line_parse(p, (size_t)(le - p), &ln[nl++]);
    p = q ? q + 1 : e;
  }
  for(turn=0; turn<10; turn++){
    double t0;
    long k = 0;
    which = turn & 1;
    if( only && (only[0]=='n')!=which ) continue;     /* EVENTS_DIFF_ONLY=old|new: for perf stat */
    t0 = now();
    for(i=0; i<nl; i++){
      if( which ) mt_event_parse(ln[i].body, ln[i].body_len, &ev);
      else old_mt_event_parse(ln[i].body, ln[i].body_len, &ev);
      k += ev.kind;
    }
    t0 = now() - t0;
    if( t0 < best[which] ) best[which] = t0;
    kinds[which] = k;
  }
  printf("%s: %zu lines; old %.1f ns/line, new %.1f ns/line (best of 5 each): new/old %.3f%s\n",
         name, nl, best[0]*1e9/(double)nl, best[1]*1e9/(double)nl, best[1]/best[0],
         kinds[0]==kinds[1] ? "" : " (kinds differ!)");
  free(buf); free(ln);
  return 0;
}

/* Arguments: files, or "-" to read file names one per line from stdin;
** "-t FILE" times the two grammars instead. */
int main(int argc, char **argv){
  int i, nfile = 0;
  char name[4096];
  if( argc==3 && strcmp(argv[1], "-t")==0 ) return time_file(argv[2]);
  for(i=1; i<argc; i++){
    if( strcmp(argv[i], "-")==0 ){
      while( fgets(name, sizeof name, stdin) ){
        size_t k = strlen(name);
        if( k && name[k-1]=='\n' ) name[--k] = 0;
        if( k ){ check_file(name); nfile++; }
      }
    }else{
      check_file(argv[i]); nfile++;
    }
  }
  printf("%s events_diff: %d files, %ld bodies compared, %ld differences\n",
         nDiff ? "FAIL" : "PASS", nfile, nCompared, nDiff);
  return nDiff ? 1 : 0;
}
#endif
