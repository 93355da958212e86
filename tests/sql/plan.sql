-- Joins are driven from the selective side and the inner side is a lookup
-- by id ("via index"), not a rescan; the store is built once per file set.
.mode list
SELECT mailtrace_open('data/esa1') > 0;
EXPLAIN QUERY PLAN
SELECT c.remote_ip, m.mid FROM connections c JOIN messages m ON m.host = c.host AND m.icid = c.icid
 WHERE c.remote_ip = '192.0.2.10';
EXPLAIN QUERY PLAN SELECT * FROM messages WHERE mid = 81001;
EXPLAIN QUERY PLAN SELECT * FROM deliveries WHERE dcid = 7301;
EXPLAIN QUERY PLAN SELECT * FROM lines WHERE text LIKE '%192.0.2.10%';
SELECT count(*) FROM messages;
SELECT json_extract(mailtrace_stats(), '$.index_hits') > 0, json_extract(mailtrace_stats(), '$.files_opened');
SELECT mid FROM messages WHERE mid = 81001;
SELECT json_extract(mailtrace_stats(), '$.index_hits');
SELECT mid, status FROM messages WHERE mid = '81001' OR mid = 81002.0 OR mid = 'x';
-- IN lists: the whole list in one xFilter call (sqlite3_vtab_in)
EXPLAIN QUERY PLAN SELECT mid, status FROM messages WHERE mid IN (81001, 81005, 99999);
SELECT mid, status FROM messages WHERE mid IN (81001, 81005, 99999, 'x') ORDER BY mid;
SELECT json_extract(mailtrace_stats(), '$.index_hits');
SELECT dcid, mid, result FROM deliveries WHERE dcid IN (SELECT dcid FROM deliveries WHERE mid = 81009) ORDER BY 1, 2;
SELECT count(*) FROM recipients WHERE mid IN (SELECT mid FROM messages WHERE status = 'delivered');
SELECT count(*) FROM recipients WHERE mid + 0 IN (SELECT mid FROM messages WHERE status = 'delivered');
