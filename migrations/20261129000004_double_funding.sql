-- The double-funding check without identities (seed 002 §6.3): the tenant's pseudonymisation
-- key is never stored, only its fingerprint (SHA-256), so uploads made with another key are
-- recognised; pseudonyms are kept only until the check and deleted by it; the counts stay.

create table pseudonym_keys (
    tenant_id   uuid not null references tenants (tenant_id),
    key_id      uuid not null default gen_random_uuid(),
    fingerprint text not null check (fingerprint ~ '^[0-9a-f]{64}$'),
    created_at  timestamptz not null default now(),
    created_by  text not null,
    retired_at  timestamptz,
    primary key (tenant_id, key_id)
);
create unique index pseudonym_keys_current on pseudonym_keys (tenant_id) where retired_at is null;

create table pseudonym_uploads (
    tenant_id   uuid not null,
    upload_id   uuid not null default gen_random_uuid(),
    key_id      uuid not null,
    side        text not null check (side in ('aanbieder', 'maatwerk')),
    provider_id uuid,
    period      text not null check (period ~ '^[0-9]{4}(-Q[1-4])?$'),
    count       integer not null check (count >= 0),
    uploaded_at timestamptz not null default now(),
    uploaded_by text not null,
    checked_at  timestamptz,
    primary key (tenant_id, upload_id),
    foreign key (tenant_id, key_id) references pseudonym_keys (tenant_id, key_id),
    foreign key (tenant_id, provider_id) references providers (tenant_id, provider_id),
    check ((side = 'aanbieder') = (provider_id is not null))
);
create index pseudonym_uploads_period on pseudonym_uploads (tenant_id, period);

create table pseudonyms (
    tenant_id uuid not null,
    upload_id uuid not null,
    pseudonym bytea not null check (length(pseudonym) = 32),
    primary key (tenant_id, upload_id, pseudonym),
    foreign key (tenant_id, upload_id) references pseudonym_uploads (tenant_id, upload_id) on delete cascade
);

create table overlap_results (
    tenant_id      uuid not null,
    result_id      uuid not null default gen_random_uuid(),
    period         text not null,
    provider_id    uuid not null,
    provider_count integer not null,
    maatwerk_count integer not null,
    overlap_count  integer not null,
    checked_at     timestamptz not null default now(),
    checked_by     text not null,
    primary key (tenant_id, result_id),
    foreign key (tenant_id, provider_id) references providers (tenant_id, provider_id)
);

do $$
declare
    t text;
begin
    foreach t in array array['pseudonym_keys', 'pseudonym_uploads', 'pseudonyms', 'overlap_results']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

grant select, insert, update on pseudonym_keys, pseudonym_uploads to voorzieningen_app;
grant select, insert, delete on pseudonyms to voorzieningen_app;
grant select, insert on overlap_results to voorzieningen_app;
