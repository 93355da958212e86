-- Every connection of esa1 with every column (FACTS.md §2.3 "Connections").
.mode list
.headers on
SELECT mailtrace_open('data/esa1') AS files;
SELECT * FROM connections ORDER BY start_utc, icid;
SELECT end_state, count(*) FROM connections GROUP BY 1 ORDER BY 1;
