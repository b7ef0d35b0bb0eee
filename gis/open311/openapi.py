"""The OpenAPI 3.0 document of our Open311 GeoReport v2 endpoints, generated at request time.

Service codes come from the catalog and the location bounds from the city's extent, so
the document says what the server accepts today. Each format is its own path (`.json`,
`.xml`): the extension decides the content type, which one templated path could not say.
"""
from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from gis.ratelimit import rate_limited
from gis.ogc.formats import OPENAPI
from gis.open311.requests import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gis.open311.services import services

XML = "text/xml"
# what Django's <str:…> path converter matches: anything but a slash
PATH_TEXT = {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}

SERVICE = {"type": "object", "required": ["service_code", "service_name", "metadata", "type"],
           "properties": {"service_code": {"type": "string"}, "service_name": {"type": "string"},
                          "description": {"type": "string"}, "metadata": {"type": "boolean"},
                          "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
                          "keywords": {"type": "string"}, "group": {"type": "string"}}}
DEFINITION = {"type": "object", "required": ["service_code", "attributes"], "properties": {
    "service_code": {"type": "string"},
    "attributes": {"type": "array", "items": {
        "type": "object", "required": ["variable", "code", "datatype", "required", "order", "description"],
        "properties": {"variable": {"type": "boolean"}, "code": {"type": "string"},
                       "datatype": {"type": "string"}, "required": {"type": "boolean"},
                       "datatype_description": {"type": "string"}, "order": {"type": "integer"},
                       "description": {"type": "string"},
                       "values": {"type": "array", "items": {
                           "type": "object", "required": ["key", "name"],
                           "properties": {"key": {"type": "string"}, "name": {"type": "string"}}}}}}}}}
REQUEST = {"type": "object", "required": ["service_request_id", "status", "service_code", "requested_datetime",
                                          "lat", "long"],
           "properties": {"service_request_id": {"type": "string"},
                          "status": {"type": "string", "enum": ["open", "closed"]},
                          "status_notes": {"type": "string"}, "service_name": {"type": "string"},
                          "service_code": {"type": "string"}, "agency_responsible": {"type": "string"},
                          "requested_datetime": {"type": "string", "format": "date-time"},
                          "updated_datetime": {"type": "string", "format": "date-time"},
                          "expected_datetime": {"type": "string", "format": "date-time", "nullable": True},
                          "lat": {"type": "number"}, "long": {"type": "number"}},
           "description": "published fields only: never the caller, the description or the address"}
RECEIPT = {"type": "object", "required": ["service_request_id"],
           "properties": {"service_request_id": {"type": "string"}, "service_notice": {"type": "string"},
                          "account_id": {"type": "string", "nullable": True}}}
ERRORS = {"type": "array", "minItems": 1, "items": {
    "type": "object", "required": ["code", "description"],
    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}


def _content(fmt: str, schema: dict) -> dict:
    return {XML: {"schema": {"type": "string"}}} if fmt == "xml" else {"application/json": {"schema": schema}}


def _answer(fmt: str, description: str, schema: dict) -> dict:
    return {"description": description, "content": _content(fmt, schema)}


def _errors(fmt: str, *statuses: int) -> dict:
    """GeoReport v2 errors: a list of {code, description}, in the request's format."""
    return {str(s): _answer(fmt, "an error list", ERRORS) for s in statuses}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "schema": schema, "description": description}


def _search_parameters() -> list[dict]:
    return [
        _query("service_request_id", {"type": "string"}, "comma-separated request numbers; other filters are ignored"),
        _query("service_code", {"type": "string"}, "comma-separated service codes"),
        _query("start_date", {"type": "string", "format": "date-time"}, "registered at or after (W3C)"),
        _query("end_date", {"type": "string", "format": "date-time"},
               "registered at or before; without both dates: the last 90 days"),
        _query("status", {"type": "string", "enum": ["open", "closed", "open,closed", "closed,open"]},
               "open, closed or both"),
        _query("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                             "default": DEFAULT_PAGE_SIZE}, "requests per page"),
        _query("page", {"type": "integer", "minimum": 1, "maximum": 1_000_000, "default": 1}, "page number"),
    ]


def _new_request(codes: list[str]) -> dict:
    """The POST body: a form (the spec's) or the same fields as a JSON object."""
    x0, y0, x1, y1 = settings.QALA_CITY["bbox"]
    fields = {
        "api_key": {"type": "string", "description": "the key issued to the client (`qala token issue`)"},
        "service_code": {"type": "string", "enum": codes} if codes else {"type": "string"},
        "lat": {"type": "number", "minimum": y0, "maximum": y1, "description": "WGS 84, inside the city"},
        "long": {"type": "number", "minimum": x0, "maximum": x1, "description": "WGS 84, inside the city"},
        "address_string": {"type": "string", "maxLength": 300},
        "first_name": {"type": "string", "maxLength": 100},
        "last_name": {"type": "string", "maxLength": 100},
        "phone": {"type": "string", "maxLength": 50},
        "description": {"type": "string", "maxLength": 4000},
        "idempotency_key": {"type": "string", "description": "for clients that cannot set the Idempotency-Key header"},
    }
    required = ["api_key", "service_code", "lat", "long"]
    form = {"type": "object", "required": required,
            "properties": {**fields, "attribute[incident_type]": {"type": "string", "maxLength": 60}}}
    json_body = {"type": "object", "required": required,
                 "properties": {**fields, "attribute": {"type": "object", "properties": {
                     "incident_type": {"type": "string", "maxLength": 60}}}}}
    return {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": form},
                                          "application/json": {"schema": json_body}}}


def _paths(fmt: str, codes: list[str]) -> dict:
    code = {"name": "service_code", "in": "path", "required": True, "schema": PATH_TEXT}
    number = {"name": "service_request_id", "in": "path", "required": True, "schema": PATH_TEXT}
    many = {"type": "array", "items": REQUEST}
    idempotency = {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"},
                   "description": "a retry with the same key answers the first request (200) instead of filing twice"}
    return {
        f"/services.{fmt}": {"get": {
            "summary": "the services: the catalog's active categories", "operationId": f"services_{fmt}",
            "responses": {"200": _answer(fmt, "services", {"type": "array", "items": SERVICE})}}},
        f"/services/{{service_code}}.{fmt}": {"get": {
            "summary": "a service definition: its incident types", "operationId": f"service_definition_{fmt}",
            "parameters": [code],
            "responses": {"200": _answer(fmt, "the definition", DEFINITION), **_errors(fmt, 404)}}},
        f"/requests.{fmt}": {
            "get": {"summary": "service requests, newest first", "operationId": f"requests_{fmt}",
                    "parameters": _search_parameters(),
                    "responses": {"200": _answer(fmt, "requests", many), **_errors(fmt, 400)}},
            "post": {"summary": "file a service request (needs an api_key in the body)",
                     "operationId": f"create_request_{fmt}", "parameters": [idempotency],
                     "requestBody": _new_request(codes),
                     "responses": {"201": _answer(fmt, "filed", {"type": "array", "items": RECEIPT}),
                                   "200": _answer(fmt, "a retry: the first request's receipt",
                                                  {"type": "array", "items": RECEIPT}),
                                   **_errors(fmt, 400, 403, 422)}}},
        f"/requests/{{service_request_id}}.{fmt}": {"get": {
            "summary": "one service request", "operationId": f"request_{fmt}", "parameters": [number],
            "responses": {"200": _answer(fmt, "the request", {"type": "array", "minItems": 1, "maxItems": 1,
                                                              "items": REQUEST}),
                          **_errors(fmt, 404)}}},
    }


def openapi_document(server: str) -> dict:
    codes = [s.code for s in services()]
    return {
        "openapi": "3.0.3",
        "info": {"title": "Qala Open311 GeoReport v2", "version": "2.0.0",
                 "description": "Any bot or app files and follows appeals. Filing needs an `api_key` form field "
                                "(GeoReport v2 sends it in the body, which an OpenAPI security scheme cannot "
                                "express); reading is public and shows no personal field."},
        "servers": [{"url": server}],
        "paths": rate_limited({**_paths("json", codes), **_paths("xml", codes)}),
    }


@require_GET
def openapi_view(request):
    return JsonResponse(openapi_document(request.build_absolute_uri("/open311/v2")), content_type=OPENAPI,
                        json_dumps_params={"ensure_ascii": False})
