-- mailtrace_bounces: the bounce log, one row per (MID, RID), checked against mail_logs
-- (docs/otherlogs.md; the fixture's planted cases: tests/data/FACTS.md "esa7").
.mode list
.headers on
SELECT host, mid, rid, kind, utc, mail_from, rcpt_to, dsn, reason, response, smtp_code, dcid, mail_logs_status, mail_logs_dsn, agrees, "check"
  FROM mailtrace_bounces('data/logtypes/esa7');
.headers off
-- where the two logs disagree
SELECT 'disagree', mid, rid, "check" FROM mailtrace_bounces('data/logtypes/esa7') WHERE agrees = 0;
-- the mixed stream: the bounce log's 7003:0 is the same fact as mail_logs' bounce on DCID 5002
SELECT 'mixed', mid, rid, kind, dsn, mail_logs_status, agrees FROM mailtrace_bounces('data/logtypes/mixed.log', 'year=2026');
-- a bounce log alone: nothing to check against
SELECT 'alone', mid, rid, kind, coalesce(dcid, '-'), coalesce(agrees, 'NULL'), "check" FROM mailtrace_bounces('data/logtypes/esa8/bounces.current');
-- through mailtrace_open
SELECT mailtrace_open('data/logtypes/esa7') IS NOT NULL;
SELECT 'open', count(*), sum(agrees) FROM mailtrace_bounces;
