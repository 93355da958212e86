-- mailtrace_icid_history(icid [, host]): everything about one connection,
-- its messages' whole histories included (issue 10, "a history by ICID").
-- Expected output written by reading data/esa1 and data/esa2 (FACTS.md §2, §3).
.mode list
.headers on
SELECT mailtrace_open('data/esa1', 'data/esa2') AS files;
-- ICID 52001 on esa1: lines 4-64 of the first file are its connection, MIDs 81001
-- and 81002, the bounce notice 81003 made from 81002, and DCIDs 7301 and 7302
SELECT host, count(*) AS lines, min(lineno) AS first, max(lineno) AS last,
       count(DISTINCT mid) AS mids, group_concat(DISTINCT dcid) AS dcids
  FROM mailtrace_icid_history(52001, 'esa1');
SELECT lineno, event FROM mailtrace_icid_history(52001, 'esa1') WHERE mid IS NULL ORDER BY utc;
-- without a host: both gateways' ICID 52001 (esa2: lines 4-23 of its file, MID 81001 and DCID 7301)
SELECT host, count(*) AS lines FROM mailtrace_icid_history(52001) GROUP BY host ORDER BY host;
-- a refused connection on esa1: its three lines (esa2's ICID 52002 is another connection)
SELECT lineno, event, text FROM mailtrace_icid_history(52002, 'esa1');
-- ICID 0 is not a connection; an unknown ICID has no rows; a non-integer is an error (issue 14: never silent)
SELECT count(*) AS icid0 FROM mailtrace_icid_history(0);
SELECT count(*) AS unknown FROM mailtrace_icid_history(999999);
SELECT count(*) AS text_arg FROM mailtrace_icid_history('x');
-- the same as mailtrace_history of its messages, plus the connection's own lines
SELECT count(*) AS same FROM (SELECT file, lineno FROM mailtrace_icid_history(52001, 'esa1') WHERE mid IS NOT NULL OR dcid IS NOT NULL
  EXCEPT SELECT file, lineno FROM (SELECT * FROM mailtrace_history(81001, 'esa1') UNION SELECT * FROM mailtrace_history(81002, 'esa1')));
SELECT * FROM mailtrace_icid_history;
