/* SPDX-License-Identifier: MIT */
/*
** test_verdicts.c — the verdict fields of the body grammar (ext/events.c)
** and the attachment name decoder (ext/mime.c, mt_filename_decode): issue
** 10, finding 9 and "What an administrator asks next".  The bodies are in
** the shapes of format.md §5.2.8, §5.3, §5.5; the values are our own.
*/
#include "events.h"
#include "mime.h"
#include "unit.h"

#include <stdlib.h>

static mt_event ev;

static void P(const char *body){ mt_event_parse(body, strlen(body), &ev); }

#define FIELD(name, fld, want) do{ \
  const char *p_ = mt_has(&ev, fld) ? ev.f[fld].p : 0; long n_ = mt_has(&ev, fld) ? ev.f[fld].n : 0; \
  CHECK_SPAN(name, p_, n_, want); }while(0)

static void test_quarantine(void){
  P("Delivery start DCID 6565554 MID 24611424 to RID [0] to offbox IronPort Spam Quarantine");
  CHECK("offbox.kind", ev.kind==MT_EV_DCID_START && ev.dcid==6565554 && ev.mid==24611424 && ev.rid==0);
  FIELD("offbox.qname", MT_F_QNAME, "IronPort Spam Quarantine");
  P("Delivery start DCID 7 MID 8 to RID [0, 1] to local IronPort Spam Quarantine ");
  FIELD("local.qname", MT_F_QNAME, "IronPort Spam Quarantine");
  CHECK("local.nrid", ev.nrid==2);
  P("Delivery start DCID 7 MID 8 to RID [0]");
  FIELD("plain_start.no_qname", MT_F_QNAME, 0);
  P("MID 141251 enqueued for transfer to centralized quarantine \"Policy\" (message filter CVE-2023-23397)");
  FIELD("cq.filter", MT_F_FILTER, "CVE-2023-23397");
  FIELD("cq.reason", MT_F_REASON, "message filter CVE-2023-23397");
  P("MID 43 quarantined to \"Policy\" (content filter q1)");
  FIELD("q.filter", MT_F_FILTER, "q1");
  P("MID 142314 enqueued for transfer to centralized quarantine \"Virus\" (a/v verdict VIRAL)");
  FIELD("cq.av.no_filter", MT_F_FILTER, 0);
  P("MID 18313985 quarantine \"Outbreak\" new reason (content filter 'late one')");
  FIELD("qreason.filter", MT_F_FILTER, "late one");
}

static void test_scanning(void){
  P("MID 111 DLP violation. Severity: LOW (Risk Factor: 15). DLP policy match: 'PCI-DSS (Payment Card Industry Data Security Standard)'.");
  CHECK("dlp.kind", ev.kind==MT_EV_MID_DLP && ev.mid==111);
  FIELD("dlp.severity", MT_F_VERDICT, "LOW");
  FIELD("dlp.risk", MT_F_SCORE, "15");
  FIELD("dlp.policy", MT_F_POLICY, "PCI-DSS (Payment Card Industry Data Security Standard)");
  P("MID 6509657 DLP violation");
  CHECK("dlp.short.kind", ev.kind==MT_EV_MID_DLP);
  FIELD("dlp.short.severity", MT_F_VERDICT, 0);
  FIELD("dlp.short.policy", MT_F_POLICY, 0);

  P("MID 26983 SDR: Consolidated Sender Threat Level: Neutral, Threat Category: N/A, Suspected Domain(s) : N/A (other reasons for verdict). Sender Maturity: 30 days (or greater) for domain: sender4-of-o59.zoho.com");
  FIELD("sdr.level", MT_F_VERDICT, "Neutral");
  FIELD("sdr.category", MT_F_CATEGORY, "N/A");
  P("MID 27 SDR: Consolidated Sender Reputation: Weak, Threat Category: Spam. Youngest Domain Age: 2 days for domain: x.example");
  FIELD("sdr.old.level", MT_F_VERDICT, "Weak");
  FIELD("sdr.old.category", MT_F_CATEGORY, "Spam");
  P("MID 26983 SDR: Domains for which SDR is requested: reverse DNS host: a.example, helo: a.example, env-from: a.example, header-from: Not Present, reply-to: Not Present");
  FIELD("sdr.domains.no_level", MT_F_VERDICT, 0);
  P("MID 14 SDR: Message was not scanned for Sender Domain Reputation. Reason: Unknown error.");
  FIELD("sdr.not_scanned.no_level", MT_F_VERDICT, 0);

  P("MID 204841507 URL https://www.example.com/x?Guid=1&amp\";\"Subject=RE%3a+x has reputation -6.2 matched Condition: URL Reputation Rule");
  FIELD("url.value", MT_F_VALUE, "https://www.example.com/x?Guid=1&amp\";\"Subject=RE%3a+x");
  FIELD("url.score", MT_F_SCORE, "-6.2");
  FIELD("url.no_category", MT_F_CATEGORY, 0);
  P("MID 46 URL www.youtube.com  matched category Streaming Video Condition: URL Category Rule");
  FIELD("urlcat.value", MT_F_VALUE, "www.youtube.com");
  FIELD("urlcat.category", MT_F_CATEGORY, "Streaming Video");
  FIELD("urlcat.no_score", MT_F_SCORE, 0);

  P("MID 24611433 was too big (362262/262144) for scanning by Outbreak Filters");
  FIELD("toobig.engine", MT_F_ENGINE, "Outbreak Filters");
  FIELD("toobig.size", MT_F_SIZE, "362262/262144");

  P("MID 24611433 matched all recipients for per-recipient policy Finance Out in the outbound table");
  FIELD("policy.name", MT_F_POLICY, "Finance Out");
  FIELD("policy.table", MT_F_TABLE, "outbound");
  P("MID 1960958 was dropped by content filter 'dontsend' in the inbound table");
  FIELD("dropped.filter", MT_F_FILTER, "dontsend");
  FIELD("dropped.table", MT_F_TABLE, "inbound");

  P("MID 118210542 SHA 58f2c62743e509a5305ea09b865282d8fd83bdaaac6a46801768ac6cecce7831 filename GCNS3 Security Bob Requirements .pptx queued for possible file analysis upload");
  FIELD("sha.sha256", MT_F_SHA256, "58f2c62743e509a5305ea09b865282d8fd83bdaaac6a46801768ac6cecce7831");
  FIELD("sha.filename", MT_F_VALUE, "GCNS3 Security Bob Requirements .pptx");

  P("Debug: MID: 80 Message filter Name: OneNoteHunter time: 6.12735748291e-05");
  CHECK("timing.kind", ev.kind==MT_EV_MID_FILTER_TIMING && ev.mid==80);
  FIELD("timing.filter", MT_F_FILTER, "OneNoteHunter");
  P("MID 141251 Custom Log Entry: CVE-2023-23397: Found CLSID in OLE or TNEF.");
  FIELD("custom.value", MT_F_VALUE, "CVE-2023-23397: Found CLSID in OLE or TNEF.");
}

/* Every prefix of each verdict line parses inside its bounds (ASan). */
static void test_prefixes(void){
  static const char *a[] = {
    "MID 111 DLP violation. Severity: LOW (Risk Factor: 15). DLP policy match: 'PCI'.",
    "MID 27 SDR: Consolidated Sender Reputation: Weak, Threat Category: Spam. Youngest",
    "MID 26983 SDR: Consolidated Sender Threat Level: Neutral, Threat Category: N/A, x",
    "MID 46 URL www.youtube.com  matched category Streaming Video Condition: URL Category Rule",
    "MID 4 was too big (362262/262144) for scanning by Outbreak Filters",
    "Delivery start DCID 1 MID 2 to RID [0] to offbox IronPort Spam Quarantine",
    "MID 4 quarantined to \"Policy\" (message filter x)",
  };
  size_t i, k;
  int ok = 1;
  for(i=0; i<sizeof(a)/sizeof(a[0]); i++){
    size_t n = strlen(a[i]);
    for(k=0; k<=n; k++){
      char *b = malloc(k ? k : 1);
      if( !b ){ ok = 0; break; }
      memcpy(b, a[i], k);
      mt_event_parse(b, k, &ev);
      free(b);
    }
  }
  CHECK("prefixes.in_bounds", ok);
}

static void name(const char *label, const char *in, const char *want){
  char out[256];
  size_t n = mt_filename_decode(in, strlen(in), out, sizeof(out));
  const char *o = out;
  CHECK_SPAN(label, o, (long)n, want);
}

static void test_names(void){
  name("name.qp_utf8", "=D1=82=D0=B5=D1=81=D1=82.rst", "\xd1\x82\xd0\xb5\xd1\x81\xd1\x82.rst");
  name("name.qp_space", "Test=20Attachment.docx", "Test Attachment.docx");
  name("name.rfc2047", "=?utf-8?B?R2VoYWx0c2xpc3RlIMOcYmVyc2ljaHQueGxzeA==?=", "Gehaltsliste \xc3\x9c" "bersicht.xlsx");
  name("name.rfc2231_utf8", "utf-8''%E2%82%AC%20rates.pdf", "\xe2\x82\xac rates.pdf");
  name("name.rfc2231_latin1_lang", "iso-8859-1'de'Gr%FC%DFe.txt", "Gr\xc3\xbc\xc3\x9f" "e.txt");
  name("name.rfc2231_unknown_charset", "koi8-r''%F0%D2.txt", "koi8-r''%F0%D2.txt");
  name("name.rfc2231_bad_escape", "utf-8''50%.pdf", "utf-8''50%.pdf");
  name("name.equals_kept", "a=b.txt", "a=b.txt");
  name("name.qp_not_utf8_kept", "caf=E9.txt", "caf=E9.txt");
  name("name.qp_overlong_kept", "=C0=AF.txt", "=C0=AF.txt");
  name("name.qp_nul_kept", "a=00b", "a=00b");
  name("name.qp_cut_escape_kept", "abc=4", "abc=4");
  name("name.percent_plain", "50%.pdf", "50%.pdf");
  name("name.plain", "report.pdf", "report.pdf");
  name("name.empty", "", "");
  {
    char out[4];
    size_t n = mt_filename_decode("=D1=82=D0=B5", 12, out, sizeof(out));
    CHECK("name.truncated_on_a_character", n==2 && out[2]==0);
    n = mt_filename_decode("x", 1, out, 0);
    CHECK("name.cap0", n==0);
  }
}

static unsigned F(const char *body){ P(body); return mt_event_fills(&ev); }

static void test_fills(void){
  CHECK("fills.dkim_verify", F("MID 1 DKIM: pass signature verified (d=a.example s=s1 i=@a.example)")==1u<<MT_FILL_DKIM);
  CHECK("fills.dkim_cannot_sign", F("MID 1 DKIM: cannot sign - no profile matches a@b.example")==0);
  CHECK("fills.dkim_signing", F("MID 1 DKIM: signing with corp - matches a@b.example")==0);
  CHECK("fills.av_interim", F("MID 1 interim AV verdict using Sophos VIRAL")==1u<<MT_FILL_VIRUS);
  CHECK("fills.av_final", F("MID 1 antivirus negative ")==1u<<MT_FILL_VIRUS);
  CHECK("fills.spam", F("MID 1 using engine: CASE spam negative")==1u<<MT_FILL_SPAM);
  CHECK("fills.spam_interim_word", F("MID 1 interim verdict using engine: CASE bulk")==1u<<MT_FILL_SPAM);
  CHECK("fills.spam_slbl", F("MID 1 using engine: SLBL spam negative")==0);
  CHECK("fills.spam_spf_cache", F("MID 1 using engine: SPF Verdict Cache using cached verdict")==0);
  CHECK("fills.spam_cached", F("MID 1 using engine: CASE using cached verdict")==0);
  CHECK("fills.dmarc_passed", F("MID 1 DMARC: Verification passed")==1u<<MT_FILL_DMARC);
  CHECK("fills.dmarc_verdict", F("MID 1 DMARC: Message from domain a.example, DMARC pass (SPF aligned True, DKIM aligned True)")==1u<<MT_FILL_DMARC);
  CHECK("fills.tls_failed", F("ICID 5 TLS failed: handshake timeout")==1u<<MT_FILL_TLS);
  CHECK("fills.dcid_tls", F("DCID 5 TLS success protocol TLSv1.2 cipher AES256-SHA")==1u<<MT_FILL_TLS);
  CHECK("fills.headers", F("Message done DCID 1 MID 2 to RID [0] [('X-SBRS', '3.5')]")==1u<<MT_FILL_HEADERS);
  CHECK("fills.done_plain", F("Message done DCID 1 MID 2 to RID [0] ")==0);
  CHECK("fills.extq", F("Message done DCID 1 MID 2 to RID [0] (external quarantine) ")==0);
  CHECK("fills.spf", F("MID 1 SPF: mailfrom identity a@b.example Pass (v=spf1)")==1u<<MT_FILL_SPF);
  CHECK("fills.other", F("MID 1 queued for delivery")==0);
}

int main(void){
  test_fills();
  test_quarantine();
  test_scanning();
  test_prefixes();
  test_names();
  return unit_failed ? 1 : 0;
}
