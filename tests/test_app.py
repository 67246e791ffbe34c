"""AppTest of the dashboard: seed a database, open the pages, assert what they show."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages._state import USER
from matcher import auth
from matcher import fields as F
from matcher.importer import ImportReport
from matcher.ranking import rank
from matcher.store import Store

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def seeded_db(tmp_path, monkeypatch):
    db = tmp_path / "app.sqlite3"
    monkeypatch.setenv("MATCHER_DB", str(db))
    store = Store(db)
    offers = pd.DataFrame({
        F.OFFER_REF: ["BUS-001", "BUS-002"], F.EMPLOYER: ["Propreté Artois", "Logistique B"],
        F.TITLE: ["Agent(e) de propreté H/F", "Cariste H/F"], F.COMMUNE: ["Béthune", "Lillers"],
        F.SKILLS: ["autolaveuse; nettoyage des sols", "CACES R489 cat 3"],
    })  # fmt: skip
    profiles = pd.DataFrame({
        F.PROFILE_REF: ["EI-01", "EI-02"], F.STRUCTURE: ["EI Artois", "EI Artois"],
        F.TARGET_JOBS: ["agent d'entretien", "cariste"], F.COMMUNE: ["Beuvry", "Lillers"],
        F.SKILLS: ["autolaveuse, nettoyage des sols", "CACES R489 cat 3"],
    })  # fmt: skip
    store.save_offers(offers, ImportReport(kind="offers", source="o.xlsx"))
    store.save_profiles(profiles, ImportReport(kind="profiles", source="p.csv"))
    store.save_suggestions(rank(offers, profiles), {})
    return db


COORDINATOR = auth.User("coordination", auth.Role.COORDINATOR)


def _page(name: str, user: auth.User | None = COORDINATOR) -> AppTest:
    """A page with ``user`` logged in (accounts are created in the page's database)."""
    from matcher.paths import default_db_path
    from matcher.store import Store

    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=30)
    if user is not None:
        store = Store(default_db_path())
        if store.user_record(user.login) is None:
            auth.add_user(store, auth.SYSTEM, user.login, user.role, structure=user.structure,
                          password="une phrase de passe de test")  # fmt: skip
        at.session_state[USER] = user
    return at


def test_offers_page_lists_offers(seeded_db):
    at = _page("offres.py").run()
    assert not at.exception
    assert at.title[0].value == "Offres"
    table = at.dataframe[0].value
    assert table[F.OFFER_REF].tolist() == ["BUS-001", "BUS-002"]
    # Each offer keeps the person whose job matches; the other one (no shared word, skill or
    # job) scores under min_score with the tuned weights (issue 5).
    assert table["suggestions"].tolist() == [1, 1]
    assert "2 offres ouvertes" in at.caption[0].value


def test_matches_page_shows_ranked_profiles_with_reasons(seeded_db):
    at = _page("correspondances.py").run()
    assert not at.exception
    at.selectbox[0].select("BUS-002").run()
    labels = [m.label for m in at.metric]
    assert labels[0] == "n° 1 – EI-02"
    reasons = " ".join(md.value for md in at.markdown)
    assert "Métier visé identique (N1101" in reasons


def test_empty_database_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHER_DB", str(tmp_path / "empty.sqlite3"))
    at = _page("offres.py").run()
    assert not at.exception
    assert "Aucune offre : importez un fichier d'offres" in at.info[0].value


def test_pages_ask_for_a_login_first(seeded_db):
    from matcher.store import Store

    auth.add_user(Store(seeded_db), auth.SYSTEM, "coordination", "coordinator",
                  password="une phrase de passe de test")  # fmt: skip
    at = _page("offres.py", user=None).run()
    assert not at.exception
    assert at.title[0].value == "Connexion" and not at.dataframe
    at.text_input[0].input("coordination")
    at.text_input[1].input("mauvais mot de passe")
    at.button[0].click().run()
    assert "identifiant ou mot de passe incorrect" in at.error[0].value
    assert not at.dataframe
    at.text_input[1].input("une phrase de passe de test")
    at.button[0].click().run()
    assert at.title[0].value == "Offres"
    assert at.dataframe[0].value[F.OFFER_REF].tolist() == ["BUS-001", "BUS-002"]
