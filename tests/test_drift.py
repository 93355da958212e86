# SPDX-License-Identifier: MIT
"""test_drift.py — docs/architecture.md stays true file by file (issue 13.7).

  * "The files of ext/": every ext/*.c and ext/*.h is named in the file column
    of the table, and every file the table names exists (include/mailtrace.h
    in include/);
  * "Tests": every path the table names exists (a glob matches something),
    and every test file is named in it: tests/unit/test_*.c, tests/sh/*.sh,
    tests/*.py, tests/fuzz/*.c, and every other entry of tests/ (by its path
    or, inside a row, by its name).

A new file without its row, or a row left behind by a removed file, fails
here and names the file."""
import glob
import os
import re
import sys

import mtlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
check = mtlib.Checks("drift")


def table_after(text, heading_re):
    """The rows (lists of cells) of the first Markdown table after the
    heading or line that matches heading_re."""
    m = re.search(heading_re, text, re.M)
    if not m:
        return None
    rows, started = [], False
    for line in text[m.end():].split("\n"):
        if line.startswith("|"):
            started = True
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                rows.append(cells)
        elif started:
            break
    return rows[1:]     # without the header row


def ticked(cell):
    return re.findall(r"`([^`]+)`", cell)


def main():
    with open(os.path.join(ROOT, "docs", "architecture.md"), encoding="utf-8") as f:
        text = f.read()

    # 1. ext/
    rows = table_after(text, r"^## The files of `ext/`")
    check("ext_table_found", bool(rows), "no table after '## The files of `ext/`'")
    named = set()
    for r in rows or []:
        if len(r) >= 2:
            named.update(t for t in ticked(r[1]) if re.fullmatch(r"[\w./-]+\.[ch]", t))
    have = {os.path.basename(p) for p in glob.glob(os.path.join(ROOT, "ext", "*.[ch]"))}
    unlisted = sorted(have - {os.path.basename(n) for n in named if "/" not in n})
    check("ext_every_file_listed", not unlisted,
          "ext/ files without a row in docs/architecture.md: " + ", ".join(unlisted))
    gone = sorted(n for n in named
                  if not os.path.exists(os.path.join(ROOT, n) if "/" in n else os.path.join(ROOT, "ext", n)))
    check("ext_no_row_for_a_missing_file", not gone,
          "docs/architecture.md names files that do not exist: " + ", ".join(gone))

    # 2. tests/
    m = re.search(r"^\| Path \| What it is \|\n", text, re.M)
    check("tests_table_found", bool(m), "no table '| Path | What it is |' in docs/architecture.md")
    trows = []
    if m:
        for line in text[m.end():].split("\n"):
            if not line.startswith("|"):
                break
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                trows.append(cells)
    paths, names = [], set()
    for r in trows:
        paths += [p for p in ticked(r[0]) if p.startswith("tests/")]
        for r_cell in r:
            names.update(ticked(r_cell))
    missing = sorted(p for p in paths if not glob.glob(os.path.join(ROOT, p.rstrip("/"))))
    check("tests_no_row_for_a_missing_path", not missing,
          "docs/architecture.md names test paths that do not exist: " + ", ".join(missing))

    def covered(rel):
        """rel (tests/...) is a row's path, under a row's folder path
        (tests/data/...), or named in a row by its name."""
        base = os.path.basename(rel)
        if rel in paths or rel + "/" in paths or base in names or rel in names:
            return True
        return False

    want = []
    for pat in ("tests/unit/test_*.c", "tests/sh/*.sh", "tests/*.py", "tests/fuzz/*.c"):
        want += sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, pat)))
    for e in sorted(os.listdir(os.path.join(ROOT, "tests"))):
        if e.startswith(".") or e == "__pycache__":
            continue
        rel = "tests/" + e
        if rel not in want and not (e.endswith(".py") and e.startswith("test_")):
            want.append(rel)
    unlisted = [w for w in want if not covered(w)]
    check("tests_every_file_listed", not unlisted,
          "test files not named in docs/architecture.md's Tests table: " + ", ".join(unlisted))
    print("PLAN 6")
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
