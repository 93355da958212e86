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
** The walk, the plan (arguments only: idxNum = their number, argv in
** argument order) and the cursor are tables.c's mt_rowset; this file holds
** the columns and the row rules.
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

/* The rows: attach.c's files of every message. */
static void files_clear(mt_rowset_cursor *rc, int all){
  (void)all;
  mt_attach_free(rc->rows);
}

/* One line: mail_logs' attachment and upload lines and the AMP engine log. */
static int files_line(mt_rowset_cursor *rc, const mt_scan *s){
  mt_event ev;
  int t;
  if( s->ln.form==MT_FORM_NONE ) return SQLITE_OK;
  t = mt_line_event(&s->ln, s->file_type, &ev);
  if( t!=MT_LOG_AMP && !(t==MT_LOG_MAIL && (ev.kind==MT_EV_MID_ATTACHMENT || ev.kind==MT_EV_MID_FILE_UPLOAD)) ) return SQLITE_OK;
  if( mt_attach_line(rc->rows, s->host, s->host_len, s->has_time, s->t_utc, t, &s->ln, &ev) ) return SQLITE_NOMEM;
  return SQLITE_OK;
}

static int files_finish(mt_rowset_cursor *rc, mt_ctx *ctx, const mt_args *use, char **pzErr){
  (void)ctx; (void)use; (void)pzErr;
  mt_attach_finish(rc->rows);
  return SQLITE_OK;
}

static int files_count(const mt_rowset_cursor *rc){ return ((const mt_attach*)rc->rows)->n; }

static void text(sqlite3_context *ctx, const char *z){
  if( z ) sqlite3_result_text(ctx, z, -1, SQLITE_TRANSIENT);
}

static void iso(sqlite3_context *ctx, int64_t t){
  char z[20];
  mt_time_iso(t, z);
  sqlite3_result_text(ctx, z, 19, SQLITE_TRANSIENT);
}

static int files_column(mt_rowset_cursor *cur, sqlite3_context *ctx, int col){
  const mt_attach *at = cur->rows;
  const mt_afile *r = &at->a[cur->i];
  const mt_asha *s = (col>=FC_UPLOAD && col<=FC_RETRO_UTC) ? mt_attach_sha(at, r->sha256) : 0;
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

static const mt_rowset_def files_def = {
  "mailtrace_files",
  "host TEXT, mid INTEGER, filename TEXT, size INTEGER, mime_type TEXT,"
  " sha256 TEXT, disposition TEXT, malware TEXT, reputation_score TEXT, reputation_source TEXT,"
  " upload_action TEXT, upload TEXT, analysis_disposition TEXT, analysis_score TEXT,"
  " analysis_malware TEXT, retro_verdict TEXT, retro_malware TEXT, retro_utc TEXT, logs TEXT,"
  " first_utc TEXT",
  0, FC_ARG1, 100, sizeof(mt_attach),
  files_line, files_finish, files_clear, files_count, files_column
};

int mt_register_files(sqlite3 *db, mt_ctx *ctx){
  return mt_rowset_register(db, ctx, &files_def);
}
