"""Occupation: 1 for the same ROME code, less for a close job, less again for the same
professional domain (first three characters of the code), 0 otherwise; NaN when a side has no
code (unknown does not punish: the ranking gives it the neutral score)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher.referential import Referential, close_pairs


def _incidence(code_lists: pd.Series, index: dict[str, int], width: int) -> sp.csr_matrix:
    lengths = code_lists.map(len).to_numpy()
    flat = [index[c] for codes in code_lists for c in codes]
    rows = np.repeat(np.arange(len(code_lists)), lengths)
    return sp.csr_matrix(
        (np.ones(len(flat), dtype=np.float32), (rows, np.asarray(flat, dtype=np.int64))),
        shape=(len(code_lists), width),
    )


def occupation_score(
    offer_codes: pd.Series,
    profile_codes: pd.Series,
    offer_pos: np.ndarray,
    profile_pos: np.ndarray,
    referential: Referential,
    close_score: float,
    domain_score: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Score per pair and the kind of link: 3 same code, 2 close job, 1 same domain, 0 none,
    -1 unknown."""
    all_codes = sorted({c for codes in (*offer_codes, *profile_codes) for c in codes})
    index = {c: i for i, c in enumerate(all_codes)}
    n = len(all_codes)
    o = _incidence(offer_codes, index, n)
    p = _incidence(profile_codes, index, n)
    close = [(index[a], index[b]) for a, b in close_pairs(referential) if a in index and b in index]
    cm = sp.csr_matrix(
        (np.ones(len(close), dtype=np.float32), ([a for a, _ in close], [b for _, b in close])),
        shape=(n, n),
    )
    domains = sorted({c[:3] for c in all_codes})
    dindex = {d: i for i, d in enumerate(domains)}
    dm = sp.csr_matrix(
        (np.ones(n, dtype=np.float32), (np.arange(n), [dindex[c[:3]] for c in all_codes])),
        shape=(n, max(len(domains), 1)),
    )
    op, pp = o[offer_pos], p[profile_pos]
    same = np.asarray(op.multiply(pp).sum(axis=1)).ravel() > 0
    near = np.asarray((op @ cm).multiply(pp).sum(axis=1)).ravel() > 0
    dom = np.asarray((op @ dm).multiply(pp @ dm).sum(axis=1)).ravel() > 0
    known = (np.asarray(op.sum(axis=1)).ravel() > 0) & (np.asarray(pp.sum(axis=1)).ravel() > 0)
    kind = np.select([~known, same, near, dom], [-1, 3, 2, 1], default=0)
    score = np.select(
        [kind == -1, kind == 3, kind == 2, kind == 1], [np.nan, 1.0, close_score, domain_score], 0.0
    )
    return score, kind
