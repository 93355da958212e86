/* SPDX-License-Identifier: MIT */
/*
** tables.c — helpers shared by the virtual tables (see tables.h).
*/
#include "tables.h"
#include "watch.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mt_interrupted(void *pDb){
  sqlite3 *db = pDb;
  sqlite3_stmt *st = 0;
  /* While the connection is being interrupted and a statement runs, SQLite
  ** refuses to compile a new one with SQLITE_INTERRUPT: that is the probe. */
  int rc = sqlite3_prepare_v2(db, "SELECT 1", -1, &st, 0);
  sqlite3_finalize(st);
  return rc==SQLITE_INTERRUPT;
}

int mt_rc_to_sqlite(mt_rc rc, const char *err, char **pzErrMsg){
  if( pzErrMsg ) *pzErrMsg = 0;
  switch( rc ){
    case MT_OK:          return SQLITE_OK;
    case MT_NOMEM:       return SQLITE_NOMEM;
    case MT_INTERRUPTED: return SQLITE_INTERRUPT;
    default:             break;
  }
  if( !err ) return SQLITE_NOMEM;         /* the message could not be made */
  if( pzErrMsg && !(*pzErrMsg = sqlite3_mprintf("%s", err)) ) return SQLITE_NOMEM;
  return SQLITE_ERROR;
}

int mt_scan_to_sqlite(const mt_scan *s, char **pzErrMsg){
  mt_rc rc = s->interrupted ? MT_INTERRUPTED : s->rc!=MT_OK ? s->rc : MT_IO;
  return mt_rc_to_sqlite(rc, s->err ? s->err : mt_rc_name(rc), pzErrMsg);
}

int mt_sqlite_grow(void *pp, int *pcap, int need, size_t elem){
  size_t cap = *pcap>0 ? (size_t)*pcap : 0, nc;
  void *old, *nw;
  if( need < 0 ) return SQLITE_NOMEM;
  if( (size_t)need <= cap ) return SQLITE_OK;
  nc = mt_grow_cap(cap, (size_t)need, elem, INT_MAX);
  if( nc==0 ) return SQLITE_NOMEM;
  memcpy(&old, pp, sizeof old);          /* any pointer type, read as bytes */
  nw = sqlite3_realloc64(old, (sqlite3_uint64)nc * (sqlite3_uint64)(elem ? elem : 1));
  if( !nw ) return SQLITE_NOMEM;
  memcpy(pp, &nw, sizeof nw);
  *pcap = (int)nc;
  return SQLITE_OK;
}

int mt_direct_call(sqlite3_context *ctx, const char *name){
  sqlite3 *db = sqlite3_context_db_handle(ctx);
  sqlite3_stmt *st = 0;
  while( (st = sqlite3_next_stmt(db, st))!=0 ){
    const char *z;
    if( !sqlite3_stmt_busy(st) ) continue;
    /* the name as a call: "name(" or "name (" */
    for(z = sqlite3_sql(st); z && (z = strcasestr(z, name))!=0; ){
      z += strlen(name);
      while( *z==' ' || *z=='\t' || *z=='\n' || *z=='\r' ) z++;
      if( *z=='(' ) return 1;
    }
  }
  return 0;
}

void mt_vtab_error(sqlite3_vtab *vt, const char *fmt, ...){
  va_list ap;
  va_start(ap, fmt);
  sqlite3_free(vt->zErrMsg);
  vt->zErrMsg = sqlite3_vmprintf(fmt, ap);
  va_end(ap);
}

/* Remove SQL quoting: 'x', "x", [x], `x` (doubled quotes inside collapse). */
static char *dequote(const char *z){
  size_t n = strlen(z), i, j;
  char q = z[0], *out;
  if( n<2 || !(q=='\'' || q=='"' || q=='[' || q=='`') ) return sqlite3_mprintf("%s", z);
  if( q=='[' ) q = ']';
  if( z[n-1]!=q ) return sqlite3_mprintf("%s", z);
  out = sqlite3_malloc64(n);
  if( !out ) return 0;
  for(i=1, j=0; i<n-1; i++){
    out[j++] = z[i];
    if( z[i]==q && z[i+1]==q && i+1<n-1 ) i++;
  }
  out[j] = 0;
  return out;
}

int mt_args_add(mt_args *a, int argc, const char *const *argv, int dequote_args, char **pzErr){
  int i;
  *pzErr = 0;
  for(i=0; i<argc; i++){
    char *arg, *err = 0, **nr;
    int rc;
    if( argv[i]==0 ){ *pzErr = sqlite3_mprintf("argument %d is NULL: give a file, directory or glob", i+1); return SQLITE_ERROR; }
    if( dequote_args ){
      /* "host='esa 1'" → host=esa 1; "'/logs/x'" → /logs/x */
      const char *eq = strchr(argv[i], '=');
      if( eq && !strchr("'\"`[", argv[i][0]) ){
        char *v = dequote(eq+1);
        arg = v ? sqlite3_mprintf("%.*s=%s", (int)(eq-argv[i]), argv[i], v) : 0;
        sqlite3_free(v);
      }else{
        arg = dequote(argv[i]);
      }
    }else{
      arg = sqlite3_mprintf("%s", argv[i]);
    }
    if( !arg ) return SQLITE_NOMEM;
    rc = mt_opts_parse(&a->opts, arg, &err);
    if( rc && err ){
      *pzErr = sqlite3_mprintf("%s", err);
      free(err);
      sqlite3_free(arg);
      return SQLITE_ERROR;
    }
    nr = sqlite3_realloc64(a->raw, sizeof(char*)*(size_t)(a->nraw+1));
    if( !nr ){ sqlite3_free(arg); return SQLITE_NOMEM; }
    a->raw = nr;
    a->raw[a->nraw++] = arg;
    if( rc==0 ){
      const char **ns = sqlite3_realloc64(a->src, sizeof(char*)*(size_t)(a->nsource+1));
      if( !ns ) return SQLITE_NOMEM;
      a->src = ns;
      a->src[a->nsource++] = arg;
    }
  }
  return SQLITE_OK;
}

/* Append n bytes; 0, or -1 when out of memory. */
static int key_put(char **pz, size_t *pn, size_t *pcap, const char *p, size_t n){
  if( *pn + n + 1 > *pcap ){
    size_t cap = *pcap ? *pcap : 1024;
    char *z;
    while( cap < *pn + n + 1 ) cap *= 2;
    z = sqlite3_realloc64(*pz, cap);
    if( !z ) return -1;
    *pz = z; *pcap = cap;
  }
  memcpy(*pz + *pn, p, n);
  *pn += n;
  (*pz)[*pn] = 0;
  return 0;
}

/* ":<decimal>" (a 64-bit value, the sign of a negative one kept). */
static int key_num(char **pz, size_t *pn, size_t *pcap, uint64_t v, int neg){
  char b[24], *e = b + sizeof(b), *p = e;
  do{ *--p = (char)('0' + v%10); v /= 10; }while( v );
  if( neg ) *--p = '-';
  *--p = ':';
  return key_put(pz, pn, pcap, p, (size_t)(e-p));
}

static uint64_t abs64(int64_t x, int *neg){ *neg = x<0; return x<0 ? (uint64_t)(-(x+1)) + 1u : (uint64_t)x; }

/* The options that change what is built, then every file: hand-made (no
** printf per file: this runs at every listing that changed). */
static char *make_key(const mt_args *a){
  char *z = 0;
  size_t n = 0, cap = 0;
  char *o = sqlite3_mprintf("host=%s|tz=%d:%d|year=%d|skip=%d",
                            a->opts.host ? a->opts.host : "", a->opts.tz_set, a->opts.tz_off,
                            a->opts.year, a->opts.on_error_skip);
  int i, bad;
  if( !o ) return 0;
  bad = key_put(&z, &n, &cap, o, strlen(o));
  sqlite3_free(o);
  for(i=0; !bad && i<a->files.n; i++){
    const mt_file *f = &a->files.a[i];
    int ns, nm;
    uint64_t sz = abs64(f->size, &ns), mt = abs64(f->mtime, &nm);
    bad = key_put(&z, &n, &cap, "|", 1) || key_put(&z, &n, &cap, f->path, strlen(f->path))
       || key_num(&z, &n, &cap, f->dev, 0) || key_num(&z, &n, &cap, f->ino, 0)
       || key_num(&z, &n, &cap, sz, ns) || key_num(&z, &n, &cap, mt, nm);
  }
  if( bad ){ sqlite3_free(z); return 0; }
  return z;
}

const char *mt_args_key(const mt_args *a){ return a->key; }

int mt_args_expand(mt_args *a, char **pzErr){
  char *err = 0;
  int changed = 1;
  *pzErr = 0;
  /* every source's stat, readdir or glob, and a stat per name, every time;
  ** the list itself and its key only when one of those differs */
  if( mt_files_relist(&a->files, &a->memo, a->src, a->nsource, &changed, &err) ){
    sqlite3_free(a->key);
    a->key = 0;
    *pzErr = sqlite3_mprintf("%s", err ? err : "out of memory");
    free(err);
    return err ? SQLITE_ERROR : SQLITE_NOMEM;
  }
  if( changed || !a->key ){
    sqlite3_free(a->key);
    if( !(a->key = make_key(a)) ) return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

void mt_args_free(mt_args *a){
  int i;
  for(i=0; i<a->nraw; i++) sqlite3_free(a->raw[i]);
  sqlite3_free(a->raw);
  a->raw = 0; a->nraw = 0;
  sqlite3_free(a->src);
  a->src = 0;
  mt_files_free(&a->files);
  mt_filememo_free(&a->memo);
  sqlite3_free(a->key);
  a->key = 0;
  mt_opts_free(&a->opts);
  a->nsource = 0;
}

int mt_args_bind(mt_args *a, int argc, const char *const *argv, int *pBound, char **pzErr){
  int rc;
  *pBound = 0;
  if( argc <= 3 ) return SQLITE_OK;            /* the eponymous form: sources come per call */
  rc = mt_args_add(a, argc-3, argv+3, 1, pzErr);
  if( rc==SQLITE_OK ) rc = mt_args_expand(a, pzErr);
  if( rc==SQLITE_OK && a->nsource==0 ){
    *pzErr = sqlite3_mprintf("%s: give at least one source (file, directory or glob)", argv[2]);
    rc = SQLITE_ERROR;
  }
  if( rc ) mt_args_free(a);
  else *pBound = 1;
  return rc;
}

int mt_args_for_filter(sqlite3_vtab *vt, const char *name, const char *example,
                       mt_args *bound, int isBound, mt_args *call,
                       int nArg, sqlite3_value **argv, const mt_args **ppOut, int *listed){
  const char *zArgs[MT_MAX_ARGS];
  char *err = 0;
  int i, rc;
  *ppOut = 0;
  if( nArg>0 ){
    for(i=0; i<nArg && i<MT_MAX_ARGS; i++) zArgs[i] = (const char*)sqlite3_value_text(argv[i]);
    rc = mt_args_add(call, i, zArgs, 0, &err);
    if( rc==SQLITE_OK ) rc = mt_args_expand(call, &err);
    if( rc==SQLITE_OK && call->nsource==0 ){
      err = sqlite3_mprintf("%s: give at least one source (file, directory or glob)", name);
      rc = SQLITE_ERROR;
    }
    if( rc==SQLITE_OK ) *ppOut = call;
  }else if( isBound ){
    rc = listed && *listed && bound->files.n>0 ? SQLITE_OK : mt_args_expand(bound, &err);
    if( rc==SQLITE_OK ){ *ppOut = bound; if( listed ) *listed = 1; }
  }else{
    err = sqlite3_mprintf("%s: give a source, e.g. %s('%s')", name, name, example);
    rc = SQLITE_ERROR;
  }
  if( rc ){
    if( rc!=SQLITE_NOMEM || err ) mt_vtab_error(vt, "%s", err ? err : "out of memory");
    sqlite3_free(err);
  }
  return rc;
}

int mt_src_connect(sqlite3 *db, void *pAux, const char *schema, const void *def,
                   int argc, const char *const *argv, sqlite3_vtab **ppVtab, char **pzErr){
  mt_src_vtab *vt;
  int rc;
  /* A table bound to sources, stored in a database file (main, or an
  ** attached one), would read them for whoever opens that file and selects
  ** from it: top-level SQL, so SQLITE_VTAB_DIRECTONLY does not stop it. */
  if( argc>3 && sqlite3_stricmp(argv[1], "temp")!=0 && !((mt_ctx*)pAux)->trust_schema ){
    *pzErr = sqlite3_mprintf("%s: a table created with sources or options must be in TEMP "
                             "(CREATE VIRTUAL TABLE temp.%s USING %s(...)): a table stored in the "
                             "database \"%s\" would read files for whoever opens it; to trust this "
                             "connection's database schema, SELECT mailtrace_trust_schema(1) first",
                             argv[0], argv[2], argv[0], argv[1]);
    return SQLITE_ERROR;
  }
  rc = sqlite3_declare_vtab(db, schema);
  if( rc ) return rc;
  /* SQLITE_VTAB_DIRECTONLY: these tables read the files named by their
  ** arguments.  A schema someone else wrote (a view or trigger in a
  ** database file you were sent) must not be able to read your file system
  ** through them: only top-level SQL, or a TEMP view you made, may use them. */
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  vt = sqlite3_malloc(sizeof(*vt));
  if( !vt ) return SQLITE_NOMEM;
  memset(vt, 0, sizeof(*vt));
  vt->ctx = pAux;
  vt->def = def;
  rc = mt_args_bind(&vt->args, argc, argv, &vt->bound, pzErr);
  if( rc ){ sqlite3_free(vt); return rc; }
  /* A bound table lists the same sources at every cursor: watched, a
  ** listing whose files did not change is not walked again (files.h).
  ** (Tables given sources per call list afresh each time: nothing kept.) */
  if( vt->bound ){
    mt_ctx *c = vt->ctx;
    if( !c->watch ) c->watch = mt_watch_new();
    vt->args.memo.watch = c->watch;
  }
  *ppVtab = &vt->base;
  return SQLITE_OK;
}

int mt_src_disconnect(sqlite3_vtab *pVtab){
  mt_src_vtab *vt = (mt_src_vtab*)pVtab;
  mt_args_free(&vt->args);
  sqlite3_free(vt);
  return SQLITE_OK;
}

/* Every "argN = ?" from column firstArg on: argv 1..n in argument order. */
static int plan_args(sqlite3_index_info *p, int firstArg, int *pnArg){
  int argAt[MT_MAX_ARGS];
  int i, n = 0;
  *pnArg = 0;
  for(i=0; i<MT_MAX_ARGS; i++) argAt[i] = -1;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->iColumn < firstArg || c->iColumn >= firstArg+MT_MAX_ARGS
     || c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( !c->usable ) return SQLITE_CONSTRAINT;
    argAt[c->iColumn - firstArg] = i;
  }
  for(i=0; i<MT_MAX_ARGS; i++){
    if( argAt[i]<0 ) continue;
    p->aConstraintUsage[argAt[i]].argvIndex = ++n;
    p->aConstraintUsage[argAt[i]].omit = 1;
  }
  *pnArg = n;
  return SQLITE_OK;
}

static int plan_args_bound(sqlite3_vtab *pVtab, sqlite3_index_info *p, int firstArg, int bound, int *pnArg){
  int rc = plan_args(p, firstArg, pnArg);
  if( rc==SQLITE_OK && *pnArg>0 && bound ){
    *pnArg = 0;
    mt_vtab_error(pVtab, "this table was created with its sources; it takes no arguments");
    return SQLITE_ERROR;
  }
  return rc;
}

int mt_plan_begin(mt_plan_builder *b, sqlite3_vtab *vt, sqlite3_index_info *p, int firstArg, int bound){
  int k, rc;
  memset(b, 0, sizeof(*b));
  b->p = p;
  for(k=0; k<MT_PLAN_NVALUE; k++) b->at[k] = -1;
  rc = plan_args_bound(vt, p, firstArg, bound, &b->nArg);
  b->idxNum = b->nArg & MT_PLAN_NARG;
  return rc;
}

void mt_plan_value(mt_plan_builder *b, int k, int iCons, int omit, const char *word){
  if( k<0 || k>=MT_PLAN_NVALUE || b->at[k]>=0 ) return;
  b->at[k] = iCons;
  b->omit[k] = (unsigned char)(omit!=0);
  snprintf(b->word[k], sizeof(b->word[k]), "%s", word);
  b->idxNum |= MT_PLAN_V(k);
  b->p->aConstraintUsage[iCons].argvIndex = MT_MAX_ARGS + 1 + k;   /* taken; numbered at the end */
}

void mt_plan_ordered_as(mt_plan_builder *b, int kind, const char *word){
  b->p->orderByConsumed = 1;
  b->idxNum = (b->idxNum & ~(3<<29)) | MT_PLAN_ORDERED | ((kind & 3)<<29);
  snprintf(b->order, sizeof(b->order), "%s", word);
}

void mt_plan_ordered(mt_plan_builder *b, int col, const char *name){
  sqlite3_index_info *p = b->p;
  char word[sizeof(b->order)];
  if( col<0 || p->nOrderBy!=1 || p->aOrderBy[0].iColumn!=col || p->aOrderBy[0].desc ) return;
  snprintf(word, sizeof(word), "ORDER BY %s", name);
  mt_plan_ordered_as(b, 0, word);
}

int mt_plan_end(mt_plan_builder *b){
  sqlite3_index_info *p = b->p;
  sqlite3_str *text = sqlite3_str_new(0);
  int k, n = b->nArg;
  for(k=0; k<b->nArg; k++) sqlite3_str_appendf(text, "%sarg", k ? " " : "");
  for(k=0; k<MT_PLAN_NVALUE; k++){
    if( b->at[k]<0 ) continue;
    p->aConstraintUsage[b->at[k]].argvIndex = ++n;
    p->aConstraintUsage[b->at[k]].omit = b->omit[k];
    sqlite3_str_appendf(text, "%s%s", sqlite3_str_length(text) ? " " : "", b->word[k]);
  }
  if( b->order[0] ) sqlite3_str_appendf(text, "%s%s", sqlite3_str_length(text) ? " " : "", b->order);
  p->idxNum = b->idxNum;
  /* A plan text lost to an allocation failure is an error, not an empty
  ** plan (EXPLAIN would show a plan that is not the one run). */
  if( sqlite3_str_errcode(text) ){ sqlite3_free(sqlite3_str_finish(text)); return SQLITE_NOMEM; }
  if( sqlite3_str_length(text)==0 ){ sqlite3_free(sqlite3_str_finish(text)); return SQLITE_OK; }
  p->idxStr = sqlite3_str_finish(text);
  if( !p->idxStr ) return SQLITE_NOMEM;
  p->needToFreeIdxStr = 1;
  return SQLITE_OK;
}

void mt_plan_decode(mt_plan *pl, int idxNum, int argc, sqlite3_value **argv){
  int k, iv;
  memset(pl, 0, sizeof(*pl));
  pl->idxNum = idxNum;
  pl->nArg = idxNum & MT_PLAN_NARG;
  iv = pl->nArg;
  if( pl->nArg > argc ) pl->nArg = argc;
  for(k=0; k<MT_PLAN_NVALUE; k++){
    if( !(idxNum & MT_PLAN_V(k)) ) continue;
    if( iv<argc ) pl->v[k] = argv[iv];
    iv++;
  }
}

int mt_scan_cursor_begin(mt_scan_cursor *c, const char *name, const char *example,
                         int nArg, sqlite3_value **argv){
  mt_src_vtab *vt = (mt_src_vtab*)c->base.pVtab;
  int rc;
  c->eof = 0;
  c->rowid = 0;
  rc = mt_args_for_filter(&vt->base, name, example, &vt->args, vt->bound,
                          &c->callargs, nArg, argv, &c->args, 0);
  if( rc ) return rc;
  mt_files_free(&c->files);
  if( mt_files_copy(&c->files, &c->args->files) ) return SQLITE_NOMEM;
  mt_scan_init(&c->scan, &c->files, &c->args->opts);
  c->scan.should_stop = mt_interrupted;
  c->scan.stop_arg = vt->ctx->db;
  c->scanning = 1;
  c->published = 0;
  return SQLITE_OK;
}

void mt_scan_cursor_publish(mt_scan_cursor *c){
  mt_src_vtab *vt = (mt_src_vtab*)c->base.pVtab;
  if( c->scanning && !c->published ){
    mt_publish(vt->ctx, &c->scan.stats, &c->scan.problems, &c->scan.nproblem);
    c->published = 1;
  }
}

void mt_scan_cursor_end(mt_scan_cursor *c){
  if( c->scanning ){
    mt_scan_cursor_publish(c);
    mt_scan_end(&c->scan);
    c->scanning = 0;
  }
  mt_files_free(&c->files);
  mt_args_free(&c->callargs);
}

int mt_scan_cursor_stop(mt_scan_cursor *c, int rc){
  c->eof = 1;
  if( rc<0 ){
    char *err = 0;
    int code = mt_scan_to_sqlite(&c->scan, &err);
    if( err ){ mt_vtab_error(c->base.pVtab, "%s", err); sqlite3_free(err); }
    return code;
  }
  return SQLITE_OK;
}

int mt_scan_cursor_eof(sqlite3_vtab_cursor *cur){
  mt_scan_cursor *c = (mt_scan_cursor*)cur;
  if( c->eof ) mt_scan_cursor_publish(c);
  return c->eof;
}

int mt_scan_cursor_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((mt_scan_cursor*)cur)->rowid;
  return SQLITE_OK;
}

int mt_vtab_connect(sqlite3 *db, void *pAux, const char *schema, int directonly, sqlite3_vtab **ppVtab){
  mt_vtab *vt;
  int rc = sqlite3_declare_vtab(db, schema);
  if( rc ) return rc;
  sqlite3_vtab_config(db, directonly ? SQLITE_VTAB_DIRECTONLY : SQLITE_VTAB_INNOCUOUS);
  vt = sqlite3_malloc(sizeof(*vt));
  if( !vt ) return SQLITE_NOMEM;
  memset(vt, 0, sizeof(*vt));
  vt->ctx = pAux;
  *ppVtab = &vt->base;
  return SQLITE_OK;
}

int mt_vtab_disconnect(sqlite3_vtab *pVtab){
  sqlite3_free(pVtab);
  return SQLITE_OK;
}

int mt_open_sources(sqlite3_vtab *vt, mt_ctx *ctx, const char *name, mt_args *a, char **pzErr){
  int rc;
  memset(a, 0, sizeof(*a));
  *pzErr = 0;
  if( ctx->nopen_args==0 ){
    mt_vtab_error(vt, "%s: call mailtrace_open('/path/to/logs') first", name);
    return SQLITE_ERROR;
  }
  rc = mt_args_add(a, ctx->nopen_args, (const char *const*)ctx->open_args, 0, pzErr);
  if( rc==SQLITE_OK ) rc = mt_args_expand(a, pzErr);
  return rc;
}

int mt_plan_source(sqlite3_index_info *p, int i, int *pn){
  p->aConstraintUsage[i].argvIndex = ++*pn;
  p->aConstraintUsage[i].omit = 1;
  return sqlite3_vtab_in(p, i, 1) ? MT_SOURCE_IN : MT_SOURCE_EQ;
}

int mt_sources_for(sqlite3_vtab *vt, mt_ctx *ctx, const char *name, sqlite3_value *v, int how,
                   mt_args *a){
  char *azArg[MT_MAX_ARGS] = {0};
  char *err = 0;
  int n = 0, rc = SQLITE_OK, i;
  memset(a, 0, sizeof(*a));
  if( how==0 ){
    if( ctx->nopen_args==0 ){
      mt_vtab_error(vt, "%s: name the logs (source = '/var/log/esa/') or call mailtrace_open('/var/log/esa/') first", name);
      return SQLITE_ERROR;
    }
    rc = mt_open_sources(vt, ctx, name, a, &err);
  }else{
    /* copies: the values of an IN list live only until the next one is asked for */
    sqlite3_value *x = v;
    if( how==MT_SOURCE_IN ) rc = sqlite3_vtab_in_first(v, &x);
    while( rc==SQLITE_OK && x ){
      if( sqlite3_value_type(x)!=SQLITE_TEXT ){
        mt_vtab_error(vt, "%s: source wants a file, directory or glob as text, not %s", name,
                      sqlite3_value_type(x)==SQLITE_NULL ? "NULL" : "a number or blob");
        rc = SQLITE_ERROR;
        break;
      }
      if( n==MT_MAX_ARGS ){
        mt_vtab_error(vt, "%s: at most %d sources and options", name, MT_MAX_ARGS);
        rc = SQLITE_ERROR;
        break;
      }
      if( !(azArg[n] = sqlite3_mprintf("%s", (const char*)sqlite3_value_text(x))) ){ rc = SQLITE_NOMEM; break; }
      n++;
      if( how!=MT_SOURCE_IN ) break;
      rc = sqlite3_vtab_in_next(v, &x);
    }
    if( rc==SQLITE_DONE ) rc = SQLITE_OK;
    if( rc==SQLITE_OK ) rc = mt_args_add(a, n, (const char *const*)azArg, 0, &err);
    if( rc==SQLITE_OK && a->nsource==0 ){
      mt_vtab_error(vt, "%s: give at least one source (file, directory or glob), not only options", name);
      rc = SQLITE_ERROR;
    }
    if( rc==SQLITE_OK ) rc = mt_args_expand(a, &err);
    for(i=0; i<n; i++) sqlite3_free(azArg[i]);
  }
  if( rc ){
    if( err ) mt_vtab_error(vt, "%s", err);
    sqlite3_free(err);
    mt_args_free(a);
    memset(a, 0, sizeof(*a));
  }
  return rc;
}

mt_ctx *mt_ctx_ref(mt_ctx *c){
  c->refs++;
  return c;
}

void mt_ctx_unref(void *p){
  mt_ctx *c = p;
  int i;
  if( !c || --c->refs > 0 ) return;
  if( c->entities && c->free_entities ) c->free_entities(c->entities);
  mt_watch_free(c->watch);
  for(i=0; i<c->nproblem; i++){ free(c->problems[i].file); free(c->problems[i].message); }
  free(c->problems);
  for(i=0; i<c->nopen_args; i++) sqlite3_free(c->open_args[i]);
  sqlite3_free(c->open_args);
  sqlite3_free(c);
}

void mt_publish(mt_ctx *ctx, const mt_stats *stats, mt_problem **pproblems, int *pnproblem){
  int i;
  if( !ctx ) return;
  if( stats ) ctx->last = *stats;
  for(i=0; i<ctx->nproblem; i++){ free(ctx->problems[i].file); free(ctx->problems[i].message); }
  free(ctx->problems);
  ctx->problems = 0;
  ctx->nproblem = 0;
  if( pproblems && pnproblem ){
    ctx->problems = *pproblems;
    ctx->nproblem = *pproblems ? *pnproblem : 0;
    *pproblems = 0;
    *pnproblem = 0;
  }
}

/* Longest run in pat[0..n) without wildcards (and, for case-insensitive
** LIKE, without ASCII letters, whose case may differ). */
size_t mt_pattern_literal(const char *pat, int is_glob, char *out, size_t cap){
  size_t best = 0, bestAt = 0, run = 0, runAt = 0, i, n = strlen(pat);
  for(i=0; i<=n; i++){
    char c = i<n ? pat[i] : 0;
    int breaks;
    if( is_glob ){
      breaks = (c==0 || c=='*' || c=='?' || c=='[');
      if( c=='[' ){
        /* skip the class: "[]...]" or "[^]...]" */
        size_t j = i+1;
        if( j<n && pat[j]=='^' ) j++;
        if( j<n && pat[j]==']' ) j++;
        while( j<n && pat[j]!=']' ) j++;
        if( run>best ){ best = run; bestAt = runAt; }
        run = 0;
        i = j;
        runAt = i+1;
        continue;
      }
    }else{
      breaks = (c==0 || c=='%' || c=='_' || (c>='a'&&c<='z') || (c>='A'&&c<='Z'));
    }
    if( breaks ){
      if( run>best ){ best = run; bestAt = runAt; }
      run = 0;
      runAt = i+1;
    }else{
      run++;
    }
  }
  if( best < 3 || best > cap ) return 0;   /* too short to pay for itself */
  memcpy(out, pat+bestAt, best);
  return best;
}

int mt_id_value(sqlite3_value *v, int64_t *pId){
  int t = sqlite3_value_numeric_type(v);
  if( t==SQLITE_INTEGER ){ *pId = sqlite3_value_int64(v); return 1; }
  if( t==SQLITE_FLOAT ){
    double d = sqlite3_value_double(v);
    /* Only a whole number inside int64's range is cast: converting 1e300
    ** (or NaN) to an integer is undefined behaviour in C, and no id is
    ** that large anyway. */
    if( d >= -9223372036854775808.0 && d < 9223372036854775808.0 && d==(double)(int64_t)d ){
      *pId = (int64_t)d;
      return 1;
    }
  }
  return 0;
}

void mt_result_time(sqlite3_context *ctx, int has_time, int64_t t){
  char iso[20];
  if( !has_time ) return;
  mt_time_iso(t, iso);
  sqlite3_result_text(ctx, iso, 19, SQLITE_TRANSIENT);
}

/* ------------------------------------------------ tables read in one pass */

typedef struct rowset_aux { mt_ctx *ctx; const mt_rowset_def *def; } rowset_aux;
typedef struct rowset_vtab {
  mt_vtab base;              /* first: an mt_vtab (ctx) */
  const mt_rowset_def *def;
} rowset_vtab;

static int rsConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                     sqlite3_vtab **ppVtab, char **pzErr){
  rowset_aux *aux = pAux;
  const mt_rowset_def *def = aux->def;
  rowset_vtab *vt;
  char *cols = def->make_columns ? def->make_columns() : 0;
  char *schema;
  int rc;
  (void)argc; (void)argv; (void)pzErr;
  if( def->make_columns && !cols ) return SQLITE_NOMEM;
  schema = sqlite3_mprintf("CREATE TABLE x(%s, arg1 HIDDEN, arg2 HIDDEN, arg3 HIDDEN, arg4 HIDDEN,"
                           " arg5 HIDDEN, arg6 HIDDEN, arg7 HIDDEN, arg8 HIDDEN)",
                           cols ? cols : def->columns);
  sqlite3_free(cols);
  if( !schema ) return SQLITE_NOMEM;
  rc = sqlite3_declare_vtab(db, schema);
  sqlite3_free(schema);
  if( rc ) return rc;
  /* DIRECTONLY: it reads the files named by its arguments. */
  sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
  vt = sqlite3_malloc(sizeof(*vt));
  if( !vt ) return SQLITE_NOMEM;
  memset(vt, 0, sizeof(*vt));
  vt->base.ctx = aux->ctx;
  vt->def = def;
  *ppVtab = &vt->base.base;
  return SQLITE_OK;
}

/* The plan: arguments only (tables.h, "The plan"): idxNum bits 0-4 = their
** number, argv[0..n) in argument order; no value flags. */
static int rsBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  const mt_rowset_def *def = ((rowset_vtab*)pVtab)->def;
  mt_plan_builder b;
  int rc = mt_plan_begin(&b, pVtab, p, def->ncol, 0);
  if( rc ) return rc;
  p->estimatedCost = 1e6;
  p->estimatedRows = (sqlite3_int64)def->rows;
  return mt_plan_end(&b);
}

static int rsOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  const mt_rowset_def *def = ((rowset_vtab*)pVtab)->def;
  mt_rowset_cursor *c = sqlite3_malloc64(sizeof(*c) + def->state_size);
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c) + def->state_size);
  c->def = def;
  c->rows = c+1;
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static void rs_clear(mt_rowset_cursor *c, int all){
  int i;
  c->def->clear(c, all);
  for(i=0; i<c->nfiles; i++) sqlite3_free(c->files[i]);
  sqlite3_free(c->files);
  c->files = 0; c->nfiles = 0; c->i = 0;
}

static int rsClose(sqlite3_vtab_cursor *cur){
  rs_clear((mt_rowset_cursor*)cur, 1);
  sqlite3_free(cur);
  return SQLITE_OK;
}

static int rsFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                    int argc, sqlite3_value **argv){
  mt_rowset_cursor *c = (mt_rowset_cursor*)cur;
  const mt_rowset_def *def = c->def;
  mt_ctx *ctx = ((mt_vtab*)cur->pVtab)->ctx;
  mt_args a, call;
  const mt_args *use = 0;
  char *err = 0;
  mt_plan pl;
  mt_scan s;
  int rc = SQLITE_OK, i;
  (void)idxStr;

  rs_clear(c, 0);
  memset(&a, 0, sizeof(a));
  memset(&call, 0, sizeof(call));
  mt_plan_decode(&pl, idxNum, argc, argv);
  if( pl.nArg>0 ){
    rc = mt_args_for_filter(cur->pVtab, def->name, "/var/log/esa/", 0, 0, &call, pl.nArg, argv, &use, 0);
    if( rc ) return rc;
  }else{
    rc = mt_open_sources(cur->pVtab, ctx, def->name, &a, &err);
    use = &a;
  }
  if( rc ) goto done;

  c->files = sqlite3_malloc64(sizeof(char*)*(size_t)(use->files.n ? use->files.n : 1));
  if( !c->files ){ rc = SQLITE_NOMEM; goto done; }
  for(i=0; i<use->files.n; i++){
    if( !(c->files[i] = sqlite3_mprintf("%s", use->files.a[i].path)) ){ rc = SQLITE_NOMEM; goto done; }
    c->nfiles = i+1;
  }
  mt_scan_init(&s, &use->files, &use->opts);
  s.should_stop = mt_interrupted;
  s.stop_arg = ctx->db;
  while( (i = mt_scan_next(&s))==1 ){
    if( (rc = def->line(c, &s))!=SQLITE_OK ) break;
  }
  if( rc==SQLITE_OK && i<0 ) rc = mt_scan_to_sqlite(&s, &err);
  mt_publish(ctx, &s.stats, &s.problems, &s.nproblem);
  mt_scan_end(&s);
  if( rc==SQLITE_OK && def->finish ) rc = def->finish(c, ctx, use, &err);

done:
  mt_args_free(&a);
  mt_args_free(&call);
  if( rc && err ) mt_vtab_error(cur->pVtab, "%s", err);
  sqlite3_free(err);
  return rc;
}

static int rsNext(sqlite3_vtab_cursor *cur){ ((mt_rowset_cursor*)cur)->i++; return SQLITE_OK; }

static int rsEof(sqlite3_vtab_cursor *cur){
  mt_rowset_cursor *c = (mt_rowset_cursor*)cur;
  return c->i >= c->def->count(c);
}

static int rsColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  mt_rowset_cursor *c = (mt_rowset_cursor*)cur;
  if( col >= c->def->ncol ) return SQLITE_OK;     /* the hidden arguments */
  return c->def->column(c, ctx, col);
}

static int rsRowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((mt_rowset_cursor*)cur)->i + 1;
  return SQLITE_OK;
}

static sqlite3_module rowsetModule = {
  0, 0, rsConnect, rsBestIndex, mt_vtab_disconnect, 0, rsOpen, rsClose, rsFilter,
  rsNext, rsEof, rsColumn, rsRowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

static void rowset_aux_free(void *p){
  rowset_aux *aux = p;
  if( !aux ) return;
  mt_ctx_unref(aux->ctx);
  sqlite3_free(aux);
}

int mt_rowset_register(sqlite3 *db, mt_ctx *ctx, const mt_rowset_def *def){
  rowset_aux *aux = sqlite3_malloc(sizeof(*aux));
  if( !aux ) return SQLITE_NOMEM;
  aux->ctx = mt_ctx_ref(ctx);
  aux->def = def;
  /* on failure SQLite calls rowset_aux_free itself */
  return sqlite3_create_module_v2(db, def->name, &rowsetModule, aux, rowset_aux_free);
}
