-- The search documents of the facilities an import wrote: the ids' test was `= any (p_ids)`, a
-- walk along the whole array for every facility of the tenant (an import of 10,000 rows into a
-- tenant of 30,000 spent 3.7 s here, most of the import's time). `in (select unnest(p_ids))`
-- is a hashed sub-plan: one probe per facility (1.8 s, the documents themselves). Otherwise the
-- function is the one of 20261123000001_lookup.sql.
create or replace function facility_search_refresh(p_tenant uuid, p_ids uuid[]) returns void
    language sql
as $$
    update facilities f set
        search_name = lower(unaccent(f.name)),
        search_doc =
            setweight(to_tsvector('nl_unaccent', f.name), 'A')
            || setweight(to_tsvector('nl_unaccent', coalesce((
                   select string_agg(t.name || ' ' || array_to_string(t.aliases, ' ') || ' ' || t.subgroup, ' ')
                   from facility_type_links l
                   join facility_types t on t.tenant_id = l.tenant_id and t.code = l.type_code
                   where l.tenant_id = f.tenant_id and l.facility_id = f.facility_id), '')), 'B')
            || setweight(to_tsvector('nl_unaccent', coalesce(p.name, '') || ' ' || coalesce((
                   select string_agg(c.name, ' ') from code_lists c
                   where (c.kind = 'functie' and c.code = any (f.functions))
                      or (c.kind = 'doelgroep' and c.code = any (f.target_groups))
                      or (c.kind = 'bouwsteen' and c.code = any (f.bouwstenen))), '')), 'C')
            || setweight(to_tsvector('nl_unaccent', f.description || ' ' || f.street || ' ' || f.city || ' '
                   || coalesce(f.postcode, '') || ' ' || coalesce((
                       select string_agg(a.name, ' ') from areas a
                       where a.tenant_id = f.tenant_id
                         and a.area_id in (b.area_id, b.parent_id)), '')), 'D')
    from facilities f2
    join providers p on p.tenant_id = f2.tenant_id and p.provider_id = f2.provider_id
    left join areas b on b.tenant_id = f2.tenant_id and b.area_id = f2.buurt_id
    where f.tenant_id = p_tenant and f2.tenant_id = f.tenant_id and f2.facility_id = f.facility_id
      and (p_ids is null or f.facility_id in (select unnest(p_ids)));
$$;
