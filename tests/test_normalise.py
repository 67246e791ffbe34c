"""Normaliser: table-driven (input, expected), and checks over the official titles when present."""

import numpy as np
import pandas as pd
import pytest

from matcher.text.normalise import (
    canonical_jargon,
    collapse_gender,
    fold_text,
    join_text,
    normalise_columns,
    normalise_text,
    split_skills,
    split_titles,
    stem_word,
    stop_words,
)
from tests.conftest import ROME_DIR


@pytest.mark.parametrize(
    "text, expected",
    [
        # H/F in every spelling
        ("Agent(e) de propreté H/F", "agent de proprete"),
        ("Cuisinier/ère (F/H)", "cuisinier"),
        ("Vendeur-euse en boulangerie (h/f/x)", "vendeur en boulangerie"),
        ("EMPLOYÉ(E) LIBRE SERVICE (F/H)", "employe libre service"),
        ("Serveur H-F", "serveur"),
        ("Plongeur (homme ou femme)", "plongeur"),
        ("Magasinier M/F", "magasinier"),
        # gendered forms
        ("Agent / Agente de nettoyage de locaux", "agent de nettoyage de locaux"),
        ("Préparateur/trice de commandes", "preparateur de commandes"),
        ("agent.e d’entretien", "agent d entretien"),
        ("salarié·e·s polyvalent.e.s", "salarie polyvalent"),
        ("Technicien(ne) de maintenance", "technicien de maintenance"),
        ("Directeur(trice) d'exploitation", "directeur d exploitation"),
        ("Serveur / Serveuse", "serveur"),
        ("Employé / Employée de rayon", "employe de rayon"),
        ("Maître / Maîtresse de maison", "maitre de maison"),
        ("Chef / Cheffe d'équipe", "chef d equipe"),
        ("Chef pâtissier / Cheffe pâtissière de restaurant", "chef patissier de restaurant"),
        (
            "Monteur électricien / Monteuse électricienne travaux souterrains",
            "monteur electricien travaux souterrains",
        ),  # fmt: skip
        (
            "Agent d'entretien maintenance polyvalent / Agente d'entretien maintenance polyvalente "
            "en collectivité",
            "agent d entretien maintenance polyvalent en collectivite",
        ),  # fmt: skip
        ("Accastilleur-gréeur / Accastilleuse-gréeuse", "accastilleur greeur"),
        ("Ambassadeur / Ambassadrice du tri", "ambassadeur du tri"),
        ("Moniteur-éducateur / Monitrice-éducatrice", "moniteur educateur"),
        # a slash between two different words is kept as two words
        ("Vitrerie / Vitres", "vitrerie vitres"),
        ("Plombier / Chauffagiste", "plombier chauffagiste"),
        ("Electricité / Electronique", "electricite electronique"),
        # letters, apostrophes, punctuation
        ("Œuvre", "oeuvre"),
        ("Cœur de métier", "coeur de metier"),
        ("L''Agent de nettoyage", "l agent de nettoyage"),
        ("aide-soignant(e)", "aide soignant"),
        ("  Agent   d'accueil  ", "agent d accueil"),
        ("permis B/E", "permis b e"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_fold_text(text, expected):
    assert fold_text(pd.Series([text], dtype=object)).iloc[0] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("caces 1", "caces r489 cat 1"),
        ("cariste cat 1", "cariste caces r489 cat 1"),
        ("caces r489 cat 3", "caces r489 cat 3"),
        ("caces r 389 categorie 3", "caces r489 cat 3"),
        ("caces 1 3 et 5", "caces r489 cat 1 caces r489 cat 3 caces r489 cat 5"),
        ("cat 5", "caces r489 cat 5"),
        ("caces r486 cat b", "caces r486 cat b"),
        ("caces r372", "caces r482"),
        ("3 ans d experience", "3 ans d experience"),
        ("permis b", "permis b"),
    ],
)
def test_canonical_jargon(text, expected):
    assert canonical_jargon(pd.Series([text])).iloc[0] == expected


@pytest.mark.parametrize(
    "a, b",
    [
        ("CACES 1", "cariste cat.1"),
        ("CACES R489 cat 3", "caces R 389 catégorie 3"),
        ("CACES 3", "Cariste cat. 3"),
        ("Agent(e) de propreté H/F", "agent de propreté"),
        ("Cuisinière", "cuisinier"),
        ("Vendeuse", "VENDEUR"),
        ("Préparatrice de commandes", "préparateur de commandes"),
        ("Conseillère", "conseiller"),
        ("Aide-soignante", "aide soignant"),
        ("Agents d'entretien", "agent d'entretien"),
        ("Employée polyvalente", "employé polyvalent"),
        ("Boulangère", "boulanger"),
        ("H0 B0", "habilitation électrique H0B0"),
        ("SSIAP1", "SSIAP 1"),
        ("Permis VL", "permis B"),
        ("PL", "permis C"),
    ],
)
def test_normalise_text_meets(a, b):
    """Spellings of the same thing give one normalised text (or one contains the other)."""
    na, nb = normalise_text(pd.Series([a, b]))
    assert na == nb or na in nb or nb in na, (na, nb)


def test_caces_1_and_cariste_cat_1_share_the_canonical_form():
    a, b = normalise_text(pd.Series(["CACES 1", "cariste cat.1"]))
    canonical = normalise_text(pd.Series(["caces r489 cat 1"])).iloc[0].split()[:4]
    assert a.split()[:4] == canonical
    assert " ".join(canonical) in b


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Aide à domicile - ADVF", "aid domicil assist vie famill"),
        ("ASH", "agent servic hospitali"),
        ("Agent de propreté et d'hygiène", "agent propret hygien"),
        ("Conduite de chariot élévateur", "conduit chariot elev"),
        ("technicien de surface", "agent nettoyag propret"),
        ("les vitres et les sols", "vitr sol"),
    ],
)
def test_normalise_text(text, expected):
    assert normalise_text(pd.Series([text])).iloc[0] == expected


@pytest.mark.parametrize(
    "cells, expected",
    [
        # A CACES category, a recommendation number or "6 mois" is read within its cell only.
        (
            ["Conduite de transpalette (CACES R485)", "1 an préparateur"],
            "conduit transpalet cac r485 gerbeur transpalet conducteur accompagn 1 an prepar",
        ),
        (["Cariste", "5 ans d'expérience"], "carist conduit chariot elev 5 ans experient"),
        # Within a cell, as before: both categories, each expanded.
        (
            ["CACES R489 1 3", ""],
            "cac r489 cat 1 transpalet gerbeur conducteur port "
            "cac r489 cat 3 conduit chariot elev frontal",
        ),
        # Listed twice, counted twice; lists joined by ", "; missing cells leave no trace.
        (["Agent(e) d'entretien", "Agent(e) d'entretien"], "agent entretien agent entretien"),
        ([["ASH", "plonge"], None], "agent servic hospitali plongeur vaissel"),
        ([None, None], ""),
    ],
)
def test_normalise_columns(cells, expected):
    frame = pd.DataFrame([cells], columns=["a", "b"], dtype=object)
    assert normalise_columns(frame, ["a", "b"]).iloc[0] == expected


def test_normalise_columns_is_the_joined_text_normalised_when_no_pattern_spans_two_cells():
    """Cell by cell, the same words as the joined text (columns repeated, one missing), and
    a category that the joined text would invent across two cells is not."""
    frame = pd.DataFrame(
        {
            "title": ["Cuisinier/ère", "Agent(e) de propreté H/F", None, "Cariste"],
            "skills": [["HACCP", "plonge"], "Vitres, sols", "ASH", "Conduite (CACES R489)"],
            "experience": ["2 ans en EHPAD", None, "Ménage chez les particuliers", "3 mois"],
        },
        dtype=object,
    )
    columns = ["title", "title", "skills", "experience", "missing"]
    got = normalise_columns(frame, columns)
    joined = normalise_text(join_text(frame, columns))
    assert got.iloc[:3].tolist() == joined.iloc[:3].tolist()
    assert "cat 3" in joined.iloc[3] and "cat" not in got.iloc[3].split()
    assert got.iloc[3].endswith("cac r489 conduit chariot elev 3 mois")


@pytest.mark.parametrize(
    "word, expected",
    [
        ("cuisiniere", "cuisini"),
        ("cuisinier", "cuisini"),
        ("vendeuse", "vendeur"),
        ("vendeurs", "vendeur"),
        ("preparatrice", "prepar"),
        ("preparateur", "prepar"),
        ("preparation", "prepar"),
        ("sportive", "sportif"),
        ("b0", "b0"),
        ("r489", "r489"),
        ("cap", "cap"),
    ],
)
def test_stem_word(word, expected):
    assert stem_word(word) == expected


def test_stop_words_are_folded():
    words = stop_words()
    assert {"a", "etre", "ete", "de", "les"} <= words
    assert "être" not in words


@pytest.mark.parametrize(
    "cell, expected",
    [
        (
            "ménage; vitres, sols / tri\n- accueil\n• caisse, 3,5 t; Ménage",
            ["ménage", "vitres", "sols", "tri", "accueil", "caisse", "3,5 t"],
        ),
        ("cuisinier/ère, plonge", ["cuisinier", "plonge"]),
        ("Autolaveuse | monobrosse ▪ Vitres", ["Autolaveuse", "monobrosse", "Vitres"]),
        ("* tri des déchets\n* pesée", ["tri des déchets", "pesée"]),
        ("ménage - repassage - courses", ["ménage", "repassage", "courses"]),
        ("Ménage, MENAGE, ménage.", ["Ménage"]),
        ("Ménage, Menage", ["Ménage"]),  # accents ignored for duplicates
        ("", []),
        (None, []),
        ("a; ; b", []),  # one-letter pieces are noise
    ],
)
def test_split_skills(cell, expected):
    assert split_skills(pd.Series([cell], dtype=object)).iloc[0] == expected


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Agent / Agente d'entretien ; cariste", ["Agent d'entretien", "cariste"]),
        ("Cuisinier/ère ou commis", ["Cuisinier", "commis"]),
        ("Vendeur(se), caissier(ère)", ["Vendeur", "caissier"]),
        ("Maçon / Coffreur", ["Maçon", "Coffreur"]),
        ("Agent de propreté H/F", ["Agent de propreté"]),
    ],
)
def test_split_titles(cell, expected):
    assert split_titles(pd.Series([cell])).iloc[0] == expected


def test_input_series_is_not_modified():
    s = pd.Series(["Agent(e) H/F", None])
    before = s.copy()
    fold_text(s)
    normalise_text(s)
    split_skills(s)
    pd.testing.assert_series_equal(s, before)


@pytest.mark.skipif(not ROME_DIR.is_dir(), reason="../shared/data/rome-v460 absent")
def test_official_gendered_titles_collapse_to_one_form():
    """Every official title "Masculin / Féminin ..." loses its second form: no slash is left and
    the masculine and the feminine of one title normalise alike."""
    titles = pd.read_csv(
        ROME_DIR / "unix_referentiel_appellation_v460_utf8.csv", dtype=str, keep_default_na=False
    )["libelle_appellation_long"]
    gendered = titles[titles.str.contains(" / ", regex=False)]
    assert len(gendered) > 5000
    collapsed = collapse_gender(gendered)
    # Allowed to keep their slash: titles where the two sides are not gender forms.
    share = collapsed.str.contains("/", regex=False).mean()
    assert share < 0.02, collapsed[collapsed.str.contains("/")].head(20).tolist()
    # "Agent / Agente de X": the feminine side alone normalises like the whole title.
    simple = gendered[gendered.str.match(r"^\w+ / \w+ ", na=False)].head(500)
    feminine = simple.str.replace(r"^\w+ / ", "", regex=True)
    same = (normalise_text(simple) == normalise_text(feminine)).mean()
    assert same > 0.95


def test_cells_are_read_as_python_strings():
    """Lists joined by ", ", missing cells (None, NaN, NA) empty, other values as str; Python
    strings (object), not Arrow: the normaliser reads them one by one."""
    from matcher.text.normalise import cell_text

    column = pd.Series(["Cariste", None, np.nan, ["tri", "tri sélectif"], [], 3, 2.5, pd.NA, True],
                       dtype=object)  # fmt: skip
    out = cell_text(column)
    assert out.tolist() == ["Cariste", "", "", "tri, tri sélectif", "", "3", "2.5", "", "True"]
    assert out.dtype == object and out.index.equals(column.index)
