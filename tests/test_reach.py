"""Reachability (issue 13): beyond the radius, licence missing, unavailable at the start date
-> after every reachable person, in the "à discuter" part with the reason; each rule can be
switched to penalise or exclude; unknown distance is its own case with its own policy."""

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from matcher import fields as F
from matcher.features import constraints as C
from matcher.ranking.suggest import rank
from matcher.settings import ConstraintSettings, Settings


def offers():
    return pd.DataFrame({
        F.OFFER_REF: ["O1"],
        F.TITLE: ["Agent de propreté"],
        F.SKILLS: ["nettoyage des sols; autolaveuse"],
        F.COMMUNE: ["Béthune"],
        F.LICENCE_REQUIRED: [["B"]],
        F.START_DATE: [dt.date(2026, 12, 1)],
    })  # fmt: skip


def profiles():
    # P_far: the best text match but beyond its radius; P_lic: no licence; P_late: available
    # two months late; P_ok: a weaker match that can take the job; P_unknown: no commune.
    far_skills = "nettoyage des sols, autolaveuse, agent de propreté"
    return pd.DataFrame({
        F.PROFILE_REF: ["P_far", "P_lic", "P_late", "P_ok", "P_unknown"],
        F.STRUCTURE: ["S"] * 5,
        F.TARGET_JOBS: ["agent de propreté"] * 4 + ["agent de propreté"],
        F.SKILLS: [far_skills, far_skills, far_skills, "nettoyage des sols", far_skills],
        F.COMMUNE: ["Lille", "Béthune", "Béthune", "Beuvry", ""],
        F.MOBILITY_KM: [15.0, 15.0, 15.0, 15.0, 15.0],
        F.LICENCE: [["B"], [], ["B"], ["B"], ["B"]],
        F.AVAILABLE_FROM: [None, None, dt.date(2027, 2, 1), None, None],
    })  # fmt: skip


def _rank(**policies):
    cs = dataclasses.replace(ConstraintSettings(), **policies)
    out = rank(offers(), profiles(), Settings(constraints=cs))
    return out.set_index(F.PROFILE_REF)


def test_default_puts_unreachable_people_after_every_reachable_one_with_the_reason():
    out = _rank()
    order = out.sort_values(F.RANK).index.tolist()
    assert order[0] == "P_ok"  # the only one who can surely take the job
    assert order[1] == "P_unknown"  # unknown distance: below a known reachable person
    assert set(order[2:]) == {"P_far", "P_lic", "P_late"}
    assert out.loc[["P_far", "P_lic", "P_late"], F.TO_DISCUSS].all()
    assert not out.loc[["P_ok", "P_unknown"], F.TO_DISCUSS].any()
    # P_lic and P_late score higher than P_ok: the demotion is not a matter of score
    assert (out.loc[["P_lic", "P_late"], F.SCORE] > out.loc["P_ok", F.SCORE]).all()
    assert "pour un rayon de 15 km" in out.loc["P_far", F.REACH_REASON]
    assert out.loc["P_lic", F.REACH_REASON] == "permis B demandé, non détenu"
    assert "disponible à partir du 01/02/2027" in out.loc["P_late", F.REACH_REASON]
    assert "distance inconnue" in out.loc["P_unknown", F.REACH_REASON]
    assert out.loc["P_ok", F.REACH_REASON] == ""


@pytest.mark.parametrize("rule, person", [("distance", "P_far"), ("licence", "P_lic"),
                                          ("availability", "P_late")])  # fmt: skip
def test_each_rule_can_exclude(rule, person):
    out = _rank(**{rule: "exclude"})
    assert person not in out.index
    others = {"P_far", "P_lic", "P_late"} - {person}
    assert out.loc[sorted(others), F.TO_DISCUSS].all()


@pytest.mark.parametrize("rule, person", [("distance", "P_far"), ("licence", "P_lic"),
                                          ("availability", "P_late")])  # fmt: skip
def test_each_rule_can_penalise(rule, person):
    base = _rank(**{rule: "penalise", "penalty": 1.0})
    out = _rank(**{rule: "penalise", "penalty": 0.5})
    assert not out.loc[person, F.TO_DISCUSS]
    assert out.loc[person, F.S_CONSTRAINTS] == pytest.approx(0.5)
    assert out.loc[person, F.SCORE] == pytest.approx(base.loc[person, F.SCORE] * 0.5, abs=1e-6)
    # penalised, not demoted: ranked by score among the reachable people
    assert out.loc[person, F.RANK] < out.loc["P_far" if person != "P_far" else "P_lic", F.RANK]


def test_unknown_distance_policies():
    below = _rank()
    assert below.loc["P_unknown", F.RANK] == 2
    neutral = _rank(unknown_distance="neutral")
    # ranked by score like a reachable person: its score is above P_ok's
    assert neutral.loc["P_unknown", F.RANK] == 1
    demote = _rank(unknown_distance="demote")
    assert demote.loc["P_unknown", F.TO_DISCUSS]
    assert "distance inconnue" in demote.loc["P_unknown", F.REACH_REASON]


def test_tolerance():
    d = [16.0, 18.0, 18.1, 31.0, float("nan")]
    got = C.beyond_radius(d, [15.0] * 5, 2.0, 0.2).tolist()
    assert got == [False, False, True, True, False]
    assert C.beyond_radius([7.1, 6.9], [5.0, 5.0], 2.0, 0.2).tolist() == [True, False]


def test_settings_accept_demote_and_refuse_unknown_values():
    from matcher.errors import UserError

    s = Settings.from_dict({"constraints": {"distance": "penalise", "unknown_distance": "neutral"}})
    assert s.constraints.distance == "penalise"
    with pytest.raises(UserError, match="below, neutral, demote"):
        Settings.from_dict({"constraints": {"unknown_distance": "exclude"}})
    with pytest.raises(UserError, match="exclude, penalise, demote"):
        Settings.from_dict({"constraints": {"licence": "ignore"}})
