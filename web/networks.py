"""A network segment's accident history: appeals of its kind of network near it, for the planner.

Which appeal categories count for which network is the catalog's `network_kind`, so a
new category joins the history without code. Public fields only.
"""
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from gis.sql import fetch_dicts
from gis.errors import QalaError
from layers.catalog import Category

NEAR_M = 50
YEARS = 3  # analyses look back three years


class UnknownSegment(QalaError):
    status = 404
    code = "unknown-segment"


def accident_history(segment_id: int, near_m: float = NEAR_M, years: int = YEARS) -> dict:
    since = timezone.now() - dt.timedelta(days=365 * years)
    with connection.cursor() as cur:
        cur.execute("""SELECT s.kind, s.material, s.diameter_mm, s.year_laid, o.name
                       FROM layers_networksegment s LEFT JOIN layers_organization o ON o.id = s.operator_id
                       WHERE s.id = %s""", [segment_id])
        row = cur.fetchone()
        if row is None:
            raise UnknownSegment(f"No network segment {segment_id}.")
        kind, material, diameter, year_laid, operator = row
        categories = list(Category.objects.filter(network_kind=kind).values_list("code", flat=True)) or [kind]
        accidents = fetch_dicts(cur, """
            SELECT a.number, a.category, a.status, a.registered_at, a.closed_at
            FROM layers_appeal a, layers_networksegment s
            WHERE s.id = %(id)s AND a.category = ANY(%(cats)s) AND a.registered_at >= %(since)s
              AND a.geom && ST_Expand(s.geom, %(deg)s)
              AND ST_DWithin(a.geom::geography, s.geom::geography, %(m)s)
            ORDER BY a.registered_at DESC LIMIT 200""",
            {"id": segment_id, "cats": categories, "since": since, "deg": near_m / 19_000, "m": near_m})
    return {"segment": {"id": segment_id, "kind": kind, "material": material, "diameter_mm": diameter,
                        "year_laid": year_laid, "operator": operator},
            "categories": categories, "near_m": near_m, "years": years, "accidents": accidents}
