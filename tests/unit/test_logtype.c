/* SPDX-License-Identifier: MIT */
/*
** test_logtype.c — the log type of a line and the events of the bounce,
** AMP, anti-virus and CEF logs (ext/logtype.c, ext/amp.c; docs/format.md §8).
** Lines in the shapes of the public samples, values made up.
*/
#include "unit.h"
#include "lines.h"
#include "events.h"
#include "logtype.h"
#include "amp.h"

#include <string.h>

static int type_of(const char *z, const char *path, mt_event *ev){
  mt_line ln;
  mt_line_parse(z, strlen(z), &ln);
  return mt_line_event(&ln, mt_logtype_path(path), ev);
}

static const char *tname(int t){ const char *z = mt_logtype_name(t); return z ? z : "(none)"; }
#define CHECK_TYPE(name, z, path, want) do{ mt_event e_; unit_checks++; \
  const char *g_ = tname(type_of(z, path, &e_)); \
  if( strcmp(g_, want)==0 ) printf("PASS %s\n", name); \
  else { printf("FAIL %s: got %s want %s\n", name, g_, want); unit_failed++; } }while(0)

int main(void){
  mt_event ev;
  mt_amp a;
  int t;

  /* names */
  CHECK("logtype.names", strcmp(mt_logtype_name(MT_LOG_MAIL), "mail_logs")==0
        && strcmp(mt_logtype_name(MT_LOG_CEF), "consolidated_event")==0
        && strcmp(mt_logtype_name(MT_LOG_OTHER), "other")==0 && mt_logtype_name(0)==0);

  /* tags */
  CHECK("logtype.tag.mail", mt_logtype_tag("mail_logs", 9)==MT_LOG_MAIL);
  CHECK("logtype.tag.error_logs", mt_logtype_tag("error_logs", 10)==MT_LOG_MAIL);
  CHECK("logtype.tag.sc4s", mt_logtype_tag("sc4s_amp", 8)==MT_LOG_AMP);
  CHECK("logtype.tag.unknown", mt_logtype_tag("MAIL_SecurityAudit", 18)==0);
  CHECK("logtype.tag.prefix_only", mt_logtype_tag("amp_x", 5)==0 && mt_logtype_tag("am", 2)==0);

  /* file names */
  CHECK("logtype.path.amp", mt_logtype_path("/logs/esa1/amp.@20261102T080000.s")==MT_LOG_AMP);
  CHECK("logtype.path.mail", mt_logtype_path("mail.current")==MT_LOG_MAIL);
  CHECK("logtype.path.bounces", mt_logtype_path("x/bounces.current")==MT_LOG_BOUNCE);
  CHECK("logtype.path.dir_dot", mt_logtype_path("/a.b/collected.log")==0);
  CHECK("logtype.path.null", mt_logtype_path(0)==0);

  /* the tag decides, whatever the body */
  CHECK_TYPE("logtype.tag_wins", "<166>Nov  9 10:10:31 esa9 status: Info: MID 5 antivirus negative ", "", "status");
  CHECK_TYPE("logtype.error_logs", "<166>Nov  9 10:10:34 esa9 error_logs: Critical: Error while sending alert: x", "", "mail_logs");
  /* shapes */
  CHECK_TYPE("logtype.bounce_log", "Tue Nov 10 09:12:00 2026 Info: Bounced: 8103:0 From:<a@example.com> To:<b@example.net> Reason: \"5.1.1 - Bad destination email address\" Response: \"('550', ['5.1.1 user unknown'])\"", "", "bounces");
  CHECK_TYPE("logtype.bounce_log_dcid_form", "Tue Nov 10 09:15:00 2026 Info: Bounced: DCID 2 MID 15 From:<a@example.com> To:<b@example.net> RID 0 - 5.1.0 - Unknown address error ('550', ['x'])", "", "bounces");
  CHECK_TYPE("logtype.mail_bounce", "Tue Nov 10 09:15:00 2026 Info: Bounced: DCID 2 MID 15 From: <a@example.com> To: <b@example.net> RID 0 - 5.1.0 - Unknown address error ('550', ['x'])", "", "mail_logs");
  CHECK_TYPE("logtype.mail_bounce_old", "Tue Nov 10 09:15:00 2026 Info: Bounced: DCID 0 MID 8 to RID 0 - 5.1.2 - Bad destination host ('000', ['DNS Hard Error'])", "", "mail_logs");
  CHECK_TYPE("logtype.amp_spaces", "Mon Aug 10 09:45:53 2020 Info:  File reputation query initiating. File Name = 'a.pdf', MID = 852, File Size = 189 bytes, File Type = application/pdf", "", "amp");
  CHECK_TYPE("logtype.av", "Tue Nov 10 09:01:12 2026 Info: sophos  antivirus - MID 8101 - Result 'CLEAN' ()", "", "antivirus");
  CHECK_TYPE("logtype.antispam", "Tue Nov 10 09:01:12 2026 Info: case antispam - engine (4410) : case-daemon: Initializing Child", "", "antispam");
  CHECK_TYPE("logtype.status", "Tue Nov 10 09:01:12 2026 Info: Status: CPULd 0 DskIO 0 CrtMID 8110", "", "status");
  CHECK_TYPE("logtype.injection", "Tue Nov 10 09:20:00 2026 Info: 52001 Rcvd: 'MAIL FROM:<a@example.com>\\r\\n'", "", "injection_debug");
  CHECK_TYPE("logtype.cef_syslog", "<166>Mar 17 18:24:37 consolidated_event: CEF:0|Cisco|C100V|14.0.0-657|ESA_CONSOLIDATED_LOG_EVENT|Consolidated Log Event|5|ESAMID=1053 ESAICID=134", "", "consolidated_event");
  CHECK_TYPE("logtype.gui", "Mon Aug 10 09:40:17 2020 Info: req:192.0.2.1 user:admin id:x 200 GET /", "", "other");
  CHECK_TYPE("logtype.pid", "Mon Aug 10 09:44:51 2020 Info: PID 2585: User admin logged out", "", "other");
  CHECK_TYPE("logtype.auth", "Mon Aug 10 09:51:36 2020 Info: User bob from 192.0.2.5 was authenticated successfully.", "", "other");
  /* undecided: the mail_logs grammar, the file name, the tag */
  CHECK_TYPE("logtype.unknown_tag_mail_shape", "Aug  2 23:59:52 10.0.1.1 MAIL_SecurityAudit: Info: MID 308 using engine: SPF Verdict Cache using cached verdict", "", "mail_logs");
  CHECK_TYPE("logtype.unknown_tag_unknown_shape", "Aug  3 07:26:33 10.0.1.1 MAR_SecurityAudit: Info: Message containing attachment(s) was not found", "", "other");
  CHECK_TYPE("logtype.header_in_amp_file", "Tue Nov 10 09:00:00 2026 Info: Begin Logfile", "/l/amp.current", "amp");
  CHECK_TYPE("logtype.header_untyped", "Tue Nov 10 09:00:00 2026 Info: Begin Logfile", "/l/x.log", "mail_logs");
  CHECK_TYPE("logtype.unknown_in_av_file", "Tue Nov 10 09:08:00 2026 Warning: database expired", "/l/antivirus.current", "antivirus");
  CHECK_TYPE("logtype.unknown_untyped", "Tue Nov 10 09:08:00 2026 Info: Some new line", "/l/x.log", "mail_logs");
  CHECK_TYPE("logtype.continuation_typed", "  Engine version: 3.2.07", "/l/antivirus.current", "antivirus");
  CHECK_TYPE("logtype.continuation_untyped", "  Engine version: 3.2.07", "/l/x.log", "(none)");
  CHECK_TYPE("logtype.weekday_syslog", "Mon Aug 10 09:12:39 2020 7.37.118.246 testmaillog: Info: Version: 8.7.2-004 SN: 942B", "", "mail_logs");

  /* events of the bounce log */
  t = type_of("Tue Nov 10 09:12:00 2026 Info: Bounced: 8103:0 From:<a@example.com> To:<b@example.net> Reason: \"5.1.1 - Bad destination email address\" Response: \"('550', ['5.1.1 user unknown'])\"", "", &ev);
  CHECK("bounce_log.kind", t==MT_LOG_BOUNCE && ev.kind==MT_EV_BOUNCES_BOUNCED);
  CHECK("bounce_log.ids", ev.mid==8103 && ev.rid==0 && ev.dcid==-1 && ev.icid==-1);
  CHECK_SPAN("bounce_log.from", ev.f[MT_F_ADDR].p, ev.f[MT_F_ADDR].n, "<a@example.com>");
  CHECK_SPAN("bounce_log.to", ev.f[MT_F_ADDR2].p, ev.f[MT_F_ADDR2].n, "<b@example.net>");
  CHECK_SPAN("bounce_log.dsn", ev.f[MT_F_DSN].p, ev.f[MT_F_DSN].n, "5.1.1");
  CHECK_SPAN("bounce_log.reason", ev.f[MT_F_REASON].p, ev.f[MT_F_REASON].n, "Bad destination email address");
  CHECK_SPAN("bounce_log.response", ev.f[MT_F_RESPONSE].p, ev.f[MT_F_RESPONSE].n, "('550', ['5.1.1 user unknown'])");
  CHECK_SPAN("bounce_log.code", ev.f[MT_F_SMTP_CODE].p, ev.f[MT_F_SMTP_CODE].n, "550");
  t = type_of("Wed Jan 29 00:06:30 2003 Info: Delayed: 123:4 From:<a@example.com> To:<b@example.com>", "", &ev);
  CHECK("bounce_log.delayed", t==MT_LOG_BOUNCE && ev.kind==MT_EV_BOUNCES_DELAYED && ev.mid==123 && ev.rid==4 && !mt_has(&ev, MT_F_DSN));

  /* anti-virus */
  t = type_of("Tue Nov 10 09:05:00 2026 Info: sophos  antivirus - MID 8107 3 - Virus 'Mal/Phish-A' 'body.scan/login.html' 1 0", "", &ev);
  CHECK("av.virus", t==MT_LOG_AV && ev.kind==MT_EV_AV_VIRUS && ev.mid==8107);
  CHECK_SPAN("av.engine", ev.f[MT_F_ENGINE].p, ev.f[MT_F_ENGINE].n, "sophos");
  CHECK_SPAN("av.part", ev.f[MT_F_VALUE].p, ev.f[MT_F_VALUE].n, "3");
  CHECK_SPAN("av.names", ev.f[MT_F_NAMES].p, ev.f[MT_F_NAMES].n, "Mal/Phish-A");   /* the virus alone (av.c) */
  type_of("Tue Nov 10 09:01:12 2026 Info: sophos  antivirus - MID 8101 - Result 'CLEAN' ()", "", &ev);
  CHECK("av.result", ev.kind==MT_EV_AV_RESULT && ev.mid==8101);
  CHECK_SPAN("av.result.verdict", ev.f[MT_F_VERDICT].p, ev.f[MT_F_VERDICT].n, "CLEAN");
  type_of("Tue Nov 10 09:06:00 2026 Info: sophos  antivirus - MID 8108 7 - Limit - 'Max Files Exceeded'", "", &ev);
  CHECK("av.limit", ev.kind==MT_EV_AV_LIMIT && ev.mid==8108);
  CHECK_SPAN("av.limit.reason", ev.f[MT_F_REASON].p, ev.f[MT_F_REASON].n, "Max Files Exceeded");
  type_of("Tue Nov 10 09:07:00 2026 Info: sophos  antivirus - MID 8109 - timed out on message", "", &ev);
  CHECK("av.timeout", ev.kind==MT_EV_AV_TIMEOUT && ev.mid==8109);

  /* CEF ids: only keys, not text inside a value */
  type_of("<166>Mar 17 18:24:37 consolidated_event: CEF:0|Cisco|C100V|14.0.0-657|ESA_CONSOLIDATED_LOG_EVENT|Consolidated Log Event|5|deviceExternalId=X ESAMID=1053 ESAICID=134 msg='xESAMID=9'", "", &ev);
  CHECK("cef.ids", ev.kind==MT_EV_CEF_MESSAGE && ev.mid==1053 && ev.icid==134);
  type_of("<166>Mar 17 18:24:37 consolidated_event: CEF:0|Cisco|C100V|14.0.0-657|E|C|5|msg='xESAMID=9'", "", &ev);
  CHECK("cef.no_id", ev.mid==-1);

  /* AMP */
  CHECK("amp.query", mt_amp_parse(" File reputation query initiating. File Name = 'Q4 plan, final.docx', MID = 8101, File Size = 30411 bytes, File Type = application/pdf", 124, &a)==MT_AMP_QUERY);
  {
    const char *z = " File reputation query initiating. File Name = 'Q4 plan, final.docx', MID = 8101, File Size = 30411 bytes, File Type = application/pdf";
    mt_amp_parse(z, strlen(z), &a);
    CHECK("amp.query.mid", a.mid==8101);
    CHECK_SPAN("amp.query.name", a.name.p, a.name.n, "Q4 plan, final.docx");
    CHECK_SPAN("amp.query.size", a.size.p, a.size.n, "30411");
    CHECK_SPAN("amp.query.type", a.type.p, a.type.n, "application/pdf");
  }
  {
    const char *z = "Response received for file reputation query from Cloud. FileName = 'mod-6.exe', MID = 5, Disposition = MALICIOUS, Malware = W32.061DEF69B5-100.SBX.TG,Reputation Score = 73, sha256 =061def69b5c100e9979610fa5675bd19258b19a7ff538b5c2d230b467c312f19, upload_action = 2";
    CHECK("amp.response", mt_amp_parse(z, strlen(z), &a)==MT_AMP_RESPONSE && a.mid==5);
    CHECK_SPAN("amp.response.source", a.source.p, a.source.n, "Cloud");
    CHECK_SPAN("amp.response.name", a.name.p, a.name.n, "mod-6.exe");
    CHECK_SPAN("amp.response.disposition", a.disposition.p, a.disposition.n, "MALICIOUS");
    CHECK_SPAN("amp.response.malware", a.malware.p, a.malware.n, "W32.061DEF69B5-100.SBX.TG");
    CHECK_SPAN("amp.response.score", a.score.p, a.score.n, "73");
    CHECK_SPAN("amp.response.sha", a.sha256.p, a.sha256.n, "061def69b5c100e9979610fa5675bd19258b19a7ff538b5c2d230b467c312f19");
    CHECK_SPAN("amp.response.upload", a.upload_action.p, a.upload_action.n, "2");
  }
  {
    const char *z = " File not uploaded for analysis.  MID = 0 File SHA256[a5f28f1fed7c2fe88bcdf403710098977fa12c32d13bfbd78bbe27e95b245f82] file mime[text/plain] Reason: No active/dynamic contents exists";
    CHECK("amp.not_uploaded", mt_amp_parse(z, strlen(z), &a)==MT_AMP_NOT_UPLOADED && a.mid==-1);
    CHECK_SPAN("amp.not_uploaded.sha", a.sha256.p, a.sha256.n, "a5f28f1fed7c2fe88bcdf403710098977fa12c32d13bfbd78bbe27e95b245f82");
    CHECK_SPAN("amp.not_uploaded.mime", a.type.p, a.type.n, "text/plain");
    CHECK_SPAN("amp.not_uploaded.reason", a.reason.p, a.reason.n, "No active/dynamic contents exists");
  }
  {
    const char *z = "Retrospective verdict received. SHA256: 16454aff5082c2e9df43f3e3b9cdba3c6ae1766416e548c30a971786db570bfc, Timestamp: 1475832815.7, Verdict: MALICIOUS, Reputation Score: 0, Spyname: W32.16454AFF50-100.SBX.";
    CHECK("amp.retro", mt_amp_parse(z, strlen(z), &a)==MT_AMP_RETRO && a.mid==-1);
    CHECK_SPAN("amp.retro.sha", a.sha256.p, a.sha256.n, "16454aff5082c2e9df43f3e3b9cdba3c6ae1766416e548c30a971786db570bfc");
    CHECK_SPAN("amp.retro.verdict", a.disposition.p, a.disposition.n, "MALICIOUS");
    CHECK_SPAN("amp.retro.time", a.timestamp.p, a.timestamp.n, "1475832815.7");
    CHECK_SPAN("amp.retro.spyname", a.malware.p, a.malware.n, "W32.16454AFF50-100.SBX.");
  }
  {
    const char *z = "File Analysis complete. SHA256: 16454aff5082c2e9df43f3e3b9cdba3c6ae1766416e548c30a971786db570bfc, Submit Timestamp: 1475825466, Update Timestamp: 1475825953, Disposition: 3 Score: 100, run_id: 194926004 Details: Analysis is completed for the File SHA256[16454aff] Spyname:[W32.16454AFF50-100.SBX.TG]";
    CHECK("amp.analysis", mt_amp_parse(z, strlen(z), &a)==MT_AMP_ANALYSIS);
    CHECK_SPAN("amp.analysis.disposition", a.disposition.p, a.disposition.n, "3");
    CHECK_SPAN("amp.analysis.score", a.score.p, a.score.n, "100");
    CHECK_SPAN("amp.analysis.run", a.run_id.p, a.run_id.n, "194926004");
    CHECK_SPAN("amp.analysis.spyname", a.malware.p, a.malware.n, "W32.16454AFF50-100.SBX.TG");
  }
  {
    const char *z = "SHA256: 69e17e213732da0d0cbc48ae7030a4a18e0c1289f510e8b139945787f67692a5,Timestamp[1454959409] details[Server Response HTTP code:[502]]";
    CHECK("amp.upload_error", mt_amp_parse(z, strlen(z), &a)==MT_AMP_UPLOAD_ERROR);
    CHECK_SPAN("amp.upload_error.details", a.reason.p, a.reason.n, "Server Response HTTP code:[502]");
    CHECK("amp.sha_not_hex", mt_amp_kind("SHA256: xyz,", 12)==0);
    CHECK("amp.short", mt_amp_kind("File", 4)==0 && mt_amp_kind("", 0)==0);
  }
  return unit_failed ? 1 : 0;
}
