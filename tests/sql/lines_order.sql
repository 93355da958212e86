-- Files of a folder come in rotation order, whatever the directory lists:
-- mail.@…080000.s, mail.@…120000.s.gz, then mail.current.
.mode list
SELECT DISTINCT file FROM mailtrace_lines('data/esa1');
-- first and last line of each file
SELECT file, min(lineno), max(lineno), min(ts), max(ts) FROM mailtrace_lines('data/esa1') GROUP BY file ORDER BY min(rowid);
