"""The public yard-paving queue: which yards get paved first, and why.

Priority follows the city's stated rule: the number of apartments in the houses a
yard serves, the number of appeals about the yard, and the yard's area. Each
criterion is scaled to 0..1 by the largest value in the queue and weighted; the
weights are shown on the page so a citizen can check the order. (When the workflow
module offers its own ranking, this function should give way to it.)
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection

NEEDS_PAVING = ("unpaved", "poor")
DEFAULT_WEIGHTS = {"apartments": 0.4, "appeals": 0.4, "area": 0.2}
APPEAL_YEARS = 3  # analyses look back three years


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

    def as_dict(self) -> dict:
        return asdict(self)


SQL = """
WITH q AS (
    SELECT y.id, y.name, y.paving_state, coalesce(y.area_m2, 0) AS area_m2, d.name AS district,
           ST_X(ST_PointOnSurface(y.geom)) AS lon, ST_Y(ST_PointOnSurface(y.geom)) AS lat,
           coalesce((SELECT sum(b.apartments) FROM layers_building b WHERE b.yard_id = y.id), 0) AS apartments,
           (SELECT count(*) FROM layers_appeal a
             WHERE a.registered_at >= now() - make_interval(years => %(years)s)
               AND (a.building_id IN (SELECT b.id FROM layers_building b WHERE b.yard_id = y.id)
                    OR (a.building_id IS NULL AND a.geom && y.geom AND ST_Intersects(a.geom, y.geom)))
           ) AS appeals
    FROM layers_yard y LEFT JOIN layers_district d ON d.id = y.district_id
    WHERE y.paving_state = ANY(%(states)s)
)
SELECT *, %(w_apt)s * apartments / greatest(max(apartments) OVER (), 1)
        + %(w_app)s * appeals / greatest(max(appeals) OVER (), 1)
        + %(w_area)s * area_m2 / greatest(max(area_m2) OVER (), 1) AS score
FROM q ORDER BY score DESC, id LIMIT %(limit)s
"""


def paving_queue(limit: int = 500) -> list[QueuedYard]:
    """Yards needing paving, best-ranked first."""
    w = weights()
    with connection.cursor() as cur:
        cur.execute(SQL, {"years": APPEAL_YEARS, "states": list(NEEDS_PAVING), "w_apt": w["apartments"],
                          "w_app": w["appeals"], "w_area": w["area"], "limit": limit})
        cols = [c.name for c in cur.description]
        rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    return [QueuedYard(rank=i, yard_id=r["id"], name=r["name"] or "", district=r["district"] or "",
                       paving_state=r["paving_state"], area_m2=round(float(r["area_m2"]), 1),
                       apartments=int(r["apartments"]), appeals=int(r["appeals"]),
                       score=round(float(r["score"]), 3), lon=r["lon"], lat=r["lat"])
            for i, r in enumerate(rows, start=1)]
