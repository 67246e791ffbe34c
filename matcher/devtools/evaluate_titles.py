"""Evaluation of the title -> code step on the official referential (``python -m matcher evaluate
titles``). Not a test: it takes about a minute and prints figures.

A sample of official job titles (``unix_referentiel_appellation``) is written as users write
them (:func:`rewrite_title`: one gender form, a case, sometimes "H/F", sometimes no accents, one
typo), deterministically from a seed, then classified three ways:

(a) ``in_referential``: the title is in the loaded referential (target top-1 >= 0.97);
(b) ``leave_one_out``: the titles are removed from the referential (by folds, so each query is
    a synonym the referential does not hold); top-1 and top-3 of the classifier, against a
    plain nearest-title baseline (character n-gram TF-IDF over the remaining titles);
(c) ``builtin``: (a) with only the built-in referential, on the official titles of the codes
    it covers.
"""

from __future__ import annotations

import logging
import random
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.devtools.real_titles import typo
from matcher.reference.classifier import TitleClassifier
from matcher.reference.referential import (
    CANDIDATES,
    CODE,
    CONFIDENCE,
    Referential,
    builtin_referential,
    load_rome_dir,
    nearest_title_baseline,
    rome_version,
)
from matcher.text.normalise import gender_variants

log = logging.getLogger(__name__)

DEFAULT_SAMPLE = 3000
DEFAULT_FOLDS = 10
DEFAULT_SEED = 2026
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def _feminine(title: str) -> str:
    """ "Chef pâtissier / Cheffe pâtissière de restaurant" -> "Cheffe pâtissière de restaurant";
    a title without a gendered pair is returned as it is."""
    if " / " not in title:
        return title
    left, right = title.split(" / ", 1)
    lw, rw = left.split(" "), right.split(" ")
    for n in range(min(6, len(lw), len(rw)), 0, -1):
        if all(gender_variants(a, b) for a, b in zip(lw[-n:], rw[:n], strict=True)):
            return " ".join([*lw[:-n], *rw])
    return title


def _masculine(title: str) -> str:
    if " / " not in title:
        return title
    left, right = title.split(" / ", 1)
    lw, rw = left.split(" "), right.split(" ")
    for n in range(min(6, len(lw), len(rw)), 0, -1):
        if all(gender_variants(a, b) for a, b in zip(lw[-n:], rw[:n], strict=True)):
            return " ".join([*lw, *rw[n:]])
    return title


def _strip_accents(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    ).replace("œ", "oe")


def rewrite_title(title: str, rng: random.Random) -> str:
    """An official title written as a user would: one gender form, a case, sometimes "H/F",
    sometimes without accents, always one typo."""
    t = _feminine(title) if rng.random() < 0.4 else _masculine(title)
    case = rng.random()
    if case < 0.3:
        t = t.lower()
    elif case < 0.45:
        t = t.upper()
    elif case < 0.55:
        t = t.title()
    if rng.random() < 0.5:
        t = _strip_accents(t)
    t = typo(t, rng)
    hf = rng.random()
    if hf < 0.25:
        t += " H/F"
    elif hf < 0.4:
        t += " (F/H)"
    return t


def sample_titles(rome_dir: Path, n: int, seed: int, codes: set[str] | None = None) -> pd.DataFrame:
    """``n`` official titles (long form) drawn with ``seed`` (all when fewer), with their code
    and short form, and their rewritten form (``query``)."""
    version = rome_version(rome_dir)
    path = Path(rome_dir) / f"unix_referentiel_appellation_v{version}_utf8.csv"
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    if codes is not None:
        t = t[t["code_rome"].isin(codes)]
    t = t.sample(n=min(n, len(t)), random_state=seed).reset_index(drop=True)
    rng = random.Random(seed)
    out = pd.DataFrame({
        "title": t["libelle_appellation_long"],
        "short": t["libelle_appellation_court"],
        CODE: t["code_rome"],
    })  # fmt: skip
    out["query"] = [rewrite_title(x, rng) for x in out["title"]]
    return out


@dataclass
class Figures:
    name: str
    n: int
    top1: float
    top3: float
    seconds: float
    baseline_top1: float | None = None
    baseline_top3: float | None = None
    by_threshold: list[tuple[float, float, float]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.name} : {self.n} titres, top-1 {self.top1:.3f}, top-3 {self.top3:.3f} "
               f"({self.seconds:.1f} s)"]  # fmt: skip
        if self.baseline_top1 is not None:
            out.append(f"    référence (titre le plus proche, n-grammes de caractères) : "
                       f"top-1 {self.baseline_top1:.3f}, top-3 {self.baseline_top3:.3f}")  # fmt: skip
        for thr, coverage, precision in self.by_threshold:
            out.append(f"    seuil {thr:.2f} : code donné à {coverage:.1%} des titres, "
                       f"juste dans {precision:.1%} des cas")  # fmt: skip
        return out


def _top_k(result: pd.DataFrame) -> np.ndarray:
    firsts = result[CODE].to_numpy()
    rest = result[CANDIDATES].map(lambda cs: [c for c, _ in cs]).to_list()
    width = 1 + max((len(r) for r in rest), default=0)
    out = np.full((len(result), width), None, dtype=object)
    out[:, 0] = firsts
    for i, r in enumerate(rest):
        out[i, 1 : 1 + len(r)] = r
    return out


def _accuracy(pred: np.ndarray, truth: np.ndarray, k: int) -> float:
    return float((pred[:, :k] == truth[:, None]).any(axis=1).mean()) if len(truth) else 0.0


def _thresholds(result: pd.DataFrame, truth: np.ndarray) -> list[tuple[float, float, float]]:
    conf = result[CONFIDENCE].to_numpy()
    right = result[CODE].to_numpy() == truth
    out = []
    for thr in THRESHOLDS:
        kept = conf >= thr
        precision = float(right[kept].mean()) if kept.any() else 0.0
        out.append((thr, float(kept.mean()), precision))
    return out


def in_referential(referential: Referential, sample: pd.DataFrame, name: str) -> Figures:
    """(a) and (c): every query's title is in ``referential``."""
    t0 = time.perf_counter()
    result = referential.classifier.classify(sample["query"])
    pred, truth = _top_k(result), sample[CODE].to_numpy()
    return Figures(name, len(sample), _accuracy(pred, truth, 1), _accuracy(pred, truth, 3),
                   time.perf_counter() - t0, by_threshold=_thresholds(result, truth))  # fmt: skip


def leave_one_out(referential: Referential, sample: pd.DataFrame, folds: int, seed: int) -> Figures:
    """(b): the sample is cut into folds; for each, the fold's titles (long and short forms) are
    removed from the referential, the classifier is rebuilt and asked for the fold's queries.
    The baseline runs on the same reduced referentials."""
    t0 = time.perf_counter()
    order = np.random.default_rng(seed).permutation(len(sample))
    results, base = [], []
    for f in range(folds):
        part = sample.iloc[np.sort(order[f::folds])]
        reduced = referential.without_titles(pd.concat([part["title"], part["short"]]))
        res = TitleClassifier(reduced, use_cache=False).classify(part["query"])
        results.append(res)
        base.append(pd.DataFrame(nearest_title_baseline(reduced, part["query"]), index=part.index))
        log.info("fold %d/%d done", f + 1, folds)
    result = pd.concat(results).loc[sample.index]
    baseline = pd.concat(base).loc[sample.index].to_numpy()
    pred, truth = _top_k(result), sample[CODE].to_numpy()
    return Figures("(b) titre absent du référentiel (leave-one-out)", len(sample),
                   _accuracy(pred, truth, 1), _accuracy(pred, truth, 3), time.perf_counter() - t0,
                   _accuracy(baseline, truth, 1), _accuracy(baseline, truth, 3),
                   _thresholds(result, truth))  # fmt: skip


def real_like_figures(rome_dir, official: Referential, n: int, seed: int, threshold: float):
    """(r): real-like titles (matcher/devtools/real_titles.py: noise model, two thirds held out
    of the referential, a twin code of the truth counted right and reported), with the offer's
    context and without, and the baseline, in one run; the product's default referential
    (shipped ROME + built-in layer)."""
    from matcher.devtools.real_titles import (
        evaluate_real_like,
        real_like_titles,
        score_codes,
        score_result,
    )
    from matcher.reference.referential import default_referential

    ts = real_like_titles(rome_dir, n, seed, official)
    ref = default_referential()
    out = []
    for ctx in (True, False):
        t0 = time.perf_counter()
        res, base = evaluate_real_like(ref, ts, seed, threshold, use_context=ctx)
        name = "(r) titres réels simulés, " + ("avec" if ctx else "sans") + " le texte de l'offre"
        out.append(score_result(name, ts, res, time.perf_counter() - t0, threshold))
        if ctx:
            out.append(score_codes("    référence : TF-IDF n-grammes de caractères, appellation "
                                   "la plus proche", ts, base.to_numpy(), 0.0))  # fmt: skip
    return out


def evaluate_titles(
    rome_dir: Path,
    n: int = DEFAULT_SAMPLE,
    seed: int = DEFAULT_SEED,
    folds: int = DEFAULT_FOLDS,
    parts: tuple[str, ...] = ("r", "a", "b", "c"),
    threshold: float = 0.7,
) -> list:
    """Run the evaluation and return its figures (see the module docstring)."""
    referential = load_rome_dir(rome_dir)
    sample = sample_titles(rome_dir, n, seed)
    figures: list = []
    if "r" in parts:
        figures += real_like_figures(rome_dir, referential, min(n, 1500), seed, threshold)
    if "a" in parts:
        figures.append(in_referential(referential, sample, "(a) titre présent dans le référentiel"))
    if "b" in parts:
        figures.append(leave_one_out(referential, sample, folds, seed))
    if "c" in parts:
        builtin = builtin_referential()
        covered = sample_titles(rome_dir, n, seed, codes=set(builtin.codes[CODE]))
        figures.append(in_referential(builtin, covered, "(c) référentiel intégré seul (ses codes)"))
    return figures
