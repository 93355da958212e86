# SPDX-License-Identifier: MIT
"""mtlib — what every Python test of mailtrace needs, in one place.

A test file (tests/test_NAME.py, run by tests/run with Debian's
/usr/bin/python3) starts with

    import mtlib

    check = mtlib.Checks("python.NAME")

and then:

  * `check("what", ok, why)` prints `PASS python.NAME.what` or
    `FAIL python.NAME.what: why` (flushed at once, so a crash keeps what came
    before) and remembers a failure; `check.skip("what", reason)` prints
    `SKIP python.NAME.what: reason`; `check.status()` is the exit status the
    runner wants: 1 when any check failed, else 0 (`return check.status()`
    from main, or `check.exit()`);
  * `mtlib.connect(path=":memory:", **kw)`: a connection with the extension
    loaded (sqlite3.connect's own keywords pass through: isolation_level,
    check_same_thread), extension loading switched off again afterwards;
  * `mtlib.ROOT` (the checkout: $ROOT from tests/run, else the folder above
    tests/), `mtlib.EXT` ($MAILTRACE_EXT, else ROOT/mailtrace), `mtlib.DATA`
    (tests/data);
  * `mtlib.corpus(check, name)`: the public sample corpus
    (../shared/corpus/external), or None after a SKIP line when it is absent:
    a test must skip cleanly without ../shared and never assume its list of
    files;
  * `mtlib.stats(db)` (mailtrace_stats() as a dict), `mtlib.error_of(db, sql,
    *args)` (the error text of a statement, or None),
    `mtlib.why_not_received()` (sql/why-not-received.sql and its parameters,
    each None), `mtlib.FIXTURE_SETS` (the fixture log sets the offset index's
    tests compare answers over), `mtlib.write_copies(path, parts, size)` (a
    big log: files put together again and again), `mtlib.gen_log(check,
    tmp, mib, name)` (a bench/gen log in tmp/esa1/, or None after a SKIP), and
    `mtlib.interrupted(db, sql, after)` (a statement interrupted `after`
    seconds in: its error, and the seconds from its start and from the
    interrupt to its return).

This is a package folder (tests/mtlib/), not tests/mtlib.py: tests/run runs
every tests/*.py as a test.  `import mtlib` finds it because Python puts the
script's folder (tests/) first on sys.path.
"""
import json
import os
import re
import sqlite3
import sys
import threading
import time

ROOT = os.environ.get("ROOT") or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXT = os.environ.get("MAILTRACE_EXT") or os.path.join(ROOT, "mailtrace")
DATA = os.path.join(ROOT, "tests", "data")
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "external")

# name -> the sources of one log set of tests/data: what test_index.py and
# test_lookup_bound.py ask through the offset index and without it
FIXTURE_SETS = {
    "esa1": [os.path.join(DATA, "esa1")],
    "two_gateways": [os.path.join(DATA, "esa1"), os.path.join(DATA, "esa2")],
    "restart": [os.path.join(DATA, "restart")],
    "drops": [os.path.join(DATA, "drops")],
    "demo": [os.path.join(DATA, "demo", "esa-demo")],
    "syslog": [os.path.join(DATA, "syslog")],
    "gap": [os.path.join(DATA, "gap")],
}


class Checks:
    """The result lines of one test file and its exit status.

    prefix is put before every name with a dot ("python.index" + "rows" ->
    "python.index.rows"; an empty prefix or name adds nothing); why_max cuts
    a long reason."""

    def __init__(self, prefix="", why_max=None):
        self.prefix = prefix
        self.why_max = why_max
        self.failed = 0

    def name(self, name):
        return ".".join(p for p in (self.prefix, name) if p)

    def __call__(self, name, ok, why=""):
        if ok:
            print("PASS " + self.name(name), flush=True)
        else:
            self.failed += 1
            why = str(why)
            if self.why_max is not None:
                why = why[:self.why_max]
            print("FAIL " + self.name(name) + ": " + why, flush=True)
        return bool(ok)

    def skip(self, name, reason):
        print("SKIP " + self.name(name) + ": " + str(reason), flush=True)

    def status(self):
        """1 when a check failed, else 0."""
        return 1 if self.failed else 0

    def exit(self):
        sys.exit(self.status())


def connect(path=":memory:", **kw):
    db = sqlite3.connect(path, **kw)
    db.enable_load_extension(True)
    db.load_extension(EXT)
    db.enable_load_extension(False)
    return db


def corpus(check, name="corpus"):
    """The public corpus folder, or None (and a SKIP line `name`) when absent."""
    if os.path.isdir(CORPUS):
        return CORPUS
    check.skip(name, "../shared/corpus/external is absent")
    return None


def stats(db):
    (s,) = db.execute("SELECT mailtrace_stats()").fetchone()
    return json.loads(s)


def write_copies(path, parts, size):
    """Write the files `parts` put together to path, again and again, to
    about `size` bytes (once at least): a big log of real-shaped lines.
    Returns the number of copies."""
    chunk = b""
    for p in parts:
        with open(p, "rb") as f:
            chunk += f.read()
    copies = max(1, size // len(chunk))
    with open(path, "wb") as f:
        for _ in range(copies):
            f.write(chunk)
    return copies


def gen_log(check, tmp, mib, name):
    """A bench/gen log of `mib` MiB (seed 7) made in the folder tmp, as
    tmp/esa1/mail.current (one gateway, one file): that folder, or None
    after a SKIP line (no bench/gen.c, no compiler) or a FAIL line (it did
    not generate), both named `name`."""
    import shutil
    import subprocess
    gen_c = os.path.join(ROOT, "bench", "gen.c")
    if not os.path.exists(gen_c):
        check.skip(name, "no bench/gen.c")
        return None
    exe = os.path.join(tmp, "gen")
    r = subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-O1", gen_c, "-lz", "-o", exe],
                       capture_output=True)
    if r.returncode != 0:
        check.skip(name, "cannot build bench/gen: " + r.stderr.decode()[:200])
        return None
    out = os.path.join(tmp, "out")
    os.mkdir(out)
    r = subprocess.run([exe, out, str(mib), "7"], capture_output=True)
    log = os.path.join(out, "all.log")
    if r.returncode != 0 or not os.path.exists(log):
        check(name + ".generated", False, r.stderr.decode()[:200])
        return None
    d = os.path.join(tmp, "esa1")
    os.mkdir(d)
    shutil.move(log, os.path.join(d, "mail.current"))
    return d


def why_not_received():
    """The text of sql/why-not-received.sql and a dict of its named
    parameters, each None (set the ones a question needs)."""
    with open(os.path.join(ROOT, "sql", "why-not-received.sql")) as f:
        sql = f.read()
    return sql, {name: None for name in re.findall(r"(?<!:):([A-Za-z_]\w*)", sql)}


def error_of(db, sql, *args):
    """The error text of running sql to its end, or None."""
    try:
        db.execute(sql, args).fetchall()
    except sqlite3.Error as e:
        return str(e)
    return None


def interrupted(db, sql, after):
    """Run sql to its end, interrupting the connection `after` seconds in
    (no interrupt when after is None).  Returns (error text or None, seconds
    from the start to the return, seconds from the interrupt to the return
    or None when the statement ended before it)."""
    fired = []

    def fire():
        fired.append(time.monotonic())
        db.interrupt()
    timer = threading.Timer(after, fire) if after is not None else None
    if timer:
        timer.start()
    t0 = time.monotonic()
    err = error_of(db, sql)
    end = time.monotonic()
    if timer:
        timer.cancel()
    return err, end - t0, (end - fired[0]) if fired else None
