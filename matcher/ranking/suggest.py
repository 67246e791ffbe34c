"""From scored pairs to suggestions: the one path used by the command line (``rank``,
``match``), the dashboard (:func:`matcher.workflow.service.run_matching`) and the evaluation.

Which pairs become suggestions is decided here, once: each offer's best ``top_k`` profiles, or,
when ``ranking.allocate`` is set in the settings (or asked for by the caller), the global
allocation under capacities (:mod:`matcher.ranking.allocation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.ranking.allocation import AllocationReport, allocate, compare
from matcher.ranking.scoring import COLUMNS, OFFER_POS, Scored, score_pairs, suggestion_frame, top_k
from matcher.reference.referential import Referential
from matcher.settings import Settings


@dataclass
class Choice:
    """The pairs chosen as suggestions: row indices of ``scored.pairs`` grouped by offer, best
    first, and whether the allocation chose them (:func:`report` then compares with the plain
    lists)."""

    rows: np.ndarray
    allocated: bool = False


def choose(scored: Scored, *, k: int | None = None, allocation: bool | None = None) -> Choice:
    """The suggested pairs of ``scored``: the allocation when ``allocation`` (default: the
    settings' ``ranking.allocate``), else each offer's best ``k`` (default: the settings')."""
    settings = scored.settings
    if allocation if allocation is not None else settings.ranking.allocate:
        return Choice(allocate(scored), allocated=True)
    return Choice(top_k(scored, OFFER_POS, k or settings.ranking.top_k))


def report(scored: Scored, choice: Choice) -> AllocationReport | None:
    """How the allocation compares with the plain lists (None when it did not choose)."""
    return compare(scored, choice.rows) if choice.allocated else None


def suggestions(scored: Scored, choice: Choice | None = None) -> pd.DataFrame:
    """The chosen pairs (default: :func:`choose` with the settings) as a suggestions frame:
    rank 1..n within each offer, components, skills and French reasons."""
    choice = choice or choose(scored)
    return suggestion_frame(scored, choice.rows, OFFER_POS)


def rank(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    settings: Settings | None = None,
    referential: Referential | None = None,
    communes: pd.DataFrame | None = None,
    top_k: int | None = None,
    allocate: bool | None = None,
) -> pd.DataFrame:
    """The whole pipeline: for each offer, the best profiles with score, components and reasons.

    One row per suggestion: offer_ref, profile_ref, structure, rank, score, s_text, s_skills,
    s_occupation, s_commute, s_constraints, distance_km, matched_skills, missing_skills, reasons,
    to_discuss (the person cannot reach or take the job: shown apart, "hors rayon / à
    discuter", after every reachable person) and reach_reason (why, in French).
    With allocation (``allocate`` or the settings' ``ranking.allocate``), each offer gets at most
    positions x candidates_per_position people and each person at most max_offers_per_profile
    offers, chosen globally (matcher/ranking/allocation.py). Without allocation the offers are
    ranked by blocks (matcher/ranking/blocks.py)."""
    settings = settings or Settings()
    if offers.empty or profiles.empty:
        return pd.DataFrame(columns=COLUMNS)
    if not (allocate if allocate is not None else settings.ranking.allocate):
        # Each offer's top k, by blocks of offers (bounded memory; on the Dask cluster named by
        # ``ranking.scheduler``): the same rows as suggestions(score_pairs(...)), blocks.py.
        from matcher.ranking.blocks import rank_blocks

        return rank_blocks(offers, profiles, settings, referential, communes, top_k)
    scored = score_pairs(offers, profiles, settings, referential, communes)
    return suggestions(scored, choose(scored, k=top_k, allocation=allocate))[COLUMNS]


__all__ = ["Choice", "choose", "rank", "report", "suggestions"]
