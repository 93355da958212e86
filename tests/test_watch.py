# SPDX-License-Identifier: MIT
"""test_watch.py — a folder of many files, listed again by every cursor
through the connection's watches (ext/watch.c; files.c answers a cursor
from quiet watches without a walk): no answer is ever stale.

Over the esa1 fixture split into 40 rotated files (test_relist.py's
split_fixture: half gzip, each with the gateway's header lines), on one
connection, each answer compared with a fresh connection's (which lists
and reads from nothing):
- lines appended to mail.current between two rows of a correlated subquery
  (each row a new cursor) and between two statements: counted, and found by
  the remote_ip lookup;
- the same appended through a hard link in another folder;
- a rotation (mail.current renamed to its stamp, a new mail.current);
- a rotated file removed;
- a file's contents replaced by a rename over it (same name, new inode);
- a writer thread appending while correlated subqueries run: counts never
  go back, and after it stops the answer is a fresh connection's;
- sql/why-not-received.sql for an IP asked before and after all of it.

The appended lines are shaped as the fixture's own (tests/data/esa1)."""
import os
import shutil
import tempfile
import threading
import time

import mtlib
from mtlib import connect, why_not_received
from test_relist import GROW_COUNT, GROW_LOOKUP, grower, icid_line, split_fixture

check = mtlib.Checks("python.watch")


def fresh_answer(d, sql, params=()):
    db = connect()
    db.execute("SELECT mailtrace_open(?)", (d,))
    r = db.execute(sql, params).fetchall()
    db.close()
    return r


def main():
    tmp = tempfile.mkdtemp(prefix="mt_watch_")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp)
    check.exit()


def run(tmp):
    d, nfiles = split_fixture(tmp)
    live = os.path.join(d, "mail.current")
    check("split_made", nfiles >= 30, nfiles)
    why_sql, params = why_not_received()
    count = "SELECT count(*) FROM connections"
    db = connect()
    db.execute("SELECT mailtrace_open(?)", (d,))
    (base,) = db.execute(count).fetchone()
    check("fixture_connections", base == 24, base)
    why_before = db.execute(why_sql, dict(params, ip="192.0.2.10")).fetchall()
    check("why_before_same_as_fresh", why_before and why_before == fresh_answer(d, why_sql, dict(params, ip="192.0.2.10")),
          len(why_before))

    grow = grower(db, live)
    rows = db.execute(GROW_COUNT).fetchall()
    counts = [n for _, n in rows]
    check("correlated_rows_see_growth", counts == [base + 1, base + 2, base + 3], counts)
    rows = db.execute(GROW_LOOKUP).fetchall()
    check("correlated_lookup_sees_its_line", [n for _, n in rows] == [1, 1, 1], rows)
    grow(7)
    (n,) = db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.107'").fetchone()
    (m,) = db.execute(count).fetchone()
    check("statements_see_growth", n == 1 and m == base + 7 and [(m,)] == fresh_answer(d, count), (n, m))

    # written through a hard link in a folder nobody lists
    other = os.path.join(tmp, "elsewhere")
    os.makedirs(other)
    hard = os.path.join(other, "hard.log")
    os.link(live, hard)
    with open(hard, "a") as f:
        f.write(icid_line(8, "192.0.2.108"))
    (n,) = db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.108'").fetchone()
    (m,) = db.execute(count).fetchone()
    check("hard_link_write_seen", n == 1 and m == base + 8 and [(m,)] == fresh_answer(d, count), (n, m))
    os.unlink(hard)

    # rotation: the live file renamed to its stamp, a new live file
    os.rename(live, os.path.join(d, "mail.@20261102T235900.s"))
    with open(live, "w") as f:
        f.write("Mon Nov  2 16:50:00 2026 Info: Begin Logfile\n")
        f.write("Mon Nov  2 16:50:00 2026 Info: Time offset from UTC: -18000 seconds\n")
        f.write(icid_line(9, "192.0.2.109"))
    (m,) = db.execute(count).fetchone()
    (k,) = db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.109'").fetchone()
    check("rotation_seen", m == base + 9 and k == 1 and [(m,)] == fresh_answer(d, count), (m, k))
    (nf,) = db.execute("SELECT count(DISTINCT file) FROM lines").fetchone()
    check("rotation_all_files", nf == nfiles + 1, (nf, nfiles))

    # a rotated file removed: its connections gone
    first = sorted(x for x in os.listdir(d) if x.startswith("mail.@") and not x.endswith(".gz"))[0]
    os.unlink(os.path.join(d, first))
    (m2,) = db.execute(count).fetchone()
    want = fresh_answer(d, count)
    check("removed_file_gone", [(m2,)] == want and m2 <= m, (m2, want, m))

    # the live file replaced by a rename over it: the same name, another file
    tmpf = os.path.join(d, "..", "replacement.tmp")
    with open(tmpf, "w") as f:
        f.write("Mon Nov  2 16:51:00 2026 Info: Begin Logfile\n")
        f.write(icid_line(10, "192.0.2.110"))
    os.rename(tmpf, live)
    (k,) = db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.109'").fetchone()
    (k2,) = db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.110'").fetchone()
    (m3,) = db.execute(count).fetchone()
    check("replaced_file_seen", k == 0 and k2 == 1 and [(m3,)] == fresh_answer(d, count), (k, k2, m3))

    # a writer appending while correlated subqueries run (the list armed and
    # re-armed under writes): counts never go back, and once it stops the
    # next answer is a fresh connection's
    stop = threading.Event()
    wrote = [0]

    def writer():
        i = 0
        while not stop.is_set() and i < 400:
            with open(live, "a") as f:
                f.write(icid_line(i % 60, f"192.0.2.{(i % 100) + 150}"))
            i += 1
            time.sleep(0.001)
        wrote[0] = i

    t = threading.Thread(target=writer)
    t.start()
    seen = []
    try:
        for _ in range(20):
            rows = db.execute("WITH r(i) AS (VALUES (1), (2), (3), (4)) "
                              "SELECT (SELECT count(*) FROM connections c WHERE c.icid + 0 >= r.i - r.i) FROM r").fetchall()
            seen.extend(n for (n,) in rows)
    finally:
        stop.set()
        t.join()
    (m4,) = db.execute(count).fetchone()
    check("writer_counts_never_go_back", all(a <= b for a, b in zip(seen, seen[1:])) and wrote[0] > 0, seen[:8])
    check("writer_stopped_same_as_fresh", [(m4,)] == fresh_answer(d, count) and m4 == m3 + wrote[0], (m4, m3, wrote[0]))

    why_after = db.execute(why_sql, dict(params, ip="192.0.2.10")).fetchall()
    check("why_after_same_as_fresh", why_after == fresh_answer(d, why_sql, dict(params, ip="192.0.2.10")),
          len(why_after))
    db.close()


if __name__ == "__main__":
    main()
