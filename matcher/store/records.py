"""JSON form of stored records (canonical fields, dates, numpy scalars) and small SQL helpers."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np

from matcher import fields as F

log = logging.getLogger(__name__)

DATE_FIELDS = (F.START_DATE, F.AVAILABLE_FROM)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def inserted_id(cur: sqlite3.Cursor) -> int:
    """Row id of the row the INSERT run on ``cur`` wrote. The stubs type ``lastrowid`` as
    ``int | None``: None only before any INSERT on the cursor, never after one."""
    rowid = cur.lastrowid
    if rowid is None:
        raise RuntimeError("INSERT without a row id")
    return rowid


def jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def record_json(record: dict[str, Any], fields: Sequence[str]) -> str:
    """Canonical JSON of a record (only the canonical fields, in a fixed order). Fields added
    later (``F.SPARSE_FIELDS``) are written only when they hold a value, so a record stored
    before they existed is unchanged when it is imported again."""
    data = {f: jsonable(record.get(f)) for f in fields}
    data = {f: v for f, v in data.items() if v is not None or f not in F.SPARSE_FIELDS}
    return json.dumps(data, ensure_ascii=False)


def decode_record(text: str) -> dict[str, Any]:
    data = json.loads(text)
    for f in DATE_FIELDS:
        if data.get(f):
            try:
                data[f] = dt.date.fromisoformat(data[f])
            except (TypeError, ValueError):
                pass  # a value that could not be parsed at import stays text
    return data


def dump_json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)
