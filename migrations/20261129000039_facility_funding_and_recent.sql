-- What the signed-in facility page reads besides the facility (kept in memory per register
-- generation): the subsidies that fund the facility and the user's own recent referrals of it
-- (those they may still undo), as parallel arrays in one order each. A plpgsql function, so its
-- plan is kept per connection: the page sends it in one simple query with BEGIN, the tenant and
-- COMMIT, which would otherwise plan the joins at every request. Security invoker: row-level
-- security applies as to any statement of the application. The HSDS service reads the funding
-- alone (p_user null).
create function facility_funding_and_recent(p_tenant uuid, p_facility uuid, p_user uuid,
                                            p_minutes integer, p_with_recent boolean)
    returns table (names text[], years integer[], cents bigint[], ids uuid[], dates date[], routes text[])
    language plpgsql stable
as $$
begin
    return query
        select fu.names, fu.years, fu.cents, re.ids, re.dates, re.routes
        from (select array_agg(s.name order by r.year desc, s.name, o.application_id),
                     array_agg(r.year order by r.year desc, s.name, o.application_id),
                     array_agg(o.granted_cents order by r.year desc, s.name, o.application_id)
              from subsidy_current_outcomes o
              join subsidy_applications a on a.tenant_id = o.tenant_id and a.application_id = o.application_id
              join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id
                   and v.version = a.current_version
              join subsidy_rounds r on r.tenant_id = o.tenant_id and r.round_id = o.round_id
              join subsidy_schemes s on s.tenant_id = r.tenant_id and s.scheme_id = r.scheme_id
              where o.tenant_id = p_tenant and o.granted_cents > 0 and p_facility = any (v.facility_ids)
             ) fu (names, years, cents),
             (select array_agg(x.referral_id order by x.created_at desc, x.referral_id),
                     array_agg(x.referred_on order by x.created_at desc, x.referral_id),
                     array_agg(x.route order by x.created_at desc, x.referral_id)
              from referrals x
              where p_with_recent and x.tenant_id = p_tenant and x.facility_id = p_facility
                and x.recorded_by = p_user and x.correction_reason is null
                and x.created_at > now() - make_interval(mins => p_minutes)
             ) re (ids, dates, routes);
end
$$;
revoke all on function facility_funding_and_recent(uuid, uuid, uuid, integer, boolean) from public;
grant execute on function facility_funding_and_recent(uuid, uuid, uuid, integer, boolean) to voorzieningen_app;
