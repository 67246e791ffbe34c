"""The ranking evaluation: metrics on hand-made lists, relevance grades, a tiny labelled set."""

import numpy as np
import pandas as pd
import pytest

from matcher import fields as F
from matcher.cli import main
from matcher.devtools.evaluate_ranking import (
    build_set,
    ndcg_recall,
    rank_product,
    rank_random,
    rank_tfidf,
)
from matcher.reference.referential import builtin_referential
from matcher.settings import Settings


@pytest.mark.parametrize(
    "order, expected_ndcg, expected_recall",
    [
        ([0, 1, 2], 1.0, 1.0),  # ideal order
        ([2, 1, 0], (1 / np.log2(3) + 7 / np.log2(4)) / (7 + 1 / np.log2(3)), 1.0),
        ([2], 0.0, 0.0),  # only an irrelevant profile
    ],
)
def test_ndcg_and_recall(order, expected_ndcg, expected_recall):
    relevance = np.array([[3, 1, 0]])  # gains 7, 1, 0; recall counts grade >= 2: profile 0
    ndcg, recall = ndcg_recall([np.array(order)], relevance, k=10)
    assert ndcg == pytest.approx(expected_ndcg)
    assert recall == pytest.approx(expected_recall)


@pytest.fixture(scope="module")
def small_set():
    # Generated from the built-in referential: small and fast (the real evaluation uses the ROME).
    return build_set(builtin_referential(), seed=3, n_codes=12, noise=150)


def test_grades_follow_codes_and_constraints(small_set):
    es = small_set
    rel = es.relevance
    assert rel.shape == (len(es.offers), len(es.profiles))
    assert set(np.unique(rel)) <= {0, 1, 2, 3}
    for i, code in enumerate(es.truth.offer_codes):
        same = [j for j, cs in enumerate(es.truth.profile_codes) if code in cs]
        assert same, "every offer has profiles of its own code"
        for j in same:
            lacks = (
                "B" in es.offers[F.LICENCE_REQUIRED].iloc[i]
                and "B" not in (es.profiles[F.LICENCE].iloc[j])
            )
            assert rel[i, j] == (1 if lacks else rel[i, j])
            assert rel[i, j] in (1, 3)


def test_product_beats_baselines_on_a_small_set(small_set):
    es = small_set
    product = ndcg_recall(rank_product(es, Settings(), builtin_referential()), es.relevance)
    tfidf = ndcg_recall(rank_tfidf(es), es.relevance)
    random = ndcg_recall(rank_random(es), es.relevance)
    assert product[0] > tfidf[0] > random[0]


def test_cli_evaluate_without_rome_is_a_clear_error(tmp_path, capsys):
    assert main(["evaluate", "ranking", "--rome", str(tmp_path / "absent")]) == 2
    assert "référentiel ROME introuvable" in capsys.readouterr().err


def test_a_person_placed_by_postal_code_alone_can_be_out_of_reach():
    # The product locates a person by commune or, without one, by postal code: the truth counts
    # both beyond their radius; only a person it cannot place at all is never "unreachable".
    from matcher.devtools.evaluate_ranking import unreachable_pairs
    from matcher.devtools.synthetic import Truth
    from matcher.reference.geo import LAT, LON, NAME, POSTAL, builtin_communes

    c = builtin_communes().drop_duplicates(NAME).set_index(NAME)
    lille, bethune = c.loc["LILLE"], c.loc["BETHUNE"]
    offers = pd.DataFrame({F.OFFER_REF: ["O"], F.COMMUNE: ["Béthune"],
                           F.LICENCE_REQUIRED: [[]], F.START_DATE: [None]})  # fmt: skip
    profiles = pd.DataFrame({
        F.PROFILE_REF: ["by_name", "by_postal_code", "nowhere"],
        F.COMMUNE: ["Lille", "", ""],
        F.POSTAL_CODE: [lille[POSTAL], lille[POSTAL], ""],
        F.MOBILITY_KM: [15.0, 15.0, 15.0],
        F.LICENCE: [[], [], []],
        F.AVAILABLE_FROM: [None, None, None],
    })  # fmt: skip
    truth = Truth(["K2204"], [["K2204"]] * 3, np.array([bethune[LAT]]), np.array([bethune[LON]]),
                  np.full(3, lille[LAT]), np.full(3, lille[LON]))  # fmt: skip
    assert unreachable_pairs(truth, offers, profiles).tolist() == [[True, True, False]]


def test_unreachable_people_ranked_before_a_reachable_one_are_counted():
    from types import SimpleNamespace

    from matcher.devtools.evaluate_ranking import unreachable_first

    unreachable = np.array([[True, False, True, True], [False, False, True, True]])
    es = SimpleNamespace(unreachable=unreachable)
    # Offer 0: profile 0 (unreachable) before 1 (reachable) counts, 2 and 3 at the end do not;
    # offer 1: the unreachable ones come last.
    assert unreachable_first([np.array([0, 1, 2, 3]), np.array([0, 1, 2, 3])], es) == 1
    assert unreachable_first([np.array([2, 3, 0, 1]), np.array([2, 0])], es) == 4
