"""Protected criteria never enter a score.

Structured columns about protected criteria (age, sex, name, origin, nationality, family
situation, health, disability, place of residence as such) are never read by any component: the
components read only the columns listed in :data:`SCORED_OFFER_FIELDS` and
:data:`SCORED_PROFILE_FIELDS`. Free text is another matter: a counsellor may write "52 ans, RQTH,
mère isolée de 3 enfants" in an experience cell. Such mentions are removed from the text fields
before they reach the text and skill components (:func:`scrub_protected`), so two people who
differ only by them get the same scores.

The commute component uses the distance between the offer and the person's commune against the
person's own radius and means; the commune or neighbourhood itself (QPV or not) never enters.
"""

from __future__ import annotations

import re

import pandas as pd

from matcher import fields as F

# The only input columns any score component reads.
SCORED_OFFER_FIELDS: tuple[str, ...] = (
    F.OFFER_REF, F.TITLE, F.DESCRIPTION, F.SKILLS, F.COMMUNE, F.POSTAL_CODE, F.CONTRACT_TYPE,
    F.WEEKLY_HOURS, F.SCHEDULE, F.LICENCE_REQUIRED, F.START_DATE, F.POSITIONS, F.ROME_CODE,
    F.INSEE_CODE, F.GIVEN_LAT, F.GIVEN_LON, F.LICENCE_DESIRED, F.SKILLS_DESIRED,
)  # fmt: skip
SCORED_PROFILE_FIELDS: tuple[str, ...] = (
    F.PROFILE_REF, F.STRUCTURE, F.TARGET_JOBS, F.SKILLS, F.EXPERIENCE, F.TRAINING, F.COMMUNE,
    F.POSTAL_CODE, F.MOBILITY_KM, F.LICENCE, F.TRANSPORT, F.CONTRACT_TYPES, F.WANTED_HOURS,
    F.AVAILABILITY, F.AVAILABLE_FROM, F.ROME_CODES, F.INSEE_CODE,
)  # fmt: skip
# Free-text fields scrubbed before scoring. Titles and skills lists name jobs and skills; a
# protected mention there is unlikely and scrubbing them would cut real job words ("garde
# d'enfants", "situation de handicap").
OFFER_TEXT_FIELDS: tuple[str, ...] = (F.DESCRIPTION,)
PROFILE_TEXT_FIELDS: tuple[str, ...] = (F.EXPERIENCE, F.TRAINING)

_A = "[a-zàâäéèêëîïôöùûüç]"  # a letter, for "\w" without digits
_PATTERNS = [
    # age
    r"\b(?:âg[ée]e?s?|age|âge)\s*(?:de|:)?\s*\d{1,2}\s*ans\b",
    r"\b\d{2}\s*ans\s*(?=[,;.)]|$)",
    r"\bn[ée]e?\s+(?:le|en)\s+[\d/.\- a-zàâéèêûô]{0,20}\d{4}\b",
    r"\b(?:jeunes?|seniors?|personnes?)\s+de\s+(?:moins|plus)\s+de\s+\d+\s*ans\b",
    # sex, civility
    r"\b(?:madame|monsieur|mademoiselle|mme|mlle|mr)\b\.?",
    r"\bsexe\s*:?\s*" + _A + r"+\b",
    # family situation, pregnancy
    r"\b(?:m[èe]re|p[èe]re|maman|papa|parent)\s+(?:isol[ée]e?|c[ée]libataire|au foyer"
    r"|de famille|de\s+\d+\s+enfants?)\b",
    r"\b\d+\s+enfants?\s+à\s+charge\b",
    r"\benfants?\s+à\s+charge\b",
    r"\b(?:c[ée]libataire|mari[ée]e?|divorc[ée]e?|veu(?:f|ve)|pacs[ée]e?|en couple|enceinte"
    r"|grossesse|cong[ée] (?:de )?maternit[ée]|famille monoparentale)\b",
    # health, disability
    r"\b(?:rqth|mdph|aah|travailleur handicap[ée]|handicap[ée]e?s?|invalidit[ée]"
    r"|reconnaissance (?:de la )?qualit[ée] de travailleur handicap[ée]"
    r"|maladie (?:chronique|professionnelle|grave)|arr[êe]t maladie|probl[èe]mes? de sant[ée]"
    r"|sant[ée] fragile|inaptitude|restrictions? m[ée]dicales?|traitement m[ée]dical)\b",
    # origin, nationality, religion
    r"\b(?:nationalit[ée]|origine|d'origine|religion|confession)\s*:?\s*" + _A + r"+\b",
    r"\b(?:r[ée]fugi[ée]e?|demandeur d'asile|primo[- ]arrivante?|titre de s[ée]jour"
    r"|sans papiers)\b",
    # place of residence as such (the distance is used, never the neighbourhood)
    r"\b(?:qpv|quartier prioritaire(?: de la politique de la ville)?|zus)\b",
    r"\bhabite\s+(?:le quartier|la cit[ée]|[àa])\s+[\w'\- ]{2,30}?(?=[,;.]|$)",
]
# Matched on lower-cased text (twice as fast as IGNORECASE): the scrubbed fields are only read
# by the text component, which folds case anyway.
PROTECTED = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


_BLANK_RUNS = re.compile(r"\s{2,}")


def _scrub_one(text: str) -> str:
    return _BLANK_RUNS.sub(" ", PROTECTED.sub(" ", text.lower())).strip(" ,;")


def scrub_text(series: pd.Series) -> pd.Series:
    """Mentions of protected criteria removed from free text, lower-cased (missing values kept
    missing). Each distinct text is scrubbed once (skills and titles repeat a lot)."""
    values = series.to_numpy(dtype=object)
    done: dict[str, str] = {}
    out = []
    for v in values:
        if type(v) is str or isinstance(v, str):
            r = done.get(v)
            if r is None:
                r = done[v] = _scrub_one(str(v))
            out.append(r)
        else:
            out.append(v)
    return pd.Series(out, index=series.index, dtype=object)


def scrub_protected(frame: pd.DataFrame, columns: tuple[str, ...]) -> pd.DataFrame:
    """A copy of ``frame`` with protected mentions removed from its free-text ``columns``."""
    out = frame.copy()
    for c in columns:
        if c in out:
            out[c] = scrub_text(out[c])
    return out


def scored_columns(frame: pd.DataFrame, fields: tuple[str, ...]) -> pd.DataFrame:
    """Only the columns a score reads (everything else, protected or not, is left behind)."""
    return frame[[c for c in fields if c in frame.columns]]
