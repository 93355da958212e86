/*
** test_av.c — the anti-virus log's grammar (ext/av.c, docs/format.md §8.4):
** Result, Virus (a part inside an archive, a file name with a quote), Error,
** Limit, time-out, other lines, and what is not an anti-virus line.  The
** lines are written in the shapes of the public samples (format.md §8.4),
** with invented ids and names; the expected fields are read by hand.
*/
#include "unit.h"
#include "av.h"
#include "logtype.h"
#include "lines.h"

#include <string.h>

#define S(name, sp, want) CHECK_SPAN(name, (sp).p, (sp).n, want)

static int parse(const char *z, mt_av *a){ return mt_av_parse(z, strlen(z), a); }

int main(void){
  mt_av a;
  mt_line ln;
  mt_event ev;
  const char *z;

  CHECK("av.result", parse("sophos  antivirus - MID 8101 - Result 'CLEAN' ()", &a)==MT_AV_RESULT);
  CHECK("av.result.mid", a.mid==8101);
  S("av.result.engine", a.engine, "sophos");
  S("av.result.word", a.result, "CLEAN");
  CHECK("av.result.no_names", a.names.p==0 && a.rank.p==0);
  CHECK("av.result.word_none", mt_av_result_word(&a)==0);

  CHECK("av.result_names", parse("mcafee  antivirus - MID 8120 - Result 'VIRAL' ('W32/Example.a')", &a)==MT_AV_RESULT);
  S("av.result_names.engine", a.engine, "mcafee");
  S("av.result_names.word", a.result, "VIRAL");
  S("av.result_names.names", a.names, "'W32/Example.a'");

  CHECK("av.virus", parse("sophos  antivirus - MID 8107 3 - Virus 'Mal/Phish-A' 'body.scan/login.html' 1 0", &a)==MT_AV_VIRUS);
  CHECK("av.virus.mid", a.mid==8107);
  S("av.virus.rank", a.rank, "3");
  S("av.virus.name", a.names, "Mal/Phish-A");
  S("av.virus.part", a.part, "body.scan/login.html");
  S("av.virus.flags", a.flags, "1 0");
  CHECK("av.virus.word", mt_av_result_word(&a) && strcmp(mt_av_result_word(&a), "VIRAL")==0);

  parse("sophos  antivirus - MID 8121 0 - Virus 'CXmail/MalPE-Q' 'body.scan/quote 7781.zip/quote.exe' 1 0", &a);
  S("av.virus_member.part", a.part, "body.scan/quote 7781.zip/quote.exe");
  S("av.virus_member.name", a.names, "CXmail/MalPE-Q");

  parse("sophos  antivirus - MID 8122 0 - Virus 'Troj/Agent-X' 'body.scan/John's notes.doc' 1 0", &a);
  S("av.virus_quote_in_name.part", a.part, "body.scan/John's notes.doc");
  S("av.virus_quote_in_name.name", a.names, "Troj/Agent-X");

  parse("sophos  antivirus - MID 8123 0 - Virus 'Troj/Agent-Y' 'body.scan/a.exe'", &a);
  S("av.virus_no_flags.part", a.part, "body.scan/a.exe");
  CHECK("av.virus_no_flags.flags", a.flags.p==0);

  CHECK("av.error", parse("sophos  antivirus - MID 8110 0 - Error - 'Encrypted' '0x8004021'", &a)==MT_AV_ERROR);
  S("av.error.text", a.error, "Encrypted");
  S("av.error.code", a.code, "0x8004021");
  S("av.error.rank", a.rank, "0");
  CHECK("av.error.word", strcmp(mt_av_result_word(&a), "ENCRYPTED")==0);
  parse("sophos  antivirus - MID 8111 0 - Error - 'Corrupt archive'", &a);
  S("av.error_one.text", a.error, "Corrupt archive");
  CHECK("av.error_one.code", a.code.p==0 && strcmp(mt_av_result_word(&a), "ERROR")==0);

  CHECK("av.limit", parse("sophos  antivirus - MID 8108 7 - Limit - 'Max Files Exceeded'", &a)==MT_AV_LIMIT);
  S("av.limit.text", a.limit, "Max Files Exceeded");
  S("av.limit.rank", a.rank, "7");

  CHECK("av.timeout", parse("sophos  antivirus - MID 8109 - timed out on message", &a)==MT_AV_TIMEOUT);
  S("av.timeout.text", a.text, "timed out on message");
  CHECK("av.timeout.mid", a.mid==8109);

  CHECK("av.other_no_mid", parse("sophos  antivirus - engine restarted", &a)==MT_AV_OTHER && a.mid==-1);
  S("av.other_no_mid.text", a.text, "engine restarted");
  CHECK("av.other_mid", parse("sophos  antivirus - MID 8130 something new", &a)==MT_AV_OTHER && a.mid==8130);

  CHECK("av.not.mail_logs", parse("MID 8101 antivirus negative ", &a)==MT_AV_NONE);
  CHECK("av.not.antispam", parse("case antispam - engine (4410) : case-daemon: Initializing Child", &a)==MT_AV_NONE);
  CHECK("av.not.upper", parse("Sophos  antivirus - MID 1 - Result 'CLEAN' ()", &a)==MT_AV_NONE);
  CHECK("av.not.empty", mt_av_parse("", 0, &a)==MT_AV_NONE);
  CHECK("av.truncated", parse("sophos  antivirus - MID 8", &a)==MT_AV_OTHER && a.mid==8);
  CHECK("av.truncated_quote", parse("sophos  antivirus - MID 9 0 - Virus '", &a)==MT_AV_VIRUS && a.part.p==0);
  CHECK("av.mid_overflow", parse("sophos  antivirus - MID 99999999999999999999999 - Result 'CLEAN' ()", &a)==MT_AV_RESULT && a.mid==INT64_MAX);

  /* the event every reader of lines sees (logtype.c through av.c) */
  z = "Tue Nov 10 09:05:30 2026 Info: sophos  antivirus - MID 8110 0 - Error - 'Encrypted' '0x8004021'";
  mt_line_parse(z, strlen(z), &ln);
  CHECK("av.event.error", mt_line_event(&ln, 0, &ev)==MT_LOG_AV && ev.kind==MT_EV_AV_ERROR && ev.mid==8110);
  CHECK_SPAN("av.event.error.reason", ev.f[MT_F_REASON].p, ev.f[MT_F_REASON].n, "Encrypted");
  z = "Tue Nov 10 09:05:00 2026 Info: sophos  antivirus - MID 8107 3 - Virus 'Mal/Phish-A' 'body.scan/login.html' 1 0";
  mt_line_parse(z, strlen(z), &ln);
  CHECK("av.event.virus", mt_line_event(&ln, 0, &ev)==MT_LOG_AV && ev.kind==MT_EV_AV_VIRUS && ev.mid==8107);
  CHECK_SPAN("av.event.virus.names", ev.f[MT_F_NAMES].p, ev.f[MT_F_NAMES].n, "Mal/Phish-A");
  CHECK_SPAN("av.event.virus.engine", ev.f[MT_F_ENGINE].p, ev.f[MT_F_ENGINE].n, "sophos");
  return unit_failed ? 1 : 0;
}
