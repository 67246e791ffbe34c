"""Column mapping: the sample files' headers as their README documents them, headers never seen
in the samples (synonyms, word order, typos), conflicts, user overrides, the synonyms file."""

import re
from collections import defaultdict

import pytest

from matcher import fields as F
from matcher.errors import UserError
from matcher.intake.mapping import (
    FIELD_LABELS,
    IGNORE,
    SYNONYMS_FILE,
    header_words,
    map_columns,
    synonym_index,
)
from matcher.intake.privacy import forbidden_kind
from matcher.intake.readers import read_file
from matcher.text.fold import fold

from .conftest import SAMPLE_DIR


def _readme_tables() -> dict[str, dict[str, str | None]]:
    """file -> {column as written: canonical field or None}, from data/sample/README.md."""
    tables: dict[str, dict[str, str | None]] = {}
    current = None
    for line in (SAMPLE_DIR / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"### (\S+\.(?:xlsx|csv))", line)
        if m:
            current = m[1]
            tables[current] = {}
            continue
        m = re.match(r"\| `([^`]+)` \| (?:`([a-z_]+)`|—)", line)
        if current and m:
            tables[current][m[1]] = m[2]
    return tables


README = _readme_tables()


def test_readme_lists_every_sample_file():
    assert len(README) == 10 and all(len(cols) >= 14 for cols in README.values())


@pytest.mark.parametrize("name", sorted(README))
def test_sample_headers_mapped_as_documented(name):
    kind = "offers" if name.startswith("offres") else "profiles"
    path = SAMPLE_DIR / name
    table = read_file(path.read_bytes(), name).tables[0]
    assert list(table.frame.columns) == list(README[name])
    labels = [x for x in table.frame.columns if not (kind == "profiles" and forbidden_kind(x))]
    mapping = map_columns(labels, kind)
    expected = {k: v for k, v in README[name].items() if v is not None}
    assert mapping.columns == expected
    # Columns documented without a field are personal data (dropped) or remarks (not imported).
    for label, fld in README[name].items():
        if fld is None:
            assert label not in mapping.columns


# Headers that appear in no sample file and are not written as such in the synonyms file: they
# are found through word order, small words, abbreviations, plurals, containment and typos.
UNSEEN = [
    ("offers", "Intitulé du poste proposé (H/F)", F.TITLE),
    ("offers", "INTITULE POSTE", F.TITLE),
    ("offers", "Intitullé du poste", F.TITLE),
    ("offers", "Nom de la société recruteuse", F.EMPLOYER),
    ("offers", "Raison sociale de l'employeur", F.EMPLOYER),
    ("offers", "Ville du lieu de travail", F.COMMUNE),
    ("offers", "Vile", F.COMMUNE),
    ("offers", "Code postal du site", F.POSTAL_CODE),
    ("offers", "Nbre de postes à pourvoir", F.POSITIONS),
    ("offers", "Nombre de poste(s) ouvert(s)", F.POSITIONS),
    ("offers", "Type de contrat proposé (CDI, CDD...)", F.CONTRACT_TYPE),
    ("offers", "Durée hebdomadaire du travail (heures)", F.WEEKLY_HOURS),
    ("offers", "Date de début du contrat", F.START_DATE),
    ("offers", "Date prévue de démarrage", F.START_DATE),
    ("offers", "Compétences techniques attendues", F.SKILLS),
    ("offers", "Competances requises", F.SKILLS),
    ("offers", "Descriptif des missions", F.DESCRIPTION),
    ("offers", "Permis de conduire exigé ?", F.LICENCE_REQUIRED),
    ("offers", "Expérience professionnelle demandée", F.EXPERIENCE_REQUIRED),
    ("offers", "Code ROME (si connu)", F.ROME_CODE),
    ("offers", "Entreprise située en QPV ?", F.QPV),
    ("offers", "Coordonnées du recruteur", F.EMPLOYER_CONTACT),
    ("offers", "Horaires et contraintes", F.SCHEDULE),
    ("offers", "N° de l'offre", F.OFFER_REF),
    ("profiles", "Identifiant anonyme du participant", F.PROFILE_REF),
    ("profiles", "Numéro de dossier individuel", F.PROFILE_REF),
    ("profiles", "Conseiller(ère) référent(e)", F.COUNSELLOR),
    ("profiles", "Nom de la conseillère", F.COUNSELLOR),
    ("profiles", "Métiers recherchés (3 max)", F.TARGET_JOBS),
    ("profiles", "Projet professionnel validé", F.TARGET_JOBS),
    ("profiles", "Savoir-faire repérés en situation de travail", F.SKILLS),
    ("profiles", "Formations / habilitations obtenues", F.TRAINING),
    ("profiles", "Niveau de diplôme", F.TRAINING),
    ("profiles", "Commune d'habitation du participant", F.COMMUNE),
    ("profiles", "Code postal (5 chiffres)", F.POSTAL_CODE),
    ("profiles", "Rayon de mobilité en km", F.MOBILITY_KM),
    ("profiles", "Moyens de locomotion disponibles", F.TRANSPORT),
    ("profiles", "Type(s) de contrat accepté(s)", F.CONTRACT_TYPES),
    ("profiles", "Temps de travail recherché (h/semaine)", F.WANTED_HOURS),
    ("profiles", "Horaires impossibles / contraintes", F.AVAILABILITY),
    ("profiles", "Date de disponibilité prévue", F.AVAILABLE_FROM),
    ("profiles", "Codes ROME ciblés", F.ROME_CODES),
    ("profiles", "Structure d'insertion (SIAE)", F.STRUCTURE),
]


@pytest.mark.parametrize("kind, label, expected", UNSEEN)
def test_headers_not_in_the_samples(kind, label, expected):
    index = synonym_index(kind)
    assert fold(label) not in index.by_folded  # not a synonym as written
    mapping = map_columns([label], kind)
    assert mapping.columns == {label: expected}, mapping.how


@pytest.mark.parametrize(
    "kind, label",
    [("offers", "Salaire brut mensuel"), ("offers", "SIRET"), ("offers", "Remarques diverses"),
     ("profiles", "Date d'entrée dans la structure"), ("offers", "Colonne X"),
     ("profiles", "Prescripteur")],
)  # fmt: skip
def test_known_columns_without_use_are_not_mistaken(kind, label):
    assert map_columns([label], kind).columns == {}


def test_one_column_per_field_and_the_closest_wins():
    m = map_columns(["Poste", "Intitulé du poste", "Ville", "Commune"], "offers")
    assert m.columns == {"Intitulé du poste": F.TITLE, "Ville": F.COMMUNE}
    assert "Poste" in m.unmapped and "déjà fourni par « Intitulé du poste »" in m.notes["Poste"]
    assert "déjà fourni par « Ville »" in m.notes["Commune"]


def test_list_like_fields_gather_several_columns():
    m = map_columns(
        ["ID", "Compétence 1", "Compétence 2", "Compétence 3", "Métier visé"], "profiles"
    )
    assert m.by_field()[F.SKILLS] == ["Compétence 1", "Compétence 2", "Compétence 3"]
    assert m.columns["Métier visé"] == F.TARGET_JOBS


def test_overrides_by_label_folded_label_letter_and_french_field_name():
    labels = ["Libellé", "Lieu", "Zone", "Remarques"]
    letters = {"Libellé": "A", "Lieu": "B", "Zone": "C", "Remarques": "D"}
    m = map_columns(
        labels,
        "offers",
        {"libelle": "title", "C": "code postal", "Lieu": "ignorer", "Remarques": "description"},
        letters=letters,
    )
    assert m.columns == {"Libellé": F.TITLE, "Zone": F.POSTAL_CODE, "Remarques": F.DESCRIPTION}
    assert m.how["Libellé"] == "choisi par l'utilisateur"
    assert "Lieu" in m.unmapped


def test_unknown_field_in_override_lists_the_fields():
    with pytest.raises(UserError, match=r"champ « salaire » inconnu pour les offres.*title"):
        map_columns(["Libellé"], "offers", {"Libellé": "salaire"})


def test_two_columns_forced_into_one_field_is_refused():
    with pytest.raises(UserError, match="vont toutes deux dans le champ intitulé du poste"):
        map_columns(["A", "B"], "offers", {"A": "title", "B": "title"})


def test_header_words():
    assert header_words("Nbre de poste(s)") == ("nombr", "post")
    assert header_words("Métier(s) visé(s)") == ("metier", "vise")
    assert header_words("N° d'offre") == ("numero", "offr")


def test_synonyms_file_is_consistent():
    """Every synonym maps to its own field, and no text means two fields of one kind."""
    text = SYNONYMS_FILE.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "type;champ;synonyme;exact"
    for kind in ("offers", "profiles"):
        index = synonym_index(kind)
        seen: dict[str, set[str]] = defaultdict(set)
        for s in index.synonyms:
            seen[s.folded].add(s.field)
        clashes = {k: v for k, v in seen.items() if len(v) > 1}
        assert not clashes, clashes
        for s in index.synonyms:
            if s.field == IGNORE:
                continue
            assert map_columns([s.text], kind).columns == {s.text: s.field}, s
    assert set(FIELD_LABELS) == set(F.OFFER_FIELDS) | set(F.PROFILE_FIELDS)


def test_every_field_has_several_synonyms():
    for kind, fields in (("offers", F.OFFER_FIELDS), ("profiles", F.PROFILE_FIELDS)):
        have = synonym_index(kind).fields()
        for fld in fields:
            assert len(have[fld]) >= 4, (kind, fld)
