"""Titles classified once per classifier version: results kept on disk, shared by runs.

People write the same few target jobs, and the same offers come back from run to run: a title
whose cleaned parts (main key, second job's key) were classified before, in this run or an
earlier one, costs a dictionary look-up; a title met before as written does not even pay for
its cleaning (its parts are kept under a digest of the title). Only titles classified *without* the offer's text are
kept (the result then depends on the parts alone, see ``tests/test_speed_equivalence.py``).

The file (``titles-<key>.json`` in :func:`~matcher.reference.classifier.cache_dir`) is keyed by
the classifier's referential hash and by the source of the classifier and of the text cleaning
it uses (its coefficients, thresholds and tables live there): any change starts a new file. It
holds cleaned job-title keys and their codes, and digests (not the text) of the titles as
written; never a person's or an offer's reference.
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
FORMAT = 2


class Known:
    """What the file holds: results per cleaned parts, and the parts of each title met as
    written, under a digest of the title (a short hash: the file never holds the text as a
    user typed it)."""

    def __init__(self, rows: dict[tuple[str, str], list], parts: dict[str, list[str]]):
        self.rows = rows
        self.parts = parts

    def __len__(self) -> int:
        return len(self.rows) + len(self.parts)


def title_digest(title: str) -> str:
    """A title's digest as the file keys it (64 bits: no two titles of a run collide in
    practice, and a collision would only reuse another title's cleaning)."""
    return hashlib.blake2b(title.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def results_path(clf: TitleClassifier) -> Path:
    """Where the results of this classifier (this referential, this code) are kept."""
    h = hashlib.sha1(f"{FORMAT}:{clf.cache_key}".encode())
    for module in (classifier_module, normalise_module, fold_module):
        h.update(Path(str(module.__file__)).read_bytes())
    return cache_dir() / f"titles-{h.hexdigest()[:20]}.json"


def _load(path: Path) -> Known:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rows, parts = data["rows"], data["parts"]
        return Known({(r[0], r[1]): r[2:] for r in rows}, dict(parts))
    except FileNotFoundError:
        return Known({}, {})
    except (OSError, ValueError, KeyError, TypeError, IndexError) as exc:  # damaged: start again
        log.warning("title results %s unreadable (%s): ignored", path, exc)
        return Known({}, {})


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


def _known(clf: TitleClassifier, path: Path) -> Known:
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
    known: Known,
    stamp: tuple[int, int] | None = None,
) -> None:
    if len(known) > MAX_REMEMBERED:
        setattr(clf, _MEMORY, None)
    else:
        setattr(clf, _MEMORY, (path, stamp or _stamp(path), known))


def _save(path: Path, known: Known) -> None:
    rows = [[main, second, *rest] for (main, second), rest in known.rows.items()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        text = json.dumps({"rows": rows, "parts": known.parts}, ensure_ascii=False)
        tmp.write_text(text, encoding="utf-8")
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
    path = results_path(clf) if clf.use_cache else None
    known = _known(clf, path) if path is not None else Known({}, {})
    parts, new_parts = _parts(clf, titles, known)
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(parts))
    keys = [(str(m), str(s)) for m, s in uniques]
    missing = [i for i, k in enumerate(keys) if k not in known.rows]
    if missing:
        _, first = np.unique(codes, return_index=True)  # one title per distinct parts
        fresh = clf.classify(titles.iloc[first[missing]].reset_index(drop=True))
        for i, row in zip(missing, fresh[COLUMNS].itertuples(index=False), strict=True):
            known.rows[keys[i]] = [row.code, float(row.confidence), row.matched_title,
                                   [list(c) for c in row.candidates]]  # fmt: skip
    if (missing or new_parts) and path is not None:
        if len(known) <= MAX_STORED:
            _save(path, known)
        _remember(clf, path, known)
    log.info("titles: %d distinct parts, %d classified, %d known; %d titles cleaned",
             len(keys), len(missing), len(keys) - len(missing), new_parts)  # fmt: skip
    table = [known.rows[k] for k in keys]
    out = pd.DataFrame(index=pd.RangeIndex(len(keys)))
    out["code"] = pd.Series([r[0] for r in table], dtype=object)
    out["label"] = clf.labels_of(out["code"])
    out["confidence"] = np.array([r[1] for r in table], dtype=np.float64)
    # Assigned as classify assigns it (an object array: pandas infers the same dtype).
    out["matched_title"] = np.array([r[2] for r in table], dtype=object)
    out["candidates"] = pd.Series([[tuple(c) for c in r[3]] for r in table], dtype=object)
    return out.iloc[codes].reset_index(drop=True)


def _parts(clf: TitleClassifier, titles: pd.Series, known: Known) -> tuple[pd.DataFrame, int]:
    """``clf.parts(titles)``, the parts of titles met before read back by their digest (the
    cleaning is most of the cost of a title whose result is known); and how many titles were
    cleaned now (their parts are added to ``known``)."""
    digests = [title_digest(str(t)) for t in titles.astype("object").where(titles.notna(), "")]
    todo = [i for i, d in enumerate(digests) if d not in known.parts]
    if todo:
        fresh = clf.parts(titles.iloc[todo])
        for i, m, s in zip(todo, fresh["main"], fresh["second"], strict=True):
            known.parts[digests[i]] = [str(m), str(s)]
    pairs = [known.parts[d] for d in digests]
    return pd.DataFrame(pairs, columns=["main", "second"], index=titles.index), len(todo)


__all__ = ["classify_titles", "results_path", "title_digest"]
