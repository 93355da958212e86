/* SPDX-License-Identifier: MIT */
/*
** logtype.c — the log type of a line, and the event of a line of any type
** (logtype.h; docs/format.md §8, docs/lines.md "Log types").
**
**   SELECT log_type, count(*) FROM mailtrace_lines('/var/log/esa/collector.log') GROUP BY 1;
**
** The hot path: a tag is compared with a short table (memcmp), a body's
** shape is one switch on its first byte and a few memcmp.  No regex, no
** allocation; nothing is read outside the line.
*/
#include "logtype.h"
#include "events.h"
#include "amp.h"
#include "av.h"

#include <string.h>

static const char *const azType[MT_LOG_COUNT] = {
  0, "mail_logs", "injection_debug", "bounces", "amp", "antivirus", "antispam",
  "status", "consolidated_event", "other"
};

const char *mt_logtype_name(int t){
  return (t > 0 && t < MT_LOG_COUNT) ? azType[t] : 0;
}

typedef struct name_type { const char *z; int n; int t; } name_type;
#define N(z, t) { z, (int)sizeof(z)-1, t }

/* Default subscription names (the syslog tag unless the admin renamed it). */
static const name_type aTag[] = {
  N("mail_logs", MT_LOG_MAIL), N("error_logs", MT_LOG_MAIL),
  N("injection_debug", MT_LOG_INJECTION), N("injection_logs", MT_LOG_INJECTION),
  N("bounces", MT_LOG_BOUNCE), N("bounce_logs", MT_LOG_BOUNCE),
  N("amp", MT_LOG_AMP), N("amp_logs", MT_LOG_AMP),
  N("antivirus", MT_LOG_AV), N("antivirus_logs", MT_LOG_AV),
  N("antispam", MT_LOG_ANTISPAM), N("antispam_logs", MT_LOG_ANTISPAM),
  N("status", MT_LOG_STATUS), N("status_logs", MT_LOG_STATUS),
  N("consolidated_event", MT_LOG_CEF), N("consolidated_event_logs", MT_LOG_CEF),
  N("gui_logs", MT_LOG_OTHER), N("system", MT_LOG_OTHER), N("system_logs", MT_LOG_OTHER),
  N("content_scanner", MT_LOG_OTHER), N("authentication", MT_LOG_OTHER),
  N("updater_logs", MT_LOG_OTHER), N("cli_logs", MT_LOG_OTHER), N("ftpd_logs", MT_LOG_OTHER),
  N("http", MT_LOG_OTHER), N("sntpd_logs", MT_LOG_OTHER), N("reportd_logs", MT_LOG_OTHER),
  N("reportqueryd_logs", MT_LOG_OTHER), N("smartlicense", MT_LOG_OTHER),
  N("service_logs", MT_LOG_OTHER), N("upgrade_logs", MT_LOG_OTHER), N("euq_logs", MT_LOG_OTHER),
  N("euqgui_logs", MT_LOG_OTHER), N("ldap_logs", MT_LOG_OTHER), N("config_history", MT_LOG_OTHER),
};

/* File names: the part before the first '.' of the base name. */
static const name_type aStem[] = {
  N("mail", MT_LOG_MAIL), N("mail_logs", MT_LOG_MAIL),
  N("injection", MT_LOG_INJECTION), N("injection_debug", MT_LOG_INJECTION),
  N("bounces", MT_LOG_BOUNCE), N("amp", MT_LOG_AMP), N("antivirus", MT_LOG_AV),
  N("antispam", MT_LOG_ANTISPAM), N("status", MT_LOG_STATUS),
  N("consolidated_event", MT_LOG_CEF),
  N("gui", MT_LOG_OTHER), N("gui_logs", MT_LOG_OTHER), N("system", MT_LOG_OTHER),
  N("authentication", MT_LOG_OTHER), N("updater", MT_LOG_OTHER), N("cli", MT_LOG_OTHER),
  N("content_scanner", MT_LOG_OTHER), N("smartlicense", MT_LOG_OTHER),
};

/* Shapes that belong to a gateway log other than those above (gui,
** system, authentication, content scanner, …): decisive `other`. */
static const name_type aOther[] = {
  N("req:", 0), N("SourceIP:", 0), N("Session ", 0), N("login:", 0), N("logout:", 0),
  N("Action: ", 0), N("PERIODIC REPORTS", 0), N("Passphrase has been changed", 0),
  N("Error in http", 0), N("SSL error with client", 0), N("http service on", 0),
  N("PF: ", 0), N("The user ", 0), N("An authentication attempt", 0),
  N("service_log_client", 0), N("The system time was changed", 0),
  N("Hostname is successfully changed", 0), N("Could not fetch current Virus Threat Level", 0),
};
#undef N

static int lookup(const name_type *a, size_t na, const char *z, int n){
  size_t i;
  for(i=0; i<na; i++){
    if( a[i].n==n && memcmp(a[i].z, z, (size_t)n)==0 ) return a[i].t;
  }
  return 0;
}

int mt_logtype_tag(const char *tag, int n){
  if( !tag || n<=0 ) return 0;
  if( n>5 && memcmp(tag, "sc4s_", 5)==0 ){ tag += 5; n -= 5; }
  return lookup(aTag, sizeof(aTag)/sizeof(aTag[0]), tag, n);
}

int mt_logtype_path(const char *path){
  const char *b, *dot;
  if( !path ) return 0;
  b = strrchr(path, '/');
  b = b ? b+1 : path;
  dot = strchr(b, '.');
  return lookup(aStem, sizeof(aStem)/sizeof(aStem[0]), b, (int)(dot ? dot - b : (long)strlen(b)));
}

static int is_digit(char c){ return c >= '0' && c <= '9'; }

static int starts(const char *p, const char *e, const char *lit, size_t n){
  return (size_t)(e - p) >= n && memcmp(p, lit, n)==0;
}
#define STARTS(p, e, lit) starts(p, e, lit, sizeof(lit)-1)

static const char *find(const char *p, const char *e, const char *lit, size_t n){
  if( e <= p || (size_t)(e-p) < n ) return 0;
  return memmem(p, (size_t)(e-p), lit, n);
}
#define FIND(p, e, lit) find(p, e, lit, sizeof(lit)-1)

/* "Bounced: 123:0 …" or a "From:<" without a space: the bounce log (§8.1). */
static int bounce_log_shape(const char *p, const char *e){
  const char *q;
  if( STARTS(p, e, "Bounced:") ) p += 8;
  else if( STARTS(p, e, "Delayed:") ) p += 8;
  else return 0;
  while( p < e && *p==' ' ) p++;
  q = p;
  while( q < e && is_digit(*q) ) q++;
  if( q > p && q + 1 < e && *q==':' && is_digit(q[1]) ) return 1;
  q = FIND(p, e, "From:");
  return q && q + 5 < e && q[5]=='<';
}

/* "<engine>[ ]+antivirus - " / "antispam - " (§8.4, §8.5). */
static int engine_shape(const char *p, const char *e){
  const char *q = p;
  while( q < e && ((*q>='a' && *q<='z') || is_digit(*q) || *q=='_') ) q++;
  if( q==p || q - p > 24 || q >= e || *q!=' ' ) return 0;
  while( q < e && *q==' ' ) q++;
  if( STARTS(q, e, "antivirus - ") ) return MT_LOG_AV;
  if( STARTS(q, e, "antispam - ") ) return MT_LOG_ANTISPAM;
  return 0;
}

int mt_logtype_shape(const char *b, size_t n){
  const char *e = b + n, *p;
  if( n < 4 ) return 0;
  switch( b[0] ){
    case ' ': case 'F': case 'R':
      return mt_amp_kind(b, n) ? MT_LOG_AMP : 0;
    case 'S':
      if( STARTS(b, e, "Status: CPULd ") ) return MT_LOG_STATUS;
      if( mt_amp_kind(b, n) ) return MT_LOG_AMP;
      break;
    case 'C':
      if( n > 5 && memcmp(b, "CEF:", 4)==0 && is_digit(b[4]) ) return MT_LOG_CEF;
      break;
    case 'M': case 'I': case 'N':
      /* mail_logs' own lines ("MID …", "Message done …", "ICID …", "New SMTP
      ** ICID …": four in five of a busy log) lead with none of the letters
      ** above, nor with that of any shape of aOther (kept so: the loop
      ** below would find nothing for them) */
      return 0;
    case 'B': case 'D':
      if( bounce_log_shape(b, e) ) return MT_LOG_BOUNCE;
      return 0;
    case 'T':
      if( STARTS(b, e, "The Anti-Virus database on this system") ) return MT_LOG_AV;
      break;
    case 'U':   /* the authentication log: "User bob from 192.0.2.1 was authenticated successfully." */
      if( STARTS(b, e, "User ") && FIND(b, e, " authenticat") ) return MT_LOG_OTHER;
      break;
    case 'P':
      if( STARTS(b, e, "PID ") ){
        p = b + 4;
        while( p < e && is_digit(*p) ) p++;
        if( p > b + 4 && STARTS(p, e, ": ") ) return MT_LOG_OTHER;
      }
      break;
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      p = b;
      while( p < e && is_digit(*p) ) p++;
      if( STARTS(p, e, " Sent: ") || STARTS(p, e, " Rcvd: ") ) return MT_LOG_INJECTION;
      return 0;
    default:
      if( b[0]>='a' && b[0]<='z' ){
        int t = engine_shape(b, e);
        if( t ) return t;
      }
      break;
  }
  {
    size_t i;
    for(i=0; i<sizeof(aOther)/sizeof(aOther[0]); i++){
      if( aOther[i].z[0]==b[0] && starts(b, e, aOther[i].z, (size_t)aOther[i].n) ) return MT_LOG_OTHER;
    }
  }
  return 0;
}

int mt_logtype(const mt_line *ln, int file_type){
  int t;
  if( ln->form==MT_FORM_NONE ) return file_type;
  if( ln->tag && (t = mt_logtype_tag(ln->tag, ln->tag_len))!=0 ) return t;
  return mt_logtype_shape(ln->body, ln->body_len);
}

/* ----------------------------------------------------- other logs' events */

static void set(mt_event *ev, int f, const char *p, const char *e){
  while( e > p && (e[-1]==' ' || e[-1]=='\t') ) e--;
  if( !p || e <= p ) return;
  ev->f[f].p = p;
  ev->f[f].n = (int)(e - p);
  ev->have |= (uint64_t)1 << f;
}

static void clear(mt_event *ev){
  ev->kind = MT_EV_NONE;
  ev->icid = ev->mid = ev->dcid = ev->rid = ev->mid2 = -1;
  ev->nrid = 0;
  ev->have = 0;
}

static int64_t num(const char **pp, const char *e){
  const char *p = *pp;
  int64_t x = 0;
  if( p >= e || !is_digit(*p) ) return -1;
  while( p < e && is_digit(*p) ){
    int d = *p - '0';
    x = (x > (MT_ID_MAX - d)/10) ? MT_ID_MAX : x*10 + d;
    p++;
  }
  *pp = p;
  return x;
}

/* The bounce log: the mail_logs grammar reads its ids and addresses (the
** three mail_logs shapes and "n:r From:<a> To:<b>"); the quoted
** Reason: "dsn - text" and Response: "(…)" of the bounce log's own form
** replace what it guessed. */
static void bounce_log(const char *b, size_t n, mt_event *ev){
  const char *e = b + n, *r, *q;
  mt_event_parse(b, n, ev);
  if( ev->kind!=MT_EV_BOUNCED && ev->kind!=MT_EV_DELAYED ){ clear(ev); return; }
  ev->kind = ev->kind==MT_EV_BOUNCED ? MT_EV_BOUNCES_BOUNCED : MT_EV_BOUNCES_DELAYED;
  if( (r = FIND(b, e, " Reason: \""))!=0 ){
    const char *v = r + 10, *end = FIND(v, e, "\" Response: ");
    const char *dash;
    if( !end ){ end = e; while( end > v && end[-1]!='"' ) end--; if( end > v ) end--; }
    if( end < v ) end = v;
    ev->have &= ~(((uint64_t)1<<MT_F_DSN) | ((uint64_t)1<<MT_F_REASON) | ((uint64_t)1<<MT_F_RESPONSE) | ((uint64_t)1<<MT_F_SMTP_CODE));
    dash = FIND(v, end, " - ");
    if( dash ){ set(ev, MT_F_DSN, v, dash); set(ev, MT_F_REASON, dash + 3, end); }
    else set(ev, MT_F_REASON, v, end);
    if( (q = FIND(end, e, "Response: \""))!=0 ){
      const char *rv = q + 11, *re = FIND(rv, e, "\" Headers: ");
      if( !re ){ re = e; while( re > rv && re[-1]!='"' ) re--; if( re > rv ) re--; else re = e; }
      if( re < rv ) re = rv;
      set(ev, MT_F_RESPONSE, rv, re);
      if( re - rv > 6 && rv[0]=='(' && rv[1]=='\'' && is_digit(rv[2]) && is_digit(rv[3]) && is_digit(rv[4]) && rv[5]=='\'' ){
        set(ev, MT_F_SMTP_CODE, rv + 2, rv + 5);
      }
    }
  }
}

/* "sophos  antivirus - MID 69391938 [rank] - Result 'CLEAN' ()" and its
** Virus / Error / Limit / "timed out" variants (av.c reads them). */
static void antivirus(const char *b, size_t n, mt_event *ev){
  mt_av a;
  const mt_span *sp;
  const char *v;
  if( !mt_av_parse(b, n, &a) ) return;
  ev->mid = a.mid;
  if( a.engine.p ) set(ev, MT_F_ENGINE, a.engine.p, a.engine.p + a.engine.n);
  if( a.rank.p ) set(ev, MT_F_VALUE, a.rank.p, a.rank.p + a.rank.n);   /* the number after the MID */
  switch( a.kind ){
    case MT_AV_RESULT:
      ev->kind = MT_EV_AV_RESULT;
      if( a.result.p ) set(ev, MT_F_VERDICT, a.result.p, a.result.p + a.result.n);
      if( a.names.p ) set(ev, MT_F_NAMES, a.names.p, a.names.p + a.names.n);
      return;
    case MT_AV_VIRUS:
      ev->kind = MT_EV_AV_VIRUS;
      if( (v = FIND(b, b + n, "- Virus "))!=0 ) set(ev, MT_F_VERDICT, v + 2, v + 7);   /* "Virus" */
      if( a.names.p ) set(ev, MT_F_NAMES, a.names.p, a.names.p + a.names.n);
      return;
    case MT_AV_ERROR: ev->kind = MT_EV_AV_ERROR; sp = &a.error; break;
    case MT_AV_LIMIT: ev->kind = MT_EV_AV_LIMIT; sp = &a.limit; break;
    case MT_AV_TIMEOUT: ev->kind = MT_EV_AV_TIMEOUT; sp = &a.text; break;
    default: ev->kind = MT_EV_AV_OTHER; sp = &a.text; break;
  }
  if( sp->p ) set(ev, MT_F_REASON, sp->p, sp->p + sp->n);
}

/* A CEF key's number: " ESAMID=1053" (a key starts the extension or
** follows a space). */
static int64_t cef_id(const char *b, const char *e, const char *key, size_t kn){
  const char *p = b;
  while( (p = find(p, e, key, kn))!=0 ){
    if( p > b && (p[-1]==' ' || p[-1]=='|') ){
      const char *q = p + kn;
      return num(&q, e);
    }
    p++;
  }
  return -1;
}

int mt_line_event(const mt_line *ln, int file_type, mt_event *ev){
  int t = mt_logtype(ln, file_type);
  clear(ev);
  if( ln->form==MT_FORM_NONE ) return t;
  switch( t ){
    case MT_LOG_MAIL: case MT_LOG_INJECTION: case MT_LOG_STATUS:
      mt_event_parse(ln->body, ln->body_len, ev);
      return t;
    case MT_LOG_BOUNCE:
      bounce_log(ln->body, ln->body_len, ev);
      return t;
    case MT_LOG_AMP: {
      mt_amp a;
      if( mt_amp_parse(ln->body, ln->body_len, &a) ){
        ev->kind = mt_amp_event(a.kind);
        ev->mid = a.mid;
        if( a.name.p ) set(ev, MT_F_VALUE, a.name.p, a.name.p + a.name.n);
        if( a.disposition.p ) set(ev, MT_F_VERDICT, a.disposition.p, a.disposition.p + a.disposition.n);
        if( a.malware.p ) set(ev, MT_F_NAMES, a.malware.p, a.malware.p + a.malware.n);
      }
      return t;
    }
    case MT_LOG_AV:
      antivirus(ln->body, ln->body_len, ev);
      return t;
    case MT_LOG_CEF: {
      const char *b = ln->body, *e = b + ln->body_len;
      ev->kind = MT_EV_CEF_MESSAGE;
      ev->mid = cef_id(b, e, "ESAMID=", 7);
      ev->icid = cef_id(b, e, "ESAICID=", 8);
      return t;
    }
    case MT_LOG_ANTISPAM: case MT_LOG_OTHER:
      return t;
  }
  /* Undecided: the mail_logs grammar, then the file's name, then the tag. */
  mt_event_parse(ln->body, ln->body_len, ev);
  if( ev->kind>=MT_EV_LOG_BEGIN && ev->kind<=MT_EV_SYSTEM_UP ) return file_type ? file_type : MT_LOG_MAIL;
  if( ev->kind!=MT_EV_NONE ) return MT_LOG_MAIL;
  if( file_type ){
    if( file_type!=MT_LOG_MAIL ) clear(ev);
    return file_type;
  }
  if( ln->tag ){ clear(ev); return MT_LOG_OTHER; }
  return MT_LOG_MAIL;
}
