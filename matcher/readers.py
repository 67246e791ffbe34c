"""Readers: bytes of an Excel or CSV file -> raw tables of text, row numbers kept.

A raw table holds every cell as text (``None`` for empty) under the header found in the first rows;
its index is the row number as Excel shows it, so that every message can say where a problem is.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matcher.errors import UserError
from matcher.settings import ImportLimits

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx


@dataclass
class RawTable:
    """One sheet (or one CSV) read as text under its detected header."""

    source: str
    sheet: str | None
    header_row: int  # Excel row number of the header (1-based)
    frame: pd.DataFrame  # columns = header labels as written; index = Excel row numbers
    notes: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.source}, feuille « {self.sheet} »" if self.sheet else self.source


def read_tables(
    data: bytes,
    name: str,
    limits: ImportLimits | None = None,
    sheet: str | None = None,
) -> list[RawTable]:
    """Read every usable table of a file given as bytes; the type is decided from the content."""
    limits = limits or ImportLimits()
    if not data:
        raise UserError(f"{name} : le fichier est vide")
    if len(data) > limits.max_file_mb * 1024 * 1024:
        raise UserError(
            f"{name} : fichier trop volumineux ({len(data) / 1024 / 1024:.1f} Mo, "
            f"limite {limits.max_file_mb:g} Mo)"
        )
    if data.startswith(OLE_MAGIC):
        raise UserError(
            f"{name} : ancien format Excel (.xls) ou classeur protégé par mot de passe : "
            "enregistrez-le sans mot de passe au format .xlsx"
        )
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, name, limits, sheet)
    return [_read_csv(data, name, limits)]


def read_path(path: str | Path, limits: ImportLimits | None = None, sheet: str | None = None):
    """Read a file from disk (see :func:`read_tables`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"{path} : fichier introuvable") from exc
    except OSError as exc:
        raise UserError(f"{path} : lecture impossible ({exc.strerror})") from exc
    return read_tables(data, path.name, limits, sheet)


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------
def _cell_text(value: object) -> str | None:
    """Excel cell value -> text, without losing leading zeros or turning dates around."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    text = str(value).strip()
    return text or None


def _read_xlsx(data: bytes, name: str, limits: ImportLimits, sheet: str | None) -> list[RawTable]:
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            total = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile as exc:
        raise UserError(f"{name} : fichier Excel endommagé ou tronqué") from exc
    if "xl/workbook.xml" not in names:
        raise UserError(f"{name} : ce fichier compressé n'est pas un classeur Excel (.xlsx)")
    if total > limits.max_uncompressed_mb * 1024 * 1024:
        raise UserError(
            f"{name} : classeur trop volumineux une fois décompressé "
            f"({total / 1024 / 1024:.0f} Mo, limite {limits.max_uncompressed_mb:g} Mo)"
        )
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on broken files
        raise UserError(f"{name} : classeur Excel illisible ({type(exc).__name__})") from exc
    tables: list[RawTable] = []
    try:
        if sheet is not None and sheet not in wb.sheetnames:
            raise UserError(
                f"{name} : feuille « {sheet} » absente (feuilles : {', '.join(wb.sheetnames)})"
            )
        for ws in wb.worksheets:
            if sheet is not None and ws.title != sheet:
                continue
            if sheet is None and ws.sheet_state != "visible":
                log.info("%s: hidden sheet %r skipped", name, ws.title)
                continue
            rows = []
            for i, row in enumerate(ws.iter_rows(values_only=True)):
                if i >= limits.max_rows + limits.header_search_rows:
                    raise UserError(
                        f"{name}, feuille « {ws.title} » : trop de lignes "
                        f"(limite {limits.max_rows})"
                    )
                if len(row) > limits.max_columns:
                    row = row[: limits.max_columns]
                rows.append([_cell_text(v) for v in row])
            table = _table_from_rows(rows, name, ws.title)
            if table is not None:
                tables.append(table)
    finally:
        wb.close()
    if not tables:
        raise UserError(f"{name} : aucune feuille visible ne contient de tableau")
    return tables


# ---------------------------------------------------------------------------------------------
# CSV / text
# ---------------------------------------------------------------------------------------------
def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:4096]:
        raise UserError(f"{name} : fichier binaire non reconnu (attendu : .xlsx ou .csv)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UserError(f"{name} : encodage du texte non reconnu (attendu UTF-8 ou Windows-1252)")


def _read_csv(data: bytes, name: str, limits: ImportLimits) -> RawTable:
    text = _decode(data, name)
    sample = text[:20000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
        delimiter = dialect.delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ";,\t"}
        delimiter = max(counts, key=counts.__getitem__)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for i, row in enumerate(reader):
        if i >= limits.max_rows + limits.header_search_rows:
            raise UserError(f"{name} : trop de lignes (limite {limits.max_rows})")
        rows.append([(c.strip() or None) for c in row[: limits.max_columns]])
    table = _table_from_rows(rows, name, None)
    if table is None:
        raise UserError(f"{name} : aucun tableau trouvé (fichier vide ou sans en-tête)")
    return table


# ---------------------------------------------------------------------------------------------
# Header detection
# ---------------------------------------------------------------------------------------------
def _header_index(rows: list[list[str | None]], search: int = 30) -> int | None:
    """Index of the header row: the first row, among the first ones, that is at least as wide
    as the rows below it and made of distinct short labels. A title row (one merged cell) or a
    blank row above the header is skipped."""
    best, best_score = None, 0.0
    for i, row in enumerate(rows[:search]):
        labels = [c for c in row if c]
        if len(labels) < 2:
            continue
        below = [sum(1 for c in r if c) for r in rows[i + 1 : i + 6] if any(r)]
        width = max(below) if below else len(labels)
        short = sum(1 for c in labels if len(c) <= 60 and not c.replace(".", "").isdigit())
        distinct = len(set(labels)) == len(labels)
        score = short / max(width, len(labels)) + (0.5 if distinct else 0)
        if score > best_score + 0.05:
            best, best_score = i, score
    return best


def _table_from_rows(rows: list[list[str | None]], name: str, sheet: str | None) -> RawTable | None:
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return None
    h = _header_index(rows)
    if h is None:
        return None
    header = list(rows[h])
    width = max(len(r) for r in rows[h:])
    header += [None] * (width - len(header))
    labels: list[str] = []
    seen: dict[str, int] = {}
    for j, label in enumerate(header):
        label = label or f"Colonne {_column_letter(j)}"
        if label in seen:
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        else:
            seen[label] = 1
        labels.append(label)
    body = [r + [None] * (width - len(r)) for r in rows[h + 1 :]]
    index = pd.RangeIndex(h + 2, h + 2 + len(body), name="row")
    frame = pd.DataFrame(body, columns=labels, index=index, dtype=object)
    # Columns with neither a header nor any value are layout, not data.
    empty_unnamed = [
        c for c, h_ in zip(labels, header, strict=True) if h_ is None and frame[c].isna().all()
    ]
    frame = frame.drop(columns=empty_unnamed)
    return RawTable(source=name, sheet=sheet, header_row=h + 1, frame=frame)


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters
