-- The public side of the benchmark's register (included by bench/load.sql; on its own:
--   psql -f bench/publish.sql   for a register loaded before it existed).
\set ON_ERROR_STOP on
-- Every tenant of this throwaway database is published (the synthetic ones and
-- the demo tenants, the regio twente among them), and every facility gets its search document.
update tenants set published = true;
select clock_timestamp() as refresh_started \gset
select count(*) as refreshed_tenants from (select facility_search_refresh(t.tenant_id, null) from tenants t) r \gset
select round(extract(epoch from clock_timestamp() - :'refresh_started'::timestamptz)::numeric, 1) as refresh_seconds,
       (select count(*) from facilities where search_doc <> ''::tsvector) as searchable \gset
\echo '   search documents: facility_search_refresh for' :refreshed_tenants 'tenants,' :searchable 'facilities, in' :refresh_seconds 's'
select clock_timestamp() as vacuum_started \gset
vacuum analyze;
select round(extract(epoch from clock_timestamp() - :'vacuum_started'::timestamptz)::numeric, 1) as vacuum_seconds \gset
\echo '   vacuum analyze (the refresh rewrote every facility row):' :vacuum_seconds 's'
