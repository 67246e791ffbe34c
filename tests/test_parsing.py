"""Value parsers: table-driven cases (input, expected) and property-based tests (hypothesis)."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.fields import Contract
from matcher.intake import parsing

TODAY = dt.date(2026, 10, 15)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("01/02/2024", dt.date(2024, 2, 1)),  # day first, never 2 January
        ("1/2/24", dt.date(2024, 2, 1)),
        ("01-02-2024", dt.date(2024, 2, 1)),
        ("01.02.2024", dt.date(2024, 2, 1)),
        ("2024-02-01", dt.date(2024, 2, 1)),
        ("2024-02-01 00:00:00", dt.date(2024, 2, 1)),
        ("45323", dt.date(2024, 2, 1)),  # Excel serial number
        ("45323.0", dt.date(2024, 2, 1)),
        ("1er décembre 2026", dt.date(2026, 12, 1)),
        ("lundi 3 novembre 2026", dt.date(2026, 11, 3)),
        ("janv. 2027", dt.date(2027, 1, 1)),
        ("01/2027", dt.date(2027, 1, 1)),
        ("mi-janvier 2027", dt.date(2027, 1, 15)),
        ("fin février 2028", dt.date(2028, 2, 29)),
        # Without a year: the next such date after TODAY (15/10/2026).
        ("début février", dt.date(2027, 2, 1)),
        ("6 février", dt.date(2027, 2, 6)),
        ("1er décembre", dt.date(2026, 12, 1)),
        ("fin novembre", dt.date(2026, 11, 30)),
        ("12/03", dt.date(2027, 3, 12)),
        # Sentences holding one date.
        ("fin de contrat le 28/11/2026", dt.date(2026, 11, 28)),
        ("après sa formation (janvier)", dt.date(2027, 1, 1)),
        ("disponible en mars 2027", dt.date(2027, 3, 1)),
        ("dès que possible", None),
        ("immédiate", None),
        ("Disponible", None),
    ],
)
def test_dates(text, expected):
    assert parsing.parse_date_text(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["31/02/2026", "bientôt", "n'importe quoi", "01/13/2026", "le 3 et le 5/12/2026", "12345"],
)
def test_dates_that_cannot_be_read(text):
    with pytest.raises(ValueError):
        parsing.parse_date_text(text, TODAY)


def test_dates_series_flags_failures():
    values, failed = parsing.parse_dates(pd.Series(["01/12/2026", "n'importe quoi", None]), TODAY)
    assert values.tolist() == [dt.date(2026, 12, 1), None, None]
    assert failed.tolist() == [False, True, False]


@pytest.mark.parametrize(
    "text, expected",
    [("62400", "62400"), ("1000", "01000"), ("62 400", "62400"), ("Béthune 62400", "62400"),
     ("62400.0", "62400"), ("F-62400", "62400"), ("62408 Béthune Cedex", "62408"),
     ("97400", "97400"), ("20000", "20000")],
)  # fmt: skip
def test_postal_codes(text, expected):
    assert parsing.parse_postal_code_text(text) == expected


@pytest.mark.parametrize("text", ["00100", "99999", "Béthune", "624", "62400 ou 62700"])
def test_postal_codes_refused(text):
    with pytest.raises(ValueError):
        parsing.parse_postal_code_text(text)


@pytest.mark.parametrize(
    "text, expected",
    [("35h", 35.0), ("35 h", 35.0), ("35H00", 35.0), ("35h30", 35.5), ("24 h/sem", 24.0),
     ("temps plein", 35.0), ("mi-temps", 17.5), ("20 à 26h", 23.0), ("26,5", 26.5),
     ("151,67 h/mois", 35.0), ("1607h annualisées", 35.0), ("35h annualisées", 35.0),
     ("80 %", 28.0), ("4/5e", 28.0), ("temps partiel", 24.0), ("temps partiel 24h", 24.0),
     ("indifférent", None), ("temps plein ou partiel", None), ("39h", 39.0)],
)  # fmt: skip
def test_hours(text, expected):
    assert parsing.parse_hours_text(text) == expected


@pytest.mark.parametrize("text", ["70h", "beaucoup", "0h"])
def test_hours_refused(text):
    with pytest.raises(ValueError):
        parsing.parse_hours_text(text)


@pytest.mark.parametrize(
    "text, expected",
    [("10 km", 10.0), ("15kms", 15.0), ("25 km max", 25.0), ("permis B + voiture", None),
     ("bus uniquement", None), ("20", 20.0), ("10 à 15 km", 15.0), ("5-10", 10.0),
     ("Béthune + 20 km", 20.0), ("non mobile", None), ("12,5 km", 12.5)],
)  # fmt: skip
def test_km(text, expected):
    assert parsing.parse_km_text(text) == expected


@pytest.mark.parametrize("text", ["30 min", "1h de trajet", "900 km"])
def test_km_refused(text):
    with pytest.raises(ValueError):
        parsing.parse_km_text(text)


@pytest.mark.parametrize(
    "text, expected",
    [("B", ["B"]), ("Permis B", ["B"]), ("oui", ["B"]), ("non", ["aucun"]),
     ("en cours", ["en cours"]), ("code obtenu", ["en cours"]), ("permis à obtenir", ["en cours"]),
     ("permis B + voiture", ["B"]), ("B, C", ["B", "C"]), ("VL", ["B"]), ("PL", ["C"]),
     ("C1E", ["C1E"]), ("Permis poids lourd", ["C"]), ("B obtenu, C en cours", ["B"]),
     ("pas nécessaire", ["aucun"]), ("Permis B souhaité", ["aucun"]), ("suspendu", ["aucun"]),
     ("Permis B obligatoire", ["B"]), ("B exigé", ["B"]), ("Permis A", ["A"]), ("C", ["C"]),
     ("pas de permis", ["aucun"])],
)  # fmt: skip
def test_licences(text, expected):
    assert parsing.parse_licences_text(text) == expected


@pytest.mark.parametrize("text", ["CACES 3", "bus", "je ne sais pas"])
def test_licences_refused(text):
    with pytest.raises(ValueError):
        parsing.parse_licences_text(text)


ALL = [
    c.value for c in Contract if c is not Contract.SELF_EMPLOYED
]  # "tout contrat": job contracts


@pytest.mark.parametrize(
    "text, expected",
    [("CDD 6 mois", ["CDD"]), ("CDDI", ["CDDI"]), ("CDD insertion", ["CDDI"]),
     ("CDI/CDD", ["CDI", "CDD"]), ("Intérim", ["intérim"]), ("mission", ["intérim"]),
     ("contrat PEC", ["contrat aidé"]), ("CUI-CAE", ["contrat aidé"]),
     ("Alternance", ["alternance"]), ("contrat de pro", ["alternance"]),
     ("Contrat de professionnalisation", ["alternance"]), ("apprentissage", ["alternance"]),
     ("saisonnier", ["saisonnier"]), ("PMSMP", ["stage/PMSMP"]),
     ("CDI intérimaire", ["CDI", "intérim"]), ("pas de CDD, CDI ok", ["CDI"]),
     ("tout contrat", ALL), ("tout sauf intérim", [c for c in ALL if c != "intérim"])],
)  # fmt: skip
def test_contracts(text, expected):
    assert parsing.parse_contracts_text(text) == expected


@pytest.mark.parametrize("text", ["temps partiel", "freelance", "??"])
def test_contracts_refused(text):
    with pytest.raises(ValueError):
        parsing.parse_contracts_text(text)


@pytest.mark.parametrize(
    "text, expected",
    [("oui", True), ("OUI", True), ("Oui.", True), ("x", True), ("non", False), ("N", False),
     ("NC", None), ("?", None), ("à voir", None)],
)  # fmt: skip
def test_yes_no(text, expected):
    assert parsing.parse_yes_no_text(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [("oui", "oui"), ("X", "oui"), ("QPV", "oui"), ("non", "non"), ("Hors QPV", "non"),
     ("Mont-Liébaut", "Mont-Liébaut"), ("QPV - Mont-Liébaut", "Mont-Liébaut"), ("NC", None)],
)  # fmt: skip
def test_qpv(text, expected):
    assert parsing.parse_qpv_text(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("2", 2), ("2 postes", 2), ("deux", 2), ("2 à 3", 2), ("2.0", 2), ("0", 0)],
)
def test_positions(text, expected):
    assert parsing.parse_int_text(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("1 234,5", 1234.5), ("1\u00a0234,5", 1234.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5),
     ("12,5", 12.5), ("-3", -3.0)],
)  # fmt: skip
def test_numbers(text, expected):
    assert parsing.parse_number_text(text) == expected


@pytest.mark.parametrize(
    "text, nights, weekends",
    [("travail le samedi", None, True), ("pas de week-end", None, False),
     ("nuit impossible", False, None), ("horaires de nuit", True, None)],
)  # fmt: skip
def test_schedule_flags(text, nights, weekends):
    flags = parsing.schedule_flags_text(text)
    assert flags["nights"] is nights
    assert flags["weekends"] is weekends


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------
@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_round_trip(d):
    assert parsing.parse_date_text(d.strftime("%d/%m/%Y"), TODAY) == d
    assert parsing.parse_date_text(d.strftime("%d-%m-%Y"), TODAY) == d
    assert parsing.parse_date_text(d.isoformat(), TODAY) == d
    assert parsing.parse_date_text(f"{d.day}/{d.month}/{d.year}", TODAY) == d


@given(st.dates(min_value=dt.date(1955, 1, 1), max_value=dt.date(2118, 12, 31)))
def test_excel_serial_round_trip(d):
    serial = (d - parsing.EXCEL_EPOCH).days
    assert parsing.parse_date_text(str(serial), TODAY) == d


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2068, 12, 31)))
def test_two_digit_years_are_this_century(d):
    assert parsing.parse_date_text(d.strftime("%d/%m/%y"), TODAY) == d


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1, max_value=28))
def test_date_without_year_is_never_long_past(month, day):
    d = parsing.parse_date_text(f"{day}/{month}", TODAY)
    assert (d.month, d.day) == (month, day)
    assert TODAY - dt.timedelta(days=parsing.PAST_DAYS_WITHOUT_YEAR) <= d
    assert d < TODAY + dt.timedelta(days=366)


@given(st.integers(min_value=1000, max_value=95999))
def test_postal_code_keeps_five_digits(n):
    code = f"{n:05d}"
    assert parsing.parse_postal_code_text(code) == code
    assert parsing.parse_postal_code_text(str(n)) == code  # a number cell lost the leading 0
    assert parsing.parse_postal_code_text(f"{code[:2]} {code[2:]}") == code
    assert parsing.parse_postal_code_text(f"{n}.0") == code


@given(st.floats(min_value=0, max_value=9_999_999, allow_nan=False).map(lambda x: round(x, 2)))
def test_french_numbers_round_trip(x):
    french = f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")
    assert parsing.parse_number_text(french) == pytest.approx(x)
    assert parsing.parse_number_text(french.replace("\u202f", " ")) == pytest.approx(x)
    assert parsing.parse_number_text(french.replace("\u202f", "\u00a0")) == pytest.approx(x)


@given(
    st.integers(min_value=1, max_value=48),
    st.sampled_from(["{}h", "{} h", "{}H", "{} h/sem", "{}h hebdo", "{} heures", "{}"]),
)
def test_hours_round_trip(n, pattern):
    assert parsing.parse_hours_text(pattern.format(n)) == n


@given(
    st.integers(min_value=0, max_value=500),
    st.sampled_from(["{} km", "{}km", "{}kms", "{} km max", "{} kilomètres", "{}"]),
)
def test_km_round_trip(n, pattern):
    assert parsing.parse_km_text(pattern.format(n)) == n


@given(
    st.sampled_from(sorted(parsing.YES | parsing.NO)),
    st.sampled_from([str.upper, str.lower, str.title, lambda s: f"  {s} "]),
)
def test_yes_no_variants(word, change):
    assert parsing.parse_yes_no_text(change(word)) is (word in parsing.YES)


_CONTRACT_WORDS = {
    Contract.CDI: ["CDI", "cdi"],
    Contract.CDD: ["CDD", "CDD 6 mois"],
    Contract.CDDI: ["CDDI", "CDD insertion"],
    Contract.INTERIM: ["intérim", "Interim", "travail temporaire"],
    Contract.ALTERNANCE: ["alternance", "apprentissage", "contrat de professionnalisation"],
    Contract.PEC: ["PEC", "contrat aidé", "CUI"],
    Contract.SEASONAL: ["saisonnier"],
    Contract.INTERNSHIP: ["stage", "PMSMP"],
    Contract.SELF_EMPLOYED: ["franchise", "profession libérale"],
}


@given(
    st.lists(st.sampled_from(list(Contract)), min_size=1, max_size=4, unique=True),
    st.sampled_from([", ", " / ", " ; ", " ou ", " + "]),
    st.data(),
)
def test_contract_lists(contracts, sep, data):
    words = [data.draw(st.sampled_from(_CONTRACT_WORDS[c])) for c in contracts]
    assert set(parsing.parse_contracts_text(sep.join(words))) == {c.value for c in contracts}


@given(
    st.lists(
        st.sampled_from(["B", "C", "CE", "D", "BE", "AM"]), min_size=1, max_size=3, unique=True
    ),
    st.sampled_from([", ", " / ", " + ", " et "]),
    st.sampled_from(["", "Permis ", "permis "]),
)
def test_licence_lists(codes, sep, prefix):
    assert parsing.parse_licences_text(prefix + sep.join(codes)) == codes


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_parsers_only_raise_value_error(text):
    """Any text: a value, None, or ValueError (flagged by the importer), never a crash."""
    for parse in (
        lambda t: parsing.parse_date_text(t, TODAY),
        parsing.parse_postal_code_text,
        parsing.parse_hours_text,
        parsing.parse_km_text,
        parsing.parse_licences_text,
        parsing.parse_contracts_text,
        parsing.parse_int_text,
        parsing.parse_number_text,
        parsing.parse_yes_no_text,
        parsing.parse_qpv_text,
        parsing.schedule_flags_text,
    ):
        try:
            parse(text)
        except ValueError:
            pass


@given(st.lists(st.one_of(st.none(), st.sampled_from(["35h", "mi-temps", "n'importe", "24"]))))
def test_series_parser_keeps_length_and_flags_only_failures(values):
    s = pd.Series(values, dtype=object)
    out, failed = parsing.parse_hours(s)
    assert len(out) == len(s) and len(failed) == len(s)
    assert failed.tolist() == [v == "n'importe" for v in values]


# --- issue 12: official licence categories, France Travail codes -------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("CE - Poids lourd + remorque (= EC)", ["CE"]),
        ("DE - Transport de personnes + remorque", ["DE"]),
        ("D - Transport en commun; DE - Transport de personnes + remorque", ["D", "DE"]),
        ("B - Véhicule léger", ["B"]),
        ("permis de conduire B", ["B"]),
        ("permis poids lourd + remorque", ["CE"]),
        ("A1, A2", ["A1", "A2"]),
        ("C1", ["C1"]),
        ("D1E", ["D1E"]),
        ("AM", ["AM"]),
        ("permis EC", ["CE"]),
    ],
)
def test_official_licence_categories(text, expected):
    assert parsing.parse_licences_text(text) == expected


def test_licence_equivalences():
    from matcher.features.constraints import implied_licences, licence_missing

    assert {"C", "C1", "C1E", "BE", "B"} <= implied_licences(["CE"])
    assert {"D", "D1", "D1E", "BE", "B"} <= implied_licences(["DE"])
    assert licence_missing(("DE",), ("D",))  # D does not cover DE
    assert licence_missing(("CE",), ("C",)) and not licence_missing(("C",), ("CE",))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Permis B, CACES R389 cat 3", ["CACES R489 cat. 3"]),
        ("CACES 1 3 5", ["CACES cat. 1, 3, 5"]),
        ("caces R482 cat A et B", ["CACES R482 cat. A, B"]),
        ("CACES R489 1A, 3 et 5; permis B", ["CACES R489 cat. 1A, 3, 5"]),
        ("permis B", []),
    ],
)
def test_caces_families(text, expected):
    assert parsing.caces_mentions(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("MIS; Mission intérimaire - 3 Mois; Contrat travail", ["intérim"]),
        ("DDI; Contrat durée déterminée insertion", ["CDDI"]),
        ("SAI", ["saisonnier"]),
        ("TTI", ["intérim"]),
        ("DIN", ["CDI"]),
        ("CCE", ["indépendant"]),
        ("LIB; Profession libérale", ["indépendant"]),
        ("CDD; CDD - 6 Mois; Contrat apprentissage", ["CDD", "alternance"]),
    ],
)
def test_france_travail_contract_codes(text, expected):
    assert parsing.parse_contracts_text(text) == expected


def test_experience_codes_and_hours():
    assert parsing.experience_text("E; 2 ans") == "Expérience exigée : 2 ans"
    assert parsing.experience_text("D; Débutant accepté") == "Débutant accepté"
    assert parsing.experience_text("3 ans dans le BTP") == "3 ans dans le BTP"
    assert parsing.parse_hours_text("35H30 Horaires normaux; Temps plein") == 35.5
    assert parsing.parse_hours_text("24H Travail samedi et dimanche; Temps partiel") == 24.0
    assert parsing.parse_insee_text("2a004") == "2A004"
    with pytest.raises(ValueError):
        parsing.parse_insee_text("2C004")
