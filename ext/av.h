/*
** av.h — the anti-virus log (subscription "antivirus"; docs/format.md
** §8.4): one body → which engine said what about which message.
**
**   sophos  antivirus - MID 69391938 - Result 'CLEAN' ()
**   sophos  antivirus - MID 66842418 0 - Virus 'CXmail/Phish-O' 'body.scan/Payment.html' 1 0
**   sophos  antivirus - MID 66784457 0 - Virus 'CXmail/MalPE-HB' 'body.scan/242426.cab/rockro9046.exe' 1 0
**   sophos  antivirus - MID 68431780 0 - Error - 'Encrypted' '0x8004021'
**   sophos  antivirus - MID 66710307 7 - Limit - 'Max Files Exceeded'
**   sophos  antivirus - MID 66708787 - timed out on message
**
** The grammar: `<engine>[ ]+antivirus - MID <mid>[ <rank>] - <what>`.  The
** engine is a lower-case word (sophos, mcafee); the number after the MID is
** logged on Virus, Error and Limit lines (its meaning is not documented:
** kept as `rank`, as Elastic's parser calls it).  `<what>`:
**   Result '<WORD>' (<names>)        the message's result for this engine
**   Virus '<name>' '<part>'[ <n> <n>]   a virus and the part it was found in:
**                                    body.scan/<file>[/<member>…]; the two
**                                    numbers are kept as logged (`flags`)
**   Error - '<text>'[ '<code>']      the engine could not scan a part
**                                    ('Encrypted' with an engine code)
**   Limit - '<limit>'                a scanning limit was reached
**   timed out on message             the scan timed out
**   anything else                    kept whole (`text`)
** A part may hold a quote (a file name "John's.pdf"): the part ends at the
** line's last quote.  Spans point into the body; nothing is copied; no
** input makes the parser read outside [body, body+n).  No SQLite types.
*/
#ifndef MAILTRACE_AV_H
#define MAILTRACE_AV_H

#include <stddef.h>
#include <stdint.h>
#include "events.h"

enum {
  MT_AV_NONE = 0,        /* not an anti-virus engine line */
  MT_AV_RESULT,          /* Result 'CLEAN' () */
  MT_AV_VIRUS,           /* Virus 'name' 'body.scan/…' */
  MT_AV_ERROR,           /* Error - 'Encrypted' '0x…' */
  MT_AV_LIMIT,           /* Limit - 'Max Files Exceeded' */
  MT_AV_TIMEOUT,         /* timed out on message */
  MT_AV_OTHER            /* any other "<engine> antivirus - …" line */
};

typedef struct mt_av {
  int kind;              /* MT_AV_* */
  int64_t mid;           /* -1 when the line names none */
  mt_span engine;        /* sophos, mcafee */
  mt_span rank;          /* the digits after the MID, when logged */
  mt_span result;        /* Result: the quoted word (CLEAN, VIRAL, …) */
  mt_span names;         /* Result: inside the parentheses (empty: not set); Virus: the virus */
  mt_span part;          /* Virus: body.scan/… without its quotes */
  mt_span flags;         /* Virus: what follows the part ("1 0") */
  mt_span error;         /* Error: the first quoted text */
  mt_span code;          /* Error: the second quoted text (an engine code) */
  mt_span limit;         /* Limit: the limit, without its quotes */
  mt_span text;          /* timed out / other: the words after "- " */
} mt_av;

/* Parse a body; returns its kind (0: not an anti-virus engine line, *a
** cleared).  Never reads outside [body, body+n). */
int mt_av_parse(const char *body, size_t n, mt_av *a);

/* The result word of a line that has no word of its own: VIRAL for a
** virus, ENCRYPTED for an 'Encrypted' error, else ERROR, LIMIT, TIMEOUT;
** NULL for a Result line (its word is a->result) and other lines. */
const char *mt_av_result_word(const mt_av *a);

#endif
