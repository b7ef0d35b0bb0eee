-- Synthetic city for the tile benchmark (bench/tiles_bench.py --make-data), in a database of
-- its own: 60k buildings, 6k yards, 30k network segments, 1M appeals around the city centre.
-- Triggers are skipped while loading (geometries are valid and inside the city by construction).
SET session_replication_role = replica;
SELECT setseed(0.109);
TRUNCATE layers_appeal, layers_building, layers_yard, layers_networksegment RESTART IDENTITY CASCADE;

INSERT INTO layers_yard (created_at, updated_at, name, paving_state, last_works, geom)
SELECT now(), now(), 'Двор ' || i, (ARRAY['good','fair','poor','unpaved'])[1 + i % 4], '',
       ST_Multi(ST_Buffer(ST_MakeEnvelope(x, y, x + 0.0012, y + 0.0008, 4326), 0))
FROM (SELECT i, 69.07 + random() * 0.17 AS x, 54.835 + random() * 0.075 AS y
      FROM generate_series(1, 6000) i) s;

INSERT INTO layers_building (created_at, updated_at, street, house_number, name, use, floors, apartments,
                             year_built, geom)
SELECT now(), now(), 'улица ' || (i % 700), (i % 150)::text, '', 'residential', 1 + i % 12, i % 200,
       1950 + i % 70,
       ST_Multi(ST_MakePolygon(ST_MakeLine(ARRAY[
           ST_MakePoint(x, y), ST_MakePoint(x + w, y), ST_MakePoint(x + w, y + h),
           ST_MakePoint(x + w / 2, y + h * 1.2), ST_MakePoint(x, y + h), ST_MakePoint(x, y)])))::geometry(MultiPolygon, 4326)
FROM (SELECT i, 69.07 + (random() + random() + random()) / 3 * 0.17 AS x,
             54.835 + (random() + random() + random()) / 3 * 0.075 AS y,
             0.00015 + random() * 0.0003 AS w, 0.0001 + random() * 0.0002 AS h
      FROM generate_series(1, 60000) i) s;
UPDATE layers_building SET geom = ST_SetSRID(geom, 4326);

INSERT INTO layers_networksegment (created_at, updated_at, kind, material, diameter_mm, year_laid, status, geom)
SELECT now(), now(), (ARRAY['heating','water','sewer','storm','power','gas'])[1 + i % 6], 'steel',
       50 + (i % 20) * 25, 1960 + i % 60, 'active',
       ST_SetSRID(ST_MakeLine(ARRAY[ST_MakePoint(x, y), ST_MakePoint(x + dx / 2, y + dy / 3),
                                    ST_MakePoint(x + dx, y + dy)]), 4326)
FROM (SELECT i, 69.07 + (random() + random()) / 2 * 0.165 AS x, 54.835 + (random() + random()) / 2 * 0.07 AS y,
             (random() - 0.5) * 0.004 AS dx, (random() - 0.5) * 0.002 AS dy
      FROM generate_series(1, 30000) i) s;

INSERT INTO layers_appeal (created_at, updated_at, number, category, incident_type, status, channel,
                           registered_at, description, address, caller_name, caller_phone, geom)
SELECT now(), now(), '109-B-' || i, (ARRAY['heating','water','roads','lighting','waste','housing','transport',
                                           'improvement'])[1 + i % 8], '', 'registered', 'phone',
       now() - (i % 1095) * interval '1 day', '', '', '', '',
       ST_SetSRID(ST_MakePoint(69.07 + (random() + random() + random()) / 3 * 0.17,
                               54.835 + (random() + random() + random()) / 3 * 0.075), 4326)
FROM generate_series(1, 1000000) i;
SET session_replication_role = origin;
ANALYZE layers_yard; ANALYZE layers_building; ANALYZE layers_networksegment; ANALYZE layers_appeal;
