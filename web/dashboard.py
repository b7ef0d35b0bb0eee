"""The mayor's numbers: appeals by category, district and executor, and what is overdue.

Received and closed counts and closing times come from the rollup the database keeps exact
(layers/migrations/0010, 0011). A window is open-ended (registered after its first day), so
whole local days come from the rollup's total minus the month snapshot nearest the first day,
corrected by the few daily rows between them; the part-day at the start of the window from
the appeals themselves. Overdue depends on the clock, so it is counted live over the open
appeals only. The median closing time is taken over closing times in tenths of a day, the
precision the page shows.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection
from django.utils import timezone

from gis.sql import fetch_dicts
from layers.catalog import Category

DEFAULT_DAYS = 90
DIMENSIONS = {"c": "by_category", "d": "by_district", "e": "by_executor"}
KEYS = """CROSS JOIN LATERAL (VALUES ('c'::"char", a.category::text), ('d', a.district_id::text),
                                  ('e', a.executor_id::text)) k(dim, key)"""

# (dimension, key, closing time in tenths of a day or NULL while open) → appeals, over the window:
# total − snapshot(snap) ± daily rows between snap and the window's first whole day (+ when snap
# is after it, − when before), + deltas not yet folded, + the part-day from the appeals.
# snap is the month snapshot nearest the first whole day ('-infinity', an empty one, if none).
HISTOGRAM = f"""
WITH s AS (
    SELECT coalesce((SELECT before FROM qala_appeal_rollup_months WHERE before < 'infinity'
                     ORDER BY abs(before - (%(first_day)s::date + 1)) LIMIT 1), '-infinity') AS snap)
SELECT dim, key, tenths, sum(n)::bigint AS n FROM (
    SELECT dim, key, tenths, n FROM qala_appeal_rollup_prefix WHERE before = 'infinity'
    UNION ALL
    SELECT dim, key, tenths, -n FROM qala_appeal_rollup_prefix WHERE before = (SELECT snap FROM s)
    UNION ALL
    SELECT dim, key, tenths, CASE WHEN day > %(first_day)s THEN n ELSE -n END FROM qala_appeal_rollup
    WHERE day >= least((SELECT snap FROM s), %(first_day)s::date + 1)
      AND day < greatest((SELECT snap FROM s), %(first_day)s::date + 1)
    UNION ALL
    SELECT dim, key, tenths, n FROM qala_appeal_rollup_delta WHERE day > %(first_day)s
    UNION ALL
    SELECT k.dim, k.key, qala_appeal_tenths(a.registered_at, a.closed_at), 1
    FROM layers_appeal a {KEYS}
    WHERE a.registered_at >= %(since)s AND a.registered_at < %(edge)s
) rows GROUP BY 1, 2, 3 HAVING sum(n) <> 0
"""

OVERDUE_COUNTS = f"""
SELECT k.dim, k.key, count(*) AS n FROM layers_appeal a {KEYS}
WHERE a.closed_at IS NULL AND a.due_at < %(now)s AND a.registered_at >= %(since)s
GROUP BY 1, 2
"""

TREND = """
SELECT day, sum(n)::bigint AS received FROM (
    SELECT day, n FROM qala_appeal_rollup_days WHERE day > %(first_day)s
    UNION ALL
    SELECT day, n FROM qala_appeal_rollup_delta WHERE dim = 'c' AND day > %(first_day)s
    UNION ALL
    SELECT %(first_day)s, count(*) FROM layers_appeal a WHERE a.registered_at >= %(since)s AND a.registered_at < %(edge)s
) rows GROUP BY 1 ORDER BY 1
"""

OVERDUE_LIST = """
SELECT a.number, a.category, a.registered_at, a.due_at, o.name AS executor,
       floor(extract(epoch FROM %(now)s - a.due_at) / 86400)::int AS days_overdue
FROM layers_appeal a LEFT JOIN layers_organization o ON o.id = a.executor_id
WHERE a.closed_at IS NULL AND a.due_at < %(now)s
ORDER BY a.due_at LIMIT 100"""


class RollupZoneMismatch(RuntimeError):
    """The rollup's days were cut in another time zone than the one the dashboard shows."""


def _median_tenths(hist: dict[int, int]) -> float | None:
    """percentile_cont(0.5) of the values in a histogram {value: count}, exactly."""
    total = sum(hist.values())
    if not total:
        return None
    lo, hi = (total - 1) // 2, total // 2  # the middle value's positions (one, or two to average)
    seen, found = 0, {}
    for value in sorted(hist):
        seen += hist[value]
        for pos in (lo, hi):
            if pos not in found and seen > pos:
                found[pos] = value
        if hi in found:
            break
    return (found[lo] + found[hi]) / 2


def _groups(hist_rows, overdue_rows, labels) -> dict[str, list[dict]]:
    groups = defaultdict(lambda: {"received": 0, "closed": 0, "overdue": 0, "closing": {}})
    for r in hist_rows:
        g = groups[r["dim"], r["key"]]
        g["received"] += r["n"]
        if r["tenths"] is not None:
            g["closed"] += r["n"]
            g["closing"][r["tenths"]] = r["n"]
    for r in overdue_rows:
        groups[r["dim"], r["key"]]["overdue"] = r["n"]
    out = {name: [] for name in DIMENSIONS.values()}
    for (dim, key), g in groups.items():
        if not g["received"]:
            continue
        median = _median_tenths(g["closing"])
        key = key if dim == "c" or key is None else int(key)
        out[DIMENSIONS[dim]].append({
            "key": key, "label": labels[dim](key), "received": g["received"], "closed": g["closed"],
            "overdue": g["overdue"], "median_days": None if median is None else round(median / 10, 1)})
    for rows in out.values():
        rows.sort(key=lambda r: (-r["received"], str(r["key"])))
        del rows[50:]
    return out


def summary(days: int = DEFAULT_DAYS, lang: str = "en", now: dt.datetime | None = None) -> dict:
    now = now or timezone.now()
    since = now - dt.timedelta(days=days)
    first_day = timezone.localdate(since)
    edge = timezone.make_aware(dt.datetime.combine(first_day + dt.timedelta(days=1), dt.time()))
    params = {"now": now, "since": since, "first_day": first_day, "edge": edge}
    with connection.cursor() as cur:
        cur.execute("SELECT tz, qala_appeal_rollup_compact() FROM qala_appeal_rollup_conf")
        if cur.fetchone()[0] != timezone.get_current_timezone_name():
            raise RollupZoneMismatch("the dashboard rollup was built for another time zone; "
                                     "re-run migrations layers 0010-0011 after changing QALA_TIME_ZONE")
        hist = fetch_dicts(cur, HISTOGRAM, params)
        overdue_counts = fetch_dicts(cur, OVERDUE_COUNTS, params)
        overdue = fetch_dicts(cur, OVERDUE_LIST, params)
        trend = fetch_dicts(cur, TREND, params)
        cur.execute("SELECT 'd', id, name FROM layers_district UNION ALL SELECT 'e', id, name FROM layers_organization")
        names = {(dim, pk): name for dim, pk, name in cur.fetchall()}
    titles = {c.code: getattr(c, f"name_{lang}", "") or c.name_en for c in Category.objects.all()}
    labels = {"c": lambda key: titles.get(key, key),
              "d": lambda key: names.get(("d", key), "—"), "e": lambda key: names.get(("e", key), "—")}
    groups = _groups(hist, overdue_counts, labels)
    for row in overdue:
        row["title"] = titles.get(row["category"], row["category"])
    counts = {r["day"]: r["received"] for r in trend}
    trend = [{"day": first_day + dt.timedelta(days=i), "received": counts.get(first_day + dt.timedelta(days=i), 0)}
             for i in range((timezone.localdate(now) - first_day).days + 1)]  # every day, zeros too
    totals = {k: sum(r[k] for r in groups["by_category"]) for k in ("received", "closed", "overdue")}
    return {"days": days, "as_of": now, "totals": totals, **groups, "overdue": overdue, "trend": trend}
