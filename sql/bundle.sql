-- bundle.sql — the evidence bundle of one message family, as ONE self-contained HTML
-- page (no script, no network): the path of the family (sender → connection → message →
-- recipients → delivery, with splits, rewrites and bounces), the verdict of
-- mailtrace_diagnose for each message, every log line of the family across hosts and
-- files with file:line, and the coverage of the logs searched.  Hand it to a ticket.
--
-- Needs mailtrace_open(); parameters:
--   .parameter set :mid  20506
--   .parameter set :host 'esa1'      only when several gateways are open
--   .mode list
--   .headers off
--   .once bundle-20506.html
--   .read sql/bundle.sql
WITH fam AS (
  SELECT DISTINCT host, mid FROM mailtrace_history(:mid, :host) WHERE mid IS NOT NULL
), m AS (
  SELECT m.* FROM messages m JOIN fam f ON f.host = m.host AND f.mid = m.mid
)
, path AS (   -- one row per recipient: the boxes of its path
  SELECT m.start_utc AS t, m.mid, r.rid,
    '<div class="path" id="path-' || m.host || '-' || m.mid || '-' || r.rid || '">'
    || CASE WHEN c.icid IS NOT NULL THEN
         '<div class="box sender">' || replace(replace(coalesce(nullif(m.mail_from, ''), '&lt;&gt; (null sender)'), '<', '&lt;'), '>', '&gt;') || '</div><div class="arrow">&#8594;</div>'
         || '<div class="box conn"><b>' || c.remote_ip || '</b><br>' || replace(coalesce(c.reverse_dns, 'no PTR'), '<', '&lt;')
         || '<br>ICID ' || c.icid || ' ' || coalesce(c.action, '') || ' ' || coalesce(c.sender_group, '')
         || coalesce(' SBRS ' || c.sbrs, '') || coalesce('<br>TLS ' || c.tls, '') || '</div><div class="arrow">&#8594;</div>'
       ELSE '' END
    || CASE WHEN m.parent_mid IS NOT NULL THEN '<div class="box rel">' || m.parent_relation || ' of MID ' || m.parent_mid || '</div><div class="arrow">&#8594;</div>' ELSE '' END
    || '<div class="box msg ' || replace(coalesce(m.status, 'unknown'), ' ', '_') || '" id="mid-' || m.host || '-' || m.mid || '"><b>MID ' || m.mid || '</b> on ' || m.host
    || '<br>' || coalesce(m.status, '?') || coalesce('<br>' || replace(replace(m.subject_decoded, '<', '&lt;'), '>', '&gt;'), '')
    || coalesce('<br>spam ' || m.spam, '') || coalesce(' virus ' || m.virus, '') || coalesce('<br>quarantine ' || m.quarantine, '')
    || '</div><div class="arrow">&#8594;</div>'
    || '<div class="box rcpt ' || replace(coalesce(r.status, 'unknown'), ' ', '_') || '">' || replace(replace(coalesce(r.rcpt_to, '?'), '<', '&lt;'), '>', '&gt;')
    || '<br>' || coalesce(r.status, '?') || coalesce(' ' || r.dsn, '') || '</div>'
    || CASE WHEN d.dcid IS NOT NULL THEN '<div class="arrow">&#8594;</div><div class="box dest ' || coalesce(d.result, '') || '">'
         || coalesce(d.dest_ip, '?') || ':' || coalesce(d.dest_port, 25) || '<br>DCID ' || d.dcid || ' ' || coalesce(d.result, '')
         || coalesce(' ' || d.smtp_code, '') || coalesce('<br>' || replace(replace(substr(r.response, 1, 80), '<', '&lt;'), '>', '&gt;'), '') || '</div>'
       ELSE '' END
    || '</div>' AS html
    FROM m
    JOIN recipients r ON r.host = m.host AND r.mid = m.mid AND r.status IS NOT 'split'
    LEFT JOIN connections c ON c.host = m.host AND c.icid = m.icid AND m.icid > 0
    LEFT JOIN deliveries d ON d.host = r.host AND d.dcid = r.dcid AND d.mid = r.mid AND d.rid = r.rid
), verdict AS (
  SELECT d.utc, d.mid, '<tr><td>' || coalesce(d.utc, '') || '</td><td>' || d.mid || '</td><td>'
    || replace(replace(coalesce(d.rcpt_to, ''), '<', '&lt;'), '>', '&gt;') || '</td><td>' || d.stage || '</td><td class="v">' || d.verdict
    || '</td><td>' || replace(replace(replace(d.explain, '&', '&amp;'), '<', '&lt;'), '>', '&gt;') || '</td><td class="ev">'
    || replace(replace(replace(coalesce(d.evidence, ''), '&', '&amp;'), '<', '&lt;'), '>', '&gt;') || '</td></tr>' AS html
    FROM m, mailtrace_diagnose(NULL, NULL, CASE WHEN m.mail_from = '' THEN '<>' ELSE m.mail_from END) d
   WHERE d.mid = m.mid AND d.host = m.host
), lines AS (
  SELECT h.utc, h.file, h.lineno, '<tr><td>' || coalesce(h.utc, '') || '</td><td>' || h.host || '</td><td>' || coalesce(h.event, '')
    || '</td><td class="ev">' || replace(replace(replace(h.file, '&', '&amp;'), '<', '&lt;'), '>', '&gt;') || ':' || h.lineno
    || '</td><td class="ev">' || replace(replace(replace(h.text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;') || '</td></tr>' AS html
    FROM mailtrace_history(:mid, :host) h
), cov AS (
  SELECT k.host, k.file, '<tr><td>' || k.host || '</td><td class="ev">' || replace(replace(k.file, '<', '&lt;'), '>', '&gt;') || '</td><td>'
    || coalesce(k.first_utc, '') || '</td><td>' || coalesce(k.last_utc, '') || '</td><td>' || k.lines || '</td><td>'
    || k.unknown_lines || '</td><td>' || coalesce(k.gap_before_s, '') || '</td><td>' || k.restarts || '</td><td>'
    || coalesce(k.absent, '') || '</td></tr>' AS html
    FROM mailtrace_coverage k
)
SELECT '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>mailtrace: MID ' || :mid || '</title><style>'
  || 'body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1a1a1a}h1{font-size:20px}h2{font-size:16px;margin-top:28px}'
  || '.path{display:flex;align-items:center;flex-wrap:wrap;margin:10px 0}.box{border:2px solid #888;border-radius:6px;padding:6px 10px;background:#f5f5f5;max-width:280px}'
  || '.arrow{font-size:22px;padding:0 8px;color:#555}.sender{border-radius:18px}.delivered{background:#d4edda;border-color:#2e7d32}'
  || '.bounced,.dropped,.rejected,.aborted{background:#f8d7da;border-color:#c62828}.quarantined,.delayed,.queued,.incomplete{background:#fff3cd;border-color:#b26a00}'
  || 'table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:3px 6px;vertical-align:top;text-align:left}'
  || '.ev{font-family:ui-monospace,monospace;font-size:12px;white-space:pre-wrap;word-break:break-all}.v{font-weight:bold}'
  || '</style></head><body><h1>mailtrace evidence: MID ' || :mid || coalesce(' on ' || :host, '') || '</h1>'
  || '<p>' || mailtrace_version() || '. Every line below is quoted from the logs with its file and line number.</p>'
  || '<h2>Path</h2><div id="paths">' || coalesce((SELECT group_concat(html, '') FROM (SELECT html FROM path ORDER BY t, mid, rid)), '<p>No such message in these logs.</p>') || '</div>'
  || '<h2>Verdicts</h2><table id="verdicts"><tr><th>utc</th><th>mid</th><th>recipient</th><th>stage</th><th>verdict</th><th>explanation</th><th>evidence</th></tr>'
  || coalesce((SELECT group_concat(html, '') FROM (SELECT html FROM verdict ORDER BY utc, mid)), '') || '</table>'
  || '<h2>Every line of the family</h2><table id="lines"><tr><th>utc</th><th>host</th><th>event</th><th>file:line</th><th>text</th></tr>'
  || coalesce((SELECT group_concat(html, '') FROM (SELECT html FROM lines)), '') || '</table>'
  || '<h2>What the logs cover</h2><table id="coverage"><tr><th>host</th><th>file</th><th>first utc</th><th>last utc</th><th>lines</th><th>unrecognised</th><th>gap before (s)</th><th>restarts</th><th>not logged</th></tr>'
  || coalesce((SELECT group_concat(html, '') FROM (SELECT html FROM cov)), '') || '</table>'
  || '</body></html>' AS html;
