-- mailtrace_diagnose as people type (issue 10, "Search as people type"):
-- message_id with or without <>, addresses in any case and with or without
-- <>, and a recipient-domain filter (rcpt_domain; domain= matches senders).
-- Expected output written by reading data/esa1 (FACTS.md §2).
.mode list
.headers on
SELECT mailtrace_open('data/esa1') AS files;
SELECT mid, verdict FROM mailtrace_diagnose WHERE message_id = '20261102130113.7781@mail.sender.example';
SELECT mid, verdict FROM mailtrace_diagnose WHERE message_id = '<20261102130113.7781@mail.sender.example>';
SELECT count(*) AS other_case FROM mailtrace_diagnose WHERE message_id = '20261102130113.7781@MAIL.SENDER.EXAMPLE' AND mid IS NOT NULL;
SELECT mid FROM mailtrace_diagnose WHERE sender = ' <ORDERS@Sender.Example> ' ORDER BY mid;
SELECT mid, rcpt_to FROM mailtrace_diagnose WHERE recipient = '<Alice@Example.COM>';
-- rcpt_domain: one row per recipient in that domain
SELECT mid, rcpt_to, verdict FROM mailtrace_diagnose WHERE rcpt_domain = 'partner.example.net' ORDER BY mid, rcpt_to;
SELECT mid, rcpt_to FROM mailtrace_diagnose WHERE rcpt_domain = '@Branch.Example.com';
-- domain= is still the sender's domain: nothing is sent from partner.example.net
SELECT count(*) AS sender_domain FROM mailtrace_diagnose WHERE domain = 'partner.example.net' AND mid IS NOT NULL;
-- nothing matches: the row says what was asked
SELECT verdict, substr(explain, 1, 72) AS explain FROM mailtrace_diagnose WHERE rcpt_domain = 'nowhere.example';
-- positional: ip, cidr, sender, domain, recipient, since, until, tz, rcpt_domain, message_id
SELECT mid FROM mailtrace_diagnose(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '20261102162039.9034@mail.sender.example');
