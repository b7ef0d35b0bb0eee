"""Structured logs: one JSON object a line, and one `qala.request` record per request.

A request's record names the method, the path (never its query string: a search for a
caller's phone must not end up in a log file), the status, the time taken, who asked
(user id or "anonymous"), the client address and a request id (X-Request-ID, kept
if the proxy sent a sane one). Bodies are never logged. A formatter of thirty lines
needs no python-json-logger.
"""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import datetime, timezone

REQUEST_FIELDS = ("method", "path", "status", "duration_ms", "user", "client_ip", "request_id")
SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
logger = logging.getLogger("qala.request")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {"time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
               "level": record.levelname, "logger": record.name, "message": record.getMessage()}
        for name in REQUEST_FIELDS:
            if name in record.__dict__:
                doc[name] = record.__dict__[name]
        if record.exc_info:
            doc["exception"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


def _user(request) -> int | str:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else "anonymous"


class RequestLogMiddleware:
    """Outermost middleware: it times everything, the 429s and the static files included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from gis.ratelimit import client_ip

        start = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request.request_id = given if SANE_ID.match(given) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        status = response.status_code
        logger.log(logging.ERROR if status >= 500 else logging.INFO, "%s %s %s", request.method, request.path, status,
                   extra={"method": request.method, "path": request.path, "status": status,
                          "duration_ms": round((time.perf_counter() - start) * 1000, 1), "user": _user(request),
                          "client_ip": client_ip(request), "request_id": request.request_id})
        return response
