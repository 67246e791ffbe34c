"""Accounts and logins (lockout after failed logins)."""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from matcher import fields as F
from matcher.errors import AccessDenied, UserError
from matcher.fields import Role
from matcher.identity import LOCK_MINUTES, MAX_FAILED_LOGINS, User
from matcher.store.audit import Audited
from matcher.store.records import (
    Rows,
    inserted_id,
    utc_now,
)
from matcher.store.sessions import revoke_user_sessions

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger(__name__)


class UsersStore(Audited):
    """Accounts and logins (lockout after failed logins)."""

    def insert_user(
        self,
        actor: User,
        *,
        login: str,
        role: Role,
        structure: str | None,
        password_hash: str | None,
        external_subject: str | None = None,
        create_structure: bool = True,
        phone: str | None = None,
        email: str | None = None,
    ) -> User:
        """Create an account (see :func:`matcher.auth.add_user`, which validates first).
        ``phone`` and ``email``: a counsellor's work contact, given to firms with their
        shortlists."""
        with self.write() as conn:
            scope = self._scope(conn, actor)
            self._require_coordinator(scope, "gestion des comptes")
            if conn.execute("SELECT 1 FROM users WHERE login = ?", (login,)).fetchone():
                raise UserError(f"l'identifiant « {login} » existe déjà")
            sid = None
            if structure is not None:
                row = conn.execute(
                    "SELECT id FROM structures WHERE name = ?", (structure,)
                ).fetchone()
                if row is None and not create_structure:
                    known = [r["name"] for r in conn.execute("SELECT name FROM structures")]
                    raise UserError(
                        f"structure « {structure} » inconnue (structures connues : "
                        + (", ".join(f"« {k} »" for k in sorted(known)) or "aucune")
                        + ")"
                    )
                sid = int(row["id"]) if row else self._structure_id(conn, structure)
            now = utc_now()
            uid = inserted_id(
                conn.execute(
                    "INSERT INTO users (login, role, structure_id, password_hash, "
                    "external_subject, created_at, created_by, phone, email) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (
                        login,
                        role.value,
                        sid,
                        password_hash,
                        external_subject,
                        now,
                        scope.actor,
                        phone,
                        email,
                    ),  # fmt: skip
                )
            )
            self._audit(conn, scope.actor, "user_add", "user", login, structure_id=sid,
                        after={"role": role.value, "structure": structure}, at=now)  # fmt: skip
        return User(login=login, role=role, structure=structure, id=uid)

    def update_user(
        self,
        actor: User,
        login: str,
        *,
        password_hash: str | None = None,
        disabled: bool | None = None,
        audit: bool = True,
    ) -> None:
        """Change a password hash or disable an account (coordinator, or a user's own
        password). The hash itself never enters the audit log."""
        with self.write() as conn:
            scope = self._scope(conn, actor)
            if not (scope.role == Role.COORDINATOR or (password_hash and actor.login == login)):
                raise AccessDenied(
                    f"{scope.actor} : action réservée au coordinateur (gestion des comptes)"
                )
            row = conn.execute(
                "SELECT id, structure_id, disabled_at FROM users WHERE login = ?", (login,)
            ).fetchone()
            if row is None:
                raise UserError(f"utilisateur « {login} » inconnu")
            now = utc_now()
            if password_hash is not None:
                conn.execute(
                    "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL "
                    "WHERE id = ?",
                    (password_hash, row["id"]),
                )
                if audit:
                    self._audit(conn, scope.actor, "user_password", "user", login,
                                structure_id=row["structure_id"], at=now)  # fmt: skip
            if disabled is not None:
                value = now if disabled else None
                conn.execute("UPDATE users SET disabled_at = ? WHERE id = ?", (value, row["id"]))
                if disabled:  # its dashboard sessions end with it
                    revoke_user_sessions(conn, login)
                self._audit(conn, scope.actor, "user_disable" if disabled else "user_enable",
                            "user", login, structure_id=row["structure_id"],
                            before={"disabled_at": row["disabled_at"]},
                            after={"disabled_at": value}, at=now)  # fmt: skip

    def users(self, user: User) -> pd.DataFrame:
        """Accounts (login, role, structure, created, disabled); coordinator only."""
        return self.user_rows(user).frame()

    def user_rows(self, user: User) -> Rows:
        """:meth:`users` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            self._require_coordinator(scope, "liste des comptes")
            rows = conn.execute(
                "SELECT u.login, u.role, s.name AS structure, u.created_at, u.created_by, "
                "u.disabled_at, u.external_subject IS NOT NULL AS external, u.phone, u.email "
                "FROM users u LEFT JOIN structures s ON s.id = u.structure_id ORDER BY u.login"
            ).fetchall()
        columns = ("login", "role", F.STRUCTURE, "created_at", "created_by", "disabled_at",
                   "external", "phone", "email")  # fmt: skip
        return Rows(columns, [dict(r) for r in rows])

    def counsellor_contacts(self, user: User) -> pd.DataFrame:
        """The active counsellors' work contacts (structure, login, phone, email), for the
        firms' shortlists: the coordinator gets every structure's, a counsellor their own."""
        return self.counsellor_contact_rows(user).frame()

    def counsellor_contact_rows(self, user: User) -> Rows:
        """:meth:`counsellor_contacts` as rows (see :class:`~matcher.store.records.Rows`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sql = ("SELECT s.name AS structure, u.login, u.phone, u.email FROM users u "
                   "JOIN structures s ON s.id = u.structure_id WHERE u.role = 'counsellor' "
                   "AND u.disabled_at IS NULL")  # fmt: skip
            args: tuple = ()
            if scope.structure_id is not None:
                sql += " AND u.structure_id = ?"
                args = (scope.structure_id,)
            rows = conn.execute(sql + " ORDER BY s.name, u.login", args).fetchall()
        return Rows((F.STRUCTURE, "login", "phone", "email"), [dict(r) for r in rows])

    def user_record(self, login: str) -> dict[str, Any] | None:
        """One account with its password hash (for :mod:`matcher.workflow.auth` only)."""
        with self.read() as conn:
            row = conn.execute(
                "SELECT u.id, u.login, u.role, s.name AS structure, u.password_hash, "
                "u.disabled_at, u.failed_logins, u.locked_until FROM users u "
                "LEFT JOIN structures s ON s.id = u.structure_id WHERE u.login = ?",
                (login,),
            ).fetchone()
        return dict(row) if row else None

    def user_by_external_subject(self, subject: str) -> dict[str, Any] | None:
        with self.read() as conn:
            row = conn.execute(
                "SELECT login, disabled_at FROM users WHERE external_subject = ?", (subject,)
            ).fetchone()
        return dict(row) if row else None

    def login_locked(self, login: str) -> bool:
        with self.read() as conn:
            row = conn.execute(
                "SELECT locked_until FROM users WHERE login = ?", (login,)
            ).fetchone()
        return bool(row and row["locked_until"] and row["locked_until"] > utc_now())

    def record_login(self, login: str, *, ok: bool, known: bool) -> None:
        """Count failures (lock after ``MAX_FAILED_LOGINS`` in a row), reset on success; both
        audited."""
        now = utc_now()
        with self.write() as conn:
            if known and ok:
                conn.execute(
                    "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE login = ?",
                    (login,),
                )
            elif known:
                conn.execute(
                    "UPDATE users SET failed_logins = failed_logins + 1 WHERE login = ?", (login,)
                )
                lock = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=LOCK_MINUTES)
                conn.execute(
                    "UPDATE users SET locked_until = ?, failed_logins = 0 "
                    "WHERE login = ? AND failed_logins >= ?",
                    (lock.isoformat(timespec="seconds"), login, MAX_FAILED_LOGINS),
                )
            self._audit(conn, login, "login" if ok else "login_failed", "user", login, at=now)
