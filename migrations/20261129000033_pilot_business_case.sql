-- The business case of a pilot per year (§6b, seed 003's table "Financiële effecten maatwerk
-- naar voorliggend"): the costs of maatwerk (OMD) under unchanged policy, the maatwerk costs
-- after the change, and the pilot's own costs per funding source, planned and realised. The
-- planned pilot costs are the scheme's budget lines (its dekking) as they stood when the
-- version was saved; the realised ones are entered per source. Totals and savings are
-- computed, never stored.
--
-- Kept in versions like the allocation: a version is never changed, a correction is a new
-- version with its reason, who and when.

create table pilot_business_cases (
    tenant_id                uuid not null,
    scheme_id                uuid not null,
    year                     integer not null check (year between 2000 and 2100),
    basis                    text not null check (basis in ('gepland', 'gerealiseerd')),
    version                  integer not null check (version >= 1),
    maatwerk_unchanged_cents bigint not null check (maatwerk_unchanged_cents between 0 and 100000000000000),
    maatwerk_after_cents     bigint not null check (maatwerk_after_cents between 0 and 100000000000000),
    reason                   text not null check (length(reason) between 1 and 2000),
    created_at               timestamptz not null default now(),
    created_by               text not null,
    primary key (tenant_id, scheme_id, year, basis, version),
    foreign key (tenant_id, scheme_id) references subsidy_schemes (tenant_id, scheme_id) on delete cascade
);

-- The costs of the pilot per funding source of one version.
create table pilot_business_case_costs (
    tenant_id    uuid not null,
    scheme_id    uuid not null,
    year         integer not null,
    basis        text not null,
    version      integer not null,
    source       text not null check (length(source) between 1 and 200),
    amount_cents bigint not null check (amount_cents between 0 and 100000000000000),
    primary key (tenant_id, scheme_id, year, basis, version, source),
    foreign key (tenant_id, scheme_id, year, basis, version)
        references pilot_business_cases (tenant_id, scheme_id, year, basis, version) on delete cascade
);

do $$
declare
    t text;
begin
    foreach t in array array['pilot_business_cases', 'pilot_business_case_costs']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

-- Versions are kept: no update or delete.
grant select, insert on pilot_business_cases, pilot_business_case_costs to voorzieningen_app;
