"""Readers: the one door for the bytes of a file a user hands in -> raw tables of text, row
numbers kept.

A raw table holds every cell as text (``None`` for empty) under the header found in the first rows;
its index is the row number as Excel shows it, so that every message can say where a problem is.
The type of a file is decided from its content by ``detect`` (which also checks a workbook's ZIP
limits); workbooks are streamed by ``xlsx``, text by ``csvtext`` (or read here as JSON); ``tables``
finds the header and builds the table. Every problem is a :class:`UserError` with a French message
naming the file, sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matcher.errors import UserError, system_reason
from matcher.intake.csvtext import DELIMITER_NAMES, csv_grid, csv_text, decode_text
from matcher.intake.detect import (
    FORMAT_CSV,
    FORMAT_JSON,
    FORMAT_JSONL,
    FORMAT_XLSM,
    MSG_DAMAGED,
    MSG_NO_TABLE,
    detect_format,
)
from matcher.intake.grid import too_many_columns, too_many_rows
from matcher.intake.tables import HeaderScorer, RawTable, table_from_grid
from matcher.intake.xlsx import resolve_sheet, sheet_grid, workbook_created, workbook_parts
from matcher.settings import ImportLimits

log = logging.getLogger(__name__)


@dataclass
class SkippedSheet:
    """A sheet that was not read as a table, and why (kept in the import report)."""

    sheet: str
    reason: str
    rows: int = 0  # non-empty rows in it, when known


@dataclass
class ReadResult:
    """Everything read from one file."""

    source: str
    file_format: str
    tables: list[RawTable]
    skipped: list[SkippedSheet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # file-level notes (encoding, macros...)


def read_tables(
    data: bytes,
    name: str,
    limits: ImportLimits | None = None,
    sheet: str | None = None,
) -> list[RawTable]:
    """Read every usable table of a file given as bytes; the type is decided from the content."""
    return read_file(data, name, limits, sheet).tables


def read_file(
    data: bytes,
    name: str,
    limits: ImportLimits | None = None,
    sheet: str | None = None,
    *,
    header_scorer: HeaderScorer | None = None,
    max_data_rows: int | None = None,
) -> ReadResult:
    """Read a file given as bytes into raw tables, one per visible non-empty sheet.

    ``sheet`` reads only that sheet (even a hidden one). ``header_scorer`` counts the labels of a
    candidate header row that the caller recognises (the importer passes its column synonyms), which
    finds the header under titles and notes. ``max_data_rows`` stops after that many data rows (for
    a preview). Raises :class:`UserError` with a French message for files that cannot be read."""
    limits = limits or ImportLimits()
    kind = detect_format(data, name, limits)
    if kind == FORMAT_CSV:
        result = _read_json(data, name, limits, max_data_rows) or _read_csv(
            data, name, limits, header_scorer, max_data_rows
        )
        if sheet is not None:
            result.notes.append(f"option feuille « {sheet} » ignorée : un CSV n'a qu'une feuille")
        return result
    return _read_xlsx(data, name, limits, sheet, header_scorer, max_data_rows, kind)


@dataclass
class SheetRows:
    """The non-empty rows of one sheet (or of a CSV), cells as text, no header detected: for
    callers that interpret a layout of their own (a filled-in shortlist, a decisions CSV)."""

    sheet: str | None  # None for a CSV
    rows: list[tuple[int, list[str | None]]]  # (row number as Excel shows it, cells)
    hidden: bool = False


@dataclass
class RowsRead:
    """Every worksheet of a file as rows (hidden ones flagged), and when the workbook was made."""

    source: str
    file_format: str
    sheets: list[SheetRows]
    created: dt.datetime | None = None  # docProps/core.xml dcterms:created, in UTC


def read_rows(
    data: bytes, name: str, limits: ImportLimits | None = None, *, max_rows: int | None = None
) -> RowsRead:
    """Read a file given as bytes into rows of text, through the same checks and limits as
    :func:`read_file` (size, inflation, entries, rows, columns, encodings) and the same French
    messages. ``max_rows`` stops each sheet after that many non-empty rows (a quick look)."""
    limits = limits or ImportLimits()
    kind = detect_format(data, name, limits)
    if kind == FORMAT_CSV:
        text = csv_text(data, name)[0]
        grid = csv_grid(text, name, limits, max_rows)
        return RowsRead(name, kind, [SheetRows(None, grid.rows)])
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = workbook_parts(zf, name)
    except UserError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError) as exc:
        raise UserError(f"{name} : {MSG_DAMAGED}") from exc
    sheets = []
    with zf:
        created = workbook_created(zf)
        for ws in parts.sheets:
            if ws.kind != "worksheet":
                continue
            grid = sheet_grid(zf, ws, parts, limits, name, max_rows)
            sheets.append(SheetRows(ws.name, grid.rows, ws.state != "visible"))
    return RowsRead(name, kind, sheets, created)


def read_path(path: str | Path, limits: ImportLimits | None = None, sheet: str | None = None):
    """Read a file from disk (see :func:`read_tables`)."""
    return read_tables(read_bytes(path), Path(path).name, limits, sheet)


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a file, with a French message when it cannot be read."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"{path} : fichier introuvable") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} : c'est un dossier, pas un fichier") from exc
    except OSError as exc:
        raise UserError(f"{path} : lecture impossible ({system_reason(exc)})") from exc


def _read_xlsx(
    data: bytes,
    name: str,
    limits: ImportLimits,
    sheet: str | None,
    scorer: HeaderScorer | None,
    max_data_rows: int | None,
    file_format: str,
) -> ReadResult:
    result = ReadResult(source=name, file_format=file_format, tables=[])
    if file_format == FORMAT_XLSM:
        result.notes.append("classeur avec macros : les macros ne sont jamais exécutées")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = workbook_parts(zf, name)
    except UserError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError) as exc:
        raise UserError(f"{name} : {MSG_DAMAGED}") from exc
    with zf:
        worksheets = [s for s in parts.sheets if s.kind == "worksheet"]
        for s in parts.sheets:
            if s.kind != "worksheet":
                result.skipped.append(
                    SkippedSheet(s.name, "feuille de graphique ou de macros, pas un tableau")
                )
        if not worksheets:
            raise UserError(f"{name} : le classeur ne contient aucune feuille de calcul")
        titles = [s.name for s in worksheets]
        chosen = resolve_sheet(sheet, titles, name) if sheet is not None else None
        for ws in worksheets:
            if chosen is not None and ws.name != chosen:
                continue
            if chosen is None and ws.state != "visible":
                result.skipped.append(SkippedSheet(ws.name, "feuille masquée"))
                log.info("%s: hidden sheet %r skipped", name, ws.name)
                continue
            grid = sheet_grid(
                zf,
                ws,
                parts,
                limits,
                name,
                None if max_data_rows is None else max_data_rows + limits.header_search_rows,
            )
            if not grid.rows:
                result.skipped.append(SkippedSheet(ws.name, "feuille vide"))
                continue
            table = table_from_grid(grid, name, ws.name, limits, scorer)
            if table is None:
                result.skipped.append(
                    SkippedSheet(ws.name, "pas de ligne d'en-tête reconnue", len(grid.rows))
                )
                continue
            result.tables.append(table)
    if not result.tables:
        if sheet is not None:
            skipped = result.skipped[-1].reason if result.skipped else "vide"
            raise UserError(f"{name}, feuille « {chosen} » : aucun tableau ({skipped})")
        detail = "; ".join(f"« {s.sheet} » : {s.reason}" for s in result.skipped)
        raise UserError(
            f"{name} : aucune feuille visible ne contient de tableau"
            + (f" ({detail})" if detail else "")
        )
    return result


def _read_csv(
    data: bytes,
    name: str,
    limits: ImportLimits,
    scorer: HeaderScorer | None,
    max_data_rows: int | None,
) -> ReadResult:
    text, notes = csv_text(data, name)
    result = ReadResult(source=name, file_format=FORMAT_CSV, tables=[], notes=notes)
    grid = csv_grid(
        text,
        name,
        limits,
        None if max_data_rows is None else max_data_rows + limits.header_search_rows,
    )
    delimiter = grid.delimiter or ";"
    result.notes.append(f"séparateur : {DELIMITER_NAMES.get(delimiter, repr(delimiter))}")
    if not grid.rows:
        raise UserError(f"{name} : {MSG_NO_TABLE}")
    table = table_from_grid(grid, name, None, limits, scorer)
    if table is None:
        raise UserError(f"{name} : {MSG_NO_TABLE}")
    result.tables.append(table)
    return result


# ---------------------------------------------------------------------------------------------
# JSON and JSON Lines (an API's answer saved as it came)
# ---------------------------------------------------------------------------------------------
# Keys of an object that hold the list of records (France Travail's search answers: "resultats").
_RECORD_KEYS = ("resultats", "results", "data", "items", "offres", "records")


def _read_json(
    data: bytes, name: str, limits: ImportLimits, max_data_rows: int | None
) -> ReadResult | None:
    """A JSON file (a list of objects, an object with its records under ``resultats``, or one
    object) or a JSON Lines file (one object per line), flattened as ``pandas.json_normalize``
    does: nested objects give dotted columns ("lieuTravail.commune"), lists stay whole in their
    cell as JSON text (decoded later, never split). Rows are numbered by record (JSON) or by line
    (JSON Lines), after a header row 0. ``None`` when the text is not JSON (read as CSV)."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n\x00\xff\xfe")
    if head[:1] not in (b"[", b"{"):
        return None
    text, encoding = decode_text(data, name)
    text = text.lstrip("\ufeff \t\r\n")
    notes = [f"encodage du texte : {encoding}"]
    try:
        value = json.loads(text)
    except ValueError:
        value = _NOT_JSON
    if value is not _NOT_JSON:
        records, note = _json_records(value, name)
        numbers = list(range(1, len(records) + 1))
        file_format = FORMAT_JSON
        notes.append(note)
    else:
        records, numbers = [], []
        for i, line in enumerate(text.splitlines(), 1):
            line = line.strip()
            if not line:
                continue
            try:
                obj = json.loads(line)
            except ValueError as exc:
                if not records:
                    return None  # not JSON at all: a text file starting with a bracket
                raise UserError(
                    f"{name}, ligne {i} : JSON illisible ({exc.args[0] if exc.args else exc}) ; "
                    "attendu un objet JSON par ligne"
                ) from exc
            if not isinstance(obj, dict):
                raise UserError(f"{name}, ligne {i} : attendu un objet JSON {{...}} par ligne")
            records.append(obj)
            numbers.append(i)
        file_format = FORMAT_JSONL
        notes.append("une ligne par enregistrement ; « ligne N » désigne la ligne N du fichier")
    if len(records) > limits.max_rows:
        raise too_many_rows(name, "", limits)
    complete = True
    if max_data_rows is not None and len(records) > max_data_rows:
        records, numbers, complete = records[:max_data_rows], numbers[:max_data_rows], False
    rows = [_flatten(r) for r in records]
    labels: dict[str, None] = {}
    for r in rows:
        labels.update(dict.fromkeys(r))
    if not labels:
        raise UserError(f"{name} : {MSG_NO_TABLE}")
    if len(labels) > limits.max_columns:
        raise too_many_columns(name, "", limits, len(labels) - 1, 1)
    columns = list(labels)
    truncated: list[tuple[int, str]] = []
    for number, r in zip(numbers, rows, strict=True):
        for key, v in r.items():
            if v is not None and len(v) > limits.max_cell_chars:
                r[key] = v[: limits.max_cell_chars]
                truncated.append((number, key))
    index = pd.Index(numbers, name="row", dtype="int64")
    frame = pd.DataFrame.from_records(rows, columns=columns, index=index).astype(object)
    frame = frame.where(frame.notna(), None)
    empty = frame.isna().all(axis=1)
    frame = frame[~empty]
    table = RawTable(source=name, sheet=None, header_row=0, frame=frame,
                     truncated_cells=truncated, complete=complete)  # fmt: skip
    return ReadResult(source=name, file_format=file_format, tables=[table], notes=notes)


_NOT_JSON = object()


def _json_records(value: object, name: str) -> tuple[list[dict], str]:
    if isinstance(value, list):
        if not all(isinstance(x, dict) for x in value):
            raise UserError(f"{name} : JSON inattendu : attendu une liste d'objets {{...}}")
        return value, "liste JSON d'enregistrements"
    if isinstance(value, dict):
        for key in _RECORD_KEYS:
            found = value.get(key)
            if isinstance(found, list) and all(isinstance(x, dict) for x in found):
                return found, f"enregistrements lus sous la clé « {key} » du JSON"
        lists = [k for k, v in value.items()
                 if isinstance(v, list) and v and all(isinstance(x, dict) for x in v)]  # fmt: skip
        if len(lists) == 1:
            return value[lists[0]], f"enregistrements lus sous la clé « {lists[0]} » du JSON"
        return [value], "un seul enregistrement (objet JSON)"
    raise UserError(f"{name} : JSON inattendu : attendu une liste d'objets ou un objet")


def _flatten(record: dict, prefix: str = "") -> dict[str, str | None]:
    """Nested objects -> dotted keys; lists kept whole as JSON text; scalars as text."""
    out: dict[str, str | None] = {}
    for key, value in record.items():
        label = f"{prefix}{key}"
        if isinstance(value, dict):
            if value:
                out.update(_flatten(value, label + "."))
            continue
        if value is None:
            out[label] = None
        elif isinstance(value, bool):
            out[label] = "true" if value else "false"
        elif isinstance(value, list):
            out[label] = json.dumps(value, ensure_ascii=False) if value else None
        else:
            text = str(value).strip()
            out[label] = text or None
    return out
