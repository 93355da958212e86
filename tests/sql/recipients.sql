-- Every recipient of esa1, accepted (with a RID) and refused (RID NULL).
.mode list
.headers on
SELECT mailtrace_open('data/esa1') AS files;
SELECT * FROM recipients ORDER BY mid, rid IS NULL, rid;
SELECT status, count(*) FROM recipients GROUP BY 1 ORDER BY 1;
