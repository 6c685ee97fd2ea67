-- Database hardening (issue 9, item 8).

-- Every security definer function runs with a search path that holds nothing a caller could
-- have put there first: its own schema, and pg_temp last (a temporary object of the caller
-- cannot shadow a table or function the function means). register_changed and
-- tenant_set_published had `public` only; this sets it on every one, whichever migration
-- made it.
do $$
declare
    f regprocedure;
begin
    for f in
        select p.oid::regprocedure
        from pg_proc p
        where p.prosecdef and p.pronamespace = 'public'::regnamespace
    loop
        execute format('alter function %s set search_path = public, pg_temp', f);
    end loop;
end
$$;

-- Login needs, for the one address typed: the account it belongs to, where to send the user
-- afterwards, and the password hash to check, and that only while the account may log in.
-- auth_find_login answered the hash of any account and whether it was active; a deactivated
-- account now shows no hash at all, so it is checked like an unknown one (and still fails).
create function auth_login_lookup(p_email text)
    returns table (tenant_id uuid, user_id uuid, tenant_slug text, password_hash text)
    language sql stable security definer set search_path = public, pg_temp
as $$
    select u.tenant_id, u.user_id, t.slug, case when u.active then u.password_hash end
    from login_emails l
    join users u on u.tenant_id = l.tenant_id and u.user_id = l.user_id
    join tenants t on t.tenant_id = u.tenant_id
    where l.email = lower(p_email)
$$;
revoke all on function auth_login_lookup(text) from public;
grant execute on function auth_login_lookup(text) to voorzieningen_app;
drop function auth_find_login(text);

-- Nobody but the owner creates objects in the schema (PostgreSQL 15 and later already keep
-- it so; older servers granted it to everyone).
revoke create on schema public from public;
