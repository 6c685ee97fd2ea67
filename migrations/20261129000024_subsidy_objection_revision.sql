-- An objection upheld (gegrond) re-decides the objector's application: the grant the replayed
-- ranking gives it, when that is more than before (a decision on objection never lowers it).
-- The original decision's snapshot (subsidy_outcomes, subsidy_decisions) stays as it was; the
-- application's current outcome is the latest revision's, else the original's.
alter table subsidy_objections
    add column granted_before_cents bigint check (granted_before_cents >= 0),
    add column granted_after_cents  bigint check (granted_after_cents >= 0),
    add column outcome_after        text check (outcome_after in ('toegekend', 'gedeeltelijk', 'afgewezen')),
    add check ((granted_after_cents is null) = (outcome_after is null)),
    add check (granted_after_cents is null or granted_after_cents > granted_before_cents);

-- A direct settlement (small grants, settled with the grant) follows the revised grant: it is
-- replaced when the new grant is still settled at once, removed when it now owes accountability.
grant update, delete on subsidy_settlements to voorzieningen_app;

-- Each decided application's current outcome: the original decision's, or the latest decision on
-- objection that changed it (the grant as it now stands, for pages, payments and open data).
create view subsidy_current_outcomes with (security_invoker = true) as
select o.tenant_id, o.application_id, o.round_id, o.category_id, o.requested_cents, o.decided_at, o.rank,
       coalesce(rv.outcome_after, o.outcome) as outcome,
       coalesce(rv.granted_after_cents, o.granted_cents) as granted_cents,
       rv.decided_at as revised_at
from subsidy_outcomes o
left join lateral (
    select x.outcome_after, x.granted_after_cents, x.decided_at from subsidy_objections x
    where x.tenant_id = o.tenant_id and x.application_id = o.application_id and x.granted_after_cents is not null
    order by x.decided_at desc limit 1
) rv on true;
grant select on subsidy_current_outcomes to voorzieningen_app;
