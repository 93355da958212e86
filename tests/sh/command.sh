#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The mailtrace command (bin/mailtrace) end to end over the demo logs: why,
# history, coverage, report, SQL arguments and -f, output modes, usage errors
# and exit codes, --show-sql, the progress line on a terminal, Ctrl-C.
# Expected values are the demo facts of tests/data/FACTS.md.  PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
export MAILTRACE_EXT=${MAILTRACE_EXT:-$PWD/mailtrace}
MT=$PWD/bin/mailtrace
LOGS=tests/data/demo/esa-demo
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { if [ "$2" = 0 ]; then echo "PASS command.$1"; else echo "FAIL command.$1: ${3:-}"; fi; }

out=$("$MT" why --ip 198.51.100.66 "$LOGS" --csv 2>&1)
echo "$out" | head -1 | grep -q '^utc,host,remote_ip,icid,mid,mail_from,rcpt_to,stage,verdict,explain,reason_class,evidence$' &&
echo "$out" | grep -q '^"2026-11-05 12:15:40",esa-demo,198.51.100.66,10402,,,,policy,"refused by HAT policy",.*mail.@20261105T000000.s:34: '
ok why_ip_csv $? "$out"

out=$("$MT" why --sender hr@example.com "$LOGS" --json 2>&1)
python3 -c 'import json,sys; r=json.load(sys.stdin); assert [(x["mid"],x["verdict"]) for x in r]==[(20506,"bounced by the destination")], r' <<<"$out"
ok why_sender_json $? "$out"

out=$("$MT" why --ip 198.51.100.66 --since 2026-11-06 "$LOGS" --list 2>&1)
echo "$out" | grep -q 'not covered by the logs'; ok why_since_outside $? "$out"

out=$("$MT" why --ip 198.51.100.66 --since yesterday "$LOGS" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q "since wants YYYY-MM-DD"; ok why_bad_time_usage_error $? "rc=$rc $out"
out=$("$MT" why "$LOGS" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'say whose mail'; ok why_needs_a_filter $? "rc=$rc $out"

out=$("$MT" history 20506 "$LOGS" --tabs 2>&1)
n=$(echo "$out" | tail -n +2 | wc -l)
echo "$out" | sed -n 2p | grep -q $'^2026-11-05 13:35:02\tesa-demo\t10408\t\t\t\ticid.new\t' && [ "$n" -gt 5 ]
ok history $? "$out"
out=$("$MT" history abc "$LOGS" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'give a MID'; ok history_needs_a_number $? "rc=$rc $out"

out=$("$MT" coverage "$LOGS" --line 2>&1)
echo "$out" | grep -q 'file = tests/data/demo/esa-demo/mail.current'; ok coverage $? "$out"

out=$("$MT" report "$LOGS" --csv 2>&1)
for t in bounces no-reverse-dns rejected-connections slow-banner top-senders; do
  echo "$out" | grep -q "^== $t\$" || { ok report_all 1 "no $t in: $out"; break; }
done && ! echo "$out" | grep -q '^== why-not-received' && ok report_all 0
out=$("$MT" report why-not-received --ip 203.0.113.99 "$LOGS" --csv 2>&1)
echo "$out" | grep -q '^"2026-11-05 12:31:02",esa-demo,203.0.113.99,'; ok report_named_with_parameter $? "$out"
out=$("$MT" report history "$LOGS" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'needs --mid MID'; ok report_missing_parameter $? "rc=$rc $out"

out=$("$MT" "$LOGS" -- "SELECT count(*) AS n FROM lines" "SELECT status FROM messages WHERE mid = 20506" --list 2>&1)
[ "$out" = $'n\n180\nstatus\nbounced' ]; ok sql_arguments $? "$out"
printf "SELECT count(*) FROM messages;\n.mode tabs\nSELECT mid FROM messages WHERE status = 'dropped';\n" > "$tmp/q.sql"
out=$("$MT" "$LOGS" -f "$tmp/q.sql" --list 2>&1)
[ "$out" = $'count(*)\n9\nmid\n20503' ]; ok sql_file $? "$out"
out=$("$MT" "$LOGS" -- "SELECT nonsense FROM messages" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q 'no such column: nonsense'; ok sql_error_exit_1 $? "rc=$rc $out"
out=$("$MT" /nonexistent/esa -- "SELECT 1" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q '/nonexistent/esa: No such file or directory'; ok missing_source $? "rc=$rc $out"
out=$("$MT" --bogus "$LOGS" 2>&1); rc=$?
[ $rc = 2 ] && echo "$out" | grep -q 'unknown option --bogus'; ok unknown_option $? "rc=$rc $out"
out=$("$MT" why --ip "1.2.3.4' OR 1=1 --" "$LOGS" --show-sql 2>&1)
echo "$out" | grep -qF "WHERE ip = '1.2.3.4'' OR 1=1 --'"; ok show_sql_quotes $? "$out"
out=$("$MT" why --message-id '<inv-2026-0458@partner.example>' "$LOGS" --list 2>&1)
echo "$out" | sed -n 2p | grep -q '^2026-11-05 13:05:2[0-9]|esa-demo|192.0.2.25|10406|20504|invoices@partner.example|accounts@example.com|delivered|delivered|'
ok why_message_id $? "$out"
out=$("$MT" why --subject 'interview' "$LOGS" --list 2>&1)
echo "$out" | grep -q '|20506|hr@example.com|.*|bounced by the destination|'; ok why_subject $? "$out"
out=$("$MT" why --ip 'not-an-ip' "$LOGS" 2>&1); rc=$?
[ $rc = 1 ] && echo "$out" | grep -q "ip wants an IPv4 or IPv6 address such as 192.0.2.10, not 'not-an-ip'"; ok why_bad_ip $? "rc=$rc $out"
out=$("$MT" why --ip 192.0.2.10 tests/data/notmail --list 2>&1)
echo "$out" | grep -q '|input|not Cisco mail logs|These files are not Cisco mail logs: 4 of 4 lines unrecognised'; ok why_not_mail_logs $? "$out"
out=$("$MT" "$LOGS" tz=-0500 -- "SELECT count(*) FROM lines" --list 2>&1)
[ "$out" = $'count(*)\n180' ]; ok source_options $? "$out"
out=$("$MT" version 2>&1); echo "$out" | grep -q '^mailtrace [0-9]'; ok version $? "$out"

# a slow question: a three-way join of the demo lines (each inner scan reads the files again)
slow="SELECT count(*) FROM mailtrace_lines('$LOGS') a, mailtrace_lines('$LOGS') b, mailtrace_lines('$LOGS') c"
slow="$slow, mailtrace_lines('$LOGS') d"
# under make asan everything starts several times slower: give the query time to be running
delay=1.5 delay_ms=1500 limit=1000; case "$MAILTRACE_EXT" in */asan/*) delay=6 delay_ms=6000 limit=5000 ;; esac
# Ctrl-C: timeout(1) sends SIGINT to the command's whole process group after 1.5 s,
# as a terminal does; the query stops cleanly ("interrupted", status 130) at once
for q in -q ""; do
  t0=$(date +%s%N)
  timeout --preserve-status -k 10 -s INT "$delay" "$MT" "$LOGS" $q -- "$slow" > "$tmp/out" 2>&1; rc=$?
  ms=$(( ($(date +%s%N) - t0) / 1000000 - delay_ms ))
  [ $rc = 130 ] && grep -q "interrupted" "$tmp/out" && [ $ms -lt $limit ]
  ok "ctrl_c_stops${q:+_quiet}" "$?" "rc=$rc ${ms} ms after SIGINT: $(cat "$tmp/out")"
done
# progress on a terminal (script(1) gives the command a pty), not when stderr is a file
if command -v script >/dev/null 2>&1 && [ -r /proc/self/io ]; then
  script -qfec "timeout -s INT $((delay_ms / 500)) $MT $LOGS -- \"$slow\"" "$tmp/tty" >/dev/null 2>&1
  grep -aq 'mailtrace: .* of .* KiB (.*%), .*/s' "$tmp/tty"; ok progress_on_a_terminal $? "$(tr '\r' '\n' < "$tmp/tty" | tail -3)"
else
  echo "SKIP command.progress_on_a_terminal: script(1) or /proc missing"
fi
timeout -s INT 3 "$MT" "$LOGS" -- "$slow" > /dev/null 2> "$tmp/err"
! grep -q 'KiB' "$tmp/err"; ok no_progress_off_a_terminal $? "$(cat "$tmp/err")"
