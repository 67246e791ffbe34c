"""Measured quality of the ranking: a labelled set generated from the official ROME, nDCG@10 and
recall@10 of the product and of baselines in the same run.

The set (:func:`build_set`): offers written from job titles of sampled ROME codes, with a
description and a skills list built from the code's skills; profiles written as people write
(other titles and skills of the same code, of a close code, of the same domain, and of random
codes; lower case, typos, nouns for verbs, abbreviations), each with a commune, a mobility
radius, a licence. Relevance of (offer, profile), graded from the true codes:

- 3 same code, 2 close code (ROME mobility links), 1 same professional domain, 0 otherwise
  (a person aiming at two jobs: the better);
- at most 1 when the person cannot take the job: the offer requires a licence the person does
  not hold, or the person gave a mobility radius and lives farther than it.

Metrics per offer, averaged: nDCG@10 (gain 2^grade - 1) and recall@10 (share of the profiles of
grade >= 2 found in the first 10, out of at most 10).

Methods compared in one run: the product with the built-in referential, the product with the full
ROME loaded, the product without commute and constraints (what the job matching alone gives),
plain TF-IDF on the raw text, fuzzy skills only, random.

Weights and thresholds of the settings were tuned with :mod:`matcher.devtools.tune_ranking` on
seed :data:`TUNING_SEED`; reports use :data:`REPORT_SEED`, another set, so the figures are not
measured on the data the defaults were chosen on.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

from matcher import fields as F
from matcher.devtools.synthetic import Truth, labelled_set
from matcher.features import constraints as C
from matcher.features import skills as S
from matcher.paths import OFFICIAL_ROME_DIR
from matcher.ranking import suggest
from matcher.ranking.scoring import OFFER_POS, PROFILE_POS, Scored, score_pairs
from matcher.reference.geo import haversine_pairs
from matcher.reference.referential import (
    CODE,
    Referential,
    builtin_referential,
    close_pairs,
    default_referential,
    load_rome_dir,
)
from matcher.settings import Policy, Settings
from matcher.text.normalise import split_skills

log = logging.getLogger(__name__)

ROME_DIR = OFFICIAL_ROME_DIR
TUNING_SEED = 11
REPORT_SEED = 2026
K = 10
RELEVANT = 2  # grade from which a profile counts in the recall


@dataclass
class EvalSet:
    offers: pd.DataFrame
    profiles: pd.DataFrame
    truth: Truth
    relevance: np.ndarray  # offers x profiles, grade 0..3 (int8)
    seed: int
    # Reachability as part of relevance (issue 13): the same grades, 0 when the person cannot
    # reach or take the job; and which pairs are unreachable.
    reach_relevance: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0)))
    unreachable: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros((0, 0), bool))


def grades(
    truth: Truth,
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    ref: Referential,
    constraints: bool = True,
):
    """Graded relevance of every (offer, profile) of a generated set (see the module doc);
    ``constraints=False``: from the codes only."""
    close = close_pairs(ref)
    n_o, n_p = len(truth.offer_codes), len(truth.profile_codes)
    rel = np.zeros((n_o, n_p), dtype=np.int8)
    for i, oc in enumerate(truth.offer_codes):
        for j, pcs in enumerate(truth.profile_codes):
            best = 0
            for pc in pcs:
                if pc == oc:
                    best = 3
                    break
                if (oc, pc) in close:
                    best = max(best, 2)
                elif pc[:3] == oc[:3]:
                    best = max(best, 1)
            rel[i, j] = best
    if not constraints:
        return rel
    # Constraints a counsellor would not overlook: licence, radius given and exceeded.
    required = offers[F.LICENCE_REQUIRED].map(lambda v: tuple(v) if isinstance(v, list) else ())
    held = profiles[F.LICENCE].map(lambda v: tuple(v) if isinstance(v, list) else ())
    lic = np.array([[C.licence_missing(r, h) for h in held] for r in required], dtype=bool)
    radius = pd.to_numeric(profiles[F.MOBILITY_KM], errors="coerce").to_numpy(float)
    oi, pj = np.meshgrid(np.arange(n_o), np.arange(n_p), indexing="ij")
    dist = haversine_pairs(
        truth.offer_lat[oi.ravel()],
        truth.offer_lon[oi.ravel()],
        truth.profile_lat[pj.ravel()],
        truth.profile_lon[pj.ravel()],
    ).reshape(n_o, n_p)
    with np.errstate(invalid="ignore"):
        far = dist > radius[None, :]
    return np.where(lic | far, np.minimum(rel, 1), rel).astype(np.int8)


def unreachable_pairs(truth: Truth, offers: pd.DataFrame, profiles: pd.DataFrame) -> np.ndarray:
    """Offers x profiles: the person cannot reach or take the job, by the product's documented
    rules with the default tolerance (settings.ConstraintSettings): beyond their radius (given,
    or the default for their means) by more than the tolerance, a required licence not held, or
    not available within constraints.AVAILABILITY_GRACE_DAYS of the start date. The truth uses
    the true coordinates of the generated communes, not the product's geocoding; a person
    counts as placed when the product can locate them (by commune or postal code)."""
    from matcher.ranking.prepare import prepare_profiles
    from matcher.reference.geo import builtin_communes

    cs = Settings().constraints
    n_o, n_p = len(truth.offer_codes), len(truth.profile_codes)
    required = offers[F.LICENCE_REQUIRED].map(lambda v: tuple(v) if isinstance(v, list) else ())
    held = profiles[F.LICENCE].map(lambda v: tuple(v) if isinstance(v, list) else ())
    lic = np.array([[C.licence_missing(a, h) for h in held] for a in required], dtype=bool)
    # The radius the product reads (given, or the default for the person's means).
    prepared = prepare_profiles(profiles, builtin_referential(), builtin_communes(), Settings())
    radius = prepared[F.RADIUS_KM].to_numpy(float)
    oi, pj = np.meshgrid(np.arange(n_o), np.arange(n_p), indexing="ij")
    dist = haversine_pairs(
        truth.offer_lat[oi.ravel()], truth.offer_lon[oi.ravel()],
        truth.profile_lat[pj.ravel()], truth.profile_lon[pj.ravel()],
    ).reshape(n_o, n_p)  # fmt: skip
    # A place the product can locate (a commune, or only a postal code: 3 % of the generated
    # people give no commune name); only a person the product cannot place at all is never
    # counted beyond their radius, since no ranking could know it.
    known_place = prepared[F.LAT].notna().to_numpy()
    far = C.beyond_radius(dist, radius[None, :], cs.distance_tolerance_km,
                          cs.distance_tolerance_share) & known_place[None, :]  # fmt: skip
    start = C.days(offers[F.START_DATE])
    avail = C.days(profiles[F.AVAILABLE_FROM])
    with np.errstate(invalid="ignore"):
        late = avail[None, :] > start[:, None] + C.AVAILABILITY_GRACE_DAYS
    return lic | far | late


def build_set(generation_referential: Referential, seed: int, **sizes) -> EvalSet:
    """The labelled set of ``seed`` (codes, titles and skills from ``generation_referential``,
    normally the full ROME)."""
    offers, profiles, truth = labelled_set(generation_referential, seed, **sizes)
    rel = grades(truth, offers, profiles, generation_referential)
    unreachable = unreachable_pairs(truth, offers, profiles)
    base = grades(truth, offers, profiles, generation_referential, constraints=False)
    reach = np.where(unreachable, 0, base).astype(np.int8)
    return EvalSet(offers, profiles, truth, rel, seed, reach, unreachable)


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------
def ndcg_recall(ranked: list[np.ndarray], relevance: np.ndarray, k: int = K) -> tuple[float, float]:
    """Mean nDCG@k and recall@k over the offers; ``ranked[i]``: profile positions for offer i,
    best first (may be shorter than k)."""
    discounts = 1.0 / np.log2(np.arange(2, k + 2))
    ndcgs, recalls = [], []
    for i, order in enumerate(ranked):
        rel = relevance[i]
        ideal = np.sort(rel)[::-1][:k]
        idcg = float(((2.0**ideal - 1) * discounts[: len(ideal)]).sum())
        if idcg == 0:
            continue
        got = rel[np.asarray(order[:k], dtype=np.int64)]
        dcg = float(((2.0**got - 1) * discounts[: len(got)]).sum())
        ndcgs.append(dcg / idcg)
        n_rel = int((rel >= RELEVANT).sum())
        if n_rel:
            recalls.append(float((got >= RELEVANT).sum()) / min(k, n_rel))
    return float(np.mean(ndcgs)), float(np.mean(recalls))


def _by_score(scores: np.ndarray, k: int = K) -> list[np.ndarray]:
    """Top-k columns of each row of a dense score matrix (ties: lower position first)."""
    out = []
    for row in scores:
        order = np.lexsort((np.arange(len(row)), -row))
        out.append(order[:k])
    return out


# --------------------------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------------------------
def product_lists(scored: Scored, k: int = K) -> list[np.ndarray]:
    rows = suggest.choose(scored, k=k).rows
    pairs = scored.pairs.iloc[rows]
    lists: list[list[int]] = [[] for _ in range(len(scored.offers))]
    for o, p in zip(pairs[OFFER_POS].to_numpy(), pairs[PROFILE_POS].to_numpy(), strict=True):
        lists[o].append(int(p))
    return [np.array(x, dtype=np.int64) for x in lists]


def rank_product(es: EvalSet, settings: Settings, referential: Referential) -> list[np.ndarray]:
    return product_lists(score_pairs(es.offers, es.profiles, settings, referential))


def _join(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    parts = [frame[c].map(lambda v: " ".join(v) if isinstance(v, list) else v) for c in columns]
    return [" ".join(str(x) for x in row if isinstance(x, str)) for row in zip(*parts, strict=True)]


def rank_tfidf(es: EvalSet) -> list[np.ndarray]:
    """Plain TF-IDF (scikit-learn defaults) on the raw text of both sides, cosine."""
    o = _join(es.offers, [F.TITLE, F.DESCRIPTION, F.SKILLS])
    p = _join(es.profiles, [F.TARGET_JOBS, F.SKILLS, F.EXPERIENCE, F.TRAINING])
    vec = TfidfVectorizer().fit(o + p)
    scores = (vec.transform(o) @ vec.transform(p).T).toarray()
    return _by_score(scores)


def rank_fuzzy_skills(es: EvalSet, threshold: float = 80.0) -> list[np.ndarray]:
    """Share of the offer's skills found (fuzzy) in the profile's skills, nothing else."""
    index = S.build_index(
        S.offer_side(split_skills(es.offers[F.SKILLS]), threshold),
        split_skills(es.profiles[F.SKILLS]),
    )
    n_o, n_p = len(es.offers), len(es.profiles)
    oi, pj = np.meshgrid(np.arange(n_o), np.arange(n_p), indexing="ij")
    cov = S.coverage(index, oi.ravel(), pj.ravel()).reshape(n_o, n_p)
    return _by_score(np.nan_to_num(cov))


def rank_random(es: EvalSet, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.permutation(len(es.profiles))[:K] for _ in range(len(es.offers))]


def without_commute_and_constraints(settings: Settings) -> Settings:
    penalise: dict[str, Policy] = {c: "penalise" for c in C.CHECKS}
    neutral = dataclasses.replace(settings.constraints, penalty=1.0, unknown_distance="neutral")
    neutral = dataclasses.replace(neutral, **penalise)  # type: ignore[arg-type]
    return settings.replace(
        weights=dataclasses.replace(settings.weights, commute=0.0), constraints=neutral
    )


def load_rome(rome_dir: Path | str | None = None) -> Referential | None:
    path = Path(rome_dir) if rome_dir else ROME_DIR
    return load_rome_dir(path) if path.is_dir() else None


def evaluate(
    seed: int = REPORT_SEED,
    settings: Settings | None = None,
    rome_dir: Path | str | None = None,
    sizes: dict | None = None,
    codes: str = "all",
) -> pd.DataFrame:
    """One row per method: nDCG@10, recall@10, seconds. ``codes``: "all" draws the offers' jobs
    from the whole ROME (most unknown to the built-in referential), "builtin" among the codes of
    the built-in referential (the jobs of the territory; titles and skills still come from the
    ROME, never from the built-in files). Needs the official ROME (to generate the set); raises
    FileNotFoundError when absent."""
    settings = settings or Settings()
    rome = load_rome(rome_dir)
    if rome is None:
        raise FileNotFoundError(f"référentiel ROME introuvable : {rome_dir or ROME_DIR}")
    builtin = builtin_referential()
    default = default_referential()
    among = list(builtin.codes[CODE]) if codes == "builtin" else None
    es = build_set(rome, seed, **(sizes or {}), offer_codes_among=among)
    methods = [
        ("produit, référentiel intégré", lambda: rank_product(es, settings, builtin)),
        ("produit, ROME complet", lambda: rank_product(es, settings, rome)),
        ("produit, référentiel par défaut", lambda: rank_product(es, settings, default)),
        (
            "produit sans trajet ni contraintes, ROME complet",
            lambda: rank_product(es, without_commute_and_constraints(settings), rome),
        ),
        ("TF-IDF brut", lambda: rank_tfidf(es)),
        ("compétences floues seules", lambda: rank_fuzzy_skills(es)),
        ("hasard", lambda: rank_random(es, seed)),
    ]
    rows = []
    for name, run in methods:
        start = time.perf_counter()
        lists = run()
        ndcg, recall = ndcg_recall(lists, es.relevance)
        reach_ndcg, _ = ndcg_recall(lists, es.reach_relevance)
        rows.append({"méthode": name, "nDCG@10": ndcg, "rappel@10": recall,
                     "nDCG@10 atteignable": reach_ndcg,
                     "hors portée / non pertinents": _unreachable_share(lists, es),
                     "secondes": time.perf_counter() - start,
                     "hors portée devant": unreachable_first(lists, es)})  # fmt: skip
    out = pd.DataFrame(rows)
    out.attrs.update(
        seed=seed,
        offers=len(es.offers),
        profiles=len(es.profiles),
        relevant=int((es.relevance >= RELEVANT).sum()),
        codes=codes,
    )
    return out


def _unreachable_share(lists: list[np.ndarray], es: EvalSet) -> float:
    """Share of the unreachable people among the non-relevant ones (reach relevance 0) in the
    first 10 of each offer."""
    bad = unreach = 0
    for i, order in enumerate(lists):
        got = np.asarray(order[:K], dtype=np.int64)
        zero = es.reach_relevance[i, got] == 0
        bad += int(zero.sum())
        unreach += int((zero & es.unreachable[i, got]).sum())
    return unreach / bad if bad else 0.0


def unreachable_first(lists: list[np.ndarray], es: EvalSet) -> int:
    """Unreachable people ranked before a reachable person in the first 10 of their offer (the
    product shows every reachable person first: those left come after them, in offers with
    fewer than 10 reachable candidates above the minimum score)."""
    count = 0
    for i, order in enumerate(lists):
        unreachable = es.unreachable[i, np.asarray(order[:K], dtype=np.int64)]
        # An unreachable person with a reachable one after them.
        after = np.cumsum((~unreachable)[::-1])[::-1]
        count += int((unreachable & (after > 0)).sum())
    return count


def report(frame: pd.DataFrame) -> str:
    """French text report of :func:`evaluate`."""
    a = frame.attrs
    lines = [
        f"Évaluation du classement : {a.get('offers')} offres, {a.get('profiles')} profils "
        f"(jeu généré depuis le ROME, graine {a.get('seed')}, métiers des offres : "
        f"{'ceux du référentiel intégré' if a.get('codes') == 'builtin' else 'tout le ROME'}), "
        f"{a.get('relevant')} couples pertinents (note >= {RELEVANT})",
        "",
        f"{'méthode':<50} {'nDCG@10':>8} {'rappel@10':>10} {'nDCG@10 att.':>12} "
        f"{'hors portée':>11} {'durée':>8}",
    ]
    for row in frame.itertuples(index=False):
        lines.append(f"{row[0]:<50} {row[1]:>8.3f} {row[2]:>10.3f} {row[3]:>12.3f} "
                     f"{row[4]:>11.1%} {row[5]:>7.1f}s")  # fmt: skip
    lines.append("nDCG@10 att. : la portée fait partie de la pertinence (note 0 pour une personne "
                 "hors rayon au-delà de la tolérance, sans le permis demandé ou indisponible) ; "
                 "hors portée : part des personnes hors portée parmi les non pertinentes du top 10.")  # fmt: skip
    if "hors portée devant" in frame:
        first = frame.set_index("méthode")["hors portée devant"]
        for name in ("produit, référentiel par défaut", "produit, ROME complet"):
            if name in first:
                lines.append(f"Personnes hors portée classées avant une personne à portée "
                             f"({name}) : {first[name]}")  # fmt: skip
    reach = frame.set_index("méthode")["nDCG@10 atteignable"]
    if "TF-IDF brut" in reach:
        for name in ("produit, référentiel par défaut",):
            if name in reach:
                lines.append(f"Écart {name} / TF-IDF brut (nDCG@10 att.) : "
                             f"{reach[name] - reach['TF-IDF brut']:+.3f}")  # fmt: skip
    base = frame.set_index("méthode")["nDCG@10"]
    if "TF-IDF brut" in base:
        for name in ("produit, référentiel intégré", "produit, ROME complet",
                     "produit, référentiel par défaut"):  # fmt: skip
            if name in base:
                lines.append(
                    f"Écart {name} / TF-IDF brut : {base[name] - base['TF-IDF brut']:+.3f}"
                )
    return "\n".join(lines)


# Tuning: matcher/devtools/tune_ranking.py (run by hand on TUNING_SEED; the chosen values are
# written in matcher/settings.py).
