"""JSON form of stored records (canonical fields, dates, numpy scalars) and small SQL helpers."""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import sys
from collections.abc import Sequence
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Rows:
    """What a read of the store found, before it becomes a DataFrame: its columns and its
    records (one dict per row, as decoded; a field may be absent or None).

    The store's reads return ``rows.frame()``; commands that only print rows (``list``,
    ``user list``) use ``rows.as_in_frame()`` and never import pandas (issue 15): one query,
    two shapes."""

    columns: tuple[str, ...]
    records: list[dict[str, Any]]

    def __len__(self) -> int:
        return len(self.records)

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(self.records, columns=list(self.columns))

    def as_in_frame(self) -> list[dict[str, Any]]:
        """The records as ``self.frame().to_dict("records")`` has them, without pandas: every
        column in order, a missing value None (the frame's NaN), and numbers typed per column
        as pandas types them (integers become floats in a column that has a float or a missing
        value). Records hold what the store decodes (text, numbers, booleans, lists, dicts,
        dates), never datetimes or numpy values; tests/test_light_commands.py compares both."""
        out = [{c: _present(r.get(c)) for c in self.columns} for r in self.records]
        for c in self.columns:
            if _as_floats([r[c] for r in out]):
                for r in out:
                    if r[c] is not None:
                        r[c] = float(r[c])
        return out


# The integers pandas holds in an int64 or uint64 column (beyond: a column of objects).
_INT_RANGE = (-(2**63), 2**64 - 1)


def _present(value: Any) -> Any:
    """None for a missing value (None, NaN), else the value."""
    return None if isinstance(value, float) and math.isnan(value) else value


def _as_floats(values: list[Any]) -> bool:
    """True when pandas makes a column of these values float64: numbers only (booleans are
    not), with a float or a missing value among them."""
    missing = floats = False
    for v in values:
        if v is None:
            missing = True
        elif type(v) is float:
            floats = True
        elif type(v) is not int or not _INT_RANGE[0] <= v <= _INT_RANGE[1]:
            return False
    return floats or (missing and len(values) > len([v for v in values if v is None]))


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
