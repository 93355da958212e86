-- mailtrace_files: the files of each message from mail_logs and the AMP engine log
-- (docs/tables.md "mailtrace_files"; expected rows: tests/data/FACTS.md "Log types").
.mode list
.headers on
SELECT host, mid, filename, size, mime_type, sha256, disposition, malware, reputation_score, reputation_source, upload_action, upload, retro_verdict, retro_malware, retro_utc, logs, first_utc
  FROM mailtrace_files('data/logtypes/mixed.log', 'year=2026');
-- the retrospective question: delivered messages that carried a file later judged malicious
SELECT f.host, f.mid, f.filename, f.retro_verdict, f.retro_utc, r.rcpt_to, r.status
  FROM mailtrace_files('data/logtypes/mixed.log', 'year=2026') f
  JOIN mailtrace_recipients('data/logtypes/mixed.log', 'year=2026') r ON r.host = f.host AND r.mid = f.mid
 WHERE f.retro_verdict = 'MALICIOUS' AND r.status = 'delivered';
-- a file directory: a name with a comma; a file known only by its SHA-256 (MID 8102);
-- analysis of a file no message here carried makes no row
SELECT host, mid, filename, size, sha256, disposition, upload_action, upload, analysis_disposition, logs
  FROM mailtrace_files('data/logtypes/esa8');
.headers off
-- through mailtrace_open, and an error naming the table without sources
SELECT mailtrace_open('data/logtypes/esa8') IS NOT NULL;
SELECT 'open', count(*) FROM mailtrace_files;
-- mail_logs alone: one row per 'attachment' line (7 in esa1, two of them MID 81010's)
SELECT 'esa1', group_concat(mid || ':' || filename, ' ') FROM mailtrace_files('data/esa1');
