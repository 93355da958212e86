/* SPDX-License-Identifier: MIT */
/*
** senders.c — a domain's sending IPs from an entity store (see senders.h).
**
**   SELECT mailtrace_open('/var/log/esa/');
**   SELECT * FROM sender_ips('sender.example');      -- table_check.c prints this
**
** Each message received from outside whose envelope sender is in the
** domain is paired with its connection (mt_msg.conn: the store's link from
** the lines that name both); the pairs are sorted by IP and counted.
*/
#include "senders.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

int mt_sender_domain_match(const char *from, const char *domain, int sub){
  const char *at = from ? strrchr(from, '@') : 0;
  size_t n, dn = strlen(domain);
  if( !at || dn==0 ) return 0;
  at++;
  n = strlen(at);
  if( n && at[n-1]=='>' ) n--;
  if( n==dn && strncasecmp(at, domain, n)==0 ) return 1;
  return sub && n>dn && at[n-dn-1]=='.' && strncasecmp(at + n - dn, domain, dn)==0;
}

/* The connection that carried message mi, or -1: the store links them by
** the lines that name both (MID m ICID n), not by time. */
static int msg_conn(const mt_store *st, int mi){
  return st->msgs[mi].icid>0 ? st->msgs[mi].conn : -1;
}

typedef struct pair { const char *ip; int msg, conn; } pair;

static int pair_cmp(const void *a, const void *b){
  const pair *x = a, *y = b;
  int c = strcmp(x->ip, y->ip);
  if( c ) return c;
  if( x->conn!=y->conn ) return x->conn < y->conn ? -1 : 1;
  return x->msg < y->msg ? -1 : x->msg > y->msg;
}

static int entry_cmp(const void *a, const void *b){
  const mt_sender_ip *x = a, *y = b;
  if( !x->ip || !y->ip ) return x->ip ? -1 : y->ip ? 1 : 0;
  if( x->messages!=y->messages ) return x->messages > y->messages ? -1 : 1;
  return strcmp(x->ip, y->ip);
}

static int64_t msg_time(const mt_msg *m, int *has){
  const mt_when *w = mt_when_set(m->start) ? &m->start : &m->end;
  *has = mt_when_set(*w);
  return *has ? mt_when_utc(*w) : 0;
}

/* Append host h to the list "a, b" unless it is there. */
static int add_gateway(char **pz, const char *h){
  size_t hn = strlen(h), n = *pz ? strlen(*pz) : 0;
  char *z;
  if( *pz ){
    const char *p = *pz;
    while( p ){
      if( strncmp(p, h, hn)==0 && (p[hn]==0 || p[hn]==',') ) return 0;
      p = strchr(p, ',');
      if( p ) p += 2;
    }
  }
  z = realloc(*pz, n + (n ? 2 : 0) + hn + 1);
  if( !z ) return -1;
  if( n ){ memcpy(z + n, ", ", 2); n += 2; }
  memcpy(z + n, h, hn + 1);
  *pz = z;
  return 0;
}

int mt_sender_ips(const mt_store *st, const char *domain, int sub, mt_sender_ip **pv, int *pn){
  pair *pairs = malloc(sizeof(pair) * (size_t)(st->nmsg + 1));
  mt_sender_ip *v = 0, nobody;
  int i, j, np = 0, n = 0, has;
  *pv = 0; *pn = 0;
  if( !pairs ) return -1;
  memset(&nobody, 0, sizeof(nobody));
  nobody.first = INT64_MAX; nobody.last = INT64_MIN; nobody.dns_verified = -1;
  for(i=0; i<st->nmsg; i++){
    const mt_msg *m = &st->msgs[i];
    int k;
    if( m->parent_mid>=0 || m->icid<=0 || !mt_sender_domain_match(m->mail_from, domain, sub) ) continue;
    k = msg_conn(st, i);
    if( k<0 || !st->conns[k].remote_ip ){
      int64_t t = msg_time(m, &has);
      nobody.messages++;
      if( has && t < nobody.first ) nobody.first = t;
      if( has && t > nobody.last ) nobody.last = t;
      if( add_gateway(&nobody.gateways, st->hosts[m->host]) ) goto nomem;
      continue;
    }
    pairs[np].ip = st->conns[k].remote_ip;
    pairs[np].msg = i;
    pairs[np].conn = k;
    np++;
  }
  qsort(pairs, (size_t)np, sizeof(pair), pair_cmp);
  v = calloc((size_t)np + 1, sizeof(mt_sender_ip));
  if( !v ) goto nomem;
  for(i=0; i<np; i=j){
    mt_sender_ip *e = &v[n++];
    int last_conn = -1, latest = pairs[i].conn;
    e->ip = pairs[i].ip;
    e->first = INT64_MAX; e->last = INT64_MIN;
    for(j=i; j<np && strcmp(pairs[j].ip, pairs[i].ip)==0; j++){
      const mt_conn *cn = &st->conns[pairs[j].conn];
      int64_t t = msg_time(&st->msgs[pairs[j].msg], &has);
      e->messages++;
      if( pairs[j].conn!=last_conn ){
        e->connections++;
        last_conn = pairs[j].conn;
        if( add_gateway(&e->gateways, st->hosts[cn->host]) ) goto nomem;
      }
      if( has && t < e->first ) e->first = t;
      if( has && t >= e->last ){ e->last = t; latest = pairs[j].conn; }
    }
    e->reverse_dns = st->conns[latest].reverse_dns;
    e->dns_verified = st->conns[latest].dns_verified;
  }
  qsort(v, (size_t)n, sizeof(mt_sender_ip), entry_cmp);
  if( nobody.messages ) v[n++] = nobody;
  free(pairs);
  if( n==0 ){ free(v); v = 0; }
  *pv = v; *pn = n;
  return 0;
nomem:
  free(nobody.gateways);
  mt_sender_ips_free(v, n);
  free(pairs);
  return -1;
}

void mt_sender_ips_free(mt_sender_ip *v, int n){
  int i;
  if( !v ) return;
  for(i=0; i<n; i++) free(v[i].gateways);
  free(v);
}
