-- Foundation: tenants, areas, providers, users, sessions, one-time password links,
-- login throttling and the audit trail.
--
-- Isolation: every tenant-owned table has tenant_id leading its primary key and indexes,
-- row-level security is enabled and forced, and the policy compares tenant_id with the
-- per-transaction setting app.tenant_id. The application connects as voorzieningen_app,
-- which owns nothing, is no superuser and has no BYPASSRLS. The role that runs the
-- migrations (the owner) keeps full access through a policy of its own, for operator
-- commands and the demo loader.

do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'voorzieningen_app') then
        create role voorzieningen_app login nosuperuser nocreatedb nocreaterole nobypassrls noinherit;
    end if;
end
$$;

grant usage on schema public to voorzieningen_app;

-- The tenant of the current transaction, or null when none was set (then no row matches).
create function app_current_tenant() returns uuid
    language sql stable
as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;

create table tenants (
    tenant_id  uuid primary key default gen_random_uuid(),
    slug       text not null unique
        check (slug ~ '^[a-z0-9][a-z0-9-]{1,39}$'
               and slug not in ('inloggen', 'uitloggen', 'static', 'healthz', 'readyz', 'api',
                                'wachtwoord-instellen', 'kaart', 'beheer')),
    name       text not null check (length(name) between 1 and 200),
    kind       text not null check (kind in ('gemeente', 'regio')),
    cbs_code   text check (cbs_code ~ '^GM[0-9]{4}$'),
    published  boolean not null default false,
    created_at timestamptz not null default now(),
    check (kind = 'regio' or cbs_code is not null)
);

create table areas (
    tenant_id  uuid not null references tenants (tenant_id),
    area_id    uuid not null default gen_random_uuid(),
    level      text not null check (level in ('gemeente', 'wijk', 'buurt')),
    cbs_code   text not null,
    name       text not null check (length(name) between 1 and 200),
    parent_id  uuid,
    version    integer not null default 1,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, area_id),
    unique (tenant_id, cbs_code),
    foreign key (tenant_id, parent_id) references areas (tenant_id, area_id),
    check ((level = 'gemeente' and cbs_code ~ '^GM[0-9]{4}$' and parent_id is null)
        or (level = 'wijk' and cbs_code ~ '^WK[0-9]{6}$' and parent_id is not null)
        or (level = 'buurt' and cbs_code ~ '^BU[0-9]{8}$' and parent_id is not null))
);
create index areas_parent on areas (tenant_id, parent_id);

create table providers (
    tenant_id   uuid not null references tenants (tenant_id),
    provider_id uuid not null default gen_random_uuid(),
    name        text not null check (length(name) between 1 and 200),
    created_at  timestamptz not null default now(),
    primary key (tenant_id, provider_id)
);

create table users (
    tenant_id     uuid not null references tenants (tenant_id),
    user_id       uuid not null default gen_random_uuid(),
    email         text not null check (email = lower(email) and email like '%_@_%'),
    display_name  text not null check (length(display_name) between 1 and 200),
    password_hash text,
    roles         text[] not null
        check (cardinality(roles) > 0
               and roles <@ array['beheerder', 'beleidsmedewerker', 'beoordelaar', 'wijkteam', 'aanbieder']),
    provider_id   uuid,
    active        boolean not null default true,
    version       integer not null default 1,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    primary key (tenant_id, user_id),
    unique (tenant_id, email),
    foreign key (tenant_id, provider_id) references providers (tenant_id, provider_id),
    check (not ('aanbieder' = any (roles)) or provider_id is not null)
);
create index users_provider on users (tenant_id, provider_id);

-- E-mail addresses are unique across tenants, because login happens before the tenant is
-- known. This directory is kept by a trigger and readable only through auth_find_login.
create table login_emails (
    email     text primary key,
    tenant_id uuid not null,
    user_id   uuid not null
);

create function login_emails_sync() returns trigger
    language plpgsql security definer set search_path = public, pg_temp
as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        delete from login_emails where email = old.email and user_id = old.user_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into login_emails (email, tenant_id, user_id) values (new.email, new.tenant_id, new.user_id);
        return new;
    end if;
    return old;
end
$$;
create trigger users_login_emails after insert or update of email or delete on users
    for each row execute function login_emails_sync();

create table sessions (
    tenant_id    uuid not null,
    session_hash bytea not null,
    user_id      uuid not null,
    csrf_token   text not null,
    created_at   timestamptz not null default now(),
    last_seen_at timestamptz not null default now(),
    primary key (tenant_id, session_hash),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index sessions_user on sessions (tenant_id, user_id);

create table password_tokens (
    tenant_id  uuid not null,
    token_hash bytea not null,
    user_id    uuid not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at    timestamptz,
    primary key (tenant_id, token_hash),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);
create index password_tokens_user on password_tokens (tenant_id, user_id);

create table audit_events (
    tenant_id     uuid not null references tenants (tenant_id),
    event_id      uuid not null default gen_random_uuid(),
    occurred_at   timestamptz not null default now(),
    actor_user_id uuid,
    actor_label   text not null,
    action        text not null,
    object_type   text not null,
    object_id     text,
    result        text not null check (result in ('success', 'failure', 'denied')),
    origin        text,
    before        jsonb,
    after         jsonb,
    primary key (tenant_id, event_id)
);
create index audit_events_time on audit_events (tenant_id, occurred_at desc);
create index audit_events_object on audit_events (tenant_id, object_type, object_id, occurred_at);

-- Events that belong to no tenant, such as a login attempt for an unknown address.
create table system_audit_events (
    event_id    uuid primary key default gen_random_uuid(),
    occurred_at timestamptz not null default now(),
    actor_label text not null,
    action      text not null,
    object_type text not null,
    object_id   text,
    result      text not null check (result in ('success', 'failure', 'denied')),
    origin      text
);

create table login_failures (
    failure_id  bigserial primary key,
    email       text not null,
    address     text not null,
    occurred_at timestamptz not null default now()
);
create index login_failures_email on login_failures (email, occurred_at);
create index login_failures_address on login_failures (address, occurred_at);

-- Owner-only bookkeeping (e.g. whether the demo data was loaded).
create table app_meta (
    key   text primary key,
    value text not null
);

do $$
declare
    t text;
begin
    foreach t in array array['areas', 'providers', 'users', 'sessions', 'password_tokens', 'audit_events', 'login_emails']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

-- Lookups that must work before the tenant is known. They run as the owner and return only
-- the row that the secret (e-mail plus password check, session id, token) points at.
create function auth_find_login(p_email text)
    returns table (tenant_id uuid, user_id uuid, password_hash text, active boolean, tenant_slug text)
    language sql stable security definer set search_path = public, pg_temp
as $$
    select u.tenant_id, u.user_id, u.password_hash, u.active, t.slug
    from login_emails l
    join users u on u.tenant_id = l.tenant_id and u.user_id = l.user_id
    join tenants t on t.tenant_id = u.tenant_id
    where l.email = lower(p_email)
$$;

create function auth_load_session(p_hash bytea, p_idle_seconds integer, p_absolute_seconds integer)
    returns table (tenant_id uuid, user_id uuid, csrf_token text, created_at timestamptz,
                   tenant_slug text, tenant_name text, tenant_kind text,
                   email text, display_name text, roles text[], provider_id uuid)
    language plpgsql volatile security definer set search_path = public, pg_temp
as $$
begin
    delete from sessions s
    where s.session_hash = p_hash
      and (s.last_seen_at < now() - make_interval(secs => p_idle_seconds)
           or s.created_at < now() - make_interval(secs => p_absolute_seconds));
    update sessions s set last_seen_at = now()
    where s.session_hash = p_hash and s.last_seen_at < now() - interval '30 seconds';
    return query
        select s.tenant_id, s.user_id, s.csrf_token, s.created_at, t.slug, t.name, t.kind,
               u.email, u.display_name, u.roles, u.provider_id
        from sessions s
        join users u on u.tenant_id = s.tenant_id and u.user_id = s.user_id and u.active
        join tenants t on t.tenant_id = s.tenant_id
        where s.session_hash = p_hash;
end
$$;

create function auth_load_password_token(p_hash bytea)
    returns table (tenant_id uuid, user_id uuid, expires_at timestamptz, used_at timestamptz,
                   email text, display_name text, active boolean, tenant_slug text, tenant_name text)
    language sql stable security definer set search_path = public, pg_temp
as $$
    select p.tenant_id, p.user_id, p.expires_at, p.used_at, u.email, u.display_name, u.active, t.slug, t.name
    from password_tokens p
    join users u on u.tenant_id = p.tenant_id and u.user_id = p.user_id
    join tenants t on t.tenant_id = p.tenant_id
    where p.token_hash = p_hash
$$;

create function auth_purge_expired(p_idle_seconds integer, p_absolute_seconds integer) returns void
    language sql volatile security definer set search_path = public, pg_temp
as $$
    delete from sessions
    where last_seen_at < now() - make_interval(secs => p_idle_seconds)
       or created_at < now() - make_interval(secs => p_absolute_seconds);
    delete from password_tokens where expires_at < now() - interval '30 days';
    delete from login_failures where occurred_at < now() - interval '1 day';
$$;

revoke all on function auth_find_login(text) from public;
revoke all on function auth_load_session(bytea, integer, integer) from public;
revoke all on function auth_load_password_token(bytea) from public;
revoke all on function auth_purge_expired(integer, integer) from public;
revoke all on function login_emails_sync() from public;
grant execute on function auth_find_login(text) to voorzieningen_app;
grant execute on function auth_load_session(bytea, integer, integer) to voorzieningen_app;
grant execute on function auth_load_password_token(bytea) to voorzieningen_app;
grant execute on function auth_purge_expired(integer, integer) to voorzieningen_app;

grant select on tenants to voorzieningen_app;
grant select, insert, update, delete on areas, providers, users, sessions, password_tokens to voorzieningen_app;
grant select, insert on audit_events to voorzieningen_app;
grant insert on system_audit_events to voorzieningen_app;
grant select, insert, delete on login_failures to voorzieningen_app;
grant usage on sequence login_failures_failure_id_seq to voorzieningen_app;
