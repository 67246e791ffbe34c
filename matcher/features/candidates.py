"""Candidate pairs: which (offer, profile) pairs get the finer components at all.

One sparse product ranks, for every offer, all profiles by an approximation of the final score
(text cosine + occupation link, each weighted as in the total) and keeps the best ``per_offer``;
the same product read by columns keeps the best ``per_profile`` offers of every profile, so that
a person absent from every offer's short list still gets their own best offers. The product is
made once and never materialised: matcher/features/topn.py keeps the top-n of each row and of
each column while it multiplies (ties: the smaller position first).

The text block of the product is the exact TF-IDF vector of the text component, so the text cosine
of each candidate pair is read back from the product (minus the occupation block's part) instead
of being recomputed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from matcher.features.sparse_ops import pair_keys, rowwise_dot
from matcher.features.topn import top_n_both


def candidate_pairs(
    text_offers: sp.csr_matrix,
    text_profiles: sp.csr_matrix,
    occ_offers: sp.csr_matrix,
    occ_profiles: sp.csr_matrix,
    text_weight: float,
    occupation_weight: float,
    per_offer: int,
    per_profile: int,
    threads: int = 2,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offer positions, profile positions, text cosine) of the candidate pairs, sorted by offer
    then profile, without duplicates."""
    wt = np.float32(np.sqrt(max(text_weight, 1e-6)))
    wo = np.float32(np.sqrt(max(occupation_weight, 0.0)))
    a = sp.hstack([text_offers * wt, occ_offers * wo], format="csr", dtype=np.float32)
    b = sp.hstack([text_profiles * wt, occ_profiles * wo], format="csr", dtype=np.float32)
    by_offer, by_profile = top_n_both(a, b.T.tocsr(), per_offer, per_profile, threads)
    o_pos = np.concatenate([by_offer.row, by_profile.row]).astype(np.int64)
    p_pos = np.concatenate([by_offer.col, by_profile.col]).astype(np.int64)
    _, first = np.unique(pair_keys(o_pos, p_pos, b.shape[0]), return_index=True)
    o_pos, p_pos = o_pos[first], p_pos[first]
    # Text cosine = product - occupation part (exact up to float32 rounding).
    total = np.concatenate([by_offer.data, by_profile.data]).astype(np.float64)[first]
    occ = rowwise_dot(occ_offers, occ_profiles, o_pos, p_pos) * float(wo) ** 2
    cosine = (total - occ) / float(wt) ** 2
    return o_pos, p_pos, np.clip(cosine, 0.0, 1.0)
