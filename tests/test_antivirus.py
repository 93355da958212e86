"""test_antivirus.py — mailtrace_antivirus and the malware diagnosis through
Python's sqlite3 module, as an embedder uses them: the rows of the
hand-read fixture tests/data/logtypes/esa6 (tests/data/FACTS.md), the
table refused inside a view of a database file (SQLITE_VTAB_DIRECTONLY),
and the store shared with the diagnosis (one cached store answers both)."""
import os
import sqlite3
import tempfile

import mtlib
from mtlib import DATA, connect

ESA6 = os.path.join(DATA, "logtypes", "esa6")
ESA5 = os.path.join(DATA, "logtypes", "esa5")
check = mtlib.Checks("python.antivirus")


db = connect(isolation_level=None)
rows = db.execute("SELECT mid, kind, result, virus, part, agrees FROM mailtrace_antivirus(?)", (ESA6,)).fetchall()
check("rows", len(rows) == 10, rows)
check("virus_in_member", (6102, "virus", "VIRAL", "CXmail/MalPE-Q", "body.scan/quote 7781.zip/quote.exe", 1) in rows, rows)
check("encrypted", (6103, "error", "ENCRYPTED", None, None, 1) in rows, rows)
check("timeout_not_compared", (6105, "timeout", "TIMEOUT", None, None, None) in rows, rows)
dis = [r[0] for r in db.execute("SELECT mid FROM mailtrace_antivirus(?) WHERE agrees = 0", (ESA6,))]
check("disagreements", dis == [6106, 6107], dis)
check("int_mid", all(isinstance(r[0], int) for r in rows), rows)

db.execute("SELECT mailtrace_open(?)", (ESA5,))
v = db.execute("SELECT verdict FROM mailtrace_diagnose WHERE mid = 5101").fetchall()
check("retro_verdict", v == [("delivered, later judged malicious",)], v)
v = db.execute("SELECT verdict FROM mailtrace_diagnose WHERE mid = 5103").fetchall()
check("retro_taken_back", v == [("delivered",)], v)

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "x.db")
    w = connect(path, isolation_level=None)
    try:
        w.execute("CREATE VIEW v AS SELECT * FROM mailtrace_antivirus")
        made = True
    except sqlite3.Error:
        made = False
    w.close()
    err = None
    if made:
        r = connect(path, isolation_level=None)
        r.execute("SELECT mailtrace_open(?)", (ESA6,))
        try:
            r.execute("SELECT count(*) FROM v").fetchall()
        except sqlite3.Error as e:
            err = str(e)
        r.close()
    check("directonly_view", made and err is not None and "unsafe use" in err, (made, err))

check.exit()
