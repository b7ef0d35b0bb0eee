"""OGC API Processes: analyses with a metadata dict (input/output schemas) and execute().

execute() takes validated-by-it inputs and returns (mimetype, output); a bad
input raises ProcessInputError, which the view turns into a problem document.
The hotspot and trace analyses register here in their own issue.
"""
from __future__ import annotations

import json
import math

from gis.replicas import reading_connection

from gis.errors import QalaError
from gis.ogc import crs as crs_mod
from gis.ogc.collections import collection
from gis.ogc.errors import UnknownProcess
from gis.ogc.features import feature_sql
from layers.base import city_extent

MAX_RADIUS_M = 5_000
MAX_FEATURES = 1_000


class ProcessInputError(QalaError):
    code = "invalid-process-input"


class FeaturesWithinRadius:
    """Public features of one layer within a radius of a point, nearest first."""

    id = "features-within-radius"
    metadata = {
        "id": id,
        "title": "Features within radius",
        "description": "Features of one collection within a radius (metres) of a point, nearest first, "
                       "each with its distance_m.",
        "version": "1.0.0",
        "jobControlOptions": ["sync-execute"],
        "outputTransmission": ["value"],
        "inputs": {
            "collection": {"title": "collection id", "schema": {"type": "string"}},
            "point": {"title": "centre as a GeoJSON Point in CRS84",
                      "schema": {"$ref": "https://geojson.org/schema/Point.json"}},
            "radius": {"title": "radius in metres",
                       "schema": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_RADIUS_M}},
            "limit": {"title": "at most this many features", "minOccurs": 0,
                      "schema": {"type": "integer", "minimum": 1, "maximum": MAX_FEATURES, "default": 100}},
        },
        "outputs": {"features": {"title": "the features found",
                                 "schema": {"type": "object", "contentMediaType": "application/geo+json"}}},
    }

    def _inputs(self, inputs: dict) -> tuple:
        if not isinstance(inputs, dict):
            raise ProcessInputError("inputs must be an object")
        missing = {"collection", "point", "radius"} - set(inputs)
        if missing:
            raise ProcessInputError(f"missing inputs: {', '.join(sorted(missing))}")
        coll = collection(str(inputs["collection"]))
        point = inputs["point"]
        try:
            assert isinstance(point, dict) and point.get("type") == "Point"
            lon, lat = (float(v) for v in point["coordinates"][:2])
            radius = float(inputs["radius"])
            limit = int(inputs.get("limit", 100))
        except (AssertionError, KeyError, TypeError, ValueError):
            raise ProcessInputError("point must be a GeoJSON Point; radius and limit numbers") from None
        if not (math.isfinite(radius) and 0 < radius <= MAX_RADIUS_M):
            raise ProcessInputError(f"radius must be above 0 and at most {MAX_RADIUS_M} m")
        if not 1 <= limit <= MAX_FEATURES:
            raise ProcessInputError(f"limit must be between 1 and {MAX_FEATURES}")
        from django.contrib.gis.geos import Point

        if not city_extent().contains(Point(lon, lat)):
            raise ProcessInputError("the point lies outside the city; check the lon/lat order")
        return coll, lon, lat, radius, limit

    def execute(self, inputs: dict) -> tuple[str, str]:
        coll, lon, lat, radius, limit = self._inputs(inputs)
        geom = coll.qualified(coll.layer.geometry_field)
        centre = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)"
        distance = f"ST_Distance({geom}::geography, {centre}::geography)"
        select = feature_sql(coll, crs_mod.CRS84, {"distance_m": f"round({distance}::numeric, 1)"})
        # && against the radius's box uses the GiST index; ST_DWithin on geography is exact
        sql = (f'SELECT {select} FROM "{coll.layer.table}" '
               f"WHERE {geom} && ST_Buffer({centre}::geography, %s)::geometry "
               f"AND ST_DWithin({geom}::geography, {centre}::geography, %s) "
               f"ORDER BY {distance}, 2 LIMIT %s")
        with reading_connection().cursor() as cur:
            cur.execute(sql, [lon, lat, lon, lat, radius, lon, lat, radius, lon, lat, limit])
            texts = [row[0] for row in cur.fetchall()]
        body = '{"type":"FeatureCollection","features":[' + ",".join(texts) + f'],"numberReturned":{len(texts)}}}'
        return "application/geo+json", body


class Analysis:
    """A planner's analysis from gis.hotspots (a pygeoapi-style process class), served as ours."""

    def __init__(self, process_class):
        self.impl = process_class()
        self.metadata = process_class.metadata
        self.id = self.metadata["id"]

    def execute(self, inputs: dict) -> tuple[str, str]:
        if not isinstance(inputs, dict):
            raise ProcessInputError("inputs must be an object")
        mimetype, output = self.impl.execute(inputs)
        if not isinstance(output, str):
            output = json.dumps(output, ensure_ascii=False, default=str)
        return mimetype, output


def _all() -> dict:
    from gis.hotspots.processes import PROCESSES as ANALYSES

    found = [FeaturesWithinRadius(), *(Analysis(cls) for cls in ANALYSES.values())]
    return {p.id: p for p in found}


PROCESSES = _all()


def get(process_id: str):
    try:
        return PROCESSES[process_id]
    except KeyError:
        raise UnknownProcess(f"unknown process {process_id[:60]!r}; known: {', '.join(PROCESSES)}") from None
