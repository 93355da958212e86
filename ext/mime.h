/* SPDX-License-Identifier: MIT */
/*
** mime.h — RFC 2047 encoded words in a Subject value → UTF-8.
**
** No SQLite types here, no allocation, no locale, no iconv: this decoder is
** unit-tested and fuzzed on its own (tests/unit/test_mime.c,
** tests/fuzz/fuzz_mime.c).
**
** Usage:
**
**   char buf[1024];
**   if( mt_rfc2047_has_words(subj, subj_len) ){
**     size_t n = mt_rfc2047_decode(subj, subj_len, buf, sizeof(buf));
**     ... buf[0..n) is the decoded subject, buf[n]==0 ...
**   }
**
** The output never grows by more than 3 bytes per input byte, plus 3:
** a buffer of 3*n+4 bytes always holds the whole result (MT_RFC2047_MAX).
**
** The rules:
**
**  * An encoded word is  =?charset?E?text?=  with E one of B, b, Q, q.
**    charset is an RFC 2047 token (printable ASCII, none of the especials
**    ()<>@,;:\"/[]?.= ), optionally with an RFC 2231 language suffix,
**    "charset*lang" (the suffix is ignored).  text is printable ASCII
**    without '?' or space.  Charset names match case-insensitively.  The
**    75-character limit of RFC 2047 is not enforced, and a word is decoded
**    wherever it stands (also glued to other text or to a quote, as real
**    mailers write them and as mail clients decode them).
**  * B is base64: the alphabet A-Z a-z 0-9 + /, at most two '=' of padding
**    at the end.  Missing padding is accepted; a length that cannot be
**    base64 (4k+1 characters), a misplaced '=' or any other character makes
**    the word malformed.
**  * Q: '_' is a space (0x20), "=XX" is the byte XX (hex digits of either
**    case), anything else stands for itself.  An '=' not followed by two
**    hex digits makes the word malformed.
**  * Charsets:
**      UTF-8       utf-8, utf8, us-ascii, ascii: passed through; every
**                  ill-formed sequence becomes U+FFFD (one per maximal
**                  ill-formed subpart, as WHATWG and Unicode §3.9 say).  A
**                  character split between two adjacent UTF-8 words (which
**                  some mailers write) is joined again.
**      Latin-1     iso-8859-1, iso8859-1, iso_8859-1, latin1, latin-1, l1,
**                  cp819, ibm819: byte = code point (0x80-0x9F are the C1
**                  controls, not Windows-1252).
**      Windows-1252  windows-1252, cp1252, x-cp1252: 0x80 is U+20AC etc.;
**                  the five unassigned bytes 0x81 0x8D 0x8F 0x90 0x9D
**                  become U+FFFD.
**      Latin-9     iso-8859-15, iso8859-15, iso_8859-15, latin-9, latin9,
**                  l9: Latin-1 with the eight differences (0xA4 is U+20AC).
**    A decoded NUL byte becomes U+FFFD, so an encoded word cannot cut the
**    text short for a reader that stops at NUL.
**  * An unknown charset or a malformed word (bad base64, bad Q escape, no
**    closing "?=", bad charset token) is kept exactly as written.
**  * Folding whitespace between two adjacent encoded words that are both
**    decoded is removed (RFC 2047 §6.2).  Folding whitespace is any run of
**    space, tab, CR and LF, and — because AsyncOS writes a subject as
**    Python repr text — of the two-character backslash sequences \r \n \t
**    (so "=?..?=\r\n =?..?=" written with literal backslashes is folding
**    too).  A "\\" (escaped backslash) is not folding.  Whitespace between
**    an encoded word and plain text, or next to a word kept as written,
**    is kept.
**  * Text outside encoded words is copied as is (byte for byte: no repr
**    unescaping, no UTF-8 validation).
**  * Truncation: the result is cut so that out[] (with its NUL) fits in
**    cap bytes, never in the middle of a UTF-8 sequence (nor of a byte
**    sequence of the plain text that looks like one).  The result with a
**    small cap is always a prefix of the result with a large one.
*/
#ifndef MAILTRACE_MIME_H
#define MAILTRACE_MIME_H

#include <stddef.h>

/* A buffer size that always holds the decoded form of n input bytes. */
#define MT_RFC2047_MAX(n) (3*(size_t)(n) + 4)

/* Decode the encoded words of in[0..n) into out, NUL-terminated, writing at
** most cap bytes (the NUL included).  Returns the length of the result
** (<= cap-1); with cap==0 writes nothing and returns 0 (out may then be
** NULL).  Never reads outside in[0..n); in need not be NUL-terminated and
** may contain NUL bytes. */
size_t mt_rfc2047_decode(const char *in, size_t n, char *out, size_t cap);

/* An attachment name as AsyncOS logs it (the repr quotes already removed)
** → UTF-8, NUL-terminated, at most cap bytes written (MT_RFC2047_MAX(n)
** always suffices).  Returns the length.  The first rule that applies:
**
**  * it holds an RFC 2047 encoded word: mt_rfc2047_decode();
**  * RFC 2231 extended value  charset'lang'text  with a known charset (as
**    above), a language without "'", and text in which every '%' is
**    followed by two hex digits: each %XX is the byte XX in that charset;
**  * the "quoted-printable" form AsyncOS writes for non-ASCII names on
**    terminals without Unicode ('=D1=82=D0=B5=D1=81=D1=82.rst',
**    'Test=20Attachment.docx'): every '=' is followed by two hex digits and
**    the bytes they make, with the rest, are well-formed UTF-8;
**  * otherwise the name is copied as is ("a=b.txt", "50%.pdf").
**
** Never reads outside in[0..n). */
size_t mt_filename_decode(const char *in, size_t n, char *out, size_t cap);

/* 1 if in[0..n) holds at least one syntactically well-formed encoded word
** (=?charset?B|Q?text?=, whatever the charset and the payload), else 0. */
int mt_rfc2047_has_words(const char *in, size_t n);

#endif
