"""Retention: profiles without activity removed with everything about them, counts archived."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from matcher.identity import User
from matcher.store.audit import Audited
from matcher.store.records import (
    utc_now,
)

log = logging.getLogger(__name__)


class PurgeStore(Audited):
    """Retention: profiles without activity removed with everything about them, counts archived."""

    _STALE = "SELECT id FROM profiles WHERE last_activity < ?"

    def purge(self, user: User, cutoff: dt.datetime, *, dry_run: bool = False) -> dict[str, Any]:
        """Remove the profiles with no activity since ``cutoff`` (import, decision, pool), with
        their suggestions, decisions, pool entries and the audit entries about them, in one
        transaction. Anonymous counts are archived first (see :meth:`statistics`). Coordinator
        only. Returns what was (or, with ``dry_run``, would be) removed, by structure."""
        limit = cutoff.astimezone(dt.UTC).isoformat(timespec="seconds")
        now = utc_now()
        with self.write() as conn:
            scope = self._scope(conn, user)
            self._require_coordinator(scope, "purge des données anciennes")
            stale = self._STALE
            per_structure = {
                r["name"]: r["n"]
                for r in conn.execute(
                    f"SELECT s.name, COUNT(*) AS n FROM profiles p JOIN structures s "
                    f"ON s.id = p.structure_id WHERE p.id IN ({stale}) GROUP BY s.name "
                    "ORDER BY s.name",
                    (limit,),
                )
            }

            def count(sql: str) -> int:
                return int(conn.execute(sql, (limit,)).fetchone()[0])

            report: dict[str, Any] = {
                "cutoff": limit,
                "profiles": sum(per_structure.values()),
                "by_structure": per_structure,
                "suggestions": count(
                    f"SELECT COUNT(*) FROM suggestions WHERE profile_id IN ({stale})"
                ),
                "decisions": count(
                    "SELECT COUNT(*) FROM reviews r JOIN suggestions g ON g.id = r.suggestion_id "
                    f"WHERE g.profile_id IN ({stale})"
                ),
                "pool": count(f"SELECT COUNT(*) FROM pool WHERE profile_id IN ({stale})"),
                "audit": count(f"SELECT COUNT(*) FROM audit WHERE profile_id IN ({stale})"),
                "dry_run": dry_run,
            }
            if dry_run or not report["profiles"]:
                return report
            conn.execute(
                "INSERT INTO stats_archive (purged_at, structure_id, metric, month, status, "
                "reason, n) SELECT ?, structure_id, 'profiles', substr(created_at, 1, 7), NULL, "
                f"NULL, COUNT(*) FROM profiles WHERE id IN ({stale}) GROUP BY 2, 4",
                (now, limit),
            )
            conn.execute(
                "INSERT INTO stats_archive (purged_at, structure_id, metric, month, status, "
                "reason, n) SELECT ?, p.structure_id, 'suggestions', substr(g.created_at, 1, 7), "
                "g.status, g.reason, COUNT(*) FROM suggestions g JOIN profiles p "
                f"ON p.id = g.profile_id WHERE p.id IN ({stale}) GROUP BY 2, 4, 5, 6",
                (now, limit),
            )
            conn.execute(
                "INSERT INTO stats_archive (purged_at, structure_id, metric, month, status, "
                "reason, n) SELECT ?, p.structure_id, 'decisions', substr(g.created_at, 1, 7), "
                "r.status, r.reason, COUNT(*) FROM reviews r JOIN suggestions g "
                "ON g.id = r.suggestion_id JOIN profiles p ON p.id = g.profile_id "
                f"WHERE p.id IN ({stale}) GROUP BY 2, 4, 5, 6",
                (now, limit),
            )
            # The guard row lets the append-only triggers accept these deletions; it is removed
            # before the commit, so outside this transaction the guard table is always empty.
            conn.execute("INSERT INTO purge_guard (id) VALUES (1)")
            conn.execute(f"DELETE FROM audit WHERE profile_id IN ({stale})", (limit,))
            conn.execute(f"DELETE FROM profiles WHERE id IN ({stale})", (limit,))
            conn.execute("DELETE FROM purge_guard")
            # The matching state holds prepared columns of every profile: gone with them.
            conn.execute("DELETE FROM match_state")
            self._audit(conn, scope.actor, "purge", "profiles", f"inactifs avant {limit}",
                        after={k: v for k, v in report.items() if k != "dry_run"}, at=now)  # fmt: skip
        log.info("purge: %s", report)
        return report
