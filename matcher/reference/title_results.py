"""Titles classified once per classifier version: results kept on disk, shared by runs.

People write the same few target jobs, and the same offers come back from run to run: a title
whose cleaned parts (main key, second job's key) were classified before, in this run or an
earlier one, is looked up instead of classified; a title met before as written does not even
pay for its cleaning (its parts are kept under a digest of the title). Titles classified
*without* the offer's text are kept by their parts (the result then depends on the parts alone,
see ``tests/test_speed_equivalence.py``); the few classified again *with* their row's text (an
unsure title: matcher/ranking/prepare.py) are kept by a digest of the title and the text
together, code and confidence only (the same person or offer ranked again costs nothing).

The store is an SQLite file (``titles-<key>.sqlite`` in
:func:`~matcher.paths.cache_dir`): a run reads the rows of its own titles only and
adds its new ones, so its cost follows the run, not the size of the file (a JSON file decoded
whole took seconds per process once it held the titles of a few large runs). It is keyed by the
classifier's referential hash and by the source of the classifier and of the text cleaning it
uses (its coefficients, thresholds and tables live there): any change starts a new file. It
holds cleaned job-title keys and their codes, and digests (not the text) of the titles as
written and of the titles with their texts; never a text, nor a person's or an offer's
reference. A damaged file is replaced; an unwritable
one only makes runs slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from matcher.paths import cache_file
from matcher.reference import char_ngrams as char_ngrams_module
from matcher.reference import classifier as classifier_module
from matcher.text import fold as fold_module
from matcher.text import normalise as normalise_module

if TYPE_CHECKING:
    from matcher.reference.classifier import TitleClassifier

log = logging.getLogger(__name__)

COLUMNS = ["code", "confidence", "matched_title", "candidates"]
MAX_STORED = 2_000_000  # rows (parts and titles) kept at most; past it new ones are not kept
FORMAT = 4

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS results (main TEXT NOT NULL, second TEXT NOT NULL,"
    " result TEXT NOT NULL, PRIMARY KEY (main, second)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS parts (digest TEXT PRIMARY KEY, main TEXT NOT NULL,"
    " second TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS in_context (digest TEXT PRIMARY KEY, code TEXT,"
    " confidence REAL NOT NULL) WITHOUT ROWID",
)


def results_path(clf: TitleClassifier) -> Path:
    """Where the results of this classifier (this referential, this code) are kept."""
    modules = (classifier_module, char_ngrams_module, normalise_module, fold_module)
    return cache_file("titles", f"{FORMAT}:{clf.cache_key}", [str(m.__file__) for m in modules],
                      ".sqlite")  # fmt: skip


def title_digest(title: str) -> str:
    """A title's digest as the store keys it (64 bits: no two titles of a run collide in
    practice, and a collision would only reuse another title's cleaning)."""
    return hashlib.blake2b(title.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


class Store:
    """One run's access to the file: it reads the rows of the run's titles and adds the new
    ones. Without a file (no cache, or one that cannot be opened) it reads and keeps nothing."""

    def __init__(self, path: Path | None):
        self.path = path
        self.con: sqlite3.Connection | None = None
        if path is not None:
            self.con = _open(path)

    def parts(self, digests: list[str]) -> dict[str, list[str]]:
        """Known parts (main, second) of the titles with these digests."""
        rows = self._select(
            "want_parts",
            "digest TEXT PRIMARY KEY",
            [(d,) for d in digests],
            "SELECT p.digest, p.main, p.second FROM want_parts JOIN parts p USING (digest)",
        )
        return {d: [m, s] for d, m, s in rows}

    def results(self, keys: list[tuple[str, str]]) -> dict[tuple[str, str], list]:
        """Known results [code, confidence, matched title, candidates] of these parts."""
        rows = self._select(
            "want_results",
            "main TEXT, second TEXT, PRIMARY KEY (main, second)",
            keys,
            "SELECT r.main, r.second, r.result FROM want_results"
            " JOIN results r USING (main, second)",
        )
        # One decoding for all the rows (a json.loads per row costs more than the look-up).
        decoded = json.loads("[" + ",".join(r for _, _, r in rows) + "]")
        return {(m, s): d for (m, s, _), d in zip(rows, decoded, strict=True)}

    def in_context(self, digests: list[str]) -> dict[str, tuple[str | None, float]]:
        """Known (code, confidence) of the titles with their texts, by digest."""
        rows = self._select(
            "want_context",
            "digest TEXT PRIMARY KEY",
            [(d,) for d in digests],
            "SELECT c.digest, c.code, c.confidence FROM want_context"
            " JOIN in_context c USING (digest)",
        )
        return {d: (code, conf) for d, code, conf in rows}

    def add(
        self,
        parts: dict[str, list[str]],
        results: dict[tuple[str, str], list],
        in_context: dict[str, tuple[str | None, float]] | None = None,
    ) -> None:
        """Keep the new rows (all or none of them; none past MAX_STORED)."""
        in_context = in_context or {}
        if self.con is None or not (parts or results or in_context):
            return
        con = self.con
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                stored = con.execute(
                    "SELECT (SELECT count(*) FROM results) + (SELECT count(*) FROM parts)"
                    " + (SELECT count(*) FROM in_context)"
                ).fetchone()[0]
                if stored + len(parts) + len(results) + len(in_context) > MAX_STORED:
                    log.info("title results: %s full (%d rows), new rows not kept", self.path,
                             stored)  # fmt: skip
                else:
                    con.executemany(
                        "INSERT OR IGNORE INTO parts VALUES (?, ?, ?)",
                        [(d, m, s) for d, (m, s) in parts.items()],
                    )
                    con.executemany(
                        "INSERT OR IGNORE INTO results VALUES (?, ?, ?)",
                        [(m, s, json.dumps(r, ensure_ascii=False))
                         for (m, s), r in results.items()],
                    )  # fmt: skip
                    con.executemany(
                        "INSERT OR IGNORE INTO in_context VALUES (?, ?, ?)",
                        [(d, c, float(p)) for d, (c, p) in in_context.items()],
                    )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:  # read-only or full disk: the run goes on, slower next time
            log.warning("title results not written to %s: %s", self.path, exc)

    def close(self) -> None:
        if self.con is not None:
            self.con.close()

    def _select(self, table: str, columns: str, values: list, select: str) -> list[tuple]:
        """Rows of ``select`` joining the temporary table ``table`` filled with ``values``
        (one query for the whole run, whatever the size of the file)."""
        if self.con is None or not values:
            return []
        con = self.con
        try:
            con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} ({columns}) WITHOUT ROWID")
            # One transaction for the temporary rows (it writes nothing to the file).
            con.execute("BEGIN")
            con.execute(f"DELETE FROM {table}")
            marks = ", ".join("?" * len(values[0]))
            con.executemany(f"INSERT OR IGNORE INTO {table} VALUES ({marks})", values)
            con.execute("COMMIT")
            return con.execute(select).fetchall()
        except sqlite3.Error as exc:
            if con.in_transaction:
                con.execute("ROLLBACK")
            log.warning("title results %s unreadable (%s): ignored", self.path, exc)
            return []


def _open(path: Path) -> sqlite3.Connection | None:
    """The file opened with its tables; a damaged file is replaced by an empty one."""
    for attempt in (1, 2):
        con = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit: a read holds no lock past its statement (a long classification
            # between the reads and the writes never blocks another process); writes are
            # grouped by explicit transactions.
            con = sqlite3.connect(path, timeout=30, isolation_level=None)
            for statement in _SCHEMA:
                con.execute(statement)
            # A first read: a file whose tables exist but whose pages are damaged fails here
            # (and is replaced) rather than at every run's look-up.
            con.execute("SELECT count(*) FROM parts WHERE digest = ''").fetchone()
            return con
        except sqlite3.DatabaseError as exc:
            if con is not None:
                con.close()
            read_only = isinstance(exc, sqlite3.OperationalError)
            log.warning("title results %s unreadable (%s): %s", path, exc,
                        "ignored" if read_only or attempt == 2 else "replaced")  # fmt: skip
            if read_only or attempt == 2:
                return None
            with contextlib.suppress(OSError):
                path.unlink()
        except OSError as exc:
            log.warning("title results %s unreadable (%s): ignored", path, exc)
            return None
    return None


@contextlib.contextmanager
def _store(clf: TitleClassifier) -> Iterator[Store]:
    store = Store(results_path(clf) if clf.use_cache else None)
    try:
        yield store
    finally:
        store.close()


def classify_titles(clf: TitleClassifier, titles: pd.Series) -> pd.DataFrame:
    """``clf.classify(titles)`` (same rows in the same order, index 0..n-1; no context), each
    distinct cleaned parts classified once, and looked up first among the results kept on
    disk by earlier runs of the same classifier (when it uses its cache)."""
    titles = titles.reset_index(drop=True)
    if titles.empty:
        return clf.classify(titles)
    with _store(clf) as store:
        parts, new_parts = _parts(clf, titles, store)
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(parts))
        keys = [(str(m), str(s)) for m, s in uniques]
        known = store.results(keys)
        missing = [i for i, k in enumerate(keys) if k not in known]
        fresh_rows: dict[tuple[str, str], list] = {}
        if missing:
            _, first = np.unique(codes, return_index=True)  # one title per distinct parts
            fresh = clf.classify(titles.iloc[first[missing]].reset_index(drop=True))
            for i, row in zip(missing, fresh[COLUMNS].itertuples(index=False), strict=True):
                fresh_rows[keys[i]] = [row.code, float(row.confidence), row.matched_title,
                                       [list(c) for c in row.candidates]]  # fmt: skip
            known.update(fresh_rows)
        store.add(new_parts, fresh_rows)
    log.info("titles: %d distinct parts, %d classified, %d known; %d titles cleaned",
             len(keys), len(missing), len(keys) - len(missing), len(new_parts))  # fmt: skip
    table = [known[k] for k in keys]
    out = pd.DataFrame(index=pd.RangeIndex(len(keys)))
    out["code"] = pd.Series([r[0] for r in table], dtype=object)
    out["label"] = clf.labels_of(out["code"])
    out["confidence"] = np.array([r[1] for r in table], dtype=np.float64)
    # Assigned as classify assigns it (an object array: pandas infers the same dtype).
    out["matched_title"] = np.array([r[2] for r in table], dtype=object)
    out["candidates"] = pd.Series([[tuple(c) for c in r[3]] for r in table], dtype=object)
    return out.iloc[codes].reset_index(drop=True)


def classify_in_context(
    clf: TitleClassifier, titles: pd.Series, contexts: pd.Series
) -> pd.DataFrame:
    """``clf.classify(titles, contexts=contexts)[["code", "confidence"]]`` (same rows, same
    order, index 0..n-1), each distinct (title, text) classified once, and looked up first
    among those kept by earlier runs of the same classifier (when it uses its cache)."""
    titles = titles.reset_index(drop=True).astype(str)
    contexts = contexts.reset_index(drop=True).astype(str)
    digests = [
        title_digest(f"{t}\x1f{c}") for t, c in zip(titles.tolist(), contexts.tolist(), strict=True)
    ]
    firsts = list(dict.fromkeys(digests))
    with _store(clf) as store:
        known = store.in_context(firsts)
        missing = [d for d in firsts if d not in known]
        fresh: dict[str, tuple[str | None, float]] = {}
        if missing:
            at = {d: i for i, d in reversed(list(enumerate(digests)))}  # first row of each
            rows = [at[d] for d in missing]
            got = clf.classify(titles.iloc[rows], contexts=contexts.iloc[rows])
            for d, code, conf in zip(missing, got["code"], got["confidence"], strict=True):
                fresh[d] = (None if pd.isna(code) else str(code), float(conf))
            known.update(fresh)
        store.add({}, {}, fresh)
    log.info("titles with their text: %d distinct, %d classified, %d known", len(firsts),
             len(missing), len(firsts) - len(missing))  # fmt: skip
    return pd.DataFrame(
        {
            "code": pd.Series([known[d][0] for d in digests], dtype=object),
            "confidence": np.array([known[d][1] for d in digests], dtype=np.float64),
        }
    )


def _parts(
    clf: TitleClassifier, titles: pd.Series, store: Store
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """``clf.parts(titles)``, the parts of titles met before read back by their digest (the
    cleaning is most of the cost of a title whose result is known); and the parts of the
    titles cleaned now, by digest."""
    digests = [title_digest(str(t)) for t in titles.astype("object").where(titles.notna(), "")]
    known = store.parts(list(dict.fromkeys(digests)))
    todo = [i for i, d in enumerate(digests) if d not in known]
    new: dict[str, list[str]] = {}
    if todo:
        fresh = clf.parts(titles.iloc[todo])
        for i, m, s in zip(todo, fresh["main"], fresh["second"], strict=True):
            new[digests[i]] = [str(m), str(s)]
        known.update(new)
    pairs = [known[d] for d in digests]
    return pd.DataFrame(pairs, columns=["main", "second"], index=titles.index), new


__all__ = ["classify_in_context", "classify_titles", "results_path", "title_digest"]
