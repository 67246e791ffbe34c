"""Titles classified once per classifier version: results kept on disk, shared by runs.

People write the same few target jobs, and the same offers come back from run to run: a title
whose cleaned parts (main key, second job's key) were classified before, in this run or an
earlier one, costs a dictionary look-up. Only titles classified *without* the offer's text are
kept (the result then depends on the parts alone, see ``tests/test_speed_equivalence.py``).

The file (``titles-<key>.json`` in :func:`~matcher.reference.classifier.cache_dir`) is keyed by
the classifier's referential hash and by the source of the classifier and of the text cleaning
it uses (its coefficients, thresholds and tables live there): any change starts a new file. It
holds cleaned job-title keys and their codes, never a person's or an offer's reference.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from matcher.reference import classifier as classifier_module
from matcher.reference.classifier import cache_dir
from matcher.text import fold as fold_module
from matcher.text import normalise as normalise_module

if TYPE_CHECKING:
    from matcher.reference.classifier import TitleClassifier

log = logging.getLogger(__name__)

COLUMNS = ["code", "confidence", "matched_title", "candidates"]
MAX_STORED = 1_000_000  # distinct parts kept at most (about 150 MB of JSON)
FORMAT = 1


def results_path(clf: TitleClassifier) -> Path:
    """Where the results of this classifier (this referential, this code) are kept."""
    h = hashlib.sha1(f"{FORMAT}:{clf.cache_key}".encode())
    for module in (classifier_module, normalise_module, fold_module):
        h.update(Path(str(module.__file__)).read_bytes())
    return cache_dir() / f"titles-{h.hexdigest()[:20]}.json"


def _load(path: Path) -> dict[tuple[str, str], list]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, KeyError, TypeError) as exc:  # damaged: start again
        log.warning("title results %s unreadable (%s): ignored", path, exc)
        return {}
    return {(r[0], r[1]): r[2:] for r in rows}


# The results read back are kept on the classifier object (not in this module: a classifier
# per referential, dropped with it), with the size and time of the file they were read from:
# the second call of a run (offers, then profiles) and later runs of a long-lived process
# decode the file again only when another process rewrote it.
_MEMORY = "_title_results_memory"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


# Kept in memory up to this many parts (tens of MB); a larger file is decoded at each call
# rather than held by a long-lived process.
MAX_REMEMBERED = 200_000


def _known(clf: TitleClassifier, path: Path) -> dict[tuple[str, str], list]:
    """The results kept in ``path``, decoded once per version of the file."""
    memory = getattr(clf, _MEMORY, None)
    stamp = _stamp(path)
    if memory is not None and memory[0] == path and stamp is not None and memory[1] == stamp:
        return memory[2]
    known = _load(path)
    _remember(clf, path, known, stamp)
    return known


def _remember(
    clf: TitleClassifier,
    path: Path,
    known: dict[tuple[str, str], list],
    stamp: tuple[int, int] | None = None,
) -> None:
    if len(known) > MAX_REMEMBERED:
        setattr(clf, _MEMORY, None)
    else:
        setattr(clf, _MEMORY, (path, stamp or _stamp(path), known))


def _save(path: Path, known: dict[tuple[str, str], list]) -> None:
    rows = [[main, second, *rest] for (main, second), rest in known.items()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"rows": rows}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)  # atomic: a parallel reader sees the whole file or none
    except OSError as exc:  # a read-only installation still works, only slower
        log.warning("title results not written to %s: %s", path, exc)


def classify_titles(clf: TitleClassifier, titles: pd.Series) -> pd.DataFrame:
    """``clf.classify(titles)`` (same rows in the same order, index 0..n-1; no context), each
    distinct cleaned parts classified once, and looked up first among the results kept on
    disk by earlier runs of the same classifier (when it uses its cache)."""
    titles = titles.reset_index(drop=True)
    if titles.empty:
        return clf.classify(titles)
    parts = clf.parts(titles)
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(parts))
    keys = [(str(m), str(s)) for m, s in uniques]
    path = results_path(clf) if clf.use_cache else None
    known = _known(clf, path) if path is not None else {}
    missing = [i for i, k in enumerate(keys) if k not in known]
    if missing:
        _, first = np.unique(codes, return_index=True)  # one title per distinct parts
        fresh = clf.classify(titles.iloc[first[missing]].reset_index(drop=True))
        for i, row in zip(missing, fresh[COLUMNS].itertuples(index=False), strict=True):
            known[keys[i]] = [row.code, float(row.confidence), row.matched_title,
                              [list(c) for c in row.candidates]]  # fmt: skip
        if path is not None and len(known) <= MAX_STORED:
            _save(path, known)
        if path is not None:
            _remember(clf, path, known)
        log.info("titles: %d distinct parts, %d classified, %d known", len(keys), len(missing),
                 len(keys) - len(missing))  # fmt: skip
    table = [known[k] for k in keys]
    out = pd.DataFrame(index=pd.RangeIndex(len(keys)))
    out["code"] = pd.Series([r[0] for r in table], dtype=object)
    out["label"] = clf.labels_of(out["code"])
    out["confidence"] = np.array([r[1] for r in table], dtype=np.float64)
    # Assigned as classify assigns it (an object array: pandas infers the same dtype).
    out["matched_title"] = np.array([r[2] for r in table], dtype=object)
    out["candidates"] = pd.Series([[tuple(c) for c in r[3]] for r in table], dtype=object)
    return out.iloc[codes].reset_index(drop=True)


__all__ = ["classify_titles", "results_path"]
