"""Offers and profiles as they really arrive (issue 12): France Travail's API answer as JSON,
JSON Lines, flattened to CSV or xlsx by pandas; les emplois de l'inclusion's exports; files that
mix INSEE and postal codes. Each file's parsed values are checked field by field."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from matcher import fields as F
from matcher.intake import importer as I
from matcher.intake import places
from matcher.intake.importer import import_file
from matcher.intake.lesemplois import REF_LABEL
from matcher.reference.geo import builtin_communes
from matcher.reference.referential import builtin_referential
from matcher.settings import Settings
from tests import realformats as R

TODAY = dt.date(2026, 11, 15)
KEY = b"test-key-for-pseudonyms-00000000"

OFFER_FILES = {
    "ft_api_resultats.json": R.api_json,
    "ft_api_liste.json": R.api_list,
    "ft_offres.jsonl": R.api_jsonl,
    "ft_offres_barre.csv": lambda: R.csv_bytes(sep="|"),
    "ft_offres_pointvirgule.csv": lambda: R.csv_bytes(sep=";"),
    "ft_offres_virgule.csv": lambda: R.csv_bytes(sep=","),
    "ft_offres_soulignes.csv": lambda: R.csv_bytes(sep="|", underscore=True),
    "ft_offres_cellules_json.csv": R.csv_json_cells,
    "ft_offres_pandas.xlsx": R.xlsx_bytes,
}
OTHER_FILES = [
    "ft_codes_mixtes.csv", "ft_corse.json", "ft_permis_es.json", "ft_code_contredit.json",
    "lesemplois_candidatures.xlsx", "lesemplois_candidatures_2021.csv", "profils_codes_insee.csv",
]  # fmt: skip


def test_corpus_has_at_least_fifteen_files():
    assert len(OFFER_FILES) + len(OTHER_FILES) >= 15


def base_name(insee: str) -> str:
    """The communes base's name of a commune (computed, not written by hand)."""
    table = builtin_communes()
    return table.loc[(table["code_insee"] == insee) & (table["how"] == "nom"), "nom"].iloc[0]


def offers(data: bytes, name: str, **kw) -> I.ImportResult:
    return import_file(data, name, "offers", today=TODAY, **kw)


def by_ref(result: I.ImportResult) -> dict[str, dict]:
    return {str(r[F.OFFER_REF]): r for r in result.frame.to_dict("records")}


# What each France Travail offer must give, field by field.
EXPECTED = {
    "201XKQT": {
        F.TITLE: "Conducteur / Conductrice de poids lourd (H/F)",
        F.EMPLOYER: "TRANSPORTS DE L'ARTOIS",
        F.ROME_CODE: "N4101",
        F.APPELLATION: "Conducteur / Conductrice de poids lourd",
        F.CONTRACT_TYPE: ["CDI"],
        F.WEEKLY_HOURS: 39.0,
        F.LICENCE_REQUIRED: ["CE"],
        F.LICENCE_DESIRED: None,
        F.SKILLS: {"Arrimer, sangler et bâcher une charge", "Contrôler l'état du véhicule"},
        F.SKILLS_DESIRED: {
            "Utiliser un chronotachygraphe",
            "Faire preuve de rigueur et de précision",
            "Faire preuve d'autonomie",
        },
        F.EXPERIENCE_REQUIRED: "Expérience exigée : 2 ans - en conduite de poids lourd",
        F.TRAINING_LEVEL: "CAP, BEP et équivalents – Transport routier (souhaité)",
        F.POSITIONS: 2,
        F.ALTERNANCE: False,
        F.ACCESSIBLE_TH: False,
        F.SECTOR: "Transports routiers de fret interurbains",
        F.PUBLISHED_ON: dt.date(2026, 11, 2),
        F.INSEE_CODE: "62119",
        F.POSTAL_CODE: "62400",
        F.GIVEN_LAT: 50.5301,
        F.GIVEN_LON: 2.6412,
        "commune_of": "62119",
        "schedule_has": "Horaires normaux",
        "contact_has": "recrutement@transports-artois.example",
    },
    "201XKQU": {
        F.CONTRACT_TYPE: ["CDD"],
        F.WEEKLY_HOURS: 24.0,
        F.LICENCE_REQUIRED: ["D"],
        F.LICENCE_DESIRED: ["DE"],
        F.SKILLS: {"Accueillir les voyageurs"},
        F.SKILLS_DESIRED: None,
        F.EXPERIENCE_REQUIRED: "Expérience souhaitée : 1 an",
        F.ACCESSIBLE_TH: True,
        F.INSEE_CODE: "62178",
        F.POSTAL_CODE: "62700",
        "commune_of": "62178",
        "schedule_has": "Travail samedi et dimanche",
    },
    "201XKQV": {
        F.CONTRACT_TYPE: ["CDDI"],
        F.WEEKLY_HOURS: 26.0,
        F.LICENCE_REQUIRED: None,
        F.LICENCE_DESIRED: ["B"],
        F.SKILLS: {"Nettoyer des sols, des surfaces"},
        F.SKILLS_DESIRED: {"Utiliser une autolaveuse"},
        F.EXPERIENCE_REQUIRED: "Débutant accepté",
        F.POSITIONS: 3,
        F.INSEE_CODE: "62617",
        "commune_of": "62617",
    },
    "201XKQW": {
        F.CONTRACT_TYPE: ["CDD", "alternance"],
        F.WEEKLY_HOURS: 35.0,
        F.ALTERNANCE: True,
        F.TRAINING_LEVEL: "Bac ou équivalent – Commerce (exigé)",
        F.LANGUAGES: "Anglais (souhaité)",
        F.INSEE_CODE: "62041",
        "commune_of": "62041",
    },
    "201XKQX": {
        F.CONTRACT_TYPE: ["saisonnier"],
        F.INSEE_CODE: "2A004",
        F.POSTAL_CODE: "20000",
        F.GIVEN_LAT: 41.9192,
        "commune_of": "2A004",
        "schedule_has": "Travail de nuit",
    },
    "201XKQY": {
        F.CONTRACT_TYPE: ["indépendant"],
        F.WEEKLY_HOURS: 35.0,
        F.EXPERIENCE_REQUIRED: "Expérience exigée : 3 ans",
        F.INSEE_CODE: "59178",
        "commune_of": "59178",
    },
}


def _check_offer(ref: str, row: dict) -> None:
    for fld, want in EXPECTED[ref].items():
        if fld == "commune_of":
            assert row[F.COMMUNE] == base_name(want), (ref, row[F.COMMUNE])
        elif fld == "schedule_has":
            assert want in row[F.SCHEDULE], (ref, row[F.SCHEDULE])
        elif fld == "contact_has":
            assert want in row[F.EMPLOYER_CONTACT], (ref, row[F.EMPLOYER_CONTACT])
        elif isinstance(want, set):
            assert isinstance(row[fld], list), (ref, fld, row[fld])
            assert set(row[fld]) == want, (ref, fld, row[fld])
        elif isinstance(want, float):
            assert float(row[fld]) == pytest.approx(want), (ref, fld, row[fld])
        elif fld == F.POSITIONS:
            assert int(row[fld]) == want, (ref, fld, row[fld])
        else:
            assert row[fld] == want, (ref, fld, row[fld])


@pytest.mark.parametrize("name", list(OFFER_FILES))
def test_france_travail_offer_file(name):
    result = offers(OFFER_FILES[name](), name)
    report = result.report
    assert report.source_format == "offres France Travail (API Offres d'emploi v2)", name
    assert report.rows_read == 6 and report.rows_imported == 6, report.summary_lines()
    rows = by_ref(result)
    assert set(rows) == set(EXPECTED)
    for ref in EXPECTED:
        _check_offer(ref, rows[ref])
    # Nothing split on commas, no code stored as a commune's name, no structured fragment left.
    for row in rows.values():
        assert not str(row[F.COMMUNE]).isdigit()
        for fld in (F.SKILLS, F.SKILLS_DESIRED, F.SCHEDULE, F.LICENCE_REQUIRED):
            assert "{'" not in str(row[fld]) and '{"' not in str(row[fld]), (fld, row[fld])
    assert report.reinterpreted[I.R_STRUCTURED] > 0
    assert report.reinterpreted[I.R_ROME] == 6
    assert report.reinterpreted[I.R_SKILLS_DESIRED] == 2  # 201XKQT, 201XKQV
    assert report.reinterpreted[I.R_LICENCE_DESIRED] == 2  # 201XKQU (DE), 201XKQV (B)
    assert report.reinterpreted[places.R_COORDS] == 2
    assert not report.places_not_found
    text = "\n".join(report.summary_lines())
    assert "Format reconnu : offres France Travail" in text
    assert "jamais coupée(s) aux virgules" in text


def test_json_records_are_numbered_by_record_and_jsonl_by_line():
    bad = dict(R.CLEANER, intitule=None)
    result = offers(R.api_jsonl([R.DRIVER_CE, bad]), "x.jsonl")
    assert [(r.row, r.reason) for r in result.report.rejections] == [(2, "intitulé du poste vide")]
    result = offers(R.api_json([R.DRIVER_CE, bad]), "x.json")
    assert [r.row for r in result.report.rejections] == [2]


def test_codes_mixed_between_columns():
    result = offers(R.mixed_codes_csv(), "ft_codes_mixtes.csv")
    rows = by_ref(result)
    assert rows["301A"][F.COMMUNE] == base_name("62119")
    assert rows["301A"][F.INSEE_CODE] == "62119"
    # A postal code in the INSEE column goes to the postal code.
    # (most postal codes of the Pas-de-Calais are also INSEE codes of some commune: 62000 is not)
    assert rows["301B"][F.POSTAL_CODE] == "62000"
    assert rows["301B"][F.INSEE_CODE] is None  # 62000 serves several communes: none named
    # An INSEE code in the postal column goes to the INSEE code.
    assert rows["301C"][F.INSEE_CODE] == "62617" and rows["301C"][F.POSTAL_CODE] is None
    assert rows["301D"][F.COMMUNE] == base_name(rows["301D"][F.INSEE_CODE])
    assert rows["301D"][F.INSEE_CODE].startswith("07")
    r = result.report.reinterpreted
    assert r["code postal écrit dans la colonne du code INSEE"] == 1
    assert r["code INSEE écrit dans la colonne du code postal"] == 1
    assert r[places.R_LABEL] == 1
    assert [(f.row, f.reason) for f in result.report.places_not_found] == [
        (6, "lieu « 62 - Pas-de-Calais » : un département, pas une commune")
    ]
    assert rows["301E"][F.COMMUNE] == "62 - Pas-de-Calais"  # kept as written, reported


def test_corsican_codes():
    result = offers(R.corsica_json(), "ft_corse.json")
    rows = by_ref(result)
    assert rows["401A"][F.INSEE_CODE] == "2A004"
    assert rows["401B"][F.INSEE_CODE] == "2B033"
    assert rows["401B"][F.COMMUNE] == base_name("2B033")
    assert rows["401C"][F.INSEE_CODE] == "2A004"  # written 20004, the numbering before 1976
    assert rows["401C"][F.COMMUNE] == base_name("2A004")
    assert result.report.reinterpreted["code INSEE corse écrit 20xxx, lu 2A/2B"] == 1
    assert not result.report.places_not_found


def test_required_and_desired_licences_and_skills():
    result = offers(R.licences_json(), "ft_permis_es.json")
    rows = by_ref(result)
    assert rows["501A"][F.LICENCE_REQUIRED] == ["CE"]
    assert rows["501A"][F.LICENCE_DESIRED] == ["C1E"]
    assert rows["501B"][F.LICENCE_REQUIRED] == ["DE"]
    assert rows["501C"][F.LICENCE_REQUIRED] is None  # a CACES is not a driving licence
    assert rows["501C"][F.LICENCE_DESIRED] == ["B"]
    assert rows["501C"][F.SKILLS] == ["Charger, décharger, manutentionner", "CACES R489 cat. 3"]
    assert rows["501C"][F.SKILLS_DESIRED] == ["Gestes et postures, port de charges"]
    assert result.report.reinterpreted[I.R_CACES] == 1
    assert not result.report.flags


def test_official_code_checked_against_title():
    result = offers(R.contradicted_code_json(), "ft_code_contredit.json",
                    referential=builtin_referential())  # fmt: skip
    checks = result.report.code_checks
    assert [c.row for c in checks] == [1]
    assert "N4101" in checks[0].reason and "Agent d'entretien" in checks[0].reason
    assert by_ref(result)["601A"][F.ROME_CODE] == "N4101"  # the file's code is kept


def profiles(data: bytes, name: str, **kw) -> I.ImportResult:
    return import_file(data, name, "profiles", today=TODAY, pseudonym_key=KEY, **kw)


def test_lesemplois_export():
    result = profiles(R.lesemplois_xlsx(), "candidatures.xlsx")
    report = result.report
    assert report.source_format == "export des candidatures des emplois de l'inclusion"
    assert report.rows_read == 4 and report.rows_imported == 3
    assert [(r.row, r.reason) for r in report.rejections] == [
        (4, "autre candidature de la même personne (ligne 2) : ses métiers sont regroupés "
            "sur cette ligne")]  # fmt: skip
    frame = result.frame
    assert frame[F.PROFILE_REF].str.fullmatch(r"LE-[0-9A-F]{10}").all()
    assert frame[F.PROFILE_REF].is_unique
    alpha, beta, gamma = frame.to_dict("records")
    assert (
        alpha[F.TARGET_JOBS] == "Agent / Agente d'entretien de locaux ; Laveur / Laveuse de vitres"
    )
    assert gamma[F.TARGET_JOBS] is None  # "Candidature spontanée" names no job
    assert alpha[F.COMMUNE] == "Béthune" and alpha[F.POSTAL_CODE] == "62400"
    assert beta[F.POSTAL_CODE] == "62700" and beta[F.INSEE_CODE] == "62178"
    assert set(frame[F.STRUCTURE]) == {"EI ARTOIS PROPRETÉ"}
    for label in (
        "Nom candidat",
        "Prénom candidat",
        "Email candidat",
        "Téléphone candidat",
        "Date de naissance candidat",
        "Numéro PASS IAE",
        "Civilité candidat",
    ):
        assert label in report.dropped_columns, label
    stored = frame.astype(str).to_string()
    for secret in ("TESTNOM", "Alpha", "alpha@example.org", "0600000001", "1990", "999992612345"):
        assert secret not in stored
    # The same key gives the same references: a re-import updates the same people.
    again = profiles(R.lesemplois_xlsx(), "candidatures.xlsx").frame
    assert list(again[F.PROFILE_REF]) == list(frame[F.PROFILE_REF])
    other = import_file(R.lesemplois_xlsx(), "c.xlsx", "profiles", pseudonym_key=b"other").frame
    assert not set(other[F.PROFILE_REF]) & set(frame[F.PROFILE_REF])
    assert REF_LABEL in report.mapping


def test_lesemplois_csv_export_of_2021():
    result = profiles(R.lesemplois_csv_2021(), "candidatures_2021.csv")
    assert result.report.source_format.startswith("export des candidatures")
    assert result.report.rows_imported == 2
    rows = result.frame.to_dict("records")
    assert [r[F.TARGET_JOBS] for r in rows] == [
        "Agent / Agente d'entretien de locaux",
        "Conducteur / Conductrice de poids lourd",
    ]
    assert "Numéro Pass IAE" in result.report.dropped_columns


def test_profiles_with_insee_codes():
    result = profiles(R.profiles_insee_csv(), "profils_codes_insee.csv")
    rows = {r[F.PROFILE_REF]: r for r in result.frame.to_dict("records")}
    assert rows["P-01"][F.COMMUNE] == base_name("62119")
    assert rows["P-02"][F.LICENCE] == ["CE"]
    assert rows["P-03"][F.LICENCE] == ["D", "DE"]
    assert rows["P-03"][F.INSEE_CODE] == "62617"
    assert rows["P-04"][F.POSTAL_CODE] == "62000"  # moved out of the INSEE column
    assert rows["P-04"][F.INSEE_CODE] is None
    assert not result.report.places_not_found


def test_far_offers_are_reported():
    people = profiles(R.profiles_insee_csv(), "p.csv").frame
    result = offers(R.api_json(), "ft.json", others=people)
    warnings = " ".join(result.report.warnings)
    assert "1 offre(s) à plus de 80 km de chacun des personnes importées (lignes 5)" in warnings
    corsica = offers(R.corsica_json(), "corse.json", others=people)
    assert any("autre région" in w for w in corsica.report.warnings)


def test_matching_on_france_travail_offers():
    """Distances known for every offer with a place, licences DE/CE right, desired licence a
    preference said "souhaité", no structured fragment in any reason."""
    from matcher import rank

    offer_frame = offers(R.api_json(R.TERRITORY_OFFERS), "ft.json").frame
    people = pd.DataFrame([
        {F.PROFILE_REF: "CE-1", F.STRUCTURE: "S", F.TARGET_JOBS: "Chauffeur poids lourd",
         F.COMMUNE: "Béthune", F.LICENCE: ["CE"]},
        {F.PROFILE_REF: "C-1", F.STRUCTURE: "S", F.TARGET_JOBS: "Chauffeur poids lourd",
         F.COMMUNE: "Beuvry", F.POSTAL_CODE: "62660", F.LICENCE: ["C"]},
        {F.PROFILE_REF: "D-1", F.STRUCTURE: "S", F.TARGET_JOBS: "Conducteur d'autocar",
         F.INSEE_CODE: "62178", F.LICENCE: ["D"]},
        {F.PROFILE_REF: "DE-1", F.STRUCTURE: "S", F.TARGET_JOBS: "Conducteur d'autocar",
         F.COMMUNE: "Bruay-la-Buissière", F.LICENCE: ["DE"]},
        {F.PROFILE_REF: "B-1", F.STRUCTURE: "S", F.TARGET_JOBS: "Agent d'entretien",
         F.COMMUNE: "Noeux-les-Mines", F.LICENCE: ["aucun"]},
    ])  # fmt: skip
    settings = Settings()
    top = rank(offer_frame, people, settings, top_k=10)
    assert top[F.DISTANCE_KM].notna().all()
    reasons = {(o, p): r for o, p, r in zip(top[F.OFFER_REF], top[F.PROFILE_REF], top[F.REASONS],
                                             strict=True)}  # fmt: skip
    for sentences in reasons.values():
        assert not any("{'" in s or '{"' in s for s in sentences)
    # CE offer: a CE holder fits, a C holder lacks the licence.
    ce = "201XKQT"
    if (ce, "CE-1") in reasons:
        assert not any("permis" in s and "non détenu" in s for s in reasons[(ce, "CE-1")])
    if (ce, "C-1") in reasons:
        assert any("Attention : permis CE demandé, non détenu" in s for s in reasons[(ce, "C-1")])
    # Coach offer: D required, DE only desired.
    d = "201XKQU"
    assert any(s == "Permis DE souhaité (non exigé) : non détenu" for s in reasons[(d, "D-1")])
    assert not any("Attention : permis" in s for s in reasons[(d, "D-1")])
    assert any(s == "Permis DE souhaité : détenu" for s in reasons[(d, "DE-1")])
    assert not any("Attention : permis" in s for s in reasons[(d, "DE-1")])
