"""The compiled kernel of :mod:`matcher.features.topn` for products too large to hold dense:
each row of ``a @ bt`` accumulated into a dense array as wide as the columns, then read once
from start to end; an entry enters the row's heap or its column's heap only when it beats that
heap's worst kept value, a branch rarely taken once the heaps are full. Imported only when such
a product is made (numba and the kernel's cached code take 0.5-0.9 s to load in a new process).

The kernel is compiled by numba (cached on disk next to this file, or in numba's user cache;
:func:`_compiled` says what happens where neither can be written) and releases the GIL:
``threads`` Python threads share the rows, each with its own accumulator and its own column
heaps, merged at the end. No thread pool outlives the call, so a process may fork after it
(matcher/ranking/parallel.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numba
import numpy as np
import scipy.sparse as sp

from matcher.features.topn import LOW_BITS, in_threads

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


# A heap entry is one key (matcher/features/topn.py): one integer to compare and one array to
# touch per entry (3.4 s against 4.0 s with a float and an index array, 2,000 x 100,000 on one
# thread).


# Inlined in numba's IR: as calls, the kernel took 20 % longer (median of 3 in turns).
@_compiled(nogil=True, inline="always")
def _key(bits, i):
    return (np.uint64(bits) << np.uint64(32)) | (LOW_BITS - np.uint64(i))


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


def heaps(
    a: sp.csr_matrix, bt: sp.csr_matrix, per_row: int, per_col: int, threads: int
) -> tuple[np.ndarray, np.ndarray]:
    """(row keys, column keys): the heaps of every row (``per_row`` keys each) and of every
    column (``per_col`` each) of ``a @ bt``, flat, a slot that holds nothing left 0; for ``a``
    and ``bt`` as :func:`matcher.features.topn.top_n_both` gives them (float32 CSR, sorted
    indices, values not negative, both with rows and values)."""
    n_rows, n_cols = a.shape[0], bt.shape[1]
    rows = _heaps(n_rows, per_row)
    threads = max(1, min(int(threads), n_rows))
    cols = [_heaps(n_cols, per_col) for _ in range(threads)]
    common = (a.indptr, a.indices, a.data, bt.indptr, bt.indices, bt.data, n_cols)
    args = [(*common, t, threads, per_row, *rows[:2], per_col, *cols[t]) for t in range(threads)]
    if threads > 1:
        # Compiled (or read from the cache) before the threads start, not by both at once:
        # a call with no row to read.
        _kernel(a.indptr[:1], *args[0][1:])
    in_threads(lambda t: _kernel(*args[t]), threads)
    for more in cols[1:]:
        _merge_columns(per_col, *cols[0][:2], *more[:2])
    return rows[0], cols[0][0]


def warm_up() -> None:
    """Load the compiled code now: a call on a 1 x 1 product, in this thread."""
    one = sp.csr_matrix(np.ones((1, 1), dtype=np.float32))
    heaps(one, one, 1, 1, threads=1)


__all__ = ["heaps", "warm_up"]
