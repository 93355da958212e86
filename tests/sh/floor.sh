#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# bench/floor (bench/floor.c), the machine's prices that bench/run.sh puts under
# issue 15's goals: it builds -Wall -Wextra clean; on a small file it prints
# exactly the quantities bench/run.sh reads (its FLOOR_NAMES), each once, as
# "name value unit" with a positive number and the unit its arithmetic assumes;
# -f prints only the file's own prices; a missing file or a bad size is an
# error that says so.  PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
ok() { if [ "$2" = 0 ]; then echo "PASS sh.floor.$1"; else echo "FAIL sh.floor.$1: ${3:-}"; fails=$((fails+1)); fi; }

cc=$(command -v "${CC:-cc}") || { echo "SKIP sh.floor: no C compiler"; exit 0; }
if ! env -u LD_PRELOAD "$cc" -std=c11 -O2 -Wall -Wextra -Werror bench/floor.c -o "$tmp/floor" 2> "$tmp/cc.err"; then
  echo "FAIL sh.floor.builds_clean: $(head -c 400 "$tmp/cc.err")"; exit 1
fi
echo "PASS sh.floor.builds_clean"
floor() { env -u LD_PRELOAD "$tmp/floor" "$@"; }

head -c $((8 << 20)) /dev/urandom > "$tmp/log"
cat "$tmp/log" > /dev/null
out=$(floor "$tmp/log" 8 1 2> "$tmp/err"); rc=$?
ok runs "$rc" "exit $rc: $(head -c 300 "$tmp/err")"

# the names bench/run.sh expects, from bench/run.sh itself
want=$(sed -n 's/^FLOOR_NAMES="\(.*\)"$/\1/p' bench/run.sh | tr ' ' '\n' | sort)
[ -n "$want" ]; ok run_sh_names_found $? "no FLOOR_NAMES=\"...\" line in bench/run.sh"
got=$(awk '{print $1}' <<< "$out" | sort)
[ "$got" = "$want" ]; ok names_are_run_sh_names $? "printed: $(tr "\n" " " <<< "$got")/ bench/run.sh: $(tr "\n" " " <<< "$want")"
dups=$(awk '{print $1}' <<< "$out" | sort | uniq -d)
[ -z "$dups" ]; ok each_once $? "repeated: $dups"

# every line: three fields, a positive number, the unit the bench's arithmetic uses
bad=$(awk '
  BEGIN { u["anon_first_write"] = u["anon_first_write_huge"] = u["anon_second_pass"] = "ms/MiB"
          u["file_first_touch"] = u["file_first_touch_populate"] = u["file_second_pass"] = "ms/MiB"
          u["read_page_cache"] = "ms/MiB"; u["fstatat"] = u["pread_small"] = "us"
          u["sample_mib"] = "MiB"; u["reps"] = "count" }
  NF != 3 || $2 !~ /^[0-9]+(\.[0-9]+)?$/ || $2 + 0 <= 0 || u[$1] != $3 { print }' <<< "$out")
[ -z "$bad" ]; ok positive_numbers_and_units $? "lines: $bad"
grep -qx 'sample_mib 8.0 MiB' <<< "$out"; ok sample_is_the_file $? "$(grep sample_mib <<< "$out")"
grep -qx 'reps 1 count' <<< "$out"; ok reps_as_asked $? "$(grep reps <<< "$out")"
# fresh memory is dearer than the same memory read again (the first write faults
# every page in; the second pass finds them mapped): a floor that says otherwise
# did not measure what it names
cheaper=$(awk '$1=="anon_first_write"{a=$2} $1=="anon_second_pass"{b=$2} END{print (a > b) ? 0 : 1}' <<< "$out")
ok first_write_dearer_than_second_pass "$cheaper" "$out"

fo=$(floor -f "$tmp/log" 4 1 2>&1); rc=$?
names=$(awk '{print $1}' <<< "$fo" | sort | tr '\n' ' ')
[ "$rc" = 0 ] && [ "$names" = "file_first_touch file_first_touch_populate file_second_pass read_page_cache reps sample_mib " ]
ok file_only "$?" "exit $rc: $fo"
grep -qx 'sample_mib 4.0 MiB' <<< "$fo"; ok file_only_capped "$?" "$fo"

err=$(floor "$tmp/missing" 2>&1); rc=$?
[ "$rc" = 1 ] && [[ $err == *"$tmp/missing"*"No such file"* ]]; ok missing_file "$?" "exit $rc: $err"
printf 'short\n' > "$tmp/short"
err=$(floor "$tmp/short" 2>&1); rc=$?
[ "$rc" = 1 ] && [[ $err == *"$tmp/short"* ]]; ok too_small_file "$?" "exit $rc: $err"
err=$(floor "$tmp/log" 0 2>&1); rc=$?
[ "$rc" = 2 ]; ok bad_size "$?" "exit $rc: $err"
[ $fails -eq 0 ]
