import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher import parsing


@pytest.mark.parametrize(
    "text, expected",
    [
        ("01/02/2024", dt.date(2024, 2, 1)),
        ("1/2/24", dt.date(2024, 2, 1)),
        ("2024-02-01", dt.date(2024, 2, 1)),
        ("45323", dt.date(2024, 2, 1)),
        ("1er décembre 2026", dt.date(2026, 12, 1)),
        ("janv. 2027", dt.date(2027, 1, 1)),
        ("dès que possible", None),
        ("immédiate", None),
    ],
)
def test_dates(text, expected):
    assert parsing.parse_date_text(text) == expected


def test_dates_series_flags_failures():
    values, failed = parsing.parse_dates(pd.Series(["01/12/2026", "n'importe quoi", None]))
    assert values.tolist() == [dt.date(2026, 12, 1), None, None]
    assert failed.tolist() == [False, True, False]


@pytest.mark.parametrize(
    "text, expected",
    [("62400", "62400"), ("1000", "01000"), ("62 400", "62400"), ("Béthune 62400", "62400")],
)
def test_postal_codes(text, expected):
    assert parsing.parse_postal_code_text(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("35h", 35.0), ("24 h/sem", 24.0), ("temps plein", 35.0), ("mi-temps", 17.5),
     ("20 à 26h", 23.0), ("26,5", 26.5)],
)  # fmt: skip
def test_hours(text, expected):
    assert parsing.parse_hours_text(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("10 km", 10.0), ("15kms", 15.0), ("25 km max", 25.0), ("permis B + voiture", None),
     ("bus uniquement", None)],
)  # fmt: skip
def test_km(text, expected):
    assert parsing.parse_km_text(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("B", ["B"]), ("Permis B", ["B"]), ("oui", ["B"]), ("non", ["aucun"]),
     ("en cours", ["en cours"]), ("permis B + voiture", ["B"]), ("B, C", ["B", "C"]),
     ("VL", ["B"])],
)  # fmt: skip
def test_licences(text, expected):
    assert parsing.parse_licences_text(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("CDD 6 mois", ["CDD"]), ("CDDI", ["CDDI"]), ("CDI/CDD", ["CDI", "CDD"]),
     ("Intérim", ["intérim"]), ("contrat PEC", ["contrat aidé"]),
     ("Alternance", ["alternance"])],
)  # fmt: skip
def test_contracts(text, expected):
    assert parsing.parse_contracts_text(text) == expected


def test_all_contracts():
    assert len(parsing.parse_contracts_text("tout contrat")) == len(parsing.Contract)


@pytest.mark.parametrize(
    "text, nights, weekends",
    [("travail le samedi", None, True), ("pas de week-end", None, False),
     ("nuit impossible", False, None), ("horaires de nuit", True, None)],
)  # fmt: skip
def test_schedule_flags(text, nights, weekends):
    flags = parsing.schedule_flags_text(text)
    assert flags["nights"] is nights
    assert flags["weekends"] is weekends


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_round_trip(d):
    assert parsing.parse_date_text(d.strftime("%d/%m/%Y")) == d
    assert parsing.parse_date_text(d.isoformat()) == d


@given(st.integers(min_value=1000, max_value=99999))
def test_postal_code_keeps_five_digits(n):
    code = f"{n:05d}"
    assert parsing.parse_postal_code_text(code) == code
    assert parsing.parse_postal_code_text(str(n)) == code
