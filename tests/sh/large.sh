#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Correctness on a large log set: a generated gateway day of 13,000
# connections and 104,000 messages in three rotated files (≈ 380,000 lines;
# the first file alone ≈ 234,000 lines, the middle one gzipped).  Every
# answer is checked against counts made independently from the same files by
# grep, awk and wc, so a limit that only large inputs reach (a store that
# stops past 100,000 messages, a reader that stops after the 200,000th line
# of a file) fails here.
# Through the whole-log store, the offset index (lookups by id and by IP)
# and mailtrace_lines.  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
d=$tmp/big
mkdir "$d"
fails=0
check() {   # check NAME GOT WANT
  if [ "$2" = "$3" ]; then echo "PASS sh.large.$1"
  else echo "FAIL sh.large.$1: got '${2:0:300}', want '${3:0:300}'"; fails=$((fails+1)); fi
}

# Connection i (ICID 500000+i, from 10.<i/250>.<i%250>.1) sends 8 messages
# (MID 1000000+8i+j), one recipient each.  MID % 10 == 0: bounced (DCID 0,
# NXDomain); MID % 10 == 3: delivered by DCID 2000000+MID; else queued.
# awk itself runs without the ASan runtime that make asan preloads (mawk has
# a heap overflow of its own that ASan stops on)
awk() { env -u LD_PRELOAD awk "$@"; }
gen() {     # gen FIRST LAST: connections FIRST..LAST-1, one file
  awk -v first="$1" -v last="$2" 'BEGIN {
    t = sprintf("Fri Nov 20 %02d:%02d:%02d 2026 Info:", first/3600, (first%3600)/60, first%60)
    print t " Begin Logfile"
    print t " Version: 15.0.1-030 SN: 564D2A9E7F3B1C0D4E5F-A1B2C3D4E5F6"
    print t " Time offset from UTC: 0 seconds"
    for (i = first; i < last; i++) {
      ts = sprintf("Fri Nov 20 %02d:%02d:%02d 2026 Info:", i/3600, (i%3600)/60, i%60)
      icid = 500000 + i
      printf "%s New SMTP ICID %d interface Data 1 (198.51.100.25) address 10.%d.%d.1 reverse dns host h%d.example.net verified yes\n", ts, icid, int(i/250), i%250, i
      for (j = 0; j < 8; j++) {
        mid = 1000000 + 8*i + j
        printf "%s Start MID %d ICID %d\n", ts, mid, icid
        printf "%s MID %d ICID %d RID 0 To: <u%d@example.com>\n", ts, mid, icid, mid
        printf "%s MID %d queued for delivery\n", ts, mid
        if (mid % 10 == 0)
          printf "%s Bounced: DCID 0 MID %d From: <s%d@h%d.example.net> To: <u%d@example.com> RID 0 - 5.1.2 - Bad destination host (\047000\047, [\047DNS Hard Error looking up example.com (MX): NXDomain\047])\n", ts, mid, i, i, mid
        else if (mid % 10 == 3) {
          dcid = 2000000 + mid
          printf "%s Delivery start DCID %d MID %d to RID [0]\n", ts, dcid, mid
          printf "%s Message done DCID %d MID %d to RID [0]\n", ts, dcid, mid
          printf "%s Message finished MID %d done\n", ts, mid
        }
      }
      printf "%s ICID %d close\n", ts, icid
    }
  }'
}
gen 0 8000      > "$d/mail.@20261120T000000.s"
gen 8000 11000 | gzip -1 > "$d/mail.@20261120T021320.s.gz"
gen 11000 13000 > "$d/mail.current"

# the independent counts, in one pass of awk over the three files (zcat for
# the gzipped one): lines per file, connections, messages, outcomes, the
# delivery attempts (Delivery start lines, DCID 0 bounces), and the last
# connection's ICID and IP and the last MID
counts=$( { cat "$d/mail.@20261120T000000.s"; echo "--file--"; zcat "$d/mail.@20261120T021320.s.gz"; echo "--file--"
            cat "$d/mail.current"; } | LC_ALL=C awk '
  $0 == "--file--" { f++; next }
  { n[f+0]++ }
  / Info: New SMTP ICID / { conns++; icid = $10; ip = $16 }
  / Info: Start MID / { msgs++; mid = $9 }
  / Info: Message done DCID / { delivered++ }
  / Info: Bounced: / { bounced++ }
  / Info: Bounced: DCID 0 / { dcid0++ }
  / Info: Delivery start DCID / { starts++ }
  END { print n[0], n[1], n[2], conns, msgs, delivered, bounced, starts + dcid0, icid, ip, mid }')
read -r n1 n2 n3 conns msgs delivered bounced dlvs last_icid ip last_mid <<<"$counts"
queued=$((msgs - delivered - bounced))
[ "$n1" -gt 200000 ] && [ "$msgs" -gt 100000 ] || { echo "FAIL sh.large.generator: $counts"; exit 1; }
case $((last_mid % 10)) in 0) last_status=bounced ;; 3) last_status=delivered ;; *) last_status=queued ;; esac

q() { sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1; }
out=$(q "SELECT group_concat(n, ' '), group_concat(last, ' ') FROM (SELECT count(*) AS n, max(lineno) AS last FROM mailtrace_lines('$d') GROUP BY file ORDER BY min(rowid));" \
        "SELECT count(*) FROM mailtrace_lines('$d') WHERE text LIKE '%Bounced:%';" \
        "SELECT count(DISTINCT mid), count(DISTINCT icid) FROM mailtrace_lines('$d');")
check lines_per_file "$(sed -n 1p <<<"$out")" "$n1 $n2 $n3|$n1 $n2 $n3"
check like_prefilter "$(sed -n 2p <<<"$out")" "$bounced"
check ids_parsed "$(sed -n 3p <<<"$out")" "$msgs|$conns"

out=$(q "SELECT mailtrace_open('$d');" \
        "SELECT count(*) FROM connections;" \
        "SELECT count(*), sum(status = 'delivered'), sum(status = 'bounced'), sum(status = 'queued') FROM messages;" \
        "SELECT count(*), sum(status = 'queued') FROM recipients;" \
        "SELECT count(*) FROM deliveries;" \
        "SELECT status FROM messages WHERE mid = $last_mid;" \
        "SELECT count(*) FROM messages m JOIN connections c ON c.host = m.host AND c.icid = m.icid;")
check store "$(tr '\n' ' ' <<<"$out")" "3 $conns $msgs|$delivered|$bounced|$queued $msgs|$queued $dlvs $last_status $msgs "

# the offset index path (a fresh process: no whole-log store): the last
# connection by IP and by ICID, the last message by MID
check index_lookups "$(q "SELECT count(*) FROM mailtrace_connections('$d') WHERE remote_ip = '$ip';" \
                         "SELECT messages FROM mailtrace_connections('$d') WHERE icid = $last_icid;" \
                         "SELECT rcpt_count FROM mailtrace_messages('$d') WHERE mid = $last_mid;" | tr '\n' ' ')" "1 8 1 "
exit $((fails > 0))
