-- on_error=skip: read what can be read (every whole line before the damage),
-- record each problem in mailtrace_errors; the default stops with an error.
.mode list
.headers on
SELECT count(*) AS lines FROM mailtrace_lines('data/bad/', 'on_error=skip');
SELECT file, offset, message FROM mailtrace_errors ORDER BY file;
SELECT count(*) AS truncated_lines FROM mailtrace_lines('data/bad/truncated.log.gz', 'on_error=skip');
SELECT count(*) AS corrupt_lines FROM mailtrace_lines('data/bad/corrupt.gz', 'on_error=skip');
SELECT count(*) AS errors_now FROM mailtrace_errors;
SELECT count(*) AS notgz FROM mailtrace_lines('data/bad/notgz.gz');
SELECT count(*) AS errors_after_clean_scan FROM mailtrace_errors;
SELECT count(*) AS messages FROM mailtrace_messages('data/bad', 'on_error=skip');
SELECT count(*) AS errors_from_entities FROM mailtrace_errors;
SELECT count(*) FROM mailtrace_lines('data/bad/', 'on_error=fail');
SELECT count(*) FROM mailtrace_lines('data/bad/', 'on_error=maybe');
-- a query served from the cache shows the problems its build recorded
SELECT count(*) FROM mailtrace_lines('data/esa2');
SELECT count(*) AS errors_after_clean_lines FROM mailtrace_errors;
SELECT count(*) FROM mailtrace_messages('data/bad', 'on_error=skip');
SELECT count(*) AS errors_from_cached_store FROM mailtrace_errors;
