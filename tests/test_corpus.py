# SPDX-License-Identifier: MIT
"""test_corpus.py — every line of the public sample corpus comes back as a row
with the right ts, level and ids.

The expected values come from an independent oracle (the regular expressions
below, written from ../shared/docs/format.md), not from mailtrace itself.
Skips cleanly when ../shared/corpus/external is absent.
"""
import os
import re
import sys

import mtlib
from mtlib import CORPUS

MONTHS = {m: i + 1 for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}
FILE_RE = re.compile(r"^\w{3} (\w{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4}) (Info|Warning|Critical|Debug|Trace): (.*)$")
SYSLOG_RE = re.compile(r"^<\d+>(\w{3}) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (?:\S+ )?\S+: (Info|Warning|Critical|Debug|Trace): (.*)$")

# body regex → which ids it names, in group order
ID_RULES = [
    (re.compile(r"^New SMTP ICID (\d+) "), ("icid",)),
    (re.compile(r"^New SMTP DCID (\d+) "), ("dcid",)),
    (re.compile(r"^Start MID (\d+) ICID (\d+)"), ("mid", "icid")),
    (re.compile(r"^MID (\d+) ICID (\d+) RID (\d+) To:"), ("mid", "icid", "rid")),
    (re.compile(r"^MID (\d+) ICID (\d+) "), ("mid", "icid")),
    (re.compile(r"^MID (\d+) RID \[(\d+)\] "), ("mid", "rid")),
    (re.compile(r"^MID (\d+)[ :,]"), ("mid",)),
    (re.compile(r"^ICID (\d+) "), ("icid",)),
    (re.compile(r"^DCID (\d+) "), ("dcid",)),
    (re.compile(r"^Message done DCID (\d+) MID (\d+) to RID \[(\d+)\]"), ("dcid", "mid", "rid")),
    (re.compile(r"^Delivery start DCID (\d+) MID (\d+) to RID \[(\d+)\]"), ("dcid", "mid", "rid")),
    (re.compile(r"^Message (?:finished|aborted) MID (\d+) "), ("mid",)),
    (re.compile(r"^Bounced: DCID (\d+) MID (\d+) "), ("dcid", "mid")),
    (re.compile(r"^Debug: MID: (\d+) "), ("mid",)),
    (re.compile(r"^ISQ: Tagging MID (\d+) "), ("mid",)),
]
NO_ID_RULES = [re.compile(p) for p in (
    r"^A \S+ alert was sent to", r"^Error while sending alert", r"^Internal SMTP",
    r"^Status: ", r"^CASE cache status", r"^Begin Logfile", r"^Version: ", r"^Time offset",
)]

check = mtlib.Checks()


def physical_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [l.rstrip(b"\r").decode("utf-8", "surrogateescape") for l in lines]


def main():
    if mtlib.corpus(check) is None:
        return 0
    db = mtlib.connect()
    files = sorted(f for f in os.listdir(CORPUS) if f.endswith(".log"))
    for name in files:
        path = os.path.join(CORPUS, name)
        want = physical_lines(path)
        rows = db.execute(
            "SELECT lineno, ts, level, icid, mid, dcid, rid, text FROM mailtrace_lines(?) ORDER BY lineno",
            (path,)).fetchall()
        check(f"corpus.{name}.rows", len(rows) == len(want), f"{len(rows)} rows for {len(want)} lines")
        bad_ts = bad_ids = 0
        first_bad = ""
        for (lineno, ts, level, icid, mid, dcid, rid, text), line in zip(rows, want):
            m = FILE_RE.match(line)
            if m:
                mon, day, hh, mm, ss, year, lvl, body = m.groups()
                exp_ts = "%s-%02d-%02d %s:%s:%s" % (year, MONTHS[mon], int(day), hh, mm, ss)
                ok_ts = ts == exp_ts and level == lvl
            else:
                m = SYSLOG_RE.match(line)
                if not m:
                    ok_ts = False
                    body = line
                else:
                    mon, day, hh, mm, ss, lvl, body = m.groups()
                    exp = "-%02d-%02d %s:%s:%s" % (MONTHS[mon], int(day), hh, mm, ss)
                    ok_ts = ts is not None and ts[4:] == exp and level == lvl
            if not ok_ts:
                bad_ts += 1
                first_bad = first_bad or f"line {lineno}: ts={ts} level={level}: {line[:80]}"
            got = {"icid": icid, "mid": mid, "dcid": dcid, "rid": rid}
            if text != body:
                bad_ids += 1
                first_bad = first_bad or f"line {lineno}: text differs"
            for rx, names in ID_RULES:
                mm_ = rx.match(body)
                if mm_:
                    for n, v in zip(names, mm_.groups()):
                        if got[n] != int(v):
                            bad_ids += 1
                            first_bad = first_bad or f"line {lineno}: {n}={got[n]} want {v}: {body[:80]}"
                    break
            for rx in NO_ID_RULES:
                if rx.match(body) and any(v is not None for v in got.values()):
                    bad_ids += 1
                    first_bad = first_bad or f"line {lineno}: ids {got} on a line about no entity"
        check(f"corpus.{name}.ts_level", bad_ts == 0, f"{bad_ts} bad: {first_bad}")
        check(f"corpus.{name}.ids", bad_ids == 0, f"{bad_ids} bad: {first_bad}")
    entity_checks(db)
    domain_checks(db)
    return check.status()


def oracle_domain(addr):
    """recipients.domain by its definition (docs/tables.md), written apart
    from ext/table_entities.c: the part after the last '@', ASCII letters
    lowered; None without an '@', with nothing after it, or with a '"' after
    it (that '@' was inside a quoted local part)."""
    if addr is None or "@" not in addr:
        return None
    tail = addr.rsplit("@", 1)[1]
    if '"' in tail:
        return None
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in tail) or None


def domain_checks(db):
    """recipients.domain on every recipient of every corpus file (whatever
    files it holds): the oracle's, and each `To: <address>` of the lines is
    some recipient's rcpt_to."""
    rows = bad = said_n = 0
    first = None
    for name in sorted(os.listdir(CORPUS)):
        path = os.path.join(CORPUS, name)
        if not os.path.isfile(path) or name.endswith(".md"):
            continue
        try:
            db.execute("SELECT mailtrace_open(?)", (path,))
            got = db.execute("SELECT rcpt_to, domain FROM recipients").fetchall()
        except Exception as e:                          # noqa: BLE001 - not a mail log: no recipients
            got = []
            if "not" not in str(e).lower():
                check(f"corpus.domain.{name}.readable", False, str(e))
        text = "\n".join(physical_lines(path))
        said = set(re.findall(r" RID \d+ To: <([^>]*)>", text))
        have = {r[0] for r in got}
        said_n += len(said)
        check(f"corpus.domain.{name}.every_to_a_recipient", said <= have, sorted(said - have)[:3])
        for rcpt, dom in got:
            rows += 1
            if dom != oracle_domain(rcpt):
                bad += 1
                first = first or (name, rcpt, dom)
    check("corpus.domain.every_recipient", rows > 0 and said_n > 0 and bad == 0,
          f"{bad} of {rows} differ: {first} ({said_n} To: addresses)")


def entity_checks(db):
    """Issue 3 on the real 1000-line sample: every `Start MID` is a message,
    every `New SMTP ICID` a connection, and the table sizes stay as they are."""
    path = os.path.join(CORPUS, "cribl_cisco_esa_mailtext_clean_sample.log")
    if not os.path.exists(path):
        check.skip("corpus.entities", "cribl sample absent")
        return
    text = "\n".join(physical_lines(path))
    started = {int(m) for m in re.findall(r"Info: Start MID (\d+) ", text)}
    icids = {int(i) for i in re.findall(r"Info: New SMTP ICID (\d+) ", text)}
    dcids = {int(i) for i in re.findall(r"Info: (?:Delivery start|Message done) DCID (\d+) ", text)}
    db.execute("SELECT mailtrace_open(?)", (path,))
    mids = {r[0] for r in db.execute("SELECT mid FROM messages")}
    conns = {r[0] for r in db.execute("SELECT icid FROM connections")}
    dl = {r[0] for r in db.execute("SELECT dcid FROM deliveries")}
    check("corpus.cribl.every_start_mid_is_a_message", started <= mids, sorted(started - mids)[:5])
    check("corpus.cribl.every_new_icid_is_a_connection", icids <= conns, sorted(icids - conns)[:5])
    check("corpus.cribl.every_delivery_dcid_is_a_delivery", dcids <= dl, sorted(dcids - dl)[:5])
    counts = db.execute("SELECT (SELECT count(*) FROM connections), (SELECT count(*) FROM messages),"
                        " (SELECT count(*) FROM recipients), (SELECT count(*) FROM deliveries)").fetchone()
    # 42 New SMTP ICID + 1 ICID seen only by its later lines; 47 Start MID + 78 MIDs
    # whose start is before the sample's first line.
    check("corpus.cribl.table_sizes", counts == (43, 125, 94, 50), counts)
    statuses = dict(db.execute("SELECT status, count(*) FROM messages GROUP BY 1").fetchall())
    check("corpus.cribl.every_message_has_a_status", None not in statuses and sum(statuses.values()) == 125, statuses)


if __name__ == "__main__":
    sys.exit(main())
