-- Finding facilities (DOMAIN.md §5): Dutch full-text search that ignores accents, typo
-- tolerance on names, a generation counter per tenant for caches of the register, and
-- anonymous referral counts.

create extension if not exists unaccent;
create extension if not exists pg_trgm;
create extension if not exists btree_gin;

-- Dutch stemming on words stripped of their accents: "cafés" and "cafe" meet.
create text search configuration nl_unaccent (copy = dutch);
alter text search configuration nl_unaccent
    alter mapping for hword, hword_part, word, asciihword, asciiword, hword_asciipart with unaccent, dutch_stem;

-- The search document: name (A), types and their aliases (B), provider, functions and target
-- groups (C), description and address (D). search_name is the name without accents, for
-- trigram typo tolerance. Both are kept by facility_search_refresh.
alter table facilities
    add column search_doc  tsvector not null default ''::tsvector,
    add column search_name text not null default '';
create index facilities_search_doc on facilities using gin (tenant_id, search_doc);
create index facilities_search_name on facilities using gin (tenant_id, search_name gin_trgm_ops);

-- Recomputes the search document of the given facilities of a tenant (all when ids is null).
create function facility_search_refresh(p_tenant uuid, p_ids uuid[]) returns void
    language sql
as $$
    update facilities f set
        search_name = lower(unaccent(f.name)),
        search_doc =
            setweight(to_tsvector('nl_unaccent', f.name), 'A')
            || setweight(to_tsvector('nl_unaccent', coalesce((
                   select string_agg(t.name || ' ' || array_to_string(t.aliases, ' ') || ' ' || t.subgroup, ' ')
                   from facility_type_links l
                   join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code
                   where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id), '')), 'B')
            || setweight(to_tsvector('nl_unaccent', coalesce(p.name, '') || ' ' || coalesce((
                   select string_agg(c.name, ' ') from code_lists c
                   where (c.kind = 'functie' and c.code = any (f.functions))
                      or (c.kind = 'doelgroep' and c.code = any (f.target_groups))
                      or (c.kind = 'bouwsteen' and c.code = any (f.bouwstenen))), '')), 'C')
            || setweight(to_tsvector('nl_unaccent', f.description || ' ' || f.street || ' ' || f.city || ' '
                   || coalesce(f.postcode, '') || ' ' || coalesce((
                       select string_agg(a.name, ' ') from areas a
                       where a.tenant_id = f.tenant_id
                         and a.area_id in (b.area_id, b.parent_id)), '')), 'D')
    from facilities f2
    join providers p on p.tenant_id = f2.tenant_id and p.provider_id = f2.provider_id
    left join areas b on b.tenant_id = f2.tenant_id and b.area_id = f2.buurt_id
    where f.tenant_id = p_tenant and f2.tenant_id = f.tenant_id and f2.facility_id = f.facility_id
      and (p_ids is null or f.facility_id = any (p_ids));
$$;

-- A counter per tenant that moves whenever the register changes, so a cache of it (the
-- lookup's filter index) knows when to reload. Bumped once per transaction by the triggers
-- below; when no tenant is set (the owner's maintenance), every tenant's counter moves.
alter table tenants add column register_generation bigint not null default 0;

create function register_changed() returns trigger
    language plpgsql security definer set search_path = public
as $$
begin
    if current_setting('app.register_changed', true) is distinct from txid_current()::text then
        perform set_config('app.register_changed', txid_current()::text, true);
        update tenants set register_generation = register_generation + 1
        where app_current_tenant() is null or tenant_id = app_current_tenant();
    end if;
    return null;
end
$$;

do $$
declare
    t text;
begin
    foreach t in array array['facilities', 'facility_type_links', 'facility_service_areas', 'facility_hours',
                             'facility_types', 'providers', 'areas']
    loop
        execute format('create trigger register_changed after insert or update or delete or truncate on %I '
                       'for each statement execute function register_changed()', t);
    end loop;
end
$$;

-- Referrals: counts only. Nothing about the resident: a date, the facility, the client route,
-- optionally a reason category and the wijk of the referring team.
create table referrals (
    tenant_id   uuid not null references tenants (tenant_id),
    referral_id uuid not null default gen_random_uuid(),
    facility_id uuid not null,
    referred_on date not null,
    route       text not null check (route in ('zelfstandig', 'wijkteam', 'sociale_zaken', 'andere_organisatie')),
    reason      text,
    wijk_id     uuid,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, referral_id),
    foreign key (tenant_id, facility_id) references facilities (tenant_id, facility_id),
    foreign key (tenant_id, wijk_id) references areas (tenant_id, area_id)
);
create index referrals_facility on referrals (tenant_id, facility_id);
create index referrals_month on referrals (tenant_id, referred_on);

alter table referrals enable row level security;
alter table referrals force row level security;
create policy tenant_isolation on referrals using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on referrals to current_user using (true) with check (true);
grant select, insert on referrals to voorzieningen_app;

-- The beheerder publishes the register (the application may read tenants, not write them):
-- sets the published flag of the current tenant only and answers the value before.
create function tenant_set_published(p_tenant uuid, p_on boolean) returns boolean
    language plpgsql security definer set search_path = public
as $$
declare
    was boolean;
begin
    if p_tenant is distinct from app_current_tenant() then
        raise exception 'tenant mismatch';
    end if;
    select published into was from tenants where tenant_id = p_tenant for update;
    update tenants set published = p_on where tenant_id = p_tenant;
    return was;
end
$$;
revoke all on function tenant_set_published(uuid, boolean) from public;
grant execute on function tenant_set_published(uuid, boolean) to voorzieningen_app;
