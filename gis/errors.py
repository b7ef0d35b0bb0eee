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


PROBLEM_JSON = "application/problem+json"


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

    def process_exception(self, request, exc):
        if isinstance(exc, QalaError):
            return problem_response(exc)
        return None
