"""A refused CSRF check on an API path is a problem document, like every other refusal there;
the web pages keep Django's own page."""
from __future__ import annotations

from django.views.csrf import csrf_failure as page_failure

from gis.errors import QalaError, problem_response

API_PREFIXES = ("/api/", "/ogc/", "/open311/")


class CsrfFailed(QalaError):
    status = 403
    code = "csrf-failed"


def csrf_failure(request, reason: str = ""):
    if request.path.startswith(API_PREFIXES):
        return problem_response(CsrfFailed(
            f"CSRF check failed ({reason}). With a session, send the csrftoken cookie's value as X-CSRFToken; "
            "a client without a browser uses Authorization: Token <key>"))
    return page_failure(request, reason)
