"""The OGC API's user-caused failures; gis.ogc.views turns each into a problem document."""
from __future__ import annotations

from gis.errors import QalaError


class InvalidParameter(QalaError):
    """A query parameter that cannot be parsed or is out of range."""

    code = "invalid-parameter"

    def __init__(self, name: str, message: str):
        super().__init__(f"{name}: {message}", parameter=name)


class NotQueryable(QalaError):
    """A filter names a property clients may not filter on (unknown or personal)."""

    code = "not-queryable"


class UnsupportedCrs(QalaError):
    code = "unsupported-crs"


class FeatureNotFound(QalaError):
    status = 404
    code = "feature-not-found"


class UnknownProcess(QalaError):
    status = 404
    code = "unknown-process"


class MethodNotAllowed(QalaError):
    status = 405
    code = "method-not-allowed"
