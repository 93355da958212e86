# SPDX-License-Identifier: MIT
# Sourced by tests/sh/nomem_split.sh and tests/sh/affinity.sh (not a test of
# its own: tests/run runs tests/sh/*.sh only).
#
# two_block_fixtures DIR: a copy of tests/data in DIR/data in which the
# sender 192.0.2.10 has lines in two index blocks: esa1's file holds its
# lines twice, 100 KiB of "ICID n close" lines apart.  Run from tests/.
#
# lookup_split DIR [ENV=VALUE...] [COMMAND...]: index_split (mailtrace_stats)
# of the lookup of 192.0.2.10 over those fixtures with every sweep of two
# blocks or more split (MAILTRACE_SWEEP_SPLIT=1), the shell run under `env`
# with the settings and command given (taskset -c 0, ...); $EXT is loaded.
lookup_split() {
  local dir=$1; shift
  env MAILTRACE_SWEEP_SPLIT=1 "$@" sqlite3 -batch :memory: -cmd ".load $EXT" \
    "SELECT mailtrace_open('$dir/data/esa1', '$dir/data/esa2')" \
    "SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.10'" \
    "SELECT json_extract(mailtrace_stats(), '\$.index_split')" 2>&1 | tail -n 1
}
two_block_fixtures() {
  local dir=$1 f
  cp -r data "$dir/data"
  f="$dir/data/esa1/mail.@20261102T080000.s"
  cp "$f" "$dir/orig"
  awk 'BEGIN { for (i = 0; i < 3000; i++) printf "Mon Nov  2 08:30:%02d 2026 Info: ICID %d close\n", i % 60, 900000 + i }' >> "$f"
  cat "$dir/orig" >> "$f"
  rm -f "$dir/orig"
}
