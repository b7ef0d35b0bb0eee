"""A URL no route matches is answered in the shape of the API it looks like: Open311's error
list under /open311/, a problem document under the other API prefixes and for data resources
(.json, .geojson, .mvt, .png); Django's page everywhere else. A client that sends a malformed
id (`/yards/-1.geojson`) then reads a 404 it can parse, as its API document says."""
from __future__ import annotations

import json
from xml.sax.saxutils import escape

from django.http import HttpResponseNotFound
from django.views.defaults import page_not_found as page

from gis.csrf import API_PREFIXES
from gis.errors import QalaError, problem_response

DATA_SUFFIXES = (".json", ".geojson", ".mvt", ".png")


class NoSuchResource(QalaError):
    status = 404
    code = "not-found"


def page_not_found(request, exception=None):
    message = f"nothing is served at {request.path[:200]}"
    if request.path.startswith("/open311/") and request.path.endswith(".xml"):
        return HttpResponseNotFound('<?xml version="1.0" encoding="utf-8"?><errors><error><code>404</code>'
                                    f"<description>{escape(message)}</description></error></errors>",
                                    content_type="text/xml; charset=utf-8")
    if request.path.startswith("/open311/"):
        return HttpResponseNotFound(json.dumps([{"code": 404, "description": message}], ensure_ascii=False),
                                    content_type="application/json")
    if request.path.startswith((*API_PREFIXES, "/tiles/")) or request.path.endswith(DATA_SUFFIXES):
        return problem_response(NoSuchResource(message))
    return page(request, exception)
