"""Memory of the stateless ranking (issue 15 item 5): what is no longer copied or kept gives
the same values as the computation it replaces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from matcher import fields as F
from matcher.devtools.synthetic import synthetic_frames
from matcher.features import text
from matcher.ranking.blocks import CONTEXT_ONLY, narrowed, ranked_pairs, scaled_hstack
from matcher.ranking.scoring import build_context
from matcher.reference.geo import builtin_communes
from matcher.reference.referential import builtin_referential
from matcher.settings import Settings


def _random(rows: int, cols: int, seed: int, dtype=np.float32) -> sp.csr_matrix:
    return sp.random(rows, cols, density=0.2, format="csr", dtype=dtype, random_state=seed)


def _same(a: sp.csr_matrix, b: sp.csr_matrix) -> None:
    assert a.shape == b.shape and a.dtype == b.dtype
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.data, b.data)  # bit for bit, not approximately


@pytest.mark.parametrize("b_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("wb", [0.0, 0.3, 1.7])
def test_scaled_stack_equals_stacking_scaled_copies(b_dtype, wb):
    a, b = _random(40, 300, 1), _random(40, 12, 2, b_dtype)
    wa, wb32 = np.float32(np.sqrt(0.55)), np.float32(wb)
    expected = sp.hstack([a * wa, b * wb32], format="csr", dtype=np.float32)
    _same(scaled_hstack(a, wa, b, wb32), expected)


@pytest.mark.parametrize("start", [0, 1, 17, 39, 40])
def test_rows_from_equals_slicing(start):
    x = _random(40, 50, 3)
    _same(text.rows_from(x, start), x[start:])


def test_text_rows_equal_the_words_block_scaled():
    """The words block of the stacked rows is the words-only TF-IDF x sqrt(1 - char weight),
    the same float32 product as before (and offers + profiles rows are the whole stack)."""
    ref = builtin_referential()
    offers, profiles, _ = synthetic_frames(ref, 30, 200, seed=3)
    ot = offers[F.TITLE].astype(str) + " " + offers[F.DESCRIPTION].astype(str)
    pt = profiles[F.TARGET_JOBS].astype(str) + " " + profiles[F.EXPERIENCE].astype(str)
    words_o, words_p = text.vectorise(ot, pt, char_weight=0.0, max_df=0.5)
    xo, xp = text.vectorise(ot, pt, offers[F.TITLE], profiles[F.TARGET_JOBS], char_weight=0.3,
                            max_df=0.5)  # fmt: skip
    factor = np.float32(np.sqrt(1.0 - 0.3))
    for got, words in ((xo, words_o), (xp, words_p)):
        assert got.shape == (words.shape[0], 2 * text.N_FEATURES)
        _same(got[:, : text.N_FEATURES].tocsr(), (words * factor).tocsr())
        assert got[:, text.N_FEATURES :].nnz > 0  # the title characters block is there


@pytest.fixture(scope="module")
def context():
    ref = builtin_referential()
    offers, profiles, _ = synthetic_frames(ref, 40, 300, seed=9)
    return lambda: build_context(offers, profiles, Settings(), ref, builtin_communes())


def test_released_context_gives_the_same_pairs_and_drops_its_text_rows(context):
    kept = ranked_pairs(context(), 20)
    ctx = context()
    got = ranked_pairs(ctx, 20, release=True)
    pd.testing.assert_frame_equal(got, kept)
    assert ctx.text_profiles.nnz == 0 and ctx.text_offers.nnz == 0
    assert ctx.text_profiles.shape[0] == len(ctx.profiles)


def test_narrowed_context_drops_only_what_the_context_was_built_from(context):
    ctx = context()
    slim = narrowed(ctx)
    for wide, narrow in ((ctx.offers, slim.offers), (ctx.profiles, slim.profiles)):
        assert set(wide.columns) - set(narrow.columns) == set(CONTEXT_ONLY) & set(wide.columns)
        assert {F.TEXT_NORM, F.SKILL_LIST, F.OCC_CLOSE} <= set(wide.columns) - set(narrow.columns)
        pd.testing.assert_frame_equal(narrow, wide[list(narrow.columns)])
    pd.testing.assert_frame_equal(ranked_pairs(slim, 20), ranked_pairs(ctx, 20))
