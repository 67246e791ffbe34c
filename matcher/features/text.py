"""Text similarity: TF-IDF (word and character n-grams on normalised text), cosine per pair.

The same sparse product gives the candidate pairs: for each offer, the profiles whose text is
closest are kept (top-n per row), so later components never see all offers x profiles."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from matcher import fields as F


def vectorise(
    offer_text: pd.Series, profile_text: pd.Series
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """L2-normalised TF-IDF rows for offers and profiles, fitted on both corpora.

    Words (1-2 grams) carry meaning; character 3-5 grams inside words catch typos and variants
    ("preparateur"/"preparatrice"); both blocks are weighed equally then re-normalised."""
    corpus = pd.concat([offer_text, profile_text], ignore_index=True).fillna("")
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, dtype=np.float32)
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, dtype=np.float32
    )
    try:
        xw = words.fit_transform(corpus)
    except ValueError:  # empty vocabulary: no text at all
        xw = sp.csr_matrix((len(corpus), 1), dtype=np.float32)
    try:
        xc = chars.fit_transform(corpus)
    except ValueError:
        xc = sp.csr_matrix((len(corpus), 1), dtype=np.float32)
    x = normalize(sp.hstack([xw, xc], format="csr"))
    n = len(offer_text)
    return x[:n], x[n:]


def candidate_pairs(
    xo: sp.csr_matrix, xp: sp.csr_matrix, top_n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each offer, the ``top_n`` profiles of highest cosine similarity (ties: lower profile
    position first). Returns (offer positions, profile positions, similarity)."""
    sims = (xo @ xp.T).tocsr()
    n_profiles = xp.shape[0]
    k = min(top_n, n_profiles)
    rows, cols, vals = [], [], []
    # Dense per block of offers: the block is (block x profiles) floats, bounded in memory.
    block = max(1, 2_000_000 // max(n_profiles, 1))
    for start in range(0, sims.shape[0], block):
        dense = sims[start : start + block].toarray()
        if k < n_profiles:
            idx = np.argpartition(-dense, k - 1, axis=1)[:, :k]
        else:
            idx = np.broadcast_to(np.arange(n_profiles), (dense.shape[0], n_profiles))
        v = np.take_along_axis(dense, idx, axis=1)
        rows.append(np.repeat(np.arange(start, start + dense.shape[0]), idx.shape[1]))
        cols.append(idx.ravel())
        vals.append(v.ravel())
    if not rows:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=np.float32)
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)


def text_score(similarity: np.ndarray) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors, clipped to [0, 1]."""
    return np.clip(similarity, 0.0, 1.0)


OFFER_TEXT_FIELDS = [F.TITLE, F.TITLE, F.DESCRIPTION, F.SKILLS]  # title counted twice: it matters
PROFILE_TEXT_FIELDS = [F.TARGET_JOBS, F.TARGET_JOBS, F.SKILLS, F.EXPERIENCE, F.TRAINING]
