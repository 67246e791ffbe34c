"""Top-n of a sparse product, both ways in one pass: the best columns of every row of ``a @ bt``
and, from the same multiply-adds, the best rows of every column.

The candidate search needs both halves: the best profiles of each offer and the best offers of
each profile. Two top-n products (``sparse_dot_topn``, one each way) made every multiply-add
twice, and each walked a linked list of the columns a row touched. Here the product is made
once, in one of two ways by its size:

- up to :data:`DENSE_UP_TO` cells (rows x columns), scipy multiplies a chunk of rows at a time
  and numpy reads the chunk as a dense array: each entry becomes one integer key (below) and
  ``np.partition`` keeps the largest keys of each row and of each column of the chunk; the
  columns' keys of the chunks are merged at the end. No compiled code is loaded: at 1,000 x
  10,000 this takes 0.45 s of CPU (0.25-0.35 s on 2 threads), where loading numba and the
  kernel alone took 0.5-0.9 s;
- above, a kernel compiled by numba (:mod:`matcher.features.topn_kernel`) accumulates each row
  into a dense array as wide as the columns and feeds heaps; at 10,000 offers x 100,000
  profiles (39 % dense) both halves take 6-8 s on 2 threads, against 6.5-7 s for each of the
  two products before.

Order, the same in every direction, every split of the work and both ways: a larger value
first, then the smaller index. Only positive values are kept (pairs that share nothing are no
candidates). A value is summed over the two rows' common features in the order of the
features, by scipy's product as by the kernel (the same float32 additions, tested bit for bit),
so the product of a pair is the same whichever side is the row: the best offers of the
profiles computed as rows of ``profiles @ offers.T`` are those found here as columns.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

# Up to this many cells (rows x columns), the product is read dense (see the module's
# docstring), a chunk at a time. At 1,000 x 10,000 the dense way takes 0.45 s of CPU against
# 0.25 s for the kernel, plus 0.5-0.9 s to load the kernel in a new process: the two costs meet
# near 3.5e7 cells, and the bound stays under it.
DENSE_UP_TO = 2**24
# Cells of a chunk read dense at a time (4 MiB of float32, 8 MiB of keys).
_CHUNK_CELLS = 2**20

# A key is one uint64: the value's float32 bits (for a positive float the order of its bits is
# the order of the values) above the complement of the index, so that a larger key is a larger
# value, then a smaller index. A key at or under LOW_BITS holds no value (0 is no candidate).
LOW_BITS = np.uint64(0xFFFFFFFF)


def uses_kernel(n_rows: int, n_cols: int, dense_up_to: int = DENSE_UP_TO) -> bool:
    """Whether a product of this size is made by the compiled kernel."""
    return n_rows * n_cols > dense_up_to


def _decode(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, other index, value) of the keys held in ``keys`` (owners x size; a key at or
    under LOW_BITS holds nothing), by owner."""
    n, size = keys.shape
    held = keys > LOW_BITS
    owner = np.broadcast_to(np.arange(n, dtype=np.int32)[:, None], (n, size))[held]
    kept = keys[held]
    other = (LOW_BITS - (kept & LOW_BITS)).astype(np.int32)
    value = (kept >> np.uint64(32)).astype(np.uint32).view(np.float32)
    return owner, other, value


def _largest(keys: np.ndarray, n: int) -> np.ndarray:
    """The ``n`` largest keys of each row of ``keys``, in no particular order."""
    width = keys.shape[1]
    if n >= width:
        return keys
    return np.partition(keys, width - n, axis=1)[:, width - n :]


def _dense_keys(
    a: sp.csr_matrix, bt: sp.csr_matrix, per_row: int, per_col: int, threads: int
) -> tuple[np.ndarray, np.ndarray]:
    """(rows x per_row, columns x per_col) keys of the best entries of ``a @ bt``, read dense a
    chunk of rows at a time (chunks shared by ``threads`` threads: scipy's product and numpy's
    partition release the GIL). A column's best rows are among the best of the chunks' columns,
    so those are kept per chunk and merged."""
    n_rows, n_cols = a.shape[0], bt.shape[1]
    step = max(1, _CHUNK_CELLS // n_cols)
    chunks = [(s, min(s + step, n_rows)) for s in range(0, n_rows, step)]
    col_index = LOW_BITS - np.arange(n_cols, dtype=np.uint64)
    row_parts: list[np.ndarray] = [np.empty((0, per_row), dtype=np.uint64)] * len(chunks)
    col_parts: list[np.ndarray] = [np.empty((n_cols, 0), dtype=np.uint64)] * len(chunks)

    def read(first: int) -> None:
        for c in range(first, len(chunks), threads):
            s, e = chunks[c]
            high = (a[s:e] @ bt).toarray().view(np.uint32).astype(np.uint64)
            high <<= np.uint64(32)
            if per_row:
                row_parts[c] = _largest(high | col_index, per_row)
            if per_col:
                row_index = LOW_BITS - np.arange(s, e, dtype=np.uint64)
                by_col = np.bitwise_or(high.T, row_index, order="C")
                col_parts[c] = _largest(by_col, per_col)

    in_threads(read, min(threads, len(chunks)))
    rows = np.concatenate(row_parts) if per_row else np.zeros((n_rows, 0), dtype=np.uint64)
    cols = _largest(np.hstack(col_parts), per_col)
    return rows, cols


def in_threads(fn: Callable[[int], None], threads: int) -> None:
    """``fn(0)``, ..., ``fn(threads - 1)``, each in its own thread (here when one); no thread
    outlives the call, so the process may fork afterwards (matcher/ranking/parallel.py)."""
    if threads <= 1:
        fn(0)
        return
    workers = [threading.Thread(target=fn, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def top_n_both(
    a: sp.csr_matrix,
    bt: sp.csr_matrix,
    per_row: int,
    per_col: int = 0,
    threads: int = 2,
    *,
    dense_up_to: int = DENSE_UP_TO,
) -> tuple[sp.coo_matrix, sp.coo_matrix]:
    """The best ``per_row`` columns of every row of ``a @ bt`` and the best ``per_col`` rows of
    every column, as two (rows of a) x (columns of bt) matrices holding only those values, by
    row and by column respectively.

    ``a``: rows x features, ``bt``: features x columns (CSR, as ``.T.tocsr()`` gives them; made
    float32 with sorted indices when they are not). Ties: the smaller index first (see the
    module's docstring). ``dense_up_to``: the size up to which the product is read dense; the
    result is the same either way (tested)."""
    n_rows, n_cols = a.shape[0], bt.shape[1]
    if a.shape[1] != bt.shape[0]:
        raise ValueError(f"shapes {a.shape} and {bt.shape} do not multiply")
    per_row, per_col = max(0, min(per_row, n_cols)), max(0, min(per_col, n_rows))
    a, bt = _ready(a), _ready(bt)
    threads = max(1, int(threads))
    rows = np.zeros((n_rows, per_row), dtype=np.uint64)
    cols = np.zeros((n_cols, per_col), dtype=np.uint64)
    if n_rows and n_cols and (per_row or per_col) and a.nnz and bt.nnz:
        if uses_kernel(n_rows, n_cols, dense_up_to):
            from matcher.features import topn_kernel

            r_keys, c_keys = topn_kernel.heaps(a, bt, per_row, per_col, threads)
            rows, cols = r_keys.reshape(n_rows, per_row), c_keys.reshape(n_cols, per_col)
        else:
            rows, cols = _dense_keys(a, bt, per_row, per_col, threads)
    shape = (n_rows, n_cols)
    r_owner, r_other, r_val = _decode(rows)
    c_owner, c_other, c_val = _decode(cols)
    return (
        sp.coo_matrix((r_val, (r_owner, r_other)), shape=shape),
        sp.coo_matrix((c_val, (c_other, c_owner)), shape=shape),
    )


def top_n_rows(
    a: sp.csr_matrix,
    bt: sp.csr_matrix,
    per_row: int,
    threads: int = 2,
    *,
    dense_up_to: int = DENSE_UP_TO,
) -> sp.coo_matrix:
    """The best ``per_row`` columns of every row of ``a @ bt`` (:func:`top_n_both` without the
    columns' half)."""
    return top_n_both(a, bt, per_row, 0, threads, dense_up_to=dense_up_to)[0]


def warm_up() -> None:
    """Load the compiled kernel now (from numba's cache: 0.5-0.9 s in a new process, numba's
    import included; compiled when there is none, a few seconds once), in this thread: a
    caller that has time to spare while another process works (matcher/ranking/from_files.py)
    spends it here rather than on the first large product. Starts no thread, so the process
    may still fork."""
    from matcher.features import topn_kernel

    topn_kernel.warm_up()


def _ready(m: sp.csr_matrix) -> sp.csr_matrix:
    """``m`` as float32 CSR with sorted indices (the order of the sums; see the module's
    docstring), copied only when it is not already. Negative values would break the order of
    the keys (a negative float's bits compare above every positive one): refused."""
    m = m.tocsr()
    if max(m.shape) >= 2**31:
        raise ValueError(f"matrix of shape {m.shape}: indices above 2**31 do not fit the keys")
    if m.dtype != np.float32:
        m = m.astype(np.float32)
    if m.nnz and m.data.min() < 0:
        raise ValueError("top-n of a product of matrices with negative values")
    if not m.has_sorted_indices:
        m = m.sorted_indices()
    return m


__all__ = ["DENSE_UP_TO", "top_n_both", "top_n_rows", "uses_kernel", "warm_up"]
