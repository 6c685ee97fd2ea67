-- A declared conflict of interest binds for the application: the assessor cannot withdraw it;
-- only a beleidsmedewerker lifts it, with a reason. Lifting is a new row (conflicted = false)
-- recorded by that official; the note holds the reason.
alter table subsidy_conflict_declarations
    add column lifted_by uuid,
    add foreign key (tenant_id, lifted_by) references users (tenant_id, user_id),
    add check (lifted_by is null or (not conflicted and length(note) > 0));

-- Who set a final score (eindbeoordelaar), so that a final assessor who is conflicted when the
-- onderdeel is decided does not count. Rows from before have no user and count as they were.
alter table subsidy_final_scores add column set_by_user uuid;
