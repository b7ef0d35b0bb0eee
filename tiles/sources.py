"""What goes into a vector tile, and the one SQL statement that makes it.

Every registry layer is a source; attributes are the layer's public fields only,
so personal fields (an appeal's caller, phone, description, address) can never
reach a tile. Foreign keys travel as ids: a rename of an organization then
touches no tile. Geometry is the database-kept `geom_3857` column (GiST indexed).

Per layer, documented here and in the TileJSON:
- below the layer's min_zoom the tile is empty (200, zero bytes, MVT type);
- lines and polygons are simplified at z <= 12 to a quarter of a screen pixel;
- points are selected with the tile's buffer (symbols drawn across the edge), lines and
  polygons by the tile itself (the neighbour tile draws what lies beyond);
- appeals at z <= 12 are never capped or truncated: they come as square-grid
  cells (32 x 32 per tile) carrying `count` and one `count_<category>` per category.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models

from layers.registry import Aggregation, Layer, registry
from tiles.grid import BUFFER, EXTENT, HALF_WORLD, check

SIMPLIFY_BELOW_ZOOM = 13  # measured: at z14 simplifying buildings cost ~20% and saved nothing
SIMPLIFY_UNITS = 4  # MVT units (of 4096): a quarter of a 256 px screen pixel


# The combined basemap: one MVT with these layers, drawn bottom to top.
BASEMAP = ("districts", "yards", "playgrounds", "buildings", "network_segments", "streets")


class UnsupportedField(Exception):
    """A public field type the tiles cannot encode: a programming error, caught by the tests."""


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def attribute(field: models.Field) -> tuple[str, str]:
    """(SQL expression on alias t, TileJSON type) for one public field."""
    col = f"t.{quote(field.column)}"
    if field.many_to_many:
        raise UnsupportedField(f"{field.model.__name__}.{field.name}: many-to-many fields are not tiled")
    if field.is_relation:
        return col, "Number"
    if isinstance(field, models.DateTimeField):
        return f"to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')", "String"
    if isinstance(field, models.DateField):
        return f"{col}::text", "String"
    if isinstance(field, models.DecimalField):
        return f"{col}::float8", "Number"
    if isinstance(field, ArrayField):
        return f"array_to_string({col}, '; ')", "String"
    if isinstance(field, models.BooleanField):
        return col, "Boolean"
    if isinstance(field, models.GeneratedField):
        return f"{col}::float8", "Number"
    if isinstance(field, (models.IntegerField, models.FloatField)):
        return col, "Number"
    if isinstance(field, models.JSONField):
        return f"{col}::text", "String"
    return col, "String"


def fields(layer: Layer) -> dict[str, str]:
    """Attribute name -> TileJSON type, for the points/lines/polygons of a layer."""
    opts = layer.model._meta
    return {name: attribute(opts.get_field(name))[1] for name in layer.public_fields}


def empty_at(layer: Layer, z: int) -> bool:
    agg = layer.aggregate
    if agg and z <= agg.max_zoom:
        return False
    return z < layer.min_zoom


def layer_sql(layer: Layer, z: int) -> str:
    """A scalar subquery giving this layer's MVT bytes; reads env.e (tile) and env.m (buffered)."""
    agg = layer.aggregate
    if agg and z <= agg.max_zoom:
        return aggregate_sql(layer, agg)
    opts = layer.model._meta
    cols = ", ".join(f"{attribute(opts.get_field(n))[0]} AS {quote(n)}" for n in layer.public_fields)
    geom = "t.geom_3857"
    envelope = "env.m" if layer.geometry_type == "Point" else "env.e"
    if layer.geometry_type != "Point" and z < SIMPLIFY_BELOW_ZOOM:
        geom = f"ST_Simplify({geom}, %(tolerance)s, false)"
    return (
        f"(SELECT coalesce(ST_AsMVT(q, {quote_literal(layer.id)}, {EXTENT}, 'geom', 'id'), ''::bytea) FROM ("
        f"SELECT t.{quote(opts.pk.column)} AS id, "
        f"ST_AsMVTGeom({geom}, env.e, {EXTENT}, {BUFFER}, true) AS geom"
        f"{', ' + cols if cols else ''} "
        f"FROM {quote(layer.table)} t, env WHERE t.geom_3857 && {envelope}) q)"
    )


def aggregate_sql(layer: Layer, agg: Aggregation) -> str:
    """Square-grid counts per category; a cell belongs to the tile holding its centre, so no
    point is counted twice or dropped at a tile edge."""
    by = quote(layer.model._meta.get_field(agg.by).column)
    return (
        f"(SELECT coalesce(ST_AsMVT(q, {quote_literal(layer.id)}, {EXTENT}, 'geom'), ''::bytea) FROM ("
        "SELECT ST_AsMVTGeom(ST_MakeEnvelope(c.i * env.s - %(half)s, c.j * env.s - %(half)s, "
        "(c.i + 1) * env.s - %(half)s, (c.j + 1) * env.s - %(half)s, 3857), env.e, "
        f"{EXTENT}, 0, true) AS geom, c.count, c.cats FROM ("
        "SELECT i, j, sum(n)::int AS count, jsonb_object_agg('count_' || k, n) AS cats FROM ("
        f"SELECT floor((ST_X(t.geom_3857) + %(half)s) / env.s) AS i, "
        f"floor((ST_Y(t.geom_3857) + %(half)s) / env.s) AS j, t.{by} AS k, count(*)::int AS n "
        f"FROM {quote(layer.table)} t, env WHERE t.geom_3857 && env.e GROUP BY 1, 2, 3) per_cell "
        "GROUP BY i, j) c, env "
        "WHERE ST_Intersects(ST_Point((c.i + 0.5) * env.s - %(half)s, (c.j + 0.5) * env.s - %(half)s, 3857),"
        " env.e)) q)"
    )


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


ENV = (
    "WITH env AS (SELECT ST_TileEnvelope(%(z)s, %(x)s, %(y)s) AS e, "
    "ST_TileEnvelope(%(z)s, %(x)s, %(y)s, margin => %(margin)s) AS m, %(cell)s::float8 AS s)"
)


def statement(layers: list[Layer], z: int) -> str | None:
    parts = [layer_sql(layer, z) for layer in layers if not empty_at(layer, z)]
    if not parts:
        return None
    return f"{ENV} SELECT {' || '.join(parts)}"


def params(z: int, x: int, y: int, cells: int = 32) -> dict:
    size = 2 * HALF_WORLD / (1 << z)
    return {"z": z, "x": x, "y": y, "margin": BUFFER / EXTENT, "half": HALF_WORLD,
            "cell": size / cells, "tolerance": size / EXTENT * SIMPLIFY_UNITS}


def source_layers(source: str) -> list[Layer]:
    """The registry layers of a tile source: one layer, or the basemap's several."""
    if source == "basemap":
        return [registry.get(name) for name in BASEMAP]
    return [registry.get(source)]


NO_PARALLEL = "SET LOCAL max_parallel_workers_per_gather = 0"


def render(source: str, z: int, x: int, y: int) -> tuple[bytes, str]:
    """The MVT bytes of one tile from one SQL statement (zero bytes when nothing is there), and
    the database snapshot it was read in: the disk cache checks later changes against it."""
    check(z, x, y)
    layers = source_layers(source)
    sql = statement(layers, z)
    if sql is None:
        sql = "SELECT ''::bytea"
    cells = max((layer.aggregate.cells_per_tile for layer in layers if layer.aggregate), default=32)
    with connection.cursor() as cur:
        # one round trip, one implicit transaction: a tile query is small and many run at once, so
        # parallel workers only add start-up time (measured 2.0 -> 0.7 ms for a z16 tile)
        cur.execute(f"{NO_PARALLEL}; {sql}, pg_current_snapshot()::text", params(z, x, y, cells))
        data, snapshot = cur.fetchone()
    return (bytes(data) if data is not None else b""), snapshot
