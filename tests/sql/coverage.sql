-- mailtrace_coverage: one row per host and file: the span, unknown lines,
-- the gap from the previous file, restarts, which optional line kinds occur
-- at all (and which never do), and the host's message accounting.
.mode list
.headers on
SELECT mailtrace_open('data/esa1', 'data/esa2', 'data/gap', 'data/restart') AS files;
SELECT host, file, first_utc, last_utc, lines, unknown_lines, gap_before_s, restarts, present, absent,
       messages, messages_terminal, messages_open, accounted_pct
  FROM mailtrace_coverage;
-- with its own sources
SELECT host, lines, absent FROM mailtrace_coverage('data/syslog', 'year=2026');
SELECT count(*) FROM mailtrace_coverage('data/none');
