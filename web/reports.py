"""Self-contained report maps made with folium: one HTML file that opens with no network.

A district's appeal hotspots over a period: the district outline and a 250 m grid of
appeal counts, coloured by count. The page comes from gis.offline_map (Leaflet inlined,
no CDN, no base tiles), so the file works offline and can be mailed. Counts only: no appeal's personal fields.
"""
from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.db import connection
from django.utils import timezone

from gis.errors import QalaError
from gis.offline_map import offline_map

CELL_M = 250
COLORS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]


class UnknownDistrict(QalaError):
    status = 404
    code = "unknown-district"


def hotspot_cells(district_id: int, days: int) -> tuple[dict, dict]:
    """(district feature, grid cells with counts) in EPSG:4326 GeoJSON."""
    since = timezone.now() - dt.timedelta(days=days)
    with connection.cursor() as cur:
        cur.execute("SELECT name, ST_AsGeoJSON(geom, 6) FROM layers_district WHERE id = %s", [district_id])
        row = cur.fetchone()
        if row is None:
            raise UnknownDistrict(f"No district {district_id}.")
        name, geom = row
        cur.execute("""
            SELECT ST_AsGeoJSON(ST_Transform(g.geom, 4326), 6), count(*)
            FROM layers_appeal a
            JOIN layers_district d ON d.id = %(d)s AND a.geom && d.geom AND ST_Covers(d.geom, a.geom)
            CROSS JOIN LATERAL ST_SquareGrid(%(cell)s, a.geom_3857) g
            WHERE a.registered_at >= %(since)s AND ST_Intersects(g.geom, a.geom_3857)
            GROUP BY g.geom ORDER BY 2 DESC LIMIT 5000""", {"d": district_id, "cell": CELL_M, "since": since})
        cells = [{"type": "Feature", "geometry": json.loads(g), "properties": {"appeals": n}}
                 for g, n in cur.fetchall()]
    district = {"type": "Feature", "geometry": json.loads(geom), "properties": {"name": name}}
    return district, {"type": "FeatureCollection", "features": cells}


def _color(n: int, top: int) -> str:
    return COLORS[min(len(COLORS) - 1, int(len(COLORS) * n / (top + 1)))]


def district_report(district_id: int, days: int = 365) -> str:
    """The HTML of one district's hotspot map, with Leaflet inlined and nothing fetched."""
    import folium

    district, cells = hotspot_cells(district_id, days)
    lon, lat = settings.QALA_CITY["center"]
    m = offline_map([lat, lon], 13, control_scale=True)
    folium.GeoJson(district, name=district["properties"]["name"],
                   style_function=lambda f: {"color": "#6a5acd", "weight": 2, "fill": False}).add_to(m)
    top = max((c["properties"]["appeals"] for c in cells["features"]), default=0)
    if cells["features"]:
        folium.GeoJson(cells, name="appeals",
                       style_function=lambda f: {"color": "#555", "weight": 0.3, "fillOpacity": 0.7,
                                                 "fillColor": _color(f["properties"]["appeals"], top)},
                       tooltip=folium.GeoJsonTooltip(fields=["appeals"])).add_to(m)
    m.fit_bounds(folium.GeoJson(district).get_bounds())
    return m.get_root().render()
