#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/relist.sh - what listing the sources again costs per cursor: a busy
# sender's sql/why-not-received.sql over one log split into N rotated files
# (every other one gzip), asked cold and then again in the same process (its
# correlated subqueries open a cursor per outer row, and each one lists the
# files again).
#
#   bench/relist.sh                      (from the repo root, after make)
#   FILES="25 100 400" SIZE=24 BASE=/tmp/old/mailtrace bench/relist.sh
#
# Environment:
#   SIZE    MiB of log from bench/gen (default 24, seed 7)
#   FILES   the numbers of files to split it into (default "25 100 400")
#   EXT     extension (default ./mailtrace); BASE: a second one to compare
#   MODE    callgrind (default: instructions, load-independent) or cpu
#           (min of RUNS user+sys seconds, RUNS default 5; noisy on a shared machine)
#
# Prints, per extension and N: the cold question, cold + the same question
# again, and the difference (the warm question alone).  The answers of every
# extension are compared (they must be equal).  Data in bench/out/relist/.
set -u
set -o pipefail
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 1
SIZE=${SIZE:-24}
FILES=${FILES:-"25 100 400"}
EXT=${EXT:-./mailtrace}
BASE=${BASE:-}
MODE=${MODE:-callgrind}
RUNS=${RUNS:-5}
OUT=bench/out/relist
IP=198.51.100.10

if [ ! -x bench/gen ] || [ bench/gen.c -nt bench/gen ]; then
    ${CC:-cc} -std=c11 -O2 -Wall -Wextra bench/gen.c -lz -lpthread -o bench/gen || exit 1
fi
if [ "$(cat $OUT/.size 2>/dev/null)" != "$SIZE" ]; then
    rm -rf "$OUT"; mkdir -p "$OUT"
    bench/gen "$OUT/g" "$SIZE" 7 > "$OUT/gen.txt" || exit 1
    echo "$SIZE" > "$OUT/.size"
fi
for n in $FILES; do
    d=$OUT/n$n/esa1
    [ -d "$d" ] && continue
    mkdir -p "$d"
    split -n "l/$n" -d -a 4 "$OUT/g/all.log" "$d/part."
    i=0
    for f in "$d"/part.*; do
        i=$((i + 1))
        if [ "$i" = "$n" ]; then mv "$f" "$d/mail.current"; continue; fi
        g=$(printf '%s/mail.@20261101T%02d%02d%02d.s' "$d" $((i / 3600)) $((i / 60 % 60)) $((i % 60)))
        mv "$f" "$g"
        [ $((i % 2)) = 1 ] && gzip -1 "$g"
    done
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/mtrelist.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
# run EXT DIR Q OUT: Q questions in one process; prints instructions or seconds
run() {
    { echo "SELECT mailtrace_open('$2');"; echo ".parameter set :ip '$IP'"
      for ((q = 0; q < $3; q++)); do echo ".read sql/why-not-received.sql"; done; } > "$TMP/q.sql"
    if [ "$MODE" = callgrind ]; then
        valgrind --tool=callgrind --callgrind-out-file="$TMP/cg" sqlite3 -bail :memory: -cmd ".load $1" \
            < "$TMP/q.sql" > "$4" 2> "$TMP/err" || { cat "$TMP/err" >&2; return 1; }
        sed -n 's/.*Collected : //p' "$TMP/err"
    else
        local best="" t
        for ((r = 0; r < RUNS; r++)); do
            /usr/bin/time -f "%U %S" -o "$TMP/t" sqlite3 -bail :memory: -cmd ".load $1" < "$TMP/q.sql" > "$4"
            t=$(awk '{printf "%.3f", $1 + $2}' "$TMP/t")
            if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$t; fi
        done
        echo "$best"
    fi
}
printf '%-8s %6s %16s %16s %16s\n' ext files cold cold+again again
for n in $FILES; do
    for e in "$EXT" $BASE; do
        tag=$([ "$e" = "$EXT" ] && echo new || echo base)
        a=$(run "$e" "$OUT/n$n/esa1" 1 "$TMP/$tag.1") || exit 1
        b=$(run "$e" "$OUT/n$n/esa1" 2 "$TMP/$tag.$n.2") || exit 1
        printf '%-8s %6s %16s %16s %16s\n' "$tag" "$n" "$a" "$b" "$(awk -v a="$a" -v b="$b" 'BEGIN{printf "%.10g", b - a}')"
    done
    if [ -n "$BASE" ] && ! cmp -s "$TMP/new.$n.2" "$TMP/base.$n.2"; then echo "DIFFERENT ANSWERS at $n files" >&2; exit 1; fi
done
