-- sql/why-not-received.sql on the demo logs, by IP, by sender, by recipient
-- (a gateway-made bounce notice has no connection and still shows).
.mode list
.headers on
SELECT mailtrace_open('data/demo/esa-demo') AS files;
.parameter set :ip '192.0.2.25'
.read ../sql/why-not-received.sql
.parameter set :ip '198.51.100.66'
.read ../sql/why-not-received.sql
.parameter set :ip '203.0.113.99'
.read ../sql/why-not-received.sql
.parameter set :ip '192.0.2.99'
.read ../sql/why-not-received.sql
.parameter clear
.parameter set :recipient 'hr@example.com'
.read ../sql/why-not-received.sql
.parameter clear
.parameter set :sender 'hr@example.com'
.parameter set :since '2026-11-05 13:00:00'
.read ../sql/why-not-received.sql
.parameter clear
.read ../sql/no-reverse-dns.sql
.read ../sql/bounces.sql
.read ../sql/rejected-connections.sql
.read ../sql/top-senders.sql
.parameter set :mid 20506
.read ../sql/history.sql
.read ../sql/slow-banner.sql
