# SPDX-License-Identifier: MIT
"""test_diagnose_interrupt.py — mailtrace_diagnose over a store already
built (issue 14, part 1): the rows and their evidence come from the
positions the store keeps, and every long loop probes the interrupt, so an
unfiltered diagnosis stops soon after Connection.interrupt() and the
connection stays usable.  The evidence of a big log is checked against the
file too (the byte offsets point at the line numbers they claim)."""
import os
import shutil
import sys
import tempfile
import time

import mtlib
from mtlib import DATA, interrupted

check = mtlib.Checks("python.diagnose_interrupt")


def main():
    tmp = tempfile.mkdtemp()
    try:
        # ~160 MB: esa1's first file again and again; every copy restarts its ids,
        # so each copy's connections and messages are new entities (generations).
        # (60 MB took 0.14 s to diagnose once the evidence lines were read where
        # they are: too short to interrupt)
        src = os.path.join(DATA, "esa1", "mail.@20261102T080000.s")
        with open(src, "rb") as f:
            chunk = f.read()
        big = os.path.join(tmp, "big.log")
        copies = max(1, 160_000_000 // len(chunk))
        with open(big, "wb") as f:
            for _ in range(copies):
                f.write(chunk)
        db = mtlib.connect(check_same_thread=False)
        db.execute("SELECT mailtrace_open(?)", (big,))
        db.execute("SELECT count(*) FROM connections").fetchone()       # the store, built once
        t0 = time.monotonic()
        rows = db.execute("SELECT mid, evidence FROM mailtrace_diagnose").fetchall()
        full = time.monotonic() - t0
        (nmsg,) = db.execute("SELECT count(*) FROM messages").fetchone()
        check("unfiltered_rows", len([r for r in rows if r[0] is not None]) == nmsg, (len(rows), nmsg))
        # evidence: line N of the big file is line ((N-1) % L) + 1 of the chunk
        lines = chunk.split(b"\n")
        per = len(lines) - 1
        bad = 0
        for mid, ev in rows[:: max(1, len(rows) // 500)]:
            _, n, text = ev.split(":", 2)
            if lines[(int(n) - 1) % per].decode() != text[1:]:
                bad += 1
        check("evidence_lines_right", bad == 0, f"{bad} wrong")
        if full < 0.15:
            check.skip("stops_quickly", f"the full diagnosis takes {full:.2f} s, too short to interrupt")
        else:
            err, t, _ = interrupted(db, "SELECT count(*), count(evidence) FROM mailtrace_diagnose", 0.05)
            print(f"# unfiltered diagnosis {full:.3f} s, interrupted after {t:.3f} s")
            check("stops_quickly", err == "interrupted" and t < 0.05 + min(0.3, full / 2),
                  f"took {t:.2f} s of {full:.2f} s, error {err!r}")
        (n,) = db.execute("SELECT count(*) FROM mailtrace_diagnose WHERE ip = '192.0.2.10'").fetchone()
        check("usable_after", n == 3 * copies, (n, 3 * copies))   # ICID 52001 (2 messages), 52012 (1) per copy
    finally:
        shutil.rmtree(tmp)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
