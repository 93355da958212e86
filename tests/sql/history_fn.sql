-- mailtrace_history(mid [, host]): every line of a message, its connection
-- and its deliveries, across rotated and gzipped files, with the messages
-- linked to it both ways (split, rewritten, generated, bounce).
.mode list
.headers on
SELECT mailtrace_open('data/esa1', 'data/esa2') AS files;
SELECT utc, host, icid, mid, dcid, rid, event, file, lineno FROM mailtrace_history(81009, 'esa1');
-- a split: parent and child, from either side
SELECT count(*), group_concat(DISTINCT mid) FROM mailtrace_history(81012, 'esa1');
SELECT count(*), group_concat(DISTINCT mid) FROM mailtrace_history(81013, 'esa1');
-- a bounce notice and the message it reports
SELECT group_concat(DISTINCT mid) FROM mailtrace_history(81003, 'esa1');
-- the same MID on two gateways: without a host, both
SELECT host, count(*) FROM mailtrace_history(81001) GROUP BY host ORDER BY host;
SELECT count(*) FROM mailtrace_history(4242);
SELECT count(*) FROM mailtrace_history('abc');
SELECT count(*) FROM mailtrace_history;
-- with the injection debug log among the sources: the SMTP conversation too
SELECT mailtrace_open('data/esa1', 'data/injection/injection.@20261102T080000.s', 'host=esa1') AS files;
SELECT event, count(*) FROM mailtrace_history(81001) WHERE event LIKE 'smtp.%' GROUP BY 1 ORDER BY 1;
SELECT utc, icid, event, text FROM mailtrace_history(81001) WHERE event LIKE 'smtp.%' LIMIT 3;
