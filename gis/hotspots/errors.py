"""One error type per failure a planner can cause; each becomes a JSON problem."""
from __future__ import annotations

from gis.errors import QalaError


class HotspotError(QalaError):
    code = "hotspot-error"


class UnknownCategory(HotspotError):
    code = "unknown-category"


class EmptyPeriod(HotspotError):
    code = "empty-period"


class TooFewFeatures(HotspotError):
    code = "too-few-features"


class BadCellSize(HotspotError):
    code = "bad-cell-size"


class BadParameter(HotspotError):
    code = "bad-parameter"


class UnknownSegment(HotspotError):
    status = 404
    code = "unknown-segment"
