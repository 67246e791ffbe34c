"""A counsellor's queue: the suggestions still to review across all their people, best first,
and the people who have no suggestion, with why (no occupation recognised, too far,
constraints, others better placed). The coordinator gets the same over all offers.

Reads go through the store with the acting user, so a counsellor only ever gets their
structure's people (filtered in SQL); nothing here writes."""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.features import constraints as C
from matcher.fields import OfferStatus, Status
from matcher.identity import SYSTEM, User
from matcher.ranking import explain
from matcher.ranking.scoring import score_pairs
from matcher.reference.display import proper_communes, proper_name, proper_title
from matcher.reference.geo import active_communes
from matcher.reference.referential import active_referential
from matcher.settings import Settings
from matcher.store.database import Store
from matcher.workflow import indicators

log = logging.getLogger(__name__)

# Columns of :func:`todo` beyond the suggestion's own.
POINTS = "points"  # the score shown, out of 100 (explain.score_points)
OFFER_TITLE = "offer_title"
OFFER_EMPLOYER = "offer_employer"
OFFER_COMMUNE = "offer_commune"
OFFER_QPV = "offer_qpv"  # indicators.IN_QPV, OUT_QPV or UNKNOWN_QPV
OFFER_START = "offer_start"
SECTOR = "sector"
TARGET_JOBS = "target_jobs_text"
WHY = "why"  # Sans suggestion: French sentence
WHY_KIND = "why_kind"  # occupation, distance, constraints, score, nothing

WHY_OCCUPATION = "occupation"
WHY_DISTANCE = "distance"
WHY_CONSTRAINTS = "constraints"
WHY_SCORE = "score"
WHY_NO_OFFER = "no_offer"
WHY_LABELS = {
    WHY_OCCUPATION: "métier visé non reconnu",
    WHY_DISTANCE: "trop loin",
    WHY_CONSTRAINTS: "contraintes",
    WHY_SCORE: "d'autres candidats mieux placés",
    WHY_NO_OFFER: "aucune offre ouverte",
}
CONSTRAINT_WORDS = {
    C.LICENCE: "permis demandé non détenu",
    C.CONTRACT: "contrat non souhaité",
    C.HOURS: "durée du travail",
    C.SCHEDULE: "horaires (nuit, week-end, coupures)",
    C.AVAILABILITY: "date de disponibilité",
}


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if str(v).strip())
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def todo(store: Store, user: User, statuses: tuple[str, ...] = (Status.SUGGESTED,)) -> pd.DataFrame:
    """Suggestions not yet reviewed (by default) over every open offer and every person the
    user may see, best score first, with the offer's title, firm, commune (proper form), QPV,
    start date and sector, and the person's target jobs."""
    suggestions = store.suggestions(user, status=list(statuses))
    offers = store.offers(user, status=None)
    if suggestions.empty or offers.empty:
        return suggestions.assign(**{c: pd.Series(dtype=object) for c in (
            POINTS, OFFER_TITLE, OFFER_EMPLOYER, OFFER_COMMUNE, OFFER_QPV, OFFER_START, SECTOR,
            TARGET_JOBS)})  # fmt: skip
    offers = offers[offers[F.STATUS] == OfferStatus.OPEN]
    sectors = indicators.offer_sectors(store.offer_facts(user), active_referential(store))
    o = pd.DataFrame({
        F.OFFER_REF: offers[F.OFFER_REF],
        OFFER_TITLE: proper_title(offers[F.TITLE]),
        OFFER_EMPLOYER: proper_name(offers[F.EMPLOYER]),
        OFFER_COMMUNE: proper_communes(offers[F.COMMUNE], active_communes(store)),
        OFFER_QPV: indicators.qpv_group(offers[F.QPV]).to_numpy(),
        OFFER_START: offers[F.START_DATE],
        SECTOR: offers[F.OFFER_REF].map(sectors).fillna(indicators.UNKNOWN_SECTOR),
    })  # fmt: skip
    people = store.profiles(user)[[F.STRUCTURE, F.PROFILE_REF, F.TARGET_JOBS]]
    people = people.assign(**{TARGET_JOBS: people[F.TARGET_JOBS].map(_text)})
    rows = suggestions.merge(o, on=F.OFFER_REF, how="inner")
    rows = rows.merge(people[[F.STRUCTURE, F.PROFILE_REF, TARGET_JOBS]],
                      on=[F.STRUCTURE, F.PROFILE_REF], how="left")  # fmt: skip
    rows[TARGET_JOBS] = rows[TARGET_JOBS].fillna("")
    rows[POINTS] = explain.score_points_series(rows[F.SCORE])
    # People who cannot reach the job (« hors rayon / à discuter », issue 13) after the others.
    discuss = rows[F.TO_DISCUSS] if F.TO_DISCUSS in rows else pd.Series(False, index=rows.index)
    rows[F.TO_DISCUSS] = discuss.fillna(False).astype(bool)
    rows = rows.sort_values([F.TO_DISCUSS, F.SCORE, F.OFFER_REF, F.PROFILE_REF],
                            ascending=[True, False, True, True], kind="stable")  # fmt: skip
    return rows.reset_index(drop=True)


def without_suggestion(store: Store, user: User, settings: Settings) -> pd.DataFrame:
    """The people (that ``user`` may see) with no suggestion at all, and why, in French.

    Each is scored against every open offer (a few people x the offers: small) with the
    settings of the latest run: no occupation recognised; every offer beyond their mobility
    radius; every offer within reach excluded by a constraint; else the best offer's score was
    below the others' (other candidates better placed)."""
    profiles = store.profiles(user)
    columns = [F.STRUCTURE, F.PROFILE_REF, TARGET_JOBS, WHY_KIND, WHY]
    if profiles.empty:
        return pd.DataFrame(columns=columns)
    suggested = store.suggestions(user)[[F.STRUCTURE, F.PROFILE_REF]].drop_duplicates()
    merged = profiles.merge(suggested, on=[F.STRUCTURE, F.PROFILE_REF], how="left",
                            indicator=True)  # fmt: skip
    alone = merged[merged["_merge"] == "left_only"].drop(columns="_merge").reset_index(drop=True)
    if alone.empty:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame({
        F.STRUCTURE: alone[F.STRUCTURE], F.PROFILE_REF: alone[F.PROFILE_REF],
        TARGET_JOBS: alone[F.TARGET_JOBS].map(_text),
    })  # fmt: skip

    offers = store.offers(SYSTEM)
    if offers.empty:
        out[WHY_KIND] = WHY_NO_OFFER
        out[WHY] = "Aucune offre ouverte pour l'instant."
        return out
    full = store.profiles(SYSTEM)
    full = full.merge(alone[[F.STRUCTURE, F.PROFILE_REF]], on=[F.STRUCTURE, F.PROFILE_REF])
    full = alone[[F.STRUCTURE, F.PROFILE_REF]].merge(full, on=[F.STRUCTURE, F.PROFILE_REF],
                                                     how="left")  # fmt: skip
    n_o, n_p = len(offers), len(full)
    o_pos = np.repeat(np.arange(n_o), n_p)
    p_pos = np.tile(np.arange(n_p), n_o)
    scored = score_pairs(offers, full, settings, active_referential(store), active_communes(store),
                         pairs=(o_pos, p_pos))  # fmt: skip
    pairs = scored.pairs
    codes = scored.profiles[F.OCC_CODES]
    radius = scored.profiles[F.RADIUS_KM].to_numpy(float)
    kinds, whys = [], []
    for p in range(n_p):  # people without suggestion: a handful, each over the open offers
        mine = pairs[pairs[F.PROFILE_POS] == p]
        has_code = isinstance(codes.iloc[p], list) and len(codes.iloc[p]) > 0
        jobs = out[TARGET_JOBS].iloc[p]
        if not has_code:
            kinds.append(WHY_OCCUPATION)
            whys.append("Métier visé non renseigné ou non reconnu"
                        + (f" (« {jobs[:60]} »)" if jobs else "")
                        + " : précisez-le dans votre fichier (intitulé ou code ROME).")  # fmt: skip
            continue
        related = mine[mine[F.OCC_KIND] > 0]
        pool = related if not related.empty else mine
        dist = pool[F.DISTANCE_KM].to_numpy(float)
        known = ~np.isnan(dist)
        if known.any() and (dist[known] > radius[p]).all():
            kinds.append(WHY_DISTANCE)
            whys.append(f"Trop loin : l'offre la plus proche de son métier est à "
                        f"{np.nanmin(dist):.0f} km, pour un rayon de mobilité de "
                        f"{radius[p]:.0f} km.")  # fmt: skip
            continue
        near = pool[~(pool[F.DISTANCE_KM] > radius[p])]
        if not near.empty and near[F.EXCLUDED].all():
            broken = [w for c, w in CONSTRAINT_WORDS.items() if near[f"broken_{c}"].any()]
            kinds.append(WHY_CONSTRAINTS)
            whys.append("Contraintes : " + ", ".join(broken) + " pour les offres à sa portée.")
            continue
        best = (near if not near.empty else pool).sort_values(F.SCORE, ascending=False)
        points = explain.score_points(best[F.SCORE].iloc[0]) if not best.empty else 0
        kinds.append(WHY_SCORE)
        whys.append(f"D'autres candidats sont mieux placés : son meilleur score est "
                    f"{points}/100, sous les candidats retenus pour ces offres.")  # fmt: skip
    out[WHY_KIND] = kinds
    out[WHY] = whys
    return out.sort_values([WHY_KIND, F.PROFILE_REF], kind="stable").reset_index(drop=True)


# A possible duplicate of an offer already stored, as the importer words it
# (matcher.intake.duplicates._report_existing).
_EXISTING_RE = re.compile(
    r"l'offre « (?P<existing>[^»]+?) » déjà enregistrée.*?sous la référence (?P<new>[^,\s]+),"
)


def duplicate_offers(findings: list[dict]) -> list[dict]:
    """The possible duplicates of stored offers among an import report's duplicate findings
    (dicts with « Ligne », « Feuille », « Motif »): each with ``new`` (the reference it was
    imported under) and ``existing`` (the stored offer it looks like), so that a person can
    merge it into the existing offer or keep both."""
    out = []
    for f in findings:
        m = _EXISTING_RE.search(str(f.get("Motif", "")))
        if m:
            out.append({**f, "new": m.group("new"), "existing": m.group("existing")})
    return out


__all__ = ["duplicate_offers", "todo", "without_suggestion"]
