"""OGC API Tiles over our vector tiles: tile matrix sets, each collection's tileset, tiles.

The tiles themselves come from tiles.views.vector_tile (one SQL statement per tile, the
same cache, ETags and public-fields-only rule); this module only speaks OGC's vocabulary.
OGC addresses a tile as {tileMatrix}/{tileRow}/{tileCol}, i.e. z/y/x.
"""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from gis.ogc.collections import collection
from gis.ogc.errors import FeatureNotFound
from gis.ogc.formats import JSON, json_response, ogc_view
from tiles import views as tile_views

WEB_MERCATOR_QUAD = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
EPSG_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
MVT = "application/vnd.mapbox-vector-tile"
ORIGIN = 20037508.3427892  # half the Web Mercator world's width, metres
MAX_ZOOM = 24
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
]


def _abs(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(f"/ogc/{path}")


def _tms_id(tms: str) -> None:
    if tms != WEB_MERCATOR_QUAD:
        raise FeatureNotFound(f"unknown tile matrix set {tms[:40]!r}; Qala serves {WEB_MERCATOR_QUAD}")


def web_mercator_quad() -> dict:
    """The OGC TMS 2.0 definition of WebMercatorQuad, computed rather than copied."""
    matrices = []
    for z in range(MAX_ZOOM + 1):
        cell = 2 * ORIGIN / 256 / 2 ** z
        matrices.append({"id": str(z), "scaleDenominator": cell / 0.00028, "cellSize": cell,
                         "cornerOfOrigin": "topLeft", "pointOfOrigin": [-ORIGIN, ORIGIN],
                         "tileWidth": 256, "tileHeight": 256, "matrixWidth": 2 ** z, "matrixHeight": 2 ** z})
    return {"id": WEB_MERCATOR_QUAD, "title": "Google Maps Compatible for the World", "uri": TMS_URI,
            "crs": EPSG_3857, "orderedAxes": ["X", "Y"], "wellKnownScaleSet":
            "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible", "tileMatrices": matrices}


@ogc_view
def tile_matrix_sets(request: HttpRequest) -> HttpResponse:
    return json_response({"tileMatrixSets": [{
        "id": WEB_MERCATOR_QUAD, "title": "Web Mercator quad", "uri": TMS_URI,
        "links": [{"href": _abs(request, f"tileMatrixSets/{WEB_MERCATOR_QUAD}"), "rel": "self", "type": JSON}]}]})


@ogc_view
def tile_matrix_set(request: HttpRequest, tms: str) -> HttpResponse:
    _tms_id(tms)
    return json_response(web_mercator_quad())


def _tileset(request: HttpRequest, collection_id: str) -> dict:
    coll = collection(collection_id)
    base = f"collections/{coll.id}/tiles/{WEB_MERCATOR_QUAD}"
    return {
        "title": coll.layer.title("en"), "dataType": "vector", "crs": EPSG_3857, "tileMatrixSetURI": TMS_URI,
        "layers": [{"id": coll.id, "dataType": "vector", "geometryDimension": _dimension(coll.layer.geometry_type),
                    "minTileMatrix": str(coll.layer.min_zoom), "maxTileMatrix": str(MAX_ZOOM),
                    "propertiesSchema": {"type": "object", "properties": {
                        name: {"type": "string"} for name in coll.layer.public_fields}}}],
        "links": [
            {"href": _abs(request, base), "rel": "self", "type": JSON},
            {"href": _abs(request, f"tileMatrixSets/{WEB_MERCATOR_QUAD}"),
             "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", "type": JSON},
            {"href": _abs(request, base) + "/{tileMatrix}/{tileRow}/{tileCol}", "rel": "item",
             "type": MVT, "templated": True},
        ],
    }


def _dimension(geometry_type: str) -> int:
    return 0 if "Point" in geometry_type else 1 if "Line" in geometry_type else 2


@ogc_view
def collection_tilesets(request: HttpRequest, collection_id: str) -> HttpResponse:
    return json_response({"tilesets": [_tileset(request, collection_id)]})


@ogc_view
def collection_tileset(request: HttpRequest, collection_id: str, tms: str) -> HttpResponse:
    _tms_id(tms)
    return json_response(_tileset(request, collection_id))


@ogc_view
def collection_tile(request: HttpRequest, collection_id: str, tms: str, z: int, row: int, col: int) -> HttpResponse:
    _tms_id(tms)
    collection(collection_id)  # a registry layer; the basemap is not an OGC collection
    return tile_views.vector_tile(request, source=collection_id, z=str(z), x=str(col), y=str(row))
