#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# make install / make uninstall into a staging DESTDIR, and what the installed files
# are good for: the pkg-config file builds a C program against the installed header
# and library (dynamically linked SQLite, and fully static), the installed command
# answers, the man pages render, uninstall leaves nothing; and the hardening of the
# release build (RELRO, BIND_NOW, stack protector).  PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
ROOT=$PWD
EXT=${MAILTRACE_EXT:-$ROOT/mailtrace}
case "$EXT" in
  "$ROOT/mailtrace"|"$ROOT/mailtrace.so") ;;
  *) echo "SKIP install: runs with the default build (make test), not $EXT"; exit 0 ;;
esac
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
D=$tmp/root
ok() { if [ "$2" = 0 ]; then echo "PASS install.$1"; else echo "FAIL install.$1: ${3:-}"; fi; }

out=$(make -s --no-print-directory install DESTDIR="$D" PREFIX=/usr 2>&1); ok make_install $? "$out"
missing=""
for f in usr/bin/mailtrace usr/lib/mailtrace.so usr/lib/libmailtrace.a usr/include/mailtrace.h \
         usr/lib/pkgconfig/mailtrace.pc usr/share/man/man1/mailtrace.1 usr/share/man/man7/mailtrace.7 \
         usr/share/bash-completion/completions/mailtrace usr/share/mailtrace/sql/why-not-received.sql \
         usr/share/doc/mailtrace/LICENSE; do
  [ -f "$D/$f" ] || missing+=" $f"
done
ok files_in_place "$([ -z "$missing" ]; echo $?)" "missing:$missing"
[ -x "$D/usr/bin/mailtrace" ]; ok command_executable $?

# pkg-config over the staged tree (the sysroot prefixes -I and -L)
export PKG_CONFIG_PATH=$D/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
v=$(pkg-config --modversion mailtrace 2>&1); [ -n "$v" ] && [ "$v" = "$(make -s --no-print-directory print-version)" ]
ok pkgconfig_version $? "$v"
flags=$(pkg-config --cflags --libs mailtrace 2>&1)
out=$(cc tests/embed.c -o "$tmp/embed" $flags 2>&1); ok pkgconfig_build $? "$out"
out=$("$tmp/embed" tests/data/esa1 2>&1)
echo "$out" | grep -q '^FAIL'; r=$((1-$?)); echo "$out" | grep -q '^PASS' || r=1
ok pkgconfig_program_runs $r "$out"

# fully static: SQLite, PCRE2 and zlib from their .a files too (Debian ships them in the -dev packages)
sflags=$(pkg-config --static --cflags --libs mailtrace 2>&1)
if out=$(cc -static tests/embed.c -o "$tmp/embed-static" $sflags 2>&1); then
  if file "$tmp/embed-static" 2>/dev/null | grep -q 'statically linked' || ! ldd "$tmp/embed-static" >/dev/null 2>&1; then
    out=$("$tmp/embed-static" tests/data/esa1 2>&1)
    echo "$out" | grep -q '^FAIL'; r=$((1-$?)); echo "$out" | grep -q '^PASS' || r=1
    ok static_program_runs $r "$out"
  else
    ok static_program_is_static 1 "$(ldd "$tmp/embed-static" 2>&1 | head -3)"
  fi
else
  echo "SKIP install.static_program: no static libraries to link (${out%%$'\n'*})"
fi

# the installed command, with the staged extension and queries
out=$(MAILTRACE_EXT=$D/usr/lib/mailtrace MAILTRACE_SQLDIR=$D/usr/share/mailtrace/sql \
      "$D/usr/bin/mailtrace" why --ip 198.51.100.66 tests/data/demo/esa-demo --csv 2>&1)
echo "$out" | grep -q '^"2026-11-05 12:15:40",esa-demo,198.51.100.66,10402,,,,policy,"refused by HAT policy"'
ok command_why $? "$out"
out=$(MAILTRACE_EXT=$D/usr/lib/mailtrace MAILTRACE_SQLDIR=$D/usr/share/mailtrace/sql \
      "$D/usr/bin/mailtrace" report bounces tests/data/demo/esa-demo --csv 2>&1)
echo "$out" | grep -q ',20506,hr@example.com,j.smith@client.example.org,5.1.1,550,'
ok command_report $? "$out"

# man pages: every section of docs/command.md is in mailtrace(1); both render
if command -v man >/dev/null 2>&1; then
  page=$(MANWIDTH=100 man -l "$D/usr/share/man/man1/mailtrace.1" 2>/dev/null)
  miss=""
  while IFS= read -r h; do
    h=${h#\#\# }; echo "$page" | grep -qi "^${h}\$" || miss+=" [$h]"
  done < <(grep '^## ' docs/command.md)
  ok man1_sections "$([ -z "$miss" ]; echo $?)" "missing:$miss"
  page7=$(MANWIDTH=100 man -l "$D/usr/share/man/man7/mailtrace.7" 2>/dev/null)
  echo "$page7" | grep -q 'mailtrace_diagnose' && echo "$page7" | grep -q 'mailtrace_coverage'
  ok man7_renders $?
else
  echo "SKIP install.man: man is not installed"
fi

# bash completion offers the subcommands
out=$(bash -c "source '$D/usr/share/bash-completion/completions/mailtrace'; COMP_WORDS=(mailtrace hi); COMP_CWORD=1; _mailtrace; echo \"\${COMPREPLY[*]}\"")
[ "$out" = "history" ]; ok completion $? "$out"

out=$(make -s --no-print-directory uninstall DESTDIR="$D" PREFIX=/usr 2>&1); ok make_uninstall $? "$out"
left=$(find "$D" -type f 2>/dev/null)
ok uninstall_removes_all "$([ -z "$left" ]; echo $?)" "left: $left"

# hardening of the release build
if command -v readelf >/dev/null 2>&1; then
  readelf -lW mailtrace.so | grep -q GNU_RELRO; ok relro $?
  readelf -dW mailtrace.so | grep -Eq 'BIND_NOW|FLAGS.*NOW'; ok bind_now $?
  readelf -sW --dyn-syms mailtrace.so | grep -q '__stack_chk_fail'; ok stack_protector $?
  # (this code has no call glibc needs to fortify at run time: no __*_chk symbol to look for)
  make -n -B --no-print-directory build/so/lines.o 2>/dev/null | grep -q -- '-D_FORTIFY_SOURCE=2'; ok fortify_source $?
else
  echo "SKIP install.hardening: readelf (binutils) is not installed"
fi
