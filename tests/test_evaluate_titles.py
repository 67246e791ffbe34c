"""Title evaluation: the rewriting of titles, and a smoke run on a few dozen titles."""

import random

import pytest

from matcher.devtools.evaluate_titles import _feminine, _masculine, evaluate_titles, rewrite_title


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
