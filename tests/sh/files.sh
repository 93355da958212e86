#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# File order and identity: rotation order whatever the directory lists, a
# symbolic link to the live file does not move it first, a file named twice
# is read once, a bare file name gets its folder's real name as host, and a
# folder of 10,000 files and a symlink loop are handled.  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
q() { sqlite3 -batch :memory: -cmd ".load $EXT" "$@" 2>&1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/esa9"
# created newest first, so that creation order is not rotation order
cp data/esa1/mail.current "$tmp/esa9/mail.current"
zcat data/esa1/mail.@20261102T120000.s.gz > "$tmp/esa9/mail.@20261102T120000.s"
cp data/esa1/mail.@20261102T080000.s "$tmp/esa9/mail.@20261102T080000.s"
ln -s mail.current "$tmp/esa9/current-log"
got=$(q "SELECT group_concat(f, ' ') FROM (SELECT DISTINCT replace(file, '$tmp/esa9/', '') AS f FROM mailtrace_lines('$tmp/esa9'))")
want="mail.@20261102T080000.s mail.@20261102T120000.s mail.current"
[ "$got" = "$want" ] && echo "PASS sh.files.rotation_order_and_symlink" || echo "FAIL sh.files.rotation_order_and_symlink: $got"
got=$(q "SELECT count(*) FROM mailtrace_lines('$tmp/esa9', '$tmp/esa9/mail.current', '$tmp/esa9/current-log')")
[ "$got" = "452" ] && echo "PASS sh.files.named_twice_read_once" || echo "FAIL sh.files.named_twice_read_once: $got"
got=$(cd "$tmp/esa9" && q "SELECT DISTINCT host FROM mailtrace_lines('mail.current')")
[ "$got" = "esa9" ] && echo "PASS sh.files.bare_name_host" || echo "FAIL sh.files.bare_name_host: $got"
# 10,000 files in one folder, and a symlink loop beside them
mkdir "$tmp/many"
for i in $(seq 1 10000); do printf 'Mon Nov  9 10:00:00 2026 Info: ICID %d close\n' "$i" > "$tmp/many/f$i.log"; done
ln -s loop1 "$tmp/many/loop2"; ln -s loop2 "$tmp/many/loop1"
got=$(q "SELECT count(*), count(DISTINCT icid), min(icid), max(icid) FROM mailtrace_lines('$tmp/many')")
[ "$got" = "10000|10000|1|10000" ] && echo "PASS sh.files.ten_thousand_files_and_a_link_loop" || echo "FAIL sh.files.ten_thousand_files_and_a_link_loop: $got"
got=$(q "SELECT count(*) FROM mailtrace_lines('$tmp/many/loop1')")
case "$got" in *loop1*"symbolic links"*) echo "PASS sh.files.loop_named_is_an_error";; *) echo "FAIL sh.files.loop_named_is_an_error: $got";; esac
# an empty file is zero rows, not an error
: > "$tmp/empty.log"
got=$(q "SELECT count(*) FROM mailtrace_lines('$tmp/empty.log')")
[ "$got" = "0" ] && echo "PASS sh.files.empty_file" || echo "FAIL sh.files.empty_file: $got"
# a file shrinking while it is read is reported, not read as garbage:
# covered by the C test tests/unit/test_bytes.c (needs control of timing)
