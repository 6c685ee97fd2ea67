-- An official's reasoned check of an application the ranking flags as an outlier of the price
-- rule (cost per participant below a quarter of the onderdeel's median, or participants beyond
-- three times the named facilities' visitors last year). Insert-only; one per version.
create table subsidy_outlier_checks (
    tenant_id      uuid not null,
    application_id uuid not null,
    version        integer not null,
    reason         text not null check (length(reason) between 1 and 2000),
    checked_by     text not null,
    checked_at     timestamptz not null default now(),
    primary key (tenant_id, application_id, version),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id)
);

alter table subsidy_outlier_checks enable row level security;
alter table subsidy_outlier_checks force row level security;
create policy tenant_isolation on subsidy_outlier_checks using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on subsidy_outlier_checks to current_user using (true) with check (true);
grant select, insert on subsidy_outlier_checks to voorzieningen_app;
