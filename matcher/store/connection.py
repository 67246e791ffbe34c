"""Connections and transactions: short-lived connections, one ``BEGIN IMMEDIATE`` transaction
per write, the migrations applied at start, integrity checks."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matcher.errors import UserError
from matcher.store.migrations import MIGRATIONS, split_statements

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000

# One lock per database file and process: threads of one process queue on it in order instead of
# polling SQLite's busy handler (which sleeps up to 100 ms between tries). Other processes are
# still serialised by BEGIN IMMEDIATE and the busy timeout.
_WRITE_LOCKS: dict[str, threading.Lock] = {}

_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.Lock())


class Connection:
    """Connections and transactions: short-lived connections, one ``BEGIN IMMEDIATE`` transaction"""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _write_lock(self.path)
        self._migrate()
        # An idle connection kept open for the store's lifetime: otherwise every short-lived
        # connection closing would be the last one and checkpoint the WAL (an fsync, ~10 ms).
        # It never runs a query after this one, so sharing it between threads is safe.
        self._keeper = self._connect_raw(check_same_thread=False)
        self._keeper.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()

    def close(self) -> None:
        """Release the idle connection (the store stays usable)."""
        self._keeper.close()

    def _connect_raw(self, **kwargs: Any) -> sqlite3.Connection:
        try:
            return sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, **kwargs
            )
        except sqlite3.DatabaseError as exc:
            raise UserError(f"{self.path} : base de données inaccessible ({exc})") from exc

    def _connect(self) -> sqlite3.Connection:
        conn = self._connect_raw()
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise UserError(f"{self.path} : base de données inaccessible ({exc})") from exc
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (each statement sees a consistent snapshot)."""
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """Several reads in one snapshot (a deferred read transaction)."""
        conn = self._connect()
        try:
            conn.execute("BEGIN")
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed when the block ends, rolled back on
        any error. A full disk or a lock held too long become French messages."""
        with self._lock:
            conn = self._connect()
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                except BaseException:
                    # SQLite may already have rolled back (disk full): only roll back if needed.
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                if getattr(exc, "sqlite_errorname", "") == "SQLITE_FULL" or "full" in text:
                    raise UserError(
                        f"{self.path} : disque plein (ou taille maximale de la base atteinte) ; "
                        "rien n'a été enregistré de cette opération"
                    ) from exc
                if "locked" in text or "busy" in text:
                    raise UserError(
                        f"{self.path} : base occupée par une autre opération depuis "
                        f"{BUSY_TIMEOUT_MS // 1000} s ; rien n'a été enregistré, réessayez"
                    ) from exc
                raise
            finally:
                conn.close()

    def _migrate(self) -> None:
        with self.write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > len(MIGRATIONS):
                raise UserError(
                    f"{self.path} : base créée par une version plus récente du logiciel "
                    f"(schéma {version}, connu jusqu'à {len(MIGRATIONS)})"
                )
            for i, script in enumerate(MIGRATIONS[version:], start=version + 1):
                log.info("applying migration %d", i)
                for statement in split_statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {i}")

    def schema_version(self) -> int:
        with self.read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def data_version(self) -> int:
        """A number that grows with every change of the data (every change is audited): a key
        for caches of data read through this store. It reveals nothing else."""
        with self.read() as conn:
            return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` and foreign keys: an empty list when all is well."""
        with self.read() as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        problems = [p for p in problems if p != "ok"]
        return problems + [f"clé étrangère rompue : {tuple(r)}" for r in fk]
