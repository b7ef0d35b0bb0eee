"""Errors users can cause: one type per failure, each carrying its HTTP status and code.

The API turns them into a JSON problem document and the CLI into a one-line
message, in one place each; nothing a user does should end as a bare 500.
"""
from __future__ import annotations


class QalaError(Exception):
    status = 400
    code = "bad-request"

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def problem(self) -> dict:
        """RFC 9457 problem document."""
        doc = {"type": f"urn:qala:error:{self.code}", "title": self.code.replace("-", " "),
               "status": self.status, "detail": self.message}
        doc.update(self.details)
        return doc


class InvalidGeometry(QalaError):
    code = "invalid-geometry"


class OutsideCity(QalaError):
    code = "outside-city"


class BodyTooLarge(QalaError):
    status = 413
    code = "body-too-large"


class TooManyFields(QalaError):
    code = "too-many-fields"


class NulCharacter(QalaError):
    code = "nul-character"


PROBLEM_JSON = "application/problem+json"
# its JSON Schema, for the OpenAPI documents
PROBLEM_SCHEMA = {"type": "object", "required": ["type", "title", "status", "detail"],
                  "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                                 "status": {"type": "integer", "minimum": 400, "maximum": 599},
                                 "detail": {"type": "string"}}}


def problem_response(exc: QalaError):
    """The one place a user-caused failure becomes an HTTP answer."""
    from django.http import JsonResponse

    return JsonResponse(exc.problem(), status=exc.status, content_type=PROBLEM_JSON,
                        json_dumps_params={"ensure_ascii": False})


class ProblemMiddleware:
    """A QalaError a view lets through is answered as a problem document, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        """A NUL in the path or a query parameter: no name, number or filter holds one, and
        PostgreSQL text cannot, so it is refused here rather than failing in a query."""
        if "\x00" in request.path or any("\x00" in k or "\x00" in v for k, vs in request.GET.lists() for v in vs):
            return problem_response(NulCharacter("the path or a query parameter contains a NUL character (%00)"))
        return None

    def process_exception(self, request, exc):
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent

        if isinstance(exc, RequestDataTooBig):
            from django.conf import settings

            exc = BodyTooLarge(f"the request body is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE >> 20} MB")
        elif isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
            exc = TooManyFields(str(exc))
        if isinstance(exc, QalaError):
            return problem_response(exc)
        return None
