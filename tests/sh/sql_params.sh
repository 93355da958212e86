#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The ready queries of sql/ agree on their parameter names: an unset parameter is
# NULL and matches everything, so a name one file spells differently (:rcpt for
# :recipient) would silently widen the answer.  Every :name in sql/ must be one of
# the names docs/troubleshooting.md lists (the diagnose filters, :mid, :host), or
# the one documented alias (:rcpt, always next to :recipient).  PASS/FAIL lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
known=" ip cidr sender domain recipient subject message_id since until tz host mid "
bad=""
for f in sql/*.sql; do
  for p in $(grep -v '^[[:space:]]*--' "$f" | sed "s/'[^']*'//g" | grep -o ':[a-z_]\+' | tr -d ':' | sort -u); do
    case "$known" in *" $p "*) continue ;; esac
    if [ "$p" = rcpt ] && grep -q 'coalesce(:recipient, :rcpt)' "$f"; then continue; fi
    bad+=" $f::$p"
  done
  # every parameter a file reads is in its header comment
  for p in $(grep -v '^[[:space:]]*--' "$f" | sed "s/'[^']*'//g" | grep -o ':[a-z_]\+' | tr -d ':' | sort -u); do
    [ "$p" = rcpt ] && continue
    grep '^[[:space:]]*--' "$f" | grep -q ":$p\b" || bad+=" $f::$p(undocumented)"
  done
done
if [ -z "$bad" ]; then echo "PASS sql_params.names_agree"; else echo "FAIL sql_params.names_agree:$bad"; fi
