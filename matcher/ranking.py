"""Ranking: components -> weighted total -> top-k per offer and per profile, with reasons.

All components are computed on candidate pairs (positional index arrays) as array operations;
the candidate pairs come from the text stage's sparse product, plus every pair sharing an
occupation code, so that a good match written in other words is not lost.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.features import commute, constraints, occupation, skills, text
from matcher.geo import builtin_communes
from matcher.prepare import prepare_offers, prepare_profiles
from matcher.reasons import build_reasons
from matcher.referential import CORE, SKILL, Referential, builtin_referential
from matcher.settings import Settings

log = logging.getLogger(__name__)

OFFER_POS, PROFILE_POS, OCC_KIND, RADIUS_KM = F.OFFER_POS, F.PROFILE_POS, F.OCC_KIND, F.RADIUS_KM


@dataclass
class Scored:
    """Every kept candidate pair with its components, and the prepared frames it refers to."""

    pairs: pd.DataFrame
    offers: pd.DataFrame
    profiles: pd.DataFrame
    skill_index: skills.SkillIndex
    referential: Referential
    settings: Settings


def _occupation_pairs(
    offers: pd.DataFrame, profiles: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """All (offer, profile) positions sharing at least one occupation code."""
    o = offers[F.OCC_CODES].explode().dropna()
    p = profiles[F.OCC_CODES].explode().dropna()
    if o.empty or p.empty:
        return np.array([], dtype=np.int64), np.array([], dtype=np.int64)
    left = pd.DataFrame({"code": o.to_numpy(), OFFER_POS: o.index.to_numpy()})
    right = pd.DataFrame({"code": p.to_numpy(), PROFILE_POS: p.index.to_numpy()})
    m = left.merge(right, on="code")[[OFFER_POS, PROFILE_POS]].drop_duplicates()
    return m[OFFER_POS].to_numpy(np.int64), m[PROFILE_POS].to_numpy(np.int64)


def score_pairs(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    settings: Settings | None = None,
    referential: Referential | None = None,
    communes: pd.DataFrame | None = None,
) -> Scored:
    """Prepare both frames and compute every component and the total for the candidate pairs."""
    settings = settings or Settings()
    referential = referential if referential is not None else builtin_referential()
    communes = communes if communes is not None else builtin_communes()
    r = settings.ranking
    po = prepare_offers(offers, referential, communes, settings)
    pp = prepare_profiles(profiles, referential, communes, settings)

    xo, xp = text.vectorise(po[F.TEXT_NORM], pp[F.TEXT_NORM])
    oi, pi, _ = text.candidate_pairs(xo, xp, r.candidates)
    oo, op = _occupation_pairs(po, pp)
    pairs = pd.DataFrame(
        {OFFER_POS: np.concatenate([oi, oo]), PROFILE_POS: np.concatenate([pi, op])}
    )
    pairs = pairs.drop_duplicates().sort_values([OFFER_POS, PROFILE_POS], ignore_index=True)
    o_pos = pairs[OFFER_POS].to_numpy()
    p_pos = pairs[PROFILE_POS].to_numpy()
    # Row-wise dot product of the two sparse blocks: the cosine of each pair.
    sim = np.asarray(xo[o_pos].multiply(xp[p_pos]).sum(axis=1)).ravel()
    pairs[F.S_TEXT] = text.text_score(sim)

    core = set()
    if not referential.skills.empty:
        from matcher.normalise import normalise_text

        core_rows = referential.skills[referential.skills[CORE]]
        core = set(normalise_text(core_rows[SKILL]))
    index = skills.build_index(
        po[F.SKILL_LIST], pp[F.SKILL_LIST], r.skill_threshold, core, r.core_skill_weight
    )
    pairs[F.S_SKILLS] = skills.coverage(index, o_pos, p_pos)

    occ, kind = occupation.occupation_score(
        po[F.OCC_CODES],
        pp[F.OCC_CODES],
        o_pos,
        p_pos,
        referential,
        r.close_job_score,
        r.same_domain_score,
    )
    pairs[F.S_OCCUPATION] = occ
    pairs[OCC_KIND] = kind

    cs, dist = commute.commute_score(
        po[F.LAT].to_numpy(float)[o_pos],
        po[F.LON].to_numpy(float)[o_pos],
        pp[F.LAT].to_numpy(float)[p_pos],
        pp[F.LON].to_numpy(float)[p_pos],
        pp[RADIUS_KM].to_numpy(float)[p_pos],
        r.commute_full_share,
    )
    pairs[F.S_COMMUTE] = cs
    pairs[F.DISTANCE_KM] = dist

    broken = constraints.broken_constraints(po, pp, o_pos, p_pos)
    policy = settings.constraints
    excluded = np.zeros(len(pairs), dtype=bool)
    factor = np.ones(len(pairs))
    for check in constraints.CHECKS:
        flag = broken[check].to_numpy(bool)
        pairs[f"broken_{check}"] = flag
        if getattr(policy, check) == "exclude":
            excluded |= flag
        else:
            factor = np.where(flag, factor * policy.penalty, factor)
    pairs[F.S_CONSTRAINTS] = factor
    pairs[F.EXCLUDED] = excluded

    w = settings.weights
    weights = np.array([w.text, w.skills, w.occupation, w.commute], dtype=float)
    weights = weights / weights.sum() if weights.sum() > 0 else np.full(4, 0.25)
    comps = pairs[[F.S_TEXT, F.S_SKILLS, F.S_OCCUPATION, F.S_COMMUTE]].to_numpy(float)
    # Unknown components (no skills listed, no code, unknown place) take the neutral score.
    comps = np.where(np.isnan(comps), r.unknown_score, comps)
    pairs[F.SCORE] = np.clip((comps @ weights) * factor, 0.0, 1.0)
    pairs[F.OFFER_REF] = po[F.OFFER_REF].astype(str).to_numpy()[o_pos]
    pairs[F.PROFILE_REF] = pp[F.PROFILE_REF].astype(str).to_numpy()[p_pos]
    pairs[F.STRUCTURE] = pp[F.STRUCTURE].astype(str).to_numpy()[p_pos]
    log.info("scored %d candidate pairs (%d excluded)", len(pairs), int(excluded.sum()))
    return Scored(pairs, po, pp, index, referential, settings)


def _top(pairs: pd.DataFrame, by: str, k: int, min_score: float) -> pd.DataFrame:
    """Best ``k`` rows per value of ``by`` (a position column), rank 1..k."""
    kept = pairs[~pairs[F.EXCLUDED] & (pairs[F.SCORE] >= min_score)]
    tie = [F.STRUCTURE, F.PROFILE_REF] if by == OFFER_POS else [F.OFFER_REF]
    # Deterministic ties: score descending, then the other side's reference ascending.
    kept = kept.sort_values(
        [by, F.SCORE, *tie], ascending=[True, False] + [True] * len(tie), kind="stable"
    )
    kept = kept.groupby(by, sort=False).head(k).copy()
    kept[F.RANK] = kept.groupby(by, sort=False).cumcount() + 1
    return kept


def with_reasons(scored: Scored, top: pd.DataFrame) -> pd.DataFrame:
    """Add matched/missing skills and the French reasons to selected pairs."""
    o_pos = top[OFFER_POS].to_numpy()
    p_pos = top[PROFILE_POS].to_numpy()
    matched, missing = skills.matched_and_missing(scored.skill_index, o_pos, p_pos)
    out = top.copy()
    out[F.MATCHED_SKILLS] = matched
    out[F.MISSING_SKILLS] = missing
    out[F.REASONS] = build_reasons(out, scored.offers, scored.profiles, scored.referential)
    return out


COLUMNS = [F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE, F.RANK, F.SCORE, *F.COMPONENTS, F.DISTANCE_KM,
           F.OCC_KIND, F.MATCHED_SKILLS, F.MISSING_SKILLS, F.REASONS]  # fmt: skip


def top_per_offer(scored: Scored, k: int | None = None) -> pd.DataFrame:
    """The best ``k`` profiles of each offer, rank 1..k, with reasons."""
    k = k or scored.settings.ranking.top_k
    top = _top(scored.pairs, OFFER_POS, k, scored.settings.ranking.min_score)
    return with_reasons(scored, top)[COLUMNS + [OFFER_POS, PROFILE_POS]].reset_index(drop=True)


def top_per_profile(scored: Scored, k: int | None = None) -> pd.DataFrame:
    """The best ``k`` offers of each profile, rank 1..k, with reasons."""
    k = k or scored.settings.ranking.top_k_per_profile
    top = _top(scored.pairs, PROFILE_POS, k, scored.settings.ranking.min_score)
    return with_reasons(scored, top)[COLUMNS + [OFFER_POS, PROFILE_POS]].reset_index(drop=True)


def rank(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    settings: Settings | None = None,
    referential: Referential | None = None,
    communes: pd.DataFrame | None = None,
    top_k: int | None = None,
) -> pd.DataFrame:
    """The whole pipeline: for each offer, the best profiles with score, components and reasons.

    One row per suggestion: offer_ref, profile_ref, rank, score, s_text, s_skills, s_occupation,
    s_commute, s_constraints, distance_km, matched_skills, missing_skills, reasons."""
    if offers.empty or profiles.empty:
        return pd.DataFrame(columns=COLUMNS)
    scored = score_pairs(offers, profiles, settings, referential, communes)
    return top_per_offer(scored, top_k)[COLUMNS]


__all__ = ["Scored", "rank", "score_pairs", "top_per_offer", "top_per_profile"]
