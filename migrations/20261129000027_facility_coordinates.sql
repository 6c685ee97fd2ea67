-- Issue 16, item 1: a facility's place on the map (WGS84, as the import's lat/lon columns,
-- the form or the geocoder give it). Public: residents and wijkteams see it on the kaart.
alter table facilities
    add column latitude  double precision check (latitude between -90 and 90),
    add column longitude double precision check (longitude between -180 and 180),
    add constraint facilities_coordinates_both check ((latitude is null) = (longitude is null));
