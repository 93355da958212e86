-- Every column of the lines table on real line shapes.
.mode line
SELECT * FROM mailtrace_lines('data/esa1/mail.current') WHERE lineno IN (3, 4);
.mode list
.headers on
-- the header line 1-3 is later than line 4 (the documented quirk): utc uses the file's offset
SELECT lineno, ts, utc, level, icid, mid, dcid, rid, event FROM mailtrace_lines('data/esa1/mail.current') WHERE lineno <= 6;
-- lines that only mention an id in passing get no id
SELECT lineno, event, icid, mid, dcid FROM mailtrace_lines('data/esa1/mail.current') WHERE lineno IN (39, 40, 41);
-- ICID before MID; the MID: and MID, forms; Debug: MID:
SELECT lineno, level, event, icid, mid FROM mailtrace_lines('data/esa1/mail.@20261102T120000.s.gz') WHERE lineno = 98;
SELECT lineno, level, event, mid FROM mailtrace_lines('data/esa1/mail.@20261102T080000.s') WHERE lineno IN (214, 218, 219, 222);
-- levels and events over the whole set
SELECT level, count(*) FROM mailtrace_lines('data/esa1') GROUP BY level ORDER BY level;
SELECT count(*) AS unknown_lines FROM mailtrace_lines('data/esa1') WHERE event IS NULL;
SELECT event, count(*) FROM mailtrace_lines('data/esa1') GROUP BY event ORDER BY event;
