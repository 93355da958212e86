# SPDX-License-Identifier: MIT
"""test_relist.py — every cursor lists the sources again (files.c,
mt_files_relist: the list kept when only sizes and mtimes changed), and never
answers from a stale listing.

- a live file that grows between two rows of a correlated subquery (each
  row's subquery is a new cursor) or between two statements: the new lines
  are in the next answer;
- a rotation (mail.current renamed to its stamp, a new mail.current made)
  between two statements: both files are read, in order;
- a file removed from the folder: its lines are gone from the next answer;
- a scan of `lines` keeps its own files while a correlated subquery over the
  same table lists them again after a rotation (no file read twice);
- sql/why-not-received.sql over the esa1 fixture split into 40 rotated files
  (half of them gzip, each with the gateway's three header lines) gives, for
  every client IP, the rows of the three original files, on the same
  connection asked twice (the listing kept) and on a fresh one.

The lines appended are shaped as the fixture's own (tests/data/esa1); the
expected counts are the fixture's, read by hand (FACTS.md, esa1: 24 connection
rows), plus what the test itself wrote."""
import gzip
import os
import re
import shutil
import tempfile

import mtlib
from mtlib import DATA, connect, why_not_received

ESA1 = os.path.join(DATA, "esa1")
check = mtlib.Checks("python.relist")


def icid_line(i, ip):
    return (f"Mon Nov  2 16:50:{i:02d} 2026 Info: New SMTP ICID {90000 + i} interface Data 1 (198.51.100.25) "
            f"address {ip} reverse dns host relay{i}.partner.example verified yes\n")


def grower(db, live):
    """grow(i), also an SQL function of db: appends connection i's line
    (client 192.0.2.(100 + i)) to the live file; returns 1."""
    def grow(i):
        with open(live, "a") as f:
            f.write(icid_line(i, f"192.0.2.{100 + i}"))
        return 1

    db.create_function("grow", 1, grow)
    return grow


# each row's subquery is a new cursor, which lists the files again: the row
# of connection i (grown just before it) counts the connections, or looks up
# its client IP
GROW_COUNT = ("WITH r(i) AS (VALUES (1), (2), (3)) "
              "SELECT i, (SELECT count(*) FROM connections c WHERE c.icid + 0 >= r.i - r.i) "
              "FROM r WHERE grow(r.i)")
GROW_LOOKUP = ("WITH r(i) AS (VALUES (4), (5), (6)) "
               "SELECT i, (SELECT count(*) FROM connections c WHERE c.remote_ip = '192.0.2.' || (100 + r.i)) "
               "FROM r WHERE grow(r.i)")


def copy_fixture(tmp):
    d = os.path.join(tmp, "esa1")
    shutil.copytree(ESA1, d)
    return d


def opened_copy(tmp):
    """A copy of esa1 opened on a new connection: (folder, its mail.current,
    the connection, its number of connections)."""
    d = copy_fixture(tmp)
    db = connect()
    db.execute("SELECT mailtrace_open(?)", (d,))
    (base,) = db.execute("SELECT count(*) FROM connections").fetchone()
    return d, os.path.join(d, "mail.current"), db, base


def growth(tmp):
    d, live, db, base = opened_copy(tmp)
    check("fixture_connections", base == 24, base)

    grow = grower(db, live)
    # between two rows of a correlated subquery: each row's subquery is a
    # new cursor, which lists the files again; the whole-log store is read
    # on from where it stopped (count) and the offset index sees the new
    # connection (remote_ip lookup)
    rows = db.execute(GROW_COUNT).fetchall()
    counts = [n for _, n in rows]
    check("correlated_rows_see_growth", len(counts) == 3 and counts[1] == counts[0] + 1 and counts[2] == counts[1] + 1,
          counts)
    (after,) = db.execute("SELECT count(*) FROM connections").fetchone()
    check("statement_after_rows_sees_all", after == base + 3, (after, base))
    rows = db.execute(GROW_LOOKUP).fetchall()
    check("correlated_lookup_sees_its_line", [n for _, n in rows] == [1, 1, 1], rows)
    # between two statements, through the offset index and the store
    grow(7)
    (n,) = db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.107'").fetchone()
    (m,) = db.execute("SELECT count(*) FROM connections").fetchone()
    check("statements_see_growth", n == 1 and m == base + 7, (n, m))
    db.close()


def rotation(tmp):
    d, live, db, base = opened_copy(tmp)
    db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.10'").fetchone()
    # rotate: the live file gets its stamp, a new live file starts
    os.rename(live, os.path.join(d, "mail.@20261102T165000.s"))
    with open(live, "w") as f:
        f.write("Mon Nov  2 16:50:00 2026 Info: Begin Logfile\n")
        f.write("Mon Nov  2 16:50:00 2026 Info: Time offset from UTC: -18000 seconds\n")
        f.write(icid_line(1, "192.0.2.201"))
    (n,) = db.execute("SELECT count(*) FROM connections").fetchone()
    check("rotation_seen_by_store", n == base + 1, (n, base))
    (k,) = db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.201'").fetchone()
    check("rotation_seen_by_lookup", k == 1, k)
    files = [os.path.basename(r[0]) for r in db.execute("SELECT DISTINCT file FROM lines ORDER BY rowid")]
    check("rotation_order", files == ["mail.@20261102T080000.s", "mail.@20261102T120000.s.gz",
                                      "mail.@20261102T165000.s", "mail.current"], files)
    # a file removed: its connections are gone from the next answer
    os.unlink(os.path.join(d, "mail.@20261102T165000.s"))
    (n2,) = db.execute("SELECT count(*) FROM connections").fetchone()
    (m,) = db.execute("SELECT count(*) FROM connections WHERE remote_ip = '192.0.2.201'").fetchone()
    check("removed_file_gone", n2 < n and m == 1, (n2, n, m))
    db.close()


def outer_scan(tmp):
    """A scan of `lines` keeps the files it started with while a correlated
    subquery over the same table lists them again after a rotation added a
    file that sorts first: no file read twice, none skipped."""
    d = copy_fixture(tmp)
    db = connect()
    db.execute("SELECT mailtrace_open(?)", (d,))
    want = db.execute("SELECT file, count(*) FROM lines GROUP BY file ORDER BY min(rowid)").fetchall()
    made = []

    def rot(rowid):
        if rowid == 5 and not made:
            p = os.path.join(d, "mail.@20261102T000000.s")
            with open(p, "w") as f:
                f.write("Mon Nov  2 00:00:00 2026 Info: Begin Logfile\n")
            made.append(p)
        return 1

    db.create_function("rot", 1, rot)
    rows = db.execute("SELECT l1.file, (SELECT count(*) FROM lines l2 WHERE l2.text LIKE 'no line has this text%' "
                      "AND l2.rowid > l1.rowid - l1.rowid - 1) FROM lines l1 WHERE rot(l1.rowid)").fetchall()
    got = []
    for f, _ in rows:
        if got and got[-1][0] == f:
            got[-1] = (f, got[-1][1] + 1)
        else:
            got.append((f, 1))
    check("outer_scan_keeps_its_files", got == want and len(want) == 3 and made, (got, want))
    (n,) = db.execute("SELECT count(DISTINCT file) FROM lines").fetchone()
    check("outer_scan_next_statement_sees_new_file", n == 4, n)
    db.close()


def fixture_lines():
    """The esa1 fixture's lines in log order, without each file's header."""
    out = []
    for name in sorted(os.listdir(ESA1)):
        p = os.path.join(ESA1, name)
        data = gzip.open(p, "rt").read() if name.endswith(".gz") else open(p).read()
        lines = data.splitlines(keepends=True)
        head = [ln for ln in lines[:3] if "Begin Logfile" in ln or "Version:" in ln or "Time offset" in ln]
        out.append((name, head, lines[len(head):]))
    order = ["mail.@20261102T080000.s", "mail.@20261102T120000.s.gz", "mail.current"]
    out.sort(key=lambda t: order.index(t[0]))
    return out


def split_fixture(tmp, pieces=40):
    d = os.path.join(tmp, "split", "esa1")
    os.makedirs(d)
    parts = fixture_lines()
    header = parts[0][1]
    body = [ln for _, _, lines in parts for ln in lines]
    per = max(1, len(body) // pieces)
    chunks, cur = [], []
    for ln in body:
        # never start a piece with a continuation line
        if len(cur) >= per and re.match(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4} ", ln):
            chunks.append(cur)
            cur = []
        cur.append(ln)
    chunks.append(cur)
    for i, ch in enumerate(chunks):
        text = "".join(header + ch)
        if i == len(chunks) - 1:
            open(os.path.join(d, "mail.current"), "w").write(text)
        elif i % 2:
            with gzip.open(os.path.join(d, f"mail.@20261102T{i // 60:02d}{i % 60:02d}00.s.gz"), "wt") as f:
                f.write(text)
        else:
            open(os.path.join(d, f"mail.@20261102T{i // 60:02d}{i % 60:02d}00.s"), "w").write(text)
    return d, len(chunks)


def why_same(tmp):
    d, nfiles = split_fixture(tmp)
    check("split_made", nfiles >= 30, nfiles)
    why_sql, params = why_not_received()
    ref = connect()
    ref.execute("SELECT mailtrace_open(?)", (ESA1,))
    ips = [r[0] for r in ref.execute("SELECT DISTINCT remote_ip FROM connections WHERE remote_ip IS NOT NULL ORDER BY 1")]
    check("fixture_ips", len(ips) >= 10, ips)
    warm = connect()
    warm.execute("SELECT mailtrace_open(?)", (d,))
    (n,) = warm.execute("SELECT count(DISTINCT file) FROM lines").fetchone()
    check("split_all_files_read", n == nfiles, (n, nfiles))
    bad = []
    for ip in ips + [None]:
        want = sorted(ref.execute(why_sql, dict(params, ip=ip)).fetchall(), key=repr)
        got1 = sorted(warm.execute(why_sql, dict(params, ip=ip)).fetchall(), key=repr)
        got2 = sorted(warm.execute(why_sql, dict(params, ip=ip)).fetchall(), key=repr)
        fresh = connect()
        fresh.execute("SELECT mailtrace_open(?)", (d,))
        got3 = sorted(fresh.execute(why_sql, dict(params, ip=ip)).fetchall(), key=repr)
        fresh.close()
        if not (want and got1 == want and got2 == want and got3 == want):
            bad.append((ip, len(want), len(got1), len(got2), len(got3)))
    check("why_not_received_split_same_as_original", not bad, bad[:3])


def main():
    tmp = tempfile.mkdtemp(prefix="mt_relist_")
    try:
        growth(os.path.join(tmp))
        rotation(os.path.join(tmp, "r"))
        outer_scan(os.path.join(tmp, "o"))
        why_same(tmp)
    finally:
        shutil.rmtree(tmp)
    check.exit()


if __name__ == "__main__":
    main()
