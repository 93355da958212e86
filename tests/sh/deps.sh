#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tools/deps.sh, the build's first step: with a package missing it says which,
# installs it with apt-get (through sudo when not root) and goes on; with
# MAILTRACE_NO_INSTALL or no apt-get it stops and says what to install; and the
# Makefile runs it before building.  Fake pkg-config, apt-get, sudo and id in
# front of PATH stand in for a fresh machine.  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fake=$tmp/bin; mkdir "$fake"
REAL_PKGCONFIG=$(command -v pkg-config)
# pkg-config: libpcre2-8 is missing until the fake apt-get "installs" libpcre2-dev
cat > "$fake/pkg-config" <<SH
#!/bin/sh
case " \$* " in *" libpcre2-8"*) [ -f "$tmp/installed-libpcre2-dev" ] || exit 1 ;; esac
exec "$REAL_PKGCONFIG" "\$@"
SH
cat > "$fake/apt-get" <<SH
#!/bin/sh
echo "apt-get \$* (uid \$FAKE_UID)" >> "$tmp/log"
[ "\$1" = install ] && for p in "\$@"; do touch "$tmp/installed-\$p"; done
exit 0
SH
cat > "$fake/sudo" <<SH
#!/bin/sh
echo "sudo \$*" >> "$tmp/log"
FAKE_UID=0 exec "\$@"
SH
printf '#!/bin/sh\necho "${FAKE_UID:-1000}"\n' > "$fake/id"
chmod +x "$fake"/*
ok() { if [ "$2" = 0 ]; then echo "PASS deps.$1"; else echo "FAIL deps.$1: ${3:-}"; fi; }

out=$(PATH=$fake:$PATH tools/deps.sh 2>&1); rc=$?
ok installs_missing "$rc" "$out"
echo "$out" | grep -q 'missing build dependencies (Debian packages): libpcre2-dev$'; ok names_the_package $? "$out"
grep -q '^sudo apt-get install -y --no-install-recommends libpcre2-dev$' "$tmp/log"; ok through_sudo_when_not_root $? "$(cat "$tmp/log")"
echo "$out" | grep -q 'going on'; ok goes_on $? "$out"

rm -f "$tmp"/installed-* "$tmp/log"
out=$(PATH=$fake:$PATH FAKE_UID=0 tools/deps.sh 2>&1); rc=$?
grep -q '^apt-get install' "$tmp/log" && ! grep -q '^sudo' "$tmp/log"; ok no_sudo_as_root $? "$(cat "$tmp/log")"

rm -f "$tmp"/installed-* "$tmp/log"
out=$(PATH=$fake:$PATH MAILTRACE_NO_INSTALL=1 tools/deps.sh 2>&1); rc=$?
[ $rc = 1 ] && [ ! -f "$tmp/log" ] && echo "$out" | grep -q 'sudo apt-get install libpcre2-dev'
ok no_install_says_what $? "rc=$rc $out"

# the Makefile runs it first: make -n (nothing built) still installs and goes on
rm -f "$tmp"/installed-* "$tmp/log"
out=$(PATH=$fake:$PATH make -n --no-print-directory all 2>&1); rc=$?
[ $rc = 0 ] && grep -q 'apt-get install -y --no-install-recommends libpcre2-dev' "$tmp/log"
ok makefile_runs_it $? "rc=$rc $(echo "$out" | head -5)"
# and stops with a clear message when the install cannot happen
rm -f "$tmp"/installed-* "$tmp/log"
out=$(PATH=$fake:$PATH MAILTRACE_NO_INSTALL=1 make -n --no-print-directory all 2>&1); rc=$?
[ $rc != 0 ] && echo "$out" | grep -q 'build dependencies are missing'
ok makefile_stops_when_missing $? "rc=$rc $out"
