/* SPDX-License-Identifier: MIT */
/*
** dns.h — a small DNS client (RFC 1035) for the live checks: reverse DNS with
** forward confirmation, MX with the hosts' addresses, A/AAAA.  No SQLite
** types: the SQL functions (table_check.c) only turn its results into JSON
** and rows.
**
**   mt_resolver r;
**   char err[200];
**   mt_dns_resolver_set(&r, "127.0.0.1:5353", 2.0, err, sizeof err)   (or
**   mt_dns_resolver_system(&r, 2.0, err, sizeof err): /etc/resolv.conf)
**   mt_rdns *d = malloc(sizeof *d);  mt_dns_reverse(&r, "192.0.2.1", d);
**
** Queries go over UDP (one socket per server, connected, so only that
** server's replies are read), with TCP when a reply is truncated, and
** without EDNS0 once a server answers FORMERR to it.  A reply
** is taken only if its id and question match the query.  Every wait is a
** poll() of at most MT_DNS_SLICE_MS, after which `should_stop` is asked:
** a lookup stops within that long of sqlite3_interrupt().
**
** The parser (mt_dns_parse) reads only inside the buffer it is given: every
** length and compression pointer is checked, pointers may only go
** backwards, and names are limited to 255 octets.  tests/fuzz/fuzz_dns.c
** checks exactly that.
*/
#ifndef MAILTRACE_DNS_H
#define MAILTRACE_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define MT_DNS_SLICE_MS 20          /* longest wait between two should_stop() calls */
#define MT_DNS_NAME     400         /* a name as text: 255 octets, some \DDD escapes */
#define MT_DNS_MAXRR    48          /* records kept from one reply (more are ignored) */
#define MT_DNS_MAXSRV   3           /* name servers, as resolv.conf allows */
#define MT_DNS_MAXNAMES 8           /* PTR names followed for one address */
#define MT_DNS_MAXADDR  8           /* addresses kept for one host */
#define MT_DNS_MAXMX    16          /* MX hosts kept for one domain */

enum { MT_DNS_A = 1, MT_DNS_NS = 2, MT_DNS_CNAME = 5, MT_DNS_PTR = 12, MT_DNS_MX = 15, MT_DNS_AAAA = 28,
       MT_DNS_OPT_TYPE = 41 };

/* What one lookup came to.  mt_dns_status_word() gives the word the SQL
** functions show in their `status` column. */
enum {
  MT_DNS_OK = 0,        /* records of the type asked for */
  MT_DNS_NODATA,        /* the name exists, but has no record of that type */
  MT_DNS_NXDOMAIN,      /* the name does not exist */
  MT_DNS_SERVFAIL,      /* the server could not answer (rcode 2) */
  MT_DNS_REFUSED,       /* the server refused to answer (rcode 5) */
  MT_DNS_RCODE,         /* another error rcode */
  MT_DNS_TIMEOUT,       /* no reply within the timeout */
  MT_DNS_NETERR,        /* a socket error (nothing listening, unreachable) */
  MT_DNS_BADREPLY,      /* a reply that is malformed or does not match the query */
  MT_DNS_INTERRUPTED    /* should_stop() said stop */
};
const char *mt_dns_status_word(int status);

/* ---- the wire format (pure functions) */

typedef struct mt_dns_rr {
  int section;                      /* 1 answer, 2 authority, 3 additional */
  uint16_t type, klass;
  uint32_t ttl;
  char owner[MT_DNS_NAME];          /* as text, no trailing dot, \DDD for odd bytes */
  char target[MT_DNS_NAME];         /* PTR, CNAME, NS, MX: the name in the data */
  uint16_t pref;                    /* MX */
  uint8_t addr[16];                 /* A (4 bytes), AAAA (16) */
} mt_dns_rr;

typedef struct mt_dns_msg {
  uint16_t id;
  int qr, aa, tc, rd, ra, rcode;
  char qname[MT_DNS_NAME];
  uint16_t qtype, qclass;
  int qdcount, ancount, nscount, arcount;
  int nrr;                          /* records kept in rr[] (of every section) */
  mt_dns_rr rr[MT_DNS_MAXRR];
} mt_dns_msg;

/* A query for (name, qtype) with this id and recursion desired, into buf:
** its length, or 0 when the name is not a valid domain name or buf is too
** small (512 bytes are always enough). */
size_t mt_dns_query_build(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype);

/* Parse a reply of n bytes: 0 and *m filled, or -1 (malformed: short
** header, a name running off the end, a forward or looping pointer, a
** record longer than the message, an A record that is not 4 bytes, ...). */
int mt_dns_parse(const uint8_t *p, size_t n, mt_dns_msg *m);

/* Two names equal, ignoring ASCII case and a trailing dot. */
int mt_dns_name_eq(const char *a, const char *b);

/* The PTR name of an IPv4 or IPv6 address (4.3.2.1.in-addr.arpa, ...ip6.arpa)
** and its bytes: 4 or 16 (its family), or 0 when `ip` is not an address. */
int mt_dns_ptr_name(const char *ip, char *out, size_t cap, uint8_t addr[16]);

/* An address as text (inet_ntop): 4 or 16 bytes. */
void mt_dns_addr_text(const uint8_t *addr, int len, char *out, size_t cap);

/* ---- the resolver */

typedef struct mt_dns_server {
  struct sockaddr_storage sa;
  socklen_t salen;
  char text[80];                    /* "127.0.0.1:5353", "[::1]:53" */
} mt_dns_server;

typedef struct mt_resolver {
  mt_dns_server srv[MT_DNS_MAXSRV];
  int nsrv;
  double timeout;                   /* seconds per lookup (all servers, both tries) */
  int system;                       /* taken from resolv.conf */
  int (*should_stop)(void*);        /* asked between waits; non-zero: stop */
  void *stop_arg;
  int queries;                      /* queries sent (UDP and TCP), for the curious */
  int noedns;                       /* a server answered FORMERR to EDNS0: ask without it */
} mt_resolver;

/* One server given as IP, IP:port, [IPv6] or [IPv6]:port (default port 53).
** 0, or -1 with err filled. */
int mt_dns_resolver_set(mt_resolver *r, const char *spec, double timeout, char *err, size_t errcap);

/* The nameserver lines of resolv.conf text (at most MT_DNS_MAXSRV; none:
** 127.0.0.1, as the C library does).  -1 with err when a line names
** something that is not an address. */
int mt_dns_resolver_conf(mt_resolver *r, const char *text, size_t n, double timeout, char *err, size_t errcap);

/* The system's resolver: /etc/resolv.conf, or the file that the
** environment variable MAILTRACE_RESOLV_CONF names.  -1 with err when the
** file cannot be read. */
int mt_dns_resolver_system(mt_resolver *r, double timeout, char *err, size_t errcap);

/* Ask (name, qtype): the status; *m holds the reply when there was one
** (OK, NODATA, NXDOMAIN, SERVFAIL, REFUSED, RCODE); `reason` says in words
** what happened and which server said it. */
int mt_dns_query(mt_resolver *r, const char *name, uint16_t qtype, mt_dns_msg *m,
                 char *reason, size_t reasoncap);

/* ---- the checks */

/* Addresses of a host: A and/or AAAA (CNAMEs followed). */
typedef struct mt_dns_addrs {
  int status;                       /* of the lookups together: OK when any address */
  char reason[256];
  int n;
  char addr[MT_DNS_MAXADDR][46];
} mt_dns_addrs;
/* want: 4 (A), 6 (AAAA) or 0 (both). */
void mt_dns_addresses(mt_resolver *r, const char *host, int want, mt_dns_addrs *out);

/* Reverse DNS of one address, each PTR name looked up forward. */
typedef struct mt_rdns {
  int status;                       /* of the PTR lookup */
  char reason[320];                 /* when status is not OK: why there is no name */
  double seconds;                   /* the whole check, forward lookups included */
  char ptr_name[80];                /* 4.3.2.1.in-addr.arpa */
  int confirmed;                    /* some name resolves back to the address */
  int nname;
  struct {
    char name[MT_DNS_NAME];
    int confirmed;                  /* 1 yes, 0 no (looked up, address not there), -1 lookup failed */
    mt_dns_addrs fwd;
  } names[MT_DNS_MAXNAMES];
} mt_rdns;
/* 0, or -1 when `ip` is not an IPv4 or IPv6 address. */
int mt_dns_reverse(mt_resolver *r, const char *ip, mt_rdns *out);

/* MX of a domain, with each host's addresses. */
typedef struct mt_mx_host {
  int pref;
  char host[MT_DNS_NAME];
  mt_dns_addrs addrs;
} mt_mx_host;
typedef struct mt_mx {
  int status;                       /* of the MX lookup */
  char reason[320];
  double seconds;
  int implicit;                     /* no MX: mail goes to the domain's own address (RFC 5321 5.1) */
  int null_mx;                      /* "0 ." : the domain accepts no mail (RFC 7505) */
  int nmx;
  mt_mx_host mx[MT_DNS_MAXMX];      /* by preference, then name */
} mt_mx;
/* 0, or -1 when `domain` is not a valid name. */
int mt_dns_mx(mt_resolver *r, const char *domain, mt_mx *out);

/* Monotonic seconds. */
double mt_dns_now(void);

#endif
