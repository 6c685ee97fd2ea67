-- The days declared equal to general holidays under art. 3(3) of the Algemene termijnenwet:
-- a decree, published in the Staatscourant for about three years at a time, names them. They
-- are data, not rules: shipped here for the years the decrees so far cover, and extended by the
-- operator (`voorzieningen termijnenwet add`, or a later migration like this one). Reference
-- tables: no tenant, the same for everyone; the application only reads them.

create table termijnenwet_decrees (
    decree_id   uuid primary key default gen_random_uuid(),
    -- The decree's title as published; the titles name their days.
    title       text not null check (length(title) between 1 and 300),
    first_year  integer not null,
    last_year   integer not null,
    added_at    timestamptz not null default now(),
    check (first_year <= last_year),
    -- One decree per year: two that covered the same year would leave it unclear which counts.
    constraint termijnenwet_decrees_years_apart
        exclude using gist (int4range(first_year, last_year, '[]') with &&)
);

create table termijnenwet_days (
    day        date primary key,
    decree_id  uuid not null references termijnenwet_decrees on delete cascade
);
create index termijnenwet_days_decree on termijnenwet_days (decree_id);

grant select on termijnenwet_decrees, termijnenwet_days to voorzieningen_app;

with decree as (
    insert into termijnenwet_decrees (title, first_year, last_year) values
        ('Besluit gelijkstelling van 28 april 2023, 19 mei 2023, 10 mei 2024, 27 december 2024 en 30 mei 2025 '
         || 'met een algemeen erkende feestdag', 2023, 2025),
        ('Besluit gelijkstelling van 2 januari 2026, 15 mei 2026, 7 mei 2027, 28 april 2028 en 26 mei 2028 '
         || 'met een algemeen erkende feestdag', 2026, 2028)
    returning decree_id, first_year
)
insert into termijnenwet_days (day, decree_id)
select d.day, decree.decree_id
from decree
join (values
    (2023, date '2023-04-28'), -- vrijdag na Koningsdag
    (2023, date '2023-05-19'), -- vrijdag na Hemelvaartsdag
    (2023, date '2024-05-10'), -- vrijdag na Hemelvaartsdag
    (2023, date '2024-12-27'), -- vrijdag na Tweede Kerstdag
    (2023, date '2025-05-30'), -- vrijdag na Hemelvaartsdag
    (2026, date '2026-01-02'), -- vrijdag na Nieuwjaarsdag
    (2026, date '2026-05-15'), -- vrijdag na Hemelvaartsdag
    (2026, date '2027-05-07'), -- vrijdag na Hemelvaartsdag
    (2026, date '2028-04-28'), -- vrijdag na Koningsdag
    (2026, date '2028-05-26')  -- vrijdag na Hemelvaartsdag
) as d (first_year, day) on d.first_year = decree.first_year;
