"""Profiles (pseudonymous) and structures."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from matcher import fields as F
from matcher.errors import AccessDenied
from matcher.identity import User
from matcher.store.imports import ImportsStore
from matcher.store.records import (
    Rows,
    decode_record,
    record_json,
    utc_now,
)
from matcher.store.scope import COORDINATOR_HIDDEN_PROFILE_FIELDS

if TYPE_CHECKING:
    import pandas as pd

    from matcher.intake.report import ImportReport

log = logging.getLogger(__name__)


class ProfilesStore(ImportsStore):
    """Profiles (pseudonymous) and structures."""

    def save_profiles(
        self,
        frame: pd.DataFrame,
        report: ImportReport,
        user: User | str | None = None,
        changes: dict[str, list[str]] | None = None,
    ) -> dict[str, int]:
        """Insert or update profiles (key: structure + identifier), in one transaction.

        A counsellor imports only their structure's profiles (any other row refuses the whole
        file, nothing stored). A profile present in an import counts as activity (retention)."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        now = utc_now()
        actor = self._actor_login(user)
        with self.write() as conn:
            if isinstance(user, User):
                scope = self._scope(conn, user)
                if scope.structure is not None and len(frame):
                    others = sorted(set(frame[F.STRUCTURE].astype(str)) - {scope.structure})
                    if others:
                        raise AccessDenied(
                            f"{report.source} : profils d'une autre structure ("
                            + ", ".join(f"« {o} »" for o in others)
                            + f") ; vous ne pouvez importer que ceux de « {scope.structure} »"
                        )
            names = sorted(set(frame[F.STRUCTURE].astype(str))) if len(frame) else []
            sids = {name: self._structure_id(conn, name) for name in names}
            import_id = self._insert_import(
                conn, report, actor, sids[names[0]] if len(names) == 1 else None
            )
            for rec in frame.to_dict("records"):
                sid = sids[str(rec[F.STRUCTURE])]
                ref = str(rec[F.PROFILE_REF])
                data = record_json(rec, F.PROFILE_FIELDS)
                old = conn.execute(
                    "SELECT id, data FROM profiles WHERE structure_id = ? AND profile_ref = ?",
                    (sid, ref),
                ).fetchone()
                if old is None:
                    conn.execute(
                        "INSERT INTO profiles (structure_id, profile_ref, data, import_id, "
                        "created_at, updated_at, last_activity) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (sid, ref, data, import_id, now, now, now),
                    )
                    counts["created"] += 1
                    if changes is not None:  # which references, for the import report
                        changes.setdefault("created", []).append(ref)
                elif old["data"] != data:
                    conn.execute(
                        "UPDATE profiles SET data = ?, import_id = ?, updated_at = ?, "
                        "last_activity = ? WHERE id = ?",
                        (data, import_id, now, now, old["id"]),
                    )
                    counts["updated"] += 1
                    if changes is not None:  # which references, for the import report
                        changes.setdefault("updated", []).append(ref)
                else:
                    conn.execute(
                        "UPDATE profiles SET last_activity = ? WHERE id = ?", (now, old["id"])
                    )
                    counts["unchanged"] += 1
                    if changes is not None:  # which references, for the import report
                        changes.setdefault("unchanged", []).append(ref)
            for name, sid in sids.items():
                self._audit(conn, actor, "import", "profiles", f"import {import_id} / {name}",
                            structure_id=sid, after={"source": report.source, **counts},
                            at=now)  # fmt: skip
        log.info("profiles saved: %s", counts)
        return counts

    def profiles(self, user: User, structure: str | None = None) -> pd.DataFrame:
        """Profiles as a canonical frame, ordered by structure and identifier. The coordinator
        gets them in pseudonymous form (``COORDINATOR_HIDDEN_PROFILE_FIELDS`` left out)."""
        return self.profile_rows(user, structure).frame()

    def profile_rows(self, user: User, structure: str | None = None) -> Rows:
        """:meth:`profiles` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sid = self._structure_filter(conn, scope, structure)
            rows = conn.execute(
                "SELECT p.data FROM profiles p JOIN structures s ON s.id = p.structure_id "
                "WHERE CAST(? AS INTEGER) IS NULL OR p.structure_id = ? ORDER BY s.name, p.profile_ref",
                (sid, sid),
            ).fetchall()
        columns = list(F.PROFILE_FIELDS)
        if not scope.full_profiles:
            columns = [c for c in columns if c not in COORDINATOR_HIDDEN_PROFILE_FIELDS]
        records = [decode_record(r["data"]) for r in rows]
        return Rows(tuple(columns), records)

    def structures(self, user: User) -> list[str]:
        """Names of the structures the user may see (a counsellor: their own)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT name FROM structures WHERE CAST(? AS INTEGER) IS NULL OR id = ? ORDER BY name",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        return [r["name"] for r in rows]
