"""The public yard-paving queue: which yards get paved first, and why.

Priority follows the city's stated rule: the number of apartments in the houses a
yard serves, the number of appeals about the yard, and the yard's area. Each
criterion is scaled to 0..1 by the largest value in the queue and weighted; the
weights are shown on the page so a citizen can check the order. (When the workflow
module offers its own ranking, this function should give way to it.)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from gis.sql import fetch_dicts

NEEDS_PAVING = ("unpaved", "poor")
DEFAULT_WEIGHTS = {"apartments": 0.4, "appeals": 0.4, "area": 0.2}
APPEAL_YEARS = 3  # analyses look back three years


def plan() -> tuple[int, int]:
    """(year, how many yards): the top of the queue the city plans to pave that year."""
    conf = getattr(settings, "QALA_PAVING_PLAN", {})
    return conf.get("year") or timezone.localdate().year, max(int(conf.get("per_year", 70)), 0)


def weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "QALA_PAVING_WEIGHTS", {})}


@dataclass
class QueuedYard:
    rank: int
    yard_id: int
    name: str
    district: str
    paving_state: str
    area_m2: float
    apartments: int
    appeals: int
    score: float
    lon: float
    lat: float
    planned_year: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


# Set-based: each count is one indexed join (appeals by building through the FK index, appeals
# without a building by the GiST index inside the yard), not a subquery per yard.
SQL = """
WITH y AS (
    SELECT y.id, y.name, y.paving_state, coalesce(y.area_m2, 0) AS area_m2, y.geom, d.name AS district
    FROM layers_yard y LEFT JOIN layers_district d ON d.id = y.district_id
    WHERE y.paving_state = ANY(%(states)s)
), apt AS (
    SELECT b.yard_id, sum(b.apartments) AS n FROM layers_building b JOIN y ON y.id = b.yard_id GROUP BY b.yard_id
), by_building AS (
    SELECT b.yard_id, count(*) AS n
    FROM y JOIN layers_building b ON b.yard_id = y.id JOIN layers_appeal a ON a.building_id = b.id
    WHERE a.registered_at >= %(since)s GROUP BY b.yard_id
), by_place AS (
    SELECT y.id AS yard_id, count(*) AS n
    FROM y JOIN layers_appeal a ON a.geom && y.geom AND ST_Intersects(a.geom, y.geom)
    WHERE a.building_id IS NULL AND a.registered_at >= %(since)s GROUP BY y.id
), q AS (
    SELECT y.id, y.name, y.paving_state, y.area_m2, y.district,
           ST_X(ST_PointOnSurface(y.geom)) AS lon, ST_Y(ST_PointOnSurface(y.geom)) AS lat,
           coalesce(apt.n, 0) AS apartments, coalesce(bb.n, 0) + coalesce(bp.n, 0) AS appeals
    FROM y LEFT JOIN apt ON apt.yard_id = y.id LEFT JOIN by_building bb ON bb.yard_id = y.id
           LEFT JOIN by_place bp ON bp.yard_id = y.id
)
SELECT *, %(w_apt)s * apartments / greatest(max(apartments) OVER (), 1)
        + %(w_app)s * appeals / greatest(max(appeals) OVER (), 1)
        + %(w_area)s * area_m2 / greatest(max(area_m2) OVER (), 1) AS score
FROM q ORDER BY score DESC, id LIMIT %(limit)s
"""


CACHE_SECONDS = 60


def paving_queue(limit: int = 500) -> list[QueuedYard]:
    """Yards needing paving, best-ranked first.

    Kept for a minute: with a million appeals the ranking takes most of a second, and a
    public ranking that moves over months does not need to be fresher than that."""
    w = weights()
    year, per_year = plan()
    key = "qala:paving:%d:%s:%d:%d" % (limit, "-".join(f"{k}{v}" for k, v in sorted(w.items())), year, per_year)
    return cache.get_or_set(key, lambda: _rank(w, limit), CACHE_SECONDS)


def _rank(w: dict, limit: int) -> list[QueuedYard]:
    with connection.cursor() as cur:
        rows = fetch_dicts(cur, SQL, {"since": timezone.now() - dt.timedelta(days=365 * APPEAL_YEARS),
                                      "states": list(NEEDS_PAVING), "w_apt": w["apartments"],
                                      "w_app": w["appeals"], "w_area": w["area"], "limit": limit})
    year, per_year = plan()
    return [QueuedYard(rank=i, yard_id=r["id"], name=r["name"] or "", district=r["district"] or "",
                       paving_state=r["paving_state"], area_m2=round(float(r["area_m2"]), 1),
                       apartments=int(r["apartments"]), appeals=int(r["appeals"]),
                       score=round(float(r["score"]), 3), lon=r["lon"], lat=r["lat"],
                       planned_year=year if i <= per_year else None)
            for i, r in enumerate(rows, start=1)]
