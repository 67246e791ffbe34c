"""Allocation that respects capacity: each offer gets up to positions x N candidates, each person
is proposed to at most M offers, chosen globally.

Without it, the same strong profile tops the list of every offer it fits, while other offers get
nobody a counsellor can really propose. With it, the choice is one optimisation over all scored
pairs: maximise the number of filled slots, then the total score (each chosen pair is worth
``FILL_BONUS + score``), under the two capacities. It is a bipartite b-matching, a min-cost flow
whose constraint matrix is totally unimodular, so the linear programme solved by HiGHS
(``scipy.optimize.milp``, already a dependency through scipy) has an integral optimum; no
replicated slots and no new package.

Reachability (issue 13) comes first: the optimisation runs once per reachability tier
(reachable, distance unknown, "à discuter"), each on the capacities the tiers before it left. So
a person who cannot reach or take the job only gets a place that no reachable candidate could
have taken, whatever the scores; within a tier the objective is the one above.

Arcs are limited to each offer's best ``ARCS_PER_SLOT`` x capacity pairs (and at least
``MIN_ARCS``): far enough down the list that the optimum is not cut, small enough that 10,000
offers solve in seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher import fields as F
from matcher.ranking.scoring import OFFER_POS, PROFILE_POS, Scored, suggestion_frame, top_k

log = logging.getLogger(__name__)

FILL_BONUS = 1.0  # worth of a filled slot, above any score difference (scores are in [0, 1])
ARCS_PER_SLOT = 6
MIN_ARCS = 30


def capacities(scored: Scored) -> tuple[np.ndarray, np.ndarray]:
    """Candidates wanted per offer (positions x candidates_per_position; positions unknown or
    invalid count as 1) and offers allowed per profile."""
    r = scored.settings.ranking
    positions = pd.to_numeric(scored.offers[F.POSITIONS], errors="coerce").to_numpy(float)
    positions = np.where(np.isfinite(positions) & (positions >= 1), np.floor(positions), 1.0)
    per_offer = (positions * r.candidates_per_position).astype(np.int64)
    per_profile = np.full(len(scored.profiles), r.max_offers_per_profile, dtype=np.int64)
    return per_offer, per_profile


def _arcs(scored: Scored, per_offer: np.ndarray) -> np.ndarray:
    """Row indices of the pairs the optimisation may choose: the best of each offer's list."""
    longest = int(max(MIN_ARCS, ARCS_PER_SLOT * (per_offer.max() if len(per_offer) else 1)))
    rows = top_k(scored, OFFER_POS, longest)
    o = scored.pairs[OFFER_POS].to_numpy()[rows]
    # rank within the offer's list (rows are grouped by offer, best first)
    starts = np.r_[0, np.flatnonzero(np.diff(o)) + 1] if len(o) else np.array([], int)
    rank = np.arange(len(o)) - np.repeat(starts, np.diff(np.r_[starts, len(o)]))
    limit = np.maximum(MIN_ARCS, ARCS_PER_SLOT * per_offer[o])
    return rows[rank < limit]


def allocate(scored: Scored) -> np.ndarray:
    """Row indices of ``scored.pairs`` chosen by the global allocation: tier by tier
    (``reach_tier``), each tier on the capacities left by the better ones."""
    per_offer, per_profile = capacities(scored)
    rows = _arcs(scored, per_offer)
    if len(rows) == 0:
        return rows
    pairs = scored.pairs
    tiers = (
        pairs[F.REACH_TIER].to_numpy()[rows]
        if F.REACH_TIER in pairs
        else np.zeros(len(rows), dtype=np.int8)
    )
    left_o, left_p = per_offer.copy(), per_profile.copy()
    parts = []
    for tier in np.unique(tiers):
        sub = rows[tiers == tier]
        o = pairs[OFFER_POS].to_numpy()[sub]
        p = pairs[PROFILE_POS].to_numpy()[sub]
        sub = sub[(left_o[o] > 0) & (left_p[p] > 0)]
        if len(sub) == 0:
            continue
        chosen = _solve(scored, sub, left_o, left_p)
        if chosen is None:  # cannot happen (x = 0 is feasible); keep the plain lists if it does
            return top_k(scored, OFFER_POS, int(per_offer.max()))
        np.subtract.at(left_o, pairs[OFFER_POS].to_numpy()[chosen], 1)
        np.subtract.at(left_p, pairs[PROFILE_POS].to_numpy()[chosen], 1)
        parts.append(chosen)
    chosen = np.concatenate(parts) if parts else rows[:0]
    log.info("allocation: %d arcs, %d chosen", len(rows), len(chosen))
    # Grouped by offer, best first, ties by the profile's reference (same order as top_k).
    keep = np.zeros(len(pairs), dtype=bool)
    keep[chosen] = True
    ordered = top_k(scored, OFFER_POS, int(per_offer.max()) + len(scored.profiles))
    return ordered[keep[ordered]]


def _solve(
    scored: Scored, rows: np.ndarray, per_offer: np.ndarray, per_profile: np.ndarray
) -> np.ndarray | None:
    """The rows chosen among ``rows`` under the capacities (indexed by offer and profile
    position): most filled slots, then highest total score. None if the solver fails."""
    # Imported here, when an allocation is asked for: loading scipy.optimize takes 0.7-0.8 s
    # on these machines, and every path that imports this module without allocating (the
    # re-match of `match` and of the dashboard, `rank`) would pay it.
    from scipy.optimize import Bounds, LinearConstraint, milp

    o = scored.pairs[OFFER_POS].to_numpy()[rows]
    p = scored.pairs[PROFILE_POS].to_numpy()[rows]
    score = scored.pairs[F.SCORE].to_numpy(float)[rows]
    uo, oi = np.unique(o, return_inverse=True)
    up, pi = np.unique(p, return_inverse=True)
    m = len(rows)
    a = sp.vstack(
        [
            sp.csr_matrix((np.ones(m), (oi, np.arange(m))), shape=(len(uo), m)),
            sp.csr_matrix((np.ones(m), (pi, np.arange(m))), shape=(len(up), m)),
        ],
        format="csr",
    )
    upper = np.concatenate([per_offer[uo], per_profile[up]]).astype(float)
    res = milp(
        c=-(FILL_BONUS + score),
        constraints=LinearConstraint(a, -np.inf, upper),
        integrality=np.ones(m),
        bounds=Bounds(0, 1),
    )
    if res.x is None:
        log.warning("allocation: no solution (%s), plain lists kept", res.message)
        return None
    return rows[res.x > 0.5]


@dataclass(frozen=True)
class AllocationReport:
    """How many offers get enough candidates, with and without the allocation."""

    offers: int
    enough_plain: int  # plain lists, each offer's top positions x N
    enough_plain_capped: int  # the same once each person keeps only their M best offers
    enough_allocated: int
    people_plain: int  # distinct people proposed
    people_allocated: int
    most_offers_per_person_plain: int
    max_offers_per_profile: int
    candidates_per_position: int

    def lines(self) -> list[str]:
        """The report in French, for the CLI and the dashboard."""
        return [
            f"Offres ayant assez de candidats ({self.candidates_per_position} par poste) "
            f"sur {self.offers} :",
            f"- listes simples : {self.enough_plain} en apparence, mais une même personne y est "
            f"proposée jusqu'à {self.most_offers_per_person_plain} fois ; "
            f"{self.enough_plain_capped} une fois chaque personne limitée à "
            f"{self.max_offers_per_profile} offres",
            f"- avec allocation : {self.enough_allocated}",
            f"Personnes proposées : {self.people_plain} sans allocation, "
            f"{self.people_allocated} avec",
        ]


def compare(scored: Scored, chosen: np.ndarray | None = None) -> AllocationReport:
    """Offers with enough candidates with and without the allocation (``chosen``: the result of
    :func:`allocate`, computed when not given)."""
    per_offer, per_profile = capacities(scored)
    chosen = allocate(scored) if chosen is None else chosen
    pairs = scored.pairs
    plain = top_k(scored, OFFER_POS, int(per_offer.max()) if len(per_offer) else 0)
    o = pairs[OFFER_POS].to_numpy()[plain]
    p = pairs[PROFILE_POS].to_numpy()[plain]
    rank = _rank_in_group(o)
    plain_ok = rank < per_offer[o]
    o, p = o[plain_ok], p[plain_ok]
    score = pairs[F.SCORE].to_numpy(float)[plain][plain_ok]
    n = len(scored.offers)
    enough_plain = int((np.bincount(o, minlength=n) >= per_offer).sum())
    # Each person keeps only their M best offers among the plain lists.
    order = np.lexsort((o, -score, p))
    pr = _rank_in_group(p[order])
    kept = order[pr < per_profile[p[order]]]
    enough_capped = int((np.bincount(o[kept], minlength=n) >= per_offer).sum())
    ao = pairs[OFFER_POS].to_numpy()[chosen]
    ap = pairs[PROFILE_POS].to_numpy()[chosen]
    return AllocationReport(
        offers=n,
        enough_plain=enough_plain,
        enough_plain_capped=enough_capped,
        enough_allocated=int((np.bincount(ao, minlength=n) >= per_offer).sum()),
        people_plain=len(np.unique(p)),
        people_allocated=len(np.unique(ap)),
        most_offers_per_person_plain=int(np.bincount(p).max()) if len(p) else 0,
        max_offers_per_profile=int(scored.settings.ranking.max_offers_per_profile),
        candidates_per_position=int(scored.settings.ranking.candidates_per_position),
    )


def _rank_in_group(group: np.ndarray) -> np.ndarray:
    """0-based position of each element within its run of equal values (input grouped)."""
    if len(group) == 0:
        return np.array([], dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    return np.arange(len(group)) - np.repeat(starts, np.diff(np.r_[starts, len(group)]))


def allocated_suggestions(scored: Scored, chosen: np.ndarray | None = None) -> pd.DataFrame:
    """The allocation (``chosen``: the result of :func:`allocate`, computed when not given) as a
    suggestions frame: same columns as the plain lists, rank 1..n within each offer."""
    return suggestion_frame(scored, allocate(scored) if chosen is None else chosen, OFFER_POS)


__all__ = ["AllocationReport", "allocate", "allocated_suggestions", "compare"]
