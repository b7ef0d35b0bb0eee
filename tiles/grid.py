"""The XYZ tile grid in Web Mercator (EPSG:3857): checking z/x/y and tile bounds.

Pure arithmetic, no database: the cache uses it to find the tiles a change touches.
"""
from __future__ import annotations

import math
from typing import Iterator

from django.conf import settings

from gis.errors import QalaError

HALF_WORLD = 20037508.342789244  # metres from the origin to the edge of the 3857 square
EXTENT = 4096  # MVT tile coordinates
BUFFER = 64  # MVT units drawn beyond the tile edge so lines and labels join


class TileOutOfRange(QalaError):
    status = 404
    code = "tile-out-of-range"


def max_zoom() -> int:
    return settings.QALA_TILES["max_zoom"]


def check(z: int, x: int, y: int) -> tuple[int, int, int]:
    """Refuse a tile that is not in the grid, naming the valid range."""
    top = max_zoom()
    if not 0 <= z <= top:
        raise TileOutOfRange(f"zoom {z} is outside 0..{top}", z=z, x=x, y=y)
    n = 1 << z
    if not (0 <= x < n and 0 <= y < n):
        raise TileOutOfRange(f"tile {z}/{x}/{y} is outside the grid: x and y must be in 0..{n - 1} at zoom {z}",
                             z=z, x=x, y=y)
    return z, x, y


def tile_size(z: int) -> float:
    return 2 * HALF_WORLD / (1 << z)


def bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """xmin, ymin, xmax, ymax in EPSG:3857 (the same as ST_TileEnvelope)."""
    size = tile_size(z)
    xmin = -HALF_WORLD + x * size
    ymax = HALF_WORLD - y * size
    return xmin, ymax - size, xmin + size, ymax


def tile_range(z: int, box: tuple[float, float, float, float], buffer: float = BUFFER / EXTENT
               ) -> tuple[int, int, int, int]:
    """x0, y0, x1, y1 (inclusive) of the tiles at z whose buffered envelope meets box (3857)."""
    size = tile_size(z)
    pad = size * buffer
    n = (1 << z) - 1
    x0 = math.floor((box[0] - pad + HALF_WORLD) / size)
    x1 = math.floor((box[2] + pad + HALF_WORLD) / size)
    y0 = math.floor((HALF_WORLD - box[3] - pad) / size)
    y1 = math.floor((HALF_WORLD - box[1] + pad) / size)
    return max(0, x0), max(0, y0), min(n, x1), min(n, y1)


def lonlat_to_3857(lon: float, lat: float) -> tuple[float, float]:
    x = lon * HALF_WORLD / 180.0
    y = math.log(math.tan((90 + lat) * math.pi / 360.0)) * HALF_WORLD / math.pi
    return x, y


def tiles_in_bbox(bbox: tuple[float, float, float, float], zooms) -> Iterator[tuple[int, int, int]]:
    """Every tile at the given zooms covering a lon/lat bbox (what `qala tiles seed` renders)."""
    x0, y0 = lonlat_to_3857(bbox[0], bbox[1])
    x1, y1 = lonlat_to_3857(bbox[2], bbox[3])
    for z in zooms:
        tx0, ty0, tx1, ty1 = tile_range(z, (x0, y0, x1, y1), buffer=0)
        for x in range(tx0, tx1 + 1):
            for y in range(ty0, ty1 + 1):
                yield z, x, y
