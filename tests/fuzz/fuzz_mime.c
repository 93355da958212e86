/* SPDX-License-Identifier: MIT */
/*
** fuzz_mime.c — libFuzzer target for the RFC 2047 decoder (ext/mime.c):
** any bytes as a Subject value, decoded into exact-size heap buffers (so
** that ASan sees any write past cap or read past n), with a buffer that
** always holds everything and with small ones.  What must hold:
**
**   * the result is NUL-terminated and at most cap-1 bytes; cap==0 writes
**     nothing;
**   * MT_RFC2047_MAX(n) always holds the whole result;
**   * a result with a smaller cap is a prefix of the whole one, cut no
**     earlier than it had to be (a character is at most 4 bytes), and is
**     valid UTF-8 whenever the whole one is;
**   * no NUL appears in the output unless the input has one;
**   * without a well-formed word (mt_rfc2047_has_words()==0) the output is
**     the input.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mime.h"

/* Well-formed UTF-8 (no overlongs, surrogates or code points > 10FFFF). */
static int utf8_valid(const unsigned char *p, size_t n){
  size_t i = 0;
  while( i < n ){
    unsigned char c = p[i];
    size_t k, j;
    unsigned char lo = 0x80, hi = 0xBF;
    if( c < 0x80 ){ i++; continue; }
    if( c >= 0xC2 && c <= 0xDF ) k = 1;
    else if( c >= 0xE0 && c <= 0xEF ){ k = 2; if( c==0xE0 ) lo = 0xA0; if( c==0xED ) hi = 0x9F; }
    else if( c >= 0xF0 && c <= 0xF4 ){ k = 3; if( c==0xF0 ) lo = 0x90; if( c==0xF4 ) hi = 0x8F; }
    else return 0;
    if( n - i - 1 < k ) return 0;
    for(j=1; j<=k; j++){
      unsigned char b = p[i+j];
      if( b < (j==1 ? lo : 0x80) || b > (j==1 ? hi : 0xBF) ) return 0;
    }
    i += k + 1;
  }
  return 1;
}

/* Decode into an exact-size heap buffer of cap bytes; abort on a broken
** invariant.  Returns the buffer (caller frees) and its length in *pLen. */
static char *decode(const char *in, size_t n, size_t cap, size_t *pLen){
  char *out = malloc(cap ? cap : 1);
  size_t r;
  if( !out ) abort();
  r = mt_rfc2047_decode(in, n, cap ? out : 0, cap);
  if( cap==0 ){
    if( r != 0 ) abort();
  }else{
    if( r > cap - 1 ) abort();
    if( out[r] != 0 ) abort();
  }
  *pLen = r;
  return out;
}

static void check_cap(const char *in, size_t n, size_t cap,
                      const char *full, size_t fl, int full_valid){
  size_t pl;
  char *part = decode(in, n, cap, &pl);
  if( cap ){
    if( pl > fl || memcmp(part, full, pl)!=0 ) abort();       /* a prefix */
    if( pl < fl && pl + 4 < cap ) abort();                     /* cut too early */
    if( cap > fl && pl != fl ) abort();                        /* fits: whole */
    if( full_valid && !utf8_valid((const unsigned char*)part, pl) ) abort();
  }
  free(part);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  char *in = malloc(size ? size : 1);
  char *full, *more;
  size_t fl, ml, cap0 = MT_RFC2047_MAX(size);
  int full_valid;
  static const size_t aCap[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 32, 100 };
  size_t i;
  if( !in ) return 0;
  memcpy(in, data, size);

  full = decode(in, size, cap0, &fl);
  more = decode(in, size, cap0 + 64, &ml);
  if( ml != fl || memcmp(full, more, fl)!=0 ) abort();         /* MAX holds all */
  free(more);

  if( !memchr(in, 0, size) && strlen(full) != fl ) abort();
  if( !mt_rfc2047_has_words(in, size) && (fl != size || memcmp(full, in, size)!=0) ) abort();

  full_valid = utf8_valid((const unsigned char*)full, fl);
  for(i=0; i<sizeof(aCap)/sizeof(aCap[0]); i++){
    if( aCap[i] <= fl + 1 ) check_cap(in, size, aCap[i], full, fl, full_valid);
  }
  if( fl > 1 ){
    check_cap(in, size, fl, full, fl, full_valid);             /* one short */
    check_cap(in, size, 1 + (size * 7919u) % fl, full, fl, full_valid);
  }

  free(full);

  /* attachment names (mt_filename_decode): the bound holds, and the result
  ** is the name itself or a decoding that fits */
  {
    size_t cap = MT_RFC2047_MAX(size);
    char *nm = malloc(cap), *small;
    size_t nl, sl;
    if( !nm ) abort();
    nl = mt_filename_decode(in, size, nm, cap);
    if( nl >= cap || nm[nl]!=0 ) abort();
    small = malloc(8);
    if( !small ) abort();
    sl = mt_filename_decode(in, size, small, 8);
    if( sl >= 8 || small[sl]!=0 || sl > nl ) abort();
    free(small);
    free(nm);
  }
  free(in);
  return 0;
}
