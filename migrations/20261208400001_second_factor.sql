-- A second factor for password accounts: a TOTP secret (RFC 6238) per user, confirmed by a
-- first code; the last time step used, so that a code is accepted once; ten single-use
-- recovery codes, stored as digests; and the challenge between a right password and the code.

create table user_second_factors (
    tenant_id    uuid not null,
    user_id      uuid not null,
    secret       bytea not null check (length(secret) >= 16),
    confirmed_at timestamptz,
    last_step    bigint not null default 0,
    created_at   timestamptz not null default now(),
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

create table user_recovery_codes (
    tenant_id uuid not null,
    user_id   uuid not null,
    code_hash bytea not null,
    used_at   timestamptz,
    primary key (tenant_id, user_id, code_hash),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

-- After a right password, before the session: the second factor to give ('code') or to set
-- up first ('instellen'). The cookie holds the tenant and a secret; the table its digest.
create table login_challenges (
    tenant_id      uuid not null,
    challenge_hash bytea not null,
    user_id        uuid not null,
    purpose        text not null check (purpose in ('code', 'instellen')),
    back           text not null default '',
    created_at     timestamptz not null default now(),
    expires_at     timestamptz not null,
    primary key (tenant_id, challenge_hash),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id) on delete cascade
);

do $$
declare
    t text;
begin
    foreach t in array array['user_second_factors', 'user_recovery_codes', 'login_challenges']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
        execute format('grant select, insert, update, delete on %I to voorzieningen_app', t);
    end loop;
end
$$;

-- Who must use a second factor: 'beheer' (beheerders; the default), 'iedereen', or 'geen'
-- (only the demo and the operator's command line set it).
alter table tenants add column second_factor text not null default 'beheer'
    check (second_factor in ('geen', 'beheer', 'iedereen'));

-- The beheerder sets who must use a second factor, for the current tenant only, and never to
-- 'geen'; answers the value before.
create function tenant_set_second_factor(p_tenant uuid, p_mode text) returns text
    language plpgsql security definer set search_path = public, pg_temp
as $$
declare
    was text;
begin
    if p_tenant is distinct from app_current_tenant() then
        raise exception 'tenant mismatch';
    end if;
    if p_mode not in ('beheer', 'iedereen') then
        raise exception 'second factor mode % not allowed', p_mode;
    end if;
    select second_factor into was from tenants where tenant_id = p_tenant for update;
    update tenants set second_factor = p_mode where tenant_id = p_tenant;
    return was;
end
$$;
revoke all on function tenant_set_second_factor(uuid, text) from public;
grant execute on function tenant_set_second_factor(uuid, text) to voorzieningen_app;
