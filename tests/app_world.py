"""A small but real world for the dashboard's AppTest tests: offers and two structures' people
imported through the library from in-memory files, the matching run, three accounts.

Each person is written to fit one offer (same job, skills, nearby): A-01 and B-02 the cleaning
offer OFF-1, A-02 and B-03 the forklift offer OFF-2, A-03 and B-01 the gardening offer OFF-3;
tests decide on these pairs, which any sensible ranking suggests, and read the rest (counts,
ranks) from the store rather than hard-coding them.

Built once per test session (import + matching take a couple of seconds), then copied for each
test so that every test starts from the same state and may change it."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from matcher.store.database import Store
from matcher.workflow import auth, service
from matcher.workflow.auth import User

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "une phrase de passe de test"
STRUCTURE_A = "EI Artois Propreté"
STRUCTURE_B = "ACI Les Jardins"

OFFERS_CSV = """Réf.;Entreprise;Intitulé du poste;Compétences;Ville;CP;QPV;Type de contrat;Date de début;Nb postes
OFF-1;Propreté Artois;Agent(e) de propreté H/F;autolaveuse, nettoyage des sols;Béthune;62400;Mont-Liébaut;CDI;01/12/2026;2
OFF-2;Logistique Lys;Cariste H/F;CACES R489 cat 3, charger et décharger les camions;Lillers;62190;non;intérim;15/01/2027;1
OFF-3;Jardins de l'Artois;Jardinier paysagiste;tondre les pelouses, tailler les haies;Annezin;62232;;CDD;selon profil;1
"""
PROFILES_A = """Identifiant;Métier visé;Compétences;Commune;Code postal;Mobilité (km)
A-01;agent d'entretien;autolaveuse, nettoyage des sols;Beuvry;62660;15
A-02;cariste;CACES R489 cat 3;Lillers;62190;20
A-03;jardinier;tondre les pelouses;Béthune;62400;15
"""
PROFILES_B = """Identifiant;Métier visé;Compétences;Commune;Code postal;Mobilité (km)
B-01;jardinier paysagiste;tailler les haies, tondre les pelouses;Annezin;62232;15
B-02;agent de propreté;nettoyage des sols;Bruay-la-Buissière;62700;20
B-03;cariste;charger et décharger les camions;Béthune;62400;25
"""


@dataclass
class World:
    db: Path
    coordinator: User
    counsellor_a: User
    counsellor_b: User

    @property
    def store(self) -> Store:
        return Store(self.db)


def build(db: Path) -> None:
    store = Store(db)
    service.import_into_store(store, OFFERS_CSV.encode("utf-8"), "offres.csv", "offers")
    service.import_into_store(store, PROFILES_A.encode("utf-8"), "ei.csv", "profiles",
                              structure=STRUCTURE_A)  # fmt: skip
    service.import_into_store(store, PROFILES_B.encode("utf-8"), "aci.csv", "profiles",
                              structure=STRUCTURE_B)  # fmt: skip
    service.run_matching(store)
    auth.add_user(store, auth.SYSTEM, "coord", "coordinator", password=PASSWORD)
    auth.add_user(store, auth.SYSTEM, "cons-a", "counsellor", structure=STRUCTURE_A,
                  password=PASSWORD)  # fmt: skip
    auth.add_user(store, auth.SYSTEM, "cons-b", "counsellor", structure=STRUCTURE_B,
                  password=PASSWORD)  # fmt: skip
    store.close()


@pytest.fixture(scope="session")
def dash_template(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("app_world") / "template.sqlite3"
    build(db)
    return db


@pytest.fixture
def dash(dash_template, tmp_path, monkeypatch) -> World:
    db = tmp_path / "app.sqlite3"
    shutil.copy(dash_template, db)
    monkeypatch.setenv("MATCHER_DB", str(db))
    store = Store(db)
    return World(
        db,
        auth.get_user(store, "coord"),
        auth.get_user(store, "cons-a"),
        auth.get_user(store, "cons-b"),
    )


@pytest.fixture
def dash_empty(tmp_path, monkeypatch) -> Path:
    """An empty database with a coordinator and a counsellor (no offers, no profiles)."""
    db = tmp_path / "empty.sqlite3"
    monkeypatch.setenv("MATCHER_DB", str(db))
    store = Store(db)
    auth.add_user(store, auth.SYSTEM, "coord", "coordinator", password=PASSWORD)
    auth.add_user(store, auth.SYSTEM, "cons-a", "counsellor", structure=STRUCTURE_A,
                  password=PASSWORD)  # fmt: skip
    return db


def page(name: str, user: User) -> AppTest:
    """The page app_pages/``name`` as ``user`` reaches it: app.py run once (navigation of the
    user's role), then switched to that page (call ``.run()`` to render it)."""
    return app(user).run().switch_page(f"app_pages/{name}")


def standalone_page(name: str, user: User | None) -> AppTest:
    """One page file run on its own (to check what it does when reached without app.py)."""
    from app_pages._state import USER

    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=60)
    if user is not None:
        at.session_state[USER] = user
    return at


def app(user: User | None = None) -> AppTest:
    """The whole app (app.py: navigation by role)."""
    from app_pages._state import USER

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if user is not None:
        at.session_state[USER] = user
    return at


def texts(at: AppTest) -> str:
    """Every text shown on the page (markdown, captions, alerts, titles), for assertions."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success"):  # fmt: skip
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)
