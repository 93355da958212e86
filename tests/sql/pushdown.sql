-- LIKE/GLOB on text skip lines by their literal before parsing them; the
-- count stays exact (SQLite checks the pattern).  mailtrace_stats() says
-- what the last scan read.
.mode list
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE text LIKE '%192.0.2.10%';
SELECT json_extract(mailtrace_stats(), '$.files_opened'), json_extract(mailtrace_stats(), '$.lines_parsed'),
       json_extract(mailtrace_stats(), '$.lines_skipped');
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE text GLOB '*ICID 5200[12] close*';
SELECT json_extract(mailtrace_stats(), '$.lines_parsed'), json_extract(mailtrace_stats(), '$.lines_skipped');
-- LIKE is case-insensitive: a literal with letters is not used to skip
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE text LIKE '%reverse DNS HOST unknown%';
SELECT json_extract(mailtrace_stats(), '$.lines_skipped');
SELECT count(*) FROM mailtrace_lines('data/esa1');
SELECT json_extract(mailtrace_stats(), '$.lines_parsed'), json_extract(mailtrace_stats(), '$.bytes_read') > 20000;
-- Time bounds on ts/utc skip whole files that lie outside (a gzip file's
-- end is unknown without reading it, so it is read); counts stay exact.
EXPLAIN QUERY PLAN SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE ts >= '2026-11-02 16:10' AND ts < '2026-11-02 16:20';
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE ts >= '2026-11-02 16:10' AND ts < '2026-11-02 16:20';
SELECT json_extract(mailtrace_stats(), '$.files_skipped'), json_extract(mailtrace_stats(), '$.lines_parsed');
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE utc BETWEEN '2026-11-02 13:00' AND '2026-11-02 14:00';
SELECT json_extract(mailtrace_stats(), '$.files_skipped'), json_extract(mailtrace_stats(), '$.lines_parsed');
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE ts = '2026-11-02 08:01:12';
SELECT json_extract(mailtrace_stats(), '$.files_skipped');
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE ts > '2027';
SELECT json_extract(mailtrace_stats(), '$.files_skipped'), json_extract(mailtrace_stats(), '$.lines_parsed');
-- the same count without the bounds, by a scan
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE ts || '' >= '2026-11-02 16:10' AND ts || '' < '2026-11-02 16:20';
-- LIMIT stops the scan: only the first chunk of the first file is read and
-- three lines parsed; ORDER BY rowid (the file order) needs no sort.
SELECT lineno FROM mailtrace_lines('data/esa1') LIMIT 3;
SELECT json_extract(mailtrace_stats(), '$.files_opened'), json_extract(mailtrace_stats(), '$.lines_parsed');
EXPLAIN QUERY PLAN SELECT lineno FROM mailtrace_lines('data/esa1') ORDER BY rowid;
EXPLAIN QUERY PLAN SELECT lineno FROM mailtrace_lines('data/esa1') ORDER BY ts;
-- A bound that does not sort like the column's text ('T' instead of a
-- space, stray characters) is not used to skip files: counts stay exact.
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE ts < '2026-11-02T12:30';
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE ts || '' < '2026-11-02T12:30';
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE ts < '2026-11-02/';
SELECT json_extract(mailtrace_stats(), '$.files_skipped');
