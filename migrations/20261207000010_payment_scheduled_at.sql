-- Issue 24, item 7: a payment cannot have been paid before the decision it rests on (the grant,
-- a decision on objection, a settlement). Each payment now records when it was scheduled, which
-- is when that decision was taken; the application refuses a payment date before it.
alter table subsidy_payments add column scheduled_at timestamptz;
-- Payments made before this migration: the grant's decision is the earliest they can rest on.
update subsidy_payments y set scheduled_at = o.decided_at
from subsidy_outcomes o
where o.tenant_id = y.tenant_id and o.application_id = y.application_id;
-- A payment without an outcome cannot exist (payments follow from grants); should one exist,
-- it keeps accepting any date it accepted before.
update subsidy_payments set scheduled_at = '-infinity' where scheduled_at is null;
alter table subsidy_payments
    alter column scheduled_at set default now(),
    alter column scheduled_at set not null;
