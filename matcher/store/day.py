"""The Busin'ESS day (issue 17): pairs marked « pour la journée », the day's setup, the people's
presence windows and the timetable.

Rights, as everywhere in the store, in SQL: a counsellor marks and reads their structure's
pairs, sets their people's windows and reads their people's meetings; the coordinator sees all,
sets the day up and saves the plans. The setup (hours, tables, firms, business meetings) holds
no personal data; any user may read it.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from matcher import fields as F
from matcher.day import model as M
from matcher.errors import UserError
from matcher.identity import User
from matcher.store.audit import Audited
from matcher.store.records import dump_json, inserted_id, utc_now

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

# Statuses of a pair that may go to the day: the counsellor retained the person, at least.
DAY_STATUSES = (F.Status.RETAINED.value, F.Status.PROPOSED.value, F.Status.INTERVIEW.value)
MARKED_BY = "marked_by"
MARKED_AT = "marked_at"
DAY_PAIR_COLUMNS = (F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF, F.STATUS, F.SCORE, MARKED_BY,
                    MARKED_AT)  # fmt: skip
DAY_PEOPLE_COLUMNS = (F.STRUCTURE, F.PROFILE_REF, M.ARRIVAL, M.DEPARTURE, M.ACCOMPANIED)


class DayStore(Audited):
    """The Busin'ESS day: marks, setup, windows, timetable."""

    # -- pairs « pour la journée » ------------------------------------------------------------
    def day_mark(
        self,
        user: User,
        offer_ref: str,
        profile_ref: str,
        *,
        structure: str | None = None,
        marked: bool = True,
    ) -> bool:
        """Mark (or unmark) a pair for the day. Only a pair the counsellor retained (or
        proposed, or at interview) may be marked. Returns False when nothing changed."""
        with self.write() as conn:
            scope = self._scope(conn, user)
            prof = self._visible_profile(conn, scope, profile_ref, structure)
            row = conn.execute(
                "SELECT g.id, g.status FROM suggestions g WHERE g.offer_ref = ? AND g.profile_id = ?",
                (offer_ref, prof["id"]),
            ).fetchone()
            if row is None:
                raise UserError(f"aucune suggestion de l'offre {offer_ref} pour {profile_ref}")
            exists = conn.execute(
                "SELECT 1 FROM day_pairs WHERE suggestion_id = ?", (row["id"],)
            ).fetchone()
            if marked == bool(exists):
                return False
            if marked and row["status"] not in DAY_STATUSES:
                label = F.Status(row["status"]).label
                raise UserError(
                    f"{offer_ref} / {profile_ref} : statut « {label} » ; seule une personne "
                    "retenue (ou proposée, ou en entretien) peut être inscrite pour la journée"
                )
            now = utc_now()
            if marked:
                conn.execute(
                    "INSERT INTO day_pairs (suggestion_id, marked_by, marked_at) VALUES (?, ?, ?)",
                    (row["id"], scope.actor, now),
                )
            else:
                conn.execute("DELETE FROM day_pairs WHERE suggestion_id = ?", (row["id"],))
            self._audit(conn, scope.actor, "day_mark" if marked else "day_unmark", "day_pair",
                        f"{offer_ref} / {prof['structure']} / {profile_ref}",
                        structure_id=prof["structure_id"], profile_id=prof["id"],
                        after={"pour_la_journee": marked}, at=now)  # fmt: skip
        return True

    def day_pairs(self, user: User, *, all_retained: bool = False) -> pd.DataFrame:
        """The pairs for the day the user may see: marked ones still retained (or proposed,
        at interview); with ``all_retained``, every pair in those statuses, marked or not."""
        import pandas as pd

        with self.read() as conn:
            scope = self._scope(conn, user)
            statuses = ", ".join("?" * len(DAY_STATUSES))
            rows = conn.execute(
                "SELECT g.offer_ref, s.name AS structure, p.profile_ref, g.status, g.score, "
                "d.marked_by, d.marked_at FROM suggestions g "
                "JOIN profiles p ON p.id = g.profile_id JOIN structures s ON s.id = p.structure_id "
                "LEFT JOIN day_pairs d ON d.suggestion_id = g.id "
                f"WHERE g.status IN ({statuses}) AND (? = 1 OR d.suggestion_id IS NOT NULL) "
                "AND (CAST(? AS INTEGER) IS NULL OR p.structure_id = ?) "
                "ORDER BY g.offer_ref, s.name, p.profile_ref",
                (*DAY_STATUSES, int(all_retained), scope.structure_id, scope.structure_id),
            ).fetchall()
        return pd.DataFrame([dict(r) for r in rows], columns=list(DAY_PAIR_COLUMNS))

    def day_marked(self, user: User) -> set[tuple[str, str, str]]:
        """(offer_ref, structure, profile_ref) of the marked pairs the user may see (whatever
        their status now), for the « pour la journée » badges."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT g.offer_ref, s.name, p.profile_ref FROM day_pairs d "
                "JOIN suggestions g ON g.id = d.suggestion_id "
                "JOIN profiles p ON p.id = g.profile_id JOIN structures s ON s.id = p.structure_id "
                "WHERE CAST(? AS INTEGER) IS NULL OR p.structure_id = ?",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        return {(r[0], r[1], r[2]) for r in rows}

    # -- setup ----------------------------------------------------------------------------------
    def day_setup(self, user: User) -> dict[str, Any] | None:
        """The day's setup (hours, tables, firms, business meetings), None before the first."""
        with self.read() as conn:
            self._scope(conn, user)
            row = conn.execute("SELECT data FROM day_setup WHERE id = 1").fetchone()
        return json.loads(row["data"]) if row else None

    def save_day_setup(self, user: User, setup: dict[str, Any]) -> None:
        """Replace the day's setup (coordinator only)."""
        with self.write() as conn:
            scope = self._scope(conn, user)
            self._require_coordinator(scope, "préparer la journée")
            now = utc_now()
            old = conn.execute("SELECT data FROM day_setup WHERE id = 1").fetchone()
            conn.execute(
                "INSERT INTO day_setup (id, data, updated_at, updated_by) VALUES (1, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                (dump_json(setup), now, scope.actor),
            )
            self._audit(conn, scope.actor, "day_setup", "day", "journée",
                        before=json.loads(old["data"]) if old else None, after=setup, at=now)  # fmt: skip

    # -- people's windows -----------------------------------------------------------------------
    def day_people(self, user: User) -> pd.DataFrame:
        """Presence windows and accompaniment of the people the user may see (only those set)."""
        import pandas as pd

        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT s.name AS structure, p.profile_ref, w.arrival, w.departure, "
                "w.accompanied FROM day_people w JOIN profiles p ON p.id = w.profile_id "
                "JOIN structures s ON s.id = p.structure_id "
                "WHERE CAST(? AS INTEGER) IS NULL OR p.structure_id = ? ORDER BY s.name, p.profile_ref",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        frame = pd.DataFrame([dict(r) for r in rows], columns=list(DAY_PEOPLE_COLUMNS))
        frame[M.ACCOMPANIED] = frame[M.ACCOMPANIED].astype(bool)
        return frame

    def save_day_people(self, user: User, people: pd.DataFrame) -> int:
        """Set the windows and accompaniment of people (columns of ``DAY_PEOPLE_COLUMNS``);
        a counsellor for their structure's people only. Times are checked (HH:MM or empty).
        Returns the rows written."""
        import pandas as pd

        written = 0
        with self.write() as conn:
            scope = self._scope(conn, user)
            now = utc_now()
            for rec in people.to_dict("records"):
                ref, structure = str(rec[F.PROFILE_REF]), str(rec[F.STRUCTURE])
                where = f"personne {ref} ({structure})"
                times = []
                for col, label in ((M.ARRIVAL, "arrivée"), (M.DEPARTURE, "départ")):
                    value = rec.get(col)
                    value = "" if value is None or pd.isna(value) else str(value).strip()
                    if value:
                        value = M.fmt_time(M.parse_time(value, f"{where}, {label}"))
                    times.append(value)
                prof = self._visible_profile(conn, scope, ref, structure)
                accompanied = bool(rec.get(M.ACCOMPANIED)) and not pd.isna(rec.get(M.ACCOMPANIED))
                conn.execute(
                    "INSERT INTO day_people (profile_id, arrival, departure, accompanied, "
                    "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id) "
                    "DO UPDATE SET arrival = excluded.arrival, departure = excluded.departure, "
                    "accompanied = excluded.accompanied, updated_at = excluded.updated_at, "
                    "updated_by = excluded.updated_by",
                    (prof["id"], times[0], times[1], int(accompanied), now, scope.actor),
                )
                self._audit(conn, scope.actor, "day_window", "day_person", f"{structure} / {ref}",
                            structure_id=prof["structure_id"], profile_id=prof["id"],
                            after={"arrivee": times[0], "depart": times[1],
                                   "accompagne": accompanied}, at=now)  # fmt: skip
                written += 1
        return written

    # -- timetable ------------------------------------------------------------------------------
    def save_day_plan(
        self, user: User, meetings: pd.DataFrame, unplaced: pd.DataFrame, stats: dict[str, Any]
    ) -> int:
        """Store a plan (coordinator only): its meetings and the requests left out with why.
        The latest plan is the day's timetable. Returns the plan id."""
        with self.write() as conn:
            scope = self._scope(conn, user)
            self._require_coordinator(scope, "planifier la journée")
            now = utc_now()
            plan_id = inserted_id(conn.execute(
                "INSERT INTO day_plans (created_at, created_by, stats) VALUES (?, ?, ?) "
                "RETURNING id",
                (now, scope.actor, dump_json(stats)),
            ))  # fmt: skip
            ids = {
                (r["name"], r["profile_ref"]): (r["id"], r["structure_id"])
                for r in conn.execute(
                    "SELECT s.name, p.profile_ref, p.id, p.structure_id FROM profiles p "
                    "JOIN structures s ON s.id = p.structure_id"
                )
            }
            rows = []
            for frame, placed in ((meetings, True), (unplaced, False)):
                for rec in frame.to_dict("records"):
                    pid, sid = ids.get((rec.get(M.STRUCTURE), rec.get(M.PROFILE_REF)), (None, None))
                    slot = int(rec[M.SLOT]) if placed else None
                    data = {k: _plain(v) for k, v in rec.items()}
                    rows.append((plan_id, rec[M.REQUEST], pid, sid, slot, dump_json(data)))
            conn.executemany(
                "INSERT INTO day_meetings (plan_id, request, profile_id, structure_id, slot, data) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            # Only the latest plan is kept (older ones are replaced, their stats stay audited).
            conn.execute("DELETE FROM day_plans WHERE id <> ?", (plan_id,))
            self._audit(conn, scope.actor, "day_plan", "day", f"planning {plan_id}",
                        after={k: stats.get(k) for k in ("solveur", "rencontres", "non_placees",
                                                         "deplacees")}, at=now)  # fmt: skip
        return plan_id

    def day_timetable(self, user: User) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any] | None]:
        """(meetings, unplaced, plan info) of the latest plan as the user may see them: a
        counsellor gets their structure's people's meetings only (no business meetings)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            plan = conn.execute(
                "SELECT id, created_at, created_by, stats FROM day_plans ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if plan is None:
                return _meetings([]), _unplaced([]), None
            rows = conn.execute(
                "SELECT slot, data FROM day_meetings WHERE plan_id = ? "
                "AND (CAST(? AS INTEGER) IS NULL OR structure_id = ?) ORDER BY id",
                (plan["id"], scope.structure_id, scope.structure_id),
            ).fetchall()
        placed = [json.loads(r["data"]) for r in rows if r["slot"] is not None]
        left = [json.loads(r["data"]) for r in rows if r["slot"] is None]
        info = {"id": plan["id"], "created_at": plan["created_at"],
                "created_by": plan["created_by"], "stats": json.loads(plan["stats"])}  # fmt: skip
        if scope.structure_id is not None:
            info["stats"] = {}  # the day's figures are the coordinator's
        return _meetings(placed), _unplaced(left), info


def _plain(value: Any) -> Any:
    import pandas as pd

    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    if isinstance(value, float) and pd.isna(value):
        return None
    return value


def _meetings(records: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    columns = [*M.MEETING_COLUMNS, M.MOVED]
    frame = pd.DataFrame(records, columns=columns)
    frame[M.MOVED] = frame[M.MOVED].astype(object).fillna(False)
    return frame.astype({M.SLOT: "int64", M.HELD: bool, M.MOVED: bool, M.ACCOMPANIED: bool,
                         M.SCORE: float})  # fmt: skip


def _unplaced(records: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(records, columns=list(M.UNPLACED_COLUMNS))
