# SPDX-License-Identifier: MIT
"""test_invariants.py — what must hold for mailtrace_diagnose on ANY log
(issue 10), asserted over every fixture folder in tests/data/ and every file
of the public corpus in ../shared/corpus/external/ (skipped when absent; the
file list is read, never assumed):

  * without filters: exactly one row per message and one per connection
    that has no message (connections.messages = 0);
  * a filter never drops a row that matches it (ip, sender, domain,
    recipient, since/until, host, each taken from a row's own values), and
    never answers "never connected" / "not covered" while such a row exists;
  * unknown is not "<>": a row whose sender is NULL never says "<>";
  * nothing invented: a connection that started before the logs is never
    "no message sent";
  * the evidence is the very line of the file at the line number it names.
"""
import gzip
import os
import sqlite3
import sys

import mtlib
from mtlib import DATA, ROOT

SKIP_DIRS = {"bad", "fuzz", "overflow"}   # damaged gzip, fuzz crashers, ids beyond 64 bits (an error by design)
SAMPLE = 40                           # rows per source whose filters are replayed
check = mtlib.Checks("python.invariants", why_max=600)


def sources():
    out = []
    for d in sorted(os.listdir(DATA)):
        p = os.path.join(DATA, d)
        if not os.path.isdir(p) or d in SKIP_DIRS:
            continue
        if any(os.path.isfile(os.path.join(p, f)) for f in os.listdir(p)):
            out.append(("data/" + d, p))
        for sub in sorted(os.listdir(p)):        # a gateway's folder inside (demo/esa-demo)
            if os.path.isdir(os.path.join(p, sub)):
                out.append((f"data/{d}/{sub}", os.path.join(p, sub)))
    corpus = mtlib.corpus(check)
    if corpus is not None:
        for f in sorted(os.listdir(corpus)):
            if f.endswith(".log"):
                out.append(("corpus/" + f, os.path.join(corpus, f)))
    return out


_lines = {}


def file_line(path, n):
    if path not in _lines:
        with open(path, "rb") as f:
            raw = f.read()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        _lines[path] = raw.split(b"\n")
    ls = _lines[path]
    if n < 1 or n > len(ls):
        return None
    return ls[n - 1].rstrip(b"\r").decode("utf-8", "replace")


def key(r):
    return (r["host"], r["icid"], r["mid"])


def one_source(db, name, path):
    db.execute("SELECT mailtrace_open(?)", (path,))
    rows = [dict(r) for r in db.execute("SELECT * FROM mailtrace_diagnose")]
    # files that are not mail logs at all, or only the gateway's other logs (bounce, AMP, …):
    # one row saying so, and nothing else (issue 14; issue 10 finding 10)
    notmail = [r for r in rows if r["verdict"] in ("not Cisco mail logs", "no mail_logs lines")]
    if notmail:
        (nent,) = db.execute("SELECT (SELECT count(*) FROM messages) + (SELECT count(*) FROM connections)").fetchone()
        check(f"{name}.not_mail_logs_alone", len(rows) == 1 and nent == 0
              and ("lines unrecognised" in notmail[0]["explain"] or "other logs" in notmail[0]["explain"]),
              (len(rows), nent))
        return
    # one row per message and per connection without one
    msgs = sorted((h, m) for h, m in db.execute("SELECT host, mid FROM messages"))
    got_msgs = sorted((r["host"], r["mid"]) for r in rows if r["mid"] is not None)
    (nconn,) = db.execute("SELECT count(*) FROM connections WHERE messages = 0").fetchone()
    got_conn = sum(1 for r in rows if r["mid"] is None)
    check(f"{name}.one_row_per_message", msgs == got_msgs,
          f"{len(msgs)} messages, {len(got_msgs)} message rows; missing {sorted(set(msgs) - set(got_msgs))[:5]}")
    check(f"{name}.one_row_per_connection_without_message", nconn == got_conn, f"{nconn} vs {got_conn}")
    check(f"{name}.no_never_connected_unfiltered",
          all(r["verdict"] not in ("never connected", "not covered by the logs") for r in rows),
          [r["verdict"] for r in rows if "never" in r["verdict"]])
    # unknown is not "<>"
    bad = [r for r in rows if r["mail_from"] is None and "<>" in (r["explain"] or "")]
    check(f"{name}.no_angle_brackets_for_unknown", not bad, [(r["mid"], r["explain"]) for r in bad[:3]])
    # nothing invented for what started before the logs
    bad = [r for r in rows if r["started_before_logs"] == 1 and r["verdict"] == "no message sent"]
    check(f"{name}.no_invented_no_message", not bad, [(r["icid"], r["explain"]) for r in bad[:3]])
    # evidence is the line it names
    bad = []
    for r in rows:
        ev = r["evidence"]
        if not ev:
            bad.append((key(r), "no evidence"))
            continue
        f, n, text = ev.split(":", 2)
        if file_line(f if os.path.isabs(f) else os.path.join(os.getcwd(), f), int(n)) != text[1:]:
            bad.append((key(r), ev[:120]))
    check(f"{name}.evidence_is_the_named_line", not bad, bad[:3])
    # a filter never drops a row that matches it
    step = max(1, len(rows) // SAMPLE)
    missing = []
    for r in rows[::step]:
        k = key(r)
        tries = [("host = ?", (r["host"],))]
        if r["remote_ip"]:
            tries.append(("ip = ?", (r["remote_ip"],)))
        if r["mail_from"]:
            tries.append(("sender = ?", (r["mail_from"],)))
            if "@" in r["mail_from"]:
                tries.append(("domain = ?", (r["mail_from"].rsplit("@", 1)[1],)))
        if r["rcpt_to"] and r["mid"] is not None:
            tries.append(("recipient = ?", (r["rcpt_to"].split(", ")[0],)))
        if r["utc"]:
            tries.append(("since = ? AND until = datetime(?, '+1 second')", (r["utc"], r["utc"])))
        for where, args in tries:
            got = [dict(x) for x in db.execute("SELECT * FROM mailtrace_diagnose WHERE " + where, args)]
            if k not in [key(x) for x in got] or any(x["verdict"] in ("never connected", "not covered by the logs")
                                                     for x in got):
                missing.append((k, where, args))
    check(f"{name}.filter_keeps_matching_rows", not missing, missing[:5])


def main():
    db = mtlib.connect()
    db.row_factory = sqlite3.Row
    os.chdir(os.path.join(ROOT, "tests"))
    for name, path in sources():
        try:
            one_source(db, name, path)
        except sqlite3.Error as e:
            check(f"{name}.diagnose_runs", False, e)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
