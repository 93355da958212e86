/* SPDX-License-Identifier: MIT */
/*
** test_lines.c — the line prefix grammar (ext/lines.c).
*/
#include "lines.h"
#include "unit.h"

#include <stdlib.h>

static void parse(const char *z, mt_line *l){ mt_line_parse(z, strlen(z), l); }

static void test_file_form(void){
  mt_line l;
  parse("Wed Nov 19 09:16:38 2014 Info: ICID 60140291 close", &l);
  CHECK("file.form", l.form==MT_FORM_FILE);
  CHECK("file.date", l.year==2014 && l.mon==11 && l.day==19);
  CHECK("file.time", l.hour==9 && l.min==16 && l.sec==38);
  CHECK("file.level", l.level==MT_LVL_INFO);
  CHECK_SPAN("file.body", l.body, (long)l.body_len, "ICID 60140291 close");
  CHECK("file.nohost", l.host==0);

  parse("Tue Nov  3 07:05:09 2026 Warning: MID 36: scanning error", &l);
  CHECK("file.padded_day", l.form==MT_FORM_FILE && l.day==3 && l.level==MT_LVL_WARNING);
  CHECK_SPAN("file.padded_body", l.body, (long)l.body_len, "MID 36: scanning error");

  parse("Mon Mar 5 14:21:04 2018 Info: New SMTP ICID 3160", &l);
  CHECK("file.collapsed_space", l.form==MT_FORM_FILE && l.day==5 && l.year==2018);

  parse("Fri Mar 25 20:50:10 2022 Critical: Error while sending alert", &l);
  CHECK("file.critical", l.level==MT_LVL_CRITICAL);
  parse("Wed Sep  6 13:13:16 2023 Debug: MID 14 ICID 14 TLS read", &l);
  CHECK("file.debug", l.level==MT_LVL_DEBUG);
  parse("Wed Sep  6 13:13:16 2023 Trace: MID 14: Skip AMP Engine check", &l);
  CHECK("file.trace", l.level==MT_LVL_TRACE);

  parse("Tue Mar 28 09:37:51 2023 Info: Debug: MID: 80 Message filter", &l);
  CHECK("file.level_is_prefix_token", l.level==MT_LVL_INFO);
  CHECK_SPAN("file.body_starts_debug", l.body, (long)l.body_len, "Debug: MID: 80 Message filter");

  parse("Wed Nov 19 09:16:38 2014 Info: ", &l);
  CHECK("file.empty_body", l.form==MT_FORM_FILE && l.body_len==0);
}

static void test_syslog_form(void){
  mt_line l;
  parse("<166>Mar 17 18:24:37 mail_logs: Info: Start MID 6 ICID 5", &l);
  CHECK("syslog.form", l.form==MT_FORM_SYSLOG && l.year==0 && l.mon==3 && l.day==17);
  CHECK("syslog.nohost", l.host==0);
  CHECK_SPAN("syslog.tag", l.tag, l.tag_len, "mail_logs");
  CHECK_SPAN("syslog.body", l.body, (long)l.body_len, "Start MID 6 ICID 5");

  parse("<38>Nov  8 10:18:57 esa3.example.net mail_logs: Info: MID 1 queued for delivery", &l);
  CHECK("syslog.host.form", l.form==MT_FORM_SYSLOG && l.day==8);
  CHECK_SPAN("syslog.host", l.host, l.host_len, "esa3.example.net");
  CHECK_SPAN("syslog.host.tag", l.tag, l.tag_len, "mail_logs");

  parse("<22>Feb 02 10:31:37 host01 status: Warning: something", &l);
  CHECK("syslog.zero_padded_day", l.form==MT_FORM_SYSLOG && l.day==2 && l.level==MT_LVL_WARNING);

  parse("Oct 19 06:33:29 2011 mx07.example.net syslog_mail: Info: New SMTP ICID 1", &l);
  CHECK("syslog.year_after_time", l.form==MT_FORM_SYSLOG && l.year==2011);
  CHECK_SPAN("syslog.relay_host", l.host, l.host_len, "mx07.example.net");

  parse("<111>Aug 10 09:52:59 relay1 mail_logs: Mon Aug 10 09:52:59 2020 Info: ICID 4 close", &l);
  CHECK("syslog.inner_file_line", l.form==MT_FORM_SYSLOG && l.year==2020);
  CHECK_SPAN("syslog.inner_body", l.body, (long)l.body_len, "ICID 4 close");
  CHECK_SPAN("syslog.inner_host", l.host, l.host_len, "relay1");

  {
    /* found by fuzz_line: a tag followed by the start of a weekday at the very end */
    const char z[] = "<1>Jan  1 00:00:00 t: Mon";
    char *h = malloc(sizeof(z)-1);
    memcpy(h, z, sizeof(z)-1);
    mt_line_parse(h, sizeof(z)-1, &l);
    CHECK("syslog.cut_weekday_after_tag", l.form==MT_FORM_NONE);
    free(h);
  }
  parse("<166>Mar 17 18:24:37 mail_logs: Critical: Error while sending alert: x", &l);
  CHECK("syslog.level_from_token", l.level==MT_LVL_CRITICAL);
}

static void test_continuations(void){
  mt_line l;
  parse("        <foo@example.net>,", &l);
  CHECK("cont.form", l.form==MT_FORM_NONE && l.level==0);
  CHECK_SPAN("cont.body_is_line", l.body, (long)l.body_len, "        <foo@example.net>,");
  parse("", &l);
  CHECK("cont.empty", l.form==MT_FORM_NONE && l.body_len==0);
  parse("Wed Nov 19 09:16:38 2014 Infx: not a level", &l);
  CHECK("cont.bad_level", l.form==MT_FORM_NONE);
  parse("Wed Nov 39 09:16:38 2014 Info: bad day", &l);
  CHECK("cont.bad_day", l.form==MT_FORM_NONE);
  parse("Wed Nov 19 29:16:38 2014 Info: bad hour", &l);
  CHECK("cont.bad_hour", l.form==MT_FORM_NONE);
  parse("Wed Nov 19 09:16:38 14 Info: short year", &l);
  CHECK("cont.short_year", l.form==MT_FORM_NONE);
  /* A prefix cut short must not be read past its end. */
  {
    const char z[] = "Wed Nov 19 09:16:38 2014 Info";
    mt_line_parse(z, sizeof(z)-1, &l);
    CHECK("cont.cut_prefix", l.form==MT_FORM_NONE);
  }
}

static void test_time(void){
  char iso[20];
  mt_time_iso(mt_time_from_parts(2014, 11, 19, 9, 16, 38), iso);
  CHECK("time.iso", strcmp(iso, "2014-11-19 09:16:38")==0);
  mt_time_iso(mt_time_from_parts(2014, 11, 19, 9, 16, 38) + 21600, iso);
  CHECK("time.utc_shift", strcmp(iso, "2014-11-19 15:16:38")==0);
  mt_time_iso(mt_time_from_parts(2024, 2, 29, 23, 59, 59) + 1, iso);
  CHECK("time.leap_day", strcmp(iso, "2024-03-01 00:00:00")==0);
  mt_time_iso(-1, iso);
  CHECK("time.before_epoch", strcmp(iso, "1969-12-31 23:59:59")==0);
  mt_time_iso((int64_t)1<<62, iso);
  CHECK("time.clamped_high", strcmp(iso, "9999-12-31 23:59:59")==0);
  mt_time_iso(-((int64_t)1<<62), iso);
  CHECK("time.clamped_low", strcmp(iso, "0000-01-01 00:00:00")==0);
  CHECK("time.days", mt_days_from_civil(1970, 1, 1)==0 && mt_days_from_civil(2000, 3, 1)==11017);
}

static void test_year(void){
  int64_t jan2027 = mt_time_from_parts(2027, 1, 1, 0, 0, 10);
  int64_t nov2026 = mt_time_from_parts(2026, 11, 28, 12, 0, 0);
  CHECK("year.same_month", mt_infer_year(1, jan2027, 1999)==2027);
  CHECK("year.december_in_january_file", mt_infer_year(12, jan2027, 1999)==2026);
  CHECK("year.earlier_month", mt_infer_year(3, nov2026, 1999)==2026);
  CHECK("year.no_mtime", mt_infer_year(12, 0, 2031)==2031);
}

int main(void){
  test_file_form();
  test_syslog_form();
  test_continuations();
  test_time();
  test_year();
  return unit_failed ? 1 : 0;
}
