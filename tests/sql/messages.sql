-- Every message of esa1 with every column (FACTS.md §2.3 "Messages").
.mode list
.headers on
SELECT mailtrace_open('data/esa1') AS files;
SELECT * FROM messages ORDER BY mid;
SELECT status, count(*) FROM messages GROUP BY 1 ORDER BY 1;
