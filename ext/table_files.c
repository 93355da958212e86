/* SPDX-License-Identifier: MIT */
/*
** table_files.c — mailtrace_files: the files (attachments) of each message,
** from mail_logs and the AMP engine log, with their later verdicts.
**
**   SELECT * FROM mailtrace_files('/var/log/esa/');       -- any sources
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT * FROM mailtrace_files;                        -- the open sources
**
**   -- which delivered messages carried a file later judged malicious?
**   SELECT f.host, f.mid, f.filename, f.retro_verdict, r.rcpt_to
**     FROM mailtrace_files f JOIN mailtrace_recipients r ON r.host = f.host AND r.mid = f.mid
**    WHERE f.retro_verdict = 'MALICIOUS' AND r.status = 'delivered';
**
** One row per (host, MID, file) (attach.h: a file is known by its name or
** its SHA-256 within its message).  The analysis_* and retro_* columns come
** from lines that name only the SHA-256 (any host): every message that
** carried the file shows them.  One pass over the lines (every log type);
** SQLITE_VTAB_DIRECTONLY like every table that reads files.
**
** idxNum = the number of arguments (arg1.. in order, as mailtrace_coverage);
** no idxStr.
*/
#include "tables.h"
#include "events.h"
#include "logtype.h"
#include "attach.h"

#include <stdlib.h>
#include <string.h>

enum { FC_HOST, FC_MID, FC_NAME, FC_SIZE, FC_MIME, FC_SHA, FC_DISP, FC_MALWARE, FC_SCORE,
       FC_SOURCE, FC_UPLOAD_ACTION, FC_UPLOAD, FC_ANALYSIS, FC_ANALYSIS_SCORE, FC_ANALYSIS_MALWARE,
       FC_RETRO, FC_RETRO_MALWARE, FC_RETRO_UTC, FC_LOGS, FC_FIRST_UTC, FC_ARG1 };

typedef struct files_cursor {
  sqlite3_vtab_cursor base;   /* first: SQLite sees a sqlite3_vtab_cursor */
  mt_attach at;
  int i;
} files_cursor;

static int filesConnect(sqlite3 *db, void *pAux, int argc, const char *const *argv,
                        sqlite3_vtab **ppVtab, char **pzErr){
  (void)argc; (void)argv; (void)pzErr;
  return mt_vtab_connect(db, pAux,
    "CREATE TABLE x(host TEXT, mid INTEGER, filename TEXT, size INTEGER, mime_type TEXT,"
    " sha256 TEXT, disposition TEXT, malware TEXT, reputation_score TEXT, reputation_source TEXT,"
    " upload_action TEXT, upload TEXT, analysis_disposition TEXT, analysis_score TEXT,"
    " analysis_malware TEXT, retro_verdict TEXT, retro_malware TEXT, retro_utc TEXT, logs TEXT,"
    " first_utc TEXT,"
    " arg1 HIDDEN, arg2 HIDDEN, arg3 HIDDEN, arg4 HIDDEN, arg5 HIDDEN, arg6 HIDDEN, arg7 HIDDEN,"
    " arg8 HIDDEN)",
    1, ppVtab);
}

static int filesBestIndex(sqlite3_vtab *pVtab, sqlite3_index_info *p){
  int at[8], i, n = 0;
  (void)pVtab;
  for(i=0; i<8; i++) at[i] = -1;
  for(i=0; i<p->nConstraint; i++){
    const struct sqlite3_index_constraint *c = &p->aConstraint[i];
    if( c->iColumn<FC_ARG1 || c->op!=SQLITE_INDEX_CONSTRAINT_EQ ) continue;
    if( !c->usable ) return SQLITE_CONSTRAINT;
    at[c->iColumn - FC_ARG1] = i;
  }
  for(i=0; i<8; i++){
    if( at[i]<0 ) continue;
    p->aConstraintUsage[at[i]].argvIndex = ++n;
    p->aConstraintUsage[at[i]].omit = 1;
  }
  p->idxNum = n;
  p->estimatedCost = 1e6;
  p->estimatedRows = 100;
  return SQLITE_OK;
}

static int filesOpen(sqlite3_vtab *pVtab, sqlite3_vtab_cursor **ppCursor){
  files_cursor *c = sqlite3_malloc(sizeof(*c));
  (void)pVtab;
  if( !c ) return SQLITE_NOMEM;
  memset(c, 0, sizeof(*c));
  *ppCursor = &c->base;
  return SQLITE_OK;
}

static int filesClose(sqlite3_vtab_cursor *cur){
  files_cursor *c = (files_cursor*)cur;
  mt_attach_free(&c->at);
  sqlite3_free(c);
  return SQLITE_OK;
}

static int filesFilter(sqlite3_vtab_cursor *cur, int idxNum, const char *idxStr,
                       int argc, sqlite3_value **argv){
  files_cursor *c = (files_cursor*)cur;
  mt_vtab *vt = (mt_vtab*)cur->pVtab;
  mt_ctx *ctx = vt->ctx;
  mt_args a, call;
  const mt_args *use = 0;
  char *err = 0;
  mt_scan s;
  mt_event ev;
  int rc = SQLITE_OK, i;
  (void)idxStr;

  mt_attach_free(&c->at);
  c->i = 0;
  memset(&a, 0, sizeof(a));
  memset(&call, 0, sizeof(call));
  if( idxNum>0 ){
    rc = mt_args_for_filter(cur->pVtab, "mailtrace_files", "/var/log/esa/", 0, 0, &call,
                            idxNum<argc ? idxNum : argc, argv, &use);
    if( rc ) return rc;
  }else{
    rc = mt_open_sources(cur->pVtab, ctx, "mailtrace_files", &a, &err);
    use = &a;
  }
  if( rc ) goto done;

  mt_scan_init(&s, &use->files, &use->opts);
  s.should_stop = mt_interrupted;
  s.stop_arg = ctx->db;
  while( (i = mt_scan_next(&s))==1 ){
    int t;
    if( s.ln.form==MT_FORM_NONE ) continue;
    t = mt_line_event(&s.ln, s.file_type, &ev);
    if( t!=MT_LOG_AMP && !(t==MT_LOG_MAIL && (ev.kind==MT_EV_MID_ATTACHMENT || ev.kind==MT_EV_MID_FILE_UPLOAD)) ) continue;
    if( mt_attach_line(&c->at, s.host, s.host_len, s.has_time, s.t_utc, t, &s.ln, &ev) ){ rc = SQLITE_NOMEM; break; }
  }
  if( rc==SQLITE_OK && i<0 ){
    if( s.interrupted ) rc = SQLITE_INTERRUPT;
    else{ err = sqlite3_mprintf("%s", s.err ? s.err : "read error"); rc = SQLITE_ERROR; }
  }
  mt_ctx_finish_scan(ctx, &s);
  mt_scan_end(&s);
  mt_attach_finish(&c->at);

done:
  mt_args_free(&a);
  mt_args_free(&call);
  if( rc && err ) mt_vtab_error(cur->pVtab, "%s", err);
  sqlite3_free(err);
  return rc;
}

static int filesNext(sqlite3_vtab_cursor *cur){ ((files_cursor*)cur)->i++; return SQLITE_OK; }
static int filesEof(sqlite3_vtab_cursor *cur){ files_cursor *c = (files_cursor*)cur; return c->i >= c->at.n; }

static void text(sqlite3_context *ctx, const char *z){
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

static void iso(sqlite3_context *ctx, int64_t t){
  char z[20];
  mt_time_iso(t, z);
  sqlite3_result_text(ctx, z, 19, SQLITE_TRANSIENT);
}

static int filesColumn(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col){
  files_cursor *c = (files_cursor*)cur;
  const mt_afile *r = &c->at.a[c->i];
  const mt_asha *s = (col>=FC_UPLOAD && col<=FC_RETRO_UTC) ? mt_attach_sha(&c->at, r->sha256) : 0;
  switch( col ){
    case FC_HOST: text(ctx, r->host); break;
    case FC_MID: sqlite3_result_int64(ctx, r->mid); break;
    case FC_NAME: text(ctx, r->name); break;
    case FC_SIZE: if( r->size>=0 ) sqlite3_result_int64(ctx, r->size); break;
    case FC_MIME: text(ctx, r->mime); break;
    case FC_SHA: text(ctx, r->sha256); break;
    case FC_DISP: text(ctx, r->disposition); break;
    case FC_MALWARE: text(ctx, r->malware); break;
    case FC_SCORE: text(ctx, r->score); break;
    case FC_SOURCE: text(ctx, r->source); break;
    case FC_UPLOAD_ACTION: text(ctx, r->upload_action); break;
    case FC_UPLOAD:
      if( s && s->uploaded ) text(ctx, "uploaded");
      else text(ctx, r->upload);
      break;
    case FC_ANALYSIS: if( s ) text(ctx, s->analysis); break;
    case FC_ANALYSIS_SCORE: if( s ) text(ctx, s->analysis_score); break;
    case FC_ANALYSIS_MALWARE: if( s ) text(ctx, s->analysis_malware); break;
    case FC_RETRO: if( s ) text(ctx, s->retro); break;
    case FC_RETRO_MALWARE: if( s ) text(ctx, s->retro_malware); break;
    case FC_RETRO_UTC: if( s && s->retro && s->retro_t>=0 ) iso(ctx, s->retro_t); break;
    case FC_LOGS: {
      sqlite3_str *z = sqlite3_str_new(0);
      int t;
      for(t=1; t<MT_LOG_COUNT; t++){
        if( (r->logs>>t)&1 ) sqlite3_str_appendf(z, "%s%s", sqlite3_str_length(z) ? "," : "", mt_logtype_name(t));
      }
      {
        char *out = sqlite3_str_finish(z);
        if( !out ) return SQLITE_NOMEM;
        sqlite3_result_text(ctx, out, -1, sqlite3_free);
      }
      break;
    }
    case FC_FIRST_UTC: if( r->has_time ) iso(ctx, r->first_utc); break;
  }
  return SQLITE_OK;
}

static int filesRowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *pRowid){
  *pRowid = ((files_cursor*)cur)->i + 1;
  return SQLITE_OK;
}

static sqlite3_module filesModule = {
  0, 0, filesConnect, filesBestIndex, mt_vtab_disconnect, 0, filesOpen, filesClose, filesFilter,
  filesNext, filesEof, filesColumn, filesRowid, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
};

int mt_register_files(sqlite3 *db, mt_ctx *ctx){
  return sqlite3_create_module_v2(db, "mailtrace_files", &filesModule, mt_ctx_ref(ctx), mt_ctx_unref);
}
