-- Two gateways in one query keep their ids apart even when they collide.
.mode list
.headers on
SELECT mailtrace_open('data/esa1', 'data/esa2') AS files;
SELECT host, icid, remote_ip, messages FROM connections WHERE icid IN (52001, 52002) ORDER BY host, icid;
SELECT host, mid, icid, mail_from, status FROM messages WHERE mid IN (81001, 81002) ORDER BY host, mid;
SELECT c.host, c.icid, m.mid, m.mail_from
  FROM connections c JOIN messages m ON m.host = c.host AND m.icid = c.icid
 WHERE c.icid = 52001 ORDER BY c.host, m.mid;
SELECT host, count(*) FROM deliveries WHERE dcid = 7301 GROUP BY host ORDER BY host;
-- esa2 is UTC+1: its utc is an hour before its ts
SELECT host, start_ts, start_utc FROM connections WHERE icid = 52001 ORDER BY host;
