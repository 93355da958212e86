-- File access only from top-level SQL: a view or trigger stored in a
-- database (which someone may have sent you) cannot read files through
-- mailtrace.  A TEMP view is yours and works.
.mode list
ATTACH ':memory:' AS other;
CREATE VIEW other.v AS SELECT count(*) AS n FROM mailtrace_lines('/etc/passwd');
SELECT * FROM other.v;
CREATE VIEW main.v2 AS SELECT * FROM mailtrace_messages('data/esa2');
SELECT count(*) FROM main.v2;
CREATE TABLE t(x);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT mailtrace_open('/etc'); END;
INSERT INTO t VALUES(1);
CREATE TEMP VIEW mine AS SELECT count(*) AS n FROM mailtrace_lines('data/esa2');
SELECT * FROM mine;
