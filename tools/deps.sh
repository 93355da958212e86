#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/deps.sh — check what building and testing mailtrace needs; install what is
# missing with apt-get (through sudo when not root), then let the build go on.
#
#   tools/deps.sh            check, install the missing Debian packages, exit 0 when all is there
#   tools/deps.sh --check    only check: list what is missing, exit 1 if anything is
#
# The Makefile runs it before every build (it takes a few milliseconds when all is
# installed).  MAILTRACE_NO_INSTALL=1 turns the installing off (the check stays).
# What is checked, and the Debian package that provides it:
#
#   cc (the C compiler)         gcc
#   pkg-config                  pkg-config
#   pkg-config module sqlite3   libsqlite3-dev
#   pkg-config module libpcre2-8 libpcre2-dev
#   pkg-config module zlib      zlib1g-dev
#   sqlite3 (the shell)         sqlite3          (make demo, make test, the mailtrace command)
#   python3                     python3          (make test)
set -u
CC=${CC:-cc}
missing=""
add() { case " $missing " in *" $1 "*) ;; *) missing="${missing:+$missing }$1" ;; esac; }

check() {
  missing=""
  command -v "$CC" >/dev/null 2>&1 || add gcc
  if command -v pkg-config >/dev/null 2>&1; then
    pkg-config --exists sqlite3    2>/dev/null || add libsqlite3-dev
    pkg-config --exists libpcre2-8 2>/dev/null || add libpcre2-dev
    pkg-config --exists zlib       2>/dev/null || add zlib1g-dev
  else
    add pkg-config; add libsqlite3-dev; add libpcre2-dev; add zlib1g-dev
  fi
  command -v sqlite3 >/dev/null 2>&1 || add sqlite3
  command -v python3 >/dev/null 2>&1 || [ -x /usr/bin/python3 ] || add python3
  [ -z "$missing" ]
}

check && exit 0
echo "mailtrace: missing build dependencies (Debian packages): $missing" >&2
if [ "${1:-}" = "--check" ] || [ -n "${MAILTRACE_NO_INSTALL:-}" ]; then
  echo "mailtrace: install them, e.g.: sudo apt-get install $missing" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "mailtrace: no apt-get here: install the equivalents of: $missing" >&2
  echo "  (a C compiler, pkg-config, the SQLite 3, PCRE2 and zlib development files, the sqlite3 shell, python3)" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo
  else echo "mailtrace: not root and no sudo: as root, run: apt-get install $missing" >&2; exit 1; fi
fi
echo "mailtrace: installing them: ${SUDO:+$SUDO }apt-get install -y $missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine (a container) may have no package lists yet: update once and retry.
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $missing >&2 ||
  { $SUDO apt-get update >&2 && $SUDO apt-get install -y --no-install-recommends $missing >&2; } || {
  echo "mailtrace: apt-get could not install: $missing" >&2; exit 1; }
if check; then
  echo "mailtrace: build dependencies installed; going on" >&2
  exit 0
fi
echo "mailtrace: still missing after apt-get: $missing" >&2
exit 1
