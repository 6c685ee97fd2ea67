-- The facility list (/{tenant}/voorzieningen) of the facilities in use: its count, its pages in
-- name order and its name search read this index alone (an index-only scan), never the wide
-- facility rows. search_name is the name in lower case without accents, so the list's order
-- puts "Émile" beside "Emile"; provider_id is there for the match on the provider's name.
-- (Row-level security keeps the trigram index out of reach of a LIKE, which is not leakproof;
-- a filter over this index costs about a millisecond for 5,000 facilities.)
create index facilities_listed on facilities (tenant_id, search_name, facility_id)
    include (provider_id) where not archived;
