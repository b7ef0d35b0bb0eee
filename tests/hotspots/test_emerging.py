"""Emerging hot spots: Mann-Kendall against pymannkendall, one hand-built history per
Esri category, and planted trends found from a cube and from appeals in PostGIS."""
from datetime import UTC, datetime

import numpy as np
import pymannkendall
import pytest
from django.conf import settings

from gis.hotspots import weights as W
from gis.hotspots.emerging import (
    categorize,
    emerging,
    emerging_hotspots,
    mann_kendall,
    slice_edges,
)
from gis.hotspots.errors import BadParameter, EmptyPeriod, UnknownCategory


def test_mann_kendall_equals_pymannkendall_with_and_without_ties():
    rng = np.random.default_rng(0)
    series = [rng.normal(size=12), np.arange(12.0) + rng.normal(0, 2, 12), np.array([1, 1, 2, 2, 2, 3, 1, 5, 5, 4, 6, 6.0]),
              -np.arange(12.0), rng.integers(0, 3, 12).astype(float)]
    s, z, p = mann_kendall(np.vstack(series))
    for k, x in enumerate(series):
        ref = pymannkendall.original_test(x)
        assert s[k] == ref.s
        assert z[k] == pytest.approx(ref.z, abs=1e-9)
        assert p[k] == pytest.approx(ref.p, abs=1e-9)


# One column per location, 12 slices; the trend is given so each rule is tested alone.
HISTORIES = {
    "new hot spot":           ([0] * 11 + [2], 0.0, 1.0),
    "consecutive hot spot":   ([0] * 8 + [1, 2, 2, 3], 2.5, 0.01),
    "intensifying hot spot":  ([0] + [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3], 4.0, 0.0001),
    "persistent hot spot":    ([2] * 12, 0.3, 0.7),
    "diminishing hot spot":   ([3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1], -4.0, 0.0001),
    "sporadic hot spot":      ([0, 2, 0, 0, 1, 0, 0, 3, 0, 0, 0, 2], 0.5, 0.6),
    "oscillating hot spot":   ([0, -2, 0, 2, 0, -1, 0, 0, 2, 0, 0, 1], 0.5, 0.6),
    "historical hot spot":    ([2] * 11 + [0], -1.0, 0.3),
    "new cold spot":          ([0] * 11 + [-1], 0.0, 1.0),
    "consecutive cold spot":  ([0] * 9 + [-1, -1, -2], -2.0, 0.04),
    "intensifying cold spot": ([0] + [-1] * 5 + [-2] * 3 + [-3] * 3, -4.0, 0.0001),
    "persistent cold spot":   ([-3] * 12, 0.0, 1.0),
    "diminishing cold spot":  ([-3] * 6 + [-1] * 6, 3.5, 0.0005),
    "sporadic cold spot":     ([-1, 0, 0, -2, 0, 0, -1, 0, 0, 0, 0, -1], 0.0, 1.0),
    "oscillating cold spot":  ([2, 0, -1, 0, 1, 0, 0, 0, 0, 0, 0, -2], -0.5, 0.6),
    "historical cold spot":   ([-2] * 11 + [0], 1.0, 0.3),
    "no pattern":             ([0, 1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0], 0.0, 1.0),
}


@pytest.mark.parametrize("expected", HISTORIES)
def test_each_category_from_its_published_definition(expected):
    bins, tz, tp = HISTORIES[expected]
    got = categorize(np.array(bins)[:, None], np.array([tz]), np.array([tp]))
    assert got[0] == expected


def test_a_trend_that_is_not_significant_keeps_a_hot_spot_persistent():
    bins = np.array([[1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3]]).T
    assert categorize(bins, np.array([4.0]), np.array([0.2]))[0] == "persistent hot spot"
    assert categorize(bins, np.array([4.0]), np.array([0.01]))[0] == "intensifying hot spot"


def _cube(rng, side=20, slices=12):
    xy = np.column_stack([g.ravel() for g in np.mgrid[0:side, 0:side]]).astype(float)
    cube = rng.poisson(2.0, size=(slices, side * side)).astype(float)
    return xy, cube


def test_planted_patterns_in_a_cube_are_categorized():
    rng = np.random.default_rng(11)
    side = 20
    xy, cube = _cube(rng, side)
    idx = lambda i, j: j * side + i
    block = lambda i, j: [idx(i + a, j + b) for a in (-1, 0, 1) for b in (-1, 0, 1)]
    for t in range(12):  # gets hotter every quarter
        cube[t, block(4, 4)] += 4 + 3 * t
    cube[11, block(15, 15)] += 20  # hot only in the last quarter
    result = emerging(cube, W.distance_band(xy, 1.5))
    assert result["category"][idx(4, 4)] == "intensifying hot spot"
    assert result["category"][idx(15, 15)] == "new hot spot"
    # per-slice Gi* is relative to each quarter's city: a steady knot beside a growing one
    # would read as diminishing, so the steady one gets a cube of its own
    _, steady = _cube(np.random.default_rng(12), side)
    steady[:, block(4, 15)] += 12
    assert emerging(steady, W.distance_band(xy, 1.5))["category"][idx(4, 15)] == "persistent hot spot"
    far = [idx(10, 10), idx(10, 2), idx(18, 6)]
    assert not any(c.endswith("hot spot") and c.split()[0] in ("intensifying", "persistent") for c in result["category"][far])


def test_slices_and_bad_steps():
    edges = slice_edges(datetime(2027, 1, 15, tzinfo=UTC))
    assert len(edges) == 13 and edges[0] == datetime(2024, 1, 1, tzinfo=UTC)
    assert edges[-1] == datetime(2027, 1, 1, tzinfo=UTC) and edges[1].month == 4
    with pytest.raises(BadParameter):
        slice_edges(datetime(2027, 1, 1, tzinfo=UTC), months=2)


def test_emerging_from_appeals_in_postgis(appeals_factory, rng):
    """A knot whose appeals double every quarter, over a steady scatter."""
    cx, cy = settings.QALA_CITY["center"]
    end = datetime(2027, 1, 1, tzinfo=UTC)
    edges = slice_edges(end)
    for t in range(12):
        when = edges[t].replace(day=15)
        n_bg = 150
        bg = np.column_stack([rng.uniform(cx - 0.05, cx + 0.05, n_bg), rng.uniform(cy - 0.025, cy + 0.025, n_bg)])
        knot = np.column_stack([rng.normal(cx, 0.0015, 5 + 6 * t), rng.normal(cy, 0.0008, 5 + 6 * t)])
        appeals_factory(np.vstack([bg, knot]), category="heating", when=when)
    cells = emerging_hotspots(500, end, category="heating")
    assert len(cells.attrs["slices"]) == 13
    from pyproj import Transformer
    from shapely import Point

    x, y = Transformer.from_crs(4326, settings.QALA_CITY["metric_srid"], always_xy=True).transform(cx, cy)
    centre = cells[cells.contains(Point(x, y))].iloc[0]
    assert centre["category"] in ("intensifying hot spot", "consecutive hot spot")
    assert centre["trend_z"] > 2
    with pytest.raises(UnknownCategory):
        emerging_hotspots(500, end, category="ufo")
    with pytest.raises(EmptyPeriod):
        emerging_hotspots(500, datetime(2020, 1, 1, tzinfo=UTC), category="heating")


def test_space_time_neighbours_as_esri(db):
    """time_window=1: one Gi* over the cube with this and the previous slice as neighbours."""
    from gis.hotspots.emerging import space_time_weights
    from tests.hotspots.test_getis_ord import esda_gi

    rng = np.random.default_rng(21)
    side = 12
    xy, cube = _cube(rng, side)
    w = W.distance_band(xy, 1.5)
    wst = space_time_weights(w, 12, 1)
    # bin (t=5, cell 30) sees cell 30's spatial neighbours at t=5 and t=4, not t=6
    row = wst[5 * side * side + 30].indices
    assert set(row // (side * side)) == {4, 5} and len(row) == 2 * w[30].nnz
    result = emerging(cube, w, time_window=1)
    ref = esda_gi(cube.ravel(), wst)
    assert np.abs(result["z"].ravel() - ref.Zs).max() < 1e-6
    for t in range(12):
        cube[t, [side * 5 + 5, side * 5 + 6, side * 6 + 5, side * 6 + 6]] += 3 + 2 * t
    grown = emerging(cube, w, time_window=1)
    assert grown["category"][side * 5 + 5] in ("intensifying hot spot", "consecutive hot spot")
    assert grown["trend_z"][side * 5 + 5] > 2
    with pytest.raises(BadParameter):
        space_time_weights(w, 12, 12)
