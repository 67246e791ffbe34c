"""The whole ranking on tiny hand-made frames: order, scores, policies, reasons."""

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from matcher import fields as F
from matcher.ranking.scoring import reach_factor, score_pairs, top_per_profile
from matcher.ranking.suggest import rank
from matcher.settings import ConstraintSettings, Settings


def offers():
    return pd.DataFrame({
        F.OFFER_REF: ["O1", "O2"],
        F.TITLE: ["Agent(e) de propreté H/F", "Préparateur de commandes H/F"],
        F.SKILLS: ["autolaveuse; nettoyage des sols; lavage des vitres",
                   "préparation de commandes; conduite chariot élévateur"],
        F.COMMUNE: ["Béthune", "Lillers"],
        F.CONTRACT_TYPE: [["CDD"], ["CDI"]],
        F.LICENCE_REQUIRED: [None, ["B"]],
    })  # fmt: skip


def profiles():
    return pd.DataFrame({
        F.PROFILE_REF: ["P1", "P2", "P3"],
        F.STRUCTURE: ["EI A", "EI A", "ACI B"],
        F.TARGET_JOBS: ["agent d'entretien", "préparateur de commandes", "aide à domicile"],
        F.SKILLS: ["nettoyage des sols, autolaveuse", "préparation de commandes",
                   "ménage, repassage"],
        F.COMMUNE: ["Beuvry", "Lillers", "Auchel"],
        F.MOBILITY_KM: [10.0, 10.0, 20.0],
        F.LICENCE: [["B"], [], ["B"]],
        F.CONTRACT_TYPES: [["CDD", "CDI"], ["CDI"], ["CDI"]],
    })  # fmt: skip


def test_best_profile_first_with_reasons():
    result = rank(offers(), profiles())
    o1 = result[result[F.OFFER_REF] == "O1"]
    assert o1[F.PROFILE_REF].tolist()[0] == "P1"
    assert o1[F.RANK].tolist() == list(range(1, len(o1) + 1))
    assert o1[F.SCORE].is_monotonic_decreasing
    top = o1.iloc[0]
    assert top[F.S_SKILLS] == pytest.approx(2 / 3)
    assert top[F.S_OCCUPATION] == 1.0
    assert top[F.S_COMMUTE] == 1.0  # Beuvry-Béthune is well inside 10 km
    reasons = " | ".join(top[F.REASONS])
    assert "Métier visé identique" in reasons
    assert "2 compétences sur 3" in reasons and "manque : lavage des vitres" in reasons
    assert "Contrat CDD accepté" in reasons


def test_licence_policy_exclude_or_penalise():
    excl = rank(offers(), profiles(), Settings(constraints=ConstraintSettings(licence="exclude")))
    # P2 has no licence and O2 requires B: excluded when the policy says so.
    assert excl[(excl[F.OFFER_REF] == "O2") & (excl[F.PROFILE_REF] == "P2")].empty
    settings = Settings(constraints=ConstraintSettings(licence="penalise", penalty=0.5))
    scored = score_pairs(offers(), profiles(), settings).labelled()
    pair = scored[(scored[F.OFFER_REF] == "O2") & (scored[F.PROFILE_REF] == "P2")].iloc[0]
    assert pair[F.S_CONSTRAINTS] == 0.5
    unpenalised = dataclasses.replace(settings, constraints=ConstraintSettings(
        licence="penalise", penalty=1.0))  # fmt: skip
    pair1 = score_pairs(offers(), profiles(), unpenalised).labelled()
    pair1 = pair1[(pair1[F.OFFER_REF] == "O2") & (pair1[F.PROFILE_REF] == "P2")].iloc[0]
    assert pair[F.SCORE] == pytest.approx(pair1[F.SCORE] * 0.5, abs=1e-6)  # scores: 6 decimals
    pen = rank(offers(), profiles(), settings)
    row = pen[(pen[F.OFFER_REF] == "O2") & (pen[F.PROFILE_REF] == "P2")].iloc[0]
    assert any("permis B demandé, non détenu" in r for r in row[F.REASONS])


def test_total_is_weighted_combination():
    pairs = score_pairs(offers(), profiles()).pairs
    settings = Settings()
    w, r = settings.weights, settings.ranking
    comps = pairs[[F.S_TEXT, F.S_SKILLS, F.S_OCCUPATION, F.S_COMMUTE]].fillna(r.unknown_score)
    total = (
        comps[F.S_TEXT] * w.text
        + comps[F.S_SKILLS] * w.skills
        + comps[F.S_OCCUPATION] * w.occupation
        + comps[F.S_COMMUTE] * w.commute
    )
    reach = 1 - r.commute_factor * (1 - pairs[F.S_COMMUTE].fillna(1.0))
    expected = (
        total / (w.text + w.skills + w.occupation + w.commute) * reach * pairs[F.S_CONSTRAINTS]
    )
    assert pairs[F.SCORE].to_numpy() == pytest.approx(expected.to_numpy(), abs=1e-6)


@pytest.mark.parametrize(
    "commute, factor, expected",
    [(1.0, 0.3, 1.0), (0.0, 0.3, 0.7), (0.5, 0.4, 0.8), (float("nan"), 0.3, 1.0), (0.0, 0.0, 1.0)],
)
def test_reach_factor(commute, factor, expected):
    settings = Settings(ranking=dataclasses.replace(Settings().ranking, commute_factor=factor))
    assert reach_factor(np.array([commute]), settings)[0] == pytest.approx(expected)


def test_ties_are_broken_by_reference():
    p = profiles().iloc[[0]]
    twins = pd.concat([p.assign(**{F.PROFILE_REF: "Z9"}), p.assign(**{F.PROFILE_REF: "A1"})])
    result = rank(offers().iloc[[0]], twins)
    assert result[F.PROFILE_REF].tolist() == ["A1", "Z9"]
    assert result[F.SCORE].iloc[0] == result[F.SCORE].iloc[1]


def test_top_per_profile():
    scored = score_pairs(offers(), profiles())
    per_profile = top_per_profile(scored, 1)
    best = per_profile.set_index(F.PROFILE_REF)[F.OFFER_REF].to_dict()
    assert best["P1"] == "O1"
    assert per_profile.groupby(F.PROFILE_REF).size().max() == 1


def test_empty_inputs_give_empty_result():
    assert rank(offers().iloc[:0], profiles()).empty


def _constraint_frames():
    """One offer and one person breaking every constraint."""
    o = offers().iloc[[0]].assign(**{
        F.LICENCE_REQUIRED: [["B"]], F.CONTRACT_TYPE: [["CDI"]], F.WEEKLY_HOURS: [35.0],
        F.SCHEDULE: ["nuit"], F.START_DATE: [dt.date(2026, 12, 1)],
    })  # fmt: skip
    p = profiles().iloc[[0]].assign(**{
        F.LICENCE: [["aucun"]], F.CONTRACT_TYPES: [["CDD"]], F.WANTED_HOURS: [20.0],
        F.AVAILABILITY: ["nuit impossible"], F.AVAILABLE_FROM: [dt.date(2027, 3, 1)],
    })  # fmt: skip
    return o, p


@pytest.mark.parametrize("check", ["licence", "contract", "hours", "schedule", "availability"])
@pytest.mark.parametrize("policy", ["exclude", "penalise"])
def test_each_constraint_excludes_or_penalises_as_configured(check, policy):
    # Only ``check`` has a policy that acts; the others penalise by a factor of 1.
    others = {c: "penalise" for c in ("licence", "contract", "hours", "schedule", "availability")}
    cs = ConstraintSettings(**{**others, check: policy}, penalty=1.0)
    settings = Settings(constraints=cs)
    pair = score_pairs(*_constraint_frames(), settings).pairs.iloc[0]
    assert bool(pair[f"broken_{check}"])
    if policy == "exclude":
        assert bool(pair[F.EXCLUDED])
        assert rank(*_constraint_frames(), settings).empty
    else:
        assert not bool(pair[F.EXCLUDED])
        half = Settings(constraints=dataclasses.replace(cs, penalty=0.5))
        pair_half = score_pairs(*_constraint_frames(), half).pairs.iloc[0]
        # every broken constraint under "penalise" multiplies by the penalty
        assert pair_half[F.S_CONSTRAINTS] == pytest.approx(0.5**5)
        assert not rank(*_constraint_frames(), settings).empty


def test_every_profile_gets_its_offers_even_outside_every_offer_short_list():
    # One candidate per offer: only two profiles are in an offer's list, yet the per-profile
    # search gives each of the three people their own best offer, from the same scored pairs.
    tight = Settings(ranking=dataclasses.replace(
        Settings().ranking, candidates=1, candidates_per_profile=2, min_score=0.0))  # fmt: skip
    scored = score_pairs(offers(), profiles(), tight)
    assert set(top_per_profile(scored, 1)[F.PROFILE_REF]) == {"P1", "P2", "P3"}


def test_text_cosine_read_back_from_the_candidate_product_is_exact():
    searched = score_pairs(offers(), profiles())
    pairs = (searched.pairs[F.OFFER_POS].to_numpy(), searched.pairs[F.PROFILE_POS].to_numpy())
    direct = score_pairs(offers(), profiles(), pairs=pairs)
    np.testing.assert_allclose(
        searched.pairs[F.S_TEXT].to_numpy(), direct.pairs[F.S_TEXT].to_numpy(), atol=1e-5
    )
    assert searched.pairs[F.S_TEXT].max() > 0.2


def test_weights_and_policies_load_from_toml(tmp_path):
    path = tmp_path / "matcher.toml"
    path.write_text(
        "[weights]\ntext = 1\nskills = 0\noccupation = 0\ncommute = 0\n"
        "[ranking]\ncommute_factor = 0.0\ncandidates = 50\n"
        '[constraints]\nlicence = "penalise"\npenalty = 0.5\n',
        encoding="utf-8",
    )
    settings = Settings.from_toml(path)
    assert settings.ranking.candidates == 50 and settings.constraints.licence == "penalise"
    pairs = score_pairs(offers(), profiles(), settings).labelled()
    # text only, no reach factor: the score is the text cosine times the constraint factor
    np.testing.assert_allclose(
        pairs[F.SCORE], (pairs[F.S_TEXT] * pairs[F.S_CONSTRAINTS]).round(6), atol=1e-6
    )
    o2p2 = pairs[(pairs[F.OFFER_REF] == "O2") & (pairs[F.PROFILE_REF] == "P2")].iloc[0]
    assert not o2p2[F.EXCLUDED] and o2p2[F.S_CONSTRAINTS] == 0.5
