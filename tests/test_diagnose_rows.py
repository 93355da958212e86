# SPDX-License-Identifier: MIT
"""test_diagnose_rows.py — mailtrace_diagnose keeps what each row is about,
not its words: the verdict, explanation, family, host and addresses are made
again from the store when a row is read (table_diagnose.c, row_words), so
the cursor holds that store until it is done.  Here the log grows, other
statements read the new lines on and the stores of five other log sets push
the diagnosis's store out of the cache while the diagnosis is half read: the
rest of its rows must still be those of the log it was asked about (the same as
a diagnosis of a copy of that log, column by column), while the other
statements see the new message."""
import os
import shutil
import sys
import tempfile

import mtlib
from mtlib import DATA

check = mtlib.Checks("python.diagnose_rows")

COLS = ("utc, ts, host, remote_ip, icid, mid, mail_from, rcpt_to, stage, verdict, explain, "
        "reason_class, evidence, family, started_before_logs, suggest")

# Written after the diagnosis began (the shapes of esa1's own lines): MID
# 81009, delayed at the end of the file, delivered at last (its verdict
# changes: a cursor reading a store that changed under it would show it), and
# a new connection with a new message.
MORE = (
    "Mon Nov  2 12:20:43 2026 Info: New SMTP DCID 7399 interface 198.51.100.25 address 203.0.113.40 port 25\n"
    "Mon Nov  2 12:20:43 2026 Info: Delivery start DCID 7399 MID 81009 to RID [0]\n"
    "Mon Nov  2 12:20:44 2026 Info: Message done DCID 7399 MID 81009 to RID [0]\n"
    "Mon Nov  2 12:20:44 2026 Info: MID 81009 RID [0] Response '2.0.0 Ok: queued as 9Zq'\n"
    "Mon Nov  2 12:20:44 2026 Info: Message finished MID 81009 done\n"
    "Mon Nov  2 12:20:45 2026 Info: DCID 7399 close\n"
    "Mon Nov  2 09:30:00 2026 Info: New SMTP ICID 59001 interface Data 1 (198.51.100.25) address 192.0.2.99 "
    "reverse dns host late.sender.example verified yes\n"
    "Mon Nov  2 09:30:00 2026 Info: ICID 59001 ACCEPT SG ACCEPTLIST match sbrs[2.0:10.0] SBRS 4.2 country United States\n"
    "Mon Nov  2 09:30:01 2026 Info: Start MID 89001 ICID 59001\n"
    "Mon Nov  2 09:30:01 2026 Info: MID 89001 ICID 59001 From: <late@sender.example>\n"
    "Mon Nov  2 09:30:01 2026 Info: MID 89001 ICID 59001 RID 0 To: <alice@example.com>\n"
    "Mon Nov  2 09:30:02 2026 Info: ICID 59001 close\n")


def row(r, folder):
    """A row with its evidence's path made relative to the log's folder
    (the two logs compared live in two folders)."""
    r = list(r)
    if r[12]:
        r[12] = os.path.relpath(r[12].split(":", 1)[0], folder) + ":" + r[12].split(":", 1)[1]
    return tuple(r)


def rows_of(db, sql, folder):
    return [row(r, folder) for r in db.execute(sql).fetchall()]


def main():
    tmp = tempfile.mkdtemp()
    try:
        src = os.path.join(DATA, "esa1", "mail.@20261102T080000.s")
        live = os.path.join(tmp, "esa1", "mail.current")
        frozen = os.path.join(tmp, "copy", "esa1", "mail.current")
        for p in (live, frozen):
            os.makedirs(os.path.dirname(p))
            shutil.copyfile(src, p)
        sql = f"SELECT {COLS} FROM mailtrace_diagnose"      # (no ORDER BY: SQLite would sort, holding every row)

        ref = mtlib.connect()
        ref.execute("SELECT mailtrace_open(?)", (os.path.dirname(frozen),))
        want = rows_of(ref, sql, os.path.dirname(frozen))
        check("reference_rows", len(want) > 10 and any(r[12] for r in want) and any(r[13] for r in want),
              f"{len(want)} rows")

        db = mtlib.connect()
        db.execute("SELECT mailtrace_open(?)", (os.path.dirname(live),))
        (before,) = db.execute("SELECT count(*) FROM messages").fetchone()
        cur = db.execute(sql)
        got = [row(cur.fetchone(), os.path.dirname(live)) for _ in range(3)]          # the diagnosis half read ...
        with open(live, "a") as f:                                 # ... the log grows ...
            f.write(MORE)
        (after,) = db.execute("SELECT count(*) FROM messages").fetchone()   # ... read on by another
        (late,) = db.execute("SELECT count(*) FROM mailtrace_diagnose WHERE sender = 'late@sender.example'").fetchone()
        # ... stores of five other log sets pushed it out of the cache (four are kept) ...
        for other in ("esa2", "restart", "drops", "gap", "syslog"):
            db.execute("SELECT count(*) FROM mailtrace_diagnose WHERE source = ?", (os.path.join(DATA, other),)).fetchone()
        got += [row(r, os.path.dirname(live)) for r in cur.fetchall()]                  # ... and the rest read
        (now,) = db.execute("SELECT verdict FROM mailtrace_diagnose WHERE message_id = '<20261102162039.9034@mail.sender.example>'").fetchone()
        check("others_see_new_lines", after == before + 1 and late == 1 and now == "delivered", (before, after, late, now))
        check("it_was_delayed", any(r[5] == 81009 and r[9] == "delayed, still queued" for r in want),
              [r[9] for r in want if r[5] == 81009])
        check("same_rows_count", len(got) == len(want), (len(got), len(want)))
        diff = [i for i, (a, b) in enumerate(zip(got, want)) if a != b]
        check("rows_of_the_log_asked", not diff,
              f"{len(diff)} rows differ, first {diff[:1]}: {got[diff[0]] if diff else ''} != {want[diff[0]] if diff else ''}")
        # asked again now: the grown log, one row more
        (n,) = db.execute("SELECT count(*) FROM mailtrace_diagnose").fetchone()
        check("asked_again_grown", n == len(want) + 1, (n, len(want)))
    finally:
        shutil.rmtree(tmp)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
