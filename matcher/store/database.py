"""Store: all SQL of the product (SQLite by default), migrations, and who may see what.

Every write runs in one ``BEGIN IMMEDIATE`` transaction with a busy timeout, so an import, a
matching run or a batch of decisions is either fully stored or not at all. The schema is
versioned: ``MIGRATIONS`` are applied in order at start (append new ones at the end, never edit
one that has shipped).

Access rules live here, in SQL. Every read takes the acting user (:class:`matcher.auth.User`)
first; the store looks up that user's current role and structure in the database and filters:

========================  ===========================================  ==============================
read                      coordinator                                  counsellor
========================  ===========================================  ==============================
``offers``                all                                          open ones, and closed ones
                                                                       their people were suggested for
``profiles``              all, pseudonymous (no commune, postal code)  their structure's, in full
``suggestions``           all                                          their structure's
``decisions``, ``audit``  all                                          their structure's
``pool``, ``statistics``  all                                          their structure's
``imports``               all                                          offers, their profile imports
``users``                 all                                          refused
========================  ===========================================  ==============================

Asking explicitly for another structure (``structure="..."``) is refused with
:class:`~matcher.errors.AccessDenied`; the SQL filter makes sure nothing else leaks.

Only this module speaks SQL, in portable statements where possible (``ON CONFLICT``, ``RETURNING``
aside), so that another database could replace SQLite behind the same methods.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.errors import AccessDenied, UserError
from matcher.fields import Role
from matcher.intake.importer import ImportReport
from matcher.workflow.auth import LOCK_MINUTES, MAX_FAILED_LOGINS, User

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
DATE_FIELDS = (F.START_DATE, F.AVAILABLE_FROM)
# What a suggestion keeps of the ranking besides score and reasons (a snapshot at match time).
# TO_DISCUSS / REACH_REASON (issue 13): the "hors rayon / à discuter" part and its reason.
SNAPSHOT_FIELDS = (*F.COMPONENTS, F.DISTANCE_KM, F.OCC_KIND, F.MATCHED_SKILLS, F.MISSING_SKILLS,
                   F.TO_DISCUSS, F.REACH_REASON)  # fmt: skip
# Profile fields the coordinator does not see (place of residence): pseudonymous form.
COORDINATOR_HIDDEN_PROFILE_FIELDS = (F.COMMUNE, F.POSTAL_CODE)

MIGRATIONS: tuple[str, ...] = (
    # 1: imports, offers with history, structures, profiles, suggestions, remembered mappings
    """
    CREATE TABLE imports (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('offers', 'profiles')),
        source TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT,
        rows_read INTEGER NOT NULL,
        rows_imported INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        report TEXT NOT NULL
    );
    CREATE TABLE structures (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE
    );
    CREATE TABLE offers (
        offer_ref TEXT PRIMARY KEY,
        employer TEXT,
        title TEXT NOT NULL,
        commune TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
        data TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        import_id INTEGER REFERENCES imports(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE offer_history (
        id INTEGER PRIMARY KEY,
        offer_ref TEXT NOT NULL REFERENCES offers(offer_ref) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        changed_at TEXT NOT NULL,
        import_id INTEGER REFERENCES imports(id),
        before TEXT NOT NULL,
        after TEXT NOT NULL
    );
    CREATE TABLE profiles (
        id INTEGER PRIMARY KEY,
        structure_id INTEGER NOT NULL REFERENCES structures(id),
        profile_ref TEXT NOT NULL,
        data TEXT NOT NULL,
        import_id INTEGER REFERENCES imports(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        last_activity TEXT NOT NULL,
        UNIQUE (structure_id, profile_ref)
    );
    CREATE TABLE match_runs (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        settings TEXT NOT NULL,
        n_suggestions INTEGER NOT NULL
    );
    CREATE TABLE suggestions (
        id INTEGER PRIMARY KEY,
        offer_ref TEXT NOT NULL REFERENCES offers(offer_ref) ON DELETE CASCADE,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        run_id INTEGER NOT NULL REFERENCES match_runs(id),
        rank INTEGER NOT NULL,
        score REAL NOT NULL,
        components TEXT NOT NULL,
        reasons TEXT NOT NULL,
        offer_version INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'suggested',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (offer_ref, profile_id)
    );
    CREATE INDEX suggestions_profile ON suggestions(profile_id);
    CREATE TABLE mappings (
        kind TEXT NOT NULL,
        signature TEXT NOT NULL,
        mapping TEXT NOT NULL,
        confirmed_at TEXT NOT NULL,
        PRIMARY KEY (kind, signature)
    );
    """,
    # 2 (issue 4): the official occupation referential and La Poste's communes, each replaced
    # whole by a load (the *_meta row says which source is in place and when it was loaded).
    """
    CREATE TABLE referential_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        source TEXT NOT NULL,
        loaded_at TEXT NOT NULL,
        counts TEXT NOT NULL
    );
    CREATE TABLE rome_codes (
        code TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        domain TEXT NOT NULL,
        sector TEXT NOT NULL,
        definition TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE rome_titles (
        code TEXT NOT NULL REFERENCES rome_codes(code) ON DELETE CASCADE,
        title TEXT NOT NULL,
        PRIMARY KEY (code, title)
    );
    CREATE TABLE rome_skills (
        code TEXT NOT NULL REFERENCES rome_codes(code) ON DELETE CASCADE,
        skill TEXT NOT NULL,
        core INTEGER NOT NULL CHECK (core IN (0, 1)),
        kind TEXT NOT NULL,
        PRIMARY KEY (code, skill)
    );
    CREATE TABLE rome_close (
        code TEXT NOT NULL REFERENCES rome_codes(code) ON DELETE CASCADE,
        close_code TEXT NOT NULL REFERENCES rome_codes(code) ON DELETE CASCADE,
        PRIMARY KEY (code, close_code)
    );
    CREATE TABLE communes_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        source TEXT NOT NULL,
        loaded_at TEXT NOT NULL,
        rows INTEGER NOT NULL
    );
    CREATE TABLE communes (
        id INTEGER PRIMARY KEY,
        code_insee TEXT NOT NULL,
        nom TEXT NOT NULL,
        code_postal TEXT NOT NULL,
        ligne_5 TEXT NOT NULL DEFAULT '',
        latitude REAL,
        longitude REAL
    );
    CREATE INDEX communes_postal ON communes(code_postal);
    """,
    # 3 (issue 6): review workflow, users, append-only audit, pool ("vivier"), retention.
    # Triggers make the rules hold whatever code writes: the audit log and the decisions are
    # append-only, a decided pair is never deleted nor its status changed without a decision
    # (only the retention purge, inside one transaction holding a row of purge_guard, may delete).
    """
    ALTER TABLE imports ADD COLUMN structure_id INTEGER REFERENCES structures(id);
    ALTER TABLE suggestions ADD COLUMN status_at TEXT;
    ALTER TABLE suggestions ADD COLUMN status_by TEXT;
    ALTER TABLE suggestions ADD COLUMN reason TEXT;
    ALTER TABLE suggestions ADD COLUMN comment TEXT;
    ALTER TABLE suggestions ADD COLUMN status_offer_version INTEGER;
    ALTER TABLE suggestions ADD COLUMN review_id INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX profiles_activity ON profiles(last_activity);
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('coordinator', 'counsellor')),
        structure_id INTEGER REFERENCES structures(id),
        password_hash TEXT,
        external_subject TEXT UNIQUE,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        disabled_at TEXT,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until TEXT,
        CHECK ((role = 'counsellor') = (structure_id IS NOT NULL))
    );
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
        status TEXT NOT NULL CHECK (status IN ('suggested', 'retained', 'proposed', 'interview',
                                               'hired', 'rejected', 'dropped')),
        previous_status TEXT NOT NULL,
        reason TEXT CHECK (reason IS NULL OR reason IN ('skills', 'mobility', 'availability',
                           'contract', 'person_refused', 'filled', 'other')),
        comment TEXT,
        offer_version INTEGER NOT NULL,
        decided_at TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        source TEXT NOT NULL,
        CHECK ((status = 'rejected') = (reason IS NOT NULL))
    );
    CREATE INDEX reviews_suggestion ON reviews(suggestion_id, id);
    CREATE TABLE purge_guard (id INTEGER PRIMARY KEY);
    CREATE TRIGGER reviews_append_only BEFORE UPDATE ON reviews
    BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
    CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
    WHEN NOT EXISTS (SELECT 1 FROM purge_guard)
    BEGIN SELECT RAISE(ABORT, 'reviews are deleted only by the retention purge'); END;
    CREATE TRIGGER suggestions_keep_decided BEFORE DELETE ON suggestions
    WHEN OLD.review_id > 0 AND NOT EXISTS (SELECT 1 FROM purge_guard)
    BEGIN SELECT RAISE(ABORT, 'a decided suggestion is deleted only by the retention purge'); END;
    CREATE TRIGGER suggestions_status_by_decision BEFORE UPDATE OF status ON suggestions
    WHEN NEW.status IS NOT OLD.status AND NEW.review_id = OLD.review_id
    BEGIN SELECT RAISE(ABORT, 'a status changes only with a recorded decision'); END;
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_key TEXT NOT NULL,
        structure_id INTEGER,
        profile_id INTEGER,
        before TEXT,
        after TEXT
    );
    CREATE INDEX audit_structure ON audit(structure_id, id);
    CREATE INDEX audit_profile ON audit(profile_id);
    CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    WHEN NOT EXISTS (SELECT 1 FROM purge_guard)
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TABLE pool (
        id INTEGER PRIMARY KEY,
        profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
        code TEXT NOT NULL,
        note TEXT,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (profile_id, code)
    );
    CREATE TABLE offer_occupations (
        offer_ref TEXT NOT NULL REFERENCES offers(offer_ref) ON DELETE CASCADE,
        code TEXT NOT NULL,
        PRIMARY KEY (offer_ref, code)
    );
    CREATE TABLE stats_archive (
        id INTEGER PRIMARY KEY,
        purged_at TEXT NOT NULL,
        structure_id INTEGER REFERENCES structures(id),
        metric TEXT NOT NULL CHECK (metric IN ('profiles', 'suggestions', 'decisions')),
        month TEXT NOT NULL,
        status TEXT,
        reason TEXT,
        n INTEGER NOT NULL
    );
    """,
    # 4: per-database secrets (sign the pair keys hidden in exported shortlists)
    """
    CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    """,
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """Row id of the row the INSERT run on ``cur`` wrote. The stubs type ``lastrowid`` as
    ``int | None``: None only before any INSERT on the cursor, never after one."""
    rowid = cur.lastrowid
    if rowid is None:
        raise RuntimeError("INSERT without a row id")
    return rowid


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def record_json(record: dict[str, Any], fields: Sequence[str]) -> str:
    """Canonical JSON of a record (only the canonical fields, in a fixed order)."""
    return json.dumps({f: _jsonable(record.get(f)) for f in fields}, ensure_ascii=False)


def _decode_record(text: str) -> dict[str, Any]:
    data = json.loads(text)
    for f in DATE_FIELDS:
        if data.get(f):
            try:
                data[f] = dt.date.fromisoformat(data[f])
            except (TypeError, ValueError):
                pass  # a value that could not be parsed at import stays text
    return data


def _statements(script: str) -> Iterator[str]:
    """The statements of a migration script; a trigger body's ``;`` does not end it."""
    buf = ""
    for part in script.split(";"):
        buf += part + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n\t;"):
                yield buf
            buf = ""


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, default=str)


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


@dataclass(frozen=True)
class PairState:
    """A stored suggestion as a decision sees it (read inside the decision's transaction)."""

    suggestion_id: int
    offer_ref: str
    profile_id: int
    profile_ref: str
    structure: str
    structure_id: int
    status: str
    reason: str | None
    comment: str | None
    review_id: int
    status_at: str | None
    status_by: str | None
    offer_status: str
    offer_version: int
    visible: bool  # the acting user may decide for this profile


@dataclass(frozen=True)
class DecisionWrite:
    """What a judge asks the store to record for one pair."""

    state: PairState
    status: str
    reason: str | None
    comment: str | None
    source: str


class PairKey(Protocol):
    offer_ref: str
    profile_ref: str
    structure: str | None


# What record_decisions is given and what its judge returns (review.Decision and review.Outcome:
# the store does not import the business rules).
_Request = TypeVar("_Request", bound=PairKey)
_Outcome = TypeVar("_Outcome")


# One lock per database file and process: threads of one process queue on it in order instead of
# polling SQLite's busy handler (which sleeps up to 100 ms between tries). Other processes are
# still serialised by BEGIN IMMEDIATE and the busy timeout.
_WRITE_LOCKS: dict[str, threading.Lock] = {}
_WRITE_LOCKS_GUARD = threading.Lock()


def _write_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _WRITE_LOCKS_GUARD:
        return _WRITE_LOCKS.setdefault(key, threading.Lock())


class Store:
    """The embedded database. One instance per process; connections are short-lived.

    Reads: ``offers``, ``profiles``, ``structures``, ``suggestions``, ``decisions``, ``audit``,
    ``pool``, ``statistics``, ``imports``, ``counts``, ``users``: each takes the acting user
    first and returns a DataFrame (or dict) filtered by that user's rights.
    Writes: ``save_offers``, ``save_profiles``, ``save_suggestions`` (imports and matching),
    ``record_decisions`` (used by :mod:`matcher.workflow.review`), ``pool_add``/``pool_remove``,
    ``set_offer_status``, ``insert_user``/``update_user``, ``purge``. Every change is audited.
    """

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

    # -- connection ---------------------------------------------------------------------------
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
                for statement in _statements(script):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {i}")

    def schema_version(self) -> int:
        with self.read() as conn:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])

    # -- access ---------------------------------------------------------------------------------
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

    @staticmethod
    def _audit(
        conn: sqlite3.Connection,
        actor: str,
        action: str,
        entity: str,
        key: str,
        *,
        structure_id: int | None = None,
        profile_id: int | None = None,
        before: Any = None,
        after: Any = None,
        at: str | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO audit (at, actor, action, entity, entity_key, structure_id, profile_id, "
            "before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (at or _now(), actor, action, entity, key, structure_id, profile_id, _dump(before),
             _dump(after)),
        )  # fmt: skip

    @staticmethod
    def _actor_login(user: User | str | None) -> str:
        if isinstance(user, User):
            return user.login
        return user or "système"

    # -- imports ------------------------------------------------------------------------------
    def _insert_import(
        self,
        conn: sqlite3.Connection,
        report: ImportReport,
        user: str,
        structure_id: int | None = None,
    ) -> int:
        cur = conn.execute(
            "INSERT INTO imports (kind, source, sha256, created_at, created_by, rows_read, "
            "rows_imported, rows_rejected, report, structure_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report.kind,
                report.source,
                report.sha256,
                _now(),
                user,
                report.rows_read,
                report.rows_imported,
                report.rows_rejected,
                json.dumps(report.to_dict(), ensure_ascii=False, default=str),
                structure_id,
            ),
        )
        return _inserted_id(cur)

    def save_offers(
        self, frame: pd.DataFrame, report: ImportReport, user: User | str | None = None
    ) -> dict[str, int]:
        """Insert new offers, update changed ones (history kept), in one transaction.
        Returns counts: created, updated, unchanged. Only the coordinator imports offers
        (``user`` given as a login string or None: an internal caller, full rights)."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        now = _now()
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
                else:
                    counts["unchanged"] += 1
            self._audit(conn, actor, "import", "offers", f"import {import_id}",
                        after={"source": report.source, **counts}, at=now)  # fmt: skip
        log.info("offers saved: %s", counts)
        return counts

    def _structure_id(self, conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM structures WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row["id"])
        return _inserted_id(conn.execute("INSERT INTO structures (name) VALUES (?)", (name,)))

    def save_profiles(
        self, frame: pd.DataFrame, report: ImportReport, user: User | str | None = None
    ) -> dict[str, int]:
        """Insert or update profiles (key: structure + identifier), in one transaction.

        A counsellor imports only their structure's profiles (any other row refuses the whole
        file, nothing stored). A profile present in an import counts as activity (retention)."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        now = _now()
        actor = self._actor_login(user)
        with self.write() as conn:
            if isinstance(user, User):
                scope = self._scope(conn, user)
                if scope.structure is not None and len(frame):
                    others = sorted(set(frame[F.STRUCTURE].astype(str)) - {scope.structure})
                    if others:
                        raise AccessDenied(
                            f"{report.source} : profils d'une autre structure ("
                            + ", ".join(f"« {o} »" for o in others)
                            + f") ; vous ne pouvez importer que ceux de « {scope.structure} »"
                        )
            names = sorted(set(frame[F.STRUCTURE].astype(str))) if len(frame) else []
            sids = {name: self._structure_id(conn, name) for name in names}
            import_id = self._insert_import(
                conn, report, actor, sids[names[0]] if len(names) == 1 else None
            )
            for rec in frame.to_dict("records"):
                sid = sids[str(rec[F.STRUCTURE])]
                ref = str(rec[F.PROFILE_REF])
                data = record_json(rec, F.PROFILE_FIELDS)
                old = conn.execute(
                    "SELECT id, data FROM profiles WHERE structure_id = ? AND profile_ref = ?",
                    (sid, ref),
                ).fetchone()
                if old is None:
                    conn.execute(
                        "INSERT INTO profiles (structure_id, profile_ref, data, import_id, "
                        "created_at, updated_at, last_activity) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (sid, ref, data, import_id, now, now, now),
                    )
                    counts["created"] += 1
                elif old["data"] != data:
                    conn.execute(
                        "UPDATE profiles SET data = ?, import_id = ?, updated_at = ?, "
                        "last_activity = ? WHERE id = ?",
                        (data, import_id, now, now, old["id"]),
                    )
                    counts["updated"] += 1
                else:
                    conn.execute(
                        "UPDATE profiles SET last_activity = ? WHERE id = ?", (now, old["id"])
                    )
                    counts["unchanged"] += 1
            for name, sid in sids.items():
                self._audit(conn, actor, "import", "profiles", f"import {import_id} / {name}",
                            structure_id=sid, after={"source": report.source, **counts},
                            at=now)  # fmt: skip
        log.info("profiles saved: %s", counts)
        return counts

    def imports(self, user: User) -> pd.DataFrame:
        """Imports with their counts: all for the coordinator; for a counsellor, the offer
        imports and their own structure's profile imports."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT i.id, i.kind, i.source, i.created_at, i.created_by, s.name AS structure, "
                "i.rows_read, i.rows_imported, i.rows_rejected FROM imports i "
                "LEFT JOIN structures s ON s.id = i.structure_id "
                "WHERE ? IS NULL OR i.kind = 'offers' OR i.structure_id = ? ORDER BY i.id",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        columns = ["id", "kind", "source", "created_at", "created_by", F.STRUCTURE, "rows_read",
                   "rows_imported", "rows_rejected"]  # fmt: skip
        return pd.DataFrame([dict(r) for r in rows], columns=columns)

    def import_report(self, user: User, import_id: int) -> dict[str, Any]:
        """The stored report of one import the user may see (see :meth:`imports`)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            row = conn.execute(
                "SELECT report FROM imports WHERE id = ? AND "
                "(? IS NULL OR kind = 'offers' OR structure_id = ?)",
                (import_id, scope.structure_id, scope.structure_id),
            ).fetchone()
        if row is None:
            raise UserError(f"import n° {import_id} introuvable")
        return json.loads(row["report"])

    # -- remembered mappings ------------------------------------------------------------------
    def remember_mapping(
        self, kind: str, signature: str, mapping: Mapping[str, str | None]
    ) -> None:
        """Remember the mapping the user confirmed for a header (None: column left out)."""
        with self.write() as conn:
            conn.execute(
                "INSERT INTO mappings (kind, signature, mapping, confirmed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (kind, signature) DO UPDATE SET mapping = excluded.mapping, "
                "confirmed_at = excluded.confirmed_at",
                (kind, signature, json.dumps(dict(mapping), ensure_ascii=False), _now()),
            )

    def remembered_mappings(self, kind: str) -> dict[str, dict[str, str | None]]:
        with self.read() as conn:
            rows = conn.execute(
                "SELECT signature, mapping FROM mappings WHERE kind = ?", (kind,)
            ).fetchall()
        return {r["signature"]: json.loads(r["mapping"]) for r in rows}

    # -- reading offers and profiles ----------------------------------------------------------
    def offers(self, user: User, status: str | None = "open") -> pd.DataFrame:
        """Offers as a canonical frame (plus ``status`` and ``offer_version``), by reference.

        ``status``: "open" (default), "closed" or None for both. A counsellor sees every open
        offer, and the closed ones that were suggested for their people."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT o.offer_ref, o.status, o.version, o.data FROM offers o "
                "WHERE (? IS NULL OR o.status = ?) AND (? IS NULL OR o.status = 'open' OR EXISTS ("
                "  SELECT 1 FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
                "  WHERE g.offer_ref = o.offer_ref AND p.structure_id = ?)) "
                "ORDER BY o.offer_ref",
                (status, status, scope.structure_id, scope.structure_id),
            ).fetchall()
        records = [
            {**_decode_record(r["data"]), F.STATUS: r["status"], F.OFFER_VERSION: r["version"]}
            for r in rows
        ]
        return pd.DataFrame(records, columns=[*F.OFFER_FIELDS, F.STATUS, F.OFFER_VERSION])

    def profiles(self, user: User, structure: str | None = None) -> pd.DataFrame:
        """Profiles as a canonical frame, ordered by structure and identifier. The coordinator
        gets them in pseudonymous form (``COORDINATOR_HIDDEN_PROFILE_FIELDS`` left out)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sid = self._structure_filter(conn, scope, structure)
            rows = conn.execute(
                "SELECT p.data FROM profiles p JOIN structures s ON s.id = p.structure_id "
                "WHERE ? IS NULL OR p.structure_id = ? ORDER BY s.name, p.profile_ref",
                (sid, sid),
            ).fetchall()
        columns = list(F.PROFILE_FIELDS)
        if not scope.full_profiles:
            columns = [c for c in columns if c not in COORDINATOR_HIDDEN_PROFILE_FIELDS]
        records = [_decode_record(r["data"]) for r in rows]
        return pd.DataFrame(records, columns=list(F.PROFILE_FIELDS))[columns]

    def structures(self, user: User) -> list[str]:
        """Names of the structures the user may see (a counsellor: their own)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT name FROM structures WHERE ? IS NULL OR id = ? ORDER BY name",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        return [r["name"] for r in rows]

    # -- suggestions --------------------------------------------------------------------------
    def save_suggestions(
        self,
        suggestions: pd.DataFrame,
        settings: dict[str, Any],
        *,
        ranked_offers: Sequence[str] | None = None,
        offer_codes: Mapping[str, Sequence[str]] | None = None,
        user: User | str | None = None,
    ) -> int:
        """Store a matching run, in one transaction. Returns the run id.

        A pair already stored keeps its status and decision (never reset, never duplicated);
        its score snapshot is refreshed. With ``ranked_offers`` (the offers this run ranked),
        undecided pairs of those offers that the run no longer suggests are removed, so the
        lists stay current; decided pairs always stay. ``offer_codes`` (offer -> occupation
        codes used by the run) feed the pool look-up."""
        now = _now()
        actor = self._actor_login(user)
        with self.write() as conn:
            run_id = _inserted_id(
                conn.execute(
                    "INSERT INTO match_runs (created_at, settings, n_suggestions) VALUES (?, ?, ?)",
                    (now, json.dumps(settings, ensure_ascii=False, default=str), len(suggestions)),
                )
            )
            ids = {
                (r["name"], r["profile_ref"]): r["id"]
                for r in conn.execute(
                    "SELECT s.name, p.profile_ref, p.id FROM profiles p "
                    "JOIN structures s ON s.id = p.structure_id"
                )
            }
            versions = {
                r["offer_ref"]: r["version"]
                for r in conn.execute("SELECT offer_ref, version FROM offers")
            }
            stored = 0
            for rec in suggestions.to_dict("records"):
                pid = ids.get((rec[F.STRUCTURE], str(rec[F.PROFILE_REF])))
                if pid is None or rec[F.OFFER_REF] not in versions:
                    continue
                components = json.dumps(
                    {c: _jsonable(rec.get(c)) for c in SNAPSHOT_FIELDS}, ensure_ascii=False
                )
                conn.execute(
                    "INSERT INTO suggestions (offer_ref, profile_id, run_id, rank, score, "
                    "components, reasons, offer_version, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (offer_ref, profile_id) DO UPDATE SET run_id = excluded.run_id, "
                    "rank = excluded.rank, score = excluded.score, components = excluded.components, "
                    "reasons = excluded.reasons, offer_version = excluded.offer_version, "
                    "updated_at = excluded.updated_at",
                    (
                        rec[F.OFFER_REF],
                        pid,
                        run_id,
                        int(rec[F.RANK]),
                        float(rec[F.SCORE]),
                        components,
                        json.dumps(_jsonable(list(rec[F.REASONS])), ensure_ascii=False),
                        versions[rec[F.OFFER_REF]],
                        now,
                        now,
                    ),
                )
                stored += 1
            removed = 0
            if ranked_offers is not None:
                for ref in ranked_offers:
                    removed += conn.execute(
                        "DELETE FROM suggestions WHERE offer_ref = ? AND review_id = 0 "
                        "AND run_id <> ?",
                        (ref, run_id),
                    ).rowcount
            if offer_codes is not None:
                for ref, codes in offer_codes.items():
                    if ref not in versions:
                        continue
                    conn.execute("DELETE FROM offer_occupations WHERE offer_ref = ?", (ref,))
                    conn.executemany(
                        "INSERT OR IGNORE INTO offer_occupations (offer_ref, code) VALUES (?, ?)",
                        [(ref, str(c).upper()) for c in codes if c],
                    )
            self._audit(conn, actor, "match", "run", f"calcul {run_id}",
                        after={"suggestions": stored, "retirees": removed}, at=now)  # fmt: skip
        return run_id

    _SUGGESTION_SQL = (
        "SELECT g.id, g.offer_ref, p.profile_ref, s.name AS structure, g.rank, g.score, "
        "g.components, g.reasons, g.status, g.status_at, g.status_by, g.reason, g.comment, "
        "g.review_id, o.status AS offer_status, o.version AS offer_version, "
        "CASE WHEN g.review_id > 0 THEN o.version > g.status_offer_version "
        "     ELSE o.version > g.offer_version END AS offer_changed, "
        "g.run_id = (SELECT MAX(id) FROM match_runs) AS in_latest_run, "
        "EXISTS (SELECT 1 FROM pool v JOIN offer_occupations oc ON oc.offer_ref = g.offer_ref "
        "        AND substr(oc.code, 1, length(v.code)) = v.code "
        "        WHERE v.profile_id = g.profile_id) AS in_pool, "
        "g.updated_at "
        "FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
        "JOIN structures s ON s.id = p.structure_id JOIN offers o ON o.offer_ref = g.offer_ref "
    )
    SUGGESTION_COLUMNS: tuple[str, ...] = (
        F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE, F.RANK, F.SCORE, *SNAPSHOT_FIELDS,
        F.REASONS, F.STATUS, F.STATUS_AT, F.STATUS_BY, F.REASON, F.COMMENT, F.REVIEW_ID,
        F.OFFER_STATUS, F.OFFER_VERSION, F.OFFER_CHANGED, F.IN_LATEST_RUN, F.IN_POOL,
        F.UPDATED_AT,
    )  # fmt: skip

    def suggestions(
        self,
        user: User,
        offer_ref: str | None = None,
        structure: str | None = None,
        *,
        profile_ref: str | None = None,
        status: str | Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Stored suggestions the user may see, with their current decision.

        One row per pair: score snapshot and components, reasons, ``status`` (with who decided
        and when, ``reason`` and ``comment``), the offer's current status and version,
        ``offer_changed`` (the offer changed since the suggestion or its decision),
        ``in_latest_run``, ``in_pool`` (the profile is in its counsellor's pool for this kind of
        job). Ordered by offer, pool first, then best score. A counsellor sees their structure's
        pairs only; asking for another structure is refused."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sid = self._structure_filter(conn, scope, structure)
            sql = self._SUGGESTION_SQL + "WHERE (? IS NULL OR p.structure_id = ?)"
            args: list[Any] = [sid, sid]
            if offer_ref is not None:
                sql += " AND g.offer_ref = ?"
                args.append(offer_ref)
            if profile_ref is not None:
                sql += " AND p.profile_ref = ?"
                args.append(profile_ref)
            if status is not None:
                wanted = [status] if isinstance(status, str) else list(status)
                sql += f" AND g.status IN ({', '.join('?' * len(wanted)) or 'NULL'})"
                args += wanted
            # People who cannot reach the job come after every reachable one (issue 13).
            sql += (" ORDER BY g.offer_ref, in_pool DESC, "
                    "COALESCE(json_extract(g.components, '$.to_discuss'), 0), g.score DESC, "
                    "s.name, p.profile_ref")  # fmt: skip
            rows = conn.execute(sql, args).fetchall()
        records = []
        for r in rows:
            rec = dict(r)
            rec.pop("id")
            rec.update(json.loads(rec.pop("components")))
            rec[F.REASONS] = json.loads(rec[F.REASONS])
            for flag in (F.OFFER_CHANGED, F.IN_LATEST_RUN, F.IN_POOL):
                rec[flag] = bool(rec[flag])
            records.append(rec)
        return pd.DataFrame(records, columns=list(self.SUGGESTION_COLUMNS))

    # -- decisions ------------------------------------------------------------------------------
    _PAIR_SQL = (
        "SELECT g.id AS suggestion_id, g.offer_ref, g.profile_id, p.profile_ref, "
        "s.name AS structure, p.structure_id, g.status, g.reason, g.comment, g.review_id, "
        "g.status_at, g.status_by, o.status AS offer_status, o.version AS offer_version "
        "FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
        "JOIN structures s ON s.id = p.structure_id JOIN offers o ON o.offer_ref = g.offer_ref "
        "WHERE g.offer_ref = ? AND p.profile_ref = ?"
    )

    def record_decisions(
        self,
        user: User,
        requests: Sequence[_Request],
        judge: Callable[[_Request, list[PairState]], tuple[_Outcome, DecisionWrite | None]],
    ) -> list[_Outcome]:
        """Record a batch of decisions in ONE transaction (all or nothing on a crash).

        For each request, the stored pairs with that offer and profile reference (and structure,
        when given) are read inside the transaction, each marked ``visible`` when the user may
        decide for it, and handed to ``judge`` (the business rules of :mod:`matcher.workflow.review`),
        which returns an outcome (kept as is) and what to write, if anything. Each write adds a
        review (append-only), updates the pair's current status and the profile's activity,
        and appends to the audit log. Returns the outcomes in order."""
        outcomes: list[_Outcome] = []
        with self.write() as conn:
            scope = self._scope(conn, user)
            for req in requests:
                sql, args = self._PAIR_SQL, [req.offer_ref, req.profile_ref]
                if req.structure:
                    sql += " AND s.name = ?"
                    args.append(req.structure)
                states = [
                    PairState(**dict(r), visible=scope.sees(r["structure_id"]))
                    for r in conn.execute(sql, args).fetchall()
                ]
                outcome, write = judge(req, states)
                if write is not None:
                    if not write.state.visible:
                        raise AccessDenied("décision refusée : profil d'une autre structure")
                    self._write_decision(conn, scope, write)
                outcomes.append(outcome)
        return outcomes

    def _write_decision(self, conn: sqlite3.Connection, scope: Scope, w: DecisionWrite) -> None:
        now = _now()
        st = w.state
        review_id = _inserted_id(
            conn.execute(
                "INSERT INTO reviews (suggestion_id, status, previous_status, reason, comment, "
                "offer_version, decided_at, decided_by, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (st.suggestion_id, w.status, st.status, w.reason, w.comment, st.offer_version,
                 now, scope.actor, w.source),
            )
        )  # fmt: skip
        conn.execute(
            "UPDATE suggestions SET status = ?, status_at = ?, status_by = ?, reason = ?, "
            "comment = ?, status_offer_version = ?, review_id = ? WHERE id = ?",
            (w.status, now, scope.actor, w.reason, w.comment, st.offer_version, review_id,
             st.suggestion_id),
        )  # fmt: skip
        conn.execute("UPDATE profiles SET last_activity = ? WHERE id = ?", (now, st.profile_id))
        self._audit(
            conn, scope.actor, "decision", "suggestion",
            f"{st.offer_ref} / {st.structure} / {st.profile_ref}",
            structure_id=st.structure_id, profile_id=st.profile_id,
            before={"status": st.status, "reason": st.reason, "comment": st.comment},
            after={"status": w.status, "reason": w.reason, "comment": w.comment,
                   "source": w.source, "review": review_id},
            at=now,
        )  # fmt: skip

    def decisions(
        self,
        user: User,
        offer_ref: str | None = None,
        structure: str | None = None,
        *,
        profile_ref: str | None = None,
    ) -> pd.DataFrame:
        """Every recorded decision (history, oldest first) the user may see."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sid = self._structure_filter(conn, scope, structure)
            sql = (
                "SELECT r.id AS review_id, r.decided_at, r.decided_by, g.offer_ref, "
                "p.profile_ref, s.name AS structure, r.previous_status, r.status, r.reason, "
                "r.comment, r.offer_version, r.source FROM reviews r "
                "JOIN suggestions g ON g.id = r.suggestion_id "
                "JOIN profiles p ON p.id = g.profile_id JOIN structures s ON s.id = p.structure_id "
                "WHERE (? IS NULL OR p.structure_id = ?)"
            )
            args: list[Any] = [sid, sid]
            if offer_ref is not None:
                sql += " AND g.offer_ref = ?"
                args.append(offer_ref)
            if profile_ref is not None:
                sql += " AND p.profile_ref = ?"
                args.append(profile_ref)
            rows = conn.execute(sql + " ORDER BY r.id", args).fetchall()
        columns = [F.REVIEW_ID, "decided_at", "decided_by", F.OFFER_REF, F.PROFILE_REF,
                   F.STRUCTURE, "previous_status", F.STATUS, F.REASON, F.COMMENT,
                   F.OFFER_VERSION, F.SOURCE]  # fmt: skip
        return pd.DataFrame([dict(r) for r in rows], columns=columns)

    # -- audit ------------------------------------------------------------------------------------
    def audit(
        self, user: User, *, action: str | None = None, limit: int | None = None
    ) -> pd.DataFrame:
        """The audit log, oldest first (the last ``limit`` entries if given). A counsellor sees
        the entries about their structure only; ``before``/``after`` are decoded JSON."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sql = (
                "SELECT a.id, a.at, a.actor, a.action, a.entity, a.entity_key, "
                "s.name AS structure, a.before, a.after FROM audit a "
                "LEFT JOIN structures s ON s.id = a.structure_id "
                "WHERE (? IS NULL OR a.structure_id = ?)"
            )
            args: list[Any] = [scope.structure_id, scope.structure_id]
            if action is not None:
                sql += " AND a.action = ?"
                args.append(action)
            sql += " ORDER BY a.id DESC"
            if limit is not None:
                sql += " LIMIT ?"
                args.append(int(limit))
            rows = conn.execute(sql, args).fetchall()
        records = []
        for r in reversed(rows):
            rec = dict(r)
            for k in ("before", "after"):
                rec[k] = json.loads(rec[k]) if rec[k] is not None else None
            records.append(rec)
        columns = ["id", "at", "actor", "action", "entity", "entity_key", F.STRUCTURE,
                   "before", "after"]  # fmt: skip
        return pd.DataFrame(records, columns=columns)

    # -- offers' status -------------------------------------------------------------------------
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
            now = _now()
            conn.execute(
                "UPDATE offers SET status = ?, updated_at = ? WHERE offer_ref = ?",
                (status, now, offer_ref),
            )
            self._audit(conn, scope.actor, "offer_status", "offer", offer_ref,
                        before={"status": row["status"]}, after={"status": status}, at=now)  # fmt: skip
        return True

    # -- pool ("vivier") ------------------------------------------------------------------------
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

    def pool_add(
        self,
        user: User,
        profile_ref: str,
        code: str,
        *,
        structure: str | None = None,
        note: str | None = None,
    ) -> bool:
        """Keep a profile in the pool for a kind of job (``code``: a ROME code such as N1103,
        or a prefix: professional domain N11, family N). Returns False if already there."""
        with self.write() as conn:
            scope = self._scope(conn, user)
            prof = self._visible_profile(conn, scope, profile_ref, structure)
            now = _now()
            cur = conn.execute(
                "INSERT INTO pool (profile_id, code, note, added_by, added_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (profile_id, code) DO NOTHING",
                (prof["id"], code, note, scope.actor, now),
            )
            if cur.rowcount == 0:
                return False
            conn.execute("UPDATE profiles SET last_activity = ? WHERE id = ?", (now, prof["id"]))
            self._audit(conn, scope.actor, "pool_add", "pool",
                        f"{prof['structure']} / {profile_ref} / {code}",
                        structure_id=prof["structure_id"], profile_id=prof["id"],
                        after={"code": code, "note": note}, at=now)  # fmt: skip
        return True

    def pool_remove(
        self, user: User, profile_ref: str, code: str, *, structure: str | None = None
    ) -> bool:
        """Take a profile out of the pool for ``code``. Returns False if it was not there."""
        with self.write() as conn:
            scope = self._scope(conn, user)
            prof = self._visible_profile(conn, scope, profile_ref, structure)
            row = conn.execute(
                "SELECT note FROM pool WHERE profile_id = ? AND code = ?", (prof["id"], code)
            ).fetchone()
            if row is None:
                return False
            conn.execute("DELETE FROM pool WHERE profile_id = ? AND code = ?", (prof["id"], code))
            self._audit(conn, scope.actor, "pool_remove", "pool",
                        f"{prof['structure']} / {profile_ref} / {code}",
                        structure_id=prof["structure_id"], profile_id=prof["id"],
                        before={"code": code, "note": row["note"]})  # fmt: skip
        return True

    def pool(self, user: User, structure: str | None = None) -> pd.DataFrame:
        """Pool entries the user may see: structure, profile_ref, pool_code, note, who, when."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            sid = self._structure_filter(conn, scope, structure)
            rows = conn.execute(
                "SELECT s.name AS structure, p.profile_ref, v.code AS pool_code, v.note, "
                "v.added_by, v.added_at FROM pool v JOIN profiles p ON p.id = v.profile_id "
                "JOIN structures s ON s.id = p.structure_id "
                "WHERE ? IS NULL OR p.structure_id = ? ORDER BY s.name, p.profile_ref, v.code",
                (sid, sid),
            ).fetchall()
        columns = [F.STRUCTURE, F.PROFILE_REF, F.POOL_CODE, "note", "added_by", "added_at"]
        return pd.DataFrame([dict(r) for r in rows], columns=columns)

    # -- statistics and counts ----------------------------------------------------------------
    def statistics(self, user: User) -> pd.DataFrame:
        """Anonymous counts that survive the retention purge: per structure, month of creation
        (YYYY-MM), metric ("profiles", "suggestions" by current status and reason, "decisions"
        by status decided), ``n``. Live data and the purge archive are added up."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT structure, month, metric, status, reason, SUM(n) AS n FROM ("
                "  SELECT p.structure_id AS sid, substr(p.created_at, 1, 7) AS month, "
                "    'profiles' AS metric, NULL AS status, NULL AS reason, COUNT(*) AS n "
                "    FROM profiles p GROUP BY 1, 2 "
                "  UNION ALL SELECT p.structure_id, substr(g.created_at, 1, 7), 'suggestions', "
                "    g.status, g.reason, COUNT(*) FROM suggestions g "
                "    JOIN profiles p ON p.id = g.profile_id GROUP BY 1, 2, 4, 5 "
                "  UNION ALL SELECT p.structure_id, substr(g.created_at, 1, 7), 'decisions', "
                "    r.status, r.reason, COUNT(*) FROM reviews r "
                "    JOIN suggestions g ON g.id = r.suggestion_id "
                "    JOIN profiles p ON p.id = g.profile_id GROUP BY 1, 2, 4, 5 "
                "  UNION ALL SELECT structure_id, month, metric, status, reason, n "
                "    FROM stats_archive"
                ") t JOIN (SELECT id, name AS structure FROM structures) s ON s.id = t.sid "
                "WHERE ? IS NULL OR t.sid = ? "
                "GROUP BY structure, month, metric, status, reason "
                "ORDER BY structure, month, metric, status, reason",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        columns = [F.STRUCTURE, "month", "metric", F.STATUS, F.REASON, "n"]
        return pd.DataFrame([dict(r) for r in rows], columns=columns)

    def latest_settings(self) -> dict[str, Any] | None:
        """The settings of the last matching run (shown in the exported workbooks)."""
        with self.read() as conn:
            row = conn.execute(
                "SELECT settings FROM match_runs ORDER BY id DESC LIMIT 1"
            ).fetchone()
        return json.loads(row["settings"]) if row else None

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

    def counts(self, user: User | None = None) -> dict[str, int]:
        """Row counts the user may see (offers: open ones for a counsellor). Without a user:
        raw table counts, for internal checks."""
        if user is None:
            with self.read() as conn:
                return {
                    t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                    for t in ("offers", "profiles", "structures", "suggestions", "imports",
                              "reviews", "audit", "users", "pool")
                }  # fmt: skip
        return {
            "offers": len(self.offers(user)),
            "profiles": len(self.profiles(user)),
            "structures": len(self.structures(user)),
            "suggestions": len(self.suggestions(user)),
            "imports": len(self.imports(user)),
        }

    # -- users --------------------------------------------------------------------------------
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
    ) -> User:
        """Create an account (see :func:`matcher.auth.add_user`, which validates first)."""
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
            now = _now()
            uid = _inserted_id(
                conn.execute(
                    "INSERT INTO users (login, role, structure_id, password_hash, "
                    "external_subject, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (login, role.value, sid, password_hash, external_subject, now, scope.actor),
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
            now = _now()
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
                self._audit(conn, scope.actor, "user_disable" if disabled else "user_enable",
                            "user", login, structure_id=row["structure_id"],
                            before={"disabled_at": row["disabled_at"]},
                            after={"disabled_at": value}, at=now)  # fmt: skip

    def users(self, user: User) -> pd.DataFrame:
        """Accounts (login, role, structure, created, disabled); coordinator only."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            self._require_coordinator(scope, "liste des comptes")
            rows = conn.execute(
                "SELECT u.login, u.role, s.name AS structure, u.created_at, u.created_by, "
                "u.disabled_at, u.external_subject IS NOT NULL AS external FROM users u "
                "LEFT JOIN structures s ON s.id = u.structure_id ORDER BY u.login"
            ).fetchall()
        columns = ["login", "role", F.STRUCTURE, "created_at", "created_by", "disabled_at",
                   "external"]  # fmt: skip
        return pd.DataFrame([dict(r) for r in rows], columns=columns)

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
        return bool(row and row["locked_until"] and row["locked_until"] > _now())

    def record_login(self, login: str, *, ok: bool, known: bool) -> None:
        """Count failures (lock after ``MAX_FAILED_LOGINS`` in a row), reset on success; both
        audited."""
        now = _now()
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

    # -- retention ------------------------------------------------------------------------------
    _STALE = "SELECT id FROM profiles WHERE last_activity < ?"

    def purge(self, user: User, cutoff: dt.datetime, *, dry_run: bool = False) -> dict[str, Any]:
        """Remove the profiles with no activity since ``cutoff`` (import, decision, pool), with
        their suggestions, decisions, pool entries and the audit entries about them, in one
        transaction. Anonymous counts are archived first (see :meth:`statistics`). Coordinator
        only. Returns what was (or, with ``dry_run``, would be) removed, by structure."""
        limit = cutoff.astimezone(dt.UTC).isoformat(timespec="seconds")
        now = _now()
        with self.write() as conn:
            scope = self._scope(conn, user)
            self._require_coordinator(scope, "purge des données anciennes")
            stale = self._STALE
            per_structure = {
                r["name"]: r["n"]
                for r in conn.execute(
                    f"SELECT s.name, COUNT(*) AS n FROM profiles p JOIN structures s "
                    f"ON s.id = p.structure_id WHERE p.id IN ({stale}) GROUP BY s.name "
                    "ORDER BY s.name",
                    (limit,),
                )
            }

            def count(sql: str) -> int:
                return int(conn.execute(sql, (limit,)).fetchone()[0])

            report: dict[str, Any] = {
                "cutoff": limit,
                "profiles": sum(per_structure.values()),
                "by_structure": per_structure,
                "suggestions": count(
                    f"SELECT COUNT(*) FROM suggestions WHERE profile_id IN ({stale})"
                ),
                "decisions": count(
                    "SELECT COUNT(*) FROM reviews r JOIN suggestions g ON g.id = r.suggestion_id "
                    f"WHERE g.profile_id IN ({stale})"
                ),
                "pool": count(f"SELECT COUNT(*) FROM pool WHERE profile_id IN ({stale})"),
                "audit": count(f"SELECT COUNT(*) FROM audit WHERE profile_id IN ({stale})"),
                "dry_run": dry_run,
            }
            if dry_run or not report["profiles"]:
                return report
            conn.execute(
                "INSERT INTO stats_archive (purged_at, structure_id, metric, month, status, "
                "reason, n) SELECT ?, structure_id, 'profiles', substr(created_at, 1, 7), NULL, "
                f"NULL, COUNT(*) FROM profiles WHERE id IN ({stale}) GROUP BY 2, 4",
                (now, limit),
            )
            conn.execute(
                "INSERT INTO stats_archive (purged_at, structure_id, metric, month, status, "
                "reason, n) SELECT ?, p.structure_id, 'suggestions', substr(g.created_at, 1, 7), "
                "g.status, g.reason, COUNT(*) FROM suggestions g JOIN profiles p "
                f"ON p.id = g.profile_id WHERE p.id IN ({stale}) GROUP BY 2, 4, 5, 6",
                (now, limit),
            )
            conn.execute(
                "INSERT INTO stats_archive (purged_at, structure_id, metric, month, status, "
                "reason, n) SELECT ?, p.structure_id, 'decisions', substr(g.created_at, 1, 7), "
                "r.status, r.reason, COUNT(*) FROM reviews r JOIN suggestions g "
                "ON g.id = r.suggestion_id JOIN profiles p ON p.id = g.profile_id "
                f"WHERE p.id IN ({stale}) GROUP BY 2, 4, 5, 6",
                (now, limit),
            )
            # The guard row lets the append-only triggers accept these deletions; it is removed
            # before the commit, so outside this transaction the guard table is always empty.
            conn.execute("INSERT INTO purge_guard (id) VALUES (1)")
            conn.execute(f"DELETE FROM audit WHERE profile_id IN ({stale})", (limit,))
            conn.execute(f"DELETE FROM profiles WHERE id IN ({stale})", (limit,))
            conn.execute("DELETE FROM purge_guard")
            self._audit(conn, scope.actor, "purge", "profiles", f"inactifs avant {limit}",
                        after={k: v for k, v in report.items() if k != "dry_run"}, at=now)  # fmt: skip
        log.info("purge: %s", report)
        return report

    # -- occupation referential (issue 4) ---------------------------------------------------
    def save_referential(self, referential) -> dict[str, int]:
        """Replace the stored referential by ``referential`` (a matcher.referential.Referential),
        in one transaction. Returns the counts stored."""
        r = referential
        definitions = dict(zip(r.texts["code"], r.texts["text"], strict=True))
        codes = r.codes.drop_duplicates("code")
        known = set(codes["code"])
        skills = r.skills.drop_duplicates(["code", "skill"])
        kinds = skills["kind"] if "kind" in skills else pd.Series("", index=skills.index)
        close = r.close[r.close["code"].isin(known) & r.close["close_code"].isin(known)]
        titles = r.titles[r.titles["code"].isin(known)].drop_duplicates(["code", "title"])
        counts = {"codes": len(codes), "titles": len(titles), "skills": len(skills),
                  "close": len(close.drop_duplicates()), "texts": len(definitions)}  # fmt: skip
        with self.write() as conn:
            for table in ("rome_close", "rome_skills", "rome_titles", "rome_codes",
                          "referential_meta"):  # fmt: skip
                conn.execute(f"DELETE FROM {table}")
            conn.executemany(
                "INSERT INTO rome_codes (code, label, domain, sector, definition) "
                "VALUES (?, ?, ?, ?, ?)",
                [(c, lab, d or c[:3], sec or "", definitions.get(c, ""))
                 for c, lab, d, sec in zip(codes["code"], codes["label"], codes["domain"],
                                          codes["sector"], strict=True)],
            )  # fmt: skip
            conn.executemany(
                "INSERT INTO rome_titles (code, title) VALUES (?, ?)",
                zip(titles["code"], titles["title"], strict=True),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO rome_skills (code, skill, core, kind) VALUES (?, ?, ?, ?)",
                [(c, sk, int(bool(core)), k or "")
                 for c, sk, core, k in zip(skills["code"], skills["skill"], skills["core"], kinds,
                                           strict=True) if c in known],
            )  # fmt: skip
            conn.executemany(
                "INSERT OR IGNORE INTO rome_close (code, close_code) VALUES (?, ?)",
                zip(close["code"], close["close_code"], strict=True),
            )
            conn.execute(
                "INSERT INTO referential_meta (id, source, loaded_at, counts) VALUES (1, ?, ?, ?)",
                (r.source, _now(), json.dumps(counts)),
            )
        log.info("referential %s stored: %s", r.source, counts)
        return counts

    def referential_stamp(self) -> str | None:
        """Source and load time of the stored referential, or None when none is stored."""
        with self.read() as conn:
            row = conn.execute("SELECT source, loaded_at FROM referential_meta").fetchone()
        return None if row is None else f"{row['source']} @ {row['loaded_at']}"

    def referential_info(self) -> dict[str, Any] | None:
        """Source, load time and counts of the stored referential (None when none)."""
        with self.read() as conn:
            row = conn.execute("SELECT source, loaded_at, counts FROM referential_meta").fetchone()
        if row is None:
            return None
        return {"source": row["source"], "loaded_at": row["loaded_at"], **json.loads(row["counts"])}

    def referential_frames(self) -> dict[str, Any] | None:
        """The stored referential as the keyword arguments of matcher.referential.Referential
        (codes, titles, skills, close, source, texts), or None when none is stored."""
        with self.read() as conn:
            meta = conn.execute("SELECT source FROM referential_meta").fetchone()
            if meta is None:
                return None

            def frame(sql: str) -> pd.DataFrame:
                return pd.read_sql_query(sql, conn)

            codes = frame("SELECT code, label, domain, sector, definition FROM rome_codes "
                          "ORDER BY code")  # fmt: skip
            titles = frame("SELECT code, title FROM rome_titles ORDER BY code, title")
            skills = frame("SELECT code, skill, core, kind FROM rome_skills ORDER BY code, skill")
            close = frame("SELECT code, close_code FROM rome_close ORDER BY code, close_code")
        skills["core"] = skills["core"].astype(bool)
        texts = codes.loc[codes["definition"] != "", ["code", "definition"]].rename(
            columns={"definition": "text"}
        )
        return {
            "codes": codes.drop(columns="definition"),
            "titles": titles,
            "skills": skills,
            "close": close,
            "source": meta["source"],
            "texts": texts.reset_index(drop=True),
        }

    # -- communes (issue 4) -------------------------------------------------------------------
    def save_communes(self, frame: pd.DataFrame, source: str) -> int:
        """Replace the stored communes by ``frame`` (code_insee, nom, code_postal, ligne_5,
        latitude, longitude), in one transaction. Returns the number of rows stored."""
        cols = ["code_insee", "nom", "code_postal", "ligne_5", "latitude", "longitude"]
        f = frame.reindex(columns=cols)
        f["ligne_5"] = f["ligne_5"].fillna("")
        rows = [
            (str(i), str(n), str(p), str(l5),
             None if pd.isna(la) else float(la), None if pd.isna(lo) else float(lo))
            for i, n, p, l5, la, lo in f.itertuples(index=False, name=None)
        ]  # fmt: skip
        with self.write() as conn:
            conn.execute("DELETE FROM communes")
            conn.execute("DELETE FROM communes_meta")
            conn.executemany(
                "INSERT INTO communes (code_insee, nom, code_postal, ligne_5, latitude, longitude) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.execute(
                "INSERT INTO communes_meta (id, source, loaded_at, rows) VALUES (1, ?, ?, ?)",
                (source, _now(), len(rows)),
            )
        return len(rows)

    def communes_stamp(self) -> str | None:
        with self.read() as conn:
            row = conn.execute("SELECT source, loaded_at FROM communes_meta").fetchone()
        return None if row is None else f"{row['source']} @ {row['loaded_at']}"

    def communes_frame(self) -> pd.DataFrame | None:
        """The stored communes (None when none were loaded)."""
        with self.read() as conn:
            if conn.execute("SELECT 1 FROM communes_meta").fetchone() is None:
                return None
            return pd.read_sql_query(
                "SELECT code_insee, nom, code_postal, ligne_5, latitude, longitude FROM communes "
                "ORDER BY id",
                conn,
                dtype={"code_insee": str, "code_postal": str},
            )

    # -- dashboard (issue 8) --------------------------------------------------------------------
    def offer_facts(self, user: User) -> pd.DataFrame:
        """One row per offer the user may see (open or closed, same rule as :meth:`offers`):
        ``offer_ref``, ``created_at`` (first import, ISO UTC) and ``occ_codes`` (the occupation
        codes the latest matching used for it, a list; empty before any matching). For the
        dashboard's filters and indicators (sector, month)."""
        with self.read() as conn:
            scope = self._scope(conn, user)
            rows = conn.execute(
                "SELECT o.offer_ref, o.created_at, "
                "(SELECT group_concat(code, ' ') FROM (SELECT code FROM offer_occupations oc "
                " WHERE oc.offer_ref = o.offer_ref ORDER BY code)) AS codes FROM offers o "
                "WHERE ? IS NULL OR o.status = 'open' OR EXISTS ("
                "  SELECT 1 FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
                "  WHERE g.offer_ref = o.offer_ref AND p.structure_id = ?) "
                "ORDER BY o.offer_ref",
                (scope.structure_id, scope.structure_id),
            ).fetchall()
        records = [
            {F.OFFER_REF: r["offer_ref"], "created_at": r["created_at"],
             F.OCC_CODES: r["codes"].split() if r["codes"] else []}
            for r in rows
        ]  # fmt: skip
        return pd.DataFrame(records, columns=[F.OFFER_REF, "created_at", F.OCC_CODES])

    def latest_run(self, user: User) -> dict[str, Any] | None:
        """The latest matching run: id, created_at (ISO UTC), settings (dict), n_suggestions;
        None before the first run. Any active user may read it (no personal data)."""
        with self.read() as conn:
            self._scope(conn, user)
            row = conn.execute(
                "SELECT id, created_at, settings, n_suggestions FROM match_runs "
                "ORDER BY id DESC LIMIT 1"
            ).fetchone()
        if row is None:
            return None
        return {**dict(row), "settings": json.loads(row["settings"])}

    def data_version(self) -> int:
        """A number that grows with every change of the data (every change is audited): a key
        for caches of data read through this store. It reveals nothing else."""
        with self.read() as conn:
            return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0])

    # -- integrity ------------------------------------------------------------------------------
    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` and foreign keys: an empty list when all is well."""
        with self.read() as conn:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check")]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        problems = [p for p in problems if p != "ok"]
        return problems + [f"clé étrangère rompue : {tuple(r)}" for r in fk]
