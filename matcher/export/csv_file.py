"""Large CSV files written fast: the stateless ranking's suggestions (``rank --out x.csv``),
hundreds of thousands of rows of long French reasons. Cells are made safe for spreadsheets as
everywhere else (matcher/export/cells.py)."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from matcher.export.cells import csv_safe_values
from matcher.ranking import parallel

# Rows turned into text at once by write_csv: the file is streamed, never held whole in memory
# (1.5 GB of text at 1,000,000 rows).
CSV_ROWS = 100_000
# Rows from which write_csv writes the second half in a forked copy of this process (the fork
# costs a few hundredths of a second), and up to which (above, the copy-on-write pages of the
# national-scale frame would add to its memory bound).
CSV_SPLIT_FROM = 10_000
CSV_SPLIT_UP_TO = 400_000


def write_csv(frame: pd.DataFrame, out: Path, headers: Sequence[str], processes: int = 2) -> None:
    """``frame`` as a CSV file (``;``, CRLF, UTF-8 with BOM, ``headers`` first), byte
    for byte what ``frame.to_csv`` writes once every text cell is made safe (``csv_safe``):
    floats as their shortest repr (as pandas turns float64 into text), NaN and None as empty
    cells, a field quoted only when it holds ``;``, a quote or a line break (the ``csv``
    module's minimal quoting, tested equal). Built column by column: pandas' formatting and the
    ``csv`` writer read every character in a loop (most of the time of writing a ranking).

    With two ``processes`` (``ranking.prepare_processes``), between CSV_SPLIT_FROM and
    CSV_SPLIT_UP_TO rows, and where a fork is safe
    (:func:`matcher.ranking.parallel.can_fork`), the second half of the rows is written by a
    forked child: both halves are parts of a :class:`CsvParts` (so the file, too, appears only
    once whole)."""
    n = len(frame)
    with CsvParts(out, lambda: headers) as parts:
        if not (processes >= 2 and CSV_SPLIT_FROM <= n <= CSV_SPLIT_UP_TO and parallel.can_fork()):
            parts.write([parts.render(frame)])
            return
        cut = n // 2
        second, first = parallel.side_by_side(
            lambda: parts.render(frame.iloc[cut:]), lambda: parts.render(frame.iloc[:cut])
        )
        parts.write([first, second])


class Part(NamedTuple):
    """Rows of a CSV file written apart (by :meth:`CsvParts.render`), after ``head`` bytes of
    header (the BOM and the header line, in the first part this process renders; else 0)."""

    path: str
    rows: int
    head: int = 0


class CsvParts:
    """A CSV file (as :func:`write_csv` writes it: ``headers``, then the rows) made of parts
    rendered in different processes: ``rank --out x.csv`` writes each part's rows in the
    process that ranked its offers (matcher/ranking/blocks.py, :func:`rank_blocks_rendered`),
    so that the suggestions and their reasons never cross from one process to another;
    :meth:`write` then puts the parts, in order, in the file.

    The file appears whole or not at all: the parts are written in a folder beside it, the
    file is made there and moved into place at the end. The first part this process renders
    (the first of the file: this process ranks the first offers) starts with the header, and
    the others are appended to it, so that the largest part (all of a national-scale run's
    1,000,000 rows) is never copied. Used as a context manager: the folder is removed on the
    way out, whatever happened."""

    def __init__(self, out: Path, headers: Callable[[], Sequence[str]]) -> None:
        # The headers are asked for when first written: the ranking's columns are known once
        # its modules are loaded, which the command does not do before reading the files.
        self.out, self._headers = Path(out), headers
        self.folder = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.", dir=self.out.parent))
        self._numbers = itertools.count()
        self._owner, self._headed = os.getpid(), False

    def __enter__(self) -> CsvParts:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _header(self) -> bytes:
        return (";".join(_csv_fields(list(self._headers()))) + "\r\n").encode("utf-8-sig")

    def render(self, frame: pd.DataFrame) -> Part:
        """Write ``frame``'s rows to a part of their own; any process may call it (the part
        is named by the process and a number)."""
        path = self.folder / f"{os.getpid()}-{next(self._numbers)}.part"
        head = b""
        if os.getpid() == self._owner and not self._headed:
            head, self._headed = self._header(), True
        with path.open("wb") as fh:
            fh.write(head)
            for text in _csv_lines(frame, 0, len(frame)):
                fh.write(text.encode("utf-8"))
        return Part(str(path), len(frame), len(head))

    def write(self, parts: Sequence[Part]) -> int:
        """The file: the header, then the parts' rows in order; the number of rows."""
        if parts and parts[0].head:
            target, rest = Path(parts[0].path), list(parts[1:])
        else:
            target, rest = self.folder / "file.csv", list(parts)
            target.write_bytes(self._header())
        with target.open("ab") as fh:
            for part in rest:
                with open(part.path, "rb") as rows:
                    rows.seek(part.head)
                    shutil.copyfileobj(rows, fh)
        os.replace(target, self.out)
        return sum(part.rows for part in parts)


def _csv_lines(frame: pd.DataFrame, start: int, stop: int) -> Iterator[str]:
    """The CSV text of rows ``start:stop``, CSV_ROWS rows at a time."""
    for a in range(start, stop, CSV_ROWS):
        rows = frame.iloc[a : min(a + CSV_ROWS, stop)]
        columns = [_csv_column(rows[c]) for c in rows.columns]
        if len(columns) == 1:  # the csv module quotes a record that would be an empty line
            columns[0] = [t or '""' for t in columns[0]]
        yield "".join([";".join(row) + "\r\n" for row in zip(*columns, strict=True)])


def _csv_column(col: pd.Series) -> list[str]:
    if pd.api.types.is_float_dtype(col.dtype):
        values = col.to_numpy(dtype=np.float64)
        return ["" if v != v else repr(v) for v in values.tolist()]
    if pd.api.types.is_numeric_dtype(col.dtype) and not col.hasnans:
        return list(map(str, col.tolist()))  # integers and booleans
    return _csv_fields(csv_safe_values(col).tolist())  # text, lists, dates: made safe


def _csv_fields(values: list[object]) -> list[str]:
    """Each value as pandas' ``to_csv`` writes it with ``;`` and minimal quoting: missing -> "",
    floats by repr, other values by str, quoted (quotes doubled) when the text holds ``;``, a
    quote, CR or LF."""
    out = []
    for v in values:
        if type(v) is str:
            t = v
        elif v is None or (pd.api.types.is_scalar(v) and pd.isna(v)):  # as pandas' na_rep
            out.append("")
            continue
        else:
            t = repr(v) if type(v) is float else str(v)
        if ";" in t or '"' in t or "\n" in t or "\r" in t:
            t = '"' + t.replace('"', '""') + '"'
        out.append(t)
    return out


__all__ = ["CSV_ROWS", "CSV_SPLIT_FROM", "CSV_SPLIT_UP_TO", "CsvParts", "Part", "write_csv"]
