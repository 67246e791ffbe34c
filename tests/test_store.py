"""The store keeps imports, offers with history, profiles and suggestions, and never resets a
decision when the matching is re-run."""

import sqlite3

import pandas as pd

from matcher import fields as F
from matcher.importer import ImportReport


def _offers(title="Agent d'entretien"):
    return pd.DataFrame({F.OFFER_REF: ["O1", "O2"], F.TITLE: [title, "Cariste"],
                         F.EMPLOYER: ["A", "B"], F.COMMUNE: ["Béthune", "Lillers"]})  # fmt: skip


def _profiles():
    return pd.DataFrame({F.PROFILE_REF: ["P1", "P1"], F.STRUCTURE: ["EI A", "ACI B"],
                         F.TARGET_JOBS: ["agent d'entretien", "cariste"]})  # fmt: skip


def test_pragmas_and_schema_version(store):
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_reimport_updates_and_keeps_history(store):
    r = ImportReport(kind="offers", source="a.xlsx")
    assert store.save_offers(_offers(), r) == {"created": 2, "updated": 0, "unchanged": 0}
    assert store.save_offers(_offers(), r) == {"created": 0, "updated": 0, "unchanged": 2}
    assert store.save_offers(_offers("Agent de propreté"), r) == {
        "created": 0,
        "updated": 1,
        "unchanged": 1,
    }
    offers = store.offers()
    assert len(offers) == 2
    assert offers.set_index(F.OFFER_REF).at["O1", F.TITLE] == "Agent de propreté"
    with store.read() as conn:
        hist = conn.execute("SELECT version, before, after FROM offer_history").fetchall()
    assert len(hist) == 1 and hist[0]["version"] == 2
    assert "Agent d'entretien" in hist[0]["before"] and "Agent de propreté" in hist[0]["after"]
    assert store.counts()["imports"] == 3


def test_same_identifier_in_two_structures_are_two_profiles(store):
    store.save_profiles(_profiles(), ImportReport(kind="profiles", source="p.csv"))
    assert len(store.profiles()) == 2
    assert store.profiles(structure="EI A")[F.TARGET_JOBS].tolist() == ["agent d'entretien"]


def test_failed_write_leaves_nothing(store):
    bad = _offers().assign(**{F.TITLE: [None, "Cariste"]})  # NOT NULL violated on row 1
    try:
        store.save_offers(bad, ImportReport(kind="offers", source="bad.xlsx"))
    except sqlite3.IntegrityError:
        pass
    assert store.counts()["offers"] == 0 and store.counts()["imports"] == 0


def test_rematch_keeps_status(store):
    store.save_offers(_offers(), ImportReport(kind="offers", source="o.xlsx"))
    store.save_profiles(_profiles(), ImportReport(kind="profiles", source="p.csv"))
    sugg = pd.DataFrame({F.OFFER_REF: ["O1"], F.PROFILE_REF: ["P1"], F.STRUCTURE: ["EI A"],
                         F.RANK: [1], F.SCORE: [0.8], F.S_TEXT: [0.5], F.S_SKILLS: [0.5],
                         F.S_OCCUPATION: [1.0], F.S_COMMUTE: [1.0], F.S_CONSTRAINTS: [1.0],
                         F.DISTANCE_KM: [3.0], F.REASONS: [["Métier visé identique"]]})  # fmt: skip
    store.save_suggestions(sugg, {})
    with store.write() as conn:
        conn.execute("UPDATE suggestions SET status = 'retained'")
    store.save_suggestions(sugg.assign(**{F.SCORE: [0.7]}), {})
    stored = store.suggestions()
    assert len(stored) == 1
    assert stored.iloc[0]["status"] == "retained"
    assert stored.iloc[0][F.SCORE] == 0.7
    assert stored.iloc[0][F.REASONS] == ["Métier visé identique"]
