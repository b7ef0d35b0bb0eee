"""The OpenAPI 3.0 document and conformance list, generated from the registry.

Only classes we implement and test are declared.
"""
from __future__ import annotations

from gis.ogc import crs as crs_mod
from gis.ogc import params
from gis.ogc.collections import all_collections
from gis.ogc.tiles import CONFORMANCE as TILES_CONFORMANCE
from gis.ratelimit import rate_limited

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-common-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sorting",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/json",
    "http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/ogc-process-description",
    *TILES_CONFORMANCE,
]

_PROBLEM = {"description": "a problem document (RFC 9457)",
            "content": {"application/problem+json": {"schema": {"type": "object"}}}}

PARAMETERS = {
    "f": {"name": "f", "in": "query", "schema": {"type": "string", "enum": ["json", "geojson", "html"]}},
    "limit": {"name": "limit", "in": "query",
              "schema": {"type": "integer", "minimum": 1, "maximum": params.MAX_LIMIT,
                         "default": params.DEFAULT_LIMIT}},
    "offset": {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    "after": {"name": "after", "in": "query", "description": "keyset cursor: the last id of the previous page",
              "schema": {"type": "integer", "minimum": 0}},
    "bbox": {"name": "bbox", "in": "query", "style": "form", "explode": False,
             "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
    "bbox-crs": {"name": "bbox-crs", "in": "query", "schema": {"type": "string", "format": "uri"}},
    "crs": {"name": "crs", "in": "query", "schema": {"type": "string", "format": "uri"}},
    "datetime": {"name": "datetime", "in": "query", "schema": {"type": "string"}},
    "sortby": {"name": "sortby", "in": "query", "style": "form", "explode": False,
               "schema": {"type": "array", "items": {"type": "string", "pattern": "[+-]?[A-Za-z_]+"}}},
    "filter": {"name": "filter", "in": "query", "schema": {"type": "string"}},
    "filter-lang": {"name": "filter-lang", "in": "query",
                    "schema": {"type": "string", "enum": ["cql2-text", "cql2-json"]}},
    "filter-crs": {"name": "filter-crs", "in": "query", "schema": {"type": "string", "format": "uri"}},
}


_PROCESS_ID = {"name": "processId", "in": "path", "required": True, "schema": {"type": "string"}}
_TMS = {"name": "tileMatrixSetId", "in": "path", "required": True, "schema": {"type": "string",
                                                                             "enum": ["WebMercatorQuad"]}}
_TILE = [_TMS] + [{"name": n, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
                  for n in ("tileMatrix", "tileRow", "tileCol")]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _get(summary: str, parameters: list, content: str = "application/json") -> dict:
    """A read; where `f` is a parameter, `f=html` (or a browser's Accept) answers a page."""
    body = {content: {"schema": {"type": "object"}}}
    if _ref("f") in parameters:
        body["text/html"] = {"schema": {"type": "string"}}
    return {"get": {"summary": summary, "parameters": parameters,
                    "responses": {"200": {"description": summary, "content": body},
                                  "400": _PROBLEM, "404": _PROBLEM}}}


def _edit(summary: str, parameters: list, status: str) -> dict:
    return {"summary": summary, "parameters": parameters,
            "requestBody": {"required": True, "content": {"application/geo+json": {"schema": {"type": "object"}}}},
            "responses": {status: {"description": summary}, "400": _PROBLEM, "403": _PROBLEM, "404": _PROBLEM}}


def openapi_document(server: str) -> dict:
    paths = {
        "/": _get("landing page", [_ref("f")]),
        "/conformance": _get("conformance classes", [_ref("f")]),
        "/collections": _get("the city layers", [_ref("f")]),
        "/processes": _get("analyses", []),
        "/tileMatrixSets": _get("tile matrix sets", []),
        "/tileMatrixSets/{tileMatrixSetId}": _get("a tile matrix set", [_TMS]),
        "/processes/{processId}": _get("an analysis described", [_PROCESS_ID]),
        "/processes/{processId}/execution": {"post": {
            "summary": "run an analysis synchronously", "parameters": [_PROCESS_ID],
            "requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": {"description": "the output"}, "400": _PROBLEM, "404": _PROBLEM}}},
    }
    for coll in all_collections():
        cid = coll.id
        item_params = [_ref(n) for n in ("f", "limit", "offset", "after", "bbox", "bbox-crs", "crs",
                                         "filter", "filter-lang", "filter-crs", "sortby")]
        if coll.temporal:
            item_params.append(_ref("datetime"))
        item_params += [{"name": q.name, "in": "query", "schema": q.schema} for q in coll.queryables.values()]
        paths[f"/collections/{cid}"] = _get(f"the {cid} collection", [_ref("f")])
        paths[f"/collections/{cid}/queryables"] = _get(f"queryables of {cid}", [_ref("f")], "application/schema+json")
        paths[f"/collections/{cid}/items"] = _get(f"{cid} features", item_params, "application/geo+json")
        if not coll.layer.created_through:
            paths[f"/collections/{cid}/items"]["post"] = _edit(f"create a {cid} feature (editors)", [], "201")
        paths[f"/collections/{cid}/tiles"] = _get(f"vector tilesets of {cid}", [])
        paths[f"/collections/{cid}/tiles/{{tileMatrixSetId}}"] = _get(f"the {cid} tileset", [_TMS])
        paths[f"/collections/{cid}/tiles/{{tileMatrixSetId}}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"] = _get(
            f"a {cid} vector tile", _TILE, "application/vnd.mapbox-vector-tile")
        fid = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}}
        paths[f"/collections/{cid}/items/{{featureId}}"] = {
            **_get(f"one {cid} feature", [_ref("f"), _ref("crs"), fid], "application/geo+json"),
            "put": _edit(f"replace a {cid} feature (editors)", [fid], "204"),
            "delete": {"summary": f"delete a {cid} feature (editors)", "parameters": [fid],
                       "responses": {"204": {"description": "deleted"}, "403": _PROBLEM, "404": _PROBLEM,
                                     "409": _PROBLEM}}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Qala OGC API", "version": "1.0.0",
                 "description": f"CRSs: {', '.join(crs_mod.uris())}"},
        "servers": [{"url": server}],
        "paths": rate_limited(paths),
        "components": {"parameters": PARAMETERS},
    }
