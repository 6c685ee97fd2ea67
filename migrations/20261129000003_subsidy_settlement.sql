-- After the grant: payments (advances and their offsetting), accountability per amount band,
-- and settlement (vaststelling) with the claim or the last payment that follows (Awb 4:44–4:57).

-- Per round: how grants are paid, and what accountability each amount band owes and when.
alter table subsidy_rounds
    add column advance_parts integer not null default 1 check (advance_parts between 1 and 12),
    -- Grants below this are settled at once with the grant (no accountability).
    add column settle_direct_below_cents bigint not null default 500000 check (settle_direct_below_cents >= 0),
    -- Grants below this need an activity report; from it also a financial report.
    add column financial_report_from_cents bigint not null default 5000000 check (financial_report_from_cents >= 0),
    -- Accountability is due this many months after the subsidy period ends.
    add column accountability_months integer not null default 4 check (accountability_months between 1 and 24);

create table subsidy_payments (
    tenant_id      uuid not null,
    payment_id     uuid not null default gen_random_uuid(),
    application_id uuid not null,
    kind           text not null check (kind in ('voorschot', 'betaling', 'nabetaling')),
    part           integer not null default 1,
    due_on         date not null,
    amount_cents   bigint not null check (amount_cents > 0),
    paid_on        date,
    paid_by        text,
    primary key (tenant_id, payment_id),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id)
);
create index subsidy_payments_due on subsidy_payments (tenant_id, due_on);

-- The accountability (verantwoording) an aanbieder files after the period.
create table subsidy_reports (
    tenant_id            uuid not null,
    application_id       uuid not null,
    activities           text not null check (length(activities) between 1 and 8000),
    participants         integer not null check (participants >= 0),
    fixed_costs_cents    bigint not null default 0 check (fixed_costs_cents >= 0),
    staff_costs_cents    bigint not null default 0 check (staff_costs_cents >= 0),
    activity_costs_cents bigint not null default 0 check (activity_costs_cents >= 0),
    other_costs_cents    bigint not null default 0 check (other_costs_cents >= 0),
    submitted_at         timestamptz not null default now(),
    submitted_by         uuid,
    primary key (tenant_id, application_id),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id)
);

-- The settlement: at the granted amount or lower with a reason; a claim when less than paid.
create table subsidy_settlements (
    tenant_id       uuid not null,
    application_id  uuid not null,
    settled_cents   bigint not null check (settled_cents >= 0),
    granted_cents   bigint not null check (settled_cents <= granted_cents),
    paid_cents      bigint not null check (paid_cents >= 0),
    claim_cents     bigint not null check (claim_cents >= 0),
    reason          text not null default '',
    own_initiative  boolean not null default false,
    direct          boolean not null default false,
    settled_at      timestamptz not null default now(),
    settled_by      text not null,
    primary key (tenant_id, application_id),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id),
    check (settled_cents = granted_cents or length(reason) > 0)
);

do $$
declare
    t text;
begin
    foreach t in array array['subsidy_payments', 'subsidy_reports', 'subsidy_settlements']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

-- Unpaid advances are replaced at settlement (the audit trail keeps what they were).
grant select, insert, update, delete on subsidy_payments to voorzieningen_app;
grant select, insert on subsidy_reports, subsidy_settlements to voorzieningen_app;
