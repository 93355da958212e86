-- mailtrace_diagnose over sources that hold only the gateway's other logs
-- (issue 10 finding 10 met issue 14 §2): no invented verdict about mail, and
-- not "unrecognised" either: the lines are recognised, as another log.
-- Expected rows read by hand from the fixtures (tests/data/FACTS.md, "other logs in the diagnosis").
.mode list
SELECT verdict, explain FROM mailtrace_diagnose WHERE source = 'data/logtypes/esa7/bounces.current';
SELECT verdict, explain FROM mailtrace_diagnose WHERE source IN ('data/logtypes/esa8/amp.current', 'data/logtypes/esa8/antivirus.current') AND ip = '192.0.2.10';
-- with the mail log beside them, the diagnosis is about the mail log's messages again
SELECT count(*) > 0, sum(verdict = 'no mail_logs lines') FROM mailtrace_diagnose WHERE source = 'data/logtypes/esa8';
