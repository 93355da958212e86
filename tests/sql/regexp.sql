-- regexp() with PCRE2: REGEXP on text; a bad pattern quotes PCRE2's message.
.mode list
SELECT count(*) FROM mailtrace_lines('data/esa1') WHERE text REGEXP '^ICID \d+ (REJECT|TCPREFUSE) ';
SELECT lineno, icid FROM mailtrace_lines('data/esa1') WHERE text REGEXP 'SBRS -\d+\.\d' ORDER BY rowid;
SELECT 'x' REGEXP 'a(', 1;
SELECT NULL REGEXP 'a', 'abc' REGEXP NULL, 'abc' REGEXP 'B', 'abc' REGEXP '(?i)B';
