"""What the store needs from a database engine, and which engine a target names.

The store's SQL is written once, in the dialect the two engines share (``?`` placeholders,
``INSERT ... ON CONFLICT``, ``RETURNING``, ``CAST(? AS INTEGER) IS NULL`` for optional
filters); each engine's differences live in one module: ``backend_sqlite`` (the embedded
default) and ``backend_postgres`` (shared deployments). A backend opens connections and
transactions, keeps the schema version, renders migrations (types, append-only rules) and
checks integrity. Connections it hands out behave like :mod:`sqlite3` ones for the store:
``execute(sql, params)`` returning a cursor (``fetchone``, ``fetchall``, iteration,
``rowcount``), ``executemany``, rows readable by position and by column name.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
SQLITE_SCHEME = "sqlite:///"


class Cursor(Protocol):
    rowcount: int

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Conn(Protocol):
    """A connection as the store uses it (a :class:`sqlite3.Connection` is one)."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Any: ...


@dataclass(frozen=True)
class Refusal:
    """A rule the database itself enforces whatever code writes (a trigger on each engine):
    refuse ``event`` on ``table`` with ``message`` when ``condition`` holds (always without one).

    ``event``: ``"UPDATE"``, ``"DELETE"`` or ``"UPDATE OF column"``. ``condition``: a SQL
    expression both engines understand, over ``OLD`` and ``NEW``; it may hold subqueries
    (``NOT EXISTS (SELECT 1 FROM purge_guard)``) and should use ``IS DISTINCT FROM`` rather than
    SQLite's ``IS NOT`` between values."""

    name: str
    table: str
    event: str
    message: str
    condition: str | None = None


@dataclass(frozen=True)
class Migration:
    """One schema step. ``sql``: statements both engines run (after each one's type
    translation, see :meth:`Backend.render`); ``refusals``: rules enforced by triggers;
    ``sqlite`` / ``postgres``: statements for one engine only, when the two cannot agree."""

    sql: str = ""
    refusals: tuple[Refusal, ...] = ()
    sqlite: str = ""
    postgres: str = ""


def as_migration(step: str | Migration) -> Migration:
    return step if isinstance(step, Migration) else Migration(sql=step)


class Backend(ABC):
    """One database engine behind the store (see the module docstring)."""

    name: str  # "sqlite" or "postgresql"
    target: str  # what reopens the same database (a path or a URL)
    label: str  # how messages name it (no password)
    IntegrityError: type[Exception]
    DatabaseError: type[Exception]

    @abstractmethod
    def read(self) -> AbstractContextManager[Any]:
        """A connection for reads (each statement sees a consistent snapshot)."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[Any]:
        """Several reads in one snapshot."""

    @abstractmethod
    def write(self) -> AbstractContextManager[Any]:
        """One write transaction, writers serialised, all or nothing; engine failures become
        French messages (:class:`matcher.errors.UserError`)."""

    @abstractmethod
    def get_version(self, conn: Any) -> int:
        """The schema version (number of migrations applied), read inside a write."""

    @abstractmethod
    def set_version(self, conn: Any, version: int) -> None: ...

    @abstractmethod
    def render(self, migration: Migration) -> list[str]:
        """The statements that apply ``migration`` on this engine."""

    @abstractmethod
    def json_flag(self, column: str, key: str) -> str:
        """A SQL expression: 1 when the JSON object in ``column`` has ``key`` true (or a
        non-zero number), else 0 (each engine reads JSON with its own functions)."""

    @abstractmethod
    def integrity_check(self) -> list[str]:
        """Problems found (storage, foreign keys); an empty list when all is well."""

    @abstractmethod
    def tables(self, conn: Any) -> list[str]:
        """The store's tables (not the engine's own), parents before children."""

    @abstractmethod
    def columns(self, conn: Any, table: str) -> list[str]: ...

    def after_bulk_load(self, conn: Any, tables: Sequence[str]) -> None:  # noqa: B027
        """Called after rows were inserted with their ids (``db copy``)."""

    def close(self) -> None:  # noqa: B027
        """Release what the backend keeps open (the store stays usable)."""


def is_postgres(target: str | Path) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def open_backend(target: str | Path) -> Backend:
    """The backend a ``--db`` value names: ``postgresql://USER@HOST/DB`` (or ``postgres://``)
    is PostgreSQL; ``sqlite:///PATH`` or a plain path is SQLite."""
    if is_postgres(target):
        from matcher.store.backend_postgres import PostgresBackend

        return PostgresBackend(str(target))
    from matcher.store.backend_sqlite import SQLiteBackend

    text = str(target)
    if text.startswith(SQLITE_SCHEME):
        # As in SQLAlchemy: sqlite:///relative/path, sqlite:////absolute/path.
        text = text[len(SQLITE_SCHEME) :]
    return SQLiteBackend(Path(text))


def topological(tables: Sequence[str], parents: Iterable[tuple[str, str]]) -> list[str]:
    """``tables`` ordered so that each comes after the tables it references (child, parent)
    pairs; the given order is kept where it does not matter."""
    deps: dict[str, set[str]] = {t: set() for t in tables}
    for child, parent in parents:
        if child in deps and parent in deps and child != parent:
            deps[child].add(parent)
    done: list[str] = []
    seen: set[str] = set()

    def visit(t: str, path: tuple[str, ...]) -> None:
        if t in seen:
            return
        if t in path:
            raise ValueError(f"cycle of foreign keys through {t}")
        for p in sorted(deps[t]):
            visit(p, (*path, t))
        seen.add(t)
        done.append(t)

    for t in tables:
        visit(t, ())
    return done
