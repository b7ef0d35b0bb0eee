"""Imported imagery (an orthophoto): any GeoTIFF rasterio reads, reprojected once to a
cloud-optimized GeoTIFF in EPSG:3857 and served as PNG XYZ tiles.

Reprojecting at import, not per tile, keeps a tile to one windowed read (overviews serve
the low zooms); outside the image the tile is transparent.
"""
from __future__ import annotations

import os
import re
import warnings
from pathlib import Path

import numpy as np
import rasterio
import rasterio.shutil
from django.conf import settings
from rasterio.enums import Resampling
from rasterio.errors import NotGeoreferencedWarning, RasterioIOError
from rasterio.io import MemoryFile
from rasterio.vrt import WarpedVRT
from rasterio.windows import from_bounds

from gis.errors import QalaError
from tiles import grid

NAME = re.compile(r"^[\w-]{1,50}$")
TILE_PX = 256


class UnknownImagery(QalaError):
    status = 404
    code = "unknown-imagery"


class BadImagery(QalaError):
    code = "bad-imagery"


def directory() -> Path:
    return Path(settings.QALA_TILES["raster_dir"])


def path_for(name: str) -> Path:
    if not NAME.match(name):
        raise BadImagery(f"imagery name must be letters, digits, _ or -; got {name!r}")
    return directory() / f"{name}.tif"


def import_file(source: str | Path, name: str) -> Path:
    """Reproject a georeferenced image to EPSG:3857 and store it as a COG under the name."""
    out = path_for(name)
    try:
        src = rasterio.open(source)
    except RasterioIOError as exc:
        raise BadImagery(f"cannot read {source}: {exc}") from None
    with src:
        if src.crs is None:
            raise BadImagery(f"{source} has no coordinate reference system")
        if src.count < 3 or src.dtypes[0] != "uint8":
            raise BadImagery(f"{source}: expected an 8-bit RGB(A) image, got {src.count} band(s) of {src.dtypes[0]}")
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(f".{os.getpid()}.tif")
        with WarpedVRT(src, crs="EPSG:3857", resampling=Resampling.bilinear, add_alpha=src.count == 3) as vrt:
            rasterio.shutil.copy(vrt, tmp, driver="COG", compress="deflate", blocksize=256,
                                 overview_resampling="average")
    tmp.replace(out)
    return out


def png_tile(name: str, z: int, x: int, y: int) -> bytes:
    grid.check(z, x, y)
    path = path_for(name)
    if not path.exists():
        raise UnknownImagery(f"no imagery named {name!r}; import it with `qala tiles import-raster`")
    with rasterio.open(path) as src:
        window = from_bounds(*grid.bounds(z, x, y), transform=src.transform)
        rgba = src.read([1, 2, 3, 4], window=window, out_shape=(4, TILE_PX, TILE_PX), boundless=True,
                        fill_value=0, resampling=Resampling.bilinear)
    return encode_png(rgba.astype(np.uint8))


def encode_png(rgba: np.ndarray) -> bytes:
    with warnings.catch_warnings(), MemoryFile() as mem:
        warnings.simplefilter("ignore", NotGeoreferencedWarning)  # a PNG tile has no georeferencing
        with mem.open(driver="PNG", width=rgba.shape[2], height=rgba.shape[1], count=4, dtype="uint8") as png:
            png.write(rgba)
        return mem.read()
