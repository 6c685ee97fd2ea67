-- The inputs of the rendement calculation of a scheme's day activities (seed 002 §3.2): every
-- parameter is the tenant's own; the results are computed, never stored.
create table subsidy_rendement (
    tenant_id                    uuid not null,
    scheme_id                    uuid not null,
    participants                 bigint not null check (participants >= 0),
    share_numerator              bigint not null check (share_numerator >= 0),
    share_denominator            bigint not null check (share_denominator > 0 and share_numerator <= share_denominator),
    persons_per_place            bigint not null check (persons_per_place > 0),
    cost_per_place_cents         bigint not null check (cost_per_place_cents >= 0),
    subsidy_cents                bigint not null check (subsidy_cents >= 0),
    hours_per_request_tenths     bigint not null check (hours_per_request_tenths >= 0),
    hours_per_fte                bigint not null check (hours_per_fte > 0),
    contribution_per_month_cents bigint not null check (contribution_per_month_cents >= 0),
    updated_at                   timestamptz not null default now(),
    updated_by                   text not null,
    primary key (tenant_id, scheme_id),
    foreign key (tenant_id, scheme_id) references subsidy_schemes (tenant_id, scheme_id) on delete cascade
);
alter table subsidy_rendement enable row level security;
alter table subsidy_rendement force row level security;
create policy tenant_isolation on subsidy_rendement using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on subsidy_rendement to current_user using (true) with check (true);
grant select, insert, update on subsidy_rendement to voorzieningen_app;
