"""The MapLibre style and the legend, both generated from the layer registry.

Every source is one of our own /tiles/ endpoints and the background is a plain
colour: no outside glyphs, sprites or tile servers (the 109 center works offline),
so no layer here needs a font (no symbol text layers).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from layers.registry import Layer, registry
from tiles.sources import BASEMAP

# Dig orders are coloured by the state of their restoration deadline.
DEADLINE_SOON_DAYS = 7
DEADLINE_COLORS = {"overdue": "#d7191c", "soon": "#fdae61", "on_time": "#1a9641", "closed": "#9e9e9e"}
NETWORK_COLORS = {"heating": "#e6550d", "water": "#3182bd", "sewer": "#8c6d31", "storm": "#17becf",
                  "power": "#fdd835", "gas": "#9467bd"}
HIGHLIGHT = "#ff00ff"
TILE_MAX_ZOOM = 16
BACKGROUND = "#f4f1ea"
# metres per floor for the 3D view
FLOOR_HEIGHT_M = 3


def _kind(layer: Layer) -> str:
    g = layer.geometry_type
    if g.endswith("Point"):
        return "point"
    if g.endswith("LineString"):
        return "line"
    return "polygon"


def deadline_state_expression(today: dt.date) -> list:
    """A MapLibre expression: overdue / soon / on_time / closed from restore_by and closed_on (ISO strings)."""
    soon = (today + dt.timedelta(days=DEADLINE_SOON_DAYS)).isoformat()
    return ["case",
            ["to-boolean", ["get", "closed_on"]], DEADLINE_COLORS["closed"],
            ["<", ["to-string", ["get", "restore_by"]], today.isoformat()], DEADLINE_COLORS["overdue"],
            ["<=", ["to-string", ["get", "restore_by"]], soon], DEADLINE_COLORS["soon"],
            DEADLINE_COLORS["on_time"]]


# colours per value of a field, for a registry style's color_by
FIELD_COLORS = {"kind": NETWORK_COLORS}


def _color(layer: Layer, today: dt.date):
    by = layer.style.color_by
    if by == "deadline":
        return deadline_state_expression(today)
    if by:
        return ["match", ["get", by], *[v for pair in FIELD_COLORS[by].items() for v in pair], layer.style.color]
    return layer.style.color


def style_layers(layer: Layer, today: dt.date, visible: bool = True, source: str | None = None) -> list[dict]:
    """The MapLibre layers drawing one registry layer (ids start with the registry id)."""
    color = _color(layer, today)
    common = {"source": source or layer.id, "source-layer": layer.id, "minzoom": layer.min_zoom,
              "metadata": {"qala:layer": layer.id},
              "layout": {"visibility": "visible" if visible else "none"}}
    kind = _kind(layer)
    agg = layer.aggregate
    if agg:
        # at low zoom the tiles carry counts on a square grid: many points stay one light layer
        cells = {**common, "id": f"{layer.id}-cells", "type": "fill", "minzoom": 0, "maxzoom": agg.max_zoom + 1,
                 "filter": ["all", ["==", ["geometry-type"], "Polygon"], [">", ["coalesce", ["get", "count"], 0], 0]],
                 "paint": {"fill-color": ["interpolate", ["linear"], ["coalesce", ["get", "count"], 0],
                                          1, "#fee5d9", 10, "#fcae91", 50, "#fb6a4a", 200, "#cb181d"],
                           "fill-opacity": 0.6}}
        points = [{**lay, "minzoom": max(layer.min_zoom, agg.max_zoom + 1)}
                  for lay in style_layers_plain(layer, color, common, kind)]
        return [cells, *points]
    return style_layers_plain(layer, color, common, kind)


def style_layers_plain(layer: Layer, color, common: dict, kind: str) -> list[dict]:
    s = layer.style
    if kind == "point":
        return [{**common, "id": layer.id, "type": "circle",
                 "paint": {"circle-color": color, "circle-radius": s.radius, "circle-opacity": s.opacity,
                           "circle-stroke-color": "#ffffff", "circle-stroke-width": 0.5}}]
    if kind == "line":
        return [{**common, "id": layer.id, "type": "line",
                 "paint": {"line-color": color, "line-width": s.width, "line-opacity": s.opacity}}]
    out = []
    if s.fill:
        out.append({**common, "id": f"{layer.id}-fill", "type": "fill",
                    "paint": {"fill-color": color if s.color_by else s.fill,
                              "fill-opacity": s.opacity * 0.7}})
    out.append({**common, "id": f"{layer.id}-line", "type": "line",
                "paint": {"line-color": color, "line-width": s.width, "line-opacity": s.opacity}})
    if s.extrude_by:
        # the 3D view: hidden until the toggle, extruded by floors
        out.append({**common, "id": f"{layer.id}-3d", "type": "fill-extrusion", "minzoom": max(layer.min_zoom, 14),
                    "layout": {"visibility": "none"}, "metadata": {"qala:layer": layer.id, "qala:3d": True},
                    "paint": {"fill-extrusion-color": s.fill or s.color,
                              "fill-extrusion-height": ["*", ["coalesce", ["get", s.extrude_by], 1], FLOOR_HEIGHT_M],
                              "fill-extrusion-opacity": 0.85}})
    return out


def build_style(base_url: str, visible: set[str] | None = None, today: dt.date | None = None) -> dict:
    """The whole style: one vector source per registry layer, our tiles, a plain background.

    `visible` names the layers shown at first (None: all); the others are present but hidden
    so the planner's switcher can turn them on without reloading the style.
    """
    today = today or timezone.localdate()  # the city's date, not the server's UTC one
    base_url = base_url.rstrip("/")
    lon, lat = settings.QALA_CITY["center"]
    style = {"version": 8, "name": "qala", "center": [lon, lat], "zoom": 12,
             "sources": {}, "layers": [{"id": "background", "type": "background",
                                        "paint": {"background-color": BACKGROUND}}]}
    # the basemap's layers come in one combined tile: one request per map tile instead of six
    style["sources"]["basemap"] = {
        "type": "vector", "tiles": [f"{base_url}/tiles/basemap/{{z}}/{{x}}/{{y}}.mvt"],
        "minzoom": min(min(registry.get(name).min_zoom for name in BASEMAP), TILE_MAX_ZOOM), "maxzoom": TILE_MAX_ZOOM}
    for layer in registry:
        if not layer.on_map:
            continue
        source = "basemap" if layer.id in BASEMAP else layer.id
        if source == layer.id:
            style["sources"][layer.id] = {
                "type": "vector", "tiles": [f"{base_url}/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.mvt"],
                "minzoom": 0 if layer.aggregate else min(layer.min_zoom, TILE_MAX_ZOOM), "maxzoom": TILE_MAX_ZOOM,
            }
        style["layers"] += style_layers(layer, today, visible is None or layer.id in visible, source)
    # appeal density (a raster heat map from tiles/): the planner's hotspot layer, hidden until switched on
    style["sources"]["density"] = {"type": "raster", "tileSize": 256, "minzoom": 10, "maxzoom": TILE_MAX_ZOOM,
                                   "tiles": [f"{base_url}/tiles/raster/density/all/{{z}}/{{x}}/{{y}}.png"]}
    style["layers"].append({"id": "density", "type": "raster", "source": "density",
                            "metadata": {"qala:layer": "density"}, "paint": {"raster-opacity": 0.6},
                            "layout": {"visibility": "visible" if visible is not None and "density" in visible
                                       else "none"}})
    # what the operator found: the yard and the building, drawn on top
    style["sources"]["highlight"] = {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}
    style["layers"] += [
        {"id": "highlight-fill", "type": "fill", "source": "highlight",
         "paint": {"fill-color": HIGHLIGHT, "fill-opacity": 0.2}},
        {"id": "highlight-line", "type": "line", "source": "highlight",
         "paint": {"line-color": HIGHLIGHT, "line-width": 3}},
    ]
    return style


def legend(lang: str, layer_ids: list[str] | None = None) -> list[dict]:
    """Legend rows from the registry: title in the language, colour, kind of symbol."""
    rows = []
    for layer in registry:
        if not layer.on_map or (layer_ids is not None and layer.id not in layer_ids):
            continue
        rows.append({"id": layer.id, "title": layer.title(lang), "color": layer.style.color,
                     "fill": layer.style.fill or "", "kind": _kind(layer), "min_zoom": layer.min_zoom})
    return rows
