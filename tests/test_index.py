# SPDX-License-Identifier: MIT
"""test_index.py — answers from the offset index are the answers of the
whole-log store.

For every fixture set, one connection answers every lookup through the
offset index (the default when no whole-log store is cached), another with
index=off (the whole-log store).  Every id and client IP of the logs is
looked up in every table that has it, in a shuffled order so the index-built
store grows a little at a time, and once more alone on a fresh connection;
the rows must be equal.  mailtrace_stats()
shows which path answered: the index pass reads every byte once, a later
lookup reads only a few blocks."""
import os
import random
import sys

import mtlib
from mtlib import DATA, FIXTURE_SETS, connect, stats

check = mtlib.Checks("python.index")


# (table, column) lookups through the index, and where their values come from
LOOKUPS = [
    ("connections", "icid", "SELECT DISTINCT icid FROM mailtrace_connections({src})"),
    ("connections", "remote_ip", "SELECT DISTINCT remote_ip FROM mailtrace_connections({src}) WHERE remote_ip IS NOT NULL"),
    ("messages", "mid", "SELECT DISTINCT mid FROM mailtrace_messages({src})"),
    ("messages", "icid", "SELECT DISTINCT icid FROM mailtrace_messages({src}) WHERE icid IS NOT NULL"),
    ("recipients", "mid", "SELECT DISTINCT mid FROM mailtrace_recipients({src})"),
    ("deliveries", "mid", "SELECT DISTINCT mid FROM mailtrace_deliveries({src}) WHERE mid IS NOT NULL"),
    ("deliveries", "dcid", "SELECT DISTINCT dcid FROM mailtrace_deliveries({src})"),
]


def rows(db, table, col, src, value):
    sql = f"SELECT * FROM mailtrace_{table}({src}) WHERE {col} = ?"
    return sorted(db.execute(sql, (value,)).fetchall(), key=repr)


def compare(name, sources):
    src_ix = ", ".join("?" for _ in sources)
    ix, full = connect(), connect()
    # the whole-log answers first (index=off on its own connection)
    src_full = ", ".join("?" for _ in sources) + ", 'index=off'"
    asks = []
    for table, col, values_sql in LOOKUPS:
        for (v,) in full.execute(values_sql.format(src=src_full), sources).fetchall():
            asks.append((table, col, v))
    random.Random(42).shuffle(asks)
    bad = []
    first = True
    for table, col, v in asks:
        want = sorted(full.execute(f"SELECT * FROM mailtrace_{table}({src_full}) WHERE {col} = ?",
                                   sources + [v]).fetchall(), key=repr)
        got = sorted(ix.execute(f"SELECT * FROM mailtrace_{table}({src_ix}) WHERE {col} = ?",
                                sources + [v]).fetchall(), key=repr)
        if first:
            s = stats(ix)
            first = False
            total = sum(os.path.getsize(f) for f in expand(sources))
            check(f"{name}.first_lookup_reads_every_byte_once",
                  s["bytes_read"] >= total and s["index_hits"] >= 1, (s, total))
        if got != want:
            bad.append((table, col, v, got, want))
        # and alone, on a connection that asked nothing before
        alone = sorted(connect().execute(f"SELECT * FROM mailtrace_{table}({src_ix}) WHERE {col} = ?",
                                         sources + [v]).fetchall(), key=repr)
        if alone != want:
            bad.append(("alone", table, col, v, alone, want))
    check(f"{name}.same_rows_{len(asks)}_lookups", not bad and len(asks) > 0,
          bad[:2] if bad else "no lookups")
    # mailtrace_lines: icid/mid/dcid through the index, the same lines as a scan
    lbad = []
    for col, tab in (("icid", "connections"), ("mid", "messages"), ("dcid", "deliveries")):
        vals = [r[0] for r in full.execute(f"SELECT DISTINCT {col} FROM mailtrace_{tab}({src_full}) "
                                           f"WHERE {col} IS NOT NULL", sources)]
        for v in vals:
            q = f"SELECT file, lineno, {col}, event, text FROM mailtrace_lines({{}}) WHERE {col} = ? ORDER BY file, lineno"
            want = full.execute(q.format(src_full), sources + [v]).fetchall()
            got = ix.execute(q.format(src_ix), sources + [v]).fetchall()
            if got != want:
                lbad.append((col, v, got[:2], want[:2]))
    check(f"{name}.lines_by_id_same_rows", not lbad, lbad[:1])
    # IN lists: the whole list resolved at once
    mids = [v for t, c, v in asks if t == "messages" and c == "mid"]
    if mids:
        q = ",".join("?" for _ in mids)
        fresh = connect()
        got = sorted(fresh.execute(f"SELECT * FROM mailtrace_messages({src_ix}) WHERE mid IN ({q})",
                                   sources + mids).fetchall(), key=repr)
        want = sorted(full.execute(f"SELECT * FROM mailtrace_messages({src_full}) WHERE mid IN ({q})",
                                   sources + mids).fetchall(), key=repr)
        check(f"{name}.in_list_same_rows", got == want and len(got) >= len(mids), (len(got), len(want)))


def expand(sources):
    out = []
    for s in sources:
        if os.path.isdir(s):
            out += [os.path.join(s, f) for f in os.listdir(s) if os.path.isfile(os.path.join(s, f))]
        else:
            out.append(s)
    return out


def big_gzip(tmp):
    """~6 MiB of esa1's lines, each copy with its own ids, gzipped in two
    members: lookups inflate from the restart points, not from the start."""
    import gzip
    import re
    src = open(os.path.join(DATA, "esa1", "mail.current"), "rb").read()
    src = src.split(b"\n", 3)[3]                      # without the header lines
    rnd = random.Random(7)
    out = []
    k = 0
    while sum(len(x) for x in out) < 6_000_000:
        off = k * 1_000_000
        out.append(re.sub(rb"((?:MID|ICID|DCID) )(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + off).encode(), src))
        # noise, so that it compresses about as real logs do
        out.append(b"".join(b"Mon Nov  2 18:30:00 2026 Info: SenderBase upload %x\n" % rnd.getrandbits(320)
                            for _ in range(150)))
        k += 1
    data = b"".join(out)
    path = os.path.join(tmp, "mail.@20261102T000000.s.gz")
    cut = len(data) * 4 // 10
    cut = data.index(b"\n", cut) + 1
    with open(path, "wb") as f:
        f.write(gzip.compress(data[:cut]))
        f.write(gzip.compress(data[cut:]))
    return path, k


def main():
    import tempfile, shutil
    tmp = tempfile.mkdtemp()
    try:
        gz, copies = big_gzip(tmp)
        ix, full = connect(), connect()
        bad = []
        mids = [r[0] for r in full.execute("SELECT mid FROM mailtrace_messages(?, 'index=off') ORDER BY mid", (gz,))]
        for m in (mids[0], mids[3], mids[len(mids) // 2], mids[-5], mids[-1]):
            want = full.execute("SELECT * FROM mailtrace_messages(?, 'index=off') WHERE mid = ?", (gz, m)).fetchall()
            got = ix.execute("SELECT * FROM mailtrace_messages(?) WHERE mid = ?", (gz, m)).fetchall()
            if got != want or not want:
                bad.append((m, got, want))
        s = stats(ix)
        check("gzip_same_rows", not bad, bad[:1])
        # the last lookup was for a MID near the end: each block read inflates
        # from a restart point a few MiB before it, not from the file's start
        check("gzip_lookup_inflates_from_a_restart_point",
              s["index_blocks"] > 0 and 0 < s["bytes_read"] / s["index_blocks"] < os.path.getsize(gz) / 2
              and s["index_read"] == 0, (s, os.path.getsize(gz)))
    finally:
        shutil.rmtree(tmp)

    for name, sources in FIXTURE_SETS.items():
        compare(name, sources)

    # a warm lookup reads blocks, not the log; a cached whole-log store wins
    db = connect()
    esa1 = os.path.join(DATA, "esa1")
    ips = [r[0] for r in db.execute("SELECT DISTINCT remote_ip FROM mailtrace_connections(?, 'index=off') "
                                    "WHERE remote_ip IS NOT NULL ORDER BY 1", (esa1,))]
    db2 = connect()
    db2.execute("SELECT * FROM mailtrace_connections(?) WHERE remote_ip = ?", (esa1, ips[0])).fetchall()
    db2.execute("SELECT * FROM mailtrace_connections(?) WHERE remote_ip = ?", (esa1, ips[-1])).fetchall()
    s = stats(db2)
    (nlines,) = db.execute("SELECT count(*) FROM mailtrace_lines(?)", (esa1,)).fetchone()
    # no index pass; the blocks are read, but only their lines that name the ids are parsed
    check("warm_lookup_reads_blocks_only",
          s["index_read"] == 0 and s["index_blocks"] > 0 and 0 < s["lines_parsed"] < nlines / 4, (s, nlines))
    db2.execute("SELECT count(*) FROM mailtrace_messages(?)", (esa1,)).fetchall()   # whole-log store
    db2.execute("SELECT * FROM mailtrace_connections(?) WHERE remote_ip = ?", (esa1, ips[1])).fetchall()
    s = stats(db2)
    check("cached_whole_log_store_is_used", s["bytes_read"] == 0 and s["index_hits"] >= 1, s)

    # mailtrace_lines by mid: only the blocks read, only the MID's lines parsed
    db3 = connect()
    rows = db3.execute("SELECT lineno FROM mailtrace_lines(?) WHERE mid = 81012", (esa1,)).fetchall()
    s = stats(db3)
    plan = db3.execute("EXPLAIN QUERY PLAN SELECT * FROM mailtrace_lines(?) WHERE mid IN (1, 2)", (esa1,)).fetchall()
    check("lines_by_mid_through_the_index",
          len(rows) == 19 and s["index_blocks"] > 0 and s["lines_parsed"] <= 25 and "mid IN (?) via index" in plan[-1][-1],
          (len(rows), s, plan))
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
