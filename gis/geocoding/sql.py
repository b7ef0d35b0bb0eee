"""The address index's schema: normalisation functions, the street-name variants and
the indexes search relies on. Applied by the migration; kept here beside search.py,
the code that depends on it.
"""

# One normalisation for index and query alike: lower case, ё→е, Kazakh letters to their
# nearest Russian ones, punctuation out, street-type words (ул., пр-т, мкр, көшесі …) out.
NORMALIZE = r"""
CREATE OR REPLACE FUNCTION qala_norm_street(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT btrim(regexp_replace(regexp_replace(
      regexp_replace(translate(lower(t), 'ёәғқңөұүһі№', 'еагкноуухи '), '[^0-9a-zа-я]+', ' ', 'g'),
      '(^| )(улица|ул|проспект|просп|пр т|прт|пр|переулок|пер|микрорайон|мкрн|мкр|бульвар|б р|шоссе|'
      'площадь|пл|проезд|пр д|тупик|имени|им|кошеси|кош|дангылы|данг|шагын ауданы|ш а|алани)(?= |$)',
      ' ', 'g'), '\s+', ' ', 'g'))
$$;

CREATE OR REPLACE FUNCTION qala_norm_house(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT regexp_replace(regexp_replace(regexp_replace(
      translate(lower(t), 'ёabvgde', 'еабвгде'),
      '(^|\s)(дом|д\.)', ' ', 'g'),
      '(корпус|корп\.?|кор\.?|к\.)\s*', 'к', 'g'),
      '[^0-9а-я/]', '', 'g')
$$;

-- the house number without letter, fraction or block: "15а", "15/2", "15к2" -> "15"
-- (qualified: pg_restore builds the indexes with an empty search_path)
CREATE OR REPLACE FUNCTION qala_house_base(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT substring(public.qala_norm_house(t) from '^[0-9]+')
$$;
"""

VARIANTS = r"""
CREATE MATERIALIZED VIEW geocoding_street_variant AS
WITH names(street, variant, kind) AS (
    SELECT s.name, s.name, 'current' FROM layers_street s
    UNION ALL SELECT s.name, s.name_kk, 'kazakh' FROM layers_street s WHERE s.name_kk <> ''
    UNION ALL SELECT s.name, f, 'former' FROM layers_street s, unnest(s.former_names) AS f
    UNION ALL SELECT r.new_name, r.old_name, 'former' FROM geocoding_streetrename r
    UNION ALL SELECT DISTINCT b.street, b.street, 'current' FROM layers_building b WHERE b.street <> ''
)
SELECT qala_norm_street(street) AS street_key, qala_norm_street(variant) AS norm, kind, min(variant) AS variant
FROM names
WHERE qala_norm_street(variant) <> ''
GROUP BY 1, 2, 3;
CREATE INDEX geocoding_street_variant_norm_trgm ON geocoding_street_variant USING gin (norm gin_trgm_ops);

CREATE INDEX geocoding_building_street_key ON layers_building (qala_norm_street(street), qala_house_base(house_number));
CREATE INDEX geocoding_building_name_trgm ON layers_building USING gin (qala_norm_street(name) gin_trgm_ops)
    WHERE name <> '';
CREATE INDEX geocoding_busstop_name_trgm ON layers_busstop USING gin (qala_norm_street(name) gin_trgm_ops);

-- the variants follow every change of streets, buildings and renames, in the same transaction
CREATE OR REPLACE FUNCTION qala_refresh_street_variants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    REFRESH MATERIALIZED VIEW geocoding_street_variant;
    RETURN NULL;
END $$;
CREATE TRIGGER geocoding_refresh AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, name_kk, former_names
    ON layers_street FOR EACH STATEMENT EXECUTE FUNCTION qala_refresh_street_variants();
CREATE TRIGGER geocoding_refresh AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF street
    ON layers_building FOR EACH STATEMENT EXECUTE FUNCTION qala_refresh_street_variants();
CREATE TRIGGER geocoding_refresh AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE
    ON geocoding_streetrename FOR EACH STATEMENT EXECUTE FUNCTION qala_refresh_street_variants();
"""

DROP_VARIANTS = """
DROP TRIGGER IF EXISTS geocoding_refresh ON layers_street;
DROP TRIGGER IF EXISTS geocoding_refresh ON layers_building;
DROP TRIGGER IF EXISTS geocoding_refresh ON geocoding_streetrename;
DROP FUNCTION IF EXISTS qala_refresh_street_variants();
DROP INDEX IF EXISTS geocoding_building_street_key;
DROP INDEX IF EXISTS geocoding_building_name_trgm;
DROP INDEX IF EXISTS geocoding_busstop_name_trgm;
DROP MATERIALIZED VIEW IF EXISTS geocoding_street_variant;
"""

DROP_NORMALIZE = """
DROP FUNCTION IF EXISTS qala_house_base(text);
DROP FUNCTION IF EXISTS qala_norm_house(text);
DROP FUNCTION IF EXISTS qala_norm_street(text);
"""
