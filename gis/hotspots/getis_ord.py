"""Getis-Ord Gi* with analytic and permutation inference and Esri-style FDR bins.

The z-score is Esri's general form (Getis & Ord 1992, eq. for Gi*):
    z_i = (sum_j w_ij x_j - xbar * W_i) / (S * sqrt((n * sum_j w_ij^2 - W_i^2) / (n - 1)))
with S the population standard deviation. For binary weights this is exactly
PySAL esda's G_Local(star=True, transform="B") z-score. p-values are two-sided
(Esri); esda's `p_norm` is one-sided, so ours equals 2 * p_norm.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse, stats

from .errors import BadParameter, TooFewFeatures

MIN_FEATURES = 30  # Esri's Hot Spot Analysis refuses fewer; Gi*'s normal approximation needs them
LEVELS = ((3, 0.01), (2, 0.05), (1, 0.10))  # bin, alpha: 99, 95, 90 % confidence


@dataclass
class GiResult:
    z: np.ndarray
    p: np.ndarray
    bins: np.ndarray
    p_sim: np.ndarray | None = None

    @property
    def hot(self) -> np.ndarray:
        return self.bins > 0

    @property
    def cold(self) -> np.ndarray:
        return self.bins < 0


def gi_star_z(y: np.ndarray, w: sparse.spmatrix) -> np.ndarray:
    """Analytic Gi* z-scores; a location whose z is undefined (constant field) gets 0."""
    y = np.asarray(y, dtype=float)
    n = len(y)
    w = sparse.csr_matrix(w)
    if w.shape != (n, n):
        raise BadParameter(f"weights are {w.shape[0]}x{w.shape[1]} for {n} values")
    if n < MIN_FEATURES:
        raise TooFewFeatures(f"Gi* needs at least {MIN_FEATURES} locations, got {n}",
                             features=n, minimum=MIN_FEATURES)
    mean = y.mean()
    s = np.sqrt((y ** 2).mean() - mean ** 2)
    wi = np.asarray(w.sum(axis=1)).ravel()
    wi2 = np.asarray(w.multiply(w).sum(axis=1)).ravel()
    num = w @ y - mean * wi
    den = s * np.sqrt(np.maximum(n * wi2 - wi ** 2, 0.0) / (n - 1))
    z = np.zeros(n)
    ok = den > 1e-12 * max(1.0, abs(mean))
    z[ok] = num[ok] / den[ok]
    return z


def two_sided_p(z: np.ndarray) -> np.ndarray:
    return 2.0 * stats.norm.sf(np.abs(z))


def fdr_cutoff(p: np.ndarray, alpha: float) -> float:
    """Benjamini-Hochberg critical p for `alpha`: p < cutoff is significant.

    The largest k*alpha/n with p_(k) < k*alpha/n (as PySAL's esda.fdr and Esri); when no
    p-value passes, a cutoff nothing can reach.
    """
    p = np.sort(np.asarray(p, dtype=float))
    n = len(p)
    if n == 0:
        return 0.0
    crit = np.arange(1, n + 1) * alpha / n
    passing = np.nonzero(p < crit)[0]
    if len(passing) == 0:
        return 0.001 * alpha
    return float(crit[passing[-1]])


def confidence_bins(z: np.ndarray, p: np.ndarray, fdr: bool = True) -> np.ndarray:
    """Esri's Gi_Bin: ±3/±2/±1 for 99/95/90 % confidence, 0 not significant.

    With FDR the critical p-value of each level is lowered (Benjamini-Hochberg); z and p
    themselves are unchanged.
    """
    bins = np.zeros(len(z), dtype=np.int8)
    for level, alpha in reversed(LEVELS):  # 90 % first, then overwrite with stronger levels
        sig = p < fdr_cutoff(p, alpha) if fdr else p <= alpha
        bins[sig] = level
    return (bins * np.sign(z)).astype(np.int8)


def permutation_p(y: np.ndarray, w: sparse.spmatrix, permutations: int = 999,
                  seed: int = 0) -> np.ndarray:
    """Pseudo p-values by conditional randomization: each location keeps its value, its
    neighbours are drawn from the others without replacement. One-sided towards the
    observed side, then doubled (capped at 1) to be two-sided.

    Ties count on both sides: esda folds `sims >= observed` as if there were none, so an
    empty cell among empty cells (every draw >= 0) gets the smallest p possible and a
    grid with many empty cells comes out almost all "cold". Without ties both agree.

    One set of random draws serves every location (as PySAL does), which keeps this linear
    in the number of locations.
    """
    if permutations < 99:
        raise BadParameter(f"use at least 99 permutations, got {permutations}")
    y = np.asarray(y, dtype=float)
    w = sparse.csr_matrix(w)
    n = len(y)
    rng = np.random.default_rng(seed)
    diag = w.diagonal()
    kmax = int(max(np.diff(w.indptr).max(), 1))
    draws = np.stack([rng.choice(n - 1, size=kmax, replace=False) for _ in range(permutations)])
    observed = w @ y
    p_sim = np.ones(n)
    for i in range(n):
        lo, hi = w.indptr[i], w.indptr[i + 1]
        cols, vals = w.indices[lo:hi], w.data[lo:hi]
        others = vals[cols != i]
        k = len(others)
        idx = draws[:, :k].copy()
        idx[idx >= i] += 1  # skip the location itself
        sims = diag[i] * y[i] + y[idx] @ others
        extreme = min(int((sims >= observed[i]).sum()), int((sims <= observed[i]).sum()))
        p_sim[i] = (extreme + 1.0) / (permutations + 1.0)
    return np.minimum(2.0 * p_sim, 1.0)


def gi_star(y: np.ndarray, w: sparse.spmatrix, fdr: bool = True, permutations: int = 0,
            seed: int = 0) -> GiResult:
    """Gi* z, p and confidence bins; with `permutations` the bins use the pseudo p-values."""
    z = gi_star_z(y, w)
    p = two_sided_p(z)
    p_sim = permutation_p(y, w, permutations, seed) if permutations else None
    bins = confidence_bins(z, p if p_sim is None else p_sim, fdr=fdr)
    return GiResult(z=z, p=p, bins=bins, p_sim=p_sim)
