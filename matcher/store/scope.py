"""Who may see what: the acting user's rights read from the database at each call, and the
WHERE clauses that scope rows to them."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from matcher import fields as F
from matcher.errors import AccessDenied, UserError
from matcher.fields import Role
from matcher.identity import User
from matcher.store.connection import Connection
from matcher.store.records import inserted_id

log = logging.getLogger(__name__)

# Profile fields the coordinator does not see (place of residence): pseudonymous form.
COORDINATOR_HIDDEN_PROFILE_FIELDS = (F.COMMUNE, F.POSTAL_CODE, F.INSEE_CODE)


@dataclass(frozen=True)
class Scope:
    """What the acting user may see, resolved from the database at each call."""

    actor: str  # login written in the audit log
    role: Role
    structure_id: int | None  # None: every structure
    structure: str | None
    full_profiles: bool  # place of residence visible
    system: bool = False

    def sees(self, structure_id: int) -> bool:
        return self.structure_id is None or self.structure_id == structure_id


class Scoped(Connection):
    """Who may see what: the acting user's rights read from the database at each call, and the"""

    def _scope(self, conn: sqlite3.Connection, user: User) -> Scope:
        """The rights of ``user`` as the database says now (a disabled account is refused)."""
        if not isinstance(user, User):
            raise TypeError("the store needs the acting user (matcher.auth.User)")
        if user.system:
            return Scope(user.login, Role.COORDINATOR, None, None, True, True)
        row = conn.execute(
            "SELECT u.role, u.structure_id, u.disabled_at, s.name AS structure FROM users u "
            "LEFT JOIN structures s ON s.id = u.structure_id WHERE u.login = ?",
            (user.login,),
        ).fetchone()
        if row is None or row["disabled_at"]:
            raise AccessDenied(f"utilisateur « {user.login} » inconnu ou désactivé")
        role = Role(row["role"])
        if role == Role.COORDINATOR:
            return Scope(user.login, role, None, None, full_profiles=False)
        return Scope(user.login, role, row["structure_id"], row["structure"], full_profiles=True)

    def _structure_filter(
        self, conn: sqlite3.Connection, scope: Scope, structure: str | None
    ) -> int | None:
        """The structure id to filter on: the user's own for a counsellor, the one asked for
        (if any) for the coordinator. Asking for another structure is refused."""
        if structure is not None:
            if scope.structure_id is not None and structure != scope.structure:
                raise AccessDenied(
                    f"{scope.actor} : pas d'accès aux données de la structure « {structure} » "
                    f"(vous êtes rattaché(e) à « {scope.structure} »)"
                )
            row = conn.execute("SELECT id FROM structures WHERE name = ?", (structure,)).fetchone()
            return int(row["id"]) if row else -1  # unknown structure: no rows
        return scope.structure_id

    def _require_coordinator(self, scope: Scope, what: str) -> None:
        if scope.role != Role.COORDINATOR:
            raise AccessDenied(f"{scope.actor} : action réservée au coordinateur ({what})")

    def _visible_profile(
        self, conn: sqlite3.Connection, scope: Scope, profile_ref: str, structure: str | None
    ) -> sqlite3.Row:
        sid = self._structure_filter(conn, scope, structure)
        rows = conn.execute(
            "SELECT p.id, p.structure_id, s.name AS structure FROM profiles p "
            "JOIN structures s ON s.id = p.structure_id "
            "WHERE p.profile_ref = ? AND (? IS NULL OR p.structure_id = ?)",
            (profile_ref, sid, sid),
        ).fetchall()
        if not rows:
            raise UserError(f"candidat « {profile_ref} » inconnu" + (
                f" dans « {scope.structure} »" if scope.structure else ""))  # fmt: skip
        if len(rows) > 1:
            names = ", ".join(f"« {r['structure']} »" for r in rows)
            raise UserError(
                f"la référence « {profile_ref} » existe dans plusieurs structures ({names}) : "
                "précisez la structure"
            )
        return rows[0]

    def _structure_id(self, conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM structures WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row["id"])
        return inserted_id(conn.execute("INSERT INTO structures (name) VALUES (?)", (name,)))
