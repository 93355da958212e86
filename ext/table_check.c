/* SPDX-License-Identifier: MIT */
/*
** table_check.c — the live checks: the steps of the troubleshooting method
** that look outside the logs (reverse DNS, MX, the SMTP banner), and the
** offline list of a domain's sending IPs from the logs.
**
**   SELECT reverse_dns('203.0.113.9');                        -- JSON
**   SELECT * FROM reverse_dns('203.0.113.9', 'resolver=192.0.2.53', 'timeout=2');
**   SELECT * FROM mx('sender.example');
**   SELECT smtp_probe('192.0.2.25', 25, 10);                  -- JSON
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT * FROM sender_ips('sender.example');               -- from the logs only
**   SELECT * FROM sender_ips('sender.example', 'mx');         -- merged with mx()
**
** Options (extra arguments, "name=value", several may share one argument
** separated by spaces): resolver=IP[:port] (default: the system's
** resolv.conf), timeout=SECONDS (per DNS question, default 5), helo=NAME
** (smtp_probe's EHLO), mx (sender_ips: merge with the domain's MX).
**
** All are SQLITE_DIRECTONLY / SQLITE_VTAB_DIRECTONLY: they reach the
** network (or read the logs), so a view or trigger in a database file
** cannot make them run.  Every wait ends within MT_DNS_SLICE_MS of
** sqlite3_interrupt() (mt_interrupted is the stop test).  The DNS client
** and the SMTP probe are dns.c and probe.c; this file only turns their
** results into JSON and rows.
**
** The table-valued forms share one cursor: xFilter computes every row
** (a handful) into an array of cells, xColumn reads them.  idxNum: bit j
** set when hidden argument column j is constrained; argv in column order.
*/
#include "cache.h"
#include "dns.h"
#include "probe.h"
#include "entities.h"
#include "lines.h"
#include "senders.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define CK_MAXOPT 3                 /* option arguments after the first one */

/* ------------------------------------------------------------- options */

typedef struct ck_opts {
  char resolver[80];                /* "" : the system's */
  double timeout;                   /* DNS, per question */
  char helo[256];
  int mx;
} ck_opts;

/* Parse "name=value" words of one argument.  0, or an sqlite3_malloc'd error. */
static char *opts_parse(ck_opts *o, const char *fn, const char *arg, const char *allowed){
  const char *p = arg;
  while( *p ){
    const char *w, *eq;
    size_t n, kn;
    while( *p==' ' || *p==',' || *p=='\t' ) p++;
    if( !*p ) break;
    w = p;
    while( *p && *p!=' ' && *p!=',' && *p!='\t' ) p++;
    n = (size_t)(p - w);
    eq = memchr(w, '=', n);
    kn = eq ? (size_t)(eq - w) : n;
#define KEY(k) (kn==sizeof(k)-1 && strncasecmp(w, k, kn)==0 && strstr(allowed, k))
    if( KEY("resolver") && eq ){
      if( n - kn - 1 >= sizeof(o->resolver) ) return sqlite3_mprintf("%s: resolver= is too long", fn);
      memcpy(o->resolver, eq+1, n - kn - 1);
      o->resolver[n - kn - 1] = 0;
    }else if( KEY("timeout") && eq ){
      char tmp[32], *end;
      double t;
      if( n - kn - 1 >= sizeof(tmp) ) return sqlite3_mprintf("%s: timeout wants seconds, not %.*s", fn, (int)n, w);
      memcpy(tmp, eq+1, n - kn - 1);
      tmp[n - kn - 1] = 0;
      t = strtod(tmp, &end);
      if( !tmp[0] || *end || !(t > 0) || t > 3600 )
        return sqlite3_mprintf("%s: timeout wants seconds between 0 and 3600, not '%s'", fn, tmp);
      o->timeout = t;
    }else if( KEY("helo") && eq ){
      if( n - kn - 1 >= sizeof(o->helo) || n - kn - 1==0 ) return sqlite3_mprintf("%s: helo= wants a host name", fn);
      memcpy(o->helo, eq+1, n - kn - 1);
      o->helo[n - kn - 1] = 0;
    }else if( KEY("mx") ){
      /* "mx" or "mx=1" on; "mx=0", "mx=no", "mx=off" off */
      size_t vn = eq ? n - kn - 1 : 0;
      const char *v = eq ? eq + 1 : "";
      o->mx = !eq || !((vn==1 && v[0]=='0') || (vn==2 && strncasecmp(v, "no", 2)==0)
                       || (vn==3 && strncasecmp(v, "off", 3)==0));
    }else{
      return sqlite3_mprintf("%s: unknown option '%.*s' (it takes %s)", fn, (int)n, w, allowed);
    }
#undef KEY
  }
  return 0;
}

static void opts_init(ck_opts *o){
  memset(o, 0, sizeof(*o));
  o->timeout = 5.0;
}

/* The resolver the options ask for, stopping on sqlite3_interrupt(). */
static char *resolver_for(sqlite3 *db, const ck_opts *o, mt_resolver *r, const char *fn){
  char err[256];
  int rc = o->resolver[0] ? mt_dns_resolver_set(r, o->resolver, o->timeout, err, sizeof(err))
                          : mt_dns_resolver_system(r, o->timeout, err, sizeof(err));
  if( rc ) return sqlite3_mprintf("%s: %s", fn, err);
  r->should_stop = mt_interrupted;
  r->stop_arg = db;
  return 0;
}

/* The resolver as text: "127.0.0.1:5353" or "system (10.0.0.2:53, ...)". */
static void resolver_text(const mt_resolver *r, sqlite3_str *s){
  int i;
  if( r->system ) sqlite3_str_appendall(s, "system (");
  for(i=0; i<r->nsrv; i++) sqlite3_str_appendf(s, "%s%s", i ? ", " : "", r->srv[i].text);
  if( r->system ) sqlite3_str_appendall(s, ")");
}

/* ---------------------------------------------------------------- JSON */

static void js_str(sqlite3_str *s, const char *z){
  if( !z ){ sqlite3_str_appendall(s, "null"); return; }
  sqlite3_str_appendchar(s, 1, '"');
  for(; *z; z++){
    unsigned char c = (unsigned char)*z;
    if( c=='"' || c=='\\' ) sqlite3_str_appendf(s, "\\%c", c);
    else if( c=='\n' ) sqlite3_str_appendall(s, "\\n");
    else if( c=='\t' ) sqlite3_str_appendall(s, "\\t");
    else if( c<0x20 || c==0x7f ) sqlite3_str_appendf(s, "\\u%04x", c);
    else sqlite3_str_appendchar(s, 1, (char)c);
  }
  sqlite3_str_appendchar(s, 1, '"');
}

static void js_key(sqlite3_str *s, const char *k){
  if( sqlite3_str_length(s)>1 ) sqlite3_str_appendchar(s, 1, ',');
  js_str(s, k);
  sqlite3_str_appendchar(s, 1, ':');
}

static void js_addrs(sqlite3_str *s, const mt_dns_addrs *a){
  int i;
  sqlite3_str_appendchar(s, 1, '[');
  for(i=0; i<a->n; i++){ if( i ) sqlite3_str_appendchar(s, 1, ','); js_str(s, a->addr[i]); }
  sqlite3_str_appendchar(s, 1, ']');
}

/* The addresses of a lookup as a JSON array, or NULL when it is unknown
** (a timeout or a server failure): "none" and "unknown" must not look alike. */
static char *addrs_json(const mt_dns_addrs *a){
  sqlite3_str *s;
  if( a->n==0 && a->status!=MT_DNS_NODATA && a->status!=MT_DNS_NXDOMAIN && a->status!=MT_DNS_OK ) return 0;
  s = sqlite3_str_new(0);
  js_addrs(s, a);
  return sqlite3_str_finish(s);
}

static const char *tf(int v){ return v>0 ? "true" : v==0 ? "false" : "null"; }

/* Forward confirmation of the whole answer: 1 some name resolves back,
** 0 none does (or there is no name), -1 unknown (a lookup failed). */
static int rdns_confirmed(const mt_rdns *d){
  int i, unknown = 0;
  if( d->status!=MT_DNS_OK ) return d->status==MT_DNS_NXDOMAIN || d->status==MT_DNS_NODATA ? 0 : -1;
  for(i=0; i<d->nname; i++){
    if( d->names[i].confirmed==1 ) return 1;
    if( d->names[i].confirmed<0 ) unknown = 1;
  }
  return unknown ? -1 : 0;
}

static char *rdns_json(const char *ip, const mt_rdns *d, const mt_resolver *r){
  sqlite3_str *s = sqlite3_str_new(0);
  int i;
  sqlite3_str_appendchar(s, 1, '{');
  js_key(s, "ip"); js_str(s, ip);
  js_key(s, "ptr"); js_str(s, d->ptr_name);
  js_key(s, "status"); js_str(s, mt_dns_status_word(d->status));
  js_key(s, "name"); js_str(s, d->nname ? d->names[0].name : 0);
  js_key(s, "forward_confirmed"); sqlite3_str_appendall(s, tf(rdns_confirmed(d)));
  js_key(s, "names");
  sqlite3_str_appendchar(s, 1, '[');
  for(i=0; i<d->nname; i++){
    char *a = addrs_json(&d->names[i].fwd);
    if( i ) sqlite3_str_appendchar(s, 1, ',');
    sqlite3_str_appendall(s, "{\"name\":");
    js_str(s, d->names[i].name);
    sqlite3_str_appendf(s, ",\"forward_confirmed\":%s,\"addresses\":%s", tf(d->names[i].confirmed), a ? a : "null");
    if( d->names[i].confirmed<0 ){ sqlite3_str_appendall(s, ",\"reason\":"); js_str(s, d->names[i].fwd.reason); }
    sqlite3_str_appendchar(s, 1, '}');
    sqlite3_free(a);
  }
  sqlite3_str_appendchar(s, 1, ']');
  js_key(s, "reason"); js_str(s, d->status==MT_DNS_OK ? 0 : d->reason);
  js_key(s, "lookup_seconds"); sqlite3_str_appendf(s, "%.3f", d->seconds);
  js_key(s, "resolver");
  {
    sqlite3_str *t = sqlite3_str_new(0);
    char *z;
    resolver_text(r, t);
    z = sqlite3_str_finish(t);
    js_str(s, z ? z : "");
    sqlite3_free(z);
  }
  sqlite3_str_appendchar(s, 1, '}');
  return sqlite3_str_finish(s);
}

/* Options from argv[first..argc-1] (NULLs ignored). */
static char *opts_from_values(ck_opts *o, const char *fn, const char *allowed,
                              int argc, sqlite3_value **argv, int first){
  int i;
  for(i=first; i<argc; i++){
    const char *z = (const char*)sqlite3_value_text(argv[i]);
    char *err;
    if( !z ) continue;
    if( (err = opts_parse(o, fn, z, allowed)) ) return err;
  }
  return 0;
}

/* reverse_dns(ip [, option...]) -> JSON */
static void reverseDnsFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  const char *ip = (const char*)sqlite3_value_text(argv[0]);
  ck_opts o;
  mt_resolver r;
  mt_rdns *d;
  char *err, *js;
  uint8_t tmp[16];
  char ptr[80];
  if( !ip ) return;
  if( !mt_direct_call(ctx, "reverse_dns") ){
    /* SQLITE_DIRECTONLY keeps views and triggers out; a CHECK constraint of
    ** a database file still gets here in SQLite 3.40 (tables.h) */
    sqlite3_result_error(ctx, "unsafe use of reverse_dns(): only SQL that names it may call it, "
                              "not a database's schema (a CHECK constraint)", -1);
    return;
  }
  opts_init(&o);
  if( (err = opts_from_values(&o, "reverse_dns", "resolver=, timeout=", argc, argv, 1))
   || (err = resolver_for(db, &o, &r, "reverse_dns")) ){
    sqlite3_result_error(ctx, err, -1);
    sqlite3_free(err);
    return;
  }
  if( !mt_dns_ptr_name(ip, ptr, sizeof(ptr), tmp) ){
    err = sqlite3_mprintf("reverse_dns: '%s' is not an IPv4 or IPv6 address", ip);
    sqlite3_result_error(ctx, err, -1);
    sqlite3_free(err);
    return;
  }
  d = sqlite3_malloc(sizeof(*d));
  if( !d ){ sqlite3_result_error_nomem(ctx); return; }
  mt_dns_reverse(&r, ip, d);
  if( d->status==MT_DNS_INTERRUPTED ){
    sqlite3_free(d);
    sqlite3_result_error_code(ctx, SQLITE_INTERRUPT);
    return;
  }
  js = rdns_json(ip, d, &r);
  sqlite3_free(d);
  if( !js ){ sqlite3_result_error_nomem(ctx); return; }
  sqlite3_result_text(ctx, js, -1, sqlite3_free);
  sqlite3_result_subtype(ctx, 'J');
}

int mt_check_reverse_dns(mt_ctx *ctx, const char *ip, const char *options, char **pzJson, char **pzErr){
  ck_opts o;
  mt_resolver r;
  mt_rdns *d;
  int interrupted;
  *pzJson = *pzErr = 0;
  opts_init(&o);
  if( options && (*pzErr = opts_parse(&o, "live", options, "resolver=, timeout=")) ) return SQLITE_ERROR;
  if( (*pzErr = resolver_for(ctx->db, &o, &r, "live")) ) return SQLITE_ERROR;
  d = sqlite3_malloc(sizeof(*d));
  if( !d ) return SQLITE_NOMEM;
  if( mt_dns_reverse(&r, ip, d) ){ sqlite3_free(d); return SQLITE_OK; }
  interrupted = d->status==MT_DNS_INTERRUPTED;
  if( !interrupted ) *pzJson = rdns_json(ip, d, &r);
  sqlite3_free(d);
  return interrupted ? SQLITE_INTERRUPT : *pzJson ? SQLITE_OK : SQLITE_NOMEM;
}

/* smtp_probe(host [, port [, timeout [, option...]]]) -> JSON */
static void smtpProbeFunc(sqlite3_context *ctx, int argc, sqlite3_value **argv){
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  const char *host = (const char*)sqlite3_value_text(argv[0]);
  int port = 25;
  double timeout = 30;
  ck_opts o;
  mt_probe *p;
  char addr[46], *err = 0, *js;
  sqlite3_str *s;
  uint8_t tmp[16];
  char ptr[80];
  if( !host ) return;
  if( !mt_direct_call(ctx, "smtp_probe") ){
    sqlite3_result_error(ctx, "unsafe use of smtp_probe(): only SQL that names it may call it, "
                              "not a database's schema (a CHECK constraint)", -1);
    return;
  }
  opts_init(&o);
  if( argc>1 && sqlite3_value_type(argv[1])!=SQLITE_NULL ){
    sqlite3_int64 v = sqlite3_value_int64(argv[1]);
    if( sqlite3_value_numeric_type(argv[1])!=SQLITE_INTEGER || v<1 || v>65535 ){
      err = sqlite3_mprintf("smtp_probe: port wants 1 to 65535, not '%s'", sqlite3_value_text(argv[1]));
      goto error;
    }
    port = (int)v;
  }
  if( argc>2 && sqlite3_value_type(argv[2])!=SQLITE_NULL ){
    int t = sqlite3_value_numeric_type(argv[2]);
    timeout = sqlite3_value_double(argv[2]);
    if( (t!=SQLITE_INTEGER && t!=SQLITE_FLOAT) || !(timeout > 0) || timeout > 3600 ){
      err = sqlite3_mprintf("smtp_probe: timeout wants seconds between 0 and 3600, not '%s'", sqlite3_value_text(argv[2]));
      goto error;
    }
  }
  if( (err = opts_from_values(&o, "smtp_probe", "resolver=, timeout=, helo=", argc, argv, 3)) ) goto error;
  if( !o.helo[0] ){
    if( gethostname(o.helo, sizeof(o.helo)-1)!=0 || !o.helo[0] ) snprintf(o.helo, sizeof(o.helo), "localhost");
  }
  /* a name: its first address, through our own resolver (interruptible) */
  if( mt_dns_ptr_name(host, ptr, sizeof(ptr), tmp) ){
    snprintf(addr, sizeof(addr), "%s", host);
  }else{
    mt_resolver r;
    mt_dns_addrs a;
    if( (err = resolver_for(db, &o, &r, "smtp_probe")) ) goto error;
    mt_dns_addresses(&r, host, 0, &a);
    if( a.status==MT_DNS_INTERRUPTED ){ sqlite3_result_error_code(ctx, SQLITE_INTERRUPT); return; }
    if( a.n==0 ){
      s = sqlite3_str_new(0);
      sqlite3_str_appendchar(s, 1, '{');
      js_key(s, "host"); js_str(s, host);
      js_key(s, "address"); js_str(s, 0);
      js_key(s, "port"); sqlite3_str_appendf(s, "%d", port);
      js_key(s, "status"); js_str(s, "unresolved");
      js_key(s, "stage"); js_str(s, "dns");
      js_key(s, "reason"); js_str(s, a.reason[0] ? a.reason : mt_dns_status_word(a.status));
      sqlite3_str_appendchar(s, 1, '}');
      js = sqlite3_str_finish(s);
      if( !js ){ sqlite3_result_error_nomem(ctx); return; }
      sqlite3_result_text(ctx, js, -1, sqlite3_free);
      sqlite3_result_subtype(ctx, 'J');
      return;
    }
    snprintf(addr, sizeof(addr), "%s", a.addr[0]);
  }
  p = sqlite3_malloc(sizeof(*p));
  if( !p ){ sqlite3_result_error_nomem(ctx); return; }
  if( mt_smtp_probe(addr, port, timeout, o.helo, mt_interrupted, db, p)==MT_INTERRUPTED ){
    sqlite3_free(p);
    sqlite3_result_error_code(ctx, mt_rc_to_sqlite(MT_INTERRUPTED, 0, 0));
    return;
  }
  s = sqlite3_str_new(0);
  sqlite3_str_appendchar(s, 1, '{');
  js_key(s, "host"); js_str(s, host);
  js_key(s, "address"); js_str(s, addr);
  js_key(s, "port"); sqlite3_str_appendf(s, "%d", port);
  js_key(s, "status"); js_str(s, p->status);
  js_key(s, "stage"); js_str(s, p->stage);
  js_key(s, "reason"); js_str(s, p->reason[0] ? p->reason : 0);
  js_key(s, "connect_seconds");
  if( p->connect_seconds>=0 ) sqlite3_str_appendf(s, "%.3f", p->connect_seconds); else sqlite3_str_appendall(s, "null");
  js_key(s, "banner_seconds");
  if( p->banner_seconds>=0 ) sqlite3_str_appendf(s, "%.3f", p->banner_seconds); else sqlite3_str_appendall(s, "null");
  js_key(s, "banner_code");
  if( p->banner_code ) sqlite3_str_appendf(s, "%d", p->banner_code); else sqlite3_str_appendall(s, "null");
  js_key(s, "banner"); js_str(s, p->banner_code ? p->banner : 0);
  js_key(s, "ehlo_seconds");
  if( p->ehlo_seconds>=0 ) sqlite3_str_appendf(s, "%.3f", p->ehlo_seconds); else sqlite3_str_appendall(s, "null");
  js_key(s, "ehlo_code");
  if( p->ehlo_code ) sqlite3_str_appendf(s, "%d", p->ehlo_code); else sqlite3_str_appendall(s, "null");
  js_key(s, "ehlo"); js_str(s, p->ehlo_code ? p->ehlo : 0);
  sqlite3_str_appendchar(s, 1, '}');
  sqlite3_free(p);
  js = sqlite3_str_finish(s);
  if( !js ){ sqlite3_result_error_nomem(ctx); return; }
  sqlite3_result_text(ctx, js, -1, sqlite3_free);
  sqlite3_result_subtype(ctx, 'J');
  return;
error:
  if( err ){ sqlite3_result_error(ctx, err, -1); sqlite3_free(err); }
  else sqlite3_result_error_nomem(ctx);
}

/* ------------------------------------------------- the table-valued forms */

typedef struct ck_cell { int t; sqlite3_int64 i; double r; char *z; } ck_cell;

struct ck_cursor;
struct ck_vtab;
typedef struct ck_def {
  const char *name;
  const char *schema;
  int ncol;                         /* visible columns; the hidden arguments follow */
  int nhidden;
  int (*fill)(struct ck_vtab*, struct ck_cursor*, sqlite3_value **args);  /* args[nhidden], NULL when absent */
} ck_def;

typedef struct ck_vtab {
  sqlite3_vtab base;                /* first: SQLite sees a sqlite3_vtab */
  mt_ctx *ctx;
  const ck_def *def;
} ck_vtab;

typedef struct ck_cursor {
  sqlite3_vtab_cursor base;         /* first: SQLite sees a sqlite3_vtab_cursor */
  int ncol;
  ck_cell *cells;                   /* nrow * ncol */
  int nrow, cap, i;
} ck_cursor;

/* What each module is registered with: its definition and the context. */
typedef struct ck_def_ctx { ck_def def; mt_ctx *ctx; } ck_def_ctx;

static int ck_connect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                      sqlite3_vtab **ppVtab, char **pzErr){
  const ck_def_ctx *dc = pAux;
  const ck_def *def = &dc->def;
  ck_vtab *vt;
  int rc;
  (void)argc; (void)argv; (void)pzErr;
  rc = sqlite3_declare_vtab(db, def->schema);
  if( rc ) return rc;
  vt = sqlite3_malloc(sizeof(*vt));
  if( !vt ) return SQLITE_NOMEM;
  memset(vt, 0, sizeof(*vt));
  vt->def = def;
  vt->ctx = dc->ctx;
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  *ppVtab = &vt->base;
  return SQLITE_OK;
}

static int ck_disconnect(sqlite3_vtab *p){ sqlite3_free(p); return SQLITE_OK; }

static int ck_bestindex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  const ck_def *def = ((ck_vtab*)pVtab)->def;
  int at[8], i, n = 0;
  for(i=0; i<def->nhidden; i++) at[i] = -1;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->iColumn < def->ncol || c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( !c->usable ) return SQLITE_CONSTRAINT;
    at[c->iColumn - def->ncol] = i;
  }
  p->idxNum = 0;
  for(i=0; i<def->nhidden; i++){
    if( at[i]<0 ) continue;
    p->aConstraintUsage[at[i]].argvIndex = ++n;
    p->aConstraintUsage[at[i]].omit = 1;
    p->idxNum |= 1<<i;
  }
  p->estimatedCost = 1e6;           /* network round trips: never loop over it */
  p->estimatedRows = 5;
  return SQLITE_OK;
}

static void ck_reset(ck_cursor *c){
  int i;
  for(i=0; i<c->nrow * c->ncol; i++) sqlite3_free(c->cells[i].z);
  c->nrow = 0; c->i = 0;
}

static int ck_open(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  ck_cursor *c = sqlite3_malloc(sizeof(*c));
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  c->ncol = ((ck_vtab*)pVtab)->def->ncol;
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static int ck_close(sqlite3_vtab_cursor *cur){
  ck_cursor *c = (ck_cursor*)cur;
  ck_reset(c);
  sqlite3_free(c->cells);
  sqlite3_free(c);
  return SQLITE_OK;
}

/* A new row of NULLs: its cells, or 0 (out of memory). */
static ck_cell *ck_row(ck_cursor *c){
  ck_cell *row;
  if( mt_sqlite_grow(&c->cells, &c->cap, c->nrow+1, sizeof(ck_cell) * (size_t)c->ncol) ) return 0;
  row = &c->cells[c->nrow * c->ncol];
  memset(row, 0, sizeof(ck_cell) * (size_t)c->ncol);
  c->nrow++;
  return row;
}

/* Set a text cell (copied; NULL stays NULL).  0, or -1 out of memory. */
static int set_text(ck_cell *cell, const char *z){
  if( !z ) return 0;
  cell->z = sqlite3_mprintf("%s", z);
  cell->t = SQLITE_TEXT;
  return cell->z ? 0 : -1;
}
/* Take an sqlite3_malloc'd string (NULL: NULL cell). */
static void take_text(ck_cell *cell, char *z){ if( z ){ cell->z = z; cell->t = SQLITE_TEXT; } }
static void set_int(ck_cell *cell, sqlite3_int64 v){ cell->i = v; cell->t = SQLITE_INTEGER; }
static void set_real(ck_cell *cell, double v){ cell->r = v; cell->t = SQLITE_FLOAT; }
/* Seconds to the millisecond, as the JSON forms print them. */
static void set_seconds(ck_cell *cell, double v){ set_real(cell, (double)(sqlite3_int64)(v * 1000 + 0.5) / 1000); }

static int ck_filter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                     int argc, sqlite3_value **argv){
  ck_cursor *c = (ck_cursor*)cur;
  ck_vtab *vt = (ck_vtab*)cur->pVtab;
  sqlite3_value *args[8];
  int i, k = 0;
  (void)idxStr;
  ck_reset(c);
  for(i=0; i<vt->def->nhidden; i++){
    args[i] = (idxNum & (1<<i)) && k<argc ? argv[k++] : 0;
    if( args[i] && sqlite3_value_type(args[i])==SQLITE_NULL ) args[i] = 0;
  }
  return vt->def->fill(vt, c, args);
}

static int ck_next(sqlite3_vtab_cursor *cur){ ((ck_cursor*)cur)->i++; return SQLITE_OK; }
static int ck_eof(sqlite3_vtab_cursor *cur){ ck_cursor *c = (ck_cursor*)cur; return c->i >= c->nrow; }

static int ck_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  ck_cursor *c = (ck_cursor*)cur;
  const ck_cell *cell;
  if( col >= c->ncol ) return SQLITE_OK;       /* the hidden arguments read as NULL */
  cell = &c->cells[c->i * c->ncol + col];
  switch( cell->t ){
    case SQLITE_INTEGER: sqlite3_result_int64(ctx, cell->i); break;
    case SQLITE_FLOAT: sqlite3_result_double(ctx, cell->r); break;
    case SQLITE_TEXT: sqlite3_result_text(ctx, cell->z, -1, SQLITE_TRANSIENT); break;
    default: break;
  }
  return SQLITE_OK;
}

static int ck_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((ck_cursor*)cur)->i + 1;
  return SQLITE_OK;
}

/* Options of a table-valued call: args[1..nhidden-1]. */
static int table_opts(ck_vtab *vt, sqlite3_value **args, ck_opts *o, const char *allowed){
  int i;
  opts_init(o);
  for(i=1; i<vt->def->nhidden; i++){
    const char *z = args[i] ? (const char*)sqlite3_value_text(args[i]) : 0;
    char *err;
    if( z && (err = opts_parse(o, vt->def->name, z, allowed)) ){
      sqlite3_free(vt->base.zErrMsg);
      vt->base.zErrMsg = err;
      return SQLITE_ERROR;
    }
  }
  return SQLITE_OK;
}

static int table_resolver(ck_vtab *vt, const ck_opts *o, mt_resolver *r){
  char *err = resolver_for(vt->ctx->db, o, r, vt->def->name);
  if( err ){
    sqlite3_free(vt->base.zErrMsg);
    vt->base.zErrMsg = err;
    return SQLITE_ERROR;
  }
  return SQLITE_OK;
}

static char *resolver_string(const mt_resolver *r){
  sqlite3_str *s = sqlite3_str_new(0);
  resolver_text(r, s);
  return sqlite3_str_finish(s);
}

/* reverse_dns(ip, ...) as a table: one row per PTR name, or one row with
** name NULL and the reason. */
enum { RD_IP, RD_NAME, RD_FCONF, RD_ADDRS, RD_STATUS, RD_REASON, RD_SECONDS, RD_RESOLVER, RD_NCOL };
static int rd_fill(ck_vtab *vt, ck_cursor *c, sqlite3_value **args){
  const char *ip = args[0] ? (const char*)sqlite3_value_text(args[0]) : 0;
  ck_opts o;
  mt_resolver r;
  mt_rdns *d;
  char *res;
  int i, rc;
  uint8_t tmp[16];
  char ptr[80];
  if( !ip ){
    if( args[0] ) return SQLITE_OK;
    mt_vtab_error(&vt->base, "reverse_dns: give an IP address, e.g. SELECT * FROM reverse_dns('192.0.2.1')");
    return SQLITE_ERROR;
  }
  if( (rc = table_opts(vt, args, &o, "resolver=, timeout=")) || (rc = table_resolver(vt, &o, &r)) ) return rc;
  if( !mt_dns_ptr_name(ip, ptr, sizeof(ptr), tmp) ){
    mt_vtab_error(&vt->base, "reverse_dns: '%s' is not an IPv4 or IPv6 address", ip);
    return SQLITE_ERROR;
  }
  d = sqlite3_malloc(sizeof(*d));
  if( !d ) return SQLITE_NOMEM;
  mt_dns_reverse(&r, ip, d);
  if( d->status==MT_DNS_INTERRUPTED ){ sqlite3_free(d); return SQLITE_INTERRUPT; }
  res = resolver_string(&r);
  rc = res ? SQLITE_OK : SQLITE_NOMEM;
  for(i=0; rc==SQLITE_OK && i<(d->nname ? d->nname : 1); i++){
    ck_cell *row = ck_row(c);
    if( !row ){ rc = SQLITE_NOMEM; break; }
    if( set_text(&row[RD_IP], ip) || set_text(&row[RD_STATUS], mt_dns_status_word(d->status))
     || set_text(&row[RD_RESOLVER], res) ) rc = SQLITE_NOMEM;
    set_seconds(&row[RD_SECONDS], d->seconds);
    if( d->nname ){
      if( set_text(&row[RD_NAME], d->names[i].name) ) rc = SQLITE_NOMEM;
      if( d->names[i].confirmed>=0 ) set_int(&row[RD_FCONF], d->names[i].confirmed);
      take_text(&row[RD_ADDRS], addrs_json(&d->names[i].fwd));
      if( d->names[i].confirmed<0 && set_text(&row[RD_REASON], d->names[i].fwd.reason) ) rc = SQLITE_NOMEM;
    }else{
      int fc = rdns_confirmed(d);
      if( fc>=0 ) set_int(&row[RD_FCONF], fc);
      if( set_text(&row[RD_REASON], d->reason) ) rc = SQLITE_NOMEM;
    }
  }
  sqlite3_free(res);
  sqlite3_free(d);
  return rc;
}

/* mx(domain, ...): one row per MX host. */
enum { MX_DOMAIN, MX_PREF, MX_HOST, MX_ADDRS, MX_STATUS, MX_REASON, MX_SECONDS, MX_RESOLVER, MX_NCOL };
static int mx_fill(ck_vtab *vt, ck_cursor *c, sqlite3_value **args){
  const char *dom = args[0] ? (const char*)sqlite3_value_text(args[0]) : 0;
  ck_opts o;
  mt_resolver r;
  mt_mx *m;
  char *res;
  int i, rc;
  if( !dom ){
    if( args[0] ) return SQLITE_OK;
    mt_vtab_error(&vt->base, "mx: give a domain, e.g. SELECT * FROM mx('example.com')");
    return SQLITE_ERROR;
  }
  if( (rc = table_opts(vt, args, &o, "resolver=, timeout=")) || (rc = table_resolver(vt, &o, &r)) ) return rc;
  if( dom[0]=='@' ) dom++;
  m = sqlite3_malloc(sizeof(*m));
  if( !m ) return SQLITE_NOMEM;
  if( mt_dns_mx(&r, dom, m) ){
    sqlite3_free(m);
    mt_vtab_error(&vt->base, "mx: '%s' is not a domain name", dom);
    return SQLITE_ERROR;
  }
  if( m->status==MT_DNS_INTERRUPTED ){ sqlite3_free(m); return SQLITE_INTERRUPT; }
  res = resolver_string(&r);
  rc = res ? SQLITE_OK : SQLITE_NOMEM;
  for(i=0; rc==SQLITE_OK && i<(m->nmx ? m->nmx : 1); i++){
    ck_cell *row = ck_row(c);
    const char *st = m->null_mx ? "null_mx" : m->implicit ? "implicit" : mt_dns_status_word(m->status);
    if( !row ){ rc = SQLITE_NOMEM; break; }
    if( set_text(&row[MX_DOMAIN], dom) || set_text(&row[MX_STATUS], st) || set_text(&row[MX_RESOLVER], res) ) rc = SQLITE_NOMEM;
    set_seconds(&row[MX_SECONDS], m->seconds);
    if( m->nmx ){
      set_int(&row[MX_PREF], m->mx[i].pref);
      if( set_text(&row[MX_HOST], m->null_mx ? "." : m->mx[i].host) ) rc = SQLITE_NOMEM;
      if( !m->null_mx ){
        const mt_dns_addrs *a = &m->mx[i].addrs;
        take_text(&row[MX_ADDRS], addrs_json(a));
        if( a->status!=MT_DNS_OK || a->reason[0] ){
          char *z = sqlite3_mprintf("%s%saddresses of %s: %s", m->implicit ? m->reason : "", m->implicit ? "; " : "",
                                    m->mx[i].host, a->reason[0] ? a->reason : mt_dns_status_word(a->status));
          if( !z ) rc = SQLITE_NOMEM; else take_text(&row[MX_REASON], z);
        }else if( m->implicit && set_text(&row[MX_REASON], m->reason) ){
          rc = SQLITE_NOMEM;
        }
      }else if( set_text(&row[MX_REASON], m->reason) ){
        rc = SQLITE_NOMEM;
      }
    }else if( set_text(&row[MX_REASON], m->reason) ){
      rc = SQLITE_NOMEM;
    }
  }
  sqlite3_free(res);
  sqlite3_free(m);
  return rc;
}

/* sender_ips(domain, ...): from the store of mailtrace_open(). */
enum { SI_IP, SI_RDNS, SI_VERIFIED, SI_MESSAGES, SI_CONNECTIONS, SI_FIRST, SI_LAST, SI_GATEWAYS,
       SI_SOURCE, SI_MX_HOST, SI_MX_PREF, SI_NOTE, SI_NCOL };

/* A UTC time cell, YYYY-MM-DD HH:MM:SS. */
static void iso_cell(ck_cell *cell, int64_t t, int *rc){
  char iso[20];
  mt_time_iso(t, iso);
  if( set_text(cell, iso) ) *rc = SQLITE_NOMEM;
}

static int si_fill(ck_vtab *vt, ck_cursor *c, sqlite3_value **args){
  const char *arg = args[0] ? (const char*)sqlite3_value_text(args[0]) : 0;
  char dom[256];
  int sub = 0, rc, i, j, nv = 0;
  ck_opts o;
  mt_args a;
  void *entry = 0;
  const mt_store *st = 0;
  char *err = 0;
  mt_sender_ip *v = 0;
  int first_row = c->nrow;
  if( !arg ){
    if( args[0] ) return SQLITE_OK;
    mt_vtab_error(&vt->base, "sender_ips: give a domain, e.g. SELECT * FROM sender_ips('example.com')");
    return SQLITE_ERROR;
  }
  if( (rc = table_opts(vt, args, &o, "mx, resolver=, timeout=")) ) return rc;
  if( arg[0]=='@' ) arg++;
  if( arg[0]=='*' && arg[1]=='.' ){ sub = 1; arg += 2; }
  else if( arg[0]=='.' ){ sub = 1; arg += 1; }
  if( !arg[0] || strlen(arg) >= sizeof(dom) || strchr(arg, '@') ){
    mt_vtab_error(&vt->base, "sender_ips: '%s' is not a domain", arg);
    return SQLITE_ERROR;
  }
  memcpy(dom, arg, strlen(arg) + 1);

  memset(&a, 0, sizeof(a));
  rc = mt_open_sources(&vt->base, vt->ctx, "sender_ips", &a, &err);
  if( rc==SQLITE_OK ) rc = mt_store_acquire(vt->ctx, &a, &entry, &st, &err);
  if( rc ) goto done;
  if( mt_sender_ips(st, dom, sub, &v, &nv) ){ rc = SQLITE_NOMEM; goto done; }
  for(i=0; i<nv && rc==SQLITE_OK; i++){
    const mt_sender_ip *e = &v[i];
    ck_cell *row = ck_row(c);
    if( !row ){ rc = SQLITE_NOMEM; break; }
    if( set_text(&row[SI_IP], e->ip) || set_text(&row[SI_RDNS], e->reverse_dns)
     || set_text(&row[SI_GATEWAYS], e->gateways) || set_text(&row[SI_SOURCE], "logs") ) rc = SQLITE_NOMEM;
    if( e->ip && e->dns_verified>=0 ) set_int(&row[SI_VERIFIED], e->dns_verified);
    set_int(&row[SI_MESSAGES], e->messages);
    if( e->ip ) set_int(&row[SI_CONNECTIONS], e->connections);
    if( e->first<=e->last ){ iso_cell(&row[SI_FIRST], e->first, &rc); iso_cell(&row[SI_LAST], e->last, &rc); }
    if( !e->ip && set_text(&row[SI_NOTE], "the connection of these messages is not in the opened logs "
                                         "(it began before them): the client IP is unknown") ) rc = SQLITE_NOMEM;
  }
  if( rc==SQLITE_OK && o.mx ){
    mt_resolver r;
    mt_mx *m;
    char *res;
    if( (rc = table_resolver(vt, &o, &r)) ) goto done;
    m = sqlite3_malloc(sizeof(*m));
    if( !m ){ rc = SQLITE_NOMEM; goto done; }
    if( mt_dns_mx(&r, dom, m) ){ m->status = MT_DNS_BADREPLY; snprintf(m->reason, sizeof(m->reason), "'%s' is not a domain name", dom); m->nmx = 0; }
    if( m->status==MT_DNS_INTERRUPTED ){ sqlite3_free(m); rc = SQLITE_INTERRUPT; goto done; }
    res = resolver_string(&r);
    if( !res ) rc = SQLITE_NOMEM;
    if( m->nmx==0 || m->null_mx ){
      ck_cell *row = rc ? 0 : ck_row(c);
      if( !row ) rc = SQLITE_NOMEM;
      else{
        char *z = sqlite3_mprintf("mx (%s, resolver %s): %s", m->null_mx ? "null_mx" : mt_dns_status_word(m->status), res,
                                  m->reason);
        set_int(&row[SI_MESSAGES], 0);
        if( set_text(&row[SI_SOURCE], "mx") ) rc = SQLITE_NOMEM;
        if( !z ) rc = SQLITE_NOMEM; else take_text(&row[SI_NOTE], z);
      }
    }
    for(i=0; rc==SQLITE_OK && !m->null_mx && i<m->nmx; i++){
      const mt_dns_addrs *ad = &m->mx[i].addrs;
      if( ad->n==0 ){
        ck_cell *row = ck_row(c);
        char *z;
        if( !row ){ rc = SQLITE_NOMEM; break; }
        set_int(&row[SI_MESSAGES], 0);
        set_int(&row[SI_MX_PREF], m->mx[i].pref);
        z = sqlite3_mprintf("no address for the MX host: %s", ad->reason[0] ? ad->reason : mt_dns_status_word(ad->status));
        if( set_text(&row[SI_SOURCE], "mx") || set_text(&row[SI_MX_HOST], m->mx[i].host) || !z ) rc = SQLITE_NOMEM;
        take_text(&row[SI_NOTE], z);
        continue;
      }
      for(j=0; rc==SQLITE_OK && j<ad->n; j++){
        int k;
        ck_cell *row = 0;
        for(k=first_row; k<c->nrow; k++){
          ck_cell *rw = &c->cells[k * c->ncol];
          if( rw[SI_IP].z && strcmp(rw[SI_IP].z, ad->addr[j])==0 ){ row = rw; break; }
        }
        if( row ){
          if( row[SI_MX_HOST].t ) continue;          /* listed under a better MX already */
          sqlite3_free(row[SI_SOURCE].z);
          row[SI_SOURCE].z = 0;
          if( set_text(&row[SI_SOURCE], "logs+mx") ) rc = SQLITE_NOMEM;
        }else{
          if( !(row = ck_row(c)) ){ rc = SQLITE_NOMEM; break; }
          set_int(&row[SI_MESSAGES], 0);
          set_int(&row[SI_CONNECTIONS], 0);
          if( set_text(&row[SI_IP], ad->addr[j]) || set_text(&row[SI_SOURCE], "mx") ) rc = SQLITE_NOMEM;
        }
        set_int(&row[SI_MX_PREF], m->mx[i].pref);
        if( set_text(&row[SI_MX_HOST], m->mx[i].host) ) rc = SQLITE_NOMEM;
      }
    }
    sqlite3_free(res);
    sqlite3_free(m);
  }
done:
  if( entry ) mt_store_release(entry);
  mt_args_free(&a);
  mt_sender_ips_free(v, nv);
  if( rc && err ) mt_vtab_error(&vt->base, "%s", err);
  sqlite3_free(err);
  return rc;
}

static const ck_def rd_def = { "reverse_dns",
  "CREATE TABLE x(ip TEXT, name TEXT, forward_confirmed INTEGER, addresses TEXT, status TEXT,"
  " reason TEXT, lookup_seconds REAL, resolver TEXT, ip_arg HIDDEN, opt1 HIDDEN, opt2 HIDDEN, opt3 HIDDEN)",
  RD_NCOL, 1 + CK_MAXOPT, rd_fill };
static const ck_def mx_def = { "mx",
  "CREATE TABLE x(domain TEXT, preference INTEGER, host TEXT, addresses TEXT, status TEXT,"
  " reason TEXT, lookup_seconds REAL, resolver TEXT, domain_arg HIDDEN, opt1 HIDDEN, opt2 HIDDEN, opt3 HIDDEN)",
  MX_NCOL, 1 + CK_MAXOPT, mx_fill };
static const ck_def si_def = { "sender_ips",
  "CREATE TABLE x(ip TEXT, reverse_dns TEXT, dns_verified INTEGER, messages INTEGER, connections INTEGER,"
  " first_seen TEXT, last_seen TEXT, gateways TEXT, source TEXT, mx_host TEXT, mx_preference INTEGER,"
  " note TEXT, domain_arg HIDDEN, opt1 HIDDEN, opt2 HIDDEN, opt3 HIDDEN)",
  SI_NCOL, 1 + CK_MAXOPT, si_fill };

static sqlite3_module ckModule = {
  0, 0, ck_connect, ck_bestindex, ck_disconnect, ck_disconnect, ck_open, ck_close, ck_filter,
  ck_next, ck_eof, ck_column, ck_rowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

static void def_free(void *p){
  ck_def_ctx *d = p;
  mt_ctx_unref(d->ctx);
  sqlite3_free(d);
}

static int register_table(sqlite3 *db, mt_ctx *ctx, const ck_def *def){
  ck_def_ctx *d = sqlite3_malloc(sizeof(*d));
  if( !d ) return SQLITE_NOMEM;
  d->def = *def;
  d->ctx = mt_ctx_ref(ctx);
  return sqlite3_create_module_v2(db, def->name, &ckModule, d, def_free);
}

int mt_register_checks(sqlite3 *db, mt_ctx *ctx){
  int rc = SQLITE_OK, i;
  const int flags = SQLITE_UTF8 | SQLITE_DIRECTONLY;
  for(i=1; i<=1+CK_MAXOPT && rc==SQLITE_OK; i++)
    rc = sqlite3_create_function_v2(db, "reverse_dns", i, flags, 0, reverseDnsFunc, 0, 0, 0);
  for(i=1; i<=4+CK_MAXOPT && rc==SQLITE_OK; i++)
    rc = sqlite3_create_function_v2(db, "smtp_probe", i, flags, 0, smtpProbeFunc, 0, 0, 0);
  if( rc==SQLITE_OK ) rc = register_table(db, ctx, &rd_def);
  if( rc==SQLITE_OK ) rc = register_table(db, ctx, &mx_def);
  if( rc==SQLITE_OK ) rc = register_table(db, ctx, &si_def);
  return rc;
}
