"""Matching over the store, incremental: a run re-scores only the offers whose suggestions can
have changed since the last run, and gives the same suggestions as re-scoring every offer.

What a run keeps for the next one (the store's matching state, cleared by a purge):

- the prepared columns of every offer and profile with a fingerprint of the columns they come
  from: an unchanged row is not normalised nor classified again;
- the text model (document frequencies the TF-IDF weights come from, see
  ``features.text.TextModel``): new texts are weighed like the ones before, so an unchanged pair
  keeps its text cosine. The model is fitted again (and every offer re-scored) on the first
  run, when the referential, the communes or the settings change, with ``refit``, and once the
  rows added or changed since the fit reach ``REFIT_SHARE`` of the base;
- a digest per offer of what its suggestions read: the offer's fingerprint, and the
  fingerprints of its candidate profiles and of the profiles kept in a pool for its job.

A run prepares only the new or changed rows, computes the candidate products for every offer
(sparse products, cheap) and re-scores the offers whose digest changed: a new or changed offer,
an offer whose candidates changed (a new profile that enters its list, a changed profile in it,
a new offer that takes a profile's "best offers" place), an offer whose pool changed. Every score
reads one pair only, so an offer whose digest is unchanged would get the same list: its stored
suggestions are kept (tested: incremental = full, row for row).
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher import fields as F
from matcher.features import candidates, occupation, protected, skills, text
from matcher.ranking import suggest
from matcher.ranking.scoring import (
    COLUMNS,
    Context,
    Scored,
    component_weights,
    offer_skill_side,
    prepare_offer_side,
    prepare_profile_side,
    score_candidates,
)
from matcher.reference.referential import Referential
from matcher.settings import Settings
from matcher.text.normalise import fold_text

log = logging.getLogger(__name__)

# 4: prepared rows hold their skill keys (F.SKILL_KEYS); 5: their text normalised cell by cell
STATE_VERSION = 5
# Rows added or changed since the text model was fitted, as a share of the rows it was fitted
# on, past which the model is fitted again (and every offer re-scored).
REFIT_SHARE = 0.2


@dataclass
class MatchState:
    """What a run keeps for the next one (pickled into the store's ``match_state``)."""

    version: int
    stamp: dict[str, Any]
    model: text.TextModel
    fitted_rows: int
    drift: int
    offer_keys: list[str]
    offer_prints: list[str]
    offers: pd.DataFrame  # prepared, in the order of offer_keys
    profile_keys: list[tuple[str, str]]
    profile_prints: list[str]
    profiles: pd.DataFrame
    # Per offer: its fingerprint and pooled profiles; its candidates (profile key and
    # fingerprint); the profiles in its stored list; (tier, -score, profile) of its k-th.
    heads: dict[str, str] = field(default_factory=dict)
    cands: dict[str, set[str]] = field(default_factory=dict)
    kept: dict[str, set[str]] = field(default_factory=dict)
    kth: dict[str, tuple[int, float, tuple[str, str]] | None] = field(default_factory=dict)
    # TF-IDF rows of the offers and profiles (weighed with ``model``), in key order.
    text_offers: sp.csr_matrix | None = None
    text_profiles: sp.csr_matrix | None = None
    # The suggestions of every offer (what the next run returns for the offers it keeps).
    suggestions: pd.DataFrame | None = None


@dataclass
class MatchReport:
    """What a run did: every offer re-scored (``full``) or only ``rescored`` of ``offers``."""

    full: bool
    offers: int
    rescored: list[str]
    prepared_offers: int
    prepared_profiles: int
    seconds: float


def _plain(v: object) -> object:
    """A cell as its value, whatever the column's dtype: 3 and 3.0 are the same number (a
    column becomes float when another row leaves it empty), every missing value is None."""
    if isinstance(v, (list, tuple)):
        return tuple(_plain(x) for x in v)
    if v is None or v is pd.NaT or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
        return float(v)
    return v


def fingerprints(frame: pd.DataFrame, fields: tuple[str, ...]) -> list[str]:
    """A digest of each row's scored columns (what its prepared columns come from)."""
    cols = [c for c in fields if c in frame.columns]
    values = frame[cols].astype(object).to_numpy()
    return [
        hashlib.blake2b(
            repr((cols, tuple(_plain(v) for v in row))).encode("utf-8"), digest_size=12
        ).hexdigest()
        for row in values
    ]


def _prepare(kind: str, frame: pd.DataFrame, referential, communes, settings) -> pd.DataFrame:
    """``scoring.prepare`` for one side (rows are prepared one by one: a row's prepared columns
    never depend on another row)."""
    if kind == "offers":
        return prepare_offer_side(frame, settings, referential, communes)
    p = protected.scored_columns(frame, protected.SCORED_PROFILE_FIELDS)
    return prepare_profile_side(p, referential, communes, settings)


def _reuse(
    kind: str,
    frame: pd.DataFrame,
    keys: list,
    prints: list[str],
    old_keys: list,
    old_prints: list[str],
    old: pd.DataFrame | None,
    prepare_args: tuple,
) -> tuple[pd.DataFrame, int, np.ndarray]:
    """Prepared rows: the stored ones for unchanged rows, the others prepared now; how many
    were prepared; where each row was in the stored frame (-1: prepared now)."""
    known = (
        {}
        if old is None
        else {(k, fp): i for i, (k, fp) in enumerate(zip(old_keys, old_prints, strict=True))}
    )
    src = np.array(
        [known.get((k, fp), -1) for k, fp in zip(keys, prints, strict=True)], dtype=np.int64
    )
    todo = np.flatnonzero(src < 0)
    if old is None or len(todo) == len(keys):
        return _prepare(kind, frame.reset_index(drop=True), *prepare_args), len(keys), src
    if len(todo) == 0:
        return old.iloc[src].reset_index(drop=True), 0, src
    fresh = _prepare(kind, frame.iloc[todo].reset_index(drop=True), *prepare_args)
    reused = old.iloc[src[src >= 0]]
    both = pd.concat([reused, fresh], ignore_index=True)
    # Back to the current order: reused rows first in ``both``, then the fresh ones.
    where = np.empty(len(keys), dtype=np.int64)
    where[np.flatnonzero(src >= 0)] = np.arange(len(reused))
    where[todo] = len(reused) + np.arange(len(todo))
    return both.iloc[where].reset_index(drop=True), len(todo), src


def _assemble(
    old: sp.csr_matrix, src: np.ndarray, fresh: sp.csr_matrix, fresh_rows: np.ndarray
) -> sp.csr_matrix:
    """Rows in the current order: stored rows where ``src`` points into ``old``, else the rows
    of ``fresh`` (at ``fresh_rows``)."""
    pick = np.where(src >= 0, src, 0)
    both = sp.vstack([old, fresh], format="csr")
    pick = pick.copy()
    pick[fresh_rows] = old.shape[0] + np.arange(len(fresh_rows))
    return both[pick]


def _stamp(store, referential: Referential, settings: Settings) -> dict[str, Any]:
    return {
        "referential": store.referential_stamp() or referential.source,
        "communes": store.communes_stamp(),
        "settings": {k: v for k, v in settings.to_dict().items() if k != "import_limits"},
    }


def _load_state(store) -> MatchState | None:
    blob = store.match_state()
    if blob is None:
        return None
    try:
        # Our own blob, written by the run before (the database file is the trust boundary).
        state = pickle.loads(blob)
    except Exception as exc:  # an unreadable state only costs a full run
        log.warning("matching state ignored: %s", exc)
        return None
    return state if isinstance(state, MatchState) and state.version == STATE_VERSION else None


@dataclass
class _Run:
    """What the steps of one run share: the rows in the current order, their prepared frames and
    vectors, the occupation tables and the candidate pairs (positions and text cosine)."""

    settings: Settings
    referential: Referential
    offer_keys: list[str]
    offer_prints: list[str]
    profile_keys: list[tuple[str, str]]
    profile_prints: list[str]
    po: pd.DataFrame
    pp: pd.DataFrame
    xo: Any = None
    xp: Any = None
    table: Any = None
    occ_o: Any = None
    occ_p: Any = None
    trust_o: Any = None
    trust_p: Any = None
    o_pos: Any = None
    p_pos: Any = None
    cosine: Any = None


def _prepare_rows(state, offers, profiles, referential, communes, settings):
    """Step 1: keys, fingerprints and prepared rows (stored rows reused when unchanged); how
    many rows were prepared and where each row was in the stored frames."""
    offer_keys = offers[F.OFFER_REF].astype(str).tolist()
    profile_keys = list(
        zip(profiles[F.STRUCTURE].astype(str), profiles[F.PROFILE_REF].astype(str), strict=True)
    )
    offer_prints = fingerprints(offers, protected.SCORED_OFFER_FIELDS)
    profile_prints = fingerprints(profiles, protected.SCORED_PROFILE_FIELDS)
    args = (referential, communes, settings)
    po, n_po, src_o = _reuse("offers", offers, offer_keys, offer_prints,
                      state.offer_keys if state else [], state.offer_prints if state else [],
                      state.offers if state else None, args)  # fmt: skip
    pp, n_pp, src_p = _reuse("profiles", profiles, profile_keys, profile_prints,
                      state.profile_keys if state else [], state.profile_prints if state else [],
                      state.profiles if state else None, args)  # fmt: skip
    run = _Run(settings, referential, offer_keys, offer_prints, profile_keys, profile_prints,
               po, pp)  # fmt: skip
    return run, n_po, n_pp, src_o, src_p


def _text_model(state, run: _Run, changed: int, refit: bool):
    """Step 2: keep the stored text model, or fit again (first run, ``refit``, or the rows
    changed since the fit reached REFIT_SHARE): (model or None, rows fitted, drift, kept)."""
    drift = (state.drift if state else 0) + changed
    if state is None or refit or drift > REFIT_SHARE * max(state.fitted_rows, 1):
        return None, len(run.po) + len(run.pp), 0, False
    return state.model, state.fitted_rows, drift, True


def _vectorise(run: _Run, state, model, src_o: np.ndarray, src_p: np.ndarray):
    """Step 3: TF-IDF rows of every offer and profile (stored rows kept when the model is
    kept: a row's vector depends on its own text only); the model they were weighed with."""
    r = run.settings.ranking

    def vectors(po_: pd.DataFrame, pp_: pd.DataFrame, model_):
        return text.vectorise_fit(
            po_[F.TEXT_NORM], pp_[F.TEXT_NORM],
            fold_text(po_[text.OFFER_TITLE_FIELD]), fold_text(pp_[text.PROFILE_TITLE_FIELD]),
            r.text_char_weight, r.text_max_df, r.text_max_df_min_docs, model_,
        )  # fmt: skip

    if model is None or state is None:
        run.xo, run.xp, model = vectors(run.po, run.pp, model)
        return model
    new_o, new_p = np.flatnonzero(src_o < 0), np.flatnonzero(src_p < 0)
    fo, fp_, _ = vectors(run.po.iloc[new_o], run.pp.iloc[new_p], model)
    run.xo = _assemble(state.text_offers, src_o, fo, new_o)
    run.xp = _assemble(state.text_profiles, src_p, fp_, new_p)
    return model


def _candidates(run: _Run) -> None:
    """Step 4: occupation tables and the candidate pairs of every offer (sparse products)."""
    r, po, pp = run.settings.ranking, run.po, run.pp
    run.table = occupation.code_table(po[F.OCC_CODES], pp[F.OCC_CODES], run.referential)
    run.occ_o = occupation.code_matrix(po[F.OCC_CODES], run.table)
    run.occ_p = occupation.code_matrix(pp[F.OCC_CODES], run.table)
    run.trust_o = occupation.confidence_weight(
        po[F.OCC_CONFIDENCE], r.occupation_min_confidence, r.occupation_full_confidence
    )
    run.trust_p = occupation.confidence_weight(
        pp[F.OCC_CONFIDENCE], r.occupation_min_confidence, r.occupation_full_confidence
    )
    block_o, block_p = occupation.retrieval_blocks(
        run.table, run.occ_o, run.occ_p, r.close_job_score, r.same_domain_score,
        r.family_job_score, r.unknown_score, run.trust_o, run.trust_p,
    )  # fmt: skip
    wt, _, wocc, _ = component_weights(run.settings)
    run.o_pos, run.p_pos, run.cosine = candidates.candidate_pairs(
        run.xo, run.xp, block_o, block_p, wt, wocc, r.candidates, r.candidates_per_profile,
        r.threads,
    )  # fmt: skip
    if wt < 0.01:
        from matcher.features.sparse_ops import rowwise_dot

        run.cosine = rowwise_dot(run.xo, run.xp, run.o_pos, run.p_pos)


def _digests(run: _Run, pool: pd.DataFrame):
    """Step 5: what each offer's list reads: its head (fingerprint and pooled profiles) and its
    candidates (profile tokens); the token of each profile."""
    from matcher.workflow import review

    wanted = review.pool_pairs(pool, run.po[[F.OFFER_REF, F.OCC_CODES]])
    token = [f"{s}/{p}/{fp}"
             for (s, p), fp in zip(run.profile_keys, run.profile_prints, strict=True)]  # fmt: skip
    token_of = dict(zip(run.profile_keys, token, strict=True))
    pooled: dict[str, set[str]] = {}
    for ref, s, p in wanted[[F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]].itertuples(index=False):
        pooled.setdefault(str(ref), set()).add(token_of.get((str(s), str(p)), f"{s}/{p}/"))
    heads = {
        k: f"{fp}|{'|'.join(sorted(pooled.get(k, ())))}"
        for k, fp in zip(run.offer_keys, run.offer_prints, strict=True)
    }
    cands: dict[str, set[str]] = {k: set() for k in run.offer_keys}
    for o, p in zip(run.o_pos.tolist(), run.p_pos.tolist(), strict=True):
        cands[run.offer_keys[o]].add(token[p])
    return heads, cands, token, token_of


def _score_on(run: _Run, offers_idx: np.ndarray, sel: np.ndarray) -> tuple[Scored, np.ndarray]:
    """The candidate pairs ``sel`` (all of offers ``offers_idx``, or a few), scored over the rows
    they touch only (every score reads one pair)."""
    o_pos, p_pos = run.o_pos, run.p_pos
    profiles_idx = np.unique(p_pos[sel])
    lo = np.full(len(run.offer_keys), -1, dtype=np.int64)
    lo[offers_idx] = np.arange(len(offers_idx))
    lp = np.full(len(run.profile_keys), -1, dtype=np.int64)
    lp[profiles_idx] = np.arange(len(profiles_idx))
    so = run.po.iloc[offers_idx].reset_index(drop=True)
    sp_ = run.pp.iloc[profiles_idx].reset_index(drop=True)
    index = skills.build_index(offer_skill_side(so, run.settings, run.referential),
                               sp_[F.SKILL_LIST], sp_.get(F.SKILL_KEYS))  # fmt: skip
    ctx = Context(so, sp_, run.xo[offers_idx], run.xp[profiles_idx], run.table,
                  run.occ_o[offers_idx], run.occ_p[profiles_idx], run.trust_o[offers_idx],
                  run.trust_p[profiles_idx], index, run.settings)  # fmt: skip
    order = np.lexsort((lp[p_pos[sel]], lo[o_pos[sel]]))
    sel = sel[order]
    pairs = score_candidates(ctx, lo[o_pos[sel]], lp[p_pos[sel]], run.cosine[sel])
    return Scored(pairs, so, sp_, index, run.referential, run.settings), sel


def _choose_offers(run: _Run, state: MatchState, heads, cands, token) -> np.ndarray:
    """Step 6 (incremental): which offers to re-score. An offer whose row and pool are
    unchanged keeps its list unless a candidate it lost was in the list, or a candidate it
    gained (a new profile, a changed one, a pair another offer let go) would enter it: only
    those gained pairs are scored."""
    r = run.settings.ranking
    o_pos, p_pos, offer_keys = run.o_pos, run.p_pos, run.offer_keys
    chosen = np.array([state.heads.get(key) != heads[key] for key in offer_keys], dtype=bool)
    gained_o: list[int] = []
    gained_t: list[str] = []
    for i, key in enumerate(offer_keys):
        if chosen[i]:
            continue
        before, now = state.cands.get(key, set()), cands[key]
        if (before - now) & state.kept.get(key, set()):
            chosen[i] = True
            continue
        for t in now - before:
            gained_o.append(i)
            gained_t.append(t)
    if not gained_o:
        return chosen
    want = set(zip(gained_o, gained_t, strict=True))
    sel = np.array(
        [j for j, (o, p) in enumerate(zip(o_pos.tolist(), p_pos.tolist(), strict=True))
         if not chosen[o] and (o, token[p]) in want],
        dtype=np.int64,
    )  # fmt: skip
    offers_idx = np.unique(o_pos[sel])
    scored_new, sel = _score_on(run, offers_idx, sel)
    pr = scored_new.pairs
    ok = ~pr[F.EXCLUDED].to_numpy(bool) & (pr[F.SCORE].to_numpy(float) >= r.min_score)
    for row, j in enumerate(sel.tolist()):
        if not ok[row]:
            continue
        key = offer_keys[o_pos[j]]
        last = state.kth.get(key)
        # The order of top_k: reach tier, score descending, then the profile's key.
        place = (int(pr[F.REACH_TIER].iat[row]), -float(pr[F.SCORE].iat[row]),
                 run.profile_keys[p_pos[j]])  # fmt: skip
        if last is None or place < last:
            chosen[o_pos[j]] = True
    return chosen


def _rescore(run: _Run, chosen: np.ndarray, pool: pd.DataFrame, token_of, kept, kth):
    """Step 7: every candidate pair of the chosen offers scored, their lists (top k and pooled
    extras); ``kept`` and ``kth`` updated for them."""
    from matcher.workflow.service import pooled_extra

    rescored = np.flatnonzero(chosen)
    if not len(rescored):
        return pd.DataFrame(columns=COLUMNS)
    scored, _ = _score_on(run, rescored, np.flatnonzero(chosen[run.o_pos]))
    top = suggest.suggestions(scored)
    extra = pooled_extra(scored, top, pool)
    suggestions = pd.concat([top[COLUMNS], extra[COLUMNS]], ignore_index=True)
    for key in offer_keys_of(rescored, run.offer_keys):
        kept[key], kth[key] = set(), None
    for key, s, p in suggestions[[F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]].itertuples(index=False):
        kept[str(key)].add(token_of[(str(s), str(p))])
    last = top[top[F.RANK] == run.settings.ranking.top_k]
    cols = [F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF, F.REACH_TIER, F.SCORE]
    for key, s, p, tier, score in last[cols].itertuples(index=False):
        kth[str(key)] = (int(tier), -float(score), (str(s), str(p)))
    return suggestions


def _every_list(
    run: _Run, last_lists: pd.DataFrame | None, suggestions: pd.DataFrame, rescored: np.ndarray
) -> pd.DataFrame:
    """Step 8: every open offer's list: the kept ones from the last run, the re-scored ones
    from this one, in the offers' order."""
    offer_keys = run.offer_keys
    if last_lists is not None and len(last_lists):
        redone = set(offer_keys_of(rescored, offer_keys))
        keep_rows = last_lists[F.OFFER_REF].isin(set(offer_keys) - redone)
        everything = pd.concat([last_lists[keep_rows], suggestions], ignore_index=True)
    else:
        everything = suggestions
    at = {key: i for i, key in enumerate(offer_keys)}
    everything = everything.assign(_at=everything[F.OFFER_REF].map(at))
    everything = everything.sort_values(["_at", F.RANK], kind="stable").drop(columns="_at")
    return everything.reset_index(drop=True)


def match_store(
    store,
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    pool: pd.DataFrame,
    settings: Settings,
    referential: Referential,
    communes: pd.DataFrame,
    *,
    incremental: bool = True,
    refit: bool = False,
) -> tuple[pd.DataFrame, list[str], dict[str, list[str]], MatchReport, MatchState]:
    """Suggestions of the re-ranked offers (what to store), the suggestions of every open offer
    (what a full run would return), the re-ranked offers' occupation codes, what the run did
    (``report.rescored``: the re-ranked offers) and the state to keep. The caller stores them
    (``workflow.service.run_matching``)."""
    start = time.perf_counter()
    if settings.ranking.allocate:  # the allocation shares capacities between all offers
        incremental = False
    stamp = _stamp(store, referential, settings)
    state = _load_state(store)
    if state is not None and state.stamp != stamp:
        state = None
    run, n_po, n_pp, src_o, src_p = _prepare_rows(
        state, offers, profiles, referential, communes, settings
    )
    model, fitted_rows, drift, model_kept = _text_model(state, run, n_po + n_pp, refit)
    model = _vectorise(run, state, model, src_o, src_p)
    _candidates(run)
    heads, cands, token, token_of = _digests(run, pool)
    if incremental and state is not None and state.heads and model_kept:
        chosen = _choose_offers(run, state, heads, cands, token)
    else:
        chosen = np.ones(len(run.offer_keys), dtype=bool)
    rescored = np.flatnonzero(chosen)
    kept = {} if state is None or not model_kept else dict(state.kept)
    kth = {} if state is None or not model_kept else dict(state.kth)
    suggestions = _rescore(run, chosen, pool, token_of, kept, kth)
    sub = run.po.iloc[rescored]
    offer_codes = {
        str(ref): list(codes) if isinstance(codes, list) else []
        for ref, codes in zip(sub[F.OFFER_REF], sub[F.OCC_CODES], strict=True)
    }
    last_lists = state.suggestions if state is not None and model_kept else None
    everything = _every_list(run, last_lists, suggestions, rescored)
    offer_keys = run.offer_keys
    new_state = MatchState(
        STATE_VERSION, stamp, model, fitted_rows, drift, offer_keys, run.offer_prints, run.po,
        run.profile_keys, run.profile_prints, run.pp, heads, cands,
        {key: kept.get(key, set()) for key in offer_keys},
        {key: kth.get(key) for key in offer_keys}, run.xo, run.xp, everything,
    )  # fmt: skip
    report = MatchReport(bool(chosen.all()), len(offer_keys),
                         [offer_keys[i] for i in rescored], n_po, n_pp,
                         time.perf_counter() - start)  # fmt: skip
    return suggestions, everything, offer_codes, report, new_state


def offer_keys_of(positions: np.ndarray, keys: list[str]) -> list[str]:
    return [keys[i] for i in positions]


def dump_state(state: MatchState) -> bytes:
    return pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


__all__ = ["MatchReport", "MatchState", "dump_state", "fingerprints", "match_store"]
