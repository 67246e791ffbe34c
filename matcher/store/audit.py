"""The append-only audit log (triggers refuse updates and deletes)."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from matcher import fields as F
from matcher.identity import User
from matcher.store.records import (
    Rows,
    dump_json,
    utc_now,
)
from matcher.store.scope import Scoped

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


class Audited(Scoped):
    """The append-only audit log (triggers refuse updates and deletes)."""

    @staticmethod
    def _audit(
        conn: Any,
        actor: str,
        action: str,
        entity: str,
        key: str,
        *,
        structure_id: int | None = None,
        profile_id: int | None = None,
        before: Any = None,
        after: Any = None,
        at: str | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO audit (at, actor, action, entity, entity_key, structure_id, profile_id, "
            "before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (at or utc_now(), actor, action, entity, key, structure_id, profile_id, dump_json(before),
             dump_json(after)),
        )  # fmt: skip

    @staticmethod
    def _actor_login(user: User | str | None) -> str:
        if isinstance(user, User):
            return user.login
        return user or "système"

    def audit(
        self, user: User, *, action: str | None = None, limit: int | None = None
    ) -> pd.DataFrame:
        """The audit log, oldest first (the last ``limit`` entries if given). A counsellor sees
        the entries about their structure only; ``before``/``after`` are decoded JSON."""
        return self.audit_rows(user, action=action, limit=limit).frame()

    def audit_rows(
        self, user: User, *, action: str | None = None, limit: int | None = None
    ) -> Rows:
        """:meth:`audit` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sql = (
                "SELECT a.id, a.at, a.actor, a.action, a.entity, a.entity_key, "
                "s.name AS structure, a.before, a.after FROM audit a "
                "LEFT JOIN structures s ON s.id = a.structure_id "
                "WHERE (CAST(? AS INTEGER) IS NULL OR a.structure_id = ?)"
            )
            args: list[Any] = [scope.structure_id, scope.structure_id]
            if action is not None:
                sql += " AND a.action = ?"
                args.append(action)
            sql += " ORDER BY a.id DESC"
            if limit is not None:
                sql += " LIMIT ?"
                args.append(int(limit))
            rows = conn.execute(sql, args).fetchall()
        records = []
        for r in reversed(rows):
            rec = dict(r)
            for k in ("before", "after"):
                rec[k] = json.loads(rec[k]) if rec[k] is not None else None
            records.append(rec)
        columns = ("id", "at", "actor", "action", "entity", "entity_key", F.STRUCTURE,
                   "before", "after")  # fmt: skip
        return Rows(columns, records)
