-- A subsidy round at scale for bench/run: in the maastricht demo scheme, a closed round (the
-- scheme's last year) whose huiskamer onderdeel holds :apps submitted applications by :apps
-- providers, each scored by two assessors on the four judged criteria. Run as the owner.
\set ON_ERROR_STOP on
begin;
select tenant_id as t from tenants where slug = 'maastricht' \gset
select set_config('app.tenant_id', :'t', true);
select scheme_id as s, last_year as y from subsidy_schemes where tenant_id = :'t' limit 1 \gset
insert into subsidy_rounds (tenant_id, scheme_id, year, opens_at, closes_at, published_at, period_start, period_end,
    obligations, documents, declarations)
values (:'t', :'s', :y, now() - interval '60 days', now() - interval '1 day', now() - interval '70 days',
    make_date(:y, 1, 1), make_date(:y, 12, 31), 'Een verslag voor 1 mei.', '{}', '{}')
returning round_id as r \gset
select category_id as c from subsidy_categories where tenant_id = :'t' and scheme_id = :'s' and code = 'huiskamer' \gset
-- A plafond for about a third of what is asked.
insert into subsidy_round_categories (tenant_id, round_id, category_id, ceiling_cents, combine_rule, price_basis,
    fee_deduction, tie_criterion, remainder_rule)
values (:'t', :'r', :'c', :apps::bigint * 1000000, 'gemiddelde', 'vaste_lasten', 0, 'resultaat', 'gedeeltelijk');
insert into subsidy_criteria (tenant_id, round_id, category_id, code, position, name, question, pass_mark, computed)
select :'t', :'r', :'c', code, pos, name, '', 6, code = 'prijs'
from (values ('samenwerking', 1, 'Samenwerking'), ('resultaat', 2, 'Resultaat'), ('prijs', 3, 'Prijs'),
             ('inclusie', 4, 'Inclusie'), ('duurzaamheid', 5, 'Duurzaamheid')) v(code, pos, name);
create temp table bench_apps on commit drop as
select i, gen_random_uuid() as provider_id, gen_random_uuid() as application_id from generate_series(1, :apps) i;
insert into providers (tenant_id, provider_id, name, city)
select :'t', provider_id, 'Bench stichting ' || i, 'Maastricht' from bench_apps;
insert into subsidy_applications (tenant_id, application_id, round_id, category_id, provider_id, reference, status,
    submitted_at)
select :'t', application_id, :'r', :'c', provider_id, 'BENCH-' || lpad(i::text, 4, '0'), 'ingediend',
    now() - interval '2 days' from bench_apps;
insert into subsidy_application_versions (tenant_id, application_id, version, title, activities, fixed_costs_cents,
    requested_cents, participants, reach, answers, submitted_at)
select :'t', application_id, 1, 'Huiskamer ' || i, 'Ontmoeting.', 2000000 + (i * 7919) % 1000000,
    1500000 + (i * 104729) % 2000000, 40 + i % 60, 'De buurt.', '{}', now() - interval '2 days' from bench_apps;
insert into subsidy_scores (tenant_id, application_id, criterion_code, user_id, points, motivation)
select :'t', a.application_id, k.code, u.user_id, 5 + (a.i * 31 + length(k.code) + length(u.email)) % 6, 'Bench.'
from bench_apps a
cross join (values ('samenwerking'), ('resultaat'), ('inclusie'), ('duurzaamheid')) k(code)
join users u on u.tenant_id = :'t' and u.email in ('beoordelaar@maastricht.demo', 'beleid@maastricht.demo');
commit;
select :'s' || '/' || :'r' || '/' || :'c';
