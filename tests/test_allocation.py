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
           per_position=1, per_profile=1, tiers=None) -> Scored:  # fmt: skip
    pairs = pd.DataFrame(
        [(o, p, s) for (o, p), s in sorted(scores.items())],
        columns=[F.OFFER_POS, F.PROFILE_POS, F.SCORE],
    )
    pairs[F.EXCLUDED] = False
    if tiers is not None:  # (offer, profile) -> reachability tier; the others reachable
        pairs[F.REACH_TIER] = [tiers.get(k, F.TIER_REACHABLE) for k in sorted(scores)]
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


def test_allocate_in_the_settings_is_honoured_by_the_dashboards_matching(tmp_path):
    """``allocate = true`` in the settings reaches service.run_matching (what the dashboard's
    « Relancer le calcul » calls): capacities held, and the stored suggestions are the ones the
    command line's ``rank --allocate`` gives."""
    from matcher.ranking.suggest import rank
    from matcher.reference.geo import active_communes
    from matcher.reference.referential import active_referential
    from matcher.store.database import Store
    from matcher.workflow import auth, service

    from .app_world import build

    db = tmp_path / "m.sqlite3"
    build(db)
    store = Store(db)
    plain_settings = Settings()
    allocating = Settings.from_dict(
        {"ranking": {"allocate": True, "candidates_per_position": 1, "max_offers_per_profile": 1}}
    )
    offers = store.offers(auth.SYSTEM)
    positions = offers.set_index(F.OFFER_REF)[F.POSITIONS].astype(float).clip(lower=1)
    plain = service.run_matching(store, plain_settings)
    # Without the allocation some offer lists more people than its positions: the test could fail.
    plain_per_offer = plain.groupby(F.OFFER_REF).size()
    assert (plain_per_offer > positions.reindex(plain_per_offer.index)).any()
    allocated = service.run_matching(store, allocating)
    assert allocated.groupby(F.PROFILE_REF)[F.OFFER_REF].nunique().max() == 1
    per_offer = allocated.groupby(F.OFFER_REF).size()
    assert (per_offer <= positions.reindex(per_offer.index)).all()
    assert 0 < len(allocated) < len(plain)
    stored = store.suggestions(auth.SYSTEM)
    assert len(stored) == len(allocated)
    expected = rank(offers, store.profiles(auth.SYSTEM), allocating,
                    active_referential(store), active_communes(store))  # fmt: skip
    key = [F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF, F.RANK]
    assert sorted(map(tuple, allocated[key].to_numpy())) == sorted(
        map(tuple, expected[key].to_numpy())
    )


def test_a_demoted_pair_never_takes_a_reachable_candidates_place():
    # O0 has one place: P0 scores higher but cannot reach it ("à discuter"), P1 can.
    d = F.TIER_TO_DISCUSS
    sc = scored({(0, 0): 0.95, (0, 1): 0.2}, 1, 2, tiers={(0, 0): d})
    assert chosen_pairs(sc) == {(0, 1)}
    # Without the tier the score decides (the objective is otherwise unchanged).
    assert chosen_pairs(scored({(0, 0): 0.95, (0, 1): 0.2}, 1, 2)) == {(0, 0)}
    # Through a chain: P1 reaches both offers but takes one; O1 also has P2 (reachable, low),
    # O0 also has P0 (demoted, high). Every place goes to a reachable person.
    scores = {(0, 0): 0.99, (0, 1): 0.3, (1, 1): 0.9, (1, 2): 0.1}
    assert chosen_pairs(scored(scores, 2, 3, tiers={(0, 0): d})) == {(0, 1), (1, 2)}
    # A demoted person still fills a place nobody reachable can take, after the others...
    sc = scored({(0, 0): 0.9, (0, 1): 0.4, (0, 2): 0.8}, 1, 3, per_position=2,
                tiers={(0, 0): d})  # fmt: skip
    assert chosen_pairs(sc) == {(0, 1), (0, 2)}
    sc = scored({(0, 0): 0.9, (0, 1): 0.4}, 1, 2, per_position=3, tiers={(0, 0): d})
    rows = allocate(sc)
    # ...and is listed after them, whatever the scores.
    assert sc.pairs.iloc[rows][F.PROFILE_POS].tolist() == [1, 0]
    # An unknown distance comes between: after the reachable, before the demoted.
    u = F.TIER_UNKNOWN
    sc = scored({(0, 0): 0.9, (0, 1): 0.5, (0, 2): 0.1}, 1, 3, per_position=2,
                tiers={(0, 0): d, (0, 1): u})  # fmt: skip
    assert chosen_pairs(sc) == {(0, 1), (0, 2)}
    # The capacities hold across tiers: a person at their limit in a better tier gets no more.
    sc = scored({(0, 0): 0.5, (1, 0): 0.9}, 2, 1, tiers={(1, 0): d})
    assert chosen_pairs(sc) == {(0, 0)}


@pytest.mark.parametrize("seed", range(4))
def test_tiered_allocation_is_optimal_on_the_reachable_pairs_first(seed):
    """Brute force on small instances: the reachable pairs chosen are the best choice among
    reachable pairs alone; no demoted pair holds a place that a reachable person with room
    left could take; the capacities hold."""
    rng = np.random.default_rng(100 + seed)
    n_o, n_p = 3, 4
    scores = {(o, p): float(np.round(rng.uniform(0.1, 1.0), 3))
              for o in range(n_o) for p in range(n_p) if rng.random() < 0.7}  # fmt: skip
    tiers = {k: int(rng.choice([F.TIER_REACHABLE, F.TIER_TO_DISCUSS])) for k in scores}
    positions = [int(x) for x in rng.integers(1, 3, n_o)]
    got = chosen_pairs(scored(scores, n_o, n_p, positions=positions, per_profile=2, tiers=tiers))

    def feasible(sel):
        return all(sum(1 for a, _ in sel if a == o) <= positions[o] for o in range(n_o)) and all(
            sum(1 for _, b in sel if b == p) <= 2 for p in range(n_p)
        )

    def value(sel):
        return len(sel) + sum(scores[x] for x in sel)

    assert feasible(got)
    reachable = [k for k in scores if tiers[k] == F.TIER_REACHABLE]
    best = max(value(sel) for r in range(len(reachable) + 1)
               for sel in itertools.combinations(reachable, r) if feasible(sel))  # fmt: skip
    assert value([k for k in got if tiers[k] == F.TIER_REACHABLE]) == pytest.approx(best)
    load = {p: sum(1 for _, b in got if b == p) for p in range(n_p)}
    for o, _ in (k for k in got if tiers[k] == F.TIER_TO_DISCUSS):
        idle = [p for (a, p) in reachable if a == o and (o, p) not in got and load[p] < 2]
        assert not idle
