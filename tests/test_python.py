# SPDX-License-Identifier: MIT
"""test_python.py — mailtrace loaded through Python's sqlite3 module, as an
embedding program uses it: load_extension, queries with bound parameters,
errors as exceptions that name the file."""
import os
import sqlite3
import sys

import mtlib
from mtlib import DATA, ROOT

check = mtlib.Checks("python")


def main():
    db = mtlib.connect()

    (v,) = db.execute("SELECT mailtrace_version()").fetchone()
    check("version", v.startswith("mailtrace "), v)

    esa1 = os.path.join(DATA, "esa1")
    (n,) = db.execute("SELECT count(*) FROM mailtrace_lines(?)", (esa1,)).fetchone()
    check("lines_count", n == 452, n)

    rows = db.execute("SELECT lineno, level, event, icid FROM mailtrace_lines(?) WHERE text LIKE ?",
                      (esa1, "%203.0.113.55%")).fetchall()
    check("like_bound", [r[2] for r in rows] == ["icid.new", "icid.lost_before_commands"], rows)

    (files,) = db.execute("SELECT mailtrace_open(?, ?)", (esa1, os.path.join(DATA, "esa2"))).fetchone()
    check("open", files == 4, files)
    rows = db.execute("""SELECT m.host, m.mid, m.status FROM connections c
                         JOIN messages m ON m.host = c.host AND m.icid = c.icid
                         WHERE c.remote_ip = ? ORDER BY m.mid""", ("192.0.2.10",)).fetchall()
    check("join", rows == [("esa1", 81001, "delivered"), ("esa1", 81002, "bounced"),
                           ("esa1", 81009, "delivered")], rows)

    with open(os.path.join(ROOT, "sql", "why-not-received.sql")) as f:
        sql = f.read()
    rows = db.execute(sql, {"ip": "198.51.100.7", "sender": None, "recipient": None, "rcpt": None,
                            "since": None, "until": None}).fetchall()
    check("why_not_received", len(rows) == 1 and rows[0][5].startswith("REJECT") and rows[0][10] is None, rows)

    try:
        db.execute("SELECT count(*) FROM mailtrace_lines(?)", ("/nonexistent/mail.current",)).fetchone()
        check("missing_file_error", False, "no error")
    except sqlite3.OperationalError as e:
        check("missing_file_error", "/nonexistent/mail.current" in str(e), e)

    try:
        db.execute("SELECT count(*) FROM mailtrace_lines(?)",
                   (os.path.join(DATA, "bad", "truncated.log.gz"),)).fetchall()
        check("truncated_gzip_error", False, "no error")
    except sqlite3.OperationalError as e:
        check("truncated_gzip_error", "truncated.log.gz" in str(e) and "byte 983" in str(e), e)

    try:
        db.execute("SELECT 'a' REGEXP '('").fetchone()
        check("bad_regexp", False, "no error")
    except sqlite3.OperationalError as e:
        check("bad_regexp", "missing closing parenthesis" in str(e), e)

    (hits,) = db.execute("SELECT count(*) FROM messages WHERE subject REGEXP ?", (r"^Order \d+",)).fetchone()
    check("regexp", hits == 2, hits)
    db.close()
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
