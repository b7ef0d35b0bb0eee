"""The registry is the single source: every entry must be a real, migrated, indexed table."""
import pytest
from django.db import connection

from layers.registry import Layer, Registry, UnknownLayer, DuplicateLayer, registry, Style

REQUIRED_IDS = {
    "buildings", "yards", "playgrounds", "cameras", "wells", "network_segments", "bus_routes",
    "bus_stops", "snowplow_routes", "appeals", "dig_orders", "repair_works", "organizations", "districts",
}


def test_every_required_layer_is_registered():
    assert REQUIRED_IDS <= set(registry.ids())


def test_unknown_layer_fails_loudly():
    with pytest.raises(UnknownLayer, match="unknown layer 'nope'"):
        registry.get("nope")


def test_registering_twice_is_an_error():
    fresh = Registry()
    layer = registry.get("cameras")
    fresh.register(layer)
    with pytest.raises(DuplicateLayer):
        fresh.register(layer)


def test_layer_entry_naming_a_missing_field_is_refused():
    from layers.cameras import Camera

    with pytest.raises(DuplicateLayer, match="no field 'colour'"):
        Layer(id="x", model=Camera, geometry_type="Point", titles={"ru": "x", "kk": "x", "en": "x"},
              public_fields=("colour",), style=Style(color="#000"))


def test_appeal_personal_fields_are_not_public():
    appeals = registry.get("appeals")
    assert {"caller_name", "caller_phone", "description"} <= set(appeals.personal_fields)
    assert not set(appeals.personal_fields) & set(appeals.public_fields)


@pytest.mark.django_db
@pytest.mark.parametrize("layer", list(registry), ids=lambda layer: layer.id)
def test_layer_is_a_migrated_table_with_a_spatial_index(layer):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT type, srid FROM geometry_columns WHERE f_table_name = %s AND f_geometry_column = %s",
            [layer.table, layer.geometry_field],
        )
        row = cur.fetchone()
        assert row is not None, f"{layer.table}.{layer.geometry_field} is not a registered geometry column"
        assert row[0].upper() == layer.geometry_type.upper()
        assert row[1] == layer.srid == 4326
        cur.execute(
            """SELECT count(*) FROM pg_index i
               JOIN pg_class t ON t.oid = i.indrelid JOIN pg_class ix ON ix.oid = i.indexrelid
               JOIN pg_am am ON am.oid = ix.relam JOIN pg_attribute a ON a.attrelid = t.oid
               AND a.attnum = ANY(i.indkey)
               WHERE t.relname = %s AND am.amname = 'gist' AND a.attname = %s""",
            [layer.table, layer.geometry_field],
        )
        assert cur.fetchone()[0] >= 1, f"{layer.table} has no GiST index on {layer.geometry_field}"
        cur.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexdef LIKE '%%gist (geom_3857)'",
                    [layer.table])
        assert cur.fetchone() is not None, f"{layer.table} has no GiST index on its tile geometry"
        cur.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE 'qala_guard_%%'",
                    [layer.table])
        assert cur.fetchone()[0] == 1
