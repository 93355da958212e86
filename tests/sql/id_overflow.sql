-- Ids with more digits than 64 bits hold (MID 18446744073709551615, a
-- 30-digit MID) would all saturate to one value: they are never used as ids.
-- mailtrace_lines shows them NULL; the entity tables stop with an error
-- naming the file and line, or with on_error=skip leave the line out and
-- list it in mailtrace_errors.
SELECT 'line', lineno, mid, icid FROM mailtrace_lines('data/overflow/esa9') WHERE lineno IN (2, 4, 5);
SELECT 'eq', count(*) FROM mailtrace_lines('data/overflow/esa9') WHERE mid = 9223372036854775807;
SELECT 'full', count(*) FROM mailtrace_messages('data/overflow/esa9', 'index=off');
SELECT 'lookup', count(*) FROM mailtrace_messages('data/overflow/esa9') WHERE mid = 9223372036854775807;
SELECT 'skip', mid FROM mailtrace_messages('data/overflow/esa9', 'on_error=skip') ORDER BY mid;
SELECT 'errors', offset, message FROM mailtrace_errors ORDER BY offset;
