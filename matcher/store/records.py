"""JSON form of stored records (canonical fields, dates, numpy scalars) and small SQL helpers."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from matcher import fields as F

# pandas and numpy are imported where a frame is built, not here: commands that only print
# rows (list, user list, decide) never load them (issue 15).
if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

DATE_FIELDS = (F.START_DATE, F.AVAILABLE_FROM)


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def inserted_id(cur: Any) -> int:
    """Id of the row an ``INSERT ... RETURNING id`` run on ``cur`` wrote (both engines: SQLite's
    cursor row id has no PostgreSQL counterpart)."""
    row = cur.fetchone()
    if row is None:
        raise RuntimeError("INSERT without RETURNING id")
    return int(row[0])


def read_frame(conn: Any, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    """A query's rows as a DataFrame with its column names (either engine)."""
    import pandas as pd

    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    return pd.DataFrame([tuple(r) for r in cur.fetchall()], columns=names)


def jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    np = sys.modules.get("numpy")  # a numpy scalar exists only once numpy was imported
    if np is not None and isinstance(value, np.generic):
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
