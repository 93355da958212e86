-- why-not-received.sql — "my mail never arrived": the whole grep walk in one statement.
--
-- For every inbound connection from the sender (and each message it carried):
-- how the gateway treated the connection (HAT action, SBRS, TLS, how it
-- ended, the error), the envelope, the recipients and their fate, the scan
-- verdicts, the message status and the destination's last response.
-- A connection without a message shows one row with an empty message part:
-- that is where the mail stopped.  Messages the gateway made itself (bounce
-- notices, bcc copies, split parts: ICID 0) have no connection; they are
-- listed too when no :ip is given.
--
-- Needs the tables of mailtrace_open():
--   sqlite> SELECT mailtrace_open('/var/log/esa/');
-- Parameters (any subset; an unset one matches everything):
--   .parameter set :ip      '192.0.2.10'              sending IP
--   .parameter set :sender  'orders@sender.example'   envelope sender (MAIL FROM)
--   .parameter set :recipient 'alice@example.com'     a recipient (:rcpt, its old name, still works)
--   .parameter set :since   '2026-11-02 00:00:00'     UTC, inclusive
--   .parameter set :until   '2026-11-03 00:00:00'     UTC, exclusive
--   .read sql/why-not-received.sql
WITH hit AS (
  -- by IP: "remote_ip = ?" is answered before rows are made (pushdown)
  SELECT c.host, c.icid, m.mid, c.start_utc AS utc
    FROM connections c
    LEFT JOIN messages m ON m.host = c.host AND m.icid = c.icid AND c.icid > 0
   WHERE c.remote_ip = :ip
     AND (:since IS NULL OR c.start_utc >= :since)
     AND (:until IS NULL OR c.start_utc < :until)
  UNION ALL
  -- no IP: every connection
  SELECT c.host, c.icid, m.mid, c.start_utc AS utc
    FROM connections c
    LEFT JOIN messages m ON m.host = c.host AND m.icid = c.icid AND c.icid > 0
   WHERE :ip IS NULL
     AND (:since IS NULL OR c.start_utc >= :since)
     AND (:until IS NULL OR c.start_utc < :until)
  UNION ALL
  SELECT m.host, NULL, m.mid, coalesce(m.start_utc, m.end_utc)
    FROM messages m
   WHERE :ip IS NULL
     AND NOT EXISTS (SELECT 1 FROM connections c WHERE c.host = m.host AND c.icid = m.icid AND c.icid > 0)
     AND (:since IS NULL OR coalesce(m.start_utc, m.end_utc) >= :since)
     AND (:until IS NULL OR coalesce(m.start_utc, m.end_utc) < :until)
)
SELECT h.utc,
       h.host,
       c.remote_ip,
       CASE WHEN c.icid IS NOT NULL THEN coalesce(c.reverse_dns, '(no PTR)')
            || CASE c.dns_verified WHEN 0 THEN ' unverified' ELSE '' END END AS rdns,
       c.icid,
       CASE WHEN c.icid IS NOT NULL THEN coalesce(c.action, '-') || ' ' || coalesce(c.sender_group, '') END AS hat,
       c.sbrs,
       c.tls,
       CASE WHEN c.icid IS NULL THEN NULL ELSE coalesce(c.end_state, 'open') END AS conn_end,
       c.error                           AS conn_error,
       m.mid,
       m.mail_from,
       (SELECT group_concat(coalesce(r.rcpt_to, '?') || ' ' || coalesce(r.status, '?'), ', ')
          FROM recipients r WHERE r.host = m.host AND r.mid = m.mid) AS recipients,
       nullif(trim(coalesce('spam=' || m.spam || ' ', '') || coalesce('virus=' || m.virus || ' ', '')
                || coalesce('amp=' || m.amp || ' ', '') || coalesce('filters=' || m.filters || ' ', '')
                || coalesce('quarantine=' || m.quarantine, '')), '') AS verdicts,
       m.status,
       m.reason,
       (SELECT coalesce(d.dsn || ' ', '') || coalesce(d.response, d.reason, d.result)
          FROM deliveries d WHERE d.host = m.host AND d.mid = m.mid
         ORDER BY d.end_utc DESC, d.dcid DESC LIMIT 1) AS last_response
  FROM hit h
  LEFT JOIN connections c ON c.host = h.host AND c.icid = h.icid
  LEFT JOIN messages m ON m.host = h.host AND m.mid = h.mid
 WHERE (:sender IS NULL OR m.mail_from = :sender)
   AND (coalesce(:recipient, :rcpt) IS NULL OR EXISTS (SELECT 1 FROM recipients r
                                  WHERE r.host = m.host AND r.mid = m.mid AND r.rcpt_to = coalesce(:recipient, :rcpt)))
 ORDER BY h.utc, h.host, h.icid, h.mid;
