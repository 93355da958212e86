-- history.sql — every log line of one message, its connection and its
-- deliveries, in time order, with the messages it is linked to (the one it
-- came from, and the ones split, rewritten, generated or bounced from it).
--
-- Needs mailtrace_open(); parameters:
--   .parameter set :mid  81001
--   .parameter set :host 'esa1'      only when several gateways are open
--   .read sql/history.sql
WITH me AS (
  SELECT host, mid, parent_mid FROM messages
   WHERE mid = :mid AND (:host IS NULL OR host = :host)
), m AS (
  SELECT x.host, x.mid, x.icid FROM messages x JOIN me
      ON x.host = me.host AND (x.mid = me.mid OR x.mid = me.parent_mid OR x.parent_mid = me.mid)
), d AS (
  SELECT DISTINCT d.host, d.dcid FROM deliveries d JOIN m ON d.host = m.host AND d.mid = m.mid
)
SELECT l.utc, l.host, l.icid, l.mid, l.dcid, l.event, l.text, l.file, l.lineno
  FROM lines l
 WHERE EXISTS (SELECT 1 FROM m WHERE l.host = m.host
                 AND (l.mid = m.mid OR (m.icid > 0 AND l.icid = m.icid AND l.mid IS NULL)))
    OR EXISTS (SELECT 1 FROM d WHERE l.host = d.host AND l.dcid = d.dcid
                 AND (l.mid IS NULL OR l.mid IN (SELECT mid FROM m WHERE m.host = l.host)))
 ORDER BY l.utc, l.rowid;
