"""The matching state: what the last matching run computed, so that the next run re-scores only
the offers that changed or whose candidates changed (matcher/workflow/matching.py).

One row, an opaque blob written and read by the matching workflow only. It holds derived data
of the offers and profiles (their prepared columns), so a purge clears it (the next run is then
a full one); it is rebuilt by every run."""

from __future__ import annotations

from matcher.store.connection import Connection
from matcher.store.records import utc_now


class MatchingStore(Connection):
    """The matching state (one blob)."""

    def match_state(self) -> bytes | None:
        """The blob saved by the last matching run, or None."""
        with self.read() as conn:
            row = conn.execute("SELECT data FROM match_state WHERE id = 1").fetchone()
        return None if row is None else bytes(row["data"])

    def save_match_state(self, data: bytes) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO match_state (id, created_at, data) VALUES (1, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, "
                "data = excluded.data",
                (utc_now(), data),
            )

    def latest_run_id(self) -> int | None:
        with self.read() as conn:
            row = conn.execute("SELECT MAX(id) AS id FROM match_runs").fetchone()
        return None if row is None or row["id"] is None else int(row["id"])

    def carry_suggestions(self, offer_refs: list[str], from_run: int, to_run: int) -> int:
        """Suggestions of ``offer_refs`` made by run ``from_run`` now belong to ``to_run``: an
        incremental run found these offers unchanged, so their lists are those it would have
        written (a full run would have rewritten them identically)."""
        with self.write() as conn:
            return sum(
                conn.execute(
                    "UPDATE suggestions SET run_id = ? WHERE run_id = ? AND offer_ref = ?",
                    (to_run, from_run, ref),
                ).rowcount
                for ref in offer_refs
            )

    def clear_match_state(self) -> None:
        with self.write() as conn:
            conn.execute("DELETE FROM match_state")
