"""Indicators: the funnel from offers to hires, by sector, structure, priority neighbourhood and
month, and the key figures the club reports at its general assembly.

Frames in, frames out; the store supplies what the acting user may see (a counsellor's figures
cover their structure only), the dashboard draws them. A pair counts at every step it has
reached, even if it was closed later: a person interviewed and then not hired counts among the
interviews. Steps may be skipped forward (a firm may answer "Entretien" straight away); the
steps before are then counted as reached too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.fields import Status
from matcher.reference.referential import CODE, SECTOR, Referential
from matcher.text.fold import fold_series

# Steps of the funnel, in order: (column of the funnel frame, French label).
OFFERS = "offers"
SUGGESTIONS = "suggestions"
RETAINED = "retained"
PROPOSED = "proposed"
INTERVIEW = "interview"
HIRED = "hired"
STEPS: tuple[str, ...] = (OFFERS, SUGGESTIONS, RETAINED, PROPOSED, INTERVIEW, HIRED)
STEP_LABELS: dict[str, str] = {
    OFFERS: "Offres",
    SUGGESTIONS: "Suggestions",
    RETAINED: "Retenus",
    PROPOSED: "Proposés",
    INTERVIEW: "Entretiens",
    HIRED: "Embauchés",
}
# Stage of each status along the chain (closing statuses are not stages).
_STAGE: dict[str, int] = {
    Status.SUGGESTED: 0,
    Status.RETAINED: 1,
    Status.PROPOSED: 2,
    Status.INTERVIEW: 3,
    Status.HIRED: 4,
}
_PAIR_STEPS = (SUGGESTIONS, RETAINED, PROPOSED, INTERVIEW, HIRED)  # stage 0..4

# Dimensions of the funnel (columns of the pair facts frame).
SECTOR_DIM = "sector"
STRUCTURE_DIM = F.STRUCTURE
QPV_DIM = "qpv_group"
MONTH_DIM = "month"
DIMENSIONS: dict[str, str] = {
    SECTOR_DIM: "Secteur",
    STRUCTURE_DIM: "Structure",
    QPV_DIM: "Quartier prioritaire",
    MONTH_DIM: "Mois",
}
STAGE = "stage"  # highest stage a pair reached (0 suggested .. 4 hired)
CREATED_AT = "created_at"

IN_QPV = "Entreprise en QPV"
OUT_QPV = "Hors QPV"
UNKNOWN_QPV = "Non renseigné"
UNKNOWN_SECTOR = "Métier non reconnu"
UNKNOWN_MONTH = "inconnu"

_NO = {"non", "no", "n", "hors qpv", "hors", "0", "false", "faux", "aucun"}
_UNKNOWN = {"", "nan", "none", "ne sait pas", "nsp", "inconnu", "nr", "non renseigne", "?"}


def qpv_group(values: pd.Series) -> pd.Series:
    """Whether a firm is in a priority neighbourhood, from the offers' QPV column: the name of
    the quartier or "oui" -> in QPV, "non" -> out, empty -> not given."""
    folded = fold_series(values, keep="?")
    out = pd.Series(IN_QPV, index=values.index, dtype=object)
    out[folded.isin(_NO)] = OUT_QPV
    out[folded.isin(_UNKNOWN)] = UNKNOWN_QPV
    return out


def offer_sectors(occupations: pd.DataFrame, referential: Referential) -> pd.Series:
    """Sector of each offer (``offer_ref`` -> label), from the first occupation code the
    matching used for it (``occupations``: offer_ref, occ_codes lists); unknown codes and
    offers without a code get :data:`UNKNOWN_SECTOR`."""
    sectors = referential.codes.drop_duplicates(CODE).set_index(CODE)[SECTOR]
    first = occupations[F.OCC_CODES].map(
        lambda codes: str(codes[0]).upper() if isinstance(codes, list) and codes else None
    )
    label = first.map(sectors).fillna("").astype(str).str.strip()
    label = label.where(label != "", UNKNOWN_SECTOR)
    return pd.Series(label.to_numpy(), index=occupations[F.OFFER_REF].astype(str).to_numpy())


def stage_reached(suggestions: pd.DataFrame, decisions: pd.DataFrame) -> pd.Series:
    """Highest stage (0 suggested .. 4 hired) each pair reached, over its current status and
    every decision of its history; aligned with ``suggestions``' rows."""
    keys = [F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]
    current = suggestions[F.STATUS].map(_STAGE).fillna(0).astype(int)
    if decisions.empty:
        return current
    hist = decisions[keys].copy()
    hist[STAGE] = decisions[F.STATUS].map(_STAGE).fillna(0).astype(int)
    best = hist.groupby(keys, sort=False)[STAGE].max().reset_index()
    merged = suggestions[keys].merge(best, on=keys, how="left")  # keeps the left order
    from_history = merged[STAGE].fillna(0).astype(int).to_numpy()
    return pd.Series(np.maximum(current.to_numpy(), from_history), index=suggestions.index)


def hired(stage: pd.Series) -> pd.Series:
    """Which pairs count as hires: the highest stage they reached (:func:`stage_reached`) is
    « Embauché ». The one rule for the dashboard's figures, the funnel and the Offres page."""
    return stage >= _STAGE[Status.HIRED]


def hires_per_offer(suggestions: pd.DataFrame, decisions: pd.DataFrame) -> pd.Series:
    """Hires of each offer (offer_ref -> count), counted as :func:`hired` says."""
    mask = hired(stage_reached(suggestions, decisions)).to_numpy()
    return suggestions.loc[mask, F.OFFER_REF].value_counts()


def pair_facts(
    suggestions: pd.DataFrame,
    decisions: pd.DataFrame,
    offers: pd.DataFrame,
    offer_facts: pd.DataFrame,
    referential: Referential,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The facts the funnel counts: (offers, pairs).

    ``offers``: :meth:`Store.offers` (status None); ``offer_facts``: :meth:`Store.offer_facts`
    (created_at, occ_codes). Returns one row per offer (offer_ref, employer, positions, sector,
    qpv_group, month) and one row per suggested pair (offer_ref, structure, profile_ref, stage
    and the offer's dimensions)."""
    o = offers[[F.OFFER_REF, F.EMPLOYER, F.QPV, F.POSITIONS]].copy()
    o[F.OFFER_REF] = o[F.OFFER_REF].astype(str)
    facts = offer_facts.set_index(F.OFFER_REF)
    o[SECTOR_DIM] = (
        o[F.OFFER_REF].map(offer_sectors(offer_facts, referential)).fillna(UNKNOWN_SECTOR)
    )
    o[QPV_DIM] = qpv_group(o[F.QPV])
    o[MONTH_DIM] = (
        o[F.OFFER_REF]
        .map(facts[CREATED_AT])
        .fillna("")
        .astype(str)
        .str[:7]
        .replace("", UNKNOWN_MONTH)
    )
    o = o.drop(columns=F.QPV).reset_index(drop=True)
    pairs = suggestions[[F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]].copy()
    pairs[STAGE] = stage_reached(suggestions, decisions).to_numpy()
    pairs = pairs.merge(o[[F.OFFER_REF, SECTOR_DIM, QPV_DIM, MONTH_DIM]], on=F.OFFER_REF,
                        how="left")  # fmt: skip
    return o, pairs.reset_index(drop=True)


def funnel(offers: pd.DataFrame, pairs: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Counts at each step (columns :data:`STEPS`), one row per value of ``by`` (a dimension of
    :data:`DIMENSIONS`), or a single row "Total" when ``by`` is None.

    Offers are counted once per group; by structure, an offer counts for each structure whose
    people were suggested for it (the offers column then does not add up to the total)."""
    if by is None:
        offers = offers.assign(_all="Total")
        pairs = pairs.assign(_all="Total")
        by = "_all"
    if by == STRUCTURE_DIM:
        offer_counts = pairs.groupby(by)[F.OFFER_REF].nunique()
    else:
        offer_counts = offers.groupby(by)[F.OFFER_REF].nunique()
    out = pd.DataFrame({OFFERS: offer_counts})
    for stage, step in enumerate(_PAIR_STEPS):
        out[step] = pairs[pairs[STAGE] >= stage].groupby(by).size()
    out = out.fillna(0).astype(int)
    out.index.name = by if by != "_all" else None
    if by == MONTH_DIM:
        return out.sort_index()
    return out.sort_values([SUGGESTIONS, OFFERS], ascending=False, kind="stable")


def key_figures(
    offers: pd.DataFrame, pairs: pd.DataFrame, profiles: pd.DataFrame
) -> dict[str, int | float | None]:
    """The figures of the general assembly: offers, firms, firms in a QPV, positions, people
    accompanied, structures, suggestions, people proposed to a firm, interviews, hires, and the
    share of people proposed who were hired (None when nobody was proposed)."""
    firms = fold_series(offers[F.EMPLOYER].dropna().astype(str), keep="?")
    firms = firms[firms != ""]
    in_qpv = fold_series(
        offers[offers[QPV_DIM] == IN_QPV][F.EMPLOYER].dropna().astype(str), keep="?"
    )
    positions = pd.to_numeric(offers[F.POSITIONS], errors="coerce").fillna(1).clip(lower=1)
    person = [F.STRUCTURE, F.PROFILE_REF]
    proposed = pairs[pairs[STAGE] >= _STAGE[Status.PROPOSED]]
    hires = pairs[hired(pairs[STAGE])]
    n_proposed = len(proposed.drop_duplicates(person))
    n_hired = len(hires.drop_duplicates(person))
    return {
        "offers": len(offers),
        "firms": int(firms.nunique()),
        "firms_in_qpv": int(in_qpv[in_qpv != ""].nunique()),
        "positions": int(positions.sum()),
        "people": len(profiles),
        "structures": int(profiles[F.STRUCTURE].nunique()) if len(profiles) else 0,
        "suggestions": len(pairs),
        "people_proposed": n_proposed,
        "interviews": int((pairs[STAGE] >= _STAGE[Status.INTERVIEW]).sum()),
        "hires": len(hires),
        "people_hired": n_hired,
        "hire_rate": (n_hired / n_proposed) if n_proposed else None,
    }


KEY_FIGURE_LABELS: dict[str, str] = {
    "offers": "Offres collectées",
    "firms": "Entreprises",
    "firms_in_qpv": "dont entreprises en QPV",
    "positions": "Postes à pourvoir",
    "people": "Personnes accompagnées",
    "structures": "Structures d'insertion",
    "suggestions": "Rapprochements suggérés",
    "people_proposed": "Personnes proposées à un employeur",
    "interviews": "Entretiens",
    "hires": "Embauches",
    "people_hired": "Personnes embauchées",
    "hire_rate": "Part des personnes proposées embauchées",
}

__all__ = [
    "DIMENSIONS",
    "KEY_FIGURE_LABELS",
    "STEPS",
    "STEP_LABELS",
    "funnel",
    "key_figures",
    "offer_sectors",
    "pair_facts",
    "qpv_group",
    "stage_reached",
]
