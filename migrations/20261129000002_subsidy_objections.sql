-- Objections (bezwaar) against subsidy decisions (Awb 6:7–6:9, 7:10): when and how an objection
-- arrived (the verdict on time is computed and kept with it), its grounds, one postponement of
-- the decision with its reason, and the outcome. When an objection changes scores, the ranking
-- is replayed with the plafond as it stood at the original decision (Awb 4:25(3)); the replay is
-- kept beside the original snapshot, which never changes.

create table subsidy_objections (
    tenant_id        uuid not null,
    objection_id     uuid not null default gen_random_uuid(),
    application_id   uuid not null,
    received_on      date not null,
    channel          text not null check (channel in ('post', 'digitaal')),
    posted_on        date,
    grounds          text not null check (length(grounds) between 1 and 8000),
    on_time          boolean not null,
    registered_at    timestamptz not null default now(),
    registered_by    text not null,
    postponed_weeks  integer not null default 0 check (postponed_weeks between 0 and 6),
    postpone_reason  text not null default '',
    outcome          text check (outcome in ('gegrond', 'ongegrond', 'niet_ontvankelijk')),
    outcome_reason   text not null default '',
    revised_points   jsonb,
    replay           jsonb,
    decided_at       timestamptz,
    decided_by       text,
    primary key (tenant_id, objection_id),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id),
    check (channel = 'digitaal' or posted_on is not null),
    check ((outcome is null) = (decided_at is null))
);
create index subsidy_objections_application on subsidy_objections (tenant_id, application_id);

alter table subsidy_objections enable row level security;
alter table subsidy_objections force row level security;
create policy tenant_isolation on subsidy_objections using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on subsidy_objections to current_user using (true) with check (true);
grant select, insert, update on subsidy_objections to voorzieningen_app;
