"""folium maps that open with no network, for reports people mail or keep.

folium's stock page pulls Leaflet, jQuery and Bootstrap from CDNs and tiles from an
outside server; here the page keeps Leaflet only, inlined from our npm copy
(scripts/install-assets), and has no base map unless a tile URL of ours is given.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from gis.errors import QalaError

if TYPE_CHECKING:
    import folium

LEAFLET = settings.BASE_DIR / "web" / "static" / "vendor" / "leaflet"


class MissingAsset(QalaError):
    status = 500
    code = "missing-asset"


def _asset(name: str) -> str:
    path = LEAFLET / name
    if not path.exists():
        raise MissingAsset(f"{path} is missing: run scripts/install-assets (make run does).")
    return path.read_text(encoding="utf-8")


def offline_map(location, zoom_start: int = 13, tiles: str | None = None, **kwargs) -> folium.Map:
    import folium  # loaded by a report, not by every worker that starts

    m = folium.Map(location=location, zoom_start=zoom_start, tiles=tiles, attr="Qala" if tiles else None, **kwargs)
    m.default_js, m.default_css = [], []
    head = m.get_root().header
    head.add_child(folium.Element(f"<style>{_asset('leaflet.css')}</style>"), name="leaflet_css")
    script = _asset("leaflet.js").replace("</script", "<\\/script")
    head.add_child(folium.Element(f"<script>{script}</script>"), name="leaflet")
    return m
