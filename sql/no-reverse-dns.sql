-- no-reverse-dns.sql — the slow-banner case: senders without verified reverse
-- DNS whose connections were lost or carried no message (AsyncOS waits on the
-- PTR lookup before its banner; impatient senders hang up), by remote IP.
-- Needs mailtrace_open().
SELECT remote_ip,
       count(*)                                   AS connections,
       sum(end_state = 'lost')                    AS lost,
       sum(messages = 0)                          AS without_message,
       group_concat(DISTINCT host)                AS gateways,
       min(start_utc)                             AS first_utc,
       max(start_utc)                             AS last_utc,
       max(error)                                 AS example_error
  FROM connections
 WHERE (reverse_dns IS NULL OR dns_verified = 0)
   AND (end_state = 'lost' OR messages = 0)
   AND coalesce(action, '') NOT IN ('REJECT', 'TCPREFUSE')   -- refused by policy: not this case
   AND remote_ip IS NOT NULL
 GROUP BY remote_ip
 ORDER BY connections DESC, remote_ip;
