-- Outcomes of a pilot on the six dimensions of Positieve Gezondheid (§6d): with a monitoring
-- report a partner gives, per respondent group (participants, coordinators) and dimension, the
-- mean score (0–10, one decimal, stored in tenths) and the number of respondents it is based
-- on. Aggregates only, never a person. Without respondents there is no mean.

create table pilot_report_health (
    tenant_id   uuid not null,
    scheme_id   uuid not null,
    provider_id uuid not null,
    period      text not null,
    respondent  text not null check (respondent in ('deelnemers', 'coordinatoren')),
    dimension   text not null check (dimension in ('lichaamsfuncties', 'mentaal_welbevinden', 'zingeving',
                                                   'kwaliteit_van_leven', 'meedoen', 'dagelijks_functioneren')),
    respondents integer not null check (respondents between 0 and 100000),
    mean_tenths integer check (mean_tenths between 0 and 100),
    primary key (tenant_id, scheme_id, provider_id, period, respondent, dimension),
    foreign key (tenant_id, scheme_id, provider_id, period)
        references pilot_reports (tenant_id, scheme_id, provider_id, period) on delete cascade,
    check ((respondents = 0) = (mean_tenths is null))
);

alter table pilot_report_health enable row level security;
alter table pilot_report_health force row level security;
create policy tenant_isolation on pilot_report_health using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on pilot_report_health to current_user using (true) with check (true);

grant select, insert, update, delete on pilot_report_health to voorzieningen_app;
