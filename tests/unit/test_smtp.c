/* SPDX-License-Identifier: MIT */
/*
** test_smtp.c — the injection debug log grammar (ext/smtp.c): body shape,
** repr decoding (with hostile input), the UTF-8 check, seq numbering.
*/
#include "smtp.h"
#include "unit.h"

#include <stdlib.h>

static int parse(const char *z, mt_smtp_line *l){ return mt_smtp_parse(z, strlen(z), l); }

/* Decode `in` (length n) from a heap copy of exactly n bytes, so that a read
** past the end shows under ASan and valgrind; compare with want (wn bytes). */
static int decodes_to(const char *in, size_t n, const char *want, size_t wn){
  char *src = malloc(n ? n : 1), *out = malloc(n ? n : 1);
  size_t k;
  int ok;
  if( !src || !out ){ free(src); free(out); return 0; }
  memcpy(src, in, n);
  k = mt_repr_decode(src, n, out);
  ok = k==wn && k<=n && memcmp(out, want, wn)==0;
  if( !ok ) printf("  decoded %zu bytes: '%.*s'\n", k, (int)k, out);
  free(src);
  free(out);
  return ok;
}
#define DECODES(name, in, want) \
  CHECK(name, decodes_to(in, sizeof(in)-1, want, sizeof(want)-1))

static void test_parse(void){
  mt_smtp_line l;
  CHECK("parse.sent", parse("102503993 Sent: 'MAIL FROM:<daily@dailyf-y-i.net>'", &l)==1);
  CHECK("parse.sent.icid", l.icid==102503993);
  CHECK("parse.sent.direction", l.direction==MT_SMTP_SENT);
  CHECK_SPAN("parse.sent.dir", l.dir, 4, "Sent");
  CHECK_SPAN("parse.sent.repr", l.repr, (long)l.repr_len, "'MAIL FROM:<daily@dailyf-y-i.net>'");

  CHECK("parse.rcvd", parse("52001 Rcvd: 'EHLO mail.sender.example\\r\\n'", &l)==1);
  CHECK("parse.rcvd.fields", l.icid==52001 && l.direction==MT_SMTP_RCVD);
  CHECK_SPAN("parse.rcvd.repr", l.repr, (long)l.repr_len, "'EHLO mail.sender.example\\r\\n'");

  CHECK("parse.dquote", parse("7 Rcvd: \"it's\"", &l)==1 && l.icid==7);
  CHECK_SPAN("parse.dquote.repr", l.repr, (long)l.repr_len, "\"it's\"");

  CHECK("parse.icid_zero", parse("0 Sent: ''", &l)==1 && l.icid==0);
  CHECK("parse.leading_zero", parse("052001 Sent: 'x'", &l)==1 && l.icid==52001);
  CHECK("parse.18_digits", parse("999999999999999999 Sent: 'x'", &l)==1 && l.icid==999999999999999999LL);
  CHECK("parse.19_digits", parse("9999999999999999999 Sent: 'x'", &l)==0);

  /* the repr may be empty or anything: it is the rest of the body */
  CHECK("parse.empty_rest", parse("52001 Sent: ", &l)==1 && l.repr_len==0);
  CHECK("parse.bare_rest", parse("52001 Sent: QUIT", &l)==1);
  CHECK_SPAN("parse.bare_rest.repr", l.repr, (long)l.repr_len, "QUIT");

  /* not the shape: mail_logs bodies, header lines, near misses */
  CHECK("parse.not.icid_keyword", parse("ICID 52001 close", &l)==0);
  CHECK("parse.not.new_smtp", parse("New SMTP ICID 52001 interface Data 1", &l)==0);
  CHECK("parse.not.begin", parse("Begin Logfile", &l)==0);
  CHECK("parse.not.tz", parse("Time offset from UTC: -18000 seconds", &l)==0);
  CHECK("parse.not.mid", parse("MID 81001 Subject 'Sent: x'", &l)==0);
  CHECK("parse.not.lowercase", parse("52001 sent: 'x'", &l)==0);
  CHECK("parse.not.no_space_after_colon", parse("52001 Sent:'x'", &l)==0);
  CHECK("parse.not.no_colon", parse("52001 Sent 'x'", &l)==0);
  CHECK("parse.not.two_spaces", parse("52001  Sent: 'x'", &l)==0);
  CHECK("parse.not.tab", parse("52001\tSent: 'x'", &l)==0);
  CHECK("parse.not.other_word", parse("52001 Recv: 'x'", &l)==0);
  CHECK("parse.not.ends_at_colon", parse("52001 Sent:", &l)==0);
  CHECK("parse.not.short", parse("52001 Se", &l)==0);
  CHECK("parse.not.digits_only", parse("52001", &l)==0);
  CHECK("parse.not.empty", mt_smtp_parse("", 0, &l)==0);
  CHECK("parse.not.sign", parse("-1 Sent: 'x'", &l)==0);

  /* never reads past n: the shape cut short inside a longer buffer */
  {
    static const char z[] = "52001 Sent: 'x'";
    size_t n;
    int bad = 0;
    for(n=0; n<12; n++){
      char *p = malloc(n ? n : 1);
      if( !p ) continue;
      memcpy(p, z, n);
      if( mt_smtp_parse(p, n, &l)!=0 ) bad++;
      free(p);
    }
    CHECK("parse.prefixes_of_the_shape_do_not_match", bad==0);
    CHECK("parse.exact_shape_12_bytes", mt_smtp_parse(z, 12, &l)==1 && l.repr_len==0);
  }
  /* a NUL inside the digits stops them */
  CHECK("parse.not.nul_in_digits", mt_smtp_parse("52\0001 Sent: 'x'", 14, &l)==0);
}

static void test_decode(void){
  DECODES("decode.plain", "'250 OK'", "250 OK");
  DECODES("decode.crlf", "'EHLO a.example\\r\\n'", "EHLO a.example\r\n");
  DECODES("decode.tab", "'To: a,\\r\\n\\tb'", "To: a,\r\n\tb");
  DECODES("decode.backslash", "'C:\\\\dir\\\\f.pdf'", "C:\\dir\\f.pdf");
  DECODES("decode.escaped_quote", "'it\\'s'", "it's");
  DECODES("decode.escaped_dquote", "'say \\\"hi\\\"'", "say \"hi\"");
  DECODES("decode.dquoted", "\"The customer's copy\\r\\n\"", "The customer's copy\r\n");
  DECODES("decode.dquoted_escaped_dquote", "\"a\\\"b'c\"", "a\"b'c");
  DECODES("decode.hex_utf8", "'\\xe2\\x82\\xac 120'", "\xe2\x82\xac 120");
  DECODES("decode.hex_upper", "'\\xFF\\xfe'", "\xff\xfe");
  DECODES("decode.hex_nul", "'a\\x00b'", "a\0b");
  DECODES("decode.trailing_spaces", "'QUIT\\r\\n'  \t", "QUIT\r\n");
  DECODES("decode.double_backslash_before_quote", "'a\\\\'", "a\\");
  DECODES("decode.only_escapes", "'\\r\\n'", "\r\n");
  DECODES("decode.dot", "'.\\r\\n'", ".\r\n");

  /* empty */
  DECODES("decode.empty_repr", "''", "");
  DECODES("decode.empty_dquoted", "\"\"", "");
  CHECK("decode.empty_input", decodes_to("", 0, "", 0));

  /* unterminated or not a repr: kept exactly as written */
  DECODES("decode.unterminated", "'EHLO a\\r\\n", "'EHLO a\\r\\n");
  DECODES("decode.lone_quote", "'", "'");
  DECODES("decode.lone_quote_spaces", "'   ", "'   ");
  DECODES("decode.escaped_closing_quote", "'abc\\'", "'abc\\'");
  DECODES("decode.three_backslashes_before_quote", "'a\\\\\\'", "'a\\\\\\'");
  DECODES("decode.mismatched_quotes", "'abc\"", "'abc\"");
  DECODES("decode.text_after_closing", "'a' b", "'a' b");
  DECODES("decode.bare", "QUIT\\r\\n", "QUIT\\r\\n");
  DECODES("decode.bare_space", " 'x'", " 'x'");

  /* bad escapes: kept as written, the rest still decoded */
  DECODES("decode.x_at_end", "'abc\\x'", "abc\\x");
  DECODES("decode.x_one_digit_at_end", "'abc\\x4'", "abc\\x4");
  DECODES("decode.x_bad_digits", "'\\xZZ\\r\\n'", "\\xZZ\r\n");
  DECODES("decode.x_one_bad_digit", "'\\x4G'", "\\x4G");
  DECODES("decode.unknown_escape", "'\\q\\a\\0'", "\\q\\a\\0");
  DECODES("decode.bare_quote_inside", "'it's'", "it's");

  /* NUL bytes as written (not escaped) are just bytes */
  {
    static const char in[] = "'a\0b\\n'";
    static const char want[] = "a\0b\n";
    static const char in2[] = "\0'x'";
    CHECK("decode.raw_nul", decodes_to(in, sizeof(in)-1, want, sizeof(want)-1));
    CHECK("decode.leading_nul_as_written", decodes_to(in2, sizeof(in2)-1, in2, sizeof(in2)-1));
  }

  /* every prefix of a hostile repr: no read past n, never longer than n */
  {
    static const char z[] = "'\\xe2\\x8\\\\\\'\\q\\xZZ\\r\\n\"'";
    size_t n, total = sizeof(z)-1;
    int bad = 0;
    for(n=0; n<=total; n++){
      char *src = malloc(n ? n : 1), *out = malloc(n ? n : 1);
      if( src && out ){
        memcpy(src, z, n);
        if( mt_repr_decode(src, n, out) > n ) bad++;
      }
      free(src); free(out);
    }
    CHECK("decode.every_prefix_fits", bad==0);
  }
}

static void test_utf8(void){
  CHECK("utf8.empty", mt_is_utf8_text("", 0)==1);
  CHECK("utf8.ascii", mt_is_utf8_text("EHLO\r\n", 6)==1);
  CHECK("utf8.euro", mt_is_utf8_text("\xe2\x82\xac", 3)==1);
  CHECK("utf8.two_byte", mt_is_utf8_text("\xc3\xa9", 2)==1);
  CHECK("utf8.four_byte", mt_is_utf8_text("\xf0\x9f\x93\xa7", 4)==1);
  CHECK("utf8.max", mt_is_utf8_text("\xf4\x8f\xbf\xbf", 4)==1);
  CHECK("utf8.ff", mt_is_utf8_text("a\xff" "b", 3)==0);
  CHECK("utf8.nul", mt_is_utf8_text("a\0b", 3)==0);
  CHECK("utf8.lone_continuation", mt_is_utf8_text("\x80", 1)==0);
  CHECK("utf8.truncated", mt_is_utf8_text("\xe2\x82", 2)==0);
  CHECK("utf8.overlong_2", mt_is_utf8_text("\xc0\xaf", 2)==0);
  CHECK("utf8.overlong_3", mt_is_utf8_text("\xe0\x80\xaf", 3)==0);
  CHECK("utf8.overlong_4", mt_is_utf8_text("\xf0\x80\x80\xaf", 4)==0);
  CHECK("utf8.surrogate", mt_is_utf8_text("\xed\xa0\x80", 3)==0);
  CHECK("utf8.above_max", mt_is_utf8_text("\xf4\x90\x80\x80", 4)==0);
  CHECK("utf8.f5", mt_is_utf8_text("\xf5\x80\x80\x80", 4)==0);
  CHECK("utf8.bad_second", mt_is_utf8_text("\xe2\x28\xa1", 3)==0);
}

static void test_seq(void){
  mt_smtp_seq m;
  int64_t a1, a2, b1, a3, c1, oth;
  int i, ok = 1;
  mt_smtp_seq_init(&m);
  a1 = mt_smtp_seq_next(&m, "esa1", 4, 52001);
  a2 = mt_smtp_seq_next(&m, "esa1", 4, 52001);
  b1 = mt_smtp_seq_next(&m, "esa1", 4, 52012);
  a3 = mt_smtp_seq_next(&m, "esa1", 4, 52001);
  c1 = mt_smtp_seq_next(&m, "esa2", 4, 52001);
  oth = mt_smtp_seq_next(&m, "esa10", 4, 52001);   /* only 4 bytes: "esa1" */
  CHECK("seq.first", a1==1 && a2==2 && a3==3);
  CHECK("seq.per_icid", b1==1);
  CHECK("seq.per_host", c1==1);
  CHECK("seq.host_by_length", oth==4);
  CHECK("seq.empty_host", mt_smtp_seq_next(&m, "", 0, 1)==1 && mt_smtp_seq_next(&m, "", 0, 1)==2);
  /* many ids and hosts: the table grows and keeps every counter */
  for(i=0; i<5000; i++){
    char h[8];
    snprintf(h, sizeof(h), "h%d", i%7);
    if( mt_smtp_seq_next(&m, h, strlen(h), i)!=1 ) ok = 0;
  }
  for(i=0; i<5000; i++){
    char h[8];
    snprintf(h, sizeof(h), "h%d", i%7);
    if( mt_smtp_seq_next(&m, h, strlen(h), i)!=2 ) ok = 0;
  }
  CHECK("seq.grows", ok);
  CHECK("seq.old_counter_kept", mt_smtp_seq_next(&m, "esa1", 4, 52012)==2);
  mt_smtp_seq_free(&m);
  CHECK("seq.free_resets", m.nhost==0 && m.map.cap==0 && m.nent==0 && mt_smtp_seq_next(&m, "esa1", 4, 52001)==1);
  mt_smtp_seq_free(&m);
}

int main(void){
  test_parse();
  test_decode();
  test_utf8();
  test_seq();
  return unit_failed ? 1 : 0;
}
