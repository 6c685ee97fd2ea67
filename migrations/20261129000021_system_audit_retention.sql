-- System audit events (login attempts for unknown addresses, refused attempts: events of no
-- tenant, about people who did not sign in) are kept for a retention period, a setting of the
-- server (default one year). The tenants' own audit trail is kept.
create function system_audit_purge(p_keep_days integer) returns bigint
    language sql volatile security definer set search_path = public, pg_temp
as $$
    with gone as (
        delete from system_audit_events
        where occurred_at < now() - make_interval(days => greatest(p_keep_days, 1))
        returning 1
    )
    select count(*) from gone
$$;
revoke all on function system_audit_purge(integer) from public;
grant execute on function system_audit_purge(integer) to voorzieningen_app;
