-- A round "tot en met HH:MM" accepts submissions through HH:MM:59: a term given to a minute
-- includes all of it. The round form stored the start of the minute typed; move those closing
-- instants to the minute's last microsecond, as the form stores them from now on
-- (subsidy::common::store::end_of_minute). Instants with seconds were not typed as a minute and
-- stay as they are.
update subsidy_rounds
set closes_at = closes_at + interval '59.999999 seconds'
where closes_at = date_trunc('minute', closes_at);
