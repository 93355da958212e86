/* SPDX-License-Identifier: MIT */
/*
** probe.c — the SMTP banner test (see probe.h).
**
**   mt_probe p;
**   mt_smtp_probe("127.0.0.1", 2525, 5.0, "probe.example", 0, 0, &p);
**   printf("%s banner after %.3f s: %s\n", p.status, p.banner_seconds, p.banner);
**
** One connection: connect (non-blocking, timed), read the banner (a whole
** multi-line reply), EHLO, read the answer, QUIT, close.  A banner that is
** not 2xx (a 554 refusal) is reported and answered with QUIT only.
*/
#include "probe.h"
#include "dns.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int mt_smtp_reply(const char *buf, size_t n, int *code, size_t *len){
  size_t i = 0;
  int first = -1;
  while( i < n ){
    const char *nl = memchr(buf + i, '\n', n - i);
    size_t le;
    int c;
    if( n - i < 3 ) return 0;
    if( buf[i]<'2' || buf[i]>'5' || buf[i+1]<'0' || buf[i+1]>'9' || buf[i+2]<'0' || buf[i+2]>'9' ) return -1;
    c = (buf[i]-'0')*100 + (buf[i+1]-'0')*10 + (buf[i+2]-'0');
    if( first<0 ) first = c; else if( c!=first ) return -1;
    if( n - i > 3 && buf[i+3]!='-' && buf[i+3]!=' ' && buf[i+3]!='\r' && buf[i+3]!='\n' ) return -1;
    if( !nl ) return 0;
    le = (size_t)(nl - buf) + 1;
    if( buf[i+3]!='-' ){ *code = first; *len = le; return 1; }
    i = le;
  }
  return 0;
}

/* Copy a reply without its last line end, CRLF made LF. */
static void keep_text(char *out, size_t cap, const char *p, size_t n){
  size_t o = 0, i;
  while( n && (p[n-1]=='\n' || p[n-1]=='\r') ) n--;
  for(i=0; i<n && o+1<cap; i++){
    if( p[i]=='\r' && i+1<n && p[i+1]=='\n' ) continue;
    out[o++] = p[i];
  }
  out[o] = 0;
}

typedef struct probe_io {
  int fd;
  int (*stop)(void*); void *arg;
  char buf[MT_PROBE_TEXT * 2];
  size_t have;
} probe_io;

/* Wait for events on the probe's socket until deadline: 1, 0 time, -2 stop. */
static int pwait(probe_io *io, short ev, double deadline){
  for(;;){
    struct pollfd pf;
    double left = deadline - mt_dns_now();
    int ms, rc;
    if( io->stop && io->stop(io->arg) ) return -2;
    if( left <= 0 ) return 0;
    ms = (int)(left * 1000) + 1;
    if( ms > MT_DNS_SLICE_MS ) ms = MT_DNS_SLICE_MS;
    pf.fd = io->fd; pf.events = ev; pf.revents = 0;
    rc = poll(&pf, 1, ms);
    if( rc>0 ) return 1;
    if( rc<0 && errno!=EINTR ) return 1;
  }
}

/* Read one whole reply: 1 (code, text kept), 0 time-out, -1 closed,
** -2 stop, -3 not SMTP / too long, -4 socket error (errno kept). */
static int read_reply(probe_io *io, double deadline, int *code, char *text, size_t cap){
  for(;;){
    size_t len;
    int r = mt_smtp_reply(io->buf, io->have, code, &len), w;
    ssize_t k;
    if( r==1 ){
      keep_text(text, cap, io->buf, len);
      memmove(io->buf, io->buf + len, io->have - len);
      io->have -= len;
      return 1;
    }
    if( r<0 || io->have==sizeof(io->buf) ){
      keep_text(text, cap, io->buf, io->have);
      return -3;
    }
    w = pwait(io, POLLIN, deadline);
    if( w<=0 ){ keep_text(text, cap, io->buf, io->have); return w; }
    k = recv(io->fd, io->buf + io->have, sizeof(io->buf) - io->have, 0);
    if( k>0 ){ io->have += (size_t)k; continue; }
    if( k<0 && (errno==EAGAIN || errno==EINTR) ) continue;
    keep_text(text, cap, io->buf, io->have);
    return k==0 ? -1 : -4;
  }
}

static int send_all(probe_io *io, const char *z, double deadline){
  size_t n = strlen(z), sent = 0;
  while( sent < n ){
    ssize_t k = send(io->fd, z + sent, n - sent, MSG_NOSIGNAL);
    if( k>0 ){ sent += (size_t)k; continue; }
    if( k<0 && (errno==EAGAIN || errno==EINTR) ){
      int w = pwait(io, POLLOUT, deadline);
      if( w<=0 ) return w;
      continue;
    }
    return -4;
  }
  return 1;
}

static void fail(mt_probe *p, const char *status, const char *stage, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
static void fail(mt_probe *p, const char *status, const char *stage, const char *fmt, ...){
  va_list ap;
  p->status = status;
  p->stage = stage;
  va_start(ap, fmt);
  vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
  va_end(ap);
}

/* A step was interrupted: the probe's status says so, and so does its code. */
static mt_rc stopped(mt_probe *p, const char *step){
  fail(p, "interrupted", step, "interrupted");
  return MT_INTERRUPTED;
}

mt_rc mt_smtp_probe(const char *ip, int port, double timeout, const char *helo,
                    int (*should_stop)(void*), void *stop_arg, mt_probe *p){
  mt_rc rc = MT_OK;
  struct sockaddr_storage ss;
  socklen_t sl;
  struct sockaddr_in *a4 = (struct sockaddr_in*)&ss;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6*)&ss;
  probe_io io;
  double t0, t1, t2;
  int r, soerr = 0;
  socklen_t el = sizeof(soerr);
  char line[600], where[80];

  memset(p, 0, sizeof(*p));
  p->connect_seconds = p->banner_seconds = p->ehlo_seconds = -1;
  memset(&ss, 0, sizeof(ss));
  if( inet_pton(AF_INET, ip, &a4->sin_addr)==1 ){
    a4->sin_family = AF_INET; a4->sin_port = htons((unsigned short)port); sl = sizeof(*a4);
    snprintf(where, sizeof(where), "%s:%d", ip, port);
  }else if( inet_pton(AF_INET6, ip, &a6->sin6_addr)==1 ){
    a6->sin6_family = AF_INET6; a6->sin6_port = htons((unsigned short)port); sl = sizeof(*a6);
    snprintf(where, sizeof(where), "[%s]:%d", ip, port);
  }else{
    return MT_ERROR;
  }
  memset(&io, 0, sizeof(io));
  io.stop = should_stop; io.arg = stop_arg;
  io.fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if( io.fd<0 ){ fail(p, "error", "connect", "socket: %s", strerror(errno)); return MT_OK; }

  /* connect */
  t0 = mt_dns_now();
  if( connect(io.fd, (struct sockaddr*)&ss, sl)<0 && errno!=EINPROGRESS ){
    soerr = errno;
  }else{
    r = pwait(&io, POLLOUT, t0 + timeout);
    if( r==-2 ){ rc = stopped(p, "connect"); goto out; }
    if( r==0 ){ fail(p, "timeout", "connect", "no TCP connection to %s within %.3g s (a firewall dropping packets?)", where, timeout); goto out; }
    if( getsockopt(io.fd, SOL_SOCKET, SO_ERROR, &soerr, &el)<0 ) soerr = errno;
  }
  if( soerr ){
    if( soerr==ECONNREFUSED ) fail(p, "refused", "connect", "%s refused the connection (nothing listens on that port)", where);
    else fail(p, "error", "connect", "connect: %s", strerror(soerr));
    goto out;
  }
  t1 = mt_dns_now();
  p->connect_seconds = t1 - t0;

  /* banner */
  r = read_reply(&io, t1 + timeout, &p->banner_code, p->banner, sizeof(p->banner));
  if( r!=1 ){
    p->banner_code = 0;
    if( r==-2 ) rc = stopped(p, "banner");
    else if( r==0 ) fail(p, "timeout", "banner", "connected, but no banner from %s within %.3g s", where, timeout);
    else if( r==-1 ) fail(p, "closed", "banner", "%s closed the connection before a whole banner", where);
    else if( r==-3 ) fail(p, "error", "banner", "%s sent something that is not an SMTP reply", where);
    else fail(p, "error", "banner", "reading the banner: %s", strerror(errno));
    goto out;
  }
  t2 = mt_dns_now();
  p->banner_seconds = t2 - t1;
  if( p->banner_code/100!=2 ){
    fail(p, "rejected", "banner", "the banner refuses the session (%d)", p->banner_code);
    goto quit;
  }

  /* EHLO */
  snprintf(line, sizeof(line), "EHLO %s\r\n", helo && *helo ? helo : "localhost");
  t2 = mt_dns_now();
  r = send_all(&io, line, t2 + timeout);
  if( r==1 ) r = read_reply(&io, t2 + timeout, &p->ehlo_code, p->ehlo, sizeof(p->ehlo));
  if( r!=1 ){
    p->ehlo_code = 0;
    if( r==-2 ) rc = stopped(p, "ehlo");
    else if( r==0 ) fail(p, "timeout", "ehlo", "no answer to EHLO from %s within %.3g s", where, timeout);
    else if( r==-1 ) fail(p, "closed", "ehlo", "%s closed the connection after EHLO", where);
    else if( r==-3 ) fail(p, "error", "ehlo", "%s answered EHLO with something that is not an SMTP reply", where);
    else fail(p, "error", "ehlo", "EHLO: %s", strerror(errno));
    goto out;
  }
  p->ehlo_seconds = mt_dns_now() - t2;
  if( p->ehlo_code/100!=2 ){
    fail(p, "rejected", "ehlo", "EHLO refused (%d)", p->ehlo_code);
  }else{
    p->status = "ok";
    p->stage = "quit";
  }

quit:
  /* QUIT, and a short wait for its answer: a polite close, not a finding */
  {
    double tq = mt_dns_now(), lim = timeout < 2 ? timeout : 2;
    int code;
    char tmp[256];
    r = 0;
    if( send_all(&io, "QUIT\r\n", tq + lim)==1 ) r = read_reply(&io, tq + lim, &code, tmp, sizeof(tmp));
    if( r==-2 && !p->status ) rc = stopped(p, "quit");
  }
out:
  close(io.fd);
  return rc;
}
