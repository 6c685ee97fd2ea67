-- Issue 16, item 5: opening exceptions as data. A facility closes for periods (from, to
-- inclusive, with a reason) and on the public holidays it names; the "open on" filter, the
-- facility page and the handout respect them. Both are public facts (residents need them).
alter table facilities
    add column closed_holidays text[] not null default '{}'
        check (closed_holidays <@ array['nieuwjaarsdag', 'goede_vrijdag', 'eerste_paasdag', 'tweede_paasdag',
                                       'koningsdag', 'bevrijdingsdag', 'hemelvaartsdag', 'eerste_pinksterdag',
                                       'tweede_pinksterdag', 'eerste_kerstdag', 'tweede_kerstdag']);

create table facility_closures (
    tenant_id   uuid not null,
    facility_id uuid not null,
    closed_from date not null,
    closed_to   date not null,
    reason      text not null default '' check (length(reason) <= 200),
    primary key (tenant_id, facility_id, closed_from),
    check (closed_to >= closed_from and closed_to - closed_from <= 730),
    foreign key (tenant_id, facility_id) references facilities (tenant_id, facility_id) on delete cascade
);

alter table facility_closures enable row level security;
alter table facility_closures force row level security;
create policy tenant_isolation on facility_closures using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on facility_closures to current_user using (true) with check (true);
grant select, insert, update, delete on facility_closures to voorzieningen_app;

-- What the kaart shows is built once per generation of the register.
create trigger register_changed after insert or update or delete or truncate on facility_closures
    for each statement execute function register_changed();
