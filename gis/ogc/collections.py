"""Collections generated from the layer registry: what each serves, filters on and covers.

The static part (titles, queryables, columns) is built once per process from the
registry; the extent is read from the table (PostGIS's estimate when the
planner has statistics, else the exact extent) and cached for a minute.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.core.cache import cache as django_cache
from django.db import models

from gis.replicas import reading_connection

from layers.registry import Layer, registry

EXTENT_TTL_S = 60.0


@dataclass(frozen=True)
class Queryable:
    name: str
    column: str
    field: models.Field  # for FKs the target's field, so values parse as its type
    schema: dict


@dataclass(frozen=True)
class Collection:
    layer: Layer
    queryables: dict[str, Queryable]
    temporal: Queryable | None

    @property
    def id(self) -> str:
        return self.layer.id

    def qualified(self, column: str) -> str:
        return f'"{self.layer.table}"."{column}"'


def _schema(field: models.Field) -> dict:
    if isinstance(field, models.BooleanField):
        return {"type": "boolean"}
    if isinstance(field, (models.AutoField, models.IntegerField, models.BigIntegerField)):
        return {"type": "integer"}
    if isinstance(field, (models.FloatField, models.DecimalField)):
        return {"type": "number"}
    if isinstance(field, models.DateTimeField):
        return {"type": "string", "format": "date-time"}
    if isinstance(field, models.DateField):
        return {"type": "string", "format": "date"}
    schema = {"type": "string"}
    if getattr(field, "max_length", None):
        schema["maxLength"] = field.max_length
    if field.choices:
        schema["enum"] = [str(v) for v, _ in field.choices]
    return schema


def _queryable(layer: Layer, name: str) -> Queryable | None:
    field = layer.model._meta.get_field(name)
    if field.many_to_many:
        return None
    value_field = field.target_field if field.is_relation else field
    schema = _schema(value_field)
    schema["title"] = str(field.verbose_name)
    if field.is_relation:
        schema["description"] = f"id of the {field.related_model._meta.verbose_name}"
    return Queryable(name, field.column, value_field, schema)


@cache
def collection(layer_id: str) -> Collection:
    layer = registry.get(layer_id)
    queryables = {q.name: q for q in (_queryable(layer, n) for n in layer.public_fields) if q}
    temporal_name = layer.temporal_field
    return Collection(layer, queryables, queryables.get(temporal_name) if temporal_name else None)


def all_collections() -> list[Collection]:
    return [collection(layer.id) for layer in registry]


def extent(coll: Collection) -> dict:
    """OGC extent object; spatial bbox in CRS84, temporal interval when the layer has one.
    Kept in Django's cache, keyed by database, so a test's city never shows another's."""
    key = f"qala:ogc:extent:{reading_connection().settings_dict['NAME']}:{coll.id}"
    return django_cache.get_or_set(key, lambda: _extent(coll), EXTENT_TTL_S)


def _extent(coll: Collection) -> dict:
    table, geom = coll.layer.table, coll.layer.geometry_field
    with reading_connection().cursor() as cur:
        cur.execute("SELECT ST_EstimatedExtent(%s, %s)::box2d::text", [table, geom])
        box = cur.fetchone()[0]
        if box is None:
            cur.execute(f'SELECT ST_Extent("{geom}")::text FROM "{table}"')
            box = cur.fetchone()[0]
        result: dict = {}
        if box:
            # "BOX(x0 y0,x1 y1)"
            lo, hi = box[4:-1].split(",")
            x0, y0 = (float(v) for v in lo.split())
            x1, y1 = (float(v) for v in hi.split())
            result["spatial"] = {"bbox": [[x0, y0, x1, y1]], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}
        if coll.temporal:
            col = coll.qualified(coll.temporal.column)
            cur.execute(f'SELECT min({col}), max({col}) FROM "{table}"')
            lo_t, hi_t = cur.fetchone()
            if lo_t is not None:
                result["temporal"] = {"interval": [[lo_t.isoformat(), hi_t.isoformat()]],
                                      "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return result
