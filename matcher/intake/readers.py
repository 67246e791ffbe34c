"""Readers: bytes of an Excel or CSV file -> raw tables of text, row numbers kept.

A raw table holds every cell as text (``None`` for empty) under the header found in the first rows;
its index is the row number as Excel shows it, so that every message can say where a problem is.

The type of a file is decided from its content, never from its extension:

- a ZIP archive holding a workbook part is an ``.xlsx``/``.xlsm`` workbook; other ZIP files (ODS,
  Word documents, plain archives) are refused with a message saying what they are;
- an OLE2 compound file is either an old ``.xls`` workbook or a password-protected workbook (the
  encrypted package of Office lives in an OLE2 container): the directory tells them apart;
- anything else is decoded as text (UTF-8 with or without BOM, UTF-16, Windows-1252) and read as
  CSV with a sniffed separator; binary junk, PDF, HTML or XML files are refused.

Workbooks are read in one streaming pass over each sheet's XML (``xml.etree.iterparse``), after a
small reader of the workbook structure (sheets, shared strings, date styles; openpyxl decides which
number formats are dates). The pass keeps the cached value of formulas, and notes what pandas and
openpyxl's row iterator lose: formulas without a cached value, error cells, hidden rows and
columns, merged cells. Size limits are checked
on the ZIP directory before anything is decompressed (declared sizes bound what ``zipfile`` will
inflate), and the row limit is checked while streaming, with an early estimate from the bytes read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from matcher.errors import UserError
from matcher.settings import ImportLimits
from matcher.text.fold import fold

log = logging.getLogger(__name__)

ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx

FORMAT_XLSX = "xlsx"
FORMAT_XLSM = "xlsm"
FORMAT_CSV = "csv"
FORMAT_JSON = "json"
FORMAT_JSONL = "jsonl"
FORMAT_LABELS = {
    FORMAT_XLSX: "classeur Excel (.xlsx)",
    FORMAT_XLSM: "classeur Excel avec macros (.xlsm, macros ignorées)",
    FORMAT_CSV: "fichier texte (CSV)",
    FORMAT_JSON: "fichier JSON",
    FORMAT_JSONL: "fichier JSON Lines (un objet par ligne)",
}

# Messages of refused formats (French, shown as "<file> : <message>").
MSG_EMPTY = "le fichier est vide (0 octet)"
MSG_OLD_XLS = (
    "ancien format Excel 97-2003 (.xls), non pris en charge : ouvrez-le dans Excel et "
    "enregistrez-le au format « Classeur Excel (.xlsx) »"
)
MSG_ENCRYPTED = (
    "classeur protégé par mot de passe : ouvrez-le dans Excel, retirez le mot de passe "
    "(Fichier > Informations > Protéger le classeur) et enregistrez-le au format .xlsx"
)
MSG_OLE_OTHER = (
    "ancien format Office (fichier composé OLE) qui n'est pas un classeur Excel : "
    "enregistrez le tableau au format .xlsx ou .csv"
)
MSG_DAMAGED = (
    "fichier Excel endommagé ou tronqué (copie ou téléchargement incomplet ?) : "
    "demandez à nouveau le fichier, ou ouvrez-le dans Excel et enregistrez-le"
)
MSG_ODS = (
    "classeur OpenDocument (.ods, LibreOffice) : ouvrez-le et enregistrez-le au format "
    "« Classeur Excel (.xlsx) » ou exportez-le en CSV"
)
MSG_XLSB = "classeur Excel binaire (.xlsb) : enregistrez-le au format « Classeur Excel (.xlsx) »"
MSG_STRICT = (
    "classeur au format « Strict Open XML » : enregistrez-le au format « Classeur Excel (.xlsx) »"
)
MSG_WORD = "document Word, pas un tableau : enregistrez le tableau au format .xlsx ou .csv"
MSG_PPT = "présentation PowerPoint, pas un tableau : demandez le fichier Excel ou CSV d'origine"
MSG_ZIP = (
    "archive ZIP qui ne contient pas de classeur Excel : décompressez-la et importez le classeur"
)
MSG_PDF = "document PDF : demandez le fichier Excel d'origine, ou un export .xlsx ou .csv"
MSG_HTML = (
    "page web (HTML), souvent un export nommé .xls : ouvrez-la dans Excel et enregistrez-la au "
    "format « Classeur Excel (.xlsx) »"
)
MSG_XML2003 = (
    "classeur « XML 2003 » : ouvrez-le dans Excel et enregistrez-le au format « Classeur Excel "
    "(.xlsx) »"
)
MSG_BINARY = "fichier binaire non reconnu : attendu un classeur Excel (.xlsx, .xlsm) ou un CSV"
MSG_NO_TABLE = "aucun tableau trouvé (fichier vide ou sans ligne d'en-tête)"
ADVICE_FORMULAS = (
    "ouvrez le fichier dans Excel et enregistrez-le (les formules seront recalculées), puis "
    "importez-le à nouveau"
)

_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", MSG_PDF),
    (b"\x89PNG", "image PNG, pas un tableau"),
    (b"\xff\xd8\xff", "image JPEG, pas un tableau"),
    (b"GIF8", "image GIF, pas un tableau"),
    (b"\x1f\x8b", "archive compressée (gzip) : décompressez-la et importez le tableau"),
    (b"7z\xbc\xaf", "archive 7-Zip : décompressez-la et importez le tableau"),
    (b"Rar!", "archive RAR : décompressez-la et importez le tableau"),
    (b"{\\rtf", "document RTF (traitement de texte), pas un tableau"),
)

# Namespaces of SpreadsheetML (transitional; "strict" files are refused with a message).
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"
_ROW, _C, _V, _F, _IS = (_NS + t for t in ("row", "c", "v", "f", "is"))
_COL, _MERGE, _FORMAT = (_NS + t for t in ("col", "mergeCell", "sheetFormatPr"))
_T = _NS + "t"
_SPACES = frozenset(" \t\r\n\u00a0\u202f\u2007")


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


HeaderScorer = Callable[[Sequence[str]], int]


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
        text = _csv_text(data, name)[0]
        grid = _csv_grid(text, name, limits, max_rows)
        return RowsRead(name, kind, [SheetRows(None, grid.rows)])
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = _workbook_parts(zf, name)
    except UserError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError) as exc:
        raise UserError(f"{name} : {MSG_DAMAGED}") from exc
    sheets = []
    with zf:
        created = _created(zf)
        for ws in parts.sheets:
            if ws.kind != "worksheet":
                continue
            grid = _sheet_grid(zf, ws, parts, limits, name, max_rows)
            sheets.append(SheetRows(ws.name, grid.rows, ws.state != "visible"))
    return RowsRead(name, kind, sheets, created)


_CREATED_RE = re.compile(rb"<dcterms:created[^>]*>([^<]+)</dcterms:created>")


def _created(zf: zipfile.ZipFile) -> dt.datetime | None:
    """The workbook's creation time from its core properties (UTC), if it says one."""
    m = _CREATED_RE.search(_small_member(zf, "docProps/core.xml", 1024 * 1024))
    if not m:
        return None
    try:
        created = dt.datetime.fromisoformat(m[1].decode("ascii", "replace").strip())
    except ValueError:
        return None
    if created.tzinfo is None:
        return created.replace(tzinfo=dt.UTC)
    return created.astimezone(dt.UTC)


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
        raise UserError(f"{path} : lecture impossible ({exc.strerror})") from exc


# ---------------------------------------------------------------------------------------------
# Type detection
# ---------------------------------------------------------------------------------------------
def detect_format(data: bytes, name: str, limits: ImportLimits | None = None) -> str:
    """``xlsx``, ``xlsm`` or ``csv`` from the content; refuses anything else with a message."""
    limits = limits or ImportLimits()
    if not data:
        raise UserError(f"{name} : {MSG_EMPTY}")
    if len(data) > limits.max_file_mb * 1024 * 1024:
        raise UserError(
            f"{name} : fichier trop volumineux ({len(data) / 1024 / 1024:.1f} Mo, limite "
            f"{limits.max_file_mb:g} Mo) : découpez-le en plusieurs fichiers"
        )
    if data.startswith(OLE_MAGIC):
        raise UserError(f"{name} : {_ole_message(data)}")
    if data.startswith(ZIP_MAGIC) or data.startswith(ZIP_EMPTY_MAGIC):
        return _zip_kind(data, name, limits)
    for magic, message in _BINARY_MAGICS:
        if data.startswith(magic):
            raise UserError(f"{name} : {message}")
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        raise UserError(f"{name} : {MSG_HTML}")
    if head.startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]:
            raise UserError(f"{name} : {MSG_XML2003}")
        if b"<html" in data[:4096].lower():
            raise UserError(f"{name} : {MSG_HTML}")
        raise UserError(f"{name} : fichier XML, pas un tableau : attendu .xlsx ou .csv")
    return FORMAT_CSV


def _ole_message(data: bytes) -> str:
    """Tell an old .xls from an encrypted workbook by the stream names of the OLE directory."""
    names = set(ole_stream_names(data))
    if names & {"EncryptionInfo", "EncryptedPackage"}:
        return MSG_ENCRYPTED
    if names & {"Workbook", "Book"}:
        return MSG_OLD_XLS
    if "WordDocument" in names:
        return MSG_WORD
    if "PowerPoint Document" in names:
        return MSG_PPT
    if not names:
        return f"fichier Office ancien illisible ou tronqué : {MSG_OLD_XLS}"
    return MSG_OLE_OTHER


def ole_stream_names(data: bytes) -> list[str]:
    """Names of the entries of an OLE2 compound file's directory (empty if it cannot be read).

    Follows the directory's sector chain through the FAT (header DIFAT only, which covers files
    up to ~7 MB with 512-byte sectors); if that fails, scans the file for directory entries."""
    try:
        sector_shift = struct.unpack_from("<H", data, 30)[0]
        size = 1 << sector_shift
        if size not in (512, 4096):
            raise ValueError(size)
        n_fat = struct.unpack_from("<I", data, 44)[0]
        first_dir = struct.unpack_from("<i", data, 48)[0]
        difat = struct.unpack_from("<109i", data, 76)[: min(n_fat, 109)]
        fat: list[int] = []
        for sec in difat:
            if sec < 0:
                break
            off = (sec + 1) * size
            chunk = data[off : off + size]
            fat.extend(struct.unpack(f"<{len(chunk) // 4}i", chunk[: len(chunk) // 4 * 4]))
        names: list[str] = []
        sec, seen = first_dir, set[int]()
        while 0 <= sec < len(fat) and sec not in seen and len(seen) < 10_000:
            seen.add(sec)
            off = (sec + 1) * size
            for e in range(0, size, 128):
                entry = data[off + e : off + e + 128]
                if len(entry) < 128:
                    break
                n = struct.unpack_from("<H", entry, 64)[0]
                if 2 <= n <= 64 and entry[66] in (1, 2, 5):
                    names.append(entry[: n - 2].decode("utf-16-le", "replace"))
            sec = fat[sec]
        if names:
            return names
    except (struct.error, ValueError, IndexError):
        pass
    found = []
    for candidate in ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "WordDocument"):
        if candidate.encode("utf-16-le") + b"\x00\x00" in data:
            found.append(candidate)
    return found


def _zip_kind(data: bytes, name: str, limits: ImportLimits) -> str:
    """Inspect a ZIP's directory (nothing inflated but the small manifest) and refuse bombs."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UserError(f"{name} : {MSG_DAMAGED}") from exc
    with zf:
        names = {i.filename for i in infos}
        if len(infos) > limits.max_zip_entries:
            raise UserError(
                f"{name} : archive anormale ({len(infos)} éléments, limite "
                f"{limits.max_zip_entries}) : import refusé"
            )
        total = sum(i.file_size for i in infos)
        if total > limits.max_uncompressed_mb * 1024 * 1024:
            raise UserError(
                f"{name} : classeur trop volumineux une fois décompressé ({total / 1024 / 1024:.0f} "
                f"Mo, limite {limits.max_uncompressed_mb:g} Mo) : découpez-le en plusieurs fichiers"
            )
        for i in infos:
            if i.file_size > 1024 * 1024 and i.file_size > limits.max_compression_ratio * max(
                i.compress_size, 1
            ):
                raise UserError(
                    f"{name} : taux de compression anormal ({i.filename} : "
                    f"{i.file_size / max(i.compress_size, 1):.0f} pour 1, archive piégée ?) : "
                    "import refusé"
                )
        if "mimetype" in names:
            mimetype = _small_member(zf, "mimetype", 200)
            if b"opendocument.spreadsheet" in mimetype:
                raise UserError(f"{name} : {MSG_ODS}")
            if b"opendocument" in mimetype:
                raise UserError(f"{name} : document OpenDocument, pas un classeur Excel")
        content_types = _small_member(zf, "[Content_Types].xml", 1024 * 1024)
        if b"sheet.binary" in content_types or "xl/workbook.bin" in names:
            raise UserError(f"{name} : {MSG_XLSB}")
        if b"spreadsheetml" not in content_types and b"ms-excel.sheet" not in content_types:
            if any(n.startswith("word/") for n in names):
                raise UserError(f"{name} : {MSG_WORD}")
            if any(n.startswith("ppt/") for n in names):
                raise UserError(f"{name} : {MSG_PPT}")
            if not content_types and not names:
                raise UserError(f"{name} : {MSG_DAMAGED}")
            raise UserError(f"{name} : {MSG_ZIP}")
        workbook_xml = next((n for n in names if n.lower().endswith("workbook.xml")), None)
        if workbook_xml and _STRICT_NS in _small_member(zf, workbook_xml, 1024 * 1024):
            raise UserError(f"{name} : {MSG_STRICT}")
        if b"macroEnabled" in content_types or "xl/vbaProject.bin" in names:
            return FORMAT_XLSM
        return FORMAT_XLSX


def _small_member(zf: zipfile.ZipFile, member: str, limit: int) -> bytes:
    try:
        with zf.open(member) as f:
            return f.read(limit)
    except KeyError:
        return b""
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        raise UserError(f"{zf.filename or 'fichier'} : {MSG_DAMAGED}") from exc


# ---------------------------------------------------------------------------------------------
# A grid of non-empty rows, shared by the Excel and CSV readers
# ---------------------------------------------------------------------------------------------
@dataclass
class _Grid:
    """Non-empty rows of a sheet (Excel row number, cells as text) and what Excel hid."""

    rows: list[tuple[int, list[str | None]]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)  # 0-based
    merges: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # r1, c1, r2, c2 (0-based c)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> "D5"
    errors: dict[tuple[int, int], str] = field(default_factory=dict)
    truncated: list[tuple[int, int]] = field(default_factory=list)  # cells cut at max_cell_chars
    complete: bool = True
    delimiter: str | None = None  # a CSV's separator


def _column_letter(j: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


_LETTERS_CACHE: dict[str, int] = {}


def _column_index(letters: str) -> int:
    """Excel letters -> 0-based column index."""
    idx = _LETTERS_CACHE.get(letters)
    if idx is None:
        idx = 0
        for ch in letters:
            idx = idx * 26 + (ord(ch) - 64)
        idx -= 1
        _LETTERS_CACHE[letters] = idx
    return idx


_REF_RE = re.compile(r"([A-Z]{1,3})(\d+)")


def _parse_ref(ref: str) -> tuple[int, int]:
    """ "B12" -> (12, 1)."""
    m = _REF_RE.fullmatch(ref.upper().replace("$", ""))
    if not m:
        raise ValueError(ref)
    return int(m[2]), _column_index(m[1])


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def _too_many_rows(name: str, where: str, limits: ImportLimits, estimate: int | None = None):
    extra = f" (environ {_thousands(estimate)} d'après le début du fichier)" if estimate else ""
    return UserError(
        f"{name}{where} : trop de lignes{extra}, limite {_thousands(limits.max_rows)} : "
        "découpez le fichier"
    )


def _too_many_columns(name: str, where: str, limits: ImportLimits, col: int, row: int):
    return UserError(
        f"{name}{where} : trop de colonnes (valeur en colonne {_column_letter(col)}, ligne {row} ; "
        f"limite {limits.max_columns} colonnes)"
    )


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------
def _number_text(v: str) -> str:
    """Raw number of the sheet XML -> text as Excel shows it in a General cell: integers without
    ".0", 15 significant digits at most (so 35.499999999999993 reads 35.5)."""
    if v.isdigit() or (v[:1] == "-" and v[1:].isdigit()):
        return v
    try:
        x = float(v)
    except ValueError:
        return v
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    return f"{x:.15g}"


def _excel_date_text(serial: str, epoch: dt.datetime, is_time: bool) -> str | None:
    from openpyxl.utils.datetime import from_excel  # keeps Excel's 1900 leap-year bug in mind

    try:
        value = from_excel(float(serial), epoch, timedelta=is_time)
    except (ValueError, OverflowError, TypeError):
        return None
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        if value.date() == dt.date(1899, 12, 30) or value.date() == dt.date(1904, 1, 1):
            return value.strftime("%H:%M")
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return None


class _CountingReader:
    """Wraps a stream and counts the bytes read (to estimate the number of rows early)."""

    def __init__(self, stream):
        self.stream = stream
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self.stream.read(n)
        self.count += len(data)
        return data


_MERGE_RE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Za-z$]+\d+):([A-Za-z$]+\d+)\"")


def _scan_merges(zf: zipfile.ZipFile, path: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a sheet, found by scanning its XML (they come after the rows, so a
    preview that stops early still knows them). Decompressing is cheap next to parsing."""
    merges: list[tuple[int, int, int, int]] = []
    tail = b""
    with zf.open(path) as f:
        while True:
            chunk = f.read(1 << 20)
            if not chunk:
                break
            buf = tail + chunk
            if b"mergeCell" in buf:
                for m in _MERGE_RE.finditer(buf):
                    (r1, c1), (r2, c2) = _parse_ref(m[1].decode()), _parse_ref(m[2].decode())
                    merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
            tail = buf[-200:]
    return list(dict.fromkeys(merges))


def _read_sheet_xml(
    stream,
    total_bytes: int,
    shared: Sequence[str],
    date_styles: set[int],
    time_styles: set[int],
    epoch: dt.datetime,
    limits: ImportLimits,
    name: str,
    where: str,
    max_rows: int | None,
) -> _Grid:
    """One streaming pass over a sheet's XML: non-empty rows as text, hidden rows and columns,
    formulas without cached value, error cells."""
    import xml.etree.ElementTree as ET

    grid = _Grid()
    counting = _CountingReader(stream)
    row_counter = 0
    rows_seen = 0
    hidden_default = False
    strings: dict[str, str] = {}  # intern repeated texts: less memory on large files
    intern = strings.setdefault
    letter_index: dict[str, int] = {}
    date_like = date_styles | time_styles
    max_chars = limits.max_cell_chars
    for _event, el in ET.iterparse(counting, events=("end",)):
        tag = el.tag
        if tag == _ROW:
            r_attr = el.get("r")
            row_counter = int(float(r_attr)) if r_attr else row_counter + 1
            rows_seen += 1
            cells: dict[int, str] = {}
            marked = -1  # last column of a formula without value or an error cell
            col = -1
            for c in el:
                if c.tag != _C:
                    continue
                ref = c.get("r")
                if ref:
                    letters = ref.rstrip("0123456789")
                    known = letter_index.get(letters)
                    if known is None:
                        known = letter_index[letters] = _column_index(letters.upper().lstrip("$"))
                    col = known
                else:
                    col += 1
                t = c.get("t")
                value = None
                has_formula = False
                for sub in c:
                    stag = sub.tag
                    if stag == _V:
                        value = sub.text
                    elif stag == _F:
                        has_formula = True
                    elif stag == _IS:
                        t_el = sub.find(_T)
                        if t_el is not None:
                            value = t_el.text
                        else:  # rich text: runs of <r><t>
                            value = "".join(x.text or "" for x in sub.iter(_T))
                if not value:
                    if has_formula and t != "inlineStr":
                        grid.formulas[(row_counter, col)] = f"{_column_letter(col)}{row_counter}"
                        marked = max(marked, col)
                    continue
                if t is None or t == "n":
                    style = c.get("s")
                    if style and style != "0" and style.isdigit() and int(style) in date_like:
                        style_id = int(style)
                        value = _excel_date_text(value, epoch, style_id in time_styles) or value
                    elif not value.isdigit():
                        value = _number_text(value)
                elif t == "s":
                    try:
                        value = shared[int(value)]
                    except (ValueError, IndexError):
                        continue
                    if not value:
                        continue
                elif t == "b":
                    value = "oui" if value.strip() in ("1", "true") else "non"
                elif t == "e":
                    grid.errors[(row_counter, col)] = value
                    marked = max(marked, col)
                    continue
                elif t == "d":
                    value = value[:10] if value[11:19] in ("", "00:00:00") else value[:16]
                if value[0] in _SPACES or value[-1] in _SPACES:
                    value = value.strip()
                    if not value:
                        continue
                if len(value) > max_chars:
                    value = value[:max_chars]
                    grid.truncated.append((row_counter, col))
                cells[col] = intern(value, value)
            hidden = el.get("hidden") in ("1", "true") or (
                hidden_default and el.get("customHeight") is None and el.get("ht") is None
            )
            el.clear()
            if cells or marked >= 0:
                # A row of formulas without cached values is still a row the person sees.
                last = max(max(cells, default=-1), marked)
                if last >= limits.max_columns:
                    raise _too_many_columns(name, where, limits, last, row_counter)
                values: list[str | None] = [None] * (last + 1)
                for j, v in cells.items():
                    values[j] = v
                grid.rows.append((row_counter, values))
                if hidden:
                    grid.hidden_rows.add(row_counter)
                n = len(grid.rows)
                if n > limits.max_rows + limits.header_search_rows:
                    raise _too_many_rows(name, where, limits)
                if n == 2000 and total_bytes and counting.count:
                    # Early refusal of a giant sheet from the share of its XML read so far.
                    estimate = int(total_bytes / counting.count * rows_seen)
                    if estimate > 1.5 * (limits.max_rows + limits.header_search_rows):
                        raise _too_many_rows(name, where, limits, estimate)
                if max_rows is not None and n >= max_rows:
                    grid.complete = False
                    break
        elif tag == _COL:
            if el.get("hidden") in ("1", "true"):
                try:
                    lo, hi = int(el.get("min", "0")), int(el.get("max", "0"))
                except ValueError:
                    lo = hi = 0
                # Some writers mark every column up to XFD: only the first ones can hold data.
                for j in range(max(lo, 1), min(hi, limits.max_columns) + 1):
                    grid.hidden_cols.add(j - 1)
            el.clear()
        elif tag == _FORMAT:
            hidden_default = el.get("zeroHeight") in ("1", "true")
        elif tag == _MERGE:
            continue  # read separately by _scan_merges
    return grid


def _resolve_sheet(requested: str, titles: list[str], name: str) -> str:
    if requested in titles:
        return requested
    folded = {fold(t): t for t in titles}
    if fold(requested) in folded:
        return folded[fold(requested)]
    if requested.isdigit() and 1 <= int(requested) <= len(titles):
        return titles[int(requested) - 1]
    raise UserError(
        f"{name} : feuille « {requested} » absente (feuilles du classeur : "
        + ", ".join(f"« {t} »" for t in titles)
        + ")"
    )


# The workbook's structure (sheets, shared strings, date styles) is read here with ElementTree
# rather than openpyxl's load_workbook: openpyxl builds an object per shared string (most of the
# time of a large import) and its read-only sheets show neither hidden rows, merged cells nor
# formulas next to their cached values. openpyxl still decides which number formats are dates
# and converts serial numbers.
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_OFFICE_DOCUMENT = "/officeDocument"
_LOCALE_DATE_FORMATS = set(range(27, 37)) | set(range(50, 59))  # East Asian built-in dates
_ESCAPE_RE = re.compile(r"_x([0-9A-Fa-f]{4})_")


@dataclass
class _SheetPart:
    name: str
    path: str  # inside the ZIP
    state: str  # visible, hidden, veryHidden
    kind: str  # worksheet, chartsheet, dialogsheet, macrosheet


@dataclass
class _WorkbookParts:
    sheets: list[_SheetPart]
    shared: list[str]
    date_styles: set[int]
    time_styles: set[int]
    epoch: dt.datetime


def _part_path(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = [p for p in (base.rsplit("/", 1)[0] + "/" + target).split("/") if p and p != "."]
    out: list[str] = []
    for p in parts:
        if p == "..":
            if out:
                out.pop()
        else:
            out.append(p)
    return "/".join(out)


def _rels(zf: zipfile.ZipFile, part: str, names: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Relationships of a part: id -> (type, target path)."""
    import xml.etree.ElementTree as ET

    folder, _, file = part.rpartition("/")
    rels_path = names.get(f"{folder}/_rels/{file}.rels".lstrip("/").lower())
    if rels_path is None:
        return {}
    root = ET.fromstring(_small_member(zf, rels_path, 16 * 1024 * 1024))
    out = {}
    for rel in root.iter(_REL_NS + "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        out[rel.get("Id", "")] = (rel.get("Type", ""), _part_path(part, target))
    return out


def _workbook_parts(zf: zipfile.ZipFile, name: str) -> _WorkbookParts:
    import xml.etree.ElementTree as ET

    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH

    names = {n.lower(): n for n in zf.namelist()}
    root_rels = _rels(zf, "", names)
    workbook = next(
        (t for typ, t in root_rels.values() if typ.endswith(_OFFICE_DOCUMENT)), "xl/workbook.xml"
    )
    workbook = names.get(workbook.lower(), workbook)
    try:
        wb_root = ET.fromstring(_small_member(zf, workbook, 64 * 1024 * 1024))
        rels = _rels(zf, workbook, names)
        sheets = []
        for el in wb_root.iter(_NS + "sheet"):
            typ, target = rels.get(el.get(_DOC_REL_NS + "id", ""), ("", ""))
            kind = typ.rsplit("/", 1)[-1] or "worksheet"
            path = names.get(target.lower(), target)
            sheets.append(_SheetPart(el.get("name", "?"), path, el.get("state", "visible"), kind))
        pr = wb_root.find(_NS + "workbookPr")
        date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        by_type = {typ.rsplit("/", 1)[-1]: target for typ, target in rels.values()}
        date_styles: set[int] = set()
        time_styles: set[int] = set()
        styles_path = by_type.get("styles")
        if styles_path and styles_path.lower() in names:
            st_root = ET.fromstring(_small_member(zf, names[styles_path.lower()], 64 * 1024 * 1024))
            codes = dict(BUILTIN_FORMATS)
            for fmt in st_root.iter(_NS + "numFmt"):
                try:
                    codes[int(fmt.get("numFmtId", "-1"))] = fmt.get("formatCode", "")
                except ValueError:
                    continue
            xfs = st_root.find(_NS + "cellXfs")
            for i, xf in enumerate(xfs if xfs is not None else []):
                try:
                    fid = int(xf.get("numFmtId", "0"))
                except ValueError:
                    continue
                code = codes.get(fid, "")
                if fid in _LOCALE_DATE_FORMATS or (code and is_date_format(code)):
                    (time_styles if code and is_timedelta_format(code) else date_styles).add(i)
        shared: list[str] = []
        strings_path = by_type.get("sharedStrings")
        if strings_path and strings_path.lower() in names:
            shared = _shared_strings(zf, names[strings_path.lower()])
    except ET.ParseError as exc:
        raise UserError(
            f"{name} : classeur Excel illisible (XML invalide) : ouvrez-le dans Excel et "
            "enregistrez-le au format « Classeur Excel (.xlsx) »"
        ) from exc
    return _WorkbookParts(
        sheets, shared, date_styles, time_styles, MAC_EPOCH if date1904 else WINDOWS_EPOCH
    )


def _shared_strings(zf: zipfile.ZipFile, path: str) -> list[str]:
    """The shared strings, rich-text runs joined, phonetic guides left out."""
    import xml.etree.ElementTree as ET

    si_tag, r_tag = _NS + "si", _NS + "r"
    out: list[str] = []
    with zf.open(path) as f:
        for _event, el in ET.iterparse(f, events=("end",)):
            if el.tag != si_tag:
                continue
            parts = []
            for child in el:
                if child.tag == _T:
                    parts.append(child.text or "")
                elif child.tag == r_tag:
                    parts.extend(t.text or "" for t in child.iter(_T))
            text = "".join(parts)
            if "_x" in text:
                text = _ESCAPE_RE.sub(lambda m: chr(int(m[1], 16)), text)
            out.append(text)
            el.clear()
    return out


def _sheet_grid(
    zf: zipfile.ZipFile,
    ws: _SheetPart,
    parts: _WorkbookParts,
    limits: ImportLimits,
    name: str,
    max_rows: int | None,
) -> _Grid:
    """One worksheet's grid (merged ranges included), with French messages for broken parts."""
    where = f", feuille « {ws.name} »"
    try:
        info = zf.getinfo(ws.path)
        merges = _scan_merges(zf, ws.path)
        with zf.open(ws.path) as stream:
            grid = _read_sheet_xml(
                stream,
                info.file_size,
                parts.shared,
                parts.date_styles,
                parts.time_styles,
                parts.epoch,
                limits,
                name,
                where,
                max_rows,
            )
        grid.merges = merges
    except UserError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError) as exc:
        raise UserError(f"{name}{where} : {MSG_DAMAGED}") from exc
    except Exception as exc:  # ParseError and friends: a broken sheet
        log.info("sheet %r of %s unreadable: %r", ws.name, name, exc)
        raise UserError(f"{name}{where} : feuille illisible ({MSG_DAMAGED})") from exc
    return grid


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
        parts = _workbook_parts(zf, name)
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
        chosen = _resolve_sheet(sheet, titles, name) if sheet is not None else None
        for ws in worksheets:
            if chosen is not None and ws.name != chosen:
                continue
            if chosen is None and ws.state != "visible":
                result.skipped.append(SkippedSheet(ws.name, "feuille masquée"))
                log.info("%s: hidden sheet %r skipped", name, ws.name)
                continue
            grid = _sheet_grid(
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
            table = _table_from_grid(grid, name, ws.name, limits, scorer)
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


# ---------------------------------------------------------------------------------------------
# CSV / text
# ---------------------------------------------------------------------------------------------
_MOJIBAKE_RE = re.compile("Ã[\u00a0-\u00bf]|â€[\u0080-\u00ff\u2018-\u201e\u2122]")


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """Bytes -> (text, encoding label). UTF-8 (BOM or not), UTF-16 (BOM, or the zero bytes of
    an "Unicode text" export), Windows-1252; binary junk is refused."""
    if data.startswith(codecs.BOM_UTF8):
        return _decode_with(data[3:], "utf-8", name), "UTF-8"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_with(data, "utf-16", name)
        _refuse_binary_text(text, name)
        return text, "UTF-16"
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without BOM: every other byte is zero for Latin text.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
            if zeros > len(head) // 3 and other == 0:
                text = _decode_with(data, encoding, name)
                _refuse_binary_text(text, name)
                return text, "UTF-16"
        raise UserError(f"{name} : {MSG_BINARY}")
    if b"\x00" in head:
        raise UserError(f"{name} : {MSG_BINARY}")
    try:
        text, encoding = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "Windows-1252"
        except UnicodeDecodeError as exc:
            # Only the bytes Windows-1252 leaves undefined (0x81, 0x8D...) get here: Latin-1
            # would read them as control characters, which no table of ours holds.
            raise UserError(
                f"{name} : texte illisible (ni UTF-8 ni Windows-1252) : "
                "enregistrez-le à nouveau en « CSV UTF-8 »"
            ) from exc
    _refuse_binary_text(text, name)
    return text, encoding


def _refuse_binary_text(text: str, name: str) -> None:
    """Text full of control, private-use or unassigned characters is binary junk."""
    sample = text[:20000]
    odd = sum(
        1
        for ch in sample
        if (ord(ch) < 32 and ch not in "\r\n\t\f\v")
        or 0x80 <= ord(ch) < 0xA0
        or unicodedata.category(ch) in ("Co", "Cn", "Cs")
    )
    if sample and odd > max(3, len(sample) // 100):
        raise UserError(f"{name} : {MSG_BINARY}")


def _decode_with(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UserError(
            f"{name} : texte mal encodé (octet invalide en position {exc.start}, encodage "
            f"{encoding.upper()} annoncé) : enregistrez-le à nouveau en « CSV UTF-8 »"
        ) from exc


def _fix_mojibake(text: str) -> tuple[str, bool]:
    """UTF-8 text that was decoded as Windows-1252 once too often ("RÃ©f." for "Réf."): undo
    it when the whole text round-trips, which is the signature of that mistake."""
    if len(_MOJIBAKE_RE.findall(text[:50000])) < 2:
        return text, False
    try:
        return text.encode("cp1252").decode("utf-8"), True
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text, False


_DELIMITERS = (";", ",", "\t", "|")
_DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre |"}


def _sniff_delimiter(text: str) -> str:
    """The separator that gives the most consistent number of fields over the first rows (title
    lines and commas inside quoted descriptions do not fool it)."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rfind("\n")]
    best, best_key = ";", (-1.0, 0)
    for d in _DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=d))[:300]
        except csv.Error:
            continue
        counts = [len(r) for r in rows if any(c.strip() for c in r)]
        multi = [c for c in counts if c > 1]
        if not multi:
            continue
        mode = max(set(multi), key=lambda c: (multi.count(c), c))
        share = counts.count(mode) / len(counts)
        # Rows a little longer or shorter (trailing separators) still count half.
        near = sum(1 for c in multi if c != mode and abs(c - mode) <= 1) / len(counts)
        key = (share + near / 2, mode)
        if key > best_key:
            best, best_key = d, key
    return best


_EXCEL_TEXT_RE = re.compile(r'^="(.*)"$', re.S)


def _read_csv(
    data: bytes,
    name: str,
    limits: ImportLimits,
    scorer: HeaderScorer | None,
    max_data_rows: int | None,
) -> ReadResult:
    text, notes = _csv_text(data, name)
    result = ReadResult(source=name, file_format=FORMAT_CSV, tables=[], notes=notes)
    grid = _csv_grid(
        text,
        name,
        limits,
        None if max_data_rows is None else max_data_rows + limits.header_search_rows,
    )
    delimiter = grid.delimiter or ";"
    result.notes.append(f"séparateur : {_DELIMITER_NAMES.get(delimiter, repr(delimiter))}")
    if not grid.rows:
        raise UserError(f"{name} : {MSG_NO_TABLE}")
    table = _table_from_grid(grid, name, None, limits, scorer)
    if table is None:
        raise UserError(f"{name} : {MSG_NO_TABLE}")
    result.tables.append(table)
    return result


def _csv_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decoded text (mojibake undone) and the notes that say how it was read."""
    text, encoding = _decode(data, name)
    text, fixed = _fix_mojibake(text)
    notes = [f"encodage du texte : {encoding}"]
    if fixed:
        notes.append(
            "accents mal encodés (« Ã© » pour « é ») : corrigés à la lecture ; "
            "vérifiez les textes importés"
        )
    return text, notes


def _csv_grid(text: str, name: str, limits: ImportLimits, max_rows: int | None) -> _Grid:
    """The non-empty records of a CSV text as a grid (the separator is noted in ``notes``)."""
    offset = 0
    first_line = text[:20].lstrip("\ufeff")
    m = re.match(r"sep=(.)\r?\n", first_line, re.I)
    if m:
        delimiter = m[1]
        # Excel reads the "sep=" line as a directive and does not show it: row 1 is the next.
        text = text[text.index("\n") + 1 :]
    else:
        delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = _Grid()
    last_start_line = 1
    record = 0
    try:
        while True:
            start_line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            last_start_line = start_line
            record += 1
            values = [_csv_cell(c) for c in row]
            for j, v in enumerate(values):
                if v is not None and len(v) > limits.max_cell_chars:
                    values[j] = v[: limits.max_cell_chars]
                    grid.truncated.append((record + offset, j))
            while values and values[-1] is None:
                values.pop()
            if not values:
                continue
            if len(values) > limits.max_columns:
                raise _too_many_columns(name, "", limits, len(values) - 1, record + offset)
            grid.rows.append((record + offset, values))
            if len(grid.rows) > limits.max_rows + limits.header_search_rows:
                raise _too_many_rows(name, "", limits)
            if max_rows is not None and len(grid.rows) >= max_rows:
                grid.complete = False
                break
    except csv.Error as exc:
        raise UserError(
            f"{name}, ligne {reader.line_num} du texte : CSV mal formé ({exc}) ; un guillemet "
            "ouvrant sans guillemet fermant ?"
        ) from exc
    if grid.complete and grid.rows:
        _check_unclosed_quote(text, grid, name, last_start_line)
    grid.delimiter = delimiter
    return grid


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
    text, encoding = _decode(data, name)
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
        raise _too_many_rows(name, "", limits)
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
        raise _too_many_columns(name, "", limits, len(labels) - 1, 1)
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


def _csv_cell(cell: str) -> str | None:
    value = cell.strip()
    if not value:
        return None
    if value.startswith('="'):
        # ="01000": how some tools keep leading zeros for Excel.
        m = _EXCEL_TEXT_RE.match(value)
        if m:
            value = m[1].strip()
    return value or None


def _check_unclosed_quote(text: str, grid: _Grid, name: str, start_line: int) -> None:
    """A quote opened and never closed swallows the rest of the file into one cell: refuse
    instead of importing a truncated file."""
    stripped = text.rstrip()
    _row, values = grid.rows[-1]
    longest = max((v for v in values if v), key=len, default="")
    if longest.count("\n") >= 3 and not stripped.endswith('"') and stripped.endswith(longest[-20:]):
        raise UserError(
            f"{name}, ligne {start_line} du texte : guillemet ouvert jamais fermé, la fin du "
            "fichier serait lue comme une seule cellule ; corrigez le fichier"
        )


# ---------------------------------------------------------------------------------------------
# Header detection and table building
# ---------------------------------------------------------------------------------------------
_NUMBER_LIKE = re.compile(r"[\d\s.,:/%€+-]+")


def _labelish(value: str) -> bool:
    return len(value) <= 80 and not _NUMBER_LIKE.fullmatch(value) and "\n" not in value.strip()


def _label_cell(value: str | None) -> bool:
    """A non-empty cell that reads like a column label."""
    return _labelish(value) if value else False


def _filled_rows(grid: _Grid, upto: int) -> dict[int, list[str | None]]:
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
        if scorer is not None:
            scored.append((scorer(labels), shape, r))
        if shape > best_shape_score + 0.05:
            best_shape, best_shape_score = r, shape
    if scored:
        # The most recognised labels; the first such row (data under a header may hold a
        # value that is also a column name).
        recognised, shape, r = max(scored, key=lambda x: (x[0], -x[2]))
        if recognised >= 2:
            return r
    return best_shape


def _horizontal_merges_in_row(grid: _Grid, r: int) -> list[tuple[int, int]]:
    return [(c1, c2) for r1, c1, r2, c2 in grid.merges if r1 == r and c2 > c1]


def _table_from_grid(
    grid: _Grid, name: str, sheet: str | None, limits: ImportLimits, scorer: HeaderScorer | None
) -> RawTable | None:
    if not grid.rows:
        return None
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

    body = [(r, v) for r, v in grid.rows if r > h]
    width = max([len(header)] + [len(v) for _r, v in body])
    header += [None] * (width - len(header))
    labels: list[str] = []
    seen: dict[str, int] = {}
    for j, label in enumerate(header):
        label = " ".join(str(label).split()) if label else f"Colonne {_column_letter(j)}"
        key = label.lower()
        if key in seen:
            seen[key] += 1
            label = f"{label} ({seen[key]})"
        else:
            seen[key] = 1
        labels.append(label)

    # Vertically merged data cells (an employer over its three offers): every row shows the value.
    merged_filled = 0
    section_rows: list[int] = []
    row_pos = {r: i for i, (r, _v) in enumerate(body)}
    rows = [list(v) + [None] * (width - len(v)) for _r, v in body]
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

    index = pd.Index([r for r, _v in body], name="row", dtype="int64")
    frame = pd.DataFrame(rows, columns=labels, index=index, dtype=object)
    if not frame.empty:
        frame = frame.where(frame.notna(), None)
    # Columns with neither a header nor any value are layout, not data.
    empty_unnamed = [
        c for j, c in enumerate(labels) if not header[j] and (frame.empty or frame[c].isna().all())
    ]
    letters = {c: _column_letter(j) for j, c in enumerate(labels)}
    frame = frame.drop(columns=empty_unnamed)
    for column in empty_unnamed:
        letters.pop(column, None)

    # Rows that repeat the header (files pasted together) and long CSV rows.
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
