"""Suggestions saved by a matching run (a snapshot of the ranking) and read back."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from matcher import fields as F
from matcher.identity import User
from matcher.store.audit import Audited
from matcher.store.records import (
    Rows,
    inserted_id,
    jsonable,
    utc_now,
)

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)

# What a suggestion keeps of the ranking besides score and reasons (a snapshot at match time).
# TO_DISCUSS / REACH_REASON (issue 13): the "hors rayon / à discuter" part and its reason.
SNAPSHOT_FIELDS = (*F.COMPONENTS, F.DISTANCE_KM, F.OCC_KIND, F.MATCHED_SKILLS, F.MISSING_SKILLS,
                   F.TO_DISCUSS, F.REACH_REASON)  # fmt: skip


def _upsert_suggestions(
    conn: Any, suggestions: pd.DataFrame, run_id: int, now: str
) -> tuple[int, dict[str, int]]:
    """Each suggestion of a known profile and offer inserted, or its snapshot refreshed (status
    and decision kept). Returns (how many stored, offer -> version)."""
    ids = {
        (r["name"], r["profile_ref"]): r["id"]
        for r in conn.execute(
            "SELECT s.name, p.profile_ref, p.id FROM profiles p "
            "JOIN structures s ON s.id = p.structure_id"
        )
    }
    versions = {
        r["offer_ref"]: r["version"] for r in conn.execute("SELECT offer_ref, version FROM offers")
    }
    stored = 0
    for rec in suggestions.to_dict("records"):
        pid = ids.get((rec[F.STRUCTURE], str(rec[F.PROFILE_REF])))
        if pid is None or rec[F.OFFER_REF] not in versions:
            continue
        components = json.dumps(
            {c: jsonable(rec.get(c)) for c in SNAPSHOT_FIELDS}, ensure_ascii=False
        )
        conn.execute(
            "INSERT INTO suggestions (offer_ref, profile_id, run_id, rank, score, "
            "components, reasons, offer_version, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (offer_ref, profile_id) DO UPDATE SET run_id = excluded.run_id, "
            "rank = excluded.rank, score = excluded.score, components = excluded.components, "
            "reasons = excluded.reasons, offer_version = excluded.offer_version, "
            "updated_at = excluded.updated_at",
            (
                rec[F.OFFER_REF],
                pid,
                run_id,
                int(rec[F.RANK]),
                float(rec[F.SCORE]),
                components,
                json.dumps(jsonable(list(rec[F.REASONS])), ensure_ascii=False),
                versions[rec[F.OFFER_REF]],
                now,
                now,
            ),
        )
        stored += 1
    return stored, versions


def _remove_undecided(conn: Any, ranked_offers: Sequence[str], run_id: int) -> int:
    """Undecided pairs of the ranked offers that this run no longer suggests, removed."""
    removed = 0
    for ref in ranked_offers:
        removed += conn.execute(
            "DELETE FROM suggestions WHERE offer_ref = ? AND review_id = 0 AND run_id <> ?",
            (ref, run_id),
        ).rowcount
    return removed


def _save_offer_codes(
    conn: Any, offer_codes: Mapping[str, Sequence[str]], versions: dict[str, int]
) -> None:
    """The occupation codes each stored offer was ranked with (for the pool look-up)."""
    for ref, codes in offer_codes.items():
        if ref not in versions:
            continue
        conn.execute("DELETE FROM offer_occupations WHERE offer_ref = ?", (ref,))
        conn.executemany(
            "INSERT INTO offer_occupations (offer_ref, code) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(ref, str(c).upper()) for c in codes if c],
        )


class SuggestionsStore(Audited):
    """Suggestions saved by a matching run (a snapshot of the ranking) and read back."""

    def save_suggestions(
        self,
        suggestions: pd.DataFrame,
        settings: dict[str, Any],
        *,
        ranked_offers: Sequence[str] | None = None,
        offer_codes: Mapping[str, Sequence[str]] | None = None,
        user: User | str | None = None,
    ) -> int:
        """Store a matching run, in one transaction. Returns the run id.

        A pair already stored keeps its status and decision (never reset, never duplicated);
        its score snapshot is refreshed. With ``ranked_offers`` (the offers this run ranked),
        undecided pairs of those offers that the run no longer suggests are removed, so the
        lists stay current; decided pairs always stay. ``offer_codes`` (offer -> occupation
        codes used by the run) feed the pool look-up."""
        now = utc_now()
        actor = self._actor_login(user)
        with self.write() as conn:
            run_id = inserted_id(
                conn.execute(
                    "INSERT INTO match_runs (created_at, settings, n_suggestions) VALUES (?, ?, ?) "
                    "RETURNING id",
                    (now, json.dumps(settings, ensure_ascii=False, default=str), len(suggestions)),
                )
            )
            stored, versions = _upsert_suggestions(conn, suggestions, run_id, now)
            removed = 0
            if ranked_offers is not None:
                removed = _remove_undecided(conn, ranked_offers, run_id)
            if offer_codes is not None:
                _save_offer_codes(conn, offer_codes, versions)
            self._audit(conn, actor, "match", "run", f"calcul {run_id}",
                        after={"suggestions": stored, "retirees": removed}, at=now)  # fmt: skip
        return run_id

    _SUGGESTION_SQL = (
        "SELECT g.id, g.offer_ref, p.profile_ref, s.name AS structure, g.rank, g.score, "
        "g.components, g.reasons, g.status, g.status_at, g.status_by, g.reason, g.comment, "
        "g.review_id, o.status AS offer_status, o.version AS offer_version, "
        "CASE WHEN g.review_id > 0 THEN o.version > g.status_offer_version "
        "     ELSE o.version > g.offer_version END AS offer_changed, "
        "g.run_id = (SELECT MAX(id) FROM match_runs) AS in_latest_run, "
        "EXISTS (SELECT 1 FROM pool v JOIN offer_occupations oc ON oc.offer_ref = g.offer_ref "
        "        AND substr(oc.code, 1, length(v.code)) = v.code "
        "        WHERE v.profile_id = g.profile_id) AS in_pool, "
        "g.updated_at "
        "FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
        "JOIN structures s ON s.id = p.structure_id JOIN offers o ON o.offer_ref = g.offer_ref "
    )

    SUGGESTION_COLUMNS: tuple[str, ...] = (
        F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE, F.RANK, F.SCORE, *SNAPSHOT_FIELDS,
        F.REASONS, F.STATUS, F.STATUS_AT, F.STATUS_BY, F.REASON, F.COMMENT, F.REVIEW_ID,
        F.OFFER_STATUS, F.OFFER_VERSION, F.OFFER_CHANGED, F.IN_LATEST_RUN, F.IN_POOL,
        F.UPDATED_AT,
    )  # fmt: skip

    def suggestions(
        self,
        user: User,
        offer_ref: str | None = None,
        structure: str | None = None,
        *,
        profile_ref: str | None = None,
        status: str | Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Stored suggestions the user may see, with their current decision.

        One row per pair: score snapshot and components, reasons, ``status`` (with who decided
        and when, ``reason`` and ``comment``), the offer's current status and version,
        ``offer_changed`` (the offer changed since the suggestion or its decision),
        ``in_latest_run``, ``in_pool`` (the profile is in its counsellor's pool for this kind of
        job). Ordered by offer, pool first, then best score. A counsellor sees their structure's
        pairs only; asking for another structure is refused."""
        return self.suggestion_rows(user, offer_ref, structure, profile_ref=profile_ref,
                                    status=status).frame()  # fmt: skip

    def suggestion_rows(
        self,
        user: User,
        offer_ref: str | None = None,
        structure: str | None = None,
        *,
        profile_ref: str | None = None,
        status: str | Sequence[str] | None = None,
    ) -> Rows:
        """:meth:`suggestions` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sid = self._structure_filter(conn, scope, structure)
            sql = self._SUGGESTION_SQL + "WHERE (CAST(? AS INTEGER) IS NULL OR p.structure_id = ?)"
            args: list[Any] = [sid, sid]
            if offer_ref is not None:
                sql += " AND g.offer_ref = ?"
                args.append(offer_ref)
            if profile_ref is not None:
                sql += " AND p.profile_ref = ?"
                args.append(profile_ref)
            if status is not None:
                wanted = [status] if isinstance(status, str) else list(status)
                sql += f" AND g.status IN ({', '.join('?' * len(wanted)) or 'NULL'})"
                args += wanted
            # People who cannot reach the job come after every reachable one (issue 13).
            to_discuss = self.backend.json_flag("g.components", F.TO_DISCUSS)
            sql += (f" ORDER BY g.offer_ref, in_pool DESC, {to_discuss}, g.score DESC, "
                    "s.name, p.profile_ref")  # fmt: skip
            rows = conn.execute(sql, args).fetchall()
        records = []
        for r in rows:
            rec = dict(r)
            rec.pop("id")
            rec.update(json.loads(rec.pop("components")))
            rec[F.REASONS] = json.loads(rec[F.REASONS])
            for flag in (F.OFFER_CHANGED, F.IN_LATEST_RUN, F.IN_POOL):
                rec[flag] = bool(rec[flag])
            records.append(rec)
        return Rows(self.SUGGESTION_COLUMNS, records)

    def statistics(self, user: User) -> pd.DataFrame:
        """Anonymous counts that survive the retention purge: per structure, month of creation
        (YYYY-MM), metric ("profiles", "suggestions" by current status and reason, "decisions"
        by status decided), ``n``. Live data and the purge archive are added up."""
        return self.statistic_rows(user).frame()

    def statistic_rows(self, user: User) -> Rows:
        """:meth:`statistics` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT structure, month, metric, status, reason, CAST(SUM(n) AS INTEGER) AS n FROM ("
                "  SELECT p.structure_id AS sid, substr(p.created_at, 1, 7) AS month, "
                "    'profiles' AS metric, NULL AS status, NULL AS reason, COUNT(*) AS n "
                "    FROM profiles p GROUP BY 1, 2 "
                "  UNION ALL SELECT p.structure_id, substr(g.created_at, 1, 7), 'suggestions', "
                "    g.status, g.reason, COUNT(*) FROM suggestions g "
                "    JOIN profiles p ON p.id = g.profile_id GROUP BY 1, 2, 4, 5 "
                "  UNION ALL SELECT p.structure_id, substr(g.created_at, 1, 7), 'decisions', "
                "    r.status, r.reason, COUNT(*) FROM reviews r "
                "    JOIN suggestions g ON g.id = r.suggestion_id "
                "    JOIN profiles p ON p.id = g.profile_id GROUP BY 1, 2, 4, 5 "
                "  UNION ALL SELECT structure_id, month, metric, status, reason, n "
                "    FROM stats_archive"
                ") t JOIN (SELECT id, name AS structure FROM structures) s ON s.id = t.sid "
                "WHERE CAST(? AS INTEGER) IS NULL OR t.sid = ? "
                "GROUP BY structure, month, metric, status, reason "
                "ORDER BY structure, month, metric, status NULLS FIRST, reason NULLS FIRST",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        columns = (F.STRUCTURE, "month", "metric", F.STATUS, F.REASON, "n")
        return Rows(columns, [dict(r) for r in rows])

    def latest_settings(self) -> dict[str, Any] | None:
        """The settings of the last matching run (shown in the exported workbooks)."""
        with self.read() as conn:
            row = conn.execute(
                "SELECT settings FROM match_runs ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return json.loads(row["settings"]) if row else None

    def latest_run(self, user: User) -> dict[str, Any] | None:
        """The latest matching run: id, created_at (ISO UTC), settings (dict), n_suggestions;
        None before the first run. Any active user may read it (no personal data)."""
        with self.read() as conn:
            self._scope(conn, user)
            row = conn.execute(
                "SELECT id, created_at, settings, n_suggestions FROM match_runs "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        return {**dict(row), "settings": json.loads(row["settings"])}
