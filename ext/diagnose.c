/* SPDX-License-Identifier: MIT */
/*
** diagnose.c — verdicts for connections and messages (see diagnose.h).
**
** The rules read the facts the entity store already holds (HAT action,
** errors, TLS, end state, message status and reason, recipients, the last
** delivery attempt) and say where the mail stopped and why, with the fix
** where there is one.
*/
#include "diagnose.h"
#include "attach.h"
#include "av.h"
#include "lines.h"

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

/* A small appender over a fixed buffer (truncated with "..." when full). */
typedef struct buf { char *z; size_t n, len; } buf;
static void bput(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bput(buf *b, const char *fmt, ...){
  va_list ap;
  int k;
  if( b->len+1 >= b->n ) return;
  va_start(ap, fmt);
  k = vsnprintf(b->z + b->len, b->n - b->len, fmt, ap);
  va_end(ap);
  if( k<0 ) return;
  if( (size_t)k >= b->n - b->len ){
    b->len = b->n - 1;
    if( b->n > 4 ) memcpy(b->z + b->n - 4, "...", 4);
  }else b->len += (size_t)k;
}

/* The later of two lines in reading order (lineno 0: none). */
static mt_where later(mt_where a, mt_where b){
  if( !b.lineno ) return a;
  if( !a.lineno ) return b;
  return (b.file > a.file || (b.file==a.file && b.lineno > a.lineno)) ? b : a;
}

void mt_diagnose_conn(const mt_store *st, int ci, mt_verdict *v){
  const mt_conn *k = &st->conns[ci];
  const char *ip = nz(k->remote_ip, "the sender");
  memset(v, 0, sizeof(*v));
  v->evidence = k->why.lineno ? k->why : (mt_where){ k->file, k->lineno, k->off };
  v->started_before_logs = k->started_before_logs;
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
  if( k->started_before_logs ){
    /* Only its last lines are here: what it sent is not known. */
    say(v, "connection", "started before the logs",
        "Only %s of connection ICID %lld is in these logs (%s%s%s); it began before them, so its "
        "address, sender and messages are not known here: open the previous log file to see them.",
        k->end_state ? "the end" : "a part", (long long)k->icid,
        k->end_state==2 ? "lost" : k->end_state==1 ? "closed" : "neither its start nor its end",
        k->error ? ": " : "", k->error ? k->error : "");
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

/* The last "Delayed:" of recipient rid before attempt `upto` (the error an
** expired message kept meeting), or -1. */
static int last_delay(const mt_store *st, int mi, int64_t rid, int upto){
  int d, best = -1;
  for(d=st->msgs[mi].first_dlv; d>=0 && d!=upto; d=st->dlvs[d].next_mid){
    if( st->dlvs[d].rid==rid && st->dlvs[d].result==MT_DR_DELAYED ) best = d;
  }
  return best;
}

/* Attempts of recipient rid: its delivery rows on an SMTP connection (DCID 0
** is the gateway giving up, not an attempt). */
static int attempts_of(const mt_store *st, int mi, int64_t rid){
  int d, n = 0;
  for(d=st->msgs[mi].first_dlv; d>=0; d=st->dlvs[d].next_mid) if( st->dlvs[d].rid==rid && st->dlvs[d].dcid!=0 ) n++;
  return n;
}

static int is_expired(const mt_dlv *b){
  return (b->dsn && strcmp(b->dsn, "5.4.7")==0) || has(b->reason, "expired");
}

/* One word for a recipient's fate in message mi. */
static const char *rcpt_word(int status){
  const char *z = mt_rcpt_status_name(status);
  return z ? z : "no result in these logs";
}

/* The child of mi (relation rel) that carries address `to` (split), or the
** first child of that relation (rewritten: every recipient). */
static int child_for(const mt_store *st, int mi, const char *rel, const char *to, int *prc){
  int ch, r;
  for(ch=st->msgs[mi].first_child; ch>=0; ch=st->msgs[ch].next_sibling){
    const mt_msg *c = &st->msgs[ch];
    if( !c->parent_relation || strcmp(c->parent_relation, rel)!=0 ) continue;
    for(r=c->first_rcpt; r>=0; r=st->rcpts[r].next){
      if( st->rcpts[r].rid>=0 && st->rcpts[r].rcpt_to && to && strcasecmp(st->rcpts[r].rcpt_to, to)==0 ){
        *prc = r; return ch;
      }
    }
  }
  *prc = -1;
  return -1;
}

/* Where the copy of `to` (recipient r of mi) finally went: follows rewrite
** and split children (at most `depth` levels). */
static void rcpt_fate(const mt_store *st, int mi, int r, int depth, buf *b){
  const mt_msg *m = &st->msgs[mi];
  const mt_rcpt *rc = &st->rcpts[r];
  int ch, cr;
  if( depth>0 && (rc->status==MT_RS_SPLIT || rc->status==MT_RS_REWRITTEN) ){
    ch = child_for(st, mi, rc->status==MT_RS_SPLIT ? "split" : "rewritten", rc->rcpt_to, &cr);
    if( ch>=0 ){
      bput(b, "%s to MID %lld, ", rc->status==MT_RS_SPLIT ? "split" : "rewritten", (long long)st->msgs[ch].mid);
      rcpt_fate(st, ch, cr, depth-1, b);
      return;
    }
    bput(b, "%s (MID %lld; the child that took it is not in these logs)", rcpt_word(rc->status), (long long)m->mid);
    return;
  }
  bput(b, "%s", rcpt_word(rc->status));
  if( rc->status==MT_RS_BOUNCED || rc->status==MT_RS_DELAYED ){
    if( rc->dsn ) bput(b, " %s", rc->dsn);
  }
  bput(b, " (MID %lld)", (long long)m->mid);
}

/* The copies a message family made besides its recipients' own: bcc and
** other generated copies, bounce notices, in every generation below mi. */
static void extra_copies(const mt_store *st, int mi, int depth, buf *b){
  int ch;
  if( depth<=0 ) return;
  for(ch=st->msgs[mi].first_child; ch>=0; ch=st->msgs[ch].next_sibling){
    const mt_msg *c = &st->msgs[ch];
    const char *rel = c->parent_relation, *cs = mt_msg_status_name(c->status);
    int cr;
    if( rel && strcmp(rel, "split")!=0 && strcmp(rel, "rewritten")!=0 ){
      bput(b, "; plus %s MID %lld", strcmp(rel, "bounce")==0 ? "a bounce notice" : "a generated copy",
           (long long)c->mid);
      for(cr=c->first_rcpt; cr>=0; cr=st->rcpts[cr].next){
        if( st->rcpts[cr].rid>=0 && st->rcpts[cr].rcpt_to ){ bput(b, " to %s", st->rcpts[cr].rcpt_to); break; }
      }
      bput(b, ": %s", cs ? cs : "no result in these logs");
    }
    extra_copies(st, ch, depth-1, b);
  }
}

void mt_family_verdict(const mt_store *st, int mi, char *z, size_t n){
  const mt_msg *m = &st->msgs[mi];
  buf b = { z, n, 0 };
  int r, ch, any = 0;
  if( n==0 ) return;
  z[0] = 0;
  for(r=m->first_rcpt; r>=0; r=st->rcpts[r].next){
    const mt_rcpt *rc = &st->rcpts[r];
    if( rc->rid<0 ) continue;
    bput(&b, "%s%s: ", any ? "; " : "", rc->rcpt_to ? rc->rcpt_to : "recipient (address not in these logs)");
    rcpt_fate(st, mi, r, 8, &b);
    any = 1;
  }
  if( !any ){
    /* no To: line here: a rewritten child still tells the fate */
    for(ch=m->first_child; ch>=0; ch=st->msgs[ch].next_sibling){
      const mt_msg *c = &st->msgs[ch];
      const char *cs;
      if( !c->parent_relation || (strcmp(c->parent_relation, "rewritten")!=0 && strcmp(c->parent_relation, "split")!=0) ) continue;
      cs = mt_msg_status_name(c->status);
      bput(&b, "%s%s to MID %lld: %s", any ? "; " : "", c->parent_relation, (long long)c->mid, cs ? cs : "no result in these logs");
      any = 1;
    }
    if( !any ) bput(&b, "recipients not in these logs");
  }
  extra_copies(st, mi, 8, &b);
}

/* "MID n from <x>", "MID n (sender not in these logs)", or for a child
** whose own lines name no sender: the parent it was made from, and its
** sender (a rewrite or split keeps the envelope sender; the column stays
** NULL, the words say where the sender was read). */
static void who_of(const mt_store *st, const mt_msg *m, char *who, size_t n){
  int pi = m->parent_mid>=0 ? mt_store_msg(st, m->host, m->parent_mid) : -1;
  if( m->mail_from ) snprintf(who, n, "MID %lld from <%s>", (long long)m->mid, m->mail_from);
  else if( pi>=0 && st->msgs[pi].mail_from )
    snprintf(who, n, "MID %lld (%s from MID %lld, whose sender is <%s>)", (long long)m->mid,
             nz(m->parent_relation, "made"), (long long)m->parent_mid, st->msgs[pi].mail_from);
  else snprintf(who, n, "MID %lld (sender not in these logs)", (long long)m->mid);
}

/* What the logs do not hold about a message that began before them. */
static void note_unknown(const mt_store *st, const mt_msg *m, mt_verdict *v){
  size_t k = strlen(v->explain);
  if( !m->started_before_logs ) return;
  snprintf(v->explain + k, sizeof(v->explain) - k,
           " It began before these logs (its Start MID is not in them): only what follows is known%s%s%s.",
           m->mail_from && m->conn>=0 && st->conns[m->conn].remote_ip ? "" : "; not in them: ",
           m->mail_from ? "" : "the sender",
           m->conn>=0 && st->conns[m->conn].remote_ip ? "" : m->mail_from ? "the connection" : ", the connection");
}

/* The line that shows where an unfinished message stands: its latest (in
** reading order) "queued for delivery", "Delivery start" or "Message
** finished"; its first line only when it has none of them. */
static mt_where open_evidence(const mt_store *st, int mi, int64_t rid){
  const mt_msg *m = &st->msgs[mi];
  mt_where w = later(m->queued_at, m->finished_at);
  int d;
  for(d=m->first_dlv; d>=0; d=st->dlvs[d].next_mid){
    if( rid>=0 && st->dlvs[d].rid!=rid ) continue;
    w = later(w, st->dlvs[d].why);
  }
  return w.lineno ? w : (mt_where){ m->file, m->lineno, m->off };
}

static void msg_verdict(const mt_store *st, int mi, int rcpt, mt_verdict *v);

/* The malware verdicts of a message, in words ("anti-virus verdict positive
** (Troj/DocDrop-TJ), AMP file reputation verdict MALWARE"), or 0 when it has
** none.  A message with one is never advised to be released. */
static const char *malware(const mt_msg *m, char *out, size_t n){
  int viral = m->virus && strcmp(m->virus, "positive")==0;
  int amp = m->amp && (strcasecmp(m->amp, "MALWARE")==0 || strcasecmp(m->amp, "MALICIOUS")==0);
  if( !viral && !amp ) return 0;
  snprintf(out, n, "%s%s%s%s%s%s%s", viral ? "anti-virus verdict positive" : "",
           viral && m->virus_names ? " (" : "", viral && m->virus_names ? m->virus_names : "",
           viral && m->virus_names ? ")" : "", viral && amp ? ", " : "",
           amp ? "AMP file reputation verdict " : "", amp ? m->amp : "");
  return out;
}

/* What the AMP engine log and the anti-virus log (attach.h, kept with the
** store) say of message m's malware, in words: "AMP judged file 'a.xlsm'
** MALICIOUS (W32.X, SHA-256 5e1a…); sophos found Troj/Y in
** body.scan/a.xlsm".  Returns 1 when they name any. */
static int malware_files(const mt_store *st, const mt_msg *m, buf *b){
  const mt_attach *A = st->attach;
  const char *host = st->hosts[m->host];
  int ix[16], n, i, any = 0;
  if( !A ) return 0;
  n = mt_attach_files_of(A, host, m->mid, ix, 16);
  for(i=0; i<n; i++){
    const mt_afile *f = &A->a[ix[i]];
    if( !f->disposition || strcasecmp(f->disposition, "MALICIOUS")!=0 ) continue;
    bput(b, "%sAMP judged %s%s%s MALICIOUS (%s%s%s)", any ? "; " : "", f->name ? "file '" : "a file",
         f->name ? f->name : "", f->name ? "'" : "", f->malware ? f->malware : "no malware name logged",
         f->sha256 ? ", SHA-256 " : "", f->sha256 ? f->sha256 : "");
    any = 1;
  }
  n = mt_attach_av_of(A, host, m->mid, ix, 16);
  for(i=0; i<n; i++){
    const mt_avhit *h = &A->v[ix[i]];
    if( h->kind!=MT_AV_VIRUS || !h->virus ) continue;
    bput(b, "%s%s found %s in %s", any ? "; " : "", h->engine ? h->engine : "the anti-virus engine",
         h->virus, h->part ? h->part : "a part not logged");
    any = 1;
  }
  return any;
}

/* The malware words of message m: mail_logs' verdicts (malware()), then
** what the AMP and anti-virus logs add; NULL when none of them names any. */
static const char *malware_all(const mt_store *st, const mt_msg *m, char *out, size_t n){
  char files[480];
  buf fb = { files, sizeof(files), 0 };
  const char *ml = malware(m, out, n);
  files[0] = 0;
  if( !malware_files(st, m, &fb) ) return ml;
  if( ml ){ size_t k = strlen(out); snprintf(out + k, n - k, "; %s", files); }
  else snprintf(out, n, "%s", files);
  return out;
}

/* A delivered message one of whose files AMP judged MALICIOUS after
** delivery (a retrospective verdict, by SHA-256): its own verdict, with the
** file, its SHA-256 and the time of the verdict.  1 when said. */
static int retro_malicious(const mt_store *st, int mi, const char *who, const char *some, mt_verdict *v){
  const mt_attach *A = st->attach;
  const mt_msg *m = &st->msgs[mi];
  int ix[16], n, i, k = 0, first = -1;
  const mt_asha *s0 = 0;
  buf b = { v->explain, sizeof(v->explain), 0 };
  if( !A ) return 0;
  n = mt_attach_files_of(A, st->hosts[m->host], m->mid, ix, 16);
  for(i=0; i<n; i++){
    const mt_afile *f = &A->a[ix[i]];
    const mt_asha *s = f->sha256 ? mt_attach_sha(A, f->sha256) : 0;
    if( !s || !s->retro || strcasecmp(s->retro, "MALICIOUS")!=0 ) continue;
    if( first<0 ){ first = ix[i]; s0 = s; }
    k++;
  }
  if( first<0 ) return 0;
  v->stage = "delivered";
  snprintf(v->verdict, sizeof(v->verdict), "delivered, later judged malicious");
  {
    const mt_afile *f = &A->a[first];
    char when[20] = "";
    if( s0->retro_t>=0 ) mt_time_iso(s0->retro_t, when);
    bput(&b, "%s was delivered%s; afterwards a retrospective verdict from AMP%s%s%s judged its file %s%s%s "
         "(SHA-256 %s) MALICIOUS (%s)", who, some, when[0] ? " at " : "", when, when[0] ? " UTC" : "",
         f->name ? "'" : "", f->name ? f->name : "with no logged name", f->name ? "'" : "", f->sha256,
         s0->retro_malware ? s0->retro_malware : "no malware name logged");
    if( k>1 ) bput(&b, ", and %d more of its files", k - 1);
    bput(&b, ". The message is in the recipients' mailboxes: find it and remove it (Mailbox Auto "
         "Remediation does this where it is set up), and check whether anyone opened the file.");
    if( s0->retro_lineno ) v->evidence = (mt_where){ s0->retro_file, s0->retro_lineno, s0->retro_off };
  }
  return 1;
}

/* Where the facts came from, when not mail_logs alone: a message known
** only from the Consolidated Event Log, and what CEF cannot say; the
** differences between mail_logs and CEF (cef_store.c). */
static void note_source(const mt_store *st, int mi, int rcpt, mt_verdict *v){
  const mt_msg *m = &st->msgs[mi];
  const char *dis = rcpt>=0 && st->rcpts[rcpt].disagreement ? st->rcpts[rcpt].disagreement : m->disagreement;
  size_t k = strlen(v->explain);
  if( m->origin==MT_ORIGIN_CEF ){
    snprintf(v->explain + k, sizeof(v->explain) - k,
             " Source: the Consolidated Event Log only (its one line for this message; final action %s). "
             "No connection-level facts: these logs have no mail_logs line of it, so its connection, each "
             "delivery attempt and the remote server's reply are not known, and a bounce or delay written "
             "after the CEF line would not show.", nz(m->cef_action, "not logged"));
  }else if( m->origin==MT_ORIGIN_BOTH && dis ){
    snprintf(v->explain + k, sizeof(v->explain) - k,
             " mail_logs and the Consolidated Event Log disagree (%s); this verdict follows mail_logs.", dis);
  }
}

void mt_diagnose_msg(const mt_store *st, int mi, int rcpt, mt_verdict *v){
  msg_verdict(st, mi, rcpt, v);
  v->started_before_logs = st->msgs[mi].started_before_logs;
  note_unknown(st, &st->msgs[mi], v);
  note_source(st, mi, rcpt, v);
  mt_family_verdict(st, mi, v->family, sizeof(v->family));
}

static void msg_verdict(const mt_store *st, int mi, int rcpt, mt_verdict *v){
  const mt_msg *m = &st->msgs[mi];
  const mt_rcpt *r = rcpt>=0 ? &st->rcpts[rcpt] : 0;
  int status = m->status, d;
  char who[200], mw[640];
  const char *bad = malware_all(st, m, mw, sizeof(mw));
  memset(v, 0, sizeof(*v));
  v->evidence = m->why.lineno ? m->why : (mt_where){ m->file, m->lineno, m->off };
  who_of(st, m, who, sizeof(who));

  if( m->origin==MT_ORIGIN_CEF && status==MT_MS_NONE ){
    say(v, "unknown", "final action unknown",
        "%s is known only from the Consolidated Event Log, whose final action (%s) names no outcome "
        "mailtrace can map to a status; what happened to it is not known from these logs.",
        who, nz(m->cef_action, "not logged"));
    return;
  }
  if( m->origin==MT_ORIGIN_CEF && status==MT_MS_BOUNCED ){
    say(v, "delivery", "bounced", "%s bounced: the Consolidated Event Log's final action is %s; the "
        "destination's reply and the DSN are not in that log.", who, nz(m->cef_action, "BOUNCED"));
    return;
  }
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
    else snprintf(what, sizeof(what), "%s by a filter", m->bounced_by_filter ? "bounced" : "dropped");
    v->reason_class = "our policy";
    if( bad ){
      say(v, "scanning", what, "Our gateway's policy %s %s (%s). It carries malware: %s. Do not let it "
          "through with a safelist entry or a filter change; if the sender is known, tell them their system "
          "may be infected.", m->bounced_by_filter ? "bounced" : "dropped", who, nz(m->reason, "no reason logged"), bad);
      return;
    }
    say(v, "scanning", what, "Our gateway's policy %s %s (%s; spam=%s, virus=%s, amp=%s). If it was wanted, "
        "release the sender with a safelist entry or adjust the filter.", m->bounced_by_filter ? "bounced" : "dropped",
        who, nz(m->reason, "no reason logged"), nz(m->spam, "-"), nz(m->virus, "-"), nz(m->amp, "-"));
    return;
  }
  if( status==MT_MS_QUARANTINED ){
    char what[128];
    char qname[160];
    snprintf(what, sizeof(what), "quarantined in %s", nz(m->quarantine, "a quarantine"));
    if( m->quarantine ) snprintf(qname, sizeof(qname), "quarantine \"%s\"", m->quarantine);
    else snprintf(qname, sizeof(qname), "a quarantine whose name the logs do not give");
    if( bad ){
      say(v, "quarantine", what, "%s is held in %s (%s). It carries malware: %s. Do not "
          "release it: delete it from the quarantine, and if the sender is known, tell them their system "
          "may be infected.", who, qname, nz(m->reason, "no reason logged"), bad);
      return;
    }
    say(v, "quarantine", what, "%s is held in %s (%s). Release it from the quarantine if it "
        "is wanted.", who, qname, nz(m->reason, "no reason logged"));
    return;
  }
  if( status==MT_MS_ABORTED ){
    say(v, "envelope", "receiving failed", "%s was not received completely: %s.", who, nz(m->reason, "aborted"));
    return;
  }
  if( status==MT_MS_REWRITTEN ){
    int ch, cr;
    for(ch=m->first_child; ch>=0; ch=st->msgs[ch].next_sibling){
      if( st->msgs[ch].parent_relation && strcmp(st->msgs[ch].parent_relation, "rewritten")==0 ) break;
    }
    (void)cr;
    if( ch>=0 ){
      const char *cs = mt_msg_status_name(st->msgs[ch].status);
      say(v, "scanning", "rewritten", "%s was rewritten into MID %lld by %s; MID %lld is %s (its own row, and "
          "mailtrace_history(%lld), tell the rest).", who, (long long)st->msgs[ch].mid, nz(m->filters, "a filter"),
          (long long)st->msgs[ch].mid, cs ? cs : "without a result in these logs", (long long)m->mid);
    }else{
      say(v, "scanning", "rewritten", "%s was rewritten into a new message by %s; the new MID is not in these "
          "logs.", who, nz(m->filters, "a filter"));
    }
    return;
  }
  if( status==MT_MS_SPLIT ){
    buf b = { v->explain, sizeof(v->explain), 0 };
    int ch;
    v->stage = "scanning";
    snprintf(v->verdict, sizeof(v->verdict), "split");
    bput(&b, "%s was split by per-recipient policies; its recipients went on as", who);
    for(ch=m->first_child; ch>=0; ch=st->msgs[ch].next_sibling){
      const mt_msg *c = &st->msgs[ch];
      const char *cs = mt_msg_status_name(c->status);
      if( !c->parent_relation || strcmp(c->parent_relation, "split")!=0 ) continue;
      bput(&b, "%s MID %lld (%s)", b.z[b.len-1]==')' ? "," : "", (long long)c->mid, cs ? cs : "no result in these logs");
    }
    bput(&b, ". The family column has each recipient's fate.");
    if( m->finished_at.lineno ) v->evidence = m->finished_at;
    return;
  }
  d = last_attempt(st, mi, r ? r->rid : -1);
  /* delivered to some: a file judged malicious later outranks the bounces */
  if( !r && status==MT_MS_PARTIAL
   && retro_malicious(st, mi, who, " to some recipients (the family column has each recipient's fate)", v) ) return;
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
      const char *some = status==MT_MS_PARTIAL && !r ? " for some recipients" : "";
      v->evidence = b->why;
      if( is_expired(b) ){
        int dl = last_delay(st, mi, b->rid, rd), n = attempts_of(st, mi, b->rid);
        const mt_dlv *e = dl>=0 ? &st->dlvs[dl] : 0;
        v->reason_class = "expired in our queue";
        say(v, "delivery", "expired in our queue",
            "Our gateway gave up on %s%s: it stayed in our queue until it expired (%s %s) after %d attempt%s in "
            "these logs; the last error was %s%s%s%s. The destination never accepted it: check why it "
            "cannot be reached (its MX, its firewall, its throttling) and the bounce profile's time limit.",
            who, some, nz(b->dsn, ""), nz(b->reason, "Delivery expired"), n, n==1 ? "" : "s",
            e ? nz(e->response, nz(e->reason, "?")) : "not in these logs",
            e && e->reason ? " (" : "", e && e->reason ? e->reason : "", e && e->reason ? ")" : "");
        return;
      }
      if( b->dcid==0 ){
        v->reason_class = "no route";
        say(v, "delivery", "no route to the destination",
            "Our gateway could not open any SMTP connection for %s%s (DCID 0): %s %s (%s). The destination "
            "domain does not resolve or has no reachable MX: check the recipient domain for typos and its DNS.",
            who, some, nz(b->dsn, ""), nz(b->response, ""), nz(b->reason, "bounced"));
        return;
      }
      v->reason_class = mt_reason_class(b->dsn, b->response, b->reason);
      say(v, "delivery", "bounced by the destination",
          "The destination refused %s%s: %s%s%s %s (%s).%s", who, some,
          b->smtp_code ? b->smtp_code : "", b->smtp_code ? " " : "",
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
          "%s could not be delivered yet and stays in our queue for another try: %s %s (%s)%s.", who,
          nz(b->dsn, ""), nz(b->response, ""), nz(b->reason, "delayed"),
          b->dcid==0 ? "; no SMTP connection could be opened (DCID 0)" : "");
      return;
    }
  }
  if( r ? (r->status==MT_RS_DELIVERED) : (status==MT_MS_DELIVERED || status==MT_MS_PARTIAL) ){
    const char *resp = d>=0 ? st->dlvs[d].response : 0;
    int rr;
    if( d>=0 ) v->evidence = st->dlvs[d].why;
    /* only a 2xx Response in these logs: that line decides */
    for(rr = r ? rcpt : m->first_rcpt; rr>=0; rr = r ? -1 : st->rcpts[rr].next){
      if( st->rcpts[rr].status!=MT_RS_DELIVERED ) continue;
      if( d<0 && st->rcpts[rr].resp_at.lineno ){ v->evidence = st->rcpts[rr].resp_at; resp = st->rcpts[rr].response; }
      else if( !resp ) resp = st->rcpts[rr].response;
      break;
    }
    if( retro_malicious(st, mi, who, status==MT_MS_PARTIAL && !r ? " to some recipients" : "", v) ) return;
    say(v, "delivered", "delivered", "%s was delivered%s%s%s.", who,
        status==MT_MS_PARTIAL && !r ? " to some recipients" : "",
        resp ? "; the destination answered " : "", resp ? resp : "");
    return;
  }
  v->evidence = open_evidence(st, mi, r ? r->rid : -1);
  say(v, "delivery", "open at end of logs",
      "%s is %s where the logs end: no delivery result yet. Later logs will tell the rest.", who,
      m->finished ? "finished without a delivery result in these logs"
      : d<0 && m->first_dlv>=0 ? "being delivered" : status==MT_MS_QUEUED ? "queued" : "still being received or scanned");
}
