"""Next year's repair plan: heating segments that are significant hot spots of
accidents, and the houses with many "cold in the flat" complaints, over the three
years before the plan. Written as CSV and as a self-contained folium map.

Ranked by the three criteria the 109 centres rate systemic problems on:
recurrence (accidents or complaints), criticality (Gi* confidence for segments;
apartments within reach for both) and resonance ("cold in the flat" complaints from
the houses a segment passes, shown as `cold_nearby`).
"""
from __future__ import annotations

import csv
import html
from datetime import date, datetime
from pathlib import Path

import numpy as np
from django.db import connection
from django.utils import timezone

from .errors import BadParameter, EmptyPeriod, TooFewFeatures, UnknownCategory

LOOK_BACK_YEARS = 3
FIELDS = ("rank", "kind", "id", "label", "recurrence", "gi_bin", "gi_z", "apartments", "cold_nearby",
          "lon", "lat", "wkt")

SEGMENTS_SQL = """
SELECT s.id, s.diameter_mm, s.year_laid, ST_AsText(s.geom), ST_X(c), ST_Y(c),
       COALESCE((SELECT sum(b.apartments) FROM layers_building b
                 WHERE b.geom && ST_Expand(s.geom, %(deg)s)
                   AND ST_DWithin(ST_Transform(b.geom, %(srid)s), ST_Transform(s.geom, %(srid)s), %(buffer)s)), 0),
       (SELECT count(*) FROM layers_appeal a JOIN layers_building b ON b.id = a.building_id
        WHERE a.incident_type = %(cold)s AND a.registered_at >= %(start)s AND a.registered_at < %(end)s
          AND b.geom && ST_Expand(s.geom, %(deg)s)
          AND ST_DWithin(ST_Transform(b.geom, %(srid)s), ST_Transform(s.geom, %(srid)s), %(buffer)s))
FROM layers_networksegment s, LATERAL ST_LineInterpolatePoint(s.geom, 0.5) AS c
WHERE s.id = ANY(%(ids)s)
"""

HOUSES_SQL = """
SELECT b.id, b.street, b.house_number, b.name, COALESCE(b.apartments, 0), count(*),
       ST_AsText(ST_PointOnSurface(b.geom)), ST_X(ST_PointOnSurface(b.geom)), ST_Y(ST_PointOnSurface(b.geom))
FROM layers_appeal a JOIN layers_building b ON b.id = a.building_id
WHERE a.incident_type = %(cold)s AND a.registered_at >= %(start)s AND a.registered_at < %(end)s
GROUP BY b.id HAVING count(*) >= %(min_cold)s
ORDER BY count(*) DESC, COALESCE(b.apartments, 0) DESC, b.id
"""


def plan_period(year: int, until: date | None = None) -> tuple[datetime, datetime]:
    """The three years before `until` (default 1 January of the plan year), local time.

    A plan drawn up in spring, when the heating season has ended, passes that day."""
    if not 2000 <= year <= 2100:
        raise BadParameter(f"plan year must be between 2000 and 2100, got {year}")
    until = until or date(year, 1, 1)
    if until > date(year, 1, 1) or until.year < year - 1:
        raise BadParameter(f"the look-back must end in {year - 1} or on 1 January {year}, got {until}")
    since = until.replace(year=until.year - LOOK_BACK_YEARS, day=min(until.day, 28) if until.month == 2 else until.day)
    tz = timezone.get_current_timezone()
    return (datetime(since.year, since.month, since.day, tzinfo=tz),
            datetime(until.year, until.month, until.day, tzinfo=tz))


def repair_plan(year: int, category: str = "heating", accident_type: str | None = "heating.pipe_burst",
                cold_type: str = "heating.cold_flat", min_cold: int = 3, radius_m: float = 50.0,
                hops: int = 2, buffer_m: float = 30.0, srid: int | None = None,
                until: date | None = None) -> list[dict]:
    """Ranked rows: hot heating segments first (by confidence, then accidents), then houses."""
    from django.conf import settings

    from .buildings import building_hotspots
    from .network import _degrees, network_hotspots

    srid = srid or settings.QALA_CITY["metric_srid"]
    if min_cold < 1:
        raise BadParameter(f"min_cold must be at least 1, got {min_cold}")
    start, end = plan_period(year, until)
    rows: list[dict] = []
    try:
        segs = network_hotspots(start, end, category=category, incident_type=accident_type,
                                radius_m=radius_m, hops=hops)
        hot = segs[(segs["bin"] > 0) & (segs["count"] > 0)]
    except (EmptyPeriod, UnknownCategory):  # no accidents: the houses may still need a plan
        hot = None
    if hot is not None and len(hot):
        with connection.cursor() as cur:
            cur.execute(SEGMENTS_SQL, {"ids": [int(i) for i in hot["segment"]], "srid": srid,
                                       "deg": _degrees(buffer_m), "buffer": float(buffer_m),
                                       "cold": cold_type, "start": start, "end": end})
            info = {r[0]: r[1:] for r in cur.fetchall()}
        for _, seg in hot.iterrows():
            diameter, laid, wkt, lon, lat, apartments, cold_nearby = info[int(seg["segment"])]
            label = " ".join(x for x in (f"{category} segment {int(seg['segment'])}",
                                         f"Ø{diameter} mm" if diameter else "", f"laid {laid}" if laid else "") if x)
            rows.append({"kind": "segment", "id": int(seg["segment"]), "label": label,
                         "recurrence": int(seg["count"]), "gi_bin": int(seg["bin"]), "gi_z": round(float(seg["z"]), 3),
                         "apartments": int(apartments), "cold_nearby": cold_nearby,
                         "lon": lon, "lat": lat, "wkt": wkt})
        rows.sort(key=lambda r: (-r["gi_bin"], -r["recurrence"], -r["cold_nearby"], -r["gi_z"], r["id"]))
    with connection.cursor() as cur:
        cur.execute(HOUSES_SQL, {"cold": cold_type, "start": start, "end": end, "min_cold": min_cold})
        houses = cur.fetchall()
    gi = {}
    if houses:  # is the house inside a cluster of complaining houses? (blank with < 30 buildings)
        try:
            frame = building_hotspots(start, end, incident_type=cold_type)
            gi = {int(b): (int(n), round(float(z), 3)) for b, n, z in zip(frame["building"], frame["bin"], frame["z"])}
        except TooFewFeatures:
            gi = {}
    for b_id, street, number, name, apartments, n, wkt, lon, lat in houses:
        rows.append({"kind": "building", "id": b_id,
                     "label": ", ".join(x for x in (street, number) if x) or name or f"building {b_id}",
                     "recurrence": n, "gi_bin": gi.get(b_id, ("", ""))[0], "gi_z": gi.get(b_id, ("", ""))[1],
                     "apartments": apartments, "cold_nearby": n,
                     "lon": lon, "lat": lat, "wkt": wkt})
    if not rows:
        raise EmptyPeriod(f"nothing to plan for {year}: no hot heating segments and no house with "
                          f"{min_cold}+ '{cold_type}' complaints between {start:%Y-%m-%d} and {end:%Y-%m-%d}")
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def write_csv(rows: list[dict], path) -> Path:
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows({k: r[k] for k in FIELDS} for r in rows)
    return path


def write_map(rows: list[dict], path, year: int, tiles: str | None = None) -> Path:
    """A folium map that opens offline: Leaflet is inlined instead of fetched from a CDN, and
    there is no base map unless a tile URL (ours) is given."""
    import folium
    from shapely import wkt as shapely_wkt

    from gis.offline_map import offline_map

    lats = np.array([r["lat"] for r in rows])
    lons = np.array([r["lon"] for r in rows])
    m = offline_map([float(lats.mean()), float(lons.mean())], 13, tiles)
    # houses first, so the segments are drawn on top of them
    for r in sorted(rows, key=lambda r: r["kind"] == "segment"):
        tip = html.escape(f"#{r['rank']} {r['label']}: {r['recurrence']} "
                          f"{'accidents' if r['kind'] == 'segment' else 'cold complaints'}, "
                          f"{r['apartments']} apartments")
        if r["kind"] == "segment":
            line = shapely_wkt.loads(r["wkt"])
            folium.PolyLine([(y, x) for x, y in line.coords], color="#c00000" if r["gi_bin"] == 3 else "#ff6a00",
                            weight=7, opacity=0.9, tooltip=tip).add_to(m)
        else:
            folium.CircleMarker([r["lat"], r["lon"]], radius=2 + float(np.sqrt(r["recurrence"])), color="#1f4e9c",
                                weight=1, fill=True, fill_opacity=0.5, tooltip=tip).add_to(m)
    m.fit_bounds([[float(lats.min()), float(lons.min())], [float(lats.max()), float(lons.max())]])
    title = html.escape(f"Repair plan {year}: {sum(r['kind'] == 'segment' for r in rows)} heating segments "
                        f"(red 99 %, orange 95/90 % hot spots of accidents), "
                        f"{sum(r['kind'] == 'building' for r in rows)} houses with cold complaints (blue)")
    m.get_root().html.add_child(folium.Element(
        f'<div style="position:fixed;top:8px;left:50px;z-index:1000;background:#fff;padding:4px 8px;'
        f'font:14px sans-serif">{title}</div>'))
    path = Path(path)
    m.save(str(path))
    return path
