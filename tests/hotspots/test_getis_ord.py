"""Gi* against PySAL esda (the reference, test-only) and on planted and uniform fields."""
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from gis.hotspots import weights as W
from gis.hotspots.errors import BadCellSize, TooFewFeatures
from gis.hotspots.getis_ord import confidence_bins, fdr_cutoff, gi_star
from gis.hotspots.grid import classify_grid, grid_counts, grid_weights

DATA = Path(__file__).resolve().parent.parent / "data" / "hotspots"


def esda_gi(y, w):
    from esda.getisord import G_Local
    from libpysal.weights import WSP

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wsp = WSP(w.tocsr()).to_W(silence_warnings=True)
        return G_Local(np.asarray(y, float), wsp, transform="B", star=True, permutations=0)


def planted(seed=1, side=30, hot=((10, 10), (22, 5))):
    rng = np.random.default_rng(seed)
    counts = rng.poisson(2.0, size=(side, side)).astype(float)
    truth = np.zeros((side, side), bool)
    for ci, cj in hot:
        counts[cj - 1:cj + 2, ci - 1:ci + 2] += rng.poisson(12.0, size=(3, 3))
        truth[cj - 1:cj + 2, ci - 1:ci + 2] = True
    xy = np.column_stack([g.ravel() for g in np.mgrid[0:side, 0:side][::-1]]).astype(float) * 100
    return counts.ravel(), xy, truth.ravel()


@pytest.mark.parametrize("weights", ["band", "knn"])
def test_z_and_p_equal_esda(weights):
    y, xy, _ = planted()
    w = W.distance_band(xy, 150) if weights == "band" else W.knn(xy, 6)
    ours = gi_star(y, w, fdr=False)
    ref = esda_gi(y, w)
    assert np.abs(ours.z - ref.Zs).max() < 1e-6
    # ours is two-sided (Esri), esda's p_norm one-sided
    assert np.abs(ours.p - 2 * ref.p_norm).max() < 1e-6


def test_fdr_cutoff_equals_esda_and_hand_computed_bh():
    from esda import fdr

    p = np.array([0.0005, 0.008, 0.039, 0.041, 0.042, 0.061, 0.074, 0.205, 0.212, 0.216])
    # BH at 0.05, n=10: k*0.005 = .005 .010 .015 .020 ...; p_(2)=.008<.010 and no later p_(k) < k*.005
    assert fdr_cutoff(p, 0.05) == pytest.approx(0.010)
    # at 0.10: k*0.01; p_(5)=.042<.05, p_(6)=.061 not < .06, p_(7)=.074 not < .07
    assert fdr_cutoff(p, 0.10) == pytest.approx(0.05)
    for alpha in (0.01, 0.05, 0.1):
        assert fdr_cutoff(p, alpha) == pytest.approx(fdr(p, alpha))
    z = np.ones_like(p)
    assert list(confidence_bins(z, p, fdr=True)) == [3, 2, 1, 1, 1, 0, 0, 0, 0, 0]
    assert list(confidence_bins(-z, p, fdr=False)) == [-3, -3, -2, -2, -2, -1, -1, 0, 0, 0]


def test_fdr_bins_match_esda_fdr_on_a_field():
    from esda import fdr

    y, xy, _ = planted(seed=5)
    ours = gi_star(y, W.distance_band(xy, 150), fdr=True)
    expected = np.zeros(len(y), int)
    for level, alpha in ((1, 0.1), (2, 0.05), (3, 0.01)):
        expected[ours.p < fdr(ours.p, alpha)] = level
    assert np.array_equal(ours.bins, expected * np.sign(ours.z).astype(int))
    # FDR only tightens bins, never changes z or p
    plain = gi_star(y, W.distance_band(xy, 150), fdr=False)
    assert np.array_equal(plain.z, ours.z) and np.all(np.abs(ours.bins) <= np.abs(plain.bins))


def test_planted_hot_spots_are_found():
    found = planted_total = false_hot = 0
    for seed in range(6):
        spots = [tuple(int(v) for v in pair) for pair in np.random.default_rng(100 + seed).integers(2, 28, (3, 2))]
        y, xy, truth = planted(seed=seed, hot=spots)
        result = gi_star(y, W.distance_band(xy, 150))
        found += (result.hot & truth).sum()
        planted_total += truth.sum()
        false_hot += (result.hot & ~truth).sum()
        assert not result.cold[truth].any()
    assert found / planted_total >= 0.95
    # hot cells off the blocks are only their touching rim (the band reaches one cell out)
    assert false_hot <= 16 * 3 * 6


def test_uniform_field_has_few_significant_cells():
    """Under the null, FDR keeps significant cells far below its level; without FDR about
    10 % of cells reach the 90 % bin, as they should."""
    side = 40
    xy = np.column_stack([g.ravel() for g in np.mgrid[0:side, 0:side]]).astype(float)
    w = W.distance_band(xy, 1.5)
    with_fdr, without = [], []
    for seed in range(6):
        y = np.random.default_rng(seed).poisson(5.0, size=side * side).astype(float)
        with_fdr.append((gi_star(y, w).bins != 0).mean())
        without.append((gi_star(y, w, fdr=False).bins != 0).mean())
    assert max(with_fdr) <= 0.01 and np.mean(with_fdr) <= 0.005
    assert 0.05 <= np.mean(without) <= 0.15


def test_permutation_inference_is_seeded_and_agrees_on_the_planted_cluster():
    y, xy, truth = planted()
    w = W.distance_band(xy, 150)
    # 199 permutations cannot reach p below 0.01, too coarse for FDR over 900 cells
    a = gi_star(y, w, fdr=False, permutations=199, seed=3)
    b = gi_star(y, w, fdr=False, permutations=199, seed=3)
    assert np.array_equal(a.p_sim, b.p_sim)
    assert (a.hot & truth).sum() / truth.sum() >= 0.9
    # the centres of the planted blocks are as extreme as 199 permutations can show
    assert a.p_sim.min() == pytest.approx(2 / 200)


def test_too_few_cells_and_bad_cell_size():
    with pytest.raises(TooFewFeatures):
        gi_star(np.arange(10.0), W.distance_band(np.column_stack([np.arange(10.0), np.zeros(10)]), 1.5))
    xy = np.random.default_rng(0).uniform(0, 1000, size=(100, 2))
    for size in (0, -5, 1000, 5000):
        with pytest.raises(BadCellSize):
            grid_counts(xy, size)


def test_la311_bulky_items_hot_spots_agree_with_esda():
    """Real LA 311 requests (Dec 2018) in UTM 11N at 1 km cells."""
    df = pd.read_csv(DATA / "la311_2018_sample4k.csv.gz")
    bulky = df[df["type"] == "Bulky Items"]
    x, y = Transformer.from_crs(4326, 32611, always_xy=True).transform(bulky["lon"].values, bulky["lat"].values)
    grid = grid_counts(np.column_stack([x, y]), 1000.0)
    assert grid.counts.sum() == len(bulky)
    result = classify_grid(grid, band=1500.0)
    ref = esda_gi(grid.counts.ravel(), grid_weights(grid, 1500.0))
    assert np.abs(result.z - ref.Zs).max() < 1e-6
    plain = confidence_bins(result.z, result.p, fdr=False)
    assert np.array_equal(plain != 0, 2 * ref.p_norm <= 0.10)
    from esda import fdr

    p_ref = 2 * ref.p_norm
    expected = np.zeros(len(p_ref), int)
    for level, alpha in ((1, 0.1), (2, 0.05), (3, 0.01)):
        expected[p_ref < fdr(p_ref, alpha)] = level
    assert np.array_equal(np.abs(result.bins), expected)
    assert (result.bins > 0).sum() >= 5  # bulky-item pick-ups do concentrate
    # hot cells hold far more requests than the average cell
    assert grid.counts.ravel()[result.bins == 3].mean() > 3 * grid.counts.mean()


def test_permutation_p_agrees_with_esda_within_monte_carlo_error():
    from esda.getisord import G_Local
    from libpysal.weights import WSP

    y, xy, _ = planted(seed=9)
    y = y + np.random.default_rng(0).uniform(0, 0.01, len(y))  # no ties: esda folds as if there were none
    w = W.distance_band(xy, 150)
    ours = gi_star(y, w, fdr=False, permutations=999, seed=1).p_sim
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = G_Local(y, WSP(w).to_W(silence_warnings=True), transform="B", star=True, permutations=999, seed=2)
    ref_p = np.minimum(2 * ref.p_sim, 1.0)
    # two independent 999-draw estimates of the same p: within ~4 standard errors nearly everywhere
    se = np.sqrt(np.maximum(ref_p * (1 - ref_p), 1e-3) / 999) * 2
    assert (np.abs(ours - ref_p) <= 4 * se + 0.004).mean() >= 0.97
    assert ((ours <= 0.01) != (ref_p <= 0.01)).sum() <= 5


def test_permutation_ties_do_not_make_empty_cells_cold():
    """An empty cell among empty cells: every draw is >= 0, but most draws also equal 0."""
    side = 30
    xy = np.column_stack([g.ravel() for g in np.mgrid[0:side, 0:side]]).astype(float)
    y = np.zeros(side * side)
    y[np.random.default_rng(1).choice(side * side, 90, replace=False)] = 1.0  # 10 % of cells have one appeal
    result = gi_star(y, W.distance_band(xy, 1.5), fdr=False, permutations=999, seed=0)
    quiet = (W.distance_band(xy, 1.5) @ y) == 0
    assert quiet.sum() > 100
    assert (result.p_sim[quiet] > 0.5).all()  # ~0.39 of draws are all zero too: nothing unusual
    assert (result.bins[quiet] == 0).all()
