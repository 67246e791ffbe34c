"""Privacy: drop identifying or protected columns, redact personal data found in free text.

Profiles must arrive anonymised; this stage makes sure of it before anything is stored. Columns
are recognised by their folded header; free text is scanned for e-mail addresses, French phone
numbers, social security numbers (NIR, key checked) and IBANs, replaced by a marker.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from matcher.mapping import fold_header

# Folded header patterns (regex on the whole folded label) of columns never kept for profiles.
FORBIDDEN_COLUMNS: dict[str, str] = {
    r"nom|nom de famille|nom usuel|nom de naissance|patronyme|nom prenom|prenom nom": "nom",
    r"prenoms?": "prénom",
    r"e ?mail|courriel|mail|adresse (?:e ?)?mail|adresse electronique": "e-mail",
    r"tel|telephone|tel portable|portable|mobile|n tel|numero de telephone|gsm": "téléphone",
    r"adresse|adresse postale|rue|domicile|adresse complete|n et rue": "adresse",
    r"date de naissance|naissance|ne e le|ddn|date naiss|age": "naissance ou âge",
    r"n secu|secu|securite sociale|nir|n ss|numero de securite sociale|insee": "sécurité sociale",
    r"sexe|genre|civilite|h f": "sexe",
    r"nationalite|pays de naissance|origine|lieu de naissance": "nationalité ou origine",
    r"photo|photographie": "photo",
    r"situation familiale|situation de famille|enfants?|nb enfants|nombre d enfants": "famille",
    r"rqth|handicap|sante|situation de handicap|reconnaissance travailleur handicape|"
    r"mdph|aah|maladie|pathologie": "santé ou handicap",
    r"religion|orientation sexuelle|opinions?": "donnée sensible",
    r"iban|rib|coordonnees bancaires": "coordonnées bancaires",
}
_FORBIDDEN = [(re.compile(rf"(?:{p})"), why) for p, why in FORBIDDEN_COLUMNS.items()]

MARK_EMAIL = "[courriel masqué]"
MARK_PHONE = "[téléphone masqué]"
MARK_NIR = "[n° sécu masqué]"
MARK_IBAN = "[IBAN masqué]"

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"(?<!\d)(?:(?:\+|00)33\s?\(?0?\)?\s?|0)[1-9](?:[\s.\-]?\d{2}){4}(?!\d)")
NIR_RE = re.compile(
    r"(?<![\dA-Za-z])([12])\s?(\d{2})\s?(\d{2})\s?(\d{2}|2A|2B)\s?(\d{3})\s?(\d{3})\s?(\d{2})(?!\d)"
)
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b")


@dataclass
class PrivacyReport:
    dropped_columns: dict[str, str] = field(default_factory=dict)  # raw label -> kind
    redactions: dict[str, int] = field(default_factory=dict)  # kind -> count


def forbidden_kind(label: str) -> str | None:
    """Kind of personal data a column header announces, or ``None`` if it looks harmless."""
    folded = fold_header(label)
    for pattern, why in _FORBIDDEN:
        if pattern.fullmatch(folded):
            return why
    return None


def _nir_ok(m: re.Match[str]) -> bool:
    digits = "".join(m.groups()[:6])
    digits = digits.replace("2A", "19").replace("2B", "18")
    try:
        return 97 - int(digits) % 97 == int(m.group(7))
    except ValueError:
        return False


def _iban_ok(text: str) -> bool:
    s = re.sub(r"\s", "", text)
    if not 15 <= len(s) <= 34:
        return False
    moved = s[4:] + s[:4]
    num = "".join(str(int(c, 36)) for c in moved)
    return int(num) % 97 == 1


def redact_text(series: pd.Series) -> tuple[pd.Series, dict[str, int]]:
    """Replace personal data in free text by markers; return the new Series and counts."""
    counts = {"courriels": 0, "téléphones": 0, "n° sécurité sociale": 0, "IBAN": 0}
    text = series.astype("object")
    mask = text.notna()
    if not mask.any():
        return series.copy(), counts
    s = text[mask].astype(str)

    def sub_count(s: pd.Series, regex: re.Pattern[str], mark: str, key: str, check=None):
        found = s.str.count(regex.pattern) if check is None else None
        if check is None:
            counts[key] += int(found.sum())
            return s.str.replace(regex, mark, regex=True)

        def repl(m: re.Match[str]) -> str:
            if check(m):
                counts[key] += 1
                return mark
            return m.group(0)

        return s.map(lambda v: regex.sub(repl, v))

    s = sub_count(s, EMAIL_RE, MARK_EMAIL, "courriels")
    s = sub_count(s, IBAN_RE, MARK_IBAN, "IBAN", check=lambda m: _iban_ok(m.group(0)))
    s = sub_count(s, NIR_RE, MARK_NIR, "n° sécurité sociale", check=_nir_ok)
    s = sub_count(s, PHONE_RE, MARK_PHONE, "téléphones")
    out = text.copy()
    out[mask] = s
    return out, counts
