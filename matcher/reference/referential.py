"""Occupation referential: ROME codes, job titles, skills per code, close jobs; title -> code.

Two sources share one shape (:class:`Referential`): the compact built-in referential under
``data/referentiel/`` and the official ROME 4.0 export (``load_rome_dir``), which
``python -m matcher referential load DIR`` stores in the database; :func:`active_referential`
gives the one to use (the stored one when there is one, else the built-in one).

Title -> code: :class:`matcher.reference.classifier.TitleClassifier` (cleaning of real titles,
head nouns, the offer's context as evidence, a confidence fitted on real-like titles; its
artefacts cached on disk, keyed by the referential's content).

The default referential (:func:`default_referential`) is the official ROME 4.0 shipped in
``data/rome/`` (built by ``python -m matcher referential build``) with the built-in insertion
referential of ``data/referentiel/`` as a curated layer on top (:func:`layered`): its labels and
sectors for its codes, its titles (but those the ROME files under another code:
:func:`refiled_titles`), typical skills and close jobs added to the official ones.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import pickle
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from matcher.errors import UserError
from matcher.paths import REFERENTIAL_DIR, cache_file
from matcher.text.normalise import fold_text, gender_variants

if TYPE_CHECKING:
    from matcher.reference.classifier import TitleClassifier
    from matcher.store.database import Store

log = logging.getLogger(__name__)

# Column names of the referential frames.
CODE = "code"
LABEL = "label"
DOMAIN = "domain"
SECTOR = "sector"
PARENT = "parent"  # code_rome_parent of the ROME 4.0: codes sharing a parent are one job family
TITLE = "title"
SKILL = "skill"
CORE = "core"
KIND = "kind"  # of a skill: savoir-faire (a gesture, a task) or savoir (knowledge, certificate)
CLOSE_CODE = "close_code"
TEXT = "text"  # definition and access conditions of a code

SAVOIR_FAIRE = "savoir-faire"
SAVOIR = "savoir"

# Columns of the classification result.
CONFIDENCE = "confidence"
CANDIDATES = "candidates"
MATCHED_TITLE = "matched_title"

BUILTIN = "intégré"


def _empty_texts() -> pd.DataFrame:
    return pd.DataFrame({CODE: pd.Series(dtype=object), TEXT: pd.Series(dtype=object)})


@dataclass(frozen=True)
class Referential:
    """Occupation referential: frames and where they come from.

    ``skills`` may carry a ``kind`` column (savoir-faire / savoir); ``texts`` holds one
    definition text per code when the source has one (the official ROME does)."""

    codes: pd.DataFrame  # code, label, domain, sector
    titles: pd.DataFrame  # code, title
    skills: pd.DataFrame  # code, skill, core[, kind]
    close: pd.DataFrame  # code, close_code
    source: str = BUILTIN
    texts: pd.DataFrame = field(default_factory=_empty_texts)  # code, text

    def label_of(self, codes: pd.Series) -> pd.Series:
        labels = self.codes.set_index(CODE)[LABEL]
        return codes.map(labels)

    @functools.cached_property
    def label_by_code(self) -> dict[str, str]:
        """Code -> its label (its first row), built once per referential: every frame prepared
        and every half of the reasons reads it (10 ms to build)."""
        codes = self.codes.drop_duplicates(CODE)
        # ``tolist`` converts in C; iterating an Arrow-backed column boxes cell by cell.
        return dict(zip(codes[CODE].tolist(), codes[LABEL].tolist(), strict=True))

    @functools.cached_property
    def sector_by_code(self) -> dict[str, str]:
        """Code -> its sector (its first row; empty when the source gives none)."""
        codes = self.codes.drop_duplicates(CODE)
        if SECTOR not in codes:
            return {}
        return dict(zip(codes[CODE].tolist(), codes[SECTOR].tolist(), strict=True))

    @functools.cached_property
    def classifier(self) -> TitleClassifier:
        # Imported here: the classifier needs scikit-learn (about a second to import), which
        # commands that only read codes and labels (export, list, decide) never use.
        from matcher.reference.classifier import TitleClassifier

        return TitleClassifier(self)

    def parents(self) -> dict[str, str]:
        """Code -> its ROME parent (itself when it has none or the source gives none)."""
        return self._parents

    @functools.cached_property
    def _parents(self) -> dict[str, str]:
        if PARENT not in self.codes:
            return dict(zip(self.codes[CODE], self.codes[CODE], strict=True))
        p = self.codes[PARENT].replace("", None).fillna(self.codes[CODE])
        return dict(zip(self.codes[CODE], p, strict=True))

    @functools.cached_property
    def _close_pairs(self) -> frozenset[tuple[str, str]]:
        pairs = set(zip(self.close[CODE], self.close[CLOSE_CODE], strict=True))
        return frozenset(pairs | {(b, a) for a, b in pairs})

    @functools.cached_property
    def close_of(self) -> dict[str, tuple[str, ...]]:
        """Code -> its close jobs, sorted (the close-job links read both ways): built once per
        referential, not once per frame prepared."""
        by_code: dict[str, set[str]] = {}
        for a, b in zip(self.close[CODE].tolist(), self.close[CLOSE_CODE].tolist(), strict=True):
            if isinstance(a, str) and isinstance(b, str):
                by_code.setdefault(a, set()).add(b)
                by_code.setdefault(b, set()).add(a)
        return {code: tuple(sorted(close)) for code, close in by_code.items()}

    @functools.cached_property
    def skill_vocabulary(self):  # -> matcher.vocabulary.SkillVocabulary
        from matcher.text.vocabulary import SkillVocabulary

        return SkillVocabulary(self)

    def summary(self) -> dict[str, int]:
        """Counts shown to people after a load."""
        return {
            "codes": len(self.codes),
            "titles": len(self.titles),
            "skills": len(self.skills),
            "close": len(self.close),
            "texts": len(self.texts),
        }

    def without_titles(self, titles: pd.Series) -> Referential:
        """The same referential without the given titles (compared once folded): used by the
        leave-one-out evaluation to ask for a title the referential does not hold."""
        drop = set(fold_text(titles))
        keep = ~fold_text(self.titles[TITLE]).isin(drop).to_numpy()
        return Referential(
            self.codes, self.titles[keep].reset_index(drop=True), self.skills, self.close,
            self.source, self.texts,
        )  # fmt: skip


@functools.cache
def builtin_referential() -> Referential:
    """The compact built-in referential of ``data/referentiel/`` (see its README)."""
    d = REFERENTIAL_DIR
    codes = pd.read_csv(d / "metiers.csv", dtype=str).rename(
        columns={"code": CODE, "libelle": LABEL, "domaine": DOMAIN, "secteur": SECTOR}
    )
    titles = pd.read_csv(d / "appellations.csv", dtype=str).rename(
        columns={"code": CODE, "appellation": TITLE}
    )
    skills = pd.read_csv(d / "competences.csv", dtype=str).rename(
        columns={"code": CODE, "competence": SKILL, "coeur": CORE}
    )
    skills[CORE] = skills[CORE].fillna("0").str.strip().isin(["1", "oui", "true"])
    skills[KIND] = SAVOIR_FAIRE
    close = pd.read_csv(d / "proximites.csv", dtype=str).rename(
        columns={"code": CODE, "code_proche": CLOSE_CODE}
    )
    # The label of a code is one of its titles too.
    titles = pd.concat([codes[[CODE, LABEL]].rename(columns={LABEL: TITLE}), titles])
    titles = titles.drop_duplicates(ignore_index=True)
    return Referential(codes=codes, titles=titles, skills=skills, close=close, source=BUILTIN)


LAYER = "référentiel intégré"


# Linking words a title may add or drop and still be the same title ("Agent de quai
# messagerie" / "Agent de quai de messagerie"): for the layer's refiled titles here and the
# title evaluation's twin codes (matcher/devtools/real_titles.py).
LINK_WORDS = frozenset({"de", "d", "du", "des", "en", "la", "le", "les", "l", "a", "au", "aux"})


def _words(folded: str) -> list[str]:
    return [w[:-1] if len(w) > 4 and w[-1] in "sx" else w
            for w in folded.split(" ") if w and w not in LINK_WORDS]  # fmt: skip


def refiled_titles(official: Referential, titles: pd.DataFrame) -> pd.Series:
    """Which of the curated ``titles`` (code, title) the official referential files under
    another code (not of the same family) and not under theirs: the same words, up to gender,
    plurals and linking words ("Repasseuse" of K2201 is the ROME 4.0's "Repasseur /
    Repasseuse" of D1236; "Emballeur" of H3302 its "Emballeur / Emballeuse" of N1115). The
    built-in layer was written against the ROME 3; such a title would file an official title
    under the old code, and a real title the ROME does not hold as written under a code of the
    layer's choice with full confidence. Boolean Series on ``titles``' index."""
    out = pd.Series(False, index=titles.index)
    if titles.empty or official.titles.empty:
        return out
    mine = fold_text(titles[TITLE]).map(_words)
    # Gender variants share their first 3 letters at least: only the official titles holding
    # the 3-letter stems of a curated title's words, the first one first, are folded
    # (fold_text costs ~15 µs a title; the ROME has 15,000).
    wanted: dict[str, list[set[str]]] = {}
    for w in mine:
        if w:
            wanted.setdefault(w[0][:3], []).append({x[:3] for x in w})
    raw = official.titles[TITLE].astype(str).str.lower()
    raw = raw.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii")
    stems = [[x[:3] for x in re.findall(r"[a-z]+", t)] for t in raw.tolist()]
    keep = [bool(s) and any(w <= set(s) for w in wanted.get(s[0], ())) for s in stems]
    near = official.titles[np.array(keep, dtype=bool)]
    by_stem: dict[tuple[str, ...], list[tuple[list[str], str]]] = {}
    for words, code in zip(fold_text(near[TITLE]).map(_words), near[CODE], strict=True):
        by_stem.setdefault(tuple(w[:3] for w in words), []).append((words, code))
    codes = official.codes.drop_duplicates(CODE).set_index(CODE)
    parent = codes[PARENT].to_dict() if PARENT in codes else {}

    def same(a: list[str], b: list[str]) -> bool:
        pairs = zip(a, b, strict=True)
        return all(gender_variants(x, y) or gender_variants(y, x) for x, y in pairs)

    for i, words, code in zip(titles.index, mine, titles[CODE], strict=True):
        if not words:
            continue
        filed = {c for w, c in by_stem.get(tuple(w[:3] for w in words), []) if same(w, words)}
        fam = {code, parent.get(code, code)}
        out[i] = (
            bool(filed)
            and code not in filed
            and not any(c in fam or parent.get(c, c) in fam for c in filed)
        )
    return out


def _refiled_cached(official: Referential, titles: pd.DataFrame) -> pd.Series:
    """:func:`refiled_titles`, kept on disk by the content of both referentials (~0.15 s of
    folding saved in every process that reads the default referential)."""
    parts = [official.titles[[CODE, TITLE]], titles]
    if PARENT in official.codes:
        parts.append(official.codes[[CODE, PARENT]])
    h = hashlib.sha1()
    for f in parts:
        h.update(pd.util.hash_pandas_object(f, index=False).to_numpy().tobytes())
    path = cache_file("refiled", h.hexdigest(), [__file__], ".json")
    try:
        flags = json.loads(path.read_text())
        if isinstance(flags, list) and len(flags) == len(titles):
            return pd.Series([bool(x) for x in flags], index=titles.index)
    except (OSError, ValueError):
        pass  # absent or damaged: computed again
    out = refiled_titles(official, titles)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(out.tolist()))
    except OSError:  # a read-only cache: only slower
        pass
    return out


def layered(official: Referential, curated: Referential | None = None) -> Referential:
    """The official referential with the curated built-in one on top: for the curated codes its
    labels and sectors; its titles (but :func:`refiled_titles`), skills and close jobs added;
    the official definitions and parents kept."""
    cur = curated if curated is not None else builtin_referential()
    codes = official.codes.drop_duplicates(CODE).set_index(CODE)
    cc = cur.codes.drop_duplicates(CODE).set_index(CODE)
    if PARENT not in codes:
        codes[PARENT] = codes.index
    extra = cc.index.difference(codes.index)
    codes = pd.concat([codes, cc.loc[extra].assign(**{PARENT: extra})])
    codes.loc[cc.index, LABEL] = cc[LABEL]
    codes.loc[cc.index, SECTOR] = cc[SECTOR]
    codes = codes.rename_axis(CODE).reset_index()
    cur_titles = cur.titles[[CODE, TITLE]]
    refiled = _refiled_cached(official, cur_titles)
    if refiled.any():
        log.debug("%d titles of the built-in layer filed elsewhere by the official: left out",
                  int(refiled.sum()))  # fmt: skip
    titles = pd.concat([official.titles[[CODE, TITLE]], cur_titles[~refiled]])
    skills = pd.concat([official.skills, cur.skills], ignore_index=True)
    skills = skills.drop_duplicates([CODE, SKILL], ignore_index=True)
    close = pd.concat([official.close, cur.close]).drop_duplicates(ignore_index=True)
    return Referential(
        codes=codes,
        titles=titles.drop_duplicates(ignore_index=True),
        skills=skills,
        close=close,
        source=f"{official.source} + {LAYER}",
        texts=official.texts,
    )


@functools.cache
def default_referential() -> Referential:
    """The referential of a fresh installation: the shipped official ROME (``data/rome/``) with
    the built-in layer on top; the built-in one alone when the shipped copy is absent.

    Loaded, with its title classifier and close-job table, from the cache folder when an
    earlier process kept it there (:func:`default_cache`): reading the pack, layering it and
    setting up the classifier cost about 0.8 s of every ranking command, reading them back a
    tenth of that."""
    from matcher.paths import ROME_DIR
    from matcher.reference.rome_pack import read_pack

    if not (ROME_DIR / "codes.csv.gz").is_file():
        log.warning("%s absent: built-in referential only", ROME_DIR)
        return builtin_referential()
    cached = default_cache(ROME_DIR)
    try:
        with cached.open("rb") as fh:
            kept = pickle.load(fh)  # our own file, written below from the shipped open data
        if isinstance(kept, Referential):
            return kept
        log.warning("referential cache %s holds no referential: rebuilt", cached)
    except FileNotFoundError:
        pass
    except Exception as exc:  # damaged: built again
        log.warning("referential cache %s unreadable (%s): rebuilt", cached, exc)
    referential = layered(read_pack(ROME_DIR))
    # Kept with it: every ranking reads them.
    _ = (
        referential.classifier,
        referential.close_of,
        referential.parents(),
        close_pairs(referential),
    )
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(referential, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cached)  # atomic: a parallel reader sees the whole file or none
    except OSError as exc:  # a read-only installation still works, only slower
        log.warning("referential cache not written to %s: %s", cached, exc)
    return referential


def default_cache(pack: Path) -> Path:
    """Where the default referential built from ``pack`` is kept: keyed by the bytes of the
    pack, of the built-in layer and word lists, of the code that reads, layers and classifies
    (matcher/reference/, matcher/text/) and by the versions of Python and of the libraries
    whose objects it holds, so that any change builds it again."""
    import rapidfuzz
    import scipy

    from matcher.paths import DATA_DIR

    here = Path(__file__).parent
    files: list[Path | str] = [
        *sorted(here.glob("*.py")),
        *sorted((here.parent / "text").glob("*.py")),
        *sorted(p for p in pack.iterdir() if p.is_file()),
        *sorted(REFERENTIAL_DIR.glob("*.csv")),
        *sorted(DATA_DIR.glob("*.csv")),
        *sorted(DATA_DIR.glob("*.txt")),
    ]
    versions = [sys.version, pd.__version__, np.__version__, scipy.__version__,
                rapidfuzz.__version__]  # fmt: skip
    return cache_file("referential", "\n".join(versions), files, ".pickle")


def active_referential(store: Store | None) -> Referential:
    """The referential the matcher uses: the official one loaded in ``store`` when there is one
    (``python -m matcher referential load``), else the shipped one (:func:`default_referential`),
    the built-in layer on top of either. Cached per database and load."""
    if store is None:
        return default_referential()
    stamp = store.referential_stamp()
    if stamp is None:
        return default_referential()
    return _stored_referential(store.target, stamp)


@functools.lru_cache(maxsize=4)
def _stored_referential(path: str, stamp: str) -> Referential:
    from matcher.store.database import Store

    frames = Store(path).referential_frames()
    if frames is None:  # removed between the two reads
        return default_referential()
    return layered(Referential(**frames))


# -- classification -----------------------------------------------------------------------------
def nearest_title_baseline(referential: Referential, queries: pd.Series, top: int = 3):
    """The plain baseline of the evaluation: character n-gram TF-IDF over the titles (folded
    text, nothing else), the code of the nearest title. Returns a queries x top array of codes."""
    titles = referential.titles.assign(norm=fold_text(referential.titles[TITLE]))
    titles = titles[titles["norm"] != ""].sort_values(CODE, kind="stable", ignore_index=True)
    codes, starts = np.unique(titles[CODE].to_numpy(), return_index=True)
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    matrix = vec.fit_transform(titles["norm"]).T.tocsr()
    q = fold_text(queries)
    result = np.empty((len(q), top), dtype=object)
    for start in range(0, len(q), 1000):
        sims = (vec.transform(q.iloc[start : start + 1000]) @ matrix).toarray()
        per_code = np.maximum.reduceat(sims, starts, axis=1)
        idx = np.argsort(-per_code, axis=1, kind="stable")[:, :top]
        result[start : start + len(idx)] = codes[idx]
    return result


def close_pairs(referential: Referential) -> frozenset[tuple[str, str]]:
    """Close-job links, made symmetric (computed once per referential)."""
    return referential._close_pairs


def close_codes(referential: Referential, codes: pd.Series) -> pd.Series:
    """For each list of codes, the list of their close jobs (from the referential's close-job
    links, symmetric), without the codes themselves."""
    by_code = referential.close_of

    def close(cs: list[str]) -> list[str]:
        seen = dict.fromkeys(c for code in cs for c in by_code.get(code, ()) if c not in cs)
        return list(seen)

    return codes.map(lambda cs: close(cs) if isinstance(cs, list) else [])


def fold_codes(series: pd.Series) -> pd.Series:
    """ROME codes written freely ("k 2204", "K2204 - Nettoyage") -> list of codes. Each
    distinct cell is read once (most are empty or repeat); every row gets its own list."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object, na_value=None))
    s = fold_text(pd.Series(uniques, dtype=object)).str.upper()
    s = s.str.replace(r"([A-N])\s+(\d{4})", r"\1\2", regex=True)
    table = [list(dict.fromkeys(xs)) for xs in s.str.findall(r"\b[A-N]\d{4}\b")]
    table.append([])  # missing cells (code -1)
    return pd.Series([list(table[c]) for c in codes], index=series.index, dtype=object)


# -- the official ROME 4.0 export ---------------------------------------------------------------
ROME_FILES = {
    "codes": "unix_referentiel_code_rome_v{v}_utf8.csv",
    "titles": "unix_referentiel_appellation_v{v}_utf8.csv",
    "links": "unix_coherence_item_v{v}_utf8.csv",
    "items": "unix_item_v{v}_utf8.csv",
    "skills": "unix_referentiel_competence_v{v}_utf8.csv",
    "knowledge": "unix_referentiel_savoir_v{v}_utf8.csv",
    "mobility": "unix_rubrique_mobilite_v{v}_utf8.csv",
    "domains": "unix_domaine_professionnel_v{v}_utf8.csv",
    "texts": "unix_texte_v{v}_utf8.csv",
}
ROME_COLUMNS = {
    "codes": ("code_rome", "libelle_rome"),
    "titles": ("code_rome", "libelle_appellation_long", "libelle_appellation_court"),
    "links": ("code_rome", "code_ogr", "coeur_metier"),
    "items": ("code_ogr", "libelle"),
    "skills": ("code_ogr",),
    "knowledge": ("code_ogr_savoir",),
    "mobility": ("code_rome", "code_rome_cible"),
    "domains": ("code_domaine_professionnel", "libelle_domaine_professionnel"),
    "texts": ("code_rome", "libelle_type_texte", "position_phrase", "libelle_texte"),
}


def _fold_typography(series: pd.Series) -> pd.Series:
    """Some official files use ’ and …, others ' and ...; the texts file doubles apostrophes
    (''): fold all to the plain forms."""
    return (
        series.str.replace("’", "'", regex=False)
        .str.replace("''", "'", regex=False)
        .str.replace("…", "...", regex=False)
        .str.strip()
    )


def rome_version(directory: str | Path) -> str:
    """The version of the ROME files in a folder ("460"), or a French error."""
    directory = Path(directory)
    if not directory.is_dir():
        raise UserError(f"{directory} : dossier introuvable")
    found = sorted(directory.glob("unix_referentiel_code_rome_v*_utf8.csv"))
    if not found:
        raise UserError(
            f"{directory} : fichiers du ROME introuvables "
            "(attendu unix_referentiel_code_rome_vXXX_utf8.csv et les autres fichiers unix_*)"
        )
    return found[-1].name.split("_v")[1].split("_")[0]


def load_rome_dir(directory: str | Path) -> Referential:
    """Read the official ROME 4.0 export (``unix_*_utf8.csv`` files of one version) from a folder.

    Codes and labels (sector = the professional domain's label), every job title (long and
    short forms), the skills (savoir-faire) and knowledge (savoirs, certificates) linked to each
    code with the core-skill flag, the close-job links and the definition texts."""
    directory = Path(directory)
    version = rome_version(directory)
    files = _RomeFiles({k: directory / f.format(v=version) for k, f in ROME_FILES.items()})
    missing = [p.name for p in files.paths.values() if not p.is_file()]
    if missing:
        raise UserError(f"{directory} : fichiers du ROME manquants : {', '.join(missing)}")
    read = files.read
    codes = _rome_codes(read)
    known = set(codes[CODE])
    titles = _rome_titles(read, codes, known)
    skills = _rome_skills(read, known)
    close = _rome_close(read, known)
    texts = _rome_texts(read, known)
    source = f"ROME 4.0 v{version[0]}.{version[1:]}"
    log.info("%s: %d codes, %d titles, %d skill links, %d close links, %d texts",
             source, len(codes), len(titles), len(skills), len(close), len(texts))  # fmt: skip
    return Referential(codes, titles, skills, close, source=source, texts=texts)


@dataclass
class _RomeFiles:
    """The files of one ROME export, read with French messages for broken ones."""

    paths: dict[str, Path]

    def read(self, key: str) -> pd.DataFrame:
        try:
            frame = pd.read_csv(self.paths[key], dtype=str, keep_default_na=False, encoding="utf-8")
        except (UnicodeDecodeError, pd.errors.ParserError) as exc:
            raise UserError(f"{self.paths[key]} : fichier illisible ({exc})") from exc
        absent = [c for c in ROME_COLUMNS[key] if c not in frame.columns]
        if absent:
            raise UserError(f"{self.paths[key]} : colonnes manquantes : {', '.join(absent)}")
        return frame


_Read = Callable[[str], pd.DataFrame]


def _rome_codes(read: _Read) -> pd.DataFrame:
    """Codes, labels, domains and their labels (the sector), parents."""
    codes_raw = read("codes")
    parents = codes_raw.get("code_rome_parent", codes_raw["code_rome"]).replace("", None)
    domains = read("domains").set_index("code_domaine_professionnel")[
        "libelle_domaine_professionnel"
    ]
    codes = pd.DataFrame({
        CODE: codes_raw["code_rome"],
        LABEL: _fold_typography(codes_raw["libelle_rome"]),
        DOMAIN: codes_raw["code_rome"].str[:3],
    })  # fmt: skip
    codes[SECTOR] = _fold_typography(codes[DOMAIN].map(domains).fillna(""))
    codes[PARENT] = parents.fillna(codes_raw["code_rome"])
    codes = codes.drop_duplicates(CODE, ignore_index=True)
    return codes


def _rome_titles(read: _Read, codes: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    """Every job title, long and short forms, and the codes' own labels."""
    t = read("titles")
    titles = pd.concat([
        pd.DataFrame({CODE: t["code_rome"], TITLE: t["libelle_appellation_long"]}),
        pd.DataFrame({CODE: t["code_rome"], TITLE: t["libelle_appellation_court"]}),
        codes[[CODE, LABEL]].rename(columns={LABEL: TITLE}),
    ])  # fmt: skip
    titles[TITLE] = _fold_typography(titles[TITLE])
    titles = titles[(titles[TITLE] != "") & titles[CODE].isin(known)]
    titles = titles.drop_duplicates(ignore_index=True)
    return titles


def _rome_skills(read: _Read, known: set[str]) -> pd.DataFrame:
    """Skills (savoir-faire) and knowledge (savoirs) linked to each code, core flag kept."""
    links = read("links")
    items = _fold_typography(
        read("items").drop_duplicates("code_ogr").set_index("code_ogr")["libelle"]
    )
    kinds = pd.concat([
        pd.Series(SAVOIR_FAIRE, index=read("skills")["code_ogr"].unique()),
        pd.Series(SAVOIR, index=read("knowledge")["code_ogr_savoir"].unique()),
    ])  # fmt: skip
    kinds = kinds[~kinds.index.duplicated()]
    links = links[links["code_ogr"].isin(kinds.index) & links["code_rome"].isin(known)]
    skills = pd.DataFrame({
        CODE: links["code_rome"].to_numpy(),
        SKILL: links["code_ogr"].map(items).fillna("").to_numpy(),
        CORE: (links["coeur_metier"] == "Principale").to_numpy(),
        KIND: links["code_ogr"].map(kinds).to_numpy(),
    })  # fmt: skip
    skills = skills[skills[SKILL] != ""].drop_duplicates([CODE, SKILL], ignore_index=True)
    return skills


def _rome_close(read: _Read, known: set[str]) -> pd.DataFrame:
    """Close-job links (mobility) between known codes."""
    mob = read("mobility")
    close = pd.DataFrame({CODE: mob["code_rome"], CLOSE_CODE: mob["code_rome_cible"]})
    close = close[close[CODE].isin(known) & close[CLOSE_CODE].isin(known)]
    close = close.drop_duplicates(ignore_index=True)
    return close


def _rome_texts(read: _Read, known: set[str]) -> pd.DataFrame:
    """Each code's texts joined, the definition first."""
    tx = read("texts")
    tx = tx[tx["code_rome"].isin(known)].copy()
    tx["pos"] = pd.to_numeric(tx["position_phrase"], errors="coerce").fillna(0)
    tx["is_def"] = tx["libelle_type_texte"] != "definition"  # definition first
    tx = tx.sort_values(["code_rome", "is_def", "pos"], kind="stable")
    texts = (
        tx.assign(t=_fold_typography(tx["libelle_texte"]))
        .groupby("code_rome", sort=True)["t"]
        .agg(" ".join)
        .rename_axis(CODE)
        .reset_index()
        .rename(columns={"t": TEXT})
    )
    return texts
