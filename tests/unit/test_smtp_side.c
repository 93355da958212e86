/* SPDX-License-Identifier: MIT */
/*
** test_smtp_side.c — who wrote an injection debug line's data (ext/smtp.c,
** mt_smtp_content and mt_smtp_seq_step): issue 10, finding 14.  The shapes
** are those of format.md §7.2 (Cisco's example, where `Sent` carries the
** client's commands) and of the opposite labelling.
*/
#include "smtp.h"
#include "unit.h"

#include <stdlib.h>

static int content(const char *repr){ return mt_smtp_content(repr, strlen(repr)); }

static void test_content(void){
  CHECK("reply.250", content("'250 OK'")==MT_SMTP_REPLY);
  CHECK("reply.crlf", content("'250\\r\\n'")==MT_SMTP_REPLY);
  CHECK("reply.multiline", content("'250-esa1.example.com\\r\\n250 SIZE 10485760\\r\\n'")==MT_SMTP_REPLY);
  CHECK("reply.bare_code", content("'354'")==MT_SMTP_REPLY);
  CHECK("reply.unquoted", content("220 esa1 ESMTP")==MT_SMTP_REPLY);
  CHECK("reply.dquoted", content("\"550 don't\"")==MT_SMTP_REPLY);
  CHECK("not_reply.1xx", content("'100 items'")==0);
  CHECK("not_reply.6xx", content("'600 x'")==0);
  CHECK("not_reply.4digits", content("'2500 apples'")==0);
  CHECK("not_reply.2digits", content("'25'")==0);
  CHECK("command.mail", content("'MAIL FROM:<a@b.example>'")==MT_SMTP_COMMAND);
  CHECK("command.lower", content("'ehlo x.example\\r\\n'")==MT_SMTP_COMMAND);
  CHECK("command.data", content("'DATA'")==MT_SMTP_COMMAND);
  CHECK("command.data_crlf", content("'DATA\\r\\n'")==MT_SMTP_COMMAND);
  CHECK("command.starttls", content("'STARTTLS\\r\\n'")==MT_SMTP_COMMAND);
  CHECK("command.rcpt", content("'RCPT TO:<x@y.example>'")==MT_SMTP_COMMAND);
  CHECK("not_command.prefix", content("'DATAbase dump'")==0);
  CHECK("not_command.body", content("'Subject: hello\\r\\n'")==0);
  CHECK("not_command.base64", content("'dXNlcg==\\r\\n'")==0);
  CHECK("empty", content("''")==0 && content("")==0 && content("'")==0);
  {
    /* every prefix stays inside its bounds (ASan) */
    const char *a = "'STARTTLS\\r\\n'";
    size_t k;
    for(k=0; k<=strlen(a); k++){
      char *b = malloc(k ? k : 1);
      if( !b ) break;
      memcpy(b, a, k);
      (void)mt_smtp_content(b, k);
      free(b);
    }
    CHECK("prefixes.in_bounds", k==strlen(a)+1);
  }
}

static mt_smtp_line L(int64_t icid, int dir, const char *repr){
  mt_smtp_line l;
  l.icid = icid; l.direction = dir; l.dir = dir==MT_SMTP_SENT ? "Sent" : "Rcvd";
  l.repr = repr; l.repr_len = strlen(repr);
  return l;
}

static void test_side(void){
  mt_smtp_seq m;
  mt_smtp_line l;
  int side = -1;
  int64_t seq;
  mt_smtp_seq_init(&m);
  /* Cisco's example: Sent carries the commands */
  l = L(7, MT_SMTP_SENT, "'MAIL FROM:<a@b.example>'"); seq = mt_smtp_seq_step(&m, "h", 1, &l, &side);
  CHECK("doc.1.client", seq==1 && side==MT_SIDE_CLIENT);
  l = L(7, MT_SMTP_RCVD, "'250 OK'"); seq = mt_smtp_seq_step(&m, "h", 1, &l, &side);
  CHECK("doc.2.server", seq==2 && side==MT_SIDE_SERVER);
  l = L(7, MT_SMTP_SENT, "'250 apples in the body'"); seq = mt_smtp_seq_step(&m, "h", 1, &l, &side);
  CHECK("doc.3.body_that_looks_like_a_reply_is_client", seq==3 && side==MT_SIDE_CLIENT);
  /* the other labelling, on another connection: Sent carries the replies */
  l = L(8, MT_SMTP_SENT, "'220 esa1 ESMTP\\r\\n'"); seq = mt_smtp_seq_step(&m, "h", 1, &l, &side);
  CHECK("prose.1.server", seq==1 && side==MT_SIDE_SERVER);
  l = L(8, MT_SMTP_RCVD, "'EHLO x\\r\\n'"); seq = mt_smtp_seq_step(&m, "h", 1, &l, &side);
  CHECK("prose.2.client", seq==2 && side==MT_SIDE_CLIENT);
  /* the same ICID on another host is another connection, undecided */
  l = L(7, MT_SMTP_RCVD, "'Subject: x'"); seq = mt_smtp_seq_step(&m, "g", 1, &l, &side);
  CHECK("other_host.unknown", seq==1 && side==MT_SIDE_UNKNOWN);
  l = L(7, MT_SMTP_RCVD, "'QUIT'"); seq = mt_smtp_seq_step(&m, "g", 1, &l, &side);
  CHECK("other_host.decided_by_command", seq==2 && side==MT_SIDE_CLIENT);
  l = L(7, MT_SMTP_SENT, "'x'"); seq = mt_smtp_seq_step(&m, "g", 1, &l, &side);
  CHECK("other_host.then_server", seq==3 && side==MT_SIDE_SERVER);
  /* many connections: the table grows and keeps every decision */
  {
    int64_t i;
    int ok = 1;
    for(i=100; i<3100; i++){
      l = L(i, (i&1) ? MT_SMTP_SENT : MT_SMTP_RCVD, "'250 ok'");
      if( mt_smtp_seq_step(&m, "h", 1, &l, &side)!=1 || side!=MT_SIDE_SERVER ) ok = 0;
    }
    for(i=100; i<3100; i++){
      l = L(i, (i&1) ? MT_SMTP_RCVD : MT_SMTP_SENT, "'anything'");
      if( mt_smtp_seq_step(&m, "h", 1, &l, &side)!=2 || side!=MT_SIDE_CLIENT ) ok = 0;
    }
    CHECK("grow.keeps_decisions", ok);
  }
  l = L(7, MT_SMTP_RCVD, "'250 OK'"); seq = mt_smtp_seq_step(&m, "h", 1, &l, &side);
  CHECK("doc.4.after_growth", seq==4 && side==MT_SIDE_SERVER);
  mt_smtp_seq_free(&m);
}

int main(void){
  test_content();
  test_side();
  return unit_failed ? 1 : 0;
}
