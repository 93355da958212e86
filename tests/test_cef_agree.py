"""test_cef_agree.py — issue 16's "done when": on a generated set with both
mail_logs and the Consolidated Event Log for the same messages, every
message's verdicts agree field for field, and the planted disagreements are
reported (tests/gen/gen_cef.py writes the logs and the truth).

Checks, each against the generator's truth (never against what the code
printed before):
  * every message is one row of mailtrace_messages with the right `source`;
  * field for field, mailtrace_cef's CEF values and mailtrace_messages'
    columns agree for every message in both logs without a planted
    difference (sender, recipients, final action / status, anti-spam,
    anti-virus, AMP, graymail, outbreak verdicts), and `disagreement` is NULL;
  * each planted disagreement is reported in words in
    mailtrace_messages.disagreement, and mailtrace_cef says agrees = 0 with the
    same words; the recipients it concerns carry their own disagreement;
  * a CEF-only message takes its status from `act`, its recipients from
    `duser` (no RID), and its verdicts; mail_logs-only messages say mail_logs;
  * a lookup through the offset index (`mid = ?`, no whole store) gives the
    same row as the whole store;
  * mailtrace_diagnose names CEF as the source of a CEF-only message.
"""
import json
import os
import shutil
import sys
import tempfile

import mtlib
from mtlib import ROOT

sys.path.insert(0, os.path.join(ROOT, "tests", "gen"))
import gen_cef  # noqa: E402

check = mtlib.Checks()


def main():
    print("PLAN 10")
    tmp = tempfile.mkdtemp(prefix="mt_cef_agree_")
    truth = {int(k): v for k, v in gen_cef.generate(tmp, 300, 16).items()}
    src = os.path.join(tmp, "esa1").replace("'", "''")
    S = f"'{src}', 'year=2026'"
    db = mtlib.connect()
    cols = "mid, source, status, mail_from, subject, size, spam, virus, amp, graymail, outbreak, disagreement, rcpt_count"
    msgs = {r[0]: r for r in db.execute(f"SELECT {cols} FROM mailtrace_messages({S})")}
    rcpts = {}
    for mid, rid, to, status, source, dis in db.execute(
            f"SELECT mid, rid, rcpt_to, status, source, disagreement FROM mailtrace_recipients({S})"):
        rcpts.setdefault(mid, []).append((rid, to, status, source, dis))
    cef = {r[0]: r for r in db.execute(
        f"SELECT mid, sender, recipients, act, as_verdict, av_verdict, amp_verdict, gm_verdict, of_verdict,"
        f" agrees, \"check\", mail_logs_status FROM mailtrace_cef({S})")}

    # every message, once, with its source
    wrong = [m for m, t in truth.items() if m not in msgs or msgs[m][1] != t["source"]]
    check("cef_agree.rows_and_source", not wrong and len(msgs) == len(truth),
          f"{len(msgs)} rows for {len(truth)} messages; wrong source or missing: {wrong[:5]}")
    counts = {}
    for t in truth.values():
        counts[t["source"]] = counts.get(t["source"], 0) + 1
    check("cef_agree.mix", all(counts.get(s, 0) > 5 for s in ("mail_logs+cef", "cef", "mail_logs"))
          and sum(1 for t in truth.values() if t["disagreement"]) >= 10, f"generator mix {counts}")

    # field for field, on every message in both logs without a planted difference
    lower = lambda v: v.lower() if v is not None and v != "NOT_EVALUATED" else None   # noqa: E731
    act_word = {"DELIVERED": "delivered", "BOUNCED": "bounced", "DROPPED": "dropped", "QUARANTINED": "quarantined"}
    bad = []
    n_both = 0
    for mid, t in truth.items():
        if t["source"] != "mail_logs+cef" or t["disagreement"] or mid not in msgs:
            continue
        n_both += 1
        m, c = msgs[mid], cef[mid]
        _, _, status, mail_from, subject, size, spam, virus, amp, gray, outb, dis, _ = m
        pairs = [
            ("sender", c[1], mail_from), ("status", act_word.get(c[3]), status),
            ("spam", lower(c[4]), spam), ("virus", lower(c[5]), virus),
            ("amp", None if c[6] == "NOT_EVALUATED" else c[6], amp),
            ("graymail", lower(c[7]), gray), ("outbreak", lower(c[8]), outb),
            ("recipients", sorted(c[2].split(";")), sorted(r[1] for r in rcpts.get(mid, []))),
            ("truth.status", t["status"], status), ("truth.spam", t["spam"], spam), ("truth.amp", t["amp"], amp),
            ("truth.sender", t["mail_from"], mail_from),
        ]
        diff = [f"{k}: cef {a!r} messages {b!r}" for k, a, b in pairs if a != b]
        if dis is not None or c[9] != 1 or diff:
            bad.append(f"MID {mid}: {diff} disagreement={dis!r} agrees={c[9]!r}")
    check("cef_agree.field_for_field", not bad and n_both > 100,
          f"{len(bad)} of {n_both} differ: {bad[:3]}")

    # planted disagreements: reported, in both tables, with the same words
    bad = []
    n_pl = 0
    for mid, t in truth.items():
        if not t["disagreement"]:
            continue
        n_pl += 1
        m, c = msgs.get(mid), cef.get(mid)
        if not m or m[11] != t["disagreement"]:
            bad.append(f"MID {mid} ({t['plant']}): disagreement {m[11] if m else None!r}, want {t['disagreement']!r}")
        if not c or c[9] != 0 or c[10] != t["disagreement"]:
            bad.append(f"MID {mid} ({t['plant']}): mailtrace_cef agrees={c[9] if c else None!r} check={c[10] if c else None!r}")
        rs = rcpts.get(mid, [])
        if t["plant"] == "cef_delivered_then_bounce" and not all(
                r[4] == "CEF says DELIVERED, mail_logs says bounced" and r[2] == "bounced" for r in rs):
            bad.append(f"MID {mid}: recipients {rs}")
        if t["plant"] == "recipient" and not any(
                r[1] == t["rcpts"][-1] and r[4] == "not among CEF's recipients (duser)" and r[3] == "mail_logs" for r in rs):
            bad.append(f"MID {mid}: recipients {rs}")
        if t["plant"] in ("cef_delivered_then_bounce",) and m and m[2] != "bounced":
            bad.append(f"MID {mid}: status {m[2]} (mail_logs first: bounced)")
    check("cef_agree.planted_reported", not bad and n_pl >= 10, f"{n_pl} planted; {bad[:4]}")
    plants = {t["plant"] for t in truth.values() if t["disagreement"]}
    check("cef_agree.planted_kinds", plants == set(["cef_delivered_then_bounce", "sender", "recipient", "spam", "amp"]),
          f"kinds planted: {plants}")
    # nothing else is reported
    extra = [m for m, r in msgs.items() if r[11] and not truth[m]["disagreement"]]
    check("cef_agree.no_false_disagreement", not extra, f"unplanted: {extra[:5]}")

    # CEF alone: status from act, recipients from duser without RID, verdicts
    bad = []
    for mid, t in truth.items():
        if t["source"] != "cef":
            continue
        m = msgs[mid]
        rs = rcpts.get(mid, [])
        got = (m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10], sorted(r[1] for r in rs))
        want = (t["status"], t["mail_from"], t["subject"], t["size"], t["spam"], t["virus"], t["amp"],
                t["graymail"], t["outbreak"], sorted(t["rcpts"]))
        if got != want or any(r[0] is not None or r[3] != "cef" or r[2] != t["status"] for r in rs) \
                or m[12] != len(t["rcpts"]) or cef[mid][10] != "not in mail_logs" or cef[mid][9] is not None:
            bad.append(f"MID {mid}: got {got} rcpts {rs}, want {want}")
    check("cef_agree.cef_only", not bad, f"{bad[:3]}")
    bad = [m for m, t in truth.items() if t["source"] == "mail_logs" and (msgs[m][11] or msgs[m][2] != t["status"])]
    check("cef_agree.mail_logs_only", not bad, f"{bad[:5]}")

    # the offset index (a fresh connection, no year= so the index path is taken) gives the same rows
    db2 = mtlib.connect()
    S2 = f"'{src}'"
    bad = []
    sample = sorted(truth)[::9]
    for mid in sample:
        a = db2.execute(f"SELECT {cols} FROM mailtrace_messages({S2}) WHERE mid = ?", (mid,)).fetchall()
        if a != [msgs[mid]]:
            bad.append(f"MID {mid}: lookup {a} whole {msgs[mid]}")
    stats = json.loads(db2.execute("SELECT mailtrace_stats()").fetchone()[0])
    check("cef_agree.index_lookup_same_rows", not bad and stats.get("index_blocks", 0) > 0,
          f"{bad[:2]} stats {stats}")

    # the diagnosis of a CEF-only message says its source and what it cannot know
    mid = next(m for m, t in truth.items() if t["source"] == "cef")
    db.execute(f"SELECT mailtrace_open({S})").fetchall()
    rows = db.execute("SELECT verdict, explain FROM mailtrace_diagnose WHERE mid = ?", (mid,)).fetchall()
    check("cef_agree.diagnose_cef_only", rows and all("Consolidated Event Log only" in e and "No connection-level facts" in e
                                                      for _, e in rows), f"{rows}")
    shutil.rmtree(tmp, ignore_errors=True)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
