-- Documents attached to a verantwoording (the activity report, the financial report with the
-- realised budget, anything else the aanbieder adds), kept beside the report under the tenant's
-- row-level security. They can be added and replaced until the subsidy is settled.
create table subsidy_report_documents (
    tenant_id      uuid not null,
    document_id    uuid not null default gen_random_uuid(),
    application_id uuid not null,
    kind           text not null check (kind in ('activiteitenverslag', 'financieel_verslag', 'overig')),
    file_name      text not null check (length(file_name) between 1 and 200),
    media_type     text not null,
    size_bytes     integer not null check (size_bytes > 0),
    content        bytea not null,
    uploaded_at    timestamptz not null default now(),
    uploaded_by    uuid,
    primary key (tenant_id, document_id),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id)
);
create index subsidy_report_documents_application on subsidy_report_documents (tenant_id, application_id);

alter table subsidy_report_documents enable row level security;
alter table subsidy_report_documents force row level security;
create policy tenant_isolation on subsidy_report_documents using (tenant_id = app_current_tenant())
    with check (tenant_id = app_current_tenant());
create policy owner_maintenance on subsidy_report_documents to current_user using (true) with check (true);

grant select, insert, delete on subsidy_report_documents to voorzieningen_app;
