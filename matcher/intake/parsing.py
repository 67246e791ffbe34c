"""Parsing: text cells -> typed values (dates, postal codes, hours, distances, licences, contracts).

Each ``parse_*`` takes a Series of text and returns ``(values, failed)``: the values (``None`` where
the cell is empty or says nothing, e.g. "dès que possible" for a date), and a mask of the cells
that could not be read, which the importer keeps as text and flags without stopping the row. The
``parse_*_text`` functions parse one text and raise ``ValueError`` when they cannot. Parsers work on
the distinct values of a column (few in practice) and map back, which keeps them fast on large
files. Everything is read the French way: day before month, decimal comma, "h" for hours.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from matcher.fields import Contract, Licence
from matcher.text.fold import fold

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip
EXCEL_EPOCH = dt.date(1899, 12, 30)
IMMEDIATE = ("immediat", "immediate", "des que possible", "asap", "de suite", "tout de suite",
             "maintenant", "des maintenant", "disponible", "oui", "dispo", "urgent",
             "au plus vite", "au plus tot", "sans delai", "deja disponible", "now")  # fmt: skip
# A date without year is the next one: this year's, unless it is more than this far behind.
PAST_DAYS_WITHOUT_YEAR = 90
MIN_YEAR, MAX_YEAR = 1900, 2100


def _by_unique(series: pd.Series, parse: Callable[[str], Any]) -> tuple[pd.Series, pd.Series]:
    """Apply ``parse`` to each distinct non-empty value; return (values, failed mask).

    ``parse`` returns the value, or raises ValueError when the text cannot be read."""
    text = series.astype("object").where(series.notna(), None)
    uniques = pd.unique(text.dropna())
    values: dict[str, Any] = {}
    failed: set[str] = set()
    for u in uniques:
        try:
            values[u] = parse(str(u))
        except (ValueError, OverflowError):
            failed.add(u)
    out = text.map(values) if values else pd.Series(None, index=series.index, dtype=object)
    out = out.astype("object").where(text.notna() & ~text.isin(failed), None)
    bad = text.isin(failed) if failed else pd.Series(False, index=series.index)
    return out, bad


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------
def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 70 else 1900
    return year


def _date(year: int, month: int, day: int) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"année {year}")
    return dt.date(year, month, day)


def _next_date(month: int, day: int, today: dt.date) -> dt.date:
    """A day and month without year: the next such date (this year's unless long past)."""
    candidate = dt.date(today.year, month, day)
    if candidate < today - dt.timedelta(days=PAST_DAYS_WITHOUT_YEAR):
        candidate = dt.date(today.year + 1, month, day)
    return candidate


_WEEKDAYS = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+"
_LEAD = r"(?:le |a partir du |a partir de |a compter du |des le |des |debut |courant |mi |mi-|fin |vers le |au |avant le |apres le |prevu le |prevue le |pour le |a pourvoir le )?"


def parse_date_text(text: str, today: dt.date | None = None) -> dt.date | None:
    """French date text -> date. ``None`` for "dès que possible"-like values (immediately).

    Reads dd/mm/yyyy (also - and . separators, two-digit years), ISO yyyy-mm-dd, Excel serial
    numbers, "1er décembre 2026", "lundi 3 nov.", "début février", "janv. 2027", "01/2027";
    without a year, the next such date after ``today`` (default: the real today)."""
    t = fold(text, punctuation=True).rstrip(" .")
    if not t:
        return None
    if any(t.startswith(w) for w in IMMEDIATE) and not (
        re.search(r"\d", t) or any(w in MONTHS for w in re.findall(r"[a-z]+", t))
    ):
        return None
    t = re.sub(
        r"^(?:disponible|dispo)\s+(?:a partir d[eu]\s+|des\s+(?:le\s+)?|le\s+|en\s+)?", "", t
    )
    today = today or dt.date.today()
    t = re.sub(r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s?(?:z|[+-]\d{2}:?\d{2})$", r"\1", t)
    m = re.fullmatch(
        r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?", t
    )
    if m:
        return _date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(
        _LEAD
        + r"(\d{1,2})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{4}|\d{2})(?: a? ?\d{1,2}[:h]\d{2})?",
        t,
    )
    if m:
        return _date(_year(m[3]), int(m[2]), int(m[1]))
    m = re.fullmatch(r"(\d{5})(?:[.,]0+)?", t)
    if m:
        serial = int(m[1])
        if 20000 < serial < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=serial)
        raise ValueError(text)
    m = re.fullmatch(_LEAD + r"(\d{1,2})\s?/\s?(\d{1,2})", t)
    if m and 1 <= int(m[2]) <= 12:
        return _next_date(int(m[2]), int(m[1]), today)
    m = re.fullmatch(r"(?:debut |courant |mi |mi-|fin )?(\d{1,2})\s?[/.\-]\s?(\d{4})", t)
    if m and 1 <= int(m[1]) <= 12:
        return _date(int(m[2]), int(m[1]), _month_day(t, int(m[2]), int(m[1])))
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", t)
    if m:
        return _date(int(m[1]), int(m[2]), 1)
    m = re.fullmatch(
        _LEAD + r"(?:" + _WEEKDAYS + r")?(\d{1,2})(?:er|e|eme)? ([a-z]+)\.?(?: (\d{4}|\d{2}))?", t
    )
    if m and m[2] in MONTHS:
        if m[3]:
            return _date(_year(m[3]), MONTHS[m[2]], int(m[1]))
        return _next_date(MONTHS[m[2]], int(m[1]), today)
    m = re.fullmatch(_LEAD + r"([a-z]+)\.?(?: (\d{4}|\d{2}))?", t)
    if m and m[1] in MONTHS:
        return _month_date(t, MONTHS[m[1]], m[2], today)
    # A sentence holding one date: "fin de contrat le 28/11/2026", "après sa formation (janvier)".
    dates = re.findall(r"(?<!\d)(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?!\d)", t)
    if len(dates) == 1 and len(re.findall(r"\d+", t)) == 3:
        d, mo, y = dates[0]
        return _date(_year(y), int(mo), int(d))
    months = {w for w in re.findall(r"[a-z]+", t) if w in MONTHS and len(w) >= 4}
    if len(months) == 1:
        month = months.pop()
        year = re.fullmatch(r".*\b" + month + r"\b\.? ?(\d{4})\)?", t)
        rest = re.sub(r"\b" + month + r"\b\.? ?(?:\d{4})?", "", t)
        if not re.search(r"\d", rest):
            return _month_date(t, MONTHS[month], year[1] if year else None, today)
    raise ValueError(text)


def _month_date(t: str, month: int, year_text: str | None, today: dt.date) -> dt.date:
    if year_text:
        year = _year(year_text)
    else:
        year = _next_date(month, 1, today + dt.timedelta(days=-27)).year
    return _date(year, month, _month_day(t, year, month))


def _month_day(t: str, year: int, month: int) -> int:
    """Day meant by "début", "mi", "fin" of a month."""
    if t.startswith(("mi ", "mi-")):
        return 15
    if t.startswith("fin "):
        return (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return 1


def parse_dates(series: pd.Series, today: dt.date | None = None) -> tuple[pd.Series, pd.Series]:
    """Series of text -> (Series of ``datetime.date`` or None, failed mask)."""
    today = today or dt.date.today()
    return _by_unique(series, lambda text: parse_date_text(text, today))


# ---------------------------------------------------------------------------------------------
# Codes and numbers
# ---------------------------------------------------------------------------------------------
def postal_code_valid(code: str) -> bool:
    """Five digits of an existing French department (01-95, Corsica 20, overseas 97, Monaco 98)."""
    if not re.fullmatch(r"\d{5}", code):
        return False
    dept = int(code[:2])
    return (1 <= dept <= 95) or dept in (97, 98)


def parse_postal_code_text(text: str) -> str:
    """Postal code, leading zero kept or restored: "62400", "62 400", "1000" -> "01000",
    "62400.0", "Béthune 62400", "F-62400"."""
    raw = str(text).strip()
    if re.fullmatch(r"\d{4,5}[.,]0+", raw):  # a number cell: 62400.0
        raw = re.split(r"[.,]", raw)[0]
    digits = re.sub(r"[\s.\u00a0\u202f]", "", raw)
    digits = re.sub(r"^(?:F-?|FR-?)", "", digits, flags=re.I)
    if re.fullmatch(r"\d{5}", digits) and postal_code_valid(digits):
        return digits
    if re.fullmatch(r"\d{4}", digits):  # a spreadsheet dropped the leading zero
        return "0" + digits
    found = [c for c in re.findall(r"(?<!\d)(\d{2}\s?\d{3})(?!\d)", raw)]
    found = [c.replace(" ", "") for c in found if postal_code_valid(c.replace(" ", ""))]
    if len(set(found)) == 1:
        return found[0]
    raise ValueError(text)


def parse_insee_text(text: str) -> str:
    """Official code of a commune (code officiel géographique): five characters, Corsica 2A/2B
    ("2A004"); "62119.0" and a lost leading zero ("1009") are read."""
    t = re.sub(r"\s", "", str(text)).upper()
    t = re.sub(r"\.0+$", "", t)
    if re.fullmatch(r"\d{4}", t):
        t = "0" + t
    if re.fullmatch(r"(?:\d{2}|2[AB])\d{3}", t) and t[:2] != "00":
        return t
    raise ValueError(text)


def parse_insee_codes(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_insee_text)


def parse_postal_codes(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_postal_code_text)


def parse_number_text(text: str) -> float:
    """French number: decimal comma, spaces or non-breaking spaces as thousands separators
    ("1 234,5"); "1.234,5" and "1,234.5" too."""
    t = str(text).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,3}(?:\.\d{3})+,\d+", t):
        t = t.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[-+]?\d{1,3}(?:,\d{3})+\.\d+", t):
        t = t.replace(",", "")
    else:
        t = t.replace(",", ".")
    if not re.fullmatch(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)", t):
        raise ValueError(text)
    return float(t)


def parse_numbers(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_number_text)


_NUMBER_WORDS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
                 "sept": 7, "huit": 8, "neuf": 9, "dix": 10}  # fmt: skip
MAX_POSITIONS = 1000


def parse_int_text(text: str) -> int:
    """A count: "2", "2 postes", "deux", "2 à 3" (the first), "2.0"."""
    t = fold(text, punctuation=True)
    m = re.search(r"\d+(?:[.,]0+)?(?![\d.,])", t) or re.search(r"\d+", t)
    if m:
        value = int(float(m[0].replace(",", ".")))
    else:
        for w, n in _NUMBER_WORDS.items():
            if re.search(rf"\b{w}\b", t):
                value = n
                break
        else:
            raise ValueError(text)
    if not 0 <= value <= MAX_POSITIONS:
        raise ValueError(text)
    return value


def parse_ints(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_int_text)


FULL_TIME = 35.0
PART_TIME = 24.0  # legal minimum of a part-time job in France, when no figure is given
MAX_WEEKLY_HOURS = 48.0
WEEKS_PER_MONTH = 52 / 12
WEEKS_PER_YEAR = 1607 / 35  # the legal 1,607 hours a year are 35 h a week


def parse_hours_text(text: str) -> float | None:
    """Weekly hours: "35h", "35h30", "24 h/sem", "temps plein", "mi-temps", "20 à 26h" (mean),
    "151,67 h/mois", "1607 h/an", "80 %", "4/5e". ``None`` when the text gives no preference
    ("indifférent", "temps plein ou partiel")."""
    t = fold(text, punctuation=True)
    if re.search(
        r"indifferent|peu importe|\bnc\b|a voir|a definir|variable|\bou\b.*partiel|partiel\b.*\bou\b",
        t,
    ) and not re.search(r"\d", t):
        return None
    m = re.fullmatch(
        r"(\d{1,2})\s?h\s?(\d{2})(?:\s?(?:min)?)?(?:\s?(?:/|par)?\s?(?:sem\w*|hebdo\w*))?", t
    )
    if m and int(m[2]) < 60:
        return _weekly(int(m[1]) + int(m[2]) / 60, text)
    m = re.fullmatch(r"(\d{1,3})\s?%", t)
    if m:
        return _weekly(FULL_TIME * int(m[1]) / 100, text)
    m = re.search(r"\b(\d)\s?/\s?(\d)\s?(?:e|eme)?\b", t)
    if m and int(m[1]) < int(m[2]) and ("temps" in t or t.endswith(("e", "eme")) or t == m[0]):
        return _weekly(FULL_TIME * int(m[1]) / int(m[2]), text)
    m = re.match(r"(\d{1,2})\s?h\s?(\d{2})\b", t)  # "35H30 Horaires normaux"
    if m and int(m[2]) < 60:
        return _weekly(int(m[1]) + int(m[2]) / 60, text)
    nums = [float(x.replace(",", ".")) for x in re.findall(r"\d+(?:[.,]\d+)?", t)]
    if nums:
        if re.search(r"\bmois\b|mensuel", t):
            return _weekly(nums[0] / WEEKS_PER_MONTH, text)
        if re.search(r"\ban\b|\bannee\b|annuel|annualis", t) and nums[0] > 100:
            return _weekly(nums[0] / WEEKS_PER_YEAR, text)
        if (
            len(nums) >= 2
            and re.search(r"\d\s*(?:a|-|/)\s*\d", t)
            and not re.search(r"\d\s*/\s*sem", t)
        ):
            return _weekly((nums[0] + nums[1]) / 2, text)
        return _weekly(nums[0], text)
    if "mi-temps" in t or "mi temps" in t or "demi" in t:
        return FULL_TIME / 2
    if "plein" in t or t in ("tp", "full time", "complet", "temps complet"):
        return FULL_TIME
    if "partiel" in t or t == "tpa":
        return PART_TIME
    raise ValueError(text)


def _weekly(hours: float, text: str) -> float:
    if not 0 < hours <= MAX_WEEKLY_HOURS:
        raise ValueError(text)
    return round(hours, 2)


EXPERIENCE_CODES = {"d": "Débutant accepté", "e": "Expérience exigée", "s": "Expérience souhaitée"}


def experience_text(text: str) -> str:
    """France Travail's experience code (``experienceExige``: D, E, S) said in words, with what
    follows it: "E; 2 ans" -> "Expérience exigée : 2 ans". Other text is returned as it is."""
    parts = [p.strip() for p in str(text).split(";") if p.strip()]
    if not parts or fold(parts[0]) not in EXPERIENCE_CODES:
        return str(text)
    head = EXPERIENCE_CODES[fold(parts[0])]
    rest = [p for p in parts[1:] if fold(p) != fold(head)]
    return head + (" : " + " ; ".join(rest) if rest else "")


def parse_hours(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_hours_text)


MAX_KM = 500.0


def parse_km_text(text: str) -> float | None:
    """Mobility radius: "10 km", "15kms", "25 km max", "10 à 15 km" (the larger), "20".
    ``None`` when the text gives no distance ("permis B + voiture", "bus uniquement"): that is
    not a failure, the means are read elsewhere. A duration ("30 min") cannot be read."""
    t = fold(text, punctuation=True)
    with_unit = re.findall(r"(\d+(?:[.,]\d+)?)\s*(?:km|kms|kilometres?|kilometre)\b", t)
    if with_unit:
        values = [float(x.replace(",", ".")) for x in with_unit]
        m = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:a|-)\s*\d+(?:[.,]\d+)?\s*(?:km|kms|kilometres?)", t)
        if m:
            values.append(float(m[1].replace(",", ".")))
        value = max(values)
        if 0 <= value <= MAX_KM:
            return value
        raise ValueError(text)
    if re.search(r"\d\s*(?:min|mn|minutes?|h\b|heures?)", t):
        raise ValueError(text)
    m = re.fullmatch(r"(\d+(?:[.,]\d+)?)(?:\s*(?:a|-)\s*(\d+(?:[.,]\d+)?))?(?:\s*max\w*)?", t)
    if m:
        value = float((m[2] or m[1]).replace(",", "."))
        if 0 <= value <= MAX_KM:
            return value
        raise ValueError(text)
    if re.search(
        r"\bpermis\s+[a-z]{1,2}\b|voiture|vehicule|bus|pied|velo|scooter|transports?|train|tram|covoiturage|moto|mobile|aucune?|non|pas de|limite|partout|departement|region|secteur|commune|ville|local",
        t,
    ) or not re.search(r"\d", t):
        return None
    raise ValueError(text)


def parse_kms(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_km_text)


# ---------------------------------------------------------------------------------------------
# Yes / no, QPV, licences, contracts, schedule flags
# ---------------------------------------------------------------------------------------------
YES = {"oui", "o", "yes", "y", "x", "vrai", "true", "1", "ok", "exige", "obligatoire", "requis",
       "oui.", "si", "bien sur", "evidemment"}  # fmt: skip
NO = {"non", "n", "no", "faux", "false", "0", "aucun", "aucune", "sans", "-", "non requis",
      "pas necessaire", "non necessaire", "non exige", "pas obligatoire", "non obligatoire"}  # fmt: skip
UNKNOWN = {"nc", "n c", "?", "??", "ne sait pas", "nsp", "inconnu", "a voir", "a verifier",
           "non renseigne", "nr", "na", "n a", "/", "."}  # fmt: skip


def parse_yes_no_text(text: str) -> bool | None:
    """French yes/no variants; ``None`` for "NC", "?", "à voir" (unknown)."""
    t = fold(text, punctuation=True).rstrip(".!")
    if t in YES:
        return True
    if t in NO:
        return False
    if t in UNKNOWN:
        return None
    raise ValueError(text)


def parse_yes_no(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_yes_no_text)


def parse_qpv_text(text: str) -> str | None:
    """Priority neighbourhood: "oui"/"non" for yes/no variants ("X", "Hors QPV", "QPV"), the
    neighbourhood's name otherwise; ``None`` when unknown. Never fails."""
    t = fold(text, punctuation=True).rstrip(".!")
    if t in UNKNOWN:
        return None
    if t in NO or t.startswith(("hors qpv", "hors quartier", "non ", "pas en qpv", "pas qpv")):
        return "non"
    if t in YES or t in ("qpv", "en qpv", "oui qpv", "quartier prioritaire"):
        return "oui"
    name = (
        re.sub(r"^(?:oui|qpv)\s*[-:–(]\s*", "", str(text).strip(), flags=re.I).rstrip(")").strip()
    )
    return name or "oui"


def parse_qpv(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_qpv_text)


_LICENCE_CODES = {
    "am": "AM", "a1": "A1", "a2": "A2", "a": "A", "b": "B", "b1": "B", "b96": "B", "be": "BE",
    "c1": "C1", "c1e": "C1E", "c": "C", "ce": "CE", "ec": "CE", "d1": "D1", "d1e": "D1E",
    "d": "D", "de": "DE", "ed": "DE", "vl": "B", "pl": "C", "spl": "CE", "tc": "D",
}  # fmt: skip
# French words too ("a", "de"...): need "permis X" or a bare cell.
_AMBIGUOUS_CODES = {"a", "c", "d", "de", "tc", "ec", "ed"}
_LICENCE_WORDS = {
    "poids lourd": "C", "poids lourds": "C", "super lourd": "CE", "voiture": "B",
    "vehicule leger": "B", "moto": "A", "transport en commun": "D", "bus": "D",
    "remorque": "BE",
}  # fmt: skip
# Combinations said in words before the text is cut on "+": "poids lourd + remorque" is CE.
_LICENCE_PHRASES = (
    (re.compile(r"poids lourds?\s*(?:\+|et|avec)\s*(?:une\s+)?(?:semi[- ])?remorque|"
                r"semi[- ]remorque|super ?lourd"), " permis ce "),
    (re.compile(r"(?:transports? en commun|autocar|autobus)\s*(?:\+|et|avec)\s*remorque"),
     " permis de "),
    (re.compile(r"vehicule leger\s*(?:\+|et|avec)\s*remorque"), " permis be "),
)  # fmt: skip
# "CE - Poids lourd + remorque (= EC)": the official category, then its description; the
# description and the note in brackets add nothing.
_CODE_AND_LABEL = re.compile(
    r"(?<![a-z0-9])(am|a1|a2|a|b|be|c1e|c1|ce|c|d1e|d1|de|d|ec)\s*[-–:]\s+[^;,]*"
)
_NOTE = re.compile(r"\(\s*=[^)]*\)")
_OPTIONAL_RE = re.compile(
    r"souhait|apprecie|un plus|serait un plus|si possible|idealement|de preference|facultatif|"
    r"pas necessaire|non necessaire|pas obligatoire|non obligatoire|non exige|non requis|"
    r"pas exige|pas requis|pas besoin|inutile|pas indispensable|non indispensable"
)
_NONE_RE = re.compile(
    r"^(?:non|aucun|aucune|sans|n|no|-|0|neant)$|^(?:pas de permis|sans permis|aucun permis|"
    r"n a pas|pas le permis|non titulaire|pas titulaire)"
)
_PROGRESS_RE = re.compile(
    r"en cours|code obtenu|code en cours|en formation|auto ?ecole|en preparation|a passer|"
    r"inscrit|en attente|prevu|bientot|a obtenir|obtention"
)


_LOST_RE = re.compile(r"suspendu|retire|annule|invalide|perdu")
_NEEDS_PERMIS = {"voiture", "vehicule leger", "bus", "transport en commun"}


def _licence_codes(segment: str) -> list[str]:
    if "caces" in segment:
        return []  # a CACES is not a driving licence (see caces_mentions)
    words = re.findall(r"[a-z0-9]+", segment)
    codes: list[str] = []
    for phrase, code in _LICENCE_WORDS.items():
        if phrase in segment and (phrase not in _NEEDS_PERMIS or "permis" in segment):
            codes.append(code)
    for i, w in enumerate(words):
        found = _LICENCE_CODES.get(w)
        if found is None:
            continue
        if w in _AMBIGUOUS_CODES:
            prev = words[i - 1] if i else ""
            if not (len(words) == 1 or prev in ("permis", "categorie", "cat", "type")):
                continue
        codes.append(found)
    return codes


def _licence_text(text: str) -> str:
    """Folded licence text with the official "code - description" forms reduced to the code."""
    t = fold(text, punctuation=True).rstrip(" .!")
    t = _NOTE.sub(" ", t)
    t = re.sub(r"permis de conduire", "permis", t)
    for pattern, code in _LICENCE_PHRASES:
        t = pattern.sub(code, t)
    return _CODE_AND_LABEL.sub(lambda m: f" permis {m[1]} ", t).strip()


def parse_licences_text(text: str) -> list[str]:
    """Licence categories held (profiles) or required (offers), in the official categories
    (AM, A1, A2, A, B, BE, C1, C1E, C, CE, D1, D1E, D, DE): "B", "permis B + voiture" ->
    ["B"]; "B, C" -> ["B", "C"]; "CE - Poids lourd + remorque (= EC)" -> ["CE"]; "B obtenu, C en
    cours" -> ["B"]; "en cours" -> ["en cours"]; "aucun", "non", "suspendu" -> ["aucun"]; "pas
    nécessaire", "B souhaité" (not required) -> ["aucun"]; "oui" (category unsaid) -> ["B"]. A
    CACES is not a driving licence (:func:`caces_mentions` reads it)."""
    t = _licence_text(text)
    if not t:
        raise ValueError(text)
    held: list[str] = []
    progress = False
    for segment in re.split(r"[,;/+&()]|\bet\b|\bou\b", t):
        if _PROGRESS_RE.search(segment):
            progress = True  # categories being prepared are not held yet
            continue
        for code in _licence_codes(segment):
            if code not in held:
                held.append(code)
    if _LOST_RE.search(t) or (
        _OPTIONAL_RE.search(t)
        and not re.search(
            r"\bobligatoire|\bexige|\brequis|indispensable", re.sub(r"(?:non|pas) \w+", "", t)
        )
    ):
        return [Licence.NONE.value]
    if held:
        return held
    if progress:
        return [Licence.IN_PROGRESS.value]
    if _NONE_RE.search(t):
        return [Licence.NONE.value]
    if t in YES or t.startswith("permis") or t in ("titulaire", "detenu", "vehicule", "vehicule"):
        return [Licence.B.value]
    raise ValueError(text)


# CACES families (R.4xx recommendations of the Assurance Maladie); the old numbers they replaced
# in 2020 are read as the new ones.
CACES_FAMILIES = {
    "482": "engins de chantier", "483": "grues mobiles", "484": "ponts roulants et portiques",
    "485": "chariots de manutention à conducteur accompagnant", "486": "plates-formes élévatrices "
    "mobiles de personnes", "487": "grues à tour", "489": "chariots de manutention automoteurs à "
    "conducteur porté", "490": "grues de chargement",
}  # fmt: skip
CACES_OLD = {"372": "482", "383": "483", "318": "484", "386": "486", "377": "487", "389": "489",
             "390": "490"}  # fmt: skip
_CACES_RE = re.compile(r"\bcaces\b\s*(?:n\s*)?(?:r\s*\.?\s*)?(\d{3})?((?:[^;,+]|,(?=\s*\d))*)")


def caces_mentions(text: str) -> list[str]:
    """CACES written in a cell, normalised to their family: "Caces R389 cat 3" -> ["CACES R489
    cat. 3"]; "CACES 1 3 5" -> ["CACES cat. 1, 3, 5"]."""
    out: list[str] = []
    for m in _CACES_RE.finditer(fold(text, punctuation=True)):
        family = CACES_OLD.get(m[1], m[1]) if m[1] else None
        rest = re.split(r"\bpermis\b|\bcaces\b", m[2] or "")[0]
        # Letter categories (R482 A to G) only where "cat." says so: "b" may be a licence.
        pattern = r"\b\d[ab]?\b|\b[a-g]\b" if re.search(r"\bcat", rest) else r"\b\d[ab]?\b"
        cats = re.findall(pattern, re.sub(r"cat\w*\.?", " ", rest))
        label = "CACES" + (f" R{family}" if family else "")
        if cats:
            label += " cat. " + ", ".join(c.upper() for c in cats)
        if label not in out:
            out.append(label)
    return out


def parse_licences(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_licences_text)


_CONTRACT_PATTERNS: tuple[tuple[str, Contract], ...] = (
    (
        r"\bcddi\b|contrats? d insertion|cdd (?:d )?insertion|\bcdd ?i\b|"
        r"duree determinee (?:d )?insertion",
        Contract.CDDI,
    ),
    (r"\bcdi\b|duree indeterminee", Contract.CDI),
    (
        r"\bcdd\b(?! ?i\b)(?! (?:d )?insertion)|\bcddu\b|duree determinee(?! (?:d )?insertion)|"
        r"\bvacations?\b|\bextras?\b",
        Contract.CDD,
    ),
    (r"interim\w*|\btt\b|travail temporaire|\betti?\b|\bmissions?\b", Contract.INTERIM),
    (
        r"alternance|apprenti\w*|professionnalisation|contrats? (?:de )?pro\b|\bgeiq\b",
        Contract.ALTERNANCE,
    ),
    (
        r"\bpec\b|contrats? aides?|\bcui\b|\bcae\b|\bcie\b|parcours emploi|emplois? d avenir",
        Contract.PEC,
    ),
    (r"saison\w*|vendanges?", Contract.SEASONAL),
    (r"\bstages?\b|pmsmp|immersion|mise en situation|\bemt\b", Contract.INTERNSHIP),
    (
        r"profession (?:commerciale|liberale)|\bfranchise\b|reprise d entreprise|"
        r"(?:emploi|travail) non salarie|independant|auto ?entrepreneur|micro ?entrepreneur",
        Contract.SELF_EMPLOYED,
    ),
)
# Contract type codes of France Travail's offers (its "typeContrat" referential), read when a
# part of the cell is the code alone.
CONTRACT_CODES: dict[str, Contract] = {
    "cdi": Contract.CDI, "cdd": Contract.CDD, "mis": Contract.INTERIM,
    "sai": Contract.SEASONAL, "ddi": Contract.CDDI, "tti": Contract.INTERIM,
    "din": Contract.CDI, "ddt": Contract.CDD, "cce": Contract.SELF_EMPLOYED,
    "fra": Contract.SELF_EMPLOYED, "lib": Contract.SELF_EMPLOYED, "rep": Contract.SELF_EMPLOYED,
}  # fmt: skip
_NEGATION = r"(?:sauf|hors|pas d[e ]?|pas en|pas l|non|exclu\w*|refus\w*|jamais|ni|sans)\s*(?:de |d |l |en |le |la |les |du )?"


def parse_contracts_text(text: str) -> list[str]:
    """Contract types in a closed list: "CDD 6 mois" -> ["CDD"]; "tout contrat" -> all of them;
    "tout sauf intérim" -> all but intérim; "pas de CDD" -> ["CDD"] excluded from what is said."""
    t = fold(text, punctuation=True).replace("'", " ").replace("’", " ").replace("-", " ")
    t = re.sub(r"\s+", " ", t)
    coded = [CONTRACT_CODES[p.strip()].value for p in re.split(r"[;|,]", t)
             if p.strip() in CONTRACT_CODES]  # fmt: skip
    excluded = set()
    for pattern, c in _CONTRACT_PATTERNS:
        if re.search(_NEGATION + r"(?:" + pattern + r")", t):
            excluded.add(c.value)
    everything = bool(
        re.search(r"\btou[ts]\b|\btoutes?\b|\bpeu importe\b|\bindifferent|\bouvert\w* a tout", t)
    )
    if everything:
        # "tout contrat" means any job contract, not setting up as self-employed.
        found = [c.value for c in Contract
                 if c.value not in excluded and c is not Contract.SELF_EMPLOYED]  # fmt: skip
    else:
        found = [
            c.value
            for pattern, c in _CONTRACT_PATTERNS
            if re.search(pattern, t) and c.value not in excluded
        ]
    found += [c for c in coded if c not in found and c not in excluded]
    if not found:
        raise ValueError(text)
    return found


def parse_contracts(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_contracts_text)


def schedule_flags_text(text: str) -> dict[str, bool | None]:
    """Flags of a schedule text. For an offer, True means the job requires it; for a profile's
    availability, True means accepted and False refused. ``None``: not said."""
    t = fold(text, punctuation=True)
    flags: dict[str, bool | None] = {"nights": None, "weekends": None, "split_shifts": None}
    negative = r"(?:pas de|pas le|sans|impossible|refuse|non|exclu|jamais)"
    words = {
        "nights": r"nuits?|nocturne",
        "weekends": r"week-?ends?|w-?e\b|samedis?|dimanches?",
        "split_shifts": r"coupures?|horaires? coupes?|decale?s?",
    }
    for key, pattern in words.items():
        if re.search(pattern, t):
            neg = re.search(rf"{negative}[^,;.]{{0,25}}(?:{pattern})", t) or re.search(
                rf"(?:{pattern})[^,;.]{{0,15}}(?:impossible|exclu|refuse|non\b)", t
            )
            flags[key] = not neg
    if re.search(r"journee uniquement|horaires de bureau|en journee seulement", t):
        for key in flags:
            flags[key] = False if flags[key] is None else flags[key]
    return flags


def schedule_flags(series: pd.Series) -> pd.DataFrame:
    """Series of schedule text -> frame of flags ``nights``, ``weekends``, ``split_shifts``."""
    text = series.astype("object").where(series.notna(), None)
    cache = {u: schedule_flags_text(u) for u in pd.unique(text.dropna())}
    empty = {"nights": None, "weekends": None, "split_shifts": None}
    rows = [cache.get(v, empty) if v is not None else empty for v in text]
    return pd.DataFrame(rows, index=series.index, dtype=object)


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))
