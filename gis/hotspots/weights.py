"""Spatial weights as scipy.sparse CSR matrices, self included (Gi*).

Binary weights, as Esri's Hot Spot Analysis uses them; the diagonal is 1 so a
cell counts as its own neighbour (the "star" in Gi*).
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.spatial import cKDTree

from .errors import BadParameter


def distance_band(xy: np.ndarray, threshold: float) -> sparse.csr_matrix:
    """1 for every pair of points no farther apart than `threshold` (metric units), self included."""
    if not threshold > 0:
        raise BadParameter(f"distance band must be positive, got {threshold}")
    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    pairs = cKDTree(xy).query_pairs(threshold, output_type="ndarray")
    rows = np.concatenate([pairs[:, 0], pairs[:, 1], np.arange(n)])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0], np.arange(n)])
    return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))


def knn(xy: np.ndarray, k: int) -> sparse.csr_matrix:
    """1 for each point's k nearest other points, plus itself (not symmetric, as in PySAL)."""
    xy = np.asarray(xy, dtype=float)
    n = len(xy)
    if not 1 <= k < n:
        raise BadParameter(f"k must be between 1 and {n - 1}, got {k}")
    _, idx = cKDTree(xy).query(xy, k=k + 1)
    rows = np.repeat(np.arange(n), k + 1)
    w = sparse.csr_matrix((np.ones(n * (k + 1)), (rows, idx.ravel())), shape=(n, n))
    w.data[:] = 1.0  # a duplicate point can appear twice in its own row
    w.setdiag(1.0)
    w.eliminate_zeros()
    return w.tocsr()


def from_adjacency(adj: sparse.spmatrix, hops: int = 1) -> sparse.csr_matrix:
    """Binary weights of everything within `hops` steps of an adjacency graph, self included."""
    if hops < 1:
        raise BadParameter(f"hops must be at least 1, got {hops}")
    a = (sparse.csr_matrix(adj) != 0).astype(float)
    a = a + sparse.identity(a.shape[0], format="csr")
    w = a.copy()
    for _ in range(hops - 1):
        w = w @ a
    w = (w != 0).astype(float).tocsr()
    return w
