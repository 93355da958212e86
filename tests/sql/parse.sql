-- mailtrace_parse(text [, options]): the grammar over text passed in, no
-- file access; innocuous, so a view in another database may use it.
.mode list
.headers on
SELECT lineno, ts, utc, level, icid, mid, dcid, rid, event, text FROM mailtrace_parse(
  'Wed Nov 19 09:16:46 2014 Info: Time offset from UTC: -21600 seconds' || char(10) ||
  'Wed Nov 19 09:16:38 2014 Info: Start MID 24611465 ICID 60140120' || char(10) ||
  '   a continuation' || char(13) || char(10) ||
  '<38>Nov  8 10:18:57 esa3.example.net mail_logs: Warning: MID 7: scanning error (x)', 'year=2025');
SELECT lineno, ts, utc FROM mailtrace_parse('<22>Dec 31 23:59:59 mail_logs: Info: ICID 5 close', 'year=2026', 'tz=+0100');
SELECT count(*) FROM mailtrace_parse('');
SELECT count(*) FROM mailtrace_parse(NULL);
SELECT count(*) FROM mailtrace_parse('x', 'colour=red');
ATTACH ':memory:' AS other;
CREATE VIEW other.v AS SELECT event FROM mailtrace_parse('Wed Nov 19 09:16:38 2014 Info: ICID 60140291 close');
SELECT * FROM other.v;
-- year= advances at Dec -> Jan, as in files
SELECT lineno, ts FROM mailtrace_parse('<22>Dec 31 23:59:59 mail_logs: Info: ICID 5 close' || char(10) ||
                                       '<22>Jan  1 00:00:01 mail_logs: Info: ICID 6 close', 'year=2026');
