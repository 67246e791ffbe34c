"""Work on two processes, by forking: the preparation of the profiles split in two (one part
prepared by a forked copy of this process while this one prepares the offers and the other
part), the TF-IDF words block computed beside the skills index and the titles block
(matcher/ranking/scoring.py), the profiles' files read beside the offers'
(matcher/ranking/from_files.py), half of the blocks of offers scored, half of the reasons and
of the CSV file written (matcher/ranking/blocks.py, matcher/export/csv_file.py).

Preparing (normalising text, splitting skills, classifying titles) is Python code: one core.
A row's prepared columns depend on that row only (the incremental re-match prepares rows one
by one and is tested equal to a full run), so the two parts concatenated are the frame of a
run over all the profiles. The forked child inherits the loaded referential and classifier
(nothing is loaded twice) and sends its frame back through a pipe (pickle).

Forking is only safe in a process that runs a single thread (a lock held by another thread at
the fork would stay held in the child forever; the candidate product's threads end before it
returns, and a child never runs it): the dashboard, a Dask worker or any caller with threads
prepares in one process. So do Windows and macOS (no safe fork) and small inputs (the fork and
the pickling cost more than they save). Above :data:`FORK_UP_TO_PROFILES` (the national-scale
run, whose memory bound comes first) only the preparation of the profiles forks, and its child
writes its part to temporary files a chunk at a time (:func:`prepare_two_ways`): its own memory
is one chunk's, and this process ends up holding what it would have prepared alone.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)
A = TypeVar("A")
B = TypeVar("B")

# Profiles from which a second process pays (fork, pickling: ~0.1 s; a profile ~0.3 ms).
FORK_FROM_PROFILES = 2_000
# Up to which it is used: above, the national-scale run keeps its memory bound first.
FORK_UP_TO_PROFILES = 200_000
# Above it, the profiles a child prepares and writes to a file at a time (about 0.2 GiB of
# prepared rows; see prepare_two_ways).
CHUNK_PROFILES = 50_000


def can_fork() -> bool:
    """A fork is safe here: Linux, and this process runs one thread (the main one)."""
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and threading.current_thread() is threading.main_thread()
    )


class ChildLost(RuntimeError):
    """The child ended without sending a result (killed, out of memory)."""


class Child:
    """``fn(*args)`` running in a forked child (see :func:`beside`)."""

    def __init__(self, pid: int, read_fd: int):
        self.pid, self.read_fd = pid, read_fd

    def result(self) -> Any:
        """Wait for the child's result; its exception is raised here, :class:`ChildLost` when
        it sent nothing."""
        try:
            with os.fdopen(self.read_fd, "rb") as fh:
                data = fh.read()
        finally:
            os.waitpid(self.pid, 0)
        if log.isEnabledFor(logging.DEBUG):
            import resource  # Unix only, as is fork

            log.debug("child process peak memory: %.0f MiB",
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)  # fmt: skip
        if not data:
            raise ChildLost("the child process ended without a result")
        status, value = pickle.loads(data)
        if status == "error":
            raise value
        return value

    def cancel(self) -> None:
        """Stop the child and reap it (this process failed: its result is not needed)."""
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(OSError):
            os.close(self.read_fd)
        with contextlib.suppress(OSError):
            os.waitpid(self.pid, 0)


def beside(fn: Callable[..., Any], *args: Any) -> Child:
    """Start ``fn(*args)`` in a forked child; :meth:`Child.result` waits for its result."""
    read_fd, write_fd = os.pipe()
    # Objects moved out of the collector's sight before the fork: a collection in the child
    # would otherwise write to every object's header and copy every page of the parent.
    gc.freeze()
    try:
        pid = os.fork()
    except OSError:
        gc.unfreeze()
        os.close(read_fd)
        os.close(write_fd)
        raise
    if pid == 0:  # the child: compute, send, leave without running the parent's exit code
        code = 0
        try:
            os.close(read_fd)
            try:
                payload: tuple[str, Any] = ("ok", fn(*args))
            except BaseException as exc:  # sent to the parent, raised there
                payload = ("error", exc)
            try:
                data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            except Exception as exc:  # an exception (or result) that cannot be pickled
                data = pickle.dumps(("error", RuntimeError(repr(exc))))
            with os.fdopen(write_fd, "wb") as fh:
                fh.write(data)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    gc.unfreeze()
    os.close(write_fd)
    return Child(pid, read_fd)


@contextlib.contextmanager
def collector_paused(small: bool) -> Iterator[None]:
    """Python's cycle collector paused for a run of the ranking chain, when the input is
    ``small`` enough (up to :data:`FORK_UP_TO_PROFILES` profiles: above, the national-scale
    run keeps its memory bound first) and this process runs one thread (a command, not the
    dashboard, whose other threads would be paused too).

    Why: the chain allocates millions of lists, dicts and tuples (lists of skills, a dict per
    text folded...) and next to none of them form cycles, yet every 700 allocations start a
    collection, and some of them walk the loaded referential, the frames and every list: half
    a second of the 1,000 x 10,000 run went to collections that found almost nothing.
    Reference counting frees everything as usual; the objects alive when the pause starts are
    frozen (never walked again) and the collector is disabled until the run ends, then both
    are undone (the few cycles left are freed by the next collection). Nested pauses do
    nothing."""
    if not (small and gc.isenabled() and can_fork()):
        yield
        return
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.enable()


def text_weight(frame: pd.DataFrame) -> np.ndarray:
    """Characters of each row's text cells: what preparing a row costs, roughly."""
    weight = np.ones(len(frame))
    for col in frame.columns:
        if frame[col].dtype == object or pd.api.types.is_string_dtype(frame[col].dtype):
            values = frame[col].to_numpy(dtype=object)
            weight += np.array([len(v) if v.__class__ is str else 0 for v in values], dtype=float)
    return weight


def split_point(offers: pd.DataFrame, profiles: pd.DataFrame) -> int:
    """Where to cut the profiles so that the offers plus the first part weigh about as much as
    the second part (the offers stay in this process)."""
    w = text_weight(profiles)
    half = (text_weight(offers).sum() + w.sum()) / 2
    # First part: what is left of the half once the offers are counted (possibly nothing).
    return int(np.searchsorted(np.cumsum(w), half - text_weight(offers).sum(), side="right"))


def worth_forking(processes: int, n_profiles: int) -> bool:
    """Two processes asked for, an input size where they pay, and a fork that is safe here."""
    return processes >= 2 and FORK_FROM_PROFILES <= n_profiles <= FORK_UP_TO_PROFILES and can_fork()


def side_by_side(there: Callable[[], A], here: Callable[[], B]) -> tuple[A, B]:
    """``(there(), here())``, ``there`` computed in a forked child while ``here`` runs in this
    process. A child that dies without a result (killed, out of memory) costs time, not the
    run: ``there`` is then computed here; an error here kills the child."""
    try:
        child = beside(there)
    except OSError as exc:  # no fork possible now (memory, process limit): one process
        log.warning("no second process (%s): everything computed here", exc)
        return there(), here()
    try:
        b = here()
    except BaseException:
        child.cancel()
        raise
    try:
        a = child.result()
    except ChildLost:
        log.warning("the second process ended without a result: its part is computed here")
        a = there()
    return a, b


def prepare_two_ways(
    offers: pd.DataFrame,
    profiles: pd.DataFrame,
    prepare_offers: Callable[[pd.DataFrame], pd.DataFrame],
    prepare_profiles: Callable[[pd.DataFrame], pd.DataFrame],
    processes: int,
    before_fork: Callable[[], None] = lambda: None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(prepare_offers(offers), prepare_profiles(profiles))``, on two processes when
    :func:`worth_forking` or above :data:`FORK_UP_TO_PROFILES` (then through files, see the
    module's docstring): the child prepares the last profiles, this process the offers and the
    first ones. ``before_fork`` loads what both processes read, so that it is loaded once."""
    n = len(profiles)
    large = processes >= 2 and n > FORK_UP_TO_PROFILES and can_fork()
    if not (large or worth_forking(processes, n)):
        return prepare_offers(offers), prepare_profiles(profiles)
    cut = split_point(offers, profiles)
    cut = min(max(cut, 0), n - 1)  # the child always has rows: the same code path every time
    before_fork()

    def here() -> tuple[pd.DataFrame, pd.DataFrame | None]:
        return prepare_offers(offers), prepare_profiles(profiles.iloc[:cut]) if cut else None

    if not large:
        rest, (po, first) = side_by_side(lambda: prepare_profiles(profiles.iloc[cut:]), here)
        parts = [rest]
    else:
        # The national-scale run: the child's part (hundreds of thousands of profiles) would
        # be held three times at once in a pipe (its frame, its bytes, the frame read back).
        # The child prepares it a chunk at a time and writes each chunk to a file; this process
        # reads them once its own part is done.
        directory = tempfile.mkdtemp(prefix="circuit-court-prepare-")
        try:
            paths, (po, first) = side_by_side(
                lambda: _prepare_to_files(profiles.iloc[cut:], prepare_profiles, directory),
                here,
            )
            if isinstance(paths, OSError):  # no room for the files: slower, not a failure
                log.warning("prepared files not written (%s): the rest is prepared here", paths)
                parts = [prepare_profiles(profiles.iloc[cut:])]
            else:
                parts = [_read_pickle(path) for path in paths]
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    log.info("prepared on two processes: offers and %d profiles here, %d in a child", cut,
             n - cut)  # fmt: skip
    frames = ([] if first is None else [first]) + parts
    return po, frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _prepare_to_files(
    profiles: pd.DataFrame,
    prepare_profiles: Callable[[pd.DataFrame], pd.DataFrame],
    directory: str,
) -> list[str] | OSError:
    """``prepare_profiles`` of ``profiles`` by chunks of :data:`CHUNK_PROFILES` rows (a row's
    prepared columns depend on that row only), each pickled to a file of ``directory``: the
    files' paths, in order; the error when a file cannot be written (a full disk)."""
    paths = []
    for start in range(0, len(profiles), CHUNK_PROFILES):
        part = prepare_profiles(profiles.iloc[start : start + CHUNK_PROFILES])
        path = os.path.join(directory, f"{start:09d}.pickle")
        try:
            with open(path, "wb") as fh:
                pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            return exc
        paths.append(path)
        del part
    return paths


def _read_pickle(path: str) -> pd.DataFrame:
    with open(path, "rb") as fh:
        frame: pd.DataFrame = pickle.load(fh)  # written by this run's own child, just before
    return frame


__all__ = ["CHUNK_PROFILES", "FORK_FROM_PROFILES", "FORK_UP_TO_PROFILES", "Child", "ChildLost", "beside",
           "can_fork", "collector_paused", "prepare_two_ways", "side_by_side", "worth_forking"]  # fmt: skip
