"""Tiny parsers for the items query parameters; each raises a typed error naming the parameter."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from gis.ogc.errors import InvalidParameter

DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
# deeper than this, OFFSET scans millions of rows: page with `after` (keyset) instead
MAX_OFFSET = 10_000_000
MAX_ID = 2 ** 63 - 1  # PostgreSQL bigint


def limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    value = _int("limit", raw)
    if value < 1 or value > MAX_LIMIT:
        raise InvalidParameter("limit", f"must be between 1 and {MAX_LIMIT}, got {value}")
    return value


def offset(raw: str | None) -> int:
    if raw is None or raw == "":
        return 0
    value = _int("offset", raw)
    if value < 0:
        raise InvalidParameter("offset", f"must not be negative, got {value}")
    if value > MAX_OFFSET:
        raise InvalidParameter("offset", f"must be at most {MAX_OFFSET}; page deeper with `after`")
    return value


def after(raw: str | None) -> int | None:
    """Keyset cursor: the last feature id of the previous page (what `next` links carry)."""
    if raw is None or raw == "":
        return None
    value = _int("after", raw)
    if not 0 <= value <= MAX_ID:
        raise InvalidParameter("after", "must be a feature id (a whole number from 0)")
    return value


def bbox(raw: str | None) -> tuple[float, float, float, float] | None:
    """minx,miny,maxx,maxy (or with min/max z, which is ignored: the city is flat)."""
    if raw is None or raw == "":
        return None
    parts = raw.split(",")
    if len(parts) not in (4, 6):
        raise InvalidParameter("bbox", f"expected 4 or 6 comma-separated numbers, got {len(parts)}")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise InvalidParameter("bbox", "every value must be a number") from None
    if not all(math.isfinite(n) for n in nums):
        raise InvalidParameter("bbox", "values must be finite")
    if len(nums) == 6:
        nums = [nums[0], nums[1], nums[3], nums[4]]
    x0, y0, x1, y1 = nums
    if x0 > x1 or y0 > y1:
        raise InvalidParameter("bbox", "lower corner must come first (minx,miny,maxx,maxy)")
    return x0, y0, x1, y1


@dataclass(frozen=True)
class Interval:
    """Half-open [start, end); either end may be open (None)."""

    start: datetime | None
    end: datetime | None


def _instant(name: str, raw: str, end: bool) -> datetime | None:
    if raw in ("..", ""):
        return None
    try:
        if len(raw) == 10:  # a whole day: from its start, or up to the next day
            day = date.fromisoformat(raw)
            moment = datetime.combine(day + timedelta(days=1) if end else day, time(), timezone.utc)
            return moment
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(name, f"{raw!r} is not an RFC 3339 date or date-time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment + timedelta(microseconds=1) if end else moment


def datetime_interval(raw: str | None, name: str = "datetime") -> Interval | None:
    """An instant, or start/end with '..' for an open end (OGC API Features 7.15.4)."""
    if raw is None or raw == "":
        return None
    if "/" in raw:
        pieces = raw.split("/")
        if len(pieces) != 2 or pieces == ["..", ".."] or pieces == ["", ""]:
            raise InvalidParameter(name, "expected an instant or start/end with '..' for an open end")
        start, end = _instant(name, pieces[0], False), _instant(name, pieces[1], True)
    else:
        start, end = _instant(name, raw, False), _instant(name, raw, True)
    if start and end and start >= end:
        raise InvalidParameter(name, "start must come before end")
    return Interval(start, end)


def sortby(raw: str | None, queryables) -> list[tuple[str, bool]]:
    """'-registered_at,+category' → [(name, descending)]; only queryables sort."""
    if raw is None or raw == "":
        return []
    keys = []
    for part in raw.split(","):
        part = part.strip()
        desc = part.startswith("-")
        name = part.lstrip("+-").strip()
        if name not in queryables:
            raise InvalidParameter("sortby", f"{name[:60]!r} is not a queryable; sort by one of {', '.join(queryables)}")
        keys.append((name, desc))
    return keys


def _int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise InvalidParameter(name, f"must be a whole number, got {raw[:40]!r}") from None
