"""The store: pragmas and migrations, imports with history, append-only rules enforced by the
database itself, re-matching that never loses a decision, disk full, retention purge."""

import datetime as dt
import sqlite3

import pandas as pd
import pytest

from matcher import fields as F
from matcher.errors import AccessDenied, UserError
from matcher.intake.report import ImportReport
from matcher.store.database import Store
from matcher.store.migrations import MIGRATIONS
from matcher.workflow import auth, review
from matcher.workflow.service import parse_age, purge_inactive

from .review_world import STRUCTURE_A, STRUCTURE_B, offers_frame, profiles_frame, suggestions_frame

pytestmark = pytest.mark.both_backends  # the store fixtures on SQLite and PostgreSQL

SYSTEM = auth.SYSTEM


def _offers(title="Agent d'entretien"):
    return pd.DataFrame({F.OFFER_REF: ["O1", "O2"], F.TITLE: [title, "Cariste"],
                         F.EMPLOYER: ["A", "B"], F.COMMUNE: ["Béthune", "Lillers"]})  # fmt: skip


def _profiles():
    return pd.DataFrame({F.PROFILE_REF: ["P1", "P1"], F.STRUCTURE: ["EI A", "ACI B"],
                         F.TARGET_JOBS: ["agent d'entretien", "cariste"]})  # fmt: skip


def test_engine_settings_and_schema_version(store):
    if store.engine == "sqlite":
        with store.read() as conn:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
            assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
            triggers = conn.execute(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0]  # fmt: skip
    else:
        with store.read() as conn:
            assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == len(
                MIGRATIONS)  # fmt: skip
            triggers = conn.execute(
                "SELECT COUNT(*) FROM pg_trigger WHERE NOT tgisinternal").fetchone()[0]  # fmt: skip
            # Text sorts byte-wise, as on SQLite, whatever the database's locale.
            assert conn.execute(
                "SELECT collation_name FROM information_schema.columns "
                "WHERE table_name = 'offers' AND column_name = 'offer_ref'").fetchone()[0] == "C"  # fmt: skip
    assert triggers == 6  # the append-only rules of migration 3
    assert store.schema_version() == len(MIGRATIONS) >= 2


def test_migration_from_first_schema_keeps_data(tmp_path):
    """A database made by the skeleton (schema 1) upgrades in place, statuses kept."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    conn.executescript("""
        INSERT INTO structures (id, name) VALUES (1, 'EI A');
        INSERT INTO offers (offer_ref, title, data, created_at, updated_at)
            VALUES ('O1', 'Cariste', '{}', '2025-01-01', '2025-01-01');
        INSERT INTO profiles (id, structure_id, profile_ref, data, created_at, updated_at,
            last_activity) VALUES (1, 1, 'P1', '{}', '2025-01-01', '2025-01-01', '2025-01-01');
        INSERT INTO match_runs (id, created_at, settings, n_suggestions) VALUES (1, 'x', '{}', 1);
        INSERT INTO suggestions (offer_ref, profile_id, run_id, rank, score, components, reasons,
            offer_version, status, created_at, updated_at)
            VALUES ('O1', 1, 1, 1, 0.8, '{}', '[]', 1, 'retained', 'x', 'x');
    """)
    conn.close()
    store = Store(path)
    assert store.schema_version() == len(MIGRATIONS)
    rows = store.suggestions(SYSTEM)
    assert rows[F.STATUS].tolist() == ["retained"] and rows[F.REVIEW_ID].tolist() == [0]
    Store(path)  # opening again applies nothing more
    assert store.schema_version() == len(MIGRATIONS)


def test_newer_schema_is_refused_in_french(tmp_path):
    path = tmp_path / "new.sqlite3"
    Store(path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(UserError, match="version plus récente"):
        Store(path)


def test_reimport_updates_and_keeps_history(store):
    r = ImportReport(kind="offers", source="a.xlsx")
    assert store.save_offers(_offers(), r) == {"created": 2, "updated": 0, "unchanged": 0}
    assert store.save_offers(_offers(), r) == {"created": 0, "updated": 0, "unchanged": 2}
    assert store.save_offers(_offers("Agent de propreté"), r) == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
    }
    offers = store.offers(SYSTEM)
    assert len(offers) == 2
    assert offers.set_index(F.OFFER_REF).at["O1", F.TITLE] == "Agent de propreté"
    assert offers.set_index(F.OFFER_REF).at["O1", F.OFFER_VERSION] == 2
    with store.read() as conn:
        hist = conn.execute("SELECT version, before, after FROM offer_history").fetchall()
    assert len(hist) == 1 and hist[0]["version"] == 2
    assert "Agent d'entretien" in hist[0]["before"] and "Agent de propreté" in hist[0]["after"]
    assert store.counts()["imports"] == 3
    assert store.audit(SYSTEM, action="import")["after"].map(lambda a: a["updated"]).tolist() == [
        0,
        0,
        1,
    ]


def test_same_identifier_in_two_structures_are_two_profiles(store):
    store.save_profiles(_profiles(), ImportReport(kind="profiles", source="p.csv"))
    assert len(store.profiles(SYSTEM)) == 2
    assert store.profiles(SYSTEM, structure="EI A")[F.TARGET_JOBS].tolist() == ["agent d'entretien"]


def test_failed_write_leaves_nothing(store):
    bad = _offers().assign(**{F.TITLE: [None, "Cariste"]})  # NOT NULL violated on row 1
    with pytest.raises(store.backend.IntegrityError):
        store.save_offers(bad, ImportReport(kind="offers", source="bad.xlsx"))
    assert store.counts()["offers"] == 0 and store.counts()["imports"] == 0
    assert store.counts()["audit"] == 0


@pytest.mark.parametrize(
    "sql, message",
    [
        ("UPDATE audit SET actor = 'x'", "append-only"),
        ("DELETE FROM audit", "append-only"),
        ("UPDATE reviews SET status = 'hired'", "append-only"),
        ("DELETE FROM reviews", "retention purge"),
        ("DELETE FROM suggestions WHERE review_id > 0", "retention purge"),
        ("UPDATE suggestions SET status = 'suggested' WHERE review_id > 0", "recorded decision"),
    ],
)
def test_database_refuses_to_lose_decisions_or_audit(world, sql, message):
    """Whatever code runs, the database keeps decisions and the audit trail."""
    review.decide(world.store, world.counsellor_a, "BUS-001", "A1", "retained")
    with (
        pytest.raises(world.store.backend.DatabaseError, match=message),
        world.store.write() as conn,
    ):
        conn.execute(sql)
    assert len(world.store.decisions(SYSTEM)) == 1
    assert world.store.suggestions(SYSTEM, offer_ref="BUS-001", profile_ref="A1",
                                   structure=STRUCTURE_A)[F.STATUS].tolist() == ["retained"]  # fmt: skip


def test_rematch_keeps_decisions_refreshes_snapshot_and_prunes_undecided(world):
    store = world.store
    review.decide(store, world.counsellor_a, "BUS-001", "A1", "retained")
    review.decide(store, world.counsellor_b, "BUS-001", "B1", "rejected", "mobility")
    # The new run suggests only A2 and B2 for BUS-001, with new scores.
    new = suggestions_frame([("BUS-001", STRUCTURE_A, "A2"), ("BUS-001", STRUCTURE_B, "B2")], 0.9)
    store.save_suggestions(new, {}, ranked_offers=["BUS-001"])
    rows = store.suggestions(SYSTEM, offer_ref="BUS-001").set_index(F.PROFILE_REF)
    # Decided pairs stay (not in the latest run), undecided ones not suggested any more go.
    assert sorted(rows.index) == ["A1", "A2", "B1", "B2"]
    assert rows.at["A1", F.STATUS] == "retained" and not rows.at["A1", F.IN_LATEST_RUN]
    assert rows.at["B1", F.STATUS] == "rejected" and rows.at["B1", F.REASON] == "mobility"
    assert rows.at["A2", F.SCORE] == pytest.approx(0.899) and rows.at["A2", F.IN_LATEST_RUN]
    # Other offers were not ranked by this run: untouched.
    assert len(store.suggestions(SYSTEM, offer_ref="BUS-002")) == 6


class _LimitedStore(Store):
    """A SQLite store whose file may not grow past ``max_pages`` pages: a full disk."""

    max_pages = 0

    def __init__(self, path):
        super().__init__(path)
        connect = self.backend._connect

        def limited():
            conn = connect()
            if self.max_pages:
                conn.execute(f"PRAGMA max_page_count = {self.max_pages}")
            return conn

        self.backend._connect = limited


def test_disk_full_gives_a_french_error_and_writes_nothing(tmp_path):
    from .review_world import build_world

    store = _LimitedStore(tmp_path / "full.sqlite3")
    build_world(store)
    before = store.counts()
    with store.read() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    store.max_pages = pages + 3
    big = offers_frame([f"BIG-{i:05d}" for i in range(3000)], title="Préparateur " * 20)
    with pytest.raises(UserError, match=r"disque plein.*rien n'a été enregistré"):
        store.save_offers(big, ImportReport(kind="offers", source="gros.xlsx"))
    profiles = profiles_frame(STRUCTURE_A, [f"X{i}" for i in range(3000)])
    with pytest.raises(UserError, match="disque plein"):
        store.save_profiles(profiles, ImportReport(kind="profiles", source="gros.csv"))
    assert store.counts() == before
    assert store.integrity_check() == []
    # Once there is room again, the same import goes through whole.
    store.max_pages = 0
    assert (
        store.save_offers(big, ImportReport(kind="offers", source="gros.xlsx"))["created"] == 3000
    )


def test_disk_full_during_a_batch_of_decisions_keeps_none(tmp_path):
    from .review_world import build_world

    store = _LimitedStore(tmp_path / "full.sqlite3")
    world = build_world(store, n_offers=40)
    with store.read() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
    store.max_pages = pages + 1
    long_comment = "Entretien prévu, à confirmer avec l'employeur. " * 40
    batch = [review.Decision(o, p, "retained", comment=long_comment, structure=s)
             for o, s, p in world.pairs()]  # fmt: skip
    with pytest.raises(UserError, match="disque plein"):
        review.apply_decisions(store, world.coordinator, batch)
    store.max_pages = 0
    assert store.decisions(SYSTEM).empty
    assert set(store.suggestions(SYSTEM)[F.STATUS]) == {"suggested"}
    assert store.integrity_check() == []


# -- retention --------------------------------------------------------------------------------
NOW = dt.datetime(2026, 3, 31, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("24m", dt.datetime(2024, 3, 31, 12, 0, tzinfo=dt.UTC)),
        ("18m", dt.datetime(2024, 9, 30, 12, 0, tzinfo=dt.UTC)),  # 31 Sept does not exist
        ("1m", dt.datetime(2026, 2, 28, 12, 0, tzinfo=dt.UTC)),
        ("2y", dt.datetime(2024, 3, 31, 12, 0, tzinfo=dt.UTC)),
        ("3 ans", dt.datetime(2023, 3, 31, 12, 0, tzinfo=dt.UTC)),
        ("90d", dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.UTC)),
        ("90j", dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.UTC)),
        ("6 mois", dt.datetime(2025, 9, 30, 12, 0, tzinfo=dt.UTC)),
    ],
)
def test_parse_age(text, expected):
    assert parse_age(text, NOW) == expected


@pytest.mark.parametrize("text", ["24", "m", "0m", "-3m", "24 semaines", ""])
def test_parse_age_refuses_in_french(text):
    with pytest.raises(UserError, match=r"durée .* invalide"):
        parse_age(text, NOW)


def _age_profiles(store, refs, when="2023-01-01T00:00:00+00:00"):
    with store.write() as conn:
        conn.executemany(
            "UPDATE profiles SET last_activity = ?, created_at = ? WHERE profile_ref = ?",
            [(when, when, r) for r in refs],
        )


def test_purge_removes_inactive_profiles_and_keeps_anonymous_counts(world):
    store = world.store
    review.decide(store, world.counsellor_a, "BUS-001", "A1", "retained")
    review.decide(store, world.counsellor_a, "BUS-001", "A1", "proposed")
    review.decide(store, world.counsellor_a, "BUS-002", "A1", "rejected", "skills",
                  "contact : jean.dupont@example.org")  # fmt: skip
    review.decide(store, world.counsellor_a, "BUS-001", "A2", "hired")
    review.keep_in_pool(store, world.counsellor_a, "A1", "K22")
    _age_profiles(store, ["A1", "B1"])  # inactive for three years
    stats_before = store.statistics(SYSTEM)
    audit_before = len(store.audit(SYSTEM))

    with pytest.raises(AccessDenied, match="réservé"):
        purge_inactive(store, world.counsellor_a, "24m")
    preview = purge_inactive(store, world.coordinator, "24m", dry_run=True)
    assert preview["profiles"] == 2 and store.counts()["profiles"] == 6

    report = purge_inactive(store, world.coordinator, "24m")
    assert report["profiles"] == 2
    assert report["by_structure"] == {STRUCTURE_B: 1, STRUCTURE_A: 1}
    assert report["suggestions"] == 6  # 3 offers x 2 profiles
    assert report["decisions"] == 3 and report["pool"] == 1
    assert report["audit"] == 4  # 3 decisions + 1 pool entry about A1
    remaining = store.profiles(SYSTEM)
    assert sorted(zip(remaining[F.STRUCTURE], remaining[F.PROFILE_REF], strict=True)) == sorted(
        [(STRUCTURE_A, "A2"), (STRUCTURE_A, "P1"), (STRUCTURE_B, "B2"), (STRUCTURE_B, "P1")]
    )
    assert store.suggestions(SYSTEM, profile_ref="A1").empty
    assert set(store.decisions(SYSTEM)[F.PROFILE_REF]) == {"A2"}
    assert store.pool(SYSTEM).empty
    audit = store.audit(SYSTEM)
    assert not audit["entity_key"].str.contains("/ A1").any()
    assert "jean.dupont" not in audit.to_json()
    assert len(audit) == audit_before - 4 + 1 and audit.iloc[-1]["action"] == "purge"
    # Statistics are the same numbers after the purge, now partly from the archive.
    pd.testing.assert_frame_equal(store.statistics(SYSTEM), stats_before)
    assert store.integrity_check() == []
    with store.read() as conn:
        assert conn.execute("SELECT COUNT(*) FROM purge_guard").fetchone()[0] == 0


def test_activity_keeps_a_profile_from_the_purge(world):
    store = world.store
    _age_profiles(store, ["A1", "A2"])
    review.decide(store, world.counsellor_a, "BUS-001", "A1", "retained")  # recent activity
    # A2 is sent again in a new import: still accompanied.
    store.save_profiles(profiles_frame(STRUCTURE_A, ["A2"]), ImportReport(kind="profiles",
                                                                        source="p.xlsx"))  # fmt: skip
    assert purge_inactive(store, world.coordinator, "24m")["profiles"] == 0


def test_people_to_discuss_come_after_every_reachable_one(store):
    """The order of an offer's suggestions reads the JSON snapshot (each engine its way): pool
    first, then reachable people by score, then those « à discuter »."""
    store.save_offers(offers_frame(["O1"]), ImportReport(kind="offers", source="o.xlsx"))
    store.save_profiles(profiles_frame(STRUCTURE_A, ["P1", "P2", "P3"]),
                        ImportReport(kind="profiles", source="p.xlsx"))  # fmt: skip
    frame = suggestions_frame([("O1", STRUCTURE_A, p) for p in ("P1", "P2", "P3")])
    frame[F.TO_DISCUSS] = [True, False, None]  # P1 has the best score but cannot reach the job
    store.save_suggestions(frame, {})
    rows = store.suggestions(SYSTEM, offer_ref="O1")
    assert rows[F.PROFILE_REF].tolist() == ["P2", "P3", "P1"]
    assert rows[F.TO_DISCUSS].tolist() == [False, None, True]
