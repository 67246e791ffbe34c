"""France Travail's job offers ("API Offres d'emploi v2") as partners and users have them.

The API answers with JSON (``{"resultats": [...]}``); partners pass it on as it is, as JSON Lines,
or flattened to CSV (``|``, ``;``, ``,``) or xlsx by ``pandas.json_normalize`` (dotted column names,
lists of objects written as Python literals in one cell). The readers flatten JSON the same way,
so every form reaches the mapping with the same labels, which ``data/colonnes.csv`` maps to fields
(``lieuTravail.commune`` is the INSEE code, ``lieuTravail.libelle`` "62 - BETHUNE",
``competences`` / ``permis`` lists with ``exigence`` E required or S desired, ``typeContrat``
codes...). This module recognises the format (for the report) and adds what one column gives to
two fields: ``dureeTravailLibelle`` ("39H Horaires normaux") gives the hours and the schedule.

Field meanings come from France Travail's published documentation of the API and public code
using it; the contract codes and experience codes are read in :mod:`matcher.intake.parsing`.
"""

from __future__ import annotations

import pandas as pd

from matcher import fields as F
from matcher.text.fold import fold

NAME = "offres France Travail (API Offres d'emploi v2)"
# Field names of an offer of the API; a table with several of them is in this format.
SIGNATURE = frozenset(
    fold(x)
    for x in (
        "intitule", "romeCode", "romeLibelle", "appellationlibelle", "lieuTravail.libelle",
        "lieuTravail.commune", "lieuTravail.codePostal", "entreprise.nom", "typeContrat",
        "typeContratLibelle", "natureContrat", "experienceExige", "experienceLibelle",
        "dureeTravailLibelle", "dureeTravailLibelleConverti", "competences", "permis",
        "qualitesProfessionnelles", "dateCreation", "nombrePostes", "secteurActiviteLibelle",
    )
)  # fmt: skip
MIN_SIGNATURE = 4
HOURS_LABEL = fold("dureeTravailLibelle")


def recognised(labels: list[str]) -> bool:
    """The table's header is France Travail's offer fields (at least four of them)."""
    return len({fold(x) for x in labels} & SIGNATURE) >= MIN_SIGNATURE


def extra_values(raw: pd.DataFrame) -> dict[str, pd.Series]:
    """Values a France Travail column gives to a second field: the schedule said after the hours
    in ``dureeTravailLibelle`` ("35H Travail en journée" -> "Travail en journée")."""
    out: dict[str, pd.Series] = {}
    for label in raw.columns:
        if fold(label) == HOURS_LABEL:
            text = raw[label].astype("object").where(raw[label].notna(), "").astype(str)
            rest = text.str.replace(r"^\s*\d{1,2}\s*[hH]\s*(?:\d{2})?\s*(?:/\s*\w+)?\s*", "",
                                    regex=True).str.strip()  # fmt: skip
            out[F.SCHEDULE] = rest.where(rest != "", None)
    return out
