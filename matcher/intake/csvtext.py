"""Text files: decoding (UTF-8 with or without BOM, UTF-16, Windows-1252, mojibake undone),
the separator sniffed, and the CSV records as a grid of text with row numbers."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata

from matcher.errors import UserError
from matcher.intake.detect import MSG_BINARY
from matcher.intake.grid import Grid, too_many_columns, too_many_rows
from matcher.settings import ImportLimits

_MOJIBAKE_RE = re.compile("Ã[\u00a0-\u00bf]|â€[\u0080-\u00ff\u2018-\u201e\u2122]")


def decode_text(data: bytes, name: str) -> tuple[str, str]:
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
DELIMITER_NAMES = {";": "point-virgule", ",": "virgule", "\t": "tabulation", "|": "barre |"}


def sniff_delimiter(text: str) -> str:
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


def csv_text(data: bytes, name: str) -> tuple[str, list[str]]:
    """Decoded text (mojibake undone) and the notes that say how it was read."""
    text, encoding = decode_text(data, name)
    text, fixed = _fix_mojibake(text)
    notes = [f"encodage du texte : {encoding}"]
    if fixed:
        notes.append(
            "accents mal encodés (« Ã© » pour « é ») : corrigés à la lecture ; "
            "vérifiez les textes importés"
        )
    return text, notes


def csv_grid(text: str, name: str, limits: ImportLimits, max_rows: int | None) -> Grid:
    """The non-empty records of a CSV text as a grid (the separator is noted in ``notes``)."""
    offset = 0
    first_line = text[:20].lstrip("\ufeff")
    m = re.match(r"sep=(.)\r?\n", first_line, re.I)
    if m:
        delimiter = m[1]
        # Excel reads the "sep=" line as a directive and does not show it: row 1 is the next.
        text = text[text.index("\n") + 1 :]
    else:
        delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid = Grid()
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
            # The cells stripped (empty -> None); the rarer ="..." cells and cells over the
            # length limit looked at only in the rows that have one (found on the whole row).
            values = [c.strip() or None for c in row]
            if '="' in delimiter.join(row):
                values = [_csv_cell(v) if v is not None else None for v in values]
            if row and max(map(len, row)) > limits.max_cell_chars:
                for j, v in enumerate(values):
                    if v is not None and len(v) > limits.max_cell_chars:
                        values[j] = v[: limits.max_cell_chars]
                        grid.truncated.append((record + offset, j))
            while values and values[-1] is None:
                values.pop()
            if not values:
                continue
            if len(values) > limits.max_columns:
                raise too_many_columns(name, "", limits, len(values) - 1, record + offset)
            grid.rows.append((record + offset, values))
            if len(grid.rows) > limits.max_rows + limits.header_search_rows:
                raise too_many_rows(name, "", limits)
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


def _check_unclosed_quote(text: str, grid: Grid, name: str, start_line: int) -> None:
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
