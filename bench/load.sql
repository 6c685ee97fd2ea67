-- Synthetic register at scale, for the benchmark (run as the cluster's superuser with psql):
--   psql -v tenants=100 -v per_tenant=2000 -v regio=5000 -f bench/load.sql
-- Adds `tenants` gemeenten (bench001 …) with 10 wijken × 8 buurten each (CBS-shaped codes) and
-- `per_tenant` facilities each, and `regio` facilities spread over the demo regio `twente`
-- (14 gemeenten). Names are built from realistic parts; types, hours and areas vary. Then
-- publishes every tenant and fills the search documents (bench/publish.sql, timed).
\set ON_ERROR_STOP on
begin;

create temporary table name_parts (kind text, word text);
insert into name_parts
select 'kind', unnest(array['Huiskamer','Inloop','Buurtkamer','Ontmoetingscentrum','Dagactiviteiten','Repair Café',
  'Voedselbank','Maatjesproject','Schuldhulpmaatje','Eettafel','Kookgroep','Wandelgroep','Steunpunt Mantelzorg',
  'Taalcafé','Klussendienst','Formulierenbrigade','Herstelwerkplaats','Zelfregiecentrum','Buurtcirkel','Naaicafé',
  'Open Atelier','Kledingbank','Buurtrestaurant','Beweeggroep','Jongerenwerk'])
union all
select 'place', unnest(array['De Riet','Het Hart','Noorderkwartier','De Kern','Oosterveld','Westerhof','De Brug',
  'Het Anker','De Schakel','Zonnehoek','De Linde','Het Baken','De Horst','Buitenpost','De Esch','Molenbroek',
  'Kerkplein','De Wiekslag','Het Veld','De Bron']);

create temporary table kinds as select row_number() over () - 1 as n, word from name_parts where kind = 'kind';
create temporary table places as select row_number() over () - 1 as n, word from name_parts where kind = 'place';
create temporary table ntypes as select row_number() over (order by position) - 1 as n, code from national_facility_types;

-- Tenants and their areas.
insert into tenants (slug, name, kind, cbs_code)
select format('bench%s', lpad(i::text, 3, '0')), format('Gemeente Bench %s', i), 'gemeente', format('GM%s', 5000 + i)
from generate_series(1, :tenants) i;

insert into areas (tenant_id, level, cbs_code, name)
select tenant_id, 'gemeente', cbs_code, name from tenants where slug like 'bench%';
insert into areas (tenant_id, level, cbs_code, name, parent_id)
select g.tenant_id, 'wijk', format('WK%s%s', substr(g.cbs_code, 3), lpad(w::text, 2, '0')),
       (select word from places where n = (w * 7) % 20), g.area_id
from areas g cross join generate_series(1, 10) w
where g.level = 'gemeente' and g.tenant_id in (select tenant_id from tenants where slug like 'bench%');
insert into areas (tenant_id, level, cbs_code, name, parent_id)
select wk.tenant_id, 'buurt', format('BU%s%s', substr(wk.cbs_code, 3), lpad(b::text, 2, '0')),
       format('%s %s', wk.name, b), wk.area_id
from areas wk cross join generate_series(1, 8) b
where wk.level = 'wijk' and wk.tenant_id in (select tenant_id from tenants where slug like 'bench%');

-- Every tenant's copy of the national types (what the app does when it creates a tenant).
insert into facility_types (tenant_id, code, national_code, levensgebied, subgroup, name, description, aliases,
  schil, toegang, innovative, position)
select t.tenant_id, n.code, n.code, n.levensgebied, n.subgroup, n.name, n.description, n.aliases, n.schil,
  n.toegang, n.innovative, n.position
from tenants t cross join national_facility_types n where t.slug like 'bench%'
on conflict do nothing;

-- 50 providers per bench tenant and 200 in the regio.
insert into providers (tenant_id, name, provider_type, kvk_number, city)
select t.tenant_id, format('Stichting %s %s', (select word from places where n = p % 20), p),
       (select code from code_lists where kind = 'aanbiedertype' order by position offset p % 19 limit 1),
       lpad((10000000 + p * 7919 % 89999999)::text, 8, '0'), t.name
from tenants t cross join generate_series(1, 50) p where t.slug like 'bench%';
insert into providers (tenant_id, name, city)
select t.tenant_id, format('Regionale Stichting %s %s', (select word from places where n = p % 20), p), 'Twente'
from tenants t cross join generate_series(1, 200) p where t.slug = 'twente';

-- Facilities: each tenant's buurten in turn, a provider in turn.
create temporary table wanted as
select t.tenant_id, f as seq, case when t.slug = 'twente' then :regio else :per_tenant end as total
from tenants t cross join lateral generate_series(1, case when t.slug = 'twente' then :regio else :per_tenant end) f
where t.slug like 'bench%' or t.slug = 'twente';

create temporary table buurten as
select tenant_id, area_id, row_number() over (partition by tenant_id order by cbs_code) - 1 as n,
       count(*) over (partition by tenant_id) as total
from areas where level = 'buurt';
create temporary table provs as
select tenant_id, provider_id, row_number() over (partition by tenant_id order by provider_id) - 1 as n,
       count(*) over (partition by tenant_id) as total
from providers;

insert into facilities (tenant_id, provider_id, name, description, street, house_number, postcode, city, buurt_id,
  capacity_at_once, capacity_per_day, visitors_last_year, own_contribution, access, functions, bouwstenen,
  target_groups, client_routes, funding_sources, wheelchair, verified_on, verified_by)
select w.tenant_id, p.provider_id,
  format('%s %s', (select word from kinds where n = w.seq % 25), (select word from places where n = (w.seq / 25) % 20))
    || case when w.seq > 500 then format(' %s', w.seq / 500) else '' end,
  'Laagdrempelige plek in de wijk: binnenlopen, koffie, meedoen aan activiteiten en hulp bij vragen.',
  (select word from places where n = w.seq % 20) || 'straat', (1 + w.seq % 180)::text,
  format('%s %s', 1000 + w.seq % 8999, chr(65 + w.seq % 26) || chr(65 + (w.seq / 26) % 26)),
  'Benchstad', b.area_id, 5 + w.seq % 40, 10 + w.seq % 60, 20 + w.seq % 400,
  (array['geen','consumpties','per_bezoek'])[1 + w.seq % 3], (array['vrij','vrij','indicatie'])[1 + w.seq % 3],
  array['ontmoeting', (array['activiteiten','netwerk','informatie_advies','vangnet'])[1 + w.seq % 4]],
  array[(select code from code_lists where kind = 'bouwsteen' order by position offset w.seq % 7 limit 1)],
  array[(select code from code_lists where kind = 'doelgroep' order by position offset w.seq % 20 limit 1)],
  array['zelfstandig','wijkteam'], array['subsidie'], (array['ja','nee','onbekend'])[1 + w.seq % 3],
  current_date - (w.seq % 500), 'Benchmark'
from wanted w
join buurten b on b.tenant_id = w.tenant_id and b.n = w.seq % b.total
join provs p on p.tenant_id = w.tenant_id and p.n = w.seq % p.total
where w.total > 0;

-- Types (one or two), opening hours and a werkgebied for each new facility.
create temporary table new_facilities as
select tenant_id, facility_id, row_number() over (partition by tenant_id order by facility_id) as seq, buurt_id
from facilities where verified_by = 'Benchmark';
insert into facility_type_links (tenant_id, facility_id, type_code, is_main)
select f.tenant_id, f.facility_id, t.code, true from new_facilities f
join ntypes t on t.n = (f.seq * 13) % (select count(*) from ntypes);
insert into facility_type_links (tenant_id, facility_id, type_code, is_main)
select f.tenant_id, f.facility_id, t.code, false from new_facilities f
join ntypes t on t.n = (f.seq * 13 + 7) % (select count(*) from ntypes)
where f.seq % 3 = 0 on conflict do nothing;
insert into facility_hours (tenant_id, facility_id, weekday, opens, closes)
select f.tenant_id, f.facility_id, d, time '09:00' + (f.seq % 3) * interval '1 hour', time '16:00' + (f.seq % 4) * interval '1 hour'
from new_facilities f cross join generate_series(1, 5) d where (f.seq + d) % 3 <> 0;
insert into facility_service_areas (tenant_id, facility_id, area_id)
select f.tenant_id, f.facility_id, b.parent_id from new_facilities f join areas b on b.tenant_id = f.tenant_id and b.area_id = f.buurt_id
where f.seq % 4 = 0 and b.parent_id is not null;

commit;

\ir publish.sql
select (select count(*) from tenants) as tenants, (select count(*) from facilities) as facilities,
       (select count(*) from facilities f join tenants t using (tenant_id) where t.slug = 'twente') as regio_facilities;
