-- mailtrace_coverage present/absent is about what was extracted (issue 10,
-- finding 13): DKIM signing lines give no `dkim`, cached and SLBL engine
-- lines give no `spam`, an interim AV verdict gives `virus`.  data/extracted
-- (FACTS.md "extracted"); expected output written by reading the file.
.mode list
.headers on
SELECT present, absent FROM mailtrace_coverage('data/extracted');
SELECT count(dkim) AS dkim, count(spam) AS spam, count(virus) AS virus, count(dmarc) AS dmarc,
       group_concat(virus) AS virus_values, group_concat(dmarc) AS dmarc_values
  FROM mailtrace_messages('data/extracted');
