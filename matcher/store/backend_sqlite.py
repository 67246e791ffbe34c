"""SQLite, the embedded default: short-lived connections, WAL, one ``BEGIN IMMEDIATE``
transaction per write, the schema version in ``PRAGMA user_version``, append-only rules as
``RAISE(ABORT)`` triggers. What differs from PostgreSQL lives here and nowhere else."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matcher.errors import UserError
from matcher.store.backend import Backend, Migration, Refusal, topological

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


def split_statements(script: str) -> Iterator[str]:
    """The statements of a script; a trigger body's ``;`` does not end it."""
    buf = ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                yield buf
            buf = ""


def render_refusal(r: Refusal) -> str:
    when = f" WHEN {r.condition}" if r.condition else ""
    message = r.message.replace("'", "''")
    return (
        f"CREATE TRIGGER {r.name} BEFORE {r.event} ON {r.table}{when} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END;"
    )


class SQLiteBackend(Backend):
    """A database file (see the module docstring)."""

    name = "sqlite"
    IntegrityError = sqlite3.IntegrityError
    DatabaseError = sqlite3.DatabaseError

    def __init__(self, path: Path):
        self.path = path
        self.target = str(path)
        self.label = str(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = _write_lock(self.path)
        self._keeper: sqlite3.Connection | None = None

    def keep_open(self) -> None:
        # An idle connection kept open for the store's lifetime: otherwise every short-lived
        # connection closing would be the last one and checkpoint the WAL (an fsync, ~10 ms).
        # It never runs a query after this one, so sharing it between threads is safe.
        self._keeper = self._connect_raw(check_same_thread=False)
        self._keeper.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()

    def close(self) -> None:
        if self._keeper is not None:
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
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
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

    def get_version(self, conn: sqlite3.Connection) -> int:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])

    def set_version(self, conn: sqlite3.Connection, version: int) -> None:
        conn.execute(f"PRAGMA user_version = {int(version)}")

    def render(self, migration: Migration) -> list[str]:
        statements = list(split_statements(migration.sql))
        statements += [render_refusal(r) for r in migration.refusals]
        return statements + list(split_statements(migration.sqlite))

    def json_flag(self, column: str, key: str) -> str:
        return f"COALESCE(json_extract({column}, '$.{key}'), 0) <> 0"

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` and foreign keys."""
        with self.read() as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        problems = [p for p in problems if p != "ok"]
        return problems + [f"clé étrangère rompue : {tuple(r)}" for r in fk]

    def tables(self, conn: sqlite3.Connection) -> list[str]:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ]
        links = [
            (t, r["table"]) for t in names for r in conn.execute(f"PRAGMA foreign_key_list({t})")
        ]
        return topological(names, links)

    def columns(self, conn: sqlite3.Connection, table: str) -> list[str]:
        return [r["name"] for r in conn.execute(f"PRAGMA table_info({table})")]
