/* SPDX-License-Identifier: MIT */
/*
** fuzz_line.c — libFuzzer target for the line and body grammar
** (ext/lines.c, ext/events.c): any bytes, split into lines as the reader
** does, must parse without reading out of bounds, and every span an event
** hands out must lie inside the line.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "events.h"
#include "smtp.h"
#include "fuzz.h"

static void check_line(const char *p, size_t n){
  mt_line ln;
  mt_event ev;
  char *copy = fuzz_copy(p, n);
  if( !copy ) return;
  mt_line_parse(copy, n, &ln);
  if( ln.body < copy || ln.body + ln.body_len > copy + n ) abort();
  mt_event_parse(ln.body, ln.body_len, &ev);
  fuzz_fields_inside(&ev, ln.body, ln.body_len);
  if( mt_has(&ev, MT_F_RIDS) ){
    mt_span s = ev.f[MT_F_RIDS];
    int64_t rid;
    int k = 0;
    while( mt_rids_next(&s, &rid) && k < 1000000 ) k++;
  }
  (void)mt_event_name(ev.kind);
  if( mt_event_fills(&ev) >> MT_FILL_COUNT ) abort();          /* only known bits */
  {
    /* the injection side classifier reads only inside the body */
    int c = mt_smtp_content(ln.body, ln.body_len);
    if( c!=0 && c!=MT_SMTP_REPLY && c!=MT_SMTP_COMMAND ) abort();
  }
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  fuzz_each_line(data, size, check_line);
  return 0;
}
