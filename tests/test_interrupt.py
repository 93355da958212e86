# SPDX-License-Identifier: MIT
"""test_interrupt.py — a long scan or entity build stops within a fraction
of a second of sqlite3_interrupt() (Connection.interrupt() here, Ctrl-C in
the shell), and the connection is usable afterwards."""
import os
import shutil
import sys
import tempfile

import mtlib
from mtlib import DATA, ROOT, interrupted, write_copies

check = mtlib.Checks("python.interrupt")


def main():
    os.environ["MAILTRACE_THREADS"] = "1"     # the index build as slow as it gets
    tmp = tempfile.mkdtemp()
    try:
        # ~300 MB: the esa1 logs many times over, each copy on its own "gateway"
        # (host=) would merge ids; the same ids in one file are fine for timing.
        big = os.path.join(tmp, "big.log")
        write_copies(big, [os.path.join(DATA, "esa1", name) for name in ("mail.@20261102T080000.s", "mail.current")],
                     300_000_000)
        db = mtlib.connect(check_same_thread=False)
        # the offset index build first (one thread: the calling one checks),
        # before a whole-log store of the same files is cached
        for what, sql in (("index", f"SELECT count(*) FROM mailtrace_connections('{big}') WHERE remote_ip = '192.0.2.1'"),
                          ("lines", f"SELECT count(*), count(mid) FROM mailtrace_lines('{big}')"),
                          ("messages", f"SELECT status, count(*) FROM mailtrace_messages('{big}') GROUP BY 1")):
            err, full, _ = interrupted(db, sql, None)
            if err:
                check(f"{what}_full_query", False, f"the query without an interrupt failed: {err}")
                continue
            if full < 0.08:
                check.skip(what, f"the full query takes {full:.2f} s, too short to interrupt")
                continue
            # the interrupt comes 50 ms in, or at a quarter of the whole query
            # on a machine fast enough to finish within 0.2 s
            delay = min(0.05, full / 4)
            # the same bytes under another name: a new file set, so no cached store
            # (a copy for the index: it keeps what it knows by device and inode)
            other = os.path.join(tmp, what + ".log")
            if what == "index":
                shutil.copyfile(big, other)
            else:
                os.link(big, other)
            err, t, _ = interrupted(db, sql.replace(big, other), delay)
            # stopped by the interrupt, in well under the time of the whole
            # query (no absolute time: the machine may be loaded; speed is
            # for the benchmarks)
            check(f"{what}_stops_quickly", err == "interrupted" and t < delay + full / 2,
                  f"took {t:.2f} s of {full:.2f} s, error {err!r}")
        (n,) = db.execute("SELECT count(*) FROM mailtrace_lines(?)", (ROOT + "/tests/data/esa2",)).fetchone()
        check("connection_usable_after", n == 36, n)
    finally:
        shutil.rmtree(tmp)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
