-- The entity tables as table-valued functions and with CREATE VIRTUAL TABLE.
.mode list
SELECT count(*) FROM mailtrace_connections('data/esa1');
SELECT count(*) FROM mailtrace_messages('data/esa1', 'data/esa2');
SELECT count(*) FROM mailtrace_recipients('data/esa1/mail.current');
SELECT count(*) FROM mailtrace_deliveries('data/esa1/mail.@20261102T120000.s.gz');
SELECT mid, status FROM mailtrace_messages('data/esa1') WHERE mid = 81009;
CREATE VIRTUAL TABLE temp.m2 USING mailtrace_messages('data/esa2/', host=edge2);
SELECT DISTINCT host FROM temp.m2;
SELECT count(*) FROM mailtrace_messages;
SELECT count(*) FROM mailtrace_deliveries('data/none');
-- calling mailtrace_open again replaces the tables
SELECT mailtrace_open('data/esa2');
SELECT count(*) FROM messages;
SELECT mailtrace_open('data/esa1', 'host=x');
SELECT DISTINCT host FROM lines;
SELECT mailtrace_open('data/nothing-here');
