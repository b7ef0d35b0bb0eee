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

# The searches as plpgsql functions: their plans are cached per connection (planning the
# normalisation expressions cost more than running them), and the trigram thresholds come
# with the function instead of a transaction and two SET LOCALs.
SEARCH_FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION qala_address_search(p_street text, p_house text, p_limit integer)
RETURNS TABLE (id bigint, street text, house_number text, name text, yard_id bigint, matched text,
               score double precision, lon double precision, lat double precision)
LANGUAGE plpgsql STABLE
SET pg_trgm.similarity_threshold = 0.2
SET pg_trgm.word_similarity_threshold = 0.45
AS $$
DECLARE
    s text := public.qala_norm_street(p_street);
    h text := public.qala_norm_house(p_house);
    base text := public.qala_house_base(p_house);
BEGIN
    IF s = '' OR base IS NULL THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH candidate AS (
        SELECT v.street_key,
               max(greatest(similarity(v.norm, s), word_similarity(s, v.norm) * 0.95)) AS sim,
               (array_agg(v.variant || ' (' || v.kind || ')'
                          ORDER BY greatest(similarity(v.norm, s), word_similarity(s, v.norm)) DESC))[1] AS m
        FROM public.geocoding_street_variant v
        WHERE v.norm % s OR s <% v.norm
        GROUP BY v.street_key
        ORDER BY sim DESC
        LIMIT 8
    )
    SELECT b.id, b.street::text, b.house_number::text, b.name::text, b.yard_id, c.m,
           (c.sim + CASE WHEN public.qala_norm_house(b.house_number) = h THEN 1.0
                         WHEN h LIKE base || '%' AND public.qala_norm_house(b.house_number) = base THEN 0.6
                         ELSE 0.4 END)::double precision AS score,
           ST_X(ST_PointOnSurface(b.geom)), ST_Y(ST_PointOnSurface(b.geom))
    FROM candidate c
    JOIN public.layers_building b ON public.qala_norm_street(b.street) = c.street_key
    WHERE public.qala_house_base(b.house_number) = base
    ORDER BY 7 DESC, b.id
    LIMIT p_limit;
END $$;

CREATE OR REPLACE FUNCTION qala_landmark_search(p_q text, p_limit integer)
RETURNS TABLE (kind text, id bigint, yard_id bigint, name text, street text, house_number text,
               sim double precision, lon double precision, lat double precision)
LANGUAGE plpgsql STABLE
SET pg_trgm.similarity_threshold = 0.2
SET pg_trgm.word_similarity_threshold = 0.45
AS $$
DECLARE
    s text := public.qala_norm_street(p_q);
BEGIN
    IF s = '' THEN
        RETURN;
    END IF;
    RETURN QUERY
    (SELECT 'landmark'::text, b.id, b.yard_id, b.name::text, b.street::text, b.house_number::text,
            greatest(similarity(public.qala_norm_street(b.name), s),
                     word_similarity(s, public.qala_norm_street(b.name)))::double precision AS sim,
            ST_X(ST_PointOnSurface(b.geom)), ST_Y(ST_PointOnSurface(b.geom))
     FROM public.layers_building b
     WHERE b.name <> '' AND (public.qala_norm_street(b.name) % s OR s <% public.qala_norm_street(b.name))
     ORDER BY 7 DESC LIMIT p_limit)
    UNION ALL
    (SELECT 'bus_stop'::text, NULL::bigint, NULL::bigint, st.name::text, ''::text, ''::text,
            greatest(similarity(public.qala_norm_street(st.name), s),
                     word_similarity(s, public.qala_norm_street(st.name)))::double precision AS sim,
            ST_X(st.geom), ST_Y(st.geom)
     FROM public.layers_busstop st
     WHERE public.qala_norm_street(st.name) % s OR s <% public.qala_norm_street(st.name)
     ORDER BY 7 DESC LIMIT p_limit);
END $$;
"""

DROP_SEARCH_FUNCTIONS = """
DROP FUNCTION IF EXISTS qala_address_search(text, text, integer);
DROP FUNCTION IF EXISTS qala_landmark_search(text, integer);
"""
