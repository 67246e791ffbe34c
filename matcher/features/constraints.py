"""Constraints of a pair: required licence missing, contract type not accepted, hours
incompatible, schedule refused, not available before the start date.

Each check gives a boolean per pair (True = the constraint is broken); the ranking then excludes
the pair or lowers its score, as the settings say. Unknown values never break a constraint.

List-valued checks (licences, contracts) are decided once per distinct combination of values
(a handful: "B", "B+C"...) in a small table, then read by the pairs through integer look-ups.
"""

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
DISTANCE = "distance"  # beyond the person's radius by more than the tolerance (settings)
CHECKS = (LICENCE, CONTRACT, HOURS, SCHEDULE, AVAILABILITY, DISTANCE)
# The checks that say the person cannot reach or take the job at all (demoted by default).
REACH_CHECKS = (DISTANCE, LICENCE, AVAILABILITY)

# Wanted and offered weekly hours differ by more than this: incompatible.
HOURS_TOLERANCE = 8.0
# A person available up to this many days after the start date is still fine.
AVAILABILITY_GRACE_DAYS = 15

SCHEDULE_FLAGS = (F.NIGHTS, F.WEEKENDS, F.SPLIT_SHIFTS)


def _factorise_lists(series: pd.Series) -> tuple[np.ndarray, list[tuple[str, ...]]]:
    """Each row's list -> id of its distinct sorted tuple, and the tuples."""
    tuples = series.map(lambda v: tuple(sorted(v)) if isinstance(v, list) else ())
    codes, uniques = pd.factorize(tuples)
    return codes.astype(np.int64), list(uniques)


def implied_licences(held: tuple[str, ...] | list[str]) -> set[str]:
    """Licences a person can use: each category held and what it covers officially
    (``F.LICENCE_COVERS``: CE covers C, C1, C1E, BE and B; DE covers D, D1, D1E, BE, B...). "en
    cours" (licence being prepared) and "aucun" hold nothing yet. A licence the offer only wishes
    for (``F.LICENCE_DESIRED``) is never checked here: it is not a constraint."""
    implied = set(held) - {"en cours", "aucun"}
    for code in list(implied):
        implied |= F.LICENCE_COVERS.get(code, frozenset())
    return implied


def licence_missing(required: tuple[str, ...], held: tuple[str, ...]) -> bool:
    return bool(required) and not set(required) <= implied_licences(held)


def contract_refused(offered: tuple[str, ...], accepted: tuple[str, ...]) -> bool:
    return bool(offered) and bool(accepted) and not (set(offered) & set(accepted))


def _table_check(offer_col, profile_col, o_pos, p_pos, check) -> np.ndarray:
    o_ids, o_vals = _factorise_lists(offer_col)
    p_ids, p_vals = _factorise_lists(profile_col)
    table = np.array([[check(a, b) for b in p_vals] for a in o_vals], dtype=bool).reshape(
        len(o_vals), len(p_vals)
    )
    if table.size == 0:
        return np.zeros(len(o_pos), dtype=bool)
    return table[o_ids[o_pos], p_ids[p_pos]]


def flag_values(series: pd.Series) -> np.ndarray:
    """Schedule flags (True / False / None) -> 1 / 0 / -1."""
    return np.array([1 if v is True else (0 if v is False else -1) for v in series], dtype=np.int8)


def beyond_radius(
    distance: np.ndarray, radius: np.ndarray, tolerance_km: float, tolerance_share: float
) -> np.ndarray:
    """Distance past the radius by more than the tolerance (False when the distance is unknown):
    distance > radius + max(tolerance_km, tolerance_share x radius)."""
    d, r = np.asarray(distance, float), np.asarray(radius, float)
    with np.errstate(invalid="ignore"):
        return d > r + np.maximum(tolerance_km, tolerance_share * r)


def broken_constraints(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    offer_pos: np.ndarray,
    profile_pos: np.ndarray,
    distance: np.ndarray | None = None,
    tolerance: tuple[float, float] = (2.0, 0.2),
) -> pd.DataFrame:
    """One boolean column per check, one row per pair. ``distance`` (km per pair) and
    ``tolerance`` (km, share of the radius) decide the distance check (never broken without
    distances)."""
    o_pos, p_pos = np.asarray(offer_pos), np.asarray(profile_pos)
    out: dict[str, np.ndarray] = {}
    out[LICENCE] = _table_check(
        offers[F.LICENCE_REQUIRED], profiles[F.LICENCE], o_pos, p_pos, licence_missing
    )
    out[CONTRACT] = _table_check(
        offers[F.CONTRACT_TYPE], profiles[F.CONTRACT_TYPES], o_pos, p_pos, contract_refused
    )
    oh = pd.to_numeric(offers[F.WEEKLY_HOURS], errors="coerce").to_numpy(float)
    ph = pd.to_numeric(profiles[F.WANTED_HOURS], errors="coerce").to_numpy(float)
    with np.errstate(invalid="ignore"):
        out[HOURS] = np.abs(oh[o_pos] - ph[p_pos]) > HOURS_TOLERANCE

    sched = np.zeros(len(o_pos), dtype=bool)
    for flag in SCHEDULE_FLAGS:
        need = flag_values(offers[flag])[o_pos] == 1
        refused = flag_values(profiles[flag])[p_pos] == 0
        sched |= need & refused
    out[SCHEDULE] = sched

    start = days(offers[F.START_DATE])
    avail = days(profiles[F.AVAILABLE_FROM])
    with np.errstate(invalid="ignore"):
        out[AVAILABILITY] = avail[p_pos] > start[o_pos] + AVAILABILITY_GRACE_DAYS
    if distance is None or F.RADIUS_KM not in profiles:
        out[DISTANCE] = np.zeros(len(o_pos), dtype=bool)
    else:
        radius = profiles[F.RADIUS_KM].to_numpy(float)[p_pos]
        out[DISTANCE] = beyond_radius(distance, radius, *tolerance)
    return pd.DataFrame(out)


def days(series: pd.Series) -> np.ndarray:
    """Dates -> days since 1970 as float (NaN when unknown)."""
    epoch = dt.date(1970, 1, 1)

    def one(v) -> float:
        if v is None or v is pd.NaT:
            return np.nan
        if isinstance(v, dt.datetime):
            v = v.date()
        return float((v - epoch).days) if isinstance(v, dt.date) else np.nan

    return np.array([one(v) for v in series], dtype=float)
