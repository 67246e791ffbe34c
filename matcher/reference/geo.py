"""Geography: communes -> coordinates; distances in km (great-circle, haversine).

Tables share one shape (code_insee, nom, code_postal, latitude, longitude[, ligne_5]): the
default base of every French commune (``data/communes/communes_france.csv.gz``, a compact copy of
La Poste's official base of postal codes, ODbL, built by ``python -m matcher communes build``),
the communes of the territory (``data/communes/territoire.csv``, for the sample data) and La
Poste's base loaded with ``python -m matcher communes load FILE`` (:func:`load_laposte`);
:func:`active_communes` gives the one to use. A place is found, surest first, by the
coordinates the file gives, by the commune's official (INSEE) code, by its name written any usual
way ("BRUAY LA BUISSIERE", "Bruay-la-Buissière", "St Omer", France Travail's "62 - BETHUNE") with
its postal code or département, by a hamlet's name (La Poste's ``ligne_5``), by its postal code
("62700", also when written in the commune cell), and, failing all that, by the closest name
(rapidfuzz, for typos). A five-digit value is read as an INSEE code or a postal code according to
its column and to what the base holds (a postal code in the INSEE column is read as a postal code,
and the reverse; Corsican INSEE codes are 2A/2B). A name borne by several communes (there are
dozens of "Saint-Martin") is decided by the département when one is known, else by the nearest to
the other places of the same file, else left unknown ("ambigu").

Great-circle distance underestimates road distance by roughly 20-30 % in this territory; the
commute component compares it with the person's own radius, which people also estimate "as the crow
flies" more often than not, so the simple measure is kept and said.
"""

from __future__ import annotations

import functools
import logging
import os
import pickle
import weakref
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from matcher.errors import UserError
from matcher.paths import COMMUNES_DIR, cache_file
from matcher.text import fold as fold_module
from matcher.text import normalise as normalise_module
from matcher.text.fold import fold
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
DEPT = "dept"  # département of a commune, Corsica as "20" (postal codes do not tell 2A from 2B)
# How a place was found: coordonnées, insee, nom+cp, nom+dép, nom, lieu-dit, proche, approché,
# cp, or "" (not found). "proche": a name borne by several communes, the nearest one taken.
HOW = "how"
FOUND_INSEE = "found_insee"  # columns of locate(): the commune found, when one was
FOUND_NAME = "found_name"
FOUND_POSTAL = "found_postal"
NOTE = "note"  # what was reinterpreted, or why the place was not found (French)

# A name is taken for another when their similarity (rapidfuzz ratio, 0-100) reaches this.
FUZZY_MIN = 85.0
# Headers La Poste has published its base with (folded: lower case, no accents, no "#").
LAPOSTE_COLUMNS = {
    "code_commune_insee": INSEE,
    "code_insee": INSEE,
    "nom_commune_poste": NAME,
    "nom_de_la_commune": NAME,
    "nom_commune": NAME,
    "code_postal": POSTAL,
    "ligne_5": HAMLET,
    "latitude": LAT,
    "longitude": LON,
}
# One column with "lat, lon" ("coordonnees_gps", "_geopoint").
LAPOSTE_POINT_COLUMNS = ("coordonnees_gps", "_geopoint", "geopoint", "coordonnees_geographiques")
DEFAULT_FILE = "communes_france.csv.gz"
TERRITORY_FILE = "territoire.csv"
# A place whose coordinates are outside these bounds is a typo (France, overseas included).
LAT_RANGE, LON_RANGE = (-25.0, 52.0), (-180.0, 180.0)

EARTH_RADIUS_KM = 6371.0
CACHE_FORMAT = 2  # of the communes cache file

log = logging.getLogger(__name__)


def commune_key(names: pd.Series) -> pd.Series:
    """Folded commune name for look-ups: "BRUAY LA BUISSIERE", "Bruay-la-Buissière" and
    "St-Omer" / "Saint Omer" give the same key."""
    k = fold_text(names)
    k = k.str.replace(r"\bste\b", "sainte", regex=True).str.replace(r"\bst\b", "saint", regex=True)
    k = k.str.replace(r"\b(?:cedex|cedex \d+)\b", "", regex=True)
    return k.str.replace(r"[\s-]+", " ", regex=True).str.strip()


@functools.cache
def builtin_communes() -> pd.DataFrame:
    """The default communes: every French commune (``data/communes/communes_france.csv.gz``,
    from La Poste's base, ODbL), or the territory's when that file is absent.

    The prepared table and its look-ups are kept in the cache folder (:func:`communes_cache`):
    preparing them costs about a second of every process that places people, reading them back
    a tenth of that."""
    path = COMMUNES_DIR / DEFAULT_FILE
    if not path.is_file():
        return territory_communes()
    cached = communes_cache(path)
    try:
        with cached.open("rb") as fh:
            frame, lookups = pickle.load(fh)  # our own file, written below from open data
        _LOOKUPS[id(frame)] = (weakref.ref(frame), lookups)
        return frame
    except FileNotFoundError:
        pass
    except Exception as exc:  # damaged or from another pandas: built again
        log.warning("communes cache %s unreadable (%s): rebuilt", cached, exc)
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    for c in (LAT, LON):
        frame[c] = pd.to_numeric(frame[c], errors="coerce")
    frame = prepare_communes(frame)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump((frame, _lookups(frame)), fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)  # atomic: a parallel reader sees the whole file or none
    except OSError as exc:  # a read-only installation still works, only slower
        log.warning("communes cache not written to %s: %s", cached, exc)
    return frame


def communes_cache(source: Path) -> Path:
    """Where the prepared communes of ``source`` are kept: keyed by the file's bytes, the code
    that prepares them (this module, the text folding) and the pandas version, so that any
    change builds them again."""
    files: list[Path | str] = [source, __file__, str(fold_module.__file__),
                               str(normalise_module.__file__)]  # fmt: skip
    return cache_file("communes", f"{CACHE_FORMAT}:{pd.__version__}", files, ".pkl")


@functools.cache
def territory_communes() -> pd.DataFrame:
    """The communes of the Béthune-Bruay territory (``data/communes/territoire.csv``), which the
    sample and synthetic data are drawn from."""
    frame = pd.read_csv(COMMUNES_DIR / TERRITORY_FILE, dtype={INSEE: str, POSTAL: str})
    return prepare_communes(frame)


def build_default(source: str | Path, out: str | Path | None = None) -> tuple[Path, int]:
    """Write the compact default base from La Poste's base of postal codes (any of its headers):
    one row per distinct commune, postal code and hamlet, coordinates rounded to 5 decimals
    (about a metre), gzipped CSV. Returns the path written and its number of rows."""
    frame = load_laposte(source)
    frame = frame[[INSEE, NAME, POSTAL, HAMLET, LAT, LON]].copy()
    frame[HAMLET] = frame[HAMLET].fillna("").astype(str).str.strip()
    for c in (LAT, LON):
        frame[c] = frame[c].round(5)
    frame = frame.drop_duplicates([INSEE, NAME, POSTAL, HAMLET]).sort_values([INSEE, POSTAL])
    target = Path(out) if out is not None else COMMUNES_DIR / DEFAULT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same source gives the same bytes.
    import gzip
    import io

    buf = io.StringIO()
    frame.to_csv(buf, index=False, lineterminator="\n")
    with open(target, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    return target, len(frame)


def prepare_communes(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the look-up key to a communes frame (code_insee, nom, code_postal, latitude,
    longitude[, ligne_5]). Hamlets (``ligne_5``) become extra rows keyed by their own name, with
    their commune's coordinates, unless that name is also a commune's."""
    out = frame.copy()
    out[INSEE] = out[INSEE].astype(str).str.strip().str.upper().str.zfill(5)
    out[KEY] = commune_key(out[NAME])
    out[HOW] = "nom"
    if HAMLET in out:
        hamlets = out[out[HAMLET].fillna("").astype(str).str.strip() != ""].copy()
        hamlets[KEY] = commune_key(hamlets[HAMLET])
        hamlets = hamlets[~hamlets[KEY].isin(set(out[KEY])) & (hamlets[KEY] != "")]
        hamlets[HOW] = "lieu-dit"
        out = pd.concat([out, hamlets], ignore_index=True)
    out[POSTAL] = out[POSTAL].astype(str).str.strip().str.zfill(5)
    out[DEPT] = insee_department(out[INSEE])
    return out[out[LAT].notna() & out[LON].notna()].reset_index(drop=True)


def insee_department(codes: pd.Series) -> pd.Series:
    """Département of INSEE codes or postal codes, Corsica as "20": "62119" -> "62", "2A004"
    -> "20", "97411" -> "974"."""
    c = codes.astype("object").where(codes.notna(), "").astype(str).str.upper()
    dept = c.str[:2].where(~c.str.startswith("97"), c.str[:3])
    return dept.where(~dept.isin(["2A", "2B"]), "20").where(c != "", "")


_LABEL_RE = r"^\s*(\d{2,3}|2[AaBb])\s*-\s*(.*?)\s*$"


def split_place_label(labels: pd.Series) -> pd.DataFrame:
    """France Travail's place labels: "07 - ANNONAY" -> département "07", name "ANNONAY"; other
    text is the name, with no département."""
    text = labels.astype("object").where(labels.notna(), "").astype(str)
    parts = text.str.extract(_LABEL_RE)
    has = parts[0].notna()
    name = parts[1].where(has, text).fillna("")
    dept = insee_department(parts[0].where(has, ""))
    return pd.DataFrame({"dept": dept.where(has, ""), "name": name}, index=labels.index)


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
    raw.columns = [_laposte_header(c) for c in raw.columns]
    frame = raw.rename(columns={c: LAPOSTE_COLUMNS[c] for c in raw.columns if c in LAPOSTE_COLUMNS})
    frame = frame.loc[:, ~frame.columns.duplicated()]
    point = next((c for c in LAPOSTE_POINT_COLUMNS if c in frame), None)
    if point is not None and LAT not in frame:
        latlon = frame[point].str.split(",", n=1, expand=True).reindex(columns=[0, 1])
        frame[LAT], frame[LON] = latlon[0].str.strip(), latlon[1].str.strip()
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
        out[c] = pd.to_numeric(
            out[c].astype(str).str.strip().str.replace(",", ".", regex=False), errors="coerce"
        )
    bad = out[LAT].isna() | out[LON].isna() | (out[NAME].str.strip() == "")
    if bad.all():
        raise UserError(f"{path} : aucune ligne avec un nom et des coordonnées")
    out[POSTAL] = out[POSTAL].str.strip().str.zfill(5)
    return out[~bad].reset_index(drop=True)


def _laposte_header(label: object) -> str:
    """ "#Code_commune_INSEE", "Libellé_d_acheminement", "Nom commune" -> folded snake case."""
    text = str(label).strip().lstrip("\ufeff").lstrip("#")
    return fold(text, keep="_").replace(" ", "_")


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


def _text(series: pd.Series | None, index: pd.Index) -> pd.Series:
    if series is None:
        return pd.Series("", index=index, dtype=object)
    s = series.astype("object").where(series.notna(), "")
    return s.astype(str).str.strip()


def _code5(text: pd.Series) -> pd.Series:
    """Five-character commune codes as written ("62119", "2A004", "62119.0", "1009" -> "01009");
    "" for anything else."""
    t = text.str.upper().str.replace(r"\s", "", regex=True).str.replace(r"\.0+$", "", regex=True)
    t = t.where(~t.str.fullmatch(r"\d{4}"), "0" + t)
    return t.where(t.str.fullmatch(r"\d{5}|2[AB]\d{3}"), "")


def _coordinates(lat: pd.Series | None, lon: pd.Series | None, index) -> tuple[pd.Series, ...]:
    if lat is None or lon is None:
        nan = pd.Series(np.nan, index=index)
        return nan, nan.copy()
    la = pd.to_numeric(_text(lat, index).str.replace(",", ".", regex=False), errors="coerce")
    lo = pd.to_numeric(_text(lon, index).str.replace(",", ".", regex=False), errors="coerce")
    ok = la.between(*LAT_RANGE) & lo.between(*LON_RANGE) & ~((la == 0) & (lo == 0))
    return la.where(ok), lo.where(ok)


def locate(
    communes: pd.Series,
    postal_codes: pd.Series,
    table: pd.DataFrame | None = None,
    insee: pd.Series | None = None,
    lat: pd.Series | None = None,
    lon: pd.Series | None = None,
) -> pd.DataFrame:
    """Coordinates for each place. Tried in order: coordinates given (``lat``, ``lon``), the INSEE
    code, name and postal code, name and département (from a "62 - BETHUNE" label, the postal
    code or the INSEE code), name alone (or a hamlet's name; a name borne by several communes:
    the nearest to the other places found), the closest name for a typo (among the communes of
    the postal code when one is given), the postal code alone (centre of its communes), a postal
    or INSEE code written in the commune cell. A five-digit value in the INSEE column that only
    the postal codes know is read as a postal code, and the reverse; Corsican INSEE codes
    written "20xxx" are read as 2A/2B. Returns ``lat``, ``lon`` (NaN when unknown), ``how`` (see
    ``HOW``), the commune found (``found_insee``, ``found_name``, ``found_postal``, "" when
    none) and a French ``note`` saying what was reinterpreted or why nothing was found, on the
    same index. Vectorised: look-ups are joins, fuzzy matching runs on distinct names."""
    table = builtin_communes() if table is None else table
    if KEY not in table or HOW not in table or DEPT not in table:
        table = prepare_communes(table)
    lk = _lookups(table)
    cells = _distinct_place_cells(communes, postal_codes, insee, lk)
    raw, names, postal, insee_code, dept, note = (
        cells.raw, cells.names, cells.postal, cells.insee, cells.dept, cells.note,
    )  # fmt: skip
    index = communes.index
    found = _Found(index)
    out, fill, missing = found.out, found.fill, found.missing
    m = missing(insee_code.ne(""))
    if m.any():
        fill(lk.by_insee.reindex(insee_code[m].to_numpy()), m, "insee")
    m = missing(names.ne("") & postal.ne(""))
    if m.any():
        pairs = pd.MultiIndex.from_arrays([names[m], postal[m]])
        fill(lk.by_name_cp.reindex(pairs), m, "nom+cp")
    m = missing(names.ne("") & dept.ne(""))
    if m.any():
        pairs = pd.MultiIndex.from_arrays([names[m], dept[m]])
        fill(lk.by_name_dept.reindex(pairs), m, "nom+dép")
    m = missing(names.ne(""))
    if m.any():
        fill(lk.unique_names.reindex(names[m]), m, None)
    # A name borne by several communes: the one nearest to the places already found.
    shared = _isin(names, lk.shared)
    m = missing(shared & dept.eq(""))
    if m.any():
        _nearest_of_namesakes(found, names, m, lk)
        still = missing(shared & dept.eq(""))
        note[still] = "nom porté par plusieurs communes : précisez le code postal"
    m = missing(names.ne("") & ~shared)
    if m.any():
        _closest_names(found, names, postal, m, lk)
    m = missing(postal.ne(""))
    if m.any():
        fill(lk.by_cp.reindex(postal[m]), m, "cp")
    # Coordinates given by the file win: they say where the place is.
    given_lat, given_lon = _coordinates(lat, lon, index)
    given = given_lat.notna().to_numpy()
    if given.any():
        out.loc[given, "lat"] = given_lat[given].to_numpy()
        out.loc[given, "lon"] = given_lon[given].to_numpy()
        out.loc[given, HOW] = "coordonnées"
    lost = out["lat"].isna() & (raw.ne("") | postal.ne("") | insee_code.ne(""))
    dept_only = lost & cells.label["dept"].ne("") & ~_isin(names, lk.keys)
    note = note.where(~(dept_only & note.eq("")), "un département, pas une commune")
    note = note.where(~(lost & note.eq("")), "commune introuvable dans la base des communes")
    out[NOTE] = note.where(out["lat"].notna() | lost, "")
    return out


@dataclass
class _PlaceCells:
    """The cells of each place as read, codes moved to the column they belong to."""

    raw: pd.Series  # the commune cell as written
    label: pd.DataFrame  # its "62 - BETHUNE" parts: dept, name
    names: pd.Series  # commune keys
    postal: pd.Series
    insee: pd.Series
    dept: pd.Series  # from the label, else the INSEE code, else the postal code
    note: pd.Series  # what was reinterpreted, in French


def _distinct_place_cells(
    communes: pd.Series, postal_codes: pd.Series, insee: pd.Series | None, lk: _Lookups
) -> _PlaceCells:
    """:func:`_place_cells` computed once per distinct (commune, postal, INSEE) cells, as text,
    and spread back to the rows: every value it gives depends on its row's three cells alone,
    and places repeat a lot (a few hundred communes for 100,000 people)."""
    index = communes.index
    texts = [_text(s, index) for s in (communes, postal_codes, insee)]
    if len(index) == 0:
        return _place_cells(communes, postal_codes, insee, lk)
    codes, _ = pd.factorize(pd.MultiIndex.from_arrays(texts))
    _, first = np.unique(codes, return_index=True)  # the row where each triple first appears
    c, p, i = (t.iloc[first].reset_index(drop=True) for t in texts)
    cells = _place_cells(c, p, i, lk)

    def spread(part):
        return part.iloc[codes].set_axis(index)

    return _PlaceCells(*(spread(getattr(cells, f.name)) for f in fields(_PlaceCells)))


def _place_cells(
    communes: pd.Series, postal_codes: pd.Series, insee: pd.Series | None, lk: _Lookups
) -> _PlaceCells:
    """The commune, postal and INSEE cells read: Corsica's old INSEE numbering, postal codes
    in the INSEE column and the reverse, a code alone in the commune cell or written with the
    name."""
    index = communes.index
    raw = _text(communes, index)
    label = split_place_label(raw)
    names = commune_key(label["name"])
    postal_raw = _text(postal_codes, index)
    postal = postal_raw.str.extract(r"(\d{4,5})", expand=False).fillna("").str.zfill(5)
    postal = postal.where(postal != "00000", "")
    insee_code = _code5(_text(insee, index))
    note = pd.Series("", index=index, dtype=object)

    insee_known, postal_known = lk.insee_known, lk.postal_known

    # The INSEE column: Corsica's old numbering, and postal codes written there.
    corsica = insee_code.str.match(r"20\d{3}$") & ~_isin(insee_code, insee_known)
    if corsica.any():
        for prefix in ("2A", "2B"):
            alt = prefix + insee_code.str[2:]
            hit = corsica & _isin(alt, insee_known) & ~_isin(insee_code, postal_known)
            insee_code = insee_code.where(~hit, alt)
            note = note.where(~hit, "code INSEE corse écrit 20xxx, lu " + alt)
    as_postal = (
        insee_code.ne("") & ~_isin(insee_code, insee_known) & _isin(insee_code, postal_known)
    )
    if as_postal.any():
        postal = postal.where(~(as_postal & postal.eq("")), insee_code)
        note = note.where(~as_postal, "code postal écrit dans la colonne du code INSEE")
        insee_code = insee_code.where(~as_postal, "")
    # The postal column: an INSEE code written there.
    as_insee = (
        postal.ne("")
        & ~_isin(postal, postal_known)
        & _isin(postal, insee_known)
        & insee_code.eq("")
    )
    if as_insee.any():
        insee_code = insee_code.where(~as_insee, postal)
        note = note.where(~as_insee, "code INSEE écrit dans la colonne du code postal")
        postal = postal.where(~as_insee, "")
    # A code alone in the commune cell: a postal code, else an INSEE code.
    in_name = label["name"].str.extract(r"^\s*(\d{5}|2[AaBb]\d{3})\s*$", expand=False).fillna("")
    in_name = in_name.str.upper()
    code_only = in_name.ne("")
    cell_insee = code_only & ~_isin(in_name, postal_known) & _isin(in_name, insee_known)
    insee_code = insee_code.where(~(cell_insee & insee_code.eq("")), in_name)
    note = note.where(
        ~(cell_insee & note.eq("")), "code INSEE écrit à la place du nom de la commune"
    )
    postal = postal.where(~(code_only & ~cell_insee & postal.eq("")), in_name)
    # A postal code written with the name ("Béthune 62400").
    with_cp = raw.str.extract(r"\b(\d{5})\b", expand=False).fillna("")
    postal = postal.where(postal != "", with_cp.where(~code_only, ""))
    names = names.str.replace(r"\b\d{5}\b|\b2[ab]\d{3}\b", "", regex=True).str.strip()
    dept = label["dept"].where(label["dept"] != "", insee_department(insee_code))
    dept = dept.where(dept != "", insee_department(postal.where(postal != "", "")))

    return _PlaceCells(raw, label, names, postal, insee_code, dept, note)


class _Found:
    """The commune found for each place, step by step: a step fills only the places still
    missing."""

    def __init__(self, index: pd.Index):
        self.out = pd.DataFrame(
            {"lat": np.nan, "lon": np.nan, HOW: "", FOUND_INSEE: "", FOUND_NAME: "",
             FOUND_POSTAL: ""},
            index=index,
        )  # fmt: skip

    def fill(self, found: pd.DataFrame, mask: np.ndarray, how: str | None) -> None:
        out = self.out
        ok = mask.copy()
        ok[mask] = found[LAT].notna().to_numpy()
        if not ok.any():
            return
        sub = found[found[LAT].notna().to_numpy()]
        out.loc[ok, "lat"] = sub[LAT].to_numpy()
        out.loc[ok, "lon"] = sub[LON].to_numpy()
        out.loc[ok, HOW] = how if how is not None else sub[HOW].to_numpy()
        out.loc[ok, FOUND_INSEE] = sub[INSEE].to_numpy()
        out.loc[ok, FOUND_NAME] = sub[NAME].to_numpy()
        out.loc[ok, FOUND_POSTAL] = sub[POSTAL].to_numpy()

    def missing(self, extra: pd.Series | None = None) -> np.ndarray:
        m = self.out["lat"].isna()
        return (m & extra if extra is not None else m).to_numpy()


def _nearest_of_namesakes(found: _Found, names: pd.Series, m: np.ndarray, lk: _Lookups) -> None:
    """A name borne by several communes: the one nearest to the centre of the other places of
    the file, else of the product's territory."""
    known = found.out[found.out["lat"].notna()]
    centre = known if len(known) else territory_communes().rename(columns={LAT: "lat", LON: "lon"})
    if len(centre):
        centre_lat, centre_lon = float(centre["lat"].median()), float(centre["lon"].median())
        cands = lk.shared_rows[lk.shared_rows[KEY].isin(list(set(names[m])))]
        d = haversine_pairs(cands[LAT], cands[LON], centre_lat, centre_lon)
        nearest = cands.assign(_d=d).sort_values("_d").drop_duplicates(KEY).set_index(KEY)
        found.fill(nearest.reindex(names[m]), m, "proche")


def _closest_names(
    found: _Found, names: pd.Series, postal: pd.Series, m: np.ndarray, lk: _Lookups
) -> None:
    """Typos: the closest name among the communes of the same postal code, else among all (a
    name borne by several communes is never guessed)."""
    guesses = pd.Series("", index=names.index)
    with_cp = m & postal.ne("").to_numpy()
    for cp in postal[with_cp].unique():
        rows = with_cp & (postal == cp).to_numpy()
        mapping = _fuzzy_names(names[rows].to_numpy(), lk.keys_of_postal(cp))
        guesses[rows] = names[rows].map(lambda n, mp=mapping: mp.get(n, ""))
    rest = m & guesses.eq("").to_numpy()
    if rest.any():
        mapping = _fuzzy_names(names[rest].to_numpy(), lk.all_keys)
        guesses[rest] = names[rest].map(lambda n, mp=mapping: mp.get(n, ""))
    guesses = guesses.where(~_isin(guesses, lk.shared), "")
    hit = (guesses != "").to_numpy()
    if hit.any():
        found.fill(lk.unique_names.reindex(guesses[hit]), hit, "approché")


def _isin(series: pd.Series, known: frozenset[str]) -> pd.Series:
    """``series.isin(known)`` for a large set of strings (pandas converts the set each call)."""
    return series.map(known.__contains__).astype(bool)


@dataclass
class _Lookups:
    """Indexes of one communes table, built once per table (see ``_lookups``)."""

    insee_known: frozenset[str]
    postal_known: frozenset[str]
    keys: frozenset[str]
    shared: frozenset[str]  # names borne by several communes
    by_insee: pd.DataFrame
    by_name_cp: pd.DataFrame
    by_name_dept: pd.DataFrame
    unique_names: pd.DataFrame
    shared_rows: pd.DataFrame
    by_cp: pd.DataFrame
    all_keys: np.ndarray
    # The keys of the table grouped by postal code (in the table's order within a group) and
    # where each code's group is: one array and a dict of pairs. A dict of 6,000 small arrays
    # made reading the cache back 0.03-0.04 s longer (0.13-0.15 s against 0.10-0.11 s), in
    # every process that places people, before a ranking can give work to a second process.
    postal_keys: np.ndarray
    postal_bounds: dict[str, tuple[int, int]]

    def keys_of_postal(self, cp: str) -> np.ndarray:
        """The keys of the communes of postal code ``cp`` (none when it is unknown)."""
        start, stop = self.postal_bounds.get(cp, (0, 0))
        return self.postal_keys[start:stop]


# Lookups of the few tables in use (built-in, stored), keyed by id with a weak reference to
# check that the id still names the same table. Reference data only, never user data.
_LOOKUPS: dict[int, tuple[weakref.ref, _Lookups]] = {}


def _lookups(table: pd.DataFrame) -> _Lookups:
    entry = _LOOKUPS.get(id(table))
    if entry is not None and entry[0]() is table:
        return entry[1]
    for k in [k for k, (ref, _l) in _LOOKUPS.items() if ref() is None]:
        del _LOOKUPS[k]
    communes_only = table[table[HOW] == "nom"]
    main = table.sort_values(HOW, key=lambda h: h != "nom", kind="stable")  # communes first
    counts = main.drop_duplicates([KEY, INSEE]).groupby(KEY)[INSEE].nunique()
    shared = frozenset(counts.index[counts > 1])
    unique_names = main.drop_duplicates(KEY).set_index(KEY, drop=False)
    unique_names = unique_names[~unique_names.index.isin(list(shared))]
    by_cp_groups = communes_only.drop_duplicates([INSEE, POSTAL]).groupby(POSTAL)
    centres = by_cp_groups[[LAT, LON]].mean()
    first = by_cp_groups[[INSEE, NAME]].first()
    one = by_cp_groups[INSEE].nunique() == 1  # a postal code of one commune names it
    by_cp = centres.join(first).assign(**{HOW: "cp"})
    by_cp.loc[~one, [INSEE, NAME]] = ""
    by_cp[POSTAL] = by_cp.index
    postal = table[POSTAL].to_numpy(dtype=object, na_value=None)
    known = np.flatnonzero(pd.notna(postal))
    order = known[np.argsort(postal[known].astype(str), kind="stable")]
    cps, starts, sizes = np.unique(postal[order].astype(str), return_index=True, return_counts=True)
    lk = _Lookups(
        insee_known=frozenset(communes_only[INSEE]),
        postal_known=frozenset(communes_only[POSTAL]),
        keys=frozenset(table[KEY]),
        shared=shared,
        by_insee=communes_only.drop_duplicates(INSEE).set_index(INSEE, drop=False),
        by_name_cp=main.drop_duplicates([KEY, POSTAL]).set_index([KEY, POSTAL], drop=False),
        by_name_dept=_unique_by(main, [KEY, DEPT]),
        unique_names=unique_names,
        shared_rows=communes_only[communes_only[KEY].isin(list(shared))],
        by_cp=by_cp,
        all_keys=np.unique(table[KEY].to_numpy(dtype=object)),
        postal_keys=table[KEY].to_numpy(dtype=object)[order],
        postal_bounds={
            cp: (int(a), int(a + n)) for cp, a, n in zip(cps.tolist(), starts, sizes, strict=True)
        },
    )
    _LOOKUPS[id(table)] = (weakref.ref(table), lk)
    return lk


def _unique_by(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows of ``table`` whose ``keys`` name one commune only, indexed by ``keys``."""
    distinct = table.drop_duplicates([*keys, INSEE])
    n = distinct.groupby(keys)[INSEE].transform("nunique")
    return distinct[n == 1].drop_duplicates(keys).set_index(keys)


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
