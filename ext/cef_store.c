/*
** cef_store.c — the Consolidated Event Log as a source of the entity store
** (cef_store.h; docs/otherlogs.md).
**
**   SELECT mid, source, status, disagreement FROM mailtrace_messages('/var/log/esa/');
**   SELECT mid, rcpt_to, status, source FROM mailtrace_recipients WHERE source = 'cef';
**
** Two steps, both called from entities.c:
**   mt_cef_store_add  while the store is built: the last CEF line of each
**                     (host, MID) is kept (a copy of its body);
**   mt_cef_merge      from mt_store_finish: before the links and status
**                     rules, a message (and its recipients) for each kept
**                     line whose MID mail_logs does not have; after them,
**                     the join: a CEF-only message takes its status from
**                     `act`, a mail_logs message keeps its own facts, gets
**                     what it lacks, and every difference is written out.
** No SQLite types here.
*/
#include "cef_store.h"
#include "cef.h"
#include "lines.h"
#include "wraps.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct cef_rec {
  int host;
  int64_t mid;
  char *body; size_t n;     /* the line's body (a copy) */
  mt_where at;              /* the line */
  mt_when when;             /* its time */
  int lines;                /* lines of this (host, MID) */
} cef_rec;

struct mt_cef_set {
  cef_rec *a; int n, cap;
  struct cef_slot { int64_t mid; int32_t host; int32_t v; } *slots;   /* v: index + 1, 0 empty */
  uint64_t scap;
};

void mt_cef_set_free(mt_cef_set *set){
  int i;
  if( !set ) return;
  for(i=0; i<set->n; i++) free(set->a[i].body);
  free(set->a);
  free(set->slots);
  free(set);
}

const char *mt_origin_name(int origin){
  switch( origin ){
    case MT_ORIGIN_CEF: return "cef";
    case MT_ORIGIN_BOTH: return "mail_logs+cef";
  }
  return "mail_logs";
}

/* ------------------------------------------------------------ the map */

MT_WRAPS static uint64_t slot_hash(int32_t host, int64_t mid){
  uint64_t h = (uint64_t)mid * 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uint32_t)host * 0xff51afd7ed558ccdULL;
  return h ^ (h >> 29);
}

static int slot_find(const mt_cef_set *set, int32_t host, int64_t mid){
  uint64_t i;
  if( !set->scap ) return -1;
  for(i = slot_hash(host, mid) & (set->scap-1); set->slots[i].v; i = (i+1) & (set->scap-1)){
    if( set->slots[i].mid==mid && set->slots[i].host==host ) return set->slots[i].v - 1;
  }
  return -1;
}

static void slot_put(mt_cef_set *set, int32_t host, int64_t mid, int v){
  uint64_t i;
  for(i = slot_hash(host, mid) & (set->scap-1); set->slots[i].v; i = (i+1) & (set->scap-1)){}
  set->slots[i].mid = mid; set->slots[i].host = host; set->slots[i].v = v + 1;
}

static int slots_grow(mt_cef_set *set){
  uint64_t nc = set->scap ? set->scap*2 : 64, i;
  struct cef_slot *old = set->slots;
  uint64_t oc = set->scap;
  set->slots = calloc((size_t)nc, sizeof(*set->slots));
  if( !set->slots ){ set->slots = old; return -1; }
  set->scap = nc;
  for(i=0; i<oc; i++) if( old[i].v ) slot_put(set, old[i].host, old[i].mid, old[i].v - 1);
  free(old);
  return 0;
}

/* ------------------------------------------------------------ values */

/* A number key ("ESAMID=1053"), -1 when absent or not a number. */
static int64_t cef_num(const mt_cef *cf, const char *key){
  mt_span v;
  int64_t x = 0;
  int i;
  if( !mt_cef_get(cf, key, &v) ) return -1;
  v = mt_cef_unquote(v);
  if( v.n<=0 ) return -1;
  for(i=0; i<v.n; i++){
    int d = v.p[i] - '0';
    if( d<0 || d>9 ) return i ? x : -1;
    if( x > (MT_ID_MAX - d)/10 ) return -1;
    x = x*10 + d;
  }
  return x;
}

/* The value of `key`, unquoted and without trailing spaces; p NULL when absent or empty. */
static mt_span cef_val(const mt_cef *cf, const char *key){
  mt_span v = { 0, 0 };
  if( !mt_cef_get(cf, key, &v) ) return (mt_span){ 0, 0 };
  v = mt_cef_unquote(v);
  while( v.n>0 && v.p[v.n-1]==' ' ) v.n--;
  if( v.n<=0 ) return (mt_span){ 0, 0 };
  return v;
}

/* The value of the csN whose csNLabel is `label` (custom strings: the
** numbers drift across releases, the labels say what they hold). */
static mt_span cef_labelled(const mt_cef *cf, const char *label){
  int k;
  size_t ln = strlen(label);
  for(k=0; k<cf->nkv; k++){
    const mt_span *key = &cf->key[k];
    mt_span v = mt_cef_unquote(cf->val[k]);
    if( key->n>5 && memcmp(key->p + key->n - 5, "Label", 5)==0 && v.n==(int)ln && memcmp(v.p, label, ln)==0 ){
      char name[32];
      if( key->n - 5 >= (int)sizeof(name) ) continue;
      memcpy(name, key->p, (size_t)(key->n - 5));
      name[key->n - 5] = 0;
      return cef_val(cf, name);
    }
  }
  return (mt_span){ 0, 0 };
}

static const char *keep(mt_store *st, mt_span v){
  return v.p ? st->ops->str(st, v.p, (size_t)v.n) : 0;
}

/* A verdict word in lower case, as mail_logs writes it ("NEGATIVE" →
** "negative"); NULL for NOT_EVALUATED (the engine did not run: mail_logs
** has no line then either). */
static const char *verdict_lower(mt_store *st, const mt_cef *cf, const char *key){
  mt_span v = cef_val(cf, key);
  char buf[64];
  int i;
  if( !v.p || v.n>=(int)sizeof(buf) ) return keep(st, v);
  if( v.n==13 && strncasecmp(v.p, "NOT_EVALUATED", 13)==0 ) return 0;
  for(i=0; i<v.n; i++) buf[i] = (char)((v.p[i]>='A' && v.p[i]<='Z') ? v.p[i] + 32 : v.p[i]);
  return st->ops->str(st, buf, (size_t)v.n);
}

/* The AMP verdict as logged (mail_logs keeps its capitals), NULL for NOT_EVALUATED. */
static const char *verdict_as_is(mt_store *st, const mt_cef *cf, const char *key){
  mt_span v = cef_val(cf, key);
  if( v.p && v.n==13 && strncasecmp(v.p, "NOT_EVALUATED", 13)==0 ) return 0;
  return keep(st, v);
}

int mt_cef_act_status(const char *act, size_t n){
  static const struct { const char *w; int s; } map[] = {
    { "DELIVERED", MT_MS_DELIVERED }, { "QUARANTINED", MT_MS_QUARANTINED },
    { "DROPPED", MT_MS_DROPPED }, { "BOUNCED", MT_MS_BOUNCED }, { "ABORTED", MT_MS_ABORTED },
  };
  size_t i;
  if( !act ) return 0;
  for(i=0; i<sizeof(map)/sizeof(map[0]); i++){
    if( strlen(map[i].w)==n && strncasecmp(act, map[i].w, n)==0 ) return map[i].s;
  }
  return 0;
}

static int rcpt_status_of(int ms){
  switch( ms ){
    case MT_MS_DELIVERED: return MT_RS_DELIVERED;
    case MT_MS_QUARANTINED: return MT_RS_QUARANTINED;
    case MT_MS_DROPPED: return MT_RS_DROPPED;
    case MT_MS_BOUNCED: return MT_RS_BOUNCED;
    case MT_MS_ABORTED: return MT_RS_ABORTED;
  }
  return MT_RS_NONE;
}

/* "Thu Mar 18 08:04:29 2021" → local seconds; 0 when it is not that shape. */
static int asctime_local(mt_span v, int64_t *out){
  char z[40];
  char wd[8], mon[8];
  int day, h, mi, s, y;
  if( !v.p || v.n>=(int)sizeof(z) ) return 0;
  memcpy(z, v.p, (size_t)v.n);
  z[v.n] = 0;
  if( sscanf(z, "%7s %7s %d %d:%d:%d %d", wd, mon, &day, &h, &mi, &s, &y)!=7 ) return 0;
  if( strlen(mon)!=3 || !mt_month_from_name(mon) || day<1 || day>31 || h<0 || h>23 || mi<0 || mi>59
      || s<0 || s>60 || y<1970 || y>9999 ) return 0;
  *out = mt_time_from_parts(y, mt_month_from_name(mon), day, h, mi, s);
  return 1;
}

/* The next address of duser's list ("a@x, b@y" or "a@x;b@y"); 0 at the end. */
static int next_addr(const char **pp, const char *e, mt_span *a){
  const char *p = *pp, *q;
  while( p<e && (*p==',' || *p==';' || *p==' ' || *p=='<') ) p++;
  if( p>=e ) return 0;
  for(q=p; q<e && *q!=',' && *q!=';' && *q!=' '; q++){}
  a->p = p; a->n = (int)(q - p);
  if( a->n>0 && a->p[a->n-1]=='>' ) a->n--;
  *pp = q;
  return 1;
}

static int in_duser(mt_span du, const char *addr){
  const char *p = du.p, *e = du.p + du.n;
  mt_span a;
  size_t n = strlen(addr);
  if( !du.p ) return 0;
  while( next_addr(&p, e, &a) ) if( (size_t)a.n==n && strncasecmp(a.p, addr, n)==0 ) return 1;
  return 0;
}

/* ---------------------------------------------------------- add a line */

int mt_cef_store_add(mt_store *st, const mt_scan *s, int host){
  mt_cef cf;
  mt_cef_set *set;
  cef_rec *r;
  int64_t mid;
  int i;
  char *body;
  if( !mt_cef_parse(s->ln.body, s->ln.body_len, &cf) ) return 0;
  if( (mid = cef_num(&cf, "ESAMID"))<0 ) return 0;
  if( !st->cef && !(st->cef = calloc(1, sizeof(mt_cef_set))) ) return -1;
  set = st->cef;
  if( !(body = malloc(s->ln.body_len ? s->ln.body_len : 1)) ) return -1;
  memcpy(body, s->ln.body, s->ln.body_len);
  i = slot_find(set, host, mid);
  if( i<0 ){
    if( set->n==set->cap ){
      int nc = set->cap ? set->cap*2 : 64;
      cef_rec *na = realloc(set->a, sizeof(cef_rec)*(size_t)nc);
      if( !na ){ free(body); return -1; }
      set->a = na; set->cap = nc;
    }
    if( (uint64_t)(set->n + 1)*2 > set->scap && slots_grow(set) ){ free(body); return -1; }
    i = set->n++;
    memset(&set->a[i], 0, sizeof(cef_rec));
    set->a[i].host = host; set->a[i].mid = mid;
    slot_put(set, host, mid, i);
  }
  r = &set->a[i];
  free(r->body);                 /* the last line of a MID wins */
  r->body = body; r->n = s->ln.body_len;
  r->at.file = s->ifile; r->at.lineno = s->lineno; r->at.off = s->offset;
  r->when.local = s->t_local;
  r->when.off = s->has_time ? (int32_t)(s->t_local - s->t_utc) : MT_NO_TIME;
  r->lines++;
  return 0;
}

/* ------------------------------------------------------------- merge */

/* Step 1 (before the links): a message and its recipients for each MID
** mail_logs does not have. */
static int make_messages(mt_store *st){
  mt_cef_set *set = st->cef;
  int i;
  for(i=0; i<set->n; i++){
    cef_rec *r = &set->a[i];
    mt_cef cf;
    mt_span du;
    const char *p, *e;
    mt_span a;
    int mi = st->ops->msg(st, r->host, r->mid);
    int64_t rid = 0;
    if( mi>=0 ) continue;                  /* mail_logs has it, or made already */
    if( !mt_cef_parse(r->body, r->n, &cf) ) continue;
    if( (mi = st->ops->new_msg(st, r->host, r->mid, cef_num(&cf, "ESAICID"), r->at, r->when))<0 ) return -1;
    st->msgs[mi].origin = MT_ORIGIN_CEF;
    du = cef_val(&cf, "duser");
    if( !du.p ) continue;
    p = du.p; e = du.p + du.n;
    while( next_addr(&p, e, &a) ){
      int ri = st->ops->new_rcpt(st, mi, rid++);   /* rid: CEF logs none; the table shows NULL */
      if( ri<0 ) return -1;
      st->rcpts[ri].rcpt_to = keep(st, a);
      st->rcpts[ri].origin = MT_ORIGIN_CEF;
      if( !st->rcpts[ri].rcpt_to ) return -1;
    }
  }
  return 0;
}

typedef struct say_buf { char z[1024]; size_t n; } say_buf;

static void say(say_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(say_buf *b, const char *fmt, ...){
  va_list ap;
  int k;
  if( b->n >= sizeof(b->z) - 1 ) return;
  if( b->n ){ b->z[b->n++] = ';'; b->z[b->n++] = ' '; b->z[b->n] = 0; }
  va_start(ap, fmt);
  k = vsnprintf(b->z + b->n, sizeof(b->z) - b->n, fmt, ap);
  va_end(ap);
  if( k>0 ) b->n += (size_t)k;
  if( b->n >= sizeof(b->z) ) b->n = sizeof(b->z) - 1;
}

/* One verdict both logs gave, compared without regard to case. */
static void cmp_verdict(say_buf *b, const char *what, const char *ml, const char *cef){
  if( ml && cef && strcasecmp(ml, cef)!=0 ) say(b, "%s: CEF says %s, mail_logs says %s", what, cef, ml);
}

/* Fill a NULL field from CEF. */
#define FILL(field, val) do{ if( !m->field ){ m->field = (val); } }while(0)

static int join_one(mt_store *st, const cef_rec *r){
  mt_cef cf;
  mt_msg *m;
  int mi = st->ops->msg(st, r->host, r->mid), ri;
  mt_span act, details, du, v;
  const char *spam, *virus, *amp, *gray, *outb, *sender;
  int act_status;
  say_buf b;
  if( mi<0 || !mt_cef_parse(r->body, r->n, &cf) ) return 0;
  act = cef_val(&cf, "act");
  details = cef_val(&cf, "ESAFinalActionDetails");
  du = cef_val(&cf, "duser");
  act_status = act.p ? mt_cef_act_status(act.p, (size_t)act.n) : 0;
  spam = verdict_lower(st, &cf, "ESAASVerdict");
  virus = verdict_lower(st, &cf, "ESAAVVerdict");
  amp = verdict_as_is(st, &cf, "ESAAMPVerdict");
  gray = verdict_lower(st, &cf, "ESAGMVerdict");
  outb = verdict_lower(st, &cf, "ESAOFVerdict");
  sender = keep(st, cef_val(&cf, "suser"));
  m = &st->msgs[mi];
  b.n = 0; b.z[0] = 0;

  if( m->origin!=MT_ORIGIN_CEF ){
    /* mail_logs first: compare, then fill only what it lacks */
    const char *ml = st->ops->msg_status(m->status);
    m->origin = MT_ORIGIN_BOTH;
    if( act.p && !(ml && (size_t)act.n==strlen(ml) && strncasecmp(act.p, ml, (size_t)act.n)==0) )
      say(&b, "CEF says %.*s, mail_logs says %s", act.n, act.p, ml ? ml : "nothing final");
    if( sender && m->mail_from && strcasecmp(sender, m->mail_from)!=0 )
      say(&b, "sender: CEF says %s, mail_logs says %s", sender, m->mail_from);
    if( du.p ){
      const char *p = du.p, *e = du.p + du.n;
      mt_span a;
      char only_cef[400] = "", only_ml[400] = "";
      size_t nc = 0, nm = 0;
      while( next_addr(&p, e, &a) ){
        for(ri=m->first_rcpt; ri>=0; ri=st->rcpts[ri].next){
          const char *to = st->rcpts[ri].rcpt_to;
          if( st->rcpts[ri].rid>=0 && to && strlen(to)==(size_t)a.n && strncasecmp(to, a.p, (size_t)a.n)==0 ) break;
        }
        if( ri<0 && nc < sizeof(only_cef) - 1 )
          nc += (size_t)snprintf(only_cef + nc, sizeof(only_cef) - nc, "%s%.*s", nc ? ", " : "", a.n, a.p);
        if( nc >= sizeof(only_cef) ) nc = sizeof(only_cef) - 1;
      }
      for(ri=m->first_rcpt; ri>=0; ri=st->rcpts[ri].next){
        mt_rcpt *x = &st->rcpts[ri];
        if( x->rid<0 || !x->rcpt_to ) continue;
        x->disagreement = 0;
        if( in_duser(du, x->rcpt_to) ){
          const char *rs = st->ops->rcpt_status(x->status);
          x->origin = MT_ORIGIN_BOTH;
          if( act_status && x->status!=MT_RS_SPLIT && !(rs && strcasecmp(st->ops->msg_status(act_status), rs)==0) ){
            char t[200];
            snprintf(t, sizeof(t), "CEF says %.*s, mail_logs says %s", act.n, act.p, rs ? rs : "nothing final");
            if( !(x->disagreement = st->ops->str(st, t, strlen(t))) ) return -1;
          }
        }else{
          if( nm < sizeof(only_ml) - 1 )
            nm += (size_t)snprintf(only_ml + nm, sizeof(only_ml) - nm, "%s%s", nm ? ", " : "", x->rcpt_to);
          if( nm >= sizeof(only_ml) ) nm = sizeof(only_ml) - 1;
          if( !(x->disagreement = st->ops->str(st, "not among CEF's recipients (duser)", 34)) ) return -1;
        }
      }
      if( nc || nm ) say(&b, "recipients: %s%s%s%s%s", nc ? "only in CEF " : "", only_cef,
                         nc && nm ? ", " : "", nm ? "only in mail_logs " : "", only_ml);
    }
    cmp_verdict(&b, "anti-spam", m->spam, spam);
    cmp_verdict(&b, "anti-virus", m->virus, virus);
    cmp_verdict(&b, "AMP", m->amp, amp);
    cmp_verdict(&b, "graymail", m->graymail, gray);
    cmp_verdict(&b, "outbreak filters", m->outbreak, outb);
    m->disagreement = b.n ? st->ops->str(st, b.z, b.n) : 0;
    if( b.n && !m->disagreement ) return -1;
  }else{
    /* CEF alone: its final action is the status; what it cannot say stays NULL */
    int64_t t;
    m->status = act_status;
    m->started_before_logs = 0;
    for(ri=m->first_rcpt; ri>=0; ri=st->rcpts[ri].next){
      st->rcpts[ri].status = rcpt_status_of(act_status);
      st->rcpts[ri].outcome = 0;
    }
    v = cef_val(&cf, "startTime");
    if( asctime_local(v, &t) ){ m->start.local = t; m->start.off = r->when.off; }
    v = cef_val(&cf, "endTime");
    if( asctime_local(v, &t) ){ m->end.local = t; m->end.off = r->when.off; }
    else m->end = r->when;
    /* the details say why for an outcome other than delivery ("To POLICY", "Dropped by amp") */
    if( details.p && act_status && act_status!=MT_MS_DELIVERED ) FILL(reason, keep(st, details));
    if( m->size<0 ) m->size = cef_num(&cf, "ESAMsgSize");
  }
  if( m->size<0 ) m->size = cef_num(&cf, "ESAMsgSize");
  FILL(mail_from, sender);
  FILL(subject, keep(st, cef_val(&cf, "msg")));
  FILL(message_id, keep(st, cef_labelled(&cf, "ExternalMsgID")));
  FILL(policy, keep(st, cef_labelled(&cf, "MailPolicy")));
  FILL(spam, spam);
  FILL(virus, virus);
  FILL(amp, amp);
  FILL(graymail, gray);
  FILL(outbreak, outb);
  FILL(dane_host, keep(st, cef_val(&cf, "ESADaneHost")));
  FILL(dane_status, keep(st, cef_val(&cf, "ESADaneStatus")));
  if( act.p ){
    char t[300];
    if( details.p ) snprintf(t, sizeof(t), "%.*s (%.*s)", act.n, act.p, details.n, details.p);
    else snprintf(t, sizeof(t), "%.*s", act.n, act.p);
    if( !(m->cef_action = st->ops->str(st, t, strlen(t))) ) return -1;
  }
  return st->oom ? -1 : 0;
}

int mt_cef_prepare(mt_store *st){
  return st->cef ? make_messages(st) : 0;
}

int mt_cef_merge(mt_store *st){
  int i;
  if( !st->cef ) return 0;
  for(i=0; i<st->cef->n; i++) if( join_one(st, &st->cef->a[i]) ) return -1;
  return 0;
}

/* ------------------------------------------------------------ coverage */

static int has_verdict(const mt_cef *cf, const char *key){
  mt_span v = cef_val(cf, key);
  return v.p && !(v.n==13 && strncasecmp(v.p, "NOT_EVALUATED", 13)==0);
}

unsigned mt_cef_fills(const char *body, size_t n){
  mt_cef cf;
  unsigned k = 0;
  if( !mt_cef_parse(body, n, &cf) || cef_num(&cf, "ESAMID")<0 ) return 0;
  if( cef_val(&cf, "msg").p ) k |= 1u<<MT_FILL_SUBJECT;
  if( cef_labelled(&cf, "ExternalMsgID").p ) k |= 1u<<MT_FILL_MESSAGE_ID;
  if( has_verdict(&cf, "ESAASVerdict") ) k |= 1u<<MT_FILL_SPAM;
  if( has_verdict(&cf, "ESAAVVerdict") ) k |= 1u<<MT_FILL_VIRUS;
  if( has_verdict(&cf, "ESAAMPVerdict") ) k |= 1u<<MT_FILL_AMP;
  if( has_verdict(&cf, "ESAOFVerdict") ) k |= 1u<<MT_FILL_OUTBREAK;
  return k;
}
