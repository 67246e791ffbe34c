"""Structured cells: lists and dicts written into one cell, as tools write them.

An API's JSON flattened to a table keeps its lists in a cell: ``json_normalize`` then ``to_csv``
writes a Python literal (``[{'code': '104138', 'libelle': 'Arrimer une charge', 'exigence':
'E'}]``), other tools write JSON. Such a cell is decoded (``json``, else ``ast.literal_eval``,
which evaluates literals only, never code), never split on commas: a label may hold a comma.

Each element becomes an :class:`Item`: its label (``libelle`` and the like; for a training, level
and field together) and whether it is required (``exigence`` E), desired (S) or not said.
Decoding works on the distinct values of a column, like the parsers.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from matcher.text.fold import fold

# A cell longer than this is not decoded (a literal that large is not a list of labels).
MAX_CHARS = 20_000
# Keys holding the label of an element, in order of preference.
LABEL_KEYS = ("libelle", "label", "intitule", "nom", "name", "valeur", "value", "description")
REQUIRED = "E"
DESIRED = "S"
_EXIGENCE = {"e": True, "exige": True, "exigee": True, "obligatoire": True, "requis": True,
             "s": False, "souhaite": False, "souhaitee": False, "apprecie": False}  # fmt: skip


@dataclass(frozen=True)
class Item:
    """One element of a structured cell."""

    label: str
    required: bool | None = None  # True: required (E); False: desired (S); None: not said


def decode_text(text: str) -> list | dict | None:
    """The list or dict written in ``text`` (JSON or a Python literal), else ``None``."""
    t = str(text).strip()
    if len(t) < 2 or len(t) > MAX_CHARS or t[0] not in "[{" or t[-1] not in "]}":
        return None
    try:
        value = json.loads(t)
    except ValueError:
        try:
            value = ast.literal_eval(t)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    return value if isinstance(value, list | dict) else None


def _label(element: dict) -> str | None:
    if "niveauLibelle" in element or "domaineLibelle" in element:
        # A training: level and field ("CAP, BEP et équivalents – Transport routier").
        parts = [element.get(k) for k in ("niveauLibelle", "domaineLibelle", "commentaire")]
        text = " – ".join(str(p).strip() for p in parts if p not in (None, ""))
        return text or None
    for key in LABEL_KEYS:
        value = element.get(key)
        if value not in (None, "") and not isinstance(value, list | dict):
            return str(value).strip()
    return None


def items_of(value: Any) -> list[Item]:
    """The elements of a decoded cell, flattened; elements without a label (a bare code) are
    left out."""
    elements = value if isinstance(value, list) else [value]
    out: list[Item] = []
    for e in elements:
        if isinstance(e, dict):
            label = _label(e)
            if label:
                exigence = e.get("exigence")
                required = _EXIGENCE.get(fold(exigence)) if exigence is not None else None
                out.append(Item(label, required))
        elif isinstance(e, list):
            out += items_of(e)
        elif e is not None and str(e).strip():
            out.append(Item(str(e).strip()))
    return out


def contact_text(value: Any) -> str | None:
    """A contact given as a dict ({'nom': ..., 'courriel': ...}): its values joined by ", "."""
    if isinstance(value, dict):
        parts = [str(v).strip() for v in value.values() if v not in (None, "") and
                 not isinstance(v, list | dict)]  # fmt: skip
        return ", ".join(parts) or None
    return None


def decode_column(series: pd.Series) -> tuple[pd.Series, int]:
    """Each cell of ``series``: the list or dict it holds when it is a structured cell, else the
    cell unchanged; and the number of cells decoded."""
    text = series.astype("object").where(series.notna(), None)
    decoded: dict[Any, list | dict] = {}
    for u in pd.unique(text.dropna()):
        if isinstance(u, str) and u[:1] in "[{":
            value = decode_text(u)
            if value is not None:
                decoded[u] = value
    if not decoded:
        return series, 0
    hit = text.map(lambda v: v in decoded if isinstance(v, str) else False).astype(bool)
    out = text.astype("object").copy()
    out[hit] = pd.Series([decoded[v] for v in text[hit]], index=out.index[hit], dtype=object)
    return out, int(hit.sum())


def is_structured(value: Any) -> bool:
    return isinstance(value, list | dict)
