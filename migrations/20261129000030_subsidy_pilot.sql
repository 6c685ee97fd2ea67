-- Pilot regelingen (DOMAIN.md §6b, seed 003): a scheme of kind 'pilot' with subsidised
-- partners, the clients per partner per year (the wijkteams' assessed need, and later the
-- realised distribution), and the yearly budget's allocation over the partners, kept in
-- versions: a version is never changed, an adjustment is a new version with its reason.
-- The budget per year and its funding sources are the scheme's budget lines.

create table pilot_partners (
    tenant_id   uuid not null,
    scheme_id   uuid not null,
    provider_id uuid not null,
    added_at    timestamptz not null default now(),
    added_by    text not null,
    primary key (tenant_id, scheme_id, provider_id),
    foreign key (tenant_id, scheme_id) references subsidy_schemes (tenant_id, scheme_id) on delete cascade,
    foreign key (tenant_id, provider_id) references providers (tenant_id, provider_id)
);

-- Clients per partner per year: 'behoefte' (the need the wijkteams assessed) or 'gerealiseerd'
-- (the clients the partner actually served). Counts only, never a person. `wijk` is the CBS
-- code of a wijk of the tenant when the count is per wijk, '' when it is the partner's total.
create table pilot_clients (
    tenant_id   uuid not null,
    scheme_id   uuid not null,
    year        integer not null check (year between 2000 and 2100),
    basis       text not null check (basis in ('behoefte', 'gerealiseerd')),
    provider_id uuid not null,
    wijk        text not null default '' check (wijk = '' or wijk ~ '^WK[0-9]{6}$'),
    clients     integer not null check (clients between 0 and 1000000),
    updated_at  timestamptz not null default now(),
    updated_by  text not null,
    primary key (tenant_id, scheme_id, year, basis, provider_id, wijk),
    foreign key (tenant_id, scheme_id, provider_id)
        references pilot_partners (tenant_id, scheme_id, provider_id) on delete cascade
);

-- One version of a year's allocation: the proposal by the rule, or an official's adjustment.
create table pilot_allocations (
    tenant_id    uuid not null,
    scheme_id    uuid not null,
    year         integer not null check (year between 2000 and 2100),
    version      integer not null check (version >= 1),
    budget_cents bigint not null check (budget_cents >= 0),
    kind         text not null check (kind in ('voorstel', 'aanpassing')),
    reason       text not null default '' check (length(reason) <= 2000),
    created_at   timestamptz not null default now(),
    created_by   text not null,
    primary key (tenant_id, scheme_id, year, version),
    foreign key (tenant_id, scheme_id) references subsidy_schemes (tenant_id, scheme_id) on delete cascade,
    check (kind = 'voorstel' or length(reason) > 0)
);

create table pilot_allocation_shares (
    tenant_id      uuid not null,
    scheme_id      uuid not null,
    year           integer not null,
    version        integer not null,
    provider_id    uuid not null,
    -- The clients the division followed, as they stood when the version was made.
    clients        integer not null check (clients >= 0),
    proposed_cents bigint not null check (proposed_cents >= 0),
    share_cents    bigint not null check (share_cents >= 0),
    primary key (tenant_id, scheme_id, year, version, provider_id),
    foreign key (tenant_id, scheme_id, year, version)
        references pilot_allocations (tenant_id, scheme_id, year, version) on delete cascade,
    foreign key (tenant_id, scheme_id, provider_id)
        references pilot_partners (tenant_id, scheme_id, provider_id)
);

do $$
declare
    t text;
begin
    foreach t in array array['pilot_partners', 'pilot_clients', 'pilot_allocations', 'pilot_allocation_shares']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

grant select, insert on pilot_partners to voorzieningen_app;
grant select, insert, update, delete on pilot_clients to voorzieningen_app;
-- Versions are kept: no update or delete.
grant select, insert on pilot_allocations, pilot_allocation_shares to voorzieningen_app;
