"""Ranking: components -> weighted total -> top-k per offer and per profile, with reasons.

The flow, each step a matrix operation over pair index arrays (never a loop over pairs):

1. prepare both frames (normalised text, skills, codes, coordinates, flags), protected mentions
   scrubbed from free text first (matcher/features/protected.py);
2. TF-IDF vectors and the occupation blocks; one sparse product, its top-n read by rows and by
   columns, gives the candidate pairs (the best profiles of every offer and the best offers of
   every profile) and their text cosine (matcher/features/candidates.py);
3. skills, occupation, commute and constraints on the candidate pairs;
4. total = weighted mean of the components (unknown ones take the neutral score) x a reach
   factor from the commute component (being near does not make a person fit a job, being out
   of reach makes the job less open to them) x the penalty of each broken constraint whose
   policy is "penalise"; pairs breaking an "exclude" constraint are flagged excluded;
5. top-k per offer and per profile from the same scored pairs, ties broken by the other side's
   reference; reasons built for the kept rows only.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher import fields as F
from matcher.features import candidates, commute, constraints, occupation, protected, skills, text
from matcher.features.commute import reach_factor
from matcher.features.sparse_ops import rowwise_dot
from matcher.ranking import parallel
from matcher.ranking.prepare import prepare_offers, prepare_profiles, warm_up
from matcher.ranking.reasons import build_reasons, reach_reasons
from matcher.reference.geo import builtin_communes
from matcher.reference.referential import Referential, default_referential
from matcher.settings import Settings
from matcher.text.normalise import fold_text

log = logging.getLogger(__name__)

OFFER_POS, PROFILE_POS, OCC_KIND, RADIUS_KM = F.OFFER_POS, F.PROFILE_POS, F.OCC_KIND, F.RADIUS_KM
BROKEN = {c: f"broken_{c}" for c in constraints.CHECKS}
# Scores are rounded to this many decimals before ranking, so that float noise never decides
# between two equal candidates: the reference does.
SCORE_DECIMALS = 6

Progress = Callable[[str], None]


@dataclass
class Scored:
    """Every candidate pair with its components, and the prepared frames it refers to.

    ``pairs`` holds positions (``offer_pos``, ``profile_pos``) into ``offers`` / ``profiles``, the
    components, the broken constraints, ``excluded`` and ``score``; :meth:`labelled` adds the
    references."""

    pairs: pd.DataFrame
    offers: pd.DataFrame
    profiles: pd.DataFrame
    skill_index: skills.SkillIndex
    referential: Referential
    settings: Settings
    timings: dict[str, float] = field(default_factory=dict)

    def labelled(self, pairs: pd.DataFrame | None = None) -> pd.DataFrame:
        """``pairs`` (default: all) with offer_ref, profile_ref and structure added."""
        out = (self.pairs if pairs is None else pairs).copy()
        o, p = out[OFFER_POS].to_numpy(), out[PROFILE_POS].to_numpy()
        out[F.OFFER_REF] = self.offers[F.OFFER_REF].astype(str).to_numpy()[o]
        out[F.PROFILE_REF] = self.profiles[F.PROFILE_REF].astype(str).to_numpy()[p]
        out[F.STRUCTURE] = self.profiles[F.STRUCTURE].astype(str).to_numpy()[p]
        return out


class Clock:
    """Stage timings, and a progress callback told when each stage starts."""

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.timings: dict[str, float] = {}
        self._stage: str | None = None
        self._start = 0.0

    def stage(self, name: str | None) -> None:
        now = time.perf_counter()
        if self._stage is not None:
            self.timings[self._stage] = self.timings.get(self._stage, 0.0) + now - self._start
        self._stage, self._start = name, now
        if name is not None and self.progress is not None:
            self.progress(name)


def prepare(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    settings: Settings,
    referential: Referential,
    communes: pd.DataFrame,
    prepared_offers: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Prepared frames, built only from the columns a score may read, with protected mentions
    scrubbed from free text. ``prepared_offers``: :func:`prepare_offer_side` of ``offers``,
    computed earlier (matcher/ranking/from_files.py), used as it is."""
    p = protected.scored_columns(profiles, protected.SCORED_PROFILE_FIELDS)
    if prepared_offers is None:
        o = offers

        def offer_side(frame: pd.DataFrame) -> pd.DataFrame:
            return prepare_offer_side(frame, settings, referential, communes)
    else:  # already prepared: no weight in the split of the profiles
        o = offers.iloc[:0]

        def offer_side(frame: pd.DataFrame) -> pd.DataFrame:
            return prepared_offers

    return parallel.prepare_two_ways(
        o,
        p,
        offer_side,
        functools.partial(prepare_profile_side, referential=referential, communes=communes,
                          settings=settings),
        settings.ranking.prepare_processes,
        before_fork=functools.partial(warm_up, referential),
    )  # fmt: skip


def prepare_profile_side(
    profiles: pd.DataFrame, referential: Referential, communes: pd.DataFrame, settings: Settings
) -> pd.DataFrame:
    """The profiles' part of :func:`prepare` (scored columns already chosen): protected mentions
    scrubbed, then :func:`matcher.ranking.prepare.prepare_profiles`; row by row, so each
    process scrubs its own part."""
    p = protected.scrub_protected(profiles, protected.PROFILE_TEXT_FIELDS)
    return prepare_profiles(p, referential, communes, settings)


def prepare_offer_side(
    offers: pd.DataFrame, settings: Settings, referential: Referential, communes: pd.DataFrame
) -> pd.DataFrame:
    """The offers' half of :func:`prepare`: scored columns only, protected mentions scrubbed,
    then :func:`matcher.ranking.prepare.prepare_offers`."""
    o = protected.scored_columns(offers, protected.SCORED_OFFER_FIELDS)
    o = protected.scrub_protected(o, protected.OFFER_TEXT_FIELDS)
    return prepare_offers(o, referential, communes, settings)


def offer_skill_side(
    prepared_offers: pd.DataFrame, settings: Settings, referential: Referential
) -> skills.OfferSide:
    """The offers' half of the skills index of :func:`build_context`: their vocabulary, with
    the core skills of their jobs weighted (0.2-0.3 s for 1,000 offers: the skills compared
    with the referential's core skills), from the prepared offers alone."""
    r, po = settings.ranking, prepared_offers
    return skills.offer_side(po[F.SKILL_LIST], r.skill_threshold, skills.core_skills(referential),
                             r.core_skill_weight, po[F.OCC_CODES], workers=r.threads,
                             offer_keys=po.get(F.SKILL_KEYS))  # fmt: skip


def component_weights(settings: Settings) -> np.ndarray:
    w = settings.weights
    weights = np.array([w.text, w.skills, w.occupation, w.commute], dtype=float)
    weights = np.clip(weights, 0.0, None)
    return weights / weights.sum() if weights.sum() > 0 else np.full(4, 0.25)


def total_score(pairs: pd.DataFrame, settings: Settings) -> np.ndarray:
    """Weighted mean of the four components (unknown ones neutral) x the reach factor x the
    constraint factor, rounded to SCORE_DECIMALS."""
    comps = pairs[[F.S_TEXT, F.S_SKILLS, F.S_OCCUPATION, F.S_COMMUTE]].to_numpy(float)
    comps = np.where(np.isnan(comps), settings.ranking.unknown_score, comps)
    total = (comps @ component_weights(settings)) * reach_factor(pairs[F.S_COMMUTE], settings)
    total = total * pairs[F.S_CONSTRAINTS].to_numpy(float)
    return np.round(np.clip(total, 0.0, 1.0), SCORE_DECIMALS)


@dataclass
class Context:
    """What the pair scores read, computed once over all offers and profiles: the prepared
    frames, the TF-IDF rows, the occupation tables, the skills index and what the constraints
    read of each row. A block of offers (in this process or on a Dask worker,
    matcher/ranking/blocks.py) scores its pairs from it."""

    offers: pd.DataFrame
    profiles: pd.DataFrame
    text_offers: sp.csr_matrix
    text_profiles: sp.csr_matrix
    table: occupation.CodeTable
    occ_offers: np.ndarray
    occ_profiles: np.ndarray
    trust_offers: np.ndarray
    trust_profiles: np.ndarray
    skill_index: skills.SkillIndex
    settings: Settings
    # What the constraints read of each row, read once (see matcher/features/constraints.py);
    # from the frames when not given.
    offer_checks: constraints.Rows | None = None
    profile_checks: constraints.Rows | None = None

    def __post_init__(self) -> None:
        if self.offer_checks is None:
            self.offer_checks = constraints.offer_rows(self.offers)
        if self.profile_checks is None:
            self.profile_checks = constraints.profile_rows(self.profiles)

    def retrieval(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """The occupation blocks of the candidate product (matcher/features/occupation.py)."""
        r = self.settings.ranking
        return occupation.retrieval_blocks(
            self.table,
            self.occ_offers,
            self.occ_profiles,
            r.close_job_score,
            r.same_domain_score,
            r.family_job_score,
            r.unknown_score,
            self.trust_offers,
            self.trust_profiles,
        )


def build_context(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    settings: Settings,
    referential: Referential,
    communes: pd.DataFrame,
    clock: Clock | None = None,
    prepared_offers: pd.DataFrame | None = None,
    offer_skills: skills.OfferSide | None = None,
) -> Context:
    """Prepare both frames and compute everything the pair scores read (see :class:`Context`);
    ``prepared_offers`` as in :func:`prepare`, ``offer_skills`` its :func:`offer_skill_side`
    when computed earlier too."""
    clock = clock or Clock(None)
    r = settings.ranking
    clock.stage("normalise")
    po, pp = prepare(offers, profiles, settings, referential, communes, prepared_offers)

    clock.stage("text")

    def words() -> text.Block:
        return text.word_block(po[F.TEXT_NORM], pp[F.TEXT_NORM], r.text_char_weight,
                               r.text_max_df, r.text_max_df_min_docs)  # fmt: skip

    def titles() -> text.Block | None:
        return text.title_block(
            fold_text(po[text.OFFER_TITLE_FIELD]), fold_text(pp[text.PROFILE_TITLE_FIELD]),
            r.text_char_weight, r.text_max_df, r.text_max_df_min_docs,
        )  # fmt: skip

    def skill_index() -> skills.SkillIndex:
        clock.stage("skills")
        offers = offer_skills or offer_skill_side(po, settings, referential)
        return skills.build_index(offers, pp[F.SKILL_LIST], pp.get(F.SKILL_KEYS))

    def rows() -> tuple[occupation.CodeTable, np.ndarray, np.ndarray, constraints.Rows,
                        constraints.Rows]:  # fmt: skip
        """The occupation codes as indices and what the constraints read of each row."""
        table = occupation.code_table(po[F.OCC_CODES], pp[F.OCC_CODES], referential)
        occ_o = occupation.code_matrix(po[F.OCC_CODES], table)
        occ_p = occupation.code_matrix(pp[F.OCC_CODES], table)
        return table, occ_o, occ_p, constraints.offer_rows(po), constraints.profile_rows(pp)

    # The TF-IDF blocks, the skills index and the rows' tables read the same prepared frames
    # and not each other: with two processes the words block and the rows' tables are computed
    # in a forked child while this one builds the skills index and the titles block (the
    # "text" stage is then inside the "skills" one). The rows' tables (0.1 s at 1,000 x 10,000)
    # go with the words: run after both sides, they would be on one core. With the offers'
    # half of the skills index computed earlier (matcher/ranking/from_files.py), both sides
    # take 0.6-0.8 s there.
    if parallel.worth_forking(r.prepare_processes, len(pp)):
        (word_rows, tables), (index, title_rows) = parallel.side_by_side(
            lambda: (words(), rows()), lambda: (skill_index(), titles())
        )
    else:
        word_rows, title_rows, tables = words(), titles(), rows()
        index = skill_index()
    xo, xp, _ = text.assemble(word_rows, title_rows, len(po))
    del word_rows, title_rows
    table, occ_o, occ_p, offer_checks, profile_checks = tables
    trust_o = occupation.confidence_weight(
        po[F.OCC_CONFIDENCE], r.occupation_min_confidence, r.occupation_full_confidence
    )
    trust_p = occupation.confidence_weight(
        pp[F.OCC_CONFIDENCE], r.occupation_min_confidence, r.occupation_full_confidence
    )
    return Context(po, pp, xo, xp, table, occ_o, occ_p, trust_o, trust_p, index, settings,
                   offer_checks, profile_checks)  # fmt: skip


def score_candidates(
    ctx: Context,
    o_pos: np.ndarray,
    p_pos: np.ndarray,
    cosine: np.ndarray,
    clock: Clock | None = None,
) -> pd.DataFrame:
    """Components, broken constraints and total of the pairs (positions sorted by offer then
    profile; ``cosine`` their text cosine). Everything read per pair, so a block of pairs gets
    the same values as in a run over all of them."""
    clock = clock or Clock(None)
    r, settings = ctx.settings.ranking, ctx.settings
    po, pp = ctx.offers, ctx.profiles
    out = pd.DataFrame({OFFER_POS: o_pos, PROFILE_POS: p_pos})
    out[F.S_TEXT] = text.text_score(cosine)

    clock.stage("skills")
    out[F.S_SKILLS] = skills.coverage(ctx.skill_index, o_pos, p_pos)

    clock.stage("occupation")
    kind_scores = (r.close_job_score, r.same_domain_score, r.family_job_score)
    kind = occupation.pair_kind(
        ctx.table, ctx.occ_offers, ctx.occ_profiles, o_pos, p_pos, kind_scores
    )
    link = occupation.kind_score(kind, *kind_scores)
    trust = np.minimum(ctx.trust_offers[o_pos], ctx.trust_profiles[p_pos])
    out[F.S_OCCUPATION] = occupation.blend(link, trust, r.unknown_score)
    out[OCC_KIND] = kind

    clock.stage("commute")
    cs, dist = commute.commute_score(
        po[F.LAT].to_numpy(float)[o_pos],
        po[F.LON].to_numpy(float)[o_pos],
        pp[F.LAT].to_numpy(float)[p_pos],
        pp[F.LON].to_numpy(float)[p_pos],
        pp[RADIUS_KM].to_numpy(float)[p_pos],
        r.commute_full_share,
    )
    out[F.S_COMMUTE] = cs
    out[F.DISTANCE_KM] = dist

    clock.stage("constraints")
    policy = settings.constraints
    assert ctx.offer_checks is not None and ctx.profile_checks is not None  # __post_init__
    broken = constraints.broken_pairs(
        ctx.offer_checks, ctx.profile_checks, o_pos, p_pos, dist,
        (policy.distance_tolerance_km, policy.distance_tolerance_share),
    )  # fmt: skip
    excluded = np.zeros(len(out), dtype=bool)
    demoted = np.zeros(len(out), dtype=bool)
    factor = np.ones(len(out))
    for check in constraints.CHECKS:
        flag = broken[check].to_numpy(bool)
        out[BROKEN[check]] = flag
        rule = getattr(policy, check)
        if rule == "exclude":
            excluded |= flag
        elif rule == "demote":
            demoted |= flag
        else:
            factor = np.where(flag, factor * policy.penalty, factor)
    out[F.S_CONSTRAINTS] = factor
    out[F.EXCLUDED] = excluded
    unknown = np.isnan(np.asarray(dist, dtype=float))
    out[F.DISTANCE_UNKNOWN] = unknown
    tier = np.where(demoted, F.TIER_TO_DISCUSS, F.TIER_REACHABLE)
    if policy.unknown_distance == "below":
        tier = np.where(unknown & ~demoted, F.TIER_UNKNOWN, tier)
    elif policy.unknown_distance == "demote":
        tier = np.where(unknown, F.TIER_TO_DISCUSS, tier)
    out[F.REACH_TIER] = tier.astype(np.int8)
    out[F.TO_DISCUSS] = tier == F.TIER_TO_DISCUSS

    clock.stage("score")
    out[F.SCORE] = total_score(out, settings)
    return out


def score_pairs(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    settings: Settings | None = None,
    referential: Referential | None = None,
    communes: pd.DataFrame | None = None,
    *,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    progress: Progress | None = None,
) -> Scored:
    """Prepare both frames and compute every component and the total for the candidate pairs
    (or for the given ``pairs`` of positions, e.g. all of them on a small set)."""
    settings = settings or Settings()
    referential = referential if referential is not None else default_referential()
    communes = communes if communes is not None else builtin_communes()
    r = settings.ranking
    clock = Clock(progress)
    ctx = build_context(offers, profiles, settings, referential, communes, clock)
    xo, xp = ctx.text_offers, ctx.text_profiles

    clock.stage("candidates")
    if pairs is None:
        block_o, block_p = ctx.retrieval()
        wt, _, wocc, _ = component_weights(settings)
        o_pos, p_pos, cosine = candidates.candidate_pairs(
            xo, xp, block_o, block_p, wt, wocc, r.candidates, r.candidates_per_profile, r.threads
        )
        if wt < 0.01:  # the product carries too little text to read the cosine back
            cosine = rowwise_dot(xo, xp, o_pos, p_pos)
    else:
        o_pos = np.asarray(pairs[0], dtype=np.int64)
        p_pos = np.asarray(pairs[1], dtype=np.int64)
        order = np.lexsort((p_pos, o_pos))
        o_pos, p_pos = o_pos[order], p_pos[order]
        cosine = rowwise_dot(xo, xp, o_pos, p_pos)
    out = score_candidates(ctx, o_pos, p_pos, cosine, clock)
    clock.stage(None)
    log.info("scored %d candidate pairs (%d excluded)", len(out), int(out[F.EXCLUDED].sum()))
    return Scored(
        out, ctx.offers, ctx.profiles, ctx.skill_index, referential, settings, clock.timings
    )


def _order_of(values: Sequence[tuple[str, ...]]) -> np.ndarray:
    """Rank of each row when the rows are sorted by ``values`` (ties share no rank: stable)."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.arange(len(values))
    return ranks


def tie_orders(scored: Scored) -> tuple[np.ndarray, np.ndarray]:
    """Tie-break order of offers (by reference) and of profiles (by structure, reference)."""
    return frame_tie_orders(scored.offers, scored.profiles)


def frame_tie_orders(offers: pd.DataFrame, profiles: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """:func:`tie_orders` of prepared offers and profiles frames."""
    o = offers[F.OFFER_REF].astype(str).tolist()
    p = list(
        zip(
            profiles[F.STRUCTURE].astype(str).tolist(),
            profiles[F.PROFILE_REF].astype(str).tolist(),
            strict=True,
        )
    )
    return _order_of([(x,) for x in o]), _order_of(p)


def top_k(scored: Scored, by: str, k: int, min_score: float | None = None) -> np.ndarray:
    """Row indices of ``scored.pairs`` of the best ``k`` pairs per value of ``by`` (OFFER_POS or
    PROFILE_POS), grouped by that position, best first; excluded pairs and pairs under the
    minimum score are left out. Order: reachability tier (reachable, distance unknown, "à
    discuter"), then score descending, then the other side's reference."""
    min_score = scored.settings.ranking.min_score if min_score is None else min_score
    offer_order, profile_order = tie_orders(scored)
    other = profile_order if by == OFFER_POS else offer_order
    return top_rows(scored.pairs, by, other, k, min_score)


def top_rows(
    pairs: pd.DataFrame, by: str, other_order: np.ndarray, k: int, min_score: float
) -> np.ndarray:
    """:func:`top_k` on a frame of scored pairs, ``other_order`` being the tie-break order of
    the other side's positions (see :func:`tie_orders`)."""
    score = pairs[F.SCORE].to_numpy(float)
    idx = np.flatnonzero(~pairs[F.EXCLUDED].to_numpy(bool) & (score >= min_score))
    other_col = PROFILE_POS if by == OFFER_POS else OFFER_POS
    group = pairs[by].to_numpy()[idx]
    other = other_order[pairs[other_col].to_numpy()[idx]]
    tier = (
        pairs[F.REACH_TIER].to_numpy()[idx]
        if F.REACH_TIER in pairs
        else np.zeros(len(idx), dtype=np.int8)
    )
    order = np.lexsort((other, -score[idx], tier, group))
    idx, group = idx[order], group[order]
    if len(idx) == 0:
        return idx
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    lengths = np.diff(np.r_[starts, len(idx)])
    rank = np.arange(len(idx)) - np.repeat(starts, lengths)
    return idx[rank < k]


def with_reasons(scored: Scored, top: pd.DataFrame) -> pd.DataFrame:
    """Add matched/missing skills and the French reasons to selected pairs."""
    o_pos = top[OFFER_POS].to_numpy()
    p_pos = top[PROFILE_POS].to_numpy()
    matched, missing = skills.matched_and_missing(scored.skill_index, o_pos, p_pos)
    out = top.copy()
    out[F.MATCHED_SKILLS] = matched
    out[F.MISSING_SKILLS] = missing
    out[F.REASONS] = build_reasons(
        out, scored.offers, scored.profiles, scored.referential, scored.settings
    )
    out[F.REACH_REASON] = reach_reasons(out, scored.offers, scored.profiles, scored.settings)
    return out


COLUMNS = [F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE, F.RANK, F.SCORE, *F.COMPONENTS, F.DISTANCE_KM,
           F.OCC_KIND, F.MATCHED_SKILLS, F.MISSING_SKILLS, F.REASONS, F.TO_DISCUSS,
           F.REACH_REASON]  # fmt: skip


def suggestion_frame(scored: Scored, rows: np.ndarray, by: str) -> pd.DataFrame:
    """Chosen rows of ``scored.pairs`` (grouped by ``by``, best first) as suggestions: rank
    1..n within each group, references, components, skills and French reasons."""
    top = scored.labelled(scored.pairs.iloc[rows])
    group = top[by].to_numpy()
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1] if len(group) else np.array([], int)
    lengths = np.diff(np.r_[starts, len(group)])
    top[F.RANK] = np.arange(len(group)) - np.repeat(starts, lengths) + 1
    extra = [c for c in (OFFER_POS, PROFILE_POS, OCC_KIND, F.REACH_TIER, F.DISTANCE_UNKNOWN,
                         *BROKEN.values()) if c not in COLUMNS]  # fmt: skip
    return with_reasons(scored, top)[COLUMNS + extra].reset_index(drop=True)


def top_per_offer(scored: Scored, k: int | None = None) -> pd.DataFrame:
    """The best ``k`` profiles of each offer, rank 1..k, with reasons."""
    k = k or scored.settings.ranking.top_k
    return suggestion_frame(scored, top_k(scored, OFFER_POS, k), OFFER_POS)


def top_per_profile(scored: Scored, k: int | None = None) -> pd.DataFrame:
    """The best ``k`` offers of each profile, rank 1..k, with reasons."""
    k = k or scored.settings.ranking.top_k_per_profile
    return suggestion_frame(scored, top_k(scored, PROFILE_POS, k), PROFILE_POS)


__all__ = [
    "COLUMNS",
    "Context",
    "Scored",
    "build_context",
    "score_candidates",
    "score_pairs",
    "suggestion_frame",
    "top_k",
    "top_per_offer",
    "top_per_profile",
    "top_rows",
]
