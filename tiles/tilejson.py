"""TileJSON 3.0 documents, generated from the registry."""
from __future__ import annotations

from django.conf import settings

from tiles import grid
from tiles.sources import fields, source_layers


def vector_layer(layer) -> dict:
    agg = layer.aggregate
    doc = {"id": layer.id, "description": layer.title("en"), "fields": fields(layer),
           "minzoom": 0 if agg else layer.min_zoom, "maxzoom": grid.max_zoom()}
    if agg:
        doc["description"] += (f"; at zoom {agg.max_zoom} and below: square-grid cells with `count` and "
                               f"`count_<{agg.by}>` per {agg.by}, never truncated")
    return doc


def tilejson(source: str, tile_url: str) -> dict:
    layers = source_layers(source)
    vector_layers = [vector_layer(layer) for layer in layers]
    city = settings.QALA_CITY
    lon, lat = city["center"]
    name = "Basemap" if source == "basemap" else layers[0].title("en")
    return {
        "tilejson": "3.0.0",
        "name": name,
        "scheme": "xyz",
        "tiles": [tile_url],
        "minzoom": min(v["minzoom"] for v in vector_layers),
        "maxzoom": grid.max_zoom(),
        "bounds": list(city["bbox"]),
        "center": [lon, lat, 12],
        "vector_layers": vector_layers,
        "description": "Empty tiles (below a layer's minzoom or with nothing in them) are 200 with no bytes.",
    }
