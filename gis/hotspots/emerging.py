"""Emerging hot spots: a space-time cube of appeal counts, Gi* per time slice,
a Mann-Kendall trend of each location's Gi* z-scores, and Esri's categories.

Gi* is computed per slice with spatial neighbours only (each slice its own mean and
variance), not with Esri's space-time neighbourhood: a slice's hot spots then mean
"hot compared with the city in that quarter", which is what a planner compares, and
a slice's statistics do not leak into the next. FDR is applied per slice. The price:
a steady hot spot beside one that keeps growing reads as diminishing, since each
quarter is compared with that quarter's city.

With `time_window=k` > 0 the cube is analysed as Esri does instead: one Gi* over all
bins of the cube, a bin's neighbours being its spatial neighbours in its own slice and
in the k slices before it (Esri's "neighborhood time step"), FDR over the whole cube.

Categories follow Esri's "How Emerging Hot Spot Analysis works" (hot; cold mirrored):
- new: significant hot in the final slice only, never before;
- consecutive: one uninterrupted run of >= 2 hot slices ending with the final one,
  never hot before the run, fewer than 90 % of slices hot;
- intensifying / persistent / diminishing: hot in >= 90 % of slices including the
  final one, with a significant upward / no / downward Mann-Kendall trend of z;
- sporadic: hot in the final slice, on and off before, < 90 % hot, never cold;
- oscillating: hot in the final slice, cold in some earlier slice, < 90 % hot;
- historical: >= 90 % of slices hot but not the final one.
"Significant" is a confidence bin of at least `min_level` (1 = 90 %, Esri's default).
"""
from __future__ import annotations

from datetime import datetime

import geopandas as gpd
import numpy as np
from django.conf import settings
from django.db import connection, transaction
from scipy import sparse, stats

from .errors import BadParameter, EmptyPeriod
from .getis_ord import confidence_bins, gi_star_z, two_sided_p
from .grid import EXTENT_SQL, Grid, cell_range, check_filters, grid_weights, no_jit

CATEGORIES = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
              "oscillating", "historical")


def mann_kendall(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mann-Kendall test of each row of x (locations x time): S, z, two-sided p.

    Variance corrected for ties; z has the continuity correction (S -/+ 1), as in
    Kendall (1975) and pymannkendall's original_test.
    """
    x = np.atleast_2d(np.asarray(x, dtype=float))
    n = x.shape[1]
    if n < 3:
        raise BadParameter(f"a trend needs at least 3 time slices, got {n}")
    diff = x[:, None, :] - x[:, :, None]  # [l, i, j] = x_j - x_i
    upper = np.triu(np.ones((n, n), bool), 1)
    s = np.sign(diff[:, upper]).sum(axis=1)
    # each value's tie-group size m: a group of size t adds t(t-1)(2t+5), i.e. (m-1)(2m+5) per member
    m = (x[:, :, None] == x[:, None, :]).sum(axis=2)
    ties = ((m - 1) * (2 * m + 5)).sum(axis=1)
    var = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(s > 0, (s - 1) / np.sqrt(var), np.where(s < 0, (s + 1) / np.sqrt(var), 0.0))
    z = np.nan_to_num(z)
    return s, z, 2 * stats.norm.sf(np.abs(z))


def _trailing_run(sig: np.ndarray) -> np.ndarray:
    """Length of the run of True ending at the last slice, per location (sig is T x L)."""
    run = np.zeros(sig.shape[1], int)
    alive = np.ones(sig.shape[1], bool)
    for t in range(sig.shape[0] - 1, -1, -1):
        alive &= sig[t]
        run += alive
    return run


def categorize(bins: np.ndarray, trend_z: np.ndarray, trend_p: np.ndarray, alpha: float = 0.05,
               min_level: int = 1) -> np.ndarray:
    """Esri's category of every location from its bins over time (T x L) and its trend."""
    bins = np.asarray(bins)
    n_t, n_l = bins.shape
    out = np.full(n_l, "no pattern", dtype=object)
    need = 0.9 * n_t
    final = {}
    for sign, word in ((1, "hot"), (-1, "cold")):
        sig = bins * sign >= min_level
        opposite = bins * -sign >= min_level
        count = sig.sum(axis=0)
        last = sig[-1]
        mostly = count >= need
        rising = (trend_p < alpha) & (trend_z * sign > 0)
        falling = (trend_p < alpha) & (trend_z * sign < 0)
        run = _trailing_run(sig)
        out[mostly & ~last] = f"historical {word} spot"
        final[word] = [
            (mostly & last & rising, "intensifying"),
            (mostly & last & falling, "diminishing"),
            (mostly & last & ~rising & ~falling, "persistent"),
            (~mostly & last & (count == 1), "new"),
            (~mostly & last & (run >= 2) & (run == count), "consecutive"),
            (~mostly & last & (count > run) & opposite[:-1].any(axis=0), "oscillating"),
            (~mostly & last & (count > run), "sporadic"),
        ]
    # the final slice decides over a history: assign in reverse order so the first rule wins
    for word, rules in final.items():
        for mask, name in reversed(rules):
            out[mask] = f"{name} {word} spot"
    return out


def slice_statistics(cube: np.ndarray, w, fdr: bool = True):
    """Gi* z, p and bins of every slice of a (T x L) cube with one weights matrix."""
    z = np.vstack([gi_star_z(y, w) for y in cube])
    p = two_sided_p(z)
    bins = np.vstack([confidence_bins(zt, pt, fdr=fdr) for zt, pt in zip(z, p)])
    return z, p, bins


def space_time_weights(w, slices: int, time_window: int):
    """Weights over the flattened cube (slice-major): spatial neighbours in the same slice
    and in the `time_window` slices before it."""
    if not 0 < time_window < slices:
        raise BadParameter(f"time window must be between 1 and {slices - 1} slices, got {time_window}")
    back = sum(sparse.eye(slices, k=-d, format="csr") for d in range(time_window + 1))
    return sparse.kron(back, sparse.csr_matrix(w), format="csr")


def emerging(cube: np.ndarray, w, fdr: bool = True, alpha: float = 0.05, min_level: int = 1,
             time_window: int = 0) -> dict:
    """The whole analysis on a cube of counts (T x L): slices, trend and category."""
    cube = np.asarray(cube, dtype=float)
    if cube.ndim != 2 or cube.shape[0] < 3:
        raise BadParameter("emerging hot spots need a cube of at least 3 time slices")
    if time_window:
        z = gi_star_z(cube.ravel(), space_time_weights(w, cube.shape[0], time_window)).reshape(cube.shape)
        p = two_sided_p(z)
        bins = confidence_bins(z.ravel(), p.ravel(), fdr=fdr).reshape(cube.shape)
    else:
        z, p, bins = slice_statistics(cube, w, fdr)
    _, tz, tp = mann_kendall(z.T)
    return {"z": z, "p": p, "bins": bins, "trend_z": tz, "trend_p": tp,
            "category": categorize(bins, tz, tp, alpha, min_level)}


def add_months(when: datetime, months: int) -> datetime:
    k = when.year * 12 + when.month - 1 + months
    return when.replace(year=k // 12, month=k % 12 + 1, day=1)


def slice_edges(end: datetime, slices: int = 12, months: int = 3) -> list[datetime]:
    """Slice boundaries going back from the first day of `end`'s month."""
    if months not in (1, 3):
        raise BadParameter(f"time step must be 1 or 3 months, got {months}")
    if not 3 <= slices <= 120:
        raise BadParameter(f"use between 3 and 120 time slices, got {slices}")
    last = end.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return [add_months(last, -months * k) for k in range(slices, -1, -1)]


CUBE_SQL = """
SELECT width_bucket(a.registered_at, %(edges)s::timestamptz[]) - 1,
       floor(ST_X(p) / %(size)s)::int, floor(ST_Y(p) / %(size)s)::int, count(*)
FROM layers_appeal a, LATERAL ST_Transform(a.geom, %(srid)s) AS p
WHERE a.registered_at >= %(start)s AND a.registered_at < %(end)s
  AND (%(category)s::text IS NULL OR a.category = %(category)s)
  AND (%(incident_type)s::text IS NULL OR a.incident_type = %(incident_type)s)
  AND (%(district)s::text IS NULL OR a.district_id = (SELECT id FROM layers_district WHERE code = %(district)s))
GROUP BY 1, 2, 3
"""


def appeal_cube(cell_size: float, end: datetime, slices: int = 12, months: int = 3, category=None,
                district=None, incident_type=None, srid=None):
    """(grid with total counts, T x L cube, slice edges), counted in one SQL statement."""
    city = settings.QALA_CITY
    srid = srid or city["metric_srid"]
    edges = slice_edges(end, slices, months)
    x0, y0, x1, y1 = city["bbox"]
    params = {"size": float(cell_size), "srid": srid, "edges": edges, "start": edges[0], "end": edges[-1],
              "category": category, "incident_type": incident_type, "district": district,
              "x0": x0, "y0": y0, "x1": x1, "y1": y1}
    with transaction.atomic(), connection.cursor() as cur:
        check_filters(cur, category, district, edges[0], edges[-1], incident_type)
        cur.execute(EXTENT_SQL, params)
        extent = cur.fetchone()
        i0, j0, i1, j1 = cell_range(extent, float(cell_size))
        no_jit(cur)
        cur.execute(CUBE_SQL, params)
        rows = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 4)
    if rows[:, 3].sum() == 0:
        raise EmptyPeriod(f"no appeals between {edges[0]:%Y-%m-%d} and {edges[-1]:%Y-%m-%d} with these filters")
    ni, nj = i1 - i0 + 1, j1 - j0 + 1
    cube = np.zeros((slices, nj, ni))
    t, ci, cj, n = rows.T
    keep = (ci >= i0) & (ci <= i1) & (cj >= j0) & (cj <= j1)
    np.add.at(cube, (t[keep], cj[keep] - j0, ci[keep] - i0), n[keep])
    grid = Grid(size=float(cell_size), i0=i0, j0=j0, counts=cube.sum(axis=0))
    return grid, cube.reshape(slices, -1), edges


def emerging_hotspots(cell_size: float, end: datetime, slices: int = 12, months: int = 3,
                      category=None, district=None, incident_type=None, band=None, k=None,
                      fdr=True, time_window: int = 0, srid=None) -> gpd.GeoDataFrame:
    """Emerging hot-spot category of every cell with appeals in the cube, in the metric CRS."""
    srid = srid or settings.QALA_CITY["metric_srid"]
    grid, cube, edges = appeal_cube(cell_size, end, slices, months, category, district, incident_type, srid)
    result = emerging(cube, grid_weights(grid, band, k), fdr=fdr, time_window=time_window)
    i, j = grid.ij()
    frame = gpd.GeoDataFrame(
        {"i": i, "j": j, "count": cube.sum(axis=0).astype(int), "category": result["category"],
         "trend_z": result["trend_z"], "trend_p": result["trend_p"],
         "hot_slices": (result["bins"] > 0).sum(axis=0), "cold_slices": (result["bins"] < 0).sum(axis=0),
         "last_bin": result["bins"][-1]},
        geometry=grid.polygons(), crs=srid)
    frame.attrs["slices"] = [e.isoformat() for e in edges]
    return frame[frame["count"] > 0].reset_index(drop=True)
