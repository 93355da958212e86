# SPDX-License-Identifier: MIT
"""test_registered.py — every module and function the extension registers,
with its flags, against the checked-in snapshot tests/data/registered.txt,
and each name documented in docs/ (issue 13.7).

What the extension registers is what pragma_module_list and
pragma_function_list show after loading it and not before (a fresh
connection of the same SQLite is the baseline).  A function's line gives its
name, number of arguments (-1: any), type (s scalar, a aggregate, w window)
and its flags (DETERMINISTIC, DIRECTONLY, INNOCUOUS, SUBTYPE).  A module's
flags cannot be read from a pragma, so they are observed: used from a view
stored in an attached database it is refused ("unsafe use of virtual table")
when it is SQLITE_VTAB_DIRECTONLY, also with trusted_schema=ON; a module
used there under trusted_schema=OFF without refusal is SQLITE_VTAB_INNOCUOUS.

Adding, removing or changing a function or module fails here until the
snapshot is updated (REGISTERED_UPDATE=1 python3 tests/test_registered.py
writes it; review the diff) and the name appears in docs/*.md."""
import glob
import os
import re
import sqlite3
import sys

import mtlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNAP = os.path.join(ROOT, "tests", "data", "registered.txt")
FLAGS = [(0x000000800, "DETERMINISTIC"), (0x000080000, "DIRECTONLY"),
         (0x000100000, "SUBTYPE"), (0x000200000, "INNOCUOUS")]
check = mtlib.Checks("registered")


def functions(db):
    return {(n, narg): (t, flags) for n, t, narg, flags in
            db.execute("SELECT name, type, narg, flags FROM pragma_function_list")}


def modules(db):
    return {r[0] for r in db.execute("SELECT name FROM pragma_module_list")}


def refused(db, mod, trusted):
    """Is a view in an attached database that reads mod refused as unsafe?"""
    db.execute("PRAGMA trusted_schema=" + ("ON" if trusted else "OFF"))
    db.execute("DROP VIEW IF EXISTS other.v_probe")
    db.execute('CREATE VIEW other.v_probe AS SELECT * FROM "%s"' % mod)
    try:
        db.execute("SELECT * FROM other.v_probe LIMIT 0").fetchall()
    except sqlite3.Error as e:
        return "unsafe use" in str(e)
    return False


def flag_words(flags):
    words = [w for bit, w in FLAGS if flags & bit]
    rest = flags & ~sum(b for b, _ in FLAGS) & ~0x3     # the text encoding's bits aside
    if rest:
        words.append("0x%x" % rest)
    return "|".join(words) or "-"


def main():
    base = sqlite3.connect(":memory:")
    db = mtlib.connect()
    f0, f1 = functions(base), functions(db)
    m0, m1 = modules(base), modules(db)
    lines = []
    for (name, narg), (typ, flags) in sorted(f1.items()):
        if (name, narg) in f0 and f0[(name, narg)] == (typ, flags):
            continue
        lines.append("function %s %d %s %s" % (name, narg, typ, flag_words(flags)))
    db.execute("ATTACH ':memory:' AS other")
    for mod in sorted(m1 - m0):
        if refused(db, mod, True):
            kind = "DIRECTONLY"
        elif not refused(db, mod, False):
            kind = "INNOCUOUS"
        else:
            kind = "-"
        lines.append("module %s %s" % (mod, kind))
    got = "\n".join(lines) + "\n"

    if os.environ.get("REGISTERED_UPDATE"):
        with open(SNAP, "w") as f:
            f.write("# what the extension registers (tests/test_registered.py writes it with\n"
                    "# REGISTERED_UPDATE=1): function NAME NARG TYPE FLAGS, module NAME FLAGS\n" + got)
        check.skip("snapshot", "written to tests/data/registered.txt (review the diff)")
        return 0
    try:
        with open(SNAP) as f:
            want = "".join(l for l in f if not l.startswith("#"))
    except OSError as e:
        want = None
        check("snapshot", False, "cannot read %s: %s" % (SNAP, e))
    if want is not None:
        w, g = want.splitlines(), got.splitlines()
        diff = ["-" + l for l in w if l not in g] + ["+" + l for l in g if l not in w]
        check("snapshot", w == g,
              "registered functions/modules differ from tests/data/registered.txt "
              "(- snapshot, + now; update with REGISTERED_UPDATE=1 and document): " + "; ".join(diff))
    check("something_registered", len(lines) >= 10, "only %d registrations found" % len(lines))

    # every name in the documentation, as code (`name`, `name(`)
    docs = ""
    for p in sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))):
        with open(p, encoding="utf-8") as f:
            docs += f.read()
    names = sorted({l.split()[1] for l in lines})
    undocumented = [n for n in names if not re.search(r"`%s(\(|`)" % re.escape(n), docs)]
    check("every_name_documented", not undocumented,
          "registered but never named as `name` or `name(` in docs/*.md: " + ", ".join(undocumented))
    print("PLAN 3")
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
