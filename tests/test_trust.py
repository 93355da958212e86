# SPDX-License-Identifier: MIT
"""test_trust.py — conclusions that can be trusted (issue 10): one check per
finding on the fixtures of tests/data/trust/.  Every expected value below was
written by reading the fixture lines by hand (tests/data/FACTS.md, section
"trust"), never copied from what mailtrace prints."""
import os
import sqlite3
import sys

import mtlib
from mtlib import DATA

TRUST = os.path.join(DATA, "trust")
check = mtlib.Checks("python.trust")


def connect():
    db = mtlib.connect()
    db.row_factory = sqlite3.Row
    return db


def diag(db, where="1", args=()):
    return [dict(r) for r in db.execute("SELECT * FROM mailtrace_diagnose WHERE " + where, args)]


def by_mid(rows):
    return {r["mid"]: r for r in rows if r["mid"] is not None}


def lineno(row):
    """the line number the evidence names ("file:N: text")"""
    ev = row["evidence"] or ""
    parts = ev.split(":", 2)
    return int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None


def main():
    db = connect()

    # ---- excerpt.log: a log that starts in the middle of the day (findings 1, 2, 3, 12)
    db.execute("SELECT mailtrace_open(?)", (os.path.join(TRUST, "excerpt.log"),))
    rows = diag(db)
    m = by_mid(rows)
    check("excerpt_one_row_per_entity", len(rows) == 5 and sorted(m) == [70001, 70002, 70003, 70004],
          [(r["icid"], r["mid"]) for r in rows])
    # 1. unknown stays NULL, the words say so
    r = m.get(70001, {})
    check("unknown_sender_is_null", r.get("mail_from") is None, r.get("mail_from"))
    check("unknown_sender_words", "sender not in these logs" in (r.get("explain") or "")
          and "<>" not in (r.get("explain") or ""), r.get("explain"))
    check("no_angle_brackets_for_unknown", all("<>" not in (x["explain"] or "") for x in rows),
          [x["explain"] for x in rows if "<>" in (x["explain"] or "")])
    check("delivered_from_message_done", r.get("verdict") == "delivered" and lineno(r) == 6, (r.get("verdict"), r.get("evidence")))
    # 2. nothing invented for what started before the logs
    conn = [x for x in rows if x["mid"] is None]
    check("close_only_connection", len(conn) == 1 and conn[0]["icid"] == 9002
          and conn[0]["verdict"] == "started before the logs" and conn[0]["started_before_logs"] == 1
          and "no message" not in conn[0]["explain"] and lineno(conn[0]) == 5, conn)
    sbl = dict(db.execute("SELECT icid, started_before_logs FROM connections").fetchall())
    check("connections_started_before_logs", sbl == {9002: 1, 9003: 0}, sbl)
    sbl = dict(db.execute("SELECT mid, started_before_logs FROM messages").fetchall())
    check("messages_started_before_logs", sbl == {70001: 1, 70002: 1, 70003: 1, 70004: 1}, sbl)
    (d,) = db.execute("SELECT started_before_logs FROM deliveries WHERE dcid = 501").fetchone()
    check("delivery_started_before_logs", d == 1, d)
    # 3. every link a line gives: "MID m ICID n RID r To:" and "MID m ICID n From:"
    icids = dict(db.execute("SELECT mid, icid FROM messages").fetchall())
    check("icid_from_to_line", icids.get(70004) == 9004, icids)
    check("icid_from_from_line", icids.get(70003) == 9003 and m.get(70003, {}).get("remote_ip") == "203.0.113.33",
          (icids, m.get(70003)))
    (n,) = db.execute("SELECT messages FROM connections WHERE icid = 9003").fetchone()
    check("connection_counts_linked_message", n == 1, n)
    # 12. evidence is the deciding line; the time of a message without Start MID is its first line
    r = m.get(70002, {})
    check("evidence_delivery_start", r.get("verdict") == "open at end of logs" and lineno(r) == 19, r.get("evidence"))
    check("time_is_first_line", r.get("utc") == "2026-11-10 15:16:38", r.get("utc"))
    check("evidence_queued", lineno(m.get(70003, {})) == 18, m.get(70003, {}).get("evidence"))
    r = m.get(70004, {})
    check("dropped_is_our_policy", r.get("verdict") == "dropped by anti-spam" and r.get("reason_class") == "our policy"
          and lineno(r) == 21, r)

    # ---- disorder.log: lines out of time order (finding 4)
    db.execute("SELECT mailtrace_open(?)", (os.path.join(TRUST, "disorder.log"),))
    rows = diag(db)
    check("disorder_one_row", [(x["icid"], x["mid"], x["verdict"]) for x in rows] == [(9101, 71001, "delivered")],
          [(x["icid"], x["mid"], x["verdict"]) for x in rows])
    rows = diag(db, "sender = ?", ("orders@shop.example.org",))
    check("disorder_by_sender", [x["mid"] for x in rows] == [71001], rows)
    rows = diag(db, "since = '2026-11-11 08:05:00' AND until = '2026-11-11 08:05:09'")
    check("disorder_by_window", [x["mid"] for x in rows] == [71001], rows)
    rows = diag(db, "ip = '192.0.2.41'")
    check("disorder_by_ip", [x["mid"] for x in rows] == [71001], rows)
    (n,) = db.execute("SELECT count(*) FROM connections").fetchone()
    check("disorder_one_connection", n == 1, n)

    # ---- silence.log: a silence inside a file is a gap (finding 5)
    sil = os.path.join(TRUST, "silence.log")
    db.execute("SELECT mailtrace_open(?)", (sil,))
    (g,) = db.execute("SELECT gaps_inside FROM mailtrace_coverage").fetchone()
    check("coverage_gap_inside", g == "2026-11-12 08:02:12 to 2026-11-12 14:30:05 (6 h 27 min)", g)
    rows = diag(db, "ip = '192.0.2.99' AND since = '2026-11-12 10:00:00' AND until = '2026-11-12 11:00:00'")
    check("window_in_silence", [x["verdict"] for x in rows] == ["not covered by the logs"], rows)
    rows = diag(db, "ip = '192.0.2.99' AND since = '2026-11-12 08:00:00' AND until = '2026-11-12 15:00:00'")
    check("window_touching_silence", [x["verdict"] for x in rows] == ["never connected where the logs cover"]
          and "logged nothing from 2026-11-12 08:02:12 to 2026-11-12 14:30:05" in rows[0]["explain"], rows)
    rows = diag(db, "ip = '192.0.2.99' AND since = '2026-11-12 08:00:00' AND until = '2026-11-12 08:02:00'")
    check("window_without_silence", [x["verdict"] for x in rows] == ["never connected"], rows)
    rows = diag(db, "ip = '192.0.2.52'")
    check("found_despite_silence", [(x["icid"], x["verdict"]) for x in rows] == [(9202, "no message sent")], rows)

    # ---- guessed year and zone (finding 6)
    gue = os.path.join(TRUST, "guessed.log")
    r = db.execute("SELECT year_source, tz_source FROM mailtrace_coverage(?)", (gue,)).fetchone()
    check("coverage_guessed", tuple(r) == ("file mtime (guessed)", "assumed UTC (guessed)"), tuple(r))
    r = db.execute("SELECT year_source, tz_source FROM mailtrace_coverage(?, 'year=2026', 'tz=+0000')", (gue,)).fetchone()
    check("coverage_options", tuple(r) == ("year= option", "tz= option"), tuple(r))
    r = db.execute("SELECT year_source, tz_source FROM mailtrace_coverage(?)", (sil,)).fetchone()
    check("coverage_written", tuple(r) == ("in the lines", "file header"), tuple(r))
    db.execute("SELECT mailtrace_open(?)", (gue,))
    rows = diag(db, "ip = '192.0.2.99'")
    check("empty_diagnosis_names_guesses", len(rows) == 1 and "year=YYYY" in rows[0]["explain"]
          and "tz=+HHMM" in rows[0]["explain"], rows)
    db.execute("SELECT mailtrace_open(?, 'year=2026', 'tz=+0000')", (gue,))
    rows = diag(db, "ip = '192.0.2.99'")
    check("no_guess_no_words", len(rows) == 1 and "guessed" not in rows[0]["explain"], rows)

    # ---- family.log: split, rewrite, bcc copy, bounce notice (finding 7, 12)
    db.execute("SELECT mailtrace_open(?)", (os.path.join(TRUST, "family.log"),))
    m = by_mid(diag(db))
    check("family_rows", sorted(m) == [72001, 72002, 72003, 72004, 72005, 72006], sorted(m))
    r = m.get(72001, {})
    check("split_parent_is_split", r.get("verdict") == "split" and lineno(r) == 21
          and "MID 72002 (bounced)" in r.get("explain", "") and "MID 72003 (rewritten)" in r.get("explain", ""), r)
    (st,) = db.execute("SELECT status FROM messages WHERE mid = 72001").fetchone()
    check("split_status", st == "split", st)
    rs = db.execute("SELECT rcpt_to, status FROM recipients WHERE mid = 72001 ORDER BY rid").fetchall()
    check("split_recipients", [tuple(x) for x in rs] == [("gina@example.com", "split"), ("hank@example.com", "split"),
                                                         ("ivy@example.com", "split")], [tuple(x) for x in rs])
    fam = r.get("family") or ""
    check("family_per_recipient",
          "gina@example.com: split to MID 72003, rewritten to MID 72004, delivered (MID 72004)" in fam
          and "hank@example.com: split to MID 72002, bounced 5.1.1 (MID 72002)" in fam
          and "ivy@example.com: split to MID 72003, rewritten to MID 72004, delivered (MID 72004)" in fam
          and "a generated copy MID 72005 to archive@example.com: delivered" in fam
          and "a bounce notice MID 72006 to sales@acme.example.org: queued" in fam, fam)
    r = m.get(72003, {})
    check("rewritten_names_child", r.get("verdict") == "rewritten" and "into MID 72004" in r.get("explain", "")
          and "MID 72004 is delivered" in r.get("explain", "") and lineno(r) == 23, r)
    check("split_child_time_is_creation", m.get(72002, {}).get("utc") == "2026-11-13 10:00:04"
          and m.get(72004, {}).get("utc") == "2026-11-13 10:00:05", (m.get(72002, {}).get("utc"), m.get(72004, {}).get("utc")))
    r = m.get(72004, {})
    check("child_sender_through_parent", r.get("mail_from") is None
          and "whose sender is <sales@acme.example.org>" in r.get("explain", ""), r.get("explain"))
    r = m.get(72006, {})
    check("real_null_sender", r.get("mail_from") == "" and "from <>" in r.get("explain", ""), r)

    # ---- failures.log: who failed (finding 8) and a 2xx Response (finding 11)
    db.execute("SELECT mailtrace_open(?)", (os.path.join(TRUST, "failures.log"),))
    m = by_mid(diag(db))
    r = m.get(73001, {})
    check("dcid0_no_route", r.get("verdict") == "no route to the destination" and r.get("reason_class") == "no route"
          and "DCID 0" in r.get("explain", "") and "NXDomain" in r.get("explain", "") and lineno(r) == 8
          and "destination refused" not in r.get("explain", ""), r)
    r = m.get(73002, {})
    check("expired_in_our_queue", r.get("verdict") == "expired in our queue" and r.get("reason_class") == "expired in our queue"
          and "after 2 attempts" in r.get("explain", "") and "4.3.2 Service shutting down" in r.get("explain", "")
          and lineno(r) == 20, r)
    r = m.get(73003, {})
    check("destination_refused", r.get("verdict") == "bounced by the destination" and r.get("reason_class") == "user unknown"
          and "550" in r.get("explain", "") and "does not exist" in r.get("explain", "") and lineno(r) == 28, r)
    r = m.get(73004, {})
    check("our_policy_bounce", r.get("verdict") == "bounced by content filter no_exe" and r.get("reason_class") == "our policy"
          and lineno(r) == 33, r)
    r = m.get(73005, {})
    check("2xx_response_is_delivered", r.get("verdict") == "delivered" and lineno(r) == 35
          and "2.0.0 OK" in r.get("explain", ""), r)
    (st,) = db.execute("SELECT status FROM messages WHERE mid = 73005").fetchone()
    check("2xx_response_status", st == "delivered", st)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
