-- mailtrace_smtp: the SMTP conversation of each connection, from injection
-- debug logs (docs/smtp.md).  data/injection holds one injection debug log
-- (ICIDs 52001 and 52012, the esa1 connections from 192.0.2.10) and
-- mixed.log, where mail_logs lines and injection lines share one file.
.mode list
.headers on
-- the columns, and the 16 hidden argument columns of the table-valued form
SELECT group_concat(name || ' ' || type, ', ') AS columns, (SELECT count(*) FROM pragma_table_xinfo('mailtrace_smtp') WHERE hidden) AS hidden
  FROM pragma_table_xinfo('mailtrace_smtp') WHERE NOT hidden;
.mode line
-- every column of one row (data's CR LF shown as <CRLF>)
SELECT host, icid, seq, ts, utc, direction, replace(data, char(13, 10), '<CRLF>') AS data, file, lineno
  FROM mailtrace_smtp('data/injection/injection.@20261102T080000.s') WHERE lineno = 4;
.mode list
-- one row per injection line; seq counts 1, 2, 3, ... per (host, icid)
SELECT host, icid, count(*) AS rows, min(seq), max(seq), sum(direction = 'Sent') AS sent,
       sum(direction = 'Rcvd') AS rcvd, min(ts), max(ts), min(utc), count(DISTINCT file) AS files
  FROM mailtrace_smtp('data/injection') GROUP BY host, icid ORDER BY icid;
SELECT count(*) AS seq_not_in_file_order FROM (
  SELECT seq, row_number() OVER (PARTITION BY host, icid ORDER BY file, lineno) AS rn
    FROM mailtrace_smtp('data/injection')) WHERE seq <> rn;
-- the whole conversation of ICID 52012 (CR LF and TAB shown as <CRLF> <TAB>;
-- a BLOB as x'hex')
SELECT seq, ts, direction, typeof(data) AS type, length(CAST(data AS BLOB)) AS bytes,
       CASE typeof(data) WHEN 'blob' THEN 'x''' || hex(data) || ''''
            ELSE replace(replace(data, char(13, 10), '<CRLF>'), char(9), '<TAB>') END AS data
  FROM mailtrace_smtp('data/injection') WHERE icid = 52012 ORDER BY seq;
-- exact bytes: \r\n, \t, \\, a "..." repr holding ', UTF-8 \xe2\x82\xac, invalid \xff
SELECT lineno, seq, typeof(data) AS type, length(CAST(data AS BLOB)) AS bytes, hex(data)
  FROM mailtrace_smtp('data/injection/injection.@20261102T080000.s') WHERE lineno IN (4, 20, 31, 47);
SELECT hex(CAST(substr(data, instr(data, 'To:'), 38) AS BLOB)) AS folded_to,
       hex(CAST(substr(data, instr(data, 'Total:')) AS BLOB)) AS euro_total,
       substr(data, instr(data, 'Total:') + 7, 1) = char(8364) AS is_euro_sign
  FROM mailtrace_smtp('data/injection') WHERE icid = 52001 AND seq = 16;
SELECT seq, substr(data, instr(data, 'The customer'), 32) AS text, instr(data, '\') AS backslash
  FROM mailtrace_smtp('data/injection') WHERE icid = 52001 AND seq = 25;
SELECT seq, substr(data, instr(data, 'Saved as'), 38) AS text,
       length(data) - length(replace(data, '\', '')) AS backslashes
  FROM mailtrace_smtp('data/injection') WHERE icid = 52012 AND seq = 14;
SELECT typeof(data), count(*) FROM mailtrace_smtp('data/injection') GROUP BY 1 ORDER BY 1;
-- the connections from 192.0.2.10: join on (host, icid).  The esa1 folder
-- gives host esa1; the injection folder would give host "injection", so
-- host=esa1 names the gateway.
SELECT count(*) AS joined_without_host FROM mailtrace_smtp('data/injection') s
  JOIN mailtrace_connections('data/esa1') c ON c.host = s.host AND c.icid = s.icid;
SELECT c.host, c.icid, c.remote_ip, c.reverse_dns, count(*) AS smtp_rows,
       min(s.ts) = c.start_ts AS same_start, max(s.ts) = c.end_ts AS same_end, c.messages
  FROM mailtrace_smtp('data/injection', 'host=esa1') s
  JOIN mailtrace_connections('data/esa1') c ON c.host = s.host AND c.icid = s.icid
 WHERE c.remote_ip = '192.0.2.10' GROUP BY c.host, c.icid ORDER BY c.icid;
SELECT c.icid, s.seq, s.ts, rtrim(s.data, char(13, 10)) AS command
  FROM mailtrace_smtp('data/injection', 'host=esa1') s
  JOIN mailtrace_connections('data/esa1') c ON c.host = s.host AND c.icid = s.icid
 WHERE c.remote_ip = '192.0.2.10' AND s.direction = 'Rcvd'
   AND (s.data LIKE 'MAIL FROM:%' OR s.data LIKE 'RCPT TO:%')
 ORDER BY c.icid, s.seq;
-- each "250 ok:  Message N accepted" names a message of that connection
SELECT s.icid, s.seq, s.ts, m.mid, m.mail_from, m.status
  FROM mailtrace_smtp('data/injection', 'host=esa1') s
  JOIN mailtrace_messages('data/esa1') m
    ON m.host = s.host AND m.icid = s.icid AND s.data = '250 ok:  Message ' || m.mid || ' accepted' || char(13, 10)
 ORDER BY s.icid, s.seq;
-- content, not names: mail_logs lines are not rows, even in the same file
SELECT count(*) AS smtp_rows_in_esa1 FROM mailtrace_smtp('data/esa1');
SELECT count(*) AS lines FROM mailtrace_lines('data/injection/mixed.log');
SELECT count(*) AS smtp_rows, group_concat(lineno, ',') AS linenos FROM mailtrace_smtp('data/injection/mixed.log');
SELECT lineno, level, substr(text, 1, 48) AS text FROM mailtrace_lines('data/injection/mixed.log')
 WHERE lineno NOT IN (SELECT lineno FROM mailtrace_smtp('data/injection/mixed.log')) ORDER BY lineno;
-- the syslog-form line (9) is a row too: the prefix is the line grammar's
SELECT lineno, host, icid, seq, ts, utc, direction, rtrim(data, char(13, 10)) AS data
  FROM mailtrace_smtp('data/injection/mixed.log') WHERE lineno IN (8, 9, 11);
SELECT icid, remote_ip, messages, end_state FROM mailtrace_connections('data/injection/mixed.log');
-- icid = ? is pushed down: only lines holding "52012 " are parsed; SQLite
-- still checks the equality (a text or real value is compared by SQLite)
EXPLAIN QUERY PLAN SELECT * FROM mailtrace_smtp('data/injection') WHERE icid = 52012;
SELECT count(*), min(seq), max(seq) FROM mailtrace_smtp('data/injection') WHERE icid = 52012;
SELECT json_extract(mailtrace_stats(), '$.lines_parsed') AS parsed, json_extract(mailtrace_stats(), '$.lines_skipped') AS skipped;
SELECT count(*) FROM mailtrace_smtp('data/injection') WHERE icid = '52012';
SELECT count(*) FROM mailtrace_smtp('data/injection') WHERE icid = 52012.0;
SELECT count(*) FROM mailtrace_smtp('data/injection') WHERE icid = 5201;
SELECT icid, count(*), max(seq) FROM mailtrace_smtp('data/injection') WHERE icid IN (52001, 52022, 1) GROUP BY icid;
-- CREATE VIRTUAL TABLE with sources and options; the header's offset wins over tz=
CREATE VIRTUAL TABLE temp.s USING mailtrace_smtp('data/injection/', host=esa1, tz=+0100);
SELECT host, icid, count(*), min(utc) FROM temp.s GROUP BY host, icid ORDER BY icid;
SELECT count(*) FROM temp.s WHERE icid = 52022;
SELECT count(*) FROM temp.s('data/esa2');
DROP TABLE temp.s;
-- errors name the file or the argument
.headers off
SELECT count(*) FROM mailtrace_smtp('data/injection/missing.log');
SELECT count(*) FROM mailtrace_smtp('data/bad/truncated.log.gz');
SELECT count(*) FROM mailtrace_smtp('data/injection', 'colour=blue');
SELECT count(*) FROM mailtrace_smtp('host=esa1');
SELECT count(*) FROM mailtrace_smtp;
SELECT count(*) FROM mailtrace_smtp(NULL);
CREATE VIRTUAL TABLE temp.nope USING mailtrace_smtp('data/missing/');
CREATE VIRTUAL TABLE temp.noargs USING mailtrace_smtp(host=x);
-- on_error=skip reads what it can and records the rest in mailtrace_errors
SELECT count(*) FROM mailtrace_smtp('data/bad', 'data/injection', 'on_error=skip');
SELECT file, offset FROM mailtrace_errors ORDER BY file;
-- SQLITE_VTAB_DIRECTONLY: not from a view stored in a database file
ATTACH ':memory:' AS other;
CREATE VIEW other.v AS SELECT count(*) AS n FROM mailtrace_smtp('data/injection');
SELECT * FROM other.v;
CREATE TEMP VIEW mine AS SELECT count(*) AS n FROM mailtrace_smtp('data/injection');
SELECT * FROM mine;
