-- Id constraints that are floats: a whole number looks the id up, anything
-- else matches nothing.  Doubles beyond int64 (1e300, 9.3e18, NaN-like
-- arithmetic) are never cast to an integer (undefined behaviour in C; make
-- ubsan checks it with -fsanitize=float-cast-overflow).
SELECT 'in', count(*) FROM mailtrace_messages('data/esa1') WHERE mid IN (81016, 1e300, -1e300, 81016.0, 81017.5, 9.3e18);
SELECT 'eq', count(*) FROM mailtrace_messages('data/esa1') WHERE mid = 1e300;
SELECT 'whole', count(*) FROM mailtrace_messages('data/esa1') WHERE mid = 81017.0;
SELECT 'lines', count(*) FROM mailtrace_lines('data/esa1') WHERE mid IN (-9.3e18, 9.3e18);
SELECT 'icid', count(*) FROM mailtrace_connections('data/esa1') WHERE icid = 1e19;
SELECT 'dcid', count(*) FROM mailtrace_deliveries('data/esa1') WHERE dcid IN (1e300, 2e300);
