-- rejected-connections.sql — who the gateway refused at the door (HAT REJECT
-- or TCPREFUSE, or a sender rejected at MAIL FROM), by sender IP and policy.
-- Needs mailtrace_open().
SELECT remote_ip, reverse_dns, action, sender_group, match, sbrs, country,
       count(*) AS connections, min(start_utc) AS first_utc, max(start_utc) AS last_utc,
       max(error) AS error
  FROM connections
 WHERE action IN ('REJECT', 'TCPREFUSE') OR error LIKE '%sender rejected%'
 GROUP BY remote_ip, action, sender_group
 ORDER BY connections DESC, remote_ip;
