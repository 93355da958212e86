/*
** diagnose.c — verdicts for connections and messages (see diagnose.h).
**
** The rules read the facts the entity store already holds (HAT action,
** errors, TLS, end state, message status and reason, recipients, the last
** delivery attempt) and say where the mail stopped and why, with the fix
** where there is one.
*/
#include "diagnose.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int has(const char *z, const char *needle){
  return z && strcasestr(z, needle)!=0;
}

const char *mt_reason_class(const char *dsn, const char *resp, const char *reason){
  /* The enhanced status code first (RFC 3463), then the words. */
  if( dsn && strlen(dsn)>=5 ){
    if( strncmp(dsn+1, ".1.2", 4)==0 || strncmp(dsn+1, ".1.10", 5)==0 ) return "invalid domain";
    if( strncmp(dsn+1, ".1.", 3)==0 ) return "user unknown";      /* X.1.x: the address */
    if( strncmp(dsn+1, ".2.2", 4)==0 ) return "mailbox full";
    if( strncmp(dsn+1, ".4.7", 4)==0 ) return "expired";
  }
  if( has(resp, "user unknown") || has(resp, "unknown user") || has(resp, "no such user")
   || has(resp, "does not exist") || has(resp, "mailbox unavailable") ) return "user unknown";
  if( has(resp, "mailbox full") || has(resp, "quota") || has(resp, "insufficient storage") ) return "mailbox full";
  if( has(resp, "NXDomain") || has(resp, "Host or domain name not found") ) return "invalid domain";
  if( has(resp, "DNS") || has(reason, "DNS") ) return "DNS failure";
  if( has(resp, "TLS") || has(resp, "STARTTLS") || has(resp, "encryption required") ) return "TLS required";
  if( has(reason, "expired") || has(resp, "expired") ) return "expired";
  if( has(resp, "try again later") || has(resp, "rate limit") || has(resp, "throttl")
   || has(resp, "too many") || has(resp, "greylist") || (dsn && strcmp(dsn, "4.7.0")==0) ) return "throttled";
  if( has(resp, "Connection reset") || has(resp, "Errno") || has(resp, "timed out")
   || has(resp, "timeout") || has(reason, "network") ) return "network reset";
  if( has(resp, "spam") || has(resp, "policy") || has(resp, "blocked") || has(resp, "blacklist")
   || has(resp, "denied") || has(resp, "rejected") || (dsn && strncmp(dsn, "5.7.", 4)==0) ) return "policy/spam rejection";
  if( has(reason, "Not accepting messages") ) return "throttled";
  return 0;
}

int mt_ip_in_cidr(const char *ip, const char *cidr){
  unsigned a[4], b[4], bits = 32, x, y, mask;
  char tail;
  if( sscanf(cidr, "%u.%u.%u.%u/%u%c", &b[0], &b[1], &b[2], &b[3], &bits, &tail)<4 ) return -1;
  if( bits>32 || b[0]>255 || b[1]>255 || b[2]>255 || b[3]>255 ) return -1;
  if( !ip || sscanf(ip, "%u.%u.%u.%u%c", &a[0], &a[1], &a[2], &a[3], &tail)!=4 ) return 0;
  if( a[0]>255 || a[1]>255 || a[2]>255 || a[3]>255 ) return 0;     /* not an IPv4 address */
  x = (a[0]<<24) | (a[1]<<16) | (a[2]<<8) | a[3];
  y = (b[0]<<24) | (b[1]<<16) | (b[2]<<8) | b[3];
  mask = bits==0 ? 0 : (unsigned)(0xffffffffull << (32-bits));     /* no bits shifted out */
  return (x & mask)==(y & mask);
}

static void say(mt_verdict *v, const char *stage, const char *verdict, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
static void say(mt_verdict *v, const char *stage, const char *verdict, const char *fmt, ...){
  va_list ap;
  v->stage = stage;
  snprintf(v->verdict, sizeof(v->verdict), "%s", verdict);
  va_start(ap, fmt);
  vsnprintf(v->explain, sizeof(v->explain), fmt, ap);
  va_end(ap);
}

static const char *nz(const char *z, const char *dflt){ return z && *z ? z : dflt; }

void mt_diagnose_conn(const mt_store *st, int ci, mt_verdict *v){
  const mt_conn *k = &st->conns[ci];
  const char *ip = nz(k->remote_ip, "the sender");
  memset(v, 0, sizeof(*v));
  v->evidence = k->why.lineno ? k->why : (mt_where){ k->file, k->lineno };
  if( k->action && (strcmp(k->action, "REJECT")==0 || strcmp(k->action, "TCPREFUSE")==0) ){
    char sbrs[32];
    if( k->has_sbrs ) snprintf(sbrs, sizeof(sbrs), "%.1f", k->sbrs); else snprintf(sbrs, sizeof(sbrs), "none");
    say(v, "policy", "refused by HAT policy",
        "The gateway refused %s at connect time (%s): the host access table put it in sender group %s "
        "(match %s, SBRS %s). If this sender is legitimate, add it to an allowed sender group or have it "
        "fix its reputation.", ip, k->action, nz(k->sender_group, "?"), nz(k->match, "-"), sbrs);
    return;
  }
  if( k->tls==2 ){
    say(v, "tls", "TLS failed",
        "The TLS handshake with %s failed (%s), and the connection ended without a message. Check the "
        "sender's TLS settings and the listener's TLS policy.", ip, nz(k->error, "no reason logged"));
    return;
  }
  if( (k->error && strncmp(k->error, "lost after", 10)==0)
   || (k->dns_verified==0 && k->end_state==2 && k->messages==0 && !k->action) ){
    say(v, "connection", "dropped before any command",
        "%s has no verified reverse DNS: the gateway waited on the PTR lookup before its banner and the "
        "sender hung up before any SMTP command (%s). Fix: give the sending host a reverse DNS (PTR) "
        "record that resolves back to its address.", ip, nz(k->error, "lost without a command"));
    return;
  }
  if( k->error && has(k->error, "sender rejected") ){
    say(v, "envelope", "sender rejected",
        "The gateway rejected the envelope sender of %s: %s.", ip, k->error);
    return;
  }
  if( k->error && (has(k->error, "Receiving Failed") || has(k->error, "Injection Failed")) ){
    say(v, "envelope", "receiving failed", "Receiving from %s failed: %s.", ip, k->error);
    return;
  }
  if( k->end_state==0 ){
    say(v, "connection", "open at end of logs",
        "The connection from %s is still open where the logs end; later logs will tell the rest.", ip);
    return;
  }
  say(v, "connection", "no message sent",
      "%s connected and %s without sending a message%s%s.", ip,
      k->end_state==2 ? "was lost" : "closed", k->error ? ": " : "", k->error ? k->error : "");
}

/* The attempt that tells the fate of recipient r (its last one), or of the message. */
static int last_attempt(const mt_store *st, int mi, int64_t rid){
  int d, best = -1;
  for(d=st->msgs[mi].first_dlv; d>=0; d=st->dlvs[d].next_mid){
    if( rid>=0 && st->dlvs[d].rid!=rid ) continue;
    if( st->dlvs[d].result==MT_DR_NONE ) continue;
    if( best<0 || mt_when_utc(st->dlvs[d].end) >= mt_when_utc(st->dlvs[best].end) ) best = d;
  }
  return best;
}

void mt_diagnose_msg(const mt_store *st, int mi, int rcpt, mt_verdict *v){
  const mt_msg *m = &st->msgs[mi];
  const mt_rcpt *r = rcpt>=0 ? &st->rcpts[rcpt] : 0;
  int status = m->status, d;
  char who[200];
  memset(v, 0, sizeof(*v));
  v->evidence = m->why.lineno ? m->why : (mt_where){ m->file, m->lineno };
  snprintf(who, sizeof(who), "MID %lld from <%s>", (long long)m->mid, nz(m->mail_from, ""));

  if( r && r->status==MT_RS_REJECTED ){
    say(v, "envelope", "recipient rejected",
        "The gateway refused the recipient <%s> at RCPT TO (%s). Check the recipient access table "
        "(RAT) or the LDAP accept query for this address.", nz(r->rcpt_to, "?"), nz(r->response, "no reason logged"));
    return;
  }
  if( status==MT_MS_DROPPED || (status==MT_MS_BOUNCED && m->bounced_by_filter) ){
    const char *rs = nz(m->reason, "");
    char what[128];
    if( has(rs, "CASE") || has(rs, "Brightmail") || has(rs, "Cloudmark") || has(rs, "spam") )
      snprintf(what, sizeof(what), "dropped by anti-spam");
    else if( has(rs, "amp") ) snprintf(what, sizeof(what), "dropped by AMP");
    else if( has(rs, "Sophos") || has(rs, "McAfee") || has(rs, "virus") ) snprintf(what, sizeof(what), "dropped by anti-virus");
    else if( m->filters ) snprintf(what, sizeof(what), "%s by content filter %s",
                                   m->bounced_by_filter ? "bounced" : "dropped", m->filters);
    else snprintf(what, sizeof(what), "dropped by a filter");
    say(v, "scanning", what, "%s was %s (%s; spam=%s, virus=%s, amp=%s). If it was wanted, release the "
        "sender with a safelist entry or adjust the filter.", who, what, nz(m->reason, "no reason logged"),
        nz(m->spam, "-"), nz(m->virus, "-"), nz(m->amp, "-"));
    return;
  }
  if( status==MT_MS_QUARANTINED ){
    char what[128];
    snprintf(what, sizeof(what), "quarantined in %s", nz(m->quarantine, "a quarantine"));
    say(v, "quarantine", what, "%s is held in quarantine \"%s\" (%s). Release it from the quarantine if it "
        "is wanted.", who, nz(m->quarantine, "?"), nz(m->reason, "no reason logged"));
    return;
  }
  if( status==MT_MS_ABORTED ){
    say(v, "envelope", "receiving failed", "%s was not received completely: %s.", who, nz(m->reason, "aborted"));
    return;
  }
  if( status==MT_MS_REWRITTEN ){
    say(v, "scanning", "rewritten", "%s was rewritten into a new message by a filter (%s); follow its child "
        "MID in mailtrace_history(%lld).", who, nz(m->filters, "?"), (long long)m->mid);
    return;
  }
  d = last_attempt(st, mi, r ? r->rid : -1);
  if( r ? r->status==MT_RS_BOUNCED : (status==MT_MS_BOUNCED || status==MT_MS_PARTIAL) ){
    int rd = d;
    if( !r ){   /* the message: its last bounce */
      int x;
      rd = -1;
      for(x=m->first_dlv; x>=0; x=st->dlvs[x].next_mid){
        if( st->dlvs[x].result==MT_DR_BOUNCED ) rd = x;
      }
    }
    if( rd>=0 ){
      const mt_dlv *b = &st->dlvs[rd];
      v->reason_class = mt_reason_class(b->dsn, b->response, b->reason);
      v->evidence = b->why;
      say(v, "delivery", "bounced by the destination",
          "The destination refused %s%s: %s %s (%s).%s", who,
          status==MT_MS_PARTIAL && !r ? " for some recipients" : "",
          nz(b->dsn, ""), nz(b->response, nz(b->reason, "")), nz(b->reason, "bounced"),
          v->reason_class && strcmp(v->reason_class, "user unknown")==0 ? " Check the recipient address for typos." : "");
      return;
    }
  }
  if( r ? r->status==MT_RS_DELAYED : status==MT_MS_DELAYED ){
    if( d>=0 ){
      const mt_dlv *b = &st->dlvs[d];
      v->reason_class = mt_reason_class(b->dsn, b->response, b->reason);
      v->evidence = b->why;
      say(v, "delivery", "delayed, still queued",
          "%s could not be delivered yet and stays in the queue for another try: %s %s (%s).", who,
          nz(b->dsn, ""), nz(b->response, ""), nz(b->reason, "delayed"));
      return;
    }
  }
  if( r ? (r->status==MT_RS_DELIVERED) : (status==MT_MS_DELIVERED || status==MT_MS_PARTIAL) ){
    if( d>=0 ) v->evidence = st->dlvs[d].why;
    say(v, "delivered", "delivered", "%s was delivered%s%s.", who,
        d>=0 && st->dlvs[d].response ? "; the destination answered " : "",
        d>=0 && st->dlvs[d].response ? st->dlvs[d].response : "");
    return;
  }
  say(v, "delivery", "open at end of logs",
      "%s is %s where the logs end: no delivery result yet. Later logs will tell the rest.", who,
      status==MT_MS_QUEUED ? "queued" : "still being received or scanned");
}
