/* SPDX-License-Identifier: MIT */
/*
** amp.h — the AMP engine log (subscription "amp"; docs/format.md §8.3): one
** body → what happened to which file of which message.
**
**   File reputation query initiating. File Name = 'a.exe', MID = 5, File Size = 1673216 bytes, File Type = application/x-dosexec
**   Response received for file reputation query from Cloud. FileName = 'a.exe', MID = 5, Disposition = MALICIOUS, Malware = W32.X-100.SBX.TG,Reputation Score = 73, sha256 =061d…, upload_action = 2
**   File not uploaded for analysis.  MID = 357876 File SHA256[d7e2…] file mime[application/pdf] Reason: Analysis request is takenup
**   File uploaded for analysis. SHA256: 0172…, file name: Agenda.doc
**   File analysis upload skipped. SHA256: b5c7…,Timestamp[1454782976] details[…]
**   SHA256: 69e1…,Timestamp[1454959409] details[Server Response HTTP code:[502]]
**   File Analysis complete. SHA256: 1645…, Submit Timestamp: 1475825466, Update Timestamp: 1475825953, Disposition: 3 Score: 100, run_id: 194926004 Details: … Spyname:[W32.1645-100.SBX.TG]
**   Retrospective verdict received. SHA256: 1645…, Timestamp: 1475832815.7, Verdict: MALICIOUS, Reputation Score: 0, Spyname: W32.1645-100.SBX.
**
** The body may start with spaces ("Info:  File …").  Keys drift between
** releases ("File Name" / "FileName", "sha256 =" / "sha256 = ", "," with or
** without a space), so every value is found by its key and ends at the next
** "," (a quoted file name at its closing quote before ", MID = ").
** `MID = 0` names no message (the file was not tied to one): mid stays -1.
** Spans point into the body; nothing is copied.  No SQLite types here.
*/
#ifndef MAILTRACE_AMP_H
#define MAILTRACE_AMP_H

#include <stddef.h>
#include <stdint.h>
#include "events.h"

enum {
  MT_AMP_NONE = 0,
  MT_AMP_QUERY,          /* File reputation query initiating. */
  MT_AMP_RESPONSE,       /* Response received for file reputation query from Cloud|Cache. */
  MT_AMP_NOT_UPLOADED,   /* File not uploaded for analysis. */
  MT_AMP_UPLOADED,       /* File uploaded for analysis. */
  MT_AMP_UPLOAD_SKIPPED, /* File analysis upload skipped. */
  MT_AMP_UPLOAD_ERROR,   /* SHA256: …,Timestamp[…] details[…] (an upload that failed) */
  MT_AMP_ANALYSIS,       /* File Analysis complete. */
  MT_AMP_RETRO           /* Retrospective verdict received. */
};

typedef struct mt_amp {
  int kind;              /* MT_AMP_* */
  int64_t mid;           /* -1 when absent or 0 */
  mt_span name;          /* file name, without its quotes */
  mt_span size;          /* bytes (digits) */
  mt_span type;          /* File Type = (MIME type) / file mime[…] */
  mt_span source;        /* Cloud / Cache */
  mt_span disposition;   /* MALICIOUS, CLEAN, UNKNOWN … or a number (analysis: 1 clean, 2 …, 3 malware) */
  mt_span malware;       /* Malware = / Spyname */
  mt_span score;         /* Reputation Score / Score */
  mt_span sha256;
  mt_span upload_action; /* 0 known, do not send; 1 send; 2 known, do not send */
  mt_span reason;        /* not uploaded: Reason; upload skipped / error: details */
  mt_span timestamp;     /* epoch seconds as logged (retrospective, upload) */
  mt_span run_id;        /* analysis run */
} mt_amp;

/* The AMP kind of a body's shape (leading spaces skipped), else 0: cheap,
** for mt_logtype_shape. */
int mt_amp_kind(const char *body, size_t n);

/* Parse a body; returns its kind (0: not an AMP line, *a cleared).
** Never reads outside [body, body+n). */
int mt_amp_parse(const char *body, size_t n, mt_amp *a);

/* Event kind (MT_EV_AMP_*) of an AMP kind. */
int mt_amp_event(int amp_kind);

#endif
