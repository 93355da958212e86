# SPDX-License-Identifier: MIT
"""test_schema_safety.py — a database file someone else wrote cannot make
mailtrace read or write files (docs/lines.md, "Safety"), through each vector:
a view, a trigger, a CHECK constraint, a DEFAULT, a generated column, a
stored virtual table (with sources, or with index=DIR), and an ATTACHed
database; and the connection's opt-in, mailtrace_trust_schema(1), works and
cannot be switched on by the schema itself."""
import os
import shutil
import sqlite3
import sys
import tempfile

import mtlib
from mtlib import DATA, error_of

LOGS = os.path.join(DATA, "esa2")
check = mtlib.Checks("python.schema")


def connect(path):
    return mtlib.connect(path, isolation_level=None)


def opened(db):
    """The sources mailtrace_open last set on this connection (temp.lines)."""
    try:
        return db.execute("SELECT DISTINCT file FROM temp.lines LIMIT 1").fetchone()[0]
    except sqlite3.Error:
        return None


def main():
    tmp = tempfile.mkdtemp()
    try:
        secret = os.path.join(tmp, "secret.txt")
        with open(secret, "w") as f:
            f.write("Mon Nov  2 08:00:00 2026 Info: the victim's file\n")
        evil = os.path.join(tmp, "evil.db")
        ixdir = os.path.join(tmp, "planted-index")
        os.mkdir(ixdir)

        # The attacker writes the database, with mailtrace loaded and trusting
        # its own schema (as anyone can on their own machine).
        a = connect(evil)
        error_of(a, "SELECT mailtrace_trust_schema(1)")
        a.executescript(f"""
            CREATE VIRTUAL TABLE vt USING mailtrace_lines('{secret}');
            CREATE VIRTUAL TABLE vix USING mailtrace_messages('{LOGS}', 'index={ixdir}');
            CREATE VIEW v AS SELECT text FROM mailtrace_lines('{secret}');
            CREATE VIEW vopen AS SELECT mailtrace_open('{secret}');
            CREATE TABLE t(x);
            CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT mailtrace_open('{secret}'); END;
            CREATE TABLE c(x, CHECK (mailtrace_open('{secret}') >= 0));
            CREATE TABLE ct(x, CHECK (mailtrace_trust_schema(1) >= 0));
            CREATE TABLE d(x, y DEFAULT (mailtrace_open('{secret}')));
        """)
        a.close()
        # a generated column cannot be created with mailtrace_open (not
        # deterministic): write it into another database's schema by hand
        evil2 = os.path.join(tmp, "evil2.db")
        raw = sqlite3.connect(evil2)
        raw.execute("CREATE TABLE g(x, y)")
        raw.execute("PRAGMA writable_schema=ON")
        raw.execute("UPDATE sqlite_schema SET sql = ? WHERE name = 'g'",
                    (f"CREATE TABLE g(x, y AS (mailtrace_open('{secret}')))",))
        raw.commit()
        raw.close()

        # The victim opens it: mailtrace loaded, no trust.
        db = connect(evil)
        db.execute("SELECT mailtrace_open(?)", (LOGS,))
        mine = opened(db)

        e = error_of(db, "SELECT * FROM vt")
        check("stored_virtual_table_refused", e and "must be in TEMP" in e, e)
        e = error_of(db, "SELECT * FROM vix WHERE mid = 81001")
        check("stored_index_dir_refused", e and "must be in TEMP" in e and os.listdir(ixdir) == [],
              (e, os.listdir(ixdir)))
        e = error_of(db, "SELECT * FROM v")
        check("view_refused", e and "unsafe use of virtual table" in e, e)
        e = error_of(db, "SELECT * FROM vopen")
        check("view_calling_open_refused", e and "unsafe use of mailtrace_open" in e, e)
        e = error_of(db, "INSERT INTO t VALUES (1)")
        check("trigger_refused", e and "unsafe use of mailtrace_open" in e, e)
        e = error_of(db, "INSERT INTO c VALUES (1)")
        check("check_constraint_refused", e and "unsafe use of mailtrace_open" in e, e)
        e = error_of(db, "INSERT INTO ct VALUES (1)")
        check("check_cannot_switch_trust_on", e and "unsafe use of mailtrace_trust_schema" in e
              and db.execute("SELECT mailtrace_trust_schema()").fetchone()[0] == 0, e)
        e = error_of(db, "INSERT INTO d(x) VALUES (1)")
        check("default_refused", e and "unsafe use of mailtrace_open" in e, e)
        g = connect(evil2)
        e = error_of(g, "INSERT INTO g(x) VALUES (1)")
        check("generated_column_refused", e and "non-deterministic functions prohibited" in e
              and opened(g) is None, e)
        g.close()
        check("open_sources_unchanged", opened(db) == mine and mine and "esa2" in mine, (opened(db), mine))

        # The same database ATTACHed to the victim's own connection.
        v2 = connect(":memory:")
        v2.execute("ATTACH ? AS e", (evil,))
        e = error_of(v2, "SELECT * FROM e.vt")
        check("attached_virtual_table_refused", e and "must be in TEMP" in e, e)
        e = error_of(v2, "SELECT * FROM e.v")
        check("attached_view_refused", e and "unsafe use of virtual table" in e, e)
        e = error_of(v2, "INSERT INTO e.c VALUES (1)")
        check("attached_check_refused", e and "unsafe use of mailtrace_open" in e, e)
        # ... and the victim's own CREATE in an attached or main schema
        e = error_of(v2, f"CREATE VIRTUAL TABLE e.mine USING mailtrace_lines('{LOGS}')")
        check("create_outside_temp_refused", e and "must be in TEMP" in e, e)
        e = error_of(v2, f"CREATE VIRTUAL TABLE temp.mine USING mailtrace_lines('{LOGS}')")
        check("create_in_temp_allowed", e is None, e)
        v2.close()

        # The opt-in: the application trusts this database's schema.
        (on,) = db.execute("SELECT mailtrace_trust_schema(1)").fetchone()
        rows = db.execute("SELECT count(*) FROM vt").fetchone()[0] if on == 1 else None
        check("trusted_schema_reads", on == 1 and rows == 1, (on, rows))
        e = error_of(db, "INSERT INTO c VALUES (1)")
        check("check_refused_even_when_trusted", e and "unsafe use of mailtrace_open" in e, e)
        db.execute("SELECT mailtrace_trust_schema(0)")
        db.close()
        # a new connection starts untrusted
        db = connect(evil)
        e = error_of(db, "SELECT * FROM vt")
        check("trust_is_per_connection", e and "must be in TEMP" in e, e)
        db.close()
    finally:
        shutil.rmtree(tmp)
    return check.status()


if __name__ == "__main__":
    sys.exit(main())
