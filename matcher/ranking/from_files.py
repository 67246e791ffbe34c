"""Stateless ranking from files (``python -m matcher rank``): read, prepare, rank by blocks.

Reading a file is Python code on one core, and the offers' side does not wait for the
profiles' one: with two processes (``ranking.prepare_processes``; when a fork is safe here,
matcher/ranking/parallel.py), the profiles' files are read in a forked child while this process
reads the offers' files and prepares the offers; the profiles are then prepared on two
processes and everything else follows as in :func:`matcher.ranking.blocks.rank_blocks`. The
suggestions are the same either way (tested); so are the import reports, given in the order
of the files, offers first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pandas as pd

from matcher.intake.importer import ImportResult, import_path
from matcher.intake.report import Kind
from matcher.ranking import parallel
from matcher.reference.geo import builtin_communes
from matcher.reference.referential import default_referential
from matcher.settings import Settings

# The ranking (scipy, the sparse products, the scoring) is imported by the functions below,
# after the profiles' file is given to a second process: that import (a third of a second)
# then runs while the file is read, not before.
if TYPE_CHECKING:
    from matcher.features.skills import OfferSide
    from matcher.ranking.scoring import Progress
    from matcher.reference.referential import Referential

log = logging.getLogger(__name__)
R = TypeVar("R")

# Size of the profiles' files from which reading them in a second process pays (about 2,000
# profiles), and up to which it is used: above, the child's frame, pickled and read back here,
# would be held twice at once (the national-scale run keeps its memory bound first).
FORK_FROM_BYTES = 512 * 1024
FORK_UP_TO_BYTES = 64 * 1024 * 1024


def read_files(
    paths: Sequence[Path],
    kind: Kind,
    settings: Settings,
    structure_of_file: bool = False,
    on_report: Callable[[ImportResult], None] = lambda r: None,
) -> list[ImportResult]:
    """Each file imported as ``kind`` ("offers" or "profiles"), given to ``on_report`` as soon
    as it is read; profiles take the file's name (without extension) as their structure when
    ``structure_of_file``."""
    results = []
    for path in paths:
        res = import_path(path, kind, limits=settings.import_limits,
                          structure=path.stem if structure_of_file else None)  # fmt: skip
        on_report(res)
        results.append(res)
    return results


def _rows_at_most(paths: Sequence[Path]) -> int:
    """More rows than these files hold, cheaply: a delimited text's line breaks (a record has
    at least one), else the file's bytes (a workbook or a JSON document: a row takes more than a
    byte)."""
    total = 0
    for path in paths:
        with open(path, "rb") as fh:
            head = fh.read(1 << 20)
            if (
                head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")
                or head[:2] == b"PK"
                or b"\0" in head[:512]
            ):
                total += Path(path).stat().st_size
                continue
            lines = 1
            while head:
                lines += head.count(b"\n")
                head = fh.read(1 << 20)
            total += lines
    return total


def _concat(results: list[ImportResult]) -> pd.DataFrame:
    return pd.concat([r.frame for r in results], ignore_index=True)


def rank_files(
    offer_paths: Sequence[Path],
    profile_paths: Sequence[Path],
    settings: Settings,
    top_k: int | None = None,
    *,
    on_report: Callable[[ImportResult], None] = lambda r: None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> pd.DataFrame:
    """The suggestions of the offers' files against the profiles' files (profiles take their
    file's name as structure), by blocks of offers. ``on_report`` receives each file's import
    result, offers first, in the order of the files; ``progress`` and ``timings`` as in
    :func:`matcher.ranking.blocks.rank_blocks` (with "read files" first)."""
    parts = rank_files_rendered(offer_paths, profile_paths, lambda frame: frame, settings, top_k,
                                on_report=on_report, progress=progress,
                                timings=timings)  # fmt: skip
    from matcher.ranking.blocks import joined

    return joined(parts)


def rank_files_rendered(
    offer_paths: Sequence[Path],
    profile_paths: Sequence[Path],
    render: Callable[[pd.DataFrame], R],
    settings: Settings,
    top_k: int | None = None,
    *,
    on_report: Callable[[ImportResult], None] = lambda r: None,
    progress: Progress | None = None,
    timings: dict[str, float] | None = None,
) -> list[R]:
    """:func:`rank_files`' suggestions in parts given to ``render``, each in the process that
    ranked it, as :func:`matcher.ranking.blocks.rank_blocks_rendered` gives them (none when
    the files hold no offer or no profile)."""
    size = sum(Path(p).stat().st_size for p in profile_paths)
    with parallel.collector_paused(size <= FORK_UP_TO_BYTES):
        return _rank_files(offer_paths, profile_paths, render, settings, top_k, size, on_report,
                           progress, timings)  # fmt: skip


def _rank_files(
    offer_paths: Sequence[Path],
    profile_paths: Sequence[Path],
    render: Callable[[pd.DataFrame], R],
    settings: Settings,
    top_k: int | None,
    size: int,
    on_report: Callable[[ImportResult], None],
    progress: Progress | None,
    timings: dict[str, float] | None,
) -> list[R]:
    if progress is not None:
        progress("read files")
    early = (
        settings.ranking.prepare_processes >= 2
        and FORK_FROM_BYTES <= size <= FORK_UP_TO_BYTES
        and parallel.can_fork()
    )
    communes = builtin_communes()  # read by both sides: loaded once, before any fork
    if early:

        def offers_here() -> tuple[list[ImportResult], pd.DataFrame, Referential, OfferSide | None]:
            # The referential and the ranking's modules are loaded here, while the profiles'
            # file is read: the second process reading it needs neither.
            from matcher.features import topn
            from matcher.ranking.scoring import offer_skill_side, prepare_offer_side

            referential = default_referential()
            results = read_files(offer_paths, "offers", settings, on_report=on_report)
            offers = _concat(results)
            if offers.empty:
                return results, offers, referential, None
            prepared = prepare_offer_side(offers, settings, referential, communes)
            # The offers' half of the skills index too: reading the profiles takes longer.
            offer_skills = offer_skill_side(prepared, settings, referential)
            if topn.uses_kernel(len(offers), _rows_at_most(profile_paths)):
                # The large product's compiled code, loaded while the profiles are read (a
                # small product is read dense and needs none: the wrong guess costs time only).
                topn.warm_up()
            return results, prepared, referential, offer_skills

        def profiles_there() -> list[ImportResult]:
            return read_files(profile_paths, "profiles", settings, structure_of_file=True)

        profile_results, (offer_results, prepared, referential, offer_skills) = (
            parallel.side_by_side(profiles_there, offers_here)
        )
        for r in profile_results:
            on_report(r)
        log.info("profiles' files read in a second process while the offers were prepared")
    else:
        offer_results = read_files(offer_paths, "offers", settings, on_report=on_report)
        profile_results = read_files(profile_paths, "profiles", settings, True, on_report)
        referential, prepared, offer_skills = None, None, None
    from matcher.ranking.blocks import rank_blocks_rendered

    offers, profiles = _concat(offer_results), _concat(profile_results)
    return rank_blocks_rendered(offers, profiles, render, settings, referential, communes, top_k,
                                progress=progress, timings=timings, prepared_offers=prepared,
                                offer_skills=offer_skills)  # fmt: skip


__all__ = ["FORK_FROM_BYTES", "FORK_UP_TO_BYTES", "rank_files", "rank_files_rendered", "read_files"]
