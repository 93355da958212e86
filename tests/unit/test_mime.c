/* SPDX-License-Identifier: MIT */
/*
** test_mime.c — RFC 2047 encoded words in Subject values (ext/mime.c).
**
** Self-contained: needs only ext/mime.c (no SQLite, no other room).
*/
#include "mime.h"
#include "unit.h"

#include <stdlib.h>

/* ---- helpers */

static char g_out[65536];
static long g_len;

/* Decode the C string z into g_out.  g_len is -1 when the result is not
** NUL-terminated at its length, so that CHECK_SPAN fails. */
static void dec(const char *z){
  size_t r = mt_rfc2047_decode(z, strlen(z), g_out, sizeof(g_out));
  g_len = (r < sizeof(g_out) && g_out[r]==0) ? (long)r : -1;
}

#define CHECK_DEC(name, in, want) do{ const char *o_ = g_out; dec(in); CHECK_SPAN(name, o_, g_len, want); }while(0)

/* Decode p[0..n) from an exact-size heap copy into an exact-size heap
** buffer of cap bytes, with a guard byte after it that must stay
** untouched.  Returns the length, or (size_t)-1 on a broken invariant. */
static size_t dec_heap(const char *p, size_t n, char *res, size_t cap){
  char *in = malloc(n ? n : 1);
  char *out = malloc(cap + 1);
  size_t r, bad = 0;
  if( !in || !out ){ free(in); free(out); return (size_t)-1; }
  memcpy(in, p, n);
  out[cap] = 0x5A;
  r = mt_rfc2047_decode(in, n, out, cap);
  if( out[cap] != 0x5A ) bad = 1;
  if( cap==0 ){ if( r != 0 ) bad = 1; }
  else if( r > cap - 1 || out[r] != 0 ) bad = 1;
  if( !bad && res && cap ) memcpy(res, out, r + 1);
  free(in); free(out);
  return bad ? (size_t)-1 : r;
}

/* ---- encodings */

static void test_b(void){
  CHECK_DEC("b.utf8", "=?utf-8?B?w5xiZXJ3ZWlzdW5nIGJlc3TDpHRpZ2Vu?=",
            "\xC3\x9C" "berweisung best\xC3\xA4tigen");
  CHECK_DEC("b.lower_b", "=?utf-8?b?w5xiZXI=?=", "\xC3\x9C" "ber");
  CHECK_DEC("b.pad2", "=?utf-8?B?QQ==?=", "A");
  CHECK_DEC("b.pad1", "=?utf-8?B?QUI=?=", "AB");
  CHECK_DEC("b.nopad_needed", "=?utf-8?B?QUJD?=", "ABC");
  CHECK_DEC("b.missing_pad2", "=?utf-8?B?QQ?=", "A");
  CHECK_DEC("b.missing_pad1", "=?utf-8?B?QUI?=", "AB");
  CHECK_DEC("b.plus_slash", "=?iso-8859-1?B?+/8=?=", "\xC3\xBB\xC3\xBF");
  /* "?\?=" in these strings: a plain "??=" is a trigraph in -std=c11 */
  CHECK_DEC("b.empty_text", "x=?utf-8?B?\?=y", "xy");
}

static void test_q(void){
  CHECK_DEC("q.utf8", "=?UTF-8?Q?=C3=9Cberweisung_best=C3=A4tigen?=",
            "\xC3\x9C" "berweisung best\xC3\xA4tigen");
  CHECK_DEC("q.lower_q", "=?utf-8?q?caf=C3=A9?=", "caf\xC3\xA9");
  CHECK_DEC("q.underscore", "=?utf-8?q?a_b?=", "a b");
  CHECK_DEC("q.eq20", "=?utf-8?q?a=20b?=", "a b");
  CHECK_DEC("q.underscore_and_eq20", "=?utf-8?Q?_x=20_?=", " x  ");
  CHECK_DEC("q.eq5F_is_underscore", "=?utf-8?Q?a=5Fb?=", "a_b");
  CHECK_DEC("q.lower_hex", "=?utf-8?Q?=c3=a9?=", "\xC3\xA9");
  CHECK_DEC("q.literals", "=?utf-8?Q?a.b,c(d)\"e\"!*+-/=3D?=", "a.b,c(d)\"e\"!*+-/=");
  CHECK_DEC("q.empty_text", "=?utf-8?q?\?=", "");
}

/* ---- charsets */

static void test_charsets(void){
  CHECK_DEC("cs.ascii", "=?us-ascii?q?Keith_Moore?=", "Keith Moore");
  CHECK_DEC("cs.case", "=?UtF-8?q?x?= =?US-ASCII?Q?y?=", "xy");
  CHECK_DEC("cs.utf8_nodash", "=?utf8?q?=E2=82=AC?=", "\xE2\x82\xAC");
  CHECK_DEC("cs.utf8_4byte", "=?utf-8?B?8J+YgA==?=", "\xF0\x9F\x98\x80");
  CHECK_DEC("cs.rfc2231_lang", "=?US-ASCII*EN?Q?Keith_Moore?=", "Keith Moore");
  CHECK_DEC("cs.rfc2231_lang_utf8", "=?utf-8*de-DE?B?w5w=?=", "\xC3\x9C");

  CHECK_DEC("latin1.q", "=?iso-8859-1?q?caf=E9?=", "caf\xC3\xA9");
  CHECK_DEC("latin1.upper", "=?ISO-8859-1?Q?=C4=D6=DC=DF?=", "\xC3\x84\xC3\x96\xC3\x9C\xC3\x9F");
  CHECK_DEC("latin1.b", "=?latin1?B?5A==?=", "\xC3\xA4");
  CHECK_DEC("latin1.alias", "=?Latin-1?q?=FF?= =?iso8859-1?q?=A0?= =?ISO_8859-1?q?=E9?=",
            "\xC3\xBF\xC2\xA0\xC3\xA9");
  CHECK_DEC("latin1.0x80_is_c1", "=?iso-8859-1?q?=80?=", "\xC2\x80");
  CHECK_DEC("latin1.0xA4", "=?iso-8859-1?q?=A4?=", "\xC2\xA4");

  CHECK_DEC("cp1252.euro", "=?windows-1252?Q?=80_100?=", "\xE2\x82\xAC 100");
  CHECK_DEC("cp1252.euro_b", "=?cp1252?B?gA==?=", "\xE2\x82\xAC");
  CHECK_DEC("cp1252.quotes", "=?Windows-1252?q?=93hi=94_=96_=85?=",
            "\xE2\x80\x9Chi\xE2\x80\x9D \xE2\x80\x93 \xE2\x80\xA6");
  CHECK_DEC("cp1252.table", "=?windows-1252?q?=82=83=8A=8C=8E=99=9A=9C=9E=9F?=",
            "\xE2\x80\x9A\xC6\x92\xC5\xA0\xC5\x92\xC5\xBD\xE2\x84\xA2\xC5\xA1\xC5\x93\xC5\xBE\xC5\xB8");
  CHECK_DEC("cp1252.unassigned", "=?windows-1252?q?=81=8D=8F=90=9D?=",
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK_DEC("cp1252.high_is_latin1", "=?x-cp1252?q?=E9=A4?=", "\xC3\xA9\xC2\xA4");

  CHECK_DEC("latin9.euro", "=?iso-8859-15?q?=A4?=", "\xE2\x82\xAC");
  CHECK_DEC("latin9.diffs", "=?ISO-8859-15?Q?=A6=A8=B4=B8=BC=BD=BE?=",
            "\xC5\xA0\xC5\xA1\xC5\xBD\xC5\xBE\xC5\x92\xC5\x93\xC5\xB8");
  CHECK_DEC("latin9.same_as_latin1", "=?latin9?q?=E9=A3?=", "\xC3\xA9\xC2\xA3");

  CHECK_DEC("utf8.invalid_byte", "=?utf-8?q?a=FFb?=", "a\xEF\xBF\xBD" "b");
  CHECK_DEC("utf8.cut_sequence", "=?utf-8?q?a=E2=82?=", "a\xEF\xBF\xBD");
  CHECK_DEC("utf8.cut_then_ascii", "=?utf-8?q?=C3x?=", "\xEF\xBF\xBDx");
  CHECK_DEC("utf8.overlong", "=?utf-8?q?=C0=AF?=", "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK_DEC("utf8.surrogate", "=?utf-8?q?=ED=A0=80?=", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK_DEC("utf8.above_10ffff", "=?utf-8?q?=F4=90=80=80?=",
            "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK_DEC("utf8.lone_continuation", "=?utf-8?q?=80?=", "\xEF\xBF\xBD");
  CHECK_DEC("ascii.high_byte", "=?us-ascii?q?=E9?=", "\xEF\xBF\xBD");
  CHECK_DEC("decoded_nul", "=?utf-8?q?a=00b?=", "a\xEF\xBF\xBD" "b");
  CHECK_DEC("decoded_nul_latin1", "=?iso-8859-1?B?AA==?=", "\xEF\xBF\xBD");

  /* a character split between two adjacent words (real mailers do it) */
  CHECK_DEC("utf8.split_joined", "=?utf-8?q?caf=C3?= =?utf-8?q?=A9?=", "caf\xC3\xA9");
  CHECK_DEC("utf8.split_joined_b", "=?UTF-8?B?4oI=?=\\r\\n =?UTF-8?B?rA==?=", "\xE2\x82\xAC");
  CHECK_DEC("utf8.split_then_text", "=?utf-8?q?=C3?= x", "\xEF\xBF\xBD x");
  CHECK_DEC("utf8.split_then_latin1", "=?utf-8?q?=C3?= =?iso-8859-1?q?=A9?=",
            "\xEF\xBF\xBD\xC2\xA9");
  CHECK_DEC("utf8.split_then_kept", "=?utf-8?q?=C3?= =?bogus?q?=A9?=",
            "\xEF\xBF\xBD =?bogus?q?=A9?=");
}

/* ---- whitespace between words */

static void test_whitespace(void){
  CHECK_DEC("ws.adjacent_space", "=?utf-8?q?a?= =?utf-8?q?b?=", "ab");
  CHECK_DEC("ws.adjacent_spaces_tabs", "=?utf-8?q?a?=  \t  =?utf-8?q?b?=", "ab");
  CHECK_DEC("ws.adjacent_crlf", "=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab");
  CHECK_DEC("ws.adjacent_none", "=?utf-8?q?a?==?utf-8?B?Yg==?=", "ab");
  CHECK_DEC("ws.three_words", "=?utf-8?q?a?= =?iso-8859-1?q?=E9?=\t=?utf-8?b?Yw==?=",
            "a\xC3\xA9" "c");
  CHECK_DEC("ws.space_in_word_kept", "=?utf-8?q?a_?= =?utf-8?q?_b?=", "a  b");
  CHECK_DEC("ws.text_before", "Re: =?utf-8?q?caf=C3=A9?=", "Re: caf\xC3\xA9");
  CHECK_DEC("ws.text_after", "=?utf-8?q?caf=C3=A9?= ok", "caf\xC3\xA9 ok");
  CHECK_DEC("ws.text_between", "=?utf-8?q?a?= b =?utf-8?q?c?=", "a b c");
  CHECK_DEC("ws.text_spaces_kept", "x  =?utf-8?q?a?=  y", "x  a  y");
  CHECK_DEC("ws.trailing_kept", "=?utf-8?q?a?=  ", "a  ");
  CHECK_DEC("ws.glued_text", "foo=?utf-8?q?bar?=baz", "foobarbaz");
  CHECK_DEC("ws.quoted", "'=?utf-8?B?w5xiZXI=?='", "'\xC3\x9C" "ber'");
  CHECK_DEC("ws.dquoted_two", "\"=?utf-8?q?a?= =?utf-8?q?b?=\"", "\"ab\"");

  /* AsyncOS writes repr text: literal backslash escapes as folding */
  CHECK_DEC("repr.crlf_space", "=?utf-8?q?a?=\\r\\n =?utf-8?q?b?=", "ab");
  CHECK_DEC("repr.crlf_tab", "=?utf-8?q?a?=\\r\\n\\t=?utf-8?q?b?=", "ab");
  CHECK_DEC("repr.lf_only", "=?utf-8?q?a?=\\n =?utf-8?q?b?=", "ab");
  CHECK_DEC("repr.crlf_nospace", "=?utf-8?q?a?=\\r\\n=?utf-8?q?b?=", "ab");
  CHECK_DEC("repr.mixed", "=?utf-8?q?a?= \\r\\n  \\t =?utf-8?q?b?=", "ab");
  CHECK_DEC("repr.before_text_kept", "=?utf-8?q?a?=\\r\\n (draft v2)", "a\\r\\n (draft v2)");
  CHECK_DEC("repr.plain_text_kept", "Re: Quarterly figures\\r\\n (draft v2)",
            "Re: Quarterly figures\\r\\n (draft v2)");
  CHECK_DEC("repr.escaped_backslash_not_folding", "=?utf-8?q?a?=\\\\n=?utf-8?q?b?=", "a\\\\nb");
  CHECK_DEC("repr.other_escape_not_folding", "=?utf-8?q?a?=\\x20=?utf-8?q?b?=", "a\\x20b");
  CHECK_DEC("repr.lone_backslash", "=?utf-8?q?a?= \\ =?utf-8?q?b?=", "a \\ b");
  CHECK_DEC("repr.backslash_at_end", "=?utf-8?q?a?=\\", "a\\");
}

/* ---- kept as written */

static void test_kept(void){
  static const char *const azKept[] = {
    "=?utf-8?B?w5x!?=",             /* not base64 */
    "=?utf-8?B?QUJDR?=",            /* 4k+1 characters */
    "=?utf-8?B?QQ==QQ==?=",         /* padding inside */
    "=?utf-8?B?QQ=?=",              /* padding to a wrong length */
    "=?utf-8?B?Q===?=",             /* three '=' */
    "=?utf-8?B?a_b?=",              /* '_' is not base64 */
    "=?utf-8?Q?a=G1?=",             /* bad hex */
    "=?utf-8?Q?a=4?=",              /* cut escape */
    "=?utf-8?Q?a=?=",               /* '=' at the end */
    "=?utf-8?Q?abc",                /* no ?= */
    "=?utf-8?Q?abc?",               /* '?' without '=' */
    "=?utf-8?Q?a b?=",              /* space in the text */
    "=?utf-8?Q?a?b?=",              /* '?' in the text */
    "=?\?Q?a?=",                    /* empty charset */
    "=?*en?Q?a?=",                  /* empty charset before the language */
    "=?utf-8?X?a?=",                /* unknown encoding */
    "=?utf-8?QQ?a?=",               /* two-letter encoding */
    "=?utf 8?Q?a?=",                /* space in the charset */
    "=?utf.8?Q?a?=",                /* especial in the charset */
    "=?utf-8?\?a?=",                /* no encoding */
    "=?utf-8?Q",
    "=?",
    "=",
    "?=",
    "=?=",
    "=?a?B?",
    "=?a?B?=",
    "=?koi8-r?B?8NLJ18XU?=",        /* unknown charset */
    "=?x-unknown?q?abc?=",
    "=?utf-16?B?AEEAQg==?=",
    "=?utf-8x?q?a?=",               /* close to a known name */
    "=?utf-?q?a?=",
  };
  size_t i;
  char name[64];
  for(i=0; i<sizeof(azKept)/sizeof(azKept[0]); i++){
    snprintf(name, sizeof(name), "kept.%u", (unsigned)i);
    CHECK_DEC(name, azKept[i], azKept[i]);
  }
  CHECK_DEC("kept.between_decoded", "=?utf-8?q?a?= =?utf-8?B?!!?= =?utf-8?q?b?=",
            "a =?utf-8?B?!!?= b");
  CHECK_DEC("kept.unknown_next_to_decoded", "=?utf-8?q?a?= =?x-unknown?q?b?=",
            "a =?x-unknown?q?b?=");
  CHECK_DEC("kept.then_word", "=?utf-8?Q?a=?==?utf-8?q?b?=", "=?utf-8?Q?a=?=b");
  CHECK_DEC("kept.eq_in_text", "a=b =?utf-8?q?c?= 1+1=2", "a=b c 1+1=2");
  CHECK_DEC("kept.word_after_broken_start", "=?=?utf-8?q?x?=", "=?x");
  CHECK_DEC("kept.nested_start", "=?utf-8?q?=?utf-8?q?x?=", "=?utf-8?q?x");
}

/* ---- has_words */

static int hw(const char *z){ return mt_rfc2047_has_words(z, strlen(z)); }

static void test_has_words(void){
  CHECK("has.plain", hw("Order 4471 confirmation")==0);
  CHECK("has.empty", hw("")==0 && mt_rfc2047_has_words(0, 0)==0);
  CHECK("has.b", hw("=?utf-8?B?w5w=?=")==1);
  CHECK("has.q_in_text", hw("Re: =?utf-8?q?x?= y")==1);
  CHECK("has.unknown_charset", hw("=?koi8-r?B?8NLJ18XU?=")==1);
  CHECK("has.bad_payload_still_syntax", hw("=?utf-8?B?!!?=")==1);
  CHECK("has.no_end", hw("=?a?B?")==0);
  CHECK("has.bad_encoding", hw("=?a?x?b?=")==0);
  CHECK("has.eq_only", hw("a = b, 1+1=2, =?")==0);
  CHECK("has.second", hw("=?broken =?utf-8?q?ok?=")==1);
  {
    /* the length is respected: the word is cut by n */
    const char z[] = "=?utf-8?q?x?=";
    CHECK("has.cut_by_n", mt_rfc2047_has_words(z, sizeof(z)-2)==0);
  }
}

/* ---- sizes, truncation, hostile input */

static void test_empty_and_caps(void){
  char buf[8];
  size_t r;
  memset(buf, 'x', sizeof(buf));
  r = mt_rfc2047_decode("", 0, buf, sizeof(buf));
  CHECK("empty.len", r==0 && buf[0]==0);
  r = mt_rfc2047_decode("abc", 0, buf, sizeof(buf));
  CHECK("empty.n0", r==0 && buf[0]==0);
  r = mt_rfc2047_decode(0, 0, buf, sizeof(buf));
  CHECK("empty.null_in", r==0 && buf[0]==0);
  memset(buf, 'x', sizeof(buf));
  r = mt_rfc2047_decode("abc", 3, buf, 0);
  CHECK("cap0.writes_nothing", r==0 && buf[0]=='x');
  CHECK("cap0.null_out", mt_rfc2047_decode("abc", 3, 0, 0)==0);
  r = mt_rfc2047_decode("abc", 3, buf, 1);
  CHECK("cap1.only_nul", r==0 && buf[0]==0 && buf[1]=='x');
  r = mt_rfc2047_decode("=?utf-8?q?x?=", 13, buf, 1);
  CHECK("cap1.word", r==0 && buf[0]==0);
}

static void test_truncation(void){
  char res[64];
  /* "äö" = C3 A4 C3 B6 */
  const char *w = "=?utf-8?q?=C3=A4=C3=B6?=";
  size_t n = strlen(w);
  CHECK("trunc.cap2", dec_heap(w, n, res, 2)==0 && res[0]==0);
  CHECK("trunc.cap3", dec_heap(w, n, res, 3)==2 && strcmp(res, "\xC3\xA4")==0);
  CHECK("trunc.cap4", dec_heap(w, n, res, 4)==2 && strcmp(res, "\xC3\xA4")==0);
  CHECK("trunc.cap5", dec_heap(w, n, res, 5)==4 && strcmp(res, "\xC3\xA4\xC3\xB6")==0);
  CHECK("trunc.euro_cap3", dec_heap("=?cp1252?q?=80?=", 16, res, 3)==0 && res[0]==0);
  CHECK("trunc.euro_cap4", dec_heap("=?cp1252?q?=80?=", 16, res, 4)==3);
  CHECK("trunc.emoji_cap4", dec_heap("=?utf-8?B?8J+YgA==?=", 20, res, 4)==0);
  CHECK("trunc.fffd_cap3", dec_heap("=?utf-8?q?=FF?=", 15, res, 3)==0);
  /* plain UTF-8 text is not split either */
  CHECK("trunc.plain_utf8", dec_heap("a\xC3\xA4\xC3\xB6", 5, res, 3)==1 && strcmp(res, "a")==0);
  CHECK("trunc.plain_utf8_fits", dec_heap("a\xC3\xA4\xC3\xB6", 5, res, 4)==3);
  CHECK("trunc.plain_invalid_bytewise", dec_heap("a\xFF\xFE", 3, res, 3)==2);
  CHECK("trunc.plain_lone_lead", dec_heap("a\xC3" "b", 3, res, 3)==2);
  CHECK("trunc.mixed", dec_heap("ab =?utf-8?q?=E2=82=AC?= cd", 27, res, 6)==3 &&
        strcmp(res, "ab ")==0);

  /* every cap: a NUL-terminated prefix of the full result, on a UTF-8
  ** boundary, nothing written past cap */
  {
    static const char z[] =
      "Re: =?utf-8?B?w5xiZXJ3ZWlzdW5nIGJlc3TDpHRpZ2Vu?=\\r\\n =?windows-1252?Q?=80_?="
      " \xE2\x82\xAC \xF0\x9F\x98\x80 =?utf-8?q?=C3?= =?utf-8?q?=A9=FF?= end=?bad";
    char full[512], part[512];
    size_t fl = dec_heap(z, sizeof(z)-1, full, sizeof(full));
    size_t cap;
    int ok = fl != (size_t)-1 && fl > 40;
    for(cap=1; ok && cap<=fl+2; cap++){
      size_t pl = dec_heap(z, sizeof(z)-1, part, cap);
      if( pl==(size_t)-1 || pl > cap-1 ) ok = 0;
      else if( memcmp(part, full, pl)!=0 ) ok = 0;
      else if( pl < fl && ((unsigned char)full[pl] & 0xC0)==0x80 ) ok = 0;   /* mid-sequence */
      else if( cap > fl && pl != fl ) ok = 0;
      else if( pl + 4 < cap && pl < fl ) ok = 0;                              /* cut too early */
    }
    CHECK("trunc.every_cap_prefix", ok);
  }
}

static void test_large(void){
  enum { N = 400, M = 1700 };
  static char in[16384], want[16384];
  size_t i, p = 0, q = 0;
  char *out;
  size_t r;

  /* 400 words folded with repr "\r\n ", then plain text: ~10 KB */
  p += (size_t)sprintf(in + p, "Subj: ");
  q += (size_t)sprintf(want + q, "Subj: ");
  for(i=0; i<N; i++){
    p += (size_t)sprintf(in + p, "=?utf-8?B?w6TDtsO8?=\\r\\n ");   /* äöü */
    q += (size_t)sprintf(want + q, "\xC3\xA4\xC3\xB6\xC3\xBC");
  }
  p += (size_t)sprintf(in + p, "tail");
  q += (size_t)sprintf(want + q, "\\r\\n tail");
  CHECK("large.input_10k", p > 10000);
  dec(in);
  CHECK("large.many_words", g_len==(long)q && memcmp(g_out, want, q)==0);

  /* one 10 KB Q word */
  p = q = 0;
  p += (size_t)sprintf(in + p, "=?utf-8?q?");
  for(i=0; i<M; i++){
    p += (size_t)sprintf(in + p, "=C3=A4");
    q += (size_t)sprintf(want + q, "\xC3\xA4");
  }
  p += (size_t)sprintf(in + p, "?=");
  CHECK("large.one_word_10k", p > 10000);
  dec(in);
  CHECK("large.one_word", g_len==(long)q && memcmp(g_out, want, q)==0);

  /* the same word truncated at an odd cap lands on a character boundary */
  r = dec_heap(in, p, want, 101);
  CHECK("large.trunc_101", r==100);
  r = dec_heap(in, p, want, 100);
  CHECK("large.trunc_100", r==98 && ((unsigned char)want[96]==0xC3));

  /* worst expansion: every byte a U+FFFD fits MT_RFC2047_MAX */
  p = 0;
  p += (size_t)sprintf(in + p, "=?utf-8?B?");
  for(i=0; i<2500; i++) p += (size_t)sprintf(in + p, "////");
  p += (size_t)sprintf(in + p, "?=");
  out = malloc(MT_RFC2047_MAX(p));
  r = out ? mt_rfc2047_decode(in, p, out, MT_RFC2047_MAX(p)) : 0;
  CHECK("large.max_expansion", out && r==7500*3 && r < MT_RFC2047_MAX(p) && out[r]==0);
  free(out);
}

static void test_hostile(void){
  char res[256];
  size_t r;
  /* NUL in plain text is copied; NUL inside a word stops the word */
  r = dec_heap("a\0b", 3, res, sizeof(res));
  CHECK("hostile.nul_plain", r==3 && memcmp(res, "a\0b", 4)==0);
  r = dec_heap("=?utf-8?q?a\0b?=", 15, res, sizeof(res));
  CHECK("hostile.nul_in_word", r==15 && memcmp(res, "=?utf-8?q?a\0b?=", 16)==0);
  r = dec_heap("=?utf\0-8?q?a?=", 14, res, sizeof(res));
  CHECK("hostile.nul_in_charset", r==14);
  /* "=?" and "=" as the very last bytes of an exact-size buffer */
  r = dec_heap("abc=?", 5, res, sizeof(res));
  CHECK("hostile.start_at_end", r==5 && strcmp(res, "abc=?")==0);
  r = dec_heap("abc=", 4, res, sizeof(res));
  CHECK("hostile.eq_at_end", r==4 && strcmp(res, "abc=")==0);
  r = dec_heap("=?a?B?", 6, res, sizeof(res));
  CHECK("hostile.no_end", r==6 && strcmp(res, "=?a?B?")==0);
  r = dec_heap("\\", 1, res, sizeof(res));
  CHECK("hostile.backslash_only", r==1 && strcmp(res, "\\")==0);
  r = dec_heap("=?utf-8?q?a?=\\", 14, res, sizeof(res));
  CHECK("hostile.backslash_after_word", r==2 && strcmp(res, "a\\")==0);
  r = dec_heap("\xC3", 1, res, sizeof(res));
  CHECK("hostile.lone_lead_at_end", r==1 && (unsigned char)res[0]==0xC3);
  r = dec_heap("\xF0\x9F\x98", 3, res, sizeof(res));
  CHECK("hostile.cut_4byte_plain", r==3);
  /* every proper prefix of a word is kept as is */
  {
    const char *w = "=?utf-8*en?Q?a_=C3=A9?= =?iso-8859-1?B?6Q==?=";
    size_t n = strlen(w), k;
    int ok = 1;
    for(k=0; k<=n && ok; k++){
      r = dec_heap(w, k, res, sizeof(res));
      if( k < 23 ){ if( r != k || memcmp(res, w, k)!=0 ) ok = 0; }
      else if( r==(size_t)-1 ) ok = 0;
    }
    CHECK("hostile.every_prefix", ok);
    CHECK_DEC("hostile.full_of_prefixes", w, "a \xC3\xA9\xC3\xA9");
  }
  /* binary noise with starts of words everywhere */
  {
    char z[2048];
    size_t i;
    unsigned long long s = 12345;   /* 31-bit LCG, no wrap-around */
    for(i=0; i<sizeof(z); i++){
      s = (s * 1103515245u + 12345u) & 0x7FFFFFFFu;
      z[i] = "=?Qb_=?\\ \0\xC3\xFFu8a="[(s >> 16) % 16];
    }
    r = dec_heap(z, sizeof(z), 0, MT_RFC2047_MAX(sizeof(z)));
    CHECK("hostile.noise", r != (size_t)-1);
    r = dec_heap(z, sizeof(z), 0, 7);
    CHECK("hostile.noise_small_cap", r != (size_t)-1 && r <= 6);
  }
}

int main(void){
  test_b();
  test_q();
  test_charsets();
  test_whitespace();
  test_kept();
  test_has_words();
  test_empty_and_caps();
  test_truncation();
  test_large();
  test_hostile();
  return unit_failed ? 1 : 0;
}
