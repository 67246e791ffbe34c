"""Login sessions of the dashboard (SQL only; the tokens are made and checked in
:mod:`matcher.workflow.sessions`).

A row is either a one-time *grant* (made at login, exchanged within a minute for a session
cookie by the server's ``/_session/ouvrir`` route) or a *session*. Only SHA-256 hashes of the
random secrets are stored: a copy of the database opens no session. A session is refused once
expired, revoked (logout) or when its account is disabled; every disable revokes them too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from matcher.store.connection import Connection

GRANT, SESSION = "grant", "session"


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def _live(conn: Any, token_hash: str, kind: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT s.id, s.expires_at, u.login, u.disabled_at FROM sessions s "
        "JOIN users u ON u.id = s.user_id "
        "WHERE s.token_hash = ? AND s.kind = ? AND s.revoked_at IS NULL AND s.expires_at > ?",
        (token_hash, kind, _iso(dt.datetime.now(dt.UTC))),
    ).fetchone()
    if row is None or row["disabled_at"]:
        return None
    return dict(row)


class SessionsStore(Connection):
    """Login sessions and one-time grants (hashes only)."""

    def session_insert(self, login: str, token_hash: str, kind: str, expires: dt.datetime) -> bool:
        """Store a grant or a session for the active account ``login``; False when the
        account is unknown or disabled (nothing stored)."""
        now = dt.datetime.now(dt.UTC)
        with self.write() as conn:
            row = conn.execute(
                "SELECT id FROM users WHERE login = ? AND disabled_at IS NULL", (login,)
            ).fetchone()
            if row is None:
                return False
            # Expired rows go as new ones come: the table stays the size of a day's work.
            conn.execute("DELETE FROM sessions WHERE expires_at < ?", (_iso(now),))
            conn.execute(
                "INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (token_hash, row["id"], kind, _iso(now), _iso(expires)),
            )
        return True

    def session_consume_grant(self, token_hash: str) -> str | None:
        """The login of a live grant, used up at once (a grant opens one session)."""
        with self.write() as conn:
            row = _live(conn, token_hash, GRANT)
            if row is None:
                return None
            conn.execute("UPDATE sessions SET revoked_at = ? WHERE id = ?",
                         (_iso(dt.datetime.now(dt.UTC)), row["id"]))  # fmt: skip
        return str(row["login"])

    def session_login(self, token_hash: str) -> str | None:
        """The login of a live session (not expired, not revoked, account active)."""
        with self.read() as conn:
            row = _live(conn, token_hash, SESSION)
        return None if row is None else str(row["login"])

    def session_revoke(self, token_hash: str) -> bool:
        """End one session (logout); True when it was live."""
        with self.write() as conn:
            cur = conn.execute(
                "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                (_iso(dt.datetime.now(dt.UTC)), token_hash),
            )
        return cur.rowcount > 0

    def sessions_revoke_user(self, login: str) -> int:
        """End every session and grant of an account; how many."""
        with self.write() as conn:
            return revoke_user_sessions(conn, login)

    def sessions_live(self, login: str) -> int:
        """Live sessions of an account."""
        with self.read() as conn:
            row = conn.execute(
                "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE u.login = ? AND s.kind = 'session' AND s.revoked_at IS NULL "
                "AND s.expires_at > ?",
                (login, _iso(dt.datetime.now(dt.UTC))),
            ).fetchone()
        return int(row[0])


def revoke_user_sessions(conn: Any, login: str) -> int:
    """In an open write transaction: revoke every session of ``login`` (account disabled)."""
    cur = conn.execute(
        "UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id = "
        "(SELECT id FROM users WHERE login = ?)",
        (_iso(dt.datetime.now(dt.UTC)), login),
    )
    return cur.rowcount
