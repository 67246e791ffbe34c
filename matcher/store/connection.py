"""Connections and transactions over the backend a target names (SQLite file or PostgreSQL
URL, see :mod:`matcher.store.backend`): reads, snapshots, one serialised transaction per
write, the migrations applied at start, integrity checks."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from matcher.errors import UserError
from matcher.store.backend import as_migration, open_backend
from matcher.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)


class Connection:
    """Connections and transactions over the backend that ``target`` names."""

    def __init__(self, target: str | Path):
        self.backend = open_backend(target)
        self.target = self.backend.target  # reopens the same database
        self.label = self.backend.label  # names it in messages (no password)
        self._migrate()
        keep_open = getattr(self.backend, "keep_open", None)
        if keep_open is not None:
            keep_open()

    @property
    def path(self) -> Path:
        """The database file (SQLite only)."""
        path = getattr(self.backend, "path", None)
        if path is None:
            raise AttributeError(f"{self.label} n'est pas un fichier")
        return Path(path)

    @property
    def engine(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.backend.name

    def close(self) -> None:
        """Release what the backend keeps open (the store stays usable)."""
        self.backend.close()

    @contextmanager
    def read(self) -> Iterator[Any]:
        """A connection for reads (each statement sees a consistent snapshot)."""
        with self.backend.read() as conn:
            yield conn

    @contextmanager
    def snapshot(self) -> Iterator[Any]:
        """Several reads in one snapshot (a read-only transaction)."""
        with self.backend.snapshot() as conn:
            yield conn

    @contextmanager
    def write(self) -> Iterator[Any]:
        """One transaction, writers serialised: committed when the block ends, rolled back on
        any error. A full disk, a lock held too long, a lost connection become French
        messages."""
        with self.backend.write() as conn:
            yield conn

    def _migrate(self) -> None:
        """Apply the missing migrations, each in its own transaction with the new version."""
        while True:
            with self.write() as conn:
                version = self.backend.get_version(conn)
                if version > len(MIGRATIONS):
                    raise UserError(
                        f"{self.label} : base créée par une version plus récente du logiciel "
                        f"(schéma {version}, connu jusqu'à {len(MIGRATIONS)})"
                    )
                if version == len(MIGRATIONS):
                    return
                log.info("applying migration %d to %s", version + 1, self.label)
                for statement in self.backend.render(as_migration(MIGRATIONS[version])):
                    conn.execute(statement)
                self.backend.set_version(conn, version + 1)

    def schema_version(self) -> int:
        with self.read() as conn:
            return self.backend.get_version(conn)

    def data_version(self) -> int:
        """A number that grows with every change of the data (every change is audited): a key
        for caches of data read through this store. It reveals nothing else."""
        with self.read() as conn:
            return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])

    def integrity_check(self) -> list[str]:
        """The engine's integrity checks and foreign keys: an empty list when all is well."""
        return self.backend.integrity_check()
