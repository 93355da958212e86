.mode list
SELECT mailtrace_version() LIKE 'mailtrace 0.1.0 (git %)';
