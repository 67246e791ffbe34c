"""Cell safety: what goes in a cell of a spreadsheet or a CSV file (issue 15: the CSV cells of a
whole column made safe at once, ``csv_safe_values``)."""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from typing import TYPE_CHECKING

# numpy and pandas are imported by the column-wise helper only: a CSV of a few rows is made
# without them (issue 15).
if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

EXCEL_MAX_CELL = 32_767
CUT_MARK = " […] (texte coupé)"
# Characters Excel refuses in a cell (XML 1.0 forbids them); tab, LF and CR are allowed.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A cell starting with one of these (after leading spaces) would be read as a formula (or DDE).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: str) -> str:
    """Text Excel accepts: control characters removed, cut at 32,767 characters with a mark."""
    value = _ILLEGAL.sub("", value)
    if len(value) > EXCEL_MAX_CELL:
        value = value[: EXCEL_MAX_CELL - len(CUT_MARK)] + CUT_MARK
    return value


def is_formula_like(value: str) -> bool:
    """True when Excel (or another spreadsheet) would take the text for a formula."""
    return value.lstrip(" ").startswith(FORMULA_START)


def plain_value(value: object) -> object:
    """A Python value -> what goes in a cell (lists joined by line breaks, NaN -> empty)."""
    if isinstance(value, (list, tuple)):
        value = "\n".join(str(v) for v in value)
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    pd = sys.modules.get("pandas")  # pandas' values exist only once pandas was imported
    if pd is not None and value is pd.NaT:
        return None
    if pd is not None and isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    if isinstance(value, str):
        return clean_text(value)
    return value


def fr_date(value: object) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value:%d/%m/%Y}"
    return ""


def csv_safe(value: object) -> object:
    """A value for a CSV cell: lists joined, formula-like text neutralised by a leading '."""
    value = plain_value(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return fr_date(value)
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def _csv_safe_text(value: str) -> str:
    """``csv_safe`` of a str whose characters are all legal and whose length fits a cell."""
    return "'" + value if value.lstrip(" ").startswith(FORMULA_START) else value


def csv_safe_values(values: pd.Series) -> np.ndarray:
    """``values.map(csv_safe)`` as an object array, computed once per distinct text: texts
    (and lists, joined as ``plain_value`` joins them) go through one pass, missing values are
    ``None``, anything else goes through ``csv_safe`` itself (tested equal)."""
    import numpy as np

    arr = values.to_numpy(dtype=object)
    out = np.empty(len(arr), dtype=object)
    texts: dict[str, object] = {}
    text_at: list[int] = []
    text_of: list[str] = []
    for i, v in enumerate(arr):
        t = type(v)
        if t is str:
            text_at.append(i)
            text_of.append(v)
        elif t is list or t is tuple:
            text_at.append(i)
            try:  # lists of texts (skills, reasons) joined in one C call
                text_of.append("\n".join(v))
            except TypeError:
                text_of.append("\n".join(str(x) for x in v))
        elif v is None or (t is float and v != v):
            out[i] = None
        else:
            out[i] = csv_safe(v)
    if text_at:
        texts = dict.fromkeys(text_of)
        # One search over every distinct text (joined by a legal character) tells whether any
        # of them has a character Excel refuses; only then is each one cleaned on its own.
        dirty = _ILLEGAL.search("\n".join(texts)) is not None
        for v in texts:
            if dirty or len(v) > EXCEL_MAX_CELL:
                texts[v] = csv_safe(v)
            else:
                texts[v] = _csv_safe_text(v)
        out[np.asarray(text_at, dtype=np.int64)] = np.array(
            [texts[v] for v in text_of], dtype=object
        )
    return out
