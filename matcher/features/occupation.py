"""Occupation: 1 for the same ROME code, less for a close job of the referential (the ROME's
mobility links), a settable score for the same job family (a ROME 4.0 code and its parent,
``code_rome_parent``, or two children of one parent, when they are not also a close job), less
again for the same professional domain (first three characters of the code), 0 otherwise; NaN
when a side has no code (unknown does not punish: the ranking gives it the neutral score).

A parent and a child that the ROME also links as a mobility are a close job: the family alone is
weaker evidence (siblings of one parent are often different jobs: a family holds up to 30 codes,
and on the labelled set most family pairs without a mobility link are jobs of the same domain,
not close ones; settings.RankingSettings.family_job_score).

A row may carry several codes (a person aiming at two jobs): the best link counts. The link
between every two codes present is computed once in a small table (codes x codes); pairs then
read it through integer look-ups, never a loop over pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher.reference.referential import Referential, close_pairs

SAME, FAMILY, CLOSE, DOMAIN, NONE, UNKNOWN = 4, 3, 2, 1, 0, -1
# The kind numbers are labels (kept in exports); which link is better is decided by the scores
# of the settings (a person with several codes gets the best-scoring link, see pair_kind).


# Codes of a row beyond this many are ignored (a person aims at 1-3 jobs).
MAX_CODES = 5


@dataclass(frozen=True)
class CodeTable:
    """The distinct codes of both sides and the kind of link between every two of them.

    ``kind`` has one extra row and column (index ``len(codes)``) for "no code": -1."""

    codes: list[str]
    index: dict[str, int]
    kind: np.ndarray  # int8, (n + 1) x (n + 1)


def _as_lists(series: pd.Series) -> list[list[str]]:
    return [v if isinstance(v, list) else [] for v in series]


def code_table(
    offer_codes: pd.Series, profile_codes: pd.Series, referential: Referential
) -> CodeTable:
    codes = sorted({c for cs in (*_as_lists(offer_codes), *_as_lists(profile_codes)) for c in cs})
    index = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    kind = np.full((n + 1, n + 1), UNKNOWN, dtype=np.int8)
    kind[:n, :n] = NONE
    domains = np.array([c[:3] for c in codes])
    if n:
        kind[:n, :n][domains[:, None] == domains[None, :]] = DOMAIN
    if n:
        parents = referential.parents()
        fam = np.array([parents.get(c, c) for c in codes])
        kind[:n, :n][fam[:, None] == fam[None, :]] = FAMILY
    # A mobility link of the ROME wins over the family (it says the two jobs are close).
    for a, b in close_pairs(referential):
        if a in index and b in index:
            kind[index[a], index[b]] = CLOSE
    kind[np.arange(n), np.arange(n)] = SAME
    return CodeTable(codes, index, kind)


def code_matrix(code_lists: pd.Series, table: CodeTable) -> np.ndarray:
    """Rows x MAX_CODES matrix of code indices, padded with the "no code" index."""
    lists = _as_lists(code_lists)
    n = len(table.codes)
    width = max(1, min(MAX_CODES, max((len(c) for c in lists), default=1)))
    out = np.full((len(lists), width), n, dtype=np.int32)
    for r, cs in enumerate(lists):
        ids = [table.index[c] for c in cs[:width] if c in table.index]
        out[r, : len(ids)] = ids
    return out


def link_kind(a: str, b: str, referential: Referential) -> int:
    """The kind of link between two codes (for a few pairs: the reasons)."""
    if a == b:
        return SAME
    if (a, b) in close_pairs(referential):
        return CLOSE
    parents = referential.parents()
    if parents.get(a, a) == parents.get(b, b):
        return FAMILY
    return DOMAIN if a[:3] == b[:3] else NONE


def linking_codes(
    kind: int, offer_codes: list[str], profile_codes: list[str], referential: Referential
) -> tuple[str, str] | None:
    """The (offer code, person code) that gave the pair its link ``kind``: the first such pair
    in the order of the codes (the offer's main code first)."""
    for a in offer_codes[:MAX_CODES]:
        for b in profile_codes[:MAX_CODES]:
            if link_kind(a, b, referential) == kind:
                return a, b
    return None


# (close job, same domain, same family): the scores of the settings, which decide which of two
# links is the better one.
KindScores = tuple[float, float, float]


def pair_kind(
    table: CodeTable,
    offer_matrix: np.ndarray,
    profile_matrix: np.ndarray,
    o_pos,
    p_pos,
    scores: KindScores,
) -> np.ndarray:
    """Best link of each pair over the codes of both sides (4, 3, 2, 1, 0, or -1 unknown): the
    one with the highest score under ``scores``."""
    # Priority of each kind (index kind + 1): its score, unknown lowest; ties: the higher kind.
    kinds = np.arange(-1, 5)
    score = np.nan_to_num(kind_score(kinds, *scores), nan=-1.0)
    priority = np.empty(6, dtype=np.int64)
    priority[np.lexsort((kinds, score))] = np.arange(6)
    best = np.full(len(o_pos), priority[0], dtype=np.int64)
    for a in range(offer_matrix.shape[1]):
        oa = offer_matrix[o_pos, a]
        for b in range(profile_matrix.shape[1]):
            np.maximum(best, priority[table.kind[oa, profile_matrix[p_pos, b]] + 1], out=best)
    by_priority = np.empty(6, dtype=np.int8)
    by_priority[priority] = np.arange(-1, 5)
    return by_priority[best]


def kind_score(
    kind: np.ndarray, close_score: float, domain_score: float, family_score: float
) -> np.ndarray:
    """Score of a link kind; NaN for unknown."""
    lookup = np.array([0.0, domain_score, close_score, family_score, 1.0, np.nan])
    return lookup[np.asarray(kind).astype(np.int64)]


def confidence_weight(confidence: np.ndarray, floor: float, full: float) -> np.ndarray:
    """How much a classified code is trusted: 0 at ``floor`` (or below), 1 from ``full`` up,
    linear in between. Codes given in the file have confidence 1."""
    c = np.nan_to_num(np.asarray(confidence, dtype=float), nan=0.0)
    return np.clip((c - floor) / max(full - floor, 1e-9), 0.0, 1.0)


def blend(score: np.ndarray, trust: np.ndarray, unknown_score: float) -> np.ndarray:
    """A link read from uncertain codes moves toward the neutral score: trust x score +
    (1 - trust) x neutral. Unknown links stay NaN."""
    return np.where(np.isnan(score), np.nan, trust * score + (1.0 - trust) * unknown_score)


def occupation_score(
    offer_codes: pd.Series,
    profile_codes: pd.Series,
    offer_pos: np.ndarray,
    profile_pos: np.ndarray,
    referential: Referential,
    close_score: float,
    domain_score: float,
    family_score: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Score per pair and the kind of link: 4 same code, 3 same family, 2 close job, 1 same
    domain, 0 none, -1 unknown."""
    table = code_table(offer_codes, profile_codes, referential)
    kind = pair_kind(
        table,
        code_matrix(offer_codes, table),
        code_matrix(profile_codes, table),
        np.asarray(offer_pos),
        np.asarray(profile_pos),
        (close_score, domain_score, family_score),
    )
    return kind_score(kind, close_score, domain_score, family_score), kind


def retrieval_blocks(
    table: CodeTable,
    offer_matrix: np.ndarray,
    profile_matrix: np.ndarray,
    close_score: float,
    domain_score: float,
    family_score: float,
    unknown_score: float,
    offer_trust: np.ndarray | None = None,
    profile_trust: np.ndarray | None = None,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Sparse blocks whose row-wise products approximate the occupation score of every pair,
    for the candidate search: the offer side is 1 on its codes, the profile side holds, for every
    code, the score of its best link to it; an extra column gives profiles without a code the
    neutral score against every offer that has one. Rows are scaled by the trust in their codes
    (the product then weighs a link by both trusts), and the extra column gives the less trusted
    profiles part of the neutral score."""
    n = len(table.codes)
    value = np.zeros((n + 1, n + 1), dtype=np.float32)
    value[table.kind == SAME] = 1.0
    value[table.kind == FAMILY] = family_score
    value[table.kind == CLOSE] = close_score
    value[table.kind == DOMAIN] = domain_score
    value[n, :] = 0.0
    value[:, n] = 0.0

    def onehot(matrix: np.ndarray) -> sp.csr_matrix:
        rows = np.repeat(np.arange(matrix.shape[0]), matrix.shape[1])
        cols = matrix.ravel()
        keep = cols < n
        m = sp.csr_matrix(
            (np.ones(int(keep.sum()), np.float32), (rows[keep], cols[keep])),
            shape=(matrix.shape[0], n + 1),
        )
        m.sum_duplicates()
        m.data[:] = 1.0
        return m

    o = onehot(offer_matrix)
    has_o = np.asarray(o.sum(axis=1)).ravel() > 0
    if offer_trust is not None:
        o = sp.diags(np.asarray(offer_trust, np.float32)) @ o
    o = o + sp.csr_matrix(
        (np.ones(int(has_o.sum()), np.float32), (np.flatnonzero(has_o), np.full(has_o.sum(), n))),
        shape=o.shape,
    )
    p = onehot(profile_matrix)
    px = (p @ sp.csr_matrix(value)).tocsr()
    px.data = np.minimum(px.data, 1.0)  # several codes of one person: the best link, capped
    trust = np.where(np.asarray(p.sum(axis=1)).ravel() > 0, 1.0, 0.0)
    if profile_trust is not None:
        trust = trust * np.asarray(profile_trust, float)
    px = sp.diags(trust.astype(np.float32)) @ px
    rows = np.flatnonzero(trust < 1.0)
    px = px + sp.csr_matrix(
        (
            (unknown_score * (1.0 - trust[rows])).astype(np.float32),
            (rows, np.full(len(rows), n)),
        ),
        shape=px.shape,
    )
    return o.tocsr(), px.tocsr()
