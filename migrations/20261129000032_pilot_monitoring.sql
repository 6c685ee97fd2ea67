-- Monitoring of a pilot (§6b, seed 003): per period (the agreement's reporting frequency) a
-- partner reports per group its capacity, participants and the staff present, the inflow from
-- a maatwerk indication and new inflow, and the outflow to work, education, maatwerk and other.
-- Aggregates only, never a person. Officials review a report; a reviewed report is final.

create table pilot_reports (
    tenant_id    uuid not null,
    scheme_id    uuid not null,
    provider_id  uuid not null,
    -- 2020-K1 (quarter), 2020-M03 (month), 2020-H1 (half year) or 2020 (year).
    period       text not null check (period ~ '^[0-9]{4}(-K[1-4]|-H[12]|-M(0[1-9]|1[0-2]))?$'),
    period_start date not null,
    period_end   date not null check (period_end >= period_start),
    submitted_at timestamptz not null default now(),
    submitted_by text not null,
    reviewed_at  timestamptz,
    reviewed_by  text,
    review_note  text not null default '' check (length(review_note) <= 4000),
    primary key (tenant_id, scheme_id, provider_id, period),
    foreign key (tenant_id, scheme_id, provider_id)
        references pilot_agreements (tenant_id, scheme_id, provider_id)
);

create table pilot_report_groups (
    tenant_id         uuid not null,
    scheme_id         uuid not null,
    provider_id       uuid not null,
    period            text not null,
    group_id          uuid not null,
    capacity          integer not null check (capacity between 0 and 100000),
    participants      integer not null check (participants between 0 and 100000),
    professionals     integer not null check (professionals between 0 and 10000),
    volunteers        integer not null check (volunteers between 0 and 10000),
    inflow_maatwerk   integer not null check (inflow_maatwerk between 0 and 100000),
    inflow_new        integer not null check (inflow_new between 0 and 100000),
    outflow_work      integer not null check (outflow_work between 0 and 100000),
    outflow_education integer not null check (outflow_education between 0 and 100000),
    outflow_maatwerk  integer not null check (outflow_maatwerk between 0 and 100000),
    outflow_other     integer not null check (outflow_other between 0 and 100000),
    primary key (tenant_id, scheme_id, provider_id, period, group_id),
    foreign key (tenant_id, scheme_id, provider_id, period)
        references pilot_reports (tenant_id, scheme_id, provider_id, period) on delete cascade,
    foreign key (tenant_id, group_id) references pilot_groups (tenant_id, group_id)
);

do $$
declare
    t text;
begin
    foreach t in array array['pilot_reports', 'pilot_report_groups']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

grant select, insert, update on pilot_reports to voorzieningen_app;
grant select, insert, update, delete on pilot_report_groups to voorzieningen_app;
