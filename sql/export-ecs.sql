-- export-ecs.sql — one NDJSON record per recipient (host, MID, RID) with the whole
-- correlated story (connection, message, verdicts, last delivery attempt), in Elastic
-- Common Schema field names, for Elasticsearch / Elastic Agent (docs/exports.md has
-- the mapping).  Fields without a value are left out.
--
-- Needs mailtrace_open().  Parameters (optional):
--   .parameter set :since '2026-11-02 00:00:00'   UTC, inclusive (on the recipient's last line)
--   .parameter set :until '2026-11-03 00:00:00'   UTC, exclusive
--   .mode list
--   .headers off
--   .once mail.ndjson
--   .read sql/export-ecs.sql
SELECT json_patch('{}', json_object(
  '@timestamp', replace(coalesce(r.end_utc, m.end_utc, m.start_utc), ' ', 'T') || 'Z',
  'ecs', json_object('version', '8.11.0'),
  'event', json_object(
    'kind', 'event', 'category', json_array('email'), 'type', json_array('info'),
    'module', 'mailtrace', 'dataset', 'mailtrace.recipient',
    'action', r.status,
    'outcome', CASE WHEN r.status = 'delivered' THEN 'success'
                    WHEN r.status IN ('bounced', 'dropped', 'rejected') THEN 'failure'
                    ELSE 'unknown' END,
    'start', replace(coalesce(c.start_utc, m.start_utc), ' ', 'T') || 'Z',
    'end', replace(coalesce(r.end_utc, m.end_utc), ' ', 'T') || 'Z',
    'reason', coalesce(r.response, m.reason)),
  'email', json_object(
    'local_id', CAST(m.mid AS TEXT),
    'message_id', m.message_id,
    'subject', m.subject_decoded,
    'from', CASE WHEN m.mail_from <> '' THEN json_object('address', json_array(m.mail_from)) END,
    'to', CASE WHEN r.rcpt_to IS NOT NULL THEN json_object('address', json_array(r.rcpt_to)) END,
    'delivery_timestamp', CASE WHEN r.status = 'delivered' THEN replace(r.end_utc, ' ', 'T') || 'Z' END),
  'source', CASE WHEN c.remote_ip IS NOT NULL THEN json_object('ip', c.remote_ip, 'domain', nullif(c.reverse_dns, 'unknown'),
                        'geo', CASE WHEN nullif(c.country, 'not enabled') IS NOT NULL
                                    THEN json_object('country_name', c.country) END) END,
  'destination', CASE WHEN d.dest_ip IS NOT NULL THEN json_object('ip', d.dest_ip, 'port', d.dest_port) END,
  'tls', CASE WHEN coalesce(d.tls_protocol, c.tls_protocol) IS NOT NULL THEN json_object(
                     'cipher', coalesce(d.tls_cipher, c.tls_cipher),
                     'version', replace(coalesce(d.tls_protocol, c.tls_protocol), 'TLSv', ''),
                     'version_protocol', 'tls') END,
  'host', json_object('name', r.host),
  'observer', json_object('hostname', r.host, 'vendor', 'Cisco', 'product', 'Secure Email Gateway',
                          'type', 'mail-gateway'),
  'related', json_object('ip', CASE WHEN c.remote_ip IS NOT NULL AND d.dest_ip IS NOT NULL THEN json_array(c.remote_ip, d.dest_ip)
                                   WHEN coalesce(c.remote_ip, d.dest_ip) IS NOT NULL THEN json_array(coalesce(c.remote_ip, d.dest_ip)) END),
  'mailtrace', json_object(
    'icid', m.icid, 'mid', m.mid, 'rid', r.rid, 'dcid', r.dcid, 'generation', m.generation,
    'message_status', m.status, 'recipient_status', r.status, 'attempts', r.attempts,
    'dsn', r.dsn, 'smtp_code', d.smtp_code, 'response', r.response, 'reason', coalesce(d.reason, m.reason),
    'hat_action', c.action, 'sender_group', c.sender_group, 'sbrs', c.sbrs, 'policy', m.policy,
    'spf', m.spf, 'dkim', m.dkim, 'dmarc', m.dmarc, 'spam', m.spam, 'graymail', m.graymail,
    'virus', m.virus, 'amp', m.amp, 'outbreak', m.outbreak, 'quarantine', m.quarantine,
    'size', m.size, 'parent_mid', m.parent_mid, 'parent_relation', m.parent_relation)
)) AS ndjson
  FROM recipients r
  JOIN messages m ON m.host = r.host AND m.mid = r.mid AND m.generation = r.generation
  LEFT JOIN connections c ON c.host = m.host AND c.icid = m.icid AND m.icid > 0
  LEFT JOIN deliveries d ON d.host = r.host AND d.dcid = r.dcid AND d.mid = r.mid AND d.rid = r.rid
 WHERE (:since IS NULL OR coalesce(r.end_utc, m.start_utc) >= :since)
   AND (:until IS NULL OR coalesce(r.end_utc, m.start_utc) < :until)
 ORDER BY coalesce(r.end_utc, m.start_utc), r.host, r.mid, r.rid;
