/* SPDX-License-Identifier: MIT */
/*
** test_store_layout.c — the compact entity store (entities.h): the size of
** each row, and a message's rarer verdicts kept in a side record
** (mt_msg_more) made only for a message that has one.
**
** Two messages in one log: MID 7001 with a DLP, two URL, an SDR, an SLBL, a
** custom log, a filter timing and a file upload line (shapes of
** tests/data/verdicts/), MID 7002 with none.  The values are read off the
** lines by hand.  MID 7002's recipients also give the store's table of
** domains (mt_store.dom_text, rcpt_dom: kept apart from the rows, as the
** statuses): lowered, each once, sorted, none for an address without one.  Row sizes are a budget (bytes per row), so that a field
** added without thought shows here; raise it on purpose, with the reason.
*/
#include "entities.h"
#include "files.h"
#include "scan.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char log_text[] =
  "Mon Nov  9 09:20:00 2026 Info: New SMTP ICID 3001 interface Data 1 (198.51.100.25) address 192.0.2.10 reverse dns host mail.sender.example verified yes\n"
  "Mon Nov  9 09:20:01 2026 Info: Start MID 7001 ICID 3001\n"
  "Mon Nov  9 09:20:01 2026 Info: MID 7001 ICID 3001 From: <a@sender.example>\n"
  "Mon Nov  9 09:20:02 2026 Info: MID 7001 ICID 3001 RID 0 To: <b@corvane.example>\n"
  "Mon Nov  9 09:20:03 2026 Info: MID 7001 DLP violation. Severity: LOW (Risk Factor: 15). DLP policy match: 'PCI-DSS (Payment Card Industry Data Security Standard)'.\n"
  "Mon Nov  9 09:20:03 2026 Info: MID 7001 URL http://a.example/x has reputation 3.0 matched Condition: URL Reputation Rule\n"
  "Mon Nov  9 09:20:03 2026 Info: MID 7001 URL http://b.example/y has reputation -6.2 matched Condition: URL Reputation Rule\n"
  "Mon Nov  9 09:20:03 2026 Info: MID 7001 SDR: Consolidated Sender Threat Level: Neutral, Threat Category: N/A, Suspected Domain(s) : N/A (other reasons for verdict). Sender Maturity: 30 days (or greater) for domain: mail.sender.example\n"
  "Mon Nov  9 09:20:03 2026 Info: MID 7001 using engine: SLBL spam negative\n"
  "Mon Nov  9 09:20:03 2026 Info: MID 7001 Custom Log Entry: macro-enabled office attachment from external sender\n"
  "Mon Nov  9 09:20:03 2026 Info: Debug: MID: 7001 Message filter Name: tagLargeMail time: 0.0004\n"
  "Mon Nov  9 09:20:03 2026 Info: MID 7001 SHA 58f2c62743e509a5305ea09b865282d8fd83bdaaac6a46801768ac6cecce7831 filename Payroll Q4 .xlsx queued for possible file analysis upload\n"
  "Mon Nov  9 09:20:04 2026 Info: Start MID 7002 ICID 3001\n"
  "Mon Nov  9 09:20:04 2026 Info: MID 7002 ICID 3001 From: <c@sender.example>\n"
  "Mon Nov  9 09:20:04 2026 Info: MID 7002 ICID 3001 RID 0 To: <d@corvane.example>\n"
  "Mon Nov  9 09:20:04 2026 Info: MID 7002 ICID 3001 RID 1 To: <E@Corvane.EXAMPLE>\n"
  "Mon Nov  9 09:20:04 2026 Info: MID 7002 ICID 3001 RID 2 To: <z@alpha.example>\n"
  "Mon Nov  9 09:20:04 2026 Info: MID 7002 ICID 3001 RID 3 To: <postmaster>\n"
  "Mon Nov  9 09:20:04 2026 Info: MID 7002 ICID 3001 RID 4 To: <\"q@x\"@>\n"
  "Mon Nov  9 09:20:05 2026 Info: MID 7002 using engine: CASE spam negative\n";

static int eq(const char *a, const char *b){ return a && b && strcmp(a, b)==0; }

int main(void){
  char dir[64], path[128];
  mt_filelist fl;
  mt_opts o;
  mt_store *st = 0;
  char *err = 0;
  mt_rc rc;
  FILE *f;

  /* row budgets (bytes): what a whole-log store costs per entity */
  CHECK("layout.when_packed", sizeof(mt_when)==12);
  CHECK("layout.where_packed", sizeof(mt_where)==20);
  CHECK("layout.msg_budget", sizeof(mt_msg)<=408);
  CHECK("layout.conn_budget", sizeof(mt_conn)<=208);
  CHECK("layout.rcpt_budget", sizeof(mt_rcpt)<=104);
  CHECK("layout.dlv_budget", sizeof(mt_dlv)<=144);
  CHECK("layout.dconn_budget", sizeof(mt_dconn)<=88);

  strcpy(dir, "/tmp/mt_test_layoutXXXXXX");
  if( !mkdtemp(dir) ){ CHECK("layout.mkdtemp", 0); return 1; }
  snprintf(path, sizeof(path), "%s/mail.current", dir);
  f = fopen(path, "wb");
  if( !f ){ CHECK("layout.write", 0); return 1; }
  fwrite(log_text, 1, sizeof(log_text)-1, f);
  fclose(f);
  memset(&fl, 0, sizeof(fl));
  memset(&o, 0, sizeof(o));
  if( mt_files_add(&fl, path, &err) ){ CHECK("layout.files", 0); free(err); return 1; }
  rc = mt_store_build(&fl, &o, 0, 0, 0, &st, &err, 0, 0);
  CHECK("layout.build", rc==MT_OK && st);
  if( st ){
    int a = mt_store_msg(st, 0, 7001), b = mt_store_msg(st, 0, 7002);
    CHECK("layout.two_messages", a>=0 && b>=0);
    if( a>=0 && b>=0 ){
      const mt_msg_more *x = mt_msg_more_of(st, &st->msgs[a]);
      const mt_msg_more *y = mt_msg_more_of(st, &st->msgs[b]);
      CHECK("layout.one_side_record", st->nmore==1);
      CHECK("layout.none_without_rare_verdicts", st->msgs[b].more==-1);
      CHECK("layout.empty_record", y->dlp==0 && y->dlp_risk==-1 && !y->has_url_rep && y->url==0
            && y->sdr_threat_level==0 && y->slbl==0 && y->custom_log==0 && y->filters_evaluated==0
            && y->sha256==0 && y->scans_skipped==0);
      CHECK("layout.dlp", eq(x->dlp, "violation") && eq(x->dlp_severity, "LOW") && x->dlp_risk==15
            && eq(x->dlp_policy, "PCI-DSS (Payment Card Industry Data Security Standard)"));
      CHECK("layout.url_lowest", x->has_url_rep && x->url_reputation==-6.2 && eq(x->url, "http://b.example/y"));
      CHECK("layout.sdr", eq(x->sdr_threat_level, "Neutral") && eq(x->sdr_category, "N/A"));
      CHECK("layout.slbl", eq(x->slbl, "negative"));
      CHECK("layout.custom_log", eq(x->custom_log, "macro-enabled office attachment from external sender"));
      CHECK("layout.filters_evaluated", eq(x->filters_evaluated, "tagLargeMail"));
      CHECK("layout.sha256", eq(x->sha256, "58f2c62743e509a5305ea09b865282d8fd83bdaaac6a46801768ac6cecce7831"));
      CHECK("layout.hot_fields_kept", eq(st->msgs[a].mail_from, "a@sender.example")
            && eq(st->msgs[b].spam, "negative") && eq(st->msgs[a].attachments, "Payroll Q4 .xlsx"));
    }
    /* the domains: alpha.example, corvane.example; b, d, E at 1, z at 0,
    ** none for postmaster and for an '@' with nothing after it */
    {
      int i, ok = st->ndom==2 && eq(mt_store_domain(st, 0), "alpha.example")
                  && eq(mt_store_domain(st, 1), "corvane.example") && mt_store_domain(st, -1)==0
                  && mt_store_domain(st, 2)==0;
      const char *want[] = { "b@corvane.example", "d@corvane.example", "E@Corvane.EXAMPLE",
                             "z@alpha.example", "postmaster", "\"q@x\"@" };
      const int dom[] = { 1, 1, 1, 0, -1, -1 };
      size_t k;
      CHECK("layout.domains_table", ok);
      CHECK("layout.domains_rows", st->nrcpt==6);
      for(k=0; k<sizeof(dom)/sizeof(dom[0]); k++){
        int found = 0;
        for(i=0; i<st->nrcpt; i++){
          if( eq(st->rcpts[i].rcpt_to, want[k]) ){ found = 1; CHECK(want[k], st->rcpt_dom[i]==dom[k]); }
        }
        CHECK("layout.domains_recipient_found", found);
      }
    }
    /* the statuses kept apart are the rows' */
    {
      int i, same = 1;
      for(i=0; i<st->nmsg; i++) same &= st->msg_status[i]==st->msgs[i].status;
      for(i=0; i<st->nrcpt; i++) same &= st->rcpt_status[i]==st->rcpts[i].status;
      for(i=0; i<st->ndlv; i++) same &= st->dlv_result[i]==st->dlvs[i].result;
      CHECK("layout.columns_apart_are_the_rows", same && st->nmsg==2 && st->msg_status[0]!=0);
    }
    CHECK("layout.domains_counted", mt_store_footprint(st) >= st->ndom_text + (int64_t)st->ndom*4);
    /* max_memory= counts the side records with the rows */
    CHECK("layout.footprint_counts_side_records",
          mt_store_footprint(st) >= (int64_t)(st->nmsg*(int64_t)sizeof(mt_msg) + st->nmore*(int64_t)sizeof(mt_msg_more)));
  }
  mt_store_free(st);
  free(err);
  mt_files_free(&fl);
  unlink(path);
  rmdir(dir);
  return unit_failed ? 1 : 0;
}
