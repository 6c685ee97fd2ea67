-- Subsidy schemes (regelingen), part 1: schemes with their budget per year and its funding
-- sources, onderdelen, yearly rounds (calls) with the plafond and distribution method published
-- before they open, applications kept in versions, documents, conflict-of-interest
-- declarations, assessors' scores, final scores and the decisions as immutable snapshots.
-- Every table is tenant-owned: tenant_id leads every key and every foreign key.

create table subsidy_schemes (
    tenant_id   uuid not null references tenants (tenant_id),
    scheme_id   uuid not null default gen_random_uuid(),
    name        text not null check (length(name) between 1 and 200),
    -- The subsidy ordinance and the article the scheme rests on (Awb 4:25: a plafond needs a basis).
    legal_basis text not null check (length(legal_basis) between 1 and 2000),
    kind        text not null default 'tender' check (kind in ('tender', 'pilot')),
    first_year  integer not null check (first_year between 2000 and 2100),
    last_year   integer not null check (last_year between 2000 and 2100),
    description text not null default '',
    -- Who hears objections against its decisions (remedies clause, Awb 3:45).
    objection_body text not null default 'het college van burgemeester en wethouders',
    version     integer not null default 1,
    created_at  timestamptz not null default now(),
    primary key (tenant_id, scheme_id),
    check (last_year >= first_year and last_year - first_year < 20)
);

-- The budget per year by funding source (dekking).
create table subsidy_budget_lines (
    tenant_id    uuid not null,
    scheme_id    uuid not null,
    year         integer not null,
    source       text not null check (length(source) between 1 and 200),
    amount_cents bigint not null check (amount_cents >= 0),
    primary key (tenant_id, scheme_id, year, source),
    foreign key (tenant_id, scheme_id) references subsidy_schemes (tenant_id, scheme_id) on delete cascade
);

-- Onderdelen (categories) of a scheme.
create table subsidy_categories (
    tenant_id   uuid not null,
    category_id uuid not null default gen_random_uuid(),
    scheme_id   uuid not null,
    code        text not null check (code ~ '^[a-z0-9_]{2,60}$'),
    name        text not null check (length(name) between 1 and 200),
    description text not null default '',
    position    integer not null default 0,
    primary key (tenant_id, category_id),
    unique (tenant_id, scheme_id, code),
    foreign key (tenant_id, scheme_id) references subsidy_schemes (tenant_id, scheme_id) on delete cascade
);

-- One year's call of a scheme.
create table subsidy_rounds (
    tenant_id      uuid not null,
    round_id       uuid not null default gen_random_uuid(),
    scheme_id      uuid not null,
    year           integer not null,
    opens_at       timestamptz not null,
    closes_at      timestamptz not null,
    -- The decision term in weeks after the window closes (Awb 4:13: at most 8 unless the scheme says so).
    decision_weeks integer not null default 8 check (decision_weeks between 1 and 26),
    -- The plafond and distribution method were published then; it must precede the opening.
    published_at   timestamptz not null,
    period_start   date not null,
    period_end     date not null,
    -- What the grant obliges (reports, when): part of every grant letter.
    obligations    text not null default '',
    documents      text[] not null default '{}',
    declarations   text[] not null default '{}',
    primary key (tenant_id, round_id),
    unique (tenant_id, scheme_id, year),
    foreign key (tenant_id, scheme_id) references subsidy_schemes (tenant_id, scheme_id),
    check (closes_at > opens_at),
    check (published_at <= opens_at),
    check (period_end >= period_start),
    check (documents <@ array['begroting', 'jaarverslag', 'bestuurssamenstelling', 'activiteitenplan']),
    check (declarations <@ array['bestuur', 'vog', 'administratie', 'toegankelijk'])
);

-- Per onderdeel of a round: the plafond and the assessment protocol, as published.
create table subsidy_round_categories (
    tenant_id       uuid not null,
    round_id        uuid not null,
    category_id     uuid not null,
    ceiling_cents   bigint not null check (ceiling_cents >= 0),
    combine_rule    text not null check (combine_rule in ('gemiddelde', 'eindbeoordelaar')),
    -- What "cost" the price criterion compares per participant.
    price_basis     text not null check (price_basis in ('gevraagd', 'vaste_lasten', 'vaste_lasten_personeel')),
    -- Points taken off the price score of a service that charges a fee instead of a tegenprestatie.
    fee_deduction   integer not null default 0 check (fee_deduction between 0 and 10),
    tie_criterion   text,
    remainder_rule  text not null check (remainder_rule in ('gedeeltelijk', 'geen')),
    primary key (tenant_id, round_id, category_id),
    foreign key (tenant_id, round_id) references subsidy_rounds (tenant_id, round_id) on delete cascade,
    foreign key (tenant_id, category_id) references subsidy_categories (tenant_id, category_id)
);

create table subsidy_criteria (
    tenant_id   uuid not null,
    round_id    uuid not null,
    category_id uuid not null,
    code        text not null check (code ~ '^[a-z0-9_]{2,40}$'),
    position    integer not null,
    name        text not null check (length(name) between 1 and 200),
    question    text not null default '',
    pass_mark   integer not null check (pass_mark between 0 and 10),
    -- The price criterion is computed by the round's rule, never scored by hand.
    computed    boolean not null default false,
    primary key (tenant_id, round_id, category_id, code),
    foreign key (tenant_id, round_id, category_id)
        references subsidy_round_categories (tenant_id, round_id, category_id) on delete cascade
);

create table subsidy_applications (
    tenant_id        uuid not null,
    application_id   uuid not null default gen_random_uuid(),
    round_id         uuid not null,
    category_id      uuid not null,
    provider_id      uuid not null,
    reference        text not null,
    status           text not null default 'concept'
        check (status in ('concept', 'ingediend', 'aanvulling', 'ingetrokken', 'besloten')),
    current_version  integer not null default 1,
    created_at       timestamptz not null default now(),
    submitted_at     timestamptz,
    withdrawn_at     timestamptz,
    completion_due   timestamptz,
    completion_reason text not null default '',
    primary key (tenant_id, application_id),
    unique (tenant_id, reference),
    foreign key (tenant_id, round_id, category_id)
        references subsidy_round_categories (tenant_id, round_id, category_id),
    foreign key (tenant_id, provider_id) references providers (tenant_id, provider_id)
);
create index subsidy_applications_round on subsidy_applications (tenant_id, round_id, category_id);
create index subsidy_applications_provider on subsidy_applications (tenant_id, provider_id);

-- What the applicant filled in. A submitted version is frozen (submitted_at set); completing an
-- application makes a new version and the old one stays readable.
create table subsidy_application_versions (
    tenant_id            uuid not null,
    application_id       uuid not null,
    version              integer not null check (version >= 1),
    title                text not null default '',
    activities           text not null default '',
    fixed_costs_cents    bigint not null default 0 check (fixed_costs_cents >= 0),
    staff_costs_cents    bigint not null default 0 check (staff_costs_cents >= 0),
    activity_costs_cents bigint not null default 0 check (activity_costs_cents >= 0),
    other_costs_cents    bigint not null default 0 check (other_costs_cents >= 0),
    requested_cents      bigint not null default 0 check (requested_cents >= 0),
    participants         integer not null default 0 check (participants >= 0),
    reach                text not null default '',
    counter_service      text not null default '' check (counter_service in ('', 'tegenprestatie', 'vergoeding')),
    answers              jsonb not null default '{}',
    facility_ids         uuid[] not null default '{}',
    declarations         text[] not null default '{}',
    saved_at             timestamptz not null default now(),
    saved_by             uuid,
    submitted_at         timestamptz,
    primary key (tenant_id, application_id, version),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id)
);

create table subsidy_documents (
    tenant_id      uuid not null,
    document_id    uuid not null default gen_random_uuid(),
    application_id uuid not null,
    version        integer not null,
    kind           text not null,
    file_name      text not null check (length(file_name) between 1 and 200),
    media_type     text not null,
    size_bytes     integer not null check (size_bytes > 0),
    content        bytea not null,
    uploaded_at    timestamptz not null default now(),
    primary key (tenant_id, document_id),
    foreign key (tenant_id, application_id, version)
        references subsidy_application_versions (tenant_id, application_id, version)
);
create index subsidy_documents_application on subsidy_documents (tenant_id, application_id, version);

-- Append-only: a changed declaration is a new row; the newest per assessor counts.
create table subsidy_conflict_declarations (
    tenant_id      uuid not null,
    declaration_id uuid not null default gen_random_uuid(),
    application_id uuid not null,
    user_id        uuid not null,
    conflicted     boolean not null,
    note           text not null default '',
    declared_at    timestamptz not null default clock_timestamp(),
    primary key (tenant_id, declaration_id),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id)
);
create index subsidy_conflicts_application on subsidy_conflict_declarations (tenant_id, application_id, user_id, declared_at);

create table subsidy_scores (
    tenant_id      uuid not null,
    application_id uuid not null,
    criterion_code text not null,
    user_id        uuid not null,
    points         integer not null check (points between 0 and 10),
    motivation     text not null check (length(motivation) between 1 and 4000),
    scored_at      timestamptz not null default now(),
    primary key (tenant_id, application_id, criterion_code, user_id),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id),
    foreign key (tenant_id, user_id) references users (tenant_id, user_id)
);

-- The final score per criterion, with who set it and by which rule.
create table subsidy_final_scores (
    tenant_id      uuid not null,
    application_id uuid not null,
    criterion_code text not null,
    points         integer not null check (points between 0 and 10),
    motivation     text not null default '',
    rule           text not null check (rule in ('gemiddelde', 'eindbeoordelaar', 'berekend')),
    set_by         text not null,
    set_at         timestamptz not null default now(),
    primary key (tenant_id, application_id, criterion_code),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id)
);

-- The ranking as decided, per onderdeel: immutable (the application role may only insert).
create table subsidy_decisions (
    tenant_id     uuid not null,
    round_id      uuid not null,
    category_id   uuid not null,
    decided_at    timestamptz not null default now(),
    decided_by    text not null,
    ceiling_cents bigint not null,
    draw_seed     bigint not null,
    snapshot      jsonb not null,
    primary key (tenant_id, round_id, category_id),
    foreign key (tenant_id, round_id, category_id)
        references subsidy_round_categories (tenant_id, round_id, category_id)
);

create table subsidy_outcomes (
    tenant_id       uuid not null,
    application_id  uuid not null,
    round_id        uuid not null,
    category_id     uuid not null,
    outcome         text not null check (outcome in ('toegekend', 'gedeeltelijk', 'afgewezen')),
    rank            integer,
    total_points    integer not null,
    eligible        boolean not null,
    requested_cents bigint not null,
    granted_cents   bigint not null check (granted_cents >= 0),
    remaining_cents bigint not null,
    reason          text not null,
    decided_at      timestamptz not null default now(),
    primary key (tenant_id, application_id),
    foreign key (tenant_id, round_id, category_id) references subsidy_decisions (tenant_id, round_id, category_id),
    foreign key (tenant_id, application_id) references subsidy_applications (tenant_id, application_id)
);

do $$
declare
    t text;
begin
    foreach t in array array['subsidy_schemes', 'subsidy_budget_lines', 'subsidy_categories', 'subsidy_rounds',
                             'subsidy_round_categories', 'subsidy_criteria', 'subsidy_applications',
                             'subsidy_application_versions', 'subsidy_documents', 'subsidy_conflict_declarations',
                             'subsidy_scores', 'subsidy_final_scores', 'subsidy_decisions', 'subsidy_outcomes']
    loop
        execute format('alter table %I enable row level security', t);
        execute format('alter table %I force row level security', t);
        execute format('create policy tenant_isolation on %I using (tenant_id = app_current_tenant())'
                       ' with check (tenant_id = app_current_tenant())', t);
        execute format('create policy owner_maintenance on %I to current_user using (true) with check (true)', t);
    end loop;
end
$$;

grant select, insert, update, delete on subsidy_schemes, subsidy_budget_lines, subsidy_categories, subsidy_rounds,
    subsidy_round_categories, subsidy_criteria to voorzieningen_app;
grant select, insert, update on subsidy_applications, subsidy_application_versions, subsidy_scores,
    subsidy_final_scores to voorzieningen_app;
grant select, insert, delete on subsidy_documents to voorzieningen_app;
-- Declarations and decisions are never changed or removed by the application.
grant select, insert on subsidy_conflict_declarations, subsidy_decisions, subsidy_outcomes to voorzieningen_app;
