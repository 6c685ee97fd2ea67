-- Issue 16, item 7: the worker who counted a referral may undo it for 10 minutes, and a
-- beleidsmedewerker corrects counts with a reason. Still nothing about the resident: a
-- referral row knows which staff account counted it (to allow the undo), a correction row
-- carries a signed number (weight) and its reason; counts are sums of weights.
alter table referrals
    add column recorded_by uuid,
    add column weight integer not null default 1 check (weight <> 0 and weight between -10000 and 10000),
    add column correction_reason text check (correction_reason is null or length(correction_reason) between 1 and 1000),
    add constraint referrals_count_or_correction check (correction_reason is not null or weight = 1),
    add constraint referrals_recorded_by foreign key (tenant_id, recorded_by) references users (tenant_id, user_id);
create index referrals_recorded_by on referrals (tenant_id, recorded_by, created_at);

-- The undo: only a count (no correction), only within 10 minutes of counting it; the
-- application checks who counted it, and this policy holds the window whatever the code does.
grant delete on referrals to voorzieningen_app;
create policy undo_window on referrals as restrictive for delete to voorzieningen_app
    using (correction_reason is null and created_at > now() - interval '10 minutes');
