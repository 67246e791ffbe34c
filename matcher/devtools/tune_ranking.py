"""Tuning of the ranking settings on the labelled set of the tuning seed (run by hand, never in
tests): ``python -m matcher.devtools.tune_ranking [--seed 11] [--top 25]``.

Every (offer, profile) pair of the set is scored once per referential (the default one and the
full ROME) and per occupation floor (``occupation_min_confidence`` decides which codes exist, so
it needs a new scoring); the components are then kept as dense offers x profiles arrays and each
grid point only recomputes the total, the order (reachability tier, then score, as
:func:`matcher.ranking.scoring.top_k`) and nDCG@10, with and without reachability in the
relevance. The prepared arrays are cached in ``$MATCHER_CACHE`` (default ``.cache/``) by seed and
floor, so a second grid costs seconds.

The kind of link of a pair whose sides carry several codes is the best-scoring one under the
default scores; a grid point with other scores keeps it (a few pairs).

All pairs are scored, not only the candidate pairs, so the figures here can be slightly above
those of ``python -m matcher evaluate ranking``, which runs the candidate search: compare the
chosen settings there (on the report seed) before writing them down in matcher/settings.py.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import logging
import pickle
import time

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.devtools.evaluate_ranking import (
    TUNING_SEED,
    EvalSet,
    K,
    build_set,
    load_rome,
    ndcg_recall,
)
from matcher.features import constraints as C
from matcher.features import occupation
from matcher.ranking.scoring import OCC_KIND, OFFER_POS, PROFILE_POS, score_pairs
from matcher.reference.classifier import cache_dir
from matcher.reference.referential import default_referential
from matcher.settings import Settings

log = logging.getLogger(__name__)

FLOORS = (0.3, 0.4, 0.5)


@dataclasses.dataclass
class Prepared:
    """Dense offers x profiles components of one referential and one occupation floor."""

    text: np.ndarray
    skills: np.ndarray
    kind: np.ndarray  # int8, occupation.SAME ... UNKNOWN
    conf: np.ndarray  # min of the two sides' confidences
    commute: np.ndarray
    broken: dict[str, np.ndarray]
    unknown_distance: np.ndarray


def _all_pairs(es: EvalSet) -> tuple[np.ndarray, np.ndarray]:
    n_o, n_p = len(es.offers), len(es.profiles)
    oi, pj = np.meshgrid(np.arange(n_o), np.arange(n_p), indexing="ij")
    return oi.ravel(), pj.ravel()


def _prepare(es: EvalSet, referential, floor: float) -> Prepared:
    s = Settings()
    s = s.replace(ranking=dataclasses.replace(s.ranking, occupation_min_confidence=floor))
    scored = score_pairs(es.offers, es.profiles, s, referential, pairs=_all_pairs(es))
    pairs = scored.pairs
    n_o, n_p = len(es.offers), len(es.profiles)
    o, p = pairs[OFFER_POS].to_numpy(), pairs[PROFILE_POS].to_numpy()

    def dense(values: np.ndarray) -> np.ndarray:
        m = np.zeros((n_o, n_p), dtype=values.dtype)
        m[o, p] = values
        return m

    conf = np.minimum(
        scored.offers[F.OCC_CONFIDENCE].to_numpy(float)[o],
        scored.profiles[F.OCC_CONFIDENCE].to_numpy(float)[p],
    )
    return Prepared(
        text=dense(pairs[F.S_TEXT].to_numpy(float)),
        skills=dense(pairs[F.S_SKILLS].to_numpy(float)),
        kind=dense(pairs[OCC_KIND].to_numpy(np.int8)),
        conf=dense(conf),
        commute=dense(pairs[F.S_COMMUTE].to_numpy(float)),
        broken={c: dense(pairs[f"broken_{c}"].to_numpy(bool)) for c in C.CHECKS},
        unknown_distance=dense(pairs[F.DISTANCE_UNKNOWN].to_numpy(bool)),
    )


def prepared(seed: int, floors=FLOORS) -> tuple[EvalSet, dict[tuple[str, float], Prepared]]:
    """The set of ``seed`` and its prepared components (cached on disk)."""
    path = cache_dir() / f"tune-ranking-{seed}-{'-'.join(map(str, floors))}.pkl"
    if path.is_file():
        with path.open("rb") as fh:
            return pickle.load(fh)
    rome = load_rome()
    if rome is None:
        raise FileNotFoundError("référentiel ROME introuvable")
    es = build_set(rome, seed)
    refs = {"défaut": default_referential(), "ROME": rome}
    out = {}
    for (name, ref), floor in itertools.product(refs.items(), floors):
        start = time.perf_counter()
        out[(name, floor)] = _prepare(es, ref, floor)
        log.info("prepared %s at %.1f in %.0f s", name, floor, time.perf_counter() - start)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        pickle.dump((es, out), fh)
    return es, out


def ordered_lists(
    score: np.ndarray, tier: np.ndarray, excluded: np.ndarray, min_score: float, k: int = K
) -> list[np.ndarray]:
    """Per offer, the first k profiles in the product's order: tier, then score descending, then
    position (the reference order of the generated set); excluded and low scores left out."""
    n_p = score.shape[1]
    # one sortable key per cell: lower is better
    key = tier.astype(float) * 10.0 - score
    key = np.where(excluded | (score < min_score), np.inf, key)
    part = np.argpartition(key, min(k, n_p - 1), axis=1)[:, : k + 1]
    out = []
    for i in range(score.shape[0]):
        cand = part[i]
        cand = cand[np.lexsort((cand, key[i, cand]))]
        cand = cand[np.isfinite(key[i, cand])]
        out.append(cand[:k])
    return out


def evaluate_point(es: EvalSet, pr: Prepared, s: Settings) -> tuple[float, float]:
    """nDCG@10 and reachability-aware nDCG@10 of settings ``s`` on prepared components."""
    r, w, cs = s.ranking, s.weights, s.constraints
    link = occupation.kind_score(
        pr.kind, r.close_job_score, r.same_domain_score, r.family_job_score
    )
    trust = occupation.confidence_weight(
        pr.conf, r.occupation_min_confidence, r.occupation_full_confidence
    )
    occ = occupation.blend(link, trust, r.unknown_score)
    weights = np.clip(np.array([w.text, w.skills, w.occupation, w.commute], float), 0, None)
    weights = weights / weights.sum()
    total = np.zeros_like(pr.text)
    for wi, comp in zip(weights, (pr.text, pr.skills, occ, pr.commute), strict=True):
        total += wi * np.where(np.isnan(comp), r.unknown_score, comp)
    total *= 1.0 - r.commute_factor * (1.0 - np.nan_to_num(pr.commute, nan=1.0))
    excluded = np.zeros(total.shape, bool)
    demoted = np.zeros(total.shape, bool)
    factor = np.ones(total.shape)
    for check in C.CHECKS:
        rule = getattr(cs, check)
        flag = pr.broken[check]
        if rule == "exclude":
            excluded |= flag
        elif rule == "demote":
            demoted |= flag
        else:
            factor = np.where(flag, factor * cs.penalty, factor)
    total = np.round(np.clip(total * factor, 0, 1), 6)
    tier = np.where(demoted, F.TIER_TO_DISCUSS, F.TIER_REACHABLE)
    if cs.unknown_distance == "below":
        tier = np.where(pr.unknown_distance & ~demoted, F.TIER_UNKNOWN, tier)
    elif cs.unknown_distance == "demote":
        tier = np.where(pr.unknown_distance, F.TIER_TO_DISCUSS, tier)
    lists = ordered_lists(total, tier, excluded, r.min_score)
    return ndcg_recall(lists, es.relevance)[0], ndcg_recall(lists, es.reach_relevance)[0]


def settings_of(base: Settings, point: dict) -> Settings:
    """``base`` with a grid point's values (keys: weights' and ranking's field names)."""
    wf = {f.name for f in dataclasses.fields(base.weights)}
    rf = {f.name for f in dataclasses.fields(base.ranking)}
    cf = {f.name for f in dataclasses.fields(base.constraints)}
    return base.replace(
        weights=dataclasses.replace(base.weights, **{k: v for k, v in point.items() if k in wf}),
        ranking=dataclasses.replace(base.ranking, **{k: v for k, v in point.items() if k in rf}),
        constraints=dataclasses.replace(
            base.constraints, **{k: v for k, v in point.items() if k in cf}
        ),
    )


def grid(
    seed: int = TUNING_SEED,
    axes: dict[str, tuple] | None = None,
    base: Settings | None = None,
    refs: tuple[str, ...] = ("défaut", "ROME"),
) -> pd.DataFrame:
    """One row per point of the product of ``axes`` (setting name -> values; the weights text,
    skills and occupation are normalised with commute), with nDCG@10 and the reachability-aware
    nDCG@10 for ``refs``; best first by the reachability-aware figure of the first one."""
    base = base or Settings()
    es, prep = prepared(seed)
    axes = axes or {}
    names = list(axes)
    rows = []
    for values in itertools.product(*(axes[n] for n in names)):
        point = dict(zip(names, values, strict=True))
        s = settings_of(base, point)
        floor = s.ranking.occupation_min_confidence
        row = dict(point)
        for ref in refs:
            if (ref, floor) not in prep:
                raise ValueError(f"floor {floor} not prepared (FLOORS: {FLOORS})")
            nd, reach = evaluate_point(es, prep[(ref, floor)], s)
            row[f"nDCG {ref}"], row[f"att. {ref}"] = nd, reach
        rows.append(row)
    return pd.DataFrame(rows).sort_values(f"att. {refs[0]}", ascending=False, ignore_index=True)


# A neighbourhood of the defaults of matcher/settings.py (about 4 minutes once prepared). The
# defaults were chosen in stages (issue 13b): the weights x close, family and full-confidence
# scores; then close, family, domain and full confidence; then the floor, the neutral score and
# the commute factor with the weights again (the note of issue 13b gives the stages' tables).
AXES: dict[str, tuple] = {
    "text": (0.5, 0.6),
    "occupation": (0.3, 0.4),
    "close_job_score": (0.6, 0.7, 0.8),
    "family_job_score": (0.2, 0.3, 0.45),
    "occupation_full_confidence": (0.5, 0.6, 0.9),
    "commute_factor": (0.05, 0.1, 0.2),
    "unknown_score": (0.1, 0.2, 0.3),
}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=TUNING_SEED)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    base = grid(args.seed, {})
    table = grid(args.seed, AXES)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        log.info("defaults:\n%s", base.round(4).to_string())
        log.info("best of %d points:\n%s", len(table), table.head(args.top).round(4).to_string())


if __name__ == "__main__":
    main()
