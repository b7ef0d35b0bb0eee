"""Pre-warming the cache and writing an offline MBTiles copy (SQLite, spec 1.3).

Both go through tiles.service.get_tile, so a seeded tile is exactly what the server
would send, and an export reuses whatever the cache already holds.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Iterable

from django.conf import settings

from gis.errors import QalaError
from tiles import grid
from tiles.service import get_tile
from tiles.tilejson import tilejson


class BadTileRange(QalaError):
    code = "bad-tile-range"


def parse_zooms(text: str) -> list[int]:
    """'12', '10-14' or '10,12,14'."""
    try:
        if "-" in text:
            lo, hi = (int(v) for v in text.split("-", 1))
            zooms = list(range(lo, hi + 1))
        else:
            zooms = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise BadTileRange(f"zooms must look like 12, 10-14 or 10,12,14; got {text!r}") from None
    if not zooms or any(not 0 <= z <= grid.max_zoom() for z in zooms):
        raise BadTileRange(f"zooms must be within 0..{grid.max_zoom()}; got {text!r}")
    return zooms


def parse_bbox(text: str | None) -> tuple[float, float, float, float]:
    """lon_min,lat_min,lon_max,lat_max in EPSG:4326; the city's extent when not given."""
    if not text:
        return tuple(settings.QALA_CITY["bbox"])
    try:
        box = tuple(float(v) for v in text.split(","))
    except ValueError:
        box = ()
    if len(box) != 4 or not (box[0] < box[2] and box[1] < box[3]) or not (-180 <= box[0] and box[2] <= 180
                                                                         and -85.06 <= box[1] and box[3] <= 85.06):
        raise BadTileRange(f"bbox must be lon_min,lat_min,lon_max,lat_max in degrees; got {text!r}")
    return box


def seed(sources: Iterable[str], bbox, zooms) -> dict[str, int]:
    """Render (or find cached) every tile; returns counts by where each came from."""
    counts = {"miss": 0, "memory": 0, "disk": 0, "empty": 0}
    for source in sources:
        for z, x, y in grid.tiles_in_bbox(bbox, zooms):
            tile = get_tile(source, z, x, y)
            counts[tile.source] += 1
            counts["empty"] += not tile.gz
    return counts


def export(out: Path, source: str, bbox, zooms) -> int:
    """Write the non-empty tiles of one source to an MBTiles file; returns how many."""
    out = Path(out)
    if out.exists():
        out.unlink()
    doc = tilejson(source, "")
    db = sqlite3.connect(out)
    try:
        db.executescript(
            "CREATE TABLE metadata (name text, value text);"
            "CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer, tile_data blob);"
            "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
        )
        meta = {
            "name": doc["name"], "format": "pbf", "type": "baselayer", "version": "1",
            "description": f"Qala {source} tiles, {settings.QALA_CITY['name']}",
            "bounds": ",".join(str(v) for v in bbox),
            "center": ",".join(str(v) for v in (*settings.QALA_CITY["center"], min(zooms))),
            "minzoom": str(min(zooms)), "maxzoom": str(max(zooms)),
            "json": json.dumps({"vector_layers": doc["vector_layers"]}),
        }
        db.executemany("INSERT INTO metadata VALUES (?, ?)", meta.items())
        n = 0
        for z, x, y in grid.tiles_in_bbox(bbox, zooms):
            tile = get_tile(source, z, x, y)
            if tile.gz:
                # MBTiles rows count from the south (TMS); tile data is gzipped MVT
                db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, (1 << z) - 1 - y, tile.gz))
                n += 1
        db.commit()
    finally:
        db.close()
    return n
