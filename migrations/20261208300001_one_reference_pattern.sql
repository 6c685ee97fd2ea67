-- Issue 26.12: one reference pattern for applications, SUB-<year>-<four digits>. The demo data
-- used SAV-<year>-<three digits>; those become SUB-<year>-0<digits>. Should the number be taken
-- already, the application gets the next free number of its tenant and year. Each renumbering
-- is written to the audit trail, so an old reference in a letter or an e-mail can be traced.
do $$
declare
    r record;
    wanted text;
    n integer;
begin
    for r in
        select tenant_id, application_id, reference,
               substring(reference from '^[A-Z]+-(\d{4})-') as year,
               substring(reference from '-(\d+)$')::integer as no
        from subsidy_applications
        where reference !~ '^SUB-\d{4}-\d{4,}$'
        order by tenant_id, reference
    loop
        if r.year is null or r.no is null then
            select coalesce(max(substring(reference from '-(\d+)$')::integer), 0) + 1 into n
            from subsidy_applications where tenant_id = r.tenant_id and reference ~ '^SUB-\d{4}-\d+$';
            wanted := format('SUB-%s-%s', extract(year from now())::integer, lpad(n::text, 4, '0'));
        else
            wanted := format('SUB-%s-%s', r.year, lpad(r.no::text, 4, '0'));
            if exists (select 1 from subsidy_applications
                       where tenant_id = r.tenant_id and reference = wanted) then
                select coalesce(max(substring(reference from '-(\d+)$')::integer), 0) + 1 into n
                from subsidy_applications
                where tenant_id = r.tenant_id and reference like format('SUB-%s-%%', r.year);
                wanted := format('SUB-%s-%s', r.year, lpad(n::text, 4, '0'));
            end if;
        end if;
        update subsidy_applications set reference = wanted
        where tenant_id = r.tenant_id and application_id = r.application_id;
        insert into audit_events (tenant_id, actor_label, action, object_type, object_id, result, origin,
                                  before, after)
        values (r.tenant_id, 'migratie', 'kenmerk gewijzigd', 'subsidieaanvraag', r.application_id::text,
                'success', 'systeem', jsonb_build_object('kenmerk', r.reference),
                jsonb_build_object('kenmerk', wanted));
    end loop;
end
$$;
