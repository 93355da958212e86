-- mailtrace_health: the gateway's own trouble next to the mail it affects
-- (issue 10, "Gateway health").  data/health holds a mail log and an error
-- log of one gateway (FACTS.md "health"); expected output written by hand.
.mode list
.headers on
SELECT mailtrace_open('data/health') AS files;
SELECT utc, level, kind, replace(file, 'data/health/', '') AS file, lineno, mid, status, quarantine
  FROM mailtrace_health ORDER BY utc, lineno, mid;
-- what hit one message
SELECT utc, text FROM mailtrace_health WHERE mid = 95002;
-- a message in quarantine an hour later is not listed; nor is a delivered one
SELECT count(*) AS not_listed FROM mailtrace_health WHERE mid IN (95003, 95004);
-- next to the diagnosis
SELECT d.mid, d.verdict, h.text FROM mailtrace_diagnose d JOIN mailtrace_health h ON h.host = d.host AND h.mid = d.mid ORDER BY d.mid;
-- with sources of its own, and over the public error-log shape
SELECT kind, count(*) FROM mailtrace_health('data/health/errors.current') GROUP BY kind ORDER BY kind;
SELECT count(*) AS none FROM mailtrace_health('data/esa2');
