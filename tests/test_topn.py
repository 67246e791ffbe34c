"""The top-n of a sparse product both ways (matcher/features/topn.py): the pairs and values of a
dense reference, ties to the smaller index, the same whatever the threads, the side, and the
way (read dense by numpy, or the compiled kernel)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from matcher.features import topn
from matcher.features.candidates import candidate_pairs
from matcher.features.topn import top_n_both, top_n_rows

# dense_up_to for each way: every product read dense, every product by the kernel.
DENSE, KERNEL = 2**62, 0
WAYS = pytest.mark.parametrize("way", [DENSE, KERNEL], ids=["dense", "kernel"])


def _reference(a: sp.csr_matrix, b: sp.csr_matrix, per_row: int, per_col: int):
    """{(row, col): value} of the best per_row of each row and per_col of each column of the
    dense product: larger value first, then smaller index; positive values only."""
    d = (a @ b.T).toarray().astype(np.float32)
    rows, cols = {}, {}
    for i in range(d.shape[0]):
        best = sorted((-d[i, k], k) for k in range(d.shape[1]) if d[i, k] > 0)[:per_row]
        rows.update({(i, k): d[i, k] for _, k in best})
    for k in range(d.shape[1]):
        best = sorted((-d[i, k], i) for i in range(d.shape[0]) if d[i, k] > 0)[:per_col]
        cols.update({(i, k): d[i, k] for _, i in best})
    return rows, cols


def _as_dict(m: sp.coo_matrix) -> dict[tuple[int, int], float]:
    return {(int(r), int(c)): float(v) for r, c, v in zip(m.row, m.col, m.data, strict=True)}


def _small_ints(rng: np.random.Generator, n: int, features: int) -> sp.csr_matrix:
    """Values 1 or 2 on a few features: many equal products, so the ties decide."""
    return sp.random(n, features, density=0.3, random_state=rng, dtype=np.float32,
                     data_rvs=lambda s: rng.integers(1, 3, s).astype(np.float32)).tocsr()  # fmt: skip


@pytest.mark.parametrize(
    ("seed", "n_a", "n_b", "features", "per_row", "per_col", "threads"),
    [
        (0, 30, 50, 6, 3, 2, 1),
        (1, 30, 50, 6, 3, 2, 2),
        (2, 7, 40, 4, 10, 10, 3),  # more wanted than there are
        (3, 40, 9, 5, 1, 1, 2),
        (4, 25, 60, 8, 0, 4, 2),  # columns only
        (5, 25, 60, 8, 4, 0, 2),  # rows only
        (6, 1, 20, 3, 5, 1, 2),  # one row, more threads than rows
        (7, 50, 50, 12, 5, 5, 2),
    ],
)
@WAYS
def test_the_kept_pairs_and_values_are_those_of_the_dense_product(
    seed, n_a, n_b, features, per_row, per_col, threads, way
):
    rng = np.random.default_rng(seed)
    a, b = _small_ints(rng, n_a, features), _small_ints(rng, n_b, features)
    rows, cols = top_n_both(a, b.T.tocsr(), per_row, per_col, threads, dense_up_to=way)
    want_rows, want_cols = _reference(a, b, per_row, per_col)
    assert _as_dict(rows) == want_rows
    assert _as_dict(cols) == want_cols


@WAYS
def test_a_worked_example(way):
    # Features: a, b, c. Row 0 has a and b, row 1 has c only.
    a = sp.csr_matrix(np.array([[1, 1, 0], [0, 0, 2]], dtype=np.float32))
    # Columns: 0 = a (1), 1 = a + b (2), 2 = b (1), 3 = c (3), 4 = nothing shared.
    b = sp.csr_matrix(np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 3], [0, 0, 0]],
                               dtype=np.float32))  # fmt: skip
    rows, cols = top_n_both(a, b.T.tocsr(), per_row=2, per_col=1, dense_up_to=way)
    # Row 0: 2 (column 1), then 1 and 1 (columns 0 and 2): the tie goes to column 0.
    assert _as_dict(rows) == {(0, 1): 2.0, (0, 0): 1.0, (1, 3): 6.0}
    # Each column's best row; column 4 shares nothing with any row: none.
    assert _as_dict(cols) == {(0, 0): 1.0, (0, 1): 2.0, (0, 2): 1.0, (1, 3): 6.0}


def _tfidf_like(rng: np.random.Generator, n: int, features: int) -> sp.csr_matrix:
    m = sp.random(n, features, density=0.05, random_state=rng, dtype=np.float32).tocsr()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.diags(1 / np.maximum(norms, 1e-9)).dot(m).astype(np.float32).tocsr()


@WAYS
def test_the_columns_half_is_the_rows_half_of_the_other_side_value_for_value(way):
    rng = np.random.default_rng(11)
    offers, profiles = _tfidf_like(rng, 120, 300), _tfidf_like(rng, 700, 300)
    _, by_profile = top_n_both(offers, profiles.T.tocsr(), 10, 5, threads=2, dense_up_to=way)
    as_rows = top_n_rows(profiles, offers.T.tocsr(), 5, threads=2, dense_up_to=way)
    flipped = {(o, p): v for (p, o), v in _as_dict(as_rows).items()}
    assert len(flipped) > 2000
    assert _as_dict(by_profile) == flipped  # same pairs, bit-identical values


@pytest.mark.parametrize("threads", [1, 2, 3, 5])
@WAYS
def test_threads_do_not_change_the_result(threads, way):
    rng = np.random.default_rng(5)
    a, b = _tfidf_like(rng, 90, 200), _tfidf_like(rng, 400, 200)
    one = [_as_dict(m) for m in top_n_both(a, b.T.tocsr(), 7, 3, threads=1, dense_up_to=way)]
    got = top_n_both(a, b.T.tocsr(), 7, 3, threads=threads, dense_up_to=way)
    assert [_as_dict(m) for m in got] == one


@pytest.mark.parametrize("chunk", [2**20, 400, 37])
def test_both_ways_give_the_same_pairs_and_the_same_float32_bits(monkeypatch, chunk):
    # The dense way reads a few rows at a time (chunks of 1, 2 or many rows here); scipy's
    # product and the kernel add the same float32 products in the same order.
    monkeypatch.setattr(topn, "_CHUNK_CELLS", chunk)
    rng = np.random.default_rng(23)
    a, b = _tfidf_like(rng, 150, 120), _tfidf_like(rng, 300, 120)
    a.data[::7] = a.data[1::7][: len(a.data[::7])]  # repeated values: ties between products
    dense = top_n_both(a, b.T.tocsr(), 9, 4, threads=2, dense_up_to=DENSE)
    kernel = top_n_both(a, b.T.tocsr(), 9, 4, threads=2, dense_up_to=KERNEL)
    for d, k in zip(dense, kernel, strict=True):
        assert d.nnz == k.nnz > 500
        assert {key: np.float32(v).view(np.uint32) for key, v in _as_dict(d).items()} == {
            key: np.float32(v).view(np.uint32) for key, v in _as_dict(k).items()
        }
    # The offers' half by offer, the profiles' half by profile (as the blocks cut them).
    assert np.all(np.diff(dense[0].row) >= 0) and np.all(np.diff(dense[1].col) >= 0)


def test_the_size_decides_the_way():
    assert not topn.uses_kernel(1_000, 10_000)  # 1e7 cells: read dense
    assert topn.uses_kernel(10_000, 100_000)
    assert topn.uses_kernel(2, 3, dense_up_to=5) and not topn.uses_kernel(1, 5, dense_up_to=5)


def test_a_small_product_loads_no_compiled_code():
    code = """
import sys, numpy as np, scipy.sparse as sp
from matcher.features.topn import top_n_both
a = sp.csr_matrix(np.array([[1, 2], [0, 1]], dtype=np.float32))
rows, _ = top_n_both(a, a.T.tocsr(), 1, 1)
print(sorted(zip(rows.row.tolist(), rows.col.tolist(), rows.data.tolist())), "numba" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[(0, 0, 5.0), (1, 0, 2.0)] False"


@WAYS
def test_empty_sides_and_nothing_wanted_give_empty_matrices(way):
    a = sp.csr_matrix(np.ones((3, 2), dtype=np.float32))
    for left, right, per in [(a[:0], a, 2), (a, a[:0], 2), (a, a, 0)]:
        rows, cols = top_n_both(left, right.T.tocsr(), per, per, dense_up_to=way)
        assert rows.shape == cols.shape == (left.shape[0], right.shape[0])
        assert rows.nnz == cols.nnz == 0


@WAYS
def test_stored_zeros_are_no_candidates(way):
    a = sp.csr_matrix((np.array([0.0, 1.0], dtype=np.float32), ([0, 0], [0, 1])), shape=(1, 2))
    b = sp.csr_matrix((np.array([5.0, 1.0], dtype=np.float32), ([0, 1], [0, 1])), shape=(2, 2))
    rows, _ = top_n_both(a, b.T.tocsr(), 5, dense_up_to=way)
    assert _as_dict(rows) == {(0, 1): 1.0}  # column 0 only meets the stored zero


@pytest.mark.parametrize(
    ("a", "bt", "message"),
    [
        (sp.csr_matrix(-np.ones((1, 2), dtype=np.float32)), sp.csr_matrix(np.ones((2, 1))),
         "negative"),
        (sp.csr_matrix(np.ones((1, 2))), sp.csr_matrix(np.ones((3, 1))), "do not multiply"),
    ],
)  # fmt: skip
def test_what_the_keys_cannot_order_is_refused(a, bt, message):
    with pytest.raises(ValueError, match=message):
        top_n_both(a, bt, 1, 1)


def test_candidates_at_a_tie_go_to_the_first_profiles():
    # Four profiles with the same words: their products with the offer are equal. The offer
    # keeps two (the first two), each profile keeps its one offer.
    text_o = sp.csr_matrix(np.array([[1.0, 0.0]], dtype=np.float32))
    text_p = sp.csr_matrix(np.array([[0.0, 1.0]] + [[1.0, 0.0]] * 4, dtype=np.float32))
    occ_o = sp.csr_matrix((1, 1), dtype=np.float32)
    occ_p = sp.csr_matrix((5, 1), dtype=np.float32)
    o_pos, p_pos, cosine = candidate_pairs(text_o, text_p, occ_o, occ_p, 0.5, 0.5, 2, 0)
    assert p_pos.tolist() == [1, 2]
    o_pos, p_pos, cosine = candidate_pairs(text_o, text_p, occ_o, occ_p, 0.5, 0.5, 2, 1)
    assert p_pos.tolist() == [1, 2, 3, 4] and o_pos.tolist() == [0] * 4
    assert cosine.tolist() == pytest.approx([1.0] * 4)


def test_without_a_folder_for_numba_cache_the_kernel_is_compiled_not_refused():
    # numba refuses a cached function at import when no folder can hold its cache (read-only
    # install and home); simulated in a new process, where the module is imported afresh.
    code = """
import numba.core.caching as caching
def refuse(self, py_func):
    raise RuntimeError("cannot cache function: no locator available")
caching.FunctionCache.__init__ = refuse
import logging, numpy as np, scipy.sparse as sp
logging.basicConfig(level=logging.WARNING)
from matcher.features.topn import top_n_both
a = sp.csr_matrix(np.array([[1, 2], [0, 1]], dtype=np.float32))
rows, cols = top_n_both(a, a.T.tocsr(), 1, 1, dense_up_to=0)
print(sorted(zip(rows.row.tolist(), rows.col.tolist(), rows.data.tolist())))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[(0, 0, 5.0), (1, 0, 2.0)]"
    assert "compiled in each process" in done.stderr


def test_rank_bounds_the_profiles_rows_from_above_before_reading_them(tmp_path):
    # rank loads the kernel while the profiles are read only when the offers times this bound
    # exceed the dense way's size (matcher/ranking/from_files.py): it must never be under the
    # rows a file holds.
    from matcher.ranking.from_files import _rows_at_most

    csv = tmp_path / "p.csv"
    csv.write_text('ref;skills\nA1;"soudure\nmeulage"\nA2;x\nA3;y', encoding="utf-8")  # 3 rows
    json = tmp_path / "p.json"
    json.write_text('[{"ref": "A1"}, {"ref": "A2"}]', encoding="utf-8")  # one line, 2 rows
    workbook = tmp_path / "p.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    assert _rows_at_most([csv]) == 5  # line breaks + 1: the quoted break counts too
    assert _rows_at_most([json]) == json.stat().st_size >= 2
    assert _rows_at_most([workbook]) == 104
    assert _rows_at_most([csv, json]) == 5 + json.stat().st_size
