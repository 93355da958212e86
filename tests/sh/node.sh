#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Node: mailtrace loaded through better-sqlite3@12 from the npm registry
# (tests/node/bindings.js).  better-sqlite3 is installed once into build/node by
# `make node-deps` (npm; it may compile its own SQLite, minutes); without node, npm
# or that install, the test says SKIP and why.  PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/.." || exit 2
EXT=${MAILTRACE_EXT:-$PWD/../mailtrace}
MODS=${MAILTRACE_NODE_DIR:-$PWD/../build/node}/node_modules
if ! command -v node >/dev/null 2>&1; then echo "SKIP node: node is not installed (Debian: apt-get install nodejs npm)"; exit 0; fi
if [ ! -d "$MODS/better-sqlite3" ]; then
  if command -v npm >/dev/null 2>&1; then
    echo "SKIP node: better-sqlite3 is not installed in $(dirname "$MODS"): run make node-deps (npm install better-sqlite3@12)"
  else
    echo "SKIP node: npm is not installed (Debian: apt-get install npm), so better-sqlite3 cannot be fetched"
  fi
  exit 0
fi
major=$(node -p "require('$MODS/better-sqlite3/package.json').version.split('.')[0]" 2>/dev/null)
[ "$major" = 12 ] || echo "FAIL node.version: better-sqlite3 $major.x installed in $MODS, the test wants 12"
# under make asan the extension needs the sanitizer runtime, which node does not have
case "$EXT" in */asan/*) echo "SKIP node: the ASan build cannot be loaded into node (not instrumented)"; exit 0 ;; esac
NODE_PATH=$MODS MAILTRACE_EXT=$EXT node node/bindings.js
