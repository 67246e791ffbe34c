"""Offers: saved by imports (with history), read through the acting user's rights, closed and
reopened."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from matcher import fields as F
from matcher.errors import UserError
from matcher.identity import User
from matcher.store.imports import ImportsStore
from matcher.store.records import (
    Rows,
    decode_record,
    record_json,
    utc_now,
)

if TYPE_CHECKING:
    import pandas as pd

    from matcher.intake.report import ImportReport

log = logging.getLogger(__name__)


class OffersStore(ImportsStore):
    """Offers: saved by imports (with history), read through the acting user's rights, closed and"""

    def save_offers(
        self,
        frame: pd.DataFrame,
        report: ImportReport,
        user: User | str | None = None,
        changes: dict[str, list[str]] | None = None,
    ) -> dict[str, int]:
        """Insert new offers, update changed ones (history kept), in one transaction.
        Returns counts: created, updated, unchanged. Only the coordinator imports offers
        (``user`` given as a login string or None: an internal caller, full rights)."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        now = utc_now()
        actor = self._actor_login(user)
        with self.write() as conn:
            if isinstance(user, User):
                self._require_coordinator(self._scope(conn, user), "import des offres")
            import_id = self._insert_import(conn, report, actor)
            for rec in frame.to_dict("records"):
                ref = str(rec[F.OFFER_REF])
                data = record_json(rec, F.OFFER_FIELDS)
                old = conn.execute(
                    "SELECT data, version FROM offers WHERE offer_ref = ?", (ref,)
                ).fetchone()
                if old is None:
                    conn.execute(
                        "INSERT INTO offers (offer_ref, employer, title, commune, data, import_id, "
                        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            ref,
                            rec.get(F.EMPLOYER),
                            rec[F.TITLE],
                            rec.get(F.COMMUNE),
                            data,
                            import_id,
                            now,
                            now,
                        ),
                    )
                    counts["created"] += 1
                    if changes is not None:  # which references, for the import report
                        changes.setdefault("created", []).append(ref)
                elif old["data"] != data:
                    version = old["version"] + 1
                    conn.execute(
                        "INSERT INTO offer_history (offer_ref, version, changed_at, import_id, "
                        "before, after) VALUES (?, ?, ?, ?, ?, ?)",
                        (ref, version, now, import_id, old["data"], data),
                    )
                    conn.execute(
                        "UPDATE offers SET employer = ?, title = ?, commune = ?, data = ?, "
                        "version = ?, import_id = ?, updated_at = ? WHERE offer_ref = ?",
                        (
                            rec.get(F.EMPLOYER),
                            rec[F.TITLE],
                            rec.get(F.COMMUNE),
                            data,
                            version,
                            import_id,
                            now,
                            ref,
                        ),
                    )
                    counts["updated"] += 1
                    if changes is not None:  # which references, for the import report
                        changes.setdefault("updated", []).append(ref)
                else:
                    counts["unchanged"] += 1
                    if changes is not None:  # which references, for the import report
                        changes.setdefault("unchanged", []).append(ref)
            self._audit(conn, actor, "import", "offers", f"import {import_id}",
                        after={"source": report.source, **counts}, at=now)  # fmt: skip
        log.info("offers saved: %s", counts)
        return counts

    def offers(self, user: User, status: str | None = "open") -> pd.DataFrame:
        """Offers as a canonical frame (plus ``status`` and ``offer_version``), by reference.

        ``status``: "open" (default), "closed" or None for both. A counsellor sees every open
        offer, and the closed ones that were suggested for their people."""
        return self.offer_rows(user, status).frame()

    def offer_rows(self, user: User, status: str | None = "open") -> Rows:
        """:meth:`offers` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT o.offer_ref, o.status, o.version, o.data FROM offers o "
                "WHERE (CAST(? AS TEXT) IS NULL OR o.status = ?) AND (CAST(? AS INTEGER) IS NULL "
                "OR o.status = 'open' OR EXISTS ("
                "  SELECT 1 FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
                "  WHERE g.offer_ref = o.offer_ref AND p.structure_id = ?)) "
                "ORDER BY o.offer_ref",
                (status, status, scope.structure_id, scope.structure_id),
            ).fetchall()
        records = [
            {**decode_record(r["data"]), F.STATUS: r["status"], F.OFFER_VERSION: r["version"]}
            for r in rows
        ]
        return Rows((*F.OFFER_FIELDS, F.STATUS, F.OFFER_VERSION), records)

    def set_offer_status(self, user: User, offer_ref: str, status: str) -> bool:
        """Close or reopen an offer (coordinator). Returns False when it already had that
        status. Its suggestions and decisions stay; they show that the offer is closed."""
        status = F.OfferStatus(status).value
        with self.write() as conn:
            scope = self._scope(conn, user)
            self._require_coordinator(scope, "clôture des offres")
            row = conn.execute(
                "SELECT status FROM offers WHERE offer_ref = ?", (offer_ref,)
            ).fetchone()
            if row is None:
                raise UserError(f"offre « {offer_ref} » inconnue")
            if row["status"] == status:
                return False
            now = utc_now()
            conn.execute(
                "UPDATE offers SET status = ?, updated_at = ? WHERE offer_ref = ?",
                (status, now, offer_ref),
            )
            self._audit(conn, scope.actor, "offer_status", "offer", offer_ref,
                        before={"status": row["status"]}, after={"status": status}, at=now)  # fmt: skip
        return True

    def merge_offer(self, user: User, duplicate_ref: str, into_ref: str) -> None:
        """A possible duplicate found at import is the same offer as ``into_ref``: the copy is
        removed with its suggestions (coordinator only; refused once a decision was taken on
        it, so nothing decided is ever lost). Audited."""
        with self.write() as conn:
            scope = self._scope(conn, user)
            self._require_coordinator(scope, "fusion des offres")
            refs = {r["offer_ref"] for r in conn.execute(
                "SELECT offer_ref FROM offers WHERE offer_ref IN (?, ?)", (duplicate_ref, into_ref))}  # fmt: skip
            for ref in (duplicate_ref, into_ref):
                if ref not in refs:
                    raise UserError(f"offre « {ref} » inconnue")
            if duplicate_ref == into_ref:
                raise UserError("une offre ne peut pas être fusionnée avec elle-même")
            decided = conn.execute(
                "SELECT COUNT(*) FROM reviews r JOIN suggestions s ON s.id = r.suggestion_id "
                "WHERE s.offer_ref = ?", (duplicate_ref,)).fetchone()[0]  # fmt: skip
            if decided:
                raise UserError(
                    f"offre « {duplicate_ref} » : {decided} décision(s) déjà prise(s) sur cette "
                    "offre ; clôturez-la plutôt que de la fusionner"
                )
            now = utc_now()
            conn.execute("DELETE FROM offers WHERE offer_ref = ?", (duplicate_ref,))
            self._audit(conn, scope.actor, "offer_merge", "offer", duplicate_ref,
                        after={"into": into_ref}, at=now)  # fmt: skip

    def offer_facts(self, user: User) -> pd.DataFrame:
        """One row per offer the user may see (open or closed, same rule as :meth:`offers`):
        ``offer_ref``, ``created_at`` (first import, ISO UTC) and ``occ_codes`` (the occupation
        codes the latest matching used for it, a list; empty before any matching). For the
        dashboard's filters and indicators (sector, month)."""
        import pandas as pd

        with self.snapshot() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT o.offer_ref, o.created_at FROM offers o "
                "WHERE CAST(? AS INTEGER) IS NULL OR o.status = 'open' OR EXISTS ("
                "  SELECT 1 FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
                "  WHERE g.offer_ref = o.offer_ref AND p.structure_id = ?) "
                "ORDER BY o.offer_ref",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
            codes: dict[str, list[str]] = {}
            for r in conn.execute(
                "SELECT offer_ref, code FROM offer_occupations ORDER BY offer_ref, code"
            ):
                codes.setdefault(r["offer_ref"], []).append(r["code"])
        records = [
            {F.OFFER_REF: r["offer_ref"], "created_at": r["created_at"],
             F.OCC_CODES: codes.get(r["offer_ref"], [])}
            for r in rows
        ]  # fmt: skip
        return pd.DataFrame(records, columns=[F.OFFER_REF, "created_at", F.OCC_CODES])
