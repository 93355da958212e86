#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2317  # the measured commands are functions called through timeit
# bench/fleet.sh - mailtrace against zgrep on the logs of several gateways:
# rotated files, half of them gzipped, a busy sender and a rare one.
#
#   bench/fleet.sh                         (from the repo root)
#   SIZE=10240 GATEWAYS=4 RUNS=3 bench/fleet.sh    the 10 GiB set of issue 15
#
# Environment:
#   SIZE       total log text in MiB, shared by the gateways (default 1024)
#   GATEWAYS   number of gateways, one directory each (default 4)
#   RUNS       timed runs per command, grep and mailtrace alternating (default 3)
#   EXT        extension to load (default ./mailtrace)
#   KEEP=1     keep bench/out/fleet/ afterwards (it is deleted otherwise: SIZE
#              MiB of disk, about 60 % of it for the plain half)
#
# What it writes: bench/out/fleet/esaN/ (bench/gen OUT SIZE/GATEWAYS SEED
# ID_BASE: seed 100+N, ids from N*10^9, so the gateways do not share id
# numbers), every second rotated file gzipped (gzip -6), mail.current plain;
# then the table to stdout and bench/out/fleet-results.md.
#
# Measurements (times: median [min-max] of RUNS; the machine is shared, see
# bench/README.md): one `zcat -f | grep -c -F IP` pass over every file (the
# baseline); the cold why-not-received (sql/why-not-received.sql) for the
# needle 192.0.2.77 and for the busy 198.51.100.10; the warm one for the busy
# 198.51.100.20 after the needle in the same process (the shell's .timer);
# messages by status; the bytes and blocks each lookup read (mailtrace_stats,
# deterministic); peak RSS (/usr/bin/time) of the cold busy question and of the
# aggregate.
set -u
set -o pipefail
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 1

SIZE=${SIZE:-1024}
GATEWAYS=${GATEWAYS:-4}
RUNS=${RUNS:-3}
EXT=${EXT:-./mailtrace}
OUT=bench/out/fleet
SQLF=sql/why-not-received.sql
NEEDLE=192.0.2.77
BUSY=198.51.100.10
BUSY2=198.51.100.20
for v in SIZE GATEWAYS RUNS; do
    case ${!v} in ''|*[!0-9]*|0) echo "fleet.sh: $v must be a positive integer" >&2; exit 2;; esac
done
[ -n "${EPOCHREALTIME:-}" ] || { echo "fleet.sh: needs bash 5" >&2; exit 2; }
command -v sqlite3 > /dev/null || { echo "fleet.sh: needs the sqlite3 shell" >&2; exit 2; }
[ -f "$EXT.so" ] || [ -f "$EXT" ] || { echo "fleet.sh: $EXT.so missing (make)" >&2; exit 2; }
note() { printf '%s\n' "$*"; }

if [ ! -x bench/gen ] || [ bench/gen.c -nt bench/gen ]; then
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra bench/gen.c -lz -lpthread -o bench/gen || exit 1
fi
key="$SIZE $GATEWAYS $(cksum < bench/gen.c | cut -d' ' -f1)"
if [ "$(cat "$OUT/.key" 2>/dev/null)" != "$key" ]; then
    rm -rf "$OUT"; mkdir -p "$OUT"
    per=$(( (SIZE + GATEWAYS - 1) / GATEWAYS ))
    for ((g = 1; g <= GATEWAYS; g++)); do
        d=$OUT/esa$g
        bench/gen "$d" "$per" $((100 + g)) $((g * 1000000000)) > "$d.txt" || exit 1
        rm -rf "$d/all.log" "$d/gz"
        n=0
        for f in "$d"/mail.@*.s; do
            [ -e "$f" ] || continue
            n=$((n + 1)); [ $((n % 2)) = 0 ] && gzip -6 "$f"
        done
        note "esa$g: $(tr ' ' '\n' < "$d.txt" | grep -E '^(bytes|files|connections|busy_198.51.100.10)=' | tr '\n' ' ')"
    done
    echo "$key" > "$OUT/.key"
fi
SRCS=$(for ((g = 1; g <= GATEWAYS; g++)); do printf "%s'%s'" "$([ "$g" = 1 ] || echo ,)" "$OUT/esa$g"; done)
FILES=("$OUT"/esa*/mail.*)
SET_BYTES=$(cat "${FILES[@]}" | wc -c)         # on disk (compressed for .gz)
TEXT_BYTES=$(awk -F'bytes=' '{split($2, a, " "); s += a[1]} END{print s}' "$OUT"/esa*.txt)
cat "${FILES[@]}" > /dev/null                  # page cache warm

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mtfleet.XXXXXX") || exit 1
trap 'rm -rf "$TMP"; [ "${KEEP:-0}" = 1 ] || rm -rf "$OUT"' EXIT
timeit() { local t0=$EPOCHREALTIME; "$@" > "$TMP/out" 2> "$TMP/err"; RC=$?; ELAPSED=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.4f", b-a}'); }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{ if (NR%2) printf "%.4f", v[(NR+1)/2]; else printf "%.4f", (v[NR/2]+v[NR/2+1])/2 }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END{printf "[%s-%s]", lo, hi}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0 > 0) printf "%.2f", a/b; else print "n/a" }'; }

g_needle() { zcat -f "${FILES[@]}" | grep -c -F "$NEEDLE"; }
g_busy()   { zcat -f "${FILES[@]}" | grep -c -F "$BUSY"; }
why() {    # why IP [index-arg]: a fresh process, the cold question
    printf '%s\n' "SELECT mailtrace_open($SRCS);" ".parameter set :ip '$1'" ".read $SQLF" \
        | sqlite3 -bail :memory: -cmd ".load $EXT"
}
m_needle() { why "$NEEDLE"; }
m_busy()   { why "$BUSY"; }
m_agg()    { sqlite3 -bail :memory: -cmd ".load $EXT" "SELECT mailtrace_open($SRCS)" "SELECT status, count(*) FROM messages GROUP BY 1"; }
m_warm()   {
    printf '%s\n' "SELECT mailtrace_open($SRCS);" ".parameter set :ip '$NEEDLE'" ".read $SQLF" \
        ".parameter set :ip '$BUSY2'" ".print @@second@@" ".timer on" ".read $SQLF" ".timer off" ".print @@end@@" \
        | sqlite3 -bail :memory: -cmd ".load $EXT"
}

ROWS=()
pair() {   # pair NAME GREPFN MTFN
    local g=() m=() i
    note "[$1] $RUNS runs"
    for ((i = 1; i <= RUNS; i++)); do
        timeit "$2"; g+=("$ELAPSED")
        timeit "$3"; [ "$RC" = 0 ] || { ROWS+=("$1|$(median "${g[@]}")|error: $(head -c 120 "$TMP/err")|-"); return; }
        m+=("$ELAPSED")
    done
    ROWS+=("$1|$(median "${g[@]}") $(spread "${g[@]}")|$(median "${m[@]}") $(spread "${m[@]}")|$(ratio "$(median "${m[@]}")" "$(median "${g[@]}")")")
}
pair "cold why-not-received, needle $NEEDLE" g_needle m_needle
GREP_BUSY=""
pair "cold why-not-received, busy $BUSY" g_busy m_busy
GREP_BUSY=$(printf '%s' "${ROWS[-1]}" | cut -d'|' -f2 | cut -d' ' -f1)
w=()
note "[warm busy $BUSY2] $RUNS runs"
for ((i = 1; i <= RUNS; i++)); do
    timeit m_warm
    s=$(awk '/^@@second@@$/ {on=1; next} /^@@end@@$/ {on=0} on && /^Run Time: real / {s += $4} END {printf "%.4f", s}' "$TMP/out")
    w+=("$s")
done
ROWS+=("warm why-not-received, busy $BUSY2 (after the needle)|$GREP_BUSY|$(median "${w[@]}") $(spread "${w[@]}")|$(ratio "$(median "${w[@]}")" "$GREP_BUSY")")
pair "messages by status" g_busy m_agg

reads=$(sqlite3 -bail :memory: -cmd ".load $EXT" "SELECT mailtrace_open($SRCS)" \
    "SELECT count(*) FROM connections WHERE remote_ip = '$BUSY'" \
    "SELECT 'R', json_extract(mailtrace_stats(), '\$.bytes_read') - json_extract(mailtrace_stats(), '\$.index_read'), json_extract(mailtrace_stats(), '\$.index_blocks'), json_extract(mailtrace_stats(), '\$.index_read')" \
    "SELECT count(*) FROM connections WHERE remote_ip = '$BUSY2'" \
    "SELECT 'R', json_extract(mailtrace_stats(), '\$.bytes_read'), json_extract(mailtrace_stats(), '\$.index_blocks'), 0" \
    | awk -F'|' '$1=="R"{printf "%s%s bytes in %s blocks", n++ ? "; warm " : "cold ", $2, $3; if ($4 > 0) printf " (index pass %s bytes)", $4}')
rss() { /usr/bin/time -f %M -o "$TMP/rss" "$@" > /dev/null 2>&1 && awk -v k="$(tail -n 1 "$TMP/rss")" -v b="$TEXT_BYTES" 'BEGIN{printf "%.1f MB (%.1f%% of the log text)", k/1024, 100*k*1024/b}'; }
RSS_BUSY=$(rss bash -c "$(declare -f why); SRCS=\"$SRCS\" SQLF=$SQLF EXT=$EXT; why $BUSY")
RSS_AGG=$(rss sqlite3 -bail :memory: -cmd ".load $EXT" "SELECT mailtrace_open($SRCS)" "SELECT status, count(*) FROM messages GROUP BY 1")

{
    printf '# mailtrace fleet benchmark\n\n'
    printf -- '- date: %s, commit %s; %s CPU; RUNS=%s; times are median [min-max] in seconds, page cache warm\n' \
        "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD 2>/dev/null)" "$(nproc)" "$RUNS"
    printf -- '- set: %s gateways, %s files (%s gzipped), %s bytes of log text, %s bytes on disk\n' \
        "$GATEWAYS" "${#FILES[@]}" "$(ls "$OUT"/esa*/*.gz 2>/dev/null | wc -l)" "$TEXT_BYTES" "$SET_BYTES"
    printf -- '- baseline: `zcat -f FILES | grep -c -F IP` (one pass over the set)\n\n'
    printf '| question | zcat+grep (s) | mailtrace (s) | ratio |\n|---|---:|---:|---:|\n'
    for r in "${ROWS[@]}"; do IFS='|' read -r a b c d <<< "$r"; printf '| %s | %s | %s | %s |\n' "$a" "$b" "$c" "$d"; done
    printf '\n- lookup reads (mailtrace_stats, deterministic): busy %s %s\n' "$BUSY" "$reads"
    printf -- '- peak RSS: cold busy question %s; messages by status %s\n' "$RSS_BUSY" "$RSS_AGG"
} > "$TMP/res.md"
cp "$TMP/res.md" bench/out/fleet-results.md
cat "$TMP/res.md"
