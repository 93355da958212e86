-- Verdict columns of mailtrace_messages and the quarantine advice (issue 10,
-- finding 9 and "What an administrator asks next"), on data/verdicts
-- (FACTS.md "verdicts").  Expected output written by reading the fixture.
.mode list
.headers on
SELECT mailtrace_open('data/verdicts') AS files;
-- 9. the Spam Quarantine by name, with the CASE verdict as its reason
SELECT mid, spam, quarantine, reason, status FROM messages WHERE mid IN (91001, 91002) ORDER BY mid;
-- 9. malware is never advised to be released; a DLP hold still is
SELECT mid, virus, amp, quarantine, filters FROM messages WHERE quarantine IS NOT NULL ORDER BY mid;
SELECT mid, stage, verdict, explain FROM mailtrace_diagnose WHERE mid IN (91003, 91004, 91005) ORDER BY mid;
-- direction (the policy table), and the listener of the connection it came on
SELECT m.mid, m.policy, m.direction, c.interface, c.interface_ip
  FROM messages m LEFT JOIN connections c ON c.host = m.host AND c.icid = m.icid ORDER BY m.mid;
-- DLP
SELECT mid, dlp, dlp_severity, dlp_risk, dlp_policy FROM messages WHERE dlp IS NOT NULL;
-- URL reputation (the worst URL) and category; SDR; graymail; skipped scans; SLBL
SELECT mid, url_reputation, url, url_category FROM messages WHERE url IS NOT NULL;
SELECT mid, sdr_threat_level, sdr_category FROM messages WHERE sdr_threat_level IS NOT NULL ORDER BY mid;
SELECT mid, spam, graymail, scans_skipped, slbl FROM messages WHERE mid IN (91006, 91007) ORDER BY mid;
-- filters: the ones that acted, the ones the debug timing lines name, custom log entries
SELECT mid, filters, filters_evaluated, custom_log FROM messages WHERE mid = 91004;
-- attachments as logged, decoded, and the SHA-256 of the file analysis line
.mode line
SELECT attachments, attachments_decoded, sha256 FROM messages WHERE mid = 91005;
.mode list
SELECT mid, attachments FROM messages WHERE attachments IS NOT NULL AND mid <> 91005 ORDER BY mid;
-- the new columns read the same through the offset index (a lookup) as through the store
SELECT mid, quarantine, reason, graymail, url_reputation, direction
  FROM mailtrace_messages('data/verdicts', 'index=on') WHERE mid IN (91001, 91006) ORDER BY mid;
