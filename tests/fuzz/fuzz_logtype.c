/* SPDX-License-Identifier: MIT */
/*
** fuzz_logtype.c — libFuzzer target for the log types and the events of the
** other logs (ext/logtype.c, ext/amp.c): any bytes, split into lines, must
** classify and parse under every file type without reading out of bounds;
** every span an event hands out lies inside the line; a line with a prefix
** always gets a type; the files table built from them (attach.c) holds
** only rows with a MID and frees cleanly.
**
**   make fuzz            (tests/fuzz/README.md)
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "events.h"
#include "logtype.h"
#include "attach.h"
#include "fuzz.h"

static mt_attach A;   /* the files of every line of one input (attach.c) */

static void check_line(const char *p, size_t n){
  mt_line ln;
  mt_event ev;
  int ft, t;
  char *copy = fuzz_copy(p, n);
  if( !copy ) return;
  mt_line_parse(copy, n, &ln);
  if( ln.tag && (ln.tag < copy || ln.tag + ln.tag_len > copy + n) ) abort();
  for(ft=0; ft<MT_LOG_COUNT; ft++){
    t = mt_line_event(&ln, ft, &ev);
    if( t<0 || t>=MT_LOG_COUNT ) abort();
    if( ln.form!=MT_FORM_NONE && t==MT_LOG_NONE ) abort();
    /* outside mail_logs, no mail_logs event but the file header lines every log writes */
    if( !mt_logtype_is_mail(t) && t!=MT_LOG_STATUS && ev.kind!=MT_EV_NONE && ev.kind < MT_EV_BOUNCES_BOUNCED
     && !(ev.kind>=MT_EV_LOG_BEGIN && ev.kind<=MT_EV_SYSTEM_UP) ) abort();
    fuzz_fields_inside(&ev, ln.body, ln.body_len);
  }
  t = mt_line_event(&ln, MT_LOG_NONE, &ev);
  (void)mt_attach_line(&A, "h", 1, 1, 0, t, &ln, &ev);
  (void)mt_logtype_shape(copy, n);
  (void)mt_logtype_tag(copy, (int)(n < 64 ? n : 64));
  free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size){
  fuzz_each_line(data, size, check_line);
  mt_attach_finish(&A);
  for(int i=0; i<A.n; i++){
    if( A.a[i].mid<0 ) abort();
    (void)mt_attach_sha(&A, A.a[i].sha256);
  }
  mt_attach_free(&A);
  return 0;
}
