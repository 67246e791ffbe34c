"""Commute: the distance between the offer's and the person's communes against the person's own
radius and means. 1 up to a share of the radius, then linear down to 0 at the radius; NaN when a
place is unknown. The commune itself never enters the score, only the distance."""

from __future__ import annotations

import numpy as np

from matcher.reference.geo import haversine_pairs


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
