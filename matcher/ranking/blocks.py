"""Ranking by blocks of offers, in this process or on a Dask cluster, with bounded memory.

The whole-base ranking (matcher/ranking/scoring.py) scores every candidate pair at once: at
50,000 offers x 500,000 profiles that is about 15 million pairs, several GiB of columns. Here the
same pairs are scored block by block and only each block's top k is kept:

1. the context (prepared frames, TF-IDF rows, occupation tables, skills index) is computed
   once over all offers and profiles, as in ``score_pairs``;
2. both halves of the candidate search, the best profiles of every offer and the best offers
   of every profile, come from one product of all offers with all profiles that keeps only
   those (matcher/features/topn.py: ``candidates`` entries per offer and
   ``candidates_per_profile`` per profile, 12 bytes each: 0.2 GiB at 50,000 x 500,000);
3. each block of offers takes its best profiles, adds the per-profile pairs that fall in the
   block, scores them all and keeps its top k.

Every score is read per pair and the top k of an offer reads only that offer's pairs, so the
suggestions are the same as those of ``rank`` whatever the block size (tested). Memory: the
context plus one block's pairs at a time (``ranking.block_offers`` offers x ``candidates`` +
their share of the per-profile pairs).

With a Dask scheduler (``ranking.scheduler = "tcp://host:8786"`` or ``rank --scheduler``), the
context is scattered once (one copy; a worker fetches it from its holder on its first task and
keeps it, so the profiles' matrices cross the network once per worker, not once per task), the
blocks run as tasks and the driver gathers the kept pairs in block order: the same result as in
this process (tested on a ``LocalCluster``). On the cluster the two halves are products of
their own (blocks of profiles against all offers; each block of offers against all profiles),
which keep the same pairs with the same values: a pair's product is summed in the same order
whichever side is the row, and ties go to the smaller position either way.
``broadcast=True`` is not used: with several workers it was seen to hang in ``scatter``
(dask/distributed#4907).
Dask is imported only then: without a scheduler nothing of it is needed.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from matcher import fields as F
from matcher.errors import UserError
from matcher.features.skills import OfferSide
from matcher.features.sparse_ops import pair_keys, rowwise_dot
from matcher.features.topn import top_n_both, top_n_rows
from matcher.ranking import parallel
from matcher.ranking.scoring import (
    COLUMNS,
    OFFER_POS,
    Clock,
    Context,
    Progress,
    Scored,
    build_context,
    component_weights,
    frame_tie_orders,
    score_candidates,
    suggestion_frame,
    top_rows,
)
from matcher.reference.geo import builtin_communes
from matcher.reference.referential import Referential, default_referential
from matcher.settings import Settings

log = logging.getLogger(__name__)
R = TypeVar("R")

# Seconds to wait for the scheduler before saying it cannot be reached.
CONNECT_TIMEOUT_S = 10
SCATTER_TIMEOUT_S = 600  # the context of a national run is a few GiB


class Retrieval:
    """The two sides of the candidate product (text block x sqrt(text weight) next to the
    occupation block x sqrt(occupation weight)) and what reads the text cosine back from it, as
    in matcher/features/candidates.py; built once, shared by every block."""

    def __init__(self, ctx: Context) -> None:
        r = ctx.settings.ranking
        occ_o, occ_p = ctx.retrieval()
        wt_, _, wocc, _ = component_weights(ctx.settings)
        self.wt = np.float32(np.sqrt(max(wt_, 1e-6)))
        self.wo = np.float32(np.sqrt(max(wocc, 0.0)))
        self.exact_text = wt_ < 0.01  # too little text in the product to read the cosine back
        self.offers = scaled_hstack(ctx.text_offers, self.wt, occ_o, self.wo)
        self.profiles = scaled_hstack(ctx.text_profiles, self.wt, occ_p, self.wo)
        self.occ_offers, self.occ_profiles = occ_o, occ_p
        self.per_offer, self.per_profile, self.threads = (
            r.candidates,
            r.candidates_per_profile,
            r.threads,
        )

    def offers_t(self) -> sp.csr_matrix:
        return self.offers.T.tocsr()

    def profiles_t(self) -> sp.csr_matrix:
        return self.profiles.T.tocsr()

    def take_profiles_t(self) -> sp.csr_matrix:
        """:meth:`profiles_t`, the profiles' rows dropped: in this process both halves of the
        search read the transpose only (at 500,000 profiles each is ~0.5 GiB)."""
        out = self.profiles_t()
        self.profiles = sp.csr_matrix((0, self.profiles.shape[1]), dtype=np.float32)
        return out


def scaled_hstack(a: sp.csr_matrix, wa: np.float32, b: sp.csr_matrix, wb: np.float32):
    """``sp.hstack([a * wa, b * wb], format="csr", dtype=np.float32)``: when both blocks are
    float32 the values are scaled in place in the stacked matrix (the same float32 products),
    without a scaled copy of each block beside it."""
    if a.dtype != np.float32 or b.dtype != np.float32:
        return sp.hstack([a * wa, b * wb], format="csr", dtype=np.float32)
    out = sp.hstack([a, b], format="csr", dtype=np.float32)
    out.data *= np.where(out.indices < a.shape[1], wa, wb).astype(np.float32)
    return out


def _both_ways(
    ret: Retrieval, profiles_t: sp.csr_matrix, blocks: list[tuple[int, int]]
) -> tuple[list[sp.coo_matrix], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Both halves of the candidate search from one product of all offers with all profiles:
    the best profiles of each offer, cut by blocks of offers (rows from 0 in each block, as
    :func:`offer_block` reads them), and the best offers of each profile (as
    :func:`profile_side` gives them: the same pairs and values, tested)."""
    by_offer, by_profile = top_n_both(ret.offers, profiles_t, ret.per_offer, ret.per_profile,
                                      ret.threads)  # fmt: skip
    row = by_offer.row.astype(np.int64)  # held by offer (matcher/features/topn.py)
    best = []
    for start, stop in blocks:
        a, b = np.searchsorted(row, start), np.searchsorted(row, stop)
        best.append(
            sp.coo_matrix(
                (by_offer.data[a:b], (row[a:b] - start, by_offer.col[a:b])),
                shape=(stop - start, profiles_t.shape[1]),
            )
        )
    side = (by_profile.row.astype(np.int64), by_profile.col.astype(np.int64), by_profile.data)
    return best, side


def profile_side(
    ret: Retrieval, offers_t: sp.csr_matrix, start: int, stop: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(offer positions, profile positions, product) of the best offers of profiles
    ``start:stop``."""
    c = top_n_rows(ret.profiles[start:stop], offers_t, ret.per_profile, ret.threads)
    return c.col.astype(np.int64), c.row.astype(np.int64) + start, c.data


def offer_block(
    ctx: Context,
    ret: Retrieval,
    profiles_t: sp.csr_matrix,
    profile_order: np.ndarray,
    start: int,
    stop: int,
    side: tuple[np.ndarray, np.ndarray, np.ndarray],
    k: int,
    timings: dict[str, float] | None = None,
    best: sp.coo_matrix | None = None,
) -> pd.DataFrame:
    """Scored pairs kept for offers ``start:stop``: their candidates (best profiles of each
    offer, plus ``side``: the per-profile pairs of these offers), scored, top ``k`` per offer.
    ``best``: the best profiles of each offer when already found (:func:`_both_ways`)."""
    clock = Clock(None)
    clock.stage("candidates")
    c = best if best is not None else top_n_rows(ret.offers[start:stop], profiles_t,
                                                 ret.per_offer, ret.threads)  # fmt: skip
    o_pos = np.concatenate([c.row.astype(np.int64) + start, side[0]])
    p_pos = np.concatenate([c.col.astype(np.int64), side[1]])
    total = np.concatenate([c.data, side[2]]).astype(np.float64)
    # The per-offer value first: np.unique keeps the first of a pair seen both ways, like
    # candidates.candidate_pairs.
    _, first = np.unique(pair_keys(o_pos, p_pos, ctx.profiles.shape[0]), return_index=True)
    o_pos, p_pos, total = o_pos[first], p_pos[first], total[first]
    if ret.exact_text:
        cosine = rowwise_dot(ctx.text_offers, ctx.text_profiles, o_pos, p_pos)
    else:
        occ = rowwise_dot(ret.occ_offers, ret.occ_profiles, o_pos, p_pos) * float(ret.wo) ** 2
        cosine = np.clip((total - occ) / float(ret.wt) ** 2, 0.0, 1.0)
    pairs = score_candidates(ctx, o_pos, p_pos, cosine, clock)
    clock.stage("top-k")
    rows = top_rows(pairs, OFFER_POS, profile_order, k, ctx.settings.ranking.min_score)
    clock.stage(None)
    _add_timings(timings, clock.timings)
    return pairs.iloc[rows].reset_index(drop=True)


def _add_timings(timings: dict[str, float] | None, more: dict[str, float]) -> None:
    """Add the seconds of ``more`` to ``timings`` (when timings are kept)."""
    if timings is not None:
        for name, sec in more.items():
            timings[name] = timings.get(name, 0.0) + sec


def _ranges(n: int, size: int) -> Iterator[tuple[int, int]]:
    size = max(int(size), 1)
    for start in range(0, n, size):
        yield start, min(start + size, n)


def _split_side(
    side: tuple[np.ndarray, np.ndarray, np.ndarray], blocks: list[tuple[int, int]]
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The per-profile pairs cut by blocks of offers."""
    order = np.argsort(side[0], kind="stable")
    o, p, v = side[0][order], side[1][order], side[2][order]
    out = []
    for start, stop in blocks:
        a, b = np.searchsorted(o, start), np.searchsorted(o, stop)
        out.append((o[a:b], p[a:b], v[a:b]))
    return out


def _concat_side(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]):
    if not parts:
        empty = np.array([], dtype=np.int64)
        return empty, empty, np.array([], dtype=np.float32)
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def ranked_pairs(
    ctx: Context,
    k: int,
    *,
    scheduler: str | Any | None = None,
    timings: dict[str, float] | None = None,
    release: bool = False,
) -> pd.DataFrame:
    """The top ``k`` scored pairs of every offer, computed by blocks (see the module's
    docstring), in this process or on the Dask cluster at ``scheduler`` (an address or a
    ``distributed.Client``).

    ``release``: the caller no longer reads ``ctx.text_offers`` / ``ctx.text_profiles``; in
    this process they are replaced by empty matrices once folded into the candidate product's
    rows (when the cosine is read back from the product), for memory."""
    parts = ranked_parts(ctx, k, lambda kept, alone: kept, scheduler=scheduler, timings=timings,
                         release=release)  # fmt: skip
    return joined(parts)


def ranked_parts(
    ctx: Context,
    k: int,
    finish: Callable[[pd.DataFrame, bool], R],
    *,
    scheduler: str | Any | None = None,
    timings: dict[str, float] | None = None,
    release: bool = False,
) -> list[R]:
    """:func:`ranked_pairs` in parts, each the kept pairs of consecutive offers in order, given
    to ``finish(pairs, alone)`` in the process that scored them: ``alone`` is False when the
    blocks are scored on two processes (then ``finish`` runs in each, at the same time: it
    must not start a process of its own). With two processes, what ``finish`` returns is all
    that crosses from one to the other (the reasons and the file written from the pairs, not
    the pairs: see :func:`rank_blocks`)."""
    r = ctx.settings.ranking
    n_o, n_p = ctx.offers.shape[0], ctx.profiles.shape[0]
    clock = Clock(None)
    clock.stage("candidates")
    ret = Retrieval(ctx)
    _, profile_order = frame_tie_orders(ctx.offers, ctx.profiles)
    offer_blocks = list(_ranges(n_o, r.block_offers))
    # Two processes score half of the blocks each: an even number of blocks of equal size
    # (the block size bounds memory, never the result).
    two = not scheduler and n_o >= 2 and parallel.worth_forking(r.prepare_processes, n_p)
    if two:
        count = max(2, len(offer_blocks) + len(offer_blocks) % 2)
        offer_blocks = list(_ranges(n_o, -(-n_o // count)))
    clock.stage(None)
    if scheduler:
        profile_blocks = list(_ranges(n_p, r.block_profiles))
        kept = _on_dask(ctx, ret, profile_order, offer_blocks, profile_blocks, k, scheduler)
        _add_timings(timings, clock.timings)
        return [finish(_kept(ctx, kept), True)]
    if release and not ret.exact_text:
        # Folded into the retrieval's rows; nothing reads them again (see the docstring).
        ctx.text_offers = sp.csr_matrix((ctx.text_offers.shape[0], 0), dtype=np.float32)
        ctx.text_profiles = sp.csr_matrix((ctx.text_profiles.shape[0], 0), dtype=np.float32)
    clock.stage("candidates")  # both halves of the search, one product
    profiles_t = ret.take_profiles_t()
    best, side = _both_ways(ret, profiles_t, offer_blocks)
    sides = _split_side(side, offer_blocks)
    del side
    clock.stage(None)
    _add_timings(timings, clock.timings)

    def run(part: range) -> tuple[R, dict[str, float]]:
        own: dict[str, float] = {}
        kept = [offer_block(ctx, ret, profiles_t, profile_order, *offer_blocks[i], sides[i], k,
                            own, best[i]) for i in part]  # fmt: skip
        return finish(_kept(ctx, kept), not two), own

    if not two:
        done, own = run(range(len(offer_blocks)))
        _add_timings(timings, own)
        return [done]
    # Each block reads the shared context only and keeps its own pairs: the last blocks are
    # scored (and finished) in a forked child (most of a block is one thread: the pair scores,
    # the skills compared, the top k), the same rows as in one pass.
    cut = len(offer_blocks) // 2
    (second, t2), (first, t1) = parallel.side_by_side(
        lambda: run(range(cut, len(offer_blocks))), lambda: run(range(cut))
    )
    for part in (t1, t2):  # the blocks' stages, summed over both processes
        _add_timings(timings, part)
    return [first, second]


def _kept(ctx: Context, kept: list[pd.DataFrame]) -> pd.DataFrame:
    """The kept pairs of blocks, in order (no pairs: an empty frame with their columns)."""
    if not kept:
        return score_candidates(ctx, *(np.array([], dtype=np.int64),) * 2, np.array([]))
    return pd.concat(kept, ignore_index=True)


def _client(scheduler: str | Any):
    """A ``distributed.Client`` for an address (imported here only: Dask is needed at run time
    only with a scheduler), or the client given."""
    if not isinstance(scheduler, str):
        return scheduler, False
    try:
        from distributed import Client
    except ImportError as exc:
        raise UserError(
            "le classement sur un cluster Dask demande le paquet « distributed » "
            "(pip install -r requirements.txt)"
        ) from exc
    try:
        return Client(scheduler, timeout=CONNECT_TIMEOUT_S), True
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(f"ordonnanceur Dask « {scheduler} » injoignable ({exc})") from exc


def _on_dask(
    ctx: Context,
    ret: Retrieval,
    profile_order: np.ndarray,
    offer_blocks: list[tuple[int, int]],
    profile_blocks: list[tuple[int, int]],
    k: int,
    scheduler: str | Any,
) -> list[pd.DataFrame]:
    client, own = _client(scheduler)
    try:
        # Scattered once; tasks receive futures, never the data itself.
        try:
            ctx_f, ret_f, order_f = client.scatter([ctx, ret, profile_order],
                                                   timeout=SCATTER_TIMEOUT_S)  # fmt: skip
        except TimeoutError as exc:
            raise UserError(
                "les données n'ont pas pu être envoyées aux machines de calcul Dask (workers) en "
                f"{SCATTER_TIMEOUT_S} s : l'ordonnanceur n'a peut-être aucun worker, ou le réseau "
                "est trop lent"
            ) from exc
        offers_t_f = client.submit(Retrieval.offers_t, ret_f, pure=False)
        side_parts = client.gather(
            [
                client.submit(profile_side, ret_f, offers_t_f, a, b, pure=False)
                for a, b in profile_blocks
            ]
        )
        del offers_t_f
        sides = _split_side(_concat_side(side_parts), offer_blocks)
        profiles_t_f = client.submit(Retrieval.profiles_t, ret_f, pure=False)
        futures = [
            client.submit(offer_block, ctx_f, ret_f, profiles_t_f, order_f, a, b, s, k, pure=False)
            for (a, b), s in zip(offer_blocks, sides, strict=True)
        ]
        return list(client.gather(futures))
    finally:
        if own:
            client.close()


# Prepared columns read only while the context is built (the TF-IDF rows, the skills index and
# the occupation tables come from them); the pair scores and the reasons never read them.
CONTEXT_ONLY = (F.TEXT_NORM, F.SKILL_LIST, F.SKILL_KEYS, F.OCC_CLOSE, F.DESCRIPTION, F.SKILLS,
                F.SKILLS_DESIRED, F.EXPERIENCE, F.TRAINING)  # fmt: skip


def narrowed(ctx: Context) -> Context:
    """``ctx`` with its prepared frames without the :data:`CONTEXT_ONLY` columns: at 500,000
    profiles the normalised texts, skill lists and close jobs are several hundred MB that
    would otherwise stay in memory through the blocks and the reasons."""
    return dataclasses.replace(
        ctx,
        offers=ctx.offers.drop(columns=[c for c in CONTEXT_ONLY if c in ctx.offers]),
        profiles=ctx.profiles.drop(columns=[c for c in CONTEXT_ONLY if c in ctx.profiles]),
    )


# Kept pairs from which the reasons are written on two processes (the fork and the pickled
# half cost about a tenth of a second), and up to which (above, the national-scale run keeps
# its memory bound first).
REASONS_SPLIT_FROM = 10_000
REASONS_SPLIT_UP_TO = 400_000


def suggestions_of(scored: Scored) -> pd.DataFrame:
    """``suggestion_frame`` of every kept pair (grouped by offer) with :data:`COLUMNS`: with
    two processes (``ranking.prepare_processes``, where a fork is safe) the pairs of the last
    offers get their skills and French reasons in a forked child. Each pair's reasons read that
    pair only and ranks restart at each offer, so the halves, cut between two offers, are the
    rows of one pass (tested)."""
    n = len(scored.pairs)
    rows = np.arange(n)

    def frame(part: np.ndarray) -> pd.DataFrame:
        return _suggestion_rows(scored, part)

    if not (
        scored.settings.ranking.prepare_processes >= 2
        and REASONS_SPLIT_FROM <= n <= REASONS_SPLIT_UP_TO
        and parallel.can_fork()
    ):
        return frame(rows)
    starts = np.flatnonzero(np.diff(scored.pairs[OFFER_POS].to_numpy())) + 1
    at = int(np.searchsorted(starts, n // 2))
    if at == len(starts):  # one offer holds the second half: nowhere to cut
        return frame(rows)
    cut = int(starts[at])
    second, first = parallel.side_by_side(lambda: frame(rows[cut:]), lambda: frame(rows[:cut]))
    return pd.concat([first, second], ignore_index=True)


def _suggestion_rows(scored: Scored, rows: np.ndarray | None = None) -> pd.DataFrame:
    """``suggestion_frame`` of the kept pairs at ``rows`` (default: all), with :data:`COLUMNS`."""
    rows = np.arange(len(scored.pairs)) if rows is None else rows
    return suggestion_frame(scored, rows, OFFER_POS)[COLUMNS]


def rank_blocks(
    offers: pd.DataFrame, profiles: pd.DataFrame, *args: Any, **kwargs: Any
) -> pd.DataFrame:
    """Same suggestions as :func:`matcher.ranking.suggest.rank` (without allocation), computed
    by blocks of offers with bounded memory, in this process or on a Dask cluster: the parts
    of :func:`rank_blocks_rendered` (same arguments, without ``render``) as one frame."""
    return joined(rank_blocks_rendered(offers, profiles, _as_is, *args, **kwargs))


def _as_is(frame: pd.DataFrame) -> pd.DataFrame:
    return frame


def joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Parts of suggestions (:func:`rank_blocks_rendered` rendering nothing) as one frame."""
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def rank_blocks_rendered(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    render: Callable[[pd.DataFrame], R],
    settings: Settings | None = None,
    referential: Referential | None = None,
    communes: pd.DataFrame | None = None,
    top_k: int | None = None,
    *,
    scheduler: str | Any | None = None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
    prepared_offers: pd.DataFrame | None = None,
    offer_skills: OfferSide | None = None,
) -> list[R]:
    """The suggestions of the offers against the profiles, by blocks of offers, in parts (one
    or two; each the suggestions of consecutive offers, in order; none when there are no
    offers or no profiles), each given to ``render`` in the process that ranked its offers
    and wrote their reasons. In this process or on a Dask cluster (``scheduler``, default the
    settings' ``ranking.scheduler``); ``prepared_offers``: the offers already prepared
    (:func:`matcher.ranking.scoring.prepare_offer_side`), and ``offer_skills`` their
    :func:`matcher.ranking.scoring.offer_skill_side`. When the blocks
    are scored on two processes, only what ``render`` returns crosses from one to the other
    (``rank --out x.csv`` writes each part's rows there, matcher/export/csv_file.py, rather
    than sending 10,000 suggestions and their reasons back to be written).

    The parts concatenated are the same suggestions as one pass (:func:`rank_blocks`): a
    suggestion's reasons read that pair only, and ranks restart at each offer (tested). With ``timings``, "reasons" and
    "write" are the seconds of the reasons and of ``render``, summed over both processes,
    and ``progress`` is told of no stage after "blocks" (they run inside it)."""
    settings = settings or Settings()
    if offers.empty or profiles.empty:
        return []
    with parallel.collector_paused(len(profiles) <= parallel.FORK_UP_TO_PROFILES):
        return _rank_blocks(offers, profiles, render, settings, referential, communes, top_k,
                            scheduler, progress, timings, prepared_offers,
                            offer_skills)  # fmt: skip


def _rank_blocks(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    render: Callable[[pd.DataFrame], R],
    settings: Settings,
    referential: Referential | None,
    communes: pd.DataFrame | None,
    top_k: int | None,
    scheduler: str | Any | None,
    progress: Progress | None,
    timings: dict[str, float] | None,
    prepared_offers: pd.DataFrame | None,
    offer_skills: OfferSide | None,
) -> list[R]:
    referential = referential if referential is not None else default_referential()
    communes = communes if communes is not None else builtin_communes()
    k = top_k or settings.ranking.top_k
    clock = Clock(progress)
    ctx = build_context(offers, profiles, settings, referential, communes, clock, prepared_offers,
                        offer_skills)  # fmt: skip
    clock.stage(None)
    if timings is not None:
        timings.update(clock.timings)
    scheduler = scheduler if scheduler is not None else (settings.ranking.scheduler or None)
    if progress is not None:
        progress("blocks")
    ctx = narrowed(ctx)
    after: dict[str, float] = {}  # reasons and render, summed over the processes

    def finish(kept: pd.DataFrame, alone: bool) -> tuple[R, dict[str, float]]:
        t0 = time.perf_counter()
        scored = Scored(kept, ctx.offers, ctx.profiles, ctx.skill_index, referential, settings)
        # Alone, the reasons may be written on two processes; beside the other half of the
        # blocks, this process is one of two already.
        frame = suggestions_of(scored) if alone else _suggestion_rows(scored)
        t1 = time.perf_counter()
        out = render(frame)
        return out, {"reasons": t1 - t0, "write": time.perf_counter() - t1}

    inside: dict[str, float] = {}
    parts = ranked_parts(ctx, k, finish, scheduler=scheduler, timings=inside, release=True)
    for _, seconds in parts:
        _add_timings(after, seconds)
    if timings is not None:  # stages inside the blocks, summed over the blocks
        timings.update({f"blocks/{name}": sec for name, sec in inside.items()})
        for name, sec in after.items():
            timings[name] = timings.get(name, 0.0) + sec
    log.info("ranked %d offers by blocks, in %d part(s)", len(ctx.offers), len(parts))
    return [out for out, _ in parts]


__all__ = ["joined", "rank_blocks", "rank_blocks_rendered", "ranked_pairs", "ranked_parts",
           "suggestions_of"]  # fmt: skip
