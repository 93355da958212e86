-- Errors name the file (and the byte offset for gzip); never fewer rows silently.
.mode list
SELECT count(*) FROM mailtrace_lines('data/nonexistent.log');
SELECT count(*) FROM mailtrace_lines('data/bad/truncated.log.gz');
SELECT count(*) FROM mailtrace_lines('data/bad/corrupt.gz');
SELECT count(*) FROM mailtrace_lines('data/esa1/nomatch*.log');
SELECT count(*) FROM mailtrace_lines('data/esa2', 'tz=+25');
SELECT count(*) FROM mailtrace_lines('data/esa2', 'year=abc');
SELECT count(*) FROM mailtrace_lines('data/esa2', 'colour=blue');
SELECT count(*) FROM mailtrace_lines;
SELECT count(*) FROM mailtrace_lines(NULL);
CREATE VIRTUAL TABLE temp.nope USING mailtrace_lines('data/missing/');
CREATE VIRTUAL TABLE temp.noargs USING mailtrace_lines(host=x);
