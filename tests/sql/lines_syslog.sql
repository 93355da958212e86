-- The syslog form: host from the line (or host=, or the folder name), no year
-- (year= given here; tests/sh/year.sh checks the inference from mtime), tz=.
.mode list
.headers on
SELECT host, lineno, ts, utc, level, event, mid FROM mailtrace_lines('data/syslog/with_host.log', 'year=2026') WHERE lineno IN (1, 2, 27);
SELECT host, count(*) FROM mailtrace_lines('data/syslog', 'year=2026') GROUP BY host ORDER BY host;
SELECT host, lineno, ts, utc, level FROM mailtrace_lines('data/syslog/no_host.log', 'year=2026', 'tz=-0500', 'host=edge') WHERE lineno IN (6, 7, 9, 17);
SELECT count(*) FROM mailtrace_lines('data/syslog/no_host.log', 'year=2026') WHERE ts IS NULL OR level IS NULL;
