/* SPDX-License-Identifier: MIT */
/*
** events.c — the body grammar of AsyncOS mail logs (format.md §4–§5).
**
** Layout: small cursor helpers, then one static function per entity family
** (ICID lines, MID lines, DCID lines, bounces, ...), and mt_event_parse()
** which dispatches on the first keyword of the body (format.md §10.1).
** Every helper takes the end pointer and checks it: the parser never reads
** past the body, whatever the bytes (tests/fuzz/fuzz_line.c).
*/
#include "events.h"

#include <string.h>

#define MT_EV_NAME(id, name) name,
static const char *const azEventName[] = { MT_EVENT_LIST(MT_EV_NAME) };
#undef MT_EV_NAME

const char *mt_event_name(int kind){
  return (kind > 0 && kind < MT_EV_COUNT) ? azEventName[kind] : 0;
}

/* ---------------------------------------------------------------- helpers */

typedef struct cur { const char *p, *e; } cur;

static int is_digit(char c){ return c >= '0' && c <= '9'; }

/* If c starts with the literal, advance past it and return 1. */
static int eat(cur *c, const char *lit, size_t n){
  if( (size_t)(c->e - c->p) < n || memcmp(c->p, lit, n)!=0 ) return 0;
  c->p += n;
  return 1;
}
#define EAT(c, lit) eat(c, lit, sizeof(lit)-1)

static int starts(const cur *c, const char *lit, size_t n){
  return (size_t)(c->e - c->p) >= n && memcmp(c->p, lit, n)==0;
}
#define STARTS(c, lit) starts(c, lit, sizeof(lit)-1)

/* Unsigned decimal; saturates at MT_ID_MAX.  Returns 1 if a digit was read. */
static int eat_num(cur *c, int64_t *v){
  int64_t x = 0;
  const char *s = c->p;
  while( c->p < c->e && is_digit(*c->p) ){
    int d = *c->p - '0';
    x = (x > (MT_ID_MAX - d)/10) ? MT_ID_MAX : x*10 + d;
    c->p++;
  }
  *v = x;
  return c->p > s;
}

static void eat_spaces(cur *c){ while( c->p < c->e && *c->p==' ' ) c->p++; }

/* First occurrence of lit in [c->p, c->e), or NULL. */
static const char *find(const char *p, const char *e, const char *lit, size_t n){
  if( e <= p || (size_t)(e-p) < n ) return 0;
  return memmem(p, (size_t)(e-p), lit, n);
}
#define FIND(p, e, lit) find(p, e, lit, sizeof(lit)-1)

/* Last occurrence of lit in [p, e), or NULL. */
static const char *rfind(const char *p, const char *e, const char *lit, size_t n){
  const char *r = 0, *q = p;
  for(;;){
    const char *x = find(q, e, lit, n);
    if( !x ) return r;
    r = x;
    q = x+1;
  }
}
#define RFIND(p, e, lit) rfind(p, e, lit, sizeof(lit)-1)

static const char *rtrim(const char *p, const char *e){
  while( e > p && (e[-1]==' ' || e[-1]=='\t' || e[-1]=='\r') ) e--;
  return e;
}

static void set(mt_event *ev, int f, const char *p, const char *e){
  if( !p || !e || e < p ) return;
  ev->f[f].p = p;
  ev->f[f].n = (int)(e - p);
  ev->have |= (uint64_t)1 << f;
}

/* Set a field to the rest of the line, trailing blanks trimmed. */
static void set_rest(mt_event *ev, int f, const cur *c){
  set(ev, f, c->p, rtrim(c->p, c->e));
}

/* The next space-delimited token. */
static void set_token(mt_event *ev, int f, cur *c){
  const char *s = c->p;
  while( c->p < c->e && *c->p!=' ' ) c->p++;
  if( c->p > s ) set(ev, f, s, c->p);
}

/* A bracketed RID list "[0, 1]" (the caller ate nothing of it yet). */
static int eat_rids(mt_event *ev, cur *c){
  const char *s, *close;
  cur t;
  int64_t v;
  int n = 0;
  if( c->p >= c->e || *c->p!='[' ) return 0;
  s = c->p+1;
  close = memchr(s, ']', (size_t)(c->e - s));
  if( !close ) return 0;           /* "to RID [" with no closing bracket */
  set(ev, MT_F_RIDS, s, close);
  t.p = s; t.e = close;
  while( t.p < t.e ){
    eat_spaces(&t);
    if( !eat_num(&t, &v) ) break;
    if( n==0 ) ev->rid = v;
    n++;
    eat_spaces(&t);
    if( t.p < t.e && *t.p==',' ) t.p++;
  }
  ev->nrid = n;
  if( n!=1 ) ev->rid = -1;
  c->p = close+1;
  return 1;
}

int mt_rids_next(mt_span *s, int64_t *rid){
  cur t;
  t.p = s->p; t.e = s->p + s->n;
  while( t.p < t.e && (*t.p==' ' || *t.p==',') ) t.p++;
  if( !eat_num(&t, rid) ) return 0;
  s->n -= (int)(t.p - s->p);
  s->p = t.p;
  return 1;
}

/* A quoted name "Policy" → span without quotes; advances past it. */
static int eat_dquoted(mt_event *ev, int f, cur *c){
  const char *q;
  if( c->p >= c->e || *c->p!='"' ) return 0;
  q = memchr(c->p+1, '"', (size_t)(c->e - c->p - 1));
  if( !q ) return 0;
  set(ev, f, c->p+1, q);
  c->p = q+1;
  return 1;
}

/* " (reason)" at the end → MT_F_REASON (without the parentheses). */
static void paren_reason(mt_event *ev, cur *c){
  const char *e = rtrim(c->p, c->e);
  eat_spaces(c);
  if( c->p < e && *c->p=='(' && e[-1]==')' ) set(ev, MT_F_REASON, c->p+1, e-1);
  else if( c->p < e ) set(ev, MT_F_REASON, c->p, e);
}


/* " in the inbound table" at the end of [p, e): MT_F_TABLE = "inbound". */
static const char *table_suffix(mt_event *ev, const char *p, const char *e){
  const char *in = RFIND(p, e, " in the ");
  const char *t = in ? FIND(in+8, e, " table") : 0;
  if( t && t > in+8 ) set(ev, MT_F_TABLE, in+8, t);
  return in;
}

/* A filter name written 'name' (or bare) up to " in the ... table". */
static void filter_name(mt_event *ev, const char *p, const char *e){
  const char *in = table_suffix(ev, p, e);
  if( in ) e = in;
  e = rtrim(p, e);
  if( e - p >= 2 && (*p=='\'' || *p=='"') && e[-1]==*p ){ p++; e--; }
  set(ev, MT_F_FILTER, p, e);
}

/* A quarantine reason naming the filter that put it there:
** "(message filter CVE-2023-23397)", "(content filter q1)" → MT_F_FILTER. */
static void reason_filter(mt_event *ev){
  cur t;
  if( !mt_has(ev, MT_F_REASON) ) return;
  t.p = ev->f[MT_F_REASON].p; t.e = t.p + ev->f[MT_F_REASON].n;
  if( EAT(&t, "message filter ") || EAT(&t, "content filter ") ) filter_name(ev, t.p, t.e);
}

/* --------------------------------------------------------- ICID n ... */

static void parse_hat(mt_event *ev, cur *c, const char *sg){
  const char *p, *sbrs, *country, *match, *e = c->e;
  ev->kind = MT_EV_ICID_HAT;
  set(ev, MT_F_ACTION, c->p, sg);
  p = sg + 4;                                  /* after " SG " */
  sbrs = FIND(p, e, " SBRS ");
  if( !sbrs ){
    /* Cut lines (no SBRS part): "SG GOOD match 205.188.105.0/24". */
    match = FIND(p, e, " match ");
    set(ev, MT_F_SG, p, match ? match : rtrim(p, e));
    if( match ) set(ev, MT_F_MATCH, match+7, rtrim(match+7, e));
    return;
  }
  match = FIND(p, sbrs+1, " match ");
  if( match ){
    set(ev, MT_F_SG, p, match);
    set(ev, MT_F_MATCH, match+7, sbrs);     /* may be empty: "match  SBRS" */
  }else{
    set(ev, MT_F_SG, p, sbrs);
  }
  p = sbrs + 6;
  country = FIND(p, e, " country ");
  if( country ){
    set(ev, MT_F_SBRS, p, country);
    set(ev, MT_F_COUNTRY, country+9, rtrim(country+9, e));
  }else{
    set(ev, MT_F_SBRS, p, rtrim(p, e));
  }
}

static void parse_tls(mt_event *ev, cur *c, int kSuccess, int kFailed, int kRequired){
  if( EAT(c, "TLS success") ){
    ev->kind = kSuccess;
    if( EAT(c, " protocol ") ){
      set_token(ev, MT_F_TLS_PROTO, c);
      if( EAT(c, " cipher ") ) set_token(ev, MT_F_TLS_CIPHER, c);
    }
    eat_spaces(c);
    if( c->p < rtrim(c->p, c->e) ) set_rest(ev, MT_F_REASON, c);   /* CN / for domain */
  }else if( EAT(c, "TLS failed") ){
    ev->kind = kFailed;
    if( EAT(c, ":") ) eat_spaces(c);
    set_rest(ev, MT_F_REASON, c);
  }else if( STARTS(c, "TLS was required") ){
    ev->kind = kRequired;
    set_rest(ev, MT_F_REASON, c);
  }
}

static void parse_icid(mt_event *ev, cur *c){
  const char *sg;
  int64_t v;
  if( c->p >= c->e ) return;
  if( EAT(c, "MID ") ){
    if( eat_num(c, &v) ) ev->mid = v;
    if( EAT(c, " Invalid recipient address:") ){
      ev->kind = MT_EV_MID_INVALID_RCPT;
      eat_spaces(c);
      set_rest(ev, MT_F_REASON, c);
    }
    return;
  }
  switch( *c->p ){
    case 'c':
      if( EAT(c, "close") ){ ev->kind = MT_EV_ICID_CLOSE; return; }
      break;
    case 'l':
      if( EAT(c, "lost") ){ ev->kind = MT_EV_ICID_LOST; return; }
      break;
    case 'S':
      if( EAT(c, "SBRS ") ){ ev->kind = MT_EV_ICID_SBRS; set_rest(ev, MT_F_SBRS, c); return; }
      break;
    case 'T':
      if( STARTS(c, "TLS ") ){
        parse_tls(ev, c, MT_EV_ICID_TLS, MT_EV_ICID_TLS_FAILED, MT_EV_ICID_TLS_REQUIRED);
        return;
      }
      break;
    case 'D':
      if( STARTS(c, "Delayed HAT REJECT") ){ ev->kind = MT_EV_ICID_DELAYED_REJECT; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'R':
      if( EAT(c, "Receiving Failed:") ){ eat_spaces(c); ev->kind = MT_EV_ICID_RECEIVING_FAILED; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'I':
      if( EAT(c, "Injection Failed:") ){ eat_spaces(c); ev->kind = MT_EV_ICID_INJECTION_FAILED; set_rest(ev, MT_F_REASON, c); return; }
      if( EAT(c, "Invalid sender address:") ){ eat_spaces(c); ev->kind = MT_EV_ICID_INVALID_SENDER; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'd':
      if( EAT(c, "disconnected address ") ){
        const char *comma = memchr(c->p, ',', (size_t)(c->e - c->p));
        ev->kind = MT_EV_ICID_DISCONNECTED;
        if( comma ){
          set(ev, MT_F_REMOTE_IP, c->p, comma);
          c->p = comma+1; eat_spaces(c);
        }
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      break;
    case 'C':
      if( EAT(c, "Connection from ") ){
        const char *lost;
        ev->kind = MT_EV_ICID_LOST_NO_CMD;
        set_token(ev, MT_F_REMOTE_IP, c);
        if( EAT(c, " on interface ") ){
          const char *par = FIND(c->p, c->e, " lost after ");
          const char *op = par ? RFIND(c->p, par, " (") : 0;
          if( op ){
            set(ev, MT_F_IFACE, c->p, op);
            if( par[-1]==')' ) set(ev, MT_F_IFACE_IP, op+2, par-1);
          }
        }
        lost = FIND(c->p, c->e, "lost after ");
        if( lost ){ c->p = lost; set_rest(ev, MT_F_REASON, c); }
        return;
      }
      break;
    case 'U':
      if( STARTS(c, "Unknown command:") ){ ev->kind = MT_EV_ICID_BAD_COMMAND; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'B':
      if( STARTS(c, "Bad syntax") ){ ev->kind = MT_EV_ICID_BAD_COMMAND; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'A':
      if( EAT(c, "Address: ") ){
        const char *sp = c->p;
        while( sp < c->e && *sp!=' ' ) sp++;
        set(ev, MT_F_ADDR, c->p, sp);
        c->p = sp; eat_spaces(c);
        ev->kind = STARTS(c, "sender rejected") ? MT_EV_ICID_SENDER_REJECTED
                 : STARTS(c, "sender allowed") ? MT_EV_ICID_SENDER_ALLOWED : MT_EV_NONE;
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      break;
  }
  /* "<ACTION> SG <group> ..." — ACTION is upper-case letters. */
  {
    const char *q = c->p;
    while( q < c->e && *q>='A' && *q<='Z' ) q++;
    if( q > c->p && (sg = FIND(q, q+4 <= c->e ? q+4 : c->e, " SG "))==q ){
      parse_hat(ev, c, sg);
      return;
    }
  }
}

/* ------------------------------------------------------------ MID m ... */

/* "<mid2> by <agent>[ filter '<name>']": the tail of rewritten and
** generated lines. */
static void link_line(mt_event *ev, cur *c, int kind){
  int64_t v;
  ev->kind = kind;
  if( eat_num(c, &v) ) ev->mid2 = v;
  if( EAT(c, " by ") ){
    const char *f = FIND(c->p, c->e, " filter ");
    set(ev, MT_F_RELATION, c->p, f ? f : rtrim(c->p, c->e));
    if( f ) filter_name(ev, f+8, c->e);
  }
}

/* Engine lines: "<ENGINE> <verdict text>", engine multi-word for "SPF Verdict Cache". */
static void engine_verdict(mt_event *ev, cur *c){
  if( STARTS(c, "SPF Verdict Cache") ){
    set(ev, MT_F_ENGINE, c->p, c->p + 17);
    c->p += 17;
  }else{
    set_token(ev, MT_F_ENGINE, c);
  }
  eat_spaces(c);
  set_rest(ev, MT_F_VERDICT, c);
}

static void parse_mid(mt_event *ev, cur *c){
  int64_t v;
  const char *e = c->e;
  if( c->p >= e ) return;
  if( *c->p==':' || *c->p==',' ){
    c->p++;
    eat_spaces(c);
    ev->kind = (FIND(c->p, e, "scanning error") || FIND(c->p, e, "Scanning Problem"))
             ? MT_EV_MID_SCAN_ERROR : MT_EV_MID_OTHER;
    set_rest(ev, MT_F_REASON, c);
    return;
  }
  if( !EAT(c, " ") || c->p >= e ) return;
  switch( *c->p ){
    case 'I':
      if( EAT(c, "ICID ") ){
        if( eat_num(c, &v) ) ev->icid = v;
        if( !EAT(c, " ") ) return;
        if( EAT(c, "From:") ){
          eat_spaces(c);
          ev->kind = MT_EV_MID_FROM;
          set_rest(ev, MT_F_ADDR, c);
          return;
        }
        if( EAT(c, "RID ") ){
          if( eat_num(c, &v) ){ ev->rid = v; ev->nrid = 1; }
          if( EAT(c, " To:") ){
            eat_spaces(c);
            ev->kind = MT_EV_MID_RCPT;
            set_rest(ev, MT_F_ADDR, c);
          }
          return;
        }
        if( EAT(c, "To:") ){
          const char *rej;
          eat_spaces(c);
          ev->kind = MT_EV_MID_RCPT_REJECTED;
          rej = FIND(c->p, e, " Rejected by ");
          if( !rej ) rej = FIND(c->p, e, " rejected");
          if( rej ){ set(ev, MT_F_ADDR, c->p, rej); c->p = rej+1; }
          else{ const char *sp = c->p; while( sp<e && *sp!=' ' ) sp++; set(ev, MT_F_ADDR, c->p, sp); c->p = sp; eat_spaces(c); }
          set_rest(ev, MT_F_REASON, c);
          return;
        }
        if( STARTS(c, "invalid bounce") ){
          const char *lt = memchr(c->p, '<', (size_t)(e - c->p));
          const char *gt = lt ? memchr(lt, '>', (size_t)(e - lt)) : 0;
          ev->kind = MT_EV_MID_INVALID_BOUNCE;
          if( lt && gt ) set(ev, MT_F_ADDR, lt, gt+1);
          set_rest(ev, MT_F_REASON, c);
          return;
        }
        if( STARTS(c, "TLS ") ){ ev->kind = MT_EV_MID_OTHER; return; }
        return;
      }
      if( EAT(c, "IncomingRelay(") ){
        const char *ip = FIND(c->p, e, "ip ");
        if( !ip ) ip = FIND(c->p, e, "IP ");
        ev->kind = MT_EV_MID_RELAY;
        if( ip ){ cur t = { ip+3, e }; const char *s = t.p; while( t.p<e && *t.p!=' ' && *t.p!=',' ) t.p++; set(ev, MT_F_REMOTE_IP, s, t.p); }
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      break;
    case 'R':
      if( EAT(c, "RID ") ){
        eat_spaces(c);
        eat_rids(ev, c);
        if( EAT(c, " Response") ){
          eat_spaces(c);
          ev->kind = MT_EV_MID_RESPONSE;
          set_rest(ev, MT_F_RESPONSE, c);
        }
        return;
      }
      break;
    case 't':
      if( EAT(c, "to RID ") || EAT(c, "to ") ){
        eat_rids(ev, c);
        if( STARTS(c, " pending till") ){ ev->kind = MT_EV_MID_PENDING; c->p += 14; set_rest(ev, MT_F_REASON, c); }
        return;
      }
      break;
    case 'M':
      if( EAT(c, "Message-ID") ){ eat_spaces(c); ev->kind = MT_EV_MID_MESSAGE_ID; set_rest(ev, MT_F_VALUE, c); return; }
      break;
    case 'S':
      if( EAT(c, "Subject") ){
        if( c->p < e && *c->p==' ' ) c->p++;
        ev->kind = MT_EV_MID_SUBJECT;
        set(ev, MT_F_VALUE, c->p, e);           /* keep trailing spaces of a bare subject */
        return;
      }
      if( EAT(c, "SPF: ") ){
        const char *id = FIND(c->p, e, " identity ");
        ev->kind = MT_EV_MID_SPF;
        if( id ){
          cur t = { id+10, e };
          set(ev, MT_F_POLICY, c->p, id);     /* identity kind: mailfrom/helo/pra */
          set_token(ev, MT_F_ADDR, &t);
          eat_spaces(&t);
          set_token(ev, MT_F_VERDICT, &t);
          eat_spaces(&t);
          if( t.p < e ) set_rest(ev, MT_F_REASON, &t);
        }else{
          set_rest(ev, MT_F_REASON, c);
        }
        return;
      }
      if( EAT(c, "SDR:") ){
        /* "Consolidated Sender Threat Level: <L>, Threat Category: <C>, ..." (2022+)
        ** "Consolidated Sender Reputation: <L>, Threat Category: <C>. ..." (about 2019) */
        const char *lv = FIND(c->p, e, "Consolidated Sender Threat Level: ");
        const char *rp = lv ? 0 : FIND(c->p, e, "Consolidated Sender Reputation: ");
        eat_spaces(c);
        ev->kind = MT_EV_MID_SDR;
        if( lv || rp ){
          const char *p = lv ? lv + 34 : rp + 32, *q = p, *tc;
          while( q < e && *q!=',' && *q!='.' ) q++;
          if( rtrim(p, q) > p ) set(ev, MT_F_VERDICT, p, rtrim(p, q));
          if( (tc = FIND(q, e, "Threat Category: "))!=0 ){
            p = q = tc + 17;
            while( q < e && *q!=',' && !(*q=='.' && (q+1==e || q[1]==' ')) ) q++;
            if( rtrim(p, q) > p ) set(ev, MT_F_CATEGORY, p, rtrim(p, q));
          }
        }
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      if( EAT(c, "SHA ") ){
        const char *fn = FIND(c->p, e, " filename ");
        const char *q = RFIND(c->p, e, " queued for possible file analysis upload");
        ev->kind = MT_EV_MID_FILE_UPLOAD;
        set(ev, MT_F_VERDICT, c->p, fn ? fn : rtrim(c->p, e));
        set(ev, MT_F_SHA256, c->p, fn ? fn : rtrim(c->p, e));
        if( fn ) set(ev, MT_F_VALUE, fn+10, q ? q : rtrim(fn+10, e));
        return;
      }
      break;
    case 'r':
      if( EAT(c, "ready ") ){
        const char *s = c->p;
        ev->kind = MT_EV_MID_READY;
        if( eat_num(c, &v) ) set(ev, MT_F_SIZE, s, c->p);
        if( EAT(c, " bytes from") ){ eat_spaces(c); set_rest(ev, MT_F_ADDR, c); }
        return;
      }
      if( EAT(c, "rewritten to ") ){
        EAT(c, "MID ");
        link_line(ev, c, MT_EV_MID_REWRITTEN);
        return;
      }
      if( EAT(c, "released") ){
        const char *q = FIND(c->p, e, "quarantine \"");
        ev->kind = MT_EV_MID_RELEASED;
        if( q ){ cur t = { q+11, e }; eat_dquoted(ev, MT_F_QNAME, &t); paren_reason(ev, &t); }
        return;
      }
      if( STARTS(c, "received from the SMA") ){
        const char *o = FIND(c->p, e, "MID originally ");
        ev->kind = MT_EV_MID_REINJECTED;
        if( o ){ cur t = { o+15, e }; if( eat_num(&t, &v) ) ev->mid2 = v; }
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      break;
    case 'a':
      if( EAT(c, "attachment ") ){ ev->kind = MT_EV_MID_ATTACHMENT; set_rest(ev, MT_F_VALUE, c); return; }
      if( EAT(c, "antivirus ") ){
        ev->kind = MT_EV_MID_AV;
        set_token(ev, MT_F_VERDICT, c);
        eat_spaces(c);
        if( c->p < rtrim(c->p, e) ) set_rest(ev, MT_F_NAMES, c);
        return;
      }
      break;
    case 'm':
      if( EAT(c, "matched all recipients for per-recipient policy ") ){
        const char *in = RFIND(c->p, e, " in the ");
        ev->kind = MT_EV_MID_POLICY;
        set(ev, MT_F_POLICY, c->p, in ? in : rtrim(c->p, e));
        if( in ){ cur t = { in+8, e }; set_token(ev, MT_F_VALUE, &t); table_suffix(ev, c->p, e); }
        return;
      }
      if( STARTS(c, "masquerading") ){ ev->kind = MT_EV_MID_MASQUERADE; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'i':
      if( EAT(c, "interim verdict using engine: ") ){ ev->kind = MT_EV_MID_SPAM_INTERIM; engine_verdict(ev, c); return; }
      if( EAT(c, "interim AV verdict using ") ){ ev->kind = MT_EV_MID_AV_INTERIM; set_token(ev, MT_F_ENGINE, c); eat_spaces(c); set_rest(ev, MT_F_VERDICT, c); return; }
      break;
    case 'u':
      if( EAT(c, "using engine: ") ){
        engine_verdict(ev, c);
        ev->kind = (mt_has(ev, MT_F_ENGINE) && ev->f[MT_F_ENGINE].n==8
                    && memcmp(ev->f[MT_F_ENGINE].p, "GRAYMAIL", 8)==0)
                 ? MT_EV_MID_GRAYMAIL : MT_EV_MID_SPAM;
        return;
      }
      break;
    case 'B':
      if( EAT(c, "Brightmail ") ){            /* before 4.5 */
        ev->kind = MT_EV_MID_SPAM;
        set(ev, MT_F_ENGINE, c->p - 11, c->p - 1);
        set_rest(ev, MT_F_VERDICT, c);
        return;
      }
      break;
    case 'w':
      if( EAT(c, "was too big") ){
        const char *by = FIND(c->p, e, "for scanning by ");
        ev->kind = MT_EV_MID_TOO_BIG;
        if( by ) set(ev, MT_F_ENGINE, by+16, rtrim(by+16, e));
        {
          /* " (362262/262144)": the size and the engine's limit */
          cur t = *c;
          const char *s;
          eat_spaces(&t);
          if( t.p < e && *t.p=='(' && (s = memchr(t.p, ')', (size_t)(e - t.p)))!=0 ) set(ev, MT_F_SIZE, t.p+1, s);
        }
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      if( EAT(c, "was split creating MID ") ){
        const char *due;
        ev->kind = MT_EV_MID_SPLIT;
        if( eat_num(c, &v) ) ev->mid2 = v;
        due = FIND(c->p, e, "due to ");
        if( due ) set(ev, MT_F_REASON, due+7, rtrim(due+7, e));
        return;
      }
      if( EAT(c, "was marked unscannable") ){ ev->kind = MT_EV_MID_UNSCANNABLE; eat_spaces(c); set_rest(ev, MT_F_REASON, c); return; }
      if( EAT(c, "was dropped by ") || EAT(c, "was bounced by ") ){
        ev->kind = MT_EV_MID_FILTER_ACTION;
        set(ev, MT_F_ACTION, c->p - 11, c->p - 4);         /* "dropped"/"bounced" */
        if( EAT(c, "content filter ") || EAT(c, "policy ") || EAT(c, "filter ") ) filter_name(ev, c->p, e);
        return;
      }
      /* fall through: "was generated ..." */
      if( EAT(c, "was ") ){}
      /* FALLTHROUGH */
    case 'g':
      if( EAT(c, "generated based on MID ") ){
        link_line(ev, c, MT_EV_MID_GENERATED);
        return;
      }
      if( EAT(c, "generated for bounce of MID ") ){
        ev->kind = MT_EV_MID_BOUNCE_OF;
        if( eat_num(c, &v) ) ev->mid2 = v;
        return;
      }
      break;
    case 'A':
      if( EAT(c, "AMP file reputation verdict") ){
        ev->kind = MT_EV_MID_AMP;
        eat_spaces(c); EAT(c, ":"); eat_spaces(c);
        set_token(ev, MT_F_VERDICT, c);
        eat_spaces(c);
        if( c->p < e ) paren_reason(ev, c);
        return;
      }
      break;
    case 'O':
      if( EAT(c, "Outbreak Filters: verdict ") ){ ev->kind = MT_EV_MID_OUTBREAK; set_token(ev, MT_F_VERDICT, c); eat_spaces(c); if( c->p<e ) set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'T':
      if( STARTS(c, "Threat Level=") ){ ev->kind = MT_EV_MID_THREAT_LEVEL; set_rest(ev, MT_F_VERDICT, c); return; }
      if( STARTS(c, "Threat feeds source") ){ ev->kind = MT_EV_MID_THREAT_FEED; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'V':
      if( STARTS(c, "Virus Threat Level") ){ ev->kind = MT_EV_MID_THREAT_LEVEL; set_rest(ev, MT_F_VERDICT, c); return; }
      break;
    case 'C':
      if( EAT(c, "Custom Log Entry:") ){ eat_spaces(c); ev->kind = MT_EV_MID_CUSTOM_LOG; set_rest(ev, MT_F_VALUE, c); return; }
      if( STARTS(c, "Could not convert") || STARTS(c, "CASE sent") ){ ev->kind = MT_EV_MID_OTHER; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'n':
      if( STARTS(c, "not completely scanned") ){ ev->kind = MT_EV_MID_UNSCANNABLE; set_rest(ev, MT_F_REASON, c); return; }
      break;
    case 'D':
      if( EAT(c, "DLP violation") ){
        /* ". Severity: LOW (Risk Factor: 15). DLP policy match: 'PCI-DSS (...)'." */
        const char *sev = FIND(c->p, e, "Severity: "), *pm = FIND(c->p, e, "DLP policy match: ");
        ev->kind = MT_EV_MID_DLP;
        if( sev ){
          cur t = { sev+10, e };
          const char *s = t.p;
          while( t.p < e && *t.p!=' ' && *t.p!='.' && *t.p!='(' ) t.p++;
          if( t.p > s ) set(ev, MT_F_VERDICT, s, t.p);
          if( (s = FIND(t.p, pm ? pm : e, "Risk Factor: "))!=0 ){
            t.p = s + 13; s = t.p;
            while( t.p < e && is_digit(*t.p) ) t.p++;
            if( t.p > s ) set(ev, MT_F_SCORE, s, t.p);
          }
        }
        if( pm ){
          const char *p = pm + 18, *q = rtrim(p, e);
          if( q > p && q[-1]=='.' ) q--;
          if( q - p >= 2 && *p=='\'' && q[-1]=='\'' ){ p++; q--; }
          if( q > p ) set(ev, MT_F_POLICY, p, q);
        }
        eat_spaces(c);
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      if( EAT(c, "DKIM: ") ){ ev->kind = MT_EV_MID_DKIM; { cur t = *c; set_token(ev, MT_F_VERDICT, &t); } set_rest(ev, MT_F_REASON, c); return; }
      if( EAT(c, "DomainKeys: ") ){ ev->kind = MT_EV_MID_DOMAINKEYS; { cur t = *c; set_token(ev, MT_F_VERDICT, &t); } set_rest(ev, MT_F_REASON, c); return; }
      if( EAT(c, "DMARC: ") ){
        const char *d = FIND(c->p, e, " DMARC ");
        ev->kind = MT_EV_MID_DMARC;
        if( d ){
          cur t = { d+7, e };
          set_token(ev, MT_F_VERDICT, &t);
          if( STARTS(c, "Message from domain ") ){
            const char *de = (d > c->p+20 && d[-1]==',') ? d-1 : d;
            set(ev, MT_F_DOMAIN, c->p+20, de);
          }
        }else if( STARTS(c, "Verification ") ){
          cur t = { c->p+13, e };
          set_token(ev, MT_F_POLICY, &t);        /* "passed", "failed": normalised by the tables */
        }
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      break;
    case 'U':
      if( EAT(c, "URL ") ){
        const char *rep = RFIND(c->p, e, " has reputation ");
        const char *cat = rep ? 0 : RFIND(c->p, e, " matched category ");
        ev->kind = MT_EV_MID_URL;
        if( rep ){
          cur t = { rep+16, e };
          set(ev, MT_F_VALUE, c->p, rtrim(c->p, rep));
          { cur u = t; set_token(ev, MT_F_SCORE, &u); }
          set_token(ev, MT_F_VERDICT, &t);
          if( EAT(&t, " matched Condition: ") ) set_rest(ev, MT_F_FILTER, &t);
        }else if( cat ){
          const char *cond = FIND(cat, e, " Condition: ");
          set(ev, MT_F_VALUE, c->p, rtrim(c->p, cat));
          set(ev, MT_F_VERDICT, cat+18, cond ? cond : rtrim(cat+18, e));
          set(ev, MT_F_CATEGORY, cat+18, cond ? cond : rtrim(cat+18, e));
          if( cond ) set(ev, MT_F_FILTER, cond+12, rtrim(cond+12, e));
        }else{
          set_rest(ev, MT_F_VALUE, c);
        }
        return;
      }
      break;
    case 'c':
      if( STARTS(c, "could not be split") ){ ev->kind = MT_EV_MID_SPLIT_FAILED; return; }
      break;
    case 'q':
      if( EAT(c, "quarantined to ") ){
        ev->kind = MT_EV_MID_QUARANTINED;
        if( eat_dquoted(ev, MT_F_QNAME, c) ){ paren_reason(ev, c); reason_filter(ev); }
        return;
      }
      if( EAT(c, "quarantine ") ){
        ev->kind = MT_EV_MID_QUARANTINE_REASON;
        eat_dquoted(ev, MT_F_QNAME, c);
        EAT(c, " new reason");
        paren_reason(ev, c);
        reason_filter(ev);
        return;
      }
      if( STARTS(c, "queued for delivery") ){ ev->kind = MT_EV_MID_QUEUED; return; }
      break;
    case 'd':
      if( EAT(c, "deleted from ") ){
        const char *q = FIND(c->p, e, "quarantine \"");
        ev->kind = MT_EV_MID_QDELETED;
        if( q ){ cur t = { q+11, e }; eat_dquoted(ev, MT_F_QNAME, &t); paren_reason(ev, &t); }
        return;
      }
      break;
    case 'e':
      if( EAT(c, "enqueued for transfer to centralized quarantine ") ){
        ev->kind = MT_EV_MID_CQUARANTINE;
        if( eat_dquoted(ev, MT_F_QNAME, c) ){ paren_reason(ev, c); reason_filter(ev); }
        return;
      }
      break;
    case 'G':
      if( STARTS(c, "Global unsubscribe") ){
        const char *r = FIND(c->p, e, " RID ");
        ev->kind = MT_EV_MID_UNSUBSCRIBE;
        if( r ){ cur t = { r+5, e }; if( eat_num(&t, &v) ){ ev->rid = v; ev->nrid = 1; } }
        set_rest(ev, MT_F_REASON, c);
        return;
      }
      break;
    case 'F':
      if( EAT(c, "From:") ){                  /* old system-generated form, no ICID */
        const char *to = FIND(c->p, e, " To: ");
        eat_spaces(c);
        ev->kind = MT_EV_MID_FROM;
        set(ev, MT_F_ADDR, c->p, to ? to : rtrim(c->p, e));
        return;
      }
      break;
  }
}

/* ---------------------------------------------------- deliveries (DCID) */

static void parse_dcid_line(mt_event *ev, cur *c){
  int64_t v;
  if( !eat_num(c, &v) ) return;
  ev->dcid = v;
  if( !EAT(c, " ") ) return;
  if( EAT(c, "close") ){ ev->kind = MT_EV_DCID_CLOSE; return; }
  if( STARTS(c, "TLS ") ){
    parse_tls(ev, c, MT_EV_DCID_TLS, MT_EV_DCID_TLS_FAILED, MT_EV_DCID_TLS_REQUIRED);
    return;
  }
  if( EAT(c, "IP ") ){
    set_token(ev, MT_F_REMOTE_IP, c);
    eat_spaces(c);
    if( STARTS(c, "TLS was required") ){ ev->kind = MT_EV_DCID_TLS_REQUIRED; set_rest(ev, MT_F_REASON, c); }
  }
}

/* "DCID[:] d MID m to RID [..]" — shared by Delivery start and Message done. */
/* After an optional "DCID" keyword (kw: it was there): "[:] n MID m to RID [..]".
** The number is a DCID only after the keyword: the offset index finds ids
** by their keyword (index.c), and every real shape has it. */
static void dcid_mid_rids(mt_event *ev, cur *c, int kw){
  int64_t v;
  if( kw ){
    EAT(c, ":"); eat_spaces(c);
    if( eat_num(c, &v) ) ev->dcid = v;
  }
  eat_spaces(c);
  if( EAT(c, "MID ") && eat_num(c, &v) ) ev->mid = v;
  eat_spaces(c);
  if( EAT(c, "to RID ") || EAT(c, "to ") ){ eat_spaces(c); eat_rids(ev, c); }
}

/* Bounced: / Delayed: in their three historical shapes (format.md §5.7.6),
** and the bounce-log form "Bounced: mid:rid From:<a> To:<b>" (§8). */
static void parse_bounce(mt_event *ev, cur *c){
  int64_t v;
  const char *e = c->e, *dash, *tup;
  eat_spaces(c);
  if( EAT(c, "DCID") ){
    EAT(c, ":"); eat_spaces(c);
    if( eat_num(c, &v) ) ev->dcid = v;
    eat_spaces(c);
    if( EAT(c, "MID ") || EAT(c, "Message ") ){
      if( eat_num(c, &v) ) ev->mid = v;
    }
  }else if( is_digit(c->p < e ? *c->p : 0) ){
    if( eat_num(c, &v) ) ev->mid = v;
    if( EAT(c, ":") && eat_num(c, &v) ){ ev->rid = v; ev->nrid = 1; }
  }
  eat_spaces(c);
  if( EAT(c, "From:") ){
    const char *to = FIND(c->p, e, " To:");
    eat_spaces(c);
    if( to ){
      set(ev, MT_F_ADDR, c->p, to);
      c->p = to + 4; eat_spaces(c);
      {
        const char *r = FIND(c->p, e, " RID ");
        const char *sp = r ? r : c->p;
        if( !r ){ while( sp<e && *sp!=' ' ) sp++; }
        set(ev, MT_F_ADDR2, c->p, sp);
        c->p = sp;
      }
    }
    eat_spaces(c);
  }
  if( EAT(c, "to RID ") || EAT(c, "RID ") || EAT(c, "to ") ){
    if( eat_num(c, &v) ){ ev->rid = v; ev->nrid = 1; }
  }
  dash = FIND(c->p, e, " - ");
  if( !dash ) return;
  c->p = dash + 3;
  dash = FIND(c->p, e, " - ");
  if( dash ){
    set(ev, MT_F_DSN, c->p, dash);
    c->p = dash + 3;
  }
  /* the response tuple: " ('550', [...])" */
  tup = c->p;
  for(;;){
    tup = FIND(tup, e, " ('");
    if( !tup ) break;
    if( tup + 7 <= e && is_digit(tup[3]) && is_digit(tup[4]) && is_digit(tup[5]) && tup[6]=='\'' ) break;
    tup++;
  }
  if( tup ){
    const char *end = rtrim(tup, e);
    set(ev, MT_F_REASON, c->p, tup);
    set(ev, MT_F_SMTP_CODE, tup+3, tup+6);
    if( end - tup > 10 && end[-1]==']' && end[-2]=='[' && end[-3]==' ' ) end = rtrim(tup, end-3); /* " []" */
    {
      const char *lb = tup + 7;
      while( lb < end && (*lb==',' || *lb==' ') ) lb++;
      if( lb < end && *lb=='[' && end > lb+1 && end[-1]==')' && end[-2]==']' ) set(ev, MT_F_RESPONSE, lb+1, end-2);
      else set(ev, MT_F_RESPONSE, lb, end);
    }
  }else{
    set_rest(ev, MT_F_REASON, c);
  }
}

static void parse_conn_error(mt_event *ev, cur *c){
  const char *e = c->e, *d = FIND(c->p, e, "DCID"), *x;
  int64_t v;
  ev->kind = MT_EV_DCID_ERROR;
  if( d ){
    cur t = { d+4, e };
    if( d > c->p ) set(ev, MT_F_REASON, c->p, rtrim(c->p, d));   /* old: reason first */
    EAT(&t, ":"); eat_spaces(&t);
    if( eat_num(&t, &v) ) ev->dcid = v;
  }
  if( (x = FIND(c->p, e, "domain: "))!=0 ){ cur t = { x+8, e }; set_token(ev, MT_F_DOMAIN, &t); }
  if( (x = FIND(c->p, e, "IP: "))!=0 ){ cur t = { x+4, e }; set_token(ev, MT_F_REMOTE_IP, &t); }
  if( (x = FIND(c->p, e, "port: "))!=0 ){ cur t = { x+6, e }; set_token(ev, MT_F_PORT, &t); }
  if( (x = FIND(c->p, e, "details: "))!=0 ){
    const char *i = FIND(x, e, " interface: ");
    set(ev, MT_F_RESPONSE, x+9, i ? i : rtrim(x+9, e));
  }
  if( (x = FIND(c->p, e, "interface: "))!=0 ){ cur t = { x+11, e }; set_token(ev, MT_F_IFACE, &t); }
  if( (x = FIND(c->p, e, "reason: "))!=0 ) set(ev, MT_F_REASON, x+8, rtrim(x+8, e));
}

/* "New SMTP ICID n interface X (ip) address A reverse dns host H verified V" */
static void parse_new_icid(mt_event *ev, cur *c){
  int64_t v;
  const char *e = c->e, *addr, *rdns, *ver;
  ev->kind = MT_EV_ICID_NEW;
  if( eat_num(c, &v) ) ev->icid = v;
  if( !EAT(c, " interface ") ) return;
  addr = FIND(c->p, e, " address ");
  if( !addr ) return;
  {
    const char *op = RFIND(c->p, addr, " (");
    if( op && addr[-1]==')' ){
      set(ev, MT_F_IFACE, c->p, op);
      set(ev, MT_F_IFACE_IP, op+2, addr-1);
    }else{
      set(ev, MT_F_IFACE, c->p, addr);
    }
  }
  c->p = addr + 9;
  set_token(ev, MT_F_REMOTE_IP, c);
  rdns = FIND(c->p, e, " reverse dns host ");
  if( rdns ){
    cur t = { rdns + 18, e };
    eat_spaces(&t);
    ver = RFIND(t.p, e, " verified ");
    set(ev, MT_F_RDNS, t.p, ver ? ver : rtrim(t.p, e));
    if( ver ){ t.p = ver + 10; set_token(ev, MT_F_VERIFIED, &t); }
  }
}

static void parse_new_dcid(mt_event *ev, cur *c){
  int64_t v;
  ev->kind = MT_EV_DCID_NEW;
  if( eat_num(c, &v) ) ev->dcid = v;
  if( EAT(c, " interface ") ) set_token(ev, MT_F_IFACE_IP, c);
  if( EAT(c, " address ") ) set_token(ev, MT_F_REMOTE_IP, c);
  if( EAT(c, " port ") ) set_token(ev, MT_F_PORT, c);
}

/* "... MID n ..." somewhere in a line of a known family (RPC, ISQ, LDAP). */
static void mid_anywhere(mt_event *ev, const char *p, const char *e){
  const char *m = FIND(p, e, "MID ");
  int64_t v;
  if( m && (m==p || m[-1]==' ') ){
    cur t = { m+4, e };
    if( eat_num(&t, &v) ) ev->mid = v;
    if( EAT(&t, " RID ") && eat_num(&t, &v) ){ ev->rid = v; ev->nrid = 1; }
  }
}

/* ------------------------------------------------------------- dispatch */

void mt_event_parse(const char *body, size_t n, mt_event *ev){
  cur c;
  int64_t v;
  ev->kind = MT_EV_NONE;
  ev->icid = ev->mid = ev->dcid = ev->rid = ev->mid2 = -1;
  ev->nrid = 0;
  ev->have = 0;
  c.p = body; c.e = body + n;
  if( n < 3 ) return;
  switch( body[0] ){
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      /* injection debug log (format.md §7): "<icid> Sent: <repr>" / "<icid> Rcvd: <repr>" */
      if( eat_num(&c, &v) ){
        int k = EAT(&c, " Sent: ") ? MT_EV_SMTP_SENT : EAT(&c, " Rcvd: ") ? MT_EV_SMTP_RCVD : 0;
        if( k ){ ev->kind = k; ev->icid = v; set(ev, MT_F_VALUE, c.p, c.e); }
      }
      return;
    case 'M':
      if( EAT(&c, "MID ") ){
        if( !eat_num(&c, &v) ) return;
        ev->mid = v;
        parse_mid(ev, &c);
      }else if( EAT(&c, "Message done") ){
        ev->kind = MT_EV_DCID_DONE;
        eat_spaces(&c);
        dcid_mid_rids(ev, &c, EAT(&c, "DCID"));
        eat_spaces(&c);
        if( c.p < rtrim(c.p, c.e) ) set_rest(ev, MT_F_VALUE, &c);   /* headers / (external quarantine) */
      }else if( EAT(&c, "Message finished MID ") ){
        ev->kind = MT_EV_MID_FINISHED;
        if( eat_num(&c, &v) ) ev->mid = v;
        eat_spaces(&c);
        set_rest(ev, MT_F_VERDICT, &c);
      }else if( EAT(&c, "Message aborted MID ") ){
        ev->kind = MT_EV_MID_ABORTED;
        if( eat_num(&c, &v) ) ev->mid = v;
        eat_spaces(&c);
        set_rest(ev, MT_F_REASON, &c);
      }else if( EAT(&c, "Message ") && eat_num(&c, &v) ){
        ev->mid = v;
        if( EAT(&c, " to RID ") || EAT(&c, " to ") ){
          eat_rids(ev, &c);
          if( STARTS(&c, " pending till") ){ ev->kind = MT_EV_MID_PENDING; c.p += 14; set_rest(ev, MT_F_REASON, &c); }
        }
      }else if( STARTS(&c, "Mail delivery client with DCID ") ){
        c.p += 31;
        if( eat_num(&c, &v) ) ev->dcid = v;
        ev->kind = MT_EV_DCID_KILLED;
        eat_spaces(&c);
        set_rest(ev, MT_F_REASON, &c);
      }
      return;
    case 'I':
      if( EAT(&c, "ICID ") ){
        if( !eat_num(&c, &v) ) return;
        ev->icid = v;
        if( EAT(&c, " ") ) parse_icid(ev, &c);
      }else if( EAT(&c, "ISQ: ") ){
        ev->kind = MT_EV_MID_ISQ;
        mid_anywhere(ev, c.p, c.e);
      }else if( STARTS(&c, "Internal SMTP") ){
        ev->kind = MT_EV_INTERNAL_SMTP;
      }else if( STARTS(&c, "Incoming ") ){
        ev->kind = MT_EV_SYSTEM;
      }
      return;
    case 'N':
      if( EAT(&c, "New SMTP ICID ") || EAT(&c, "New smtp ICID ") ) parse_new_icid(ev, &c);
      else if( EAT(&c, "New SMTP DCID ") ) parse_new_dcid(ev, &c);
      return;
    case 'S':
      if( EAT(&c, "Start MID ") ){
        ev->kind = MT_EV_MID_START;
        if( eat_num(&c, &v) ) ev->mid = v;
        if( EAT(&c, " ICID ") && eat_num(&c, &v) ) ev->icid = v;
        eat_spaces(&c);
        if( c.p < c.e ) paren_reason(ev, &c);
      }else if( EAT(&c, "SMTP Auth") ){
        const char *i = FIND(c.p, c.e, "(ICID ");
        ev->kind = MT_EV_ICID_AUTH;
        if( i ){ cur t = { i+6, c.e }; if( eat_num(&t, &v) ) ev->icid = v; }
        set_rest(ev, MT_F_REASON, &c);
      }else if( EAT(&c, "SMTP server connection killed ICID:") ){
        eat_spaces(&c);
        if( eat_num(&c, &v) ) ev->icid = v;
        ev->kind = MT_EV_ICID_KILLED;
      }else if( EAT(&c, "SMTP client connection killed DCID:") ){
        eat_spaces(&c);
        if( eat_num(&c, &v) ) ev->dcid = v;
        ev->kind = MT_EV_DCID_KILLED;
      }else if( STARTS(&c, "Status: ") ){
        ev->kind = MT_EV_STATUS;          /* CrtMID etc. are counters, not ids */
      }else if( STARTS(&c, "System is coming up") ){
        ev->kind = MT_EV_SYSTEM_UP;
      }else if( STARTS(&c, "SenderBase upload") || STARTS(&c, "SMTP server") || STARTS(&c, "SLBL: ") ){
        ev->kind = MT_EV_SYSTEM;
      }else if( STARTS(&c, "Scanning ") ){
        ev->kind = MT_EV_QUEUE;             /* "Scanning x with n msgs for expiration candidates." */
      }else if( STARTS(&c, "Start delivery of MID ") ){
        ev->kind = MT_EV_RPC;
        mid_anywhere(ev, c.p, c.e);
      }
      return;
    case 'D':
      if( EAT(&c, "Delivery start") ){
        ev->kind = MT_EV_DCID_START;
        eat_spaces(&c);
        dcid_mid_rids(ev, &c, EAT(&c, "DCID"));
        /* "... to RID [0] to offbox IronPort Spam Quarantine" (format.md §5.5) */
        eat_spaces(&c);
        if( EAT(&c, "to offbox ") || EAT(&c, "to local ") ) set_rest(ev, MT_F_QNAME, &c);
      }else if( EAT(&c, "DCID ") ){
        parse_dcid_line(ev, &c);
      }else if( EAT(&c, "Delayed:") ){
        ev->kind = MT_EV_DELAYED;
        parse_bounce(ev, &c);
      }else if( EAT(&c, "Double bounce:") ){
        ev->kind = MT_EV_DOUBLE_BOUNCE;
        eat_spaces(&c);
        if( (EAT(&c, "MID ") || EAT(&c, "Message ")) && eat_num(&c, &v) ) ev->mid = v;
        if( EAT(&c, " to ") && eat_num(&c, &v) ){ ev->rid = v; ev->nrid = 1; }
        set_rest(ev, MT_F_REASON, &c);
      }else if( EAT(&c, "Deleted: MID ") ){
        ev->kind = MT_EV_RCPT_DELETED;
        if( eat_num(&c, &v) ) ev->mid = v;
        if( EAT(&c, " to ") ) eat_rids(ev, &c);
      }else if( STARTS(&c, "DNS ") ){
        ev->kind = MT_EV_DNS;
      }else if( STARTS(&c, "Deliveries are currently suspended") || STARTS(&c, "Done scanning") ){
        ev->kind = MT_EV_QUEUE;
      }else if( STARTS(&c, "Delivery of MID ") ){
        ev->kind = MT_EV_RPC;
        mid_anywhere(ev, c.p, c.e);
      }else if( EAT(&c, "Debug: MID: ") ){
        ev->kind = MT_EV_MID_FILTER_TIMING;
        if( eat_num(&c, &v) ) ev->mid = v;
        eat_spaces(&c);
        if( EAT(&c, "Message filter Name: ") ){
          const char *t = FIND(c.p, c.e, " time: ");
          set(ev, MT_F_FILTER, c.p, t ? t : rtrim(c.p, c.e));
          if( t ){ c.p = t + 7; set_rest(ev, MT_F_VALUE, &c); }
        }
      }
      return;
    case 'B':
      if( EAT(&c, "Bounced:") ){ ev->kind = MT_EV_BOUNCED; parse_bounce(ev, &c); }
      else if( STARTS(&c, "Begin Logfile") ) ev->kind = MT_EV_LOG_BEGIN;
      return;
    case 'C':
      if( EAT(&c, "Connection Error:") ){ eat_spaces(&c); parse_conn_error(ev, &c); }
      else if( STARTS(&c, "CASE cache status") || STARTS(&c, "Checkpoint") ) ev->kind = MT_EV_SYSTEM;
      return;
    case 'V':
      if( EAT(&c, "Version: ") ){
        const char *sn = FIND(c.p, c.e, " SN: ");
        ev->kind = MT_EV_LOG_VERSION;
        set(ev, MT_F_VALUE, c.p, sn ? sn : rtrim(c.p, c.e));
        if( sn ) set(ev, MT_F_REASON, sn+5, rtrim(sn+5, c.e));
      }
      return;
    case 'T':
      if( EAT(&c, "Time offset from UTC: ") ){
        const char *s = c.p;
        ev->kind = MT_EV_LOG_TZ;
        if( c.p < c.e && (*c.p=='-' || *c.p=='+') ) c.p++;
        while( c.p < c.e && is_digit(*c.p) ) c.p++;
        set(ev, MT_F_VALUE, s, c.p);
      }
      return;
    case 'L':
      if( STARTS(&c, "Logfile rolled over") ) ev->kind = MT_EV_LOG_ROLLED;
      else if( STARTS(&c, "LDAP") ){ ev->kind = MT_EV_MID_LDAP; mid_anywhere(ev, c.p, c.e); if( ev->mid<0 ) ev->kind = MT_EV_SYSTEM; }
      return;
    case 'E':
      if( STARTS(&c, "End Logfile") ) ev->kind = MT_EV_LOG_END;
      else if( EAT(&c, "EUQ: ") ){
        if( EAT(&c, "Reinjected MID ") ){
          /* mid = the new message, mid2 = the one it came from (as for
          ** "received from the SMA ... (MID originally n)"). */
          ev->kind = MT_EV_MID_REINJECTED;
          if( eat_num(&c, &v) ) ev->mid2 = v;
          if( EAT(&c, " as MID ") && eat_num(&c, &v) ) ev->mid = v;
        }else{
          ev->kind = MT_EV_MID_ISQ;
          mid_anywhere(ev, c.p, c.e);
        }
      }else if( STARTS(&c, "Error while sending alert") ) ev->kind = MT_EV_ALERT;
      return;
    case 'R':
      if( STARTS(&c, "RPC ") ){
        const char *r = FIND(c.p, c.e, "RCID ");
        ev->kind = MT_EV_RPC;
        if( r ){
          cur t = { r+5, c.e };
          const char *m;
          if( eat_num(&t, &v) && (m = FIND(t.p, c.e, "MID "))!=0 && m[-1]==' ' ){
            t.p = m+4;
            if( eat_num(&t, &v) ) ev->mid = v;
          }
        }
      }else if( STARTS(&c, "Received an invalid DNS Response") ) ev->kind = MT_EV_DNS;
      return;
    case 'P':
      if( EAT(&c, "Possible Delivery:") ){
        ev->kind = MT_EV_POSSIBLE_DELIVERY;
        eat_spaces(&c);
        dcid_mid_rids(ev, &c, EAT(&c, "DCID"));
      }
      return;
    case 'A':
      if( STARTS(&c, "A ") && FIND(c.p, c.e, " alert was sent to ") ) ev->kind = MT_EV_ALERT;
      else if( EAT(&c, "Alias match: ") ){ ev->kind = MT_EV_MID_LDAP; mid_anywhere(ev, c.p, c.e); if( ev->mid<0 ) ev->kind = MT_EV_SYSTEM; }
      return;
    case 'G':
      if( STARTS(&c, "Global unsubscribe matched entry") ){
        const char *m = FIND(c.p, c.e, "MID: ");
        ev->kind = MT_EV_MID_UNSUBSCRIBE;
        if( m ){
          cur t = { m+5, c.e };
          if( eat_num(&t, &v) ) ev->mid = v;
          if( EAT(&t, " RID: ") && eat_num(&t, &v) ){ ev->rid = v; ev->nrid = 1; }
        }
      }else if( STARTS(&c, "GRAYMAIL:") ) ev->kind = MT_EV_SYSTEM;
      return;
    case 'Q':
      if( STARTS(&c, "Quarantine: ") ) ev->kind = MT_EV_SYSTEM;
      return;
    case 'U':
      if( STARTS(&c, "URL_REP_CLIENT:") || STARTS(&c, "URL category definitions") ) ev->kind = MT_EV_SYSTEM;
      return;
    case 'Y':
      if( STARTS(&c, "Your \"") ) ev->kind = MT_EV_SYSTEM;
      return;
    case 'g':
      if( STARTS(&c, "graymail [CONFIG]") ) ev->kind = MT_EV_SYSTEM;
      return;
    case 'l':
      if( STARTS(&c, "lame DNS") ) ev->kind = MT_EV_DNS;
      return;
  }
}

const char *mt_event_overflow(const mt_event *ev){
  if( ev->icid==MT_ID_MAX ) return "ICID";
  if( ev->mid==MT_ID_MAX || ev->mid2==MT_ID_MAX ) return "MID";
  if( ev->dcid==MT_ID_MAX ) return "DCID";
  if( ev->rid==MT_ID_MAX ) return "RID";
  return 0;
}

/* ------------------------------------------------------- what a line fills */

static int span_eq(const mt_event *ev, int f, const char *z, size_t n){
  return mt_has(ev, f) && (size_t)ev->f[f].n==n && memcmp(ev->f[f].p, z, n)==0;
}
#define SPAN_IS(ev, f, lit) span_eq(ev, f, lit, sizeof(lit)-1)

unsigned mt_event_fills(const mt_event *ev){
  switch( ev->kind ){
    case MT_EV_MID_SUBJECT: return 1u << MT_FILL_SUBJECT;
    case MT_EV_MID_MESSAGE_ID: return 1u << MT_FILL_MESSAGE_ID;
    case MT_EV_MID_RESPONSE: return 1u << MT_FILL_RESPONSE;
    case MT_EV_DCID_DONE:
      return (mt_has(ev, MT_F_VALUE) && ev->f[MT_F_VALUE].n>0 && ev->f[MT_F_VALUE].p[0]=='[')
             ? 1u << MT_FILL_HEADERS : 0;
    case MT_EV_ICID_TLS: case MT_EV_ICID_TLS_FAILED: case MT_EV_ICID_TLS_REQUIRED:
    case MT_EV_DCID_TLS: case MT_EV_DCID_TLS_FAILED: case MT_EV_DCID_TLS_REQUIRED:
      return 1u << MT_FILL_TLS;
    case MT_EV_MID_SPAM: case MT_EV_MID_SPAM_INTERIM: {
      const char *p; int n;
      if( SPAN_IS(ev, MT_F_ENGINE, "SLBL") || SPAN_IS(ev, MT_F_ENGINE, "SPF Verdict Cache") ) return 0;
      if( !mt_has(ev, MT_F_VERDICT) ) return 0;
      p = ev->f[MT_F_VERDICT].p; n = ev->f[MT_F_VERDICT].n;
      if( n>=5 && memcmp(p, "spam ", 5)==0 ){ p += 5; n -= 5; }
      if( n<=0 || (n>=5 && memcmp(p, "using", 5)==0) ) return 0;    /* cached: no verdict */
      return 1u << MT_FILL_SPAM;
    }
    case MT_EV_MID_AV: case MT_EV_MID_AV_INTERIM:
      return mt_has(ev, MT_F_VERDICT) ? 1u << MT_FILL_VIRUS : 0;
    case MT_EV_MID_AMP: return mt_has(ev, MT_F_VERDICT) ? 1u << MT_FILL_AMP : 0;
    case MT_EV_MID_OUTBREAK: return mt_has(ev, MT_F_VERDICT) ? 1u << MT_FILL_OUTBREAK : 0;
    case MT_EV_MID_SPF: return mt_has(ev, MT_F_VERDICT) ? 1u << MT_FILL_SPF : 0;
    case MT_EV_MID_DKIM:
      return (mt_has(ev, MT_F_VERDICT) && !SPAN_IS(ev, MT_F_VERDICT, "cannot") && !SPAN_IS(ev, MT_F_VERDICT, "signing"))
             ? 1u << MT_FILL_DKIM : 0;
    case MT_EV_MID_DMARC:
      return (mt_has(ev, MT_F_VERDICT) || SPAN_IS(ev, MT_F_POLICY, "passed") || SPAN_IS(ev, MT_F_POLICY, "failed"))
             ? 1u << MT_FILL_DMARC : 0;
  }
  return 0;
}
