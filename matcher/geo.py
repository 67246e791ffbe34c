"""Geography: communes -> coordinates; distances in km (great-circle, haversine).

Great-circle distance underestimates road distance by roughly 20-30 % in this territory; the
commute component compares it with the person's own radius, which people also estimate "as the crow
flies" more often than not, so the simple measure is kept and said.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from matcher.normalise import fold_text
from matcher.paths import COMMUNES_DIR

INSEE = "code_insee"
NAME = "nom"
POSTAL = "code_postal"
LAT = "latitude"
LON = "longitude"
KEY = "key"

EARTH_RADIUS_KM = 6371.0


def commune_key(names: pd.Series) -> pd.Series:
    """Folded commune name for look-ups: "BRUAY LA BUISSIERE", "Bruay-la-Buissière" and
    "St-Omer" / "Saint Omer" give the same key."""
    k = fold_text(names)
    k = k.str.replace(r"\bste\b", "sainte", regex=True).str.replace(r"\bst\b", "saint", regex=True)
    k = k.str.replace(r"\b(?:cedex|cedex \d+)\b", "", regex=True)
    return k.str.replace(r"[\s-]+", " ", regex=True).str.strip()


@functools.cache
def builtin_communes() -> pd.DataFrame:
    """The built-in communes of the territory (``data/communes/territoire.csv``)."""
    frame = pd.read_csv(COMMUNES_DIR / "territoire.csv", dtype={INSEE: str, POSTAL: str})
    return prepare_communes(frame)


def prepare_communes(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the look-up key to a communes frame (code_insee, nom, code_postal, latitude, longitude)."""
    out = frame.copy()
    out[KEY] = commune_key(out[NAME])
    return out


def locate(
    communes: pd.Series, postal_codes: pd.Series, table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Coordinates for each (commune, postal code): by name (and postal code when both are given),
    else by postal code alone when it names one place, else by a postal code written in the commune
    cell ("62700"). Returns ``lat``, ``lon`` (NaN when unknown) on the same index."""
    table = builtin_communes() if table is None else table
    names = commune_key(communes.astype("object").where(communes.notna(), ""))
    postal = postal_codes.astype("object").where(postal_codes.notna(), "").astype(str)
    # A postal code written in the commune cell.
    in_name = communes.astype("object").where(communes.notna(), "").astype(str)
    in_name = in_name.str.extract(r"\b(\d{5})\b", expand=False).fillna("")
    postal = postal.where(postal != "", in_name)
    names = names.str.replace(r"\b\d{5}\b", "", regex=True).str.strip()

    by_name_cp = table.drop_duplicates([KEY, POSTAL]).set_index([KEY, POSTAL])[[LAT, LON]]
    by_name = table.groupby(KEY)[[LAT, LON]].mean()
    by_cp = table.groupby(POSTAL)[[LAT, LON]].mean()

    out = pd.DataFrame({"lat": np.nan, "lon": np.nan}, index=communes.index)
    pairs = pd.MultiIndex.from_arrays([names, postal])
    hit = by_name_cp.reindex(pairs)
    out["lat"] = hit[LAT].to_numpy()
    out["lon"] = hit[LON].to_numpy()
    for lookup, keys in ((by_name, names), (by_cp, postal)):
        missing = out["lat"].isna().to_numpy()
        if not missing.any():
            break
        found = lookup.reindex(keys[missing])
        out.loc[missing, "lat"] = found[LAT].to_numpy()
        out.loc[missing, "lon"] = found[LON].to_numpy()
    return out


def haversine_matrix(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distances in km between every point of set 1 (rows) and set 2 (columns)."""
    p1, l1 = (
        np.radians(np.asarray(lat1, float))[:, None],
        np.radians(np.asarray(lon1, float))[:, None],
    )
    p2, l2 = (
        np.radians(np.asarray(lat2, float))[None, :],
        np.radians(np.asarray(lon2, float))[None, :],
    )
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def haversine_pairs(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distances in km between aligned arrays of points."""
    p1, l1, p2, l2 = (np.radians(np.asarray(x, float)) for x in (lat1, lon1, lat2, lon2))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
