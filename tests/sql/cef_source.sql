-- The Consolidated Event Log as the only source (issue 16.3): data/cefonly/esa8 holds CEF lines
-- and no mail_logs (tests/data/FACTS.md "cefonly"; expected rows read from the lines by hand).
.mode list
.headers on
-- one message per MID (last line wins: 9502's interim DQ line, 9505's duplicate), none for the line without ESAMID
SELECT mid, icid, mail_from, subject, size, rcpt_count, status, spam, virus, amp, graymail, outbreak, policy,
       message_id, reason, source, disagreement, cef_action, dane_host, dane_status, start_utc, end_utc,
       started_before_logs
  FROM mailtrace_messages('data/cefonly/esa8', 'year=2026') ORDER BY mid;
-- recipients from duser: no RID (CEF logs none), the status of the message's final action
SELECT mid, rid, rcpt_to, status, source, disagreement FROM mailtrace_recipients('data/cefonly/esa8', 'year=2026') ORDER BY mid, rcpt_to;
-- mailtrace_cef: nothing to compare with
SELECT mid, lines, act, mail_logs_status, agrees, "check" FROM mailtrace_cef('data/cefonly/esa8', 'year=2026');
-- what this host's logs cannot answer
SELECT host, lines, log_types, messages, messages_terminal, messages_open, present FROM mailtrace_coverage('data/cefonly/esa8', 'year=2026');
.headers off
SELECT cannot_answer FROM mailtrace_coverage('data/cefonly/esa8', 'year=2026');
-- the diagnosis: message-level, saying its source
SELECT mailtrace_open('data/cefonly/esa8', 'year=2026');
.headers on
SELECT mid, rcpt_to, stage, verdict FROM mailtrace_diagnose ORDER BY mid, rcpt_to;
.headers off
SELECT explain FROM mailtrace_diagnose WHERE mid IN (9503, 9504, 9505) ORDER BY mid;
-- a lookup by ICID finds a CEF-only message (ESAICID)
SELECT 'icid', mid FROM mailtrace_messages('data/cefonly/esa8', 'year=2026') WHERE icid = 9603;
