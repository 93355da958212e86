/* SPDX-License-Identifier: MIT */
/*
** test_filters.c — search values checked and normalised (ext/filters.c):
** what a mail administrator pastes from a ticket (" 10.1.2.30 ",
** "<hr@example.com>", "@example.com") is the clean value, and what is not of
** the form (not-an-ip, a sentence for an address) is refused.
*/
#include "filters.h"
#include "unit.h"

static char g_out[256];

static const char *norm(int kind, const char *in){
  return mt_filter_norm(kind, in, g_out, sizeof(g_out))==0 ? g_out : 0;
}
/* want NULL: the value must be refused */
static void check_norm(const char *name, int kind, const char *in, const char *want){
  const char *r = norm(kind, in);
  unit_checks++;
  if( (r && want && strcmp(r, want)==0) || (!r && !want) ){ printf("PASS %s\n", name); return; }
  printf("FAIL %s: '%s' gave '%s', want '%s'\n", name, in, r ? r : "(refused)", want ? want : "(refused)");
  unit_failed++;
}
#define CHECK_NORM check_norm

int main(void){
  /* IPs: the ones in the issue, trimmed or refused */
  CHECK_NORM("filters.ip_plain", MT_FILTER_IP, "192.0.2.10", "192.0.2.10");
  CHECK_NORM("filters.ip_trailing_space", MT_FILTER_IP, "10.1.2.30 ", "10.1.2.30");
  CHECK_NORM("filters.ip_tab_and_newline", MT_FILTER_IP, "\t10.1.2.30\n", "10.1.2.30");
  CHECK_NORM("filters.ip_v6", MT_FILTER_IP, "2001:db8::25", "2001:db8::25");
  CHECK_NORM("filters.ip_not_an_ip", MT_FILTER_IP, "not-an-ip", 0);
  CHECK_NORM("filters.ip_empty", MT_FILTER_IP, "  ", 0);
  CHECK_NORM("filters.ip_octet_too_big", MT_FILTER_IP, "192.0.2.300", 0);
  CHECK_NORM("filters.ip_cidr_is_not_an_ip", MT_FILTER_IP, "192.0.2.0/24", 0);
  CHECK_NORM("filters.ip_hostname", MT_FILTER_IP, "mail.example.com", 0);

  /* addresses: brackets stripped, the null sender kept, sentences refused */
  CHECK_NORM("filters.addr_plain", MT_FILTER_ADDR, "hr@example.com", "hr@example.com");
  CHECK_NORM("filters.addr_brackets", MT_FILTER_ADDR, "<hr@example.com>", "hr@example.com");
  CHECK_NORM("filters.addr_brackets_spaces", MT_FILTER_ADDR, "  < hr@example.com > ", "hr@example.com");
  CHECK_NORM("filters.addr_null_sender", MT_FILTER_ADDR, "<>", "");
  CHECK_NORM("filters.addr_empty_is_null_sender", MT_FILTER_ADDR, "", "");
  CHECK_NORM("filters.addr_bare_local_part", MT_FILTER_ADDR, "MAILER-DAEMON", "MAILER-DAEMON");
  CHECK_NORM("filters.addr_redacted_domain_only", MT_FILTER_ADDR, "example.com", "example.com");
  CHECK_NORM("filters.addr_two_words", MT_FILTER_ADDR, "hr @example.com", 0);
  CHECK_NORM("filters.addr_display_name", MT_FILTER_ADDR, "HR <hr@example.com>", 0);
  CHECK_NORM("filters.addr_list", MT_FILTER_ADDR, "a@example.com,b@example.com", 0);
  CHECK_NORM("filters.addr_at_end", MT_FILTER_ADDR, "hr@", 0);

  /* domains */
  CHECK_NORM("filters.domain_plain", MT_FILTER_DOMAIN, "example.com", "example.com");
  CHECK_NORM("filters.domain_at", MT_FILTER_DOMAIN, "@example.com", "example.com");
  CHECK_NORM("filters.domain_space", MT_FILTER_DOMAIN, " example.com ", "example.com");
  CHECK_NORM("filters.domain_address", MT_FILTER_DOMAIN, "hr@example.com", 0);
  CHECK_NORM("filters.domain_empty", MT_FILTER_DOMAIN, "@", 0);
  CHECK_NORM("filters.domain_idn_utf8", MT_FILTER_DOMAIN, "b\xc3\xbc" "cher.example", "b\xc3\xbc" "cher.example");

  /* Message-IDs and text */
  CHECK_NORM("filters.msgid_brackets", MT_FILTER_MSGID, "<inv-2026-0457@partner.example>", "inv-2026-0457@partner.example");
  CHECK_NORM("filters.msgid_bare", MT_FILTER_MSGID, "inv-2026-0457@partner.example", "inv-2026-0457@partner.example");
  CHECK_NORM("filters.msgid_space_inside", MT_FILTER_MSGID, "<a b@c>", 0);
  CHECK_NORM("filters.msgid_empty", MT_FILTER_MSGID, "<>", 0);
  CHECK_NORM("filters.text_trim", MT_FILTER_TEXT, "  Invoice 2026 ", "Invoice 2026");
  CHECK_NORM("filters.text_empty", MT_FILTER_TEXT, " ", 0);

  /* too small an output buffer is a refusal, not an overflow */
  CHECK("filters.small_buffer", mt_filter_norm(MT_FILTER_IP, "192.0.2.10", g_out, 5)==-1);
  CHECK("filters.null_input", mt_filter_norm(MT_FILTER_IP, 0, g_out, sizeof(g_out))==-1);
  CHECK("filters.form_names_example", strstr(mt_filter_form(MT_FILTER_IP), "192.0.2.10")!=0);

  /* the subject filter's comparison */
  CHECK("filters.contains_nocase", mt_contains_nocase("Invoice 2026-0457", 17, "invoice 2026"));
  CHECK("filters.contains_not", !mt_contains_nocase("Invoice 2026-0457", 17, "receipt"));
  CHECK("filters.contains_at_end", mt_contains_nocase("Your morning digest", 19, "DIGEST"));
  CHECK("filters.contains_longer_needle", !mt_contains_nocase("abc", 3, "abcd"));
  {
    size_t n;
    const char *p = mt_msgid_inner("<inv@partner.example>", &n);
    CHECK_SPAN("filters.msgid_inner", p, (long)n, "inv@partner.example");
    p = mt_msgid_inner("bare@x", &n);
    CHECK_SPAN("filters.msgid_inner_bare", p, (long)n, "bare@x");
  }
  return unit_failed ? 1 : 0;
}
