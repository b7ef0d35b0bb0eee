"""What the history tells supervisors: KSK signals to the housing inspectorate, executor
ratings, and candidate duplicates for a new appeal. Plain parameterized SQL over the
appeal store, so the same numbers serve the dashboard, the API and the tests.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from gis.sql import fetch_dicts
from layers.appeals import Appeal


def _rows(sql: str, params) -> list[dict]:
    with connection.cursor() as cur:
        return fetch_dicts(cur, sql, params)


# A complaint "about a KSK": an appeal it was made executor of, or one made inside a yard it
# keeps. Residents are told apart by address: the building if known, else the address text.
KSK_SIGNALS = """
WITH about AS (
    SELECT o.id AS ksk_id, a.id, a.building_id, a.address
    FROM layers_appeal a JOIN layers_organization o ON o.id = a.executor_id AND o.kind = 'ksk'
    WHERE a.registered_at >= %(since)s AND a.registered_at < %(until)s
  UNION
    SELECT y.ksk_id, a.id, a.building_id, a.address
    FROM layers_yard y JOIN layers_appeal a ON ST_Intersects(a.geom, y.geom)
    WHERE y.ksk_id IS NOT NULL AND a.registered_at >= %(since)s AND a.registered_at < %(until)s
)
SELECT o.id AS ksk_id, o.name AS ksk,
       count(DISTINCT coalesce('b' || about.building_id, 'a' || lower(btrim(about.address)))) AS addresses,
       count(DISTINCT about.id) AS appeals
FROM about JOIN layers_organization o ON o.id = about.ksk_id
WHERE about.building_id IS NOT NULL OR btrim(about.address) <> ''
GROUP BY o.id, o.name
HAVING count(DISTINCT coalesce('b' || about.building_id, 'a' || lower(btrim(about.address)))) > %(threshold)s
ORDER BY addresses DESC, o.name
"""


def ksk_signals(since: dt.datetime, until: dt.datetime, threshold: int | None = None) -> list[dict]:
    """KSKs with complaints from more than `threshold` (default 10) distinct addresses in the period."""
    if threshold is None:
        threshold = settings.QALA_WORKFLOW["ksk_signal_addresses"]
    return _rows(KSK_SIGNALS, {"since": since, "until": until, "threshold": threshold})


# on time: closed (fixed or duplicate) no later than due; rejected: answers the inspector sent back
EXECUTOR_RATINGS = """
SELECT o.id AS executor_id, o.name AS executor,
       count(*) AS appeals,
       count(*) FILTER (WHERE a.closed_at IS NOT NULL) AS closed,
       count(*) FILTER (WHERE a.closed_at IS NOT NULL AND a.closed_at <= a.due_at) AS on_time,
       count(*) FILTER (WHERE a.closed_at IS NULL AND a.due_at < %(now)s) AS overdue,
       coalesce(sum(r.rejected), 0)::int AS rejected_answers,
       round(count(*) FILTER (WHERE a.closed_at IS NOT NULL AND a.closed_at <= a.due_at)::numeric
             / nullif(count(*) FILTER (WHERE a.closed_at IS NOT NULL OR a.due_at < %(now)s), 0), 3)
         AS on_time_share
FROM layers_appeal a JOIN layers_organization o ON o.id = a.executor_id
LEFT JOIN LATERAL (SELECT count(*) AS rejected FROM layers_appealevent e
                   WHERE e.appeal_id = a.id AND e.action = 'reject') r ON true
WHERE a.registered_at >= %(since)s AND a.registered_at < %(until)s
GROUP BY o.id, o.name
ORDER BY on_time_share DESC NULLS LAST, rejected_answers, o.name
"""


def executor_ratings(since: dt.datetime, until: dt.datetime, now: dt.datetime | None = None) -> list[dict]:
    """Per executor: on-time share among appeals that are closed or already due, and rejected answers."""
    from django.utils import timezone

    return _rows(EXECUTOR_RATINGS, {"since": since, "until": until, "now": now or timezone.now()})


DUPLICATES = """
SELECT a.id FROM layers_appeal a, layers_appeal me
WHERE me.id = %(id)s AND a.id <> me.id AND a.category = me.category AND a.closed_at IS NULL
  AND a.duplicate_of_id IS NULL
  AND a.registered_at BETWEEN me.registered_at - make_interval(days => %(days)s) AND me.registered_at
  AND a.geom && ST_Expand(me.geom, %(deg)s)
  AND ST_DWithin(a.geom::geography, me.geom::geography, %(m)s)
ORDER BY ST_Distance(a.geom::geography, me.geom::geography), a.registered_at
LIMIT %(limit)s
"""


def suggest_duplicates(appeal: Appeal, metres: float = 100, days: int = 7, limit: int = 5) -> list[Appeal]:
    """Open appeals of the same category registered within `days` before it and `metres` of it."""
    ids = [r["id"] for r in _rows(DUPLICATES, {"id": appeal.pk, "days": days, "m": metres,
                                              "deg": metres / 19_000, "limit": limit})]
    found = Appeal.objects.in_bulk(ids)
    return [found[i] for i in ids]


@dataclass(frozen=True)
class Excavation:
    order_id: int
    number: str
    metres: float


NEAREST_DIG = """
SELECT id, number, ST_Distance(geom::geography, ST_GeomFromEWKT(%(pt)s)::geography)
FROM layers_digorder
WHERE closed_on IS NULL AND geom && ST_Expand(ST_GeomFromEWKT(%(pt)s), %(deg)s)
  AND ST_DWithin(geom::geography, ST_GeomFromEWKT(%(pt)s)::geography, %(m)s)
ORDER BY 3 LIMIT 1
"""


def excavation_near(point, metres: float = 30) -> Excavation | None:
    """The open dig order a citizen most likely means by 'an abandoned excavation here'."""
    rows = _rows(NEAREST_DIG, {"pt": point.ewkt, "m": metres, "deg": metres / 19_000})
    if not rows:
        return None
    r = rows[0]
    return Excavation(r["id"], r["number"], r["st_distance"])


# Systemic-problem rating per category and district over a period (PRODUCT.md: recurrence,
# criticality, resonance):
#   recurrence  R = incidents (appeals that became an incident), scaled by the largest R in the period
#   criticality C = mean criticality of the appeals (1..5) / 5
#   resonance   S = mean of: min(appeals per incident / 5, 1); share of appeals from repeat callers
#                   (the same phone twice or more in the group); share of appeals from social networks
#   score = 100 × (0.4·R + 0.3·C + 0.3·S)
SYSTEMIC_WEIGHTS = (0.4, 0.3, 0.3)
SYSTEMIC = """
WITH a AS (
    SELECT a.id, a.category, a.district_id, coalesce(a.criticality, 2) AS criticality, a.channel,
           nullif(btrim(a.caller_phone), '') AS phone,
           EXISTS (SELECT 1 FROM layers_appealevent e WHERE e.appeal_id = a.id AND e.action = 'incident') AS incident
    FROM layers_appeal a
    WHERE a.registered_at >= %(since)s AND a.registered_at < %(until)s
), callers AS (
    SELECT category, district_id, phone, count(*) AS n FROM a WHERE phone IS NOT NULL
    GROUP BY 1, 2, 3
), g AS (
    SELECT a.category, a.district_id, count(*) AS appeals,
           count(*) FILTER (WHERE a.incident) AS incidents,
           avg(a.criticality) AS criticality,
           count(*) FILTER (WHERE c.n >= 2)::float / count(*) AS repeat_share,
           count(*) FILTER (WHERE a.channel = 'social')::float / count(*) AS social_share
    FROM a LEFT JOIN callers c ON c.category = a.category AND c.district_id IS NOT DISTINCT FROM a.district_id
                               AND c.phone = a.phone
    GROUP BY 1, 2
)
SELECT g.category, g.district_id, d.name AS district, g.appeals, g.incidents,
       round(g.criticality, 2)::float AS criticality,
       round(least(g.appeals::numeric / greatest(g.incidents, 1) / 5, 1), 3)::float AS per_incident,
       round(g.repeat_share::numeric, 3)::float AS repeat_share, round(g.social_share::numeric, 3)::float AS social_share,
       round((100 * (%(wr)s * g.incidents::numeric / nullif(max(g.incidents) OVER (), 0)
                     + %(wc)s * g.criticality / 5
                     + %(ws)s * (least(g.appeals::numeric / greatest(g.incidents, 1) / 5, 1)
                                 + g.repeat_share::numeric + g.social_share::numeric) / 3))::numeric, 1)::float AS score
FROM g LEFT JOIN layers_district d ON d.id = g.district_id
ORDER BY score DESC NULLS LAST, g.category
LIMIT %(limit)s
"""


def systemic_ratings(since: dt.datetime, until: dt.datetime, limit: int = 50) -> list[dict]:
    """Category × district groups ranked by the systemic-problem score (formula above)."""
    wr, wc, ws = SYSTEMIC_WEIGHTS
    return _rows(SYSTEMIC, {"since": since, "until": until, "wr": wr, "wc": wc, "ws": ws, "limit": limit})
