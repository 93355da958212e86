#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/asan-rss.sh - goal 5 of issue 15 under AddressSanitizer: the peak memory
# of every lookup with the allocator's quarantine off, as a bound that no
# allocator's reuse of freed memory can flatter.
#
#   bench/asan-rss.sh                 (from the repo root, after bench/run.sh made
#                                      bench/out/all.log; SIZE=1024 by default)
#
# Environment:
#   LOG    the log to ask about (default bench/out/all.log)
#
# It builds build/asan/mailtrace.so (make asan's flags: ASan and UBSan, -O1),
# preloads the sanitizers' runtimes into the sqlite3 shell and runs, each in a
# new process under GNU time, the lookups of bench/run.sh: why-not-received
# (sql/why-not-received.sql) cold for the needle 192.0.2.77 and the busy
# 198.51.100.10, with index=DIR built for the needle and the busy
# 198.51.100.20, and warm (the needle first, then 192.0.2.78 or 198.51.100.20
# in the same process); twice each: ASAN_OPTIONS quarantine_size_mb=0 (a freed
# block is reused at once, as glibc would) and ASan's default quarantine (256
# MB of freed blocks held back: the difference is memory the lookup freed, not
# memory it held).  Each answer's md5 is compared with the plain build's
# (./mailtrace.so): an instrumented build that answered otherwise would say so.
# Writes the table to stdout and bench/out/asan-rss.md.  Goal: every peak
# <= 15 % of the log's size with the quarantine off (the shadow memory, an
# eighth of what is allocated, and the redzones included).
set -u
set -o pipefail
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 1

LOG=${LOG:-bench/out/all.log}
OUT=bench/out/asan-rss.md
[ -s "$LOG" ] || { echo "asan-rss.sh: $LOG is missing: run bench/run.sh (make bench) first" >&2; exit 2; }
[ -x ./mailtrace.so ] || make --no-print-directory all >/dev/null || exit 1
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
make --no-print-directory B=build/asan OUT=build/asan HARDEN= CFLAGS="-O1 -g $SAN" LDFLAGS="$SAN" \
    build/asan/mailtrace.so >/dev/null || { echo "asan-rss.sh: cannot build build/asan/mailtrace.so" >&2; exit 1; }
PRE="$(${CC:-cc} -print-file-name=libasan.so) $(${CC:-cc} -print-file-name=libubsan.so)"
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
mkdir "$TMP/ix"
BYTES=$(stat -c %s "$LOG")

why() {   # why FILE IP [OPTION]: open the log, ask about IP
    printf '%s\n' "SELECT mailtrace_open('$LOG'${3:-});" ".parameter set :ip '$2'" ".read sql/why-not-received.sql" > "$1"
}
warm() {  # warm FILE FIRST SECOND: the second question in the process of the first
    printf '%s\n' "SELECT mailtrace_open('$LOG');" ".parameter set :ip '$2'" ".output /dev/null" \
        ".read sql/why-not-received.sql" ".output stdout" ".parameter set :ip '$3'" ".read sql/why-not-received.sql" > "$1"
}
DIR=", 'index=$TMP/ix'"
why "$TMP/2" 192.0.2.77
why "$TMP/2c" 198.51.100.10
why "$TMP/2b" 192.0.2.77 "$DIR"
why "$TMP/2d" 198.51.100.20 "$DIR"
warm "$TMP/3" 192.0.2.77 192.0.2.78
warm "$TMP/3b" 192.0.2.77 198.51.100.20
# index=DIR built first (not measured), by the plain build
sqlite3 -bail :memory: -cmd ".load ./mailtrace" < "$TMP/2b" > /dev/null || exit 1

{
    echo "# Peak memory of the lookups under AddressSanitizer"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    echo "- log: \`$LOG\`, $BYTES bytes; 15 % of it: $(awk -v b="$BYTES" 'BEGIN{printf "%.1f", b*0.15/1e6}') MB"
    echo "- build: build/asan/mailtrace.so (ASan + UBSan, -O1), the runtimes preloaded into sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
    echo
    echo "| question | peak RSS, quarantine off (MB) | share of log | goal <= 15 % | peak RSS, default quarantine (MB) | same answer as the plain build |"
    echo "|---|---:|---:|---|---:|---|"
} > "$OUT"
fail=0
for q in 2 2c 2b 2d 3 3b; do
    case $q in
        2) name="2 cold, needle";; 2c) name="2c cold, busy sender";; 2b) name="2b index=DIR, needle";;
        2d) name="2d index=DIR, busy sender";; 3) name="3 warm, light";; 3b) name="3b warm, busy sender";;
    esac
    want=$(sqlite3 -bail :memory: -cmd ".load ./mailtrace" < "$TMP/$q" | md5sum | cut -d' ' -f1)
    rss=()
    same=yes
    for qz in 0 256; do
        got=$(LD_PRELOAD="$PRE" ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:quarantine_size_mb=$qz" \
              /usr/bin/time -f '%M' -o "$TMP/rss" sqlite3 -bail :memory: -cmd ".load build/asan/mailtrace" < "$TMP/$q" \
              | md5sum | cut -d' ' -f1)
        [ "$got" = "$want" ] || same=no
        rss+=("$(cat "$TMP/rss")")
    done
    share=$(awk -v k="${rss[0]}" -v b="$BYTES" 'BEGIN{printf "%.1f", k*1024*100/b}')
    met=$(awk -v k="${rss[0]}" -v b="$BYTES" 'BEGIN{print (k*1024 <= b*0.15 ? "met" : "not met")}')
    [ "$met" = met ] && [ "$same" = yes ] || fail=1
    printf '| %s | %.1f | %s%% | %s | %.1f | %s |\n' "$name" "$(awk -v k="${rss[0]}" 'BEGIN{print k/1024}')" \
        "$share" "$met" "$(awk -v k="${rss[1]}" 'BEGIN{print k/1024}')" "$same" >> "$OUT"
done
cat "$OUT"
exit $fail
