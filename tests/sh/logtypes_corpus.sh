#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Log types on the public samples in ../shared/corpus (docs/lines.md "Log types").
# The expected type of every line was written by reading the lines by hand
# (tests/data/FACTS.md "Log types"): in the Elastic mixed stream the syslog
# tag names the subscription, and the table below maps each default name to
# its log type; in the SC4S payload files each line is listed.  Skips when
# the corpus is absent; does not assume its file list beyond the files named.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
C=../../shared/corpus
q(){ sqlite3 -batch :memory: -cmd ".load $EXT" "$@"; }
check(){ if [ "$2" = "$3" ]; then echo "PASS sh.logtypes.$1"; else echo "FAIL sh.logtypes.$1: got [$2] want [$3]"; fi; }

mixed=$C/subscriptions/elastic_csegw_mixed_subscriptions_syslog.log
if [ -f "$mixed" ]; then
  # tag → type, by hand: the tag is the subscription's default name
  want=$(sed -E 's/^<[0-9]+>[A-Z][a-z]{2} +[0-9]+ [0-9:]+ ([a-z_]+):.*/\1/' "$mixed" | awk '{
    m["amp"]="amp"; m["antispam"]="antispam"; m["consolidated_event"]="consolidated_event";
    m["content_scanner"]="other"; m["error_logs"]="mail_logs"; m["gui_logs"]="other";
    m["mail_logs"]="mail_logs"; m["status"]="status"; m["system"]="other";
    printf "%d:%s ", NR, ($1 in m) ? m[$1] : "?" }')
  got=$(q "SELECT group_concat(lineno || ':' || coalesce(log_type, '-'), ' ') || ' ' FROM mailtrace_lines('$mixed', 'year=2021')")
  check elastic_mixed_by_tag "$got" "$want"
  # 54 lines, 24 of them mail_logs (20 mail_logs + 4 error_logs): one connection
  # (ICID 5), messages 6 and 111 (line 35 names MID 111: a DLP line), one delivery (DCID 8);
  # and message 1053 from the one consolidated_event line (ESAMID=1053, CEF only)
  got=$(q "SELECT (SELECT count(*) FROM mailtrace_connections('$mixed', 'year=2021')) || ' ' || (SELECT group_concat(mid) FROM (SELECT mid FROM mailtrace_messages('$mixed', 'year=2021') ORDER BY mid)) || ' ' || (SELECT group_concat(dcid) FROM mailtrace_deliveries('$mixed', 'year=2021'))")
  check elastic_mixed_entities "$got" "1 6,111,1053 8"
  # the CEF line (no level) and the AMP lines name MIDs 1053 and 5; the status counters name none
  got=$(q "SELECT group_concat(lineno || ':' || event || ':' || coalesce(mid, '-'), ' ') FROM mailtrace_lines('$mixed', 'year=2021') WHERE log_type IN ('consolidated_event', 'status') OR event IN ('amp.query', 'amp.response')")
  check elastic_mixed_ids "$got" "1:amp.query:5 2:amp.response:5 11:cef.message:1053 29:status:-"
else
  echo "SKIP sh.logtypes.elastic_mixed: $mixed is absent"
fi

sc4s=$C/subscriptions/sc4s_cisco_esa_mail_amp_payloads.log
if [ -f "$sc4s" ]; then
  # 1-8 mail_logs (known and unknown tags, file and syslog forms); 9-13 and
  # 18-19 have no prefix (the collector stripped it); 14-17 AMP with "Info:  ".
  got=$(q "SELECT group_concat(coalesce(log_type, '-'), ' ') FROM mailtrace_lines('$sc4s', 'year=2020')")
  check sc4s_mail_amp "$got" "mail_logs mail_logs mail_logs mail_logs mail_logs mail_logs mail_logs mail_logs - - - - - amp amp amp amp - -"
else
  echo "SKIP sh.logtypes.sc4s_mail_amp: absent"
fi

other=$C/subscriptions/sc4s_cisco_esa_other_subscriptions_payloads.log
if [ -f "$other" ]; then
  # http/gui, authentication, system lines are other; header lines (Version,
  # System is coming up, Begin Logfile, Time offset) with no tag or file name
  # that says otherwise are mail_logs; 18-32 have no prefix.
  got=$(q "SELECT group_concat(coalesce(log_type, '-'), ' ') FROM mailtrace_lines('$other', 'year=2020') WHERE lineno <= 17")
  check sc4s_other "$got" "other other other other mail_logs mail_logs mail_logs other other other mail_logs other mail_logs other other other other"
  got=$(q "SELECT count(*) FROM mailtrace_messages('$other', 'year=2020')")
  check sc4s_other_no_messages "$got" "0"
else
  echo "SKIP sh.logtypes.sc4s_other: absent"
fi

bounces=$C/external/elastic_csegw_bounces_file.log
if [ -f "$bounces" ]; then
  # Issue 10 finding 10: "Bounced: 123:123 From:<…> To:<…>" is the bounce log, not a delivery
  got=$(q "SELECT group_concat(log_type || ':' || event || ':' || mid || ':' || rid || ':' || coalesce(dcid, '-'), ' ') FROM mailtrace_lines('$bounces')")
  check elastic_bounces_lines "$got" "bounces:bounces.bounced:15232:0:2 bounces:bounces.bounced:123:123:-"
  got=$(q "SELECT (SELECT count(*) FROM mailtrace_messages('$bounces')) || ' ' || (SELECT count(*) FROM mailtrace_recipients('$bounces')) || ' ' || (SELECT count(*) FROM mailtrace_deliveries('$bounces'))")
  check elastic_bounces_no_entities "$got" "0 0 0"
else
  echo "SKIP sh.logtypes.elastic_bounces: absent"
fi

# Every other public mail_logs sample: every line with a prefix is mail_logs.
n=0
for f in "$C"/external/*.log; do
  [ -f "$f" ] || continue
  case $f in *bounces*) continue;; esac
  n=$((n+1))
  got=$(q "SELECT count(*) FROM mailtrace_lines('$f', 'year=2024') WHERE log_type IS NOT 'mail_logs' AND level IS NOT NULL")
  check "external_all_mail.$(basename "$f" .log)" "$got" "0"
done
[ $n -gt 0 ] || echo "SKIP sh.logtypes.external: no corpus"

# mailtrace_files on the public samples, read by hand:
# Elastic's mixed stream: one AMP query + response for MID 5 'mod-6.exe' (MALICIOUS,
# W32.061DEF69B5-100.SBX.TG, score 73, upload_action 2); its "not uploaded" line says MID = 0.
if [ -f "$mixed" ]; then
  got=$(q "SELECT group_concat(mid || '|' || filename || '|' || size || '|' || disposition || '|' || malware || '|' || reputation_score || '|' || substr(sha256, 1, 8) || '|' || upload_action, ' ') FROM mailtrace_files('$mixed', 'year=2021')")
  check files_elastic_mixed "$got" "5|mod-6.exe|1673216|MALICIOUS|W32.061DEF69B5-100.SBX.TG|73|061def69|2"
fi
# SC4S payloads: not uploaded MID 357876 (no name), response MID 166267 'tqps.rtf', query MID 852867.
if [ -f "$sc4s" ]; then
  got=$(q "SELECT group_concat(mid || '|' || coalesce(filename, '-') || '|' || coalesce(disposition, '-') || '|' || coalesce(upload, '-'), ' ') FROM (SELECT * FROM mailtrace_files('$sc4s', 'year=2020') ORDER BY mid)")
  check files_sc4s "$got" "166267|tqps.rtf|MALICIOUS|- 357876|-|-|not uploaded: Analysis request is takenup 852867|Nursing Management Agenda.pdf|-|-"
fi
# Elastic's file-upload sample: 12 mail_logs "SHA … filename … queued" lines, 12 files, all queued.
up=$C/external/elastic_csegw_mail_file_upload_syslog.log
if [ -f "$up" ]; then
  got=$(q "SELECT count(*) || ' ' || count(DISTINCT mid) || ' ' || group_concat(DISTINCT upload) FROM mailtrace_files('$up', 'year=2024')")
  check files_elastic_upload "$got" "12 12 queued"
  got=$(q "SELECT filename FROM mailtrace_files('$up', 'year=2024') WHERE mid = 118204993")
  check files_elastic_upload_name "$got" "CHG0186108 - Linux OS Security Patching (RHEL 7.9 Q4-2024) on 11th Nov'24.docx"
fi

# mailtrace_bounces on Elastic's bounce file (read by hand): 15232:0 with DSN 5.1.0 and
# code 550 on DCID 2, and 123:123 with no reason; no mail_logs beside them.
if [ -f "$bounces" ]; then
  got=$(q "SELECT group_concat(mid || ':' || rid || '|' || kind || '|' || coalesce(dsn, '-') || '|' || coalesce(smtp_code, '-') || '|' || coalesce(dcid, '-') || '|' || \"check\", ' ') FROM mailtrace_bounces('$bounces')")
  check bounces_elastic "$got" "15232:0|bounced|5.1.0|550|2|not in mail_logs 123:123|bounced|-|-|-|not in mail_logs"
fi

# mailtrace_cef on Elastic's CEF line (read by hand from the line): MID 1053, ICID 134,
# act QUARANTINED "To POLICY", AS NEGATIVE, AV NEGATIVE (followed by two spaces), AMP UNKNOWN,
# OF POSITIVE, endTime with spaces, subject 'Testing', size 11873, AsyncOS 14.0.0-657.
if [ -f "$mixed" ]; then
  got=$(q "SELECT mid || '|' || icid || '|' || act || '|' || action_details || '|' || as_verdict || '|' || av_verdict || '|' || amp_verdict || '|' || of_verdict || '|' || end_time || '|' || subject || '|' || size || '|' || device_version || '|' || sender_group FROM mailtrace_cef('$mixed', 'year=2021')")
  check cef_elastic "$got" "1053|134|QUARANTINED|To POLICY|NEGATIVE|NEGATIVE|UNKNOWN|POSITIVE|Thu Mar 18 08:04:46 2021|Testing|11873|14.0.0-657|UNKNOWNLIST"
fi
