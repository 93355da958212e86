-- A line without a prefix is a continuation: its own row, level/ts NULL.
-- CRLF is stripped; the last line has no '\n' and still comes back.
.mode list
.headers on
SELECT lineno, offset, ts IS NOT NULL AS has_ts, level, event, length(text) AS len, text FROM mailtrace_lines('data/cont');
