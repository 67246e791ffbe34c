"""Decisions on suggested pairs: recorded in one transaction with the judge's rules, and
their history."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from matcher import fields as F
from matcher.errors import AccessDenied
from matcher.identity import User
from matcher.store.audit import Audited
from matcher.store.records import (
    Rows,
    inserted_id,
    utc_now,
)
from matcher.store.scope import Scope

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PairState:
    """A stored suggestion as a decision sees it (read inside the decision's transaction)."""

    suggestion_id: int
    offer_ref: str
    profile_id: int
    profile_ref: str
    structure: str
    structure_id: int
    status: str
    reason: str | None
    comment: str | None
    review_id: int
    status_at: str | None
    status_by: str | None
    offer_status: str
    offer_version: int
    visible: bool  # the acting user may decide for this profile


@dataclass(frozen=True)
class DecisionWrite:
    """What a judge asks the store to record for one pair."""

    state: PairState
    status: str
    reason: str | None
    comment: str | None
    source: str


class PairKey(Protocol):
    offer_ref: str
    profile_ref: str
    structure: str | None


# What record_decisions is given and what its judge returns (review.Decision and review.Outcome:
# the store does not import the business rules).
_Request = TypeVar("_Request", bound=PairKey)

_Outcome = TypeVar("_Outcome")


class DecisionsStore(Audited):
    """Decisions on suggested pairs: recorded in one transaction with the judge's rules, and"""

    _PAIR_SQL = (
        "SELECT g.id AS suggestion_id, g.offer_ref, g.profile_id, p.profile_ref, "
        "s.name AS structure, p.structure_id, g.status, g.reason, g.comment, g.review_id, "
        "g.status_at, g.status_by, o.status AS offer_status, o.version AS offer_version "
        "FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
        "JOIN structures s ON s.id = p.structure_id JOIN offers o ON o.offer_ref = g.offer_ref "
        "WHERE g.offer_ref = ? AND p.profile_ref = ?"
    )

    def record_decisions(
        self,
        user: User,
        requests: Sequence[_Request],
        judge: Callable[[_Request, list[PairState]], tuple[_Outcome, DecisionWrite | None]],
    ) -> list[_Outcome]:
        """Record a batch of decisions in ONE transaction (all or nothing on a crash).

        For each request, the stored pairs with that offer and profile reference (and structure,
        when given) are read inside the transaction, each marked ``visible`` when the user may
        decide for it, and handed to ``judge`` (the business rules of :mod:`matcher.workflow.review`),
        which returns an outcome (kept as is) and what to write, if anything. Each write adds a
        review (append-only), updates the pair's current status and the profile's activity,
        and appends to the audit log. Returns the outcomes in order."""
        outcomes: list[_Outcome] = []
        with self.write() as conn:
            scope = self._scope(conn, user)
            for req in requests:
                sql, args = self._PAIR_SQL, [req.offer_ref, req.profile_ref]
                if req.structure:
                    sql += " AND s.name = ?"
                    args.append(req.structure)
                states = [
                    PairState(**dict(r), visible=scope.sees(r["structure_id"]))
                    for r in conn.execute(sql, args).fetchall()
                ]
                outcome, write = judge(req, states)
                if write is not None:
                    if not write.state.visible:
                        raise AccessDenied("décision refusée : profil d'une autre structure")
                    self._write_decision(conn, scope, write)
                outcomes.append(outcome)
        return outcomes

    def _write_decision(self, conn: Any, scope: Scope, w: DecisionWrite) -> None:
        now = utc_now()
        st = w.state
        review_id = inserted_id(
            conn.execute(
                "INSERT INTO reviews (suggestion_id, status, previous_status, reason, comment, "
                "offer_version, decided_at, decided_by, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (st.suggestion_id, w.status, st.status, w.reason, w.comment, st.offer_version,
                 now, scope.actor, w.source),
            )
        )  # fmt: skip
        conn.execute(
            "UPDATE suggestions SET status = ?, status_at = ?, status_by = ?, reason = ?, "
            "comment = ?, status_offer_version = ?, review_id = ? WHERE id = ?",
            (w.status, now, scope.actor, w.reason, w.comment, st.offer_version, review_id,
             st.suggestion_id),
        )  # fmt: skip
        conn.execute("UPDATE profiles SET last_activity = ? WHERE id = ?", (now, st.profile_id))
        self._audit(
            conn, scope.actor, "decision", "suggestion",
            f"{st.offer_ref} / {st.structure} / {st.profile_ref}",
            structure_id=st.structure_id, profile_id=st.profile_id,
            before={"status": st.status, "reason": st.reason, "comment": st.comment},
            after={"status": w.status, "reason": w.reason, "comment": w.comment,
                   "source": w.source, "review": review_id},
            at=now,
        )  # fmt: skip

    def decisions(
        self,
        user: User,
        offer_ref: str | None = None,
        structure: str | None = None,
        *,
        profile_ref: str | None = None,
    ) -> pd.DataFrame:
        """Every recorded decision (history, oldest first) the user may see."""
        return self.decision_rows(user, offer_ref, structure, profile_ref=profile_ref).frame()

    def decision_rows(
        self,
        user: User,
        offer_ref: str | None = None,
        structure: str | None = None,
        *,
        profile_ref: str | None = None,
    ) -> Rows:
        """:meth:`decisions` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sid = self._structure_filter(conn, scope, structure)
            sql = (
                "SELECT r.id AS review_id, r.decided_at, r.decided_by, g.offer_ref, "
                "p.profile_ref, s.name AS structure, r.previous_status, r.status, r.reason, "
                "r.comment, r.offer_version, r.source FROM reviews r "
                "JOIN suggestions g ON g.id = r.suggestion_id "
                "JOIN profiles p ON p.id = g.profile_id JOIN structures s ON s.id = p.structure_id "
                "WHERE (CAST(? AS INTEGER) IS NULL OR p.structure_id = ?)"
            )
            args: list[Any] = [sid, sid]
            if offer_ref is not None:
                sql += " AND g.offer_ref = ?"
                args.append(offer_ref)
            if profile_ref is not None:
                sql += " AND p.profile_ref = ?"
                args.append(profile_ref)
            rows = conn.execute(sql + " ORDER BY r.id", args).fetchall()
        columns = (F.REVIEW_ID, "decided_at", "decided_by", F.OFFER_REF, F.PROFILE_REF,
                   F.STRUCTURE, "previous_status", F.STATUS, F.REASON, F.COMMENT,
                   F.OFFER_VERSION, F.SOURCE)  # fmt: skip
        return Rows(columns, [dict(r) for r in rows])
