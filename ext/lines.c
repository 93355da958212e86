/* SPDX-License-Identifier: MIT */
/*
** lines.c — prefix, timestamp and level of one physical mail-log line.
**
** The hot path: every line of every scan passes through mt_line_parse(), so
** it parses at fixed offsets (the asctime prefix is exactly 24 characters)
** and falls back to a lenient walk only for collapsed spaces and syslog.
** No allocation, no locale, no regex.  See lines.h for the grammar.
*/
#include "lines.h"

#include <string.h>

static const char *const azLevel[] = {
  0, "Critical", "Warning", "Info", "Debug", "Trace"
};

const char *mt_level_name(int level){
  return (level > 0 && level <= MT_LVL_TRACE) ? azLevel[level] : 0;
}

static int is_digit(char c){ return c >= '0' && c <= '9'; }
static int d2(const char *p){ return (p[0]-'0')*10 + (p[1]-'0'); }

int mt_month_from_name(const char *p){
  /* Switch on the three letters; case as AsyncOS writes them. */
  switch( p[0] ){
    case 'J':
      if( p[1]=='a' && p[2]=='n' ) return 1;
      if( p[1]=='u' && p[2]=='n' ) return 6;
      if( p[1]=='u' && p[2]=='l' ) return 7;
      return 0;
    case 'F': return (p[1]=='e' && p[2]=='b') ? 2 : 0;
    case 'M':
      if( p[1]=='a' && p[2]=='r' ) return 3;
      if( p[1]=='a' && p[2]=='y' ) return 5;
      return 0;
    case 'A':
      if( p[1]=='p' && p[2]=='r' ) return 4;
      if( p[1]=='u' && p[2]=='g' ) return 8;
      return 0;
    case 'S': return (p[1]=='e' && p[2]=='p') ? 9 : 0;
    case 'O': return (p[1]=='c' && p[2]=='t') ? 10 : 0;
    case 'N': return (p[1]=='o' && p[2]=='v') ? 11 : 0;
    case 'D': return (p[1]=='e' && p[2]=='c') ? 12 : 0;
  }
  return 0;
}

static int is_weekday(const char *p){
  static const char az[] = "MonTueWedThuFriSatSun";
  for(int i=0; i<21; i+=3){
    if( p[0]==az[i] && p[1]==az[i+1] && p[2]==az[i+2] ) return 1;
  }
  return 0;
}

/* Level word at p (n bytes available) followed by ": ".  Returns the level
** and sets *pLen to the length of "Level: ", else 0. */
static int parse_level(const char *p, size_t n, size_t *pLen){
  int lvl = 0; size_t w = 0;
  if( n < 6 ) return 0;
  switch( p[0] ){
    case 'I': if( memcmp(p, "Info", 4)==0 ){ lvl = MT_LVL_INFO; w = 4; } break;
    case 'W': if( n>=9 && memcmp(p, "Warning", 7)==0 ){ lvl = MT_LVL_WARNING; w = 7; } break;
    case 'C': if( n>=10 && memcmp(p, "Critical", 8)==0 ){ lvl = MT_LVL_CRITICAL; w = 8; } break;
    case 'D': if( n>=7 && memcmp(p, "Debug", 5)==0 ){ lvl = MT_LVL_DEBUG; w = 5; } break;
    case 'T': if( n>=7 && memcmp(p, "Trace", 5)==0 ){ lvl = MT_LVL_TRACE; w = 5; } break;
  }
  if( lvl==0 || w+1 >= n || p[w]!=':' ) return 0;
  /* "Level:" then exactly one space; tolerate a line that ends at the colon. */
  if( p[w+1]==' ' ){ *pLen = w+2; return lvl; }
  return 0;
}

/* "Mmm[ ]+d{1,2} HH:MM:SS" at p.  Returns the number of bytes consumed, or 0. */
static size_t parse_mdhms(const char *p, size_t n, mt_line *o){
  size_t i;
  int mon, day;
  if( n < 14 ) return 0;
  mon = mt_month_from_name(p);
  if( mon==0 || p[3]!=' ' ) return 0;
  i = 4;
  while( i<n && p[i]==' ' && i<7 ) i++;
  if( i>=n || !is_digit(p[i]) ) return 0;
  day = p[i++]-'0';
  if( i<n && is_digit(p[i]) ) day = day*10 + (p[i++]-'0');
  if( day<1 || day>31 ) return 0;
  if( i+9 > n || p[i]!=' ' ) return 0;
  i++;
  if( !is_digit(p[i]) || !is_digit(p[i+1]) || p[i+2]!=':'
   || !is_digit(p[i+3]) || !is_digit(p[i+4]) || p[i+5]!=':'
   || !is_digit(p[i+6]) || !is_digit(p[i+7]) ) return 0;
  o->hour = d2(p+i); o->min = d2(p+i+3); o->sec = d2(p+i+6);
  if( o->hour>23 || o->min>59 || o->sec>60 ) return 0;
  o->mon = mon; o->day = day;
  return i+8;
}

/* " YYYY" at p: returns 5 and sets *pYear, else 0. */
static size_t parse_year(const char *p, size_t n, int *pYear){
  if( n < 5 || p[0]!=' ' ) return 0;
  if( !is_digit(p[1]) || !is_digit(p[2]) || !is_digit(p[3]) || !is_digit(p[4]) ) return 0;
  if( n>5 && is_digit(p[5]) ) return 0;
  *pYear = d2(p+1)*100 + d2(p+3);
  return 5;
}

/* The asctime form "Www Mmm dd HH:MM:SS YYYY Level: " at p.  On success fill
** the timestamp, level and body and return 1. */
static int parse_file_form(const char *p, size_t n, mt_line *o){
  size_t i, lw;
  int lvl, year;
  if( n < 26 || p[3]!=' ' || !is_weekday(p) ) return 0;
  i = 4 + parse_mdhms(p+4, n-4, o);
  if( i==4 ) return 0;
  lw = parse_year(p+i, n-i, &year);
  if( lw==0 ) return 0;
  i += lw;
  if( i>=n || p[i]!=' ' ) return 0;
  i++;
  lvl = parse_level(p+i, n-i, &lw);
  if( lvl==0 ) return 0;
  o->form = MT_FORM_FILE;
  o->year = year;
  o->level = lvl;
  o->body = p+i+lw;
  o->body_len = n-i-lw;
  return 1;
}

/* The syslog form after an optional "<PRI>".  Between the timestamp and the
** level stand "[host ]tag: " (§2.2) — or a collector's variant of it (§2.3).
** The level is the first "Level: " that follows a "word: ". */
static int parse_syslog_form(const char *p, size_t n, mt_line *o){
  size_t i = 0, k, lw, lim, start;
  int lvl, year = 0;
  if( n>0 && p[0]=='<' ){
    for(i=1; i<n && i<5 && is_digit(p[i]); i++){}
    if( i==1 || i>=n || p[i]!='>' ) return 0;
    i++;
  }
  k = parse_mdhms(p+i, n-i, o);
  if( k==0 ) return 0;
  i += k;
  lw = parse_year(p+i, n-i, &year);
  i += lw;
  if( i>=n || p[i]!=' ' ) return 0;
  i++;
  start = i;
  /* Look for "word: Level: " within a bounded window: hosts and tags are short. */
  lim = n - i > 512 ? i + 512 : n;
  for(k=i; k+2<lim; k++){
    if( p[k]==':' && p[k+1]==' ' && k>start && p[k-1]!=' ' ){
      lvl = parse_level(p+k+2, n-k-2, &lw);
      if( lvl ){
        /* tag = the last word before k; host = what precedes it, if any. */
        size_t t = k;
        while( t>start && p[t-1]!=' ' ) t--;
        o->tag = p+t; o->tag_len = (int)(k-t);
        if( t>start ){
          size_t h = t-1;
          while( h>start && p[h-1]==' ' ) h--;
          /* host is the word right before the tag */
          size_t hs = h;
          while( hs>start && p[hs-1]!=' ' ) hs--;
          if( h>hs ){ o->host = p+hs; o->host_len = (int)(h-hs); }
        }
        o->form = MT_FORM_SYSLOG;
        o->year = year;
        o->level = lvl;
        o->body = p+k+2+lw;
        o->body_len = n-k-2-lw;
        return 1;
      }
      /* The Consolidated Event Log writes no level: "consolidated_event: CEF:0|…"
      ** (format.md §8.7).  The line is a syslog line with level NULL. */
      if( n-(k+2) > 5 && memcmp(p+k+2, "CEF:", 4)==0 && is_digit(p[k+6]) ){
        size_t t = k;
        while( t>start && p[t-1]!=' ' ) t--;
        o->tag = p+t; o->tag_len = (int)(k-t);
        if( t>start ){
          size_t h = t-1, hs;
          while( h>start && p[h-1]==' ' ) h--;
          hs = h;
          while( hs>start && p[hs-1]!=' ' ) hs--;
          if( h>hs ){ o->host = p+hs; o->host_len = (int)(h-hs); }
        }
        o->form = MT_FORM_SYSLOG;
        o->year = year;
        o->level = MT_LVL_NONE;
        o->body = p+k+2;
        o->body_len = n-k-2;
        return 1;
      }
      /* A tag followed by a complete file-form line: prefer its timestamp. */
      if( n-(k+2) >= 26 && is_weekday(p+k+2) ){
        mt_line inner;
        memset(&inner, 0, sizeof(inner));
        if( parse_file_form(p+k+2, n-k-2, &inner) ){
          size_t t = k;
          while( t>start && p[t-1]!=' ' ) t--;
          inner.tag = p+t; inner.tag_len = (int)(k-t);
          if( t>start ){
            size_t h = t-1, hs;
            while( h>start && p[h-1]==' ' ) h--;
            hs = h;
            while( hs>start && p[hs-1]!=' ' ) hs--;
            if( h>hs ){ inner.host = p+hs; inner.host_len = (int)(h-hs); }
          }
          inner.form = MT_FORM_SYSLOG;
          *o = inner;
          return 1;
        }
      }
    }
  }
  return 0;
}

void mt_line_parse(const char *p, size_t n, mt_line *o){
  memset(o, 0, sizeof(*o));
  if( n>=26 && p[3]==' ' && parse_file_form(p, n, o) ) return;
  if( n>=16 ){
    mt_line s;
    memset(&s, 0, sizeof(s));
    if( parse_syslog_form(p, n, &s) ){ *o = s; return; }
    /* A collector's "Www Mmm dd HH:MM:SS YYYY host tag: Level: body". */
    memset(&s, 0, sizeof(s));
    if( n>=26 && p[3]==' ' && is_weekday(p) && parse_syslog_form(p+4, n-4, &s) ){ *o = s; return; }
  }
  memset(o, 0, sizeof(*o));
  o->form = MT_FORM_NONE;
  o->body = p;
  o->body_len = n;
}

int64_t mt_days_from_civil(int64_t y, int m, int d){
  /* Howard Hinnant's algorithm, valid for the whole proleptic calendar. */
  int64_t era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y-399) / 400;
  yoe = y - era * 400;
  doy = (153*(m + (m > 2 ? -3 : 9)) + 2)/5 + d-1;
  doe = yoe * 365 + yoe/4 - yoe/100 + doy;
  return era * 146097 + doe - 719468;
}

int64_t mt_time_from_parts(int year, int mon, int day, int hour, int min, int sec){
  return mt_days_from_civil(year, mon, day)*86400 + hour*3600 + min*60 + sec;
}

void mt_time_iso(int64_t t, char out[20]){
  int64_t days, z, era, doe, yoe, y, doy, mp, d, m, s;
  int i;
  /* Clamp to years 0000..9999 so the text keeps its fixed width. */
  if( t < -62167219200LL ) t = -62167219200LL;          /* 0000-01-01 */
  if( t > 253402300799LL ) t = 253402300799LL;          /* 9999-12-31 23:59:59 */
  days = t / 86400; s = t % 86400;
  if( s < 0 ){ s += 86400; days--; }
  z = days + 719468;
  era = (z >= 0 ? z : z - 146096) / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe/1460 + doe/36524 - doe/146096) / 365;
  y = yoe + era * 400;
  doy = doe - (365*yoe + yoe/4 - yoe/100);
  mp = (5*doy + 2)/153;
  d = doy - (153*mp+2)/5 + 1;
  m = mp < 10 ? mp+3 : mp-9;
  y += (m <= 2);
  for(i=3; i>=0; i--){ out[i] = (char)('0' + y%10); y /= 10; }
  out[4] = '-';
  out[5] = (char)('0' + m/10); out[6] = (char)('0' + m%10);
  out[7] = '-';
  out[8] = (char)('0' + d/10); out[9] = (char)('0' + d%10);
  out[10] = ' ';
  out[11] = (char)('0' + s/36000); out[12] = (char)('0' + (s/3600)%10);
  out[13] = ':';
  out[14] = (char)('0' + (s%3600)/600); out[15] = (char)('0' + (s%600)/60);
  out[16] = ':';
  out[17] = (char)('0' + (s%60)/10); out[18] = (char)('0' + s%10);
  out[19] = 0;
}

int mt_infer_year(int line_mon, int64_t mtime, int fallback_year){
  char iso[20];
  int y, m;
  if( mtime <= 0 ) return fallback_year;
  mt_time_iso(mtime, iso);
  y = (iso[0]-'0')*1000 + (iso[1]-'0')*100 + (iso[2]-'0')*10 + (iso[3]-'0');
  m = (iso[5]-'0')*10 + (iso[6]-'0');
  return line_mon > m ? y-1 : y;
}

int mt_iso_floor(const char *z, int64_t *pOut){
  /* Exactly "YYYY-MM-DD HH:MM:SS" or a prefix of it ending at a component.
  ** Anything else ("2026-11-02T10", "2026-11-02/") sorts differently from
  ** the columns' text, so it is not used as a bound (returns 0). */
  static const int at[6] = {0, 5, 8, 11, 14, 17}, w[6] = {4, 2, 2, 2, 2, 2};
  static const char sep[6] = {0, '-', '-', ' ', ':', ':'};
  int v[6] = {0, 1, 1, 0, 0, 0}, i, k;
  size_t L;
  if( !z ) return 0;
  L = strlen(z);
  for(i=0; i<6; i++){
    int x = 0;
    if( i>0 ){
      if( L==(size_t)at[i]-1 ) break;                /* ends right after a component */
      if( L < (size_t)at[i]+w[i] || z[at[i]-1]!=sep[i] ) return 0;
    }else if( L < 4 ){
      return 0;
    }
    for(k=0; k<w[i]; k++){
      char c = z[at[i]+k];
      if( c<'0' || c>'9' ) return 0;
      x = x*10 + (c-'0');
    }
    v[i] = x;
  }
  if( i==6 && L!=19 ) return 0;                        /* trailing text */
  if( v[1]<1 || v[1]>12 || v[2]<1 || v[2]>31 ) return 0;
  *pOut = mt_time_from_parts(v[0], v[1], v[2], v[3], v[4], v[5]);
  return 1;
}
