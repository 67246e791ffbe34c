"""Reasons: short French sentences a counsellor can read aloud, built from the components.

Called on the kept suggestions only (top-k), so the loop per suggestion here is bounded by
offers x k, not by offers x profiles; the columns it needs are taken out of the frames once as
plain arrays (no ``iloc`` per row).

Order of the sentences: occupation, skills, commute, contract, then every broken constraint
("Attention : ..."), which is always named whatever its policy.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.features import constraints as C
from matcher.features import occupation as O
from matcher.reference.referential import Referential
from matcher.settings import Settings

MAX_LISTED = 4  # skills named in a sentence before "et N autre(s)"
SCHEDULE_WORDS = ((F.NIGHTS, "de nuit"), (F.WEEKENDS, "le week-end"),
                  (F.SPLIT_SHIFTS, "en horaires coupés ou décalés"))  # fmt: skip


def _list(items: list[str]) -> str:
    if len(items) <= MAX_LISTED:
        return ", ".join(items)
    return ", ".join(items[:MAX_LISTED]) + f" et {len(items) - MAX_LISTED} autre(s)"


def _fr_km(d: float) -> str:
    return f"{d:.0f} km" if d >= 1 else "moins de 1 km"


def _named(code: str, labels: dict[str, str]) -> str:
    label = labels.get(code)
    return f"{code} {label}" if label else code


def occupation_sentence(
    kind: int,
    offer_codes: list[str],
    profile_codes: list[str],
    labels: dict[str, str],
    sectors: dict[str, str] | None = None,
    referential: Referential | None = None,
) -> str:
    """The occupation sentence, naming the codes that actually linked the two (the offer's and
    the person's, with their labels), not merely the first of each side."""
    link = (
        O.linking_codes(kind, offer_codes, profile_codes, referential)
        if referential is not None and kind >= O.DOMAIN
        else None
    )
    if kind == O.SAME:
        common = link[0] if link else next(c for c in offer_codes if c in profile_codes)
        return f"Métier visé identique ({_named(common, labels)})"
    if kind == O.UNKNOWN:
        if not offer_codes:
            return "Métier de l'offre non reconnu dans le référentiel : à vérifier"
        return "Métier visé non renseigné ou non reconnu : à vérifier"
    oc, pc = link if link else (offer_codes[0], profile_codes[0])
    if kind == O.FAMILY:
        return (
            f"Métier visé de la même famille ({_named(pc, labels)}) "
            f"que celui de l'offre ({_named(oc, labels)})"
        )
    if kind == O.CLOSE:
        return (
            f"Métier visé proche ({_named(pc, labels)}) de celui de l'offre ({_named(oc, labels)})"
        )
    if kind == O.DOMAIN:
        sector = (sectors or {}).get(oc)
        where = f"{oc[:3]} {sector}" if sector else oc[:3]
        return (
            f"Même domaine professionnel ({where}) : {_named(pc, labels)} pour {_named(oc, labels)}"
        )
    return f"Métier visé différent ({_named(profile_codes[0], labels)})"


def skills_sentence(matched: list[str], missing: list[str]) -> str | None:
    total = len(matched) + len(missing)
    if total == 0:
        return None
    if not matched:
        return f"Aucune des {total} compétences demandées ; manque : {_list(missing)}"
    noun = "compétence" if len(matched) == 1 else "compétences"
    text = f"{len(matched)} {noun} sur {total} : {_list(matched)}"
    if missing:
        text += f" ; manque : {_list(missing)}"
    return text


def reach_reasons(
    top: pd.DataFrame, offers: pd.DataFrame, profiles: pd.DataFrame, settings: Settings
) -> list[str]:
    """Why each row of ``top`` is in the "hors rayon / à discuter" part, or why its distance is
    unknown ("" for a reachable person): the broken reachability rules, in French."""
    if top.empty:
        return []
    o, p = top[F.OFFER_POS].to_numpy(), top[F.PROFILE_POS].to_numpy()
    tier = top[F.REACH_TIER].to_numpy() if F.REACH_TIER in top else np.zeros(len(top), int)
    distance = top[F.DISTANCE_KM].to_numpy(float)
    radius = profiles[F.RADIUS_KM].to_numpy(float)[p]
    means = profiles[F.MEANS].to_numpy(dtype=object)[p] if F.MEANS in profiles else [""] * len(p)
    required = offers[F.LICENCE_REQUIRED].to_numpy(dtype=object)[o]
    start = offers[F.START_DATE].to_numpy(dtype=object)[o]
    avail = profiles[F.AVAILABLE_FROM].to_numpy(dtype=object)[p]
    policy = settings.constraints
    # Whether each check demotes each row, read once as arrays (not one frame look-up a row).
    demotes = {
        check: (
            top[f"broken_{check}"].to_numpy(bool)
            if getattr(policy, check) == "demote"
            else np.zeros(len(top), dtype=bool)
        )
        for check in (C.DISTANCE, C.LICENCE, C.AVAILABILITY)
    }
    out = [""] * len(top)
    # Only rows "à discuter" or at an unknown distance get a sentence; the others stay "".
    for i in np.flatnonzero((tier == F.TIER_TO_DISCUSS) | (tier == F.TIER_UNKNOWN)).tolist():
        parts = []
        shown = tier[i] == F.TIER_TO_DISCUSS
        if demotes[C.DISTANCE][i]:
            how = f" ({means[i]})" if means[i] else ""
            parts.append(f"{_fr_km(distance[i])} pour un rayon de {radius[i]:.0f} km{how}")
        if demotes[C.LICENCE][i]:
            parts.append(f"permis {', '.join(_list_of(required[i]))} demandé, non détenu")
        if demotes[C.AVAILABILITY][i]:
            parts.append(f"disponible à partir du {_date(avail[i])}, poste à pourvoir le "
                         f"{_date(start[i])}")  # fmt: skip
        if math.isnan(distance[i]) and (shown or tier[i] == F.TIER_UNKNOWN):
            parts.append("distance inconnue (commune non reconnue)")
        out[i] = "; ".join(parts)
    return out


def held_licences(licence: list[str]) -> list[str]:
    """The licences a person holds that the commute sentence names (sorted)."""
    return sorted(C.implied_licences(licence) & set(licence))


def commute_sentence(
    distance: float,
    means: str,
    licence: list[str],
    radius: float,
    radius_given: bool = True,
    held: list[str] | None = None,
) -> str:
    """``held``: ``held_licences(licence)`` when the caller has it already."""
    if distance is None or math.isnan(distance):
        return "Distance inconnue (commune non reconnue)"
    parts = [_fr_km(distance)]
    held = held_licences(licence) if held is None else held
    if held and means == "voiture":
        parts.append(f"permis {', '.join(held)} et voiture")
    elif held:
        parts.append(f"permis {', '.join(held)}")
    elif means:
        parts.append(means)
    where = (
        f"rayon {radius:.0f} km" if radius_given else f"rayon non précisé, {radius:.0f} km retenus"
    )
    text = ", ".join(parts) + f" ({where})"
    if distance > radius:
        text = "Attention : " + text + ", au-delà du rayon de mobilité"
    return text


def desired_licence_sentence(desired: list[str], held: list[str]) -> str | None:
    """A licence the offer wishes for (France Travail "S"): said, never a constraint."""
    if not desired:
        return None
    has = C.implied_licences(held)
    got = [c for c in desired if c in has]
    if got and len(got) == len(desired):
        return f"Permis {', '.join(desired)} souhaité : détenu"
    return f"Permis {', '.join(desired)} souhaité (non exigé) : non détenu"


def _date(v) -> str:
    if isinstance(v, dt.datetime):
        v = v.date()
    return f"{v:%d/%m/%Y}" if isinstance(v, dt.date) else "?"


def _hours(v) -> str:
    try:
        return f"{float(v):g} h"
    except (TypeError, ValueError):
        return "?"


def _list_of(value) -> list[str]:
    return value if isinstance(value, list) else []


def build_reasons(
    top: pd.DataFrame,
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    referential: Referential,
    settings: Settings | None = None,
) -> list[list[str]]:
    """One list of sentences per row of ``top`` (which holds the positions, the link kind, the
    distance, the broken constraints and the matched/missing skills)."""
    if top.empty:
        return []
    labels, sectors = referential.label_by_code, referential.sector_by_code
    o = top[F.OFFER_POS].to_numpy()
    p = top[F.PROFILE_POS].to_numpy()

    def col(frame: pd.DataFrame, name: str, pos: np.ndarray) -> list:
        if name not in frame:
            return [None] * len(pos)
        return frame[name].to_numpy(dtype=object)[pos].tolist()

    def lists(frame: pd.DataFrame, name: str, pos: np.ndarray) -> list[list]:
        return [v if isinstance(v, list) else [] for v in col(frame, name, pos)]

    o_codes, p_codes = lists(offers, F.OCC_CODES, o), lists(profiles, F.OCC_CODES, p)
    means, licence = col(profiles, F.MEANS, p), lists(profiles, F.LICENCE, p)
    radius = profiles[F.RADIUS_KM].to_numpy(float)[p]
    given = pd.to_numeric(profiles[F.MOBILITY_KM], errors="coerce").to_numpy(float)[p] > 0
    contracts = lists(offers, F.CONTRACT_TYPE, o)
    accepted = lists(profiles, F.CONTRACT_TYPES, p)
    required = lists(offers, F.LICENCE_REQUIRED, o)
    desired = lists(offers, F.LICENCE_DESIRED, o)
    o_hours, p_hours = col(offers, F.WEEKLY_HOURS, o), col(profiles, F.WANTED_HOURS, p)
    start, avail = col(offers, F.START_DATE, o), col(profiles, F.AVAILABLE_FROM, p)
    o_flags = {f: C.flag_values(offers[f])[o] for f, _ in SCHEDULE_WORDS}
    p_flags = {f: C.flag_values(profiles[f])[p] for f, _ in SCHEDULE_WORDS}
    kind = top[F.OCC_KIND].to_numpy()
    distance = top[F.DISTANCE_KM].to_numpy(float)
    matched, missing = top[F.MATCHED_SKILLS].tolist(), top[F.MISSING_SKILLS].tolist()
    broken = {c: top[f"broken_{c}"].to_numpy(bool) for c in C.CHECKS}

    # The occupation sentence depends on the link kind and the two lists of codes only: the
    # same (offer codes, person codes) come back many times among the kept suggestions.
    occupation: dict[tuple[int, tuple[str, ...], tuple[str, ...]], str] = {}
    held_by: dict[tuple[str, ...], list[str]] = {}  # licences named, per licence list
    out: list[list[str]] = []
    for i in range(len(top)):
        oc, pc = o_codes[i], p_codes[i]
        key = (int(kind[i]), tuple(oc), tuple(pc))
        sentence = occupation.get(key)
        if sentence is None:
            sentence = occupation[key] = occupation_sentence(
                key[0], oc, pc, labels, sectors, referential
            )
        sentences = [sentence]
        s = skills_sentence(matched[i], missing[i])
        if s:
            sentences.append(s)
        held_key = tuple(licence[i])
        held = held_by.get(held_key)
        if held is None:
            held = held_by[held_key] = held_licences(licence[i])
        sentences.append(
            commute_sentence(
                distance[i], means[i] or "", licence[i], radius[i], bool(given[i]), held
            )
        )
        offered, ok_for = contracts[i], accepted[i]
        if broken[C.CONTRACT][i]:
            sentences.append(
                f"Attention : contrat {', '.join(offered)} non souhaité "
                f"(souhaite : {', '.join(ok_for)})"
            )
        elif offered and ok_for:
            ok = [c for c in offered if c in ok_for]
            sentences.append(f"Contrat {', '.join(ok or offered)} accepté")
        if broken[C.LICENCE][i]:
            sentences.append(f"Attention : permis {', '.join(required[i])} demandé, non détenu")
        s = desired_licence_sentence(desired[i], licence[i])
        if s:
            sentences.append(s)
        if broken[C.HOURS][i]:
            sentences.append(
                f"Attention : {_hours(o_hours[i])} par semaine proposées, "
                f"{_hours(p_hours[i])} souhaitées"
            )
        if broken[C.SCHEDULE][i]:
            refused = [
                words for f, words in SCHEDULE_WORDS if o_flags[f][i] == 1 and p_flags[f][i] == 0
            ]
            sentences.append(f"Attention : travail {' et '.join(refused)} non souhaité")
        if broken[C.AVAILABILITY][i]:
            sentences.append(
                f"Attention : disponible à partir du {_date(avail[i])}, "
                f"poste à pourvoir le {_date(start[i])}"
            )
        out.append(sentences)
    return out
