# SPDX-License-Identifier: MIT
"""test_corpus_facts.py — the public corpus (../shared/corpus/external/)
against answers read by hand (tests/corpus_facts/external.tsv): for each
listed message or connection its status, the verdict of mailtrace_diagnose,
the line its evidence names, started_before_logs and a piece of its family
verdict; for some files the number of unfiltered rows.  Skips cleanly when
the corpus, or one of its files, is absent."""
import fnmatch
import os
import sqlite3
import sys

import mtlib
from mtlib import ROOT

FACTS = os.path.join(ROOT, "tests", "corpus_facts", "external.tsv")
check = mtlib.Checks("python.corpus_facts", why_max=400)


def main():
    corpus = mtlib.corpus(check, "")
    if corpus is None:
        return 0
    facts = {}
    with open(FACTS, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            facts.setdefault(line.split("\t", 1)[0], []).append(line.rstrip("\n").split("\t"))
    db = mtlib.connect()
    db.row_factory = sqlite3.Row
    for fname, rows in facts.items():
        path = os.path.join(corpus, fname)
        if not os.path.exists(path):
            check.skip(fname, "not in the corpus any more")
            continue
        db.execute("SELECT mailtrace_open(?)", (path,))
        diag = [dict(r) for r in db.execute("SELECT * FROM mailtrace_diagnose")]
        status = {m: s for m, s in db.execute("SELECT mid, status FROM messages")}
        for _, kind, ident, st, verdict, ev, sbl, fam in rows:
            name = f"{fname}.{kind}.{ident}"
            if kind == "rows":
                check(name, len(diag) == int(fam), f"{len(diag)} rows, expected {fam}")
                continue
            ident = int(ident)
            got = [r for r in diag if (r["mid"] == ident if kind == "msg" else (r["mid"] is None and r["icid"] == ident))]
            if len(got) != 1:
                check(name, False, f"{len(got)} rows")
                continue
            r = got[0]
            why = []
            if kind == "msg" and status.get(ident) != st:
                why.append(f"status {status.get(ident)!r} != {st!r}")
            if not fnmatch.fnmatchcase(r["verdict"], verdict):
                why.append(f"verdict {r['verdict']!r} != {verdict!r}")
            line = (r["evidence"] or "").split(":", 2)
            if ev != "*" and (len(line) < 3 or line[1] not in ev.split("|")):
                why.append(f"evidence line {line[1] if len(line) > 2 else None} not {ev}")
            if r["started_before_logs"] != int(sbl):
                why.append(f"started_before_logs {r['started_before_logs']} != {sbl}")
            if fam != "-" and fam not in (r["family"] or ""):
                why.append(f"family {r['family']!r} lacks {fam!r}")
            check(name, not why, "; ".join(why))
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
