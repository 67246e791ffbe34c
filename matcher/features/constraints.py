"""Constraints of a pair: required licence missing, contract type not accepted, hours
incompatible, schedule refused, not available before the start date.

Each check gives a boolean per pair (True = the constraint is broken); the ranking then excludes
the pair or lowers its score, as the settings say. Unknown values never break a constraint."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from matcher import fields as F

LICENCE = "licence"
CONTRACT = "contract"
HOURS = "hours"
SCHEDULE = "schedule"
AVAILABILITY = "availability"
CHECKS = (LICENCE, CONTRACT, HOURS, SCHEDULE, AVAILABILITY)

# Wanted and offered weekly hours differ by more than this: incompatible.
HOURS_TOLERANCE = 8.0
# A person available up to this many days after the start date is still fine.
AVAILABILITY_GRACE_DAYS = 15


def _as_lists(series: pd.Series) -> pd.Series:
    return series.map(lambda v: v if isinstance(v, list) else [])


def _held(required: list[str], held: list[str]) -> bool:
    # A C or D licence implies B; "en cours" does not count yet.
    implied = set(held)
    if implied & {"C", "CE", "D", "BE"}:
        implied.add("B")
    if "CE" in implied:
        implied.add("C")
    return all(r in implied for r in required)


def broken_constraints(
    offers: pd.DataFrame, profiles: pd.DataFrame, offer_pos: np.ndarray, profile_pos: np.ndarray
) -> pd.DataFrame:
    """One boolean column per check, one row per pair."""
    out = {}
    # Licence: per distinct (required, held) combination, a handful in practice.
    req = _as_lists(offers[F.LICENCE_REQUIRED]).map(tuple).to_numpy()[offer_pos]
    held = _as_lists(profiles[F.LICENCE]).map(tuple).to_numpy()[profile_pos]
    key = pd.Series(list(zip(req, held, strict=True)))
    combos = {k: bool(k[0]) and not _held(list(k[0]), list(k[1])) for k in pd.unique(key)}
    out[LICENCE] = key.map(combos).to_numpy(dtype=bool)

    offered = _as_lists(offers[F.CONTRACT_TYPE]).map(tuple).to_numpy()[offer_pos]
    accepted = _as_lists(profiles[F.CONTRACT_TYPES]).map(tuple).to_numpy()[profile_pos]
    key = pd.Series(list(zip(offered, accepted, strict=True)))
    combos = {k: bool(k[0]) and bool(k[1]) and not (set(k[0]) & set(k[1])) for k in pd.unique(key)}
    out[CONTRACT] = key.map(combos).to_numpy(dtype=bool)

    oh = pd.to_numeric(offers[F.WEEKLY_HOURS], errors="coerce").to_numpy(float)[offer_pos]
    ph = pd.to_numeric(profiles[F.WANTED_HOURS], errors="coerce").to_numpy(float)[profile_pos]
    with np.errstate(invalid="ignore"):
        out[HOURS] = np.abs(oh - ph) > HOURS_TOLERANCE

    sched = np.zeros(len(offer_pos), dtype=bool)
    for flag in (F.NIGHTS, F.WEEKENDS, F.SPLIT_SHIFTS):
        need = offers[flag].map(lambda v: v is True).to_numpy(bool)[offer_pos]
        refused = profiles[flag].map(lambda v: v is False).to_numpy(bool)[profile_pos]
        sched |= need & refused
    out[SCHEDULE] = sched

    start = _days(offers[F.START_DATE])[offer_pos]
    avail = _days(profiles[F.AVAILABLE_FROM])[profile_pos]
    with np.errstate(invalid="ignore"):
        out[AVAILABILITY] = avail > start + AVAILABILITY_GRACE_DAYS
    return pd.DataFrame(out)


def _days(series: pd.Series) -> np.ndarray:
    """Dates -> days since 1970 as float (NaN when unknown)."""
    epoch = dt.date(1970, 1, 1)
    return series.map(
        lambda v: float((v - epoch).days) if isinstance(v, dt.date) else np.nan
    ).to_numpy(float)
