-- Log types (docs/lines.md "Log types"): every line of a mixed syslog stream
-- and of a directory of per-subscription files gets the right log_type, and
-- only mail_logs lines make connections, messages and deliveries.
-- Expected answers: tests/data/FACTS.md "Log types (tests/data/logtypes/)".
.mode list
SELECT 'mixed', log_type, count(*) FROM mailtrace_lines('data/logtypes/mixed.log', 'year=2026') GROUP BY log_type ORDER BY log_type;
-- the tag decides; an unknown tag (MAIL_Audit, MAR_Audit) is decided by the shape
SELECT 'tag', lineno, log_type, event, mid FROM mailtrace_lines('data/logtypes/mixed.log', 'year=2026') WHERE lineno IN (11, 22, 47, 48, 51, 52, 55, 56, 57, 58) ORDER BY lineno;
-- the bounce log's line is not a second delivery, the status counters name no message
SELECT 'entities', (SELECT count(*) FROM mailtrace_messages('data/logtypes/mixed.log', 'year=2026')),
                   (SELECT count(*) FROM mailtrace_deliveries('data/logtypes/mixed.log', 'year=2026')),
                   (SELECT group_concat(mid || ':' || rid || ':' || status || ':' || coalesce(dcid, '-'), ' ') FROM mailtrace_recipients('data/logtypes/mixed.log', 'year=2026'));
-- every line naming MID 7002, whatever its log
SELECT 'mid7002', lineno, log_type, event FROM mailtrace_lines('data/logtypes/mixed.log', 'year=2026') WHERE mid = 7002 AND log_type <> 'mail_logs' ORDER BY lineno;
-- files: the name gives the type of lines no shape decides (headers, continuations)
SELECT 'files', substr(file, 20), log_type, count(*), count(event) FROM mailtrace_lines('data/logtypes/esa8') GROUP BY file, log_type ORDER BY file;
SELECT 'bounces', lineno, event, mid, rid, dcid FROM mailtrace_lines('data/logtypes/esa8/bounces.current') WHERE lineno > 3;
SELECT 'bounce-entities', (SELECT count(*) FROM mailtrace_messages('data/logtypes/esa8/bounces.current')),
                          (SELECT count(*) FROM mailtrace_deliveries('data/logtypes/esa8/bounces.current')),
                          (SELECT count(*) FROM mailtrace_recipients('data/logtypes/esa8/bounces.current'));
SELECT 'antivirus', lineno, event, mid FROM mailtrace_lines('data/logtypes/esa8/antivirus.current') WHERE lineno > 3;
-- a file whose name says nothing: each line by its shape
SELECT 'collected', lineno, log_type, event, mid FROM mailtrace_lines('data/logtypes/collected.log');
SELECT 'collected-entities', (SELECT group_concat(mid) FROM mailtrace_messages('data/logtypes/collected.log')), (SELECT count(*) FROM mailtrace_deliveries('data/logtypes/collected.log'));
-- mailtrace_parse: the same rules on text (no file name)
SELECT 'parse', log_type, event, mid, rid, level FROM mailtrace_parse('<166>Nov  9 10:10:03 esa9 bounces: Info: Bounced: 7003:0 From:<a@example.com> To:<b@example.org>');
SELECT 'parse', log_type, event, mid, icid, level FROM mailtrace_parse('<166>Nov  9 10:00:05 esa9 consolidated_event: CEF:0|Cisco|C300V|15.0.1-030|ESA_CONSOLIDATED_LOG_EVENT|Consolidated Log Event|5|ESAMID=7001 ESAICID=9001 msg=''x''');
SELECT 'parse', log_type, event, mid FROM mailtrace_parse('Tue Nov 10 09:12:00 2026 Info: Bounced: DCID 0 MID 8110 From: <a@example.com> To: <b@example.org> RID 0 - 5.1.2 - Bad destination host (''000'', [''DNS Hard Error looking up example.org (MX): NXDomain''])');
-- mid = ? through the offset index finds the AMP "MID = 8101" and anti-virus lines as a scan does
SELECT 'index', substr(file, 20), lineno, event FROM mailtrace_lines('data/logtypes/esa8') WHERE mid = 8101;
SELECT 'index-blocks', json_extract(mailtrace_stats(), '$.index_blocks');
SELECT 'scan', count(*) FROM mailtrace_lines('data/logtypes/esa8', 'index=off') WHERE mid = 8101;
