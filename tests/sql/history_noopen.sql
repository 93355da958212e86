-- mailtrace_history reads the sources of mailtrace_open(): without one, it says so.
.mode list
SELECT count(*) FROM mailtrace_history(81009);
