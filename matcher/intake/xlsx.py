"""Excel workbooks (.xlsx, .xlsm): the workbook's parts and one streaming pass over each sheet.

Workbooks are read in one streaming pass over each sheet's XML (``xml.etree.iterparse``), after a
small reader of the workbook structure (sheets, shared strings, date styles; openpyxl decides which
number formats are dates). The pass keeps the cached value of formulas, and notes what pandas and
openpyxl's row iterator lose: formulas without a cached value, error cells, hidden rows and
columns, merged cells. The row limit is checked while streaming, with an early estimate from the
bytes read (the ZIP's limits are checked before, by ``detect``).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from matcher.errors import UserError
from matcher.intake.detect import MSG_DAMAGED, small_member
from matcher.intake.grid import (
    Grid,
    column_index,
    column_letter,
    parse_ref,
    too_many_columns,
    too_many_rows,
)
from matcher.settings import ImportLimits
from matcher.text.fold import fold

log = logging.getLogger(__name__)

ADVICE_FORMULAS = (
    "ouvrez le fichier dans Excel et enregistrez-le (les formules seront recalculées), puis "
    "importez-le à nouveau"
)

# Namespaces of SpreadsheetML (transitional; "strict" files are refused with a message).
_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _C, _V, _F, _IS = (_NS + t for t in ("row", "c", "v", "f", "is"))
_COL, _MERGE, _FORMAT = (_NS + t for t in ("col", "mergeCell", "sheetFormatPr"))
_T = _NS + "t"
_SPACES = frozenset(" \t\r\n\u00a0\u202f\u2007")


_CREATED_RE = re.compile(rb"<dcterms:created[^>]*>([^<]+)</dcterms:created>")


def workbook_created(zf: zipfile.ZipFile) -> dt.datetime | None:
    """The workbook's creation time from its core properties (UTC), if it says one."""
    m = _CREATED_RE.search(small_member(zf, "docProps/core.xml", 1024 * 1024))
    if not m:
        return None
    try:
        created = dt.datetime.fromisoformat(m[1].decode("ascii", "replace").strip())
    except ValueError:
        return None
    if created.tzinfo is None:
        return created.replace(tzinfo=dt.UTC)
    return created.astimezone(dt.UTC)


def number_text(v: str) -> str:
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
                    (r1, c1), (r2, c2) = parse_ref(m[1].decode()), parse_ref(m[2].decode())
                    merges.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
            tail = buf[-200:]
    return list(dict.fromkeys(merges))


class _RowCells:
    """The cells of one ``<row>`` element as text: shared strings looked up, dates by their
    style, numbers as Excel shows them, booleans in French, long texts cut; formulas without a
    cached value and error cells noted in the grid."""

    def __init__(
        self,
        shared: Sequence[str],
        date_styles: set[int],
        time_styles: set[int],
        epoch: dt.datetime,
        max_chars: int,
    ):
        self.shared = shared
        self.date_like = date_styles | time_styles
        self.time_styles = time_styles
        self.epoch = epoch
        self.max_chars = max_chars
        self.letter_index: dict[str, int] = {}
        strings: dict[str, str] = {}  # intern repeated texts: less memory on large files
        self.intern = strings.setdefault

    def read(self, el, row: int, grid: Grid) -> tuple[dict[int, str], int]:
        """(column -> text, last column marked in the grid as a formula or an error, or -1)."""
        shared, date_like, time_styles = self.shared, self.date_like, self.time_styles
        epoch, max_chars, letter_index, intern = (
            self.epoch,
            self.max_chars,
            self.letter_index,
            self.intern,
        )
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
                    known = letter_index[letters] = column_index(letters.upper().lstrip("$"))
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
                    grid.formulas[(row, col)] = f"{column_letter(col)}{row}"
                    marked = max(marked, col)
                continue
            if t is None or t == "n":
                style = c.get("s")
                if style and style != "0" and style.isdigit() and int(style) in date_like:
                    style_id = int(style)
                    value = _excel_date_text(value, epoch, style_id in time_styles) or value
                elif not value.isdigit():
                    value = number_text(value)
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
                grid.errors[(row, col)] = value
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
                grid.truncated.append((row, col))
            cells[col] = intern(value, value)
        return cells, marked


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
) -> Grid:
    """One streaming pass over a sheet's XML: non-empty rows as text, hidden rows and columns,
    formulas without cached value, error cells."""
    import xml.etree.ElementTree as ET

    grid = Grid()
    counting = _CountingReader(stream)
    row_counter = 0
    rows_seen = 0
    hidden_default = False
    row_cells = _RowCells(shared, date_styles, time_styles, epoch, limits.max_cell_chars)
    for _event, el in ET.iterparse(counting, events=("end",)):
        tag = el.tag
        if tag == _ROW:
            r_attr = el.get("r")
            row_counter = int(float(r_attr)) if r_attr else row_counter + 1
            rows_seen += 1
            cells, marked = row_cells.read(el, row_counter, grid)
            hidden = el.get("hidden") in ("1", "true") or (
                hidden_default and el.get("customHeight") is None and el.get("ht") is None
            )
            el.clear()
            if cells or marked >= 0:
                # A row of formulas without cached values is still a row the person sees.
                last = max(max(cells, default=-1), marked)
                if last >= limits.max_columns:
                    raise too_many_columns(name, where, limits, last, row_counter)
                values: list[str | None] = [None] * (last + 1)
                for j, v in cells.items():
                    values[j] = v
                grid.rows.append((row_counter, values))
                if hidden:
                    grid.hidden_rows.add(row_counter)
                n = len(grid.rows)
                if n > limits.max_rows + limits.header_search_rows:
                    raise too_many_rows(name, where, limits)
                if n == 2000 and total_bytes and counting.count:
                    # Early refusal of a giant sheet from the share of its XML read so far.
                    estimate = int(total_bytes / counting.count * rows_seen)
                    if estimate > 1.5 * (limits.max_rows + limits.header_search_rows):
                        raise too_many_rows(name, where, limits, estimate)
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


def resolve_sheet(requested: str, titles: list[str], name: str) -> str:
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
class SheetPart:
    name: str
    path: str  # inside the ZIP
    state: str  # visible, hidden, veryHidden
    kind: str  # worksheet, chartsheet, dialogsheet, macrosheet


@dataclass
class WorkbookParts:
    sheets: list[SheetPart]
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
    root = ET.fromstring(small_member(zf, rels_path, 16 * 1024 * 1024))
    out = {}
    for rel in root.iter(_REL_NS + "Relationship"):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External":
            continue
        out[rel.get("Id", "")] = (rel.get("Type", ""), _part_path(part, target))
    return out


def workbook_parts(zf: zipfile.ZipFile, name: str) -> WorkbookParts:
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
        wb_root = ET.fromstring(small_member(zf, workbook, 64 * 1024 * 1024))
        rels = _rels(zf, workbook, names)
        sheets = []
        for el in wb_root.iter(_NS + "sheet"):
            typ, target = rels.get(el.get(_DOC_REL_NS + "id", ""), ("", ""))
            kind = typ.rsplit("/", 1)[-1] or "worksheet"
            path = names.get(target.lower(), target)
            sheets.append(SheetPart(el.get("name", "?"), path, el.get("state", "visible"), kind))
        pr = wb_root.find(_NS + "workbookPr")
        date1904 = pr is not None and pr.get("date1904") in ("1", "true")
        by_type = {typ.rsplit("/", 1)[-1]: target for typ, target in rels.values()}
        date_styles: set[int] = set()
        time_styles: set[int] = set()
        styles_path = by_type.get("styles")
        if styles_path and styles_path.lower() in names:
            st_root = ET.fromstring(small_member(zf, names[styles_path.lower()], 64 * 1024 * 1024))
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
    return WorkbookParts(
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


def sheet_grid(
    zf: zipfile.ZipFile,
    ws: SheetPart,
    parts: WorkbookParts,
    limits: ImportLimits,
    name: str,
    max_rows: int | None,
) -> Grid:
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
