-- Every delivery attempt of esa1 (one row per DCID, MID and RID; DCID 0
-- bounces and connection errors included).
.mode list
.headers on
SELECT mailtrace_open('data/esa1') AS files;
SELECT * FROM deliveries ORDER BY start_utc, dcid, mid, rid;
SELECT result, count(*) FROM deliveries GROUP BY 1 ORDER BY 1;
