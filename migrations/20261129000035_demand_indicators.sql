-- Issue 16 item 9: named demand indicators per tenant (a name, a unit, a source and a year),
-- a value per wijk for each, and the residents per area the figures per 1,000 need.

-- Residents per area (CBS Kerncijfers wijken en buurten). Unknown stays null; a gemeente
-- without its own figure has the sum of its wijken.
alter table areas add column residents integer check (residents between 0 and 20000000);

create table demand_indicators (
    tenant_id  uuid not null references tenants (tenant_id),
    code       text not null check (code ~ '^[a-z0-9_]{1,60}$'),
    name       text not null check (length(name) between 1 and 120),
    unit       text not null check (unit in ('aantal', 'percentage')),
    source     text not null default '' check (length(source) <= 200),
    year       integer check (year between 1900 and 2200),
    -- The indicator the supply is compared with unless the page is asked for another.
    main       boolean not null default false,
    version    integer not null default 1,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, code)
);
create unique index demand_indicators_one_main on demand_indicators (tenant_id) where main;

-- The one unnamed indicator so far becomes a named one, the main.
insert into demand_indicators (tenant_id, code, name, unit, main)
select distinct tenant_id, indicator, case indicator when 'vraag' then 'Vraag' else indicator end, 'aantal',
       indicator = 'vraag'
from area_demand;

-- Percentages have a decimal.
alter table area_demand alter column value type numeric(12, 1);
alter table area_demand alter column indicator drop default;
alter table area_demand add constraint area_demand_indicator
    foreign key (tenant_id, indicator) references demand_indicators (tenant_id, code) on delete cascade;

alter table demand_indicators enable row level security;
alter table demand_indicators force row level security;
create policy tenant_isolation on demand_indicators using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on demand_indicators to current_user using (true) with check (true);
grant select, insert, update, delete on demand_indicators to voorzieningen_app;
