-- A provider's own contact details (address, phone, e-mail) are published on the open data only
-- for an organisation with a KvK number, or when it says yes on its record: a volunteer
-- initiative run from a private home is not a business address.
alter table providers add column contact_public boolean not null default false;
