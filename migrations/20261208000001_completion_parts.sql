-- A completion (Awb 4:5) names what the applicant is to complete: document codes
-- ('document:<code>'), answers by criterion ('antwoord:<code>'), 'activiteiten', 'bereik' and
-- 'verklaringen'. Only those can change in the version the completion opened; null on a
-- version no completion opened. Completions asked before this column existed may change the
-- documents, declarations and answers, never the amounts, budget lines or participants.
alter table subsidy_application_versions add column completion_parts text[];
