-- picture.sql — the path of one message family as a Mermaid flowchart: sender →
-- connection (IP, reverse DNS, HAT decision) → message (status, verdicts) → split,
-- rewritten and bounce children → recipients → delivery attempts (destination, result).
-- Paste the output into any Mermaid renderer (GitHub, GitLab, mermaid.live), or use
-- `mailtrace picture MID --html` for a self-contained page.
--
-- Needs mailtrace_open(); parameters:
--   .parameter set :mid  20506
--   .parameter set :host 'esa1'      only when several gateways are open
--   .mode list
--   .headers off
--   .read sql/picture.sql
WITH fam AS (
  SELECT DISTINCT host, mid FROM mailtrace_history(:mid, :host) WHERE mid IS NOT NULL
), m AS (
  SELECT m.* FROM messages m JOIN fam f ON f.host = m.host AND f.mid = m.mid
)
, out(ord, line) AS (
  SELECT 0, 'flowchart LR'
  UNION ALL
  -- the connection each message came in on, and its sender
  SELECT 10, printf('  c_%s_%d["%s<br/>%s<br/>ICID %d %s %s%s"]', replace(replace(c.host, '-', '_'), '.', '_'), c.icid,
                    c.remote_ip, replace(coalesce(c.reverse_dns, 'no PTR'), '"', '#quot;'),
                    c.icid, coalesce(c.action, ''), coalesce(c.sender_group, ''),
                    CASE WHEN c.sbrs IS NOT NULL THEN ' SBRS ' || c.sbrs ELSE '' END)
    FROM connections c WHERE EXISTS (SELECT 1 FROM m WHERE m.host = c.host AND m.icid = c.icid AND m.icid > 0)
  UNION ALL
  SELECT 20, printf('  s_%s_%d(["%s"]) --> c_%s_%d', replace(replace(m.host, '-', '_'), '.', '_'), m.mid,
                    CASE WHEN m.mail_from = '' THEN '&lt;&gt;' ELSE replace(coalesce(m.mail_from, '?'), '"', '#quot;') END,
                    replace(replace(m.host, '-', '_'), '.', '_'), m.icid)
    FROM m WHERE m.icid > 0 AND EXISTS (SELECT 1 FROM connections c WHERE c.host = m.host AND c.icid = m.icid)
  UNION ALL
  -- each message of the family
  SELECT 30, printf('  m_%s_%d["MID %d on %s<br/>%s%s%s"]:::%s', replace(replace(m.host, '-', '_'), '.', '_'), m.mid, m.mid, m.host,
                    coalesce(m.status, 'unknown'),
                    CASE WHEN m.subject_decoded IS NOT NULL THEN '<br/>' || replace(replace(substr(m.subject_decoded, 1, 40), '"', '#quot;'), '<', '&lt;') ELSE '' END,
                    coalesce('<br/>' || nullif(trim(coalesce('spam ' || m.spam || ' ', '') || coalesce('virus ' || m.virus || ' ', '')
                             || coalesce('quarantine ' || m.quarantine, '')), ''), ''),
                    replace(coalesce(m.status, 'unknown'), ' ', '_'))
    FROM m
  UNION ALL
  SELECT 40, printf('  c_%s_%d --> m_%s_%d', replace(replace(m.host, '-', '_'), '.', '_'), m.icid, replace(replace(m.host, '-', '_'), '.', '_'), m.mid)
    FROM m WHERE m.icid > 0 AND EXISTS (SELECT 1 FROM connections c WHERE c.host = m.host AND c.icid = m.icid)
  UNION ALL
  -- parents and children: split, rewritten, generated, bounce
  SELECT 50, printf('  m_%s_%d -->|%s| m_%s_%d', replace(replace(m.host, '-', '_'), '.', '_'), m.parent_mid, m.parent_relation,
                    replace(replace(m.host, '-', '_'), '.', '_'), m.mid)
    FROM m WHERE m.parent_mid IS NOT NULL AND EXISTS (SELECT 1 FROM m p WHERE p.host = m.host AND p.mid = m.parent_mid)
  UNION ALL
  -- recipients and what became of them
  SELECT 60, printf('  r_%s_%d_%d["%s<br/>%s%s"]:::%s', replace(replace(r.host, '-', '_'), '.', '_'), r.mid, r.rid,
                    replace(coalesce(r.rcpt_to, '?'), '"', '#quot;'), coalesce(r.status, '?'),
                    coalesce(' ' || r.dsn, ''), replace(coalesce(r.status, 'unknown'), ' ', '_'))
    FROM recipients r JOIN m ON m.host = r.host AND m.mid = r.mid
   WHERE r.status IS NOT 'split'
  UNION ALL
  SELECT 70, printf('  m_%s_%d --> r_%s_%d_%d', replace(replace(r.host, '-', '_'), '.', '_'), r.mid, replace(replace(r.host, '-', '_'), '.', '_'), r.mid, r.rid)
    FROM recipients r JOIN m ON m.host = r.host AND m.mid = r.mid
   WHERE r.status IS NOT 'split'
  UNION ALL
  -- delivery attempts: one node per destination
  SELECT 80, printf('  d_%s_%d["%s:%d<br/>DCID %d %s %s"]:::%s', replace(replace(d.host, '-', '_'), '.', '_'), d.dcid,
                    coalesce(d.dest_ip, '?'), coalesce(d.dest_port, 25), d.dcid, coalesce(d.result, '?'),
                    coalesce(d.smtp_code, ''), coalesce(d.result, 'unknown'))
    FROM (SELECT DISTINCT d.host, d.dcid, d.dest_ip, d.dest_port, d.result, d.smtp_code
            FROM deliveries d JOIN m ON m.host = d.host AND m.mid = d.mid) d
  UNION ALL
  SELECT 90, printf('  r_%s_%d_%d --> d_%s_%d', replace(replace(d.host, '-', '_'), '.', '_'), d.mid, d.rid, replace(replace(d.host, '-', '_'), '.', '_'), d.dcid)
    FROM deliveries d JOIN m ON m.host = d.host AND m.mid = d.mid
  UNION ALL
  SELECT 100, '  classDef delivered fill:#d4edda,stroke:#2e7d32'
  UNION ALL SELECT 101, '  classDef bounced fill:#f8d7da,stroke:#c62828'
  UNION ALL SELECT 102, '  classDef dropped fill:#f8d7da,stroke:#c62828'
  UNION ALL SELECT 103, '  classDef rejected fill:#f8d7da,stroke:#c62828'
  UNION ALL SELECT 104, '  classDef quarantined fill:#fff3cd,stroke:#b26a00'
  UNION ALL SELECT 105, '  classDef delayed fill:#fff3cd,stroke:#b26a00'
  UNION ALL SELECT 106, '  classDef queued fill:#fff3cd,stroke:#b26a00'
)
SELECT line FROM out WHERE EXISTS (SELECT 1 FROM m) ORDER BY ord, line;
