-- domains.sql — recipients per destination domain (recipients.domain) and
-- how they ended, the domains with the most bounced or delayed recipients
-- first: where a partner's mail server refuses or stalls.  "other" counts
-- every other status (queued, dropped, quarantined, rejected, split, ...)
-- and none yet.  Needs mailtrace_open().
SELECT ifnull(domain, '(none)')                                           AS domain,
       count(*)                                                           AS recipients,
       sum(status = 'delivered')                                          AS delivered,
       sum(status = 'bounced')                                            AS bounced,
       sum(status = 'delayed')                                            AS delayed,
       sum(status IS NULL OR status NOT IN ('delivered', 'bounced', 'delayed')) AS other
  FROM recipients
 GROUP BY domain
 ORDER BY bounced + delayed DESC, recipients DESC, domain;
