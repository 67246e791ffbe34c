"""Commute: the distance between the offer's and the person's communes against the person's own
radius and means. 1 up to a share of the radius, then linear down to 0 at the radius; NaN when a
place is unknown. The commune itself never enters the score, only the distance."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from matcher.reference.geo import haversine_pairs

if TYPE_CHECKING:
    from matcher.settings import Settings


def commute_score(
    offer_lat: np.ndarray,
    offer_lon: np.ndarray,
    profile_lat: np.ndarray,
    profile_lon: np.ndarray,
    radius_km: np.ndarray,
    full_share: float,
) -> tuple[np.ndarray, np.ndarray]:
    """(score, distance in km) per pair; both NaN where a coordinate is missing."""
    d = haversine_pairs(offer_lat, offer_lon, profile_lat, profile_lon)
    radius = np.maximum(np.asarray(radius_km, float), 1.0)
    full = full_share * radius
    score = np.clip((radius - d) / np.maximum(radius - full, 1e-9), 0.0, 1.0)
    score = np.where(d <= full, 1.0, score)
    return np.where(np.isnan(d), np.nan, score), d


def reach_factor(commute_score: np.ndarray, settings: Settings) -> np.ndarray:
    """1 when the person can easily get there, down to 1 - commute_factor at and past their
    radius; 1 when a place is unknown (unknown does not punish). Here rather than in the
    scoring so that explaining a stored score (exports) does not load the ranking's libraries."""
    c = np.nan_to_num(np.asarray(commute_score, dtype=float), nan=1.0)
    return 1.0 - settings.ranking.commute_factor * (1.0 - c)
