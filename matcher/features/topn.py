"""Top-n of a sparse product, both ways in one pass: the best columns of every row of ``a @ bt``
and, from the same multiply-adds, the best rows of every column.

The candidate search needs both halves: the best profiles of each offer and the best offers of
each profile. Two top-n products (``sparse_dot_topn``, one each way) made every multiply-add
twice, and each walked a linked list of the columns a row touched. At 10,000 offers x 100,000
profiles the product is 39 % dense, so here a row is accumulated into a dense array as wide as
the columns, which is then read once from start to end: an entry enters the row's heap or its
column's heap only when it beats that heap's worst kept value, a branch that is rarely taken
once the heaps are full. On the 10,000 x 100,000 bench files (benchmarks/chain_data.py) both
halves take 6-8 s on 2 threads, against 6.5-7 s for each of the two products before.

Order, the same in every direction and every split of the work: a larger value first, then the
smaller index. Only positive values are kept (pairs that share nothing are no candidates). A
value is summed over the two rows' common features in the order of the features, so the product
of a pair is the same float32 whichever side is the row (tested): the best offers of the profiles
computed as rows of ``profiles @ offers.T`` are those found here as columns.

The kernel is compiled by numba (cached on disk next to this file, or in numba's user cache;
:func:`_compiled` says what happens where neither can be written) and releases the GIL:
``threads`` Python threads share the rows, each with its own accumulator and its own column
heaps, merged at the end. No thread pool outlives the call, so a process may fork after it
(matcher/ranking/parallel.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import scipy.sparse as sp

log = logging.getLogger(__name__)


def _compiled(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit`` with the compiled code cached on disk. Where no folder can hold the cache
    (a read-only install and a read-only home: numba then refuses the function at import), the
    function is compiled in each process instead (a few seconds), with a warning, not refused."""

    def wrap(fn: Callable[..., Any]) -> Any:
        try:
            return numba.njit(cache=True, **options)(fn)
        except RuntimeError as exc:
            log.warning("numba cannot cache %s (%s): compiled in each process", fn.__name__, exc)
            return numba.njit(**options)(fn)

    return wrap


# A heap entry is one uint64: the value's float32 bits (for a positive float the order of its bits
# is the order of the values) above the complement of the index, so that a larger key is a larger
# value, then a smaller index: one integer to compare and one array to touch per entry (3.4 s
# against 4.0 s with a float and an index array, 2,000 x 100,000 on one thread).
_LOW = np.uint64(0xFFFFFFFF)


# Inlined in numba's IR: as calls, the kernel took 20 % longer (median of 3 in turns).
@_compiled(nogil=True, inline="always")
def _key(bits, i):
    return (np.uint64(bits) << np.uint64(32)) | (_LOW - np.uint64(i))


@_compiled(nogil=True, inline="always")
def _push(heap, base, count, size, key):
    """Offer ``key`` to the heap ``heap[base:base + size]`` holding ``count`` entries, its
    smallest (worst) key at the root; returns the new count."""
    if count < size:
        pos = count
        heap[base + pos] = key
        while pos > 0:
            par = (pos - 1) // 2
            if heap[base + pos] < heap[base + par]:
                heap[base + pos], heap[base + par] = heap[base + par], heap[base + pos]
                pos = par
            else:
                break
        return count + 1
    if key <= heap[base]:
        return count
    heap[base] = key
    pos = 0
    while True:
        child = 2 * pos + 1
        if child >= size:
            break
        if child + 1 < size and heap[base + child + 1] < heap[base + child]:
            child += 1
        if heap[base + child] < heap[base + pos]:
            heap[base + pos], heap[base + child] = heap[base + child], heap[base + pos]
            pos = child
        else:
            break
    return count


@_compiled(nogil=True)
def _kernel(
    a_ptr, a_ind, a_dat, b_ptr, b_ind, b_dat, n_cols, first, step,
    per_row, rows, row_cnt, per_col, cols, col_cnt, col_bar,
):  # fmt: skip
    """Rows ``first, first + step, ...`` of a @ b: their heaps, and the column heaps of this
    share of the rows. Rows are read in increasing order and a row's columns too, so a value
    equal to a heap's worst never enters it (the entry kept has the smaller index). Values are
    compared by their bits (positive float32: the same order)."""
    acc = np.zeros(n_cols, dtype=np.float32)
    bits = acc.view(np.uint32)
    for i in range(first, len(a_ptr) - 1, step):
        for p in range(a_ptr[i], a_ptr[i + 1]):
            j = a_ind[p]
            v = a_dat[p]
            for q in range(b_ptr[j], b_ptr[j + 1]):
                acc[b_ind[q]] += v * b_dat[q]
        base = i * per_row
        count = 0
        # The row's bar: 0 until its heap is full (any positive value enters), then its worst.
        bar = np.uint32(0) if per_row > 0 else np.uint32(0xFFFFFFFF)
        for k in range(n_cols):
            x = bits[k]
            acc[k] = 0
            if x > bar or x > col_bar[k]:
                if x > bar:
                    count = _push(rows, base, count, per_row, _key(x, k))
                    if count == per_row:
                        bar = np.uint32(rows[base] >> np.uint64(32))
                if x > col_bar[k]:
                    c = _push(cols, k * per_col, col_cnt[k], per_col, _key(x, i))
                    col_cnt[k] = c
                    if c == per_col:
                        col_bar[k] = np.uint32(cols[k * per_col] >> np.uint64(32))
        row_cnt[i] = count


@_compiled(nogil=True)
def _merge_columns(per_col, cols, cnt, more, more_cnt):
    """Add another thread's column heaps to these (the same order decides)."""
    for k in range(len(cnt)):
        base = k * per_col
        for e in range(more_cnt[k]):
            cnt[k] = _push(cols, base, cnt[k], per_col, more[base + e])


def _heaps(n: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Heaps of ``size`` keys for ``n`` owners: keys, counts, bars (what enters must be above:
    0, any positive value, until the heap is full; never when ``size`` is 0)."""
    return (
        np.zeros(n * size, dtype=np.uint64),
        np.zeros(n, dtype=np.int64),
        np.full(n, 0 if size else 0xFFFFFFFF, dtype=np.uint32),
    )


def _kept(
    heap: np.ndarray, cnt: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(owner, other index, value) of the entries the heaps hold, by owner."""
    n = len(cnt)
    held = np.arange(size)[None, :] < cnt[:, None]
    owner = np.broadcast_to(np.arange(n, dtype=np.int32)[:, None], (n, size))[held]
    keys = heap.reshape(n, size)[held]
    other = (np.uint64(0xFFFFFFFF) - (keys & np.uint64(0xFFFFFFFF))).astype(np.int32)
    value = (keys >> np.uint64(32)).astype(np.uint32).view(np.float32)
    return owner, other, value


def top_n_both(
    a: sp.csr_matrix, bt: sp.csr_matrix, per_row: int, per_col: int = 0, threads: int = 2
) -> tuple[sp.coo_matrix, sp.coo_matrix]:
    """The best ``per_row`` columns of every row of ``a @ bt`` and the best ``per_col`` rows of
    every column, as two (rows of a) x (columns of bt) matrices holding only those values.

    ``a``: rows x features, ``bt``: features x columns, both float32 CSR with sorted indices (as
    ``.T.tocsr()`` gives them). Ties: the smaller index first (see the module's docstring)."""
    n_rows, n_cols = a.shape[0], bt.shape[1]
    if a.shape[1] != bt.shape[0]:
        raise ValueError(f"shapes {a.shape} and {bt.shape} do not multiply")
    per_row, per_col = max(0, min(per_row, n_cols)), max(0, min(per_col, n_rows))
    a, bt = _ready(a), _ready(bt)
    rows = _heaps(n_rows, per_row)
    threads = max(1, min(int(threads), n_rows or 1))
    cols = [_heaps(n_cols, per_col) for _ in range(threads)]
    if n_rows and n_cols and (per_row or per_col) and a.nnz and bt.nnz:
        common = (a.indptr, a.indices, a.data, bt.indptr, bt.indices, bt.data, n_cols)
        args = [
            (*common, t, threads, per_row, *rows[:2], per_col, *cols[t]) for t in range(threads)
        ]
        if threads == 1:
            _kernel(*args[0])
        else:
            # Compiled (or read from the cache) before the threads start, not by both at once:
            # a call with no row to read.
            _kernel(a.indptr[:1], *args[0][1:])
            workers = [threading.Thread(target=_kernel, args=arg) for arg in args]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
            for more in cols[1:]:
                _merge_columns(per_col, *cols[0][:2], *more[:2])
    shape = (n_rows, n_cols)
    r_owner, r_other, r_val = _kept(*rows[:2], per_row)
    c_owner, c_other, c_val = _kept(*cols[0][:2], per_col)
    return (
        sp.coo_matrix((r_val, (r_owner, r_other)), shape=shape),
        sp.coo_matrix((c_val, (c_other, c_owner)), shape=shape),
    )


def top_n_rows(
    a: sp.csr_matrix, bt: sp.csr_matrix, per_row: int, threads: int = 2
) -> sp.coo_matrix:
    """The best ``per_row`` columns of every row of ``a @ bt`` (:func:`top_n_both` without the
    columns' half)."""
    return top_n_both(a, bt, per_row, 0, threads)[0]


def warm_up() -> None:
    """Load the compiled kernel now (from numba's cache: about 0.4 s in a new process; compiled
    when there is none, a few seconds once), in this thread: a caller that has time to spare
    while another process works (matcher/ranking/from_files.py) spends it here rather than
    on the first product. Starts no thread, so the process may still fork."""
    one = sp.csr_matrix(np.ones((1, 1), dtype=np.float32))
    top_n_both(one, one, 1, 1, threads=1)


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


__all__ = ["top_n_both", "top_n_rows", "warm_up"]
