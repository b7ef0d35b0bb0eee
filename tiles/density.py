"""Kernel-density surfaces of appeals per category: a cloud-optimized GeoTIFF in EPSG:3857,
served as coloured PNG XYZ tiles.

The surface is built from the database on first use and dropped by the tile cache when
the change log shows an appeal changed, so the heat map never lags the appeals.
Values are appeals per km² under a Gaussian kernel; the colour ramp is scaled to the
surface's own 99th percentile (kept in the GeoTIFF tags) so every tile uses one scale.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import rasterio
from django.conf import settings
from django.db import connection
from rasterio.enums import Resampling
from rasterio.transform import from_origin
from rasterio.windows import from_bounds

from gis.errors import QalaError
from layers.registry import registry
from tiles import grid
from tiles.imagery import encode_png

CELL_M = 25.0  # surface resolution in 3857 metres
BANDWIDTH_M = 250.0  # kernel standard deviation
TILE_PX = 256
ALL = "all"
CATEGORY = re.compile(r"^[\w-]{1,50}$")
# transparent -> yellow -> orange -> dark red, as (position, r, g, b, a)
RAMP = np.array([(0.0, 255, 255, 178, 0), (0.15, 254, 217, 118, 150), (0.4, 253, 141, 60, 200),
                 (0.7, 240, 59, 32, 220), (1.0, 189, 0, 38, 240)], dtype=float)


class BadCategory(QalaError):
    code = "bad-category"


class UnknownCategory(BadCategory):
    status = 404
    code = "unknown-category"


def directory() -> Path:
    from tiles.cache import cache_root

    return cache_root() / "raster" / "density"


def path_for(category: str) -> Path:
    if not CATEGORY.match(category):
        raise BadCategory(f"category must be letters, digits, _ or -; got {category!r}")
    return directory() / f"{category}.tif"


def known(category: str) -> None:
    """Surfaces are built on request and kept on disk: only for a catalog category or one some
    appeal carries (an index probe), or any name in a URL would leave a raster behind."""
    from layers.appeals import Appeal
    from layers.catalog import Category

    if category == ALL or Category.objects.filter(code=category).exists() \
            or Appeal.objects.filter(category=category).exists():
        return
    raise UnknownCategory(f"no appeal category {category!r}; use a catalog category or {ALL!r}")


def city_box_3857() -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = settings.QALA_CITY["bbox"]
    return (*grid.lonlat_to_3857(x0, y0), *grid.lonlat_to_3857(x1, y1))


def points(category: str) -> np.ndarray:
    table = registry.get("appeals").table
    sql = f'SELECT ST_X(geom_3857), ST_Y(geom_3857) FROM "{table}"'
    args = []
    if category != ALL:
        sql += " WHERE category = %s"
        args = [category]
    with connection.cursor() as cur:
        cur.execute(sql, args)
        return np.array(cur.fetchall(), dtype=float).reshape(-1, 2)


def gaussian_smooth(counts: np.ndarray, sigma_cells: float) -> np.ndarray:
    """Convolve with a Gaussian through the FFT (zero-padded, so no wrap-around)."""
    pad = int(4 * sigma_cells) + 1
    h, w = counts.shape
    shape = (h + 2 * pad, w + 2 * pad)
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.rfftfreq(shape[1])[None, :]
    kernel = np.exp(-2 * (np.pi * sigma_cells) ** 2 * (fx ** 2 + fy ** 2))
    padded = np.zeros(shape)
    padded[pad:pad + h, pad:pad + w] = counts
    out = np.fft.irfft2(np.fft.rfft2(padded) * kernel, s=shape)
    return np.clip(out[pad:pad + h, pad:pad + w], 0, None)


def build(category: str) -> Path:
    """Compute the surface and write it as a COG; returns its path."""
    out = path_for(category)
    x0, y0, x1, y1 = city_box_3857()
    w, h = int(np.ceil((x1 - x0) / CELL_M)), int(np.ceil((y1 - y0) / CELL_M))
    pts = points(category)
    counts, _, _ = np.histogram2d(y1 - pts[:, 1], pts[:, 0] - x0, bins=(h, w), range=((0, h * CELL_M), (0, w * CELL_M)))
    density = gaussian_smooth(counts, BANDWIDTH_M / CELL_M) / (CELL_M * CELL_M / 1e6)  # per km²
    positive = density[density > 1e-9]
    top = float(np.percentile(positive, 99)) if positive.size else 0.0
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(f".{os.getpid()}.tif")
    profile = {"driver": "COG", "width": w, "height": h, "count": 1, "dtype": "float32", "crs": "EPSG:3857",
               "transform": from_origin(x0, y1, CELL_M, CELL_M), "compress": "deflate", "blocksize": 256,
               "overview_resampling": "average"}
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(density.astype("float32"), 1)
        dst.update_tags(category=category, appeals=str(len(pts)), scale_max=str(top),
                        units="appeals per km2", bandwidth_m=str(BANDWIDTH_M))
    tmp.replace(out)
    return out


def colorize(values: np.ndarray, top: float) -> np.ndarray:
    """float surface -> RGBA uint8 (4, h, w) along RAMP."""
    t = np.clip(values / top, 0, 1) if top > 0 else np.zeros_like(values)
    bands = [np.interp(t, RAMP[:, 0], RAMP[:, i]) for i in range(1, 5)]
    rgba = np.stack(bands).astype("uint8")
    rgba[3][values <= top * 1e-3] = 0
    return rgba


def png_tile(category: str, z: int, x: int, y: int) -> bytes:
    grid.check(z, x, y)
    path = path_for(category)
    if not path.exists():
        known(category)
        build(category)
    with rasterio.open(path) as src:
        top = float(src.tags().get("scale_max", 0))
        window = from_bounds(*grid.bounds(z, x, y), transform=src.transform)
        values = src.read(1, window=window, out_shape=(TILE_PX, TILE_PX), boundless=True, fill_value=0,
                          resampling=Resampling.bilinear)
    return encode_png(colorize(values, top))


def drop_all() -> None:
    """Appeals changed: every surface is out of date."""
    d = directory()
    if d.is_dir():
        for f in d.glob("*.tif"):
            f.unlink(missing_ok=True)
