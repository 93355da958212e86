# SPDX-License-Identifier: MIT
"""test_pooled.py — no hidden state (issue 14 §3): a pooled connection (Datasette,
sqlite-utils, a web app) that never called mailtrace_open asks mailtrace_diagnose,
mailtrace_history and mailtrace_coverage with the logs as arguments, with bound
parameters; a second question over the same logs is served from the same store cache
as the tables (mailtrace_stats: nothing read again).  Facts: tests/data/FACTS.md §7."""
import os
import sqlite3

import mtlib
from mtlib import DATA, connect, stats

DEMO = os.path.join(DATA, "demo", "esa-demo")
check = mtlib.Checks("pooled")


def main():
    a, b = connect(), connect()
    rows = a.execute("SELECT mid, verdict FROM mailtrace_diagnose WHERE ip = ? AND source = ?",
                     ("198.51.100.66", DEMO)).fetchall()
    check("diagnose_with_source", rows == [(None, "refused by HAT policy")], rows)
    rows = a.execute("SELECT mid, verdict FROM mailtrace_diagnose WHERE sender = ? AND source = ?",
                     ("<hr@example.com>", DEMO)).fetchall()
    check("diagnose_again_same_connection", rows == [(20506, "bounced by the destination")], rows)
    s = stats(a)
    check("second_question_from_cache", s["files_opened"] == 0 and s["index_hits"] >= 1, s)
    # the tables use the same store: no file read again
    (n,) = a.execute("SELECT count(*) FROM mailtrace_messages(?)", (DEMO,)).fetchone()
    s = stats(a)
    check("tables_share_the_store", n == 9 and s["files_opened"] == 0, (n, s))

    (n, first) = b.execute("SELECT count(*), min(utc) FROM mailtrace_history(?, NULL, ?)", (20506, DEMO)).fetchone()
    check("history_with_source", n == 28 and first == "2026-11-05 13:35:02", (n, first))
    rows = b.execute("SELECT file, lines FROM mailtrace_coverage(?) ORDER BY file", (DEMO,)).fetchall()
    check("coverage_with_source", [r[1] for r in rows] == [73, 107], rows)
    for name, sql, args, want in [
        ("diagnose_without_logs", "SELECT * FROM mailtrace_diagnose WHERE ip = ?", ("192.0.2.25",), "name the logs"),
        ("history_without_logs", "SELECT * FROM mailtrace_history(?)", (20506,), "name the logs"),
        ("history_text_mid", "SELECT * FROM mailtrace_history(?, NULL, ?)", ("abc", DEMO), "mid wants a MID"),
        ("diagnose_bad_ip", "SELECT * FROM mailtrace_diagnose WHERE ip = ? AND source = ?", ("10.1.2.30 x", DEMO), "ip wants"),
    ]:
        try:
            b.execute(sql, args).fetchall()
            check("error." + name, False, "no error")
        except sqlite3.OperationalError as e:
            check("error." + name, want in str(e), e)
    return check.status()


if __name__ == "__main__":
    raise SystemExit(main())
