-- The uitvoeringsovereenkomst per partner of a pilot (§6b, seed 003): the performance
-- agreements (groups with their places, opening hours and minimum staffing for the group), the
-- occupancy the partner aims at and from which a group counts as near full, the six principles
-- of seed 003 as the partner works them out, and the agreed reporting frequency.

create table pilot_agreements (
    tenant_id        uuid not null,
    scheme_id        uuid not null,
    provider_id      uuid not null,
    reporting        text not null default 'kwartaal' check (reporting in ('maand', 'kwartaal', 'halfjaar', 'jaar')),
    -- Percentages of the places.
    target_occupancy integer not null default 85 check (target_occupancy between 1 and 100),
    near_full        integer not null default 90 check (near_full between 1 and 100),
    -- The partner's elaboration of each of the six principles, in the order of seed 003.
    principles       text[] not null default array['', '', '', '', '', ''] check (cardinality(principles) = 6),
    other_agreements text not null default '' check (length(other_agreements) <= 4000),
    version          integer not null default 1,
    updated_at       timestamptz not null default now(),
    updated_by       text not null,
    primary key (tenant_id, scheme_id, provider_id),
    foreign key (tenant_id, scheme_id, provider_id)
        references pilot_partners (tenant_id, scheme_id, provider_id) on delete cascade
);

-- A group of a partner: what monitoring reports are given per.
create table pilot_groups (
    tenant_id         uuid not null,
    group_id          uuid not null default gen_random_uuid(),
    scheme_id         uuid not null,
    provider_id       uuid not null,
    name              text not null check (length(name) between 1 and 200),
    places            integer not null check (places between 1 and 10000),
    opening_hours     text not null check (length(opening_hours) between 1 and 200),
    min_professionals integer not null check (min_professionals between 0 and 1000),
    min_volunteers    integer not null check (min_volunteers between 0 and 1000),
    position          integer not null default 0,
    primary key (tenant_id, group_id),
    unique (tenant_id, scheme_id, provider_id, name),
    foreign key (tenant_id, scheme_id, provider_id)
        references pilot_agreements (tenant_id, scheme_id, provider_id) on delete cascade
);

do $$
declare
    t text;
begin
    foreach t in array array['pilot_agreements', 'pilot_groups']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

grant select, insert, update on pilot_agreements to voorzieningen_app;
grant select, insert, update, delete on pilot_groups to voorzieningen_app;
