-- The register: the national taxonomy (shared, read-only for the application), each
-- tenant's own copy of the facility types (renamed, aliased, retired, added), providers,
-- facilities with everything DOMAIN.md §3 asks, and the regional checklist.

-- National lists, loaded from data/taxonomy/*.csv at every start (upsert by code).
create table levensgebieden (
    code     text primary key,
    name     text not null,
    position integer not null
);

create table national_facility_types (
    code         text primary key,
    levensgebied text not null references levensgebieden (code),
    subgroup     text not null,
    name         text not null,
    description  text not null,
    aliases      text[] not null default '{}',
    schil        text not null check (schil in ('informeel', 'sociaal_domein', 'overig_wettelijk')),
    toegang      text not null check (toegang in ('algemeen', 'maatwerk', 'informeel', 'overig')),
    innovative   boolean not null,
    position     integer not null
);

-- The small code lists share one table: kind says which list.
create table code_lists (
    kind        text not null check (kind in ('functie', 'bouwsteen', 'vorm', 'doelgroep', 'aanbiedertype',
                                               'verwijsreden')),
    code        text not null,
    name        text not null,
    description text not null default '',
    position    integer not null,
    primary key (kind, code)
);

-- A tenant's facility types: a copy of the national list that a later national update
-- refreshes only where the tenant did not change it (customized), plus the tenant's own.
create table facility_types (
    tenant_id     uuid not null references tenants (tenant_id),
    code          text not null check (code ~ '^[a-z0-9_]{2,60}$'),
    national_code text references national_facility_types (code),
    levensgebied  text not null references levensgebieden (code),
    subgroup      text not null default '',
    name          text not null check (length(name) between 1 and 200),
    description   text not null default '',
    aliases       text[] not null default '{}',
    schil         text not null check (schil in ('informeel', 'sociaal_domein', 'overig_wettelijk')),
    toegang       text not null check (toegang in ('algemeen', 'maatwerk', 'informeel', 'overig')),
    innovative    boolean not null default false,
    position      integer not null default 10000,
    customized    boolean not null default false,
    retired       boolean not null default false,
    version       integer not null default 1,
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, code)
);
create index facility_types_levensgebied on facility_types (tenant_id, levensgebied, position);

alter table providers
    add column provider_type text,
    add column kvk_number    text check (kvk_number ~ '^[0-9]{8}$'),
    add column street        text not null default '',
    add column house_number  text not null default '',
    add column postcode      text check (postcode ~ '^[1-9][0-9]{3} [A-Z]{2}$'),
    add column city          text not null default '',
    add column phone         text not null default '',
    add column email         text not null default '',
    add column website       text not null default '',
    add column contact_name  text not null default '',
    add column archived      boolean not null default false,
    add column version       integer not null default 1,
    add column updated_at    timestamptz not null default now();
create index providers_name on providers (tenant_id, lower(name));

create table facilities (
    tenant_id              uuid not null references tenants (tenant_id),
    facility_id            uuid not null default gen_random_uuid(),
    provider_id            uuid not null,
    name                   text not null check (length(name) between 1 and 200),
    description            text not null default '',
    form                   text,
    functions              text[] not null default '{}',
    bouwstenen             text[] not null default '{}',
    target_groups          text[] not null default '{}',
    -- NAW en bereikbaarheid
    street                 text not null default '',
    house_number           text not null default '',
    postcode               text check (postcode ~ '^[1-9][0-9]{3} [A-Z]{2}$'),
    city                   text not null default '',
    buurt_id               uuid,
    phone                  text not null default '',
    email                  text not null default '',
    website                text not null default '',
    wheelchair             text not null default 'onbekend' check (wheelchair in ('ja', 'nee', 'onbekend')),
    directions             text not null default '',
    opening_exceptions     text not null default '',
    -- werkgebied: areas served, or the whole region
    serves_whole_region    boolean not null default false,
    -- omvang
    capacity_at_once       integer check (capacity_at_once >= 0),
    capacity_per_day       integer check (capacity_per_day >= 0),
    capacity_per_week      integer check (capacity_per_week >= 0),
    visitors_last_year     integer check (visitors_last_year >= 0),
    visits_last_year       integer check (visits_last_year >= 0),
    -- aanpak, wie betaalt en bepaalt
    approach               text not null default '',
    funding_sources        text[] not null default '{}',
    access_decided_by      text not null default '',
    own_contribution       text not null default 'geen'
        check (own_contribution in ('geen', 'per_bezoek', 'per_maand', 'consumpties')),
    own_contribution_cents bigint check (own_contribution_cents >= 0),
    contracted             boolean not null default false,
    subsidised             boolean not null default false,
    pgb                    boolean not null default false,
    -- toegang en cliëntroutes
    access                 text not null default 'vrij' check (access in ('vrij', 'indicatie')),
    client_routes          text[] not null default '{}',
    -- bemensing
    professionals          text not null default 'onbekend'
        check (professionals in ('aanwezig', 'oproepbaar', 'geen', 'onbekend')),
    volunteers             integer check (volunteers >= 0),
    experts_by_experience  text not null default 'onbekend'
        check (experts_by_experience in ('geen', 'vrijwillig', 'betaald', 'onbekend')),
    -- doelgroep van het regionale plan: welkom en feitelijk gebruik
    welcome                text not null default 'onbekend'
        check (welcome in ('ja', 'voorwaarden', 'nee', 'onbekend')),
    welcome_conditions     text not null default '',
    used                   text not null default 'onbekend' check (used in ('ja', 'beetje', 'nee', 'onbekend')),
    -- actualiteit
    verified_on            date,
    verified_by            text not null default '',
    archived               boolean not null default false,
    version                integer not null default 1,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    primary key (tenant_id, facility_id),
    foreign key (tenant_id, provider_id) references providers (tenant_id, provider_id),
    foreign key (tenant_id, buurt_id) references areas (tenant_id, area_id)
);
create index facilities_provider on facilities (tenant_id, provider_id);
create index facilities_buurt on facilities (tenant_id, buurt_id);
create index facilities_name on facilities (tenant_id, lower(name));

create table facility_type_links (
    tenant_id   uuid not null,
    facility_id uuid not null,
    type_code   text not null,
    is_main     boolean not null default false,
    primary key (tenant_id, facility_id, type_code),
    foreign key (tenant_id, facility_id) references facilities (tenant_id, facility_id) on delete cascade,
    foreign key (tenant_id, type_code) references facility_types (tenant_id, code)
);
create index facility_type_links_type on facility_type_links (tenant_id, type_code);

create table facility_service_areas (
    tenant_id   uuid not null,
    facility_id uuid not null,
    area_id     uuid not null,
    primary key (tenant_id, facility_id, area_id),
    foreign key (tenant_id, facility_id) references facilities (tenant_id, facility_id) on delete cascade,
    foreign key (tenant_id, area_id) references areas (tenant_id, area_id)
);
create index facility_service_areas_area on facility_service_areas (tenant_id, area_id);

-- Opening hours: several periods per weekday (1 = Monday ... 7 = Sunday).
create table facility_hours (
    tenant_id   uuid not null,
    facility_id uuid not null,
    weekday     smallint not null check (weekday between 1 and 7),
    opens       time not null,
    closes      time not null check (closes > opens),
    primary key (tenant_id, facility_id, weekday, opens),
    foreign key (tenant_id, facility_id) references facilities (tenant_id, facility_id) on delete cascade
);

-- Capacity per dagdeel (seed 000): people present at once, of which kept free for walk-ins.
create table facility_dagdeel_capacity (
    tenant_id      uuid not null,
    facility_id    uuid not null,
    weekday        smallint not null check (weekday between 1 and 7),
    dagdeel        text not null check (dagdeel in ('ochtend', 'middag', 'avond')),
    max_present    integer not null check (max_present >= 0),
    walk_in        integer not null check (walk_in >= 0),
    by_appointment integer not null check (by_appointment >= 0),
    primary key (tenant_id, facility_id, weekday, dagdeel),
    foreign key (tenant_id, facility_id) references facilities (tenant_id, facility_id) on delete cascade,
    check (walk_in + by_appointment <= max_present)
);

-- The regional checklist: a recorded status per facility type and gemeente. "Aanwezig" is
-- never stored: it follows from the facilities.
create table checklist_entries (
    tenant_id   uuid not null,
    area_id     uuid not null,
    type_code   text not null,
    status      text not null check (status in ('niet_aanwezig', 'onbekend', 'niet_van_toepassing')),
    note        text not null default '',
    updated_by  text not null default '',
    version     integer not null default 1,
    updated_at  timestamptz not null default now(),
    primary key (tenant_id, area_id, type_code),
    foreign key (tenant_id, area_id) references areas (tenant_id, area_id),
    foreign key (tenant_id, type_code) references facility_types (tenant_id, code)
);

-- Demand per wijk (e.g. estimated residents with a psychological vulnerability).
create table area_demand (
    tenant_id  uuid not null,
    area_id    uuid not null,
    indicator  text not null default 'vraag',
    value      integer not null check (value >= 0),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, area_id, indicator),
    foreign key (tenant_id, area_id) references areas (tenant_id, area_id) on delete cascade
);

do $$
declare
    t text;
begin
    foreach t in array array['facility_types', 'facilities', 'facility_type_links', 'facility_service_areas',
                             'facility_hours', 'facility_dagdeel_capacity', 'checklist_entries', 'area_demand']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

grant select on levensgebieden, national_facility_types, code_lists to voorzieningen_app;
grant select, insert, update, delete on facility_types, facilities, facility_type_links, facility_service_areas,
    facility_hours, facility_dagdeel_capacity, checklist_entries, area_demand to voorzieningen_app;
