"""Title evaluation: the rewriting of titles, and a smoke run on a few dozen titles."""

import random

import pandas as pd
import pytest

from matcher.devtools.evaluate_titles import _feminine, _masculine, evaluate_titles, rewrite_title
from matcher.devtools.real_titles import TitleSet, score_result, twin_codes


@pytest.mark.parametrize(
    "title, masculine, feminine",
    [
        ("Agent / Agente de propreté de locaux", "Agent de propreté de locaux",
         "Agente de propreté de locaux"),
        ("Chef pâtissier / Cheffe pâtissière de restaurant", "Chef pâtissier de restaurant",
         "Cheffe pâtissière de restaurant"),
        ("Cariste", "Cariste", "Cariste"),
    ],
)  # fmt: skip
def test_gender_forms(title, masculine, feminine):
    assert _masculine(title) == masculine
    assert _feminine(title) == feminine


def test_rewrite_is_deterministic_and_has_one_typo():
    a = [rewrite_title("Agent / Agente de propreté de locaux", random.Random(s)) for s in range(20)]
    b = [rewrite_title("Agent / Agente de propreté de locaux", random.Random(s)) for s in range(20)]
    assert a == b
    assert all(" / " not in x for x in a)
    # never the official spelling: one typo at least
    assert all(x.replace(" H/F", "").replace(" (F/H)", "") not in (
        "Agent de propreté de locaux", "Agente de propreté de locaux") for x in a)  # fmt: skip


def test_smoke_run(rome_dir):
    figures = evaluate_titles(rome_dir, n=40, seed=1, folds=1, parts=("a", "b"))
    a, b = figures
    assert a.n == 40 and a.top1 >= 0.85
    assert b.baseline_top1 is not None and 0.0 <= b.top1 <= b.top3 <= 1.0
    assert any("top-1" in line for line in a.lines())


def test_twin_codes_hold_the_same_words():
    """A code holding an appellation with the drawn one's words (up to gender, plurals and the
    linking words "de", "en") is a twin; other words, another order, "avec"/"sans" are not."""
    titles = pd.Series(["Agent / Agente de quai de messagerie", "Agent de quai messageries",
                        "Guide de randonnée avec bivouac", "Guide de randonnée sans bivouac",
                        "Marin-pêcheur", "Pêcheur sous-marin", "Agent de quai"])  # fmt: skip
    codes = pd.Series(["Z9001", "Z9002", "Z9003", "Z9004", "Z9005", "Z9006", "Z9007"])
    official = pd.Series(["Agent / Agente de quai de messagerie", "Guide de randonnée avec bivouac",
                          "Marin-pêcheur", "Agent de quai"])  # fmt: skip
    truth = pd.Series(["Z9001", "Z9003", "Z9005", "Z9007"])
    twins = twin_codes(titles, codes, official, truth)
    assert twins == [frozenset({"Z9002"}), frozenset(), frozenset(), frozenset()]


def test_a_twin_code_is_counted_right_and_reported():
    frame = pd.DataFrame({"query": ["agent de quai messagerie", "Guide"], "context": "",
                          "code": ["Z9001", "Z9003"], "other_code": None,
                          "official": ["x", "y"], "short": "",
                          "twins": [frozenset({"Z9002"}), frozenset()]})  # fmt: skip
    ts = TitleSet(frame, {})
    pred = pd.Series(["Z9002", "Y1004"])  # the second: wrong, in another domain
    assert ts.right(pred).tolist() == [True, False]
    assert ts.right(pred, twins=False).tolist() == [False, False]
    assert ts.twin_right(pred).tolist() == [True, False]
    result = pd.DataFrame({"code": pred, "confidence": [0.95, 0.95],
                           "candidates": [[], []]})  # fmt: skip
    fig = score_result("x", ts, result, 0.0, 0.7)
    assert (fig.top1, fig.confident_wrong, fig.confident_wrong_domain) == (0.5, 1, 1)
    assert (fig.twin_right, fig.twin_right_sure) == (1, 1)
    assert any("code jumeau) : 1, dont confiance >= 0.9 : 1" in line for line in fig.lines())
