/* SPDX-License-Identifier: MIT */
/*
** scan.c — walk the lines of a file list (see scan.h).
*/
#include "scan.h"
#include "logtype.h"
#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- options */

static char *fmt_err(const char *a, const char *b){
  size_t n = strlen(a) + strlen(b) + 1;
  char *z = malloc(n);
  if( z ) snprintf(z, n, "%s%s", a, b);
  return z;
}

/* "+HHMM", "-HHMM", "+HH:MM", "UTC", "Z" → seconds east of UTC. */
static int parse_tz(const char *v, int *pOff){
  int sign, h, m;
  if( strcmp(v, "UTC")==0 || strcmp(v, "Z")==0 || strcmp(v, "utc")==0 ){ *pOff = 0; return 1; }
  if( v[0]!='+' && v[0]!='-' ) return 0;
  sign = v[0]=='-' ? -1 : 1;
  v++;
  if( !(v[0]>='0'&&v[0]<='9') || !(v[1]>='0'&&v[1]<='9') ) return 0;
  h = (v[0]-'0')*10 + (v[1]-'0');
  v += 2;
  if( *v==':' ) v++;
  if( !(v[0]>='0'&&v[0]<='9') || !(v[1]>='0'&&v[1]<='9') || v[2] ) return 0;
  m = (v[0]-'0')*10 + (v[1]-'0');
  if( h>14 || m>59 ) return 0;
  *pOff = sign*(h*3600 + m*60);
  return 1;
}

int mt_opts_parse(mt_opts *o, const char *arg, char **pzErr){
  const char *eq = strchr(arg, '=');
  size_t k;
  *pzErr = 0;
  if( !eq || eq==arg ) return 0;
  /* An option name is a short lower-case word; anything else is a path. */
  for(k=0; arg+k<eq; k++){
    char c = arg[k];
    if( !((c>='a'&&c<='z') || c=='_') ) return 0;
  }
  if( strncmp(arg, "host=", 5)==0 ){
    free(o->host);
    o->host = strdup(eq+1);
    if( !o->host ) *pzErr = strdup("out of memory");
  }else if( strncmp(arg, "tz=", 3)==0 ){
    if( !parse_tz(eq+1, &o->tz_off) ) *pzErr = fmt_err("tz= wants +HHMM, -HHMM, +HH:MM or UTC, not ", eq+1);
    else o->tz_set = 1;
  }else if( strncmp(arg, "year=", 5)==0 ){
    char *end = 0;
    long y = strtol(eq+1, &end, 10);
    if( !end || *end || end==eq+1 || y<1970 || y>9999 ) *pzErr = fmt_err("year= wants a year such as 2026, not ", eq+1);
    else o->year = (int)y;
  }else if( strncmp(arg, "index=", 6)==0 ){
    struct stat st;
    if( strcmp(eq+1, "off")==0 ) o->no_index = 1;
    else if( strcmp(eq+1, "on")==0 ) o->no_index = 0;
    else if( eq[1] && stat(eq+1, &st)==0 && S_ISDIR(st.st_mode) && access(eq+1, W_OK)==0 ){
      free(o->index_dir);
      o->index_dir = strdup(eq+1);
      o->no_index = 0;
      if( !o->index_dir ) *pzErr = strdup("out of memory");
    }
    else *pzErr = fmt_err("index= wants on, off or a writable directory, not ", eq+1);
  }else if( strncmp(arg, "max_memory=", 11)==0 ){
    /* bytes, or with K, M, G (binary): 512M, 4G */
    char *end = 0;
    long long v = strtoll(eq+1, &end, 10);
    int64_t mul = 1;
    if( end && (*end=='K' || *end=='k') ){ mul = 1024; end++; }
    else if( end && (*end=='M' || *end=='m') ){ mul = 1024*1024; end++; }
    else if( end && (*end=='G' || *end=='g') ){ mul = (int64_t)1024*1024*1024; end++; }
    if( end && (*end=='B' || *end=='b') ) end++;
    if( !end || *end || end==eq+1 || v < 1 || v > INT64_MAX / mul / 2 || v*mul < 1024*1024 ){
      *pzErr = fmt_err("max_memory= wants a size of at least 1M such as 512M or 4G, not ", eq+1);
    }else o->max_memory = (int64_t)v * mul;
  }else if( strncmp(arg, "on_error=", 9)==0 ){
    if( strcmp(eq+1, "skip")==0 ) o->on_error_skip = 1;
    else if( strcmp(eq+1, "fail")==0 ) o->on_error_skip = 0;
    else *pzErr = fmt_err("on_error= wants skip or fail, not ", eq+1);
  }else{
    char buf[64];
    snprintf(buf, sizeof(buf), "%.*s", (int)(eq-arg), arg);
    *pzErr = fmt_err("unknown option: ", buf);
    if( *pzErr ){
      char *z = fmt_err(*pzErr, " (known: host=, tz=, year=, on_error=, index=, max_memory=)");
      free(*pzErr);
      *pzErr = z;
    }
  }
  return 1;
}

int64_t mt_opts_max_memory(const mt_opts *o){
  long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
  int64_t half = pages > 0 && psz > 0 ? (int64_t)pages * psz / 2 : (int64_t)4 << 30;
  if( o->max_memory > 0 ) return o->max_memory;
  return half < ((int64_t)256 << 20) ? (int64_t)256 << 20 : half;
}

void mt_opts_free(mt_opts *o){
  free(o->host);
  free(o->index_dir);
  memset(o, 0, sizeof(*o));
}

/* ------------------------------------------------------------------- scan */

void mt_scan_init(mt_scan *s, const mt_filelist *files, const mt_opts *opts){
  memset(s, 0, sizeof(*s));
  s->day_key = -1;
  s->files = files;
  s->opts = opts;
}

void mt_scan_set_range(mt_scan *s, int64_t lo, int64_t hi, int utc){
  s->has_range = 1;
  s->range_lo = lo;
  s->range_hi = hi;
  s->range_utc = utc;
}

void mt_scan_set_needle(mt_scan *s, const char *needle, size_t n){
  s->needle = n ? needle : 0;
  s->needle_len = n;
}

static void close_file(mt_scan *s){
  if( s->rd ){
    mt_reader_close(s->rd);
    s->rd = 0;
  }
  s->p = s->end = s->chunk = 0;
  s->keep_chunk = 0;              /* the line filter runs again on what comes */
}


static int open_file(mt_scan *s, int64_t offset, int64_t lineno){
  const mt_file *f = &s->files->a[s->ifile];
  char *err = 0;
  mt_rc rc = MT_OK;
  mt_ident id = MT_FILE_IDENT(f);
  /* the name must still lead to the file that was listed */
  s->rd = mt_reader_open_rc(f->path, &id, offset, s->zpoint, &err, &rc);
  s->zpoint = 0;
  if( !s->rd ){
    free(s->err);
    s->err = err;
    s->rc = err ? rc : MT_NOMEM;     /* no message: no memory for one */
    return -1;
  }
  if( s->should_stop ) mt_reader_set_stop(s->rd, s->should_stop, s->stop_arg);
  s->stats.files_opened++;
  s->lineno_at_p = lineno > 0 ? lineno-1 : 0;
  s->read_to = offset;
  s->read_nl = 1;
  s->tz_off = s->opts->tz_set ? s->opts->tz_off : 0;
  s->tz_from_header = 0;
  s->opt_year = s->opts->year;
  s->file_host_len = (int)strlen(s->opts->host ? s->opts->host : s->files->a[s->ifile].dirname);
  s->file_type = mt_logtype_path(f->path);
  s->prev_mon = 0;
  if( s->fallback_year==0 ){
    time_t now = time(0);
    char iso[20];
    mt_time_iso((int64_t)now, iso);
    s->fallback_year = (iso[0]-'0')*1000 + (iso[1]-'0')*100 + (iso[2]-'0')*10 + (iso[3]-'0');
  }
  return 0;
}

/* "Time offset from UTC: N seconds" → seconds east of UTC. */
int mt_tz_header(const char *p, size_t n, int *pOff){
  static const char k[] = "Time offset from UTC: ";
  const char *h = memmem(p, n, k, sizeof(k)-1);
  const char *e = p + n;
  long v = 0;
  int sign = 1, any = 0;
  if( !h ) return 0;
  h += sizeof(k)-1;
  if( h<e && (*h=='-' || *h=='+') ){ if( *h=='-' ) sign = -1; h++; }
  while( h<e && *h>='0' && *h<='9' && v < 1000000 ){ v = v*10 + (*h-'0'); h++; any = 1; }
  if( !any || v > 14*3600 ) return 0;
  *pOff = (int)(sign*v);
  return 1;
}

/* Record a problem (on_error=skip) from s->err; returns 0, or -1 if out of
** memory.  An allocation failure is not a problem of the file, so it is not
** skipped (the file's lines would be lost without a word): the reader says
** "PATH: out of memory", or nothing at all when that message could not be
** allocated either; the scan then ends with the error. */
static int record_problem(mt_scan *s, int64_t offset){
  mt_problem *a;
  const mt_file *f = &s->files->a[s->ifile];
  if( !s->err ) s->rc = MT_NOMEM;
  if( s->rc==MT_NOMEM || s->rc==MT_INTERRUPTED ) return -1;
  a = realloc(s->problems, sizeof(mt_problem)*(size_t)(s->nproblem+1));
  if( !a ){ s->rc = MT_NOMEM; return -1; }
  s->problems = a;
  a[s->nproblem].file = strdup(f->path);
  if( !a[s->nproblem].file ){ s->rc = MT_NOMEM; return -1; }
  a[s->nproblem].offset = offset;
  a[s->nproblem].message = s->err;
  s->err = 0;
  s->nproblem++;
  return 0;
}

int mt_scan_line_error(mt_scan *s, const char *why){
  const char *path = s->files->a[s->ifile].path;
  size_t n = strlen(path) + strlen(why) + 48;
  char *z = malloc(n);
  free(s->err);
  s->err = z;
  s->rc = z ? MT_FORMAT : MT_NOMEM;
  if( !z ) return -1;
  snprintf(z, n, "%s: line %lld: %s", path, (long long)s->lineno, why);
  if( !s->opts->on_error_skip ) return -1;
  return record_problem(s, s->offset);
}

static int next_chunk(mt_scan *s){
  const char *p;
  size_t n;
  int64_t off, before = mt_reader_bytes_read(s->rd);
  int rc = mt_reader_next(s->rd, &p, &n, &off);
  s->stats.bytes_read += mt_reader_bytes_read(s->rd) - before;
  mt_progress_add(s->opts->progress, mt_reader_bytes_read(s->rd) - before);   /* progress.h */
  if( rc<=0 ){
    if( rc<0 ){
      const char *e = mt_reader_error(s->rd);
      free(s->err);
      s->err = strdup(e ? e : "read error");
      s->rc = s->err ? mt_reader_rc(s->rd) : MT_NOMEM;
      if( s->rc==MT_OK ) s->rc = MT_IO;
      if( mt_reader_interrupted(s->rd) ){ s->interrupted = 1; s->rc = MT_INTERRUPTED; }
    }
    return rc;
  }
  if( off==0 && !s->tz_from_header ){
    /* The header is the file's third line; its offset holds for the lines
    ** before it too.  Look for it only near the start. */
    int tz;
    if( mt_tz_header(p, n < MT_TZ_HEADER_SPAN ? n : MT_TZ_HEADER_SPAN, &tz) ){ s->tz_off = tz; s->tz_from_header = 1; }
  }
  s->chunk = s->p = p;
  s->end = p + n;
  s->chunk_off = off;
  s->read_to = off + (int64_t)n;
  s->read_nl = p[n-1]=='\n';
  return 1;
}

/* Min and max time of the file-form lines in [p, p+n) (local, or UTC with
** the offset *tz, which a header line among them changes from there on and
** leaves as the last one in force).  Returns 0 when a year-less (syslog) line is among them: the
** year there depends on state, so such files are never skipped. */
static int chunk_bounds(const char *p, size_t n, int *tz, int utc, int64_t *pMin, int64_t *pMax){
  const char *e = p + n;
  int any = 0;
  while( p < e ){
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    const char *le = nl ? nl : e;
    mt_line ln;
    int h;
    mt_line_parse(p, (size_t)(le - p), &ln);
    if( ln.form==MT_FORM_SYSLOG ) return 0;
    if( ln.form==MT_FORM_FILE ){
      int64_t t;
      if( mt_line_tz(&ln, &h) ) *tz = h;       /* a header: the offset from here on, as the walk */
      t = mt_time_from_parts(ln.year, ln.mon, ln.day, ln.hour, ln.min, ln.sec) - (utc ? *tz : 0);
      if( !any || t < *pMin ) *pMin = t;
      if( !any || t > *pMax ) *pMax = t;
      any = 1;
    }
    p = nl ? nl + 1 : e;
  }
  return any;
}

/* The file just opened (its first chunk read): can it hold a line in the
** range?  A file read whole in its first chunk is known exactly.  Else only
** a plain file can be skipped, and only when the lines of its first chunk
** and of its last 64 KiB both lie on the same side of the range: a file
** concatenated in the wrong order, or whose offset changes (a second
** header), shows it at one end or the other.  A gzip file is never
** skipped: its end is unknown without decompressing all of it.  (What this
** cannot see: a file that goes back in time, or changes its UTC offset, only
** between those two ends; docs/lines.md says so, and `+utc` turns the
** skipping off.) */
static int file_outside_range(mt_scan *s){
  int64_t lo, hi, lo2, hi2;
  const mt_file *f = &s->files->a[s->ifile];
  int tz = s->tz_off;
  if( !chunk_bounds(s->chunk, (size_t)(s->end - s->chunk), &tz, s->range_utc, &lo, &hi) ) return 0;
  if( (int64_t)(s->end - s->chunk) >= f->size && !mt_reader_is_gzip(s->rd) ){
    return lo > s->range_hi || hi < s->range_lo;                /* the whole file was the chunk */
  }
  if( mt_reader_is_gzip(s->rd) ) return 0;
  {
    char tail[65536];
    ssize_t got;
    mt_ident id = MT_FILE_IDENT(f);
    char *err = 0;
    int fd = mt_open_regular(f->path, &id, &err);     /* the reader's door, as every open */
    int64_t at = f->size > (int64_t)sizeof(tail) ? f->size - (int64_t)sizeof(tail) : 0;
    free(err);
    if( fd<0 ) return 0;
    got = pread(fd, tail, sizeof(tail), (off_t)at);
    close(fd);
    if( got > 0 ){
      const char *q = memchr(tail, '\n', (size_t)got);      /* skip a partial first line */
      /* (the offset at the tail: the head's last, unless the tail has a header) */
      if( q && chunk_bounds(q+1, (size_t)(tail + got - q - 1), &tz, s->range_utc, &lo2, &hi2) ){
        if( lo > s->range_hi && lo2 > s->range_hi ) return 1;   /* both ends after the range */
        if( hi < s->range_lo && hi2 < s->range_lo ) return 1;   /* both ends before it */
      }
    }
  }
  return 0;
}

static size_t count_nl(const char *p, const char *e){
  return e > p ? (size_t)mt_count_nl(p, (size_t)(e - p)) : 0;
}

int mt_scan_seek(mt_scan *s, int ifile, int64_t offset, int64_t lineno){
  close_file(s);
  s->ifile = ifile;
  if( ifile >= s->files->n ) return 0;
  return open_file(s, offset, lineno);
}

int mt_scan_seek_tz(mt_scan *s, int ifile, int64_t offset, int64_t lineno, int tz_off, int readahead,
                    const mt_zpoint *zp){
  int rc;
  if( s->rd && s->ifile==ifile
   && (mt_reader_is_gzip(s->rd) ? mt_reader_restart(s->rd, offset, zp) : mt_reader_seek(s->rd, offset))==0 ){
    /* the same file: move (gzip: start again at the restart point), do not reopen */
    s->p = s->end = s->chunk = 0;
    s->keep_chunk = 0;
    s->lineno_at_p = lineno > 0 ? lineno-1 : 0;
    s->read_to = offset;
    s->read_nl = 1;
    s->tz_off = tz_off;
    s->tz_from_header = 1;
    if( readahead>0 ) mt_reader_set_readahead(s->rd, (size_t)readahead);
    return 0;
  }
  s->zpoint = zp;
  rc = mt_scan_seek(s, ifile, offset, lineno);
  s->zpoint = 0;
  if( rc==0 && s->rd ){
    s->tz_off = tz_off;
    s->tz_from_header = 1;       /* the state at `offset` is given: no header hunt */
    if( readahead>0 ) mt_reader_set_readahead(s->rd, (size_t)readahead);
  }
  return rc;
}

int64_t mt_scan_pos(const mt_scan *s){
  if( !s->rd ) return -1;
  return s->chunk ? s->chunk_off + (int64_t)(s->p - s->chunk) : s->read_to;
}

void mt_scan_skip_file(mt_scan *s){
  close_file(s);
  s->ifile++;
}

int mt_line_tz(const mt_line *ln, int *pOff){
  if( ln->form==MT_FORM_NONE || ln->body_len <= 22 || ln->body[0]!='T' ) return 0;
  return mt_tz_header(ln->body, 22 + (ln->body_len-22 < 16 ? ln->body_len-22 : 16), pOff);
}

static void line_context(mt_scan *s){
  mt_line *ln = &s->ln;
  mt_line_parse(s->line, s->len, ln);
  s->stats.lines_parsed++;
  if( ln->form!=MT_FORM_NONE ){
    int y = ln->year;
    s->year_src = y ? MT_SRC_LINE : s->opt_year ? MT_SRC_OPTION : MT_SRC_GUESS;
    if( y==0 && s->opt_year ){
      /* year= names the year of the file's first line; a jump back of more
      ** than six months (Dec → Jan) is the next year. */
      if( s->prev_mon && ln->mon + 6 < s->prev_mon ) s->opt_year++;
      s->prev_mon = ln->mon;
      y = s->opt_year;
    }else if( y==0 ){
      /* The file's mtime is the time of its last line: a month later than
      ** the mtime's month is from the year before. */
      y = mt_infer_year(ln->mon, s->files->a[s->ifile].mtime, s->fallback_year);
    }
    {
      /* Consecutive lines share their date: convert it once. */
      int64_t key = ((int64_t)y*16 + ln->mon)*32 + ln->day;
      if( key!=s->day_key ){ s->day_key = key; s->day_days = mt_days_from_civil(y, ln->mon, ln->day); }
      s->t_local = s->day_days*86400 + ln->hour*3600 + ln->min*60 + ln->sec;
    }
    {
      int tz, from_header;
      if( mt_line_tz(ln, &tz) ){ s->tz_off = tz; s->tz_from_header = 1; }
      else if( s->tz_at && s->tz_at(s->tz_arg, s->ifile, s->offset, &tz, &from_header) ){
        s->tz_off = tz; s->tz_from_header = from_header;
      }
    }
    s->t_utc = s->t_local - s->tz_off;
    s->tz_src = s->tz_from_header ? MT_SRC_LINE : s->opts->tz_set ? MT_SRC_OPTION : MT_SRC_GUESS;
    s->has_time = 1;
  }else{
    s->has_time = 0;
  }
  if( ln->host ){
    s->host = ln->host; s->host_len = ln->host_len;
  }else{
    s->host = s->opts->host ? s->opts->host : s->files->a[s->ifile].dirname;
    s->host_len = s->file_host_len;
  }
}

void mt_scan_replay(mt_scan *s, const char *line, size_t len, int64_t offset, int64_t lineno){
  s->line = line;
  s->len = len;
  s->offset = offset;
  s->lineno = lineno;
  line_context(s);
}

/* Pass over the lines from s->p to `to` (a line start) unparsed, counting
** them: line numbers stay right (the LIKE prefilter, the index's filter). */
static void skip_to(mt_scan *s, const char *to){
  if( to > s->p ){
    size_t k = count_nl(s->p, to);
    s->lineno_at_p += (int64_t)k;
    s->stats.lines_skipped += (int64_t)k;
    s->p = to;
  }
}

/* One step of the walk (mt_scan_next without the run list). */
static int scan_step(mt_scan *s){
  for(;;){
    const char *nl, *le;
    if( s->should_stop && (++s->nsteps & 0x3fff)==0 && s->should_stop(s->stop_arg) ){
      free(s->err);
      s->err = strdup("interrupted");
      s->interrupted = 1;
      s->rc = MT_INTERRUPTED;
      return -1;
    }
    if( !s->rd ){
      if( s->ifile >= s->files->n ) return 0;
      if( open_file(s, 0, 0) ){
        if( s->opts->on_error_skip ){
          if( record_problem(s, 0) ) return -1;
          s->ifile++;
          continue;
        }
        return -1;
      }
    }
    if( s->p >= s->end ){
      int fresh = s->chunk==0;
      int rc = next_chunk(s);
      if( rc==0 ){
        if( s->end_off ){
          s->end_off[s->ifile] = s->read_to;
          s->end_line[s->ifile] = s->lineno_at_p;
          s->end_nl[s->ifile] = (unsigned char)s->read_nl;
        }
        close_file(s); s->ifile++;
        if( s->stop_off>0 || s->one_file ) return 0;   /* one block, or one file: not the next file */
        continue;
      }
      if( rc==1 && fresh && s->has_range && !s->run_mode && s->chunk_off==0 && file_outside_range(s) ){
        s->stats.files_skipped++;
        close_file(s); s->ifile++;
        continue;
      }
      if( rc<0 ){
        if( s->opts->on_error_skip && !s->interrupted ){
          /* where the good data ends: after the last chunk handed out */
          int64_t stop = s->chunk ? s->chunk_off + (int64_t)(s->end - s->chunk) : 0;
          if( record_problem(s, stop) ) return -1;
          close_file(s); s->ifile++;
          continue;
        }
        return -1;
      }
    }
    if( s->keep_lines ){
      /* Only the lines the filter asked for: the others are counted, not parsed. */
      if( s->keep_chunk!=s->chunk || s->keep_at!=s->chunk_off ){
        s->nkeep = s->keep_lines(s->keep_arg, s->chunk, (size_t)(s->end - s->chunk), s->chunk_off, &s->keep);
        s->ikeep = 0;
        s->keep_chunk = s->chunk;
        s->keep_at = s->chunk_off;
      }
      if( s->nkeep>=0 ){
        size_t at = (size_t)(s->p - s->chunk);
        const char *to;
        while( s->ikeep < s->nkeep && s->keep[s->ikeep] < at ) s->ikeep++;
        to = s->ikeep < s->nkeep ? s->chunk + s->keep[s->ikeep] : s->end;
        if( s->stop_off>0 && s->chunk_off + (to - s->chunk) > s->stop_off ){
          /* not past the end of the block being read: to its first line after */
          int64_t rel = s->stop_off - s->chunk_off;
          if( rel <= (int64_t)at ) return 0;
          to = memchr(s->chunk + rel - 1, '\n', (size_t)(s->end - (s->chunk + rel - 1)));
          to = to ? to + 1 : s->end;
        }
        skip_to(s, to);
        if( s->p >= s->end ) continue;
        /* the line at p is kept, or lies past the block's end (stop below) */
      }
    }else if( s->needle ){
      const char *hit = memmem(s->p, (size_t)(s->end - s->p), s->needle, s->needle_len);
      if( !hit ){ skip_to(s, s->end); continue; }
      {
        const char *ls = hit > s->p ? memrchr(s->p, '\n', (size_t)(hit - s->p)) : 0;
        ls = ls ? ls+1 : s->p;
        skip_to(s, ls);
      }
    }
    if( s->run_from>0 && s->chunk_off + (int64_t)(s->p - s->chunk) < s->run_from ){
      /* inflated on to a run in a gzip file: the lines before it are not its own */
      int64_t rel = s->run_from - s->chunk_off;
      skip_to(s, rel >= (int64_t)(s->end - s->chunk) ? s->end : s->chunk + rel);
      continue;
    }
    if( s->stop_off>0 && s->chunk_off + (int64_t)(s->p - s->chunk) >= s->stop_off ) return 0;
    nl = memchr(s->p, '\n', (size_t)(s->end - s->p));
    le = nl ? nl : s->end;
    s->line = s->p;
    s->len = (size_t)(le - s->p);
    if( s->len && s->line[s->len-1]=='\r' ) s->len--;
    s->offset = s->chunk_off + (int64_t)(s->p - s->chunk);
    s->lineno = ++s->lineno_at_p;
    s->p = nl ? nl+1 : s->end;
    line_context(s);
    return 1;
  }
}

int mt_scan_goto(mt_scan *s, const mt_run *sp){
  s->run_from = 0;
  if( s->rd && s->ifile==sp->file ){
    int64_t pos = mt_scan_pos(s);
    /* read on: the next block, or a gzip block ahead with no restart point
    ** between (inflating on is then the shortest way) */
    if( pos==sp->off || (pos>=0 && pos < sp->off && mt_reader_is_gzip(s->rd) && (!sp->has_zp || sp->zp.out <= pos)) ){
      s->stop_off = sp->end;
      s->run_from = sp->off;
      s->stats.index_blocks++;
      return 0;
    }
  }
  s->stop_off = 0;
  {
    int64_t len = sp->end - sp->off;
    int ra = (int)((len > 65536 && len < (1<<20) ? len : 65536) + 4096);
    if( mt_scan_seek_tz(s, sp->file, sp->off, sp->lineno, sp->tz, ra, sp->has_zp ? &sp->zp : 0) ) return -1;
  }
  s->stop_off = sp->end;
  s->run_from = sp->off;
  s->stats.index_blocks++;
  return 0;
}

int mt_scan_take_chunk(mt_scan *s, char **pbuf, size_t *pcap){
  if( !s->rd || !s->chunk ) return -1;
  return mt_reader_swap_buf(s->rd, s->chunk, pbuf, pcap);
}

void mt_scan_set_runs(mt_scan *s, const mt_run *a, int n){
  s->runs = a;
  s->nrun = n;
  s->irun = 0;
  s->run_mode = 1;
  s->in_run = 0;
  s->has_range = 0;              /* files are not walked: none to skip */
}

int mt_scan_next(mt_scan *s){
  if( !s->run_mode ) return scan_step(s);
  for(;;){
    if( s->in_run ){
      int rc = scan_step(s);
      if( rc!=0 ) return rc;
      s->in_run = 0;
    }
    if( s->irun >= s->nrun ) return 0;
    if( mt_scan_goto(s, &s->runs[s->irun++]) ) return -1;
    s->in_run = 1;
  }
}

/* mt_scan_fetch's reading of a plain file: the next line wanted more than
** MT_FETCH_GAP bytes past what was read is sought, and MT_FETCH_SPARSE
** bytes read there (the reader reads on to the end of a longer line);
** else MT_FETCH_DENSE bytes a read. */
#define MT_FETCH_GAP (16*1024)
#define MT_FETCH_SPARSE (4*1024)
#define MT_FETCH_DENSE (64*1024)

int mt_scan_fetch(const char *path, const mt_ident *id, const int64_t *off, int n,
                  int (*each)(void *arg, int i, const char *line, size_t len), void *arg,
                  int (*stop)(void*), void *stop_arg, char **pzErr){
  mt_reader *rd;
  const char *p; size_t len; int64_t at;
  int k = 0, rc = 0, r, plain;
  *pzErr = 0;
  if( n<=0 ) return 0;
  rd = mt_reader_open_id(path, id, off[0], 0, pzErr);
  if( !rd ) return -1;
  plain = !mt_reader_is_gzip(rd);
  if( plain ) mt_reader_set_readahead(rd, MT_FETCH_DENSE);
  while( k<n && (r = mt_reader_next(rd, &p, &len, &at))!=0 ){
    if( r<0 ){
      const char *e = mt_reader_error(rd);
      *pzErr = strdup(e ? e : "read error");
      rc = -1;
      break;
    }
    if( stop && stop(stop_arg) ){ rc = 1; break; }
    while( k<n && off[k] < at ) k++;          /* not a line start of this reading */
    while( k<n && off[k] < at + (int64_t)len ){
      const char *lp = p + (off[k] - at), *e = p + len;
      const char *nl = memchr(lp, '\n', (size_t)(e - lp));
      size_t ll = (size_t)((nl ? nl : e) - lp);
      int64_t here = off[k];
      if( ll>0 && lp[ll-1]=='\r' ) ll--;
      for(; k<n && off[k]==here; k++) if( each(arg, k, lp, ll) ){ rc = -2; break; }
      if( rc ) break;
    }
    if( rc ) break;
    /* far ahead: reposition a plain file instead of reading what lies
    ** between, and read a little there (a line or a few: a busy sender's
    ** deciding lines are tens of KB apart, and reading through them all
    ** was reading the whole log); lines close together: read on in big
    ** steps.  A gzip file is only read on (it cannot be repositioned). */
    if( k<n && plain ){
      if( off[k] > at + (int64_t)len + MT_FETCH_GAP ){
        if( mt_reader_seek(rd, off[k])==0 ) mt_reader_set_readahead(rd, MT_FETCH_SPARSE);
      }else{
        mt_reader_set_readahead(rd, MT_FETCH_DENSE);
      }
    }
  }
  mt_reader_close(rd);
  return rc;
}

void mt_scan_end(mt_scan *s){
  int i;
  close_file(s);
  for(i=0; i<s->nproblem; i++){ free(s->problems[i].file); free(s->problems[i].message); }
  free(s->problems);
  free(s->err);
  s->problems = 0; s->nproblem = 0; s->err = 0; s->rc = MT_OK;
}
