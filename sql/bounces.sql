-- bounces.sql — recipients the destination refused (hard bounces), newest
-- first, with the DSN and the remote server's words.  Needs mailtrace_open().
--   .parameter set :since '2026-11-02 00:00:00'   (optional, UTC)
SELECT r.end_utc AS utc, r.host, r.mid, m.mail_from, r.rcpt_to, r.dsn,
       d.smtp_code, d.reason, r.response, r.dcid, d.dest_ip
  FROM recipients r
  JOIN messages m ON m.host = r.host AND m.mid = r.mid
  LEFT JOIN deliveries d ON d.host = r.host AND d.mid = r.mid AND d.rid = r.rid AND d.result = 'bounced'
 WHERE r.status = 'bounced'
   AND (:since IS NULL OR r.end_utc >= :since)
 ORDER BY r.end_utc DESC, r.host, r.mid, r.rid;
