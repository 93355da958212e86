# SPDX-License-Identifier: MIT
"""test_coverage_extracted.py — mailtrace_coverage's present/absent agrees
with what the entity tables extracted (issue 10, finding 13), on every
fixture folder of tests/data and on every public corpus file in
../shared/corpus/external (skipped cleanly when it is absent).

For each host: a kind is listed in `present` (in any of its files) exactly
when some row of that host has the column the kind stands for.  `headers`
and `response` have no column of their own (a refused recipient's response
comes from another line) and are not compared.
"""
import glob
import os
import sqlite3
import sys

import mtlib
from mtlib import DATA

# kind -> SQL giving the hosts that have the value
COLUMNS = {
    "subject": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE subject IS NOT NULL",
    "message-id": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE message_id IS NOT NULL",
    "spam": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE spam IS NOT NULL",
    "virus": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE virus IS NOT NULL",
    "amp": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE amp IS NOT NULL",
    "outbreak": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE outbreak IS NOT NULL",
    "spf": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE spf IS NOT NULL",
    "dkim": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE dkim IS NOT NULL",
    "dmarc": "SELECT DISTINCT host FROM mailtrace_messages({s}) WHERE dmarc IS NOT NULL",
    "tls": "SELECT host FROM mailtrace_connections({s}) WHERE tls IS NOT NULL"
           " UNION SELECT host FROM mailtrace_deliveries({s}) WHERE tls IS NOT NULL",
}

check = mtlib.Checks()


def sources():
    data = DATA
    for d in sorted(os.listdir(data)):
        p = os.path.join(data, d)
        if not os.path.isdir(p) or d in ("bad", "fuzz"):
            continue
        if any(os.path.isfile(os.path.join(p, f)) for f in os.listdir(p)):
            yield "data/" + d, p
        else:                       # a folder of gateway folders (demo/esa-demo)
            for sub in sorted(os.listdir(p)):
                if os.path.isdir(os.path.join(p, sub)):
                    yield "data/" + d + "/" + sub, os.path.join(p, sub)
    corpus = mtlib.corpus(check, "coverage_extracted.corpus")
    if corpus is not None:
        for f in sorted(glob.glob(os.path.join(corpus, "*.log"))):
            yield "corpus/" + os.path.basename(f), f


def main():
    db = mtlib.connect()
    for name, path in sources():
        # on_error=skip: fixtures of damaged lines (overflow/) are read like the rest
        src = "'" + path.replace("'", "''") + "', 'on_error=skip'"
        try:
            present = {}
            for host, p in db.execute(f"SELECT host, present FROM mailtrace_coverage({src})"):
                present.setdefault(host, set()).update(k for k in (p or "").split(", ") if k)
            wrong = []
            for kind, sql in COLUMNS.items():
                have = {h for (h,) in db.execute(sql.format(s=src))}
                for host in set(present) | have:
                    if (kind in present.get(host, set())) != (host in have):
                        wrong.append(f"{host}: {kind} listed={kind in present.get(host, set())} extracted={host in have}")
            check(f"coverage_extracted.{name}", not wrong, "; ".join(wrong))
        except sqlite3.Error as e:
            check(f"coverage_extracted.{name}", False, str(e))
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
