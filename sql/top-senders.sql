-- top-senders.sql — who sends the most mail, and what happens to it.
-- Needs mailtrace_open().
SELECT c.remote_ip, m.mail_from, count(*) AS messages, sum(m.size) AS bytes,
       sum(m.status = 'delivered') AS delivered,
       sum(m.status IN ('bounced', 'partially delivered')) AS bounced,
       sum(m.status IN ('dropped', 'quarantined')) AS stopped
  FROM messages m
  LEFT JOIN connections c ON c.host = m.host AND c.icid = m.icid
 GROUP BY c.remote_ip, m.mail_from
 ORDER BY messages DESC, bytes DESC
 LIMIT 20;
