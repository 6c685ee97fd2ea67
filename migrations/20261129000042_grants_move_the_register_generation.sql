-- A facility's grants are kept with it per register generation (the HSDS service's funding,
-- the signed-in facility page), so whatever changes a grant now moves the generation like any
-- change of the register: a decision or a decision on objection, a scheme's name or a round's
-- year, and a decided application's current version or the facilities of its versions.
create trigger register_changed after insert or update or delete or truncate on subsidy_outcomes
    for each statement execute function register_changed();
create trigger register_changed after insert or update or delete or truncate on subsidy_objections
    for each statement execute function register_changed();
create trigger register_changed after update of name on subsidy_schemes
    for each statement execute function register_changed();
create trigger register_changed after update of year on subsidy_rounds
    for each statement execute function register_changed();

-- Applications and their versions change often before a decision (drafts, completions), when
-- they fund nothing yet: only a decided application's change moves the generation.
create function decided_application_changed() returns trigger
    language plpgsql security definer set search_path = public, pg_temp
as $$
begin
    if exists (select 1 from subsidy_outcomes o
               where o.tenant_id = new.tenant_id and o.application_id = new.application_id)
       and current_setting('app.register_changed', true) is distinct from txid_current()::text then
        perform set_config('app.register_changed', txid_current()::text, true);
        update tenants set register_generation = register_generation + 1 where tenant_id = new.tenant_id;
    end if;
    return null;
end
$$;
revoke all on function decided_application_changed() from public;
create trigger decided_application_changed after update of current_version on subsidy_applications
    for each row execute function decided_application_changed();
create trigger decided_application_changed after insert or update of facility_ids on subsidy_application_versions
    for each row execute function decided_application_changed();
