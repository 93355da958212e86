-- mailtrace_cef: the Consolidated Event Log, one row per message, checked against mail_logs
-- (docs/otherlogs.md; the fixture's planted cases: tests/data/FACTS.md "cef.log").
.mode list
.headers on
SELECT host, mid, icid, dcid, utc, start_time, end_time, sender, recipients, subject, size, act, action_details,
       as_verdict, av_verdict, amp_verdict, gm_verdict, device_version, lines, mail_logs_status, agrees, "check"
  FROM mailtrace_cef('data/logtypes/cef.log', 'year=2026');
.headers off
-- a planted disagreement: CEF said delivered, a later text bounce says otherwise
SELECT 'disagree', mid, "check" FROM mailtrace_cef('data/logtypes/cef.log', 'year=2026') WHERE agrees = 0;
-- the mixed stream's CEF line for MID 7001 (its dict value and double space), agreeing with mail_logs
SELECT 'mixed', mid, icid, act, attachments, agrees FROM mailtrace_cef('data/logtypes/mixed.log', 'year=2026');
-- CEF lines are not mail_logs: no message rows come from them
SELECT 'entities', group_concat(mid) FROM mailtrace_messages('data/logtypes/cef.log', 'year=2026');
