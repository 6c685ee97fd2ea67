-- Scale data for the checklist's coverage matrix: 5,000 extra facilities in the demo regio
-- `twente` (14 gemeenten), each with two types, a buurt for most, a werkgebied of one to
-- three areas (gemeenten, wijken or buurten) and now and then the whole region.
-- Run as the owner on a database with the demo data, e.g. psql -f bench/checklist_scale.sql.
begin;
create temporary table scale_areas as
    select row_number() over (order by cbs_code) as n, area_id, level
    from areas where tenant_id = (select tenant_id from tenants where slug = 'twente');
create temporary table scale_types as
    select row_number() over (order by code) as n, code
    from facility_types where tenant_id = (select tenant_id from tenants where slug = 'twente');
insert into facilities (tenant_id, facility_id, provider_id, name, buurt_id, serves_whole_region, bouwstenen,
                        capacity_at_once)
select t.tenant_id, gen_random_uuid(),
       (select provider_id from providers p where p.tenant_id = t.tenant_id order by name limit 1),
       'Schaalvoorziening ' || i,
       case when i % 4 <> 0 then (select area_id from scale_areas a where a.level = 'buurt'
                                   order by (a.n * 7919 + i) % 1009 limit 1) end,
       i % 97 = 0,
       (array['preventie', 'vroegsignalering', 'zinvolle_daginvulling'])[1 + i % 3:1 + i % 3],
       10 + i % 40
from tenants t cross join generate_series(1, 5000) as i
where t.slug = 'twente';
insert into facility_type_links (tenant_id, facility_id, type_code, is_main)
select f.tenant_id, f.facility_id, ty.code, k = 0
from facilities f
cross join generate_series(0, 1) as k
join scale_types ty on ty.n = 1 + (abs(hashtext(f.facility_id::text)) + k * 31) % (select count(*) from scale_types)
where f.name like 'Schaalvoorziening %'
on conflict do nothing;
insert into facility_service_areas (tenant_id, facility_id, area_id)
select f.tenant_id, f.facility_id, a.area_id
from facilities f
cross join generate_series(0, 2) as k
join scale_areas a on a.n = 1 + (abs(hashtext(f.facility_id::text || k)) % (select count(*) from scale_areas))
where f.name like 'Schaalvoorziening %' and k <= abs(hashtext(f.facility_id::text)) % 3
on conflict do nothing;
analyze facilities, facility_type_links, facility_service_areas, areas;
commit;
