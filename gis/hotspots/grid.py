"""Appeals counted into square cells of a metric CRS, then Gi* per cell.

Cells are ST_SquareGrid's: cell (i, j) spans [i*size, (i+1)*size) x [j*size, (j+1)*size)
in the metric CRS, so a point's cell is floor(x/size), floor(y/size). Counting that
way in one GROUP BY is much faster than joining points to generated squares. Every
cell of the study extent takes part, empty ones with 0: Gi* compares a cell's
neighbourhood with the whole study area.

Hexagons are ST_HexagonGrid's (flat-topped, edge = size, column i, row j, odd columns
shifted half a row up); a point's hexagon is found by cube rounding of its axial
coordinates, also inside the one GROUP BY.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import numpy as np
import shapely
from django.conf import settings
from django.db import connection, transaction

from . import weights as W
from .errors import BadCellSize, BadParameter, EmptyPeriod, UnknownCategory
from .getis_ord import GiResult, gi_star

MAX_CELLS = 4_000_000
SHAPES = ("square", "hex")
SQRT3 = float(np.sqrt(3.0))


@dataclass
class Grid:
    """A rectangle of cells: i0..i1, j0..j1 inclusive, and the count in each."""
    size: float
    i0: int
    j0: int
    counts: np.ndarray  # shape (rows=nj, cols=ni)
    kind: str = "square"  # or "hex"

    @property
    def shape(self):
        return self.counts.shape

    def ij(self):
        nj, ni = self.counts.shape
        jj, ii = np.mgrid[0:nj, 0:ni]
        return ii.ravel() + self.i0, jj.ravel() + self.j0

    def centres(self) -> np.ndarray:
        i, j = self.ij()
        if self.kind == "hex":
            return np.column_stack([1.5 * self.size * i, SQRT3 * self.size * (j + 0.5 * np.mod(i, 2))])
        return np.column_stack([(i + 0.5) * self.size, (j + 0.5) * self.size])

    def polygons(self):
        if self.kind == "hex":
            c = self.centres()
            angles = np.radians(np.arange(0, 361, 60))
            ring = np.stack([c[:, None, 0] + self.size * np.cos(angles), c[:, None, 1] + self.size * np.sin(angles)],
                            axis=-1)
            return shapely.polygons(ring)
        i, j = self.ij()
        return shapely.box(i * self.size, j * self.size, (i + 1) * self.size, (j + 1) * self.size)

    @property
    def default_band(self) -> float:
        """The touching cells: 8 squares (centres 1.41 cells away) or 6 hexagons (1.73 edges)."""
        return (2.0 if self.kind == "hex" else 1.5) * self.size


def hex_cells(x, y, size: float):
    """ST_HexagonGrid (i, j) of metric points: axial coordinates, cube rounding, odd-q offset."""
    q = (2.0 / 3.0) * np.asarray(x, float) / size
    r = (-np.asarray(x, float) / 3.0 + SQRT3 / 3.0 * np.asarray(y, float)) / size
    s = -q - r
    rq, rr, rs = np.round(q), np.round(r), np.round(s)
    dq, dr, ds = np.abs(rq - q), np.abs(rr - r), np.abs(rs - s)
    fix_q = (dq > dr) & (dq > ds)
    fix_r = ~fix_q & (dr > ds)
    rq = np.where(fix_q, -rr - rs, rq)
    rr = np.where(fix_r, -rq - rs, rr)
    return rq.astype(int), (rr + np.floor(rq / 2.0)).astype(int)


def cell_range(extent, size: float, kind: str = "square") -> tuple[int, int, int, int]:
    """Cell index range covering a metric extent (xmin, ymin, xmax, ymax); checks the size."""
    xmin, ymin, xmax, ymax = extent
    if kind not in SHAPES:
        raise BadParameter(f"cell shape must be one of {', '.join(SHAPES)}, got {kind!r}")
    if not size > 0:
        raise BadCellSize(f"cell size must be positive metres, got {size}", cell_size=size)
    if size >= min(xmax - xmin, ymax - ymin):
        raise BadCellSize(f"cell size {size:g} m is not smaller than the study area "
                          f"({xmax - xmin:.0f} x {ymax - ymin:.0f} m)", cell_size=size)
    if kind == "hex":  # every hexagon reaching into the extent
        i0, i1 = int(np.floor(xmin / (1.5 * size))) - 1, int(np.ceil(xmax / (1.5 * size))) + 1
        j0, j1 = int(np.floor(ymin / (SQRT3 * size))) - 1, int(np.ceil(ymax / (SQRT3 * size))) + 1
    else:
        i0, i1 = int(np.floor(xmin / size)), int(np.floor(xmax / size))
        j0, j1 = int(np.floor(ymin / size)), int(np.floor(ymax / size))
    if (i1 - i0 + 1) * (j1 - j0 + 1) > MAX_CELLS:
        raise BadCellSize(f"cell size {size:g} m makes more than {MAX_CELLS:,} cells", cell_size=size)
    return i0, j0, i1, j1


def grid_from_cells(ci, cj, n, extent, size: float, kind: str = "square") -> Grid:
    """Place per-cell counts (possibly sparse) into the full grid of the extent."""
    i0, j0, i1, j1 = cell_range(extent, size, kind)
    counts = np.zeros((j1 - j0 + 1, i1 - i0 + 1))
    ci, cj, n = np.asarray(ci, int), np.asarray(cj, int), np.asarray(n, float)
    inside = (ci >= i0) & (ci <= i1) & (cj >= j0) & (cj <= j1)
    np.add.at(counts, (cj[inside] - j0, ci[inside] - i0), n[inside])
    return Grid(size=size, i0=i0, j0=j0, counts=counts, kind=kind)


def grid_counts(xy: np.ndarray, size: float, extent=None, kind: str = "square") -> Grid:
    """Count metric points into cells (the array twin of the SQL below)."""
    xy = np.asarray(xy, dtype=float)
    if extent is None:
        extent = (*xy.min(axis=0), *xy.max(axis=0))
    cell_range(extent, size, kind)
    if kind == "hex":
        ci, cj = hex_cells(xy[:, 0], xy[:, 1], size)
    else:
        ci, cj = np.floor(xy[:, 0] / size), np.floor(xy[:, 1] / size)
    return grid_from_cells(ci, cj, np.ones(len(xy)), extent, size, kind)


CELL_SETS = ("extent", "occupied")


def cell_mask(grid: Grid, cells: str = "extent") -> np.ndarray:
    """Which cells take part: every cell of the extent, or only those with appeals.

    "extent" compares with the whole study area, empty land included; "occupied" asks
    where, among the places that have appeals at all, they concentrate (the city's
    built-up area without a boundary polygon)."""
    if cells not in CELL_SETS:
        raise BadParameter(f"cells must be one of {', '.join(CELL_SETS)}, got {cells!r}")
    flat = grid.counts.ravel()
    return np.ones(flat.size, bool) if cells == "extent" else flat > 0


def grid_weights(grid: Grid, band: float | None = None, k: int | None = None, mask=None):
    """Distance band between cell centres (default 1.5 cells: the 8 touching cells) or k nearest."""
    centres = grid.centres() if mask is None else grid.centres()[mask]
    if k is not None:
        return W.knn(centres, k)
    return W.distance_band(centres, grid.default_band if band is None else band)


def classify_grid(grid: Grid, band=None, k=None, fdr=True, permutations=0, seed=0, mask=None) -> GiResult:
    y = grid.counts.ravel() if mask is None else grid.counts.ravel()[mask]
    return gi_star(y, grid_weights(grid, band, k, mask), fdr=fdr, permutations=permutations, seed=seed)


def to_frame(grid: Grid, result: GiResult, srid: int, mask=None) -> gpd.GeoDataFrame:
    mask = np.ones(grid.counts.size, bool) if mask is None else mask
    i, j = grid.ij()
    frame = gpd.GeoDataFrame({"i": i[mask], "j": j[mask], "count": grid.counts.ravel()[mask].astype(int),
                              "z": result.z, "p": result.p, "bin": result.bins},
                             geometry=grid.polygons()[mask], crs=srid)
    if result.p_sim is not None:
        frame["p_sim"] = result.p_sim
    return frame


COUNT_SQL = """
SELECT floor(ST_X(p) / %(size)s)::int, floor(ST_Y(p) / %(size)s)::int, count(*)
FROM (SELECT ST_Transform(a.geom, %(srid)s) AS p
      FROM layers_appeal a
      WHERE a.registered_at >= %(start)s AND a.registered_at < %(end)s
        AND (%(category)s::text IS NULL OR a.category = %(category)s)
        AND (%(incident_type)s::text IS NULL OR a.incident_type = %(incident_type)s)
        AND (%(district)s::text IS NULL OR a.district_id = (
             SELECT id FROM layers_district WHERE code = %(district)s))) q
GROUP BY 1, 2
"""

# the same cube rounding as hex_cells(), in SQL
HEX_COUNT_SQL = """
SELECT qi::int, (ri + floor(qi / 2.0))::int, count(*)
FROM (SELECT CASE WHEN dq > dr AND dq > ds THEN -rr - rs ELSE rq END AS qi,
             CASE WHEN dq > dr AND dq > ds THEN rr WHEN dr > ds THEN -rq - rs ELSE rr END AS ri
      FROM (SELECT rq, rr, rs, abs(rq - q) AS dq, abs(rr - r) AS dr, abs(rs + q + r) AS ds
            FROM (SELECT q, r, round(q) AS rq, round(r) AS rr, round(-q - r) AS rs
                  FROM (SELECT 2.0 / 3.0 * ST_X(p) / %(size)s AS q,
                               (-ST_X(p) / 3.0 + sqrt(3.0) / 3.0 * ST_Y(p)) / %(size)s AS r
                        -- a function in FROM runs once a row; a subquery would be inlined into
                        -- every expression using p, repeating the transform (10x slower)
                        FROM layers_appeal a, LATERAL ST_Transform(a.geom, %(srid)s) AS p
                        WHERE a.registered_at >= %(start)s AND a.registered_at < %(end)s
                          AND (%(category)s::text IS NULL OR a.category = %(category)s)
                          AND (%(incident_type)s::text IS NULL OR a.incident_type = %(incident_type)s)
                          AND (%(district)s::text IS NULL OR a.district_id = (
                               SELECT id FROM layers_district WHERE code = %(district)s))) ax) rd) df) fx
GROUP BY 1, 2
"""

EXTENT_SQL = """
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Transform(
    COALESCE((SELECT geom FROM layers_district WHERE code = %(district)s),
             ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4326)), %(srid)s)::box2d::geometry AS e) q
"""


def no_jit(cursor) -> None:
    """ST_Transform's high cost estimate makes PostgreSQL JIT-compile the count, which
    alone took ~1 s of 2.2 s on 1M appeals; the plain plan is faster (bench/hotspots.py)."""
    cursor.execute("SET LOCAL jit = off")


def check_filters(cursor, category, district, start, end, incident_type=None):
    if start is not None and end is not None and start >= end:
        raise EmptyPeriod(f"the period is empty: {start:%Y-%m-%d} is not before {end:%Y-%m-%d}")
    if category is not None:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM layers_appeal WHERE category = %s)", [category])
        if not cursor.fetchone()[0]:
            raise UnknownCategory(f"no appeals have the category {category!r}", category=category)
    if incident_type is not None:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM layers_appeal WHERE incident_type = %s)", [incident_type])
        if not cursor.fetchone()[0]:
            raise UnknownCategory(f"no appeals have the incident type {incident_type!r}",
                                  incident_type=incident_type)
    if district is not None:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM layers_district WHERE code = %s)", [district])
        if not cursor.fetchone()[0]:
            raise BadParameter(f"no district has the code {district!r}", district=district)


def appeal_grid(cell_size: float, start: datetime, end: datetime, category: str | None = None,
                district: str | None = None, incident_type: str | None = None,
                srid: int | None = None, shape: str = "square") -> Grid:
    """Counts of appeals per cell over the city (or one district's extent), counted in SQL."""
    city = settings.QALA_CITY
    srid = srid or city["metric_srid"]
    x0, y0, x1, y1 = city["bbox"]
    params = {"size": float(cell_size), "srid": srid, "start": start, "end": end, "category": category,
              "incident_type": incident_type, "district": district, "x0": x0, "y0": y0, "x1": x1, "y1": y1}
    with transaction.atomic(), connection.cursor() as cur:
        check_filters(cur, category, district, start, end, incident_type)
        cur.execute(EXTENT_SQL, params)
        extent = cur.fetchone()
        cell_range(extent, float(cell_size), shape)
        no_jit(cur)
        cur.execute(HEX_COUNT_SQL if shape == "hex" else COUNT_SQL, params)
        rows = np.array(cur.fetchall(), dtype=float).reshape(-1, 3)
    if rows[:, 2].sum() == 0:
        raise EmptyPeriod(f"no appeals between {start:%Y-%m-%d} and {end:%Y-%m-%d} with these filters")
    return grid_from_cells(rows[:, 0], rows[:, 1], rows[:, 2], extent, float(cell_size), shape)


def hotspots(cell_size: float, start: datetime, end: datetime, category=None, district=None,
             incident_type=None, band=None, k=None, fdr=True, permutations=0, seed=0,
             cells: str = "extent", shape: str = "square", srid=None) -> gpd.GeoDataFrame:
    """Gi* hot and cold spots of appeals on square or hexagonal cells, in the metric CRS."""
    srid = srid or settings.QALA_CITY["metric_srid"]
    cell_mask(Grid(1.0, 0, 0, np.zeros((1, 1))), cells)  # refuse a bad choice before counting
    grid = appeal_grid(cell_size, start, end, category, district, incident_type, srid, shape)
    mask = cell_mask(grid, cells)
    result = classify_grid(grid, band, k, fdr, permutations, seed, mask)
    return to_frame(grid, result, srid, mask)
