-- A facility's grants are part of what is published of it (the HSDS service's funding) and of
-- what is kept per register generation; a decision or a decision on objection now moves the
-- generation like any change of the register, so a new or changed grant shows at once.
create trigger register_changed after insert or update or delete or truncate on subsidy_outcomes
    for each statement execute function register_changed();
create trigger register_changed after insert or update or delete or truncate on subsidy_objections
    for each statement execute function register_changed();
