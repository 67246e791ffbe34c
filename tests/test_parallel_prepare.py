"""Preparing on two processes (matcher/ranking/parallel.py) gives the frames of one process."""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import threading

import pandas as pd
import pytest

from matcher.devtools.synthetic import synthetic_frames
from matcher.ranking import parallel
from matcher.ranking.scoring import prepare
from matcher.reference.geo import builtin_communes
from matcher.reference.referential import builtin_referential
from matcher.settings import Settings

needs_fork = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork: Linux only")


@pytest.fixture
def forking(monkeypatch):
    """Fork even if earlier tests of this worker left idle threads behind (the dashboard's
    tests do): these tests are about what the child computes, not about the thread gate."""
    monkeypatch.setattr(parallel, "can_fork", lambda: True)


def _settings(processes: int) -> Settings:
    s = Settings()
    return dataclasses.replace(s, ranking=dataclasses.replace(s.ranking,
                                                              prepare_processes=processes))  # fmt: skip


@pytest.fixture(scope="module")
def frames():
    ref = builtin_referential()
    offers, profiles, _ = synthetic_frames(ref, 40, 300, 5)
    return ref, builtin_communes(), offers, profiles


@needs_fork
def test_two_processes_give_the_frames_of_one(forking, frames, monkeypatch, caplog):
    ref, communes, offers, profiles = frames
    one_o, one_p = prepare(offers, profiles, _settings(1), ref, communes)
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    with caplog.at_level(logging.INFO, logger=parallel.__name__):
        two_o, two_p = prepare(offers, profiles, _settings(2), ref, communes)
    forked = [r.getMessage() for r in caplog.records if "two processes" in r.getMessage()]
    assert len(forked) == 1  # the second process was really used
    pd.testing.assert_frame_equal(two_o, one_o)
    pd.testing.assert_frame_equal(two_p, one_p)
    assert len(two_p) == len(profiles)


@needs_fork
@pytest.mark.parametrize("cut_at", [0, 1, 150, 299])
def test_any_cut_gives_the_same_profiles(forking, frames, monkeypatch, cut_at):
    """Whatever the split (the offers heavier than all the profiles: nothing here), the
    concatenated parts are the frame of one run."""
    ref, communes, offers, profiles = frames
    _, one_p = prepare(offers, profiles, _settings(1), ref, communes)
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    monkeypatch.setattr(parallel, "split_point", lambda o, p: cut_at)
    _, two_p = prepare(offers, profiles, _settings(2), ref, communes)
    pd.testing.assert_frame_equal(two_p, one_p)


@needs_fork
@pytest.mark.parametrize("cut_at", [0, 120])
def test_a_large_input_is_prepared_by_chunks_through_files(
    forking, frames, monkeypatch, tmp_path, cut_at
):
    """Above FORK_UP_TO_PROFILES the child writes its part to files a chunk at a time: the
    profiles are those of one process, each chunk was prepared on its own, and no file is
    left behind."""
    ref, communes, offers, profiles = frames
    _, one_p = prepare(offers, profiles, _settings(1), ref, communes)
    monkeypatch.setattr(parallel, "FORK_UP_TO_PROFILES", 100)  # 300 profiles: "large"
    monkeypatch.setattr(parallel, "CHUNK_PROFILES", 37)
    monkeypatch.setattr(parallel, "split_point", lambda o, p: cut_at)
    monkeypatch.setattr(parallel.tempfile, "tempdir", str(tmp_path))
    dump = parallel.pickle.dump
    parent = os.getpid()

    def child_only(obj, fh, **kw):
        assert os.getpid() != parent  # the chunks are written by the child (else an error)
        dump(obj, fh, **kw)

    monkeypatch.setattr(parallel.pickle, "dump", child_only)
    sizes: list[int] = []
    read = parallel._read_pickle

    def reading(path):
        frame = read(path)
        sizes.append(len(frame))
        return frame

    monkeypatch.setattr(parallel, "_read_pickle", reading)
    _, two_p = prepare(offers, profiles, _settings(2), ref, communes)
    pd.testing.assert_frame_equal(two_p, one_p)
    rest = len(profiles) - cut_at
    assert sizes == [37] * (rest // 37) + ([rest % 37] if rest % 37 else [])
    assert list(tmp_path.iterdir()) == []  # the chunks' directory is removed


@needs_fork
def test_no_room_for_the_chunks_means_this_process_prepares_them(
    forking, frames, monkeypatch, caplog
):
    """A chunk the child cannot write (a full disk) costs time, not the run."""
    ref, communes, offers, profiles = frames
    _, one_p = prepare(offers, profiles, _settings(1), ref, communes)
    monkeypatch.setattr(parallel, "FORK_UP_TO_PROFILES", 100)
    monkeypatch.setattr(parallel, "CHUNK_PROFILES", 50)

    def disk_full(obj, fh, **kw):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parallel.pickle, "dump", disk_full)
    with caplog.at_level(logging.WARNING, logger=parallel.__name__):
        _, two_p = prepare(offers, profiles, _settings(2), ref, communes)
    pd.testing.assert_frame_equal(two_p, one_p)
    assert any("No space left" in r.getMessage() for r in caplog.records)


def by_process(in_child, here=lambda frame: frame):
    """A preparing function that runs ``in_child`` in a forked child, ``here`` in this test."""
    parent = os.getpid()
    return lambda frame: in_child(frame) if os.getpid() != parent else here(frame)


@needs_fork
def test_an_error_of_the_child_is_raised_here(forking, frames, monkeypatch):
    _, _, offers, profiles = frames
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)

    def fails(frame):
        raise ValueError(f"échec sur {len(frame)} lignes")

    with pytest.raises(ValueError, match="échec sur"):
        parallel.prepare_two_ways(offers, profiles, lambda f: f, by_process(fails), 2)


def test_no_fork_with_other_threads_small_inputs_or_one_process(frames, monkeypatch):
    """Each gate keeps everything in this process: the child's function is never called."""
    _, _, offers, profiles = frames
    calls: list[int] = []

    def beside(fn, *args):
        calls.append(1)
        raise AssertionError("forked")

    monkeypatch.setattr(parallel, "beside", beside)
    same = (lambda f: f), (lambda f: f)
    parallel.prepare_two_ways(offers, profiles, *same, 2)  # 300 < FORK_FROM_PROFILES
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    parallel.prepare_two_ways(offers, profiles, *same, 1)  # one process asked
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not parallel.can_fork()
        parallel.prepare_two_ways(offers, profiles, *same, 2)  # another thread runs
    finally:
        stop.set()
        other.join()
    assert calls == []


def test_split_point_balances_the_text():
    """The offers stay here: the first part of the profiles is what the half of all the text
    leaves once the offers are counted."""
    offers = pd.DataFrame({"t": ["x" * 99]})  # weight 100 (99 characters + 1 per row)
    profiles = pd.DataFrame({"t": ["x" * 9] * 30})  # 30 x 10
    # (100 + 300) / 2 - 100 = 100: the first 10 profiles here, 20 in the child.
    assert parallel.split_point(offers, profiles) == 10
    heavy = pd.DataFrame({"t": ["x" * 999]})  # heavier than all the profiles: none here
    assert parallel.split_point(heavy, profiles) == 0


@needs_fork
def test_a_lost_child_costs_time_not_the_run(forking, frames, monkeypatch, caplog):
    """The child's part is prepared here when the child dies without a result."""
    _, _, offers, profiles = frames
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    here: list[int] = []

    def prepare_here(frame):
        here.append(len(frame))
        return frame

    prepare_profiles = by_process(lambda frame: os._exit(3), prepare_here)  # as if killed
    with caplog.at_level(logging.WARNING, logger=parallel.__name__):
        _, pp = parallel.prepare_two_ways(offers, profiles, lambda f: f, prepare_profiles, 2)
    assert len(pp) == len(profiles) and pp.equals(profiles.reset_index(drop=True))
    assert sum(here) == len(profiles) and len(here) == 2
    assert any("ended without a result" in r.getMessage() for r in caplog.records)


@needs_fork
def test_an_error_here_stops_the_child(forking, frames, monkeypatch):
    """This process fails: the child is killed and reaped, not waited for."""
    import time

    _, _, offers, profiles = frames
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    slow_in_child = by_process(lambda frame: time.sleep(60))

    def boom(frame):
        raise KeyError("offres")

    start = time.perf_counter()
    with pytest.raises(KeyError):
        parallel.prepare_two_ways(offers, profiles, boom, slow_in_child, 2)
    assert time.perf_counter() - start < 30


@needs_fork
def test_context_of_two_processes_is_the_context_of_one(forking, frames, monkeypatch):
    """The TF-IDF rows computed in the child while this process builds the skills index are
    the rows of a one-process run; so are the skills index and the occupation tables."""
    import numpy as np

    from matcher.ranking.scoring import build_context

    ref, communes, offers, profiles = frames
    one = build_context(offers, profiles, _settings(1), ref, communes)
    forks: list[int] = []
    real = parallel.beside

    def counted(fn, *args):
        forks.append(1)
        return real(fn, *args)

    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    monkeypatch.setattr(parallel, "beside", counted)
    two = build_context(offers, profiles, _settings(2), ref, communes)
    assert len(forks) == 2  # preparation, then TF-IDF beside the skills index
    for a, b in [(one.text_offers, two.text_offers), (one.text_profiles, two.text_profiles)]:
        assert a.shape == b.shape and (a != b).nnz == 0 and a.dtype == b.dtype
    for x, y in [(one.occ_offers, two.occ_offers), (one.occ_profiles, two.occ_profiles),
                 (one.trust_profiles, two.trust_profiles)]:  # fmt: skip
        assert np.array_equal(x, y)
    assert one.skill_index.profile_vocab == two.skill_index.profile_vocab
    assert (one.skill_index.profile_skills != two.skill_index.profile_skills).nnz == 0
    pd.testing.assert_frame_equal(one.profiles, two.profiles)


@needs_fork
def test_ranking_files_with_an_early_child_gives_the_same_suggestions_and_reports(
    forking, monkeypatch
):
    """The profiles' files read in a child while the offers are read and prepared here: the
    same suggestions, and the same import reports in the same order (offers first)."""
    from matcher.paths import ROOT
    from matcher.ranking import from_files

    sample = ROOT / "data" / "sample"
    offer_files = [sample / "offres_busin_ess_2026.xlsx", sample / "offres_complementaires.xlsx"]
    profile_files = [sample / "ai_bruay_services.csv", sample / "ei_artois_proprete.xlsx",
                     sample / "plie_bethune_bruay.xlsx"]  # fmt: skip

    def run(processes: int) -> tuple[pd.DataFrame, list[tuple[str, list[str]]]]:
        reports: list[tuple[str, list[str]]] = []
        out = from_files.rank_files(
            offer_files, profile_files, _settings(processes), 5,
            on_report=lambda r: reports.append((r.report.source, r.report.summary_lines())),
        )  # fmt: skip
        return out, reports

    one, one_reports = run(1)
    logs: list[str] = []
    monkeypatch.setattr(from_files, "FORK_FROM_BYTES", 0)
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    monkeypatch.setattr(from_files.log, "info", lambda msg, *a: logs.append(msg % a))
    two, two_reports = run(2)
    assert any("second process" in m for m in logs)  # the early child was used
    assert len(one) > 20
    pd.testing.assert_frame_equal(two, one)
    assert two_reports == one_reports
    assert [s for s, _ in two_reports][:2] == [f.name for f in offer_files]


def test_no_fork_possible_means_one_process(frames, monkeypatch, caplog):
    """A fork refused by the system (memory, process limit) leaves the work to this process."""
    _, _, offers, profiles = frames
    monkeypatch.setattr(parallel, "FORK_FROM_PROFILES", 10)
    monkeypatch.setattr(parallel, "can_fork", lambda: True)

    def refused():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(parallel.os, "fork", refused)
    with caplog.at_level(logging.WARNING, logger=parallel.__name__):
        po, pp = parallel.prepare_two_ways(offers, profiles, len, lambda f: f, 2)
    assert po == len(offers)
    pd.testing.assert_frame_equal(pp, profiles.reset_index(drop=True))
    assert any("no second process" in r.getMessage() for r in caplog.records)
    assert not parallel.gc.isenabled() or parallel.gc.get_freeze_count() == 0


def test_the_collector_is_paused_for_a_run_then_resumed(monkeypatch):
    import gc

    monkeypatch.setattr(parallel, "can_fork", lambda: True)
    assert gc.isenabled()
    with parallel.collector_paused(True):
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0  # what was alive is never walked during the run
        with parallel.collector_paused(True):  # nested: nothing more
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with pytest.raises(ValueError), parallel.collector_paused(True):
        raise ValueError
    assert gc.isenabled() and gc.get_freeze_count() == 0
    with parallel.collector_paused(False):  # a national-scale input keeps its memory bound
        assert gc.isenabled()
    monkeypatch.setattr(parallel, "can_fork", lambda: False)  # other threads (the dashboard)
    with parallel.collector_paused(True):
        assert gc.isenabled()
