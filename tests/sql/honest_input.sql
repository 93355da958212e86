-- Honest about its input (issue 14 §2, §3): filter values are normalised (spaces
-- trimmed, <> stripped) or refused with the filter's name and the form it wants;
-- a wrong type is an error; files that are not Cisco mail logs get a verdict that
-- says so; mailtrace_diagnose and mailtrace_history name their logs themselves
-- (source = / IN) without mailtrace_open.  Expected rows: tests/data/FACTS.md §7
-- (demo) and the esa1 subject of MID 81005 (decoded by hand: "Überweisung bestätigen").
.mode list
.headers off
-- no mailtrace_open on this connection: the sources come with the question
SELECT mid, verdict FROM mailtrace_diagnose WHERE ip = ' 10.1.2.30 ' AND source = 'data/demo/esa-demo';
SELECT mid, verdict FROM mailtrace_diagnose WHERE sender = '<hr@example.com>' AND source = 'data/demo/esa-demo';
SELECT mid, verdict FROM mailtrace_diagnose WHERE recipient = ' <J.Smith@client.example.org> ' AND source = 'data/demo/esa-demo';
SELECT mid FROM mailtrace_diagnose WHERE domain = '@example.com' AND source = 'data/demo/esa-demo' ORDER BY mid;
SELECT mid FROM mailtrace_diagnose WHERE sender = '<>' AND source = 'data/demo/esa-demo';
SELECT mid FROM mailtrace_diagnose WHERE subject = 'INVOICE 2026' AND source = 'data/demo/esa-demo' ORDER BY mid;
SELECT mid FROM mailtrace_diagnose WHERE message_id = 'inv-2026-0458@partner.example' AND source = 'data/demo/esa-demo';
SELECT mid FROM mailtrace_diagnose WHERE message_id = '<inv-2026-0458@partner.example>' AND source = 'data/demo/esa-demo';
SELECT mid FROM mailtrace_diagnose WHERE subject = 'Überweisung' AND source IN ('data/esa1', 'data/esa2');
-- several sources and an option in one IN list
SELECT host, mid, verdict FROM mailtrace_diagnose WHERE ip = '192.0.2.10' AND source IN ('data/esa1', 'data/esa2', 'tz=-0500') ORDER BY mid;
-- a subject that no message has: the "never connected" row names the filter
SELECT verdict FROM mailtrace_diagnose WHERE subject = 'no such subject' AND source = 'data/demo/esa-demo';
-- refused values: the filter, the form, the value
SELECT * FROM mailtrace_diagnose WHERE ip = 'not-an-ip' AND source = 'data/demo/esa-demo';
SELECT * FROM mailtrace_diagnose WHERE ip = '192.0.2.0/24' AND source = 'data/demo/esa-demo';
SELECT * FROM mailtrace_diagnose WHERE sender = 'HR <hr@example.com>' AND source = 'data/demo/esa-demo';
SELECT * FROM mailtrace_diagnose WHERE recipient = 'hr@' AND source = 'data/demo/esa-demo';
SELECT * FROM mailtrace_diagnose WHERE domain = 'hr@example.com' AND source = 'data/demo/esa-demo';
SELECT * FROM mailtrace_diagnose WHERE message_id = '< >' AND source = 'data/demo/esa-demo';
SELECT * FROM mailtrace_diagnose WHERE subject = '  ' AND source = 'data/demo/esa-demo';
-- wrong types
SELECT * FROM mailtrace_diagnose WHERE ip = 12345 AND source = 'data/demo/esa-demo';
SELECT * FROM mailtrace_diagnose WHERE sender = x'6872' AND source = 'data/demo/esa-demo';
SELECT * FROM mailtrace_diagnose WHERE ip = '192.0.2.25' AND source = 42;
-- sources that are not mail logs, or not there
SELECT stage, verdict, explain FROM mailtrace_diagnose WHERE ip = '192.0.2.10' AND source = 'data/notmail/access.log';
SELECT stage, verdict FROM mailtrace_diagnose WHERE source = 'data/notmail';
SELECT count(*) FROM mailtrace_diagnose WHERE ip = '203.0.113.99' AND source IN ('data/demo/esa-demo', 'data/notmail');
SELECT * FROM mailtrace_diagnose WHERE ip = '192.0.2.25' AND source = 'data/nothing-here';
SELECT * FROM mailtrace_diagnose WHERE ip = '192.0.2.25' AND source = 'tz=-0500';
SELECT * FROM mailtrace_diagnose WHERE ip = '192.0.2.25';
-- mailtrace_history: its MID must be a MID; its sources may come with it
SELECT count(*), min(utc) FROM mailtrace_history(81009, 'esa1', 'data/esa1');
SELECT count(*) FROM mailtrace_history WHERE mid_arg = 81009 AND host_arg = 'esa1' AND source IN ('data/esa1', 'data/esa2');
SELECT count(*) FROM mailtrace_history(20506, NULL, 'data/demo/esa-demo');
SELECT count(*) FROM mailtrace_history('20506', NULL, 'data/demo/esa-demo');
SELECT count(*) FROM mailtrace_history(NULL, NULL, 'data/demo/esa-demo');
SELECT count(*) FROM mailtrace_history('abc', NULL, 'data/demo/esa-demo');
SELECT count(*) FROM mailtrace_history(20506.5, NULL, 'data/demo/esa-demo');
SELECT count(*) FROM mailtrace_history(20506);
