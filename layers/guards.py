"""Database-side guards and tile index for every registry layer: a geometry must be valid and
inside the city extent, whoever writes it (admin, importer, raw SQL).

Installed after each migrate from the registry, so a new layer gets them with
no migration of its own. The city extent lives in the one-row table qala_city,
kept in step with the settings.
"""
from __future__ import annotations

from django.conf import settings
from django.db import connections

from layers.registry import registry

GUARD_FUNCTION = """
CREATE TABLE IF NOT EXISTS qala_city (
    id integer PRIMARY KEY CHECK (id = 1),
    name text NOT NULL,
    extent geometry(Polygon, 4326) NOT NULL,
    metric_srid integer NOT NULL
);
CREATE OR REPLACE FUNCTION qala_guard_geometry() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    city_extent geometry;
BEGIN
    IF NEW.geom IS NULL THEN
        RETURN NEW;
    END IF;
    IF NOT ST_IsValid(NEW.geom) THEN
        RAISE EXCEPTION 'invalid geometry in %: %', TG_TABLE_NAME, ST_IsValidReason(NEW.geom)
            USING ERRCODE = 'check_violation', HINT = 'repair it (ST_MakeValid) or redraw it';
    END IF;
    SELECT extent INTO city_extent FROM qala_city WHERE id = 1;
    IF city_extent IS NOT NULL AND NOT ST_CoveredBy(NEW.geom, city_extent) THEN
        RAISE EXCEPTION 'geometry in % lies outside the city extent', TG_TABLE_NAME
            USING ERRCODE = 'check_violation', HINT = 'check the CRS and the lon/lat order';
    END IF;
    RETURN NEW;
END $$;
"""

SET_CITY = """
INSERT INTO qala_city (id, name, extent, metric_srid)
VALUES (1, %s, ST_MakeEnvelope(%s, %s, %s, %s, 4326), %s)
ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, extent = EXCLUDED.extent,
    metric_srid = EXCLUDED.metric_srid
"""


def trigger_name(table: str) -> str:
    return f"qala_guard_{table}"


def install(sender=None, using="default", **kwargs) -> None:
    city = settings.QALA_CITY
    with connections[using].cursor() as cur:
        cur.execute(GUARD_FUNCTION)
        cur.execute(SET_CITY, [city["name"], *city["bbox"], city["metric_srid"]])
        for layer in registry:
            table = layer.table
            name = trigger_name(table)
            cur.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            cur.execute(
                f'CREATE TRIGGER "{name}" BEFORE INSERT OR UPDATE OF "{layer.geometry_field}" '
                f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION qala_guard_geometry()'
            )
            # the tiles read the Web Mercator copy; it needs its own spatial index
            cur.execute(f'CREATE INDEX IF NOT EXISTS "{table}_geom_3857_gist" ON "{table}" USING gist (geom_3857)')
