-- LIKE/GLOB on text skip lines by their literal before parsing them; the
-- count stays exact (SQLite checks the pattern).  mailtrace_stats() says
-- what the last scan read.
.mode list
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE text LIKE '%192.0.2.10%';
SELECT json_extract(mailtrace_stats(), '$.files_opened'), json_extract(mailtrace_stats(), '$.lines_parsed'),
       json_extract(mailtrace_stats(), '$.lines_skipped');
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE text GLOB '*ICID 5200[12] close*';
SELECT json_extract(mailtrace_stats(), '$.lines_parsed') < 10;
-- LIKE is case-insensitive: a literal with letters is not used to skip
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE text LIKE '%reverse DNS HOST unknown%';
SELECT json_extract(mailtrace_stats(), '$.lines_skipped');
SELECT count(*) FROM mailtrace_lines('data/esa1');
SELECT json_extract(mailtrace_stats(), '$.lines_parsed'), json_extract(mailtrace_stats(), '$.bytes_read') > 20000;
