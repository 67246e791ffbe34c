"""Ranking by blocks and on a Dask cluster: the same suggestions as the whole-base ranking."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from matcher import fields as F
from matcher.devtools.synthetic import synthetic_frames
from matcher.errors import UserError
from matcher.ranking.blocks import rank_blocks
from matcher.ranking.scoring import COLUMNS, score_pairs, top_per_offer
from matcher.ranking.suggest import rank
from matcher.reference.referential import builtin_referential
from matcher.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def world():
    ref = builtin_referential()
    offers, profiles, _ = synthetic_frames(ref, 60, 500, seed=5)
    return ref, offers, profiles


def _blocks(settings: Settings, offers: int, profiles: int) -> Settings:
    return settings.replace(
        ranking=dataclasses.replace(settings.ranking, block_offers=offers, block_profiles=profiles)
    )


@pytest.fixture(scope="module")
def whole(world):
    """The reference: every candidate pair scored at once, then the top k of each offer."""
    ref, offers, profiles = world
    return top_per_offer(score_pairs(offers, profiles, Settings(), ref))[COLUMNS]


@pytest.mark.parametrize("block_offers, block_profiles", [(7, 45), (60, 500), (1000, 100_000)])
def test_blocks_give_the_whole_ranking_row_for_row(world, whole, block_offers, block_profiles):
    ref, offers, profiles = world
    settings = _blocks(Settings(), block_offers, block_profiles)
    got = rank_blocks(offers, profiles, settings, ref)
    assert len(got) > 0.9 * 20 * len(offers)  # most offers get their 20 suggestions
    pd.testing.assert_frame_equal(got, whole)


def test_reasons_written_on_two_processes_give_the_same_rows(world, whole, monkeypatch):
    from matcher.ranking import blocks, parallel

    if not parallel.can_fork():
        pytest.skip("no safe fork here (threads, or not Linux): the reasons take one process")
    monkeypatch.setattr(blocks, "REASONS_SPLIT_FROM", 2)
    forks: list[int] = []
    real = parallel.side_by_side
    monkeypatch.setattr(parallel, "side_by_side", lambda a, b: forks.append(1) or real(a, b))
    ref, offers, profiles = world
    got = rank_blocks(offers, profiles, Settings(), ref)
    assert forks == [1]  # 500 profiles: only the reasons are on two processes
    pd.testing.assert_frame_equal(got, whole)


@pytest.mark.parametrize("block_offers", [7, 2000])
def test_blocks_scored_on_two_processes_give_the_whole_ranking(world, whole, monkeypatch,
                                                              block_offers):  # fmt: skip
    from matcher.ranking import blocks, parallel

    if not parallel.can_fork():
        pytest.skip("no safe fork here (threads, or not Linux): the blocks take one process")
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)  # 500 profiles: forks pay here
    # The reasons are written beside the blocks, in their two processes: never a fork of their
    # own, however many pairs (a child forking again would run three processes on two cores).
    monkeypatch.setattr(blocks, "REASONS_SPLIT_FROM", 2)
    calls: list[int] = []
    real = parallel.side_by_side
    monkeypatch.setattr(parallel, "side_by_side", lambda a, b: calls.append(1) or real(a, b))
    seen: list[list[tuple[int, int]]] = []
    real_ranges = blocks._ranges
    monkeypatch.setattr(
        blocks, "_ranges", lambda n, size: seen.append(list(real_ranges(n, size))) or iter(seen[-1])
    )
    ref, offers, profiles = world
    settings = _blocks(Settings(), block_offers, 100_000)
    got = rank_blocks(offers, profiles, settings, ref)
    # Preparation, TF-IDF beside the skills index, then the blocks and their reasons: three.
    assert len(calls) == 3
    offer_blocks = [b for b in seen if b and b[-1][1] == len(offers)][-1]
    sizes = [b - a for a, b in offer_blocks]
    assert len(offer_blocks) % 2 == 0 and max(sizes) - min(sizes) <= 1  # two equal halves
    pd.testing.assert_frame_equal(got, whole)


def test_rendered_parts_are_made_where_their_offers_were_ranked(world, whole, monkeypatch):
    """Two processes: each renders the suggestions of the offers it ranked; the parts, in
    order, are the whole ranking."""
    import os

    from matcher.ranking import blocks, parallel

    if not parallel.can_fork():
        pytest.skip("no safe fork here (threads, or not Linux): the blocks take one process")
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    ref, offers, profiles = world
    timings: dict[str, float] = {}
    parts = blocks.rank_blocks_rendered(offers, profiles, lambda frame: (os.getpid(), frame),
                                        _blocks(Settings(), 7, 100_000), ref,
                                        timings=timings)  # fmt: skip
    assert [pid == os.getpid() for pid, _ in parts] == [True, False]
    first, second = parts[0][1], parts[1][1]
    assert first[F.OFFER_REF].iloc[-1] != second[F.OFFER_REF].iloc[0]  # cut between offers
    pd.testing.assert_frame_equal(pd.concat([first, second], ignore_index=True), whole)
    assert timings["reasons"] > 0 and timings["write"] >= 0  # summed over both processes
    assert blocks.rank_blocks_rendered(offers.head(0), profiles, len, settings=Settings()) == []


def test_rank_goes_by_blocks_with_the_same_result(world, whole):
    ref, offers, profiles = world
    got = rank(offers, profiles, _blocks(Settings(), 11, 97), ref)
    pd.testing.assert_frame_equal(got, whole)


def test_dask_local_cluster_gives_the_in_process_ranking(world, whole):
    distributed = pytest.importorskip("distributed")
    ref, offers, profiles = world
    settings = _blocks(Settings(), 13, 200)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = rank_blocks(offers, profiles, settings, ref, scheduler=client)
        assert len(client.scheduler_info()["workers"]) == 2
        # The scheduler address as a string (what --scheduler and ranking.scheduler give).
        again = rank(
            offers,
            profiles,
            settings.replace(
                ranking=dataclasses.replace(settings.ranking, scheduler=cluster.scheduler_address)
            ),
            ref,
        )
    pd.testing.assert_frame_equal(got, whole)
    pd.testing.assert_frame_equal(again, whole)


def test_unreachable_scheduler_is_a_french_user_error(world):
    pytest.importorskip("distributed")
    ref, offers, profiles = world
    with pytest.raises(UserError, match="injoignable"):
        rank_blocks(offers.head(3), profiles.head(30), Settings(), ref,
                    scheduler="tcp://127.0.0.1:9")  # fmt: skip


def test_without_scheduler_nothing_of_dask_is_imported():
    code = textwrap.dedent(
        """
        import sys
        from matcher.devtools.synthetic import synthetic_frames
        from matcher.ranking.suggest import rank
        from matcher.reference.referential import builtin_referential
        ref = builtin_referential()
        o, p, _ = synthetic_frames(ref, 5, 40, seed=1)
        assert len(rank(o, p, referential=ref)) > 0
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
        print(loaded)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_scheduler_and_block_sizes_load_from_toml(tmp_path):
    path = tmp_path / "matcher.toml"
    path.write_text(
        '[ranking]\nscheduler = "tcp://10.0.0.5:8786"\nblock_offers = 500\n', encoding="utf-8"
    )
    s = Settings.from_toml(path)
    assert (s.ranking.scheduler, s.ranking.block_offers) == ("tcp://10.0.0.5:8786", 500)
    path.write_text('[constraints]\nlicence = "ignore"\n', encoding="utf-8")
    with pytest.raises(UserError, match="exclude, penalise"):
        Settings.from_toml(path)
