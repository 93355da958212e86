/* SPDX-License-Identifier: MIT */
/*
** events.c — the body grammar of AsyncOS mail logs (format.md §4–§5).
**
** Layout: small cursor helpers; the dispatch tables' machinery (a rule:
** leading words → kind, field or reading function); then per family (ICID
** lines, MID lines, DCID lines, bounces, ...) one small function per shape,
** each after its example line and section, and the family's table; last
** mt_event_parse() with the table of a body's first words (format.md §10.1).
** Every helper takes the end pointer and checks it: the parser never reads
** past the body, whatever the bytes (tests/fuzz/fuzz_line.c).
*/
#include "events.h"

#include <pthread.h>
#include <stdatomic.h>
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
#if defined(__GNUC__)
__attribute__((always_inline))       /* the hottest helper: every id */
#endif
static inline int eat_num(cur *c, int64_t *v){
  int64_t x = 0;
  const char *s = c->p;
  while( c->p < c->e && is_digit(*c->p) ){
    int d = *c->p - '0';
    if( x < (MT_ID_MAX - 9)/10 ) x = x*10 + d;                    /* cannot overflow */
    else x = (x > (MT_ID_MAX - d)/10) ? MT_ID_MAX : x*10 + d;
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

/* An id at c, if there is one, into *id (else *id stays as it was: -1, absent). */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void eat_id(cur *c, int64_t *id){
  int64_t v;
  if( eat_num(c, &v) ) *id = v;
}

/* The id right after the first lit in the rest of c, if any, into *id; c does not move. */
static void id_after(const cur *c, const char *lit, size_t n, int64_t *id){
  const char *m = find(c->p, c->e, lit, n);
  if( m ){ cur t = { m+n, c->e }; eat_id(&t, id); }
}
#define ID_AFTER(c, lit, id) id_after(c, lit, sizeof(lit)-1, id)

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

/* ------------------------------------------------------- dispatch tables */

/* A body is read by the table of its family (format.md §10.1): each rule
** names the leading words of a shape, the section that describes it, and
** what it makes.  The first rule whose words start the text wins; rules
** sharing a first letter are tried in table order, so a key that starts
** with another key comes before it ("to RID " before "to ", "SMTP server
** connection killed ICID:" before "SMTP server").
**
** A rule's words are then skipped (AFTER; SPACES skips the blanks after
** them too) or kept as the start of the rest (KEEP), the kind is set (0:
** the rule's function decides), and the rule's function reads the shape,
** or, without one, the field f takes the rest of the line (-1: none). */
enum { KEEP, AFTER, SPACES };
typedef struct rule {
  uint64_t head, mask;            /* the first 8 bytes of kw as a word, and which of them count */
  const char *kw;                 /* leading words, case-sensitive */
  unsigned char n;                /* their length */
  unsigned char how;              /* KEEP, AFTER or SPACES */
  short kind;                     /* MT_EV_*, or 0 */
  signed char f;                  /* MT_F_* for the rest of the line, or -1 */
  void (*fn)(mt_event*, cur*);    /* the shape's reading, or NULL */
} rule;

/* Byte i of a literal placed where memcpy() puts byte i of a word (0 past
** the literal's end), and its mask: the head of a rule is built by the
** compiler. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__==__ORDER_BIG_ENDIAN__
# define KW_SHIFT(i) (8*(7-(i)))
#else
# define KW_SHIFT(i) (8*(i))
#endif
#define KW_IN(kw, i) (sizeof(kw) > (i)+1)
#define KW_BYTE(kw, i) ((KW_IN(kw, i) ? (uint64_t)(unsigned char)(kw)[(i) < sizeof(kw) ? (i) : 0] : 0u) << KW_SHIFT(i))
#define KW_MASK(kw, i) ((KW_IN(kw, i) ? (uint64_t)0xff : 0u) << KW_SHIFT(i))
#define KW_HEAD(kw) (KW_BYTE(kw,0) | KW_BYTE(kw,1) | KW_BYTE(kw,2) | KW_BYTE(kw,3) \
                   | KW_BYTE(kw,4) | KW_BYTE(kw,5) | KW_BYTE(kw,6) | KW_BYTE(kw,7))
#define KW_HMASK(kw) (KW_MASK(kw,0) | KW_MASK(kw,1) | KW_MASK(kw,2) | KW_MASK(kw,3) \
                    | KW_MASK(kw,4) | KW_MASK(kw,5) | KW_MASK(kw,6) | KW_MASK(kw,7))
#define RULE(kw, how, kind, f, fn) { KW_HEAD(kw), KW_HMASK(kw), kw, sizeof(kw)-1, how, kind, f, fn }

/* A table and its index by first byte (made once, by index_tables(), on the
** first mt_event_parse): the rules starting with byte b are copied, still
** in table order, to by[at[b] .. at[b+1]), and only those are tried. */
typedef struct rules {
  const rule *r;                  /* the table as written */
  rule *by;                       /* the same rules, grouped by first byte */
  unsigned char n;
  unsigned char at[257];
} rules;
#define RULES(name, table) \
  static rule name##_by[sizeof(table)/sizeof(table[0])]; \
  static rules name = { table, name##_by, sizeof(table)/sizeof(table[0]), {0} }; \
  _Static_assert(sizeof(table)/sizeof(table[0]) < 256, #table " too long")

static void index_rules(rules *t){
  int b, i, k = 0;
  for(b=0; b<256; b++){
    t->at[b] = (unsigned char)k;
    for(i=0; i<t->n; i++) if( (unsigned char)t->r[i].kw[0]==b ) t->by[k++] = t->r[i];
  }
  t->at[256] = (unsigned char)k;
}

/* Apply the first rule of t that matches at c; 0 when none does.  The
** first 8 bytes are compared as one word, the rest (keys longer than 8
** bytes) by memcmp. */
#if defined(__GNUC__)
__attribute__((always_inline))       /* 4 call sites, each with its own table */
#endif
static inline int dispatch(const rules *t, mt_event *ev, cur *c){
  size_t avail = (size_t)(c->e - c->p);
  uint64_t h = 0;
  const rule *r, *end;
  unsigned char b;
  if( avail==0 ) return 0;
  b = (unsigned char)c->p[0];
  if( avail >= 8 ) memcpy(&h, c->p, 8);
  else memcpy(&h, c->p, avail);
  for(r = t->by + t->at[b], end = t->by + t->at[b+1]; r < end; r++){
    if( (h & r->mask)!=r->head || avail < r->n ) continue;
    if( r->n > 8 && memcmp(c->p + 8, r->kw + 8, r->n - 8)!=0 ) continue;
    if( r->how!=KEEP ) c->p += r->n;
    if( r->how==SPACES ) eat_spaces(c);
    if( r->kind ) ev->kind = r->kind;
    if( r->fn ) r->fn(ev, c);
    else if( r->f>=0 ) set_rest(ev, r->f, c);
    return 1;
  }
  return 0;
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

/* The rules of "ICID <n> <words>" (format.md §5.1), each after its example;
** the cursor is past "ICID <n> " (past the rule's words for AFTER and
** SPACES rules). */

/* §5.1.7 `ICID 493771866 MID 340448731 Invalid recipient address:  'RCPT TO:<>'` (ICID before MID) */
static void icid_mid(mt_event *ev, cur *c){
  eat_id(c, &ev->mid);
  if( EAT(c, " Invalid recipient address:") ){
    ev->kind = MT_EV_MID_INVALID_RCPT;
    eat_spaces(c);
    set_rest(ev, MT_F_REASON, c);
  }
}

/* §5.1.5 `ICID 60140302 TLS success protocol TLSv1 cipher AES128-SHA`, `ICID 4 TLS failed: [Errno 54] …` */
static void icid_tls(mt_event *ev, cur *c){
  parse_tls(ev, c, MT_EV_ICID_TLS, MT_EV_ICID_TLS_FAILED, MT_EV_ICID_TLS_REQUIRED);
}

/* §5.1.6 `ICID 3 disconnected address 10.1.1.101, no messages injected within timeout period` */
static void icid_disconnected(mt_event *ev, cur *c){
  const char *comma = memchr(c->p, ',', (size_t)(c->e - c->p));
  if( comma ){
    set(ev, MT_F_REMOTE_IP, c->p, comma);
    c->p = comma+1; eat_spaces(c);
  }
  set_rest(ev, MT_F_REASON, c);
}

/* §5.1.6 `ICID 30308138 Connection from 216.39.115.138 on interface PublicNet (202.123.2.25)
** lost after 139 seconds (DNS query took 139 seconds), before any commands were received` */
static void icid_lost_no_cmd(mt_event *ev, cur *c){
  const char *lost;
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
}

/* §5.1.7 `ICID 4 Address: <foo@barf.com> sender rejected, envelope sender domain does not exist` */
static void icid_address(mt_event *ev, cur *c){
  const char *sp = c->p;
  while( sp < c->e && *sp!=' ' ) sp++;
  set(ev, MT_F_ADDR, c->p, sp);
  c->p = sp; eat_spaces(c);
  ev->kind = STARTS(c, "sender rejected") ? MT_EV_ICID_SENDER_REJECTED
           : STARTS(c, "sender allowed") ? MT_EV_ICID_SENDER_ALLOWED : MT_EV_NONE;
  set_rest(ev, MT_F_REASON, c);
}

/* "ICID <n> <words>", in the order of format.md §5.1; the HAT decision
** "<ACTION> SG …" (§5.1.3) is what none of them matches. */
static const rule icid_rules[] = {
  RULE("MID ",               AFTER,  0,                             -1, icid_mid),
  /* §5.1.2 `ICID 282204970 SBRS None` */
  RULE("SBRS ",              AFTER,  MT_EV_ICID_SBRS,               MT_F_SBRS, 0),
  /* §5.1.4 `ICID 824107 Delayed HAT REJECT continuing session for recipient logging (10.8.236.135)` */
  RULE("Delayed HAT REJECT", KEEP,   MT_EV_ICID_DELAYED_REJECT,     MT_F_REASON, 0),
  RULE("TLS ",               KEEP,   0,                             -1, icid_tls),
  /* §5.1.6 `ICID 60140291 close`, `ICID 824107 lost` */
  RULE("close",              AFTER,  MT_EV_ICID_CLOSE,              -1, 0),
  RULE("lost",               AFTER,  MT_EV_ICID_LOST,               -1, 0),
  /* §5.1.6 `ICID 440090 Receiving Failed: Message size exceeds limit`, `ICID 11723972 Injection Failed: Message loop` */
  RULE("Receiving Failed:",  SPACES, MT_EV_ICID_RECEIVING_FAILED,   MT_F_REASON, 0),
  RULE("Injection Failed:",  SPACES, MT_EV_ICID_INJECTION_FAILED,   MT_F_REASON, 0),
  RULE("disconnected address ", AFTER, MT_EV_ICID_DISCONNECTED,     -1, icid_disconnected),
  RULE("Connection from ",   AFTER,  MT_EV_ICID_LOST_NO_CMD,        -1, icid_lost_no_cmd),
  /* §5.1.6 `ICID <icid> Unknown command: <cmd>`, `ICID <icid> Bad syntax for command: <cmd>` */
  RULE("Unknown command:",   KEEP,   MT_EV_ICID_BAD_COMMAND,        MT_F_REASON, 0),
  RULE("Bad syntax",         KEEP,   MT_EV_ICID_BAD_COMMAND,        MT_F_REASON, 0),
  RULE("Address: ",          AFTER,  0,                             -1, icid_address),
  /* §5.1.7 `ICID 493829828 Invalid sender address: Unsupported domain literal: '[]'` */
  RULE("Invalid sender address:", SPACES, MT_EV_ICID_INVALID_SENDER, MT_F_REASON, 0),
};
RULES(icid_table, icid_rules);

static void parse_icid(mt_event *ev, cur *c){
  const char *q = c->p, *sg;
  if( dispatch(&icid_table, ev, c) ) return;
  /* §5.1.3 `ICID 60140291 REJECT SG BLACKLIST match sbrs[-10.0:-2.5] SBRS -9.5`:
  ** "<ACTION> SG <group> …", ACTION upper-case letters. */
  while( q < c->e && *q>='A' && *q<='Z' ) q++;
  if( q > c->p && (sg = FIND(q, q+4 <= c->e ? q+4 : c->e, " SG "))==q ) parse_hat(ev, c, sg);
}

/* ------------------------------------------------------------ MID m ... */

/* The rules of "MID <m> <words>" (format.md §5.2–§5.5, §5.7.4), each after
** its example; the cursor is past "MID <m> " (past the rule's words for
** AFTER and SPACES rules). */

/* "<mid2> by <agent>[ filter '<name>']": the tail of rewritten and
** generated lines (§5.4). */
static void link_tail(mt_event *ev, cur *c){
  eat_id(c, &ev->mid2);
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

/* §5.2.3 `MID 204841507 ICID 146047847 RID 0 To: <redacted@whatever.awsapps.com>` */
static void mid_icid_rid(mt_event *ev, cur *c){
  int64_t v;
  if( eat_num(c, &v) ){ ev->rid = v; ev->nrid = 1; }
  if( EAT(c, " To:") ){
    eat_spaces(c);
    ev->kind = MT_EV_MID_RCPT;
    set_rest(ev, MT_F_ADDR, c);
  }
}

/* §5.2.4 `MID 1 ICID 2 To: <postmaster@corestaff.com> Rejected by RAT` */
static void mid_icid_to(mt_event *ev, cur *c){
  const char *e = c->e, *rej = FIND(c->p, e, " Rejected by ");
  if( !rej ) rej = FIND(c->p, e, " rejected");
  if( rej ){ set(ev, MT_F_ADDR, c->p, rej); c->p = rej+1; }
  else{ const char *sp = c->p; while( sp<e && *sp!=' ' ) sp++; set(ev, MT_F_ADDR, c->p, sp); c->p = sp; eat_spaces(c); }
  set_rest(ev, MT_F_REASON, c);
}

/* §5.2.4 `MID 26603 ICID 125192 invalid bounce, rcpt address <scott@ncironport.net> rejected by bounce verification.` */
static void mid_icid_invalid_bounce(mt_event *ev, cur *c){
  const char *lt = memchr(c->p, '<', (size_t)(c->e - c->p));
  const char *gt = lt ? memchr(lt, '>', (size_t)(c->e - lt)) : 0;
  if( lt && gt ) set(ev, MT_F_ADDR, lt, gt+1);
  set_rest(ev, MT_F_REASON, c);
}

/* "MID <m> ICID <n> <words>" (§5.2.2–§5.2.4; §5.1.9 `MID 14 ICID 14 TLS read 126 bytes`). */
static const rule mid_icid_rules[] = {
  /* §5.2.2 `MID 6 ICID 5 From: <example.com>` */
  RULE("From:",          SPACES, MT_EV_MID_FROM,           MT_F_ADDR, 0),
  RULE("RID ",           AFTER,  0,                        -1, mid_icid_rid),
  RULE("To:",            SPACES, MT_EV_MID_RCPT_REJECTED,  -1, mid_icid_to),
  RULE("invalid bounce", KEEP,   MT_EV_MID_INVALID_BOUNCE, -1, mid_icid_invalid_bounce),
  RULE("TLS ",           KEEP,   MT_EV_MID_OTHER,          -1, 0),
};
RULES(mid_icid_table, mid_icid_rules);
static void mid_icid(mt_event *ev, cur *c){
  eat_id(c, &ev->icid);
  if( EAT(c, " ") ) dispatch(&mid_icid_table, ev, c);
}

/* §5.2.6 `MID 1653 Subject 'Package delivery notification''` (quotes may be unbalanced) */
static void mid_subject(mt_event *ev, cur *c){
  if( c->p < c->e && *c->p==' ' ) c->p++;
  set(ev, MT_F_VALUE, c->p, c->e);         /* keep trailing spaces of a bare subject */
}

/* §5.2.7 `MID 2 ready 88 bytes from <blah@ironport.com>` */
static void mid_ready(mt_event *ev, cur *c){
  const char *s = c->p;
  int64_t v;
  if( eat_num(c, &v) ) set(ev, MT_F_SIZE, s, c->p);
  if( EAT(c, " bytes from") ){ eat_spaces(c); set_rest(ev, MT_F_ADDR, c); }
}

/* §5.2.9 `MID <mid> matched all recipients for per-recipient policy <name> in the <inbound|outbound> table` */
static void mid_policy(mt_event *ev, cur *c){
  const char *in = RFIND(c->p, c->e, " in the ");
  set(ev, MT_F_POLICY, c->p, in ? in : rtrim(c->p, c->e));
  if( in ){ cur t = { in+8, c->e }; set_token(ev, MT_F_VALUE, &t); table_suffix(ev, c->p, c->e); }
}

/* §5.2.10 `MID <mid> IncomingRelay(<name>): Header Received found, ip <ip> being used` */
static void mid_relay(mt_event *ev, cur *c){
  const char *e = c->e, *ip = FIND(c->p, e, "ip ");
  if( !ip ) ip = FIND(c->p, e, "IP ");
  if( ip ){ cur t = { ip+3, e }; const char *s = t.p; while( t.p<e && *t.p!=' ' && *t.p!=',' ) t.p++; set(ev, MT_F_REMOTE_IP, s, t.p); }
  set_rest(ev, MT_F_REASON, c);
}

/* §5.2.11 `MID <mid> to RID [<rids>] pending till <asctime>` (also "to [..]") */
static void mid_pending(mt_event *ev, cur *c){
  eat_rids(ev, c);
  if( STARTS(c, " pending till") ){ ev->kind = MT_EV_MID_PENDING; c->p += 14; set_rest(ev, MT_F_REASON, c); }
}

/* §5.2.11 `MID <mid> Global unsubscribe matched entry …` */
static void mid_unsubscribe(mt_event *ev, cur *c){
  const char *r = FIND(c->p, c->e, " RID ");
  int64_t v;
  if( r ){ cur t = { r+5, c->e }; if( eat_num(&t, &v) ){ ev->rid = v; ev->nrid = 1; } }
  set_rest(ev, MT_F_REASON, c);
}

/* §5.2.2 (old, no ICID) `MID 4422 From: <me@ironport.com> To: <ironPort@tomki.com>, ... 1 total recipients` */
static void mid_from_old(mt_event *ev, cur *c){
  const char *to = FIND(c->p, c->e, " To: ");
  eat_spaces(c);
  set(ev, MT_F_ADDR, c->p, to ? to : rtrim(c->p, c->e));
}

/* §5.3.1 `MID 24611417 using engine: CASE spam negative`; `… using engine: GRAYMAIL bulk_mail` */
static void mid_spam(mt_event *ev, cur *c){
  engine_verdict(ev, c);
  ev->kind = (mt_has(ev, MT_F_ENGINE) && ev->f[MT_F_ENGINE].n==8
              && memcmp(ev->f[MT_F_ENGINE].p, "GRAYMAIL", 8)==0)
           ? MT_EV_MID_GRAYMAIL : MT_EV_MID_SPAM;
}

/* §5.3.1 (before 4.5) `MID <mid> Brightmail positive` */
static void mid_brightmail(mt_event *ev, cur *c){
  set(ev, MT_F_ENGINE, c->p - 11, c->p - 1);
  set_rest(ev, MT_F_VERDICT, c);
}

/* §5.3.1 `MID <mid> was too big (<size>/<limit>) for scanning by Outbreak Filters` */
static void mid_too_big(mt_event *ev, cur *c){
  const char *e = c->e, *by = FIND(c->p, e, "for scanning by "), *s;
  cur t = *c;
  if( by ) set(ev, MT_F_ENGINE, by+16, rtrim(by+16, e));
  /* " (362262/262144)": the size and the engine's limit */
  eat_spaces(&t);
  if( t.p < e && *t.p=='(' && (s = memchr(t.p, ')', (size_t)(e - t.p)))!=0 ) set(ev, MT_F_SIZE, t.p+1, s);
  set_rest(ev, MT_F_REASON, c);
}

/* §5.3.2 `MID 24611421 interim AV verdict using Sophos CLEAN` */
static void mid_av_interim(mt_event *ev, cur *c){
  set_token(ev, MT_F_ENGINE, c);
  eat_spaces(c);
  set_rest(ev, MT_F_VERDICT, c);
}

/* §5.3.2 `MID 142314 antivirus positive 'CXmail/RTF-D', 'CXmail/RTF-H', 'Troj/DocDrop-TJ' ` */
static void mid_av(mt_event *ev, cur *c){
  set_token(ev, MT_F_VERDICT, c);
  eat_spaces(c);
  if( c->p < rtrim(c->p, c->e) ) set_rest(ev, MT_F_NAMES, c);
}

/* §5.3.3 `MID 68119155 AMP file reputation verdict : SKIPPED (no attachment in message)` */
static void mid_amp(mt_event *ev, cur *c){
  eat_spaces(c); EAT(c, ":"); eat_spaces(c);
  set_token(ev, MT_F_VERDICT, c);
  eat_spaces(c);
  if( c->p < c->e ) paren_reason(ev, c);
}

/* §5.3.3 `MID <mid> SHA <sha256> filename <raw name> queued for possible file analysis upload` */
static void mid_file_upload(mt_event *ev, cur *c){
  const char *e = c->e, *fn = FIND(c->p, e, " filename ");
  const char *q = RFIND(c->p, e, " queued for possible file analysis upload");
  set(ev, MT_F_VERDICT, c->p, fn ? fn : rtrim(c->p, e));
  set(ev, MT_F_SHA256, c->p, fn ? fn : rtrim(c->p, e));
  if( fn ) set(ev, MT_F_VALUE, fn+10, q ? q : rtrim(fn+10, e));
}

/* §5.3.4 `MID <mid> Outbreak Filters: verdict <negative|positive>` */
static void mid_outbreak(mt_event *ev, cur *c){
  set_token(ev, MT_F_VERDICT, c);
  eat_spaces(c);
  if( c->p < c->e ) set_rest(ev, MT_F_REASON, c);
}

/* §5.3.5 `MID 1960958 was dropped by content filter 'dontsend' in the inbound table` */
static void mid_filter_action(mt_event *ev, cur *c){
  set(ev, MT_F_ACTION, c->p - 11, c->p - 4);       /* "dropped"/"bounced" */
  if( EAT(c, "content filter ") || EAT(c, "policy ") || EAT(c, "filter ") ) filter_name(ev, c->p, c->e);
}

/* §5.3.6 `MID 111 DLP violation. Severity: LOW (Risk Factor: 15). DLP policy match: 'PCI-DSS (…)'.` */
static void mid_dlp(mt_event *ev, cur *c){
  const char *e = c->e, *sev = FIND(c->p, e, "Severity: "), *pm = FIND(c->p, e, "DLP policy match: ");
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
}

/* §5.3.7 `MID 68119155 SPF: mailfrom identity no-reply@redactedMailFrom.com Pass (v=spf1)` */
static void mid_spf(mt_event *ev, cur *c){
  const char *e = c->e, *id = FIND(c->p, e, " identity ");
  if( !id ){ set_rest(ev, MT_F_REASON, c); return; }
  {
    cur t = { id+10, e };
    set(ev, MT_F_POLICY, c->p, id);       /* identity kind: mailfrom/helo/pra */
    set_token(ev, MT_F_ADDR, &t);
    eat_spaces(&t);
    set_token(ev, MT_F_VERDICT, &t);
    eat_spaces(&t);
    if( t.p < e ) set_rest(ev, MT_F_REASON, &t);
  }
}

/* §5.3.7 `MID 68119155 DKIM: pass signature verified (d=… s=… i=…)`, and the DomainKeys lines */
static void mid_dkim(mt_event *ev, cur *c){
  cur t = *c;
  set_token(ev, MT_F_VERDICT, &t);
  set_rest(ev, MT_F_REASON, c);
}

/* §5.3.7 `MID <mid> DMARC: Message from domain <d>, DMARC pass (SPF aligned True, DKIM aligned True)`;
** `MID <mid> DMARC: Verification passed` */
static void mid_dmarc(mt_event *ev, cur *c){
  const char *d = FIND(c->p, c->e, " DMARC ");
  if( d ){
    cur t = { d+7, c->e };
    set_token(ev, MT_F_VERDICT, &t);
    if( STARTS(c, "Message from domain ") ){
      const char *de = (d > c->p+20 && d[-1]==',') ? d-1 : d;
      set(ev, MT_F_DOMAIN, c->p+20, de);
    }
  }else if( STARTS(c, "Verification ") ){
    cur t = { c->p+13, c->e };
    set_token(ev, MT_F_POLICY, &t);        /* "passed", "failed": normalised by the tables */
  }
  set_rest(ev, MT_F_REASON, c);
}

/* §5.3.8 `MID 204841507 URL http://www.example.com/data-information has reputation 3.0 matched Condition: URL Reputation Rule`;
** `MID <mid> URL <url>  matched category <Category> Condition: <rule>` */
static void mid_url(mt_event *ev, cur *c){
  const char *e = c->e, *rep = RFIND(c->p, e, " has reputation ");
  const char *cat = rep ? 0 : RFIND(c->p, e, " matched category ");
  if( rep ){
    cur t = { rep+16, e }, u = t;
    set(ev, MT_F_VALUE, c->p, rtrim(c->p, rep));
    set_token(ev, MT_F_SCORE, &u);
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
}

/* §5.3.9 `MID 26983 SDR: Consolidated Sender Threat Level: Neutral, Threat Category: N/A, …` (2022+);
** "Consolidated Sender Reputation: <L>, Threat Category: <C>. …" (about 2019) */
static void mid_sdr(mt_event *ev, cur *c){
  const char *e = c->e, *lv = FIND(c->p, e, "Consolidated Sender Threat Level: ");
  const char *rp = lv ? 0 : FIND(c->p, e, "Consolidated Sender Reputation: ");
  eat_spaces(c);
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
}

/* §5.4 `MID 24611507 was split creating MID 24611529 due to a SL/BL configuration …` */
static void mid_split(mt_event *ev, cur *c){
  const char *due;
  eat_id(c, &ev->mid2);
  due = FIND(c->p, c->e, "due to ");
  if( due ) set(ev, MT_F_REASON, due+7, rtrim(due+7, c->e));
}

/* §5.4 `MID 386736 rewritten to MID 386737 by add-footer filter 'Footer Stamping'` (before 4.5 `rewritten to 3 by antispam`) */
static void mid_rewritten(mt_event *ev, cur *c){
  EAT(c, "MID ");
  link_tail(ev, c);
}

/* §5.4 `MID 515 was generated for bounce of MID 511` */
static void mid_bounce_of(mt_event *ev, cur *c){
  eat_id(c, &ev->mid2);
}

/* §5.4 `MID <new> received from the SMA <ip> (MID originally <old>) on release …` */
static void mid_from_sma(mt_event *ev, cur *c){
  ID_AFTER(c, "MID originally ", &ev->mid2);
  set_rest(ev, MT_F_REASON, c);
}

/* §5.5 `MID 423370831 quarantined to "Outbreak" (VOF rule:.pif file in zip)`, and the
** centralized quarantine `MID 142314 enqueued for transfer to centralized quarantine "Virus" (a/v verdict VIRAL)` */
static void mid_quarantined(mt_event *ev, cur *c){
  if( eat_dquoted(ev, MT_F_QNAME, c) ){ paren_reason(ev, c); reason_filter(ev); }
}

/* §5.5 `MID 18313985 quarantine "Outbreak" new reason (VOF rule:OUTBREAK_0000231)` */
static void mid_quarantine_reason(mt_event *ev, cur *c){
  eat_dquoted(ev, MT_F_QNAME, c);
  EAT(c, " new reason");
  paren_reason(ev, c);
  reason_filter(ev);
}

/* §5.5 `MID 9735 released (attachments stripped) from quarantine "Outbreak" (queue full) t=190`;
** `MID 134 deleted from quarantine "Policy" (expired)` */
static void mid_from_quarantine(mt_event *ev, cur *c){
  const char *q = FIND(c->p, c->e, "quarantine \"");
  if( q ){ cur t = { q+11, c->e }; eat_dquoted(ev, MT_F_QNAME, &t); paren_reason(ev, &t); }
}

/* §5.7.4 `MID 24611465 RID [0] Response '2.0.0 Ok: queued as 3jjSKc6HnKz4GTHJ'` */
static void mid_response(mt_event *ev, cur *c){
  eat_spaces(c);
  eat_rids(ev, c);
  if( EAT(c, " Response") ){
    eat_spaces(c);
    ev->kind = MT_EV_MID_RESPONSE;
    set_rest(ev, MT_F_RESPONSE, c);
  }
}

/* "MID <m> <words>", in the order of format.md §5.2–§5.5 and §5.7.4. */
static const rule mid_rules[] = {
  /* §5.2.2–§5.2.4 "MID <m> ICID <n> …" */
  RULE("ICID ",            AFTER,  0,                      -1, mid_icid),
  /* §5.2.2, old: "MID <m> From: <a> To: <b>, …" */
  RULE("From:",            AFTER,  MT_EV_MID_FROM,         -1, mid_from_old),
  /* §5.2.5 `MID 71897 Message-ID '<322n7l$266p@stable.mfg>'` */
  RULE("Message-ID",       SPACES, MT_EV_MID_MESSAGE_ID,   MT_F_VALUE, 0),
  RULE("Subject",          AFTER,  MT_EV_MID_SUBJECT,      -1, mid_subject),
  RULE("ready ",           AFTER,  MT_EV_MID_READY,        -1, mid_ready),
  /* §5.2.8 `MID 24611417 attachment 'CFO_INV_1400691819.pdf'` */
  RULE("attachment ",      AFTER,  MT_EV_MID_ATTACHMENT,   MT_F_VALUE, 0),
  RULE("matched all recipients for per-recipient policy ", AFTER, MT_EV_MID_POLICY, -1, mid_policy),
  RULE("IncomingRelay(",   AFTER,  MT_EV_MID_RELAY,        -1, mid_relay),
  RULE("Global unsubscribe", KEEP, MT_EV_MID_UNSUBSCRIBE,  -1, mid_unsubscribe),
  /* §5.2.11 `MID <mid> Could not convert character set: <n>`; "CASE sent …" */
  RULE("Could not convert", KEEP,  MT_EV_MID_OTHER,        MT_F_REASON, 0),
  RULE("CASE sent",        KEEP,   MT_EV_MID_OTHER,        MT_F_REASON, 0),
  RULE("to RID ",          AFTER,  0,                      -1, mid_pending),
  RULE("to ",              AFTER,  0,                      -1, mid_pending),
  /* §5.3.1–§5.3.3 scanning verdicts */
  RULE("using engine: ",   AFTER,  0,                      -1, mid_spam),
  RULE("interim verdict using engine: ", AFTER, MT_EV_MID_SPAM_INTERIM, -1, engine_verdict),
  RULE("Brightmail ",      AFTER,  MT_EV_MID_SPAM,         -1, mid_brightmail),
  RULE("was too big",      AFTER,  MT_EV_MID_TOO_BIG,      -1, mid_too_big),
  RULE("interim AV verdict using ", AFTER, MT_EV_MID_AV_INTERIM, -1, mid_av_interim),
  RULE("antivirus ",       AFTER,  MT_EV_MID_AV,           -1, mid_av),
  RULE("AMP file reputation verdict", AFTER, MT_EV_MID_AMP, -1, mid_amp),
  RULE("SHA ",             AFTER,  MT_EV_MID_FILE_UPLOAD,  -1, mid_file_upload),
  /* §5.3.4 `MID <mid> Outbreak Filters: verdict negative`, `MID <mid> Threat Level=<n> Category=<c> Type=<t>`,
  ** `MID 9731 Virus Threat Level=3` */
  RULE("Outbreak Filters: verdict ", AFTER, MT_EV_MID_OUTBREAK, -1, mid_outbreak),
  RULE("Threat Level=",    KEEP,   MT_EV_MID_THREAT_LEVEL, MT_F_VERDICT, 0),
  RULE("Virus Threat Level", KEEP, MT_EV_MID_THREAT_LEVEL, MT_F_VERDICT, 0),
  /* §5.3.5 `MID 141251 Custom Log Entry: CVE-2023-23397: Found CLSID in OLE or TNEF.` */
  RULE("Custom Log Entry:", SPACES, MT_EV_MID_CUSTOM_LOG,  MT_F_VALUE, 0),
  RULE("was dropped by ",  AFTER,  MT_EV_MID_FILTER_ACTION, -1, mid_filter_action),
  RULE("was bounced by ",  AFTER,  MT_EV_MID_FILTER_ACTION, -1, mid_filter_action),
  /* §5.3.5 `MID 36 was marked unscannable due to extraction failures. Reason: Error in extraction process.` */
  RULE("was marked unscannable", SPACES, MT_EV_MID_UNSCANNABLE, MT_F_REASON, 0),
  /* §5.3.5 `MID 192034 not completely scanned by SDS. Error: The number of URLs …` */
  RULE("not completely scanned", KEEP, MT_EV_MID_UNSCANNABLE, MT_F_REASON, 0),
  RULE("DLP violation",    AFTER,  MT_EV_MID_DLP,          -1, mid_dlp),
  RULE("SPF: ",            AFTER,  MT_EV_MID_SPF,          -1, mid_spf),
  RULE("DKIM: ",           AFTER,  MT_EV_MID_DKIM,         -1, mid_dkim),
  RULE("DomainKeys: ",     AFTER,  MT_EV_MID_DOMAINKEYS,   -1, mid_dkim),
  RULE("DMARC: ",          AFTER,  MT_EV_MID_DMARC,        -1, mid_dmarc),
  RULE("URL ",             AFTER,  MT_EV_MID_URL,          -1, mid_url),
  /* §5.3.8 `MID <mid> Threat feeds source '<feed>' detected malicious domain: '<d>' in: Friendly From` */
  RULE("Threat feeds source", KEEP, MT_EV_MID_THREAT_FEED, MT_F_REASON, 0),
  RULE("SDR:",             AFTER,  MT_EV_MID_SDR,          -1, mid_sdr),
  /* §5.4 splits, rewrites, generated messages */
  RULE("was split creating MID ", AFTER, MT_EV_MID_SPLIT,  -1, mid_split),
  /* §5.4 `MID <mid> could not be split` */
  RULE("could not be split", KEEP, MT_EV_MID_SPLIT_FAILED, -1, 0),
  RULE("rewritten to ",    AFTER,  MT_EV_MID_REWRITTEN,    -1, mid_rewritten),
  /* §5.4 `MID 24611495 was generated based on MID 24611421 by bcc filter 'FireEye_BCC'` (older without "was") */
  RULE("was generated based on MID ", AFTER, MT_EV_MID_GENERATED, -1, link_tail),
  RULE("was generated for bounce of MID ", AFTER, MT_EV_MID_BOUNCE_OF, -1, mid_bounce_of),
  RULE("generated based on MID ", AFTER, MT_EV_MID_GENERATED, -1, link_tail),
  RULE("generated for bounce of MID ", AFTER, MT_EV_MID_BOUNCE_OF, -1, mid_bounce_of),
  RULE("received from the SMA", KEEP, MT_EV_MID_REINJECTED, -1, mid_from_sma),
  /* §5.5 quarantines */
  RULE("quarantined to ",  AFTER,  MT_EV_MID_QUARANTINED,  -1, mid_quarantined),
  RULE("quarantine ",      AFTER,  MT_EV_MID_QUARANTINE_REASON, -1, mid_quarantine_reason),
  RULE("released",         AFTER,  MT_EV_MID_RELEASED,     -1, mid_from_quarantine),
  RULE("deleted from ",    AFTER,  MT_EV_MID_QDELETED,     -1, mid_from_quarantine),
  RULE("enqueued for transfer to centralized quarantine ", AFTER, MT_EV_MID_CQUARANTINE, -1, mid_quarantined),
  /* §5.6.1 `MID 24611465 queued for delivery` */
  RULE("queued for delivery", KEEP, MT_EV_MID_QUEUED,      -1, 0),
  /* §5.8 `MID <mid> masquerading envelope sender from '<a>' to '<b>'` */
  RULE("masquerading",     KEEP,   MT_EV_MID_MASQUERADE,   MT_F_REASON, 0),
  RULE("RID ",             AFTER,  0,                      -1, mid_response),
};
RULES(mid_table, mid_rules);

/* After "MID <m>": `MID 36: scanning error (…)`, `MID 36, Message Scanning
** Problem: …` (§5.3.5), else " <words>" by the table above. */
static void parse_mid(mt_event *ev, cur *c){
  if( c->p >= c->e ) return;
  if( *c->p==':' || *c->p==',' ){
    c->p++;
    eat_spaces(c);
    ev->kind = (FIND(c->p, c->e, "scanning error") || FIND(c->p, c->e, "Scanning Problem"))
             ? MT_EV_MID_SCAN_ERROR : MT_EV_MID_OTHER;
    set_rest(ev, MT_F_REASON, c);
    return;
  }
  if( EAT(c, " ") ) dispatch(&mid_table, ev, c);
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
    eat_id(c, &ev->dcid);
  }
  eat_spaces(c);
  if( EAT(c, "MID ") && eat_num(c, &v) ) ev->mid = v;
  eat_spaces(c);
  if( EAT(c, "to RID ") || EAT(c, "to ") ){ eat_spaces(c); eat_rids(ev, c); }
}

/* The ids of a bounce: "DCID[:] <d> MID <m>" (or "Message <m>", 3.x), or the
** bounce log's "<mid>:<rid>" (§8.1). */
static void bounce_ids(mt_event *ev, cur *c){
  int64_t v;
  eat_spaces(c);
  if( EAT(c, "DCID") ){
    EAT(c, ":"); eat_spaces(c);
    eat_id(c, &ev->dcid);
    eat_spaces(c);
    if( EAT(c, "MID ") || EAT(c, "Message ") ){
      eat_id(c, &ev->mid);
    }
  }else if( is_digit(c->p < c->e ? *c->p : 0) ){
    eat_id(c, &ev->mid);
    if( EAT(c, ":") && eat_num(c, &v) ){ ev->rid = v; ev->nrid = 1; }
  }
  eat_spaces(c);
}

/* 8.x+: "From: <addr> To: <addr> " before "RID <rid>" → MT_F_ADDR, MT_F_ADDR2. */
static void bounce_addrs(mt_event *ev, cur *c){
  const char *e = c->e, *to = FIND(c->p, e, " To:");
  eat_spaces(c);
  if( to ){
    const char *r, *sp;
    set(ev, MT_F_ADDR, c->p, to);
    c->p = to + 4; eat_spaces(c);
    r = FIND(c->p, e, " RID ");
    sp = r ? r : c->p;
    if( !r ){ while( sp<e && *sp!=' ' ) sp++; }
    set(ev, MT_F_ADDR2, c->p, sp);
    c->p = sp;
  }
  eat_spaces(c);
}

/* " - <dsn> - <reason> ('<code>', [<reply lines>])[ []]" → MT_F_DSN, MT_F_REASON,
** MT_F_SMTP_CODE, MT_F_RESPONSE (the reply lines, without the list's brackets). */
static void bounce_tail(mt_event *ev, cur *c){
  const char *e = c->e, *dash = FIND(c->p, e, " - "), *tup;
  if( !dash ) return;
  c->p = dash + 3;
  dash = FIND(c->p, e, " - ");
  if( dash ){
    set(ev, MT_F_DSN, c->p, dash);
    c->p = dash + 3;
  }
  /* the response tuple: " ('550', [...])" */
  for(tup = c->p; (tup = FIND(tup, e, " ('"))!=0; tup++){
    if( tup + 7 <= e && is_digit(tup[3]) && is_digit(tup[4]) && is_digit(tup[5]) && tup[6]=='\'' ) break;
  }
  if( tup ){
    const char *end = rtrim(tup, e), *lb = tup + 7;
    set(ev, MT_F_REASON, c->p, tup);
    set(ev, MT_F_SMTP_CODE, tup+3, tup+6);
    if( end - tup > 10 && end[-1]==']' && end[-2]=='[' && end[-3]==' ' ) end = rtrim(tup, end-3); /* " []" */
    while( lb < end && (*lb==',' || *lb==' ') ) lb++;
    if( lb < end && *lb=='[' && end > lb+1 && end[-1]==')' && end[-2]==']' ) set(ev, MT_F_RESPONSE, lb+1, end-2);
    else set(ev, MT_F_RESPONSE, lb, end);
  }else{
    set_rest(ev, MT_F_REASON, c);
  }
}

/* Bounced: / Delayed: in their three historical shapes (format.md §5.7.6),
** and the bounce-log form "Bounced: mid:rid From:<a> To:<b>" (§8):
**   `Bounced: DCID: 1911 Message 3993 to 0 - 5.1.0 - Unknown address error ('554', ['Too long line.']) []` (3.x)
**   `Bounced: DCID 0 MID 8 to RID 0 - 5.1.2 - Bad destination host ('000', ['DNS Hard Error …'])` (3.8+)
**   `Delayed: DCID 8414309 MID 19410908 From: <a> To: <b> RID 0 - 4.3.2 - Not accepting messages at this time ('421', ['4.3.2 try again later'])` (8.x+) */
static void parse_bounce(mt_event *ev, cur *c){
  int64_t v;
  bounce_ids(ev, c);
  if( EAT(c, "From:") ) bounce_addrs(ev, c);
  if( EAT(c, "to RID ") || EAT(c, "RID ") || EAT(c, "to ") ){
    if( eat_num(c, &v) ){ ev->rid = v; ev->nrid = 1; }
  }
  bounce_tail(ev, c);
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
  const char *e = c->e, *addr, *rdns, *ver;
  ev->kind = MT_EV_ICID_NEW;
  eat_id(c, &ev->icid);
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
  ev->kind = MT_EV_DCID_NEW;
  eat_id(c, &ev->dcid);
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

/* The rules of a body's first words (format.md §10.1), each after its
** example; the cursor is at the body's start for KEEP rules, past the
** rule's words (and blanks, for SPACES) for the others. */

/* §5.1 `ICID 60140291 <words>` */
static void body_icid(mt_event *ev, cur *c){
  int64_t v;
  if( !eat_num(c, &v) ) return;
  ev->icid = v;
  if( EAT(c, " ") ) parse_icid(ev, c);
}

/* §5.1.6 `SMTP server connection killed ICID: 629531` */
static void body_icid_killed(mt_event *ev, cur *c){
  eat_id(c, &ev->icid);
}

/* §5.1.8 `SMTP Auth: (ICID 30) succeeded for user: cisco using AUTH mechanism: LOGIN with profile: ldap_smpt` */
static void body_auth(mt_event *ev, cur *c){
  ID_AFTER(c, "(ICID ", &ev->icid);
  set_rest(ev, MT_F_REASON, c);
}

/* §5.2.1 `Start MID 24611465 ICID 60140120`, `Start MID 9 ICID 0 (ISQ Notification)` */
static void body_start_mid(mt_event *ev, cur *c){
  int64_t v;
  eat_id(c, &ev->mid);
  if( EAT(c, " ICID ") && eat_num(c, &v) ) ev->icid = v;
  eat_spaces(c);
  if( c->p < c->e ) paren_reason(ev, c);
}

/* §5.2–§5.5 `MID 24611417 <words>` */
static void body_mid(mt_event *ev, cur *c){
  int64_t v;
  if( !eat_num(c, &v) ) return;
  ev->mid = v;
  parse_mid(ev, c);
}

/* §5.7.7 `Mail delivery client with DCID <dcid> exited due to the maximum concurrency configuration.` */
static void body_dcid_killed(mt_event *ev, cur *c){
  eat_id(c, &ev->dcid);
  ev->kind = MT_EV_DCID_KILLED;
  eat_spaces(c);
  set_rest(ev, MT_F_REASON, c);
}

/* §5.2.11 `Message 548799 to RID [712290] pending till Mon Aug 10 09:56:56 2020` */
static void body_message_n(mt_event *ev, cur *c){
  int64_t v;
  if( !eat_num(c, &v) ){
    /* as the else-if chain this replaces read it: on without the number */
    if( STARTS(c, "Mail delivery client with DCID ") ){ c->p += 31; body_dcid_killed(ev, c); }
    return;
  }
  ev->mid = v;
  if( EAT(c, " to RID ") || EAT(c, " to ") ) mid_pending(ev, c);
}

/* §5.6.2 `Message finished MID 24611465 done`; §5.6.3 `Message aborted MID 24611411 Dropped by CASE` */
static void body_mid_end(mt_event *ev, cur *c){
  eat_id(c, &ev->mid);
  eat_spaces(c);
  set_rest(ev, ev->kind==MT_EV_MID_FINISHED ? MT_F_VERDICT : MT_F_REASON, c);
}

/* §5.7.3 `Message done DCID 6565548 MID 24611465 to RID [0] `, with logged headers or
** `(external quarantine)` after the RIDs */
static void body_message_done(mt_event *ev, cur *c){
  dcid_mid_rids(ev, c, EAT(c, "DCID"));
  eat_spaces(c);
  if( c->p < rtrim(c->p, c->e) ) set_rest(ev, MT_F_VALUE, c);
}

/* §5.7.2 `Delivery start DCID 6565548 MID 24611465 to RID [0]`, and
** `… to RID [0] to offbox IronPort Spam Quarantine` (§5.5) */
static void body_delivery_start(mt_event *ev, cur *c){
  dcid_mid_rids(ev, c, EAT(c, "DCID"));
  eat_spaces(c);
  if( EAT(c, "to offbox ") || EAT(c, "to local ") ) set_rest(ev, MT_F_QNAME, c);
}

/* §5.7.6 `Possible Delivery: DCID: <dcid> MID <mid> to [<rids>]` */
static void body_possible_delivery(mt_event *ev, cur *c){ dcid_mid_rids(ev, c, EAT(c, "DCID")); }

/* §5.7.6 `Double bounce: MID <mid> to <rid> - <dsn> - <reason>` */
static void body_double_bounce(mt_event *ev, cur *c){
  int64_t v;
  if( (EAT(c, "MID ") || EAT(c, "Message ")) && eat_num(c, &v) ) ev->mid = v;
  if( EAT(c, " to ") && eat_num(c, &v) ){ ev->rid = v; ev->nrid = 1; }
  set_rest(ev, MT_F_REASON, c);
}

/* §5.7.6 `Deleted: MID <mid> to [<rids>]` */
static void body_deleted(mt_event *ev, cur *c){
  eat_id(c, &ev->mid);
  if( EAT(c, " to ") ) eat_rids(ev, c);
}

/* §5.7.7 `SMTP client connection killed DCID: <dcid>` */
static void body_dcid_client_killed(mt_event *ev, cur *c){
  eat_id(c, &ev->dcid);
}

/* §5.3.5 `Debug: MID: 80 Message filter Name: OneNoteHunter time: 0.000493288040161` */
static void body_filter_timing(mt_event *ev, cur *c){
  eat_id(c, &ev->mid);
  eat_spaces(c);
  if( EAT(c, "Message filter Name: ") ){
    const char *t = FIND(c->p, c->e, " time: ");
    set(ev, MT_F_FILTER, c->p, t ? t : rtrim(c->p, c->e));
    if( t ){ c->p = t + 7; set_rest(ev, MT_F_VALUE, c); }
  }
}

/* §5.5 `ISQ: Tagging MID 24611424 for quarantine`, `Start delivery of MID 4433 over RPC connection 0` */
static void body_mid_anywhere(mt_event *ev, cur *c){ mid_anywhere(ev, c->p, c->e); }

/* §5.8 `LDAP: Drop query HutchLDAP.ldapaccept MID 349817 RID 1 address dlzb@hutchcity.com`;
** `Alias match: MID <mid> RID <rid> recipient <a> mapped to <b>`; without a MID a system line */
static void body_ldap(mt_event *ev, cur *c){
  mid_anywhere(ev, c->p, c->e);
  if( ev->mid<0 ) ev->kind = MT_EV_SYSTEM;
}

/* §5.4 `EUQ: Reinjected MID 4433 as MID 4449` (mid = the new message, mid2 = the one
** it came from, as for "received from the SMA … (MID originally n)");
** §5.5 `EUQ: Quarantined MID 4433` */
static void body_euq(mt_event *ev, cur *c){
  int64_t v;
  if( EAT(c, "Reinjected MID ") ){
    ev->kind = MT_EV_MID_REINJECTED;
    eat_id(c, &ev->mid2);
    if( EAT(c, " as MID ") && eat_num(c, &v) ) ev->mid = v;
  }else{
    ev->kind = MT_EV_MID_ISQ;
    mid_anywhere(ev, c->p, c->e);
  }
}

/* §5.5 `RPC Delivery start RCID 4051 MID 14077 to local IronPort Spam Quarantine` */
static void body_rpc(mt_event *ev, cur *c){
  const char *r = FIND(c->p, c->e, "RCID "), *m;
  int64_t v;
  if( r ){
    cur t = { r+5, c->e };
    if( eat_num(&t, &v) && (m = FIND(t.p, c->e, "MID "))!=0 && m[-1]==' ' ){
      t.p = m+4;
      if( eat_num(&t, &v) ) ev->mid = v;
    }
  }
}

/* §5.2.11 `Global unsubscribe matched entry <e> MID: <mid> RID: <rid> Address: <a>` */
static void body_unsubscribe(mt_event *ev, cur *c){
  const char *m = FIND(c->p, c->e, "MID: ");
  int64_t v;
  if( m ){
    cur t = { m+5, c->e };
    if( eat_num(&t, &v) ) ev->mid = v;
    if( EAT(&t, " RID: ") && eat_num(&t, &v) ){ ev->rid = v; ev->nrid = 1; }
  }
}

/* §4 `Version: 7.6.3-019 SN: 420D4FEA709365BFB3E3-0AF2EE5E700E` */
static void body_version(mt_event *ev, cur *c){
  const char *sn = FIND(c->p, c->e, " SN: ");
  set(ev, MT_F_VALUE, c->p, sn ? sn : rtrim(c->p, c->e));
  if( sn ) set(ev, MT_F_REASON, sn+5, rtrim(sn+5, c->e));
}

/* §4 `Time offset from UTC: -21600 seconds` */
static void body_tz(mt_event *ev, cur *c){
  const char *s = c->p;
  if( c->p < c->e && (*c->p=='-' || *c->p=='+') ) c->p++;
  while( c->p < c->e && is_digit(*c->p) ) c->p++;
  set(ev, MT_F_VALUE, s, c->p);
}

/* §5.9 `A Anti-Virus/Critical alert was sent to ironportalerts@interpublic.com with subject "…"`
** (a MID in the subject is not the line's) */
static void body_alert(mt_event *ev, cur *c){
  if( FIND(c->p, c->e, " alert was sent to ") ) ev->kind = MT_EV_ALERT;
}

/* A body's first words → its rule, in the order of format.md §10.1. */
static const rule body_rules[] = {
  /* §4 header lines: `Begin Logfile`, `Logfile rolled over`, `End Logfile`, `System is coming up.` */
  RULE("Begin Logfile",         KEEP,   MT_EV_LOG_BEGIN,        -1, 0),
  RULE("Version: ",             AFTER,  MT_EV_LOG_VERSION,      -1, body_version),
  RULE("Time offset from UTC: ", AFTER, MT_EV_LOG_TZ,           -1, body_tz),
  RULE("Logfile rolled over",   KEEP,   MT_EV_LOG_ROLLED,       -1, 0),
  RULE("End Logfile",           KEEP,   MT_EV_LOG_END,          -1, 0),
  RULE("System is coming up",   KEEP,   MT_EV_SYSTEM_UP,        -1, 0),
  /* §5.1.1 `New SMTP ICID 60140291 interface Data 1 (68.232.141.109) address 176.227.203.114 reverse dns host … verified no`;
  ** §5.7.1 `New SMTP DCID 6565555 interface 68.232.141.109 address 144.191.128.186 port 25`; §5.1 `ICID <n> <words>` */
  RULE("New SMTP ICID ",        AFTER,  0,                      -1, parse_new_icid),
  RULE("New smtp ICID ",        AFTER,  0,                      -1, parse_new_icid),
  RULE("New SMTP DCID ",        AFTER,  0,                      -1, parse_new_dcid),
  RULE("ICID ",                 AFTER,  0,                      -1, body_icid),
  /* §5.2–§5.6 messages */
  RULE("Start MID ",            AFTER,  MT_EV_MID_START,        -1, body_start_mid),
  RULE("MID ",                  AFTER,  0,                      -1, body_mid),
  RULE("Message done",          SPACES, MT_EV_DCID_DONE,        -1, body_message_done),
  RULE("Message finished MID ", AFTER,  MT_EV_MID_FINISHED,     -1, body_mid_end),
  RULE("Message aborted MID ",  AFTER,  MT_EV_MID_ABORTED,      -1, body_mid_end),
  RULE("Message ",              AFTER,  0,                      -1, body_message_n),
  /* §5.7 deliveries: `DCID 112095 TLS success protocol TLSv1 cipher AES128-SHA for dummy_domain.com` (§5.7.5);
  ** `Bounced: DCID 0 MID 8 to RID 0 - 5.1.2 - Bad destination host ('000', […])`, `Delayed: …` likewise,
  ** and the bounce log's `Bounced: 8:0 From:<a> To:<b>` (§5.7.6, §8.1);
  ** `Connection Error: DCID 63 domain: domainsample2.com IP: 10.13.101.31 port: 25 details: [Errno 0] Error interface: 10.10.192.50 reason: network error` (§5.7.7) */
  RULE("Delivery start",        SPACES, MT_EV_DCID_START,       -1, body_delivery_start),
  RULE("DCID ",                 AFTER,  0,                      -1, parse_dcid_line),
  RULE("Bounced:",              AFTER,  MT_EV_BOUNCED,          -1, parse_bounce),
  RULE("Delayed:",              AFTER,  MT_EV_DELAYED,          -1, parse_bounce),
  RULE("Double bounce:",        SPACES, MT_EV_DOUBLE_BOUNCE,    -1, body_double_bounce),
  RULE("Possible Delivery:",    SPACES, MT_EV_POSSIBLE_DELIVERY, -1, body_possible_delivery),
  RULE("Deleted: MID ",         AFTER,  MT_EV_RCPT_DELETED,     -1, body_deleted),
  RULE("Connection Error:",     SPACES, 0,                      -1, parse_conn_error),
  RULE("Mail delivery client with DCID ", AFTER, 0,            -1, body_dcid_killed),
  RULE("SMTP client connection killed DCID:", SPACES, MT_EV_DCID_KILLED, -1, body_dcid_client_killed),
  RULE("SMTP server connection killed ICID:", SPACES, MT_EV_ICID_KILLED, -1, body_icid_killed),
  /* §5.7.7 DNS and queue: `DNS Temporary Failure structure.com MX - ServFail`, `lame DNS referral: …`,
  ** `Received an invalid DNS Response: '' to IP … looking up …`,
  ** `Deliveries are currently suspended [5857.cerdamailers.com]`,
  ** `Scanning over-the-limit.com with 1 msgs for expiration candidates.`, `Done scanning inplaster.com,  1 msgs remain in queue.` */
  RULE("DNS ",                  KEEP,   MT_EV_DNS,              -1, 0),
  RULE("lame DNS",              KEEP,   MT_EV_DNS,              -1, 0),
  RULE("Received an invalid DNS Response", KEEP, MT_EV_DNS,     -1, 0),
  RULE("Deliveries are currently suspended", KEEP, MT_EV_QUEUE, -1, 0),
  RULE("Scanning ",             KEEP,   MT_EV_QUEUE,            -1, 0),
  RULE("Done scanning",         KEEP,   MT_EV_QUEUE,            -1, 0),
  /* §5.5 quarantines */
  RULE("ISQ: ",                 AFTER,  MT_EV_MID_ISQ,          -1, body_mid_anywhere),
  RULE("EUQ: ",                 AFTER,  0,                      -1, body_euq),
  RULE("RPC ",                  KEEP,   MT_EV_RPC,              -1, body_rpc),
  RULE("Start delivery of MID ", KEEP,  MT_EV_RPC,              -1, body_mid_anywhere),
  RULE("Delivery of MID ",      KEEP,   MT_EV_RPC,              -1, body_mid_anywhere),
  /* §5.5 `Quarantine: Failed to connect to quarantine` */
  RULE("Quarantine: ",          KEEP,   MT_EV_SYSTEM,           -1, 0),
  /* §5.8 LDAP and aliases, §5.2.11 unsubscribe */
  RULE("LDAP",                  KEEP,   MT_EV_MID_LDAP,         -1, body_ldap),
  RULE("Alias match: ",         AFTER,  MT_EV_MID_LDAP,         -1, body_ldap),
  RULE("Global unsubscribe matched entry", KEEP, MT_EV_MID_UNSUBSCRIBE, -1, body_unsubscribe),
  RULE("SMTP Auth",             AFTER,  MT_EV_ICID_AUTH,        -1, body_auth),
  RULE("Debug: MID: ",          AFTER,  MT_EV_MID_FILTER_TIMING, -1, body_filter_timing),
  /* §5.9 system lines: `Internal SMTP giving up on message to example.com with subject '…': …`,
  ** `Your "IronPort Email Encryption" key will expire in under 60 day(s).`,
  ** `URL category definitions have changed.`, `CASE cache status: hits = …`,
  ** `SenderBase upload: 734 hosts totaling 201887 bytes`, `Status: CPULd 3 … CrtMID 414695 …`
  ** (CrtMID is a counter, not an id), `Checkpoint Finished`, `SMTP server starting` */
  RULE("A ",                    KEEP,   0,                      -1, body_alert),
  RULE("Error while sending alert", KEEP, MT_EV_ALERT,          -1, 0),
  RULE("Internal SMTP",         KEEP,   MT_EV_INTERNAL_SMTP,    -1, 0),
  RULE("Your \"",               KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("URL_REP_CLIENT:",       KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("URL category definitions", KEEP, MT_EV_SYSTEM,          -1, 0),
  RULE("graymail [CONFIG]",     KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("CASE cache status",     KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("SenderBase upload",     KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("Status: ",              KEEP,   MT_EV_STATUS,           -1, 0),
  RULE("Checkpoint",            KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("SMTP server",           KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("SLBL: ",                KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("GRAYMAIL:",             KEEP,   MT_EV_SYSTEM,           -1, 0),
  RULE("Incoming ",             KEEP,   MT_EV_SYSTEM,           -1, 0),
};
RULES(body_table, body_rules);

static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
static atomic_int tables_ready;
static void index_tables(void){
  index_rules(&body_table);
  index_rules(&icid_table);
  index_rules(&mid_table);
  index_rules(&mid_icid_table);
  atomic_store_explicit(&tables_ready, 1, memory_order_release);
}

void mt_event_parse(const char *body, size_t n, mt_event *ev){
  cur c;
  int64_t v;
  if( !atomic_load_explicit(&tables_ready, memory_order_acquire) ) pthread_once(&tables_once, index_tables);
  ev->kind = MT_EV_NONE;
  ev->icid = ev->mid = ev->dcid = ev->rid = ev->mid2 = -1;
  ev->nrid = 0;
  ev->have = 0;
  c.p = body; c.e = body + n;
  if( n < 3 ) return;
  if( is_digit(body[0]) ){
    /* §7 the injection debug log: `<icid> Sent: <repr>`, `<icid> Rcvd: <repr>` */
    if( eat_num(&c, &v) ){
      int k = EAT(&c, " Sent: ") ? MT_EV_SMTP_SENT : EAT(&c, " Rcvd: ") ? MT_EV_SMTP_RCVD : 0;
      if( k ){ ev->kind = k; ev->icid = v; set(ev, MT_F_VALUE, c.p, c.e); }
    }
    return;
  }
  dispatch(&body_table, ev, &c);
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
