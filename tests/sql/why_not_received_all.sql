-- sql/why-not-received.sql with no parameter: every connection, and the
-- gateway-made messages (ICID 0) as their own rows, not under the ICID 0
-- refusal; a message without a start is placed at its last line.
.mode list
.headers on
SELECT mailtrace_open('data/esa1') AS files;
.read ../sql/why-not-received.sql
