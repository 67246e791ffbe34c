"""Store: all SQL of the product (SQLite by default), migrations, and who may see what.

Every write runs in one ``BEGIN IMMEDIATE`` transaction with a busy timeout, so an import or a
matching run is either fully stored or not at all. The schema is versioned: ``MIGRATIONS`` are
applied in order at start.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.errors import UserError
from matcher.importer import ImportReport

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 30_000
DATE_FIELDS = (F.START_DATE, F.AVAILABLE_FROM)

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
)


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


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


class Store:
    """The embedded database. One instance per process; connections are short-lived."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._migrate()

    # -- connection ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise UserError(f"{self.path} : base de données inaccessible ({exc})") from exc
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction: committed when the block ends, rolled back on
        any error."""
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as exc:
            if "full" in str(exc).lower():
                raise UserError(
                    f"{self.path} : disque plein, rien n'a été enregistré de cette opération"
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
                for statement in script.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {i}")

    # -- imports ------------------------------------------------------------------------------
    def _insert_import(
        self, conn: sqlite3.Connection, report: ImportReport, user: str | None
    ) -> int:
        cur = conn.execute(
            "INSERT INTO imports (kind, source, sha256, created_at, created_by, rows_read, "
            "rows_imported, rows_rejected, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        return int(cur.lastrowid)

    def save_offers(
        self, frame: pd.DataFrame, report: ImportReport, user: str | None = None
    ) -> dict[str, int]:
        """Insert new offers, update changed ones (history kept), in one transaction.
        Returns counts: created, updated, unchanged."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        now = _now()
        with self.write() as conn:
            import_id = self._insert_import(conn, report, user)
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
        log.info("offers saved: %s", counts)
        return counts

    def _structure_id(self, conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM structures WHERE name = ?", (name,)).fetchone()
        if row:
            return int(row["id"])
        return int(conn.execute("INSERT INTO structures (name) VALUES (?)", (name,)).lastrowid)

    def save_profiles(
        self, frame: pd.DataFrame, report: ImportReport, user: str | None = None
    ) -> dict[str, int]:
        """Insert or update profiles (key: structure + identifier), in one transaction."""
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        now = _now()
        with self.write() as conn:
            import_id = self._insert_import(conn, report, user)
            for rec in frame.to_dict("records"):
                sid = self._structure_id(conn, str(rec[F.STRUCTURE]))
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
                    counts["unchanged"] += 1
        log.info("profiles saved: %s", counts)
        return counts

    def imports(self) -> pd.DataFrame:
        with self.read() as conn:
            rows = conn.execute(
                "SELECT id, kind, source, created_at, rows_read, rows_imported, rows_rejected "
                "FROM imports ORDER BY id"
            ).fetchall()
        return pd.DataFrame([dict(r) for r in rows])

    # -- remembered mappings ------------------------------------------------------------------
    def remember_mapping(self, kind: str, signature: str, mapping: dict[str, str]) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO mappings (kind, signature, mapping, confirmed_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (kind, signature) DO UPDATE SET mapping = excluded.mapping, "
                "confirmed_at = excluded.confirmed_at",
                (kind, signature, json.dumps(mapping, ensure_ascii=False), _now()),
            )

    def remembered_mappings(self, kind: str) -> dict[str, dict[str, str]]:
        with self.read() as conn:
            rows = conn.execute(
                "SELECT signature, mapping FROM mappings WHERE kind = ?", (kind,)
            ).fetchall()
        return {r["signature"]: json.loads(r["mapping"]) for r in rows}

    # -- reading offers and profiles ----------------------------------------------------------
    def offers(self, status: str | None = "open") -> pd.DataFrame:
        """Offers as a canonical frame (plus ``status``), ordered by reference."""
        sql = "SELECT offer_ref, status, data FROM offers"
        args: tuple = ()
        if status:
            sql += " WHERE status = ?"
            args = (status,)
        with self.read() as conn:
            rows = conn.execute(sql + " ORDER BY offer_ref", args).fetchall()
        records = [{**_decode_record(r["data"]), "status": r["status"]} for r in rows]
        return pd.DataFrame(records, columns=[*F.OFFER_FIELDS, "status"])

    def profiles(self, structure: str | None = None) -> pd.DataFrame:
        """Profiles as a canonical frame, ordered by structure and identifier."""
        sql = (
            "SELECT s.name AS structure, p.profile_ref, p.data FROM profiles p "
            "JOIN structures s ON s.id = p.structure_id"
        )
        args: tuple = ()
        if structure:
            sql += " WHERE s.name = ?"
            args = (structure,)
        with self.read() as conn:
            rows = conn.execute(sql + " ORDER BY s.name, p.profile_ref", args).fetchall()
        records = [_decode_record(r["data"]) for r in rows]
        return pd.DataFrame(records, columns=list(F.PROFILE_FIELDS))

    def structures(self) -> list[str]:
        with self.read() as conn:
            return [r["name"] for r in conn.execute("SELECT name FROM structures ORDER BY name")]

    # -- suggestions --------------------------------------------------------------------------
    def save_suggestions(self, suggestions: pd.DataFrame, settings: dict[str, Any]) -> int:
        """Store a matching run. A pair already stored keeps its status (decisions are never
        reset); its score snapshot is refreshed. Returns the run id."""
        now = _now()
        with self.write() as conn:
            run_id = int(
                conn.execute(
                    "INSERT INTO match_runs (created_at, settings, n_suggestions) VALUES (?, ?, ?)",
                    (now, json.dumps(settings, ensure_ascii=False), len(suggestions)),
                ).lastrowid
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
            for rec in suggestions.to_dict("records"):
                pid = ids.get((rec[F.STRUCTURE], str(rec[F.PROFILE_REF])))
                if pid is None or rec[F.OFFER_REF] not in versions:
                    continue
                components = json.dumps(
                    {c: _jsonable(rec[c]) for c in (*F.COMPONENTS, F.DISTANCE_KM)}
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
                        json.dumps(rec[F.REASONS], ensure_ascii=False),
                        versions[rec[F.OFFER_REF]],
                        now,
                        now,
                    ),
                )
        return run_id

    def suggestions(
        self, offer_ref: str | None = None, structure: str | None = None
    ) -> pd.DataFrame:
        """Stored suggestions (latest snapshot of each pair), best first within each offer."""
        sql = (
            "SELECT g.offer_ref, p.profile_ref, s.name AS structure, g.rank, g.score, "
            "g.components, g.reasons, g.status, g.updated_at "
            "FROM suggestions g JOIN profiles p ON p.id = g.profile_id "
            "JOIN structures s ON s.id = p.structure_id WHERE 1 = 1"
        )
        args: list[Any] = []
        if offer_ref:
            sql += " AND g.offer_ref = ?"
            args.append(offer_ref)
        if structure:
            sql += " AND s.name = ?"
            args.append(structure)
        sql += " ORDER BY g.offer_ref, g.score DESC, p.profile_ref"
        with self.read() as conn:
            rows = conn.execute(sql, args).fetchall()
        records = []
        for r in rows:
            rec = dict(r)
            rec.update(json.loads(rec.pop("components")))
            rec[F.REASONS] = json.loads(rec[F.REASONS])
            records.append(rec)
        columns = [F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE, F.RANK, F.SCORE, *F.COMPONENTS,
                   F.DISTANCE_KM, F.REASONS, "status", "updated_at"]  # fmt: skip
        return pd.DataFrame(records, columns=columns)

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

    def counts(self) -> dict[str, int]:
        with self.read() as conn:
            return {
                t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("offers", "profiles", "structures", "suggestions", "imports")
            }
