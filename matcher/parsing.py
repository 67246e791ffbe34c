"""Parsing: text cells -> typed values (dates, postal codes, hours, distances, licences, contracts).

Each parser takes a Series of text and returns a Series of values, ``None``/NaN where the cell is
empty or could not be read. ``parse_*_report`` variants also return the positions that failed, so
the importer can flag them without stopping the row. Parsers work on the distinct values of the
column (few in practice) and map back, which keeps them fast on large files.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pandas as pd

from matcher.fields import Contract, Licence

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "mar": 3,
    "avril": 4, "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8,
    "septembre": 9, "sept": 9, "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11,
    "decembre": 12, "dec": 12,
}  # fmt: skip
EXCEL_EPOCH = dt.date(1899, 12, 30)
IMMEDIATE = ("immediat", "immediate", "des que possible", "asap", "de suite", "tout de suite",
             "maintenant", "disponible", "oui")  # fmt: skip


def fold(text: str) -> str:
    """Lower case, no accents, single spaces."""
    text = unicodedata.normalize("NFKD", str(text).replace("œ", "oe").replace("Œ", "oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


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
        except ValueError:
            failed.add(u)
    out = text.map(lambda v: values.get(v) if v is not None else None)
    bad = text.isin(failed)
    return out.astype("object"), bad


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------
def parse_date_text(text: str, today: dt.date | None = None) -> dt.date | None:
    """French date text -> date. ``None`` for "dès que possible"-like values (immediately)."""
    t = fold(text)
    if not t:
        return None
    if any(t.startswith(w) for w in IMMEDIATE):
        return None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t].*)?", t)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", t)
    if m:
        year = int(m[3])
        if year < 100:
            year += 2000
        return dt.date(year, int(m[2]), int(m[1]))
    m = re.fullmatch(r"\d{5}(?:\.0+)?", t)
    if m:
        serial = int(float(t))
        if 20000 < serial < 80000:
            return EXCEL_EPOCH + dt.timedelta(days=serial)
    m = re.fullmatch(
        r"(?:le |a partir du |des le |debut )?(\d{1,2})(?:er)? ([a-z]+)\.?(?: (\d{4}))?", t
    )
    if m and m[2] in MONTHS:
        year = int(m[3]) if m[3] else (today or dt.date.today()).year
        return dt.date(year, MONTHS[m[2]], int(m[1]))
    m = re.fullmatch(r"(?:debut |courant |mi |fin |a partir de |des )?([a-z]+)\.? ?(\d{4})", t)
    if m and m[1] in MONTHS:
        day = 15 if t.startswith("mi ") else 28 if t.startswith("fin ") else 1
        return dt.date(int(m[2]), MONTHS[m[1]], day)
    raise ValueError(text)


def parse_dates(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Series of text -> (Series of ``datetime.date`` or None, failed mask)."""

    def one(text: str) -> dt.date | None:
        try:
            return parse_date_text(text)
        except (ValueError, OverflowError) as exc:
            raise ValueError(text) from exc

    return _by_unique(series, one)


# ---------------------------------------------------------------------------------------------
# Codes and numbers
# ---------------------------------------------------------------------------------------------
def parse_postal_code_text(text: str) -> str:
    digits = re.sub(r"[\s.]", "", str(text))
    if re.fullmatch(r"\d{5}", digits):
        return digits
    if re.fullmatch(r"\d{4}", digits):  # a spreadsheet dropped the leading zero
        return "0" + digits
    m = re.search(r"\b(\d{5})\b", str(text))
    if m:
        return m[1]
    raise ValueError(text)


def parse_postal_codes(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_postal_code_text)


def parse_number_text(text: str) -> float:
    """French number: decimal comma, spaces or non-breaking spaces as thousands separators."""
    t = str(text).replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    m = re.fullmatch(r"[-+]?\d+(?:\.\d+)?", t)
    if not m:
        raise ValueError(text)
    return float(t)


def parse_int_text(text: str) -> int:
    t = fold(text)
    m = re.search(r"\d+", t)
    if not m:
        words = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5}
        for w, n in words.items():
            if re.search(rf"\b{w}\b", t):
                return n
        raise ValueError(text)
    return int(m[0])


def parse_ints(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_int_text)


def parse_hours_text(text: str) -> float:
    """Weekly hours: "35h", "24 h/sem", "temps plein", "mi-temps", "20 à 26h" (-> mean)."""
    t = fold(text)
    if "plein" in t or t in ("tp", "full time"):
        return 35.0
    if "mi-temps" in t or "mi temps" in t:
        return 17.5
    nums = [float(x.replace(",", ".")) for x in re.findall(r"\d+(?:[.,]\d+)?", t)]
    nums = [n for n in nums if 0 < n <= 60]
    if nums:
        if len(nums) >= 2 and re.search(r"\d\s*(?:a|-|/)\s*\d", t) and "sem" not in t:
            return (nums[0] + nums[1]) / 2
        return nums[0]
    if "partiel" in t:
        return 24.0
    raise ValueError(text)


def parse_hours(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_hours_text)


def parse_km_text(text: str) -> float | None:
    """Mobility radius: "10 km", "15kms", "25 km max". ``None`` when the text gives no distance
    (e.g. "permis B + voiture"); that is not a failure, the means are read elsewhere."""
    t = fold(text)
    m = re.search(r"(\d+(?:[.,]\d+)?)\s*(?:km|kms|kilometres?)?\b", t)
    if m and not re.search(r"\bpermis\s+[a-z]\b\s*$", t[: m.start()] + "x"):
        value = float(m[1].replace(",", "."))
        if 0 <= value <= 500:
            return value
    return None


def parse_kms(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_km_text)


# ---------------------------------------------------------------------------------------------
# Yes / no, licences, contracts, schedule flags
# ---------------------------------------------------------------------------------------------
YES = {"oui", "o", "yes", "y", "x", "vrai", "true", "1", "ok", "exige", "obligatoire", "requis"}
NO = {"non", "n", "no", "faux", "false", "0", "aucun", "aucune", "sans", "-", "nc", "non requis"}


def parse_yes_no_text(text: str) -> bool:
    t = fold(text).rstrip(".!")
    if t in YES:
        return True
    if t in NO:
        return False
    raise ValueError(text)


def parse_yes_no(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_yes_no_text)


_LICENCE_RE = re.compile(r"\b(am|a|be|b|ce|c|d|vl|pl|spl)\b")


def parse_licences_text(text: str) -> list[str]:
    """Licence categories held or required: "B", "permis B + voiture" -> ["B"]; "en cours" ->
    ["en cours"]; "aucun", "non" -> ["aucun"]; "oui" (held/required, category unsaid) -> ["B"]."""
    t = fold(text)
    if "en cours" in t or "code obtenu" in t or "en formation" in t:
        return [Licence.IN_PROGRESS.value]
    if t in NO or t.startswith("pas de permis") or t.startswith("sans permis"):
        return [Licence.NONE.value]
    found: list[str] = []
    for code in _LICENCE_RE.findall(t.replace("permis", " ")):
        value = {"vl": "B", "pl": "C", "spl": "CE"}.get(code, code.upper())
        if value not in found:
            found.append(value)
    if not found and (t in YES or t.startswith("permis")):
        found = [Licence.B.value]
    if not found:
        raise ValueError(text)
    return found


def parse_licences(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_licences_text)


_CONTRACT_PATTERNS: tuple[tuple[str, Contract], ...] = (
    (r"\bcddi\b", Contract.CDDI),
    (r"\bcdi\b", Contract.CDI),
    (r"\bcdd\b", Contract.CDD),
    (r"interim|\btt\b|travail temporaire|etti", Contract.INTERIM),
    (r"alternance|apprenti|professionnalisation|contrat pro\b", Contract.ALTERNANCE),
    (r"\bpec\b|contrat aide|cui|parcours emploi", Contract.PEC),
    (r"saison", Contract.SEASONAL),
    (r"stage|pmsmp|immersion", Contract.INTERNSHIP),
)


def parse_contracts_text(text: str) -> list[str]:
    """Contract types in a closed list; "tout contrat" -> all of them."""
    t = fold(text)
    if re.search(r"\btou[ts]\b|\bpeu importe\b|\bindifferent", t):
        return [c.value for c in Contract]
    found = [c.value for pattern, c in _CONTRACT_PATTERNS if re.search(pattern, t)]
    if not found:
        raise ValueError(text)
    return found


def parse_contracts(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    return _by_unique(series, parse_contracts_text)


def schedule_flags_text(text: str) -> dict[str, bool | None]:
    """Flags of a schedule text. For an offer, True means the job requires it; for a profile's
    availability, True means accepted and False refused. ``None``: not said."""
    t = fold(text)
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
