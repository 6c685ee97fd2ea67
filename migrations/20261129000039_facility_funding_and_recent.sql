-- What the facility pages read besides the facility itself, as parallel arrays in one order
-- each: the subsidies that fund a facility (the signed-in page and the HSDS service keep them
-- with the facility per register generation: grants move it, migration …042) and the
-- referrals a user counted of it and may still undo (read at every signed-in request).
-- plpgsql functions, so their plans are kept per connection: the signed-in page sends the
-- referrals' in one simple query with BEGIN, the tenant and COMMIT, which would otherwise be
-- planned at every request. Security invoker: row-level security applies as to any statement
-- of the application.
create function facility_funding(p_tenant uuid, p_facility uuid)
    returns table (names text[], years integer[], cents bigint[])
    language plpgsql stable
as $$
begin
    return query
        select array_agg(s.name order by r.year desc, s.name, o.application_id),
               array_agg(r.year order by r.year desc, s.name, o.application_id),
               array_agg(o.granted_cents order by r.year desc, s.name, o.application_id)
        from subsidy_current_outcomes o
        join subsidy_applications a on a.tenant_id = o.tenant_id and a.application_id = o.application_id
        join subsidy_application_versions v on v.tenant_id = a.tenant_id and v.application_id = a.application_id
             and v.version = a.current_version
        join subsidy_rounds r on r.tenant_id = o.tenant_id and r.round_id = o.round_id
        join subsidy_schemes s on s.tenant_id = r.tenant_id and s.scheme_id = r.scheme_id
        where o.tenant_id = p_tenant and o.granted_cents > 0 and p_facility = any (v.facility_ids);
end
$$;

create function facility_recent_referrals(p_tenant uuid, p_facility uuid, p_user uuid, p_minutes integer)
    returns table (ids uuid[], dates date[], routes text[])
    language plpgsql stable
as $$
begin
    return query
        select array_agg(x.referral_id order by x.created_at desc, x.referral_id),
               array_agg(x.referred_on order by x.created_at desc, x.referral_id),
               array_agg(x.route order by x.created_at desc, x.referral_id)
        from referrals x
        where x.tenant_id = p_tenant and x.facility_id = p_facility and x.recorded_by = p_user
          and x.correction_reason is null and x.created_at > now() - make_interval(mins => p_minutes);
end
$$;

revoke all on function facility_funding(uuid, uuid) from public;
revoke all on function facility_recent_referrals(uuid, uuid, uuid, integer) from public;
grant execute on function facility_funding(uuid, uuid) to voorzieningen_app;
grant execute on function facility_recent_referrals(uuid, uuid, uuid, integer) to voorzieningen_app;
