"""Shared fixtures: paths of the bundled and shared reference data, a fresh store."""

from __future__ import annotations

from pathlib import Path

import pytest

from matcher.paths import OFFICIAL_ROME_DIR as ROME_DIR
from matcher.paths import SHARED_DATA_DIR as SHARED

ROOT = Path(__file__).resolve().parents[1]
COMMUNES_FILE = SHARED / "communes" / "communes_59_62_laposte.csv"
SAMPLE_DIR = ROOT / "data" / "sample"


@pytest.fixture
def store(tmp_path):
    from matcher.store.database import Store

    return Store(tmp_path / "test.sqlite3")


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
