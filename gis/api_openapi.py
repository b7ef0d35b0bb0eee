"""The OpenAPI 3.0 document of the internal JSON APIs, generated at request time.

The operator console's address search and "what is here", the workflow's staff API, the
public map's JSON (paving queue, dig-order and yard cards), the supervisor's dashboard
numbers and the vector tiles. Catalog codes, tile sources and zoom bounds come from the
catalog, the layer registry and the settings, so the document follows the server.
Every user error is a problem document (gis.errors); the staff endpoints take a session
cookie or `Authorization: Token <key>`.
"""
from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from gis.errors import PROBLEM_JSON, PROBLEM_SCHEMA
from gis.geocoding.search import MAX_QUERY
from gis.ogc.formats import OPENAPI
from gis.ratelimit import rate_limited
from gis.workflow.states import TRANSITIONS
from layers.appeals import CHANNELS
from layers.catalog import Category
from layers.registry import registry
from tiles import grid

PROBLEM = PROBLEM_SCHEMA
STAFF = [{"session": []}, {"token": []}]
# what Django's <str:…> path converter matches: anything but a slash
PATH_TEXT = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}
PATH_ID = {"type": "integer", "minimum": 0}
NULLABLE_TIME = {"type": "string", "format": "date-time", "nullable": True}
OBJECT = {"type": "object"}


def problems(*statuses: int) -> dict:
    return {str(s): {"description": "a problem document (RFC 9457)",
                     "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for s in statuses}


def answer(description: str, schema: dict, content_type: str = "application/json") -> dict:
    return {"description": description, "content": {content_type: {"schema": schema}}}


def param(name: str, where: str, schema: dict, required: bool = False, description: str = "") -> dict:
    doc = {"name": name, "in": where, "schema": schema, "required": required or where == "path"}
    return {**doc, "description": description} if description else doc


def _get(summary: str, parameters: list, responses: dict, staff: bool = False) -> dict:
    op = {"summary": summary, "parameters": parameters, "responses": responses}
    return {"get": {**op, "security": STAFF} if staff else op}


APPEAL = {"type": "object", "required": ["number", "category", "status", "is_open", "registered_at"],
          "properties": {"number": {"type": "string"}, "category": {"type": "string"},
                         "incident_type": {"type": "string", "nullable": True},
                         "status": {"type": "string"}, "is_open": {"type": "boolean"},
                         "urgent": {"type": "boolean"},
                         "registered_at": {"type": "string", "format": "date-time"},
                         "due_at": NULLABLE_TIME, "closed_at": NULLABLE_TIME,
                         "executor": {"type": "integer", "nullable": True, "description": "organization id"},
                         "duplicate_of": {"type": "string", "nullable": True}}}
EVENT = {"type": "object", "required": ["at", "action", "to"],
         "properties": {"at": {"type": "string", "format": "date-time"},
                        "actor": {"type": "string", "nullable": True}, "action": {"type": "string"},
                        "from": {"type": "string", "nullable": True}, "to": {"type": "string"},
                        "note": {"type": "string"}, "data": {"type": "object", "nullable": True}}}
HIT = {"type": "object", "required": ["kind", "score", "label", "lon", "lat"],
       "properties": {"kind": {"type": "string", "enum": ["address", "landmark", "bus_stop"]},
                      "score": {"type": "number"}, "label": {"type": "string"},
                      "lon": {"type": "number"}, "lat": {"type": "number"},
                      "building_id": {"type": "integer", "nullable": True},
                      "yard_id": {"type": "integer", "nullable": True}, "street": {"type": "string"},
                      "house_number": {"type": "string"}, "matched": {"type": "string"}}}
LIST = {"type": "array", "items": OBJECT}
HERE = {"type": "object",
        "required": ["point", "radius_m", "days", "building", "yard", "district", "responsible", "networks",
                     "dig_orders", "repair_works", "appeals", "network_accidents"],
        "properties": {"point": {"type": "object", "required": ["lon", "lat"],
                                 "properties": {"lon": {"type": "number"}, "lat": {"type": "number"}}},
                       "radius_m": {"type": "number"}, "days": {"type": "integer"},
                       "building": {"type": "object", "nullable": True}, "yard": {"type": "object", "nullable": True},
                       "district": {"type": "object", "nullable": True}, "responsible": LIST, "networks": LIST,
                       "dig_orders": LIST, "repair_works": LIST, "appeals": LIST, "network_accidents": LIST}}
QUEUED_YARD = {"type": "object", "required": ["rank", "yard_id", "name", "score", "lon", "lat"],
               "properties": {"rank": {"type": "integer"}, "yard_id": {"type": "integer"},
                              "name": {"type": "string"}, "district": {"type": "string", "nullable": True},
                              "paving_state": {"type": "string"}, "area_m2": {"type": "number"},
                              "apartments": {"type": "integer"}, "appeals": {"type": "integer"},
                              "score": {"type": "number"}, "lon": {"type": "number"}, "lat": {"type": "number"},
                              "planned_year": {"type": "integer", "nullable": True}}}
PAVING = {"type": "object", "required": ["weights", "plan", "yards"],
          "properties": {"weights": {"type": "object", "additionalProperties": {"type": "number"}},
                         "plan": {"type": "object", "required": ["year", "yards"],
                                  "properties": {"year": {"type": "integer"}, "yards": {"type": "integer"}}},
                         "yards": {"type": "array", "items": QUEUED_YARD}}}
DASHBOARD = {"type": "object",
             "required": ["days", "as_of", "totals", "by_category", "by_district", "by_executor", "overdue", "trend"],
             "properties": {"days": {"type": "integer"}, "as_of": {"type": "string", "format": "date-time"},
                            "totals": {"type": "object", "required": ["received", "closed", "overdue"],
                                       "additionalProperties": {"type": "integer"}},
                            "by_category": LIST, "by_district": LIST, "by_executor": LIST, "overdue": LIST,
                            "trend": {"type": "array", "items": {
                                "type": "object", "required": ["day", "received"],
                                "properties": {"day": {"type": "string", "format": "date"},
                                               "received": {"type": "integer"}}}}}}
DIG_ORDER = {"type": "object", "required": ["number", "contractor", "issued_on", "restore_by", "state"],
             "properties": {"number": {"type": "string"}, "contractor": {"type": "string"},
                            "purpose": {"type": "string"}, "issued_on": {"type": "string", "format": "date"},
                            "restore_by": {"type": "string", "format": "date"},
                            "closed_on": {"type": "string", "format": "date", "nullable": True},
                            "state": {"type": "string", "enum": ["closed", "overdue", "soon", "on_time"]}}}
FEATURES = {"type": "object", "required": ["type", "features"],
            "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                           "features": {"type": "array", "items": {
                               "type": "object", "required": ["type", "geometry", "properties"],
                               "properties": {"type": {"type": "string", "enum": ["Feature"]},
                                              "geometry": OBJECT, "properties": OBJECT}}}}}
TILEJSON = {"type": "object", "required": ["tilejson", "tiles", "minzoom", "maxzoom", "bounds", "vector_layers"],
            "properties": {"tilejson": {"type": "string"}, "name": {"type": "string"},
                           "tiles": {"type": "array", "items": {"type": "string"}, "minItems": 1},
                           "minzoom": {"type": "integer"}, "maxzoom": {"type": "integer"},
                           "bounds": {"type": "array", "items": {"type": "number"}, "minItems": 4, "maxItems": 4},
                           "vector_layers": {"type": "array", "items": {
                               "type": "object", "required": ["id", "fields"],
                               "properties": {"id": {"type": "string"}, "fields": OBJECT}}}}}


def _lon_lat() -> tuple[dict, dict]:
    """Degrees (EPSG:4326) inside the city's extent; a point outside it is a 400 (outside-city)."""
    x0, y0, x1, y1 = settings.QALA_CITY["bbox"]
    return {"type": "number", "minimum": x0, "maximum": x1}, {"type": "number", "minimum": y0, "maximum": y1}


def _geocoding() -> dict:
    lon, lat = _lon_lat()
    return {
        "/api/search": _get("find a house by address (old or new street name, either language, a typo) or a landmark", [
            param("q", "query", {"type": "string", "minLength": 1, "maxLength": MAX_QUERY}, required=True),
            param("limit", "query", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10})],
            {"200": answer("the best matches first", {"type": "object", "required": ["query", "results"],
                                                       "properties": {"query": {"type": "string"},
                                                                      "results": {"type": "array", "items": HIT}}}),
             **problems(400)}),
        "/api/here": _get("what is at a point: building, yard, district, who is responsible, works, appeals", [
            param("lon", "query", lon, required=True), param("lat", "query", lat, required=True),
            param("radius", "query", {"type": "integer", "minimum": 1, "maximum": 2000, "default": 300},
                  description="metres"),
            param("days", "query", {"type": "integer", "minimum": 1, "maximum": 1098, "default": 90},
                  description="how far back appeals are shown")],
            {"200": answer("everything at that spot", HERE), **problems(400)}),
    }


def _workflow(categories: list[str]) -> dict:
    number = param("number", "path", PATH_TEXT, description="the appeal's registration number")
    lon, lat = _lon_lat()
    create_body = {"type": "object", "required": ["category", "lon", "lat"], "properties": {
        "category": {"type": "string", "enum": categories} if categories else {"type": "string"},
        "incident_type": {"type": "string"}, "lon": lon, "lat": lat,
        "channel": {"type": "string", "enum": [c for c, _ in CHANNELS], "default": "phone"},
        "caller_name": {"type": "string"}, "caller_phone": {"type": "string"},
        "description": {"type": "string"}, "address": {"type": "string"}}}
    transition_body = {"type": "object", "required": ["action"], "properties": {
        "action": {"type": "string", "enum": list(TRANSITIONS)}, "note": {"type": "string"},
        "due_on": {"type": "string", "format": "date", "description": "defer: the new due date"},
        "duplicate_of": {"type": "string", "description": "duplicate: the original's number"},
        "executor": {"type": "integer", "description": "route: an organization id (else the routing rules)"}}}
    refusals = problems(400, 401, 403, 404)
    return {
        "/api/workflow/appeals": {"post": {
            "summary": "register an appeal (number, deadline, district and routing come from the workflow)",
            "security": STAFF,
            "parameters": [param("Idempotency-Key", "header", {"type": "string"},
                                 description="a retry with the same key answers the first appeal (200)")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": create_body}}},
            "responses": {"201": answer("registered", APPEAL), "200": answer("a retry: the first appeal", APPEAL),
                          **problems(400, 401, 403, 422)}}},
        "/api/workflow/appeals/{number}/transitions": {"post": {
            "summary": "move an appeal through its lifecycle", "security": STAFF, "parameters": [number],
            "requestBody": {"required": True, "content": {"application/json": {"schema": transition_body}}},
            "responses": {"200": answer("the appeal after the transition", APPEAL),
                          **refusals, **problems(409, 422)}}},
        "/api/workflow/appeals/{number}/history": _get(
            "an appeal and every step of its history", [number],
            {"200": answer("the appeal and its history", {**APPEAL, "required": [*APPEAL["required"], "history"],
                                                         "properties": {**APPEAL["properties"], "history": {
                                                             "type": "array", "items": EVENT}}}),
             **refusals}, staff=True),
        "/api/workflow/appeals/{number}/duplicates": _get(
            "open appeals that may be the same problem", [number],
            {"200": answer("candidates", {"type": "object", "required": ["number", "candidates"],
                                          "properties": {"number": {"type": "string"},
                                                         "candidates": {"type": "array", "items": APPEAL}}}),
             **refusals}, staff=True),
    }


def _web() -> dict:
    return {
        "/paving.json": _get("the public yard-paving queue and the weights that order it", [],
                             {"200": answer("the queue", PAVING)}),
        "/dashboard.json": _get("the supervisor's numbers for the last `days` days", [
            param("days", "query", {"type": "integer", "minimum": 1, "maximum": 1098, "default": 30})],
            {"200": answer("the summary", DASHBOARD),
             "302": {"description": "not signed in: to the login page",
                     "headers": {"Location": {"schema": {"type": "string"}}}},
             "403": answer("signed in without the supervisor role: a page naming the role",
                           {"type": "string"}, "text/html"),
             **problems(400)}, staff=True),
        "/dig-orders/{order_id}.json": _get("a dig order's public card", [param("order_id", "path", PATH_ID)],
                                            {"200": answer("the card", DIG_ORDER), **problems(404)}),
        "/yards/{yard_id}.geojson": _get("a yard's outline and its houses", [param("yard_id", "path", PATH_ID)],
                                         {"200": answer("the yard and its buildings", FEATURES), **problems(404)}),
    }


def _tiles() -> dict:
    top = grid.max_zoom()
    source = param("source", "path", {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
                   description=f"a layer ({', '.join(registry.ids())}) or basemap")
    tile = [source, param("z", "path", {"type": "integer", "minimum": 0, "maximum": top}),
            *(param(n, "path", {"type": "integer", "minimum": 0, "maximum": 2 ** top - 1}) for n in ("x", "y"))]
    mvt = {"description": "a Mapbox vector tile (empty below a layer's minzoom)",
           "content": {"application/vnd.mapbox-vector-tile": {"schema": {"type": "string", "format": "binary"}}}}
    return {
        "/tiles/{source}.json": _get("TileJSON 3.0 of a tile source", [source],
                                     {"200": answer("the TileJSON", TILEJSON), **problems(404)}),
        "/tiles/{source}/{z}/{x}/{y}.mvt": _get("a vector tile; x and y must lie in 0..2^z-1", tile,
                                                {"200": mvt, "304": {"description": "If-None-Match matched"},
                                                 **problems(404)}),
    }


def openapi_document(server: str) -> dict:
    categories = list(Category.objects.filter(active=True).order_by("code").values_list("code", flat=True))
    return {
        "openapi": "3.0.3",
        "info": {"title": "Qala internal APIs", "version": "1.0.0",
                 "description": f"The city: {settings.QALA_CITY['name']}. Errors are problem documents (RFC 9457)."},
        "servers": [{"url": server}],
        "paths": rate_limited({**_geocoding(), **_workflow(categories), **_web(), **_tiles()}),
        "components": {
            "schemas": {"Problem": PROBLEM},
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME,
                            "description": "the web login's session (POSTs also need the CSRF token)"},
                "token": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "`Token <key>`: a key issued for a staff account, acting with its roles"},
            },
        },
    }


@require_GET
def openapi_view(request):
    return JsonResponse(openapi_document(request.build_absolute_uri("/").rstrip("/")), content_type=OPENAPI,
                        json_dumps_params={"ensure_ascii": False})
