"""Per-database secrets (they sign the pair keys hidden in exported shortlists)."""

from __future__ import annotations

import logging
import secrets

from matcher.store.connection import Connection

log = logging.getLogger(__name__)


class SecretsStore(Connection):
    """Per-database secrets (they sign the pair keys hidden in exported shortlists)."""

    def secret(self, name: str = "export") -> bytes:
        """A random secret of this database, created on first use; it signs the pair keys
        hidden in exported shortlists, so an edited key is detected at import."""
        with self.read() as conn:
            row = conn.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()
        if row:
            return bytes(row["value"])
        with self.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)",
                (name, secrets.token_bytes(32)),
            )
            return bytes(
                conn.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()[0]
            )
