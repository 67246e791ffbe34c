"""The versioned schema: ``MIGRATIONS`` are applied in order at start, each once, in its own
transaction (append new ones at the end, never edit one that has shipped). The same list
builds a SQLite file and a PostgreSQL database.

How to write a migration that works on both engines (the test suite applies every migration on
both, so a mistake shows at once):

- A plain string is SQL both engines run. Use ``INTEGER PRIMARY KEY`` for a table's own id
  (SQLite's row id; an identity column on PostgreSQL), ``INTEGER`` (64-bit on both), ``REAL``
  (double precision on both), ``TEXT`` (byte-wise comparison on both), ``BLOB`` (``BYTEA``);
  dates as ISO 8601 ``TEXT``, JSON as ``TEXT``, booleans as ``INTEGER`` 0/1 with a ``CHECK``.
  ``CREATE TABLE``, ``CREATE INDEX``, ``ALTER TABLE ... ADD COLUMN`` (one column per statement),
  ``REFERENCES ... ON DELETE CASCADE``, ``UNIQUE``, ``CHECK``, ``DEFAULT`` constants: all agree.
  Statements end with ``;``. No ``PRAGMA``, no ``AUTOINCREMENT``, no ``IF NOT EXISTS`` needed.
- A rule the database must enforce whatever code writes (append-only, "only with a decision")
  is a :class:`~matcher.store.backend.Refusal` in ``Migration(sql=..., refusals=(...))``: each
  engine renders its own trigger (``RAISE(ABORT)`` on SQLite, a PL/pgSQL function on
  PostgreSQL). Its condition may use ``OLD``, ``NEW`` and subqueries; write ``IS DISTINCT FROM``.
- Only when the engines cannot agree (a data fix using an engine's own function, say), put the
  two versions in ``Migration(sqlite=..., postgres=...)``; each is a script of statements
  (PostgreSQL bodies quoted with ``$body$ ... $body$``).
- Queries of the store follow the same rule: ``?`` placeholders, ``INSERT ... ON CONFLICT``,
  ``INSERT ... RETURNING id`` for a new row's id, ``CAST(? AS INTEGER) IS NULL OR ...`` for an
  optional filter, ``CAST(SUM(...) AS INTEGER)``, ``NULLS FIRST`` where NULLs are sorted,
  no ``INSERT OR IGNORE``, ``group_concat``, ``PRAGMA``.
"""

from __future__ import annotations

import logging

from matcher.store.backend import Migration, Refusal

log = logging.getLogger(__name__)

# Outside the retention purge's transaction the purge_guard table is empty.
_NO_PURGE = "NOT EXISTS (SELECT 1 FROM purge_guard)"

MIGRATIONS: tuple[str | Migration, ...] = (
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
    Migration(
        sql="""
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
        refusals=(
            Refusal("reviews_append_only", "reviews", "UPDATE", "reviews are append-only"),
            Refusal(
                "reviews_no_delete",
                "reviews",
                "DELETE",
                "reviews are deleted only by the retention purge",
                _NO_PURGE,
            ),
            Refusal(
                "suggestions_keep_decided",
                "suggestions",
                "DELETE",
                "a decided suggestion is deleted only by the retention purge",
                f"OLD.review_id > 0 AND {_NO_PURGE}",
            ),
            Refusal(
                "suggestions_status_by_decision",
                "suggestions",
                "UPDATE OF status",
                "a status changes only with a recorded decision",
                "NEW.status IS DISTINCT FROM OLD.status AND NEW.review_id = OLD.review_id",
            ),
            Refusal("audit_append_only", "audit", "UPDATE", "the audit log is append-only"),
            Refusal(
                "audit_no_delete", "audit", "DELETE", "the audit log is append-only", _NO_PURGE
            ),
        ),
    ),  # fmt: skip
    # 4: per-database secrets (sign the pair keys hidden in exported shortlists)
    """
    CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    """,
    # 5 (issue 17): the Busin'ESS day. Pairs marked « pour la journée »; the day's setup (hours,
    # tables, firms, business meetings: no personal data); each person's presence window;
    # the timetable (one row per request, placed or not, with the structure for the filter).
    """
    CREATE TABLE day_pairs (
        suggestion_id INTEGER PRIMARY KEY REFERENCES suggestions(id) ON DELETE CASCADE,
        marked_by TEXT NOT NULL,
        marked_at TEXT NOT NULL
    );
    CREATE TABLE day_setup (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        data TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    );
    CREATE TABLE day_people (
        profile_id INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
        arrival TEXT NOT NULL DEFAULT '',
        departure TEXT NOT NULL DEFAULT '',
        accompanied INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    );
    CREATE TABLE day_plans (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        stats TEXT NOT NULL
    );
    CREATE TABLE day_meetings (
        id INTEGER PRIMARY KEY,
        plan_id INTEGER NOT NULL REFERENCES day_plans(id) ON DELETE CASCADE,
        request TEXT NOT NULL,
        profile_id INTEGER REFERENCES profiles(id) ON DELETE CASCADE,
        structure_id INTEGER REFERENCES structures(id),
        slot INTEGER,
        data TEXT NOT NULL,
        UNIQUE (plan_id, request)
    );
    CREATE INDEX day_meetings_structure ON day_meetings(plan_id, structure_id);
    """,
    # 6 (issue 14): dashboard login sessions (hashes of signed tokens, see store/sessions.py);
    # a counsellor's phone and e-mail, given to firms with their shortlists
    """
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
    ALTER TABLE users ADD COLUMN phone TEXT;
    ALTER TABLE users ADD COLUMN email TEXT;
    """,
    # 7 (issue 15): the state of the last matching run (incremental re-matching; cleared by a purge)
    """
    CREATE TABLE match_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        created_at TEXT NOT NULL,
        data BLOB NOT NULL
    );
    """,
    # 8 (issue 13): the ROME 4.0 parent of each code (code_rome_parent: job families); '' = none given
    """
    ALTER TABLE rome_codes ADD COLUMN parent TEXT NOT NULL DEFAULT '';
    """,
)
