-- Issue 26.9: a draft saves everything typed. A field that does not parse (an amount such as
-- "12,5,0") is stored as its typed text here, by form field name, beside the parsed columns
-- (which hold 0 or empty for it); the form shows it back with its message. A submitted
-- version has none: submitting needs every field to parse.
alter table subsidy_application_versions
    add column unparsed jsonb not null default '{}'::jsonb
        check (jsonb_typeof(unparsed) = 'object');
