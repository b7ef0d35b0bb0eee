"""CORS only where configured: the read-only public APIs, for the origins in QALA_CORS_ORIGINS.

Nothing else ever carries CORS headers (staff pages, the workflow API, the admin, writes),
and credentials are never allowed, so another site's script can read what any anonymous
visitor could, and nothing more. A dozen lines did not warrant django-cors-headers.
"""
from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_vary_headers

READ_ONLY_PREFIXES = ("/ogc/", "/tiles/", "/open311/v2/", "/api/search", "/api/here")
METHODS = "GET, HEAD, OPTIONS"
MAX_AGE = "600"


def allowed_origin(request) -> str | None:
    """The value of Access-Control-Allow-Origin for this request, or None for no CORS."""
    origins = settings.QALA_CORS_ORIGINS
    origin = request.headers.get("Origin")
    if not origins or not origin or not request.path.startswith(READ_ONLY_PREFIXES):
        return None
    if "*" in origins:
        return "*"
    return origin if origin.rstrip("/") in origins else None


class CorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = allowed_origin(request)
        if request.method == "OPTIONS" and origin and "Access-Control-Request-Method" in request.headers:
            response = HttpResponse(status=204)
            if request.headers["Access-Control-Request-Method"] in ("GET", "HEAD"):
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Allow-Methods"] = METHODS
                response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
                response["Access-Control-Max-Age"] = MAX_AGE
            response["Vary"] = "Origin"
            return response
        response = self.get_response(request)
        if settings.QALA_CORS_ORIGINS and request.path.startswith(READ_ONLY_PREFIXES):
            patch_vary_headers(response, ["Origin"])
        if origin and request.method in ("GET", "HEAD"):
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = "Content-Crs, Link, Retry-After"
        return response
