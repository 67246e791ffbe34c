"""From a grid of text to a table: find the header under titles and notes (a group row over a
row of labels included), name the columns, fill vertically merged cells, and note what the
sheet did not show plainly (hidden rows and columns, formulas without value, repeated headers)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from matcher.intake.grid import Grid, column_letter
from matcher.settings import ImportLimits
from matcher.text.fold import fold

HeaderScorer = Callable[[Sequence[str]], int]


@dataclass
class RawTable:
    """One sheet (or one CSV) read as text under its detected header.

    ``frame`` holds the non-empty rows under the header; its columns are the header labels as
    written (made unique; "Colonne K" where a column has data but no label) and its index the row
    numbers as Excel shows them. The other fields say what the file did not show plainly."""

    source: str
    sheet: str | None
    header_row: int  # Excel row number of the (last) header row, 1-based
    frame: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)  # label -> column letter
    header_rows: int = 1  # 2 when the header is a group row over a row of labels
    rows_above: int = 0  # non-empty rows above the header (titles, notes)
    hidden_rows: list[int] = field(default_factory=list)  # data rows hidden in Excel
    hidden_columns: list[str] = field(default_factory=list)  # labels of hidden columns
    formula_cells: dict[tuple[int, str], str] = field(default_factory=dict)  # no cached value
    error_cells: dict[tuple[int, str], str] = field(default_factory=dict)  # (row, label) -> #N/A
    merged_filled: int = 0  # data cells filled from a vertically merged cell
    section_rows: list[int] = field(default_factory=list)  # one merged cell across the table
    repeated_header_rows: list[int] = field(default_factory=list)
    extra_cells_rows: list[int] = field(default_factory=list)  # CSV rows longer than the header
    truncated_cells: list[tuple[int, str]] = field(default_factory=list)  # cut at max_cell_chars
    # Label under a group row ("Type" of "Contrat – Type"): matched first, alone.
    sub_labels: dict[str, str] = field(default_factory=dict)
    complete: bool = True  # False for a preview that stopped early
    # Rows that repeat a person of an earlier row (les emplois: one row per application).
    merged_rows: dict[int, int] = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"{self.source}, feuille « {self.sheet} »" if self.sheet else self.source

    def column_ref(self, label: str) -> str:
        """The label with its column letter, as people look for it: « CP » (G)."""
        letter = self.letters.get(label)
        return f"« {label} » ({letter})" if letter else f"« {label} »"


_NUMBER_LIKE = re.compile(r"[\d\s.,:/%€+-]+")


def _labelish(value: str) -> bool:
    return len(value) <= 80 and not _NUMBER_LIKE.fullmatch(value) and "\n" not in value.strip()


def _label_cell(value: str | None) -> bool:
    """A non-empty cell that reads like a column label."""
    return _labelish(value) if value else False


def _filled_rows(grid: Grid, upto: int) -> dict[int, list[str | None]]:
    """The first ``upto`` rows with every merged range filled with its top-left value (how a
    person reads a merged header)."""
    rows = {r: list(v) for r, v in grid.rows[:upto]}
    if not rows:
        return rows
    last = max(rows)
    for r1, c1, r2, c2 in grid.merges:
        if r1 > last or r1 not in rows:
            continue
        top = rows[r1][c1] if c1 < len(rows[r1]) else None
        if top is None:
            continue
        for r in range(r1, min(r2, last) + 1):
            if r not in rows:
                continue
            row = rows[r]
            if len(row) <= c2:
                row.extend([None] * (c2 + 1 - len(row)))
            for c in range(c1, c2 + 1):
                if row[c] is None:
                    row[c] = top
    return rows


def _header_candidates(
    filled: dict[int, list[str | None]], scorer: HeaderScorer | None
) -> int | None:
    """Excel row number of the header. With a scorer, the row whose labels are most recognised
    (at least two); otherwise, or when none is, the first row of distinct short labels at least
    as wide as the rows under it."""
    numbers = list(filled)
    scored: list[tuple[int, float, int]] = []
    best_shape, best_shape_score = None, 0.0
    bounded = getattr(scorer, "at_most_one_a_label", False)
    best_scored: tuple[float, float, int] = (0.0, 0.0, 0)
    for i, r in enumerate(numbers):
        values = [v for v in filled[r] if v]
        labels = list(dict.fromkeys(values))
        if len(labels) < 2:
            continue
        below = [sum(1 for c in filled[x] if c) for x in numbers[i + 1 : i + 6]]
        width = max(below) if below else len(labels)
        short = sum(1 for c in labels if _labelish(c))
        distinct = len(labels) == len(values)
        shape = short / max(width, len(labels)) + (0.5 if distinct else 0)
        # A scorer that counts labels (at most one a label) cannot give a later row with no
        # more labels than the best count a better score: that row is not scored (same choice).
        if scorer is not None and not (
            bounded and scored and r > best_scored[2] and len(labels) <= best_scored[0]
        ):
            scored.append((scorer(labels), shape, r))
            if not scored[:-1] or scored[-1][0] > best_scored[0]:
                best_scored = scored[-1]
        if shape > best_shape_score + 0.05:
            best_shape, best_shape_score = r, shape
    if scored:
        # The most recognised labels; the first such row (data under a header may hold a
        # value that is also a column name).
        recognised, shape, r = max(scored, key=lambda x: (x[0], -x[2]))
        if recognised >= 2:
            return r
    return best_shape


def _horizontal_merges_in_row(grid: Grid, r: int) -> list[tuple[int, int]]:
    return [(c1, c2) for r1, c1, r2, c2 in grid.merges if r1 == r and c2 > c1]


@dataclass
class _Header:
    """The header found: its (last) row, its labels as written, and a group row's part."""

    row: int  # Excel row number of the (last) header row
    cells: list[str | None]  # "Contrat – Type" where a group row is over a label
    rows: int = 1  # 2 when the header is a group row over a row of labels
    sub_labels: dict[int, str] = field(default_factory=dict)  # column -> label under a group


def _find_header(grid: Grid, limits: ImportLimits, scorer: HeaderScorer | None) -> _Header | None:
    """The header row among the first rows, with a group row above or under it when merged
    cells show one."""
    search = limits.header_search_rows
    filled = _filled_rows(grid, search + 2)
    h = _header_candidates({r: v for r, v in list(filled.items())[:search]}, scorer)
    if h is None:
        return None
    numbers = list(filled)
    hi = numbers.index(h)
    header = list(filled[h])
    header_rows = 1
    top: list[str | None] | None = None
    # A group row above: merged cells spanning several columns of the header ("Contrat" over
    # "Type" and "Durée").
    # A title merged over the whole table right above the header is not a group row: a group
    # row has at least two different labels.
    if (
        hi > 0
        and numbers[hi - 1] == h - 1
        and _horizontal_merges_in_row(grid, h - 1)
        and len({v for v in filled[h - 1] if v}) >= 2
    ):
        top = filled[h - 1]
        header_rows = 2
    # Or the chosen row is the group row and the labels are under it. A data row also holds
    # short texts: the row under is taken for labels only when a header cell is merged down into
    # it, or when its cells are recognised column names.
    elif hi + 1 < len(numbers) and numbers[hi + 1] == h + 1 and _horizontal_merges_in_row(grid, h):
        under = filled[h + 1]
        spans = _horizontal_merges_in_row(grid, h)
        under_cols = [c for c1, c2 in spans for c in range(c1, c2 + 1)]
        merged_down = any(r1 == h and r2 >= h + 1 for r1, _c1, r2, _c2 in grid.merges)
        named = scorer is not None and scorer([v for v in under if v]) >= 2
        if (
            (merged_down or named)
            and all(c < len(under) and _label_cell(under[c]) for c in under_cols)
            and all(_labelish(v) for v in under if v)
        ):
            top, header = header, list(under)
            h += 1
            hi += 1
            header_rows = 2
    sub_labels: dict[int, str] = {}
    if top is not None:
        combined: list[str | None] = []
        for j in range(max(len(header), len(top))):
            sub = header[j] if j < len(header) else None
            grp = top[j] if j < len(top) else None
            if grp and sub and fold(grp) != fold(sub):
                combined.append(f"{grp} – {sub}")
                sub_labels[j] = sub
            else:
                combined.append(sub or grp)
        header = combined
    return _Header(h, header, header_rows, sub_labels)


def _unique_labels(header: list[str | None]) -> list[str]:
    """Header cells -> column labels: spaces collapsed, "Colonne K" for a column without a
    label, "(2)" after a label seen before."""
    labels: list[str] = []
    seen: dict[str, int] = {}
    for j, label in enumerate(header):
        label = " ".join(str(label).split()) if label else f"Colonne {column_letter(j)}"
        key = label.lower()
        if key in seen:
            seen[key] += 1
            label = f"{label} ({seen[key]})"
        else:
            seen[key] = 1
        labels.append(label)
    return labels


def _fill_vertical_merges(
    grid: Grid,
    h: int,
    body: list[tuple[int, list[str | None]]],
    rows: list[list[str | None]],
    width: int,
) -> tuple[int, list[int]]:
    """Vertically merged data cells (an employer over its three offers): every row shows the
    value (``rows`` filled in place). Returns (cells filled, rows that are one merged cell across
    the table: section titles)."""
    merged_filled = 0
    section_rows: list[int] = []
    row_pos = {r: i for i, (r, _v) in enumerate(body)}
    for r1, c1, r2, c2 in grid.merges:
        if r2 <= h:
            continue
        if r1 in row_pos and c2 > c1 and r1 == r2:
            row = rows[row_pos[r1]]
            others = [v for j, v in enumerate(row) if v and not (c1 <= j <= c2)]
            if not others and c2 - c1 + 1 >= max(2, width // 2):
                section_rows.append(r1)
            continue
        if r2 > r1 and r1 in row_pos:
            top_value = rows[row_pos[r1]][c1] if c1 < width else None
            if top_value is None:
                continue
            for r in range(r1 + 1, r2 + 1):
                if r in row_pos:
                    row = rows[row_pos[r]]
                    for c in range(c1, min(c2, width - 1) + 1):
                        if row[c] is None:
                            row[c] = top_value
                            merged_filled += 1
    return merged_filled, section_rows


def _repeated_and_long_rows(
    body: list[tuple[int, list[str | None]]],
    rows: list[list[str | None]],
    header: list[str | None],
) -> tuple[list[int], list[int]]:
    """Rows that repeat the header (files pasted together) and rows with cells beyond the
    header's last label (long CSV rows)."""
    lower_header = [x.casefold() if x else "" for x in header]
    header_set = set(lower_header) - {""}
    repeated: list[int] = []
    extra: list[int] = []
    header_width = max((j for j, x in enumerate(header) if x), default=-1) + 1
    for (r, raw), row in zip(body, rows, strict=True):
        # Cheap test first: most rows share no value with the header.
        if sum(1 for v in raw if v and v.casefold() in header_set) >= 2:
            cells = [(j, v) for j, v in enumerate(row) if v]
            same = sum(1 for j, v in cells if v.casefold() == lower_header[j])
            if same >= 0.8 * len(cells):
                repeated.append(r)
        if len(raw) > header_width and any(raw[header_width:]):
            extra.append(r)
    return repeated, extra


def table_from_grid(
    grid: Grid, name: str, sheet: str | None, limits: ImportLimits, scorer: HeaderScorer | None
) -> RawTable | None:
    """The table of a grid under its detected header (``None`` when no row reads as one)."""
    if not grid.rows:
        return None
    found = _find_header(grid, limits, scorer)
    if found is None:
        return None
    h, header, header_rows, sub_labels = found.row, found.cells, found.rows, found.sub_labels
    body = [(r, v) for r, v in grid.rows if r > h]
    width = max([len(header)] + [len(v) for _r, v in body])
    header += [None] * (width - len(header))
    labels = _unique_labels(header)
    rows = [list(v) + [None] * (width - len(v)) for _r, v in body]
    merged_filled, section_rows = _fill_vertical_merges(grid, h, body, rows, width)
    index = pd.Index([r for r, _v in body], name="row", dtype="int64")
    frame = pd.DataFrame(rows, columns=labels, index=index, dtype=object)
    if not frame.empty:
        frame = frame.where(frame.notna(), None)
    # Columns with neither a header nor any value are layout, not data.
    empty_unnamed = [
        c for j, c in enumerate(labels) if not header[j] and (frame.empty or frame[c].isna().all())
    ]
    letters = {c: column_letter(j) for j, c in enumerate(labels)}
    frame = frame.drop(columns=empty_unnamed)
    for column in empty_unnamed:
        letters.pop(column, None)

    repeated, extra = _repeated_and_long_rows(body, rows, header)
    col_of = {j: labels[j] for j in range(width)}
    table = RawTable(
        source=name,
        sheet=sheet,
        header_row=h,
        frame=frame,
        letters=letters,
        header_rows=header_rows,
        rows_above=sum(1 for r, _v in grid.rows if r < h - header_rows + 1),
        hidden_rows=sorted(r for r in grid.hidden_rows if r > h),
        hidden_columns=[col_of[j] for j in sorted(grid.hidden_cols) if col_of.get(j) in letters],
        formula_cells={
            (r, col_of[c]): ref
            for (r, c), ref in grid.formulas.items()
            if r > h and col_of.get(c) in letters
        },
        error_cells={
            (r, col_of[c]): v
            for (r, c), v in grid.errors.items()
            if r > h and col_of.get(c) in letters
        },
        merged_filled=merged_filled,
        section_rows=sorted(section_rows),
        repeated_header_rows=repeated,
        extra_cells_rows=extra if sheet is None else [],
        truncated_cells=[(r, col_of[c]) for r, c in grid.truncated if r > h and c in col_of],
        sub_labels={col_of[j]: v for j, v in sub_labels.items() if col_of.get(j) in letters},
        complete=grid.complete,
    )
    # Formulas without value in rows that are otherwise empty still make a row the person sees.
    return table
