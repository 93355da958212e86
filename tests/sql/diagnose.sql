-- mailtrace_diagnose: one verdict per connection or message, why it was
-- (not) received, with the deciding line.  Every verdict below comes from
-- a fixture that produces it.
.mode list
.headers on
SELECT mailtrace_open('data/esa1') AS files;
SELECT utc, host, remote_ip, icid, mid, mail_from, rcpt_to, stage, verdict, reason_class,
       replace(evidence, 'data/esa1/', '') AS evidence
  FROM mailtrace_diagnose ORDER BY utc, icid, mid;
-- the stages and verdicts seen
SELECT stage, verdict, count(*) FROM mailtrace_diagnose GROUP BY 1, 2 ORDER BY 1, 2;
-- filters: ip, cidr, sender, domain, recipient, since/until, host
SELECT mid, verdict FROM mailtrace_diagnose WHERE ip = '192.0.2.10' ORDER BY mid;
SELECT remote_ip, verdict FROM mailtrace_diagnose WHERE cidr = '203.0.113.0/24' ORDER BY utc;
SELECT mid, verdict FROM mailtrace_diagnose WHERE sender = 'ORDERS@sender.example' ORDER BY mid;
SELECT mid, verdict FROM mailtrace_diagnose WHERE domain = 'example.com' ORDER BY mid;
SELECT mid, rcpt_to, stage, verdict, explain FROM mailtrace_diagnose WHERE recipient = 'nick@elsewhere.example.org';
SELECT mid, rcpt_to, verdict, reason_class FROM mailtrace_diagnose WHERE recipient = 'ghost@nx.example';
SELECT count(*) FROM mailtrace_diagnose WHERE since = '2026-11-02 21:00:00' AND until = '2026-11-02 21:30:00';
SELECT count(*) FROM mailtrace_diagnose WHERE host = 'esa1' AND ip = '198.51.100.7';
-- explanations in full for three typical cases
SELECT verdict, explain FROM mailtrace_diagnose('198.51.100.7');
SELECT verdict, explain FROM mailtrace_diagnose('203.0.113.55');
SELECT verdict, explain FROM mailtrace_diagnose('203.0.113.80');
-- nothing found: said, with what was searched
SELECT verdict, explain FROM mailtrace_diagnose WHERE ip = '192.0.2.99';
SELECT verdict, explain FROM mailtrace_diagnose WHERE ip = '192.0.2.10' AND since = '2027-01-01';
SELECT mailtrace_open('data/gap') AS files;
SELECT verdict, explain FROM mailtrace_diagnose WHERE ip = '192.0.2.99' AND since = '2026-11-10 10:00' AND until = '2026-11-10 11:00';
SELECT verdict FROM mailtrace_diagnose WHERE ip = '192.0.2.99' AND since = '2026-11-10 08:30' AND until = '2026-11-10 11:00';
SELECT remote_ip, verdict FROM mailtrace_diagnose ORDER BY utc;
-- errors
SELECT count(*) FROM mailtrace_diagnose WHERE since = 'yesterday';
SELECT count(*) FROM mailtrace_diagnose WHERE cidr = '10.0.0.0/40';
-- sql/diagnose.sql with .parameter inputs (unset ones do not filter)
SELECT mailtrace_open('data/demo/esa-demo') AS files;
.parameter set :ip '203.0.113.99'
.read ../sql/diagnose.sql
.parameter clear
.parameter set :recipient 'j.smith@client.example.org'
.read ../sql/diagnose.sql
.parameter clear
.parameter set :domain 'partner.example'
.parameter set :host 'esa-demo'
.read ../sql/diagnose.sql
-- since/until in the user's own zone (tz=): the same window as UTC 21:00-21:30
SELECT mailtrace_open('data/esa1') AS files;
SELECT count(*) FROM mailtrace_diagnose WHERE since = '2026-11-02 21:00:00' AND until = '2026-11-02 21:30:00';
SELECT count(*) FROM mailtrace_diagnose WHERE since = '2026-11-02 16:00:00' AND until = '2026-11-02 16:30:00' AND tz = '-0500';
SELECT count(*) FROM mailtrace_diagnose WHERE since = '2026-11-02 16:00:00' AND tz = 'CET';
-- drops by AMP, anti-virus and a message filter; a recipient refused by LDAP
-- (the anti-virus drop line "Dropped by antivirus" is inferred: format.md
-- has no verbatim one)
SELECT mailtrace_open('data/drops') AS files;
SELECT mid, rcpt_to, stage, verdict FROM mailtrace_diagnose ORDER BY mid;
SELECT mid, rcpt_to, stage, verdict, explain FROM mailtrace_diagnose WHERE recipient = 'nobody@example.com';
