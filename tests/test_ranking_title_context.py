"""Unsure titles classified again with their row's text (issue 13, item 5): an offer's vague
title with its description and skills, a person's vague target job with their skills."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from matcher import fields as F
from matcher.ranking.prepare import prepare_offers, prepare_profiles
from matcher.ranking.suggest import rank
from matcher.reference.geo import builtin_communes
from matcher.reference.referential import default_referential
from matcher.settings import Settings


def _settings(**ranking) -> Settings:
    s = Settings()
    return s.replace(ranking=dataclasses.replace(s.ranking, **ranking))


def offers() -> pd.DataFrame:
    return pd.DataFrame({
        F.OFFER_REF: ["O1", "O2"],
        F.TITLE: ["Soigneur H/F", "Agent d'entretien"],
        F.DESCRIPTION: [
            "Écurie de compétition. Missions : préparer les chevaux pour l'entraînement, "
            "soins des équidés, curage des boxes.",
            "Missions : nettoyage des locaux.",
        ],
        F.SKILLS: ["", ""],
        F.COMMUNE: ["Béthune", "Béthune"],
    })  # fmt: skip


def profiles() -> pd.DataFrame:
    return pd.DataFrame({
        F.PROFILE_REF: ["P_zoo", "P_equides"],
        F.STRUCTURE: ["S", "S"],
        F.TARGET_JOBS: ["soigneur animalier", "préparatrice d'équidés"],
        F.SKILLS: ["", ""],
        F.COMMUNE: ["Béthune", "Béthune"],
    })  # fmt: skip


def test_an_unsure_offer_title_is_classified_with_the_offer_text():
    ref, communes = default_referential(), builtin_communes()
    alone = prepare_offers(offers(), ref, communes, _settings(title_context_below=0.0))
    with_text = prepare_offers(offers(), ref, communes, Settings())
    # "Soigneur" alone: the zoo keeper (A1506), not sure; its missions say horses (A1510).
    assert alone[F.OCC_CODES][0] == ["A1506"]
    assert alone[F.OCC_CONFIDENCE][0] == pytest.approx(0.62, abs=0.01)
    assert with_text[F.OCC_CODES][0] == ["A1510"]
    assert with_text[F.OCC_CONFIDENCE][0] == pytest.approx(0.89, abs=0.01)
    # A title sure enough alone is not classified again: same code, same confidence.
    assert with_text[F.OCC_CODES][1] == alone[F.OCC_CODES][1] == ["K2205"]
    assert with_text[F.OCC_CONFIDENCE][1] == alone[F.OCC_CONFIDENCE][1]


def test_the_offer_text_sets_the_occupation_link():
    with_text = rank(offers().iloc[:1], profiles()).set_index(F.PROFILE_REF)
    alone = rank(offers().iloc[:1], profiles(), _settings(title_context_below=0.0))
    alone = alone.set_index(F.PROFILE_REF)
    # With the missions the horse groom has the offer's job, the zoo keeper a job of its family.
    assert with_text.loc["P_equides", F.S_OCCUPATION] == pytest.approx(1.0)
    assert with_text.loc["P_zoo", F.S_OCCUPATION] == pytest.approx(0.3)
    assert "Métier visé identique (A1510" in with_text.loc["P_equides", F.REASONS][0]
    assert alone.loc["P_zoo", F.S_OCCUPATION] == pytest.approx(1.0)
    assert alone.loc["P_equides", F.S_OCCUPATION] == pytest.approx(0.3)
    # Same text scores: only the occupation moves the totals.
    assert with_text.loc["P_equides", F.SCORE] == pytest.approx(0.569, abs=0.002)
    assert alone.loc["P_equides", F.SCORE] == pytest.approx(0.336, abs=0.002)
    assert with_text.loc["P_zoo", F.S_TEXT] == pytest.approx(alone.loc["P_zoo", F.S_TEXT])


def lift_offer() -> pd.DataFrame:
    return pd.DataFrame({
        F.OFFER_REF: ["O_lift"],
        F.TITLE: ["Ascensoriste H/F"],
        F.DESCRIPTION: ["Missions : maintenance préventive et dépannage des ascenseurs."],
        F.COMMUNE: ["Béthune"],
    })  # fmt: skip


def technicians() -> pd.DataFrame:
    return pd.DataFrame({
        F.PROFILE_REF: ["P_lifts", "P_gardens"],
        F.STRUCTURE: ["S", "S"],
        F.TARGET_JOBS: ["Technicien", "Technicien"],
        F.SKILLS: ["maintenance des ascenseurs, dépannage des ascenseurs",
                   "entretien des espaces verts, taille des haies"],
        F.COMMUNE: ["Béthune", "Béthune"],
    })  # fmt: skip


def test_a_vague_target_job_is_classified_with_the_person_skills():
    ref, communes = default_referential(), builtin_communes()
    alone = prepare_profiles(technicians(), ref, communes, _settings(profile_title_context_below=0))
    with_skills = prepare_profiles(technicians(), ref, communes, Settings())
    # "Technicien" alone names no job.
    assert alone[F.OCC_CODES].tolist() == [[], []]
    assert (alone[F.OCC_CONFIDENCE] < 0.1).all()
    assert with_skills[F.OCC_CODES][0] == ["I1301"]  # Ascensoriste
    assert with_skills[F.OCC_CONFIDENCE][0] == pytest.approx(0.89, abs=0.01)


def test_the_person_skills_set_the_occupation_link():
    with_skills = rank(lift_offer(), technicians()).set_index(F.PROFILE_REF)
    alone = rank(lift_offer(), technicians(), _settings(profile_title_context_below=0))
    alone = alone.set_index(F.PROFILE_REF)
    assert with_skills.loc["P_lifts", F.S_OCCUPATION] == pytest.approx(1.0)
    # Without the skills the link is unknown (the total then reads the neutral score).
    assert np.isnan(alone.loc["P_lifts", F.S_OCCUPATION])
    assert with_skills.loc["P_lifts", F.SCORE] == pytest.approx(0.606, abs=0.002)
    assert alone.loc["P_lifts", F.SCORE] == pytest.approx(0.340, abs=0.002)
    # The other technician's skills name no job of the referential: no code either way.
    assert np.isnan(with_skills.loc["P_gardens", F.S_OCCUPATION])
    assert with_skills.sort_values(F.RANK).index[0] == "P_lifts"
