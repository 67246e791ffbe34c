"""Occupation referential: ROME codes, job titles, skills per code, close jobs; title -> code.

Two sources share one shape (:class:`Referential`): the compact built-in referential under
``data/referentiel/`` and the official ROME 4.0 export loaded into the database.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher.normalise import fold_text, normalise_text
from matcher.paths import REFERENTIAL_DIR

log = logging.getLogger(__name__)

# Column names of the referential frames.
CODE = "code"
LABEL = "label"
DOMAIN = "domain"
SECTOR = "sector"
TITLE = "title"
SKILL = "skill"
CORE = "core"
CLOSE_CODE = "close_code"

BUILTIN = "intégré"


@dataclass(frozen=True)
class Referential:
    """Occupation referential: four frames and where they come from."""

    codes: pd.DataFrame  # code, label, domain, sector
    titles: pd.DataFrame  # code, title
    skills: pd.DataFrame  # code, skill, core
    close: pd.DataFrame  # code, close_code
    source: str = BUILTIN

    def label_of(self, codes: pd.Series) -> pd.Series:
        labels = self.codes.set_index(CODE)[LABEL]
        return codes.map(labels)

    @functools.cached_property
    def classifier(self) -> TitleClassifier:
        return TitleClassifier(self)


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
    close = pd.read_csv(d / "proximites.csv", dtype=str).rename(
        columns={"code": CODE, "code_proche": CLOSE_CODE}
    )
    # The label of a code is one of its titles too.
    titles = pd.concat([codes[[CODE, LABEL]].rename(columns={LABEL: TITLE}), titles])
    titles = titles.drop_duplicates(ignore_index=True)
    return Referential(codes=codes, titles=titles, skills=skills, close=close, source=BUILTIN)


class TitleClassifier:
    """Job title -> ROME code, by character n-gram TF-IDF over all titles of the referential.

    The confidence of a code is the cosine similarity between the query and its closest title."""

    def __init__(self, referential: Referential):
        self.referential = referential
        # Titles sorted by code, so that the best title of each code is a reduceat over columns.
        titles = referential.titles.sort_values(CODE, kind="stable")
        codes = titles[CODE].to_numpy()
        self._vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True
        )
        self._matrix = self._vectorizer.fit_transform(normalise_text(titles[TITLE]))
        self._code_index, self._starts = np.unique(codes, return_index=True)

    def classify(self, queries: pd.Series, top: int = 3, chunk: int = 2000) -> pd.DataFrame:
        """One row per query: ``code``, ``label``, ``confidence`` and ``candidates`` (list of
        (code, confidence) of the next best codes). Empty queries give no code."""
        norm = normalise_text(queries)
        n_codes = len(self._code_index)
        if n_codes == 0:
            raise ValueError("empty referential")
        best_codes: list[list[tuple[str, float]]] = []
        for start in range(0, len(norm), chunk):
            q = self._vectorizer.transform(norm.iloc[start : start + chunk])
            sims = (q @ self._matrix.T).toarray()  # queries x titles (titles are few thousand)
            # Best title per code: scatter-max over the title -> code index.
            per_code = np.maximum.reduceat(sims, self._starts, axis=1)
            k = min(top, n_codes)
            idx = np.argpartition(-per_code, k - 1, axis=1)[:, :k]
            vals = np.take_along_axis(per_code, idx, axis=1)
            order = np.lexsort((idx, -vals), axis=1)  # score desc, then code index asc
            idx = np.take_along_axis(idx, order, axis=1)
            vals = np.take_along_axis(vals, order, axis=1)
            for row_idx, row_vals in zip(idx, vals, strict=True):
                best_codes.append(
                    [
                        (str(self._code_index[i]), float(v))
                        for i, v in zip(row_idx, row_vals, strict=True)
                    ]
                )
        labels = self.referential.codes.set_index(CODE)[LABEL]
        out = pd.DataFrame(index=queries.index)
        out[CODE] = [b[0][0] if b and b[0][1] > 0 else None for b in best_codes]
        out["confidence"] = [b[0][1] if b else 0.0 for b in best_codes]
        out[LABEL] = out[CODE].map(labels)
        out["candidates"] = [b[1:] for b in best_codes]
        empty = norm.str.len() == 0
        out.loc[empty, CODE] = None
        out.loc[empty, LABEL] = None
        out.loc[empty, "confidence"] = 0.0
        return out


def close_pairs(referential: Referential) -> set[tuple[str, str]]:
    """Close-job links, made symmetric."""
    pairs = set(zip(referential.close[CODE], referential.close[CLOSE_CODE], strict=True))
    return pairs | {(b, a) for a, b in pairs}


def fold_codes(series: pd.Series) -> pd.Series:
    """ROME codes written freely ("k 2204", "K2204 - Nettoyage") -> list of codes."""
    s = fold_text(series).str.upper().str.replace(r"([A-N])\s+(\d{4})", r"\1\2", regex=True)
    return s.str.findall(r"\b[A-N]\d{4}\b").map(lambda xs: list(dict.fromkeys(xs)))


ROME_FILES = {
    "codes": "unix_referentiel_code_rome_v{v}_utf8.csv",
    "titles": "unix_referentiel_appellation_v{v}_utf8.csv",
    "links": "unix_coherence_item_v{v}_utf8.csv",
    "items": "unix_item_v{v}_utf8.csv",
    "skills": "unix_referentiel_competence_v{v}_utf8.csv",
    "mobility": "unix_rubrique_mobilite_v{v}_utf8.csv",
    "domains": "unix_domaine_professionnel_v{v}_utf8.csv",
}


def _fold_typography(series: pd.Series) -> pd.Series:
    """Some official files use ’ and …, others ' and ...: fold both to the plain forms."""
    return series.str.replace("’", "'", regex=False).str.replace("…", "...", regex=False)


def load_rome_dir(directory) -> Referential:
    """Read the official ROME 4.0 export (``unix_*_utf8.csv`` files of one version) from a folder.

    Codes and labels, every job title (main and synonyms), the skills (savoir-faire) linked to
    each code with the core-skill flag, and the close-job links."""
    from pathlib import Path

    from matcher.errors import UserError

    directory = Path(directory)
    found = sorted(directory.glob("unix_referentiel_code_rome_v*_utf8.csv"))
    if not found:
        raise UserError(
            f"{directory} : fichiers du ROME introuvables "
            "(attendu unix_referentiel_code_rome_vXXX_utf8.csv et les autres fichiers unix_*)"
        )
    version = found[-1].name.split("_v")[1].split("_")[0]
    paths = {k: directory / f.format(v=version) for k, f in ROME_FILES.items()}
    missing = [p.name for p in paths.values() if not p.is_file()]
    if missing:
        raise UserError(f"{directory} : fichiers du ROME manquants : {', '.join(missing)}")

    def read(key: str) -> pd.DataFrame:
        return pd.read_csv(paths[key], dtype=str, keep_default_na=False)

    codes_raw = read("codes")
    domains = read("domains").set_index("code_domaine_professionnel")[
        "libelle_domaine_professionnel"
    ]
    codes = pd.DataFrame({
        CODE: codes_raw["code_rome"],
        LABEL: _fold_typography(codes_raw["libelle_rome"]),
        DOMAIN: codes_raw["code_rome"].str[:3],
    })  # fmt: skip
    codes[SECTOR] = _fold_typography(codes[DOMAIN].map(domains).fillna(""))
    codes = codes.drop_duplicates(CODE, ignore_index=True)

    t = read("titles")
    titles = pd.concat([
        pd.DataFrame({CODE: t["code_rome"], TITLE: t["libelle_appellation_long"]}),
        pd.DataFrame({CODE: t["code_rome"], TITLE: t["libelle_appellation_court"]}),
        codes[[CODE, LABEL]].rename(columns={LABEL: TITLE}),
    ])  # fmt: skip
    titles[TITLE] = _fold_typography(titles[TITLE])
    titles = titles[titles[TITLE] != ""].drop_duplicates(ignore_index=True)

    links = read("links")
    items = read("items").set_index("code_ogr")["libelle"]
    competences = set(read("skills")["code_ogr"])
    links = links[links["code_ogr"].isin(competences)]
    skills = pd.DataFrame({
        CODE: links["code_rome"].to_numpy(),
        SKILL: _fold_typography(links["code_ogr"].map(items).fillna("")).to_numpy(),
        CORE: (links["coeur_metier"] == "Principale").to_numpy(),
    })  # fmt: skip
    skills = skills[skills[SKILL] != ""].drop_duplicates([CODE, SKILL], ignore_index=True)

    mob = read("mobility")
    close = pd.DataFrame({CODE: mob["code_rome"], CLOSE_CODE: mob["code_rome_cible"]})
    close = close.drop_duplicates(ignore_index=True)
    log.info("ROME v%s: %d codes, %d titles, %d skill links, %d close links",
             version, len(codes), len(titles), len(skills), len(close))  # fmt: skip
    return Referential(codes, titles, skills, close, source=f"ROME 4.0 v{version[0]}.{version[1:]}")
