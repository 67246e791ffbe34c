import pandas as pd
import pytest

from matcher.normalise import fold_text, normalise_text, split_skills


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Agent(e) de propreté H/F", "agent de proprete"),
        ("Agent / Agente de nettoyage de locaux", "agent de nettoyage de locaux"),
        ("Cuisinier/ère (F/H)", "cuisinier"),
        ("Préparateur/trice de commandes", "preparateur de commandes"),
        ("agent.e d’entretien", "agent d entretien"),
        ("Œuvre", "oeuvre"),
        (None, ""),
    ],
)
def test_fold_text(text, expected):
    assert fold_text(pd.Series([text])).iloc[0] == expected


def test_normalise_expands_abbreviations_and_drops_stop_words():
    out = normalise_text(pd.Series(["Aide à domicile - ADVF"])).iloc[0]
    assert out == "aide domicile assistant vie famille"


def test_split_skills():
    cell = "ménage; vitres, sols / tri\n- accueil\n• caisse, 3,5 t; Ménage"
    assert split_skills(pd.Series([cell])).iloc[0] == [
        "ménage",
        "vitres",
        "sols",
        "tri",
        "accueil",
        "caisse",
        "3,5 t",
    ]
