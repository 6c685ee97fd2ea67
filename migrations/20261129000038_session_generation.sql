-- Sessions kept in memory by each server process (src/auth/session_cache.rs). A kept session
-- is trusted for a request only while its tenant's `auth_generation` is the one read with it,
-- and that counter moves with everything a kept session copies or depends on:
--   * a session ended (logout, password change, deactivation, expiry, purge) or changed
--     behind the application's back (moved back in time, another user or token);
--   * any change of a user (roles, active, e-mail, name, organisation, password);
--   * a tenant's slug, name or kind.
-- A session's 30-second touch (`last_seen_at` moving forward) does not move it. Every signed-in
-- request reads the counter with the register's in one statement by primary key, so a change
-- committed by any process takes effect at the next request in every process.
alter table tenants add column auth_generation bigint not null default 0;

create function auth_changed() returns trigger
    language plpgsql security definer set search_path = public, pg_temp
as $$
begin
    if tg_op = 'DELETE' then
        update tenants set auth_generation = auth_generation + 1 where tenant_id = old.tenant_id;
    else
        update tenants set auth_generation = auth_generation + 1
        where tenant_id in (old.tenant_id, new.tenant_id);
    end if;
    return null;
end
$$;

create trigger sessions_auth_changed_delete after delete on sessions
    for each row execute function auth_changed();
create trigger sessions_auth_changed_update after update on sessions
    for each row when (new.last_seen_at < old.last_seen_at
                       or (new.tenant_id, new.session_hash, new.user_id, new.csrf_token, new.created_at)
                          is distinct from (old.tenant_id, old.session_hash, old.user_id, old.csrf_token, old.created_at))
    execute function auth_changed();
create trigger users_auth_changed_update after update on users
    for each row when (old.* is distinct from new.*) execute function auth_changed();
create trigger users_auth_changed_delete after delete on users
    for each row execute function auth_changed();

create function tenant_auth_changed() returns trigger
    language plpgsql
as $$
begin
    new.auth_generation := old.auth_generation + 1;
    return new;
end
$$;
create trigger tenants_auth_changed before update on tenants
    for each row when ((new.slug, new.name, new.kind) is distinct from (old.slug, old.name, old.kind))
    execute function tenant_auth_changed();

revoke all on function auth_changed() from public;
revoke all on function tenant_auth_changed() from public;

-- The full check of a session, when it is not kept or no longer current: found by the primary
-- key (the cookie names the tenant beside the secret), deleted when expired, touched at most
-- every 30 seconds, and read with the tenant's counters in the same snapshot.
create function auth_check_session(p_tenant uuid, p_hash bytea, p_idle_seconds integer, p_absolute_seconds integer)
    returns table (user_id uuid, csrf_token text, created_at timestamptz,
                   tenant_slug text, tenant_name text, tenant_kind text,
                   email text, display_name text, roles text[], provider_id uuid,
                   auth_generation bigint, register_generation bigint, published boolean)
    language plpgsql volatile security definer set search_path = public, pg_temp
as $$
begin
    return query
        with found as (
            select s.tenant_id, s.session_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at,
                   s.last_seen_at >= now() - make_interval(secs => p_idle_seconds)
                   and s.created_at >= now() - make_interval(secs => p_absolute_seconds) as live
            from sessions s
            where s.tenant_id = p_tenant and s.session_hash = p_hash
        ), expired as (
            delete from sessions s using found
            where not found.live and s.tenant_id = found.tenant_id and s.session_hash = found.session_hash
        ), touched as (
            update sessions s set last_seen_at = now() from found
            where found.live and found.last_seen_at < now() - interval '30 seconds'
              and s.tenant_id = found.tenant_id and s.session_hash = found.session_hash
        )
        select f.user_id, f.csrf_token, f.created_at, t.slug, t.name, t.kind,
               u.email, u.display_name, u.roles, u.provider_id,
               t.auth_generation, t.register_generation, t.published
        from found f
        join users u on u.tenant_id = f.tenant_id and u.user_id = f.user_id and u.active
        join tenants t on t.tenant_id = f.tenant_id
        where f.live;
end
$$;
revoke all on function auth_check_session(uuid, bytea, integer, integer) from public;
grant execute on function auth_check_session(uuid, bytea, integer, integer) to voorzieningen_app;

-- Sessions were found by their digest alone before; the cookie now names the tenant too.
drop function auth_load_session(bytea, integer, integer);
