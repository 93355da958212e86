# SPDX-License-Identifier: MIT
"""test_image_threads.py — one store image (index=DIR) read by several
threads at once, each with a connection of its own (ext/storefile.c).

The connections of one process share the image's mapping, and each part of
it (connections, messages, recipients, deliveries, strings, attachments, id
maps) is checked the first time any of them needs it, under the mapping's
lock (mt_storefile_need).  Here four threads load the same image together
and ask different questions at the same moment, twice over: every answer
must be a fresh build's.  `make tsan` runs this file with ThreadSanitizer,
which reports a race on the mapping's checks."""
import os
import shutil
import sys
import tempfile
import threading

import mtlib
from mtlib import connect, stats

check = mtlib.Checks("python.image_threads")

QUERIES = [
    ("status", "SELECT status, count(*) FROM messages GROUP BY 1"),
    ("domains", "SELECT domain, status, count(*) FROM recipients GROUP BY 1, 2"),
    ("conns", "SELECT count(*), count(DISTINCT remote_ip), sum(messages) FROM connections"),
    ("lookup", "SELECT mid, status, mail_from FROM messages WHERE mid IN (50000003, 50001000, 50009000)"),
    ("deliveries", "SELECT result, count(*) FROM deliveries GROUP BY 1"),
    ("diagnose", "SELECT verdict, count(*) FROM mailtrace_diagnose GROUP BY 1"),
]


def main():
    tmp = tempfile.mkdtemp(prefix="mt-imgthr-")
    try:
        logs = mtlib.gen_log(check, tmp, 12, "setup")
        if not logs:
            return check.status()
        ix = os.path.join(tmp, "ix")
        os.mkdir(ix)
        fresh = connect()
        fresh.execute("SELECT mailtrace_open(?)", (logs,))
        want = {n: fresh.execute(q).fetchall() for n, q in QUERIES}
        fresh.close()
        db = connect()
        db.execute("SELECT mailtrace_open(?, ?)", (logs, "index=" + ix))
        db.execute(QUERIES[0][1]).fetchall()              # builds the store and saves its image
        check("image_saved", stats(db).get("store_saved") == 1, stats(db))
        db.close()

        results, errors = {}, []
        start = threading.Barrier(4)

        # the connections are made here, one after the other: loading an extension sets
        # SQLite's sqlite3_api pointer of the library (the same value each time), which
        # ThreadSanitizer would report against a query running on another thread
        conns = []
        for k in range(4):
            conns.append(connect(check_same_thread=False))
            conns[-1].execute("SELECT mailtrace_open(?, ?)", (logs, "index=" + ix))

        def worker(k):
            try:
                conn = conns[k]
                start.wait()
                for rnd in range(2):
                    for j in range(len(QUERIES)):
                        name, q = QUERIES[(j + k) % len(QUERIES)]   # each thread in its own order
                        results[(k, rnd, name)] = conn.execute(q).fetchall()
                    if rnd == 0:
                        results[(k, "loaded")] = stats(conn).get("lines_parsed") == 0
                conn.close()
            except Exception as e:                          # noqa: BLE001 - reported below
                errors.append("thread %d: %s" % (k, e))

        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        check("no_errors", not errors, errors)
        bad = [key for key, v in results.items() if len(key) == 3 and v != want[key[2]]]
        check("every_answer_a_fresh_builds", not bad and len(results) == 4 * 2 * len(QUERIES) + 4, bad[:5])
        check("answered_from_the_image", all(results.get((k, "loaded")) for k in range(4)),
              [results.get((k, "loaded")) for k in range(4)])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
