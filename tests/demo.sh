#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make demo — the troubleshooting walk on the bundled sample logs
# (tests/data/demo/esa-demo: one morning on a gateway).
set -eu
cd "$(dirname "$0")/.."
LOGS=tests/data/demo/esa-demo
run() {  # run(title, ip)
  echo
  echo "== $1"
  sqlite3 -batch :memory: -cmd ".load ./mailtrace" <<SQL
.output /dev/null
SELECT mailtrace_open('$LOGS');
.output stdout
.headers on
.mode box --wrap 34
.parameter set :ip '$2'
.read sql/why-not-received.sql
SQL
}
echo "mailtrace demo: $(sqlite3 :memory: -cmd '.load ./mailtrace' 'SELECT mailtrace_version()')"
echo "logs: $LOGS ($(ls $LOGS | tr '\n' ' '))"
sqlite3 -batch :memory: -cmd ".load ./mailtrace" -box \
  "SELECT mailtrace_open('$LOGS') AS files;" \
  "SELECT count(*) AS lines, min(utc) AS first_utc, max(utc) AS last_utc FROM lines;" \
  "SELECT status, count(*) AS messages FROM messages GROUP BY status ORDER BY 2 DESC;"
run "192.0.2.25 (mx1.partner.example): delivered" 192.0.2.25
run "198.51.100.66: refused by the HAT policy" 198.51.100.66
run "203.0.113.99: no reverse DNS, gave up before the banner" 203.0.113.99
echo
q() {  # q(sql...): statements over the opened demo logs
  { printf '.output /dev/null\nSELECT mailtrace_open(%s);\n.output stdout\n.mode box --wrap 60\n' "'$LOGS'"
    printf '%s\n' "$@"; } | sqlite3 -batch :memory: -cmd ".load ./mailtrace"
}
echo "== The diagnosis (sql/diagnose.sql) for four senders: never connected, refused, dropped before any command, delivered"
for ip in 192.0.2.99 198.51.100.66 203.0.113.99 192.0.2.25; do
  q ".mode line" ".parameter set :ip '$ip'" \
    "SELECT remote_ip, mid, stage, verdict, explain, evidence FROM mailtrace_diagnose(:ip) ORDER BY utc LIMIT 1;"
  echo
done
echo
echo "== The slow-banner senders (sql/no-reverse-dns.sql)"
q ".read sql/no-reverse-dns.sql"
echo
mid=$(q ".mode list" "SELECT mid FROM messages WHERE status = 'bounced' ORDER BY mid LIMIT 1;")
echo "== The whole story of the bounced message, MID $mid (sql/history.sql)"
q ".mode list" ".parameter set :mid $mid" ".read sql/history.sql"
