"""Imports: one row per imported file with its report, and remembered column mappings."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from matcher import fields as F
from matcher.errors import UserError
from matcher.identity import User
from matcher.store.audit import Audited
from matcher.store.records import (
    Rows,
    inserted_id,
    utc_now,
)

if TYPE_CHECKING:
    import pandas as pd

    from matcher.intake.report import ImportReport

log = logging.getLogger(__name__)


class ImportsStore(Audited):
    """Imports: one row per imported file with its report, and remembered column mappings."""

    def _insert_import(
        self,
        conn: Any,
        report: ImportReport,
        user: str,
        structure_id: int | None = None,
    ) -> int:
        cur = conn.execute(
            "INSERT INTO imports (kind, source, sha256, created_at, created_by, rows_read, "
            "rows_imported, rows_rejected, report, structure_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                report.kind,
                report.source,
                report.sha256,
                utc_now(),
                user,
                report.rows_read,
                report.rows_imported,
                report.rows_rejected,
                json.dumps(report.to_dict(), ensure_ascii=False, default=str),
                structure_id,
            ),
        )
        return inserted_id(cur)

    def imports(self, user: User) -> pd.DataFrame:
        """Imports with their counts: all for the coordinator; for a counsellor, the offer
        imports and their own structure's profile imports."""
        return self.import_rows(user).frame()

    def import_rows(self, user: User) -> Rows:
        """:meth:`imports` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT i.id, i.kind, i.source, i.created_at, i.created_by, s.name AS structure, "
                "i.rows_read, i.rows_imported, i.rows_rejected FROM imports i "
                "LEFT JOIN structures s ON s.id = i.structure_id "
                "WHERE CAST(? AS INTEGER) IS NULL OR i.kind = 'offers' OR i.structure_id = ? "
                "ORDER BY i.id",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        columns = ("id", "kind", "source", "created_at", "created_by", F.STRUCTURE, "rows_read",
                   "rows_imported", "rows_rejected")  # fmt: skip
        return Rows(columns, [dict(r) for r in rows])

    def import_report(self, user: User, import_id: int) -> dict[str, Any]:
        """The stored report of one import the user may see (see :meth:`imports`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            row = conn.execute(
                "SELECT report FROM imports WHERE id = ? AND "
                "(CAST(? AS INTEGER) IS NULL OR kind = 'offers' OR structure_id = ?)",
                (import_id, scope.structure_id, scope.structure_id),
            ).fetchone()
        if row is None:
            raise UserError(f"import n° {import_id} introuvable")
        return json.loads(row["report"])

    def remember_mapping(
        self, kind: str, signature: str, mapping: Mapping[str, str | None]
    ) -> None:
        """Remember the mapping the user confirmed for a header (None: column left out)."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO mappings (kind, signature, mapping, confirmed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (kind, signature) DO UPDATE SET mapping = excluded.mapping, "
                "confirmed_at = excluded.confirmed_at",
                (kind, signature, json.dumps(dict(mapping), ensure_ascii=False), utc_now()),
            )

    def remembered_mappings(self, kind: str) -> dict[str, dict[str, str | None]]:
        with self.read() as conn:
            rows = conn.execute(
                "SELECT signature, mapping FROM mappings WHERE kind = ?", (kind,)
            ).fetchall()
        return {r["signature"]: json.loads(r["mapping"]) for r in rows}
