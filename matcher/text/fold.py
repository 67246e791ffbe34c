"""Folding French text for comparison: the one place where case, accents, ligatures and
punctuation are unified.

``fold`` takes one value, ``fold_series`` a pandas Series (computed once per distinct value, which
is what makes it fast: job text, headers, statuses and communes repeat a lot).

Two shapes, by what the caller compares:

- words only (the default): every character other than a-z and 0-9 (and those in ``keep``) is a
  space — statuses, reasons, column labels, sheet names, neighbourhood names, text to match;
- ``punctuation=True``: punctuation kept, spaces collapsed — the cell parsers, which read
  "1,5", "35h/semaine" or "01/12/2026".
"""

from __future__ import annotations

import functools
import re
import unicodedata

import pandas as pd

# Ligatures that Unicode does not decompose: "cœur" must meet "coeur". Replaced by
# ``str.replace`` when present: ``str.translate`` with a dict reads every character of a
# non-ASCII text through a Python dict (half the time of folding a description).
_LIGATURES = (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"))
# The combining diacritical marks (U+0300-U+036F): the accents of Latin letters once
# decomposed, removed in one C pass; any other combining character is removed by the check
# that follows, made once per distinct character left non-ASCII (same result).
_LATIN_MARKS = re.compile("[\u0300-\u036f]+")


@functools.cache
def _others(keep: str) -> re.Pattern[str]:
    return re.compile(f"[^a-z0-9{re.escape(keep)}]+")


@functools.cache
def _ascii_spaces(keep: str) -> dict[int, str]:
    """Translation table: every ASCII character the pattern ``_others(keep)`` replaces -> a
    space. On ASCII text, ``translate`` then splitting on blanks gives what the regex then
    splitting gives (runs of "others" become blanks either way), in one C pass."""
    kept = re.compile(f"[a-z0-9{re.escape(keep)}]")
    return {i: " " for i in range(128) if not kept.fullmatch(chr(i))}


def fold(text: object, *, keep: str = "", punctuation: bool = False) -> str:
    """Lower case, accents removed, œ -> oe and æ -> ae, spaces collapsed and trimmed.

    Without ``punctuation`` only the letters a-z, digits and the characters of ``keep`` remain
    (any other run becomes one space). ``None`` and NaN fold to ""."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    if not text.isascii():
        for ligature, letters in _LIGATURES:
            if ligature in text:
                text = text.replace(ligature, letters)
        text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
        if not text.isascii():
            marks = [c for c in set(text) if unicodedata.combining(c)]
            if marks:
                text = re.sub("[" + re.escape("".join(marks)) + "]", "", text)
    text = text.lower()
    if not punctuation:
        if text.isascii():
            text = text.translate(_ascii_spaces(keep))
        elif "?" not in keep and keep.isascii():
            # Every non-ASCII character is an "other" (the kept ones are ASCII): as "?", also
            # an other here, the text is ASCII and takes the fast path.
            text = text.encode("ascii", "replace").decode("ascii").translate(_ascii_spaces(keep))
        else:
            text = _others(keep).sub(" ", text)
    return " ".join(text.split())


def fold_series(series: pd.Series, *, keep: str = "", punctuation: bool = False) -> pd.Series:
    """:func:`fold` over a Series, once per distinct value; missing values become ""."""
    values = series.to_numpy(dtype=object, na_value=None)
    done: dict[object, str] = {}
    out = []
    for v in values:
        r = done.get(v)
        if r is None:
            r = done[v] = fold(v, keep=keep, punctuation=punctuation)
        out.append(r)
    return pd.Series(out, index=series.index, dtype=object)


__all__ = ["fold", "fold_series"]
