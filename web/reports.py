"""Self-contained report maps made with folium: one HTML file that opens with no network.

A district's appeal hotspots over a period: the district outline and a 250 m grid of
appeal counts, coloured by count. folium's stock page pulls Leaflet, jQuery and
Bootstrap from CDNs and a tile server; here the page keeps Leaflet only, inlined from
our own copy (scripts/install-assets), and has no base tiles, so the file works
offline and can be mailed. Counts only: no appeal's personal fields.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import folium
from django.conf import settings
from django.db import connection
from django.utils import timezone

from gis.errors import QalaError

CELL_M = 250
COLORS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
LOCAL = "qala-local:"


class UnknownDistrict(QalaError):
    status = 404
    code = "unknown-district"


class MissingAsset(QalaError):
    status = 500
    code = "missing-asset"


def _asset(name: str) -> str:
    path = settings.BASE_DIR / "web" / "static" / "vendor" / "leaflet" / name
    if not path.exists():
        raise MissingAsset(f"{path} is missing: run scripts/install-assets.")
    return path.read_text(encoding="utf-8")


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
    district, cells = hotspot_cells(district_id, days)
    lon, lat = settings.QALA_CITY["center"]
    m = folium.Map(location=[lat, lon], zoom_start=13, tiles=None, control_scale=True)
    # only Leaflet, from our copy; the CDN list (jQuery, Bootstrap, icons) goes
    m.default_js = [("leaflet", LOCAL + "leaflet.js")]
    m.default_css = [("leaflet", LOCAL + "leaflet.css")]
    folium.GeoJson(district, name=district["properties"]["name"],
                   style_function=lambda f: {"color": "#6a5acd", "weight": 2, "fill": False}).add_to(m)
    top = max((c["properties"]["appeals"] for c in cells["features"]), default=0)
    if cells["features"]:
        folium.GeoJson(cells, name="appeals",
                       style_function=lambda f: {"color": "#555", "weight": 0.3, "fillOpacity": 0.7,
                                                 "fillColor": _color(f["properties"]["appeals"], top)},
                       tooltip=folium.GeoJsonTooltip(fields=["appeals"])).add_to(m)
    m.fit_bounds(folium.GeoJson(district).get_bounds())
    html = m.get_root().render()
    html = re.sub(r'<script src="qala-local:([\w.]+)"></script>',
                  lambda mo: "<script>" + _asset(mo.group(1)).replace("</script", "<\\/script") + "</script>", html)
    html = re.sub(r'<link rel="stylesheet" href="qala-local:([\w.]+)"\s*/?>',
                  lambda mo: "<style>" + _asset(mo.group(1)) + "</style>", html)
    return html
