#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# No circle in ext/: a reading of the #includes (and, when the objects are
# built, of the symbols each object takes from another) must find no module
# that calls back up.  The declared layer order (docs/architecture.md,
# "Layers"), lowest first:
#
#   0 rooms    every other file of ext/ (files, bytes, lines, events, scan,
#              index, partial, entities, ...): no SQLite, never includes a
#              file of a higher layer; among themselves, no cycle
#   1 tables   tables.c, tables.h: what the SQL-facing files share; tables.h
#              alone includes SQLite's header
#   2 cache    cache.c, cache.h: the store and offset-index caches
#   3 SQL      table_*.c, functions.c: one file per table or function group;
#              none includes or calls another (one declared exception below)
#   4 entry    mailtrace.c: registers every module and function
#
# A file may include a header of a lower layer or its own (x.c: x.h); a
# module and function registration (mt_register_*) is called by mailtrace.c
# alone.  The checker runs on ext/, then on scratch copies with a circle put
# back on purpose, which it must catch.  PASS/FAIL/SKIP lines.
set -u
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0
ok()   { echo "PASS no_circle.$1"; }
bad()  { echo "FAIL no_circle.$1: $2"; fails=$((fails+1)); }

# The one call between two SQL-side files, declared: the diagnosis's live
# reverse-DNS check (table_diagnose.c -> mt_check_reverse_dns, table_check.c).
ALLOW_SIDEWAYS="table_diagnose>table_check"

layer() {            # layer FILE-BASENAME
  case $1 in
    mailtrace.c|mailtrace.h) echo 4 ;;
    table_*.c|table_*.h|functions.c|functions.h) echo 3 ;;
    cache.c|cache.h) echo 2 ;;
    tables.c|tables.h) echo 1 ;;
    *) echo 0 ;;
  esac
}
LAYER_NAME=(rooms tables cache SQL entry)

# include_violations DIR: one line per include that breaks the order (one
# awk pass over every file; the rooms' include edges go to tsort).
include_violations() {
  local dir=$1 edges=$tmp/edges
  ( cd "$dir" && ls ) > "$tmp/present"
  awk -v edges="$edges" -v names="${LAYER_NAME[*]}" '
    function layer(f) {
      if( f ~ /^mailtrace\.[ch]$/ ) return 4
      if( f ~ /^table_.*\.[ch]$/ || f ~ /^functions\.[ch]$/ ) return 3
      if( f ~ /^cache\.[ch]$/ ) return 2
      if( f ~ /^tables\.[ch]$/ ) return 1
      return 0
    }
    function module(f) { sub(/\.[^.]*$/, "", f); return f }
    BEGIN { split(names, ln, " "); printf "" > edges }
    NR==FNR { present[$0] = 1; next }
    /^[ \t]*#[ \t]*include[ \t]*[<"]/ {
      b = FILENAME; sub(/.*\//, "", b)
      name = $0; sub(/^[ \t]*#[ \t]*include[ \t]*[<"]/, "", name); sub(/[>"].*/, "", name)
      base = name; sub(/.*\//, "", base)
      if( base=="sqlite3.h" || base=="sqlite3ext.h" ){
        if( b!="tables.h" ) print b " includes " name ": only tables.h includes SQLite (the rooms never do)"
        next
      }
      if( name ~ /\// || !(name in present) ) next    # the public header, version.h, system headers
      lf = layer(b); li = layer(name)
      if( module(name)==module(b) ) next
      if( lf==0 && li==0 ){ print module(b), module(name) >> edges; next }
      if( li >= lf ) print b " (" ln[lf+1] ") includes " name " (" ln[li+1] "): calls back up or sideways"
    }' "$tmp/present" "$dir"/*.c "$dir"/*.h
  # among the rooms: no cycle (tsort names one when there is)
  if [ -s "$edges" ] && ! tsort "$edges" > /dev/null 2> "$tmp/tsort.err"; then
    echo "a cycle among the rooms' includes: $(grep -v 'input contains a loop' "$tmp/tsort.err" | sed 's/^tsort: //' | tr '\n' ' ')"
  fi
}

# register_violations DIR: a registration called from anywhere but mailtrace.c.
register_violations() {
  local dir=$1 f
  for f in "$dir"/*.c; do
    [ "${f##*/}" = mailtrace.c ] && continue
    grep -n 'mt_register_[a-z_]*[[:space:]]*(' "$f" | grep -v '^[0-9]*:int mt_register_' \
      | sed "s|^|${f##*/}:|; s|\$|  (only mailtrace.c registers modules)|"
  done
}

# ---- the real ext/
v=$(include_violations ext)
if [ -z "$v" ]; then ok includes_follow_the_layers; else bad includes_follow_the_layers "$(echo "$v" | tr '\n' ';')"; fi
v=$(register_violations ext)
if [ -z "$v" ]; then ok only_mailtrace_c_registers; else bad only_mailtrace_c_registers "$(echo "$v" | tr '\n' ';')"; fi

# The Makefile agrees: the rooms are CORE_SRC (linked into the unit tests
# without SQLite), every other C file SQL_SRC.
core=" $(sed -n 's/^CORE_SRC *:= *//p' Makefile) "
sql=" $(sed -n 's/^SQL_SRC *:= *//p' Makefile) "
v=
for f in ext/*.c; do
  if [ "$(layer "${f##*/}")" = 0 ]; then [[ $core == *" $f "* ]] || v="$v $f is a room but not in CORE_SRC;"
  else [[ $sql == *" $f "* ]] || v="$v $f is SQL-side but not in SQL_SRC;"; fi
done
if [ -z "$v" ]; then ok makefile_lists_the_layers; else bad makefile_lists_the_layers "$v"; fi

# ---- the objects (build/a, or the sanitizer build's): what each one takes
# from another must come from a lower layer, and no room calls SQLite.
objdir=${TBIN:-build/t}; objdir=${objdir%/t}/a
stale=
for f in ext/*.c; do
  o=$objdir/$(basename "${f%.c}").o
  if [ ! -e "$o" ]; then stale="$o missing"; break; fi
  for h in "$f" ext/*.h; do [ "$h" -nt "$o" ] && { stale="$o older than $h"; break 2; }; done
done
if ! command -v nm > /dev/null; then
  echo "SKIP no_circle.objects_follow_the_layers: no nm"
elif [ -n "$stale" ]; then
  echo "SKIP no_circle.objects_follow_the_layers: $stale (make first)"
else
  : > "$tmp/defs"; : > "$tmp/uses"
  for o in "$objdir"/*.o; do
    m=$(basename "${o%.o}")
    [ -e "ext/$m.c" ] || continue
    nm -g --defined-only "$o" | awk -v m="$m" 'NF==3 { print $3, m }' >> "$tmp/defs"
    nm -u "$o" | awk -v m="$m" '{ print m, $NF }' >> "$tmp/uses"
  done
  v=$(awk -v allow="$ALLOW_SIDEWAYS" '
    function layer(m) {
      if( m=="mailtrace" ) return 4
      if( m ~ /^table_/ || m=="functions" ) return 3
      if( m=="cache" ) return 2
      if( m=="tables" ) return 1
      return 0
    }
    NR==FNR { def[$1] = $2; next }
    {
      u = $1; s = $2
      if( layer(u)==0 && s ~ /^sqlite3/ ){ print u ".o uses " s ": a room calls SQLite"; next }
      if( !(s in def) || def[s]==u ) next
      d = def[s]
      if( layer(d) < layer(u) ) next
      if( layer(d)==0 && layer(u)==0 ){ print u, d > "/dev/stderr"; next }
      if( index(" " allow " ", " " u ">" d " ") ) next
      print u ".o uses " s " of " d ".o: calls back up or sideways"
    }' "$tmp/defs" "$tmp/uses" 2> "$tmp/objedges" | sort -u)
  if [ -s "$tmp/objedges" ] && ! tsort "$tmp/objedges" > /dev/null 2> "$tmp/tsort.err"; then
    v="$v a cycle among the rooms' objects: $(grep -v 'input contains a loop' "$tmp/tsort.err" | tr '\n' ' ')"
  fi
  if [ -z "$v" ]; then ok objects_follow_the_layers; else bad objects_follow_the_layers "$(echo "$v" | tr '\n' ';')"; fi
fi

# ---- the checker catches a circle put back on purpose (scratch copies)
mutant() {           # mutant NAME FILE SED-SCRIPT CHECK [NEW-FILE]
  rm -rf "$tmp/ext"; cp -r ext "$tmp/ext"
  [ -n "${5:-}" ] && echo "/* a header of a table file */" > "$tmp/ext/$5"
  sed -i "$3" "$tmp/ext/$2"
  if cmp -s "ext/$2" "$tmp/ext/$2"; then bad "catches_$1" "the edit of $2 did not apply"; return; fi
  v=$($4 "$tmp/ext")
  [ -n "${VERBOSE:-}" ] && echo "$v"
  if [ -n "$v" ]; then ok "catches_$1"; else bad "catches_$1" "no violation found after editing $2"; fi
}
mutant cache_including_a_table cache.c '0,/#include "cache.h"/s//#include "cache.h"\n#include "table_entities.h"/' include_violations table_entities.h
mutant room_including_tables entities.c '0,/#include "entities.h"/s//#include "entities.h"\n#include "tables.h"/' include_violations
mutant room_including_sqlite lines.c '0,/#include "lines.h"/s//#include "lines.h"\n#include <sqlite3.h>/' include_violations
mutant tables_including_cache tables.c '0,/#include "tables.h"/s//#include "tables.h"\n#include "cache.h"/' include_violations
mutant room_cycle lines.c '0,/#include "lines.h"/s//#include "lines.h"\n#include "scan.h"/' include_violations
mutant table_registering_another table_lines.c 's/^\(  int rc = sqlite3_create_module_v2(db, "mailtrace_lines".*\)$/\1\n  if( rc==SQLITE_OK ) rc = mt_register_parse(db, ctx);/' register_violations

exit $((fails > 0))
