"""Geography: communes -> coordinates; distances in km (great-circle, haversine).

Two tables share one shape (code_insee, nom, code_postal, latitude, longitude[, ligne_5]): the
built-in communes of the territory (``data/communes/territoire.csv``) and La Poste's official base
of postal codes, loaded with ``python -m matcher communes load FILE`` (:func:`load_laposte`);
:func:`active_communes` gives the one to use. A commune is found by its name written any usual
way ("BRUAY LA BUISSIERE", "Bruay-la-Buissière", "St Omer"), by a hamlet's name (La Poste's
``ligne_5``), by its postal code ("62700", also when written in the commune cell), and, failing
all that, by the closest name (rapidfuzz, for typos).

Great-circle distance underestimates road distance by roughly 20-30 % in this territory; the
commute component compares it with the person's own radius, which people also estimate "as the crow
flies" more often than not, so the simple measure is kept and said.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from matcher.errors import UserError
from matcher.paths import COMMUNES_DIR
from matcher.text.normalise import fold_text

if TYPE_CHECKING:
    from matcher.store.database import Store

INSEE = "code_insee"
NAME = "nom"
POSTAL = "code_postal"
LAT = "latitude"
LON = "longitude"
HAMLET = "ligne_5"
KEY = "key"
HOW = "how"  # how a commune was found: nom, nom+cp, lieu-dit, cp, approché, "" (not found)

# A name is taken for another when their similarity (rapidfuzz ratio, 0-100) reaches this.
FUZZY_MIN = 85.0
LAPOSTE_COLUMNS = {
    "code_commune_insee": INSEE,
    "code_insee": INSEE,
    "nom_commune_poste": NAME,
    "nom_de_la_commune": NAME,
    "code_postal": POSTAL,
    "ligne_5": HAMLET,
    "latitude": LAT,
    "longitude": LON,
}

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
    """Add the look-up key to a communes frame (code_insee, nom, code_postal, latitude,
    longitude[, ligne_5]). Hamlets (``ligne_5``) become extra rows keyed by their own name, with
    their commune's coordinates, unless that name is also a commune's."""
    out = frame.copy()
    out[KEY] = commune_key(out[NAME])
    out[HOW] = "nom"
    if HAMLET in out:
        hamlets = out[out[HAMLET].fillna("").astype(str).str.strip() != ""].copy()
        hamlets[KEY] = commune_key(hamlets[HAMLET])
        hamlets = hamlets[~hamlets[KEY].isin(set(out[KEY])) & (hamlets[KEY] != "")]
        hamlets[HOW] = "lieu-dit"
        out = pd.concat([out, hamlets], ignore_index=True)
    out[POSTAL] = out[POSTAL].astype(str).str.strip().str.zfill(5)
    return out[out[LAT].notna() & out[LON].notna()].reset_index(drop=True)


def load_laposte(path: str | Path) -> pd.DataFrame:
    """Read La Poste's base of postal codes (CSV, comma or semicolon separated, UTF-8 or
    Latin-1): one row per commune, postal code and delivery line, with coordinates. Returns
    code_insee, nom, code_postal, ligne_5, latitude, longitude; rows without coordinates are
    dropped (and counted in the log)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path} : fichier introuvable")
    raw = None
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            raw = pd.read_csv(path, dtype=str, sep=None, engine="python", encoding=encoding,
                              keep_default_na=False)  # fmt: skip
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise UserError(f"{path} : fichier illisible ({exc})") from exc
    if raw is None:
        raise UserError(f"{path} : encodage non reconnu (attendu UTF-8 ou Latin-1)")
    raw.columns = [str(c).strip().lower().lstrip("#") for c in raw.columns]
    frame = raw.rename(columns={c: LAPOSTE_COLUMNS[c] for c in raw.columns if c in LAPOSTE_COLUMNS})
    frame = frame.loc[:, ~frame.columns.duplicated()]
    if "coordonnees_gps" in frame and LAT not in frame:
        latlon = frame["coordonnees_gps"].str.split(",", n=1, expand=True)
        frame[LAT], frame[LON] = latlon[0], latlon[1]
    missing = [c for c in (INSEE, NAME, POSTAL, LAT, LON) if c not in frame]
    if missing:
        raise UserError(
            f"{path} : colonnes manquantes : {', '.join(missing)} (attendu le format de la base "
            "officielle des codes postaux de La Poste : code_insee, nom_commune_poste, "
            "code_postal, ligne_5, latitude, longitude)"
        )
    if HAMLET not in frame:
        frame[HAMLET] = ""
    out = frame[[INSEE, NAME, POSTAL, HAMLET, LAT, LON]].copy()
    for c in (LAT, LON):
        out[c] = pd.to_numeric(out[c].str.replace(",", ".", regex=False), errors="coerce")
    bad = out[LAT].isna() | out[LON].isna() | (out[NAME].str.strip() == "")
    if bad.all():
        raise UserError(f"{path} : aucune ligne avec un nom et des coordonnées")
    out[POSTAL] = out[POSTAL].str.strip().str.zfill(5)
    return out[~bad].reset_index(drop=True)


def active_communes(store: Store | None) -> pd.DataFrame:
    """The communes table the matcher uses: La Poste's base loaded in ``store`` when there is
    one, else the built-in table."""
    if store is None:
        return builtin_communes()
    stamp = store.communes_stamp()
    if stamp is None:
        return builtin_communes()
    return _stored_communes(store.target, stamp)


@functools.lru_cache(maxsize=4)
def _stored_communes(path: str, stamp: str) -> pd.DataFrame:
    from matcher.store.database import Store

    frame = Store(path).communes_frame()
    return builtin_communes() if frame is None else prepare_communes(frame)


def _fuzzy_names(names: np.ndarray, keys: np.ndarray) -> dict[str, str]:
    """Closest known key of each unknown name (rapidfuzz ratio >= FUZZY_MIN, a unique best), over
    the vocabularies of distinct names: one ``cdist``, no loop over rows."""
    names = np.unique(names[names != ""])
    keys = np.unique(keys)
    if not len(names) or not len(keys):
        return {}
    scores = process.cdist(names, keys, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN, workers=2)
    best = scores.max(axis=1)
    arg = scores.argmax(axis=1)
    unique_best = (scores == best[:, None]).sum(axis=1) == 1
    return {n: keys[a] for n, a, b, u in zip(names, arg, best, unique_best, strict=True)
            if b >= FUZZY_MIN and u}  # fmt: skip


def locate(
    communes: pd.Series, postal_codes: pd.Series, table: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Coordinates for each (commune, postal code). Tried in order: name and postal code, name
    alone (or a hamlet's name), the closest name for a typo (among the communes of the postal
    code when one is given), the postal code alone (centre of its communes), a postal code
    written in the commune cell ("62700"). Returns ``lat``, ``lon`` (NaN when unknown) and
    ``how`` (nom+cp, nom, lieu-dit, approché, cp, or "" when not found) on the same index."""
    table = builtin_communes() if table is None else table
    if KEY not in table or HOW not in table:
        table = prepare_communes(table)
    raw = communes.astype("object").where(communes.notna(), "").astype(str)
    names = commune_key(raw)
    postal = postal_codes.astype("object").where(postal_codes.notna(), "").astype(str)
    postal = postal.str.extract(r"(\d{4,5})", expand=False).fillna("").str.zfill(5)
    postal = postal.where(postal != "00000", "")
    # A postal code written in the commune cell.
    in_name = raw.str.extract(r"\b(\d{5})\b", expand=False).fillna("")
    postal = postal.where(postal != "", in_name)
    names = names.str.replace(r"\b\d{5}\b", "", regex=True).str.strip()

    main = table.sort_values(HOW, key=lambda h: h != "nom", kind="stable")  # communes first
    by_name_cp = main.drop_duplicates([KEY, POSTAL]).set_index([KEY, POSTAL])[[LAT, LON, HOW]]
    by_name = main.drop_duplicates(KEY).set_index(KEY)[[LAT, LON, HOW]]
    communes_only = table[table[HOW] == "nom"]
    by_cp = communes_only.drop_duplicates([INSEE, POSTAL]).groupby(POSTAL)[[LAT, LON]].mean()

    out = pd.DataFrame({"lat": np.nan, "lon": np.nan, HOW: ""}, index=communes.index)

    def fill(found: pd.DataFrame, mask: np.ndarray, how: str | None) -> None:
        ok = mask.copy()
        ok[mask] = found[LAT].notna().to_numpy()
        if not ok.any():
            return
        sub = found[found[LAT].notna().to_numpy()]
        out.loc[ok, "lat"] = sub[LAT].to_numpy()
        out.loc[ok, "lon"] = sub[LON].to_numpy()
        out.loc[ok, HOW] = how if how is not None else sub[HOW].to_numpy()

    missing = names.ne("").to_numpy()
    pairs = pd.MultiIndex.from_arrays([names[missing], postal[missing]])
    fill(by_name_cp.reindex(pairs), missing, "nom+cp")
    missing = (out["lat"].isna() & names.ne("")).to_numpy()
    if missing.any():
        fill(by_name.reindex(names[missing]), missing, None)
    missing = (out["lat"].isna() & names.ne("")).to_numpy()
    if missing.any():
        # Typos: the closest name among the communes of the same postal code, else among all.
        guesses = pd.Series("", index=communes.index)
        with_cp = missing & postal.ne("").to_numpy()
        for cp in postal[with_cp].unique():
            rows = with_cp & (postal == cp).to_numpy()
            mapping = _fuzzy_names(
                names[rows].to_numpy(), table.loc[table[POSTAL] == cp, KEY].to_numpy()
            )
            guesses[rows] = names[rows].map(lambda n, m=mapping: m.get(n, ""))
        rest = missing & guesses.eq("").to_numpy()
        if rest.any():
            mapping = _fuzzy_names(names[rest].to_numpy(), table[KEY].to_numpy())
            guesses[rest] = names[rest].map(lambda n, m=mapping: m.get(n, ""))
        hit = (guesses != "").to_numpy()
        if hit.any():
            fill(by_name.reindex(guesses[hit]), hit, "approché")
    missing = (out["lat"].isna() & postal.ne("")).to_numpy()
    if missing.any():
        fill(by_cp.reindex(postal[missing]), missing, "cp")
    return out


def distance_km(
    commune_a: pd.Series,
    commune_b: pd.Series,
    table: pd.DataFrame | None = None,
    postal_a: pd.Series | None = None,
    postal_b: pd.Series | None = None,
) -> np.ndarray:
    """Great-circle distance in km between aligned pairs of communes (names or postal codes),
    NaN when either is unknown. Great-circle, not road distance: see the module docstring."""
    empty_a = pd.Series("", index=commune_a.index) if postal_a is None else postal_a
    empty_b = pd.Series("", index=commune_b.index) if postal_b is None else postal_b
    a = locate(commune_a, empty_a, table)
    b = locate(commune_b, empty_b, table)
    return haversine_pairs(a["lat"], a["lon"], b["lat"], b["lon"])


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
