# SPDX-License-Identifier: MIT
"""test_pooled.py — no hidden state (issue 14 §3): a pooled connection (Datasette,
sqlite-utils, a web app) that never called mailtrace_open asks mailtrace_diagnose,
mailtrace_history and mailtrace_coverage with the logs as arguments, with bound
parameters; a second question over the same logs is served from the same store cache
as the tables (mailtrace_stats: nothing read again).  Facts: tests/data/FACTS.md §7."""
import json
import os
import sqlite3

ROOT = os.environ.get("ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXT = os.environ.get("MAILTRACE_EXT") or os.path.join(ROOT, "mailtrace")
DEMO = os.path.join(ROOT, "tests", "data", "demo", "esa-demo")
ok_all = True


def check(name, ok, why=""):
    global ok_all
    ok_all &= bool(ok)
    print(("PASS " if ok else "FAIL ") + "pooled." + name + ("" if ok else ": " + str(why)))


def connect():
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    db.load_extension(EXT)
    db.enable_load_extension(False)
    return db


def main():
    a, b = connect(), connect()
    rows = a.execute("SELECT mid, verdict FROM mailtrace_diagnose WHERE ip = ? AND source = ?",
                     ("198.51.100.66", DEMO)).fetchall()
    check("diagnose_with_source", rows == [(None, "refused by HAT policy")], rows)
    rows = a.execute("SELECT mid, verdict FROM mailtrace_diagnose WHERE sender = ? AND source = ?",
                     ("<hr@example.com>", DEMO)).fetchall()
    check("diagnose_again_same_connection", rows == [(20506, "bounced by the destination")], rows)
    stats = json.loads(a.execute("SELECT mailtrace_stats()").fetchone()[0])
    check("second_question_from_cache", stats["files_opened"] == 0 and stats["index_hits"] >= 1, stats)
    # the tables use the same store: no file read again
    (n,) = a.execute("SELECT count(*) FROM mailtrace_messages(?)", (DEMO,)).fetchone()
    stats = json.loads(a.execute("SELECT mailtrace_stats()").fetchone()[0])
    check("tables_share_the_store", n == 9 and stats["files_opened"] == 0, (n, stats))

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
    return 0 if ok_all else 1


if __name__ == "__main__":
    raise SystemExit(main())
