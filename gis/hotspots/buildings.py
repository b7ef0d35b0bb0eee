"""Gi* per building: are a house's complaints part of a cluster of complaining houses?

Every building of the city takes part (those without complaints count 0); weights are
each building's k nearest buildings (centroids in the metric CRS) plus itself.
"""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection

from . import weights as W
from .errors import BadParameter, EmptyPeriod
from .getis_ord import gi_star
from .grid import check_filters

COUNT_SQL = """
SELECT b.id, ST_X(c), ST_Y(c), COALESCE(n.count, 0)
FROM layers_building b
CROSS JOIN LATERAL ST_Transform(ST_PointOnSurface(b.geom), %(srid)s) AS c
LEFT JOIN (SELECT a.building_id, count(*) AS count FROM layers_appeal a
           WHERE a.building_id IS NOT NULL AND a.registered_at >= %(start)s AND a.registered_at < %(end)s
             AND (%(category)s::text IS NULL OR a.category = %(category)s)
             AND (%(incident_type)s::text IS NULL OR a.incident_type = %(incident_type)s)
           GROUP BY a.building_id) n ON n.building_id = b.id
ORDER BY b.id
"""


def building_hotspots(start: datetime, end: datetime, category: str | None = None,
                      incident_type: str | None = None, k: int = 8, fdr: bool = True) -> pd.DataFrame:
    """Complaints per building with their Gi* z, p and bin (k nearest buildings as neighbours)."""
    srid = settings.QALA_CITY["metric_srid"]
    with connection.cursor() as cur:
        check_filters(cur, category, None, start, end, incident_type)
        cur.execute(COUNT_SQL, {"srid": srid, "start": start, "end": end, "category": category,
                                "incident_type": incident_type})
        rows = np.array(cur.fetchall(), dtype=float).reshape(-1, 4)
    if rows[:, 3].sum() == 0:
        raise EmptyPeriod(f"no appeals linked to buildings between {start:%Y-%m-%d} and {end:%Y-%m-%d}")
    if k < 1:
        raise BadParameter(f"k must be at least 1, got {k}")
    result = gi_star(rows[:, 3], W.knn(rows[:, 1:3], min(k, max(len(rows) - 1, 1))), fdr=fdr)
    return pd.DataFrame({"building": rows[:, 0].astype(np.int64), "count": rows[:, 3].astype(int),
                         "z": result.z, "p": result.p, "bin": result.bins})
