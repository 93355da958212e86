-- CREATE VIRTUAL TABLE form with sources and options; arguments not allowed then.
.mode list
CREATE VIRTUAL TABLE temp.l USING mailtrace_lines('data/esa1/mail.@*', 'data/esa2/', host=gw, tz=+0100);
SELECT host, count(*) FROM temp.l GROUP BY host;
SELECT count(*) FROM temp.l WHERE text LIKE '%192.0.2.10%';
SELECT count(*) FROM temp.l('data/esa2');
CREATE VIRTUAL TABLE temp.q USING mailtrace_lines("data/syslog/no_host.log", "year=2026", host='edge one');
SELECT DISTINCT host FROM temp.q;
