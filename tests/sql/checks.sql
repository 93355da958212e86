-- The live checks without the network: they cannot be used from a view or
-- trigger stored in a database (they reach the network), their argument
-- errors, and sender_ips(), which reads only the logs unless asked for 'mx'.
-- The network paths are in tests/test_checks.py (loopback servers).
.mode list
CREATE VIEW main.v1 AS SELECT reverse_dns('192.0.2.10') AS j;
SELECT * FROM main.v1;
CREATE VIEW main.v2 AS SELECT * FROM mx('sender.example');
SELECT * FROM main.v2;
CREATE VIEW main.v3 AS SELECT smtp_probe('192.0.2.25') AS j;
SELECT * FROM main.v3;
CREATE TABLE t(x);
CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT * FROM sender_ips('sender.example'); END;
INSERT INTO t VALUES(1);
CREATE TRIGGER tr2 AFTER INSERT ON t BEGIN SELECT * FROM reverse_dns('192.0.2.10'); END;
INSERT INTO t VALUES(2);
-- argument errors (no query leaves the machine)
SELECT reverse_dns('not-an-ip');
SELECT reverse_dns('192.0.2.10', 'retries=3');
SELECT reverse_dns('192.0.2.10', 'resolver=192.0.2.53:99999');
SELECT reverse_dns('192.0.2.10', 'timeout=0');
SELECT * FROM reverse_dns('300.1.2.3');
SELECT * FROM mx;
SELECT * FROM mx('a..b');
SELECT smtp_probe('192.0.2.25', 0);
SELECT smtp_probe('192.0.2.25', 25, -1);
SELECT smtp_probe('192.0.2.25', 25, 5, 'helo=');
SELECT reverse_dns(NULL) IS NULL AS null_in_null_out, smtp_probe(NULL) IS NULL AS probe_null;
SELECT * FROM sender_ips('sender.example');
-- sender_ips from the logs of mailtrace_open (no network)
SELECT mailtrace_open('data/esa1', 'data/esa2') AS files;
.mode box
SELECT * FROM sender_ips('sender.example');
SELECT ip, reverse_dns, dns_verified, messages, connections, gateways FROM sender_ips('@example.com');
SELECT ip, reverse_dns, dns_verified, messages, connections, first_seen, gateways FROM sender_ips('*.example.com');
SELECT ip, reverse_dns, dns_verified, messages, first_seen, gateways FROM sender_ips('CHEAP.example.com');
SELECT count(*) AS rows FROM sender_ips('nobody.example');
.mode list
SELECT * FROM sender_ips('');
SELECT * FROM sender_ips('user@sender.example');
SELECT * FROM sender_ips('sender.example', 'bogus');
-- the diagnosis suggests the check; it runs it only with live = on
SELECT mailtrace_open('data/demo/esa-demo') AS files;
SELECT remote_ip, verdict, suggest, live_result IS NULL AS not_run FROM mailtrace_diagnose WHERE ip = '203.0.113.99';
SELECT count(*) AS rows, count(suggest) AS suggested, count(live_result) AS run FROM mailtrace_diagnose;
