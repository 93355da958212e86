# SPDX-License-Identifier: MIT
"""test_lookup_bound.py — a lookup through the offset index never reads more
than one pass over the log set, however busy the sender, and answers what
the whole-log store (index=off) answers.

mailtrace_stats() of the statement that resolves a lookup gives bytes_read
(every byte read, the index pass included) and index_read (the index pass):
their difference is what the lookup read, and must not exceed the size of
the files.  Checked for every client IP of every fixture set (each on a
fresh connection: the index pass, then the lookup), and on a log written by
bench/gen (two gateways, three files, 12 MiB) for its named busy senders
(more than 1 % of all connections each), cold and warm, the third one after
them, and a rare one; the rows of connections, messages, recipients and
deliveries for each are compared with the index=off answer, and so is the
whole answer of sql/why-not-received.sql for each busy sender.  Before the sweep (partial.c), a busy
sender's lookup read the log 3-4 times over, round after round."""
import os
import shutil
import subprocess
import tempfile

import mtlib
from mtlib import FIXTURE_SETS, ROOT, connect, stats, why_not_received

check = mtlib.Checks("python.lookup_bound")


def files_of(sources):
    out = []
    for s in sources:
        if os.path.isdir(s):
            out += [os.path.join(s, f) for f in sorted(os.listdir(s)) if os.path.isfile(os.path.join(s, f))]
        else:
            out.append(s)
    return out


def question(db, src, args, ip):
    """What sql/why-not-received.sql reads for one IP: the connections, their
    messages, recipients and deliveries (rows sorted: rowids differ)."""
    out = []
    for c in db.execute(f"SELECT * FROM mailtrace_connections({src}) WHERE remote_ip = ?", args + [ip]).fetchall():
        out.append(("c",) + c)
    mids = [r[0] for r in db.execute(
        f"SELECT m.mid FROM mailtrace_connections({src}) c JOIN mailtrace_messages({src}) m"
        " ON m.host = c.host AND m.icid = c.icid WHERE c.remote_ip = ? AND c.icid > 0", args + args + [ip])]
    for t in ("messages", "recipients", "deliveries"):
        for m in sorted(set(mids)):
            out += [(t[0],) + r for r in db.execute(f"SELECT * FROM mailtrace_{t}({src}) WHERE mid = ?", args + [m])]
    return sorted(out, key=repr)


def split_possible():
    """May a lookup's sweep run on two threads here (docs/tables.md)?"""
    t = os.environ.get("MAILTRACE_THREADS", "")
    return (os.cpu_count() or 1) >= 2 and (not t or int(t) >= 2) and os.environ.get("MAILTRACE_SWEEP_SPLIT", "") != "0"


def lookup_read(db, src, args, ip):
    """Bytes the lookup of one IP read (the index pass not counted)."""
    db.execute(f"SELECT count(*) FROM mailtrace_connections({src}) WHERE remote_ip = ?", args + [ip]).fetchall()
    s = stats(db)
    return s["bytes_read"] - s["index_read"], s


def fixtures():
    for name, sources in FIXTURE_SETS.items():
        src = ", ".join("?" * len(sources))
        total = sum(os.path.getsize(f) for f in files_of(sources))
        full = connect()
        ips = [r[0] for r in full.execute(
            f"SELECT DISTINCT remote_ip FROM mailtrace_connections({src}, 'index=off') WHERE remote_ip IS NOT NULL",
            sources)]
        over, differ = [], []
        for ip in ips:
            db = connect()
            n, s = lookup_read(db, src, sources, ip)
            if n > total or s["index_hits"] < 1:
                over.append((ip, n, total, s))
            if question(db, src, sources, ip) != question(full, src + ", 'index=off'", sources, ip):
                differ.append(ip)
        check(f"{name}.every_ip_reads_at_most_one_pass", ips and not over, over[:1] or "no IP")
        check(f"{name}.every_ip_same_rows_as_index_off", not differ, differ[:3])


def generated():
    cc = shutil.which("cc")
    if not cc or not os.path.exists(os.path.join(ROOT, "bench", "gen.c")):
        print("SKIP python.lookup_bound.generated: no C compiler or bench/gen.c")
        return
    tmp = tempfile.mkdtemp()
    try:
        gen = os.path.join(tmp, "gen")
        r = subprocess.run([cc, "-std=c11", "-O2", "-o", gen, os.path.join(ROOT, "bench", "gen.c"), "-lz", "-lpthread"],
                           capture_output=True, text=True)
        if r.returncode:
            print("SKIP python.lookup_bound.generated: bench/gen.c does not build here: " + r.stderr.strip()[:200])
            return
        # two gateways (their own id ranges); esa-a rotates once: three files
        summary = {}
        for host, size, seed, base in (("esa-a", 72, 7, 0), ("esa-b", 8, 8, 900000000)):
            d = os.path.join(tmp, host)
            out = subprocess.run([gen, d, str(size), str(seed), str(base)], capture_output=True, text=True, check=True).stdout
            summary[host] = dict(kv.split("=", 1) for kv in out.split() if "=" in kv and not kv.startswith("span"))
            os.remove(os.path.join(d, "all.log"))
            shutil.rmtree(os.path.join(d, "gz"))
        sources = [os.path.join(tmp, "esa-a"), os.path.join(tmp, "esa-b")]
        files = files_of(sources)
        total = sum(os.path.getsize(f) for f in files)
        conns = int(summary["esa-a"]["connections"]) + int(summary["esa-b"]["connections"])
        busy = {}
        for ip in ("198.51.100.10", "198.51.100.20"):
            busy[ip] = sum(int(summary[h]["busy_" + ip].split(":")[1]) for h in summary)
        check("generated.busy_senders_are_busy", len(files) == 3 and all(n >= conns // 100 for n in busy.values()),
              (len(files), busy, conns))
        src = "?, ?"
        full = connect()
        ix = connect()
        for ip, label in (("198.51.100.10", "busy_cold"), ("198.51.100.20", "busy_warm"), ("192.0.2.77", "needle_warm")):
            n, s = lookup_read(ix, src, sources, ip)
            check(f"generated.{label}_reads_at_most_one_pass", n <= total and s["index_blocks"] > 0, (n, total, s))
            if label != "needle_warm" and split_possible():
                # a busy sender's blocks (most of the 192) are swept in two halves at once
                check(f"generated.{label}_sweep_split_in_two", s["index_split"] == 1, s)
            if label == "needle_warm":
                # its delivery connections are reused for hours: a third of the blocks
                check("generated.needle_reads_less_than_half", n < total // 2, (n, total))
            got = question(ix, src, sources, ip)
            want = question(full, src + ", 'index=off'", sources, ip)
            check(f"generated.{label}_same_rows_as_index_off", got == want and len(got) > 25, (len(got), len(want)))
        # the third named busy sender, asked after the others on the same
        # connection, and sql/why-not-received.sql itself (what the admin runs)
        # for each busy sender: the same answer as over the whole-log store
        busy3 = "198.51.100.30"
        n, s = lookup_read(ix, src, sources, busy3)
        n3 = sum(int(summary[h]["busy_" + busy3].split(":")[1]) for h in summary if "busy_" + busy3 in summary[h])
        check("generated.busy_third_reads_at_most_one_pass", n <= total and s["index_blocks"] > 0 and n3 >= conns // 200,
              (n, total, n3, s))
        got = question(ix, src, sources, busy3)
        want = question(full, src + ", 'index=off'", sources, busy3)
        check("generated.busy_third_same_rows_as_index_off", got == want and len(got) > 25, (len(got), len(want)))
        why_sql, params = why_not_received()

        def why(index_off):
            db = connect()
            db.execute("SELECT mailtrace_open(?, ?" + (", 'index=off'" if index_off else "") + ")", sources)
            out = {}
            for ip in ("198.51.100.10", "198.51.100.20", busy3):
                rows = db.execute(why_sql, dict(params, ip=ip)).fetchall()
                after = stats(db)
                out[ip] = (sorted(rows, key=repr), after)
            return out

        w_ix, w_full = why(False), why(True)
        for ip in w_ix:
            rows_ix, st = w_ix[ip]
            rows_full = w_full[ip][0]
            check(f"generated.why_not_received_{ip}_same_as_index_off",
                  rows_ix == rows_full and len(rows_ix) >= busy.get(ip, n3) and st["index_hits"] > 0,
                  (len(rows_ix), len(rows_full), st.get("index_hits")))
        # the grep count of the IP's connection lines, made independently
        n_lines = sum(open(f, "rb").read().count(b"address 198.51.100.10 ") for f in files)
        (n_rows,) = ix.execute(f"SELECT count(*) FROM mailtrace_connections({src}) WHERE remote_ip = '198.51.100.10'",
                               sources).fetchone()
        check("generated.busy_connections_counted_as_grep", n_rows == n_lines == busy["198.51.100.10"],
              (n_rows, n_lines, busy))
    finally:
        shutil.rmtree(tmp)


def main():
    fixtures()
    generated()
    check.exit()


if __name__ == "__main__":
    main()
