# SPDX-License-Identifier: MIT
"""test_storefile.py — the saved store image of index=DIR (ext/storefile.c).

A whole-log store built with index=DIR is saved to DIR; a new connection
(nothing cached: what a new process sees) reads it back instead of parsing
the logs.  Checked here:

  * every fixture folder of tests/data and a small bench/gen log: the full
    output of connections, messages, recipients, deliveries,
    mailtrace_diagnose and mailtrace_coverage is the same from a fresh build
    (no index=DIR), from the build that saved the image, and from a new
    connection that read it (mailtrace_stats(): store_saved 1, then
    store_loaded 1), both when the image is mapped in place and when it is
    read into memory (MAILTRACE_STORE_NOMAP);
  * an image that no longer fits is never used: a file appended to (read
    on from the image: only the new line parsed, the answer of a fresh
    build), a file rewritten with the same size, a file replaced, other
    options;
  * a damaged image (a byte flipped in the payload, in the header, cut
    short, a foreign file under its name) is ignored and replaced;
  * a directory the image cannot be written to still answers (store_saved
    -1);
  * DIR keeps the 4 newest images: older ones are removed when one is
    saved, other files are left alone;
  * a mapped image is checked part by part (connections, messages,
    recipients, deliveries, strings, attachments) when a question first
    needs it: with a byte flipped in a block of the messages alone, the
    connections are still answered from it, and a question about the
    messages (or a lookup, or the diagnosis) finds the damage and answers
    from the logs; MAILTRACE_STORE_EAGER checks it whole when loaded.
"""
import os
import shutil
import sqlite3
import struct
import sys
import tempfile

import mtlib
from mtlib import DATA, EXT, connect, stats

check = mtlib.Checks("python.storefile")

QUERIES = [
    ("connections", "SELECT * FROM connections"),
    ("messages", "SELECT * FROM messages"),
    ("recipients", "SELECT * FROM recipients"),
    ("deliveries", "SELECT * FROM deliveries"),
    ("diagnose", "SELECT * FROM mailtrace_diagnose"),
    ("coverage", "SELECT * FROM mailtrace_coverage"),
]


def answers(srcs, *opts):
    """Every query's rows on a new connection, and the stats of the first
    (the one that found, built or read the store).  An error is an answer too."""
    db = connect()
    out, first = {}, None
    args = tuple([srcs] if isinstance(srcs, str) else srcs) + opts
    try:
        db.execute("SELECT mailtrace_open(" + ", ".join("?" for _ in args) + ")", args)
    except sqlite3.Error as e:
        db.close()
        return {"open": "error: " + str(e)}, {}
    for name, sql in QUERIES:
        try:
            out[name] = db.execute(sql).fetchall()
        except sqlite3.Error as e:
            out[name] = "error: " + str(e)
        if first is None:
            first = stats(db)
    db.close()
    return out, first or {}


def images(ix):
    return sorted(f for f in os.listdir(ix) if f.endswith(".store"))


def diff(a, b):
    for k in a:
        if a[k] != b.get(k):
            return k
    return None


def has_cef(srcs):
    for src in srcs:
        for base, _, names in os.walk(src):
            for n in names:
                with open(os.path.join(base, n), "rb") as f:
                    if b"CEF:0|" in f.read():
                        return True
    return False


def same_three(name, srcs):
    """Fresh build vs the saving build vs a new connection reading it."""
    ix = tempfile.mkdtemp(prefix="mt-sf-")
    try:
        want, _ = answers(srcs)
        saved, s1 = answers(srcs, "index=" + ix)
        loaded, s2 = answers(srcs, "index=" + ix)
        errors = [k for k, v in want.items() if isinstance(v, str)]
        if errors:
            # a build that fails saves nothing, and fails the same way every time
            check(name + ".error_alike", want == saved == loaded and images(ix) == [], (errors, images(ix)))
            return
        if has_cef(srcs):
            # the Consolidated Event Log's join is not in the image: such a store is not saved
            check(name + ".cef_not_saved", images(ix) == [] and s1.get("store_saved") == 0
                  and s2.get("store_loaded") == 0, (s1, s2, images(ix)))
            check(name + ".cef_same", diff(want, saved) is None and diff(want, loaded) is None,
                  (diff(want, saved), diff(want, loaded)))
            return
        check(name + ".saved", s1.get("store_saved") == 1 and len(images(ix)) == 1, (s1, images(ix)))
        check(name + ".loaded", s2.get("store_loaded") == 1 and s2.get("lines_parsed") == 0, s2)
        check(name + ".saving_build_same", diff(want, saved) is None, diff(want, saved))
        check(name + ".image_same", diff(want, loaded) is None, diff(want, loaded))
        # the other way of loading: read into memory and the pointers moved (what happens
        # when the image's place in the address space is taken)
        os.environ["MAILTRACE_STORE_NOMAP"] = "1"
        try:
            read, s3 = answers(srcs, "index=" + ix)
        finally:
            del os.environ["MAILTRACE_STORE_NOMAP"]
        check(name + ".image_read_same", s3.get("store_loaded") == 2 and diff(want, read) is None,
              (s3, diff(want, read)))
        check(name + ".has_rows", sum(len(v) for v in want.values()) > 0, "no rows at all")
    finally:
        shutil.rmtree(ix, ignore_errors=True)


def fixtures():
    """Every fixture folder of log files (a folder of gateway folders: those)."""
    for d in sorted(os.listdir(DATA)):
        p = os.path.join(DATA, d)
        if not os.path.isdir(p) or d in ("fuzz", "dns"):     # crashers, DNS packets: not logs
            continue
        subs = sorted(os.path.join(p, x) for x in os.listdir(p) if os.path.isdir(os.path.join(p, x)))
        srcs = subs[:4] if subs and not any(os.path.isfile(os.path.join(p, x)) for x in os.listdir(p)) else [p]
        same_three("fixture_" + d, srcs)
    # the gateways of logtypes/ without its CEF files: AMP, anti-virus and bounce logs (the
    # attachment join is saved with the store)
    lt = os.path.join(DATA, "logtypes")
    gws = sorted(os.path.join(lt, x) for x in os.listdir(lt) if os.path.isdir(os.path.join(lt, x)))
    if gws:
        same_three("fixture_logtypes_gateways", gws[:4])


def bench_log():
    """A small bench/gen log (2 MiB): many connections, one file."""
    tmp = tempfile.mkdtemp(prefix="mt-sf-gen-")
    try:
        d = mtlib.gen_log(check, tmp, 2, "bench_gen")
        if d:
            same_three("bench_gen", [d])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def copy_set():
    tmp = tempfile.mkdtemp(prefix="mt-sf-set-")
    logs = os.path.join(tmp, "esa2")
    shutil.copytree(os.path.join(DATA, "esa2"), logs)
    ix = os.path.join(tmp, "ix")
    os.mkdir(ix)
    return tmp, logs, ix


def stale_cases():
    tmp, logs, ix = copy_set()
    try:
        files = sorted(os.listdir(logs))
        first = os.path.join(logs, files[0])
        last = os.path.join(logs, files[-1])
        _, s = answers(logs, "index=" + ix)
        check("stale.saved", s.get("store_saved") == 1, s)
        # options changed: another image, never this one
        want, _ = answers(logs, "tz=+0300")
        got, s = answers(logs, "tz=+0300", "index=" + ix)
        check("stale.options_not_used", s.get("store_loaded") == 0 and diff(want, got) is None, (s, diff(want, got)))
        # a file appended to: read on from the image, or built again; the answer is a fresh build's
        with open(last, "rb") as f:
            body = f.read()
        line = [l for l in body.split(b"\n") if b"New SMTP ICID" in l][-1]
        with open(last, "ab") as f:
            f.write(line.replace(b"New SMTP ICID", b"New SMTP ICID").replace(b"ICID ", b"ICID 9", 1) + b"\n")
        want, _ = answers(logs)
        got, s = answers(logs, "index=" + ix)
        check("stale.appended_same_as_fresh", diff(want, got) is None, diff(want, got))
        # esa2's one file ends on a newline and its host logs nowhere else: the image is read
        # and only the appended line parsed (cache.c, find_grown), then saved again
        check("stale.appended_read_on", s.get("store_loaded") == 1 and s.get("lines_parsed") == 1, s)
        got, s = answers(logs, "index=" + ix)
        check("stale.appended_then_loaded", s.get("store_loaded") == 1 and diff(want, got) is None, (s, diff(want, got)))
        # a file rewritten in place, same size, another mtime: not used
        with open(first, "rb") as f:
            body = f.read()
        changed = body.replace(b"delivered", b"Delivered", 1) if b"delivered" in body else body[:-2] + b"x\n"
        st = os.stat(first)
        with open(first, "r+b") as f:
            f.write(changed)
        os.utime(first, (st.st_atime, st.st_mtime + 5))
        want, _ = answers(logs)
        got, s = answers(logs, "index=" + ix)
        check("stale.rewritten_not_used", s.get("store_loaded") == 0 and diff(want, got) is None, (s, diff(want, got)))
        # a file replaced (new inode): another image, never this one
        os.rename(first, first + ".old")
        shutil.copy(first + ".old", first)
        os.remove(first + ".old")
        with open(first, "ab") as f:
            f.write(b"\n")
        want, _ = answers(logs)
        got, s = answers(logs, "index=" + ix)
        check("stale.replaced_not_used", s.get("store_loaded") == 0 and diff(want, got) is None, (s, diff(want, got)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def damage_cases():
    tmp, logs, ix = copy_set()
    try:
        want, _ = answers(logs)
        _, s = answers(logs, "index=" + ix)
        (img,) = images(ix)
        path = os.path.join(ix, img)
        size = os.path.getsize(path)

        def damaged(name, edit):
            with open(path, "rb") as f:
                data = bytearray(f.read())
            edit(data)
            with open(path, "wb") as f:
                f.write(data)
            got, s = answers(logs, "index=" + ix)
            check("damaged." + name + "_not_used", s.get("store_loaded") == 0 and s.get("store_saved") == 1
                  and diff(want, got) is None, (s, diff(want, got)))
            got, s = answers(logs, "index=" + ix)
            check("damaged." + name + "_rebuilt", s.get("store_loaded") == 1 and diff(want, got) is None,
                  (s, diff(want, got)))

        def flip(at):
            def f(d):
                d[at] ^= 0x20
            return f

        damaged("payload_byte", flip(size - 100))
        damaged("payload_middle", flip(4096 + (size - 4096) // 2))
        damaged("header_byte", flip(20))
        damaged("truncated", lambda d: d.__delitem__(slice(len(d) // 2, None)))
        damaged("empty", lambda d: d.__delitem__(slice(0, None)))
        damaged("foreign", lambda d: d.__setitem__(slice(0, None), b"MTSTORE1" + bytes(500)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def unwritable_cases():
    tmp, logs, ix = copy_set()
    try:
        want, _ = answers(logs)
        if os.geteuid() != 0:
            # index= wants a writable directory when it is given; one that becomes read-only
            # before the store is saved (or a full disk) leaves the answer as it is
            db = connect()
            db.execute("SELECT mailtrace_open(?, ?)", (logs, "index=" + ix))
            os.chmod(ix, 0o555)
            try:
                got = db.execute("SELECT * FROM messages").fetchall()
                s = stats(db)
                check("unwritable.read_only_dir_answers", got == want["messages"] and s.get("store_saved") == -1
                      and images(ix) == [], s)
            except sqlite3.Error as e:
                check("unwritable.read_only_dir_answers", False, e)
            finally:
                os.chmod(ix, 0o755)
                db.close()
        else:
            check.skip("unwritable.read_only_dir_answers", "running as root (permissions do not apply)")
        # the image's name taken by another user's file (root) or a symbolic link: left alone
        _, s = answers(logs, "index=" + ix)
        (img,) = images(ix)
        path = os.path.join(ix, img)
        os.remove(path)
        os.symlink("/dev/null", path)
        got, s = answers(logs, "index=" + ix)
        check("unwritable.link_at_name_left_alone", diff(want, got) is None and s.get("store_saved") == -1
              and os.path.islink(path) and s.get("store_loaded") == 0, s)
        os.remove(path)
        if os.geteuid() == 0:
            with open(path, "wb") as f:
                f.write(b"x")
            os.chown(path, 65534, 65534)
            got, s = answers(logs, "index=" + ix)
            check("unwritable.other_users_file_left_alone", diff(want, got) is None and s.get("store_saved") == -1
                  and os.path.getsize(path) == 1, s)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def dir_is_log_folder():
    """index=DIR may be the log folder itself: the image is never listed as a log."""
    tmp, logs, ix = copy_set()
    try:
        want, _ = answers(logs)
        _, s1 = answers(logs, "index=" + logs)
        got, s2 = answers(logs, "index=" + logs)
        check("log_folder.saved_then_loaded", s1.get("store_saved") == 1 and s2.get("store_loaded") == 1
              and len(images(logs)) == 1, (s1, s2))
        check("log_folder.same", diff(want, got) is None, diff(want, got))
        db = connect()
        (n,) = db.execute("SELECT count(DISTINCT file) FROM mailtrace_coverage(?)", (logs,)).fetchone()
        check("log_folder.image_not_a_log", n == len([f for f in os.listdir(logs) if not f.startswith("mailtrace-")]), n)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def keep_newest():
    """DIR keeps the 4 newest images: six sets of options save six images, the
    older two are removed, the newest answers from its image, a removed one is
    built and saved again; other files in DIR are left alone."""
    tmp, logs, ix = copy_set()
    try:
        others = ["mailtrace-notes.txt", "mailtrace-0123456789abcdef.store.old", "keep.store"]
        for f in others:
            with open(os.path.join(ix, f), "w") as fh:
                fh.write("x")
        counts, saved = [], []

        def mine():
            return [f for f in images(ix) if f.startswith("mailtrace-")]
        for k in range(6):
            _, s = answers(logs, "index=" + ix, "tz=+0%d00" % k)
            saved.append(s.get("store_saved"))
            counts.append(len(mine()))
        check("keep.saved_each", saved == [1] * 6, saved)
        check("keep.at_most_four", counts == [1, 2, 3, 4, 4, 4], counts)
        check("keep.others_left_alone", all(os.path.exists(os.path.join(ix, f)) for f in others),
              sorted(os.listdir(ix)))
        want, _ = answers(logs, "tz=+0500")
        got, s = answers(logs, "index=" + ix, "tz=+0500")
        check("keep.newest_loaded", s.get("store_loaded") == 1 and diff(want, got) is None, (s, diff(want, got)))
        want, _ = answers(logs, "tz=+0000")
        got, s = answers(logs, "index=" + ix, "tz=+0000")
        check("keep.oldest_removed_then_built", s.get("store_loaded") == 0 and s.get("store_saved") == 1
              and diff(want, got) is None and len(mine()) == 4, (s, diff(want, got), images(ix)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def shared_mapping():
    """Two connections of one process load the same image: both mapped (store_loaded 1),
    the second sharing the first's mapping; the same rows; either closes first."""
    tmp, logs, ix = copy_set()
    try:
        want, _ = answers(logs)
        answers(logs, "index=" + ix)
        a, b = connect(), connect()
        for db in (a, b):
            db.execute("SELECT mailtrace_open(?, ?)", (logs, "index=" + ix))
        ra = a.execute("SELECT * FROM messages").fetchall()
        sa = stats(a)
        rb = b.execute("SELECT * FROM messages").fetchall()
        sb = stats(b)
        check("shared.both_mapped", sa.get("store_loaded") == 1 and sb.get("store_loaded") == 1, (sa, sb))
        check("shared.same_rows", ra == want["messages"] and rb == want["messages"], "rows differ")
        a.close()
        rb2 = b.execute("SELECT * FROM recipients").fetchall()
        check("shared.after_first_closed", rb2 == want["recipients"], "rows differ")
        b.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# The sections of an image (ext/storefile.c, "Layout (MTSTORE1)"): the
# header's nfile (offset 60), nsect (64) and payload_at (80), then nfile
# file records of 48 bytes, then nsect entries (kind, elsize, count, off).
# The kinds of storefile.c's enum: SF_CONNS 2, SF_MSGS 3, SF_RCPTS 5, the
# columns kept apart SF_MSG_STATUS 36 to SF_DLV_RESULT 39, the recipients'
# domains SF_DOM_AT 40 and SF_DOM_TEXT 41, SF_STRINGS 42 (the last).
SF_CONNS, SF_MSGS, SF_RCPTS, SF_MSG_STATUS, SF_DOM_AT, SF_DOM_TEXT, SF_STRINGS = 2, 3, 5, 36, 40, 41, 42
SF_BLOCK = 1 << 20


def sections(path):
    with open(path, "rb") as f:
        d = f.read(1 << 16)
    nfile, nsect = struct.unpack_from("<II", d, 60)
    (payload_at,) = struct.unpack_from("<Q", d, 80)
    out = {}
    for i in range(nsect):
        k, el, c, o = struct.unpack_from("<IIQQ", d, 136 + 48 * nfile + 24 * i)
        out[k] = (o, el * c)
    return payload_at, out


def conn_strings(path):
    """The header's conn_strings: how many first bytes of SF_STRINGS hold the
    connections' strings, written apart (ext/storefile.c, sf_own)."""
    with open(path, "rb") as f:
        d = f.read(72)
    return struct.unpack_from("<I", d, 68)[0]


def inside_block(path, kind):
    """A file offset in a 1 MiB payload block that holds bytes of section
    `kind` only (None when it has no such block)."""
    payload_at, secs = sections(path)
    off, n = secs[kind]
    b = (off + SF_BLOCK - 1) // SF_BLOCK
    if (b + 1) * SF_BLOCK > off + n:
        return None
    return payload_at + b * SF_BLOCK + 4321


def flip_at(path, at):
    with open(path, "r+b") as f:
        f.seek(at)
        c = f.read(1)
        f.seek(at)
        f.write(bytes([c[0] ^ 0x20]))


def from_image(s):
    """The statistics of a question answered without reading a log."""
    return s.get("lines_parsed") == 0 and s.get("files_opened") == 0


def from_logs(s):
    """The statistics of a question answered by reading the logs again."""
    return s.get("lines_parsed", 0) > 0


def ask(db, sql):
    try:
        return db.execute(sql).fetchall(), stats(db)
    except sqlite3.Error as e:
        return "error: " + str(e), stats(db)


def parts_cases():
    """A mapped image checked part by part, and damage never served."""
    tmp = tempfile.mkdtemp(prefix="mt-sf-parts-")
    try:
        logs = mtlib.gen_log(check, tmp, 24, "parts")
        if not logs:
            return
        ix = os.path.join(tmp, "ix")
        os.mkdir(ix)
        qs = {"conns": "SELECT * FROM connections", "status": "SELECT status, count(*) FROM messages GROUP BY 1",
              "host_status": "SELECT host, status, count(*) FROM messages GROUP BY 1, 2",
              "hosts": "SELECT host, count(*) FROM messages GROUP BY 1",
              "msgs": "SELECT * FROM messages", "lookup": "SELECT * FROM messages WHERE mid IN (50000003, 50001000, 50009000)",
              "rcpts": "SELECT * FROM recipients", "diagnose": "SELECT count(*), group_concat(verdict) FROM mailtrace_diagnose",
              "domains": "SELECT domain, status, count(*) FROM recipients GROUP BY 1, 2",
              "rcpt_mids": "SELECT host, mid, rid, status FROM recipients",
              "conn_text": "SELECT remote_ip, reverse_dns, action, count(*) FROM connections"
                           " GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2, 3"}
        fresh = connect()
        fresh.execute("SELECT mailtrace_open(?)", (logs,))
        want = {k: fresh.execute(q).fetchall() for k, q in qs.items()}
        fresh.close()

        def image():
            (img,) = images(ix)
            return os.path.join(ix, img)

        def damage_alone(kind, label):
            """A byte flipped in a 1 MiB block holding section `kind` alone;
            False (a failed check) when the image has none."""
            at = inside_block(image(), kind)
            if at is None:
                check("parts.image_has_a_block_of_" + label + "_alone", False, sections(image()))
                return False
            flip_at(image(), at)
            return True

        def session():
            db = connect()
            db.execute("SELECT mailtrace_open(?, ?)", (logs, "index=" + ix))
            return db

        db = session()
        ask(db, qs["status"])                             # builds and saves the image
        db.close()
        # a new connection checks only what each question needs (mailtrace_stats' store_checked)
        db = session()
        # (messages by status and recipients by domain read only the columns kept apart)
        for name, q, parts in (("status", qs["status"], "columns"),
                               ("domains", qs["domains"], "columns"),
                               ("hosts", qs["hosts"], "messages,columns"),
                               ("lookup", qs["lookup"], "messages,strings,ids,columns"),
                               ("conns", qs["conns"], "connections,messages,strings,ids,columns")):
            got, s = ask(db, q)
            check("parts.checked_after_" + name, got == want[name] and s.get("store_checked") == parts, s)
        db.close()
        # recipients by domain read the columns kept apart alone: no row, no string
        db = session()
        got, s = ask(db, qs["domains"])
        check("parts.domains_alone_read_columns", got == want["domains"]
              and s.get("store_checked") == "columns" and s.get("store_loaded") == 1, s)
        got, s = ask(db, qs["rcpts"])
        check("parts.then_recipients_rows", got == want["rcpts"]
              and s.get("store_checked") == "messages,recipients,strings,columns", s)
        db.close()
        db = session()
        got, s = ask(db, qs["diagnose"])
        check("parts.checked_all_for_diagnose", got == want["diagnose"] and s.get("store_checked")
              == "connections,messages,recipients,deliveries,strings,attachments,ids,columns", s)
        db.close()
        # the connections' strings are written apart, first in the strings: a question about
        # the connections' text alone checks those bytes and no other string
        db = session()
        got, s = ask(db, qs["conn_text"])
        check("parts.connections_text_alone", got == want["conn_text"] and len(got) > 10
              and s.get("store_checked") == "connections" and from_image(s), (len(got), s))
        db.close()
        payload_at, secs = sections(image())
        soff, sn = secs[SF_STRINGS]
        nconn = conn_strings(image())
        check("parts.connections_strings_apart", 0 < nconn < sn, (nconn, sn))
        # a block of the other strings alone damaged: the connections' text still comes from
        # the image, the messages' from the logs
        b = (soff + nconn + SF_BLOCK - 1) // SF_BLOCK
        if (b + 1) * SF_BLOCK > soff + sn:
            check("parts.image_has_a_block_after_connections_strings", False, (soff, nconn, sn))
            return
        flip_at(image(), payload_at + b * SF_BLOCK + 4321)
        db = session()
        got, s = ask(db, qs["conn_text"])
        check("parts.other_strings_damaged_connections_served", got == want["conn_text"]
              and s.get("store_loaded") == 1 and from_image(s), s)
        got, s = ask(db, qs["msgs"])
        check("parts.other_strings_damaged_messages_not_served", got == want["msgs"] and from_logs(s), s)
        db.close()
        # the connections' strings damaged: their question reads the logs
        payload_at, secs = sections(image())
        flip_at(image(), payload_at + secs[SF_STRINGS][0] + conn_strings(image()) // 2)
        db = session()
        got, s = ask(db, qs["conn_text"])
        check("parts.connections_strings_damaged_not_served", got == want["conn_text"] and from_logs(s), s)
        db.close()
        # the messages damaged: the connections still come from the image, unchecked parts
        # of it never: the messages, then a lookup and the diagnosis, come from the logs
        if not damage_alone(SF_MSGS, "messages"):
            return
        db = session()
        got, s = ask(db, qs["conns"])
        check("parts.other_part_served", got == want["conns"] and s.get("store_loaded") == 1, s)
        got, s = ask(db, qs["domains"])
        # (the store this connection loaded for the connections: nothing read from the logs)
        check("parts.recipients_without_their_messages_served", got == want["domains"]
              and from_image(s), s)
        got, s = ask(db, qs["status"])
        check("parts.status_apart_from_damaged_rows_served", got == want["status"]
              and from_image(s), s)
        got, s = ask(db, qs["host_status"])
        check("parts.damaged_part_not_served", got == want["host_status"] and s.get("store_loaded") == 0
              and from_logs(s), s)
        db.close()
        # the recipients' mid is their message's: that part is checked for it
        flip_at(image(), inside_block(image(), SF_MSGS))
        db = session()
        got, s = ask(db, qs["rcpt_mids"])
        check("parts.recipients_mid_checks_messages", got == want["rcpt_mids"] and from_logs(s), s)
        db.close()
        flip_at(image(), inside_block(image(), SF_MSGS))    # the image saved again: damage it again
        db = session()
        ask(db, qs["conns"])
        got, s = ask(db, qs["lookup"])
        check("parts.lookup_not_served_damage", got == want["lookup"] and len(got) == 3, (len(got), s))
        got, s = ask(db, qs["msgs"])
        check("parts.messages_after_lookup", got == want["msgs"], s)
        db.close()
        # the strings damaged: a question that reads none is answered from the image; one that
        # reads them (mail_from, the diagnosis) from the logs
        for name, q in (("msgs", qs["msgs"]), ("diagnose", qs["diagnose"])):
            if not damage_alone(SF_STRINGS, "strings"):
                return
            db = session()
            got, s = ask(db, qs["status"])
            check("parts.strings_damaged_status_served_" + name, got == want["status"] and s.get("store_loaded") == 1, s)
            got, s = ask(db, qs["domains"])
            check("parts.strings_damaged_domains_served_" + name, got == want["domains"]
                  and from_image(s), s)
            got, s = ask(db, q)
            check("parts.strings_damaged_not_served_" + name, got == want[name] and from_logs(s), s)
            got, s = ask(db, qs["rcpts"])
            check("parts.then_recipients_" + name, got == want["rcpts"], s)
            db.close()
        # the columns kept apart damaged (the messages' statuses, the domains' offsets, their
        # text): never served; the answer comes from the logs
        for kind, name in ((SF_MSG_STATUS, "statuses"), (SF_DOM_AT, "offsets"), (SF_DOM_TEXT, "text")):
            payload_at, secs = sections(image())
            off, n = secs[kind]
            if n < 8:
                check("parts.image_has_domains_" + name, False, secs)
                return
            flip_at(image(), payload_at + off + n // 2)
            db = session()
            got, s = ask(db, qs["hosts"])
            check("parts.columns_damaged_rows_served_" + name, got == want["hosts"] and s.get("store_loaded") == 1, s)
            got, s = ask(db, qs["domains" if kind != SF_MSG_STATUS else "status"])
            check("parts.columns_damaged_not_served_" + name,
                  got == want["domains" if kind != SF_MSG_STATUS else "status"] and from_logs(s), s)
            db.close()
        # MAILTRACE_STORE_EAGER: the whole image checked when loaded
        flip_at(image(), inside_block(image(), SF_RCPTS))
        os.environ["MAILTRACE_STORE_EAGER"] = "1"
        try:
            db = session()
            got, s = ask(db, qs["conns"])
            check("parts.eager_checks_whole", got == want["conns"] and s.get("store_loaded") == 0, s)
            got, s = ask(db, qs["status"])
            check("parts.eager_then_loaded", got == want["status"], s)
            db.close()
            db = session()
            got, s = ask(db, qs["rcpts"])
            check("parts.eager_sound_image_loaded", got == want["rcpts"] and s.get("store_loaded") == 1, s)
            db.close()
        finally:
            del os.environ["MAILTRACE_STORE_EAGER"]
        # a file appended to, the image's messages damaged: the image is read on only after
        # every part of it is checked (mt_storefile_own); here one fails: built again whole
        log = os.path.join(logs, "mail.current")
        with open(log, "rb") as f:
            line = [l for l in f.read().split(b"\n") if b"New SMTP ICID" in l][-1]
        with open(log, "ab") as f:
            f.write(line.replace(b"ICID ", b"ICID 9", 1) + b"\n")
        fresh = connect()
        fresh.execute("SELECT mailtrace_open(?)", (logs,))
        grown = fresh.execute(qs["conns"]).fetchall()
        fresh.close()
        flip_at(image(), inside_block(image(), SF_MSGS))
        db = session()
        got, s = ask(db, qs["conns"])
        check("parts.grown_and_damaged_built_again", got == grown and len(got) == len(want["conns"]) + 1
              and s.get("lines_parsed", 0) > 1, s)
        db.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    if not os.path.exists(EXT + ".so"):
        check("", False, "no " + EXT + ".so")
        return check.status()
    fixtures()
    bench_log()
    stale_cases()
    damage_cases()
    unwritable_cases()
    dir_is_log_folder()
    shared_mapping()
    keep_newest()
    parts_cases()
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
