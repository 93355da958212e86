/* SPDX-License-Identifier: MIT */
/*
** test_dns.c — the DNS client's wire format (ext/dns.c): query bytes, reply
** parsing with hostile input (loops, forward pointers, records running off
** the end), names, PTR names, resolver specs and resolv.conf; the SMTP
** reply grammar (ext/probe.c); and the stop test of a wait, against a UDP
** socket of its own on 127.0.0.1 that never answers.
*/
#include "dns.h"
#include "probe.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* Parse from a heap copy of exactly n bytes, so a read past the end shows
** under ASan and valgrind. */
static int parse(const uint8_t *p, size_t n, mt_dns_msg *m){
  uint8_t *c = malloc(n ? n : 1);
  int rc;
  if( !c ) return -9;
  memcpy(c, p, n);
  rc = mt_dns_parse(c, n, m);
  free(c);
  return rc;
}

static size_t hdr(uint8_t *b, unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns, unsigned ar){
  b[0] = (uint8_t)(id>>8); b[1] = (uint8_t)id; b[2] = (uint8_t)(flags>>8); b[3] = (uint8_t)flags;
  b[4] = 0; b[5] = (uint8_t)qd; b[6] = 0; b[7] = (uint8_t)an; b[8] = 0; b[9] = (uint8_t)ns; b[10] = 0; b[11] = (uint8_t)ar;
  return 12;
}

static void test_query(void){
  uint8_t b[512];
  static const uint8_t want[] = {
    0x12,0x34, 0x01,0x00, 0,1, 0,0, 0,0, 0,1,
    4,'m','a','i','l', 7,'e','x','a','m','p','l','e', 0, 0,15, 0,1,
    0, 0,41, 0x04,0xd0, 0,0,0,0, 0,0 };
  size_t n = mt_dns_query_build(b, sizeof(b), 0x1234, "mail.example", MT_DNS_MX);
  CHECK("dns.query.bytes", n==sizeof(want) && memcmp(b, want, n)==0);
  CHECK("dns.query.trailing_dot", mt_dns_query_build(b, sizeof(b), 0x1234, "mail.example.", MT_DNS_MX)==sizeof(want)
                                  && memcmp(b, want, sizeof(want))==0);
  CHECK("dns.query.empty_label", mt_dns_query_build(b, sizeof(b), 1, "a..b", MT_DNS_A)==0);
  CHECK("dns.query.empty_name", mt_dns_query_build(b, sizeof(b), 1, "", MT_DNS_A)==0);
  CHECK("dns.query.space", mt_dns_query_build(b, sizeof(b), 1, "a b.example", MT_DNS_A)==0);
  CHECK("dns.query.label_64", mt_dns_query_build(b, sizeof(b), 1,
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example", MT_DNS_A)==0);
  {
    char big[300];
    int i;
    for(i=0; i<290; i+=2){ big[i] = 'a'; big[i+1] = '.'; }
    big[290] = 'a'; big[291] = 0;
    CHECK("dns.query.name_over_255", mt_dns_query_build(b, sizeof(b), 1, big, MT_DNS_A)==0);
  }
  CHECK("dns.query.small_buffer", mt_dns_query_build(b, 20, 1, "mail.example", MT_DNS_A)==0);
}

static void test_parse(void){
  uint8_t b[600];
  mt_dns_msg *m = malloc(sizeof(*m));
  size_t n;
  if( !m ) return;
  /* a reply: question, an MX and a PTR whose names point back at the question */
  n = hdr(b, 0xbeef, 0x8180, 1, 2, 0, 0);
  memcpy(b+n, "\x06sender\x07" "example\x00\x00\x0f\x00\x01", 20); n += 20;
  memcpy(b+n, "\xc0\x0c\x00\x0f\x00\x01\x00\x00\x01\x2c\x00\x09\x00\x0a\x03mx1\xc0\x0c", 21); n += 21;
  memcpy(b+n, "\xc0\x0c\x00\x01\x00\x01\x00\x00\x01\x2c\x00\x04\xc0\x00\x02\x0a", 16); n += 16;
  CHECK("dns.parse.ok", parse(b, n, m)==0);
  CHECK("dns.parse.id", m->id==0xbeef && m->qr==1 && m->rd==1 && m->ra==1 && m->rcode==0);
  CHECK_SPAN("dns.parse.qname", m->qname, (long)strlen(m->qname), "sender.example");
  CHECK("dns.parse.qtype", m->qtype==MT_DNS_MX && m->qclass==1);
  CHECK("dns.parse.nrr", m->nrr==2);
  CHECK("dns.parse.mx", m->rr[0].type==MT_DNS_MX && m->rr[0].pref==10 && strcmp(m->rr[0].target, "mx1.sender.example")==0
                        && strcmp(m->rr[0].owner, "sender.example")==0 && m->rr[0].ttl==300);
  CHECK("dns.parse.a", m->rr[1].type==MT_DNS_A && memcmp(m->rr[1].addr, "\xc0\x00\x02\x0a", 4)==0);
  {
    size_t k;
    int bad = 0;
    /* every prefix of it is refused, none read past its end */
    for(k=0; k<n; k++) if( parse(b, k, m)==0 && k<12+20 ) bad++;
    CHECK("dns.parse.prefixes_refused", bad==0 && parse(b, 11, m)==-1 && parse(b, n-1, m)==-1);
  }
  /* a pointer to itself, a forward pointer */
  n = hdr(b, 1, 0x8180, 1, 0, 0, 0);
  memcpy(b+n, "\xc0\x0c\x00\x01\x00\x01", 6);
  CHECK("dns.parse.self_pointer", parse(b, n+6, m)==-1);
  memcpy(b+n, "\xc0\x20\x00\x01\x00\x01", 6);
  CHECK("dns.parse.forward_pointer", parse(b, n+6, m)==-1);
  /* two names pointing at each other */
  n = hdr(b, 1, 0x8180, 2, 0, 0, 0);
  memcpy(b+n, "\x01" "a\xc0\x12\x00\x01\x00\x01" "\x01" "b\xc0\x0c\x00\x01\x00\x01", 16);
  CHECK("dns.parse.pointer_loop", parse(b, n+16, m)==-1);
  /* an A record of 5 bytes; a record longer than the message */
  n = hdr(b, 1, 0x8180, 0, 1, 0, 0);
  memcpy(b+n, "\x00\x00\x01\x00\x01\x00\x00\x00\x01\x00\x05\x01\x02\x03\x04\x05", 16);
  CHECK("dns.parse.a_not_4_bytes", parse(b, n+16, m)==-1);
  memcpy(b+n, "\x00\x00\x01\x00\x01\x00\x00\x00\x01\x00\x09\x01\x02\x03\x04", 15);
  CHECK("dns.parse.rdata_past_end", parse(b, n+15, m)==-1);
  /* a PTR whose name runs past its record's data */
  n = hdr(b, 1, 0x8180, 0, 1, 0, 0);
  memcpy(b+n, "\x00\x00\x0c\x00\x01\x00\x00\x00\x01\x00\x02\x03" "abc\x00", 16);
  CHECK("dns.parse.ptr_past_rdata", parse(b, n+16, m)==-1);
  /* a label with a dot and a control byte is shown escaped */
  n = hdr(b, 1, 0x8180, 0, 1, 0, 0);
  memcpy(b+n, "\x00\x00\x0c\x00\x01\x00\x00\x00\x01\x00\x06\x04" "a.b\x01\x00", 17);
  CHECK("dns.parse.escaped", parse(b, n+17, m)==0 && strcmp(m->rr[0].target, "a\\046b\\001")==0);
  /* extended label types 0x40/0x80 */
  n = hdr(b, 1, 0x8180, 1, 0, 0, 0);
  memcpy(b+n, "\x41" "a\x00\x00\x01\x00\x01", 7);
  CHECK("dns.parse.label_type", parse(b, n+7, m)==-1);
  /* a name of more than 255 octets made of pointers to short names */
  {
    size_t i;
    n = hdr(b, 1, 0x8180, 1, 0, 0, 0);
    for(i=0; i<130; i++){ b[n++] = 1; b[n++] = 'x'; }
    b[n++] = 0; b[n++] = 0; b[n++] = 1; b[n++] = 0; b[n++] = 1;
    CHECK("dns.parse.name_over_255", parse(b, n, m)==-1);
  }
  /* TC and rcode are read; an OPT record in the additional section is not kept */
  n = hdr(b, 7, 0x8383, 1, 0, 0, 1);
  memcpy(b+n, "\x01" "a\x00\x00\x0c\x00\x01" "\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00", 18);
  CHECK("dns.parse.tc_rcode_opt", parse(b, n+18, m)==0 && m->tc==1 && m->rcode==3 && m->nrr==0 && m->arcount==1);
  free(m);
}

static void test_names(void){
  char out[80];
  uint8_t a[16];
  CHECK("dns.name_eq.case_dot", mt_dns_name_eq("Mail.Example.", "mail.example"));
  CHECK("dns.name_eq.differ", !mt_dns_name_eq("mail.example", "mail.example.com"));
  CHECK("dns.ptr.v4", mt_dns_ptr_name("192.0.2.10", out, sizeof(out), a)==4
                      && strcmp(out, "10.2.0.192.in-addr.arpa")==0 && a[0]==192 && a[3]==10);
  CHECK("dns.ptr.v6", mt_dns_ptr_name("2001:db8::25", out, sizeof(out), a)==16
                      && strcmp(out, "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa")==0);
  CHECK("dns.ptr.not_ip", mt_dns_ptr_name("mail.example", out, sizeof(out), a)==0);
  CHECK("dns.ptr.bad_v4", mt_dns_ptr_name("192.0.2.300", out, sizeof(out), a)==0);
  mt_dns_addr_text(a, 16, out, sizeof(out));
  CHECK("dns.addr_text", strcmp(out, "2001:db8::25")==0);
}

static void test_resolvers(void){
  mt_resolver r;
  char err[200];
  static const char conf[] =
    "# resolv.conf\nsearch example\n  nameserver 192.0.2.53 # first\nnameserver\t2001:db8::53\n"
    "options timeout:1\nnameserver fe80::1%eth0\nnameserver 192.0.2.54\n";
  CHECK("dns.resolver.ip", mt_dns_resolver_set(&r, "192.0.2.53", 2, err, sizeof(err))==0
                           && r.nsrv==1 && strcmp(r.srv[0].text, "192.0.2.53:53")==0 && r.timeout==2);
  CHECK("dns.resolver.port", mt_dns_resolver_set(&r, "127.0.0.1:5353", 0, err, sizeof(err))==0
                             && strcmp(r.srv[0].text, "127.0.0.1:5353")==0 && r.timeout==5);
  CHECK("dns.resolver.v6", mt_dns_resolver_set(&r, "[::1]:5353", 1, err, sizeof(err))==0
                           && strcmp(r.srv[0].text, "[::1]:5353")==0);
  CHECK("dns.resolver.v6_bare", mt_dns_resolver_set(&r, "::1", 1, err, sizeof(err))==0
                                && strcmp(r.srv[0].text, "[::1]:53")==0);
  CHECK("dns.resolver.name_refused", mt_dns_resolver_set(&r, "dns.example", 1, err, sizeof(err))==-1
                                     && strstr(err, "dns.example"));
  CHECK("dns.resolver.bad_port", mt_dns_resolver_set(&r, "127.0.0.1:70000", 1, err, sizeof(err))==-1
                                 && mt_dns_resolver_set(&r, "127.0.0.1:", 1, err, sizeof(err))==-1);
  CHECK("dns.conf.three", mt_dns_resolver_conf(&r, conf, sizeof(conf)-1, 3, err, sizeof(err))==0 && r.nsrv==3
        && r.system && strcmp(r.srv[0].text, "192.0.2.53:53")==0 && strcmp(r.srv[1].text, "[2001:db8::53]:53")==0
        && strcmp(r.srv[2].text, "[fe80::1]:53")==0);
  CHECK("dns.conf.none", mt_dns_resolver_conf(&r, "search x\n", 9, 3, err, sizeof(err))==0 && r.nsrv==1
        && strcmp(r.srv[0].text, "127.0.0.1:53")==0);
  CHECK("dns.conf.bad", mt_dns_resolver_conf(&r, "nameserver dns.example\n", 23, 3, err, sizeof(err))==-1
        && strstr(err, "dns.example"));
  CHECK("dns.status_words", strcmp(mt_dns_status_word(MT_DNS_NXDOMAIN), "nxdomain")==0
                            && strcmp(mt_dns_status_word(MT_DNS_TIMEOUT), "timeout")==0);
}

static void test_smtp_reply(void){
  int code = 0;
  size_t len = 0;
  static const char multi[] = "220-esa.example ESMTP\r\n220 ready\r\nEXTRA";
  CHECK("smtp_reply.multi", mt_smtp_reply(multi, sizeof(multi)-1, &code, &len)==1 && code==220 && len==sizeof(multi)-1-5);
  CHECK("smtp_reply.partial_line", mt_smtp_reply(multi, 10, &code, &len)==0);
  CHECK("smtp_reply.only_continuation", mt_smtp_reply(multi, 23, &code, &len)==0);
  CHECK("smtp_reply.bare_code", mt_smtp_reply("250\n", 4, &code, &len)==1 && code==250 && len==4);
  CHECK("smtp_reply.lf_only", mt_smtp_reply("554 no\n", 7, &code, &len)==1 && code==554);
  CHECK("smtp_reply.mixed_codes", mt_smtp_reply("250-a\r\n251 b\r\n", 14, &code, &len)==-1);
  CHECK("smtp_reply.not_smtp", mt_smtp_reply("SSH-2.0-OpenSSH\r\n", 17, &code, &len)==-1);
  CHECK("smtp_reply.bad_sep", mt_smtp_reply("220x\r\n", 6, &code, &len)==-1);
  CHECK("smtp_reply.short", mt_smtp_reply("22", 2, &code, &len)==0);
}

static int calls;
static int stop_after_5(void *arg){ (void)arg; return ++calls > 5; }

/* A UDP socket on 127.0.0.1 that reads nothing: the lookup waits, and
** stops when should_stop says so, long before its timeout. */
static void test_stop(void){
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in sa;
  socklen_t sl = sizeof(sa);
  mt_resolver r;
  mt_dns_msg *m = malloc(sizeof(*m));
  char err[200], spec[40], why[256];
  double t0, t;
  int st;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if( fd<0 || !m || bind(fd, (struct sockaddr*)&sa, sizeof(sa))<0 || getsockname(fd, (struct sockaddr*)&sa, &sl)<0 ){
    unit_checks++;
    printf("SKIP dns.stop: no loopback UDP socket\n");
    if( fd>=0 ) close(fd);
    free(m);
    return;
  }
  snprintf(spec, sizeof(spec), "127.0.0.1:%u", ntohs(sa.sin_port));
  mt_dns_resolver_set(&r, spec, 10, err, sizeof(err));
  r.should_stop = stop_after_5;
  t0 = mt_dns_now();
  st = mt_dns_query(&r, "10.2.0.192.in-addr.arpa", MT_DNS_PTR, m, why, sizeof(why));
  t = mt_dns_now() - t0;
  CHECK("dns.stop.interrupted", st==MT_DNS_INTERRUPTED);
  /* five slices of at most MT_DNS_SLICE_MS, not the 10 s timeout */
  CHECK("dns.stop.within_slices", t < 5 * MT_DNS_SLICE_MS / 1000.0 + 1.0);
  r.should_stop = 0;
  r.timeout = 0.2;
  r.queries = 0;
  st = mt_dns_query(&r, "10.2.0.192.in-addr.arpa", MT_DNS_PTR, m, why, sizeof(why));
  /* one server, two tries: the query and one retransmission */
  CHECK("dns.timeout.status", st==MT_DNS_TIMEOUT && strstr(why, spec) && r.queries==2);
  close(fd);
  free(m);
}

int main(void){
  test_query();
  test_parse();
  test_names();
  test_resolvers();
  test_smtp_reply();
  test_stop();
  return unit_failed ? 1 : 0;
}
