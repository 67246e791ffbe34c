"""Names as people expect to read them: communes in their official form from the communes
referential (« HERSIN COUPIGNY » -> « Hersin-Coupigny »), firm names and job titles written in
capitals turned into ordinary case. Display only: stored values are never changed."""

from __future__ import annotations

import re

import pandas as pd

from matcher.reference.geo import (
    HOW,
    KEY,
    NAME,
    commune_key,
    prepare_communes,
    territory_communes,
)

# Words kept in lower case inside a name written in capitals (« SAINT VENANT » stays
# « Saint Venant », « HAUTS DE FRANCE » becomes « Hauts de France »).
_SMALL = {"de", "du", "des", "la", "le", "les", "et", "en", "sur", "sous", "lès", "lez", "aux",
          "à", "au", "d", "l"}  # fmt: skip
_UPPER_KEEP = {"sas", "sarl", "sa", "eurl", "sasu", "scop", "scic", "ess", "ei", "aci", "ai",
               "geiq", "etti", "plie", "btp", "qpv", "cdi", "cdd", "rh", "sav", "ehpad", "caces"}  # fmt: skip


_GENDER = re.compile(r"\b[hf]\s*/\s*[hf]\b", re.I)


def _blank(series: pd.Series) -> pd.Series:
    return series.astype("object").where(series.notna(), "").astype(str).str.strip()


def _unshout(text: str) -> str:
    """« ENTREPRISE DU NORD SARL » -> « Entreprise du Nord SARL »; text with lower-case
    letters is kept as written."""
    if not text or any(c.islower() for c in text) or not any(c.isalpha() for c in text):
        return text
    words = re.split(r"(\s+|-|')", text.lower())
    out = []
    for i, w in enumerate(words):
        if w.lower() in _UPPER_KEEP:
            out.append(w.upper())
        elif i > 0 and w in _SMALL:
            out.append(w)
        else:
            out.append(w[:1].upper() + w[1:])
    # « H/F » (gender marks of job ads) stays in capitals.
    return _GENDER.sub(lambda m: m.group(0).upper(), "".join(out))


def proper_name(names: pd.Series) -> pd.Series:
    """Firm or person-free names: capitals turned into ordinary case; missing -> ""."""
    return _blank(names).map(_unshout)


def proper_title(titles: pd.Series) -> pd.Series:
    """Job titles: capitals turned into ordinary case, first letter in capital."""
    text = _blank(titles).map(_unshout)
    return text.map(lambda t: t[:1].upper() + t[1:])


def proper_communes(names: pd.Series, table: pd.DataFrame) -> pd.Series:
    """Each commune in its proper form: the territory's referential (accents and hyphens,
    « HERSIN COUPIGNY » -> « Hersin-Coupigny »), else ``table``'s name when it is written in
    ordinary case, else the name as written when it is, else capitals turned into ordinary
    case (La Poste's national base writes « BETHUNE »); missing -> ""."""
    raw = _blank(names)
    keys = commune_key(raw)
    found = pd.Series(pd.NA, index=raw.index, dtype=object)
    for source in (territory_communes(), table):
        if KEY not in source or HOW not in source:
            source = prepare_communes(source)
        official = source[source[HOW] == "nom"].drop_duplicates(KEY).set_index(KEY)[NAME]
        official = official[official.map(lambda n: any(c.islower() for c in str(n)))]
        found = found.where(found.notna(), keys.map(official))
    written = raw.where(raw.map(lambda n: any(c.islower() for c in n)), raw.map(_unshout))
    return found.where(found.notna(), written).astype(str)


__all__ = ["proper_communes", "proper_name", "proper_title"]
