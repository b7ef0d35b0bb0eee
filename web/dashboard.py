"""The mayor's numbers: appeals by category, district and executor, and what is overdue.

One grouped query per table over a recent window, so the page stays quick with
millions of appeals stored.
"""
from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone

from gis.sql import fetch_dicts
from layers.catalog import Category

DEFAULT_DAYS = 90


GROUPED = """
SELECT {key} AS key, {label} AS label, count(*) AS received,
       count(*) FILTER (WHERE a.closed_at IS NOT NULL) AS closed,
       count(*) FILTER (WHERE a.closed_at IS NULL AND a.due_at < %(now)s) AS overdue,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM a.closed_at - a.registered_at))
              FILTER (WHERE a.closed_at IS NOT NULL) / 86400)::numeric, 1)::float AS median_days
FROM layers_appeal a {join}
WHERE a.registered_at >= %(since)s
GROUP BY 1, 2 ORDER BY received DESC LIMIT 50
"""


def summary(days: int = DEFAULT_DAYS, lang: str = "en") -> dict:
    now = timezone.now()
    params = {"now": now, "since": now - dt.timedelta(days=days)}
    with connection.cursor() as cur:
        by_category = fetch_dicts(cur, GROUPED.format(key="a.category", label="a.category", join=""), params)
        by_district = fetch_dicts(cur, GROUPED.format(
            key="d.id", label="coalesce(d.name, '—')", join="LEFT JOIN layers_district d ON d.id = a.district_id"),
            params)
        by_executor = fetch_dicts(cur, GROUPED.format(
            key="o.id", label="coalesce(o.name, '—')", join="LEFT JOIN layers_organization o ON o.id = a.executor_id"),
            params)
        overdue = fetch_dicts(cur, """
            SELECT a.number, a.category, a.registered_at, a.due_at, o.name AS executor,
                   floor(extract(epoch FROM %(now)s - a.due_at) / 86400)::int AS days_overdue
            FROM layers_appeal a LEFT JOIN layers_organization o ON o.id = a.executor_id
            WHERE a.closed_at IS NULL AND a.due_at < %(now)s
            ORDER BY a.due_at LIMIT 100""", params)
        trend = fetch_dicts(cur, """
            SELECT date_trunc('day', a.registered_at AT TIME ZONE %(tz)s)::date AS day, count(*) AS received
            FROM layers_appeal a WHERE a.registered_at >= %(since)s GROUP BY 1 ORDER BY 1""",
                      {**params, "tz": timezone.get_current_timezone_name()})
    counts = {r["day"]: r["received"] for r in trend}
    first = timezone.localdate(params["since"])
    trend = [{"day": first + dt.timedelta(days=i), "received": counts.get(first + dt.timedelta(days=i), 0)}
             for i in range((timezone.localdate(now) - first).days + 1)]  # every day, zeros too
    names = {c.code: getattr(c, f"name_{lang}", "") or c.name_en for c in Category.objects.all()}
    for row in (*by_category, *overdue):
        row["title"] = names.get(row.get("key") or row["category"], row.get("label") or row["category"])
    for row in by_category:
        row["label"] = row.pop("title")
    totals = {k: sum(r[k] for r in by_category) for k in ("received", "closed", "overdue")}
    return {"days": days, "as_of": now, "totals": totals, "by_category": by_category,
            "by_district": by_district, "by_executor": by_executor, "overdue": overdue, "trend": trend}
