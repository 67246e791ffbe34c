"""Folding French text for comparison: the one place where case, accents, ligatures and
punctuation are unified.

``fold`` takes one value, ``fold_series`` a pandas Series (computed once per distinct value, which
is what makes it fast: job text, headers, statuses and communes repeat a lot), ``fold_many`` a
list of texts (folded joined, in a few passes of C code).

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


def _without_marks(text: str) -> str:
    """A text that is not ASCII with its ligatures written out and its accents and other
    combining marks removed (each character on its own: the same for texts joined)."""
    for ligature, letters in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, letters)
    text = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", text))
    if not text.isascii():
        marks = [c for c in set(text) if unicodedata.combining(c)]
        if marks:
            text = re.sub("[" + re.escape("".join(marks)) + "]", "", text)
    return text


def fold(text: object, *, keep: str = "", punctuation: bool = False) -> str:
    """Lower case, accents removed, œ -> oe and æ -> ae, spaces collapsed and trimmed.

    Without ``punctuation`` only the letters a-z, digits and the characters of ``keep`` remain
    (any other run becomes one space). ``None`` and NaN fold to ""."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    text = str(text)
    if not text.isascii():
        text = _without_marks(text)
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


# Between texts handled joined (fold_many, texts_matching): a character no text is expected to
# hold (one that does is handled on its own), that folding keeps as it is, and that neither a
# word character nor a blank: a word boundary or a look-around reads it as the edge of a text.
SEPARATOR = "\x00"


@functools.cache
def _ascii_spaces_but_separator(keep: str) -> dict[int, str]:
    table = dict(_ascii_spaces(keep))
    del table[ord(SEPARATOR)]
    return table


def fold_many(texts: list[str], *, keep: str = "") -> list[str]:
    """``[fold(t, keep=keep) for t in texts]`` (words only), computed on the texts joined by
    :data:`SEPARATOR`: each step of :func:`fold` reads one character at a time (the
    decomposition too, as the separator combines with nothing), so a few C passes over the
    joined text give each text's result, without the Python call per text that costs more
    than folding a short one (tested equal)."""
    if not texts:
        return []
    joined = SEPARATOR.join(texts)
    if "?" in keep or not keep.isascii() or joined.count(SEPARATOR) != len(texts) - 1:
        return [fold(t, keep=keep) for t in texts]  # a text holds the separator
    if not joined.isascii():
        # What is left non-ASCII is an "other" (see fold): "?" is one too.
        joined = _without_marks(joined).lower().encode("ascii", "replace").decode("ascii")
    else:
        joined = joined.lower()
    joined = joined.translate(_ascii_spaces_but_separator(keep))
    return [" ".join(t.split()) for t in joined.split(SEPARATOR)]


def texts_matching(texts: list[str], regex: re.Pattern[str]) -> list[int]:
    """Positions (sorted, distinct) of the texts in which ``regex`` finds a match, found by one
    search over the texts joined by :data:`SEPARATOR`. For a pattern whose matches never hold
    the separator (and that reads it as the edge of a text, see :data:`SEPARATOR`), those are
    the texts in which ``regex.search`` finds one: the first match inside each such text is
    reached, no match from an earlier text reaching into it."""
    import numpy as np

    if not texts:
        return []
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate([[0], np.cumsum(lengths + len(SEPARATOR))[:-1]])
    found = [m.start() for m in regex.finditer(SEPARATOR.join(texts))]
    # Sorted and distinct (a text holding the separator itself may be found twice).
    return sorted(set((np.searchsorted(starts, found, side="right") - 1).tolist()))


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


__all__ = ["SEPARATOR", "fold", "fold_many", "fold_series", "texts_matching"]
