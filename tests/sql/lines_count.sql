-- Every physical line is a row: counts equal `wc -l` (plus a final line
-- without '\n'), gzip counted decompressed.
.mode list
SELECT 'esa1', count(*) FROM mailtrace_lines('data/esa1');                       -- 226 + 115 + 111
SELECT 'esa1 gz only', count(*) FROM mailtrace_lines('data/esa1/mail.@20261102T120000.s.gz');
SELECT 'esa2', count(*) FROM mailtrace_lines('data/esa2/');
SELECT 'syslog', count(*) FROM mailtrace_lines('data/syslog');
SELECT 'continuation', count(*) FROM mailtrace_lines('data/cont');                -- 15 '\n' + a last line
SELECT 'notgz named .gz', count(*) FROM mailtrace_lines('data/bad/notgz.gz');
SELECT 'demo', count(*) FROM mailtrace_lines('data/demo/esa-demo');
SELECT 'two sources', count(*) FROM mailtrace_lines('data/esa1', 'data/esa2');
SELECT 'same file twice', count(*) FROM mailtrace_lines('data/esa2', 'data/esa2/mail.current');
SELECT 'glob', count(*) FROM mailtrace_lines('data/esa1/mail.@*');
-- rows of a file are numbered from 1, offsets increase
SELECT 'lineno', min(lineno), max(lineno), count(DISTINCT offset) FROM mailtrace_lines('data/esa1/mail.current');
