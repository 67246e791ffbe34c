"""A grid of the non-empty rows of a sheet (or of a CSV), shared by the Excel and CSV readers:
Excel row numbers, cells as text, what Excel hid; Excel's column letters; the French messages of
the row and column limits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from matcher.errors import UserError
from matcher.settings import ImportLimits


@dataclass
class Grid:
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


def column_letter(j: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


_LETTERS_CACHE: dict[str, int] = {}


def column_index(letters: str) -> int:
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


def parse_ref(ref: str) -> tuple[int, int]:
    """ "B12" -> (12, 1)."""
    m = _REF_RE.fullmatch(ref.upper().replace("$", ""))
    if not m:
        raise ValueError(ref)
    return int(m[2]), column_index(m[1])


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")


def too_many_rows(name: str, where: str, limits: ImportLimits, estimate: int | None = None):
    extra = f" (environ {_thousands(estimate)} d'après le début du fichier)" if estimate else ""
    return UserError(
        f"{name}{where} : trop de lignes{extra}, limite {_thousands(limits.max_rows)} : "
        "découpez le fichier"
    )


def too_many_columns(name: str, where: str, limits: ImportLimits, col: int, row: int):
    return UserError(
        f"{name}{where} : trop de colonnes (valeur en colonne {column_letter(col)}, ligne {row} ; "
        f"limite {limits.max_columns} colonnes)"
    )
