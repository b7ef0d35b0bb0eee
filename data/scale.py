"""Benchmark data: millions of appeals inside the demo city, streamed to CSV or GeoPackage in chunks.

Each chunk covers its own slice of the three years, so registration numbers run on in
order across chunks and memory stays flat whatever the total.
"""
from __future__ import annotations

import csv
import logging
from pathlib import Path

import numpy as np
import shapely
from tqdm import tqdm

from data import appeals as ap
from data.city import SCALES, make_plan, metric_to_wgs84
from data.generate import DEFAULT_SEED, city_frame, sites
from data.networks import edges
from gis.errors import QalaError

FORMATS = ("csv", "gpkg")
COLUMNS = ["number", "lon", "lat", "category", "incident_type", "status", "channel", "registered_at",
           "due_at", "closed_at"]


class ScaleDataError(QalaError):
    code = "scale-data"


def chunks(n: int, seed: int = DEFAULT_SEED, chunk: int = 200_000, centre=None, srid: int | None = None):
    """Yield dicts of column arrays, about `chunk` appeals each, `n` in all, in registration order,
    around the configured city unless a centre and metric CRS are given."""
    if n < 1:
        raise ScaleDataError("the number of appeals must be positive")
    centre, srid = city_frame(centre, srid)
    plan = make_plan(seed, SCALES["full"], centre, srid)
    site = sites(plan, edges(plan))
    rng = np.random.default_rng([seed, n])
    end = ap.REFERENCE
    start = end - np.timedelta64(ap.YEARS_BACK * 365, "D")
    parts = max(1, -(-n // chunk))
    days = int((end - start) // np.timedelta64(1, "D"))
    bounds = start + (days * np.arange(parts + 1) // parts).astype("timedelta64[D]")
    sizes = np.diff(np.linspace(0, n, parts + 1).astype(int))
    sequence: dict[int, int] = {}
    for k in range(parts):
        t = ap.sample_times(rng, int(sizes[k]), bounds[k], bounds[k + 1])
        types = ap.sample_types(rng, t)
        xy, _, _ = ap.sample_places(rng, site, types)
        xy = xy + rng.normal(0, 4, xy.shape)  # a caller is rarely geocoded to the exact centroid
        life = ap.lifecycle(rng, t, types)
        lonlat = shapely.get_coordinates(metric_to_wgs84(shapely.points(xy), srid))
        yield {
            "number": np.array(ap.numbers(t, sequence)), "lon": lonlat[:, 0].round(7), "lat": lonlat[:, 1].round(7),
            "category": np.array(ap.CATEGORY_NAMES)[ap.TYPE_CATEGORY[types]],
            "incident_type": np.array(ap.TYPE_NAMES)[types], "status": life["status"],
            "channel": ap.channels(rng, len(t)), "registered_at": _iso(t), "due_at": _iso(life["due"]),
            "closed_at": _iso(life["closed"]),
        }


def _iso(a: np.ndarray) -> np.ndarray:
    s = np.char.add(np.datetime_as_string(a, unit="s"), "Z")
    return np.where(np.isnat(a), "", s)


def write(n: int, fmt: str, out: Path, seed: int = DEFAULT_SEED, chunk: int = 200_000, progress: bool = True) -> int:
    if fmt not in FORMATS:
        raise ScaleDataError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    if not out.parent.is_dir():
        raise ScaleDataError(f"folder {out.parent} does not exist")
    if out.exists():
        out.unlink()
    written = 0
    with tqdm(total=n, unit="appeal", disable=not progress) as bar:
        if fmt == "csv":
            with open(out, "w", newline="", encoding="utf-8") as fh:
                writer = csv.writer(fh)
                writer.writerow(COLUMNS)
                for part in chunks(n, seed, chunk):
                    writer.writerows(zip(*(part[c].tolist() for c in COLUMNS)))
                    written += len(part["number"])
                    bar.update(len(part["number"]))
        else:
            import geopandas as gpd
            import pyogrio

            logging.getLogger("pyogrio").setLevel(logging.WARNING)  # not one line per chunk

            for part in chunks(n, seed, chunk):
                frame = gpd.GeoDataFrame({c: part[c] for c in COLUMNS if c not in ("lon", "lat")},
                                         geometry=gpd.points_from_xy(part["lon"], part["lat"]), crs=4326)
                pyogrio.write_dataframe(frame, out, layer="appeals", append=written > 0)
                written += len(frame)
                bar.update(len(frame))
    return written
