"""The sample's specification, read from the data files of ``data/sample_spec/``.

The sample generator (:mod:`matcher.devtools.sample`) invents firms' offers and job seekers'
profiles; what it draws from (the firms, the insertion structures and their files' columns, the
vocabulary people use) is data a person can read and edit, kept in ``data/sample_spec/``:

- ``firms.csv``: the invented firms (name, commune, ROME codes they hire for, kind, QPV);
- ``structures.toml``: the invented insertion structures, their profile files and columns;
- ``offers.toml``: the offer workbooks' columns and the wording of offers;
- ``profiles.toml``: the wording of experience, training, wishes and comments in profiles;
- ``writing.toml``: typos, gendered titles, short forms of skills, French months.

This module reads and checks those files (a wrong type or an unknown field stops with a message
naming the file and the key) and hands them over as frozen dataclasses and plain tuples/dicts.
Files are read once per process (they are project data, not user data).
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from matcher.fields import OFFER_FIELDS, PROFILE_FIELDS

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SPEC_DIR = DATA_DIR / "sample_spec"

REFERENCE_DATE = dt.date(2026, 11, 1)
COLLECTION_DATE = "12/10/2026"

OFFERS_MAIN_FILE = "offres_busin_ess_2026.xlsx"
OFFERS_EXTRA_FILE = "offres_complementaires.xlsx"
STRUCTURES_MANIFEST = "structures.csv"

# Pseudo-fields for columns that have no canonical field (documented in the README).
FORBIDDEN = "forbidden"  # personal data the importer must drop
COMMENT = "comment"  # free-text comment column: may hold contact details to redact
IGNORED = "ignored"  # column without use for matching

Columns = tuple[tuple[str, str], ...]  # (header as written, canonical field or pseudo-field)


class SpecError(ValueError):
    """A file of ``data/sample_spec/`` is missing a key or holds a value of the wrong type."""


@dataclass(frozen=True)
class Firm:
    """An invented firm that sends offers."""

    name: str
    commune: str
    codes: tuple[str, ...]  # ROME codes it hires for, the most frequent first
    kind: str  # pme, ess, collectivite, ehpad, distribution, association
    qpv: str | None = None


@dataclass(frozen=True)
class Structure:
    """An invented insertion structure and the way its profile file is laid out."""

    key: str
    name: str
    home: str
    filename: str
    size: int
    counsellors: tuple[str, ...]
    weights: dict[str, int]
    columns: Columns
    sheet: str | None = None  # None for CSV files
    header_row: int = 1  # 1-based row of the header, as Excel shows it
    title: str | None = None
    notes: tuple[str, ...] = field(default=())
    id_format: str = "{number}"  # str.format template of the identifier, given ``number``
    skill_separators: tuple[str, ...] = (", ",)  # "lines", "bullets" or a separator
    planted_contacts: tuple[str, ...] = ()  # contact details typed in the comment column


class Table:
    """One TOML file of the spec, with typed accessors that name the file and key on error."""

    def __init__(self, path: Path, data: dict[str, Any]) -> None:
        self.path = path
        self._data = data

    def get(self, key: str) -> Any:
        """The raw value of ``key``."""
        if key not in self._data:
            raise SpecError(f"{self.path}: key {key!r} missing")
        return self._data[key]

    def error(self, key: str, expected: str) -> SpecError:
        """The error saying that ``key`` must be ``expected``."""
        return SpecError(f"{self.path}: {key!r} must be {expected}")

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings."""
        value = self.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(key, "a list of strings")
        return tuple(value)

    def text_map(self, key: str) -> dict[str, str]:
        """A table of strings, in the file's order."""
        value = self.get(key)
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise self.error(key, "a table of strings")
        return dict(value)

    def texts_map(self, key: str) -> dict[str, tuple[str, ...]]:
        """A table of lists of strings, in the file's order."""
        value = self.get(key)
        ok = isinstance(value, dict) and all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in value.values()
        )
        if not ok:
            raise self.error(key, "a table of lists of strings")
        return {k: tuple(v) for k, v in value.items()}

    def number_map(self, key: str) -> dict[str, float]:
        """A table of numbers, in the file's order."""
        value = self.get(key)
        ok = isinstance(value, dict) and all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
        )
        if not ok:
            raise self.error(key, "a table of numbers")
        return {k: float(v) for k, v in value.items()}

    def columns(self, key: str, allowed: frozenset[str]) -> Columns:
        """A list of ``[header, field]`` pairs whose fields are all in ``allowed``."""
        value = self.get(key)
        ok = isinstance(value, list) and all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
            for pair in value
        )
        if not ok:
            raise self.error(key, "a list of [header, field] pairs")
        unknown = sorted({f for _, f in value} - allowed)
        if unknown:
            raise SpecError(f"{self.path}: {key!r}: unknown fields {unknown}")
        return tuple((header, fld) for header, fld in value)


OFFER_COLUMN_FIELDS = frozenset(OFFER_FIELDS) | {IGNORED}
PROFILE_COLUMN_FIELDS = frozenset(PROFILE_FIELDS) | {FORBIDDEN, COMMENT}


@cache
def load_table(name: str, spec_dir: Path = SPEC_DIR) -> Table:
    """The TOML file ``name`` of ``spec_dir``, read once."""
    path = spec_dir / name
    with path.open("rb") as handle:
        return Table(path, tomllib.load(handle))


@cache
def load_firms(spec_dir: Path = SPEC_DIR) -> tuple[Firm, ...]:
    """The firms of ``firms.csv``, in the file's order."""
    path = spec_dir / "firms.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    firms = []
    for line, row in enumerate(rows, start=2):
        codes = tuple(row["rome_codes"].split())
        if not row["name"] or not row["commune"] or not codes or not row["kind"]:
            raise SpecError(f"{path}, line {line}: name, commune, rome_codes and kind are needed")
        firms.append(Firm(row["name"], row["commune"], codes, row["kind"], row["qpv"] or None))
    return tuple(firms)


def _structure(table: Table, entry: dict[str, Any]) -> Structure:
    """One ``[[structure]]`` entry, checked through a :class:`Table` of its own keys."""
    key = entry.get("key", "?")
    part = Table(Path(f"{table.path} [structure {key}]"), entry)
    weights = entry.get("weights")
    if not isinstance(weights, dict) or not all(type(v) is int for v in weights.values()):
        raise part.error("weights", "a table of whole numbers")
    optional = {k: entry[k] for k in ("sheet", "title") if k in entry}
    if not all(isinstance(v, str) for v in optional.values()):
        raise part.error("sheet/title", "strings")
    for number_key in ("size", "header_row"):
        if type(entry.get(number_key, 1)) is not int:
            raise part.error(number_key, "a whole number")
    return Structure(
        key=str(part.get("key")),
        name=str(part.get("name")),
        home=str(part.get("home")),
        filename=str(part.get("filename")),
        size=part.get("size"),
        counsellors=part.texts("counsellors"),
        weights=dict(weights),
        columns=part.columns("columns", PROFILE_COLUMN_FIELDS),
        header_row=entry.get("header_row", 1),
        notes=part.texts("notes") if "notes" in entry else (),
        id_format=str(part.get("id_format")),
        skill_separators=part.texts("skill_separators"),
        planted_contacts=part.texts("planted_contacts") if "planted_contacts" in entry else (),
        **optional,
    )


@cache
def load_structures(spec_dir: Path = SPEC_DIR) -> tuple[Structure, ...]:
    """The insertion structures of ``structures.toml``, in the file's order."""
    table = load_table("structures.toml", spec_dir)
    entries = table.get("structure")
    if not isinstance(entries, list):
        raise table.error("structure", "an array of tables ([[structure]])")
    return tuple(_structure(table, entry) for entry in entries)


_OFFERS = load_table("offers.toml")
OFFERS_MAIN_COLUMNS: Columns = _OFFERS.columns("main_columns", OFFER_COLUMN_FIELDS)
OFFERS_EXTRA_COLUMNS: Columns = _OFFERS.columns("extra_columns", OFFER_COLUMN_FIELDS)


# --------------------------------------------------------------------------------------------
# The built-in referential and communes table (what offers and profiles are made of)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Reference:
    """The jobs (ROME codes, titles, skills, close jobs) and communes the sample draws from."""

    label: dict[str, str]
    sector: dict[str, str]
    titles: dict[str, list[str]]
    skills: dict[str, list[tuple[str, bool]]]
    close: dict[str, list[str]]
    communes: dict[str, tuple[str, str, float, float]]  # nom -> (insee, cp, lat, lon)
    qpv: dict[str, list[str]]  # commune -> QPV names


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def load_reference(data_dir: Path = DATA_DIR) -> Reference:
    """Read ``data/referentiel`` and ``data/communes`` (the built-in tables)."""
    ref_dir = data_dir / "referentiel"
    metiers = _read(ref_dir / "metiers.csv")
    label = dict(zip(metiers["code"], metiers["libelle"], strict=True))
    sector = dict(zip(metiers["code"], metiers["secteur"], strict=True))
    titles: dict[str, list[str]] = {code: [] for code in metiers["code"]}
    for code, title in _read(ref_dir / "appellations.csv").itertuples(index=False):
        titles[code].append(title)
    skills: dict[str, list[tuple[str, bool]]] = {code: [] for code in metiers["code"]}
    for code, skill, core in _read(ref_dir / "competences.csv").itertuples(index=False):
        skills[code].append((skill, core == "1"))
    close: dict[str, list[str]] = {code: [] for code in metiers["code"]}
    for a, b in _read(ref_dir / "proximites.csv").itertuples(index=False):
        close[a].append(b)
        close[b].append(a)
    communes = {
        row.nom: (row.code_insee, row.code_postal, float(row.latitude), float(row.longitude))
        for row in _read(data_dir / "communes" / "territoire.csv").itertuples(index=False)
    }
    qpv: dict[str, list[str]] = {}
    for name, commune in _read(data_dir / "communes" / "qpv_territoire.csv").itertuples(
        index=False
    ):
        qpv.setdefault(commune, []).append(name)
    return Reference(label, sector, titles, skills, close, communes, qpv)
