-- A notice of delay (Awb 4:14): when the decision on a round's applications cannot be made within
-- the term, the applicants are told before the term ends, with the reason and the new date by
-- which the decision will be made. One notice per round; the audit trail keeps who sent it.
alter table subsidy_rounds
    add column decision_delayed_to date,
    add column decision_delay_reason text not null default '',
    add column decision_delayed_at timestamptz,
    add column decision_delayed_by text not null default '',
    add constraint subsidy_rounds_delay_complete check (
        (decision_delayed_to is null and decision_delayed_at is null)
        or (decision_delayed_to is not null and decision_delayed_at is not null
            and length(decision_delay_reason) between 1 and 2000)
    );
