"""The score explained: parts with their weight and points out of 100 that add up to the score
shown, the same number in every place (matcher.ranking.explain)."""

import pandas as pd
import pytest

from matcher import fields as F
from matcher.ranking import explain as X
from matcher.settings import Settings, Weights

# The expected points below are worked out for these weights (not the tuned defaults, which move).
SETTINGS = Settings(weights=Weights(text=0.6, skills=0.1, occupation=0.3, commute=0.0))


def _rec(score, text=0.5, skills=0.4, occ=1.0, commute=1.0, cons=1.0):
    return {F.SCORE: score, F.S_TEXT: text, F.S_SKILLS: skills, F.S_OCCUPATION: occ,
            F.S_COMMUTE: commute, F.S_CONSTRAINTS: cons}  # fmt: skip


def test_parts_follow_the_weights_and_add_up_to_the_score():
    settings = SETTINGS
    w = settings.weights  # text 0.6, skills 0.1, occupation 0.3, commute 0
    total = w.text + w.skills + w.occupation + w.commute
    score = (0.5 * w.text + 0.4 * w.skills + 1.0 * w.occupation) / total
    e = X.explain(_rec(score), settings)
    assert e.score == round(score * 100)  # 0.64 -> 64
    points = {p.key: p.points for p in e.parts}
    assert points[X.OCCUPATION] == round(100 * w.occupation / total)  # 30
    assert points[X.SKILLS] == round(100 * 0.4 * w.skills / total)  # 4
    assert points[X.TEXT] == round(100 * 0.5 * w.text / total)  # 30
    assert points[X.CONDITIONS] == 0
    assert sum(points.values()) == e.score
    assert e.part(X.OCCUPATION).max_points == 30
    assert e.part(X.SKILLS).text == "4 pts sur 10"
    assert [p.label for p in e.parts] == ["Métier", "Compétences", "Trajet", "Description",
                                          "Conditions"]  # fmt: skip


def test_losses_for_reach_and_conditions_are_negative_points():
    settings = SETTINGS
    reach = 1 - settings.ranking.commute_factor * (1 - 0.0)
    base = 0.5 * 0.6 + 0.4 * 0.1 + 1.0 * 0.3
    score = base * reach * 0.7
    e = X.explain(_rec(score, commute=0.0, cons=0.7), settings)
    assert e.score == X.score_points(score)
    conditions = e.part(X.CONDITIONS)
    assert conditions.points == -round(base * reach * 0.3 * 100) or abs(
        conditions.points + base * reach * 0.3 * 100) < 1  # fmt: skip
    assert conditions.points < 0 and conditions.text.startswith("−")
    trajet = e.part(X.COMMUTE)
    assert trajet.loss == pytest.approx(base * (1 - reach) * 100, abs=1)
    assert sum(p.points for p in e.parts) == e.score


def test_stored_score_from_other_settings_is_still_the_total():
    # Components from a run with other weights: the parts are scaled to the stored score.
    e = X.explain(_rec(0.57), Settings())
    assert e.score == 57
    assert sum(p.points for p in e.parts) == 57


def test_missing_values_never_break_and_frame_agrees_with_one_by_one():
    settings = Settings()
    recs = [_rec(0.64), _rec(0.2, text=None, skills=float("nan")), _rec(None)]
    frame = pd.DataFrame(recs)
    table = X.explain_frame(frame, settings)
    for i, rec in enumerate(recs):
        e = X.explain(rec, settings)
        assert table["points"].iloc[i] == e.score
        for p in e.parts:
            assert table[X.POINTS_COLUMN[p.key]].iloc[i] == p.points
    assert X.score_points(None) == 0 and X.score_points(float("nan")) == 0
    assert X.score_points(0.575) == 58 and X.score_points(0.574) == 57


def test_warnings_are_told_apart_from_strengths():
    strengths, warnings = X.split_reasons([
        "Métier visé identique (K2204 Nettoyage)",
        "2 compétences sur 5 : a, b ; manque : c",
        "Attention : 30 km, au-delà du rayon de mobilité",
        "Métier visé non renseigné ou non reconnu : à vérifier",
    ])  # fmt: skip
    assert strengths[0].startswith("Métier visé identique") and len(strengths) == 2
    assert warnings == ["30 km, au-delà du rayon de mobilité",
                        "Métier visé non renseigné ou non reconnu : à vérifier"]  # fmt: skip
    assert X.split_reasons(None) == ([], [])
