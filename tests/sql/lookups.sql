-- Lookups by id see every row a scan sees: ICID 0 messages, repeated ids
-- after a restart, the many ICID 0 refusals; text filters respect COLLATE.
.mode list
.headers on
SELECT mailtrace_open('data/esa1', 'data/restart/') AS files;
SELECT host, mid, icid FROM messages WHERE icid = 0 ORDER BY mid;
SELECT count(*) AS icid0_by_scan FROM messages WHERE icid + 0 = 0;
SELECT host, icid, remote_ip, start_ts, messages FROM connections WHERE host = 'restart' AND icid = 7 ORDER BY start_ts;
SELECT host, mid, mail_from FROM messages WHERE host = 'restart' AND mid = 5 ORDER BY start_ts;
SELECT host, mid, rcpt_to FROM recipients WHERE host = 'restart' AND mid = 5 ORDER BY rcpt_to;
SELECT count(*) AS refusals FROM connections WHERE host = 'restart' AND icid = 0;
SELECT count(*) AS refusals_by_scan FROM connections WHERE host = 'restart' AND icid + 0 = 0;
SELECT count(*) AS nocase FROM messages WHERE mail_from = 'ORDERS@SENDER.EXAMPLE' COLLATE NOCASE;
SELECT count(*) AS binary FROM messages WHERE mail_from = 'ORDERS@SENDER.EXAMPLE';
SELECT count(*) AS nocase_ip FROM connections WHERE remote_ip = '192.0.2.10' COLLATE NOCASE;
-- restarts: (host, id, generation) tells the two apart
SELECT host, icid, generation, remote_ip FROM connections WHERE host = 'restart' ORDER BY start_utc;
SELECT host, mid, generation, mail_from FROM messages WHERE host = 'restart' ORDER BY start_utc;
SELECT host, mid, generation, rcpt_to FROM recipients WHERE host = 'restart' ORDER BY rcpt_to;
