"""The pool ("vivier"): people a counsellor keeps in view for an occupation."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from matcher import fields as F
from matcher.identity import User
from matcher.store.audit import Audited
from matcher.store.records import (
    Rows,
    utc_now,
)

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


class PoolStore(Audited):
    """The pool ("vivier"): people a counsellor keeps in view for an occupation."""

    def pool_add(
        self,
        user: User,
        profile_ref: str,
        code: str,
        *,
        structure: str | None = None,
        note: str | None = None,
    ) -> bool:
        """Keep a profile in the pool for a kind of job (``code``: a ROME code such as N1103,
        or a prefix: professional domain N11, family N). Returns False if already there."""
        with self.write() as conn:
            scope = self._scope(conn, user)
            prof = self._visible_profile(conn, scope, profile_ref, structure)
            now = utc_now()
            cur = conn.execute(
                "INSERT INTO pool (profile_id, code, note, added_by, added_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (profile_id, code) DO NOTHING",
                (prof["id"], code, note, scope.actor, now),
            )
            if cur.rowcount == 0:
                return False
            conn.execute("UPDATE profiles SET last_activity = ? WHERE id = ?", (now, prof["id"]))
            self._audit(conn, scope.actor, "pool_add", "pool",
                        f"{prof['structure']} / {profile_ref} / {code}",
                        structure_id=prof["structure_id"], profile_id=prof["id"],
                        after={"code": code, "note": note}, at=now)  # fmt: skip
        return True

    def pool_remove(
        self, user: User, profile_ref: str, code: str, *, structure: str | None = None
    ) -> bool:
        """Take a profile out of the pool for ``code``. Returns False if it was not there."""
        with self.write() as conn:
            scope = self._scope(conn, user)
            prof = self._visible_profile(conn, scope, profile_ref, structure)
            row = conn.execute(
                "SELECT note FROM pool WHERE profile_id = ? AND code = ?", (prof["id"], code)
            ).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM pool WHERE profile_id = ? AND code = ?", (prof["id"], code))
            self._audit(conn, scope.actor, "pool_remove", "pool",
                        f"{prof['structure']} / {profile_ref} / {code}",
                        structure_id=prof["structure_id"], profile_id=prof["id"],
                        before={"code": code, "note": row["note"]})  # fmt: skip
        return True

    def pool(self, user: User, structure: str | None = None) -> pd.DataFrame:
        """Pool entries the user may see: structure, profile_ref, pool_code, note, who, when."""
        return self.pool_rows(user, structure).frame()

    def pool_rows(self, user: User, structure: str | None = None) -> Rows:
        """:meth:`pool` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sid = self._structure_filter(conn, scope, structure)
            rows = conn.execute(
                "SELECT s.name AS structure, p.profile_ref, v.code AS pool_code, v.note, "
                "v.added_by, v.added_at FROM pool v JOIN profiles p ON p.id = v.profile_id "
                "JOIN structures s ON s.id = p.structure_id "
                "WHERE CAST(? AS INTEGER) IS NULL OR p.structure_id = ? "
                "ORDER BY s.name, p.profile_ref, v.code",
                (sid, sid),
            ).fetchall()
        columns = (F.STRUCTURE, F.PROFILE_REF, F.POOL_CODE, "note", "added_by", "added_at")
        return Rows(columns, [dict(r) for r in rows])
