-- The session check every signed-in request makes, in one statement instead of three (delete
-- if expired, touch at most every 30 seconds, read): the delete and the update are
-- data-modifying parts of the one query, and touch the row only when they have something to do.
-- (Sessions are found by their digest alone, before the tenant is known, while every index of a
-- tenant-owned table leads with tenant_id: see the stop note of issue 11.)
create or replace function auth_load_session(p_hash bytea, p_idle_seconds integer, p_absolute_seconds integer)
    returns table (tenant_id uuid, user_id uuid, csrf_token text, created_at timestamptz,
                   tenant_slug text, tenant_name text, tenant_kind text,
                   email text, display_name text, roles text[], provider_id uuid)
    language plpgsql volatile security definer set search_path = public, pg_temp
as $$
begin
    return query
        with found as (
            select s.tenant_id, s.session_hash, s.user_id, s.csrf_token, s.created_at, s.last_seen_at,
                   s.last_seen_at >= now() - make_interval(secs => p_idle_seconds)
                   and s.created_at >= now() - make_interval(secs => p_absolute_seconds) as live
            from sessions s
            where s.session_hash = p_hash
        ), expired as (
            delete from sessions s using found
            where not found.live and s.tenant_id = found.tenant_id and s.session_hash = found.session_hash
        ), touched as (
            update sessions s set last_seen_at = now() from found
            where found.live and found.last_seen_at < now() - interval '30 seconds'
              and s.tenant_id = found.tenant_id and s.session_hash = found.session_hash
        )
        select f.tenant_id, f.user_id, f.csrf_token, f.created_at, t.slug, t.name, t.kind,
               u.email, u.display_name, u.roles, u.provider_id
        from found f
        join users u on u.tenant_id = f.tenant_id and u.user_id = f.user_id and u.active
        join tenants t on t.tenant_id = f.tenant_id
        where f.live;
end
$$;
