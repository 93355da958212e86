/* SPDX-License-Identifier: MIT */
/*
** test_events.c — the body grammar (ext/events.c): every [V] shape of
** format.md §4–§5 with its kind, ids and fields.  Values are our own.
*/
#include "events.h"
#include "unit.h"

#include <stdlib.h>

static mt_event ev;

static const mt_event *P(const char *body){
  mt_event_parse(body, strlen(body), &ev);
  return &ev;
}

static int kind_is(const char *want){
  const char *got = mt_event_name(ev.kind);
  if( !got || !want ) return got==want;
  return strcmp(got, want)==0;
}
#define KIND(name, body, want) do{ P(body); CHECK(name ".kind", kind_is(want)); }while(0)
#define FIELD(name, fld, want) do{ \
  const char *p_ = mt_has(&ev, fld) ? ev.f[fld].p : 0; long n_ = mt_has(&ev, fld) ? ev.f[fld].n : 0; \
  CHECK_SPAN(name, p_, n_, want); }while(0)
#define IDS(name, i, m, d, r) CHECK(name ".ids", ev.icid==(i) && ev.mid==(m) && ev.dcid==(d) && ev.rid==(r))

static void test_header(void){
  KIND("hdr.begin", "Begin Logfile", "log.begin");
  KIND("hdr.version", "Version: 15.0.1-030 SN: 4C4C4544-ABC12", "log.version");
  FIELD("hdr.version.value", MT_F_VALUE, "15.0.1-030");
  KIND("hdr.tz", "Time offset from UTC: -18000 seconds", "log.tz");
  FIELD("hdr.tz.value", MT_F_VALUE, "-18000");
  KIND("hdr.rolled", "Logfile rolled over", "log.rolled");
  KIND("hdr.end", "End Logfile", "log.end");
}

static void test_icid(void){
  KIND("icid.new", "New SMTP ICID 101 interface Data 1 (10.0.0.5) address 192.0.2.10 reverse dns host mail.sender.example verified yes", "icid.new");
  IDS("icid.new", 101, -1, -1, -1);
  FIELD("icid.new.iface", MT_F_IFACE, "Data 1");
  FIELD("icid.new.iface_ip", MT_F_IFACE_IP, "10.0.0.5");
  FIELD("icid.new.ip", MT_F_REMOTE_IP, "192.0.2.10");
  FIELD("icid.new.rdns", MT_F_RDNS, "mail.sender.example");
  FIELD("icid.new.verified", MT_F_VERIFIED, "yes");

  P("New SMTP ICID 102 interface Main (10.0.0.5) address 203.0.113.55 reverse dns host  unknown verified no");
  FIELD("icid.new.double_space_rdns", MT_F_RDNS, "unknown");
  FIELD("icid.new.verified_no", MT_F_VERIFIED, "no");
  P("New SMTP ICID 103 interface private address 198.51.100.1");
  FIELD("icid.new.old_form.iface", MT_F_IFACE, "private");
  FIELD("icid.new.old_form.ip", MT_F_REMOTE_IP, "198.51.100.1");
  P("New smtp ICID 104 interface Data 1 (10.0.0.5) address 198.51.100.2 reverse dns host x.example verified yes");
  CHECK("icid.new.lowercase_smtp", ev.kind==MT_EV_ICID_NEW && ev.icid==104);

  KIND("icid.hat", "ICID 101 ACCEPT SG ACCEPTLIST match sbrs[0.0:10.0] SBRS 4.2 country United States", "icid.hat");
  FIELD("icid.hat.action", MT_F_ACTION, "ACCEPT");
  FIELD("icid.hat.sg", MT_F_SG, "ACCEPTLIST");
  FIELD("icid.hat.match", MT_F_MATCH, "sbrs[0.0:10.0]");
  FIELD("icid.hat.sbrs", MT_F_SBRS, "4.2");
  FIELD("icid.hat.country", MT_F_COUNTRY, "United States");
  P("ICID 5 ACCEPT SG None match ALL SBRS not enabled country not enabled");
  FIELD("icid.hat.sbrs_words", MT_F_SBRS, "not enabled");
  FIELD("icid.hat.country_words", MT_F_COUNTRY, "not enabled");
  P("ICID 6 ACCEPT SG None match  SBRS unable to retrieve");
  FIELD("icid.hat.empty_match", MT_F_MATCH, "");
  FIELD("icid.hat.sbrs_unable", MT_F_SBRS, "unable to retrieve");
  P("ICID 7 ACCEPT SG None SBRS rfc1918");
  FIELD("icid.hat.no_match_word.sg", MT_F_SG, "None");
  CHECK("icid.hat.no_match_word.match", !mt_has(&ev, MT_F_MATCH));
  P("ICID 0 TCPREFUSE SG RBL match dnslist[zen.example.org] SBRS None");
  CHECK("icid.hat.icid0", ev.kind==MT_EV_ICID_HAT && ev.icid==0);
  FIELD("icid.hat.tcprefuse", MT_F_ACTION, "TCPREFUSE");
  P("ICID 8 REJECT SG BLOCKED_LIST match etf-source: feed1 SBRS -7.5");
  FIELD("icid.hat.etf_match", MT_F_MATCH, "etf-source: feed1");
  FIELD("icid.hat.negative_sbrs", MT_F_SBRS, "-7.5");
  P("ICID 9 RELAY SG RELAYLIST match 10.0.0.0/8 SBRS None ");
  FIELD("icid.hat.trailing_space", MT_F_SBRS, "None");

  KIND("icid.sbrs", "ICID 282 SBRS None", "icid.sbrs");
  KIND("icid.delayed", "ICID 10 Delayed HAT REJECT continuing session for recipient logging (10.8.0.1)", "icid.delayed_reject");
  KIND("icid.tls", "ICID 11 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384", "icid.tls");
  FIELD("icid.tls.proto", MT_F_TLS_PROTO, "TLSv1.2");
  FIELD("icid.tls.cipher", MT_F_TLS_CIPHER, "ECDHE-RSA-AES256-GCM-SHA384");
  KIND("icid.tls.bare", "ICID 12 TLS success", "icid.tls");
  KIND("icid.tls_failed", "ICID 13 TLS failed: [Errno 54] Connection reset by peer", "icid.tls_failed");
  FIELD("icid.tls_failed.reason", MT_F_REASON, "[Errno 54] Connection reset by peer");
  KIND("icid.tls_failed.bare", "ICID 14 TLS failed", "icid.tls_failed");
  KIND("icid.tls_required", "ICID 15 TLS was required but remote host did not initiate it", "icid.tls_required");
  KIND("icid.close", "ICID 16 close", "icid.close");
  IDS("icid.close", 16, -1, -1, -1);
  KIND("icid.lost", "ICID 17 lost", "icid.lost");
  KIND("icid.recvfail", "ICID 18 Receiving Failed: Message size exceeds limit", "icid.receiving_failed");
  FIELD("icid.recvfail.reason", MT_F_REASON, "Message size exceeds limit");
  KIND("icid.injfail", "ICID 19 Injection Failed: Message loop", "icid.injection_failed");
  KIND("icid.disconnected", "ICID 20 disconnected address 10.1.1.1, no messages injected within timeout period", "icid.disconnected");
  FIELD("icid.disconnected.reason", MT_F_REASON, "no messages injected within timeout period");
  KIND("icid.lost_no_cmd", "ICID 21 Connection from 203.0.113.55 on interface Public Net (10.0.0.5) lost after 35 seconds (DNS query took 35 seconds), before any commands were received", "icid.lost_before_commands");
  FIELD("icid.lost_no_cmd.ip", MT_F_REMOTE_IP, "203.0.113.55");
  FIELD("icid.lost_no_cmd.iface", MT_F_IFACE, "Public Net");
  FIELD("icid.lost_no_cmd.reason", MT_F_REASON, "lost after 35 seconds (DNS query took 35 seconds), before any commands were received");
  KIND("icid.sender_rejected", "ICID 22 Address: <a@nx.example> sender rejected, envelope sender domain does not exist", "icid.sender_rejected");
  FIELD("icid.sender_rejected.addr", MT_F_ADDR, "<a@nx.example>");
  FIELD("icid.sender_rejected.reason", MT_F_REASON, "sender rejected, envelope sender domain does not exist");
  KIND("icid.invalid_sender", "ICID 23 Invalid sender address: Unsupported domain literal: '[]'", "icid.invalid_sender");
  KIND("icid.invalid_rcpt", "ICID 24 MID 300 Invalid recipient address: Invalid character in address: '!'", "mid.invalid_rcpt");
  IDS("icid.invalid_rcpt", 24, 300, -1, -1);
  KIND("icid.killed", "SMTP server connection killed ICID: 25", "icid.killed");
  IDS("icid.killed", 25, -1, -1, -1);
  KIND("icid.auth", "SMTP Auth: (ICID 30) succeeded for user: bob using AUTH mechanism: LOGIN with profile: p", "icid.auth");
  IDS("icid.auth", 30, -1, -1, -1);
  KIND("icid.auth_old", "SMTP Auth (ICID 31) failed for user: bob using AUTH mechanism: LOGIN with profile: p", "icid.auth");
  IDS("icid.auth_old", 31, -1, -1, -1);
  P("ICID 26 something new in AsyncOS 17");
  CHECK("icid.unknown_keeps_id", ev.kind==MT_EV_NONE && ev.icid==26);
}

static void test_mid(void){
  KIND("mid.start", "Start MID 500 ICID 101", "mid.start");
  IDS("mid.start", 101, 500, -1, -1);
  KIND("mid.start.note", "Start MID 9 ICID 0 (ISQ Notification)", "mid.start");
  IDS("mid.start.icid0", 0, 9, -1, -1);
  KIND("mid.from", "MID 500 ICID 101 From: <alice@sender.example>", "mid.from");
  IDS("mid.from", 101, 500, -1, -1);
  FIELD("mid.from.addr", MT_F_ADDR, "<alice@sender.example>");
  P("MID 501 ICID 0 From: <>");
  FIELD("mid.from.null", MT_F_ADDR, "<>");
  KIND("mid.rcpt", "MID 500 ICID 101 RID 1 To: <bob@example.com>", "mid.rcpt");
  IDS("mid.rcpt", 101, 500, -1, 1);
  FIELD("mid.rcpt.addr", MT_F_ADDR, "<bob@example.com>");
  KIND("mid.rcpt_rejected", "MID 500 ICID 101 To: <nobody@example.com> Rejected by RAT", "mid.rcpt_rejected");
  FIELD("mid.rcpt_rejected.addr", MT_F_ADDR, "<nobody@example.com>");
  FIELD("mid.rcpt_rejected.reason", MT_F_REASON, "Rejected by RAT");
  KIND("mid.invalid_bounce", "MID 26603 ICID 125 invalid bounce, rcpt address <s@example.net> rejected by bounce verification.", "mid.invalid_bounce");
  FIELD("mid.invalid_bounce.addr", MT_F_ADDR, "<s@example.net>");
  KIND("mid.msgid", "MID 500 Message-ID '<abc.123@sender.example>'", "mid.message_id");
  FIELD("mid.msgid.value", MT_F_VALUE, "'<abc.123@sender.example>'");
  KIND("mid.subject", "MID 500 Subject 'Quarterly report'", "mid.subject");
  FIELD("mid.subject.value", MT_F_VALUE, "'Quarterly report'");
  P("MID 500 Subject Re: bare subject ");
  FIELD("mid.subject.bare_keeps_spaces", MT_F_VALUE, "Re: bare subject ");
  P("MID 500 Subject");
  CHECK("mid.subject.empty", ev.kind==MT_EV_MID_SUBJECT && mt_has(&ev, MT_F_VALUE) && ev.f[MT_F_VALUE].n==0);
  KIND("mid.ready", "MID 500 ready 94020 bytes from <alice@sender.example>", "mid.ready");
  FIELD("mid.ready.size", MT_F_SIZE, "94020");
  FIELD("mid.ready.addr", MT_F_ADDR, "<alice@sender.example>");
  KIND("mid.attachment", "MID 500 attachment 'invoice.pdf'", "mid.attachment");
  KIND("mid.policy", "MID 500 matched all recipients for per-recipient policy Sales Team in the inbound table", "mid.policy");
  FIELD("mid.policy.name", MT_F_POLICY, "Sales Team");
  FIELD("mid.policy.table", MT_F_VALUE, "inbound");
  KIND("mid.spam_interim", "MID 500 interim verdict using engine: CASE spam negative", "mid.spam_interim");
  KIND("mid.spam", "MID 500 using engine: CASE spam positive", "mid.spam");
  FIELD("mid.spam.engine", MT_F_ENGINE, "CASE");
  FIELD("mid.spam.verdict", MT_F_VERDICT, "spam positive");
  P("MID 500 using engine: SPF Verdict Cache using cached verdict");
  FIELD("mid.spf_cache.engine", MT_F_ENGINE, "SPF Verdict Cache");
  KIND("mid.graymail", "MID 500 using engine: GRAYMAIL marketing_mail", "mid.graymail");
  FIELD("mid.graymail.verdict", MT_F_VERDICT, "marketing_mail");
  KIND("mid.too_big", "MID 500 was too big (362262/262144) for scanning by Outbreak Filters", "mid.too_big");
  FIELD("mid.too_big.engine", MT_F_ENGINE, "Outbreak Filters");
  KIND("mid.av_interim", "MID 500 interim AV verdict using Sophos CLEAN", "mid.av_interim");
  KIND("mid.av", "MID 500 antivirus negative ", "mid.av");
  FIELD("mid.av.verdict", MT_F_VERDICT, "negative");
  CHECK("mid.av.no_names", !mt_has(&ev, MT_F_NAMES));
  P("MID 501 antivirus positive 'Troj/Agent-1', 'Mal/Doc-2' ");
  FIELD("mid.av.names", MT_F_NAMES, "'Troj/Agent-1', 'Mal/Doc-2'");
  KIND("mid.amp", "MID 500 AMP file reputation verdict : SKIPPED (no attachment in message)", "mid.amp");
  FIELD("mid.amp.verdict", MT_F_VERDICT, "SKIPPED");
  KIND("mid.upload", "MID 500 SHA 58f2c6 filename Q4 plan (v2).pptx queued for possible file analysis upload", "mid.file_upload");
  FIELD("mid.upload.name", MT_F_VALUE, "Q4 plan (v2).pptx");
  KIND("mid.outbreak", "MID 500 Outbreak Filters: verdict negative", "mid.outbreak");
  KIND("mid.custom", "MID 500 Custom Log Entry: CVE-2023-0001: found: x", "mid.custom_log");
  FIELD("mid.custom.value", MT_F_VALUE, "CVE-2023-0001: found: x");
  KIND("mid.filter_timing", "Debug: MID: 80 Message filter Name: Hunter time: 0.000493", "mid.filter_timing");
  IDS("mid.filter_timing", -1, 80, -1, -1);
  KIND("mid.scan_error", "MID 36: scanning error (name='x', type=executable/exe): perceptive request failed", "mid.scan_error");
  KIND("mid.scan_problem", "MID 36, Message Scanning Problem: Size Limit Exceeded", "mid.scan_error");
  KIND("mid.unscannable", "MID 36 was marked unscannable due to extraction failures. Reason: Error in extraction process.", "mid.unscannable");
  KIND("mid.dlp", "MID 111 DLP violation. Severity: LOW (Risk Factor: 15).", "mid.dlp");
  KIND("mid.spf", "MID 500 SPF: mailfrom identity alice@sender.example Pass (v=spf1)", "mid.spf");
  FIELD("mid.spf.verdict", MT_F_VERDICT, "Pass");
  KIND("mid.dkim", "MID 500 DKIM: pass signature verified (d=sender.example s=s1 i=@sender.example)", "mid.dkim");
  FIELD("mid.dkim.verdict", MT_F_VERDICT, "pass");
  KIND("mid.dmarc", "MID 500 DMARC: Message from domain sender.example, DMARC pass (SPF aligned True, DKIM aligned True)", "mid.dmarc");
  FIELD("mid.dmarc.verdict", MT_F_VERDICT, "pass");
  FIELD("mid.dmarc.domain", MT_F_DOMAIN, "sender.example");
  P("MID 500 DMARC: Verification passed");
  FIELD("mid.dmarc.verification", MT_F_POLICY, "passed");
  KIND("mid.domainkeys", "MID 500 DomainKeys: cannot sign - no profile matches a@b.example", "mid.domainkeys");
  KIND("mid.url", "MID 500 URL http://www.example.com/a b has reputation 3.0 matched Condition: URL Reputation Rule", "mid.url");
  FIELD("mid.url.value", MT_F_VALUE, "http://www.example.com/a b");
  FIELD("mid.url.score", MT_F_VERDICT, "3.0");
  KIND("mid.sdr", "MID 500 SDR: Consolidated Sender Threat Level: Neutral, Threat Category: N/A", "mid.sdr");
  KIND("mid.split", "MID 500 was split creating MID 502 due to a per-recipient policy Sales", "mid.split");
  CHECK("mid.split.ids", ev.mid==500 && ev.mid2==502);
  KIND("mid.rewritten", "MID 503 rewritten to MID 504 by add-footer filter 'Footer'", "mid.rewritten");
  CHECK("mid.rewritten.ids", ev.mid==503 && ev.mid2==504);
  FIELD("mid.rewritten.filter", MT_F_FILTER, "Footer");
  P("MID 2 rewritten to 3 by antispam");
  CHECK("mid.rewritten.old_form", ev.kind==MT_EV_MID_REWRITTEN && ev.mid==2 && ev.mid2==3);
  KIND("mid.generated", "MID 505 was generated based on MID 500 by bcc filter 'Archive BCC'", "mid.generated");
  CHECK("mid.generated.ids", ev.mid==505 && ev.mid2==500);
  FIELD("mid.generated.agent", MT_F_RELATION, "bcc");
  FIELD("mid.generated.filter", MT_F_FILTER, "Archive BCC");
  P("MID 14 generated based on MID 13 by bcc filter 'x'");
  CHECK("mid.generated.old_form", ev.kind==MT_EV_MID_GENERATED && ev.mid2==13);
  KIND("mid.bounce_of", "MID 506 was generated for bounce of MID 501", "mid.bounce_generated");
  CHECK("mid.bounce_of.ids", ev.mid==506 && ev.mid2==501);
  KIND("mid.quarantined", "MID 507 quarantined to \"Policy\" (content filter: Block EXE)", "mid.quarantined");
  FIELD("mid.quarantined.name", MT_F_QNAME, "Policy");
  FIELD("mid.quarantined.reason", MT_F_REASON, "content filter: Block EXE");
  KIND("mid.cquarantine", "MID 508 enqueued for transfer to centralized quarantine \"Virus\" (a/v verdict VIRAL)", "mid.central_quarantine");
  FIELD("mid.cquarantine.name", MT_F_QNAME, "Virus");
  KIND("mid.released", "MID 507 released from quarantine \"Policy\" (expired) t=3600", "mid.released");
  FIELD("mid.released.name", MT_F_QNAME, "Policy");
  KIND("mid.isq", "ISQ: Tagging MID 509 for quarantine", "mid.spam_quarantine");
  IDS("mid.isq", -1, 509, -1, -1);
  KIND("mid.aborted", "Message aborted MID 510 Dropped by CASE", "mid.aborted");
  FIELD("mid.aborted.reason", MT_F_REASON, "Dropped by CASE");
  KIND("mid.filter_drop", "MID 511 was dropped by content filter 'dontsend' in the inbound table", "mid.filter_action");
  FIELD("mid.filter_drop.action", MT_F_ACTION, "dropped");
  FIELD("mid.filter_drop.filter", MT_F_FILTER, "dontsend");
  KIND("mid.queued", "MID 500 queued for delivery", "mid.queued");
  KIND("mid.finished", "Message finished MID 500 done", "mid.finished");
  FIELD("mid.finished.verdict", MT_F_VERDICT, "done");
  KIND("mid.pending", "MID 512 to RID [0] pending till Wed Jul 20 10:15:41 2005 [Default]", "mid.pending");
  IDS("mid.pending", -1, 512, -1, 0);
  KIND("mid.pending_old", "Message 4195162 to [0] pending till Tue Apr 27 13:05:17 2004", "mid.pending");
  KIND("mid.response", "MID 500 RID [0, 1] Response '2.0.0 Ok: queued as ABC'", "mid.response");
  CHECK("mid.response.rids", ev.nrid==2 && ev.rid==-1);
  FIELD("mid.response.text", MT_F_RESPONSE, "'2.0.0 Ok: queued as ABC'");
  KIND("mid.ldap", "LDAP: Drop query corp.accept MID 349 RID 1 address x@example.com", "mid.ldap");
  IDS("mid.ldap", -1, 349, -1, 1);
  KIND("mid.reinjected", "EUQ: Reinjected MID 4433 as MID 4449", "mid.reinjected");
  CHECK("mid.reinjected.ids", ev.mid==4449 && ev.mid2==4433);
  KIND("mid.sma_release", "MID 806 received from the SMA sma1.example.com (MID originally 800) on release from quarantine", "mid.reinjected");
  CHECK("mid.sma_release.ids", ev.mid==806 && ev.mid2==800);
  KIND("queue.scanning", "Scanning over-the-limit.example.com with 1 msgs for expiration candidates.", "queue");
  P("MID 700 did something we have never seen");
  CHECK("mid.unknown_keeps_id", ev.kind==MT_EV_NONE && ev.mid==700);
}

static void test_delivery(void){
  KIND("dcid.new", "New SMTP DCID 900 interface 10.0.0.5 address 198.51.100.20 port 25", "dcid.new");
  FIELD("dcid.new.dest", MT_F_REMOTE_IP, "198.51.100.20");
  FIELD("dcid.new.port", MT_F_PORT, "25");
  FIELD("dcid.new.src", MT_F_IFACE_IP, "10.0.0.5");
  KIND("dcid.start", "Delivery start DCID 900 MID 500 to RID [0, 1]", "dcid.start");
  CHECK("dcid.start.ids", ev.dcid==900 && ev.mid==500 && ev.nrid==2 && ev.rid==-1);
  {
    mt_span s = ev.f[MT_F_RIDS];
    int64_t r, sum = 0; int k = 0;
    while( mt_rids_next(&s, &r) ){ sum += r; k++; }
    CHECK("dcid.start.rid_iter", k==2 && sum==1);
  }
  KIND("dcid.start_old", "Delivery start DCID 4901127 MID 10288263 to [0]", "dcid.start");
  IDS("dcid.start_old", -1, 10288263, 4901127, 0);
  KIND("dcid.done", "Message done DCID 900 MID 500 to RID [0] ", "dcid.done");
  IDS("dcid.done", -1, 500, 900, 0);
  CHECK("dcid.done.no_suffix", !mt_has(&ev, MT_F_VALUE));
  P("Message done DCID 901 MID 501 to RID [0] (external quarantine) ");
  FIELD("dcid.done.extq", MT_F_VALUE, "(external quarantine)");
  P("Message done DCID 902 MID 502 to RID [0, 1] [('from', 'A <a@x.example>'), ('to', 'b@y.example')]");
  CHECK("dcid.done.headers", ev.nrid==2 && mt_has(&ev, MT_F_VALUE));
  P("Message done DCID 903 MID 503 to RID [0");
  CHECK("dcid.done.unclosed_bracket", ev.kind==MT_EV_DCID_DONE && ev.nrid==0 && ev.mid==503);
  KIND("dcid.close", "DCID 900 close", "dcid.close");
  KIND("dcid.tls", "DCID 900 TLS success protocol TLSv1 cipher AES128-SHA ", "dcid.tls");
  FIELD("dcid.tls.cipher", MT_F_TLS_CIPHER, "AES128-SHA");
  KIND("dcid.tls_failed", "DCID 80 TLS failed: STARTTLS unexpected response", "dcid.tls_failed");
  KIND("dcid.tls_required", "DCID 81 IP 198.51.100.9 TLS was required but could not be successfully negotiated", "dcid.tls_required");

  KIND("bounce.new", "Bounced: DCID 904 MID 504 From: <a@sender.example> To: <zed@example.com> RID 0 - 5.1.1 - Bad destination email address ('550', ['5.1.1 <zed@example.com>: user unknown'])", "bounced");
  IDS("bounce.new", -1, 504, 904, 0);
  FIELD("bounce.new.dsn", MT_F_DSN, "5.1.1");
  FIELD("bounce.new.reason", MT_F_REASON, "Bad destination email address");
  FIELD("bounce.new.code", MT_F_SMTP_CODE, "550");
  FIELD("bounce.new.response", MT_F_RESPONSE, "'5.1.1 <zed@example.com>: user unknown'");
  FIELD("bounce.new.from", MT_F_ADDR, "<a@sender.example>");
  FIELD("bounce.new.to", MT_F_ADDR2, "<zed@example.com>");
  KIND("bounce.38", "Bounced: DCID 0 MID 8 to RID 0 - 5.1.2 - Bad destination host ('000', ['DNS Hard Error looking up nx.example (MX):  NXDomain'])", "bounced");
  IDS("bounce.38", -1, 8, 0, 0);
  FIELD("bounce.38.code", MT_F_SMTP_CODE, "000");
  KIND("bounce.3x", "Bounced: DCID: 1911 Message 3993 to 0 - 5.1.0 - Unknown address error ('554', ['Too long line.']) []", "bounced");
  IDS("bounce.3x", -1, 3993, 1911, 0);
  FIELD("bounce.3x.response", MT_F_RESPONSE, "'Too long line.'");
  P("Bounced: DCID 905 MID 505 From: <a@s.example> To: <b@r.example> RID 0 - 5.4.7 - Delivery expired (message too old) ('000', ['timeout'])");
  FIELD("bounce.reason_with_parens", MT_F_REASON, "Delivery expired (message too old)");
  KIND("delayed", "Delayed: DCID 906 MID 506 From: <a@s.example> To: <b@r.example> RID 1 - 4.3.2 - Not accepting messages at this time ('421', ['4.3.2 try again later'])", "delayed");
  IDS("delayed", -1, 506, 906, 1);
  FIELD("delayed.dsn", MT_F_DSN, "4.3.2");
  KIND("delayed.old", "Delayed: DCID: 4370 Message 10800 to 0 - 4.4.0 - Other network problem ('000', ['[Errno 54] Connection reset by peer']) []", "delayed");
  IDS("delayed.old", -1, 10800, 4370, 0);
  KIND("bouncelog", "Bounced: 45346670:0 From:<c@y.example> To:<u@z.example>", "bounced");
  IDS("bouncelog", -1, 45346670, -1, 0);
  KIND("conn_error", "Connection Error: DCID 63 domain: dest.example IP: 198.51.100.31 port: 25 details: [Errno 0] Error interface: 10.0.0.5 reason: network error", "dcid.error");
  IDS("conn_error", -1, -1, 63, -1);
  FIELD("conn_error.domain", MT_F_DOMAIN, "dest.example");
  FIELD("conn_error.ip", MT_F_REMOTE_IP, "198.51.100.31");
  FIELD("conn_error.details", MT_F_RESPONSE, "[Errno 0] Error");
  FIELD("conn_error.reason", MT_F_REASON, "network error");
  P("Connection Error: connection timed out DCID: 2804 IP: 69.0.2.5 details: timeout interface: 10.20.1.49");
  CHECK("conn_error.old.dcid", ev.dcid==2804);
  FIELD("conn_error.old.reason", MT_F_REASON, "connection timed out");
  KIND("double_bounce", "Double bounce: Message 8963393 to 0 - 5.1.1 - Bad destination email address", "double_bounce");
  KIND("possible", "Possible Delivery: DCID: 4641294 MID 8956463 to [0]", "possible_delivery");
  IDS("possible", -1, 8956463, 4641294, 0);
  KIND("deleted", "Deleted: MID 3 to [0]", "rcpt.deleted");
  KIND("dcid.killed", "SMTP client connection killed DCID: 77", "dcid.killed");
  KIND("dcid.concurrency", "Mail delivery client with DCID 78 exited due to the maximum concurrency configuration.", "dcid.killed");
  IDS("dcid.concurrency", -1, -1, 78, -1);
}

static void test_not_entities(void){
  /* §10 item 4: ids mentioned in passing are not the line's ids. */
  KIND("alert", "A Anti-Virus/Critical alert was sent to ops@example.com with subject \"Critical <Anti-Virus> esa1.example.com: MID 198463616 antivirus timeout error\".", "alert");
  IDS("alert", -1, -1, -1, -1);
  KIND("status", "Status: CPULd 3 DskIO 0 RAMUtil 1 QKUsd 141 CrtMID 414695 CrtICID 644374 CrtDCID 76943", "status");
  IDS("status", -1, -1, -1, -1);
  KIND("alert_error", "Error while sending alert: Unable to send System/Warning alert to x with subject \"MID 5\".", "alert");
  IDS("alert_error", -1, -1, -1, -1);
  KIND("internal_smtp", "Internal SMTP system successfully sent a message to ops@example.com with subject 'MID 7'.", "internal_smtp");
  IDS("internal_smtp", -1, -1, -1, -1);
  KIND("case_cache", "CASE cache status: hits = 4579, misses = 823449", "system");
  KIND("dns", "DNS Temporary Failure structure.example MX - ServFail", "dns");
  KIND("unknown", "Some line AsyncOS 18 writes", 0);
  KIND("smtp.sent", "52001 Sent: '220 esa1.example.com ESMTP\\r\\n'", "smtp.sent");
  IDS("smtp.sent", 52001, -1, -1, -1);
  KIND("smtp.rcvd", "52001 Rcvd: 'QUIT\\r\\n'", "smtp.rcvd");
  KIND("digits.other", "12345 something else", 0);
  KIND("short", "ab", 0);
}

static void test_hostile(void){
  /* Saturating ids and cut lines. */
  P("MID 999999999999999999999999999999 queued for delivery");
  CHECK("hostile.saturate", ev.mid==INT64_MAX && ev.kind==MT_EV_MID_QUEUED);
  P("MID ");
  CHECK("hostile.mid_no_number", ev.mid==-1);
  P("Bounced: DCID");
  CHECK("hostile.bounce_cut", ev.kind==MT_EV_BOUNCED && ev.mid==-1);
  P("New SMTP ICID 5 interface ");
  CHECK("hostile.new_icid_cut", ev.kind==MT_EV_ICID_NEW && ev.icid==5);
  P("MID 5 quarantined to \"never closed");
  CHECK("hostile.unclosed_quote", ev.kind==MT_EV_MID_QUARANTINED && !mt_has(&ev, MT_F_QNAME));
  P("ICID 5 ACCEPT SG");
  CHECK("hostile.hat_cut", ev.icid==5);
  {
    /* found by fuzz_line: "MID n " ending right after the space */
    char *z = malloc(6);
    memcpy(z, "MID 5 ", 6);
    mt_event_parse(z, 6, &ev);
    CHECK("hostile.mid_space_at_end", ev.mid==5 && ev.kind==MT_EV_NONE);
    free(z);
  }
  /* found by fuzz_line: "using engine: " with no engine word must not look at
  ** the engine span of the previous line */
  P("MID 1 using engine: CASE spam negative");
  P("MID 2 using engine:  ");
  CHECK("hostile.engine_missing", ev.kind==MT_EV_MID_SPAM && !mt_has(&ev, MT_F_ENGINE));
}

int main(void){
  test_header();
  test_icid();
  test_mid();
  test_delivery();
  test_not_entities();
  test_hostile();
  return unit_failed ? 1 : 0;
}
