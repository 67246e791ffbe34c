"""Reasons: the French sentences a counsellor reads aloud, table-driven, and on a ranking."""

import datetime as dt

import pandas as pd
import pytest

from matcher import fields as F
from matcher.ranking.reasons import commute_sentence, occupation_sentence, skills_sentence
from matcher.ranking.suggest import rank
from matcher.settings import ConstraintSettings, Settings

LABELS = {"K2204": "Nettoyage de locaux", "K2202": "Lavage de vitres"}
SECTORS = {"K2204": "Propreté"}


@pytest.mark.parametrize(
    "kind, offer_codes, profile_codes, expected",
    [
        (4, ["K2204"], ["K2204"], "Métier visé identique (K2204 Nettoyage de locaux)"),
        (2, ["K2204"], ["K2202"],
         "Métier visé proche (K2202 Lavage de vitres) de celui de l'offre (K2204 Nettoyage de locaux)"),
        (1, ["K2204"], ["K2299"], "Même domaine professionnel (K22 Propreté) : K2299 pour K2204 Nettoyage de locaux"),
        (0, ["K2204"], ["N1103"], "Métier visé différent (N1103)"),
        (-1, [], ["N1103"], "Métier de l'offre non reconnu dans le référentiel : à vérifier"),
        (-1, ["K2204"], [], "Métier visé non renseigné ou non reconnu : à vérifier"),
    ],
)  # fmt: skip
def test_occupation_sentence(kind, offer_codes, profile_codes, expected):
    assert occupation_sentence(kind, offer_codes, profile_codes, LABELS, SECTORS) == expected


@pytest.mark.parametrize(
    "matched, missing, expected",
    [
        (["sols", "vitres", "bureaux", "sanitaires"], ["autolaveuse"],
         "4 compétences sur 5 : sols, vitres, bureaux, sanitaires ; manque : autolaveuse"),
        (["sols"], ["vitres", "autolaveuse"], "1 compétence sur 3 : sols ; manque : vitres, autolaveuse"),
        ([], ["vitres"], "Aucune des 1 compétences demandées ; manque : vitres"),
        (["a", "b"], [], "2 compétences sur 2 : a, b"),
        (list("abcdef"), [], "6 compétences sur 6 : a, b, c, d et 2 autre(s)"),
        ([], [], None),
    ],
)  # fmt: skip
def test_skills_sentence(matched, missing, expected):
    assert skills_sentence(matched, missing) == expected


@pytest.mark.parametrize(
    "distance, means, licence, radius, given, expected",
    [
        (12.3, "voiture", ["B"], 20.0, True, "12 km, permis B et voiture (rayon 20 km)"),
        (0.4, "", [], 10.0, True, "moins de 1 km (rayon 10 km)"),
        (8.0, "transports en commun", ["aucun"], 10.0, False,
         "8 km, transports en commun (rayon non précisé, 10 km retenus)"),
        (32.0, "voiture", ["B"], 20.0, True,
         "Attention : 32 km, permis B et voiture (rayon 20 km), au-delà du rayon de mobilité"),
        (float("nan"), "voiture", ["B"], 20.0, True, "Distance inconnue (commune non reconnue)"),
    ],
)  # fmt: skip
def test_commute_sentence(distance, means, licence, radius, given, expected):
    assert commute_sentence(distance, means, licence, radius, given) == expected


def _frames():
    offers = pd.DataFrame({
        F.OFFER_REF: ["O1"],
        F.TITLE: ["Agent de propreté"],
        F.SKILLS: ["autolaveuse; nettoyage des sols; lavage des vitres; entretien des sanitaires"],
        F.COMMUNE: ["Béthune"],
        F.CONTRACT_TYPE: [["CDD"]],
        F.SCHEDULE: ["travail le week-end"],
        F.WEEKLY_HOURS: [35.0],
        F.START_DATE: [dt.date(2026, 12, 1)],
        F.LICENCE_REQUIRED: [["B"]],
    })  # fmt: skip
    profiles = pd.DataFrame({
        F.PROFILE_REF: ["P1"],
        F.STRUCTURE: ["EI"],
        F.TARGET_JOBS: ["agent d'entretien"],
        F.SKILLS: ["nettoyage des sols, utilisation autolaveuse"],
        F.COMMUNE: ["Beuvry"],
        F.MOBILITY_KM: [10.0],
        F.LICENCE: [["aucun"]],
        F.CONTRACT_TYPES: [["CDD", "CDI"]],
        F.AVAILABILITY: ["pas de week-end"],
        F.WANTED_HOURS: [20.0],
        F.AVAILABLE_FROM: [dt.date(2027, 2, 1)],
    })  # fmt: skip
    return offers, profiles


def test_reasons_name_matched_and_missing_skills_and_every_broken_constraint():
    settings = Settings(constraints=ConstraintSettings(licence="penalise", availability="penalise"))
    row = rank(*_frames(), settings).iloc[0]
    reasons = row[F.REASONS]
    skills = next(r for r in reasons if "compétences sur" in r)
    assert skills.startswith("2 compétences sur 4 : ")
    assert (
        "autolaveuse" in skills.split(" ; ")[0] and "nettoyage des sols" in skills.split(" ; ")[0]
    )
    assert skills.split(" ; manque : ")[1].split(", ") == [
        "lavage des vitres",
        "entretien des sanitaires",
    ]
    assert sorted(row[F.MATCHED_SKILLS]) == ["autolaveuse", "nettoyage des sols"]
    assert "Contrat CDD accepté" in reasons
    assert "Attention : travail le week-end non souhaité" in reasons
    assert "Attention : permis B demandé, non détenu" in reasons
    assert "Attention : 35 h par semaine proposées, 20 h souhaitées" in reasons
    assert (
        "Attention : disponible à partir du 01/02/2027, poste à pourvoir le 01/12/2026" in reasons
    )
    # four penalised constraints: 0.7^4 of the weighted mean
    assert row[F.S_CONSTRAINTS] == pytest.approx(0.7**4)


def test_reasons_name_the_codes_that_linked():
    """A person aiming at two jobs: the sentence names the one that linked, with the offer's
    linking code, not the person's first code."""
    from matcher.features import occupation as O
    from matcher.reference.referential import default_referential

    ref = default_referential()
    labels = dict(zip(ref.codes["code"], ref.codes["label"], strict=True))
    # N1103 (commandes) first, then K2204: K2204 is close to K2205 in the built-in layer
    close = sorted(b for a, b in O.close_pairs(ref) if a == "K2205" and b[:3] != "N11")[0]
    sentence = occupation_sentence(O.CLOSE, ["K2205"], ["N1103", close], labels, None, ref)
    assert sentence == (f"Métier visé proche ({close} {labels[close]}) de celui de l'offre "
                        f"(K2205 {labels['K2205']})")  # fmt: skip
    # the offer's second code linked: it is the one named
    same = occupation_sentence(O.SAME, ["N1101", "K2205"], ["G1803", "K2205"], labels, None, ref)
    assert same == f"Métier visé identique (K2205 {labels['K2205']})"
    # a ROME parent and its child are one job family, named as such (when the ROME does not
    # also link them as a mobility: that makes them close jobs)
    parents = ref.parents()
    close_links = O.close_pairs(ref)
    child = next(c for c, p in sorted(parents.items())
                 if c != p and p in labels and (p, c) not in close_links)  # fmt: skip
    fam = occupation_sentence(O.FAMILY, [parents[child]], ["N1103", child], labels, None, ref)
    assert fam == (f"Métier visé de la même famille ({child} {labels[child]}) que celui de "
                   f"l'offre ({parents[child]} {labels[parents[child]]})")  # fmt: skip


def test_ranking_reasons_name_the_linking_codes():
    offers = pd.DataFrame({F.OFFER_REF: ["O1"], F.TITLE: ["x"], F.ROME_CODE: ["K2205"],
                           F.COMMUNE: ["Béthune"]})  # fmt: skip
    profiles = pd.DataFrame({F.PROFILE_REF: ["P1"], F.STRUCTURE: ["S"], F.TARGET_JOBS: ["y"],
                             F.ROME_CODES: ["N1103, K2205"], F.COMMUNE: ["Beuvry"]})  # fmt: skip
    row = rank(offers, profiles).iloc[0]
    assert row[F.REASONS][0].startswith("Métier visé identique (K2205 ")
