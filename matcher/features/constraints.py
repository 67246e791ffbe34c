"""Constraints of a pair: required licence missing, contract type not accepted, hours
incompatible, schedule refused, not available before the start date.

Each check gives a boolean per pair (True = the constraint is broken); the ranking then excludes
the pair or lowers its score, as the settings say. Unknown values never break a constraint.

List-valued checks (licences, contracts) are decided once per distinct combination of values
(a handful: "B", "B+C"...) in a small table, then read by the pairs through integer look-ups.
What a check reads of each row (the ids of those combinations, hours, schedule flags, dates,
radius) is read once per frame (:func:`offer_rows`, :func:`profile_rows`): a ranking by
blocks scores tens of blocks of pairs against the same 100,000 profiles, and reading the
profiles' cells again for each block (a Python call per cell) cost more than the checks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

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


@dataclass(frozen=True)
class Rows:
    """What the checks read of each row of a prepared frame (offers or profiles)."""

    licence_ids: np.ndarray  # id of the row's licences (required by an offer, held by a person)
    licences: list[tuple[str, ...]]  # the distinct sorted lists of licences
    contract_ids: np.ndarray  # id of the contract types (offered, accepted)
    contracts: list[tuple[str, ...]]
    hours: np.ndarray  # weekly hours (offered, wanted), NaN when unknown
    flags: np.ndarray  # rows x SCHEDULE_FLAGS, 1 / 0 / -1 (see flag_values)
    days: np.ndarray  # start date of the offer, availability of the person (days, NaN)
    radius: np.ndarray | None = None  # the person's radius (km); None for offers


def _rows(frame: pd.DataFrame, licence: str, contract: str, hours: str, day: str) -> Rows:
    licence_ids, licences = _factorise_lists(frame[licence])
    contract_ids, contracts = _factorise_lists(frame[contract])
    flags = np.empty((len(frame), len(SCHEDULE_FLAGS)), dtype=np.int8)
    for i, flag in enumerate(SCHEDULE_FLAGS):
        flags[:, i] = flag_values(frame[flag])
    return Rows(
        licence_ids, licences, contract_ids, contracts,
        pd.to_numeric(frame[hours], errors="coerce").to_numpy(float), flags, days(frame[day]),
    )  # fmt: skip


def offer_rows(offers: pd.DataFrame) -> Rows:
    """What the checks read of each prepared offer."""
    return _rows(offers, F.LICENCE_REQUIRED, F.CONTRACT_TYPE, F.WEEKLY_HOURS, F.START_DATE)


def profile_rows(profiles: pd.DataFrame) -> Rows:
    """What the checks read of each prepared profile (the radius when the frame has it)."""
    rows = _rows(profiles, F.LICENCE, F.CONTRACT_TYPES, F.WANTED_HOURS, F.AVAILABLE_FROM)
    if F.RADIUS_KM not in profiles:
        return rows
    return replace(rows, radius=profiles[F.RADIUS_KM].to_numpy(float))


def _table_check(
    o_ids: np.ndarray,
    o_vals: list[tuple[str, ...]],
    p_ids: np.ndarray,
    p_vals: list[tuple[str, ...]],
    check,
) -> np.ndarray:
    """``check`` of each pair of ids, decided once per pair of distinct values."""
    table = np.array([[check(a, b) for b in p_vals] for a in o_vals], dtype=bool).reshape(
        len(o_vals), len(p_vals)
    )
    if table.size == 0:
        return np.zeros(len(o_ids), dtype=bool)
    return table[o_ids, p_ids]


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
    return broken_pairs(offer_rows(offers), profile_rows(profiles), offer_pos, profile_pos,
                        distance, tolerance)  # fmt: skip


def broken_pairs(
    offers: Rows,
    profiles: Rows,
    offer_pos: np.ndarray,
    profile_pos: np.ndarray,
    distance: np.ndarray | None = None,
    tolerance: tuple[float, float] = (2.0, 0.2),
) -> pd.DataFrame:
    """:func:`broken_constraints` from the rows' values read beforehand."""
    o_pos, p_pos = np.asarray(offer_pos, dtype=np.int64), np.asarray(profile_pos, dtype=np.int64)
    out: dict[str, np.ndarray] = {}
    out[LICENCE] = _table_check(offers.licence_ids[o_pos], offers.licences,
                                profiles.licence_ids[p_pos], profiles.licences,
                                licence_missing)  # fmt: skip
    out[CONTRACT] = _table_check(offers.contract_ids[o_pos], offers.contracts,
                                 profiles.contract_ids[p_pos], profiles.contracts,
                                 contract_refused)  # fmt: skip
    with np.errstate(invalid="ignore"):
        out[HOURS] = np.abs(offers.hours[o_pos] - profiles.hours[p_pos]) > HOURS_TOLERANCE
    # A flag the offer needs (1) that the person refuses (0).
    need = offers.flags[o_pos] == 1
    refused = profiles.flags[p_pos] == 0
    out[SCHEDULE] = (need & refused).any(axis=1)
    with np.errstate(invalid="ignore"):
        out[AVAILABILITY] = profiles.days[p_pos] > offers.days[o_pos] + AVAILABILITY_GRACE_DAYS
    if distance is None or profiles.radius is None:
        out[DISTANCE] = np.zeros(len(o_pos), dtype=bool)
    else:
        out[DISTANCE] = beyond_radius(distance, profiles.radius[p_pos], *tolerance)
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
