-- slow-banner.sql — senders that hang up while the gateway looks up their
-- reverse DNS: connections without a verified PTR that were lost before any
-- message, per /24 and per sender IP across all gateways, with the seconds
-- between "New SMTP ICID" and the end of the connection.
-- Fix on the sender's side: a PTR record for the sending host.
-- Needs mailtrace_open().
SELECT rtrim(remote_ip, '0123456789') || '0/24'                       AS network,
       remote_ip,
       count(*)                                                       AS connections,
       group_concat(DISTINCT host)                                    AS gateways,
       round(avg((julianday(end_utc) - julianday(start_utc)) * 86400)) AS avg_seconds,
       max(round((julianday(end_utc) - julianday(start_utc)) * 86400)) AS max_seconds,
       min(start_utc)                                                 AS first_utc,
       max(start_utc)                                                 AS last_utc
  FROM connections
 WHERE (reverse_dns IS NULL OR dns_verified = 0)
   AND end_state = 'lost' AND messages = 0
   AND coalesce(action, '') NOT IN ('REJECT', 'TCPREFUSE')
   AND remote_ip LIKE '%.%.%.%'
 GROUP BY network, remote_ip
 ORDER BY network, connections DESC;
