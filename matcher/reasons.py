"""Reasons: short French sentences a counsellor can read aloud, built from the components.

Called on the kept suggestions only (top-k), so a loop per suggestion here is bounded by
offers x k, not by offers x profiles.
"""

from __future__ import annotations

import math

import pandas as pd

from matcher import fields as F
from matcher.features import constraints as C
from matcher.referential import CODE, LABEL, Referential

OCC_KIND, OFFER_POS, PROFILE_POS, MEANS, RADIUS_KM = (
    F.OCC_KIND,
    F.OFFER_POS,
    F.PROFILE_POS,
    F.MEANS,
    F.RADIUS_KM,
)

MAX_LISTED = 4  # skills named in a sentence before "..."


def _list(items: list[str]) -> str:
    if len(items) <= MAX_LISTED:
        return ", ".join(items)
    return ", ".join(items[:MAX_LISTED]) + f" et {len(items) - MAX_LISTED} autre(s)"


def _fr_km(d: float) -> str:
    return f"{d:.0f} km" if d >= 1 else "moins de 1 km"


def occupation_sentence(kind: int, offer_codes: list[str], profile_codes: list[str], labels) -> str:
    if kind == 3:
        common = [c for c in offer_codes if c in profile_codes][0]
        return f"Métier visé identique ({common} {labels.get(common, '')})".replace(" )", ")")
    if kind == 2:
        o = offer_codes[0]
        return f"Métier proche de celui visé ({o} {labels.get(o, '')})".replace(" )", ")")
    if kind == 1:
        return f"Même domaine professionnel ({offer_codes[0][:3]})"
    if kind == -1:
        if not offer_codes:
            return "Métier de l'offre non reconnu dans le référentiel"
        return "Métier visé non renseigné ou non reconnu"
    return "Métier visé différent"


def skills_sentence(matched: list[str], missing: list[str]) -> str | None:
    total = len(matched) + len(missing)
    if total == 0:
        return None
    if not matched:
        return f"Aucune des {total} compétences demandées ; manque : {_list(missing)}"
    text = f"{len(matched)} compétence(s) sur {total} : {_list(matched)}"
    if missing:
        text += f" ; manque : {_list(missing)}"
    return text


def commute_sentence(distance: float, means: str, licence: list[str], radius: float) -> str:
    if distance is None or math.isnan(distance):
        return "Distance inconnue (commune non reconnue)"
    parts = [_fr_km(distance)]
    held = [x for x in licence if x not in ("aucun", "en cours")]
    if held and means == "voiture":
        parts.append(f"permis {', '.join(held)} et voiture")
    elif held:
        parts.append(f"permis {', '.join(held)}")
    elif means:
        parts.append(means)
    text = ", ".join(parts) + f" (rayon {radius:.0f} km)"
    if distance > radius:
        text = "Attention : " + text + ", au-delà du rayon de mobilité"
    return text


def build_reasons(
    top: pd.DataFrame, offers: pd.DataFrame, profiles: pd.DataFrame, referential: Referential
) -> list[list[str]]:
    """One list of sentences per row of ``top`` (which holds the component columns, the
    positions and the matched/missing skills)."""
    labels = referential.codes.set_index(CODE)[LABEL].to_dict()
    out: list[list[str]] = []
    for row in top.itertuples(index=False):
        o = offers.iloc[getattr(row, OFFER_POS)]
        p = profiles.iloc[getattr(row, PROFILE_POS)]
        sentences = [
            occupation_sentence(getattr(row, OCC_KIND), o[F.OCC_CODES], p[F.OCC_CODES], labels)
        ]
        s = skills_sentence(getattr(row, F.MATCHED_SKILLS), getattr(row, F.MISSING_SKILLS))
        if s:
            sentences.append(s)
        sentences.append(
            commute_sentence(getattr(row, F.DISTANCE_KM), p[MEANS], p[F.LICENCE], p[RADIUS_KM])
        )
        contracts = o[F.CONTRACT_TYPE]
        if getattr(row, f"broken_{C.CONTRACT}"):
            sentences.append(f"Attention : contrat {', '.join(contracts)} non souhaité")
        elif contracts and p[F.CONTRACT_TYPES]:
            ok = [c for c in contracts if c in p[F.CONTRACT_TYPES]]
            sentences.append(f"Contrat {', '.join(ok or contracts)} accepté")
        if getattr(row, f"broken_{C.LICENCE}"):
            sentences.append(
                f"Attention : permis {', '.join(o[F.LICENCE_REQUIRED])} demandé, non détenu"
            )
        if getattr(row, f"broken_{C.HOURS}"):
            sentences.append(
                f"Attention : {o[F.WEEKLY_HOURS]:g} h par semaine proposées, "
                f"{p[F.WANTED_HOURS]:g} h souhaitées"
            )
        if getattr(row, f"broken_{C.SCHEDULE}"):
            refused = [
                name
                for flag, name in ((F.NIGHTS, "de nuit"), (F.WEEKENDS, "le week-end"),
                                   (F.SPLIT_SHIFTS, "en horaires coupés ou décalés"))
                if o[flag] is True and p[flag] is False
            ]  # fmt: skip
            sentences.append(f"Attention : travail {' et '.join(refused)} non souhaité")
        if getattr(row, f"broken_{C.AVAILABILITY}"):
            sentences.append(
                f"Attention : disponible à partir du {p[F.AVAILABLE_FROM]:%d/%m/%Y}, "
                f"poste à pourvoir le {o[F.START_DATE]:%d/%m/%Y}"
            )
        out.append(sentences)
    return out
