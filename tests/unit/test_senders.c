/* SPDX-License-Identifier: MIT */
/*
** test_senders.c — a domain's sending IPs from an entity store (ext/senders.c),
** on esa1 + esa2 (the facts are written out by hand in tests/data/FACTS.md §10)
** and on a log of its own whose message began before its connection's lines.
*/
#include "senders.h"
#include "files.h"
#include "lines.h"
#include "unit.h"

#include <stdlib.h>
#include <unistd.h>

static mt_store *build(const char *const *src, int n){
  mt_filelist fl;
  mt_opts o;
  mt_store *st;
  char *err = 0;
  int i;
  memset(&fl, 0, sizeof(fl));
  memset(&o, 0, sizeof(o));
  for(i=0; i<n; i++){
    if( mt_files_add(&fl, src[i], &err) ){ unit_checks++; unit_failed++; printf("FAIL senders.load %s: %s\n", src[i], err); free(err); mt_files_free(&fl); return 0; }
  }
  mt_store_build(&fl, &o, 0, 0, 0, &st, &err, 0, 0);
  if( !st ){ unit_checks++; unit_failed++; printf("FAIL senders.build: %s\n", err); free(err); }
  mt_files_free(&fl);
  return st;
}

static int iso_is(int64_t t, const char *want){
  char iso[20];
  mt_time_iso(t, iso);
  return strcmp(iso, want)==0;
}

int main(void){
  static const char *const src[] = { "tests/data/esa1", "tests/data/esa2" };
  mt_store *st;
  mt_sender_ip *v;
  int n;

  CHECK("senders.match.exact", mt_sender_domain_match("orders@Sender.Example", "sender.example", 0));
  CHECK("senders.match.angle", mt_sender_domain_match("orders@sender.example>", "sender.example", 0));
  CHECK("senders.match.no_sub", !mt_sender_domain_match("a@mail.sender.example", "sender.example", 0));
  CHECK("senders.match.sub", mt_sender_domain_match("a@mail.sender.example", "sender.example", 1));
  CHECK("senders.match.not_suffix", !mt_sender_domain_match("a@othersender.example", "sender.example", 1));
  CHECK("senders.match.null_sender", !mt_sender_domain_match("", "sender.example", 1) && !mt_sender_domain_match(0, "x", 1));

  if( !(st = build(src, 2)) ) return 1;
  CHECK("senders.esa.ok", mt_sender_ips(st, "sender.example", 0, &v, &n)==0);
  CHECK("senders.esa.one_ip", n==1 && v[0].ip && strcmp(v[0].ip, "192.0.2.10")==0);
  if( n==1 ){
    CHECK("senders.esa.counts", v[0].messages==3 && v[0].connections==2);
    CHECK("senders.esa.times", iso_is(v[0].first, "2026-11-02 13:01:13") && iso_is(v[0].last, "2026-11-02 16:20:39"));
    CHECK("senders.esa.rdns", v[0].reverse_dns && strcmp(v[0].reverse_dns, "mail.sender.example")==0 && v[0].dns_verified==1);
    CHECK("senders.esa.gateways", v[0].gateways && strcmp(v[0].gateways, "esa1")==0);
  }
  mt_sender_ips_free(v, n);
  CHECK("senders.esa.subdomains", mt_sender_ips(st, "example.com", 1, &v, &n)==0 && n==6
        && strcmp(v[0].ip, "10.20.1.15")==0 && v[0].messages==2 && strcmp(v[1].ip, "10.20.1.22")==0
        && strcmp(v[4].ip, "198.51.100.99")==0 && v[4].dns_verified==0 && strcmp(v[4].gateways, "esa2")==0);
  mt_sender_ips_free(v, n);
  CHECK("senders.esa.none", mt_sender_ips(st, "nobody.example", 0, &v, &n)==0 && n==0 && v==0);
  mt_store_free(st);

  /* a message whose connection's lines are not in this log */
  {
    char path[] = "/tmp/mt_senders_XXXXXX";
    int fd = mkstemp(path);
    static const char log[] =
      "Mon Nov  2 08:01:13 2026 Info: Start MID 900 ICID 777\n"
      "Mon Nov  2 08:01:13 2026 Info: MID 900 ICID 777 From: <late@sender.example>\n"
      "Mon Nov  2 08:01:14 2026 Info: MID 900 ICID 777 RID 0 To: <a@example.com>\n";
    const char *one[1];
    one[0] = path;
    if( fd<0 || write(fd, log, sizeof(log)-1)!=(ssize_t)(sizeof(log)-1) ){ unit_checks++; printf("SKIP senders.unknown: no temp file\n"); }
    else if( (st = build(one, 1)) ){
      CHECK("senders.unknown.row", mt_sender_ips(st, "sender.example", 0, &v, &n)==0 && n==1 && v[0].ip==0
            && v[0].messages==1 && v[0].connections==0 && v[0].first==v[0].last);
      mt_sender_ips_free(v, n);
      mt_store_free(st);
    }
    if( fd>=0 ){ close(fd); unlink(path); }
  }
  return unit_failed ? 1 : 0;
}
