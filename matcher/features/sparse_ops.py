"""Small sparse-matrix helpers shared by the components: row-wise products over pair index arrays
and incidence matrices built from lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

# Pairs handled at once by the row-wise products: bounds the temporary matrices (each is
# chunk x nnz-per-row entries).
CHUNK = 250_000


def rowwise_dot(
    x: sp.csr_matrix, y: sp.csr_matrix, xi: np.ndarray, yi: np.ndarray, chunk: int = CHUNK
) -> np.ndarray:
    """``out[k] = x[xi[k]] . y[yi[k]]`` for every pair k, in chunks (never all rows at once)."""
    out = np.zeros(len(xi), dtype=np.float64)
    x, y = x.tocsr(), y.tocsr()
    for start in range(0, len(xi), chunk):
        a = x[xi[start : start + chunk]]
        b = y[yi[start : start + chunk]]
        out[start : start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out


def incidence(lists: pd.Series | list, index: dict[str, int], width: int) -> sp.csr_matrix:
    """Rows x ``width`` 0/1 matrix of the items of each row's list found in ``index``."""
    lists = list(lists)
    flat = [index[c] for items in lists for c in items if c in index]
    lengths = [sum(1 for c in items if c in index) for items in lists]
    rows = np.repeat(np.arange(len(lists)), lengths)
    m = sp.csr_matrix(
        (np.ones(len(flat), dtype=np.float32), (rows, np.asarray(flat, dtype=np.int64))),
        shape=(len(lists), width),
    )
    m.sum_duplicates()
    m.data[:] = 1.0
    return m


def pair_keys(o_pos: np.ndarray, p_pos: np.ndarray, n_profiles: int) -> np.ndarray:
    """One int64 per (offer, profile) pair, ordered by offer then profile."""
    return o_pos.astype(np.int64) * np.int64(max(n_profiles, 1)) + p_pos.astype(np.int64)
