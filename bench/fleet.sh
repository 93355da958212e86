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
# numbers), every other rotated file gzipped (gzip -6: the first, third, ...),
# mail.current plain;
# then the table to stdout and bench/out/fleet-results.md.
#
# Measurements of issue 15's goal 6 (times: median [min-max] of RUNS; the
# machine is shared, see bench/README.md), each alternating with its baseline,
# one `zgrep -c -F IP FILES` pass over every file: the cold why-not-received
# (sql/why-not-received.sql) for the needle 192.0.2.77 and for the busy
# 198.51.100.10; the warm one, in the same process after the needle, for the
# light 192.0.2.78 and the busy 198.51.100.20 (the shell's .timer; goal
# <= 50 ms); the three whole-log aggregates of goal 4 cold (messages by status,
# recipients by domain and status, sql/slow-banner.sql); the bytes and blocks
# each lookup read (mailtrace_stats, deterministic); the peak RSS of every
# mailtrace command (GNU time; goal 5: <= 15 % of the log text, <= 1 GiB); the
# time per GiB and what 100 GiB would take at that rate (linear: every question
# here is one pass or more).  The goal lines go to bench/out/fleet-goals.txt,
# which bench/run.sh folds into its results (FLEET=MiB).
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
NEEDLE2=192.0.2.78
BUSY=198.51.100.10
BUSY2=198.51.100.20
for v in SIZE GATEWAYS RUNS; do
    case ${!v} in ''|*[!0-9]*|0) echo "fleet.sh: $v must be a positive integer" >&2; exit 2;; esac
done
[ -n "${EPOCHREALTIME:-}" ] || { echo "fleet.sh: needs bash 5" >&2; exit 2; }
command -v zgrep > /dev/null || { echo "fleet.sh: needs zgrep (Debian: gzip)" >&2; exit 2; }
HAVE_TIME=0; [ -x /usr/bin/time ] && HAVE_TIME=1
command -v sqlite3 > /dev/null || { echo "fleet.sh: needs the sqlite3 shell" >&2; exit 2; }
[ -f "$EXT.so" ] || [ -f "$EXT" ] || { echo "fleet.sh: $EXT.so missing (make)" >&2; exit 2; }
note() { printf '%s\n' "$*"; }

if [ ! -x bench/gen ] || [ bench/gen.c -nt bench/gen ]; then
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra bench/gen.c -lz -lpthread -o bench/gen || exit 1
fi
key="$SIZE $GATEWAYS $(cksum < bench/gen.c | cut -d' ' -f1) gz=odd"
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
            n=$((n + 1)); [ $((n % 2)) = 1 ] && gzip -6 "$f"     # the 1st, 3rd, ...: half, and one even in a small set
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

# the baseline: one zgrep pass over the set (plain and gzip files alike)
g_needle() { zgrep -c -F "$NEEDLE" "${FILES[@]}"; }
g_busy()   { zgrep -c -F "$BUSY" "${FILES[@]}"; }
g_busy2()  { zgrep -c -F "$BUSY2" "${FILES[@]}"; }
g_needle2() { zgrep -c -F "$NEEDLE2" "${FILES[@]}"; }
g_mid()    { zgrep -c MID "${FILES[@]}"; }
g_rcpt()   { zgrep -c -F ' RID ' "${FILES[@]}"; }
g_icid()   { zgrep -c -F 'New SMTP ICID' "${FILES[@]}"; }
# every mailtrace command: the sqlite3 shell under GNU time (peak RSS in $TMP/rss)
mt() {
    if [ "$HAVE_TIME" = 1 ]; then /usr/bin/time -f %M -o "$TMP/rss" sqlite3 "$@"; else sqlite3 "$@"; fi
}
why() {    # why IP: a fresh process, the cold question
    printf '%s\n' "SELECT mailtrace_open($SRCS);" ".parameter set :ip '$1'" ".read $SQLF" \
        | mt -bail :memory: -cmd ".load $EXT"
}
m_needle() { why "$NEEDLE"; }
m_busy()   { why "$BUSY"; }
agg() {    # agg SQL: a fresh process, one whole-log aggregate
    printf '%s\n' ".output /dev/null" "SELECT mailtrace_open($SRCS);" ".output stdout" "$1" \
        | mt -bail :memory: -cmd ".load $EXT"
}
m_agg_msg()  { agg "SELECT status, count(*) FROM messages GROUP BY 1;"; }
m_agg_rcpt() { agg "SELECT domain, status, count(*) FROM recipients GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20;"; }
m_agg_slow() { agg ".read sql/slow-banner.sql"; }
warm() {   # warm IP: the needle, then IP timed by .timer
    printf '%s\n' "SELECT mailtrace_open($SRCS);" ".parameter set :ip '$NEEDLE'" ".read $SQLF" \
        ".parameter set :ip '$1'" ".print @@second@@" ".timer on" ".read $SQLF" ".timer off" ".print @@end@@" \
        | mt -bail :memory: -cmd ".load $EXT"
}
m_warm_light() { warm "$NEEDLE2"; }
m_warm_busy()  { warm "$BUSY2"; }

ROWS=()
declare -A MED=() GMED=() RSS=()
ERRORS=0       # mailtrace runs that failed: no goal is met while one did
note_rss() {   # the peak RSS of the last mt run, the maximum kept for $1 (a failed run's is not a measurement)
    local kb
    [ "$RC" = 0 ] || { ERRORS=$((ERRORS + 1)); rm -f "$TMP/rss"; return 0; }
    [ "$HAVE_TIME" = 1 ] && [ -s "$TMP/rss" ] || return 0
    kb=$(tail -n 1 "$TMP/rss"); case $kb in ''|*[!0-9]*) return 0;; esac
    if [ -z "${RSS[$1]:-}" ] || [ "$kb" -gt "${RSS[$1]}" ]; then RSS[$1]=$kb; fi
    rm -f "$TMP/rss"
}
pair() {   # pair NAME GREPFN MTFN
    local g=() m=() i
    note "[$1] $RUNS runs"
    for ((i = 1; i <= RUNS; i++)); do
        timeit "$2"; g+=("$ELAPSED")
        timeit "$3"; note_rss "$1"; [ "$RC" = 0 ] || { ROWS+=("$1|$(median "${g[@]}")|error: $(head -c 120 "$TMP/err")|-"); return; }
        m+=("$ELAPSED")
    done
    MED[$1]=$(median "${m[@]}"); GMED[$1]=$(median "${g[@]}")
    ROWS+=("$1|${GMED[$1]} $(spread "${g[@]}")|${MED[$1]} $(spread "${m[@]}")|$(ratio "${MED[$1]}" "${GMED[$1]}")")
}
warm_pair() {  # warm_pair NAME GREPFN MTFN: the second question's .timer, alternating with its zgrep
    local g=() w=() i s
    note "[$1] $RUNS runs"
    for ((i = 1; i <= RUNS; i++)); do
        timeit "$2"; g+=("$ELAPSED")
        timeit "$3"; note_rss "$1"
        [ "$RC" = 0 ] || { ROWS+=("$1|$(median "${g[@]}")|error: $(head -c 120 "$TMP/err")|-"); return; }
        s=$(awk '/^@@second@@$/ {on=1; next} /^@@end@@$/ {on=0} on && /^Run Time: real / {s += $4; n++} END {if (n) printf "%.4f", s}' "$TMP/out")
        [ -n "$s" ] || { ROWS+=("$1|$(median "${g[@]}")|error: no .timer line|-"); return; }
        w+=("$s")
    done
    MED[$1]=$(median "${w[@]}"); GMED[$1]=$(median "${g[@]}")
    ROWS+=("$1|${GMED[$1]} $(spread "${g[@]}")|${MED[$1]} $(spread "${w[@]}")|$(ratio "${MED[$1]}" "${GMED[$1]}")")
}
Q_NEEDLE="cold why-not-received, needle $NEEDLE"
Q_BUSY="cold why-not-received, busy $BUSY"
Q_WL="warm why-not-received, light $NEEDLE2 (after the needle)"
Q_WB="warm why-not-received, busy $BUSY2 (after the needle)"
Q_A1="messages by status (cold)"
Q_A2="recipients by domain and status (cold)"
Q_A3="slow-banner report (cold)"
pair "$Q_NEEDLE" g_needle m_needle
pair "$Q_BUSY" g_busy m_busy
warm_pair "$Q_WL" g_needle2 m_warm_light
warm_pair "$Q_WB" g_busy2 m_warm_busy
pair "$Q_A1" g_mid m_agg_msg
pair "$Q_A2" g_rcpt m_agg_rcpt
pair "$Q_A3" g_icid m_agg_slow

reads=$(sqlite3 -bail :memory: -cmd ".load $EXT" "SELECT mailtrace_open($SRCS)" \
    "SELECT count(*) FROM connections WHERE remote_ip = '$BUSY'" \
    "SELECT 'R', json_extract(mailtrace_stats(), '\$.bytes_read') - json_extract(mailtrace_stats(), '\$.index_read'), json_extract(mailtrace_stats(), '\$.index_blocks'), json_extract(mailtrace_stats(), '\$.index_read')" \
    "SELECT count(*) FROM connections WHERE remote_ip = '$BUSY2'" \
    "SELECT 'R', json_extract(mailtrace_stats(), '\$.bytes_read'), json_extract(mailtrace_stats(), '\$.index_blocks'), 0" \
    | awk -F'|' '$1=="R"{printf "%s%s bytes in %s blocks", n++ ? "; warm " : "cold ", $2, $3; if ($4 > 0) printf " (index pass %s bytes)", $4}')

# ---- the goal lines (goal|numbers|target|met), for this file and bench/run.sh
r_() { ratio "${MED[$1]:-0}" "${GMED[$1]:-0}"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN{ exit !(a != "n/a" && a+0 <= b+0) }'; }
yn() { if "$@"; then echo yes; else echo no; fi; }
GIB=$(awk -v b="$TEXT_BYTES" 'BEGIN{printf "%.2f", b/1073741824}')
rss_worst=0; rss_name=""
for k in "${!RSS[@]}"; do if [ "${RSS[$k]}" -gt "$rss_worst" ]; then rss_worst=${RSS[$k]}; rss_name=$k; fi; done
rss_met=$(awk -v k="$rss_worst" -v b="$TEXT_BYTES" -v e="$ERRORS" 'BEGIN{print (e == 0 && k > 0 && k*1024 <= 0.15*b && k <= 1048576) ? "yes" : "no"}')
wl=${MED[$Q_WL]:-}; wb=${MED[$Q_WB]:-}
GOALS=(
"6 scale ($GIB GiB, $GATEWAYS gateways): cold one sender|needle $(r_ "$Q_NEEDLE") x, busy $(r_ "$Q_BUSY") x one zgrep -F pass|<= 2 x|$( [ "$(yn le "$(r_ "$Q_NEEDLE")" 2)" = yes ] && [ "$(yn le "$(r_ "$Q_BUSY")" 2)" = yes ] && echo yes || echo no)"
"6 scale ($GIB GiB): warm|light ${wl:-n/a} s, busy ${wb:-n/a} s|<= 0.05 s|$( [ -n "$wl" ] && [ -n "$wb" ] && le "$wl" 0.05 && le "$wb" 0.05 && echo yes || echo no)"
"6 scale ($GIB GiB): aggregates cold|by status $(r_ "$Q_A1") x, recipients $(r_ "$Q_A2") x, slow banner $(r_ "$Q_A3") x|<= 2 x (goal 4)|$( le "$(r_ "$Q_A1")" 2 && le "$(r_ "$Q_A2")" 2 && le "$(r_ "$Q_A3")" 2 && echo yes || echo no)"
"6 scale ($GIB GiB): peak RSS|largest: $rss_name $(awk -v k="$rss_worst" -v b="$TEXT_BYTES" 'BEGIN{printf "%.1f MB, %.1f%% of the log text", k/1024, 100*k*1024/b}')|<= 15 %, <= 1 GiB (goal 5)|$rss_met"
)
printf '%s\n' "${GOALS[@]}" > bench/out/fleet-goals.txt
# 100 GiB at the measured rate (every question here reads the set once or more)
per100() { awk -v t="${MED[$1]:-0}" -v b="$TEXT_BYTES" 'BEGIN{ if (b > 0 && t > 0) printf "%.0f s", t * 107374182400 / b; else print "n/a" }'; }

{
    printf '# mailtrace fleet benchmark\n\n'
    printf -- '- date: %s, commit %s; %s CPU; RUNS=%s; times are median [min-max] in seconds, page cache warm\n' \
        "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short HEAD 2>/dev/null)" "$(nproc)" "$RUNS"
    printf -- '- set: %s gateways, %s files (%s gzipped), %s bytes of log text, %s bytes on disk\n' \
        "$GATEWAYS" "${#FILES[@]}" "$(ls "$OUT"/esa*/*.gz 2>/dev/null | wc -l)" "$TEXT_BYTES" "$SET_BYTES"
    printf -- '- baseline: `zgrep -c -F IP FILES` (one pass over the set), for the aggregates `zgrep -c MID`, `zgrep -c -F '"' RID '"'`, `zgrep -c -F '"'New SMTP ICID'"'`\n\n'
    printf '| question | zgrep (s) | mailtrace (s) | ratio | peak RSS (MB, %% of the log text) |\n|---|---:|---:|---:|---:|\n'
    for r in "${ROWS[@]}"; do
        IFS='|' read -r a b c d <<< "$r"
        printf '| %s | %s | %s | %s | %s |\n' "$a" "$b" "$c" "$d" \
            "$( [ -n "${RSS[$a]:-}" ] && awk -v k="${RSS[$a]}" -v t="$TEXT_BYTES" 'BEGIN{printf "%.1f (%.1f%%)", k/1024, 100*k*1024/t}' || echo -)"
    done
    printf '\nA warm row'"'"'s time is the second question'"'"'s own (the shell'"'"'s .timer); its ratio is to the zgrep for that sender.\n'
    printf '\n- lookup reads (mailtrace_stats, deterministic): busy %s %s\n' "$BUSY" "$reads"
    printf -- '- at the measured rate, 100 GiB of logs (a day of a 50-gateway fleet) would take: cold busy question %s, messages by status %s, one zgrep pass %s (linear in the bytes: each reads the set once or more; the store'"'"'s memory grows with it too)\n' \
        "$(per100 "$Q_BUSY")" "$(per100 "$Q_A1")" "$(awk -v t="${GMED[$Q_BUSY]:-0}" -v b="$TEXT_BYTES" 'BEGIN{ if (b > 0) printf "%.0f s", t * 107374182400 / b; else print "n/a" }')"
    printf '\n## Goal 6 of issue 15\n\n| goal | numbers | target | met |\n|---|---|---|---|\n'
    for g in "${GOALS[@]}"; do IFS='|' read -r a b c d <<< "$g"; printf '| %s | %s | %s | %s |\n' "$a" "$b" "$c" "$d"; done
} > "$TMP/res.md"
cp "$TMP/res.md" bench/out/fleet-results.md
cat "$TMP/res.md"
