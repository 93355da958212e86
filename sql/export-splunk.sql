-- export-splunk.sql — one NDJSON record per recipient (host, MID, RID) with the whole
-- correlated story, in the field names of the Splunk Common Information Model's Email
-- data model (flat keys; docs/exports.md has the mapping and a props.conf).  Fields
-- without a value are left out.
--
-- Needs mailtrace_open().  Parameters (optional):
--   .parameter set :since '2026-11-02 00:00:00'   UTC, inclusive (on the recipient's last line)
--   .parameter set :until '2026-11-03 00:00:00'   UTC, exclusive
--   .mode list
--   .headers off
--   .once mail-cim.ndjson
--   .read sql/export-splunk.sql
SELECT json_patch('{}', json_object(
  'time', replace(coalesce(r.end_utc, m.end_utc, m.start_utc), ' ', 'T') || 'Z',
  'vendor_product', 'Cisco Secure Email Gateway',
  'dvc', r.host,
  'protocol', 'smtp',
  'action', CASE WHEN r.status = 'delivered' THEN 'delivered'
                 WHEN r.status IN ('bounced', 'dropped', 'rejected') THEN 'blocked'
                 WHEN r.status = 'quarantined' THEN 'quarantined' END,
  'recipient_status', r.status,
  'src', c.remote_ip,
  'src_host', nullif(c.reverse_dns, 'unknown'),
  'src_user', nullif(m.mail_from, ''),
  'src_user_domain', CASE WHEN instr(m.mail_from, '@') > 0 THEN substr(m.mail_from, instr(m.mail_from, '@') + 1) END,
  'return_addr', m.mail_from,
  'recipient', r.rcpt_to,
  'recipient_domain', CASE WHEN instr(r.rcpt_to, '@') > 0 THEN substr(r.rcpt_to, instr(r.rcpt_to, '@') + 1) END,
  'recipient_count', m.rcpt_count,
  'dest', d.dest_ip,
  'dest_port', d.dest_port,
  'message_id', m.message_id,
  'internal_message_id', CAST(m.mid AS TEXT),
  'message_info', coalesce(r.response, m.reason),
  'subject', m.subject_decoded,
  'size', m.size,
  'status_code', d.smtp_code,
  'retries', CASE WHEN r.attempts > 1 THEN r.attempts - 1 END,
  'delay', CASE WHEN r.end_utc IS NOT NULL AND m.start_utc IS NOT NULL
                THEN CAST(round((julianday(r.end_utc) - julianday(m.start_utc)) * 86400000) AS INTEGER) END,
  'filter_action', CASE WHEN m.spam = 'positive' OR m.virus = 'positive' OR m.amp = 'MALICIOUS'
                             OR m.outbreak = 'positive' THEN r.status END,
  'signature', coalesce(m.quarantine, m.reason),
  'orig_src', CASE WHEN m.parent_mid IS NOT NULL THEN CAST(m.parent_mid AS TEXT) END,
  'icid', m.icid, 'mid', m.mid, 'rid', r.rid, 'dcid', r.dcid,
  'dsn', r.dsn, 'hat_action', c.action, 'sender_group', c.sender_group, 'sbrs', c.sbrs,
  'spam', m.spam, 'virus', m.virus, 'amp', m.amp, 'outbreak', m.outbreak, 'spf', m.spf,
  'dkim', m.dkim, 'dmarc', m.dmarc, 'tls', coalesce(d.tls_protocol, c.tls_protocol),
  'message_status', m.status, 'parent_relation', m.parent_relation
)) AS ndjson
  FROM recipients r
  JOIN messages m ON m.host = r.host AND m.mid = r.mid AND m.generation = r.generation
  LEFT JOIN connections c ON c.host = m.host AND c.icid = m.icid AND m.icid > 0
  LEFT JOIN deliveries d ON d.host = r.host AND d.dcid = r.dcid AND d.mid = r.mid AND d.rid = r.rid
 WHERE (:since IS NULL OR coalesce(r.end_utc, m.start_utc) >= :since)
   AND (:until IS NULL OR coalesce(r.end_utc, m.start_utc) < :until)
 ORDER BY coalesce(r.end_utc, m.start_utc), r.host, r.mid, r.rid;
