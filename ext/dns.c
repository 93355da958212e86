/* SPDX-License-Identifier: MIT */
/*
** dns.c — the DNS client of the live checks (see dns.h).
**
**   mt_resolver r;  char err[200];
**   if( mt_dns_resolver_set(&r, "127.0.0.1:5353", 2.0, err, sizeof err)==0 ){
**     mt_rdns *d = malloc(sizeof *d);
**     mt_dns_reverse(&r, "192.0.2.1", d);   -- d->status, d->names[0].name ...
**   }
**
** Layout: the wire format (query building, reply parsing: pure functions,
** fuzzed), the resolver configuration (a server given, or resolv.conf),
** the transport (UDP with retries over the servers, TCP when truncated),
** and the checks built on it (addresses, reverse DNS, MX).
*/
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

const char *mt_dns_status_word(int status){
  switch( status ){
    case MT_DNS_OK: return "ok";
    case MT_DNS_NODATA: return "nodata";
    case MT_DNS_NXDOMAIN: return "nxdomain";
    case MT_DNS_SERVFAIL: return "servfail";
    case MT_DNS_REFUSED: return "refused";
    case MT_DNS_RCODE: return "error";
    case MT_DNS_TIMEOUT: return "timeout";
    case MT_DNS_NETERR: return "network error";
    case MT_DNS_BADREPLY: return "bad reply";
    case MT_DNS_INTERRUPTED: return "interrupted";
  }
  return "error";
}

double mt_dns_now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ wire */

static int lower(int c){ return c>='A' && c<='Z' ? c + 32 : c; }

int mt_dns_name_eq(const char *a, const char *b){
  size_t na = strlen(a), nb = strlen(b), i;
  if( na && a[na-1]=='.' ) na--;
  if( nb && b[nb-1]=='.' ) nb--;
  if( na!=nb ) return 0;
  for(i=0; i<na; i++) if( lower((unsigned char)a[i])!=lower((unsigned char)b[i]) ) return 0;
  return 1;
}

/* Encode a dotted name into wire labels at out: its length, 0 if invalid. */
static size_t put_name(uint8_t *out, size_t cap, const char *name){
  size_t o = 0, n = strlen(name);
  const char *p = name, *e = name + n;
  if( n && name[n-1]=='.' ) e--;
  if( e==name && n==1 ){ if( cap<1 ) return 0; out[0] = 0; return 1; }   /* "." the root */
  if( e==name ) return 0;
  while( p < e ){
    const char *dot = memchr(p, '.', (size_t)(e - p));
    size_t len = (size_t)((dot ? dot : e) - p), k;
    if( len==0 || len>63 || o + 1 + len + 1 > cap || o + 1 + len + 1 > 255 ) return 0;
    for(k=0; k<len; k++){
      unsigned char c = (unsigned char)p[k];
      if( c<=' ' || c==127 || c=='\\' ) return 0;
    }
    out[o++] = (uint8_t)len;
    memcpy(out + o, p, len);
    o += len;
    p += len + (dot ? 1 : 0);
  }
  out[o++] = 0;
  return o;
}

size_t mt_dns_query_build(uint8_t *buf, size_t cap, uint16_t id, const char *name, uint16_t qtype){
  size_t n;
  if( cap < 12 + 4 + 11 ) return 0;
  memset(buf, 0, 12);
  buf[0] = (uint8_t)(id >> 8); buf[1] = (uint8_t)id;
  buf[2] = 0x01;                      /* RD */
  buf[5] = 1;                         /* one question */
  buf[11] = 1;                        /* one additional: the EDNS0 OPT record */
  n = put_name(buf + 12, cap - 12 - 4 - 11, name);
  if( !n ) return 0;
  n += 12;
  buf[n++] = (uint8_t)(qtype >> 8); buf[n++] = (uint8_t)qtype;
  buf[n++] = 0; buf[n++] = 1;         /* class IN */
  /* OPT: root name, type 41, UDP payload 1232, no extended flags, no data */
  buf[n++] = 0; buf[n++] = 0; buf[n++] = 41; buf[n++] = 1232 >> 8; buf[n++] = 1232 & 0xff;
  buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 0; buf[n++] = 0;
  return n;
}

/* Read a (possibly compressed) name at *pos into out as text.  Pointers
** must go strictly backwards from the previous one, so there are no loops;
** the name may not exceed 255 octets.  0, or -1 malformed or too long. */
static int read_name(const uint8_t *p, size_t n, size_t *pos, char *out, size_t cap){
  size_t i = *pos, o = 0, wire = 1, limit = *pos, after = 0;
  int jumped = 0;
  for(;;){
    unsigned len;
    if( i>=n ) return -1;
    len = p[i];
    if( len==0 ){ i++; break; }
    if( (len & 0xC0)==0xC0 ){
      size_t to;
      if( i+1>=n ) return -1;
      to = ((size_t)(len & 0x3F) << 8) | p[i+1];
      if( to>=limit ) return -1;
      if( !jumped ){ after = i + 2; jumped = 1; }
      limit = to;
      i = to;
      continue;
    }
    if( len & 0xC0 ) return -1;       /* 0x40, 0x80: obsolete label types */
    i++;
    if( len > n - i ) return -1;
    wire += len + 1;
    if( wire > 255 ) return -1;
    if( o ){ if( o+1>=cap ) return -1; out[o++] = '.'; }
    {
      unsigned k;
      for(k=0; k<len; k++){
        unsigned char c = p[i+k];
        if( c>' ' && c<127 && c!='.' && c!='\\' ){
          if( o+1>=cap ) return -1;
          out[o++] = (char)c;
        }else{
          if( o+5>=cap ) return -1;
          snprintf(out + o, 5, "\\%03u", c);
          o += 4;
        }
      }
    }
    i += len;
  }
  if( cap<1 ) return -1;
  out[o] = 0;
  *pos = jumped ? after : i;
  return 0;
}

static unsigned get16(const uint8_t *p){ return ((unsigned)p[0] << 8) | p[1]; }

int mt_dns_parse(const uint8_t *p, size_t n, mt_dns_msg *m){
  size_t pos = 12;
  int i, total;
  memset(m, 0, sizeof(*m));
  if( n < 12 ) return -1;
  m->id = (uint16_t)get16(p);
  m->qr = p[2] >> 7;
  m->aa = (p[2] >> 2) & 1;
  m->tc = (p[2] >> 1) & 1;
  m->rd = p[2] & 1;
  m->ra = p[3] >> 7;
  m->rcode = p[3] & 0x0F;
  m->qdcount = (int)get16(p+4);
  m->ancount = (int)get16(p+6);
  m->nscount = (int)get16(p+8);
  m->arcount = (int)get16(p+10);
  for(i=0; i<m->qdcount; i++){
    char name[MT_DNS_NAME];
    if( read_name(p, n, &pos, name, sizeof(name)) ) return -1;
    if( n - pos < 4 ) return -1;
    if( i==0 ){
      memcpy(m->qname, name, sizeof(name));
      m->qtype = (uint16_t)get16(p + pos);
      m->qclass = (uint16_t)get16(p + pos + 2);
    }
    pos += 4;
  }
  total = m->ancount + m->nscount + m->arcount;
  for(i=0; i<total && m->nrr<MT_DNS_MAXRR; i++){
    mt_dns_rr *rr = &m->rr[m->nrr];
    size_t rdlen, rd;
    memset(rr, 0, sizeof(*rr));
    rr->section = i < m->ancount ? 1 : i < m->ancount + m->nscount ? 2 : 3;
    if( read_name(p, n, &pos, rr->owner, sizeof(rr->owner)) ) return -1;
    if( n - pos < 10 ) return -1;
    rr->type = (uint16_t)get16(p + pos);
    rr->klass = (uint16_t)get16(p + pos + 2);
    rr->ttl = ((uint32_t)get16(p + pos + 4) << 16) | get16(p + pos + 6);
    rdlen = get16(p + pos + 8);
    pos += 10;
    if( rdlen > n - pos ) return -1;
    rd = pos;
    pos += rdlen;
    if( rr->type==MT_DNS_OPT_TYPE ) continue;    /* EDNS0: not a record */
    switch( rr->type ){
      case MT_DNS_A:
        if( rdlen!=4 ) return -1;
        memcpy(rr->addr, p + rd, 4);
        break;
      case MT_DNS_AAAA:
        if( rdlen!=16 ) return -1;
        memcpy(rr->addr, p + rd, 16);
        break;
      case MT_DNS_MX:
        if( rdlen<3 ) return -1;
        rr->pref = (uint16_t)get16(p + rd);
        rd += 2;
        /* FALLTHROUGH - the exchange is a name */
      case MT_DNS_PTR: case MT_DNS_CNAME: case MT_DNS_NS: {
        size_t q = rd;
        /* the name is read from the whole message (compression), but must
        ** start and, uncompressed, end inside the record's data */
        if( read_name(p, n, &q, rr->target, sizeof(rr->target)) ) return -1;
        if( q > pos ) return -1;
        break;
      }
      default:
        break;
    }
    m->nrr++;
  }
  return 0;
}

int mt_dns_ptr_name(const char *ip, char *out, size_t cap, uint8_t addr[16]){
  struct in_addr a4;
  struct in6_addr a6;
  if( inet_pton(AF_INET, ip, &a4)==1 ){
    const uint8_t *b = (const uint8_t*)&a4;
    memset(addr, 0, 16);
    memcpy(addr, b, 4);
    if( (size_t)snprintf(out, cap, "%u.%u.%u.%u.in-addr.arpa", b[3], b[2], b[1], b[0]) >= cap ) return 0;
    return 4;
  }
  if( inet_pton(AF_INET6, ip, &a6)==1 ){
    static const char hex[] = "0123456789abcdef";
    const uint8_t *b = (const uint8_t*)&a6;
    size_t o = 0;
    int i;
    if( cap < 64 + 9 + 1 ) return 0;
    for(i=15; i>=0; i--){
      out[o++] = hex[b[i] & 15]; out[o++] = '.';
      out[o++] = hex[b[i] >> 4]; out[o++] = '.';
    }
    memcpy(out + o, "ip6.arpa", 9);
    memcpy(addr, b, 16);
    return 16;
  }
  return 0;
}

void mt_dns_addr_text(const uint8_t *addr, int len, char *out, size_t cap){
  if( !inet_ntop(len==4 ? AF_INET : AF_INET6, addr, out, (socklen_t)cap) && cap ) out[0] = 0;
}

/* ------------------------------------------------------------ resolvers */

/* "IP", "IP:port", "[v6]", "[v6]:port", or a bare IPv6 address. */
static int parse_server(mt_dns_server *s, const char *spec, int dflt_port){
  char host[64];
  const char *port = 0;
  long pn = dflt_port;
  size_t n = strlen(spec);
  struct sockaddr_in *a4 = (struct sockaddr_in*)&s->sa;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6*)&s->sa;
  memset(s, 0, sizeof(*s));
  if( spec[0]=='[' ){
    const char *rb = strchr(spec, ']');
    if( !rb || (size_t)(rb - spec - 1) >= sizeof(host) ) return -1;
    memcpy(host, spec+1, (size_t)(rb - spec - 1));
    host[rb - spec - 1] = 0;
    if( rb[1]==':' ) port = rb + 2; else if( rb[1] ) return -1;
  }else{
    const char *colon = strchr(spec, ':');
    if( n >= sizeof(host) ) return -1;
    memcpy(host, spec, n + 1);
    if( colon && !strchr(colon+1, ':') ){ host[colon - spec] = 0; port = colon + 1; }
  }
  if( port ){
    char *end;
    pn = strtol(port, &end, 10);
    if( !*port || *end || pn<1 || pn>65535 ) return -1;
  }
  if( inet_pton(AF_INET, host, &a4->sin_addr)==1 ){
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)pn);
    s->salen = sizeof(*a4);
    snprintf(s->text, sizeof(s->text), "%s:%d", host, (int)pn);
    return 0;
  }
  if( inet_pton(AF_INET6, host, &a6->sin6_addr)==1 ){
    a6->sin6_family = AF_INET6;
    a6->sin6_port = htons((uint16_t)pn);
    s->salen = sizeof(*a6);
    snprintf(s->text, sizeof(s->text), "[%s]:%d", host, (int)pn);
    return 0;
  }
  return -1;
}

static void resolver_init(mt_resolver *r, double timeout){
  memset(r, 0, sizeof(*r));
  r->timeout = timeout > 0 ? timeout : 5.0;
}

int mt_dns_resolver_set(mt_resolver *r, const char *spec, double timeout, char *err, size_t errcap){
  resolver_init(r, timeout);
  if( parse_server(&r->srv[0], spec, 53) ){
    snprintf(err, errcap, "resolver wants IP, IP:port or [IPv6]:port, not '%s'", spec);
    return -1;
  }
  r->nsrv = 1;
  return 0;
}

int mt_dns_resolver_conf(mt_resolver *r, const char *text, size_t n, double timeout, char *err, size_t errcap){
  const char *p = text, *e = text + n;
  resolver_init(r, timeout);
  r->system = 1;
  while( p < e ){
    const char *nl = memchr(p, '\n', (size_t)(e - p)), *le = nl ? nl : e, *q = p;
    while( q < le && (*q==' ' || *q=='\t') ) q++;
    if( le - q > 10 && memcmp(q, "nameserver", 10)==0 && (q[10]==' ' || q[10]=='\t') ){
      char addr[64];
      size_t k = 0;
      q += 10;
      while( q < le && (*q==' ' || *q=='\t') ) q++;
      while( q < le && *q!=' ' && *q!='\t' && *q!='\r' && *q!='#' && *q!=';' && k+1<sizeof(addr) ) addr[k++] = *q++;
      addr[k] = 0;
      if( r->nsrv < MT_DNS_MAXSRV ){
        char *pct = strchr(addr, '%');           /* fe80::1%eth0: the zone is not kept */
        if( pct ) *pct = 0;
        if( strchr(addr, ':') ){                 /* IPv6 is written bare in resolv.conf */
          char br[70];
          snprintf(br, sizeof(br), "[%s]", addr);
          if( parse_server(&r->srv[r->nsrv], br, 53) ) goto bad;
        }else if( parse_server(&r->srv[r->nsrv], addr, 53) ){
          goto bad;
        }
        r->nsrv++;
      }
      if( 0 ){
      bad:
        snprintf(err, errcap, "resolv.conf: nameserver '%s' is not an IP address", addr);
        return -1;
      }
    }
    p = nl ? nl + 1 : e;
  }
  if( r->nsrv==0 ){
    parse_server(&r->srv[0], "127.0.0.1", 53);
    r->nsrv = 1;
  }
  return 0;
}

int mt_dns_resolver_system(mt_resolver *r, double timeout, char *err, size_t errcap){
  const char *path = getenv("MAILTRACE_RESOLV_CONF");
  char buf[8192];
  size_t n = 0;
  ssize_t k;
  int fd;
  if( !path || !*path ) path = "/etc/resolv.conf";
  fd = open(path, O_RDONLY | O_CLOEXEC);
  if( fd<0 ){
    snprintf(err, errcap, "%s: %s", path, strerror(errno));
    return -1;
  }
  while( n < sizeof(buf) && (k = read(fd, buf + n, sizeof(buf) - n)) > 0 ) n += (size_t)k;
  close(fd);
  return mt_dns_resolver_conf(r, buf, n, timeout, err, errcap);
}

/* ------------------------------------------------------------ transport */

/* Wait for `events` on fd until `deadline`, in slices of MT_DNS_SLICE_MS,
** asking r->should_stop between them: 1 ready, 0 deadline, -2 stop. */
static int wait_fd(mt_resolver *r, int fd, short events, double deadline){
  for(;;){
    struct pollfd pf;
    double left = deadline - mt_dns_now();
    int ms, rc;
    if( r->should_stop && r->should_stop(r->stop_arg) ) return -2;
    if( left <= 0 ) return 0;
    ms = (int)(left * 1000) + 1;
    if( ms > MT_DNS_SLICE_MS ) ms = MT_DNS_SLICE_MS;
    pf.fd = fd; pf.events = events; pf.revents = 0;
    rc = poll(&pf, 1, ms);
    if( rc>0 ) return 1;
    if( rc<0 && errno!=EINTR ) return 1;      /* let the caller's read see the error */
  }
}

static uint16_t new_id(void){
  uint16_t id;
  if( getrandom(&id, sizeof(id), GRND_NONBLOCK)!=(ssize_t)sizeof(id) ){
    static unsigned seq;
    id = (uint16_t)((unsigned)time(0) * 2654435761u + ++seq * 40503u);
  }
  return id;
}

/* The reply belongs to the query: id, QR, and the question. */
static int matches(const mt_dns_msg *m, uint16_t id, const char *name, uint16_t qtype){
  return m->qr && m->id==id && m->qdcount==1 && m->qtype==qtype && m->qclass==1
      && mt_dns_name_eq(m->qname, name);
}

/* Does owner belong to the answer for qname (qname itself, or reached
** from it through CNAMEs of the answer section)? */
static int owner_ok(const mt_dns_msg *m, const char *owner, const char *qname){
  const char *cur = qname;
  int hop, i;
  for(hop=0; hop<8; hop++){
    if( mt_dns_name_eq(owner, cur) ) return 1;
    for(i=0; i<m->nrr; i++){
      if( m->rr[i].section==1 && m->rr[i].type==MT_DNS_CNAME && mt_dns_name_eq(m->rr[i].owner, cur) ) break;
    }
    if( i==m->nrr ) return 0;
    cur = m->rr[i].target;
  }
  return 0;
}

static int is_answer(const mt_dns_msg *m, int i, const char *qname, uint16_t qtype){
  return m->rr[i].section==1 && m->rr[i].type==qtype && owner_ok(m, m->rr[i].owner, qname);
}

static int classify(const mt_dns_msg *m, const char *name, uint16_t qtype){
  int i;
  switch( m->rcode ){
    case 0:
      for(i=0; i<m->nrr; i++) if( is_answer(m, i, name, qtype) ) return MT_DNS_OK;
      return MT_DNS_NODATA;
    case 2: return MT_DNS_SERVFAIL;
    case 3: return MT_DNS_NXDOMAIN;
    case 5: return MT_DNS_REFUSED;
  }
  return MT_DNS_RCODE;
}

static const char *type_name(uint16_t t){
  switch( t ){
    case MT_DNS_A: return "A";
    case MT_DNS_AAAA: return "AAAA";
    case MT_DNS_PTR: return "PTR";
    case MT_DNS_MX: return "MX";
    case MT_DNS_CNAME: return "CNAME";
    case MT_DNS_NS: return "NS";
  }
  return "?";
}

/* The query over TCP (RFC 1035 4.2.2: a 2-byte length first), to one
** server, until deadline.  Reply in buf: its length, or -1 (reason
** filled), or -2 stopped. */
static int tcp_query(mt_resolver *r, const mt_dns_server *s, const uint8_t *q, size_t qlen,
                     double deadline, uint8_t *buf, size_t cap, char *reason, size_t rcap){
  uint8_t out[600];
  size_t sent = 0, got = 0, want = 2;
  int fd, w, soerr = 0;
  socklen_t sl = sizeof(soerr);
  if( qlen + 2 > sizeof(out) ) return -1;
  out[0] = (uint8_t)(qlen >> 8); out[1] = (uint8_t)qlen;
  memcpy(out + 2, q, qlen);
  fd = socket(s->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if( fd<0 ){ snprintf(reason, rcap, "socket: %s", strerror(errno)); return -1; }
  r->queries++;
  if( connect(fd, (const struct sockaddr*)&s->sa, s->salen)<0 && errno!=EINPROGRESS ){
    snprintf(reason, rcap, "TCP to %s (the UDP reply was truncated): %s", s->text, strerror(errno));
    close(fd);
    return -1;
  }
  w = wait_fd(r, fd, POLLOUT, deadline);
  if( w<=0 ) goto waited;
  if( getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl)<0 || soerr ){
    snprintf(reason, rcap, "TCP to %s (the UDP reply was truncated): %s", s->text, strerror(soerr ? soerr : errno));
    close(fd);
    return -1;
  }
  while( sent < qlen + 2 ){
    ssize_t k = send(fd, out + sent, qlen + 2 - sent, MSG_NOSIGNAL);
    if( k>0 ){ sent += (size_t)k; continue; }
    if( k<0 && (errno==EAGAIN || errno==EINTR) ){
      w = wait_fd(r, fd, POLLOUT, deadline);
      if( w<=0 ) goto waited;
      continue;
    }
    snprintf(reason, rcap, "TCP to %s: %s", s->text, strerror(errno));
    close(fd);
    return -1;
  }
  while( got < want ){
    ssize_t k;
    w = wait_fd(r, fd, POLLIN, deadline);
    if( w<=0 ) goto waited;
    k = recv(fd, buf + got, want - got, 0);
    if( k>0 ){
      got += (size_t)k;
      if( got==2 && want==2 ){
        want = 2 + get16(buf);
        if( want > cap ){ snprintf(reason, rcap, "TCP reply from %s too long", s->text); close(fd); return -1; }
      }
      continue;
    }
    if( k<0 && (errno==EAGAIN || errno==EINTR) ) continue;
    snprintf(reason, rcap, "TCP to %s: %s", s->text, k==0 ? "closed before the whole reply" : strerror(errno));
    close(fd);
    return -1;
  }
  close(fd);
  memmove(buf, buf + 2, want - 2);
  return (int)(want - 2);
waited:
  close(fd);
  if( w==-2 ) return -2;
  snprintf(reason, rcap, "no TCP reply from %s in time (the UDP reply was truncated)", s->text);
  return -1;
}

int mt_dns_query(mt_resolver *r, const char *name, uint16_t qtype, mt_dns_msg *m,
                 char *reason, size_t rcap){
  uint8_t q[512], buf[4096], tbuf[16384];
  int fds[MT_DNS_MAXSRV], dead[MT_DNS_MAXSRV];
  size_t qlen;
  uint16_t id = new_id();
  double t0 = mt_dns_now(), deadline = t0 + r->timeout, slice;
  int nslot = r->nsrv * 2, k, i, status = -1, anyrcode = 0, bad = 0, nneterr = 0, noedns = 0;
  char why[256] = "";
  reason[0] = 0;
  qlen = mt_dns_query_build(q, sizeof(q), id, name, qtype);
  if( !qlen ){
    snprintf(reason, rcap, "'%s' is not a valid domain name", name);
    return MT_DNS_BADREPLY;
  }
  if( r->noedns ){ noedns = 1; qlen -= 11; q[11] = 0; }
  for(i=0; i<MT_DNS_MAXSRV; i++){ fds[i] = -1; dead[i] = 0; }
  slice = r->timeout / nslot;
  for(k=0; k<nslot && status<0; k++){
    int s = k % r->nsrv, alive = 0;
    double until = k==nslot-1 ? deadline : t0 + slice * (k + 1);
    if( dead[s] ) continue;
    if( fds[s]<0 ){
      fds[s] = socket(r->srv[s].sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if( fds[s]<0 || connect(fds[s], (const struct sockaddr*)&r->srv[s].sa, r->srv[s].salen)<0 ){
        snprintf(why, sizeof(why), "%s: %s", r->srv[s].text, strerror(errno));
        dead[s] = 1; nneterr++;
        continue;
      }
    }
    if( send(fds[s], q, qlen, 0)<0 ){
      snprintf(why, sizeof(why), "%s: %s", r->srv[s].text, strerror(errno));
      dead[s] = 1; nneterr++;
      continue;
    }
    r->queries++;
    /* wait for a reply from any server asked so far */
    while( status<0 ){
      struct pollfd pf[MT_DNS_MAXSRV];
      int np = 0, rc, ms;
      double left = until - mt_dns_now();
      if( r->should_stop && r->should_stop(r->stop_arg) ){ status = MT_DNS_INTERRUPTED; break; }
      if( left <= 0 ) break;
      for(i=0; i<r->nsrv; i++){
        if( fds[i]<0 || dead[i] ) continue;
        pf[np].fd = fds[i]; pf[np].events = POLLIN; pf[np].revents = 0; np++;
      }
      if( np==0 ) break;
      ms = (int)(left * 1000) + 1;
      if( ms > MT_DNS_SLICE_MS ) ms = MT_DNS_SLICE_MS;
      rc = poll(pf, (nfds_t)np, ms);
      if( rc<=0 ) continue;
      for(i=0; i<r->nsrv && status<0; i++){
        ssize_t got;
        int st;
        if( fds[i]<0 || dead[i] ) continue;
        got = recv(fds[i], buf, sizeof(buf), MSG_DONTWAIT);
        if( got<0 ){
          if( errno==EAGAIN || errno==EINTR ) continue;
          snprintf(why, sizeof(why), "%s: %s", r->srv[i].text,
                   errno==ECONNREFUSED ? "connection refused (no DNS server listens there)" : strerror(errno));
          dead[i] = 1; nneterr++;
          continue;
        }
        if( mt_dns_parse(buf, (size_t)got, m)!=0 ){
          bad++;
          snprintf(why, sizeof(why), "%s sent a malformed reply", r->srv[i].text);
          continue;
        }
        if( m->qr && m->id==id && m->rcode==1 && !noedns && (m->qdcount==0 || matches(m, id, name, qtype)) ){
          /* FORMERR (often without the question): an old server that does
          ** not know EDNS0 (RFC 6891 7).  Ask it again without the OPT record. */
          noedns = r->noedns = 1;
          qlen -= 11;
          q[11] = 0;
          if( send(fds[i], q, qlen, 0)>=0 ) r->queries++;
          continue;
        }
        if( !matches(m, id, name, qtype) ){
          bad++;
          snprintf(why, sizeof(why), "%s sent a reply that does not match the question", r->srv[i].text);
          continue;
        }
        if( m->tc ){
          /* truncated: ask again over TCP; if that fails, the truncated
          ** reply is still an answer, only perhaps incomplete */
          char treason[200] = "";
          int n = tcp_query(r, &r->srv[i], q, qlen, deadline, tbuf, sizeof(tbuf), treason, sizeof(treason));
          if( n==-2 ){ status = MT_DNS_INTERRUPTED; break; }
          if( n<0 || mt_dns_parse(tbuf, (size_t)n, m)!=0 || !matches(m, id, name, qtype) ){
            mt_dns_parse(buf, (size_t)got, m);
          }
        }
        st = classify(m, name, qtype);
        if( st==MT_DNS_SERVFAIL || st==MT_DNS_REFUSED || st==MT_DNS_RCODE ){
          /* this server cannot answer: the next one may */
          anyrcode = st;
          snprintf(why, sizeof(why), "%s answered %s (rcode %d) for %s %s", r->srv[i].text,
                   st==MT_DNS_SERVFAIL ? "SERVFAIL" : st==MT_DNS_REFUSED ? "REFUSED" : "an error",
                   m->rcode, name, type_name(qtype));
          dead[i] = 1;
          continue;
        }
        status = st;
        if( st==MT_DNS_NXDOMAIN )
          snprintf(reason, rcap, "NXDOMAIN: %s does not exist (answer from %s)", name, r->srv[i].text);
        else if( st==MT_DNS_NODATA )
          snprintf(reason, rcap, "%s has no %s record (answer from %s)", name, type_name(qtype), r->srv[i].text);
        else
          snprintf(reason, rcap, "answer from %s", r->srv[i].text);
      }
      for(i=0; i<r->nsrv; i++) if( fds[i]>=0 && !dead[i] ) alive = 1;
      if( !alive ) break;
    }
    if( status<0 ){
      for(i=0, alive=0; i<r->nsrv; i++) if( !dead[i] ) alive = 1;
      if( !alive ) break;
    }
  }
  for(i=0; i<MT_DNS_MAXSRV; i++) if( fds[i]>=0 ) close(fds[i]);
  if( status>=0 ) return status;
  if( anyrcode ){ snprintf(reason, rcap, "%s", why); return anyrcode; }
  if( nneterr==r->nsrv ){ snprintf(reason, rcap, "%s", why); return MT_DNS_NETERR; }
  if( bad ){ snprintf(reason, rcap, "%s", why); return MT_DNS_BADREPLY; }
  {
    size_t o = (size_t)snprintf(reason, rcap, "no reply to %s %s within %.3g s from", name, type_name(qtype), r->timeout);
    for(i=0; i<r->nsrv && o<rcap; i++) o += (size_t)snprintf(reason + o, rcap - o, "%s %s", i ? "," : "", r->srv[i].text);
  }
  return MT_DNS_TIMEOUT;
}

/* ---------------------------------------------------------------- checks */

static void add_addrs(const mt_dns_msg *m, const char *host, uint16_t qtype, mt_dns_addrs *out){
  int i, j;
  for(i=0; i<m->nrr && out->n<MT_DNS_MAXADDR; i++){
    char t[46];
    if( !is_answer(m, i, host, qtype) ) continue;
    mt_dns_addr_text(m->rr[i].addr, qtype==MT_DNS_A ? 4 : 16, t, sizeof(t));
    for(j=0; j<out->n && strcmp(out->addr[j], t)!=0; j++){}
    if( j==out->n ) memcpy(out->addr[out->n++], t, sizeof(t));
  }
}

/* Order in which one lookup's status hides another's: an unknown result
** (timeout, error) weighs more than "no such record". */
static int weight(int st){
  switch( st ){
    case MT_DNS_OK: return 0;
    case MT_DNS_NODATA: return 1;
    case MT_DNS_NXDOMAIN: return 2;
    case MT_DNS_INTERRUPTED: return 9;
  }
  return 5;
}

void mt_dns_addresses(mt_resolver *r, const char *host, int want, mt_dns_addrs *out){
  static const uint16_t types[2] = { MT_DNS_A, MT_DNS_AAAA };
  mt_dns_msg *m = malloc(sizeof(*m));
  int t, worst = -1;
  memset(out, 0, sizeof(*out));
  if( !m ){ out->status = MT_DNS_NETERR; snprintf(out->reason, sizeof(out->reason), "out of memory"); return; }
  for(t=0; t<2; t++){
    char why[256];
    int st;
    if( (want==4 && t==1) || (want==6 && t==0) ) continue;
    st = mt_dns_query(r, host, types[t], m, why, sizeof(why));
    if( st==MT_DNS_OK ) add_addrs(m, host, types[t], out);
    if( worst<0 || weight(st) > weight(worst) ){
      worst = st;
      if( st!=MT_DNS_OK ) snprintf(out->reason, sizeof(out->reason), "%s", why);
    }
    if( st==MT_DNS_INTERRUPTED || st==MT_DNS_NXDOMAIN ) break;   /* no such name: no AAAA either */
  }
  free(m);
  out->status = worst==MT_DNS_INTERRUPTED ? worst : out->n ? MT_DNS_OK : worst;
  /* a host with an A record and no AAAA is normal: no reason to show;
  ** a failed half (timeout, SERVFAIL) is worth saying even with addresses */
  if( out->status==MT_DNS_OK && weight(worst) < 5 ) out->reason[0] = 0;
}

int mt_dns_reverse(mt_resolver *r, const char *ip, mt_rdns *out){
  uint8_t addr[16];
  char want[46];
  int fam, i;
  double t0 = mt_dns_now();
  mt_dns_msg *m;
  memset(out, 0, sizeof(*out));
  fam = mt_dns_ptr_name(ip, out->ptr_name, sizeof(out->ptr_name), addr);
  if( !fam ) return -1;
  mt_dns_addr_text(addr, fam, want, sizeof(want));
  m = malloc(sizeof(*m));
  if( !m ){ out->status = MT_DNS_NETERR; snprintf(out->reason, sizeof(out->reason), "out of memory"); return 0; }
  out->status = mt_dns_query(r, out->ptr_name, MT_DNS_PTR, m, out->reason, sizeof(out->reason));
  if( out->status==MT_DNS_OK ){
    out->reason[0] = 0;
    for(i=0; i<m->nrr && out->nname<MT_DNS_MAXNAMES; i++){
      if( is_answer(m, i, out->ptr_name, MT_DNS_PTR) && m->rr[i].target[0] ){
        memcpy(out->names[out->nname++].name, m->rr[i].target, MT_DNS_NAME);
      }
    }
    if( out->nname==0 ){
      out->status = MT_DNS_NODATA;
      snprintf(out->reason, sizeof(out->reason), "%s has an empty PTR record", out->ptr_name);
    }
  }else if( out->status==MT_DNS_NXDOMAIN ){
    char why[sizeof(out->reason)];
    snprintf(why, sizeof(why), "no PTR record: %.300s", out->reason);
    memcpy(out->reason, why, sizeof(why));
  }
  free(m);
  for(i=0; i<out->nname; i++){
    int j;
    mt_dns_addresses(r, out->names[i].name, fam==4 ? 4 : 6, &out->names[i].fwd);
    if( out->names[i].fwd.status==MT_DNS_INTERRUPTED ){ out->status = MT_DNS_INTERRUPTED; break; }
    out->names[i].confirmed = out->names[i].fwd.status==MT_DNS_OK || out->names[i].fwd.status==MT_DNS_NODATA
                           || out->names[i].fwd.status==MT_DNS_NXDOMAIN ? 0 : -1;
    for(j=0; j<out->names[i].fwd.n; j++) if( strcmp(out->names[i].fwd.addr[j], want)==0 ) out->names[i].confirmed = 1;
    if( out->names[i].confirmed==1 ) out->confirmed = 1;
  }
  out->seconds = mt_dns_now() - t0;
  return 0;
}

static int mx_cmp(const void *a, const void *b){
  const mt_mx_host *x = a, *y = b;
  if( x->pref!=y->pref ) return x->pref < y->pref ? -1 : 1;
  return strcmp(x->host, y->host);
}

int mt_dns_mx(mt_resolver *r, const char *domain, mt_mx *out){
  uint8_t tmp[300];
  mt_dns_msg *m;
  int i;
  double t0 = mt_dns_now();
  memset(out, 0, sizeof(*out));
  if( !mt_dns_query_build(tmp, sizeof(tmp), 0, domain, MT_DNS_MX) || strcmp(domain, ".")==0 ) return -1;
  m = malloc(sizeof(*m));
  if( !m ){ out->status = MT_DNS_NETERR; snprintf(out->reason, sizeof(out->reason), "out of memory"); return 0; }
  out->status = mt_dns_query(r, domain, MT_DNS_MX, m, out->reason, sizeof(out->reason));
  if( out->status==MT_DNS_OK ){
    out->reason[0] = 0;
    for(i=0; i<m->nrr && out->nmx<MT_DNS_MAXMX; i++){
      if( !is_answer(m, i, domain, MT_DNS_MX) ) continue;
      out->mx[out->nmx].pref = m->rr[i].pref;
      memcpy(out->mx[out->nmx].host, m->rr[i].target, MT_DNS_NAME);
      out->nmx++;
    }
    qsort(out->mx, (size_t)out->nmx, sizeof(out->mx[0]), mx_cmp);
    if( out->nmx==1 && out->mx[0].host[0]==0 ){
      out->null_mx = 1;
      snprintf(out->reason, sizeof(out->reason), "null MX (\"0 .\"): %s accepts no mail (RFC 7505)", domain);
    }
  }
  free(m);
  if( out->status==MT_DNS_NODATA ){
    /* RFC 5321 5.1: no MX, so the domain itself is the mail host */
    out->implicit = 1;
    out->nmx = 1;
    out->mx[0].pref = 0;
    snprintf(out->mx[0].host, sizeof(out->mx[0].host), "%s", domain);
    snprintf(out->reason, sizeof(out->reason), "%s has no MX record: mail goes to its own address (RFC 5321 5.1)", domain);
  }
  for(i=0; i<out->nmx && !out->null_mx; i++){
    mt_dns_addresses(r, out->mx[i].host, 0, &out->mx[i].addrs);
    if( out->mx[i].addrs.status==MT_DNS_INTERRUPTED ){ out->status = MT_DNS_INTERRUPTED; break; }
  }
  out->seconds = mt_dns_now() - t0;
  return 0;
}
