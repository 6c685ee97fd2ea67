-- E-mail reminders of subsidy deadlines: at most one digest per official per day, also with
-- several app servers (the row is the claim).
create table subsidy_reminders (
    tenant_id uuid not null,
    user_id   uuid not null,
    day       date not null,
    items     integer not null,
    sent_at   timestamptz not null default now(),
    primary key (tenant_id, user_id, day),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id)
);
alter table subsidy_reminders enable row level security;
alter table subsidy_reminders force row level security;
create policy tenant_isolation on subsidy_reminders using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on subsidy_reminders to current_user using (true) with check (true);
grant select, insert on subsidy_reminders to voorzieningen_app;
