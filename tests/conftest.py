"""Shared fixtures: paths of the bundled and shared reference data, a fresh store on each
backend (SQLite file, PostgreSQL database of the session's throw-away cluster)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from matcher.paths import OFFICIAL_ROME_DIR as ROME_DIR
from matcher.paths import SHARED_DATA_DIR as SHARED

from . import pg_cluster

ROOT = Path(__file__).resolve().parents[1]
COMMUNES_FILE = SHARED / "communes" / "communes_59_62_laposte.csv"
SAMPLE_DIR = ROOT / "data" / "sample"


BACKENDS = ["sqlite", "postgresql"]

# Property tests check properties, not speed: Hypothesis's per-example deadline (200 ms) is a
# timing assertion that fails on a loaded machine (speed is measured by benchmarks/).
hypothesis_settings.register_profile("circuit-court", deadline=None)
hypothesis_settings.load_profile("circuit-court")


def pytest_configure(config):
    """The controller (or a run without xdist) picks the folder of the session's PostgreSQL
    cluster; workers inherit it through the environment. The cluster itself is made on first
    use only."""
    if hasattr(config, "workerinput") or os.environ.get(pg_cluster.ROOT_ENV):
        return
    os.environ[pg_cluster.ROOT_ENV] = tempfile.mkdtemp(prefix="matcher-pg-session-")
    os.environ[pg_cluster.OWNER_ENV] = str(os.getpid())  # a watchdog cleans up if we are killed
    config.stash[_OWNS_CLUSTER] = True


def pytest_unconfigure(config):
    if not config.stash.get(_OWNS_CLUSTER, False):
        return
    root = Path(os.environ.pop(pg_cluster.ROOT_ENV))
    cluster = pg_cluster.Cluster.load(root / "cluster")
    if cluster is not None:
        cluster.stop()
    shutil.rmtree(root, ignore_errors=True)


_OWNS_CLUSTER = pytest.StashKey[bool]()


def require_postgres() -> None:
    """Skip (fail in CI, where the server must be there) when no server can be started."""
    reason = pg_cluster.missing_reason()
    if reason is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI : {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def pg_server() -> pg_cluster.Cluster:
    """The session's PostgreSQL cluster (started on first use)."""
    require_postgres()
    return pg_cluster.session_cluster(Path(os.environ[pg_cluster.ROOT_ENV]))


@pytest.fixture
def pg_url(pg_server):
    """A fresh database with the current schema (copied from the template), dropped after."""
    url = pg_cluster.new_database(pg_server)
    yield url
    pg_cluster.drop_database(pg_server, url)


def pytest_generate_tests(metafunc):
    """``db_target`` (and so ``store``, ``world``) runs on both backends in the modules marked
    ``both_backends`` (the store, review, access, concurrency, crash, auth tests), on SQLite
    alone elsewhere, to keep the suite short."""
    if "db_target" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_backends") is not None
        metafunc.parametrize("db_target", BACKENDS if both else BACKENDS[:1], indirect=True)


@pytest.fixture
def db_target(request, tmp_path) -> str:
    """A fresh database: a SQLite file path, or a PostgreSQL URL (see pytest_generate_tests)."""
    if request.param == "sqlite":
        return str(tmp_path / "test.sqlite3")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(db_target):
    from matcher.store.database import Store

    return Store(db_target)


@pytest.fixture
def rome_dir() -> Path:
    if not ROME_DIR.is_dir():
        pytest.skip("../shared/data/rome-v460 absent (référentiel officiel non disponible ici)")
    return ROME_DIR


@pytest.fixture(autouse=True)
def _fast_password_hashing(monkeypatch):
    """Light scrypt parameters in tests (the real ones cost ~0.5 s a hash on these machines);
    tests/test_auth.py checks the real parameters explicitly."""
    from matcher.workflow import auth

    monkeypatch.setattr(auth, "SCRYPT_N", 2**10)
    monkeypatch.setattr(auth, "SCRYPT_P", 1)


@pytest.fixture
def world(store):
    """A small store with offers, two structures, suggestions and three accounts."""
    from .review_world import build_world

    return build_world(store)


# The dashboard's AppTest world (tests/test_app_*.py).
from .app_world import dash, dash_empty, dash_template  # noqa: E402, F401
