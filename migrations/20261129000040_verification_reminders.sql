-- Issue 16, item 6: e-mail reminders to aanbieder users about facilities whose data nobody
-- confirmed for 11 months: at most one per user and week (the Monday of the ISO week), also
-- with several app servers (the row is the claim).
create table verification_reminders (
    tenant_id uuid not null,
    user_id   uuid not null,
    week      date not null,
    items     integer not null,
    sent_at   timestamptz not null default now(),
    primary key (tenant_id, user_id, week),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id)
);
alter table verification_reminders enable row level security;
alter table verification_reminders force row level security;
create policy tenant_isolation on verification_reminders using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on verification_reminders to current_user using (true) with check (true);
grant select, insert on verification_reminders to voorzieningen_app;
