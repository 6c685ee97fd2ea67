-- The capacity per dagdeel is published (HSDS attributes), and what is published is built once
-- per generation of the register: changing it moves the generation too.
create trigger register_changed after insert or update or delete or truncate on facility_dagdeel_capacity
    for each statement execute function register_changed();
