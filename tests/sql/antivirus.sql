-- mailtrace_antivirus: the anti-virus log, one row per line that names a MID, checked
-- against mail_logs' anti-virus verdict (docs/otherlogs.md; the fixture's planted cases:
-- tests/data/FACTS.md "esa6").
.mode list
.headers on
SELECT host, mid, utc, engine, rank, kind, result, virus, part, error, error_code, scan_limit, detail, flags,
       mail_logs_verdict, mail_logs_viruses, agrees, "check"
  FROM mailtrace_antivirus('data/logtypes/esa6');
.headers off
-- where the two logs disagree
SELECT 'disagree', mid, "check" FROM mailtrace_antivirus('data/logtypes/esa6') WHERE agrees = 0;
-- the lines without a MID (the database warning and its continuation lines) make no row
SELECT 'lines', count(*), sum(mid IS NOT NULL) FROM mailtrace_lines('data/logtypes/esa6/antivirus.current') WHERE log_type = 'antivirus';
SELECT 'rows', count(*) FROM mailtrace_antivirus('data/logtypes/esa6/antivirus.current');
-- the anti-virus log alone: nothing to check against
SELECT 'alone', mid, kind, coalesce(agrees, 'NULL'), "check" FROM mailtrace_antivirus('data/logtypes/esa8/antivirus.current');
-- the mixed syslog stream (tag antivirus)
SELECT 'mixed', host, mid, kind, result, virus, part, agrees FROM mailtrace_antivirus('data/logtypes/mixed.log', 'year=2026');
-- the same lines through the event grammar
SELECT 'event', mid, event FROM mailtrace_lines('data/logtypes/esa6/antivirus.current') WHERE mid IN (6103, 6104, 6105);
-- through mailtrace_open
SELECT mailtrace_open('data/logtypes/esa6') IS NOT NULL;
SELECT 'open', count(*), sum(agrees), sum(agrees = 0) FROM mailtrace_antivirus;
