"""Login sessions of the dashboard (SQL only; the tokens are made and checked in
:mod:`matcher.workflow.sessions`).

A row is either a one-time *grant* (made at login, exchanged within a minute for a session
cookie by the server's ``/_session/ouvrir`` route) or a *session*. Only SHA-256 hashes of the
random secrets are stored: a copy of the database opens no session. A session is refused once
expired, revoked (logout) or when its account is disabled; every disable revokes them too."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matcher.store.database import Store

GRANT, SESSION = "grant", "session"

SCHEMA = """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        token_hash TEXT NOT NULL UNIQUE,
        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('grant', 'session')),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX sessions_user ON sessions(user_id);
"""


def _iso(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


def insert(store: Store, login: str, token_hash: str, kind: str, expires: dt.datetime) -> bool:
    """Store a grant or a session for the active account ``login``; False when the account is
    unknown or disabled (nothing stored)."""
    now = dt.datetime.now(dt.UTC)
    with store.write() as conn:
        row = conn.execute(
            "SELECT id FROM users WHERE login = ? AND disabled_at IS NULL", (login,)
        ).fetchone()
        if row is None:
            return False
        # Expired rows are cleared as new ones come: the table stays the size of a day's work.
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (_iso(now),))
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, kind, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (token_hash, row["id"], kind, _iso(now), _iso(expires)),
        )
    return True


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


def consume_grant(store: Store, token_hash: str) -> str | None:
    """The login of a live grant, which is used up at once (a grant opens one session)."""
    with store.write() as conn:
        row = _live(conn, token_hash, GRANT)
        if row is None:
            return None
        conn.execute("UPDATE sessions SET revoked_at = ? WHERE id = ?",
                     (_iso(dt.datetime.now(dt.UTC)), row["id"]))  # fmt: skip
    return str(row["login"])


def session_login(store: Store, token_hash: str) -> str | None:
    """The login of a live session (not expired, not revoked, account active)."""
    with store.read() as conn:
        row = _live(conn, token_hash, SESSION)
    return None if row is None else str(row["login"])


def revoke(store: Store, token_hash: str) -> bool:
    """End one session (logout); True when it was live."""
    with store.write() as conn:
        cur = conn.execute(
            "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            (_iso(dt.datetime.now(dt.UTC)), token_hash),
        )
    return cur.rowcount > 0


def revoke_user(store: Store, login: str) -> int:
    """End every session and grant of an account (when it is disabled); how many."""
    with store.write() as conn:
        cur = conn.execute(
            "UPDATE sessions SET revoked_at = ? WHERE revoked_at IS NULL AND user_id = "
            "(SELECT id FROM users WHERE login = ?)",
            (_iso(dt.datetime.now(dt.UTC)), login),
        )
    return cur.rowcount


def live_count(store: Store, login: str) -> int:
    """Live sessions of an account (for tests and the accounts page)."""
    with store.read() as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.login = ? "
            "AND s.kind = 'session' AND s.revoked_at IS NULL AND s.expires_at > ?",
            (login, _iso(dt.datetime.now(dt.UTC))),
        ).fetchone()
    return int(row[0])
