-- mailtrace_smtp.side: who wrote the data, told from the data (issue 10,
-- finding 14).  data/injection_doc has the shape of Cisco's documented
-- example, where `Sent` carries the client's commands; data/injection has
-- the opposite labels.  Expected output written by reading the files.
.mode list
.headers on
SELECT lineno, icid, seq, direction, side, substr(data, 1, 24) AS data FROM mailtrace_smtp('data/injection_doc') ORDER BY lineno;
-- the documented question "what did the client send?" works on both labellings
SELECT count(*) AS client_lines, group_concat(DISTINCT direction) AS word FROM mailtrace_smtp('data/injection_doc') WHERE side = 'client';
SELECT count(*) AS client_lines, group_concat(DISTINCT direction) AS word FROM mailtrace_smtp('data/injection') WHERE side = 'client';
SELECT direction, side, count(*) FROM mailtrace_smtp('data/injection') GROUP BY 1, 2 ORDER BY 1, 2;
-- the icid = ? prefilter keeps the per-connection decision
SELECT seq, side FROM mailtrace_smtp('data/injection_doc') WHERE icid = 102504001 ORDER BY seq;
