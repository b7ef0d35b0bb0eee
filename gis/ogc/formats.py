"""Content negotiation, and OGC views answering typed errors through gis.errors.problem_response."""
from __future__ import annotations

import functools
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gis.ogc.errors import InvalidParameter, MethodNotAllowed


JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
FORMATS = {"json": JSON, "geojson": GEOJSON, "html": HTML}


def wants_html(request: HttpRequest) -> bool:
    f = request.GET.get("f")
    if f:
        if f not in FORMATS:
            raise InvalidParameter("f", f"unknown format {f[:20]!r}; use one of {', '.join(FORMATS)}")
        return f == "html"
    accept = request.headers.get("Accept", "")
    return "text/html" in accept and "json" not in accept


READ = ("GET", "HEAD")


def ogc_view(view=None, *, methods: tuple[str, ...] = READ):
    """Every OGC view answers by Accept (Vary); its typed errors become problem documents in
    gis.errors.ProblemMiddleware. Resources are read-only unless the view names its write
    methods: a POST or DELETE on a document is 405, not the document."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                raise MethodNotAllowed(f"{request.method} is not allowed here; use {', '.join(methods)}")
            response = view(request, *args, **kwargs)
            if not response.has_header("Vary"):
                response["Vary"] = "Accept"
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def json_response(doc: dict, content_type: str = JSON, **headers) -> HttpResponse:
    response = HttpResponse(json.dumps(doc, ensure_ascii=False, default=str), content_type=content_type)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def html_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    return render(request, f"ogc/{template}", context, content_type="text/html; charset=utf-8")
