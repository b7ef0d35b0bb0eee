"""Gi* of appeals counted in PostGIS, on generated appeals inside the city."""
from datetime import UTC, datetime

import numpy as np
import pytest
from django.conf import settings
from pyproj import Transformer

from gis.hotspots.errors import BadCellSize, BadParameter, EmptyPeriod, UnknownCategory
from gis.hotspots.grid import appeal_grid, grid_counts, hotspots

T0 = datetime(2025, 1, 1, tzinfo=UTC)
T1 = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def field(appeals_factory, rng):
    """A uniform scatter over the city's middle plus a dense knot near the centre."""
    cx, cy = settings.QALA_CITY["center"]
    background = np.column_stack([rng.uniform(cx - 0.1, cx + 0.1, 1500), rng.uniform(cy - 0.05, cy + 0.05, 1500)])
    knot = np.column_stack([rng.normal(cx + 0.03, 0.002, 300), rng.normal(cy + 0.01, 0.001, 300)])
    appeals_factory(background, category="heating")
    appeals_factory(knot, category="heating")
    appeals_factory(background[:200], category="roads")
    appeals_factory(knot[:50], category="heating", when=datetime(2024, 6, 1, tzinfo=UTC))
    return np.vstack([background, knot]), (cx + 0.03, cy + 0.01)


def test_sql_counts_equal_counting_the_points_in_python(field):
    points, _ = field
    grid = appeal_grid(500, T0, T1, category="heating")
    srid = settings.QALA_CITY["metric_srid"]
    xy = np.column_stack(Transformer.from_crs(4326, srid, always_xy=True).transform(points[:, 0], points[:, 1]))
    assert grid.counts.sum() == len(points)  # the 2024 appeals and the roads are filtered out
    x0, y0, x1, y1 = settings.QALA_CITY["bbox"]
    ex, ey = Transformer.from_crs(4326, srid, always_xy=True).transform([x0, x1, x0, x1], [y0, y0, y1, y1])
    ref = grid_counts(xy, 500, (min(ex), min(ey), max(ex), max(ey)))
    assert (ref.i0, ref.j0) == (grid.i0, grid.j0)
    assert np.array_equal(ref.counts, grid.counts)


def test_the_planted_knot_is_a_99_percent_hot_spot(field):
    _, (kx, ky) = field
    cells = hotspots(500, T0, T1, category="heating", band=750)
    srid = settings.QALA_CITY["metric_srid"]
    x, y = Transformer.from_crs(4326, srid, always_xy=True).transform(kx, ky)
    from shapely import Point

    knot_cell = cells[cells.contains(Point(x, y))]
    assert int(knot_cell["bin"].iloc[0]) == 3
    assert knot_cell["count"].iloc[0] > 20
    assert set(cells["bin"].unique()) <= {-3, -2, -1, 0, 1, 2, 3}


def test_bad_input_is_refused_with_clear_errors(field):
    with pytest.raises(UnknownCategory, match="no appeals have the category 'ufo'"):
        hotspots(500, T0, T1, category="ufo")
    with pytest.raises(EmptyPeriod):
        hotspots(500, T1, T0, category="heating")
    with pytest.raises(EmptyPeriod):
        hotspots(500, datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC))
    with pytest.raises(BadCellSize):
        hotspots(0, T0, T1)
    with pytest.raises(BadCellSize):
        hotspots(50_000, T0, T1)
    with pytest.raises(BadParameter):
        hotspots(500, T0, T1, district="nowhere")
    problem = UnknownCategory("x").problem()
    assert problem["status"] == 400 and problem["type"].endswith("unknown-category")


def test_a_district_limits_the_appeals_and_the_extent(appeals_factory, rng):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from layers.districts import District

    cx, cy = settings.QALA_CITY["center"]
    box = (cx - 0.05, cy - 0.03, cx + 0.05, cy + 0.03)
    north = District.objects.create(code="N", name="North", geom=MultiPolygon(Polygon.from_bbox(box), srid=4326))
    inside = np.column_stack([rng.uniform(box[0], box[2], 400), rng.uniform(box[1], box[3], 400)])
    appeals_factory(inside, category="water", district=north)
    appeals_factory(inside[:100] + 0.07, category="water")  # outside the district
    grid = appeal_grid(500, T0, T1, category="water", district="N")
    assert grid.counts.sum() == 400
    whole = appeal_grid(500, T0, T1, category="water")
    assert grid.counts.size < whole.counts.size / 4 and whole.counts.sum() == 500


def test_occupied_cells_only(field):
    everything = hotspots(500, T0, T1, category="heating")
    occupied = hotspots(500, T0, T1, category="heating", cells="occupied")
    assert (occupied["count"] > 0).all() and len(occupied) == (everything["count"] > 0).sum()
    assert occupied["count"].sum() == everything["count"].sum()
    # among busy cells only, fewer are hot than against the empty countryside, the knot still is
    assert (occupied["bin"] > 0).sum() < (everything["bin"] > 0).sum()
    assert occupied.loc[occupied["count"].idxmax(), "bin"] == 3
    with pytest.raises(BadParameter):
        hotspots(500, T0, T1, category="heating", cells="some")


def test_hexagons_are_st_hexagongrid_cells(field):
    """Our SQL cube rounding puts every appeal in the hexagon PostGIS's ST_HexagonGrid draws."""
    from django.db import connection

    from gis.hotspots.grid import hex_cells

    srid = settings.QALA_CITY["metric_srid"]
    grid = appeal_grid(300, T0, T1, category="heating", shape="hex")
    with connection.cursor() as cur:
        cur.execute("""
            WITH pts AS (SELECT ST_Transform(geom, %(srid)s) AS p FROM layers_appeal
                         WHERE category = 'heating' AND registered_at >= %(t0)s AND registered_at < %(t1)s)
            SELECT h.i, h.j, count(*) FROM pts,
                   LATERAL ST_HexagonGrid(300, ST_Expand(pts.p, 1)) h WHERE ST_Intersects(h.geom, pts.p)
            GROUP BY 1, 2""", {"srid": srid, "t0": T0, "t1": T1})
        ref = {(i, j): n for i, j, n in cur.fetchall()}
    i, j = grid.ij()
    ours = {(a, b): int(n) for a, b, n in zip(i, j, grid.counts.ravel()) if n}
    assert ours == ref
    # the numpy twin agrees, and a cell's polygon contains its centre's own cell
    ci, cj = hex_cells(grid.centres()[:, 0], grid.centres()[:, 1], 300)
    assert np.array_equal(ci, i) and np.array_equal(cj, j)
    cells = hotspots(300, T0, T1, category="heating", shape="hex", band=650)
    assert cells.geometry.iloc[0].area == pytest.approx(1.5 * np.sqrt(3) * 300**2)
    assert cells.loc[cells["count"].idxmax(), "bin"] == 3
    with pytest.raises(BadParameter):
        hotspots(300, T0, T1, shape="triangle")
