-- diagnose.sql — why was it (not) received?  One verdict per connection or
-- message, in a mail administrator's words, with the log line that proves it.
--
-- Needs mailtrace_open().  Parameters (any subset; unset = not filtered):
--   .parameter set :ip        '192.0.2.10'
--   .parameter set :cidr      '192.0.2.0/24'
--   .parameter set :sender    'orders@sender.example'
--   .parameter set :domain    'sender.example'          (of the envelope sender)
--   .parameter set :recipient 'alice@example.com'
--   .parameter set :since     '2026-11-02 00:00:00'     UTC, inclusive
--   .parameter set :until     '2026-11-03 00:00:00'     UTC, exclusive
--   .parameter set :tz        '+0100'                   since/until in your own zone instead
--   .parameter set :subject   'invoice'                 a piece of the subject
--   .parameter set :message_id '<abc@mail.example>'     the Message-ID (<> optional)
--   .parameter set :host      'esa1'
--   .read sql/diagnose.sql
-- When nothing matches, one row says "never connected" (or "not covered by
-- the logs") and which hosts, files and times were searched.
SELECT utc, host, remote_ip, icid, mid, mail_from, rcpt_to, stage, verdict, reason_class,
       explain, evidence
  FROM mailtrace_diagnose(:ip, :cidr, :sender, :domain, :recipient, :since, :until, :tz, :subject, :message_id)
 WHERE :host IS NULL OR host = :host
 ORDER BY utc, icid, mid;
