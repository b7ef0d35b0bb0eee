"""Open311 GeoReport v2 endpoints; errors become the spec's error list in one place."""
from __future__ import annotations

import functools
import json
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from gis.errors import QalaError
from gis.open311 import requests
from gis.open311.services import definition
from gis.open311.services import services as catalog_services


class UnknownFormat(requests.Open311Error):
    status = 404
    code = "unknown-format"


class MethodNotAllowed(requests.Open311Error):
    status = 405
    code = "method-not-allowed"


def _xml(root: str, item: str, rows: list[dict]) -> str:
    top = ET.Element(root)
    for row in rows:
        el = ET.SubElement(top, item)
        for key, value in row.items():
            ET.SubElement(el, key).text = "" if value is None else str(value).lower() if isinstance(value, bool) \
                else str(value)
    return '<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="unicode")


def _render(fmt: str, rows: list[dict], root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(_xml(root, item, rows), content_type="text/xml; charset=utf-8", status=status)
    return HttpResponse(json.dumps(rows, ensure_ascii=False), content_type="application/json", status=status)


def open311_view(view=None, *, methods: tuple[str, ...] = ("GET", "HEAD")):
    """Typed errors → [{"code", "description"}] (JSON or XML) with the error's HTTP status;
    a method the resource does not take is 405."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, fmt: str, *args, **kwargs):
            try:
                if fmt not in ("json", "xml"):
                    raise UnknownFormat("format must be .json or .xml")
                if request.method not in methods:
                    raise MethodNotAllowed(f"{request.method} is not allowed here; use {', '.join(methods)}")
                return view(request, fmt, *args, **kwargs)
            except QalaError as exc:
                rows = [{"code": exc.status, "description": exc.message}]
                return _render("xml" if fmt == "xml" else "json", rows, "errors", "error", exc.status)

        return wrapper

    return decorate(view) if view is not None else decorate


@open311_view
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    rows = [{"service_code": s.code, "service_name": s.name, "description": s.description or s.name,
             "metadata": s.metadata, "type": "realtime", "keywords": "", "group": s.group}
            for s in catalog_services()]
    return _render(fmt, rows, "services", "service")


def _xml_tree(parent, key: str, value) -> None:
    el = ET.SubElement(parent, key)
    if isinstance(value, dict):
        for k, v in value.items():
            _xml_tree(el, k, v)
    elif isinstance(value, list):
        for v in value:
            _xml_tree(el, key[:-1] if key.endswith("s") else "item", v)
    else:
        el.text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)


@open311_view
def service_definition(request: HttpRequest, fmt: str, code: str) -> HttpResponse:
    doc = definition(code)
    if doc is None:
        raise requests.RequestNotFound(f"no service {code[:40]!r}")
    if fmt == "xml":
        root = ET.Element("service_definition")
        for key, value in doc.items():
            _xml_tree(root, key, value)
        return HttpResponse('<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(root, encoding="unicode"),
                            content_type="text/xml; charset=utf-8")
    return HttpResponse(json.dumps(doc, ensure_ascii=False), content_type="application/json")


@csrf_exempt
@open311_view(methods=("GET", "HEAD", "POST"))
def service_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        data = request.POST
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body)
            except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
                raise requests.Open311Error("the body is not valid JSON") from None
            if not isinstance(data, dict):
                raise requests.Open311Error("the body must be a JSON object")
        row, replayed = requests.create(data, idempotency_key=request.headers.get("Idempotency-Key"))
        response = _render(fmt, [row], "service_requests", "request", status=200 if replayed else 201)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response
    return _render(fmt, requests.search(request.GET), "service_requests", "request")


@open311_view
def service_request(request: HttpRequest, fmt: str, number: str) -> HttpResponse:
    return _render(fmt, [requests.get(number)], "service_requests", "request")
