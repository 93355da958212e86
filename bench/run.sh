#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2317  # the measured commands are functions called through timeit
# bench/run.sh - mailtrace against grep on a generated AsyncOS mail log.
#
#   bench/run.sh                      (from the repo root; `make bench` runs this)
#   SIZE=256 RUNS=3 bench/run.sh
#
# Environment:
#   SIZE   log size in MiB to generate (default 1024)
#   RUNS   timed runs per command; the median is reported (default 5)
#   EXT    extension to load (default ./mailtrace, i.e. ./mailtrace.so)
#   FLEET  also run bench/fleet.sh with SIZE=$FLEET (MiB, GATEWAYS default 4) at the
#          end and fold its numbers into the goals (issue 15, goal 6); unset: not run
#
# It measures every goal of issue 15 in one run (bench/README.md, "Goals"):
# each mailtrace command alternates with its grep baseline; the results file
# ends with the goals, each with its numbers and met / not met, and with what
# this machine charges (bench/floor: fresh memory, mapped pages, reads, system
# calls) and the floor each measurement's design pays at those prices.
#
# See bench/README.md for what each measurement means and its goal.
set -u
set -o pipefail
export LC_ALL=C                 # stable grep baseline and '.' in $EPOCHREALTIME

cd "$(dirname "$0")/.." || exit 1

SIZE=${SIZE:-1024}
RUNS=${RUNS:-5}
EXT=${EXT:-./mailtrace}
TIMEBIN=/usr/bin/time
OUT=bench/out
LOG=$OUT/all.log
GZ=$OUT/gz/all.log.gz
SQLF=sql/why-not-received.sql
NEEDLE=192.0.2.77
NEEDLE2=192.0.2.78
BUSY=198.51.100.10      # named busy senders of bench/gen (about 1.4 % and 1.3 % of connections)
BUSY2=198.51.100.20

case $SIZE in ''|*[!0-9]*) echo "run.sh: SIZE must be a positive integer (MiB), got '$SIZE'" >&2; exit 2;; esac
case $RUNS in ''|*[!0-9]*) echo "run.sh: RUNS must be a positive integer, got '$RUNS'" >&2; exit 2;; esac
if [ "$SIZE" -le 0 ] || [ "$RUNS" -le 0 ]; then echo "run.sh: SIZE and RUNS must be > 0" >&2; exit 2; fi
if [ -z "${EPOCHREALTIME:-}" ]; then echo "run.sh: needs bash 5 (EPOCHREALTIME)" >&2; exit 2; fi

note() { printf '%s\n' "$*"; }

# ------------------------------------------------------------------ (a) data
if [ ! -x bench/gen ] || [ bench/gen.c -nt bench/gen ]; then
    note "building bench/gen"
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra bench/gen.c -lz -o bench/gen || { echo "run.sh: cannot build bench/gen" >&2; exit 1; }
fi
if [ ! -x bench/floor ] || [ bench/floor.c -nt bench/floor ]; then
    note "building bench/floor"
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra bench/floor.c -o bench/floor || note "NOTE: cannot build bench/floor: the machine's floors are not measured"
fi
gensum=$(cksum < bench/gen.c | cut -d' ' -f1)
if [ "$(cat $OUT/.size 2>/dev/null)" != "$SIZE" ] || [ "$(cat $OUT/.gen 2>/dev/null)" != "$gensum" ] \
   || [ ! -s "$LOG" ] || [ ! -s "$GZ" ]; then
    # bench/out may be a folder of links to another tree's generated set (bench/README.md):
    # never write through them
    for f in "$OUT" "$LOG" "$OUT/gz" "$GZ"; do
        if [ -L "$f" ]; then
            echo "run.sh: $f is a symbolic link and the data does not match SIZE=$SIZE or bench/gen.c: not regenerating through it" >&2
            exit 1
        fi
    done
    note "generating ${SIZE} MiB of mail log into $OUT/ (about 15 s per GiB, mostly the gzip copy)"
    mkdir -p "$OUT"
    rm -f "$OUT/.size" "$OUT/.gen"
    t0=$EPOCHREALTIME
    bench/gen "$OUT" "$SIZE" > "$OUT/gen.txt" || { echo "run.sh: bench/gen failed" >&2; exit 1; }
    t1=$EPOCHREALTIME
    note "generated in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s: $(cat "$OUT/gen.txt")"
    echo "$SIZE" > "$OUT/.size"
    echo "$gensum" > "$OUT/.gen"
else
    note "reusing $OUT/ (SIZE=$SIZE): $(cat "$OUT/gen.txt" 2>/dev/null)"
fi
LOG_BYTES=$(stat -L -c %s "$LOG")
LOG_MB=$(awk -v b="$LOG_BYTES" 'BEGIN{printf "%.1f", b/1048576}')

# ------------------------------------------------------------------ what can run
HAVE_SQLITE=1; HAVE_EXT=1; HAVE_TIME=1
SKIP_WHY=""
command -v sqlite3 >/dev/null 2>&1 || { HAVE_SQLITE=0; note "NOTE: sqlite3 shell not found (Debian: apt-get install sqlite3): mailtrace measurements skipped"; }
if [ ! -f "$EXT.so" ] && [ ! -f "$EXT" ]; then
    HAVE_EXT=0; note "NOTE: extension $EXT.so not found (run 'make' first): mailtrace measurements skipped, grep baselines still timed"
fi
if [ ! -f "$SQLF" ]; then
    SKIP_WHY="$SQLF missing"
    note "NOTE: $SQLF not found: why-not-received measurements (2, 3 and RSS of 2) skipped"
fi
if [ ! -x "$TIMEBIN" ]; then
    HAVE_TIME=0; note "NOTE: /usr/bin/time not found (Debian: apt-get install time): peak RSS measurement skipped"
fi
SQLITE_VER=$(sqlite3 --version 2>/dev/null | cut -d' ' -f1); SQLITE_VER=${SQLITE_VER:-none}

# ------------------------------------------------------------------ (b) warm the page cache
note "warming the page cache ($LOG_MB MiB + gz)"
cat "$LOG" "$GZ" > /dev/null

# ------------------------------------------------------------------ helpers
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mtbench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

# elapsed seconds of "$@" (stdout -> $TMP/out, stderr -> $TMP/err); sets RC
timeit() {
    local t0 t1
    t0=$EPOCHREALTIME
    "$@" > "$TMP/out" 2> "$TMP/err"
    RC=$?
    t1=$EPOCHREALTIME
    ELAPSED=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}')
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END{ if (NR==0) {print "";exit}
    if (NR%2) printf "%.4f\n", v[(NR+1)/2]; else printf "%.4f\n", (v[NR/2]+v[NR/2+1])/2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0 > 0) printf "%.2f", a/b; else print "n/a" }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN{ exit !(a+0 <= b+0) }'; }
first_err() { head -c 300 "$TMP/err" | tr '\n' ' '; }

# The commands under test (called indirectly through timeit).  Outputs go to $TMP/out.
g_needle()  { grep -c -F "$NEEDLE" "$LOG"; }
g_mid()     { grep -c MID "$LOG"; }
g_busy()    { grep -c -F "$BUSY" "$LOG"; }
g_gz()      { zcat "$GZ" | grep -c -F "$NEEDLE"; }
g_rcpt()    { grep -c -F ' RID ' "$LOG"; }
g_icid()    { grep -c -F 'New SMTP ICID' "$LOG"; }
# Every mailtrace command runs through mt: the sqlite3 shell under GNU time, which
# writes the process's peak RSS to $TMP/rss (goal 5; about 1 ms more per run).
mt() {
    if [ "$HAVE_TIME" = 1 ]; then "$TIMEBIN" -f %M -o "$TMP/rss" sqlite3 "$@"
    else sqlite3 "$@"; fi
}
m_needle()  { mt :memory: -cmd ".load $EXT" "SELECT count(*) FROM mailtrace_lines('$LOG') WHERE text LIKE '%$NEEDLE%'"; }
m_gz()      { mt :memory: -cmd ".load $EXT" "SELECT count(*) FROM mailtrace_lines('$GZ') WHERE text LIKE '%$NEEDLE%'"; }
# The three whole-log aggregates of goal 4: messages by status, recipients by domain
# and status, the slow-banner report (sql/slow-banner.sql); each cold (a new process,
# nothing on disk) and in a new process with index=DIR already built (mt_agg DIR).
AGG_MSG="SELECT status, count(*) FROM messages GROUP BY 1;"
AGG_RCPT="SELECT domain, status, count(*) FROM recipients GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 20;"
AGG_SLOW=".read sql/slow-banner.sql"
mt_agg() {   # mt_agg OPEN-OPTION SQL: a fresh process, the log opened, one aggregate
    printf '%s\n' ".output /dev/null" "SELECT mailtrace_open('$LOG'$1);" ".output stdout" "$2" \
        | mt -bail :memory: -cmd ".load $EXT"
}
# why-not-received scripts, fed on stdin: a cold one opens the log and runs the query
# once; a warm one runs it for one sender (building the index) and then, timed by the
# shell's own .timer with the SQL echoed, for a sender not asked before: only that
# second run is measured.
why_script() {  # why_script FILE IP [OPEN-OPTION]
    printf '%s\n' "SELECT mailtrace_open('$LOG'${3:-});" ".parameter set :ip '$2'" ".read $SQLF" > "$1"
}
# Then, untimed by the script, the same second question once more in the same process:
# everything it needs is resolved already, so its .timer time is the SQL's own cost
# (the floor of a warm question for this design, "Floors" in the results).
warm_script() { # warm_script FILE FIRST-IP SECOND-IP
    printf '%s\n' "SELECT mailtrace_open('$LOG');" ".parameter set :ip '$2'" ".read $SQLF" \
        ".parameter set :ip '$3'" ".print @@mtbench-second-query@@" ".echo on" ".timer on" ".read $SQLF" \
        ".timer off" ".echo off" ".print @@mtbench-end@@" \
        ".print @@mtbench-again@@" ".echo on" ".timer on" ".read $SQLF" \
        ".timer off" ".echo off" ".print @@mtbench-again-end@@" > "$1"
}
mkdir -p "$TMP/ixdir"
DIROPT=", 'index=$TMP/ixdir'"
why_script "$TMP/why_cold.sql" "$NEEDLE"
why_script "$TMP/why_busy.sql" "$BUSY"
why_script "$TMP/why_dir.sql" "$NEEDLE" "$DIROPT"
why_script "$TMP/why_dir_busy.sql" "$BUSY2" "$DIROPT"
warm_script "$TMP/why_warm.sql" "$NEEDLE" "$NEEDLE2"
warm_script "$TMP/why_warm_busy.sql" "$NEEDLE" "$BUSY2"
m_why_cold() { mt -bail :memory: -cmd ".load $EXT" < "$TMP/why_cold.sql"; }
# 2c: the cold question for a busy sender (a connection in most blocks)
m_why_busy() { mt -bail :memory: -cmd ".load $EXT" < "$TMP/why_busy.sql"; }
# 2b, 2d: a new process with the index kept on disk (index=DIR) by an earlier one
m_why_dir() { mt -bail :memory: -cmd ".load $EXT" < "$TMP/why_dir.sql"; }
m_why_dir_busy() { mt -bail :memory: -cmd ".load $EXT" < "$TMP/why_dir_busy.sql"; }
m_why_warm() { mt -bail :memory: -cmd ".load $EXT" < "$TMP/why_warm.sql"; }
m_why_warm_busy() { mt -bail :memory: -cmd ".load $EXT" < "$TMP/why_warm_busy.sql"; }
m_agg_msg()  { mt_agg "" "$AGG_MSG"; }
m_agg_rcpt() { mt_agg "" "$AGG_RCPT"; }
m_agg_slow() { mt_agg "" "$AGG_SLOW"; }
m_agg_msg_dir()  { mt_agg "$DIROPT" "$AGG_MSG"; }
m_agg_rcpt_dir() { mt_agg "$DIROPT" "$AGG_RCPT"; }
m_agg_slow_dir() { mt_agg "$DIROPT" "$AGG_SLOW"; }
# What lookups read (deterministic, unlike the times): bytes_read - index_read of
# the statement that resolves each IP, on one connection: busy cold, busy warm, needle warm;
# and whether its sweep was split over two threads (index_split: its reading is then shared
# by the CPUs, which the floors count).
lookup_reads() {
    sqlite3 -bail :memory: -cmd ".load $EXT" "SELECT mailtrace_open('$LOG')" \
        "SELECT count(*) FROM connections WHERE remote_ip = '$BUSY'" \
        "SELECT 'R', json_extract(mailtrace_stats(), '\$.bytes_read') - json_extract(mailtrace_stats(), '\$.index_read'), json_extract(mailtrace_stats(), '\$.index_blocks'), json_extract(mailtrace_stats(), '\$.index_split')" \
        "SELECT count(*) FROM connections WHERE remote_ip = '$BUSY2'" \
        "SELECT 'R', json_extract(mailtrace_stats(), '\$.bytes_read'), json_extract(mailtrace_stats(), '\$.index_blocks'), json_extract(mailtrace_stats(), '\$.index_split')" \
        "SELECT count(*) FROM connections WHERE remote_ip = '$NEEDLE2'" \
        "SELECT 'R', json_extract(mailtrace_stats(), '\$.bytes_read'), json_extract(mailtrace_stats(), '\$.index_blocks'), json_extract(mailtrace_stats(), '\$.index_split')"
}
# sum of "Run Time: real X" lines printed between the two markers
warm_seconds() {
    awk '/^@@mtbench-second-query@@$/ {on=1; next} /^@@mtbench-end@@$/ {on=0}
         on && /^Run Time: real / {s += $4; n++} END { if (n) printf "%.6f\n", s }' "$TMP/out"
}
# the same for the question asked again (its SQL alone)
again_seconds() {
    awk '/^@@mtbench-again@@$/ {on=1; next} /^@@mtbench-again-end@@$/ {on=0}
         on && /^Run Time: real / {s += $4; n++} END { if (n) printf "%.6f\n", s }' "$TMP/out"
}

ROWS=()        # name|grep|mailtrace|ratio|goal|met
declare -A RATIO=() MET=() RSS_KB=()   # per measurement: ratio, met, peak RSS (KiB, max over runs)
# the peak RSS that mt() wrote for the last run, kept as the maximum for measurement $1
note_rss() {
    local kb
    # a failed run is no measurement (an extension that did not load peaks at a few MB)
    [ "${RC:-0}" = 0 ] || { rm -f "$TMP/rss"; return 0; }
    [ "$HAVE_TIME" = 1 ] && [ -s "$TMP/rss" ] || return 0
    kb=$(tail -n 1 "$TMP/rss"); case $kb in ''|*[!0-9]*) return 0;; esac
    if [ -z "${RSS_KB[$1]:-}" ] || [ "$kb" -gt "${RSS_KB[$1]}" ]; then RSS_KB[$1]=$kb; fi
    rm -f "$TMP/rss"
}
# the spread of a set of times: "[min-max]" (this machine is shared and noisy)
spread() { printf '%s\n' "$@" | sort -g | awk 'NR==1{lo=$1} {hi=$1} END{printf "[%s-%s]", lo, hi}'; }
WARNINGS=()
declare -A GREP_S=() MT_S=() GOAL_X=()   # per measurement: grep and mailtrace medians, goal ratio
add_row() {
    ROWS+=("$1|$2|$3|$4|$5|$6"); RATIO[$1]=$4; MET[$1]=$6
    GREP_S[$1]=${2%% *}; MT_S[$1]=${3%% *}
    [[ $5 =~ ([0-9]+(\.[0-9]+)?) ]] && GOAL_X[$1]=${BASH_REMATCH[1]}
}
warn() { WARNINGS+=("$*"); note "WARNING: $*"; }

# bench NAME GOAL_RATIO GREPFN MTFN CHECK(0/1) SKIPREASON
# Runs grep and mailtrace alternately RUNS times; medians; optional count check.
GREP_MED=""
bench_pair() {
    local name=$1 goal=$2 gfn=$3 mfn=$4 check=$5 skip=$6
    local g=() m=() r gout mout merr="" i
    note "[$name] $RUNS runs${skip:+ (mailtrace skipped: $skip)}"
    for ((i = 1; i <= RUNS; i++)); do
        timeit "$gfn"; g+=("$ELAPSED"); gout=$(cat "$TMP/out")
        if [ -z "$skip" ] && [ -z "$merr" ]; then
            timeit "$mfn"; note_rss "$name"
            if [ "$RC" != 0 ] || grep -q '^\(Parse \|Runtime \)\?[Ee]rror' "$TMP/err"; then
                merr="error (rc=$RC): $(first_err)"; continue
            fi
            m+=("$ELAPSED"); mout=$(tr -d ' \r' < "$TMP/out" | tail -n 1)
            if [ "$check" = 1 ] && [ "$mout" != "$gout" ] && [ "$i" = 1 ]; then
                warn "$name: mailtrace count '$mout' != grep count '$gout'"
            fi
        fi
    done
    local gm mm
    gm=$(median "${g[@]}"); GREP_MED=$gm
    local gs; gs=$(spread "${g[@]}")
    if [ -n "$skip" ]; then
        add_row "$name" "$gm" "skipped" "-" "<= $goal x grep" "-"
    elif [ -n "$merr" ]; then
        warn "$name: $merr"
        add_row "$name" "$gm" "error" "-" "<= $goal x grep" "no"
    else
        mm=$(median "${m[@]}"); r=$(ratio "$mm" "$gm")
        add_row "$name" "$gm $gs" "$mm $(spread "${m[@]}")" "$r" "<= $goal x grep" "$(le "$r" "$goal" && echo yes || echo no)"
    fi
}

MT_SKIP=""
[ "$HAVE_SQLITE" = 1 ] || MT_SKIP="sqlite3 shell missing"
[ "$HAVE_EXT" = 1 ] || MT_SKIP="$EXT.so missing"
WHY_SKIP=$MT_SKIP; [ -n "$WHY_SKIP" ] || WHY_SKIP=$SKIP_WHY

# ------------------------------------------------------------------ (b2) what this machine charges
# bench/floor (bench/floor.c) prices, on this machine and in this run, the things the
# designs under test pay for: fresh anonymous memory, mapped page-cache pages, read()
# from the page cache, one fstatat, one small pread.  Each line "name value unit";
# every value must be a positive number, or no floor is computed.  Then the start of
# a mailtrace process that does nothing (sqlite3, .load, SELECT 1): least time of RUNS
# runs (at least 10) and its peak RSS, the part of every new process's time and memory
# that is not the question's.
declare -A FLOOR=() FLOOR_UNIT=()
FLOOR_NAMES="anon_first_write anon_first_write_huge anon_second_pass file_first_touch file_first_touch_populate file_second_pass read_page_cache fstatat pread_small sample_mib reps"
declare -A FLOOR_WHAT=(
    [anon_first_write]="first store to fresh anonymous memory (mmap, 4 KiB pages): fault, zeroing, the hypervisor's first map; what every new array, hash table and malloc'd buffer pays"
    [anon_first_write_huge]="the same with MADV_HUGEPAGE (2 MiB pages)"
    [anon_second_pass]="that memory read again, one load per 64-byte line: memory speed once mapped"
    [file_first_touch]="first load from each page of the log mapped (mmap, MAP_PRIVATE), its pages in the page cache: the price of a mapped file, which depends on the file (the files of index=DIR are priced below)"
    [file_first_touch_populate]="the same mapped with MAP_POPULATE"
    [file_second_pass]="the mapping read again, one load per 64-byte line"
    [read_page_cache]="read() of the log from the page cache, in order, into one reused 68 KiB buffer: a pass over the log"
    [fstatat]="one fstatat() of the log (a cursor's listing check)"
    [pread_small]="one 2 KiB pread() from the page cache (a 1 KiB unit run)"
)
FLOOR_OK=0; FLOOR_LOAD=""
if [ -x bench/floor ]; then
    FLOOR_LOAD=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
    note "[floor] what this machine charges: bench/floor $LOG"
    if bench/floor "$LOG" > "$TMP/floor.txt" 2> "$TMP/floor.err"; then
        FLOOR_OK=1
        while read -r k v u extra; do
            if [ -z "$k" ] || [ -z "$u" ] || [ -n "$extra" ] || ! [[ $v =~ ^[0-9]+(\.[0-9]+)?$ ]] \
               || ! awk -v x="$v" 'BEGIN{exit !(x+0 > 0)}'; then
                warn "bench/floor printed a line that is not 'name positive-number unit': '$k $v $u $extra'"; FLOOR_OK=0; continue
            fi
            FLOOR[$k]=$v; FLOOR_UNIT[$k]=$u
        done < "$TMP/floor.txt"
        for k in $FLOOR_NAMES; do
            [ -n "${FLOOR[$k]:-}" ] || { warn "bench/floor did not print $k"; FLOOR_OK=0; }
        done
        sed 's/^/  /' "$TMP/floor.txt"
    else
        warn "bench/floor failed: $(head -c 300 "$TMP/floor.err" | tr '\n' ' ')"
    fi
else
    note "NOTE: bench/floor missing: the machine's floors are not measured"
fi
START_S=""; START_KB=""
m_start() { mt :memory: -cmd ".load $EXT" "SELECT 1"; }
if [ -z "$MT_SKIP" ]; then
    st=()
    for ((i = 1; i <= (RUNS > 10 ? RUNS : 10); i++)); do
        timeit m_start; note_rss "0 start: sqlite3, .load, SELECT 1"
        [ "$RC" = 0 ] && st+=("$ELAPSED")
    done
    if [ ${#st[@]} -gt 0 ]; then
        START_S=$(printf '%s\n' "${st[@]}" | sort -g | head -n 1)
        START_KB=${RSS_KB["0 start: sqlite3, .load, SELECT 1"]:-}
        note "[start] a process that loads the extension and does nothing: least ${START_S} s of ${#st[@]}, peak RSS ${START_KB:-?} KiB"
    fi
fi

# ------------------------------------------------------------------ (c) measurements
# Goal 1: cold why-not-received, a needle and a busy sender
bench_pair "1 needle (lines LIKE)"        1.2 g_needle m_needle   1 "$MT_SKIP"
bench_pair "2 why-not-received cold"      1.5 g_needle m_why_cold 0 "$WHY_SKIP"
GREP_WHY=$GREP_MED
bench_pair "2c why-not-received cold, busy sender" 2.0 g_busy m_why_busy 0 "$WHY_SKIP"
GREP_BUSY=$GREP_MED
# Goal 3: a new process with index=DIR already built (one untimed run saves it)
[ -z "$WHY_SKIP" ] && m_why_dir > /dev/null 2>&1
rm -f "$TMP/rss"
bench_pair "2b why-not-received, index=DIR" 0.1 g_needle m_why_dir 0 "$WHY_SKIP"
bench_pair "2d why-not-received, index=DIR, busy sender" 0.3 g_busy m_why_dir_busy 0 "$WHY_SKIP"
IX_BYTES=$(cat "$TMP"/ixdir/*.idx 2>/dev/null | wc -c)
DIR_BYTES_2=$(cat "$TMP"/ixdir/* 2>/dev/null | wc -c)   # all that 2b and 2d could map
LOOKUP_READS=""
READ_BUSY=""; READ_BUSY2=""; READ_NEEDLE2=""; SPLIT_BUSY=0; SPLIT_BUSY2=0; SPLIT_NEEDLE2=0
if [ -z "$WHY_SKIP" ]; then
    lookup_reads > "$TMP/reads" 2> "$TMP/err"
    LOOKUP_READS=$(awk -F'|' '$1=="R"{printf "%s%s bytes in %s blocks", n++ ? "; " : "", $2, $3}' "$TMP/reads")
    read -r READ_BUSY READ_BUSY2 READ_NEEDLE2 < <(awk -F'|' '$1=="R"{printf "%s ", $2} END{print ""}' "$TMP/reads")
    read -r SPLIT_BUSY SPLIT_BUSY2 SPLIT_NEEDLE2 < <(awk -F'|' '$1=="R"{printf "%s ", ($4 == "" ? 0 : $4)} END{print ""}' "$TMP/reads")
    note "[lookup reads] bytes|blocks of busy cold, busy warm, needle warm: $LOOKUP_READS (log: $LOG_BYTES bytes)"
fi

# Goal 2: warm, in one process, a sender not asked before (light, busy), timed by the
# shell's .timer; the ratio is to the grep for that sender, measured above
warm_row() {   # warm_row NAME MTFN GREP-MEDIAN
    local name=$1 fn=$2 gm=$3 w=() a=() werr="" s i wm r met
    note "[$name] $RUNS runs${WHY_SKIP:+ (skipped: $WHY_SKIP)}"
    if [ -n "$WHY_SKIP" ]; then add_row "$name" "$gm" "skipped" "-" "<= 0.05 x grep" "-"; return; fi
    for ((i = 1; i <= RUNS; i++)); do
        timeit "$fn"; note_rss "$name"
        if [ "$RC" != 0 ]; then werr="error (rc=$RC): $(first_err)"; break; fi
        s=$(warm_seconds)
        if [ -z "$s" ]; then werr="no 'Run Time: real' line after the second query (output: $(head -c 200 "$TMP/out" | tr '\n' ' '))"; break; fi
        w+=("$s")
        s=$(again_seconds); [ -n "$s" ] && a+=("$s")
    done
    [ ${#a[@]} -gt 0 ] && AGAIN_S[$name]=$(median "${a[@]}")
    if [ -n "$werr" ]; then
        warn "$name: $werr"
        add_row "$name" "$gm" "error" "-" "<= 0.05 x grep" "no"
    else
        wm=$(median "${w[@]}"); r=$(ratio "$wm" "$gm")
        met=no; if le "$r" 0.05; then met=yes; fi
        add_row "$name" "$gm" "$wm $(spread "${w[@]}")" "$r" "<= 0.05 x grep" "$met"
    fi
}
declare -A AGAIN_S=()
warm_row "3 why-not-received warm" m_why_warm "$GREP_WHY"
warm_row "3b why-not-received warm, busy sender" m_why_warm_busy "$GREP_BUSY"

# Goal 4: the three whole-log aggregates, cold and in a new process with index=DIR
bench_pair "4 aggregate: messages by status" 2.0 g_mid m_agg_msg 0 "$MT_SKIP"
bench_pair "4b aggregate: recipients by domain, status" 2.0 g_rcpt m_agg_rcpt 0 "$MT_SKIP"
bench_pair "4c aggregate: slow-banner report" 2.0 g_icid m_agg_slow 0 "$MT_SKIP"
# (one untimed run first: it saves what index=DIR keeps for a new process, as 2b's does)
[ -z "$MT_SKIP" ] && m_agg_msg_dir > /dev/null 2>&1
rm -f "$TMP/rss"
bench_pair "4d messages by status, index=DIR" 0.1 g_mid m_agg_msg_dir 0 "$MT_SKIP"
bench_pair "4e recipients by domain, index=DIR" 0.1 g_rcpt m_agg_rcpt_dir 0 "$MT_SKIP"
bench_pair "4f slow-banner report, index=DIR" 0.1 g_icid m_agg_slow_dir 0 "$MT_SKIP"
STORE_BYTES=$(cat "$TMP"/ixdir/*.store 2>/dev/null | wc -c)
DIR_BYTES_4=$(cat "$TMP"/ixdir/* 2>/dev/null | wc -c)   # all that 4d-4f could map
# What mapping the files of index=DIR costs, priced on each file itself (bench/floor -f):
# the price depends on how a file's pages came into the page cache (large folios are
# mapped many pages at a time), so the log's price says nothing about them.  MAP_MS is
# the cheapest of them all (ms/MiB), the price of every mapped page in the floors below.
DIR_PRICES=()  # file|bytes|first touch|with MAP_POPULATE (ms/MiB)
MAP_MS=""
if [ "$FLOOR_OK" = 1 ]; then
    for f in "$TMP"/ixdir/*; do
        [ -f "$f" ] || continue
        fo=$(bench/floor -f "$f" 2> "$TMP/floor.err")
        ft=$(awk '$1=="file_first_touch"{print $2}' <<< "$fo"); fp=$(awk '$1=="file_first_touch_populate"{print $2}' <<< "$fo")
        if ! [[ $ft =~ ^[0-9]+(\.[0-9]+)?$ && $fp =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
            warn "bench/floor -f ${f##*/} failed ($(head -c 200 "$TMP/floor.err" | tr '\n' ' ')): its mapped pages are priced at 0"
            MAP_MS=0; continue
        fi
        DIR_PRICES+=("${f##*/}|$(stat -L -c %s "$f")|$ft|$fp")
        MAP_MS=$(awk -v a="${MAP_MS:-1e9}" -v b="$ft" -v c="$fp" 'BEGIN{m = a; if (b < m) m = b; if (c < m) m = c; print m}')
        note "[floor] ${f##*/}: first touch $ft ms/MiB, with MAP_POPULATE $fp ms/MiB"
    done
fi
bench_pair "5 gzip needle"                 1.0 g_gz m_gz 1 "$MT_SKIP"

# 6: the diagnosis over a built store, against sql/why-not-received.sql over the same store
# (one process, timed by the shell's .timer between markers): the busiest sending IP, and
# everything (no filter).  Goal: <= 2 x the why-not-received query.
sum_between() {   # sum of "Run Time: real" lines between @@$1@@ and the next marker
    awk -v m="@@$1@@" '$0 == m {on=1; next} /^@@/ {on=0}
         on && /^Run Time: real / {s += $4; n++} END { if (n) printf "%.6f\n", s }' "$TMP/out"
}
printf '%s\n' "SELECT mailtrace_open('$LOG');" "SELECT count(*) FROM connections;" \
    ".parameter set :ip \"(SELECT remote_ip FROM connections WHERE remote_ip IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)\"" \
    ".timer on" ".print @@why_ip@@" ".read $SQLF" ".print @@diag_ip@@" "SELECT * FROM mailtrace_diagnose WHERE ip = :ip;" \
    ".parameter clear" ".print @@why_all@@" ".read $SQLF" ".print @@diag_all@@" "SELECT * FROM mailtrace_diagnose;" \
    ".print @@end@@" > "$TMP/diag.sql"
m_diag() { mt -bail :memory: -cmd ".load $EXT" < "$TMP/diag.sql"; }
note "[6 diagnose, store built] $RUNS runs${WHY_SKIP:+ (skipped: $WHY_SKIP)}"
if [ -n "$WHY_SKIP" ]; then
    add_row "6 diagnose busiest IP (vs why)" "-" "skipped" "-" "<= 2 x why-not-received" "-"
    add_row "6b diagnose unfiltered (vs why)" "-" "skipped" "-" "<= 2 x why-not-received" "-"
else
    wi=(); di=(); wa=(); da=(); derr=""
    for ((i = 1; i <= RUNS; i++)); do
        timeit m_diag; note_rss "6 diagnose (one process: build, why, diagnose)"
        if [ "$RC" != 0 ]; then derr="error (rc=$RC): $(first_err)"; break; fi
        wi+=("$(sum_between why_ip)"); di+=("$(sum_between diag_ip)")
        wa+=("$(sum_between why_all)"); da+=("$(sum_between diag_all)")
    done
    if [ -n "$derr" ]; then
        warn "6 diagnose: $derr"
        add_row "6 diagnose busiest IP (vs why)" "-" "error" "-" "<= 2 x why-not-received" "no"
    else
        for pair in "6 diagnose busiest IP (vs why)|wi|di" "6b diagnose unfiltered (vs why)|wa|da"; do
            IFS='|' read -r n a b <<< "$pair"
            declare -n A=$a B=$b
            am=$(median "${A[@]}"); bm=$(median "${B[@]}"); r=$(ratio "$bm" "$am")
            add_row "$n" "$am" "$bm" "$r" "<= 2 x why-not-received" "$(le "$r" 2 && echo yes || echo no)"
            unset -n A B
        done
    fi
fi

# 7: an unfiltered diagnosis over a built store stops soon after sqlite3_interrupt()
note "[7 diagnose interrupt]"
PYBIN=/usr/bin/python3; [ -x "$PYBIN" ] || PYBIN=$(command -v python3 || true)
if [ -n "$WHY_SKIP" ] || [ -z "$PYBIN" ]; then
    add_row "7 diagnose stops after interrupt" "-" "skipped" "-" "<= 0.05 s after interrupt" "-"
else
    lat=$("$PYBIN" - "$EXT" "$LOG" <<'PYEOF' 2> "$TMP/err"
import sqlite3, sys, threading, time
db = sqlite3.connect(":memory:", check_same_thread=False)
db.enable_load_extension(True); db.load_extension(sys.argv[1])
db.execute("SELECT mailtrace_open(?)", (sys.argv[2],)); db.execute("SELECT count(*) FROM connections").fetchone()
best = None
for _ in range(3):
    t = threading.Timer(0.1, db.interrupt); t.start(); t0 = time.monotonic()
    try: db.execute("SELECT count(*), count(evidence) FROM mailtrace_diagnose").fetchall(); late = None
    except sqlite3.OperationalError: late = time.monotonic() - t0 - 0.1
    t.cancel()
    if late is not None: best = late if best is None else min(best, late)
print("%.4f" % best if best is not None else "finished")
PYEOF
)
    if [ "$lat" = finished ] || [ -z "$lat" ]; then
        add_row "7 diagnose stops after interrupt" "-" "${lat:-error}" "-" "<= 0.05 s after interrupt" "-"
    else
        add_row "7 diagnose stops after interrupt" "-" "$lat" "-" "<= 0.05 s after interrupt" "$(le "$lat" 0.05 && echo yes || echo no)"
    fi
fi

# ------------------------------------------------------------------ (RSS) peak RSS
# Goal 5: the peak RSS of every mailtrace command above (max over its runs; a warm
# measurement's process also asked the first question), as a share of the log size;
# goal <= 15 % of the log and <= 1 GiB.
RSS_ROWS=()    # name|MB|share|note
RSS_WORST=""; RSS_WORST_NAME=""; RSS_ALL_MET=yes
rss_row() {    # rss_row NAME KIB
    local share met
    share=$(awk -v k="$2" -v b="$LOG_BYTES" 'BEGIN{printf "%.1f%%", 100*k*1024/b}')
    met=$(awk -v k="$2" -v b="$LOG_BYTES" 'BEGIN{print (k*1024 <= 0.15*b && k <= 1048576) ? "met" : "not met"}')
    [ "$met" = met ] || RSS_ALL_MET=no
    if [ -z "$RSS_WORST" ] || [ "$2" -gt "$RSS_WORST" ]; then RSS_WORST=$2; RSS_WORST_NAME=$1; fi
    RSS_ROWS+=("$1|$(awk -v k="$2" 'BEGIN{printf "%.1f", k/1024}')|$share|goal <= 15 % and <= 1 GiB: $met")
}
note "[RSS peak RSS]"
if [ "$HAVE_TIME" = 0 ]; then
    RSS_ROWS+=("all|skipped|-|/usr/bin/time missing (Debian: apt-get install time)")
else
    if "$TIMEBIN" -f %M -o "$TMP/rss" grep -c -F "$NEEDLE" "$LOG" > /dev/null 2>&1; then
        kb=$(tail -n 1 "$TMP/rss")
        RSS_ROWS+=("grep -c -F (reference)|$(awk -v k="$kb" 'BEGIN{printf "%.1f", k/1024}')|$(awk -v k="$kb" -v b="$LOG_BYTES" 'BEGIN{printf "%.1f%%", 100*k*1024/b}')|")
    fi
    for row in "${ROWS[@]}"; do
        IFS='|' read -r n _ m _ <<< "$row"
        [ -n "${RSS_KB[$n]:-}" ] && rss_row "$n" "${RSS_KB[$n]}"
        # a command that failed was not measured: the goal is not met
        if [ "$m" = error ]; then RSS_ALL_MET=no; RSS_ROWS+=("$n|-|-|failed: not measured"); fi
    done
    n="6 diagnose (one process: build, why, diagnose)"
    [ -n "${RSS_KB[$n]:-}" ] && rss_row "$n" "${RSS_KB[$n]}"
fi

# ------------------------------------------------------------------ floors
# What each measurement's design pays at least, at this run's prices (bench/floor and
# the idle process above): a lower bound, not a prediction.  Its parts:
#   start   a new process's start (sqlite3, .load): least time of RUNS (at least 10)
#   memory  the peak RSS above the idle process's, as fresh memory: the part that could be
#           mapped files (everything in index=DIR) at the cheaper mapped-page price, the
#           rest at the cheaper fresh-anonymous price (huge pages or not).  Memory freed
#           and taken again costs more; peak RSS counts each page once.
#   read    the bytes the design reads from the page cache: the whole log for a cold
#           question (the index pass or the store build) plus what its lookup read
#           (mailtrace_stats, "lookup reads" above), at the read() price
#   again   a warm question's SQL alone: the same question asked again in the same
#           process, everything resolved (the shell's .timer, median)
# A warm question is timed inside its process: no start, and its memory is the first
# question's too, so none is counted.
FLOOR_ROWS=()     # name|grep|mailtrace|parts|floor s|floor/grep|goal|mailtrace/floor|reading
declare -A FLOOR_X=()
mib() { awk -v b="$1" 'BEGIN{printf "%.0f", b/1048576}'; }
NCPU=$(nproc 2>/dev/null || echo 1)
floor_row() {   # floor_row NAME READ-BYTES MAPPABLE-BYTES NEW-PROCESS(0/1) [PARALLEL-READ-BYTES [SPLIT(0/1)]]
    # (SPLIT 1: the lookup's READ-BYTES were swept by two threads, ext/partial.c)
    local n=$1 rb=${2:-0} mb=${3:-0} newp=$4 pb=${5:-0} sp=${6:-0}
    local fg=${GREP_S[$n]:-} fm=${MT_S[$n]:-} goal=${GOAL_X[$n]:-} kb=${RSS_KB[$n]:-} ag=${AGAIN_S[$n]:-}
    case $fm in ''|*[!0-9.]*) return 0;; esac
    case $fg in ''|*[!0-9.]*) return 0;; esac
    [ "$newp" = 1 ] && [ -z "$START_S" ] && return 0
    local out
    out=$(awk -v n="$n" -v g="$fg" -v m="$fm" -v goal="$goal" -v rb="$rb" -v mb="$mb" -v newp="$newp" \
          -v st="${START_S:-0}" -v stkb="${START_KB:-0}" -v kb="${kb:-}" -v ag="$ag" \
          -v a4="${FLOOR[anon_first_write]}" -v ah="${FLOOR[anon_first_write_huge]}" \
          -v mapms="${MAP_MS:-0}" -v rd="${FLOOR[read_page_cache]}" -v pb="$pb" -v ncpu="$NCPU" -v sp="$sp" 'BEGIN{
        M = 1048576; anon = (a4 < ah ? a4 : ah) / 1000; file = mapms / 1000
        parts = ""; t = 0
        if (newp == 1) { t += st; parts = sprintf("start %.3f", st) }
        if (newp == 1 && kb != "") {
            r = kb * 1024 - stkb * 1024; if (r < 0) r = 0
            f = (r < mb ? r : mb); a = r - f
            ms = a / M * anon + f / M * file
            # with a pass on all CPUs (the offset index), its memory may be taken on all of them
            if (pb > 0 && ncpu > 1) ms /= ncpu
            t += ms
            parts = parts sprintf(" + memory %.3f (%.0f MB fresh, %.0f MB mapped%s)", ms, a / 1e6, f / 1e6, (pb > 0 && ncpu > 1) ? sprintf(", over %d CPUs", ncpu) : "")
        }
        if (pb > 0) { ps = pb / M * rd / 1000 / ncpu; t += ps; parts = parts (parts == "" ? "" : " + ") sprintf("read %.3f (%.0f MiB over %d CPUs)", ps, pb / M, ncpu) }
        if (rb > 0) {
            sc = (sp > 0 && ncpu > 1) ? 2 : 1
            rs = rb / M * rd / 1000 / sc; t += rs
            parts = parts (parts == "" ? "" : " + ") sprintf("read %.3f (%.0f MiB%s)", rs, rb / M, sc > 1 ? ", over 2 threads" : "")
        }
        if (ag != "") { t += ag; parts = parts (parts == "" ? "" : " + ") sprintf("again %.3f", ag) }
        fx = t / g
        rd_ = (goal == "") ? "-" : (fx > goal ? "floor above the goal: out of reach for this design here" : "floor below the goal: the gap is for the design to close")
        if (m < t) rd_ = rd_ "; WARNING: measured below the floor"
        printf "%s|%.4f|%.4f|%s|%.3f|%.2f|%s|%.1f|%s\n", n, g, m, parts, t, fx, (goal == "" ? "-" : "<= " goal " x"), m / t, rd_
    }')
    FLOOR_ROWS+=("$out")
    FLOOR_X[$n]=$(cut -d'|' -f6 <<< "$out")
    case $out in *"WARNING: measured below the floor"*) warn "$n: measured ${fm} s, below its floor: the floor model does not hold there";; esac
}
if [ "$FLOOR_OK" = 1 ]; then
    GZ_BYTES=$(stat -L -c %s "$GZ")
    floor_row "1 needle (lines LIKE)" "$LOG_BYTES" 0 1
    # 2, 2c: the offset index pass reads the log on every CPU (ext/index.c), then the lookup
    floor_row "2 why-not-received cold" 0 0 1 "$LOG_BYTES"
    floor_row "2c why-not-received cold, busy sender" "${READ_BUSY:-0}" 0 1 "$LOG_BYTES" "$SPLIT_BUSY"
    floor_row "2b why-not-received, index=DIR" 0 "${DIR_BYTES_2:-0}" 1
    floor_row "2d why-not-received, index=DIR, busy sender" "${READ_BUSY2:-0}" "${DIR_BYTES_2:-0}" 1 0 "$SPLIT_BUSY2"
    floor_row "3 why-not-received warm" "${READ_NEEDLE2:-0}" 0 0 0 "$SPLIT_NEEDLE2"
    floor_row "3b why-not-received warm, busy sender" "${READ_BUSY2:-0}" 0 0 0 "$SPLIT_BUSY2"
    floor_row "4 aggregate: messages by status" "$LOG_BYTES" 0 1
    floor_row "4b aggregate: recipients by domain, status" "$LOG_BYTES" 0 1
    floor_row "4c aggregate: slow-banner report" "$LOG_BYTES" 0 1
    floor_row "4d messages by status, index=DIR" 0 "${DIR_BYTES_4:-0}" 1
    floor_row "4e recipients by domain, index=DIR" 0 "${DIR_BYTES_4:-0}" 1
    floor_row "4f slow-banner report, index=DIR" 0 "${DIR_BYTES_4:-0}" 1
    floor_row "5 gzip needle" "$GZ_BYTES" 0 1
fi

# ------------------------------------------------------------------ goal 6: the fleet
FLEET_LINES=()
if [ -n "${FLEET:-}" ]; then
    note "[6 fleet] SIZE=$FLEET GATEWAYS=${GATEWAYS:-4} bench/fleet.sh"
    if SIZE=$FLEET GATEWAYS=${GATEWAYS:-4} RUNS=$RUNS EXT=$EXT bench/fleet.sh > "$TMP/fleet.out" 2>&1 \
       && [ -s bench/out/fleet-goals.txt ]; then
        mapfile -t FLEET_LINES < bench/out/fleet-goals.txt
    else
        warn "bench/fleet.sh failed: $(tail -n 3 "$TMP/fleet.out" | tr '\n' ' ')"
    fi
fi

# ------------------------------------------------------------------ the goals of issue 15
GOALS=()       # goal|numbers|target|met|floor
r_() { printf '%s' "${RATIO[$1]:-n/a}"; }
f_() { if [ -n "${FLOOR_X[$1]:-}" ]; then printf '%s x' "${FLOOR_X[$1]}"; else printf -- '-'; fi; }
all_met() {    # all_met NAME...: yes when every one is met, "-" when one was not measured
    local n v=yes
    for n in "$@"; do case "${MET[$n]:-}" in yes) ;; no) v=no ;; *) [ "$v" = yes ] && v="-" ;; esac; done
    printf '%s' "$v"
}
GOALS+=("1 cold why-not-received, any sender|needle $(r_ "2 why-not-received cold") x, busy $BUSY $(r_ "2c why-not-received cold, busy sender") x|<= 1.5 x (needle), <= 2 x (busy)|$(all_met "2 why-not-received cold" "2c why-not-received cold, busy sender")|needle $(f_ "2 why-not-received cold"), busy $(f_ "2c why-not-received cold, busy sender")")
GOALS+=("2 warm, a sender not asked before|light $NEEDLE2 $(r_ "3 why-not-received warm") x, busy $BUSY2 $(r_ "3b why-not-received warm, busy sender") x|<= 0.05 x|$(all_met "3 why-not-received warm" "3b why-not-received warm, busy sender")|light $(f_ "3 why-not-received warm"), busy $(f_ "3b why-not-received warm, busy sender")")
GOALS+=("3 new process, index=DIR built|light $(r_ "2b why-not-received, index=DIR") x, busy $(r_ "2d why-not-received, index=DIR, busy sender") x|<= 0.1 x (light), <= 0.3 x (busy)|$(all_met "2b why-not-received, index=DIR" "2d why-not-received, index=DIR, busy sender")|light $(f_ "2b why-not-received, index=DIR"), busy $(f_ "2d why-not-received, index=DIR, busy sender")")
GOALS+=("4 whole-log aggregates|cold: by status $(r_ "4 aggregate: messages by status") x, recipients $(r_ "4b aggregate: recipients by domain, status") x, slow banner $(r_ "4c aggregate: slow-banner report") x; new process with index=DIR: $(r_ "4d messages by status, index=DIR") x, $(r_ "4e recipients by domain, index=DIR") x, $(r_ "4f slow-banner report, index=DIR") x|<= 2 x cold, <= 0.1 x with index=DIR|$(all_met "4 aggregate: messages by status" "4b aggregate: recipients by domain, status" "4c aggregate: slow-banner report" "4d messages by status, index=DIR" "4e recipients by domain, index=DIR" "4f slow-banner report, index=DIR")|cold $(f_ "4 aggregate: messages by status"), $(f_ "4b aggregate: recipients by domain, status"), $(f_ "4c aggregate: slow-banner report"); index=DIR $(f_ "4d messages by status, index=DIR"), $(f_ "4e recipients by domain, index=DIR"), $(f_ "4f slow-banner report, index=DIR")")
if [ -n "$RSS_WORST" ]; then
    GOALS+=("5 peak RSS of any query|largest: $RSS_WORST_NAME $(awk -v k="$RSS_WORST" -v b="$LOG_BYTES" 'BEGIN{printf "%.1f MB, %.1f%% of the log", k/1024, 100*k*1024/b}')|<= 15 % of the log, <= 1 GiB|$RSS_ALL_MET|none: memory is the design's")
elif [ "$HAVE_TIME" = 1 ]; then
    GOALS+=("5 peak RSS of any query|not measured: every mailtrace command failed|<= 15 % of the log, <= 1 GiB|no")
else
    GOALS+=("5 peak RSS of any query|not measured (/usr/bin/time missing)|<= 15 % of the log, <= 1 GiB|-")
fi
if [ ${#FLEET_LINES[@]} -gt 0 ]; then
    for l in "${FLEET_LINES[@]}"; do GOALS+=("$l|not measured"); done
else
    GOALS+=("6 scale: 10 GiB, 4 gateways, half gzip|not run in this run (FLEET=10240 make bench, or SIZE=10240 GATEWAYS=4 bench/fleet.sh)|<= 2 x one zgrep -F pass cold, warm <= 50 ms, aggregates as goal 4|-|-")
fi

# ------------------------------------------------------------------ (d) report
HOSTINFO="$(nproc) CPU, $(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo 2>/dev/null), $(awk '/MemTotal/{printf "%.0f GiB RAM", $2/1048576}' /proc/meminfo 2>/dev/null)"
GREPV=$(grep --version | head -n 1)
GIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
WHEN=$(date -u '+%Y-%m-%d %H:%M UTC')

{
    printf '\n%-46s %12s %14s %8s  %-28s %s\n' "measurement" "grep med s" "mailtrace s" "ratio" "goal" "met"
    for row in "${ROWS[@]}"; do
        IFS='|' read -r n g m r go me <<< "$row"
        printf '%-46s %12s %14s %8s  %-28s %s\n' "$n" "$g" "$m" "$r" "$go" "$me"
    done
    printf '\n%-46s %12s %14s  %s\n' "peak RSS" "MB" "of log size" "note"
    for row in "${RSS_ROWS[@]}"; do
        IFS='|' read -r n mb sh nt <<< "$row"
        printf '%-46s %12s %14s  %s\n' "$n" "$mb" "$sh" "$nt"
    done
    printf '\nlog: %s (%s MiB, %s lines); RUNS=%s; %s; %s; sqlite3 %s; commit %s\n' \
        "$LOG" "$LOG_MB" "$(awk '{for(i=1;i<=NF;i++) if ($i ~ /^lines=/) {sub("lines=","",$i); print $i}}' "$OUT/gen.txt" 2>/dev/null)" \
        "$RUNS" "$HOSTINFO" "$GREPV" "$SQLITE_VER" "$GIT"
    if [ ${#FLOOR_ROWS[@]} -gt 0 ]; then
        printf '\n%-46s %9s %9s %9s  %s\n' "floor (lower bound, this run's prices)" "floor s" "x grep" "mt/floor" "parts"
        for row in "${FLOOR_ROWS[@]}"; do
            IFS='|' read -r n g m p t fx go mf rd <<< "$row"
            printf '%-46s %9s %9s %9s  %s; %s\n' "$n" "$t" "$fx" "$mf" "$p" "$rd"
        done
    fi
    printf '\n%-40s %s\n' "goal (issue 15)" "met: numbers (target) [floor]"
    for g in "${GOALS[@]}"; do
        IFS='|' read -r n v t m fl <<< "$g"
        printf '%-40s %s: %s (%s) [floor %s]\n' "$n" "$m" "$v" "$t" "${fl:--}"
    done
    for w in "${WARNINGS[@]}"; do printf 'WARNING: %s\n' "$w"; done
}

# shellcheck disable=SC2016
{
    printf '# mailtrace benchmark results\n\n'
    printf -- '- date: %s, commit %s\n' "$WHEN" "$GIT"
    printf -- '- log: `%s`, %s MiB (%s bytes), generated by `bench/gen %s %s`\n' "$LOG" "$LOG_MB" "$LOG_BYTES" "$OUT" "$SIZE"
    printf -- '- generator: `%s`\n' "$(cat "$OUT/gen.txt" 2>/dev/null)"
    printf -- '- machine: %s\n' "$HOSTINFO"
    printf -- '- %s; sqlite3 %s; LC_ALL=C; median of RUNS=%s, grep and mailtrace alternating, page cache warm\n\n' "$GREPV" "$SQLITE_VER" "$RUNS"
    printf '| measurement | grep median (s) | mailtrace median (s) | ratio | goal | met |\n'
    printf '|---|---:|---:|---:|---|---|\n'
    for row in "${ROWS[@]}"; do
        IFS='|' read -r n g m r go me <<< "$row"
        printf '| %s | %s | %s | %s | %s | %s |\n' "$n" "$g" "$m" "$r" "$go" "$me"
    done
    printf '\n| peak RSS | MB | share of log size | note |\n|---|---:|---:|---|\n'
    for row in "${RSS_ROWS[@]}"; do
        IFS='|' read -r n mb sh nt <<< "$row"
        printf '| %s | %s | %s | %s |\n' "$n" "$mb" "$sh" "$nt"
    done
    printf '\n## The goals of issue 15\n\n| goal | numbers (ratio to grep, same run) | target | met | floor of this design on this machine (x grep, same run; "Floors" below) |\n|---|---|---|---|---|\n'
    for g in "${GOALS[@]}"; do
        IFS='|' read -r n v t m fl <<< "$g"
        [ "$FLOOR_OK" = 1 ] || fl="not measured (bench/floor)"
        printf '| %s | %s | %s | %s | %s |\n' "$n" "$v" "$t" "$m" "${fl:--}"
    done
    printf '\n"-": not measured in this run.  A ratio of a warm question is its time (the shell'"'"'s .timer) over the grep for that sender; peak RSS is the whole process'"'"'s (GNU time).\n'
    if [ ${#WARNINGS[@]} -gt 0 ]; then
        printf '\n'
        for w in "${WARNINGS[@]}"; do printf -- '- WARNING: %s\n' "$w"; done
    fi
    if [ "${IX_BYTES:-0}" -gt 0 ]; then
        printf '\nOffset index file saved by 2b (index=DIR): %s bytes, %s of the log.\n' "$IX_BYTES" \
            "$(awk -v a="$IX_BYTES" -v b="$LOG_BYTES" 'BEGIN{printf "%.1f%%", 100*a/b}')"
    fi
    if [ "${STORE_BYTES:-0}" -gt 0 ]; then
        printf '\nStore image saved by 4d'"'"'s untimed run (index=DIR): %s bytes, %s of the log.\n' "$STORE_BYTES" \
            "$(awk -v a="$STORE_BYTES" -v b="$LOG_BYTES" 'BEGIN{printf "%.1f%%", 100*a/b}')"
    fi
    if [ -n "$LOOKUP_READS" ]; then
        printf '\nBytes|blocks read by the IP lookups after the index pass (mailtrace_stats; deterministic): busy %s cold, %s warm, needle %s warm: `%s`, log %s bytes (one pass).\n' \
            "$BUSY" "$BUSY2" "$NEEDLE2" "$LOOKUP_READS" "$LOG_BYTES"
    fi
    printf '\nTimes are "median [min-max]" over RUNS runs.  Commands: see bench/README.md.\n'
    if [ "$FLOOR_OK" = 1 ]; then
        printf '\n## What this machine charges\n\n'
        printf 'Measured in this run by `bench/floor %s` (bench/floor.c): the least wall time of %s repetitions over %s MiB of the log (anonymous memory: half as much), load average %s when it ran.\n\n' \
            "$LOG" "${FLOOR[reps]%.*}" "${FLOOR[sample_mib]}" "$FLOOR_LOAD"
        printf '| quantity | value | unit | per 4 KiB page | what it is |\n|---|---:|---|---:|---|\n'
        for k in $FLOOR_NAMES; do
            case $k in sample_mib|reps) continue;; esac
            pp="-"
            [ "${FLOOR_UNIT[$k]}" = ms/MiB ] && pp="$(awk -v v="${FLOOR[$k]}" 'BEGIN{printf "%.2f us", v*1000/256}')"
            printf '| %s | %s | %s | %s | %s |\n' "$k" "${FLOOR[$k]}" "${FLOOR_UNIT[$k]}" "$pp" "${FLOOR_WHAT[$k]}"
        done
        for row in "${DIR_PRICES[@]}"; do
            IFS='|' read -r fn fb ft fp <<< "$row"
            printf '| file_first_touch, file_first_touch_populate of `%s` | %s, %s | ms/MiB | %s, %s | the same two prices for this file of index=DIR (%s bytes), measured after 4f (`bench/floor -f`) |\n' \
                "$fn" "$ft" "$fp" "$(awk -v v="$ft" 'BEGIN{printf "%.2f us", v*1000/256}')" "$(awk -v v="$fp" 'BEGIN{printf "%.2f us", v*1000/256}')" "$fb"
        done
        if [ -n "$START_S" ]; then
            printf '| start | %s | s | - | a new `sqlite3 :memory:` that loads the extension and runs `SELECT 1` (least of RUNS, at least 10 runs); peak RSS %s KiB |\n' "$START_S" "${START_KB:-?}"
        fi
        if [ ${#FLOOR_ROWS[@]} -gt 0 ]; then
            printf '\n## Floors: what each design pays at least at these prices\n\n'
            printf 'A lower bound of what the design measured pays on this machine, computed from this run'"'"'s numbers alone, not a prediction: '
            printf '**start** (a new process, the row above), **memory** (the peak RSS above the idle process'"'"'s: as much of it as `index=DIR` holds at the cheapest mapped-page price of its files, the rest at the cheaper fresh-memory price of 4 KiB and huge pages; a warm question counts none), '
            printf '**read** (the bytes read from the page cache at the `read()` price: the whole log for a cold question or build, plus what its lookup read, "Bytes|blocks" above), '
            printf '**again** (a warm question'"'"'s SQL alone: the same question asked again in the same process, everything resolved). '
            printf 'When the floor is above the goal, this design cannot meet the goal on this machine; when it is below, the distance to the goal is the design'"'"'s to close. '
            printf '"mailtrace / floor" below 1 would mean the model is wrong for that row (a WARNING says so).\n\n'
            printf '| measurement | grep median (s) | mailtrace median (s) | floor parts (s) | floor (s) | floor / grep | goal | mailtrace / floor | reading |\n|---|---:|---:|---|---:|---:|---|---:|---|\n'
            for row in "${FLOOR_ROWS[@]}"; do
                IFS='|' read -r n g m pt t fx go mf rd <<< "$row"
                printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$n" "$g" "$m" "$pt" "$t" "$fx" "$go" "$mf" "$rd"
            done
        fi
    fi
} > "$OUT/results.md"
note ""
note "wrote $OUT/results.md"
exit 0
