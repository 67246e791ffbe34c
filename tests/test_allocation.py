"""Allocation with capacities on hand-made scored pairs: expected choices, capacities held,
optimal on small instances (brute force), and the with / without report."""

import itertools

import numpy as np
import pandas as pd
import pytest

from matcher import fields as F
from matcher.ranking.allocation import allocate, compare
from matcher.ranking.scoring import Scored
from matcher.settings import RankingSettings, Settings


def scored(scores: dict[tuple[int, int], float], n_o: int, n_p: int, positions=None,
           per_position=1, per_profile=1) -> Scored:  # fmt: skip
    pairs = pd.DataFrame(
        [(o, p, s) for (o, p), s in sorted(scores.items())],
        columns=[F.OFFER_POS, F.PROFILE_POS, F.SCORE],
    )
    pairs[F.EXCLUDED] = False
    offers = pd.DataFrame({F.OFFER_REF: [f"O{i}" for i in range(n_o)],
                           F.POSITIONS: positions or [1] * n_o})  # fmt: skip
    profiles = pd.DataFrame({F.PROFILE_REF: [f"P{j}" for j in range(n_p)],
                             F.STRUCTURE: ["S"] * n_p})  # fmt: skip
    settings = Settings(ranking=RankingSettings(
        candidates_per_position=per_position, max_offers_per_profile=per_profile, min_score=0.0))  # fmt: skip
    return Scored(pairs, offers, profiles, None, None, settings)


def chosen_pairs(sc: Scored) -> set[tuple[int, int]]:
    rows = allocate(sc)
    pr = sc.pairs.iloc[rows]
    return set(zip(pr[F.OFFER_POS].tolist(), pr[F.PROFILE_POS].tolist(), strict=True))


def test_strong_profile_is_not_given_to_every_offer():
    # P0 is the best for both offers; P1 only fits O0. Plain lists give P0 twice.
    sc = scored({(0, 0): 0.9, (1, 0): 0.8, (0, 1): 0.5}, 2, 2)
    assert chosen_pairs(sc) == {(1, 0), (0, 1)}
    report = compare(sc)
    assert report.enough_plain == 2  # both lists look full...
    assert report.enough_plain_capped == 1  # ...but P0 can only go to one of them
    assert report.enough_allocated == 2
    assert report.most_offers_per_person_plain == 2
    assert "avec allocation : 2" in "\n".join(report.lines())


def test_positions_multiply_the_candidates_wanted():
    scores = {(0, p): 0.9 - 0.1 * p for p in range(5)}
    sc = scored(scores, 1, 5, positions=[2], per_position=2, per_profile=1)
    assert chosen_pairs(sc) == {(0, 0), (0, 1), (0, 2), (0, 3)}  # 2 positions x 2, best first


@pytest.mark.parametrize("seed", range(6))
def test_capacities_held_and_optimal_on_small_instances(seed):
    rng = np.random.default_rng(seed)
    n_o, n_p = 3, 4
    scores = {(o, p): float(np.round(rng.uniform(0.1, 1.0), 3))
              for o in range(n_o) for p in range(n_p) if rng.random() < 0.7}  # fmt: skip
    positions = [int(x) for x in rng.integers(1, 3, n_o)]
    sc = scored(scores, n_o, n_p, positions=positions, per_position=1, per_profile=2)
    got = chosen_pairs(sc)
    per_o = {o: sum(1 for a, _ in got if a == o) for o in range(n_o)}
    per_p = {p: sum(1 for _, b in got if b == p) for p in range(n_p)}
    assert all(per_o[o] <= positions[o] for o in range(n_o))
    assert all(per_p[p] <= 2 for p in range(n_p))

    def value(sel):
        return len(sel) + sum(scores[x] for x in sel)

    arcs = list(scores)
    best = 0.0
    for r in range(len(arcs) + 1):
        for sel in itertools.combinations(arcs, r):
            if all(sum(1 for a, _ in sel if a == o) <= positions[o] for o in range(n_o)) and all(
                sum(1 for _, b in sel if b == p) <= 2 for p in range(n_p)
            ):
                best = max(best, value(sel))
    assert value(got) == pytest.approx(best)


def test_excluded_pairs_are_never_allocated():
    sc = scored({(0, 0): 0.9, (0, 1): 0.4}, 1, 2)
    sc.pairs.loc[0, F.EXCLUDED] = True
    assert chosen_pairs(sc) == {(0, 1)}
